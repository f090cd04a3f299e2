package haystack.etcd.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One open watch stream of the gateway: one JSON object per line, {@code {"result":...}}.
 * {@link #next()} blocks for the next message; {@link #close()} from another thread ends
 * it (the blocked read returns). A line longer than {@link #LINE_LIMIT} ends the stream.
 */
final class Watch implements AutoCloseable {

    /** One message may carry many events (a transaction); bound it all the same. */
    static final int LINE_LIMIT = 16 * 1024 * 1024;

    record Event(boolean delete, KeyValue kv) {
    }

    /**
     * One message: events, or that the watch was created, or cancelled (by the server, or
     * because the start revision is compacted: {@code compactRevision} > 0).
     */
    record Message(long revision, boolean created, boolean canceled, long compactRevision, String reason, List<Event> events) {
    }

    private final InputStream in;
    private final InputStream buffered;
    private final URI endpoint;
    private volatile boolean closed;

    Watch(InputStream in, URI endpoint) {
        this.in = in;
        this.buffered = new java.io.BufferedInputStream(in, 8192);
        this.endpoint = endpoint;
    }

    URI endpoint() {
        return endpoint;
    }

    /** The next message, or null at the end of the stream. */
    Message next() throws IOException {
        while (!closed) {
            String line = readLine();
            if (line == null) {
                return null;
            }
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> object;
            try {
                object = Json.parseObject(line);
            } catch (IllegalArgumentException e) {
                throw new IOException("watch stream is not JSON: " + e.getMessage());
            }
            if (object.get("error") != null) {
                throw new IOException("watch stream error: " + object.get("message"));
            }
            if (!(object.get("result") instanceof Map<?, ?> result)) {
                throw new IOException("watch message without a result");
            }
            return message(result);
        }
        return null;
    }

    static Message message(Map<?, ?> result) {
        List<Event> events = new ArrayList<>();
        if (result.get("events") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> event && event.get("kv") instanceof Map<?, ?> kv) {
                    events.add(new Event("DELETE".equals(event.get("type")), EtcdClient.keyValue(kv)));
                }
            }
        }
        return new Message(EtcdClient.revision(result), Boolean.TRUE.equals(result.get("created")),
                Boolean.TRUE.equals(result.get("canceled")), EtcdClient.number(result.get("compact_revision")),
                result.get("cancel_reason") == null ? "" : String.valueOf(result.get("cancel_reason")), events);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        while (true) {
            int b = buffered.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= LINE_LIMIT) {
                throw new IOException("watch message longer than " + LINE_LIMIT + " bytes");
            }
            line.write(b);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            in.close();
        } catch (IOException e) {
            // closing only
        }
    }
}
