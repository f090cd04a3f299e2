package haystack.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/** Decides once per run whether Docker-backed tests can run here; see {@link RequiresDocker}. */
public final class DockerCondition implements ExecutionCondition {

    private static volatile Boolean available;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("Docker engine reachable");
        }
        String why = "no Docker engine reachable (DOCKER_HOST=" + System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock") + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI needs a Docker engine and has none: " + why);
        }
        System.out.println("SKIPPED Docker-backed tests of " + context.getDisplayName() + ": " + why);
        return ConditionEvaluationResult.disabled(why);
    }

    public static boolean isDockerAvailable() {
        Boolean known = available;
        if (known == null) {
            try {
                known = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                known = false;
            }
            available = known;
        }
        return known;
    }
}
