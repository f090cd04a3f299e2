package haystack.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.Registry;
import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.discovery.EndpointSource;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The distribution's bundles, inside Felix: everything resolves, starts and is wired. */
class RuntimeTest {

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyBundleIsActive() {
        String notActive = Arrays.stream(context.getBundles())
                .filter(b -> b.getHeaders("").get(Constants.FRAGMENT_HOST) == null && b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + "(state " + b.getState() + ")")
                .collect(Collectors.joining(", "));
        assertEquals("", notActive);
        List<String> names = Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName).toList();
        assertTrue(names.containsAll(List.of("haystack.api", "haystack.registry", "haystack.config", "haystack.docker", "haystack.file", "haystack.dns", "haystack.lb", "haystack.ssh", "haystack.web", "haystack.etcd", "haystack.acme", "org.xbill.dns", "org.yaml.snakeyaml",
                "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.shell", "org.apache.sshd.osgi")), names.toString());
    }

    @Test
    void everyComponentIsActiveOrReady(@InjectService ServiceComponentRuntime scr) {
        String broken = scr.getComponentDescriptionDTOs().stream()
                .flatMap(d -> scr.getComponentConfigurationDTOs(d).stream())
                .filter(c -> c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED)
                .map(c -> c.description.name + "(state " + c.state + ")")
                .collect(Collectors.joining(", "));
        assertEquals("", broken);
    }

    @Test
    void everyHaystackPidIsConfiguredFromTheEnvironment(@InjectService ConfigurationAdmin admin) throws Exception {
        assertEquals(0, admin.getConfiguration("haystack.dns", "?").getProperties().get("port"));
        assertFalse(admin.getConfiguration("haystack.docker", "?").getProperties() == null);
        assertFalse(admin.getConfiguration("haystack.file", "?").getProperties() == null);
    }

    @Test
    void aSourcePublishesThroughTheServiceAndReadersSeeIt(@InjectService DiscoveryPublisher publisher, @InjectService Registry registry)
            throws Exception {
        Endpoint nginx = Endpoint.builder().service("nginx").containerId("itest-1").containerName("itest-1")
                .address(InetAddress.getLoopbackAddress()).port(8081).portName("http").build();
        try (EndpointSource source = publisher.open("itest")) {
            source.put(List.of(nginx));
            assertEquals(1, registry.snapshot().service("nginx").size());
            assertEquals("itest", registry.snapshot().service("nginx").get(0).source());
        }
        assertTrue(registry.snapshot().service("nginx").isEmpty(), "closing the source withdrew its endpoint");
    }

    @Test
    void theHaystackCommandsAreThere() throws Exception {
        ServiceReference<?>[] commands = context.getServiceReferences((String) null, "(osgi.command.scope=haystack)");
        assertTrue(commands != null && commands.length > 0, "haystack: commands registered");
        List<Object> functions = Arrays.stream(commands)
                .flatMap(r -> r.getProperty("osgi.command.function") instanceof String[] many ? Arrays.stream(many)
                        : java.util.stream.Stream.of(r.getProperty("osgi.command.function")))
                .collect(Collectors.toList());
        assertTrue(functions.containsAll(List.of("services", "endpoints", "containers", "trace", "drain", "dns")), functions.toString());
    }

    @Test
    void theLoadBalancerDnsAndDockerPublishMetricsAndDockerItsConnectionState() throws Exception {
        ServiceReference<?>[] sources = context.getServiceReferences("haystack.api.metrics.MetricsSource", null);
        List<String> producers = sources == null ? List.of() : Arrays.stream(sources).map(r -> r.getBundle().getSymbolicName()).sorted().toList();
        assertTrue(producers.containsAll(List.of("haystack.dns", "haystack.docker", "haystack.file", "haystack.lb")), producers.toString());
        ServiceReference<?>[] statuses = context.getServiceReferences("haystack.api.discovery.SourceStatus", null);
        assertTrue(statuses != null && statuses.length == 1 && "haystack.docker".equals(statuses[0].getBundle().getSymbolicName()));
    }

    @Test
    void theRegistryAnswersQuickly(@InjectService Registry registry) {
        // not a timing assertion: the snapshot is a plain read, this proves it never blocks
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        for (int i = 0; i < 100_000 && Instant.now().isBefore(deadline); i++) {
            registry.snapshot();
        }
        assertTrue(registry.snapshot().version() >= 0);
    }
}
