package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.HealthCheck;
import haystack.api.Protocol;
import org.junit.jupiter.api.Test;

class EndpointCodecTest {

    @Test
    void everyFieldCrossesOverAndTheReadingNodeStampsTheSource() throws Exception {
        Endpoint e = Endpoint.builder().service("hello/v1").group("web").containerId("0123456789abcdef").containerName("web-1")
                .address(InetAddress.getByName("fd00::7")).port(8080).protocol(Protocol.UDP).portName("http-alt").network("front")
                .labels(Map.of("haystack.weight", "3", "quote", "a\"b")).tags(Set.of("rest", "x")).aliases(Set.of("www.example.com"))
                .path("/api").strategy("least-requests").weight(3).healthCheck(new HealthCheck("/healthz", Duration.ofMillis(1500), 2, 4))
                .health(Health.STARTING).draining(true).source("docker:unix:///var/run/docker.sock").host("unix:///var/run/docker.sock").build();
        String json = EndpointCodec.write(e, "host-a");
        assertTrue(json.startsWith("{\"node\":\"host-a\",\"id\":\"docker:unix:"), json);
        Endpoint back = EndpointCodec.read(json);
        assertEquals(e.toBuilder().source("etcd:host-a").build(), back.toBuilder().source("etcd:host-a").build());
        assertEquals("", back.source());
    }

    @Test
    void aValueThatIsNotAnEndpointIsRefusedWithTheReason() {
        String ok = "{\"service\":\"web\",\"containerId\":\"c1\",\"address\":\"127.0.0.1\",\"port\":80,\"protocol\":\"tcp\"}";
        EndpointCodec.read(ok);
        Map<String, String> bad = Map.of(
                "not json", "'service' missing",
                "[]", "not a JSON object",
                "{\"containerId\":\"c1\",\"address\":\"127.0.0.1\",\"port\":80,\"protocol\":\"tcp\"}", "'service' missing",
                ok.replace("127.0.0.1", "example.com"), "not an IP address",
                ok.replace("\"port\":80", "\"port\":70000"), "'port'",
                ok.replace("\"port\":80", "\"port\":\"80\""), "'port'",
                ok.replace("tcp", "sctp"), "protocol",
                ok.replace("\"web\"", "\"no_such name\""), "service name",
                ok.replace("}", ",\"health\":\"sick\"}"), "'health'",
                ok.replace("}", ",\"labels\":{\"a\":1}}"), "label 'a'");
        bad.forEach((value, reason) -> {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> EndpointCodec.read(value), value);
            if (!value.equals("not json")) {
                assertTrue(x.getMessage().contains(reason), value + " -> " + x.getMessage());
            }
        });
        assertThrows(IllegalArgumentException.class, () -> EndpointCodec.read("{\"x\":\"" + "a".repeat(70_000) + "\"}"));
    }
}
