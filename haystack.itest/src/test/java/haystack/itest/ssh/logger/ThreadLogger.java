package haystack.itest.ssh.logger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component that logs as it activates and again from a thread it starts then, after the
 * console command that started it has ended: Gogo hands the command's streams down to the
 * threads it starts, so a log that follows System.out would go to a closed SSH session.
 */
public final class ThreadLogger implements Runnable {

    public static final String ACTIVATED = "thread logger activated";
    public static final String LATER = "thread logger logs from its own thread";

    private static final Logger LOG = LoggerFactory.getLogger(ThreadLogger.class);

    public ThreadLogger() {
        LOG.info(ACTIVATED);
        Thread later = new Thread(this, "thread-logger");
        later.setDaemon(true);
        later.start();
    }

    @Override
    public void run() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            return;
        }
        LOG.info(LATER);
    }
}
