package haystack.ssh.internal.server;

import org.apache.sshd.common.util.security.SecurityUtils;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Registers MINA SSHD's security providers as soon as this bundle's components are there,
 * on a thread of its own: making BouncyCastle's provider (Ed25519 keys) loads and registers
 * hundreds of classes, which the console's activation would otherwise do on start-up's path
 * once its configuration arrives. SSHD registers once, under a lock: the console's
 * activation finds the providers there, or waits for this thread to finish them.
 */
@Component(immediate = true, service = {})
public final class SecurityProviders {

    /** Longer than registering ever takes, even on a loaded machine. */
    private static final long JOIN_MILLIS = 30_000;

    private final Thread registrar;

    @Activate
    public SecurityProviders() {
        registrar = new Thread(SecurityUtils::isBouncyCastleRegistered, "haystack-ssh-providers");
        registrar.setDaemon(true);
        registrar.start();
    }

    /**
     * Waits for the registration when Haystack stops right after starting (a configuration
     * error): the thread loads classes from the bundles, which the framework closes once
     * every bundle stopped, and a class load that finds them closed prints a stack trace.
     */
    @Deactivate
    void deactivate() throws InterruptedException {
        registrar.join(JOIN_MILLIS);
    }
}
