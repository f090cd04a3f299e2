package haystack.file.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry in step with one directory of service files, on one thread of its
 * own (so all state here is that thread's). A WatchService applies an edit as soon as it
 * is told of it; a rescan every {@code rescan} catches what it misses (some file systems
 * and bind mounts send no events; Kubernetes swaps a symbolic link). Per file: a good
 * version replaces the file's whole set in one step, a bad one is logged once with its
 * line and the last good set is kept, and a file that is gone takes its service with it.
 */
final class ServiceDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceDirectory.class);

    /** Most names looked at in one scan: a directory of millions is cut short, with a line. */
    static final int MAX_FILES = 100_000;
    /** Events arriving this close together are one edit (an editor's write, rename, chmod). */
    private static final long SETTLE_MILLIS = 50;
    private static final int MAX_SETTLE_ROUNDS = 5;
    /** A scan finding more changed files than this publishes the whole source as one change rather than one per file. */
    private static final int MAX_SINGLE_CHANGES = 16;
    /**
     * A file modified this recently is read again on a rescan even when its size and time
     * look unchanged: an edit in the same tick of a coarse clock (FAT's 2 s, a file system
     * keeping whole seconds or milliseconds) leaves both as they were.
     */
    private static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(3);
    /**
     * The same for a file whose time has a sub-millisecond part, so its file system keeps
     * fine times (ext4, XFS, btrfs, tmpfs, overlay: the kernel's clock tick, a few ms):
     * an edit that leaves the time as it was must come within that tick.
     */
    private static final long RECENT_FINE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What a file looked like when last read: an edit changes one of these. */
    private record Signature(Object fileKey, long size, long modifiedNanos) {
        static final Signature NONE = new Signature(null, -1, -1);

        static Signature of(BasicFileAttributes a) {
            return a == null ? NONE : new Signature(a.fileKey(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        }

        /** Whether {@code a} (null: unreadable) looks the same, without making a signature of it. */
        boolean sameAs(BasicFileAttributes a) {
            if (a == null) {
                return this == NONE;
            }
            return size == a.size() && modifiedNanos == a.lastModifiedTime().to(TimeUnit.NANOSECONDS)
                    && java.util.Objects.equals(fileKey, a.fileKey());
        }
    }

    /** What stands at a file name: nothing, or something whose attributes are {@code attributes} (null: unreadable, a dangling link). */
    private record Found(boolean present, BasicFileAttributes attributes) {
        static final Found ABSENT = new Found(false, null);
        static final Found UNREADABLE = new Found(true, null);
    }

    /** The last good version of a file (null until one is loaded) and the last version read, good or not. */
    private static final class FileState {
        final String service;
        /** The scan that last listed the file: one not listed by the latest scan is looked at again (gone?). */
        long listedIn;
        /** Null until first read. */
        Signature read;
        /** When it was last read (epoch nanoseconds, taken before reading). */
        long readAtNanos;
        /** The version and reason last reported, or null when the last read was good. */
        String lastRejection;
        byte[] goodDigest;
        boolean loaded;
        /** What the last good version published. */
        List<Endpoint> endpoints = List.of();

        FileState(String service) {
            this.service = service;
        }
    }

    private final Path dir;
    /** Touched only by the watching thread. */
    private boolean inScan;
    /** Services whose files changed during a scan, with their new endpoints (none: removed), in the order found. */
    private final Map<String, List<Endpoint>> changedInScan = new LinkedHashMap<>();
    private final List<String> announced = new ArrayList<>();
    private final EndpointSource source;
    private final ServiceFileReader reader;
    private final ServiceFileParser parser;
    private final long rescanNanos;
    private final Map<String, FileState> files = new HashMap<>();
    /** Scans so far: the number of the one under way. */
    private long scans;
    /** Files whose service is published (loaded): {@link #services} without walking {@link #files}. */
    private int loadedFiles;
    /** File names refused for their name, with the signature that was reported (reported once). */
    private final Map<String, Signature> badNames = new HashMap<>();
    private final Thread thread;
    private final LongAdder loads = new LongAdder();
    private final LongAdder rejections = new LongAdder();
    private volatile int services;
    private volatile boolean running = true;
    private volatile WatchService watcher;
    private final boolean watch;
    private boolean watchTried;
    private boolean dirPresent = true;
    private boolean truncatedReported;

    ServiceDirectory(Path dir, int maxBytes, Duration rescan, EndpointSource source) {
        this(dir, maxBytes, rescan, source, true);
    }

    /** With {@code watch} false, as on a file system whose watch tells nothing: the rescan alone follows edits. */
    ServiceDirectory(Path dir, int maxBytes, Duration rescan, EndpointSource source, boolean watch) {
        this.watch = watch;
        this.dir = dir;
        this.source = source;
        this.reader = new ServiceFileReader(maxBytes);
        this.parser = new ServiceFileParser(maxBytes);
        this.rescanNanos = rescan.toNanos();
        this.thread = new Thread(this::run, "haystack-file-watch");
        this.thread.setDaemon(true);
    }

    /** Good versions applied since start. */
    long loads() {
        return loads.sum();
    }

    /** Versions refused since start (each reported once). */
    long rejections() {
        return rejections.sum();
    }

    /** Services served from files now. */
    int services() {
        return services;
    }

    ServiceDirectory start() {
        thread.start();
        return this;
    }

    @Override
    public void close() {
        running = false;
        closeWatcher();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextScan = System.nanoTime();
        boolean synchronised = false;
        while (running) {
            try {
                long now = System.nanoTime();
                if (now - nextScan >= 0) {
                    scan();
                    nextScan = System.nanoTime() + rescanNanos;
                    if (!synchronised) {
                        // every file there at start is published: the registry may say ready
                        source.synchronised();
                        synchronised = true;
                    }
                    continue;
                }
                Set<String> changed = awaitEvents(nextScan - now);
                if (changed == null) {
                    scan();
                    nextScan = System.nanoTime() + rescanNanos;
                } else {
                    changed.forEach(name -> refresh(name, true));
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closing; the loop condition ends it
            } catch (RuntimeException e) {
                // One bad surprise must not stop the watching: log it, go on at the next scan.
                LOG.error("file source error dir={} reason={}", dir, e.toString());
                sleepQuietly(rescanNanos);
            }
        }
        closeWatcher();
    }

    /**
     * Waits up to {@code nanos} for events, then a little longer while they keep coming.
     * The names of service files that changed; null when a full scan is needed (overflow,
     * the directory itself gone); empty when nothing happened.
     */
    private Set<String> awaitEvents(long nanos) throws InterruptedException {
        WatchService w = watcher;
        if (w == null) {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return Set.of();
        }
        WatchKey key = w.poll(nanos, TimeUnit.NANOSECONDS);
        Set<String> names = new TreeSet<>();
        for (int round = 0; key != null && round < MAX_SETTLE_ROUNDS; round++) {
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    key.reset();
                    return null;
                }
                String name = String.valueOf(event.context());
                if (ServiceFileName.isCandidate(name)) {
                    names.add(name);
                } else if (name.startsWith("..")) {
                    // Kubernetes ConfigMap: files are links through a "..data" link that is swapped.
                    key.reset();
                    return null;
                }
            }
            if (!key.reset()) {
                // the directory itself went away: the scan notices and watches it again when back
                closeWatcher();
                watchTried = false;
                return null;
            }
            key = w.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (key != null) {
            // still coming (a writer rewriting files all the time): apply these now, the key's
            // later events stay queued for the next poll; a full scan here would read every file
            key.reset();
        }
        return names;
    }

    /**
     * Looks at every file: new and edited ones are read, vanished ones removed. A scan that
     * finds many files changed (the first one) publishes them as one registry change: a
     * directory of 10,000 files is one snapshot, not 10,000. A few changed files (edits the
     * watch had not told of yet) are published one service each, so a rescan under churn
     * costs what changed, not the whole source.
     */
    private void scan() {
        inScan = true;
        try {
            scanFiles();
        } finally {
            inScan = false;
            if (changedInScan.size() > MAX_SINGLE_CHANGES) {
                List<Endpoint> all = new ArrayList<>();
                for (FileState f : files.values()) {
                    if (f.loaded) {
                        all.addAll(f.endpoints);
                    }
                }
                source.replaceAll(all);
            } else {
                changedInScan.forEach((service, endpoints) -> source.replaceContainer(FileEndpoints.containerId(service), endpoints));
            }
            if (!changedInScan.isEmpty()) {
                changedInScan.clear();
                countServices();
            }
            // told once served, so a line saying "loaded" means the service answers
            announced.forEach(LOG::info);
            announced.clear();
        }
    }

    private void scanFiles() {
        if (!Files.isDirectory(dir)) {
            if (dirPresent) {
                LOG.info("file services directory absent dir={}; watching for it", dir);
                dirPresent = false;
            }
            closeWatcher();
            watchTried = false;
            List.copyOf(files.keySet()).forEach(name -> refresh(name, false));
            return;
        }
        if (!dirPresent) {
            LOG.info("file services directory present dir={}", dir);
            dirPresent = true;
        }
        if (!watchTried) {
            watchTried = true;
            if (watch) {
                register();
            }
        }
        long scan = ++scans;
        Set<String> badListed = new HashSet<>();
        if (!refreshListed(scan, badListed)) {
            // Keep every service as it is rather than take them all away on a read error.
            return;
        }
        List<String> unlisted = new ArrayList<>();
        files.forEach((name, state) -> {
            if (state.listedIn != scan) {
                unlisted.add(name);
            }
        });
        unlisted.forEach(name -> refresh(name, false));
        badNames.keySet().retainAll(badListed);
    }

    /**
     * Refreshes every service file the directory lists, as it is listed: a rescan of 10,000
     * unchanged files costs one stat each and no set of their names. Marks each known file
     * listed in {@code scan}; the names refused for their name go into {@code badListed}.
     * False when the directory could not be read to the end.
     */
    private boolean refreshListed(long scan, Set<String> badListed) {
        int listed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!ServiceFileName.isCandidate(name)) {
                    continue;
                }
                if (listed >= MAX_FILES) {
                    if (!truncatedReported) {
                        LOG.error("file services directory has more than {} service files dir={}; the rest are not read", MAX_FILES, dir);
                        truncatedReported = true;
                    }
                    break;
                }
                listed++;
                FileState state = refresh(name, false);
                if (state != null) {
                    state.listedIn = scan;
                } else if (badNames.containsKey(name)) {
                    badListed.add(name);
                }
            }
            return true;
        } catch (IOException | DirectoryIteratorException e) {
            LOG.error("file services directory unreadable dir={} reason={}", dir, e.getMessage());
            return false;
        }
    }

    /**
     * Brings one file name up to date: gone → its service removed; present → read when it
     * looks different from the last read (or always, when an event named it). The state of
     * the service file at the name afterwards, null when there is none (gone, or a name that
     * is not a service's). An unchanged file costs one stat and no new object but the attributes.
     */
    private FileState refresh(String name, boolean toldOfChange) {
        Path file = dir.resolve(name);
        Found found = look(file);
        if (!found.present()) {
            remove(name);
            badNames.remove(name);
            return null;
        }
        FileState state = files.get(name);
        if (state == null) {
            Optional<String> service = ServiceFileName.service(name);
            if (service.isEmpty()) {
                Signature signature = Signature.of(found.attributes());
                if (!signature.equals(badNames.put(name, signature))) {
                    rejections.increment();
                    LOG.warn("file rejected file={} line=0 reason=the file name is not a service name: lower-case letters, digits "
                            + "and hyphens, dots between segments, then .yaml", file);
                }
                return null;
            }
            state = new FileState(service.get());
            files.put(name, state);
        }
        if (!toldOfChange && state.read != null && state.read.sameAs(found.attributes())
                && !mayHideAnEdit(state.read.modifiedNanos, state.readAtNanos)) {
            return state;
        }
        state.read = Signature.of(found.attributes());
        state.readAtNanos = nowEpochNanos();
        load(file, state);
        return state;
    }

    private void load(Path file, FileState state) {
        List<Endpoint> endpoints;
        byte[] digest;
        try {
            String text = reader.read(file);
            digest = digest(text);
            if (state.loaded && state.lastRejection == null && MessageDigest.isEqual(digest, state.goodDigest)) {
                return;
            }
            endpoints = FileEndpoints.keepingUnchanged(state.endpoints, FileEndpoints.of(parser.parse(state.service, text), source.id()));
        } catch (RejectedFile e) {
            if (!running) {
                return; // interrupted by close(): not the file's fault
            }
            // once per version of the file and reason: a rescan does not repeat it, a new edit does
            String rejection = state.read + " " + e.line() + " " + e.reason();
            if (!rejection.equals(state.lastRejection)) {
                LOG.warn("file rejected file={} line={} reason={}{}", file, e.line(), e.reason(),
                        state.loaded ? "; keeping the last good version" : "");
                state.lastRejection = rejection;
                rejections.increment();
            }
            return;
        }
        state.endpoints = endpoints;
        if (!state.loaded) {
            loadedFiles++;
        }
        state.loaded = true;
        state.goodDigest = digest;
        loads.increment();
        publish(state.service, endpoints);
        state.lastRejection = null;
        announce("file service loaded service=" + state.service + " endpoints=" + endpoints.size() + " file=" + file);
    }

    /** One file's endpoints: at once when a watch event told of it, with the rest at the end of a scan. */
    private void publish(String service, List<Endpoint> endpoints) {
        if (inScan) {
            changedInScan.put(service, endpoints);
            return;
        }
        source.replaceContainer(FileEndpoints.containerId(service), endpoints);
        countServices();
    }

    private void announce(String line) {
        if (inScan) {
            announced.add(line);
        } else {
            LOG.info(line);
        }
    }

    private void countServices() {
        services = loadedFiles;
    }

    /**
     * Whether a read at {@code readNanos} (epoch) of a file modified at {@code modifiedNanos}
     * may have missed a later edit that left its size and time as they were: the read came
     * within {@link #RECENT_FINE_NANOS} of a time with a sub-millisecond part, or within
     * {@link #RECENT_NANOS} of a whole-millisecond one (or the clock went back). Such a file
     * is read again at the next rescan; a read made after the window settles it. Under a
     * writer rewriting files all the time, a rescan then reads again each rewritten file
     * once, not every file of the last three seconds at every rescan.
     */
    static boolean mayHideAnEdit(long modifiedNanos, long readNanos) {
        if (modifiedNanos < 0) {
            return false;
        }
        long window = modifiedNanos % 1_000_000 != 0 ? RECENT_FINE_NANOS : RECENT_NANOS;
        return Math.abs(readNanos - modifiedNanos) < window;
    }

    private void remove(String name) {
        FileState state = files.remove(name);
        if (state == null) {
            return;
        }
        if (state.loaded) {
            loadedFiles--;
            publish(state.service, List.of());
        }
        announce("file service removed service=" + state.service + " file=" + dir.resolve(name));
    }

    /**
     * What is at {@code file}, following links, in one stat when something is there (the
     * rescan's common case); only a name that cannot be read through is looked at again, so
     * a dangling link still counts as present and is reported by the reader.
     */
    private static Found look(Path file) {
        try {
            return new Found(true, Files.readAttributes(file, BasicFileAttributes.class));
        } catch (NoSuchFileException e) {
            return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? Found.UNREADABLE : Found.ABSENT;
        } catch (IOException e) {
            // A link loop or unreadable link: the reader says which when it tries.
            return Found.UNREADABLE;
        }
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static long nowEpochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void register() {
        try {
            WatchService w = dir.getFileSystem().newWatchService();
            dir.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            watcher = w;
            LOG.info("file services directory watched dir={} rescanMillis={}", dir, TimeUnit.NANOSECONDS.toMillis(rescanNanos));
        } catch (IOException e) {
            LOG.warn("file services directory cannot be watched, rescanning only dir={} reason={}", dir, e.getMessage());
        }
    }

    private void closeWatcher() {
        WatchService w = watcher;
        watcher = null;
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static void sleepQuietly(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
