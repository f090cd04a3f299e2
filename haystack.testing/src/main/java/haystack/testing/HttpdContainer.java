package haystack.testing;

import java.time.Duration;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A busybox httpd serving {@code body} at {@code /} on container port {@code port}.
 * Waits by fetching the page through the published port, never by exec in the container.
 */
public final class HttpdContainer extends GenericContainer<HttpdContainer> {

    public HttpdContainer(String body) {
        this(body, 80);
    }

    public HttpdContainer(String body, int port) {
        super(BusyboxImage.name());
        withExposedPorts(port);
        withCommand("sh", "-c", "echo '" + body.replace("'", "") + "' > /www/index.html && exec httpd -f -p " + port + " -h /www");
        waitingFor(Wait.forHttp("/").forPort(port).withStartupTimeout(Duration.ofSeconds(30)));
    }

    /** http://host:port/ of the published port, for requests from the test. */
    public String url() {
        return "http://" + getHost() + ":" + getFirstMappedPort() + "/";
    }
}
