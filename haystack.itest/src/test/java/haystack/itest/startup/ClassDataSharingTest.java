package haystack.itest.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data sharing archive the distro build makes next to the jar
 * (haystack.distro/cds-archive.sh): the jar started as ./haystack starts it maps the
 * archive and takes Felix's, the bundles' and the JDK's classes from it; an archive that
 * is broken, cut short or made for another Java never keeps Haystack from starting.
 */
class ClassDataSharingTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final String STARTED = "haystack started";
    private static final String FROM_ARCHIVE = "source: shared objects file (top)";

    @Test
    void theJarStartsWithTheArchiveAndTakesTheBundlesClassesFromIt(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(HaystackProcess.ARCHIVE), "the distro build makes " + HaystackProcess.ARCHIVE);
        List<String> archive = HaystackProcess.archiveOptions(JAVA_HOME);
        assertEquals(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + HaystackProcess.ARCHIVE), archive,
                "made by this Java for this jar: " + Files.readString(HaystackProcess.ARCHIVE.resolveSibling("haystack.jsa.jdk")));
        Path classes = dir.resolve("classes.log");
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, Ports.allFree(dir),
                List.of("-Xlog:class+load=info:file=" + classes))) {
            haystack.awaitLine(l -> l.contains(STARTED), Duration.ofSeconds(90));
            List<String> loaded = Files.readAllLines(classes);
            long fromArchive = loaded.stream().filter(l -> l.contains(FROM_ARCHIVE)).count();
            // a bundle's class (Felix defines it from the bundle's bytes), Felix's own, a bundled library's
            for (String type : List.of("haystack.config.internal.StartupReport", "org.apache.felix.framework.Felix",
                    "org.apache.sshd.server.SshServer")) {
                assertTrue(loaded.stream().anyMatch(l -> l.contains("] " + type + " " + FROM_ARCHIVE)),
                        type + " from the archive; of " + loaded.size() + " classes " + fromArchive + " were");
            }
            assertTrue(fromArchive * 2 > loaded.size(), "most classes from the archive: " + fromArchive + " of " + loaded.size());
            assertTrue(haystack.haystackLines().stream().noneMatch(l -> l.contains("[cds") || l.contains("shared archive")),
                    haystack.output());
        }
    }

    @Test
    void aBrokenOrTruncatedArchiveNeverStopsStartUp(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.jsa");
        byte[] bytes = new byte[1 << 20];
        new Random(14).nextBytes(bytes);
        Files.write(garbage, bytes);
        // Given straight to the JVM, a garbage file is ignored (-Xshare:auto): start-up goes on.
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, Ports.allFree(dir),
                List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + garbage))) {
            haystack.awaitLine(l -> l.contains(STARTED), Duration.ofSeconds(90));
        }
        // A truncated archive would crash Java 17 (SIGBUS) if given to it: the launchers compare the
        // size the build recorded, so a cut-short copy is never passed on; the whole one is.
        Path copy = dir.resolve("haystack.jsa");
        Files.copy(HaystackProcess.ARCHIVE, copy);
        Files.copy(HaystackProcess.ARCHIVE.resolveSibling("haystack.jsa.jdk"), dir.resolve("haystack.jsa.jdk"));
        assertEquals(2, HaystackProcess.archiveOptions(JAVA_HOME, copy).size(), "the whole copy is offered");
        try (var channel = java.nio.channels.FileChannel.open(copy, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(copy) / 2);
        }
        assertEquals(List.of(), HaystackProcess.archiveOptions(JAVA_HOME, copy), "a truncated one is not");
    }

    @Test
    void anotherJavaStartsWithoutTheArchiveAndSaysNothingOfIt(@TempDir Path dir) throws Exception {
        // Temurin 25, where installed: the Java 17 archive is not passed to it (no warning line either)
        Path other;
        try (var jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            other = jvms.filter(p -> p.getFileName().toString().matches("temurin-2[5-9].*"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/java"))).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            other = null;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "no other Java installed");
        assertEquals(List.of(), HaystackProcess.archiveOptions(other));
        try (HaystackProcess haystack = new HaystackProcess(other, dir, Ports.allFree(dir))) {
            haystack.awaitLine(l -> l.contains(STARTED), Duration.ofSeconds(90));
            assertTrue(haystack.haystackLines().stream().noneMatch(l -> l.contains("[cds") || l.contains("shared archive")),
                    haystack.output());
        }
    }
}
