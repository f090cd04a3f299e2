package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.discovery.SourceStatus;
import haystack.api.lb.EndpointVerdicts;
import haystack.api.lb.TcpListenerView;
import org.junit.jupiter.api.Test;

/** The whole state as the page gets it: the balancer's verdicts as the why, TCP listeners, etcd nodes, absent services as null. */
class DashboardStateTest {

    private static Endpoint endpoint(String container, String source, int port) {
        return Endpoint.builder().service("db").containerId(container).containerName(container).source(source)
                .address(InetAddress.getLoopbackAddress()).port(port).portName("postgresql").tcpPort(5432).build();
    }

    private static AdminView view(RegistrySnapshot snapshot, EndpointVerdicts verdicts, TcpListenerView listeners) {
        SourceStatus etcd = new SourceStatus() {
            @Override public String kind() { return "etcd"; }
            @Override public List<Host> hosts() { return List.of(new Host("http://127.0.0.1:2379", true)); }
        };
        return (AdminView) java.lang.reflect.Proxy.newProxyInstance(AdminView.class.getClassLoader(), new Class<?>[] {AdminView.class},
                (p, m, a) -> switch (m.getName()) {
                    case "snapshot" -> snapshot;
                    case "sourceStatuses" -> List.of(etcd);
                    case "metricsSources" -> List.of();
                    case "verdicts" -> verdicts;
                    case "listeners" -> listeners;
                    case "origin" -> "haystack";
                    case "version" -> "1.2.3";
                    case "startedMillis" -> 5L;
                    default -> null;
                });
    }

    @Test
    void theFullStateNamesWhyAndWhatRunsAndNullForWhatDoesNot() {
        Endpoint local = endpoint("db-1", "docker:unix:///x", 5433);
        Endpoint remote = endpoint("db-2", "etcd:host-b", 5434);
        RegistrySnapshot snapshot = new RegistrySnapshot(7, List.of(local, remote));
        EndpointVerdicts verdicts = () -> Map.of(local.id(), "ejected after 3 failed requests: backend connection failed: Connection refused");
        TcpListenerView listeners = () -> Map.of(5432, "db");
        String json = new DashboardState(view(snapshot, verdicts, listeners), 2000).full();
        assertTrue(json.contains("\"available\":false,\"why\":\"ejected after 3 failed requests: backend connection failed: Connection refused\""), json);
        assertTrue(json.contains("\"container\":\"db-2\"") && json.contains("\"available\":true,\"why\":null"), json);
        assertTrue(json.contains("\"listeners\":[{\"port\":5432,\"service\":\"db\"}]"), json);
        assertTrue(json.contains("\"etcd\":[{\"node\":\"host-b\",\"endpoints\":1}]"), json);
        assertTrue(json.contains("\"sources\":[{\"kind\":\"etcd\",\"host\":\"http://127.0.0.1:2379\",\"connected\":true}]"), json);
        assertTrue(json.contains("\"certificates\":null"), "no HTTPS listener: " + json);
        assertTrue(json.contains("\"strategies\":{\"db\":{\"name\":\"round-robin\",\"why\":\"no load balancer installed\"}}"), json);
        assertTrue(json.contains("\"info\":{\"origin\":\"haystack\",\"version\":\"1.2.3\",\"started\":5,\"ready\":true,\"registryVersion\":7,\"samplePeriodMillis\":2000}"), json);

        String none = new DashboardState(view(snapshot, null, null), 2000).full();
        assertTrue(none.contains("\"listeners\":null") && none.contains("\"why\":null"), none);
    }

    @Test
    void aChangesStrategiesComeFromItsServicesOtherEndpointsByIdAndNameOnlyItsServices() {
        Endpoint plain = endpoint("db-1", "docker:unix:///x", 5433);
        Endpoint labelled = endpoint("db-3", "docker:unix:///x", 5435).toBuilder().strategy("least-connections").build();
        Endpoint later = endpoint("db-9", "docker:unix:///x", 5439).toBuilder().strategy("random").build();
        Endpoint grouped = endpoint("db-5", "docker:unix:///x", 5436).toBuilder().group("ro").strategy("consistent-hash").build();
        Endpoint other = endpoint("kv-1", "docker:unix:///x", 6379).toBuilder().service("kv").strategy("random").build();
        RegistrySnapshot snapshot = new RegistrySnapshot(3, List.of(plain, labelled, later, grouped, other));
        DashboardState state = new DashboardState(view(snapshot, null, null), 2000);
        // only db-1 changed: its service's label is db-3's (the first by id that has one); ro.db and kv are not in the change
        String json = state.strategies(snapshot, List.of(plain));
        assertTrue(json.equals("{\"db\":{\"name\":\"least-connections\",\"why\":\"no load balancer installed\"}}"), json);
        String all = state.strategies(snapshot, snapshot.endpoints());
        assertTrue(all.contains("\"ro.db\":{\"name\":\"consistent-hash\"") && all.contains("\"kv\":{\"name\":\"random\"")
                && all.contains("\"db\":{\"name\":\"least-connections\""), all);
    }
}
