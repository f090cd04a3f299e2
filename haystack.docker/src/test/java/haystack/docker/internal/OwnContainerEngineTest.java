package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Haystack's own container is never registered (SPEC §3), against the real engine: a busybox
 * container stands in for Haystack's (it exposes and publishes a port, so it would be
 * registered), and is named to the discovery as Haystack's own, either by the setting
 * (HAYSTACK_SELF_CONTAINER through the component) or by the /proc/self/mountinfo and
 * /proc/self/cgroup that container itself printed. An ordinary container beside it is
 * registered; the stand-in never is, neither at the first listing nor after a restart.
 */
@RequiresDocker
class OwnContainerEngineTest {

    private static final String MARK = "-- cgroup --";
    private static final String END = "-- end --";

    private EngineFixture engine;
    private RegistryImpl registry;
    private RegistryProbe probe;

    @BeforeEach
    void setUp() {
        engine = new EngineFixture();
        registry = new RegistryImpl();
        probe = new RegistryProbe(registry, engine.prefix);
    }

    @AfterEach
    void tearDown() {
        probe.close();
        engine.close();
    }

    /** A container labelled for this test (the engine is shared), with Haystack's service label. */
    private CreateContainerCmd labelled(String name, HostConfig hostConfig) {
        return engine.container(name).withHostConfig(hostConfig)
                .withLabels(engine.labels("haystack.test", engine.prefix, "haystack.service", name.replaceAll("-[0-9]+$", "")));
    }

    @Test
    void settingNamesItThroughTheComponent() throws Exception {
        String self = engine.start(labelled("haystack-1", HostConfig.newHostConfig()));
        DockerDiscovery discovery = new DockerDiscovery(new DiscoveryPublisherImpl(registry),
                DockerDiscoveryTest.config(new String[] { EngineFixture.SOCKET.toString() }, new String[0], "", self));
        try {
            engine.start(labelled("web-1", HostConfig.newHostConfig()));
            probe.await("the ordinary container registered", l -> probe.of(engine.name("web-1")).size() == 1);

            // Restarted: its start event is read too, and still gives nothing.
            engine.client.killContainerCmd(self).exec();
            engine.client.startContainerCmd(self).exec();
            engine.start(labelled("web-2", HostConfig.newHostConfig()));
            probe.await("a later ordinary container registered", l -> probe.of(engine.name("web-2")).size() == 1);
            assertFalse(probe.everSeen(e -> e.containerId().equals(self)), "own container never registered");
        } finally {
            discovery.deactivate();
        }
    }

    @Test
    void mountinfoNamesItAlsoInPublishedPortMode() throws Exception {
        HostConfig published = HostConfig.newHostConfig().withPortBindings(PortBinding.parse("127.0.0.1::80"));
        String self = engine.start(labelled("haystack-1", published).withCmd("sh", "-c",
                "cat /proc/self/mountinfo; echo '" + MARK + "'; cat /proc/self/cgroup; echo '" + END + "'; exec sleep 600"));
        String printed = logs(self);
        String mountinfo = printed.substring(0, printed.indexOf(MARK));
        String cgroup = printed.substring(printed.indexOf(MARK) + MARK.length(), printed.indexOf(END));
        OwnContainer own = OwnContainer.of(mountinfo, cgroup, null);
        assertEquals(self.substring(0, 12) + " from=mountinfo", own.toString(), "the container's own mountinfo names it");
        assertEquals(self, OwnContainer.fromMountinfo(mountinfo));

        String id = "docker:" + EngineFixture.SOCKET;
        EndpointSource source = new DiscoveryPublisherImpl(registry).open(id);
        ContainerEndpoints rules = new ContainerEndpoints(id, EngineFixture.SOCKET.toString(), PortNames.iana(), true,
                List.of(InetAddress.getByName("127.0.0.1")), own);
        try (HostWatcher watcher = new HostWatcher(EngineFixture.SOCKET.toString(),
                () -> DockerClients.create(EngineFixture.SOCKET, null), source, rules).start()) {
            String web = engine.start(labelled("web-1", published));
            List<Endpoint> eps = probe.await("the ordinary container registered at its published port",
                    l -> probe.of(engine.name("web-1")).size() == 1);
            Endpoint e = eps.stream().filter(x -> x.containerId().equals(web)).findFirst().orElseThrow();
            assertEquals("127.0.0.1", e.address().getHostAddress());
            String hostPort = engine.client.inspectContainerCmd(web).exec().getNetworkSettings().getPorts().getBindings()
                    .get(ExposedPort.tcp(80))[0].getHostPortSpec();
            assertEquals(Integer.parseInt(hostPort), e.port());

            engine.client.killContainerCmd(self).exec();
            engine.client.startContainerCmd(self).exec();
            engine.start(labelled("web-2", published));
            probe.await("a later ordinary container registered", l -> probe.of(engine.name("web-2")).size() == 1);
            assertFalse(probe.everSeen(x -> x.containerId().equals(self)), "own container never registered");
            assertTrue(probe.of(engine.name("haystack-1")).isEmpty());
        } finally {
            source.close();
        }
    }

    /** What the container printed, once it printed {@link #END}. */
    private String logs(String containerId) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            StringBuilder out = new StringBuilder();
            engine.client.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(false)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }).awaitCompletion();
            if (out.indexOf(END) >= 0) {
                return out.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("container printed no " + END + " within 30s: " + out);
            }
            Thread.sleep(50);
        }
    }
}
