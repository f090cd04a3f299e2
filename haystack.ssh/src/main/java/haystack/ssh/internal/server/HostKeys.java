package haystack.ssh.internal.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.keyprovider.MappedKeyPairProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's host keys: an ECDSA P-256 key and, where an EdDSA provider is there, an
 * Ed25519 key, each generated on first start into the data directory and kept there
 * (owner-only, OpenSSH format), so clients see the same keys every time. Loading them
 * (BouncyCastle's Ed25519, generating on a first start) is kept off start-up's path.
 */
final class HostKeys {

    static final String FILE_NAME = "ssh_host_ec_key";
    static final String ED25519_FILE_NAME = "ssh_host_ed25519_key";

    private static final Logger LOG = LoggerFactory.getLogger(HostKeys.class);
    /** How long a connection waits for the keys being loaded or generated at start-up. */
    private static final long WAIT_SECONDS = 60;

    private HostKeys() {
    }

    /**
     * The host keys of {@code dataDir}, to be loaded (or generated) on a thread of their own
     * once {@link Loading#start() started}: start-up does not wait for them, the first
     * connection does (at most {@link #WAIT_SECONDS}). The directory is made now, so a data
     * directory that cannot be there still stops start-up.
     */
    static Loading loading(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        return new Loading(dataDir);
    }

    /** Host keys being loaded: a provider whose callers wait for them. */
    static final class Loading implements KeyPairProvider {

        private final Path dataDir;
        private final CompletableFuture<KeyPairProvider> keys = new CompletableFuture<>();
        private final Thread loader;

        private Loading(Path dataDir) {
            this.dataDir = dataDir;
            this.loader = new Thread(this::load, "haystack-ssh-host-keys");
            loader.setDaemon(true);
        }

        /** Once the port is bound: a start that fails leaves no thread reading bundle classes behind. */
        void start() {
            loader.start();
        }

        /** Waits (bounded) for the loading thread, so that it never outlives the bundle's class loader. */
        void stop() throws InterruptedException {
            if (loader.isAlive()) {
                loader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            }
        }

        private void load() {
            try {
                keys.complete(in(dataDir));
            } catch (IOException | RuntimeException e) {
                LOG.error("ssh host keys cannot be loaded dir={} reason={}", dataDir, e.toString());
                keys.completeExceptionally(e);
            }
        }

        @Override
        public Iterable<KeyPair> loadKeys(SessionContext session) throws IOException, GeneralSecurityException {
            try {
                return keys.get(WAIT_SECONDS, TimeUnit.SECONDS).loadKeys(session);
            } catch (ExecutionException e) {
                throw new IOException("ssh host keys cannot be loaded: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("ssh host keys not loaded within " + WAIT_SECONDS + "s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for the ssh host keys");
            }
        }
    }

    static KeyPairProvider in(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        List<KeyPair> keys = new ArrayList<>(load(dataDir.resolve(FILE_NAME), KeyUtils.EC_ALGORITHM, 256));
        if (SecurityUtils.isEDDSACurveSupported()) {
            keys.addAll(load(dataDir.resolve(ED25519_FILE_NAME), SecurityUtils.EDDSA, 256));
        } else {
            LOG.warn("ssh host key ed25519 not offered: no EdDSA provider");
        }
        LOG.info("ssh host keys types={} dir={}", keys.stream().map(KeyUtils::getKeyType).toList(), dataDir);
        return new MappedKeyPairProvider(keys);
    }

    private static List<KeyPair> load(Path file, String algorithm, int size) throws IOException {
        SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(file);
        provider.setAlgorithm(algorithm);
        provider.setKeySize(size);
        List<KeyPair> keys = new ArrayList<>();
        provider.loadKeys(null).forEach(keys::add); // generated now, not on the first connection
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // permissions are the file system's
        }
        return keys;
    }
}
