package haystack.lb.internal.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread. Every connection belongs to one loop for its whole life, and so do
 * the idle backend connections it parks: nothing on the request path is shared between
 * threads except the routing table and counters. Other threads hand work in through
 * {@link #execute}. Deadlines are checked by a sweep every {@link #TICK_MS}, so the hot
 * path only stores a number.
 */
public final class EventLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    static final long TICK_MS = 100;
    private static final int POOLED_BUFFERS = 256;
    /**
     * Direct buffers are lent only while they hold bytes the other side has not taken (the
     * TCP relay), so a few serve many connections and they can be large: a 64 kB read or
     * write moves four times what the heap buffers' 16 kB do, for a quarter of the system
     * calls in a bulk transfer.
     */
    static final int DIRECT_BUFFER_SIZE = 64 * 1024;
    private static final int POOLED_DIRECT_BUFFERS = 64;

    public final int index;
    public final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<IoBuffer> buffers = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> directBuffers = new ArrayDeque<>();
    /** Sockets whose keys are cancelled, closed once a select has deregistered them (see {@link #closeDeregistered}). */
    private ArrayList<SocketChannel> deregistering = new ArrayList<>();
    private ArrayList<SocketChannel> closing = new ArrayList<>();
    private final int bufferSize;
    private volatile boolean running = true;
    /** System.nanoTime when the loop began handling what the last select returned; 0 while it waits. */
    private volatile long busySince;
    /** The busySince of the last stall the watchdog reported, so one stall is reported once. */
    long reportedStall;
    /** Milliseconds, read once per select. */
    public long now = System.nanoTime() / 1_000_000;
    private long nextTick;

    public EventLoop(String name, int index, int bufferSize) {
        this.index = index;
        this.bufferSize = bufferSize;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.thread = new Thread(this, name + "-" + index);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on this loop's thread (at once when called from it). */
    public void execute(Runnable task) {
        if (inLoop()) {
            task.run();
        } else {
            tasks.add(task);
            selector.wakeup();
        }
    }

    /**
     * Runs {@code task} on this loop's thread after what it is doing now (never at once):
     * on the loop, before it next waits in select.
     */
    public void later(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    public IoBuffer buffer() {
        IoBuffer b = buffers.pollLast();
        return b != null ? b : new IoBuffer(bufferSize);
    }

    public void release(IoBuffer b) {
        if (b != null && buffers.size() < POOLED_BUFFERS) {
            b.clear();
            buffers.addLast(b);
        }
    }

    /**
     * A direct buffer of {@link #DIRECT_BUFFER_SIZE}, for bytes that are only passed through
     * (the TCP relay): the socket reads and writes it without a copy to and from the heap.
     */
    public ByteBuffer directBuffer() {
        ByteBuffer b = directBuffers.pollLast();
        return b != null ? b : ByteBuffer.allocateDirect(DIRECT_BUFFER_SIZE);
    }

    public void release(ByteBuffer b) {
        if (b != null && directBuffers.size() < POOLED_DIRECT_BUFFERS) {
            b.clear();
            directBuffers.addLast(b);
        }
    }

    /**
     * Closes {@code channel}, whose key this loop's selector holds cancelled, right after
     * the next select has dropped that key. The JDK closes a socket that is still
     * registered only at that point anyway, and on the way adds a getsockopt(SO_LINGER)
     * and a shutdown; closed once deregistered it is one close(2). Called on this loop's
     * thread; a loop with sockets to close selects without waiting, so they close at once.
     */
    public void closeDeregistered(SocketChannel channel) {
        deregistering.add(channel);
    }

    @Override
    public void run() {
        while (running) {
            try {
                busySince = 0;
                if (deregistering.isEmpty()) {
                    selector.select(this::dispatch, TICK_MS);
                } else {
                    ArrayList<SocketChannel> deregistered = deregistering;
                    deregistering = closing;
                    closing = deregistered;
                    try {
                        selector.selectNow(this::dispatch); // deregisters the cancelled keys first, then takes what is ready
                    } finally {
                        closeAll(deregistered);
                    }
                }
                busySince = System.nanoTime();
                now = busySince / 1_000_000;
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                if (now >= nextTick) {
                    nextTick = now + TICK_MS;
                    for (SelectionKey key : new ArrayList<>(selector.keys())) {
                        if (key.isValid() && key.attachment() instanceof Io io) {
                            io.tick(now);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("event loop error loop={} error={}", thread.getName(), e.toString(), e);
            }
        }
        List<Io> open = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Io io) {
                open.add(io);
            }
        }
        open.forEach(Io::close);
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeAll(deregistering);
    }

    private static void closeAll(ArrayList<SocketChannel> channels) {
        for (SocketChannel c : channels) {
            LoopConnection.closeQuietly(c);
        }
        channels.clear();
    }

    private void dispatch(SelectionKey key) {
        if (busySince == 0) {
            busySince = System.nanoTime();
        }
        try {
            ((Io) key.attachment()).ready(key);
        } catch (RuntimeException e) {
            LOG.error("connection handler failed loop={} error={}", thread.getName(), e.toString(), e);
            ((Io) key.attachment()).close();
        }
    }

    long busySince() {
        return busySince;
    }

    Thread thread() {
        return thread;
    }

    public void stop() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
