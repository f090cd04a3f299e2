package haystack.dns.internal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ForwarderTest {

    /** An upstream that counts questions and answers each after a pause, on a loopback port. */
    private static final class SlowUpstream implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicInteger questions = new AtomicInteger();
        final Thread thread;

        SlowUpstream() throws Exception {
            this("127.0.0.1");
        }

        SlowUpstream(String address) throws Exception {
            socket = new DatagramSocket(0, InetAddress.getByName(address));
            socket.setSoTimeout(100);
            thread = new Thread(this::serve);
            thread.start();
        }

        private void serve() {
            byte[] buf = new byte[4096];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    questions.incrementAndGet();
                    Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                    Thread.sleep(300);
                    Message a = new Message(q.getHeader().getID());
                    a.getHeader().setFlag(Flags.QR);
                    a.addRecord(q.getQuestion(), Section.QUESTION);
                    a.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 60, InetAddress.getByName("10.7.7.7")),
                            Section.ANSWER);
                    byte[] out = a.toWire();
                    socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (SocketTimeoutException e) {
                    // poll for close
                } catch (Exception e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(2000);
        }
    }

    @Test
    void concurrentAskersOfOneQuestionShareOneUpstreamQueryThenTheCache() throws Exception {
        try (SlowUpstream upstream = new SlowUpstream()) {
            Forwarder forwarder = new Forwarder(List.of(new InetSocketAddress("127.0.0.1", upstream.socket.getLocalPort())), 2000);
            Record question = Record.newRecord(Name.fromString("burst.example."), Type.A, DClass.IN);
            List<CompletableFuture<Message>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(forwarder.resolve(question, false).toCompletableFuture());
            }
            for (CompletableFuture<Message> a : answers) {
                assertEquals("10.7.7.7", a.get(5, TimeUnit.SECONDS).getSection(Section.ANSWER).get(0).rdataToString());
            }
            forwarder.resolve(question, false).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(1, upstream.questions.get());
            assertEquals(1, forwarder.cacheSize());
        }
    }

    @Test
    void closingFailsTheQuestionsOnTheirWayAndALaterQuestionOpensANewLoop() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            Forwarder forwarder = new Forwarder(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())), 2000);
            Record question = Record.newRecord(Name.fromString("closing.example."), Type.A, DClass.IN);
            CompletableFuture<Message> pending = forwarder.resolve(question, false).toCompletableFuture();
            Thread.sleep(100);
            forwarder.close();
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> pending.get(1, TimeUnit.SECONDS));
            assertEquals(UpstreamExchange.Failed.class, e.getCause().getClass());
            try (SlowUpstream upstream = new SlowUpstream()) {
                Forwarder again = new Forwarder(List.of(new InetSocketAddress("127.0.0.1", upstream.socket.getLocalPort())), 2000);
                again.close();
                assertEquals("10.7.7.7", again.resolve(question, false).toCompletableFuture().get(5, TimeUnit.SECONDS)
                        .getSection(Section.ANSWER).get(0).rdataToString());
                again.close();
            }
        }
    }

    @Test
    void anIpv6UpstreamIsAskedFromAnIpv6Socket() throws Exception {
        try (SlowUpstream upstream = new SlowUpstream("::1")) {
            Forwarder forwarder = new Forwarder(List.of(new InetSocketAddress("::1", upstream.socket.getLocalPort())), 2000);
            Record question = Record.newRecord(Name.fromString("six.example."), Type.A, DClass.IN);
            assertEquals(1, forwarder.resolve(question, false).toCompletableFuture().get(5, TimeUnit.SECONDS)
                    .getSection(Section.ANSWER).size());
            forwarder.close();
        }
    }

    @Test
    void answersToCheckingDisabledQuestionsAreCachedApart() throws Exception {
        try (SlowUpstream upstream = new SlowUpstream()) {
            Forwarder forwarder = new Forwarder(List.of(new InetSocketAddress("127.0.0.1", upstream.socket.getLocalPort())), 2000);
            Record question = Record.newRecord(Name.fromString("cd.example."), Type.A, DClass.IN);
            forwarder.resolve(question, true).toCompletableFuture().get(5, TimeUnit.SECONDS);
            forwarder.resolve(question, false).toCompletableFuture().get(5, TimeUnit.SECONDS);
            forwarder.resolve(question, true).toCompletableFuture().get(5, TimeUnit.SECONDS);
            forwarder.resolve(question, false).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(2, upstream.questions.get());
            assertEquals(2, forwarder.cacheSize());
            forwarder.close();
        }
    }

    @Test
    void questionsBeyondTheInFlightBoundFailAtOnce() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            Forwarder forwarder = new Forwarder(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())), 2000,
                    name -> false, 2);
            List<CompletableFuture<Message>> pending = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pending.add(forwarder.resolve(Record.newRecord(Name.fromString("q" + i + ".example."), Type.A, DClass.IN), false)
                        .toCompletableFuture());
            }
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> pending.get(2).get(100, TimeUnit.MILLISECONDS));
            assertEquals(ForwardMetrics.Failure.OVERLOADED, ((UpstreamExchange.Failed) e.getCause()).reason);
            org.junit.jupiter.api.Assertions.assertFalse(pending.get(0).isDone());
            forwarder.close();
        }
    }
}
