package haystack.docker.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import haystack.testing.BusyboxImage;

/**
 * The real engine as a test sees it: busybox containers and networks named with one
 * run prefix (other tests share the engine), all removed by {@link #close()}.
 */
final class EngineFixture implements AutoCloseable {

    static final URI SOCKET = URI.create("unix:///var/run/docker.sock");

    final DockerClient client = DockerClients.create(SOCKET, null);
    final String prefix = "hst" + UUID.randomUUID().toString().substring(0, 6);
    final String image = BusyboxImage.name();
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();

    /** A container that sleeps, exposing port 80, not started; customise with {@code cmd}. */
    CreateContainerCmd container(String name) {
        return client.createContainerCmd(image).withName(prefix + "-" + name)
                .withCmd("sleep", "600").withExposedPorts(ExposedPort.tcp(80))
                .withHostConfig(HostConfig.newHostConfig());
    }

    String create(CreateContainerCmd cmd) {
        String id = cmd.exec().getId();
        containers.add(id);
        return id;
    }

    String start(CreateContainerCmd cmd) {
        String id = create(cmd);
        client.startContainerCmd(id).exec();
        return id;
    }

    String network(String name, boolean ipv6) {
        var cmd = client.createNetworkCmd().withName(prefix + "-" + name).withCheckDuplicate(true);
        if (ipv6) {
            String hex = UUID.randomUUID().toString().substring(0, 4);
            cmd.withEnableIpv6(true).withIpam(new Network.Ipam().withConfig(
                    new Network.Ipam.Config().withSubnet("fd00:" + hex + ":beef::/64")));
        }
        String id = cmd.exec().getId();
        networks.add(id);
        return prefix + "-" + name;
    }

    String name(String suffix) {
        return prefix + "-" + suffix;
    }

    Map<String, String> labels(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        for (String id : containers) {
            try {
                client.removeContainerCmd(id).withForce(true).exec();
            } catch (DockerException e) {
                // already gone
            }
        }
        for (String id : networks) {
            try {
                client.removeNetworkCmd(id).exec();
            } catch (DockerException e) {
                // already gone
            }
        }
        try {
            client.close();
        } catch (java.io.IOException e) {
            // closing the test's client
        }
    }
}
