package haystack.itest.seed;

import java.util.ArrayList;
import java.util.List;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import haystack.testing.BusyboxImage;
import haystack.testing.OpenSsh;

/**
 * The walkthrough's containers: the busybox test image tagged {@code nginx}, {@code httpd}
 * and {@code jenkins} (discovery names a service after its image), each serving one page
 * with busybox httpd; and the busybox client whose DNS is Haystack. Removes all of them.
 */
final class SeedContainers implements AutoCloseable {

    static final String CLIENT = "seed-client";

    private final DockerClient docker;
    private final List<String> names = new ArrayList<>();

    SeedContainers(DockerClient docker) {
        this.docker = docker;
    }

    /** {@code docker tag busybox <service>:seed}, so containers of it are the service {@code <service>}. */
    String image(String service) {
        String busybox = BusyboxImage.name();
        String id = docker.inspectImageCmd(busybox).exec().getId();
        docker.tagImageCmd(id, service, "seed").withForce().exec();
        return service + ":seed";
    }

    /** A detached container {@code name} of {@code image} serving {@code body} at / on {@code port}. */
    void serve(String image, String name, String body, int port) {
        start(docker.createContainerCmd(image).withName(name).withExposedPorts(ExposedPort.tcp(port))
                .withCmd("sh", "-c", "echo " + body + " > /www/index.html && exec httpd -f -p " + port + " -h /www"));
    }

    /** {@code docker run --dns=<dns> busybox} kept running so the test can type into it. */
    void client(String dns) {
        start(docker.createContainerCmd(BusyboxImage.name()).withName(CLIENT)
                .withHostConfig(HostConfig.newHostConfig().withDns(dns))
                .withCmd("sleep", "600"));
    }

    /** {@code docker exec seed-client sh -c <line>}: what a user types in the busybox terminal. */
    OpenSsh.Result type(String line) throws Exception {
        return OpenSsh.run(List.of("docker", "exec", CLIENT, "sh", "-c", line), null);
    }

    void stop(String name) {
        docker.stopContainerCmd(name).withTimeout(2).exec();
    }

    private void start(CreateContainerCmd create) {
        String name = create.getName();
        remove(name);
        names.add(name);
        docker.startContainerCmd(create.exec().getId()).exec();
    }

    private void remove(String name) {
        try {
            docker.removeContainerCmd(name).withForce(true).exec();
        } catch (NotFoundException gone) {
            // nothing left from an earlier run
        }
    }

    @Override
    public void close() {
        names.forEach(this::remove);
        for (String tag : new String[] { "nginx:seed", "httpd:seed", "jenkins:seed" }) {
            try {
                docker.removeImageCmd(tag).withNoPrune(true).exec();
            } catch (RuntimeException untagged) {
                // never tagged, or still in use by a container being removed
            }
        }
    }
}
