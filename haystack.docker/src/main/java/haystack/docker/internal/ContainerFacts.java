package haystack.docker.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import haystack.api.Protocol;

/**
 * What Haystack needs to know of one container, independent of docker-java: read from
 * the engine by {@link EngineFacts}, turned into endpoints by {@link ContainerEndpoints}.
 *
 * @param name    container name without Docker's leading '/'
 * @param image   image as written in the container's config ({@code registry:5000/team/nginx:1.9})
 * @param env     environment variables by name
 * @param ports   exposed and published container ports
 * @param health  Docker HEALTHCHECK status ({@code starting}, {@code healthy}, {@code unhealthy}) or null
 * @param running running and not paused
 * @param containerId the Docker container behind it: {@code id} itself for a container, the
 *                    task's container for a swarm task (null while the task has none)
 */
public record ContainerFacts(String id, String name, String image, Map<String, String> labels,
        Map<String, String> env, List<Port> ports, List<Attachment> networks, String health, boolean running,
        String containerId) {

    /** A container: its own id is its container id. */
    public ContainerFacts(String id, String name, String image, Map<String, String> labels,
            Map<String, String> env, List<Port> ports, List<Attachment> networks, String health, boolean running) {
        this(id, name, image, labels, env, ports, networks, health, running, id);
    }

    public ContainerFacts {
        Objects.requireNonNull(id, "id");
        name = name == null ? id : name;
        image = image == null ? "" : image;
        labels = Map.copyOf(labels);
        env = Map.copyOf(env);
        ports = List.copyOf(ports);
        networks = List.copyOf(networks);
    }

    /** A container port and where it is published on the host (empty when it is not). */
    public record Port(int port, Protocol protocol, List<Binding> bindings) {
        public Port {
            bindings = List.copyOf(bindings);
        }

        public static Port of(int port, Protocol protocol) {
            return new Port(port, protocol, List.of());
        }
    }

    /** One host binding of a published port; {@code hostIp} is null for all addresses. */
    public record Binding(InetAddress hostIp, int hostPort) {
    }

    /** One network attachment: its IPv4 and IPv6 addresses (either may be null). */
    public record Attachment(String network, InetAddress ipv4, InetAddress ipv6) {
    }
}
