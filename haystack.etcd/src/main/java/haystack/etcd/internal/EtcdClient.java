package haystack.etcd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * etcd's v3 API through its JSON gateway ({@code /v3/...}) over the JDK's HTTP client:
 * keys and values in base64, 64-bit numbers as strings. Every request has a deadline and
 * every response a size bound. The endpoints are tried in turn, starting with the one
 * that answered last: an endpoint that does not answer, or answers that it is unavailable
 * (5xx, no leader), hands the request to the next.
 */
final class EtcdClient {

    /** A unary answer (put, delete, lease calls) is small. */
    static final int SMALL_LIMIT = 64 * 1024;
    /** A whole prefix read: thousands of endpoints of a few hundred bytes each. */
    static final int RANGE_LIMIT = 32 * 1024 * 1024;

    record Lease(long id, long ttl) {
    }

    record Range(long revision, List<KeyValue> kvs) {
    }

    private final List<URI> endpoints;
    private final Duration timeout;
    private final HttpClient http;
    /** Index of the endpoint that answered last: requests start there. */
    private volatile int current;

    /**
     * @param endpoints base URIs such as {@code http://127.0.0.1:2379}
     * @param timeout   deadline of each request to one endpoint (connect, head and body)
     */
    EtcdClient(List<URI> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
        // HTTP/1.1: the gateway's client port multiplexes gRPC, and an h2c upgrade buys nothing.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    List<URI> endpoints() {
        return endpoints;
    }

    /** The endpoint that answered last (or the first, before any answer). */
    URI endpoint() {
        return endpoints.get(current);
    }

