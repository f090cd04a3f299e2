package haystack.lb.internal.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

import haystack.api.tls.ServedCertificate;

/**
 * Chooses the certificate of each handshake by the client's SNI from one immutable
 * {@link CertificateSnapshot}; a new snapshot gets a new key manager (and SSLContext), so
 * an alias chosen during a handshake always finds its key and chain.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    private final CertificateSnapshot snapshot;
    private final Map<ServedCertificate, String> aliases = new IdentityHashMap<>();
    private final ServedCertificate[] byAlias;

    SniKeyManager(CertificateSnapshot snapshot) {
        this.snapshot = snapshot;
        List<ServedCertificate> all = snapshot.all();
        byAlias = new ServedCertificate[all.size() + 1];
        for (int i = 0; i < all.size(); i++) {
            byAlias[i] = all.get(i);
            aliases.put(all.get(i), Integer.toString(i));
        }
        byAlias[all.size()] = snapshot.fallback();
        aliases.putIfAbsent(snapshot.fallback(), Integer.toString(all.size()));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof javax.net.ssl.SSLSocket s ? s.getHandshakeSession() : null);
    }

    private String choose(String keyType, SSLSession session) {
        ServedCertificate c = snapshot.select(serverName(session), keyType);
        return c == null ? null : aliases.get(c);
    }

    /** The host name the client asked for by SNI (RFC 6066 §3), or null. */
    static String serverName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME && name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    private ServedCertificate byAlias(String alias) {
        try {
            int i = Integer.parseInt(alias);
            return i >= 0 && i < byAlias.length ? byAlias[i] : null;
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServedCertificate c = byAlias(alias);
        return c == null ? null : c.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServedCertificate c = byAlias(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases.entrySet().stream().filter(e -> CertificateSnapshot.keyTypeOf(e.getKey()).equals(keyType))
                .map(Map.Entry::getValue).toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
