package haystack.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that starts a real ACME server ({@link Pebble}, Debian's pebble).
 * Without the binary the class is skipped with one line saying why; in CI (CI=true) a
 * missing pebble fails instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresPebble.Condition.class)
public @interface RequiresPebble {

    final class Condition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (Pebble.installed()) {
                return ConditionEvaluationResult.enabled("pebble installed");
            }
            String why = "no pebble binary (" + Pebble.BINARY + "): apt-get install pebble";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI needs pebble and has none: " + why);
            }
            System.out.println("SKIPPED pebble-backed tests of " + context.getDisplayName() + ": " + why);
            return ConditionEvaluationResult.disabled(why);
        }
    }
}
