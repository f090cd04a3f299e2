package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Whoever answers on a TCP connection (its reader, the forwarder's one I/O thread) never
 * waits on the client: with a client that reads nothing, sending returns at once however
 * much is sent, and the connection is closed once too many answers are unread.
 */
class TcpAnswersTest {

    @Test
    void aClientThatReadsNothingBlocksNoSenderAndIsClosed() throws Exception {
        ExecutorService writers = Executors.newCachedThreadPool();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket deaf = new Socket()) {
            deaf.setReceiveBufferSize(4096);
            deaf.connect(listener.getLocalSocketAddress());
            try (Socket server = listener.accept()) {
                server.setSendBufferSize(4096);
                TcpConnections.Connection c = new TcpConnections.Connection(server, System.nanoTime());
                TcpAnswers answers = new TcpAnswers(c, server.getOutputStream(), writers);
                byte[] answer = new byte[1200];
                long start = System.nanoTime();
                // 12 MB: far more than the socket buffers of both sides hold
                for (int i = 0; i < 10_000; i++) {
                    answers.send(answer);
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 10_000, "sending waited for the client: " + millis + " ms");
                assertTrue(server.isClosed(), "a client with " + TcpAnswers.MAX_QUEUED + " answers unread is closed");
                assertTrue(endsWithin(deaf, 10_000), "the client sees the connection end");
            }
        } finally {
            writers.shutdownNow();
        }
    }

    /** Reads what came until the end of the stream; false if it has not ended within {@code millis}. */
    private static boolean endsWithin(Socket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[65536];
        try {
            while (in.read(buf) >= 0) {
                // what was written before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException reset) {
            return true;
        }
    }
}
