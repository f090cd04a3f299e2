package haystack.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** The dashboard's files, read from the bundle once: nothing comes from a CDN. */
final class StaticFiles {

    private record File(String type, byte[] body) {
    }

    private final Map<String, File> files;

    StaticFiles() {
        files = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/index.html", load("index.html", "text/html; charset=utf-8"),
                "/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/style.css", load("style.css", "text/css; charset=utf-8"),
                "/favicon.ico", new File("image/svg+xml", new byte[0]));
    }

    private static File load(String name, String type) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + name + " is missing from the bundle");
            }
            return new File(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the file at {@code path}; false if there is none. */
    boolean serve(HttpServerExchange exchange, String path) {
        File f = files.get(path);
        if (f == null) {
            return false;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, f.type());
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        exchange.getResponseSender().send(ByteBuffer.wrap(f.body()));
        return true;
    }
}
