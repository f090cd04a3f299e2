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
 * Marks a test class that starts a real etcd ({@link EtcdServer}, Debian's etcd-server).
 * Without the binary the class is skipped with one line saying why; in CI (CI=true) a
 * missing etcd fails instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresEtcd.Condition.class)
public @interface RequiresEtcd {

    final class Condition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (EtcdServer.installed()) {
                return ConditionEvaluationResult.enabled("etcd installed");
            }
            String why = "no etcd binary (" + EtcdServer.BINARY + "): apt-get install etcd-server";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI needs etcd and has none: " + why);
            }
            System.out.println("SKIPPED etcd-backed tests of " + context.getDisplayName() + ": " + why);
            return ConditionEvaluationResult.disabled(why);
        }
    }
}
