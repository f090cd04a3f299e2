package haystack.lb.internal.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import haystack.api.tls.CertificateStore;
import haystack.api.tls.ServedCertificate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the certificates in {@code HAYSTACK_TLS_DIR} (SPEC §5b): {@code <name>.crt} with
 * {@code <name>.key}, or {@code <name>.pem} holding both. Watched (WatchService, and a
 * rescan every {@link #RESCAN_MS} for file systems that do not report changes): a change
 * is published within a second as source {@code dir}. A pair that cannot be served
 * (unreadable, broken, expired, a key not the certificate's) is logged once with its file
 * and reason and skipped; the others keep serving. The pair named {@code default} is the
 * certificate for clients without SNI or asking for an unknown name.
 */
@Component(service = TlsDirectory.class, immediate = true, configurationPid = "haystack.tls", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TlsConfig.class)
public final class TlsDirectory {

    static final String SOURCE = CertificateSnapshot.DIRECTORY_SOURCE;
    static final long RESCAN_MS = 1000;
    /** After a change is reported, how long to wait for the rest of it (a .crt, then its .key). */
    static final long SETTLE_MS = 100;
    private static final int MAX_FILES = 10_000;
    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(TlsDirectory.class);

    /** What a file looked like when last read: a change in either means read it again. */
    private record Stamp(long modified, long size) {
    }

    private final Path dir;
    private final CertificateStore store;
    private final Thread thread;
    private volatile boolean running = true;
    private Map<Path, Stamp> seen = Map.of();
    /** The reason each skipped pair was last logged with, so one problem is one line. */
    private final Map<String, String> told = new HashMap<>();
    private Map<String, ServedCertificate> served = Map.of();
    private Instant firstExpiry = Instant.MAX;
    private WatchService watcher;
    private boolean missingTold;

    @Activate
    public TlsDirectory(TlsConfig config, @Reference CertificateStore store) {
        this(Path.of(config.dir()), store);
    }

    public TlsDirectory(Path dir, CertificateStore store) {
        this.dir = dir.toAbsolutePath().normalize();
        this.store = store;
        scan();
        this.thread = new Thread(this::run, "haystack-tls-dir");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (running) {
            try {
                if (watcher == null && Files.isDirectory(dir)) {
                    watcher = dir.getFileSystem().newWatchService();
                    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
                }
                if (watcher != null) {
                    WatchKey key = watcher.poll(RESCAN_MS, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        Thread.sleep(SETTLE_MS);
                        key.pollEvents();
                        if (!key.reset()) {
                            watcher.close(); // the directory went: watch it again when it is back
                            watcher = null;
                        }
                        for (WatchKey more; (more = watcher == null ? null : watcher.poll()) != null; ) {
                            more.pollEvents();
                            more.reset();
                        }
                    }
                } else {
                    Thread.sleep(RESCAN_MS);
                }
                scan();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("tls directory scan failed dir={} error={}", dir, e.toString());
                closeWatcher();
                try {
                    Thread.sleep(RESCAN_MS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Reads the directory again when a file changed (or a served certificate expired) and publishes what can be served. */
    synchronized void scan() {
        Map<Path, Stamp> now = stamps();
        boolean expired = Instant.now().isAfter(firstExpiry);
        if (now.equals(seen) && !expired) {
            return;
        }
        seen = now;
        Map<String, List<Path>> pairs = new TreeMap<>();
        for (Path p : now.keySet()) {
            String file = p.getFileName().toString();
            int dot = file.lastIndexOf('.');
            String ext = dot < 0 ? "" : file.substring(dot + 1);
            if (dot > 0 && (ext.equals("crt") || ext.equals("key") || ext.equals("pem"))) {
                pairs.computeIfAbsent(file.substring(0, dot), n -> new ArrayList<>()).add(p);
            }
        }
        Map<String, ServedCertificate> next = new TreeMap<>();
        Map<String, String> problems = new HashMap<>();
        Instant earliest = Instant.MAX;
        for (Map.Entry<String, List<Path>> pair : pairs.entrySet()) {
            String name = pair.getKey();
            try {
                ServedCertificate c = load(name, pair.getValue());
                next.put(name, c);
                if (c.notAfter().isBefore(earliest)) {
                    earliest = c.notAfter();
                }
            } catch (IOException | IllegalArgumentException e) {
                problems.put(name, e.getMessage());
            }
        }
        firstExpiry = earliest;
        for (Map.Entry<String, String> p : problems.entrySet()) {
            if (!p.getValue().equals(told.get(p.getKey()))) {
                LOG.warn("tls certificate skipped file={} reason={}", files(pairs.get(p.getKey())), p.getValue());
            }
        }
        told.keySet().retainAll(problems.keySet());
        told.putAll(problems);
        if (!next.equals(served) || expired) {
            for (ServedCertificate c : next.values()) {
                ServedCertificate before = served.get(c.name());
                if (before == null || !before.leaf().equals(c.leaf())) {
                    LOG.info("tls certificate loaded name={} names={} notAfter={} key={}", c.name(), String.join(",", c.dnsNames()), c.notAfter(),
                            c.key().getAlgorithm());
                }
            }
            for (String gone : served.keySet()) {
                if (!next.containsKey(gone)) {
                    LOG.info("tls certificate removed name={}", gone);
                }
            }
            served = next;
            store.replace(SOURCE, List.copyOf(next.values()));
        }
    }

    /** The pair's files read together: certificates and key from whichever holds them. */
    private static ServedCertificate load(String name, List<Path> files) throws IOException {
        List<java.security.cert.X509Certificate> certificates = new ArrayList<>();
        java.security.PrivateKey key = null;
        boolean hasKeyFile = false;
        boolean hasCertFile = false;
        for (Path p : files) {
            String file = p.getFileName().toString();
            hasKeyFile |= file.endsWith(".key") || file.endsWith(".pem");
            hasCertFile |= file.endsWith(".crt") || file.endsWith(".pem");
            Pem.Contents contents;
            try {
                contents = Pem.parse(Files.readString(p, StandardCharsets.US_ASCII));
            } catch (java.nio.charset.MalformedInputException e) {
                throw new IllegalArgumentException(file + " is not PEM text");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage());
            }
            certificates.addAll(contents.certificates());
            if (contents.key() != null) {
                if (key != null) {
                    throw new IllegalArgumentException("more than one private key");
                }
                key = contents.key();
            }
        }
        if (!hasCertFile) {
            throw new IllegalArgumentException("no " + name + ".crt or " + name + ".pem beside the key");
        }
        if (!hasKeyFile && key == null) {
            throw new IllegalArgumentException("no " + name + ".key or " + name + ".pem with the key");
        }
        return Certificates.served(name, SOURCE, new Pem.Contents(certificates, key), Instant.now());
    }

    private Map<Path, Stamp> stamps() {
        if (!Files.isDirectory(dir)) {
            if (!missingTold) {
                missingTold = true;
                LOG.info("tls directory not found, watching for it dir={}", dir);
            }
            return Map.of();
        }
        missingTold = false;
        Map<Path, Stamp> stamps = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (stamps.size() >= MAX_FILES) {
                    break;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile() && a.size() <= MAX_FILE_BYTES) {
                        stamps.put(p, new Stamp(a.lastModifiedTime().toMillis(), a.size()));
                    }
                } catch (IOException gone) {
                    // removed while listed
                }
            }
        } catch (IOException e) {
            LOG.warn("tls directory unreadable dir={} error={}", dir, e.toString());
            return seen;
        }
        return stamps;
    }

    private static String files(List<Path> files) {
        return String.join(",", files.stream().map(p -> p.getFileName().toString()).sorted().toList());
    }

    private void closeWatcher() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            watcher = null;
        }
    }

    @Deactivate
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeWatcher();
        store.replace(SOURCE, List.of());
    }
}
