package haystack.ssh.internal.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The server's host key: generated on first start into the data directory and kept
 * there (owner-only), so clients see the same key every time.
 */
final class HostKeys {

    static final String FILE_NAME = "ssh_host_ec_key";

    private HostKeys() {
    }

    static KeyPairProvider in(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(file);
        provider.setAlgorithm("EC");
        provider.setKeySize(256);
        provider.loadKeys(null); // generate now, not on the first connection
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // permissions are the file system's
        }
        return provider;
    }
}
