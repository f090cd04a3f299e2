package haystack.docker.internal;

import java.net.URI;
import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.SSLConfig;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/** Makes docker-java clients over the zerodep transport (unix socket or TCP, TLS when given). */
public final class DockerClients {

    /** How long a connection attempt may take before the engine counts as away. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private DockerClients() {
    }

    /**
     * Checks a DOCKER_HOST entry: {@code unix:///path} or {@code tcp://host:port}.
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    public static URI parseHost(String value) {
        String v = value == null ? "" : value.trim();
        try {
            URI uri = URI.create(v);
            if ("unix".equals(uri.getScheme()) && uri.getPath() != null && !uri.getPath().isEmpty()) {
                return uri;
            }
            if ("tcp".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("haystack.docker hosts (DOCKER_HOST) value '" + value
                + "' is not allowed: use unix:///path/to/docker.sock or tcp://host:port");
    }

    /** A client of {@code host}; {@code tls} null for plain connections. */
    public static DockerClient create(URI host, SSLConfig tls) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString())
                // TLS is the transport's (sslConfig below); docker-java's own check would demand a cert path
                .withDockerTlsVerify(false)
                .build();
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(host)
                .sslConfig(tls)
                .maxConnections(16)
                .connectionTimeout(CONNECT_TIMEOUT)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }
}
