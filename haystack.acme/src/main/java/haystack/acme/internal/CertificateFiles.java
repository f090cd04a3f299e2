package haystack.acme.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import haystack.api.tls.ServedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates ACME issued, one file {@code <host>.pem} each (the key, then the chain
 * leaf first) under {@code HAYSTACK_DATA/acme/}: written whole and moved into place, so a
 * crash leaves the old file or the new one, never half. A file that cannot be used is
 * logged and left to be replaced by the next order.
 */
final class CertificateFiles {

    static final String SOURCE = "acme";
    private static final Logger LOG = LoggerFactory.getLogger(CertificateFiles.class);
    private static final String SUFFIX = ".pem";
    /** A key and a chain of a few certificates fit many times over. */
    static final long MAX_FILE_BYTES = 256 * 1024;
    private static final int MAX_FILES = 100_000;

    private final Path dir;

    CertificateFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Whether {@code host} can name a file here: a lower-case DNS name, no path in it. */
    static boolean isFileName(String host) {
        return host.length() <= 253 && !host.startsWith(".") && !host.contains("..")
                && host.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
    }

    Path file(String host) {
        if (!isFileName(host)) {
            throw new IllegalArgumentException("not a host name a file can be named after: " + host);
        }
        return dir.resolve(host + SUFFIX);
    }

    /** Every usable stored certificate by host; unusable files are logged, one line each. */
    Map<String, ServedCertificate> load() {
        Map<String, ServedCertificate> loaded = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return loaded;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : stream) {
                if (files.size() >= MAX_FILES) {
                    LOG.warn("acme store has more files than are read dir={} read={}", dir, MAX_FILES);
                    break;
                }
                files.add(f);
            }
        } catch (IOException e) {
            LOG.error("acme store unreadable dir={} reason={}", dir, e.toString());
            return loaded;
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            String host = name.substring(0, name.length() - SUFFIX.length()).toLowerCase(Locale.ROOT);
            if (!isFileName(host)) {
                continue;
            }
            try {
                loaded.put(host, read(host, f));
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                LOG.warn("acme stored certificate unusable host={} file={} reason=\"{}\" action=reorder", host, f, e.getMessage());
            }
        }
        return loaded;
    }

    private static ServedCertificate read(String host, Path f) throws IOException, GeneralSecurityException {
        if (Files.size(f) > MAX_FILE_BYTES) {
            throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        List<Pem.Block> blocks = Pem.decode(Files.readAllBytes(f));
        PrivateKey key = null;
        for (Pem.Block b : blocks) {
            if (Pem.PRIVATE_KEY.equals(b.label())) {
                key = Pem.privateKey(b.der());
                break;
            }
        }
        if (key == null) {
            throw new GeneralSecurityException("no PRIVATE KEY block");
        }
        List<X509Certificate> chain = Pem.certificates(blocks);
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no CERTIFICATE block");
        }
        if (!EcKeys.matches(key, chain.get(0).getPublicKey())) {
            throw new GeneralSecurityException("the key is not the certificate's");
        }
        ServedCertificate served = served(host, key, chain);
        if (!served.dnsNames().contains(host)) {
            throw new GeneralSecurityException("the certificate does not name " + host + " (names " + served.dnsNames() + ")");
        }
        return served;
    }

    static ServedCertificate served(String host, PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        return new ServedCertificate(host, SOURCE, SubjectNames.dnsNames(chain.get(0)), key, chain);
    }

    /** Writes {@code host}'s key and chain, replacing what was there in one move. */
    void save(String host, PrivateKey key, List<X509Certificate> chain) throws IOException, GeneralSecurityException {
        String text = Pem.encode(Pem.PRIVATE_KEY, key.getEncoded()) + Pem.encode(chain);
        writePrivately(file(host), text);
    }

    /** Writes {@code text} readable by its owner only, through a temporary file moved over {@code target}. */
    static void writePrivately(Path target, String text) throws IOException {
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".tmp-", ".pem");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own defaults apply
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
