package haystack.lb.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Bytes read from one connection and not yet passed on: {@code a[start, end)}. Heap memory, parsed in place. */
public final class IoBuffer {

    public final byte[] a;
    private final ByteBuffer view;
    public int start;
    public int end;

    public IoBuffer(int size) {
        a = new byte[size];
        view = ByteBuffer.wrap(a);
    }

    public int readable() {
        return end - start;
    }

    public boolean isEmpty() {
        return start == end;
    }

    /** No room left even after moving the unread bytes to the front. */
    public boolean full() {
        return start == 0 && end == a.length;
    }

    /** Reads what the channel has into the free space: bytes read, 0 when none or no room, -1 at the end of the stream. */
    public int readFrom(SocketChannel channel) throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == a.length) {
            if (start == 0) {
                return 0;
            }
            compact();
        }
        view.limit(a.length).position(end);
        int n = channel.read(view);
        if (n > 0) {
            end += n;
        }
        return n;
    }

    /** Writes {@code a[start, upTo)}; returns the bytes written, which are consumed. */
    public int writeTo(SocketChannel channel, int upTo) throws IOException {
        view.limit(upTo).position(start);
        int n = channel.write(view);
        start += n;
        return n;
    }

    /**
     * Puts {@code src[0, n)} in place of the first {@code length} readable bytes, moving what
     * follows along when it is longer and there is no room before; false, with nothing
     * changed, when the buffer cannot hold it.
     */
    public boolean replaceFront(int length, byte[] src, int n) {
        int newStart = start + length - n;
        if (newStart < 0) {
            int shift = -newStart;
            if (end + shift > a.length) {
                return false;
            }
            System.arraycopy(a, start, a, start + shift, end - start);
            start += shift;
            end += shift;
            newStart = 0;
        }
        System.arraycopy(src, 0, a, newStart, n);
        start = newStart;
        return true;
    }

    /**
     * The free space after the unread bytes as a buffer to fill (moving the unread bytes to
     * the front when that makes room); {@link #filled} takes what was put in. For a layer
     * that decodes into the buffer (TLS).
     */
    public ByteBuffer free() {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == a.length && start > 0) {
            compact();
        }
        view.limit(a.length).position(end);
        return view;
    }

    /** Takes the bytes put into {@link #free()}'s buffer. */
    public void filled() {
        end = view.position();
    }

    /** {@code a[start, upTo)} as a buffer to drain; {@link #drained} consumes what was taken. */
    public ByteBuffer unread(int upTo) {
        view.limit(upTo).position(start);
        return view;
    }

    /** Consumes the bytes taken from {@link #unread}'s buffer. */
    public void drained() {
        start = view.position();
    }

    void compact() {
        System.arraycopy(a, start, a, 0, end - start);
        end -= start;
        start = 0;
    }

    void clear() {
        start = 0;
        end = 0;
    }
}
