package haystack.acme.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;

/**
 * A PKCS#10 certificate signing request (RFC 2986) for one DNS name, signed with an EC P-256
 * key: subject CN and a subjectAltName extension request (RFC 8555 §7.4 wants the names
 * in the SAN). Written here so acme4j's BouncyCastle-based CSRBuilder is not needed.
 */
final class Pkcs10 {

    private static final String EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

    private Pkcs10() {
    }

    /** The DER-encoded request for {@code host}, signed with {@code key}. */
    static byte[] request(String host, KeyPair key) throws GeneralSecurityException {
        if (!(key.getPublic() instanceof ECPublicKey)) {
            throw new GeneralSecurityException("the certificate key must be EC, was " + key.getPublic().getAlgorithm());
        }
        if (host.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(host)) {
            throw new GeneralSecurityException("a certificate DNS name is ASCII (A-labels): " + host);
        }
        byte[] subject = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(host))));
        byte[] dnsName = Der.context(2, false, host.getBytes(StandardCharsets.US_ASCII));
        byte[] extensions = Der.sequence(Der.sequence(Der.oid(SUBJECT_ALT_NAME), Der.octets(Der.sequence(dnsName))));
        byte[] attributes = Der.context(0, true, Der.sequence(Der.oid(EXTENSION_REQUEST), Der.set(extensions)));
        // getEncoded() of a public key is its X.509 SubjectPublicKeyInfo, as PKCS#10 wants.
        byte[] info = Der.sequence(Der.integer(0), subject, key.getPublic().getEncoded(), attributes);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key.getPrivate());
        signer.update(info);
        byte[] signature = signer.sign();
        return Der.sequence(info, Der.sequence(Der.oid(ECDSA_WITH_SHA256)), Der.bits(signature));
    }
}
