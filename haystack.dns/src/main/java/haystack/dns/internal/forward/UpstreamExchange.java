package haystack.dns.internal.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import haystack.dns.internal.ThrottledWarning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One question on its way to the upstreams, on the {@link ForwardLoop} thread: attempts
 * sent by the {@link RetrySchedule}, each from a fresh socket (a port the kernel picks at
 * random) with a fresh random ID (RFC 5452 §9.2); a reply that does not match its attempt
 * is discarded and the wait goes on; a truncated one is asked again over TCP from the
 * same upstream (RFC 7766 §5). Ends with the first usable reply (NOERROR or NXDOMAIN), or
 * fails at the deadline or when every attempt has failed. The first attempt goes to the
 * upstream that answered last (as dnsmasq does), so a dead first name server costs one
 * re-send interval once, not on every question.
 */
final class UpstreamExchange {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamExchange.class);
    private static final ThrottledWarning DISCARDS = new ThrottledWarning(LOG, "dns forward replies discarded", 10_000);
    /** Our EDNS(0) payload size towards upstreams (DNS flag day 2020). */
    static final int PAYLOAD_SIZE = 1232;

    /** Why no answer came; the forwarder answers SERVFAIL. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        final ForwardMetrics.Failure reason;

        Failed(ForwardMetrics.Failure reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    /** An open attempt: a UDP or TCP socket waiting for its reply. */
    interface Attempt extends ForwardLoop.Ready {
        InetSocketAddress upstream();

        void close();
    }

    final CompletableFuture<Message> result = new CompletableFuture<>();
    private final ForwardLoop loop;
    private final Record question;
    private final boolean checkingDisabled;
    private final List<InetSocketAddress> upstreams;
    private final RetrySchedule schedule;
    private final ForwardMetrics metrics;
    private final SecureRandom random;
    private final int first;
    /** Told which upstream answered, before {@link #result} completes: the next question goes there first. */
    private final java.util.function.Consumer<InetSocketAddress> answered;
    private final List<Attempt> open = new ArrayList<>();
    private long deadline;
    private long nextSend;
    private int sent;
    private TcpAttempt tcp;
    private boolean done;
    /** Off once an upstream answered FORMERR without an OPT: it does not speak EDNS (RFC 6891 §7). */
    private boolean edns = true;

    UpstreamExchange(ForwardLoop loop, Record question, boolean checkingDisabled, List<InetSocketAddress> upstreams,
            RetrySchedule schedule, ForwardMetrics metrics, SecureRandom random, int first,
            java.util.function.Consumer<InetSocketAddress> answered) {
        this.loop = loop;
        this.question = question;
        this.checkingDisabled = checkingDisabled;
        this.upstreams = upstreams;
        this.schedule = schedule;
        this.metrics = metrics;
        this.random = random;
        this.first = first;
        this.answered = answered;
    }

    Record question() {
        return question;
    }

    ForwardLoop loop() {
        return loop;
    }

    void start(long now) {
        loop.track(this);
        deadline = now + schedule.timeoutNanos();
        nextSend = now;
        tick(now);
    }

    /** Sends what is due, fails what is late, and sets the next wake-up. */
    void tick(long now) {
        if (done) {
            return;
        }
        if (now - deadline >= 0) {
            fail(ForwardMetrics.Failure.TIMEOUT, "no usable reply within " + schedule.timeoutNanos() / 1_000_000 + " ms");
            return;
        }
        if (tcp == null) {
            while (sent < schedule.attempts() && now - nextSend >= 0) {
                sendUdp(now);
            }
            if (sent >= schedule.attempts() && open.isEmpty()) {
                fail(ForwardMetrics.Failure.EXHAUSTED, "every attempt failed");
                return;
            }
        }
        boolean moreToSend = tcp == null && sent < schedule.attempts();
        loop.wakeAt(moreToSend && nextSend - deadline < 0 ? nextSend : deadline, this);
    }

    private void sendUdp(long now) {
        InetSocketAddress upstream = upstreams.get((first + sent) % upstreams.size());
        sent++;
        int id = random.nextInt(0x10000);
        try {
            open.add(new UdpAttempt(this, upstream, id, query(id)));
            metrics.sent(false);
            nextSend = now + schedule.intervalNanos();
        } catch (IOException e) {
            LOG.debug("dns forward send failed upstream={} error={}", upstream, e.toString());
            nextSend = now;
        }
    }

    /** The query of one attempt: the question, RD, CD as the client asked, our EDNS(0) size. */
    byte[] query(int id) {
        Message q = Message.newQuery(question);
        q.getHeader().setID(id);
        if (checkingDisabled) {
            q.getHeader().setFlag(Flags.CD);
        }
        if (edns) {
            q.addRecord(new OPTRecord(PAYLOAD_SIZE, 0, 0, 0), Section.ADDITIONAL);
        }
        return q.toWire();
    }

    /** A reply that matched {@code attempt}. */
    void replied(Attempt attempt, Message reply, long now) {
        if (done) {
            return;
        }
        closeAttempt(attempt);
        if (attempt instanceof UdpAttempt && reply.getHeader().getFlag(Flags.TC)) {
            if (tcp == null) {
                startTcp(attempt.upstream(), now);
            }
            return;
        }
        if (attempt == tcp) {
            tcp = null;
        }
        int rcode = reply.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            answered.accept(attempt.upstream());
            finish(reply);
            return;
        }
        LOG.debug("dns forward upstream error upstream={} question={} rcode={}", attempt.upstream(), question,
                Rcode.string(rcode));
        if (rcode == Rcode.FORMERR && reply.getOPT() == null && edns) {
            edns = false;
            sent = Math.min(sent, schedule.attempts() - 1);
        }
        nextSend = now;
        tick(now);
    }

    private void startTcp(InetSocketAddress upstream, long now) {
        int id = random.nextInt(0x10000);
        try {
            tcp = new TcpAttempt(this, upstream, id, query(id));
            open.add(tcp);
            metrics.sent(true);
        } catch (IOException e) {
            LOG.debug("dns forward tcp failed upstream={} error={}", upstream, e.toString());
            tcp = null;
            nextSend = now;
            tick(now);
        }
    }

    /** A message that did not match {@code attempt}: counted, logged (throttled), and the wait goes on. */
    void discarded(Attempt attempt, ReplyCheck.Verdict verdict, InetSocketAddress from) {
        metrics.discarded(verdict);
        DISCARDS.record("reason=" + verdict.label() + " upstream=" + attempt.upstream() + " from=" + (from == null ? "tcp" : from)
                + " question=" + question.getName(), System.nanoTime());
    }

    /** {@code attempt} can bring no reply (socket error, TCP closed or forged): the next one goes at once. */
    void attemptFailed(Attempt attempt, String reason, long now) {
        if (done) {
            return;
        }
        LOG.debug("dns forward attempt failed upstream={} question={} reason={}", attempt.upstream(), question.getName(), reason);
        closeAttempt(attempt);
        if (attempt == tcp) {
            tcp = null;
        }
        nextSend = now;
        tick(now);
    }

    private void closeAttempt(Attempt attempt) {
        open.remove(attempt);
        attempt.close();
    }

    private void finish(Message reply) {
        end();
        result.complete(reply);
    }

    private void fail(ForwardMetrics.Failure reason, String message) {
        end();
        result.completeExceptionally(new Failed(reason, message));
    }

    /** The loop closed under this exchange. */
    void closed() {
        if (!done) {
            fail(ForwardMetrics.Failure.CLOSED, "forwarder closed");
        }
    }

    /** A bug in handling this exchange: it fails alone, the loop goes on. */
    void abort(RuntimeException e) {
        LOG.warn("dns forward exchange failed question={} error={}", question, e.toString());
        if (!done) {
            fail(ForwardMetrics.Failure.EXHAUSTED, e.toString());
        }
    }

    private void end() {
        done = true;
        for (Attempt a : open) {
            a.close();
        }
        open.clear();
        tcp = null;
        loop.untrack(this);
    }
}
