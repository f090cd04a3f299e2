import java.io.FileInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

import javax.crypto.KeyAgreement;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The floor of a full TLS handshake in this JVM, by thread CPU time (so a busy machine
 * blurs it less than a rate): the elliptic-curve operations one costs the server (ECDSA
 * P-256 sign; ECDHE keygen + agreement for x25519 and secp256r1), then whole handshakes
 * between a client and a server SSLEngine in one thread, only the server's calls timed.
 * No resumption (the client engine has no peer host to cache a session under).
 * Usage (bench/tls/cost.sh makes the key store): java HandshakeCost.java KEYSTORE.p12 [TLSv1.3|TLSv1.2] [count]
 * System properties: suites (the server's cipher suites in order, comma-separated; default the JDK's).
 */
public class HandshakeCost {

    static long serverNanos;

    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    public static void main(String[] args) throws Exception {
        String protocol = args.length > 1 ? args[1] : "TLSv1.3";
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        String java = System.getProperty("java.version");
        ecOperations(java, n);

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(args[0])) {
            ks.load(in, "benchbench".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, "benchbench".toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, new TrustManager[] {new TrustAll()}, null);
        String[] suites = System.getProperty("suites") == null ? null : System.getProperty("suites").split(",");
        for (int round = 0; round < 4; round++) {
            serverNanos = 0;
            String negotiated = "";
            for (int i = 0; i < n; i++) {
                negotiated = handshake(server, client, protocol, suites);
            }
            System.out.printf("java %s %s round %d: server %.0f us CPU per full handshake (%s)%n", java, protocol, round, serverNanos / 1e3 / n, negotiated);
        }
    }

    static void ecOperations(String java, int n) throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair signer = ec.generateKeyPair();
        KeyPair peerP256 = ec.generateKeyPair();
        KeyPairGenerator x25519 = KeyPairGenerator.getInstance("X25519");
        KeyPair peerX25519 = x25519.generateKeyPair();
        byte[] transcript = new byte[130];
        for (int round = 0; round < 3; round++) {
            long t0 = cpu();
            for (int i = 0; i < n; i++) {
                Signature s = Signature.getInstance("SHA256withECDSA");
                s.initSign(signer.getPrivate());
                s.update(transcript);
                s.sign();
            }
            long t1 = cpu();
            for (int i = 0; i < n; i++) {
                agree(ec.generateKeyPair(), "ECDH", peerP256);
            }
            long t2 = cpu();
            for (int i = 0; i < n; i++) {
                agree(x25519.generateKeyPair(), "X25519", peerX25519);
            }
            long t3 = cpu();
            System.out.printf("java %s round %d: ECDSA P-256 sign %.0f us, ECDHE x25519 %.0f us, ECDHE secp256r1 %.0f us (keygen + agreement)%n",
                    java, round, (t1 - t0) / 1e3 / n, (t3 - t2) / 1e3 / n, (t2 - t1) / 1e3 / n);
        }
    }

    static void agree(KeyPair mine, String algorithm, KeyPair peer) throws Exception {
        KeyAgreement ka = KeyAgreement.getInstance(algorithm);
        ka.init(mine.getPrivate());
        ka.doPhase(peer.getPublic(), true);
        ka.generateSecret();
    }

    /** One full handshake, both engines driven here; returns "protocol suite". */
    static String handshake(SSLContext serverContext, SSLContext clientContext, String protocol, String[] suites) throws Exception {
        long t = cpu();
        SSLEngine s = serverContext.createSSLEngine();
        s.setUseClientMode(false);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (suites != null) {
            p.setCipherSuites(suites);
        }
        p.setUseCipherSuitesOrder(true);
        p.setApplicationProtocols(new String[] {"http/1.1"});
        s.setSSLParameters(p);
        serverNanos += cpu() - t;
        SSLEngine c = clientContext.createSSLEngine();
        c.setUseClientMode(true);
        c.setEnabledProtocols(new String[] {protocol});
        ByteBuffer toServer = ByteBuffer.allocate(32768);
        ByteBuffer toClient = ByteBuffer.allocate(32768);
        ByteBuffer plain = ByteBuffer.allocate(32768);
        c.beginHandshake();
        t = cpu();
        s.beginHandshake();
        serverNanos += cpu() - t;
        for (int step = 0; step < 100; step++) {
            if (c.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && s.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && toServer.position() == 0 && toClient.position() == 0) {
                return s.getSession().getProtocol() + " " + s.getSession().getCipherSuite();
            }
            drive(c, toServer, toClient, plain);
            t = cpu();
            drive(s, toClient, toServer, plain);
            serverNanos += cpu() - t;
        }
        throw new IllegalStateException("the handshake did not finish");
    }

    /** Runs {@code e} until it waits for the peer: {@code out} what it sends, {@code in} what it got (both write mode). */
    static void drive(SSLEngine e, ByteBuffer out, ByteBuffer in, ByteBuffer plain) throws Exception {
        ByteBuffer empty = ByteBuffer.allocate(0);
        for (int i = 0; i < 32; i++) {
            HandshakeStatus hs = e.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                for (Runnable r; (r = e.getDelegatedTask()) != null; ) {
                    r.run();
                }
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                e.wrap(empty, out);
            } else if (in.position() > 0) {
                in.flip();
                plain.clear();
                int consumed = e.unwrap(in, plain).bytesConsumed();
                in.compact();
                if (consumed == 0) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    static final class TrustAll implements X509TrustManager {
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
