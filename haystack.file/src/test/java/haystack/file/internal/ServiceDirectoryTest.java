package haystack.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.RegistryChange;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import haystack.testing.LogLines;

/** The watcher on a real directory feeding a real registry. Bounds are upper limits with slack, not timings. */
class ServiceDirectoryTest {

    /** SPEC §6b asks for edits within a second; this is that with slack for a loaded machine. */
    private static final Duration FOLLOWED = Duration.ofSeconds(5);

    @TempDir
    Path root;
    private Path dir;
    private RegistryImpl registry;
    private EndpointSource source;
    private ServiceDirectory directory;
    private LogLines log;

    @BeforeEach
    void start() throws Exception {
        log = new LogLines();
        dir = Files.createDirectory(root.resolve("services"));
        registry = new RegistryImpl();
        source = new DiscoveryPublisherImpl(registry).open("file:" + dir);
    }

    private void watch() {
        directory = new ServiceDirectory(dir, 4 * 1024 * 1024, Duration.ofSeconds(1), source).start();
    }

    @AfterEach
    void stop() {
        if (directory != null) {
            directory.close();
        }
        source.close();
        log.close();
    }

    private List<Endpoint> of(String service) {
        return registry.snapshot().endpoints().stream().filter(e -> e.service().equals(service)).toList();
    }

    private static Set<String> addresses(List<Endpoint> endpoints) {
        return endpoints.stream().map(e -> e.address().getHostAddress() + ":" + e.port()).collect(Collectors.toSet());
    }

