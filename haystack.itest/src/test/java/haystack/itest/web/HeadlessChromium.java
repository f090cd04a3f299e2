package haystack.itest.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium driven over the DevTools protocol with the JDK's WebSocket:
 * navigate, read the page with JavaScript, collect console errors and uncaught
 * exceptions, take a screenshot. Each instance has its own throwaway profile.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Pattern PAGE_WS = Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    HeadlessChromium(int width, int height) throws IOException, InterruptedException {
        profile = Files.createTempDirectory("haystack-chromium");
        process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).start();
        try {
            socket = connect();
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        call("Runtime.enable", "{}");
        call("Log.enable", "{}");
        call("Page.enable", "{}");
    }

    private WebSocket connect() throws IOException, InterruptedException {
        String browserWs = awaitDevTools();
        int port = URI.create(browserWs).getPort();
        HttpClient http = HttpClient.newHttpClient();
        String list = "";
        Matcher m = null;
        for (int i = 0; i < 100; i++) {
            list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            m = PAGE_WS.matcher(list.replace("\n", " "));
            if (m.find()) {
                break;
            }
            m = null;
            Thread.sleep(100);
        }
        if (m == null) {
            throw new IllegalStateException("chromium lists no page target: " + list);
        }
        return http.newWebSocketBuilder().buildAsync(URI.create(m.group(1)), new Collector()).join();
    }

    private String awaitDevTools() throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            seen.append(line).append('\n');
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (IOException e) {
                        // chromium closed
                    }
                }, "chromium-output");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new IllegalStateException("chromium did not start DevTools; output:\n" + seen);
    }

    /** Sends one DevTools command and returns its response message (raw JSON). */
    String call(String method, String params) {
        int id = ids.incrementAndGet();
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).join();
        String prefix = "{\"id\":" + id + ",";
        for (int i = 0; i < 600; i++) {
            for (String msg : messages) {
                if (msg.startsWith(prefix)) {
                    return msg;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no answer to " + method + " within 30 s");
    }

    void navigate(String url) {
        call("Page.navigate", "{\"url\":\"" + url + "\"}");
    }

    /** The string value of a JavaScript expression on the page. */
    String eval(String expression) {
        String answer = call("Runtime.evaluate", "{\"expression\":" + quote("String(" + expression + ")") + ",\"returnByValue\":true}");
        Matcher m = Pattern.compile("\"value\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(answer);
        if (!m.find()) {
            throw new IllegalStateException("no value in " + answer);
        }
        return m.group(1).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** Console errors, uncaught exceptions and failed loads the page reported so far. */
    List<String> errors() {
        return messages.stream().filter(m -> m.contains("\"method\":\"Runtime.exceptionThrown\"")
                || (m.contains("\"method\":\"Runtime.consoleAPICalled\"") && m.contains("\"type\":\"error\""))
                || (m.contains("\"method\":\"Log.entryAdded\"") && m.contains("\"level\":\"error\""))).toList();
    }

    void screenshot(Path file) throws IOException {
        String answer = call("Page.captureScreenshot", "{\"format\":\"png\"}");
        Matcher m = Pattern.compile("\"data\":\"([^\"]+)\"").matcher(answer);
        if (!m.find()) {
            throw new IllegalStateException("no screenshot in " + answer.substring(0, Math.min(200, answer.length())));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(m.group(1)));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (socket != null) {
            socket.abort();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Gathers whole messages (DevTools may send one in several frames). */
    private final class Collector implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }
    }
}
