package haystack.web.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/events}: the dashboard's server-sent events. A new client gets the full
 * state ({@code state}, carrying the last event's id); a client reconnecting with
 * {@code Last-Event-ID} gets the events it missed from the {@link EventRing}, or, when they
 * are gone (older than the ring, another run), {@code resync} and then the full state.
 * Every event goes to every client; one whose unsent bytes pass {@code maxPendingBytes}
 * (beyond its first state) is dropped rather than buffered without bound, and reconnects
 * when it can read again. Idle streams carry a comment every {@code heartbeatMillis}.
 */
final class EventStream {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final AttachmentKey<AtomicLong> LIMIT = AttachmentKey.create(AtomicLong.class);
    private static final AttachmentKey<AtomicLong> PENDING = AttachmentKey.create(AtomicLong.class);
    /** Browsers wait this long before reconnecting a dropped stream. */
    static final long RETRY_MILLIS = 1000;

    private final EventRing ring;
    private final Supplier<String> state;
    private final long maxPendingBytes;
    private final long heartbeatMillis;
    private final ServerSentEventHandler handler;
    private final LongAdder dropped = new LongAdder();
    private final Object lock = new Object();

    /** @param state the full state as JSON, read when a client needs it */
    EventStream(EventRing ring, Supplier<String> state, long maxPendingBytes, long heartbeatMillis) {
        this.ring = ring;
        this.state = state;
        this.maxPendingBytes = maxPendingBytes;
        this.heartbeatMillis = heartbeatMillis;
        this.handler = new ServerSentEventHandler(this::connected);
    }

    HttpHandler handler() {
        return exchange -> {
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            handler.handleRequest(exchange);
        };
    }

    private void connected(ServerSentEventConnection c, String lastEventId) {
        c.setKeepAliveTime(heartbeatMillis);
        synchronized (lock) {
            // under the lock that publish() holds, so nothing published falls between the catch-up and the stream,
            // and nothing is sent before it: send() skips a connection until its attachments are set, here
            c.putAttachment(PENDING, new AtomicLong());
            c.putAttachment(LIMIT, new AtomicLong(maxPendingBytes));
            c.sendRetry(RETRY_MILLIS);
            List<EventRing.LiveEvent> missed = lastEventId == null || lastEventId.isEmpty() ? null : ring.after(lastEventId);
            if (missed != null) {
                missed.forEach(e -> send(c, e.type(), e.data(), e.id()));
                return;
            }
            if (lastEventId != null && !lastEventId.isEmpty()) {
                send(c, "resync", "{\"lastEventId\":" + quote(lastEventId) + "}", null);
            }
            String full = state.get();
            c.getAttachment(LIMIT).addAndGet(full.length());
            send(c, "state", full, ring.lastId());
        }
    }

    /** Numbers the event, keeps it for resuming clients and sends it to every client. */
    void publish(String type, String data) {
        synchronized (lock) {
            EventRing.LiveEvent e = ring.append(type, data);
            for (ServerSentEventConnection c : handler.getConnections()) {
                send(c, type, data, e.id());
            }
        }
    }

    /** Sends to every client without an id: a reading of now (traffic samples), not kept for resuming. */
    void broadcast(String type, String data) {
        synchronized (lock) {
            for (ServerSentEventConnection c : handler.getConnections()) {
                send(c, type, data, null);
            }
        }
    }

    private void send(ServerSentEventConnection c, String type, String data, String id) {
        AtomicLong pending = c.getAttachment(PENDING);
        AtomicLong limit = c.getAttachment(LIMIT);
        if (pending == null || limit == null || !c.isOpen()) {
            return; // not set up yet (connected() sets it up before its first send), or closing
        }
        long bytes = data.length() + type.length() + (id == null ? 0 : id.length()) + 24L;
        if (pending.addAndGet(bytes) > limit.get()) {
            dropped.increment();
            LOG.info("dashboard stream dropped reason=slow-client pendingBytes={} limit={} clients={}", pending.get() - bytes, limit.get(),
                    handler.getConnections().size() - 1);
            closeQuietly(c);
            return;
        }
        c.send(data, type, id, new ServerSentEventConnection.EventCallback() {
            @Override
            public void done(ServerSentEventConnection connection, String d, String event, String eventId) {
                pending.addAndGet(-bytes);
            }

            @Override
            public void failed(ServerSentEventConnection connection, String d, String event, String eventId, IOException e) {
                pending.addAndGet(-bytes);
            }
        });
    }

    private static void closeQuietly(ServerSentEventConnection c) {
        try {
            c.close();
        } catch (IOException e) {
            // gone already
        }
    }

    int clients() {
        return handler.getConnections().size();
    }

    /** Clients dropped for reading too slowly since start. */
    long dropped() {
        return dropped.sum();
    }

    void close() {
        synchronized (lock) {
            handler.getConnections().forEach(EventStream::closeQuietly);
        }
    }

    static String quote(String s) {
        return new Json().value(s).toString();
    }
}
