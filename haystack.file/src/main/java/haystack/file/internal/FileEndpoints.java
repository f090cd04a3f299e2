package haystack.file.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.Protocol;
import haystack.api.ServiceNames;

/**
 * The endpoints of one service file. A file plays the part of a container: its
 * endpoints share the container id {@code file:<service>}, so one
 * {@code replaceContainer} swaps the whole file in one step, and an endpoint keeps its
 * id (source, that container id, address, port) across reloads, which keeps the
 * balancer's pooled connections and counters. Each is named {@code <service>@<address:port>}.
 */
final class FileEndpoints {

    private FileEndpoints() {
    }

    static String containerId(String service) {
        return "file:" + service;
    }

    /**
     * {@code now} with each endpoint equal to one of {@code before} (every field: the id
     * holds address and port) replaced by that one: a rewrite that moves one endpoint
     * keeps the other objects, which are long-lived, and lets the new copies die young.
     */
    static List<Endpoint> keepingUnchanged(List<Endpoint> before, List<Endpoint> now) {
        if (before.isEmpty()) {
            return now;
        }
        Map<String, Endpoint> byId = new HashMap<>(before.size() * 2);
        before.forEach(e -> byId.put(e.id(), e));
        List<Endpoint> out = new ArrayList<>(now.size());
        for (Endpoint e : now) {
            Endpoint old = byId.get(e.id());
            out.add(e.equals(old) ? old : e);
        }
        return out;
    }

    static List<Endpoint> of(ServiceFile file, String sourceId) {
        String containerId = containerId(file.service());
        String dnsName = ServiceNames.dnsName(file.service());
        List<Endpoint> out = new ArrayList<>(file.endpoints().size());
        for (HostPort hp : file.endpoints()) {
            out.add(Endpoint.builder()
                    .service(file.service())
                    .containerId(containerId)
                    .containerName(dnsName + "@" + hp)
                    .address(hp.address())
                    .port(hp.port())
                    .protocol(Protocol.TCP)
                    .portName(file.portName())
                    .strategy(file.strategy())
                    .healthCheck(file.healthCheck())
                    .aliases(file.aliases())
                    .tcpPort(file.tcpPort())
                    .health(Health.UNKNOWN)
                    .source(sourceId)
                    .build());
        }
        return out;
    }
}
