package haystack.itest.ssh;

import java.io.IOException;
import java.nio.file.Path;

import haystack.itest.ComponentBundle;
import haystack.itest.ssh.logger.ThreadLogger;

/** Packages {@link ThreadLogger} as a Declarative Services bundle that logs through slf4j. */
final class LoggerBundle {

    static final String SYMBOLIC_NAME = "haystack.example.threadlogger";

    private LoggerBundle() {
    }

    static Path write(Path dir) throws IOException {
        return ComponentBundle.write(dir, SYMBOLIC_NAME, ThreadLogger.class, "org.slf4j;version=\"[1.7,2)\"", "java.lang.Runnable", "");
    }
}
