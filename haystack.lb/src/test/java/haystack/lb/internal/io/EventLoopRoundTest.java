package haystack.lb.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work deferred with {@link EventLoop#atRoundEnd}: after every key of its round, never lost, on real sockets. */
class EventLoopRoundTest {

    private final EventLoop loop = new EventLoop("round-test", 0, 1024);
    private final List<SocketChannel> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        loop.stop();
        for (SocketChannel s : sockets) {
            s.close();
        }
    }

    /** A loopback connection: [0] the end the loop reads, [1] the peer that writes. */
    private SocketChannel[] pair() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel peer = SocketChannel.open(server.getLocalAddress());
            SocketChannel local = server.accept();
            local.configureBlocking(false);
            sockets.add(peer);
            sockets.add(local);
            return new SocketChannel[] {local, peer};
        }
    }

    @Test
    void deferredWorkRunsAfterEveryKeyOfItsRound() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        SocketChannel[] a = pair();
        SocketChannel[] b = pair();
        // both readable before the loop registers them, so one select returns both keys
        a[1].write(ByteBuffer.wrap(new byte[] {1}));
        b[1].write(ByteBuffer.wrap(new byte[] {2}));
        Thread.sleep(50); // loopback delivery; a late byte only splits the rounds, which the assertion then shows
        loop.start();
        loop.execute(() -> {
            for (SocketChannel[] p : List.of(a, b)) {
                try {
                    p[0].register(loop.selector, SelectionKey.OP_READ, new Recorder(p[0], seen, done));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertTrue(done.await(10, TimeUnit.SECONDS), "deferred work never ran: " + seen);
        assertEquals(3, seen.size(), seen.toString());
        assertEquals("end", seen.get(2), "deferred work ran before a key of its round: " + seen);
    }

    @Test
    void workDeferredByDeferredWorkRunsWithoutAnEvent() throws Exception {
        CountDownLatch done = new CountDownLatch(3);
        loop.start();
        loop.execute(() -> loop.atRoundEnd(() -> {
            done.countDown();
            loop.atRoundEnd(() -> {
                done.countDown();
                loop.atRoundEnd(done::countDown);
            });
        }));
        assertTrue(done.await(10, TimeUnit.SECONDS), "a deferred task was lost");
    }

    @Test
    void aFailingTaskDoesNotStopTheLoop() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        loop.start();
        loop.execute(() -> {
            loop.atRoundEnd(() -> {
                throw new IllegalStateException("expected by the test");
            });
            loop.atRoundEnd(done::countDown);
        });
        assertTrue(done.await(10, TimeUnit.SECONDS), "the task after a failing one did not run");
    }

    /** Reads what is there and records it; the first one defers "end" to the round's end. */
    private final class Recorder implements Io {
        private final SocketChannel channel;
        private final List<String> seen;
        private final CountDownLatch done;

        Recorder(SocketChannel channel, List<String> seen, CountDownLatch done) {
            this.channel = channel;
            this.seen = seen;
            this.done = done;
        }

        @Override
        public void ready(SelectionKey key) {
            ByteBuffer b = ByteBuffer.allocate(16);
            try {
                channel.read(b);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            seen.add("key" + b.get(0));
            if (seen.size() == 1) {
                loop.atRoundEnd(() -> {
                    seen.add("end");
                    done.countDown();
                });
            }
        }

        @Override
        public void tick(long nowMs) {
        }

        @Override
        public void close() {
        }
    }
}