    /** Every key from {@code from} (inclusive) to {@code to} (exclusive), and the store's revision then. */
    Range range(String from, String to) throws EtcdException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", b64(from));
        body.put("range_end", b64(to));
        Map<String, Object> answer = post("/v3/kv/range", body, RANGE_LIMIT);
        List<KeyValue> kvs = new ArrayList<>();
        if (answer.get("kvs") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> kv) {
                    kvs.add(keyValue(kv));
                }
            }
        }
        return new Range(revision(answer), kvs);
    }

    /** Writes {@code key}; with {@code lease} 0 the key has no lease. */
    void put(String key, String value, long lease) throws EtcdException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", b64(key));
        body.put("value", b64(value));
        if (lease != 0) {
            body.put("lease", Long.toString(lease));
        }
        post("/v3/kv/put", body, SMALL_LIMIT);
    }

    /** One write of a transaction: a put (value not null) or a delete of {@code key}. */
    record Write(String key, String value) {
    }

    /** Most writes in one transaction: etcd refuses more than its --max-txn-ops (128 by default). */
    static final int MAX_TXN_WRITES = 100;

    /**
     * Applies {@code writes} (at most {@link #MAX_TXN_WRITES}) in one transaction: all or
     * none, one round trip and one disk sync for all of them. Puts carry {@code lease}.
     */
    void txn(List<Write> writes, long lease) throws EtcdException {
        if (writes.size() > MAX_TXN_WRITES) {
            throw new IllegalArgumentException(writes.size() + " writes in one transaction, more than " + MAX_TXN_WRITES);
        }
        List<Object> ops = new ArrayList<>();
        for (Write w : writes) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("key", b64(w.key()));
            if (w.value() == null) {
                ops.add(Map.of("request_delete_range", op));
            } else {
                op.put("value", b64(w.value()));
                if (lease != 0) {
                    op.put("lease", Long.toString(lease));
                }
                ops.add(Map.of("request_put", op));
            }
        }
        post("/v3/kv/txn", Map.of("success", ops), SMALL_LIMIT + writes.size() * 256);
    }

    void delete(String key) throws EtcdException {
        post("/v3/kv/deleterange", Map.of("key", b64(key)), SMALL_LIMIT);
    }

    /** A new lease of {@code ttl} seconds (etcd may grant more: its minimum). */
    Lease grant(long ttl) throws EtcdException {
        Map<String, Object> answer = post("/v3/lease/grant", Map.of("TTL", ttl), SMALL_LIMIT);
        long id = number(answer.get("ID"));
        if (id == 0) {
            throw new EtcdException(0, "lease grant answered without an ID");
        }
        return new Lease(id, number(answer.get("TTL")));
    }

    /**
     * One keepalive of {@code lease}: one short request, its body one message (the gateway
     * streams; several messages in one body are not each answered).
     *
     * @return the lease's TTL in seconds now; 0 when the lease is gone (expired or revoked)
     */
    long keepAlive(long lease) throws EtcdException {
        Map<String, Object> answer = post("/v3/lease/keepalive", Map.of("ID", Long.toString(lease)), SMALL_LIMIT);
        Object result = answer.get("result");
        if (result instanceof Map<?, ?> r) {
            return Math.max(0, number(r.get("TTL")));
        }
        throw new EtcdException(0, "keepalive answered without a result");
    }

    /** Revokes {@code lease}, deleting its keys; a lease already gone is not an error. */
    void revoke(long lease) throws EtcdException {
        try {
            post("/v3/lease/revoke", Map.of("ID", Long.toString(lease)), SMALL_LIMIT);
        } catch (EtcdException e) {
            if (e.code() != EtcdException.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Watches keys from {@code from} to {@code to} (exclusive) from {@code startRevision} on. */
    Watch watch(String from, String to, long startRevision) throws EtcdException {
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("key", b64(from));
        create.put("range_end", b64(to));
        create.put("start_revision", Long.toString(startRevision));
        String body = Json.write(Map.of("create_request", create));
        IOException last = null;
        int start = current;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (start + i) % endpoints.size();
            HttpRequest request = request(endpoints.get(index), "/v3/watch", body);
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    response.body().close();
                    last = new IOException("watch answered status " + response.statusCode());
                    continue;
                }
                current = index;
                return new Watch(response.body(), endpoints.get(index));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EtcdException("interrupted", e);
            } catch (IOException e) {
                last = e;
            }
        }
        throw unavailable(last);
    }

    /** One request, tried on each endpoint in turn until one answers. */
    private Map<String, Object> post(String path, Map<String, Object> json, int limit) throws EtcdException {
        String body = Json.write(json);
        IOException last = null;
        int start = current;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (start + i) % endpoints.size();
            Answer response;
            try {
                response = send(request(endpoints.get(index), path, body), limit);
            } catch (IOException e) {
                last = e;
                continue;
            }
            Map<String, Object> answer;
            try {
                answer = response.body() == null ? errorOfStatus(response.status())
                        : Json.parseObject(new String(response.body(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                last = new IOException(path + " answered status " + response.status() + " with no JSON object: " + e.getMessage());
                continue;
            }
            Object error = answer.get("error");
            if (response.status() == 200 && error == null) {
                current = index;
                return answer;
            }
            int code = (int) number(answer.get("code"));
            if (response.status() >= 500 || code == EtcdException.UNAVAILABLE) {
                last = new IOException(path + " answered status " + response.status() + ": " + message(answer));
                continue;
            }
            current = index;
            throw new EtcdException(code, message(answer));
        }
        throw unavailable(last);
    }

    /** A status and body; body null when the status came but the body could not be read. */
    private record Answer(int status, byte[] body) {
    }

    private Answer send(HttpRequest request, int limit) throws IOException {
        BoundedBody body = new BoundedBody(limit);
        int[] status = new int[1];
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, info -> {
            status[0] = info.statusCode();
            return body;
        });
        try {
            // The request's own timeout covers the head; this deadline covers the body too.
            HttpResponse<byte[]> response = answer.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            return new Answer(response.statusCode(), response.body());
        } catch (TimeoutException e) {
            body.abort();
            answer.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + timeout.toMillis() * 2 + " ms");
        } catch (InterruptedException e) {
            body.abort();
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.ProtocolException && status[0] >= 300) {
                // The gateway ends error answers with an HTTP trailer field, which the JDK
                // client cannot parse ("CR expected"): the status says what happened.
                return new Answer(status[0], null);
            }
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        }
    }

    private HttpRequest request(URI base, String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    private EtcdException unavailable(IOException last) {
        return new EtcdException("no etcd endpoint answered " + endpoints + ": "
                + (last == null ? "none tried" : last.getClass().getSimpleName() + ": " + last.getMessage()), last);
    }

    /** The gateway's HTTP status for a gRPC code, turned back (grpc-gateway's HTTPStatusFromCode). */
    private static Map<String, Object> errorOfStatus(int status) {
        int code = switch (status) {
            case 400 -> 3;
            case 404 -> EtcdException.NOT_FOUND;
            case 409 -> 6;
            case 403 -> 7;
            case 429 -> 8;
            case 412 -> 9;
            case 401 -> 16;
            case 503 -> EtcdException.UNAVAILABLE;
            default -> 2;
        };
        return Map.of("error", "HTTP status " + status, "code", (long) code, "message", "HTTP status " + status);
    }

    private static String message(Map<String, Object> answer) {
        Object m = answer.get("message");
        if (m == null) {
            m = answer.get("error");
        }
        return String.valueOf(m);
    }

    /** The store revision of an answer's header. */
    static long revision(Map<?, ?> answer) {
        return answer.get("header") instanceof Map<?, ?> header ? number(header.get("revision")) : 0;
    }

    static KeyValue keyValue(Map<?, ?> kv) {
        return new KeyValue(unb64(kv.get("key")), unb64(kv.get("value")), number(kv.get("mod_revision")), number(kv.get("lease")));
    }

    /** A 64-bit number as the gateway writes it (a string), or a JSON number; 0 when absent or not a number. */
    static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes base64 text (null or not base64: empty). */
    static String unb64(Object value) {
        if (!(value instanceof String s)) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
