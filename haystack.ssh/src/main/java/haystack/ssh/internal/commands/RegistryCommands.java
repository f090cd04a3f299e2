package haystack.ssh.internal.commands;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.Registry;
import haystack.api.RegistrySnapshot;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The read-only {@code haystack:} commands of SPEC §6: services, endpoints, containers. */
@Component(service = RegistryCommands.class, property = {
        "osgi.command.scope=haystack",
        "osgi.command.function=services",
        "osgi.command.function=endpoints",
        "osgi.command.function=containers" })
public final class RegistryCommands {

    private final Registry registry;

    @Activate
    public RegistryCommands(@Reference Registry registry) {
        this.registry = registry;
    }

    @Descriptor("list services with their endpoint counts")
    public String services() {
        RegistrySnapshot snapshot = registry.snapshot();
        Map<String, List<Endpoint>> byName = snapshot.endpoints().stream()
                .collect(Collectors.groupingBy(Endpoint::qualifiedName, java.util.TreeMap::new, Collectors.toList()));
        Table table = new Table("SERVICE", "ENDPOINTS", "AVAILABLE", "PORTS", "STRATEGY");
        byName.forEach((name, endpoints) -> table.row(name, endpoints.size(),
                endpoints.stream().filter(Endpoint::isAvailable).count(),
                endpoints.stream().map(e -> e.portName()).distinct().sorted().collect(Collectors.joining(",")),
                endpoints.stream().map(Endpoint::strategy).filter(s -> s != null).findFirst().orElse("round-robin")));
        return table + summary(table.size(), "service", snapshot);
    }

    @Descriptor("list every endpoint")
    public String endpoints() {
        return endpoints(null);
    }

    @Descriptor("list the endpoints of one service")
    public String endpoints(@Descriptor("service name, e.g. nginx or web.nginx") String service) {
        RegistrySnapshot snapshot = registry.snapshot();
        Table table = new Table("SERVICE", "CONTAINER", "ADDRESS", "PORT", "NAME", "NETWORK", "HEALTH", "STATE");
        for (Endpoint e : snapshot.endpoints()) {
            if (service == null || service.equalsIgnoreCase(e.qualifiedName()) || service.equalsIgnoreCase(e.service())) {
                table.row(e.qualifiedName(), e.containerName(), e.address().getHostAddress(), e.port() + "/" + e.protocol().label(),
                        e.portName(), e.network().isEmpty() ? "-" : e.network(), e.health().label(), e.draining() ? "draining" : "serving");
            }
        }
        if (service != null && table.size() == 0) {
            throw new IllegalArgumentException("no service named '" + service + "' (see haystack:services)");
        }
        return table + summary(table.size(), "endpoint", snapshot);
    }

    @Descriptor("list containers with their services")
    public String containers() {
        RegistrySnapshot snapshot = registry.snapshot();
        Map<String, List<Endpoint>> byContainer = new LinkedHashMap<>();
        snapshot.endpoints().stream()
                .sorted(java.util.Comparator.comparing(Endpoint::containerName))
                .forEach(e -> byContainer.computeIfAbsent(e.containerId(), id -> new java.util.ArrayList<>()).add(e));
        Table table = new Table("CONTAINER", "ID", "SERVICES", "ADDRESSES", "HOST");
        byContainer.values().forEach(endpoints -> {
            Endpoint first = endpoints.get(0);
            table.row(first.containerName(), first.shortContainerId(),
                    endpoints.stream().map(Endpoint::qualifiedName).distinct().sorted().collect(Collectors.joining(",")),
                    endpoints.stream().map(e -> e.address().getHostAddress()).distinct().sorted().collect(Collectors.joining(",")),
                    first.host().isEmpty() ? "-" : first.host());
        });
        return table + summary(table.size(), "container", snapshot);
    }

    private static String summary(int count, String noun, RegistrySnapshot snapshot) {
        return count + " " + noun + (count == 1 ? "" : "s") + " (registry version " + snapshot.version() + ")";
    }
}
