package haystack.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceFileReaderTest {

    @TempDir
    Path dir;

    private final ServiceFileReader reader = new ServiceFileReader(4 * 1024 * 1024);

    @Test
    void aFiftyMegabyteFileIsRefusedWithoutBeingRead() throws Exception {
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(50L * 1024 * 1024); // sparse: costs no disk
        }
        RejectedFile e = assertThrows(RejectedFile.class, () -> reader.read(big));
        assertEquals(0, e.line());
        assertTrue(e.reason().contains("52428800 bytes, more than the limit of 4194304"), e.reason());
    }

    @Test
    void aBinaryFileIsRefusedWithTheLineOfItsFirstBadByte() throws Exception {
        Path bin = dir.resolve("bin.yaml");
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (255 - i);
        }
        Files.write(bin, bytes);
        RejectedFile e = assertThrows(RejectedFile.class, () -> reader.read(bin));
        assertTrue(e.reason().startsWith("not UTF-8 text"), e.reason());
        Files.write(bin, "endpoints:\n  - 10.0.0.1:80\n\u00ff".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(3, assertThrows(RejectedFile.class, () -> reader.read(bin)).line());
    }

    @Test
    void aSymbolicLinkLoopIsRefused() throws Exception {
        Path a = dir.resolve("a.yaml");
        Path b = dir.resolve("b.yaml");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        RejectedFile e = assertThrows(RejectedFile.class, () -> reader.read(a));
        assertEquals("a symbolic link loop", e.reason());
    }

    @Test
    void aDirectoryAndAFifoAreRefusedWithoutBlocking() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d.yaml"));
        assertEquals("a directory, not a file", assertThrows(RejectedFile.class, () -> reader.read(d)).reason());
        Path fifo = dir.resolve("fifo.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        assertEquals("not a regular file", assertThrows(RejectedFile.class, () -> reader.read(fifo)).reason());
    }

    @Test
    void aDanglingLinkIsRefused() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("l.yaml"), dir.resolve("nowhere"));
        assertTrue(assertThrows(RejectedFile.class, () -> reader.read(link)).reason().contains("link to nothing"));
    }

    @Test
    void utf8TextIsReadAndABomDropped() throws Exception {
        Path f = dir.resolve("web.yaml");
        Files.writeString(f, "\uFEFFendpoints: [10.0.0.1:80] # café\n");
        assertEquals("endpoints: [10.0.0.1:80] # café\n", reader.read(f));
        Files.writeString(f, "x".repeat(10));
        assertEquals(10, new ServiceFileReader(10).read(f).length());
        assertThrows(RejectedFile.class, () -> new ServiceFileReader(9).read(f));
    }
}
