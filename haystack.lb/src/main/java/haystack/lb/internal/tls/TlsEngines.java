package haystack.lb.internal.tls;

import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the server-side {@link SSLEngine} of each HTTPS connection from the certificate
 * store's current SSLContext: TLS 1.2 and 1.3 only, forward-secret AEAD suites, ALPN
 * offering only {@code http/1.1}. Runs the engines' delegated tasks (key exchange and
 * signatures, the costly part of a handshake) on a few threads of its own, so a burst of
 * handshakes never holds an event loop; when those are all busy and their queue full, a
 * task runs on the loop (one handshake's work: bounded).
 */
public final class TlsEngines implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsEngines.class);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] APPLICATION_PROTOCOLS = {"http/1.1"};
    private static final int QUEUED_TASKS = 4096;

    private final CertificateStoreImpl store;
    final TlsMetrics metrics = new TlsMetrics();
    private final ThreadPoolExecutor tasks;
    private volatile String[] cipherSuites;

    public TlsEngines(CertificateStoreImpl store) {
        this.store = store;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        this.tasks = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED_TASKS), r -> {
            Thread t = new Thread(r, "haystack-tls-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.tasks.allowCoreThreadTimeOut(true);
    }

    public TlsMetrics metrics() {
        return metrics;
    }

    /**
     * A session for a client just accepted, lending buffers from its loop's {@code buffers};
     * {@code resume} is called (from any thread) when delegated tasks are done.
     */
    public TlsSession open(SocketChannel channel, TlsBuffers buffers, Runnable resume) {
        return new TlsSession(newEngine(), channel, this, buffers, resume);
    }

    SSLEngine newEngine() {
        SSLEngine engine = store.current().context().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(cipherSuites(engine));
        p.setUseCipherSuitesOrder(true);
        p.setApplicationProtocols(APPLICATION_PROTOCOLS);
        p.setNeedClientAuth(false);
        engine.setSSLParameters(p);
        return engine;
    }

    private String[] cipherSuites(SSLEngine engine) {
        String[] s = cipherSuites;
        if (s == null) {
            s = preferred(engine.getSupportedCipherSuites());
            cipherSuites = s;
        }
        return s;
    }

    /**
     * TLS 1.3's suites and TLS 1.2's ECDHE with AES-GCM or ChaCha20-Poly1305; AES-128-GCM
     * first, then AES-256-GCM, then ChaCha20, otherwise in the JDK's order (ECDSA before
     * RSA). The JDK puts AES-256 first; AES-128 (with TLS 1.3's SHA-256 key schedule rather
     * than SHA-384) costs a handshake and every record less for the same 128-bit security
     * level that X25519 and P-256 give the key exchange (bench/tls/cost.sh); Go's crypto/tls
     * prefers it too. The server's order decides (useCipherSuitesOrder).
     */
    static String[] preferred(String[] supported) {
        List<String> chosen = new ArrayList<>();
        for (String suite : supported) {
            boolean tls13 = suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
            boolean ecdheAead = suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20"));
            if (tls13 || ecdheAead) {
                chosen.add(suite);
            }
        }
        chosen.sort(Comparator.comparingInt(TlsEngines::cipherRank)); // stable: the JDK's order within a rank
        return chosen.toArray(String[]::new);
    }

    private static int cipherRank(String suite) {
        if (suite.contains("AES_128_GCM")) {
            return 0;
        }
        return suite.contains("AES_256_GCM") ? 1 : 2;
    }

    void run(List<Runnable> work, Runnable done) {
        Runnable all = () -> {
            try {
                work.forEach(Runnable::run);
            } catch (RuntimeException e) {
                LOG.warn("TLS task failed error={}", e.toString());
            } finally {
                done.run();
            }
        };
        try {
            tasks.execute(all);
        } catch (RejectedExecutionException e) {
            all.run();
        }
    }

    @Override
    public void close() {
        tasks.shutdownNow();
    }
}
