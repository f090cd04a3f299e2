package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Differential HTTP/1.1 conformance: every vector of {@link ConformanceVectors} goes to
 * HAProxy 2.6 and to Haystack, each in front of its own {@link CaptureBackend}, and
 * Haystack must do what HAProxy does (forward the same requests with the same bodies, or
 * nothing; relay the same response, or refuse it) or be stricter for the reason written
 * beside the vector, and answer with the status SPEC §5 fixes where it fixes one.
 * <p>
 * HAProxy is Debian's {@code haproxy} package ({@code .ci/run} installs it). Without it
 * the test is skipped, except under {@code CI=true}, where it fails. The comparison
 * table is printed at the end and written to {@code target/conformance-table.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {

    /** How long a client waits for an answer. */
    private static final long DEADLINE_MS = 2000;
    /** Silence after a complete answer that ends the wait (pipelined answers come within it). */
    private static final long QUIET_MS = 100;
    /** "At once" for bytes that are not HTTP. */
    private static final long AT_ONCE_MS = 1000;
    /** Stands in for Haystack's Via in the loop vector when it adds none. */
    static final String NO_VIA = "haystack-added-no-via";
    private static final String PLAIN_GET = "GET /r HTTP/1.1\r\nHost: " + ConformanceVectors.H + "\r\n\r\n";

    private CaptureBackend haproxyBackend;
    private CaptureBackend haystackBackend;
    private HaproxyProcess haproxy;
    private TestConfig config;
    private LbFixture lb;
    private ExecutorService pair;
    private final Context ctx = new Context();
    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void start() throws Exception {
        String binary = HaproxyProcess.find();
        if (binary == null) {
            String why = "haproxy is not installed (Debian package haproxy; .ci/run installs it)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + ": the conformance test cannot run under CI=true without it");
            }
            System.err.println("ConformanceTest skipped: " + why);
            Assumptions.assumeTrue(false, "skipping the differential conformance test: " + why);
        }
        haproxyBackend = new CaptureBackend();
        haystackBackend = new CaptureBackend();
        haproxy = new HaproxyProcess(binary, haproxyBackend.port());
        config = new TestConfig();
        // vectors make the backend look broken on purpose: that must never eject it
        config.passiveFailures = Integer.MAX_VALUE;
        startHaystack();
        pair = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "conformance-client");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (!rows.isEmpty()) {
            String table = table();
            System.out.println(table);
            Path out = Path.of("target", "conformance-table.txt");
            if (Files.isDirectory(out.getParent())) {
                Files.writeString(out, table);
            }
        }
        if (pair != null) {
            pair.shutdownNow();
        }
        if (lb != null) {
            lb.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        if (haproxyBackend != null) {
            haproxyBackend.close();
        }
        if (haystackBackend != null) {
            haystackBackend.close();
        }
    }

    private void startHaystack() throws IOException {
        lb = new LbFixture(config);
        lb.put(LbFixture.endpoint("cap", "cap-1", haystackBackend.port()).build());
    }

    @TestFactory
    Stream<DynamicTest> requestVectors() {
        return ConformanceVectors.requests().stream().map(v -> DynamicTest.dynamicTest(v.name, () -> run(v)));
    }

    @TestFactory
    Stream<DynamicTest> responseVectors() {
        return ConformanceVectors.responses().stream().map(v -> DynamicTest.dynamicTest(v.name, () -> run(v)));
    }

    @TestFactory
    Stream<DynamicTest> theTableIsBigEnough() {
        return Stream.of(DynamicTest.dynamicTest("at least 100 request and 20 response vectors", () -> {
            assertTrue(ConformanceVectors.requests().size() >= 100, "request vectors: " + ConformanceVectors.requests().size());
            assertTrue(ConformanceVectors.responses().size() >= 20, "response vectors: " + ConformanceVectors.responses().size());
        }));
    }

    private void run(ConformanceVector v) throws Exception {
        byte[] request = v.kind == ConformanceVector.Kind.REQUEST ? v.bytes(ctx) : PLAIN_GET.getBytes(StandardCharsets.ISO_8859_1);
        byte[] reply = v.kind == ConformanceVector.Kind.RESPONSE ? v.bytes(ctx) : null;
        Future<Trial> hp = pair.submit(() -> trial("haproxy", haproxy.port(), haproxyBackend, request, reply));
        Future<Trial> hs = pair.submit(() -> trial("haystack", lb.lb.httpPort(), haystackBackend, request, reply));
        Trial haproxyTrial = hp.get();
        Trial haystackTrial = hs.get();
        List<String> problems = new ArrayList<>(v.kind == ConformanceVector.Kind.REQUEST
                ? judgeRequest(v, haproxyTrial, haystackTrial) : judgeResponse(v, haproxyTrial, haystackTrial));
        if (haystackTrial.end == End.TIMEOUT) {
            String stuck = unstick();
            if (stuck != null) {
                problems.add(0, stuck);
            }
        }
        rows.add(new Row(v, haproxyTrial, haystackTrial, problems));
        if (!problems.isEmpty()) {
            fail(v.name + " (" + v.source + "):\n  - " + String.join("\n  - ", problems)
                    + "\n  sent: " + LenientHttp.show(request, 0, request.length, 300)
                    + (reply == null ? "" : "\n  backend answered: " + LenientHttp.show(reply, 0, reply.length, 300))
                    + "\n  HAProxy:  " + haproxyTrial.verdict(v.kind) + "\n  Haystack: " + haystackTrial.verdict(v.kind)
                    + "\n  Haystack answered: " + LenientHttp.show(haystackTrial.received, 0, haystackTrial.received.length, 400)
                    + "\n  Haystack's backend got: " + haystackTrial.backendBytes(400)
                    + "\n  HAProxy's backend got: " + haproxyTrial.backendBytes(400));
        }
    }

    /**
     * After a trial Haystack left unanswered: whether one of its event loops is spinning
     * (SPEC §5: no input can keep an event loop busy). If so, that loop is stopped and a
     * fresh load balancer takes over, so one wedged loop neither burns a shared core for
     * the rest of the run nor fails every vector after it. Returns what was found, or null.
     */
    @SuppressWarnings({"removal", "deprecation"})
    private String unstick() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) {
            return null;
        }
        Map<Thread, Long> before = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("haystack-lb-")) {
                before.put(t, mx.getThreadCpuTime(t.getId()));
            }
        }
        long sample = 300;
        Thread.sleep(sample);
        List<Thread> spinning = new ArrayList<>();
        before.forEach((t, cpu) -> {
            long now = mx.getThreadCpuTime(t.getId());
            if (cpu >= 0 && now >= 0 && now - cpu > sample * 1_000_000 / 2) {
                spinning.add(t);
            }
        });
        if (spinning.isEmpty()) {
            return null;
        }
        for (Thread t : spinning) {
            try {
                t.stop(); // Java 17 still can; nothing else ends a thread that never looks up
            } catch (UnsupportedOperationException e) {
                // a newer JVM: the loop spins on until the test JVM ends
            }
        }
        lb.close();
        startHaystack();
        return "event loop " + spinning.stream().map(Thread::getName).collect(Collectors.joining(", "))
                + " spun without end after this vector (SPEC §5: no input can keep an event loop busy); load balancer restarted";
    }

    // --- judging ---------------------------------------------------------------------------------------

    private static List<String> judgeRequest(ConformanceVector v, Trial hp, Trial hs) {
        List<String> p = new ArrayList<>();
        int status = hs.firstStatus();
        if (!v.expect.isEmpty()) {
            if (!v.expect.contains(status)) {
                p.add("SPEC: Haystack answers " + v.expect + ", it answered " + hs.answerWord());
            }
            if (hs.reached() && v.expect.stream().allMatch(s -> s >= 400)) {
                p.add("a refused request must reach no backend, but " + hs.capture.bytes() + " bytes did");
            }
        }
        if (v.stricter != null) {
            if (hs.reached()) {
                p.add("noted as refused by Haystack (" + v.stricter + "), but " + hs.capture.bytes() + " bytes reached the backend");
            }
            if (!(status >= 400 && status < 500) && !v.expect.contains(status)) {
                p.add("noted as refused by Haystack with a 4xx, but it answered " + hs.answerWord());
            }
            if (!hp.reached()) {
                p.add("the note says HAProxy forwards this, but it does not (" + hp.verdict(v.kind) + "): the note is stale");
            }
        } else if (hp.reached()) {
            if (!hs.reached()) {
                p.add("Haystack refuses what HAProxy forwards, and no reason is noted beside the vector");
            } else {
                p.addAll(sameRequests(hp, hs));
            }
        } else if (hs.reached()) {
            p.add("Haystack forwards what HAProxy refuses (" + hs.capture.bytes() + " bytes reached the backend)");
        }
        if (v.atOnce && (hs.end == End.TIMEOUT || hs.millis > AT_ONCE_MS)) {
            p.add("bytes that are not HTTP must be answered or closed at once; Haystack: " + hs.end + " after " + hs.millis + " ms");
        }
        if (v.check != null) {
            String c = v.check.problem(hs);
            if (c != null) {
                p.add(v.checkWhat + ": " + c);
            }
        }
        return p;
    }

    /** Both forwarded: the same requests with the same bodies, and an answer of the same class. */
    private static List<String> sameRequests(Trial hp, Trial hs) {
        List<String> p = new ArrayList<>();
        List<LenientHttp.Message> a = hp.capture.requests();
        List<LenientHttp.Message> b = hs.capture.requests();
        if (a.size() != b.size()) {
            p.add("HAProxy forwarded " + a.size() + " request(s), Haystack " + b.size());
        } else {
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).method().equals(b.get(i).method())) {
                    p.add("request " + (i + 1) + ": HAProxy forwarded " + a.get(i).method() + ", Haystack " + b.get(i).method());
                }
                if (!Arrays.equals(a.get(i).body(), b.get(i).body())) {
                    p.add("request " + (i + 1) + ": body at HAProxy's backend '" + LenientHttp.show(a.get(i).body(), 0, a.get(i).body().length, 60)
                            + "', at Haystack's '" + LenientHttp.show(b.get(i).body(), 0, b.get(i).body().length, 60) + "'");
                }
            }
        }
        if (hs.capture.leftover() > 0 && hp.capture.leftover() == 0) {
            p.add("Haystack sent its backend " + hs.capture.leftover() + " bytes that are no complete request");
        }
        if (hs.capture.unreadable() != null && hp.capture.unreadable() == null) {
            p.add("Haystack's backend could not read what it got: " + hs.capture.unreadable());
        }
        int x = hp.firstStatus() / 100;
        int y = hs.firstStatus() / 100;
        if (x != y) {
            p.add("HAProxy's client got " + hp.answerWord() + ", Haystack's " + hs.answerWord());
        }
        return p;
    }

    private static List<String> judgeResponse(ConformanceVector v, Trial hp, Trial hs) {
        List<String> p = new ArrayList<>();
        for (LenientHttp.Message m : hs.responses.list()) {
            if (m.ambiguousFraming()) {
                p.add("the client got a head that frames the body two ways: " + LenientHttp.show(m.rawHead().getBytes(StandardCharsets.ISO_8859_1), 0,
                        m.rawHead().length(), 200));
            }
        }
        if (hs.end == End.TIMEOUT) {
            p.add("the client was left waiting " + DEADLINE_MS + " ms with " + hs.verdict(v.kind) + " (SPEC §5: refused with 502 or relayed, never left hanging)");
        }
        if (hs.relayed() && hs.responses.stray() > 0) {
            p.add("the client got " + hs.responses.stray() + " bytes after the response that are no response");
        }
        if (!v.expect.isEmpty() && !v.expect.contains(hs.firstStatus())) {
            p.add("SPEC: the client gets " + v.expect + ", Haystack's got " + hs.verdict(v.kind));
        }
        if (hs.finals().isEmpty() && (hs.end == End.CLOSED || hs.end == End.RESET)) {
            p.add("the client connection was closed without an answer (SPEC §5: a broken response is refused with 502)");
        }
        for (LenientHttp.Message m : hs.responses.list()) {
            if ((m.status() / 100 == 1 || m.status() == 204) && (m.first("content-length") != null || m.first("transfer-encoding") != null)) {
                p.add("the client got a " + m.status() + " with Content-Length or Transfer-Encoding, which it must not carry "
                        + "(RFC 9110 §8.6, RFC 9112 §6.1): a lax client reads a body that is not there");
            }
        }
        // the proxy's own error page may quote the faulty line: only what is relayed counts
        boolean proxyError = hs.firstStatus() >= 500;
        if (v.neverRaw != null && !proxyError && contains(hs.received, v.neverRaw.getBytes(StandardCharsets.ISO_8859_1))) {
            p.add("the faulty framing reached the client raw: '" + LenientHttp.show(v.neverRaw.getBytes(StandardCharsets.ISO_8859_1), 0,
                    v.neverRaw.length(), 60) + "'");
        }
        if (v.mustRelay && !hs.relayed()) {
            p.add("SPEC: relayed to the client, Haystack: " + hs.verdict(v.kind));
        }
        if (hp.relayed()) {
            if (hs.relayed()) {
                LenientHttp.Message a = hp.finals().get(0);
                LenientHttp.Message b = hs.finals().get(0);
                if (a.status() != b.status()) {
                    p.add("HAProxy relayed " + a.status() + ", Haystack " + b.status());
                } else if (!Arrays.equals(a.body(), b.body())) {
                    p.add("HAProxy's client got body '" + a.bodyText() + "', Haystack's '" + b.bodyText() + "'");
                }
            } else if (v.stricter == null) {
                p.add("Haystack refuses what HAProxy relays, and no reason is noted beside the vector");
            }
        } else {
            if (hs.relayed()) {
                p.add("Haystack relays what HAProxy refuses");
            }
            if (v.stricter != null) {
                p.add("the note says HAProxy relays this, but it does not (" + hp.verdict(v.kind) + "): the note is stale");
            }
        }
        if (v.check != null) {
            String c = v.check.problem(hs);
            if (c != null) {
                p.add(v.checkWhat + ": " + c);
            }
        }
        return p;
    }

    private static boolean contains(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i + b.length <= a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // --- one trial: a fresh client connection to one proxy ------------------------------------------------

    enum End {
        /** A complete answer, then quiet. */
        ANSWERED,
        CLOSED,
        RESET,
        TIMEOUT
    }

    private static Trial trial(String proxy, int port, CaptureBackend backend, byte[] request, byte[] reply) throws Exception {
        backend.reset(reply);
        Thread.sleep(20); // the proxies see their idle backend connections close
        boolean head = request.length > 5 && new String(request, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long start = System.nanoTime();
        End end;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(20);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the proxy stopped reading (it may have answered already)
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long last = start;
            int judgedSize = -1;
            boolean settled = false;
            while (true) {
                long now = System.nanoTime();
                if (now - start > DEADLINE_MS * 1_000_000) {
                    end = End.TIMEOUT;
                    break;
                }
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    n = 0;
                } catch (IOException e) {
                    end = End.RESET;
                    break;
                }
                if (n < 0) {
                    end = End.CLOSED;
                    break;
                }
                if (n > 0) {
                    got.write(buf, 0, n);
                    last = System.nanoTime();
                    continue;
                }
                if (got.size() > 0 && got.size() != judgedSize) {
                    judgedSize = got.size();
                    LenientHttp.Responses r = LenientHttp.responses(got.toByteArray(), got.size(), head, false);
                    settled = !r.waiting() && (r.stray() > 0 || r.finals().stream().anyMatch(LenientHttp.Message::complete));
                }
                if (settled && now - last >= QUIET_MS * 1_000_000) {
                    end = End.ANSWERED;
                    break;
                }
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(30); // what the proxy sent last reaches the backend's log
        byte[] received = got.toByteArray();
        LenientHttp.Responses responses = LenientHttp.responses(received, received.length, head, end == End.CLOSED || end == End.RESET);
        return new Trial(proxy, request, received, responses, end, millis, backend.take());
    }

    /** What one proxy made of one vector: what its client got, and what its backend got. */
    record Trial(String proxy, byte[] sent, byte[] received, LenientHttp.Responses responses, End end, long millis, CaptureBackend.Capture capture) {

        List<LenientHttp.Message> finals() {
            return responses.finals();
        }

        int firstStatus() {
            return finals().isEmpty() ? -1 : finals().get(0).status();
        }

        boolean reached() {
            return capture.bytes() > 0;
        }

        /** A complete response the backend made, not an error of the proxy's own (vectors never answer 5xx). */
        boolean relayed() {
            return !finals().isEmpty() && finals().get(0).complete() && finals().get(0).status() > 0 && finals().get(0).status() < 500;
        }

        String answerWord() {
            List<LenientHttp.Message> f = finals();
            if (f.isEmpty()) {
                return responses.stray() > 0 ? "non-HTTP bytes" : end == End.TIMEOUT ? "nothing (timeout)" : "nothing (" + end.name().toLowerCase() + ")";
            }
            return f.stream().map(m -> m.complete() ? Integer.toString(m.status()) : m.status() + " cut off").collect(Collectors.joining(","));
        }

        String verdict(ConformanceVector.Kind kind) {
            return kind == ConformanceVector.Kind.REQUEST ? requestVerdict() : responseVerdict();
        }

        private String requestVerdict() {
            int n = capture.requests().size();
            String answer = answerWord();
            if (n > 0) {
                long rest = capture.leftover();
                return "FORWARDED(" + n + (rest > 0 ? " +" + rest + "B" : "") + ") -> " + answer;
            }
            if (reached()) {
                return "PARTIAL(" + capture.bytes() + "B) -> " + answer;
            }
            return finals().isEmpty() ? "NOT FORWARDED, " + answer : "REFUSED(" + answer + ")";
        }

        private String responseVerdict() {
            List<LenientHttp.Message> f = finals();
            if (f.isEmpty()) {
                return responses.stray() > 0 ? "NON-HTTP(" + responses.stray() + "B)" : end == End.TIMEOUT ? "TIMEOUT" : end.name();
            }
            LenientHttp.Message m = f.get(0);
            if (!m.complete()) {
                return "TRUNCATED(" + m.status() + ")";
            }
            if (m.status() >= 500 || m.status() < 0) {
                return "ERROR(" + m.status() + ")";
            }
            String framing = !m.all("transfer-encoding").isEmpty() ? "te" : m.first("content-length") != null ? "cl" : m.status() == 101 ? "tunnel"
                    : m.status() == 204 || m.status() == 304 ? "none" : "close";
            return "RELAYED(" + m.status() + "," + framing + (m.ambiguousFraming() ? ",CL+TE!" : "")
                    + (responses.stray() > 0 ? ",+" + responses.stray() + "B stray" : "") + ")";
        }

        String backendBytes(int max) {
            StringBuilder s = new StringBuilder();
            for (CaptureBackend.Received r : capture.connections()) {
                s.append("[").append(LenientHttp.show(r.bytes(), 0, r.bytes().length, max)).append("]");
            }
            return s.length() == 0 ? "nothing" : s.toString();
        }

        // --- for the vectors' own checks --------------------------------------------------------------

        /** The first value of a field of the first request the backend got, or null. */
        String forwardedField(String lowerName) {
            List<LenientHttp.Message> r = capture.requests();
            return r.isEmpty() ? null : r.get(0).first(lowerName);
        }

        /** Null when the first request the backend got has this target, else what is wrong. */
        String forwardedTarget(String target) {
            List<LenientHttp.Message> r = capture.requests();
            if (r.isEmpty()) {
                return "nothing reached the backend";
            }
            return r.get(0).target().equals(target) ? null : "target at the backend: " + r.get(0).target();
        }

        /** Null when the first request the backend got has exactly one {@code lowerName}, of this value. */
        String singleField(String lowerName, String value) {
            List<LenientHttp.Message> r = capture.requests();
            if (r.isEmpty()) {
                return "nothing reached the backend";
            }
            List<String> values = r.get(0).all(lowerName);
            return values.equals(List.of(value)) ? null : lowerName + " at the backend: " + values;
        }

        /** Null when the client's response has exactly one {@code lowerName}, of this value. */
        String clientSingleField(String lowerName, String value) {
            if (finals().isEmpty()) {
                return "no response";
            }
            List<String> values = finals().get(0).all(lowerName);
            return values.equals(List.of(value)) ? null : lowerName + " at the client: " + values;
        }
    }

    /** What vectors learn from earlier trials: the Via value Haystack adds. */
    final class Context {
        private String via;

        /** The Via Haystack put on a plain forwarded GET (learnt once); a stand-in when it adds none. */
        synchronized String haystackVia() throws RuntimeException {
            if (via == null) {
                try {
                    Trial t = trial("haystack", lb.lb.httpPort(), haystackBackend, PLAIN_GET.getBytes(StandardCharsets.ISO_8859_1), null);
                    String seen = t.forwardedField("via");
                    via = seen != null ? seen : "1.1 " + NO_VIA;
                } catch (Exception e) {
                    throw new IllegalStateException("could not learn Haystack's Via", e);
                }
            }
            return via;
        }
    }

    // --- the table ----------------------------------------------------------------------------------------

    private record Row(ConformanceVector vector, Trial haproxy, Trial haystack, List<String> problems) {
    }

    private String table() {
        List<Row> all;
        synchronized (rows) {
            all = new ArrayList<>(rows);
        }
        int nameWidth = Math.max(30, all.stream().mapToInt(r -> r.vector.name.length()).max().orElse(0));
        int hpWidth = Math.max(24, all.stream().mapToInt(r -> r.haproxy.verdict(r.vector.kind).length()).max().orElse(0));
        int hsWidth = Math.max(24, all.stream().mapToInt(r -> r.haystack.verdict(r.vector.kind).length()).max().orElse(0));
        String format = "%-" + nameWidth + "s  %-" + hpWidth + "s  %-" + hsWidth + "s  %-4s  %s%n";
        StringBuilder s = new StringBuilder("\nHTTP/1.1 conformance: HAProxy 2.6 vs Haystack (SPEC §5)\n");
        long failed = all.stream().filter(r -> !r.problems.isEmpty()).count();
        for (ConformanceVector.Kind kind : ConformanceVector.Kind.values()) {
            s.append('\n').append(kind == ConformanceVector.Kind.REQUEST ? "Request vectors" : "Response vectors (what the client gets)").append('\n');
            s.append(String.format(format, "vector", "HAProxy", "Haystack", "", "note"));
            for (Row r : all) {
                if (r.vector.kind != kind) {
                    continue;
                }
                String note = r.vector.stricter != null ? "stricter: " + r.vector.stricter : "";
                if (!r.problems.isEmpty()) {
                    note = r.problems.get(0) + (note.isEmpty() ? "" : " | " + note);
                }
                s.append(String.format(format, r.vector.name, r.haproxy.verdict(kind), r.haystack.verdict(kind),
                        r.problems.isEmpty() ? "ok" : "FAIL", note));
            }
        }
        s.append('\n').append(all.size()).append(" vectors, ").append(failed).append(" failing\n");
        return s.toString();
    }
}
