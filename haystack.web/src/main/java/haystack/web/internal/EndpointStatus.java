package haystack.web.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import haystack.api.Endpoint;
import haystack.api.Health;

/**
 * Why an endpoint gets no new requests, in one place for the page and its events: the
 * operator's drain, the health its source reports (Docker's HEALTHCHECK for containers),
 * and the load balancer's own verdicts (a failing active check, a passive ejection).
 */
final class EndpointStatus {

    private EndpointStatus() {
    }

    /** The reasons, joined; null when the endpoint takes traffic. */
    static String why(Endpoint e, Map<String, String> verdicts) {
        List<String> reasons = new ArrayList<>(2);
        if (e.draining()) {
            reasons.add("draining: no new requests");
        }
        String verdict = verdicts.get(e.id());
        // a failing active check reaches the registry as UNHEALTHY: name the check, not the source
        boolean byCheck = verdict != null && verdict.startsWith("active check failing");
        if (e.health() == Health.STARTING || e.health() == Health.UNHEALTHY && !byCheck) {
            String by = e.source().startsWith("docker:") ? "Docker health check" : "health reported by " + e.source();
            reasons.add(by + ": " + e.health().label());
        }
        if (verdict != null) {
            reasons.add(verdict);
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }

    /** The endpoint as the page shows it, with {@code why} (null while it takes traffic). */
    static String json(Endpoint e, Map<String, String> verdicts) {
        String why = why(e, verdicts);
        Json j = new Json().object().field("id", e.id()).field("service", e.qualifiedName()).field("container", e.containerName())
                .field("address", e.address().getHostAddress()).field("port", e.port()).field("protocol", e.protocol().label())
                .field("portName", e.portName()).field("network", e.network()).field("health", e.health().label())
                .field("draining", e.draining()).field("available", why == null).field("why", why).field("weight", e.weight())
                .field("source", e.source()).field("host", e.host()).field("tcpPort", e.tcpPort());
        return j.end().toString();
    }
}
