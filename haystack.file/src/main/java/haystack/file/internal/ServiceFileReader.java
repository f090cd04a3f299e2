package haystack.file.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a service file as UTF-8 text, refusing what is not one: a directory, a device or
 * FIFO (opening one could block), a symbolic link loop, a file over the size limit (never
 * read past it, even while it grows) and bytes that are not UTF-8.
 */
final class ServiceFileReader {

    private final int maxBytes;

    ServiceFileReader(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("max bytes must be at least 1, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    String read(Path file) throws RejectedFile {
        BasicFileAttributes attrs = attributes(file);
        if (attrs.isDirectory()) {
            throw new RejectedFile("a directory, not a file");
        }
        if (!attrs.isRegularFile()) {
            throw new RejectedFile("not a regular file");
        }
        if (attrs.size() > maxBytes) {
            throw tooLarge(attrs.size());
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.min((long) maxBytes + 1, Math.max(attrs.size() + 1, 4096)));
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                if (!bytes.hasRemaining()) {
                    if (bytes.capacity() > maxBytes) {
                        throw tooLarge(in.size());
                    }
                    // The file grew since it was measured: grow the buffer, never past the limit plus one.
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.min((long) maxBytes + 1, bytes.capacity() * 2L));
                    bytes.flip();
                    bigger.put(bytes);
                    bytes = bigger;
                }
                if (in.read(bytes) < 0) {
                    break;
                }
            }
        } catch (NoSuchFileException e) {
            throw new RejectedFile("gone while being read");
        } catch (IOException e) {
            throw new RejectedFile("unreadable: " + e.getMessage());
        }
        bytes.flip();
        return decode(bytes);
    }

    private static BasicFileAttributes attributes(Path file) throws RejectedFile {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new RejectedFile("a symbolic link to nothing, or gone");
        } catch (FileSystemException e) {
            // ELOOP comes as a FileSystemException whose reason names it
            String reason = e.getReason() == null ? e.getMessage() : e.getReason();
            throw new RejectedFile(reason.toLowerCase(java.util.Locale.ROOT).contains("symbolic link") ? "a symbolic link loop" : "unreadable: " + reason);
        } catch (IOException e) {
            throw new RejectedFile("unreadable: " + e.getMessage());
        }
    }

    private RejectedFile tooLarge(long size) {
        return new RejectedFile(size + " bytes, more than the limit of " + maxBytes + " (HAYSTACK_SERVICES_MAX_BYTES)");
    }

    /** Strict UTF-8 (a leading BOM dropped); the line of the first byte that is not. */
    private static String decode(ByteBuffer bytes) throws RejectedFile {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(bytes.remaining());
        CoderResult result = decoder.decode(bytes, chars, true);
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < bytes.position(); i++) {
                if (bytes.get(i) == '\n') {
                    line++;
                }
            }
            throw new RejectedFile(line, "not UTF-8 text (byte " + bytes.position() + ")");
        }
        decoder.flush(chars);
        chars.flip();
        String text = chars.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