    /** Waits at most {@code bound} for the service's endpoints to satisfy {@code p}; returns how long it took. */
    private Duration await(String service, Duration bound, Predicate<List<Endpoint>> p, String what) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        while (!p.test(of(service))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + bound + "; registry has " + of(service) + "\nlog:\n" + String.join("\n", log.lines()));
            }
            Thread.sleep(10);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void awaitLog(Duration bound, String... parts) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (log.containing(parts).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line with " + List.of(parts) + "\nlog:\n" + String.join("\n", log.lines()));
            }
            Thread.sleep(10);
        }
    }

    /** Writes whole, then renames into place, as editors and config tools do. */
    private void write(String name, String text) throws Exception {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void twoEndpointsLoadAnEditRemovingOneIsFollowedAndIdsStayTheSame() throws Exception {
        write("web.yaml", "endpoints:\n  - 127.0.0.1:9001\n  - 127.0.0.1:9002\nstrategy: round-robin\n");
        watch();
        await("web", FOLLOWED, l -> l.size() == 2, "two endpoints");
        awaitLog(FOLLOWED, "file service loaded service=web endpoints=2 file=" + dir.resolve("web.yaml"));
        Endpoint kept = of("web").stream().filter(e -> e.port() == 9001).findFirst().orElseThrow();
        assertEquals("round-robin", kept.strategy());
        assertEquals("http", kept.portName());
        assertEquals("web@127.0.0.1:9001", kept.containerName());

        Files.writeString(dir.resolve("web.yaml"), "endpoints:\n  - 127.0.0.1:9001\nstrategy: round-robin\n"); // in place, no rename
        Duration took = await("web", FOLLOWED, l -> addresses(l).equals(Set.of("127.0.0.1:9001")), "the edit");
        System.out.println("edit followed in " + took.toMillis() + " ms");
        assertEquals(kept.id(), of("web").get(0).id(), "the same endpoint, so the balancer keeps its pool and counters");
    }

    @Test
    void aDirectoryOfManyFilesIsPublishedAsOneChange() throws Exception {
        for (int i = 0; i < 2000; i++) {
            write("s" + i + ".yaml", "endpoints: [10.0." + (i / 256) + "." + (i % 256) + ":80]\n");
        }
        long before = registry.snapshot().version();
        watch();
        await("s1999", Duration.ofSeconds(60), l -> l.size() == 1, "the last file");
        assertEquals(2000, registry.snapshot().endpoints().size());
        // one change for the first scan (and one for becoming synchronised at most), not one per file
        assertTrue(registry.snapshot().version() - before <= 2, "versions: " + (registry.snapshot().version() - before));
    }

    @Test
    void filesRewrittenAllTheTimeArePublishedOneServicePerChangeNeverTheWholeDirectory() throws Exception {
        int services = 200;
        for (int i = 0; i < services; i++) {
            write("s" + i + ".yaml", "endpoints: [10.1." + (i / 256) + "." + (i % 256) + ":80]\n");
        }
        List<RegistryChange> changes = new CopyOnWriteArrayList<>();
        watch();
        await("s" + (services - 1), Duration.ofSeconds(60), l -> l.size() == 1, "the last file");
        registry.addListener(changes::add);
        // a writer that never pauses: events keep coming past the settle rounds, and rescans
        // (every second) see files the watch has not told of yet
        long end = System.nanoTime() + Duration.ofMillis(3500).toNanos();
        int round = 0;
        while (System.nanoTime() < end) {
            int i = round % 5;
            write("s" + i + ".yaml", "endpoints: [10.2." + i + "." + (round % 250) + ":80]\n");
            round++;
            Thread.sleep(2);
        }
        for (int i = 0; i < 5; i++) {
            int last = round - 1 - ((round - 1 - i) % 5 + 5) % 5;
            String want = "10.2." + i + "." + (last % 250) + ":80";
            await("s" + i, FOLLOWED, l -> addresses(l).equals(Set.of(want)), "s" + i + " at its last version " + want);
        }
        assertTrue(changes.size() > 2, "changes: " + changes.size());
        for (RegistryChange c : changes.subList(1, changes.size())) { // the first is the listener's catch-up
            Set<String> touched = new java.util.HashSet<>();
            c.added().forEach(e -> touched.add(e.service()));
            c.removed().forEach(e -> touched.add(e.service()));
            c.updated().forEach(e -> touched.add(e.service()));
            assertTrue(touched.size() <= 1, "one service per change, not a whole-directory replacement: " + touched);
        }
        assertEquals(services, registry.snapshot().size());
    }

    @Test
    void aBrokenEditIsLoggedWithItsLineAndTheLastGoodVersionKept() throws Exception {
        write("web.yaml", "endpoints:\n  - 127.0.0.1:9001\n  - 127.0.0.1:9002\n");
        watch();
        await("web", FOLLOWED, l -> l.size() == 2, "two endpoints");
        write("web.yaml", "endpoints:\n  - 127.0.0.1:9001\n  - 127.0.0.1:99999\n");
        awaitLog(FOLLOWED, "file rejected file=" + dir.resolve("web.yaml"), "line=3", "99999", "keeping the last good version");
        Thread.sleep(2500); // two rescans: still one line, still the last good set
        assertEquals(2, of("web").size());
        assertEquals(1, log.containing("file rejected", "web.yaml").size(), String.join("\n", log.lines()));

        write("web.yaml", "endpoints:\n  - 127.0.0.1:9003\n");
        await("web", FOLLOWED, l -> addresses(l).equals(Set.of("127.0.0.1:9003")), "the repaired file");
    }

    @Test
    void deletingTheFileRemovesItsServiceAndNothingElse() throws Exception {
        write("web.yaml", "endpoints: [127.0.0.1:9001]\n");
        write("v1.hello.yaml", "endpoints: [\"[::1]:9002\"]\nport: http-alt\n");
        watch();
        await("web", FOLLOWED, l -> l.size() == 1, "web");
        await("hello/v1", FOLLOWED, l -> l.size() == 1, "hello/v1");
        assertEquals("v1.hello", of("hello/v1").get(0).qualifiedName());
        assertEquals("http-alt", of("hello/v1").get(0).portName());

        Files.delete(dir.resolve("web.yaml"));
        await("web", FOLLOWED, List::isEmpty, "web removed");
        awaitLog(FOLLOWED, "file service removed service=web file=" + dir.resolve("web.yaml"));
        assertEquals(1, of("hello/v1").size());
    }

    @Test
    void withoutAWatchTheRescanAloneFollowsEditsRemovalsLinksAndBadNames() throws Exception {
        write("web.yaml", "endpoints: [127.0.0.1:9001]\n");
        write("api.yaml", "endpoints: [127.0.0.1:9101]\n");
        write("Bad_Name.yaml", "endpoints: [127.0.0.1:9201]\n");
        directory = new ServiceDirectory(dir, 4 * 1024 * 1024, Duration.ofMillis(200), source, false).start();
        await("web", FOLLOWED, l -> l.size() == 1, "web");
        await("api", FOLLOWED, l -> l.size() == 1, "api");
        awaitLog(FOLLOWED, "file rejected file=" + dir.resolve("Bad_Name.yaml") + " ");

        Files.writeString(dir.resolve("web.yaml"), "endpoints: [127.0.0.1:9002]\n"); // in place, same size
        await("web", FOLLOWED, l -> addresses(l).equals(Set.of("127.0.0.1:9002")), "an in-place edit of the same size");
        Files.delete(dir.resolve("api.yaml"));
        await("api", FOLLOWED, List::isEmpty, "api removed");
        Files.createSymbolicLink(dir.resolve("link.yaml"), dir.resolve("web.yaml"));
        await("link", FOLLOWED, l -> addresses(l).equals(Set.of("127.0.0.1:9002")), "a link read through");
        Files.delete(dir.resolve("web.yaml")); // the link now dangles: rejected, its last good version kept
        await("web", FOLLOWED, List::isEmpty, "web removed");
        awaitLog(FOLLOWED, "file rejected file=" + dir.resolve("link.yaml") + " ");
        assertEquals(1, of("link").size());

        Thread.sleep(600); // rescans: a bad name is reported once while it stays
        assertEquals(1, log.containing("file rejected file=" + dir.resolve("Bad_Name.yaml") + " ").size());
        Files.delete(dir.resolve("Bad_Name.yaml"));
        Thread.sleep(600);
        write("Bad_Name.yaml", "endpoints: [127.0.0.1:9201]\n");
        long deadline = System.nanoTime() + FOLLOWED.toNanos();
        while (log.containing("file rejected file=" + dir.resolve("Bad_Name.yaml") + " ").size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, log.containing("file rejected file=" + dir.resolve("Bad_Name.yaml") + " ").size(), "reported again once back");
        assertTrue(log.containing("file services directory watched").isEmpty());
    }

    @Test
    void tenThousandEndpointsInOneFileLoad() throws Exception {
        StringBuilder y = new StringBuilder("endpoints:\n");
        for (int i = 0; i < 10_000; i++) {
            y.append("  - 10.").append(i / 65536 % 256).append('.').append(i / 256 % 256).append('.').append(i % 256).append(":8080\n");
        }
        write("big.yaml", y.toString());
        watch();
        Duration took = await("big", Duration.ofSeconds(30), l -> l.size() == 10_000, "10,000 endpoints");
        System.out.println("10000 endpoints loaded in " + took.toMillis() + " ms");
        assertEquals(10_000, of("big").stream().map(Endpoint::id).distinct().count());
    }

    @Test
    void hostileFilesLogOneLineEachAndNothingElseIsAffected() throws Exception {
        write("good.yaml", "endpoints: [127.0.0.1:9001, 127.0.0.1:9002]\n");
        write("gone-dir.yaml", "endpoints: [127.0.0.1:9003]\n");
        watch();
        await("good", FOLLOWED, l -> l.size() == 2, "good");
        await("gone-dir", FOLLOWED, l -> l.size() == 1, "gone-dir");

        // billion laughs: each line nine aliases of the list above it, 9^9 endpoints if expanded
        StringBuilder bomb = new StringBuilder("endpoints: &a [\"127.0.0.1:1\", \"127.0.0.1:2\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            String previous = "*" + (char) (c - 1);
            bomb.append('x').append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, previous))).append("]\n");
        }
        write("bomb.yaml", bomb.toString());
        write("recursive.yaml", "endpoints: &e [127.0.0.1:80, *e]\n");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("huge.yaml").toFile(), "rw")) {
            f.setLength(50L * 1024 * 1024);
        }
        byte[] binary = new byte[4096];
        new java.util.Random(7).nextBytes(binary);
        Files.write(dir.resolve("binary.yaml"), binary);
        Files.createSymbolicLink(dir.resolve("loop-a.yaml"), dir.resolve("loop-b.yaml"));
        Files.createSymbolicLink(dir.resolve("loop-b.yaml"), dir.resolve("loop-a.yaml"));
        write("Not_A_Service.yaml", "endpoints: [127.0.0.1:9004]\n");
        write("badport.yaml", "endpoints: [127.0.0.1:70000]\n");
        write("nothostport.yaml", "endpoints: [just-a-name]\n");
        Files.delete(dir.resolve("gone-dir.yaml"));
        Files.createDirectory(dir.resolve("gone-dir.yaml"));

        List<String> names = List.of("bomb.yaml", "recursive.yaml", "huge.yaml", "binary.yaml", "loop-a.yaml", "loop-b.yaml",
                "Not_A_Service.yaml", "badport.yaml", "nothostport.yaml");
        for (String name : names) {
            awaitLog(FOLLOWED, "file rejected file=" + dir.resolve(name) + " ");
        }
        Thread.sleep(2500); // two more rescans: nothing is logged again
        for (String name : names) {
            assertEquals(1, log.containing("file rejected file=" + dir.resolve(name) + " ").size(), name + ":\n" + String.join("\n", log.lines()));
        }
        assertTrue(log.containing("file=" + dir.resolve("huge.yaml"), "52428800 bytes").size() == 1);
        assertTrue(log.containing("file=" + dir.resolve("loop-a.yaml"), "symbolic link loop").size() == 1);
        assertEquals(Set.of("127.0.0.1:9001", "127.0.0.1:9002"), addresses(of("good")), "the good file is untouched");
        assertEquals(1, of("gone-dir").size(), "a file replaced by a directory keeps its last good version");
        assertEquals(Set.of("good", "gone-dir"), registry.snapshot().endpoints().stream().map(Endpoint::service).collect(Collectors.toSet()));
        assertEquals(names.size() + 1, directory.rejections(), "every refusal counted once, the directory too");
        assertEquals(2, directory.services());
        assertEquals(2, directory.loads());
    }

    @Test
    void aDirectoryThatAppearsLaterIsWatchedThenAndItsRemovalTakesItsServices() throws Exception {
        Files.delete(dir);
        watch();
        awaitLog(FOLLOWED, "file services directory absent dir=" + dir);
        Files.createDirectory(dir);
        write("web.yaml", "endpoints: [127.0.0.1:9001]\n");
        await("web", FOLLOWED, l -> l.size() == 1, "web after the directory appeared");
        Files.delete(dir.resolve("web.yaml"));
        Files.delete(dir);
        await("web", FOLLOWED, List::isEmpty, "web gone with its directory");
    }

    @Test
    void aServiceAlsoPublishedByAnotherSourceGetsBothSets() throws Exception {
        EndpointSource docker = new DiscoveryPublisherImpl(registry).open("docker:unix:///test.sock");
        docker.put(List.of(Endpoint.builder().service("web").containerId("c0ffee").containerName("web-1")
                .address(java.net.InetAddress.getByName("172.17.0.5")).port(80).portName("http").build()));
        write("web.yaml", "endpoints: [127.0.0.1:9001, 127.0.0.1:9002]\n");
        watch();
        await("web", FOLLOWED, l -> l.size() == 3, "both sources' endpoints");
        Files.delete(dir.resolve("web.yaml"));
        await("web", FOLLOWED, l -> addresses(l).equals(Set.of("172.17.0.5:80")), "only the container's once the file is gone");
        docker.close();
    }

    @Test
    void aKubernetesConfigMapSwapOfTheDataLinkIsFollowed() throws Exception {
        // kubelet's layout: web.yaml -> ..data/web.yaml, ..data -> ..v1; an update writes ..v2 and swaps ..data
        Files.createDirectory(dir.resolve("..v1"));
        Files.writeString(dir.resolve("..v1/web.yaml"), "endpoints: [127.0.0.1:9001]\n");
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v1"));
        Files.createSymbolicLink(dir.resolve("web.yaml"), Path.of("..data/web.yaml"));
        watch();
        await("web", FOLLOWED, l -> addresses(l).equals(Set.of("127.0.0.1:9001")), "the first version");

        Files.createDirectory(dir.resolve("..v2"));
        Files.writeString(dir.resolve("..v2/web.yaml"), "endpoints: [127.0.0.1:9002]\n");
        Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v2"));
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        await("web", FOLLOWED, l -> addresses(l).equals(Set.of("127.0.0.1:9002")), "the swapped version");
    }

    @Test
    void closingStopsTheThreadAndWithdrawsNothingItself() throws Exception {
        write("web.yaml", "endpoints: [127.0.0.1:9001]\n");
        watch();
        await("web", FOLLOWED, l -> l.size() == 1, "web");
        directory.close();
        directory = null;
        write("web.yaml", "endpoints: [127.0.0.1:9002]\n");
        Thread.sleep(1500);
        assertEquals(Set.of("127.0.0.1:9001"), addresses(of("web")), "no longer followed");
        source.close();
        assertTrue(of("web").isEmpty(), "the source's endpoints go with it");
    }
}
