package haystack.file.internal;

import java.util.ArrayList;
import java.util.List;

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
                    .health(Health.UNKNOWN)
                    .source(sourceId)
                    .build());
        }
        return out;
    }
}
