package haystack.config.internal;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.slf4j.LoggerFactory;

/**
 * Ties Haystack's log to the process's own stdout before anything logs. Gogo's ThreadIO
 * makes System.out a per-thread stream: while a console command runs, its thread (and every
 * thread it starts) prints into the operator's SSH session. slf4j-simple with
 * {@code cacheOutputStream=true} (cnf/runtime.bnd) keeps the System.out it finds when the
 * first logger is made, so this bundle starts first (start level 1) and makes that first
 * logger while System.out is, for that moment, a stream on file descriptor 1 itself: no
 * reopening of /dev/stdout, which would truncate a log redirected to a file.
 */
public final class LogOutput implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        PrintStream before = System.out;
        System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getILoggerFactory();
        } finally {
            System.setOut(before);
        }
    }

    @Override
    public void stop(BundleContext context) {
        // slf4j keeps its stream for the life of the process
    }
}
