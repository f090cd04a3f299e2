package haystack.lb.internal.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import haystack.api.tls.ServedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate served when no other fits (no SNI, an unknown name, an empty store), so
 * the HTTPS port always completes a handshake, as Traefik's default certificate does: a
 * self-signed ECDSA P-256 certificate made once and kept in the data directory, so clients
 * that pinned it see the same one after a restart.
 */
final class DefaultCertificate {

    static final String NAME = "default";
    static final String SOURCE = "generated";
    static final String FILE = "tls-default.pem";
    private static final String SUBJECT = "Haystack default certificate";
    private static final Duration LIFETIME = Duration.ofDays(3650);
    private static final Logger LOG = LoggerFactory.getLogger(DefaultCertificate.class);

    private DefaultCertificate() {
    }

    /** The one kept in {@code dataDir} (made there when missing or unusable); in memory only when {@code dataDir} is null. */
    static ServedCertificate loadOrCreate(Path dataDir) {
        Path file = dataDir == null ? null : dataDir.resolve(FILE);
        if (file != null && Files.isRegularFile(file)) {
            try {
                return Certificates.served(NAME, SOURCE, Pem.parse(Files.readString(file, StandardCharsets.US_ASCII)), Instant.now());
            } catch (IOException | RuntimeException e) {
                LOG.warn("default certificate unusable, making a new one file={} reason={}", file, e.getMessage());
            }
        }
        String pem = create(Instant.now());
        if (file != null) {
            try {
                Files.createDirectories(dataDir);
                Path tmp = Files.createTempFile(dataDir, FILE, ".tmp");
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("default certificate made file={}", file);
            } catch (IOException e) {
                LOG.warn("default certificate not kept file={} reason={}", file, e.toString());
            }
        }
        return Certificates.served(NAME, SOURCE, Pem.parse(pem), Instant.now());
    }

    /** A new self-signed certificate and its key, as PEM (key first). */
    static String create(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            byte[] algorithm = Der.sequence(Der.oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256, no parameters (RFC 5758 §3.2)
            byte[] name = Der.sequence(Der.tlv(Der.SET, Der.sequence(Der.oid("2.5.4.3"), Der.utf8(SUBJECT))));
            byte[] san = Der.sequence(Der.oid("2.5.29.17"), Der.tlv(Der.OCTET_STRING,
                    Der.sequence(Der.tlv(0x82, "haystack-default.invalid".getBytes(StandardCharsets.US_ASCII)))));
            byte[] tbs = Der.sequence(
                    Der.explicit(0, Der.integer(2)),
                    Der.integer(new BigInteger(64, new SecureRandom()).setBit(63)),
                    algorithm,
                    name,
                    Der.sequence(time(now.minus(Duration.ofHours(1))), time(now.plus(LIFETIME))),
                    name,
                    pair.getPublic().getEncoded(),
                    Der.explicit(3, Der.sequence(san)));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(tbs);
            byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
            X509Certificate parsed = Pem.certificate(certificate);
            parsed.verify(pair.getPublic());
            return Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()) + Pem.encode("CERTIFICATE", certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the default certificate: " + e, e);
        }
    }

    /** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §4.1.2.5). */
    private static byte[] time(Instant t) {
        var utc = t.atOffset(ZoneOffset.UTC);
        if (utc.getYear() < 2050) {
            return Der.tlv(0x17, utc.format(DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")).getBytes(StandardCharsets.US_ASCII));
        }
        return Der.tlv(Der.GENERALIZED_TIME, utc.format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")).getBytes(StandardCharsets.US_ASCII));
    }
}
