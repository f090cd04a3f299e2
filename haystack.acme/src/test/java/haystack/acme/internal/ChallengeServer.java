package haystack.acme.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import haystack.api.tls.HttpChallenges;

/** What the load balancer's HTTP listener does for ACME, in a test: answers HTTP-01 from an {@link HttpChallenges}. */
final class ChallengeServer implements AutoCloseable {

    static final String PREFIX = "/.well-known/acme-challenge/";

    private final HttpServer server;
    final AtomicInteger answered = new AtomicInteger();

    ChallengeServer(HttpChallenges challenges) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext(PREFIX, exchange -> {
            String token = exchange.getRequestURI().getPath().substring(PREFIX.length());
            Optional<String> answer = challenges.keyAuthorization(token);
            byte[] body = answer.orElse("unknown token").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(answer.isPresent() ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            if (answer.isPresent()) {
                answered.incrementAndGet();
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
