package haystack.ssh.internal.commands;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import haystack.api.Endpoint;
import haystack.api.Registry;
import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.StrategyCatalog;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code haystack:strategies} and {@code haystack:strategy}: the balancing strategies and who uses which. */
@Component(service = StrategyCommands.class, property = {
        "osgi.command.scope=haystack",
        "osgi.command.function=strategies",
        "osgi.command.function=strategy" })
public final class StrategyCommands {

    /** Clears a service's runtime choice: {@code haystack:strategy nginx default}. */
    static final String CLEAR = "default";

    private final StrategyCatalog catalog;
    private final Registry registry;

    @Activate
    public StrategyCommands(@Reference StrategyCatalog catalog, @Reference Registry registry) {
        this.catalog = catalog;
        this.registry = registry;
    }

    @Descriptor("list the installed balancing strategies and the services using each")
    public String strategies() {
        Map<String, Set<String>> users = new TreeMap<>();
        catalog.names().forEach(name -> users.put(name, new TreeSet<>()));
        current().forEach((service, strategy) -> users.computeIfAbsent(strategy, s -> new TreeSet<>()).add(service));
        Table table = new Table("STRATEGY", "INSTALLED", "SERVICES");
        users.forEach((name, services) -> table.row(name, catalog.names().contains(name) ? "yes" : "no (falls back to "
                + BalancingStrategy.DEFAULT_NAME + ")", services.isEmpty() ? "-" : String.join(",", services)));
        return table.toString().stripTrailing();
    }

    @Descriptor("show the strategy a service uses and why")
    public String strategy(@Descriptor("service, e.g. nginx or web.nginx") String service) {
        Map<String, String> overrides = catalog.overrides();
        requireKnown(service, overrides);
        if (overrides.containsKey(service)) {
            return service + ": " + overrides.get(service) + " (chosen at runtime)" + installed(overrides.get(service));
        }
        String label = label(service);
        if (label != null) {
            return service + ": " + label + " (label haystack.strategy)" + installed(label);
        }
        return service + ": " + BalancingStrategy.DEFAULT_NAME + " (default)";
    }

    @Descriptor("choose a service's strategy from now on ('default' goes back to its label or the default)")
    public String strategy(CommandSession session, @Descriptor("service, e.g. nginx or web.nginx") String service,
            @Descriptor("an installed strategy, or 'default'") String name) {
        requireKnown(service, catalog.overrides());
        Audit.record(session, "strategy", "service=" + service + " strategy=" + name,
                () -> catalog.choose(service, CLEAR.equals(name) ? null : name));
        return strategy(service);
    }

    /** A service is known while it has endpoints or a runtime choice (which 'default' may clear). */
    private void requireKnown(String service, Map<String, String> overrides) {
        if (!overrides.containsKey(service) && registry.snapshot().endpoints().stream().noneMatch(e -> e.qualifiedName().equals(service))) {
            throw new IllegalArgumentException("no service named '" + service + "' (see haystack:services)");
        }
    }

    private String installed(String name) {
        return catalog.names().contains(name) ? "" : ", not installed: " + BalancingStrategy.DEFAULT_NAME + " serves";
    }

    /** Each service with endpoints, and the strategy name its requests get now. */
    private Map<String, String> current() {
        Map<String, String> overrides = catalog.overrides();
        Map<String, String> byService = new TreeMap<>();
        for (Endpoint e : registry.snapshot().endpoints()) {
            String service = e.qualifiedName();
            String chosen = overrides.getOrDefault(service, e.strategy());
            byService.putIfAbsent(service, chosen != null && catalog.names().contains(chosen) ? chosen : BalancingStrategy.DEFAULT_NAME);
        }
        return byService;
    }

    private String label(String service) {
        return registry.snapshot().endpoints().stream()
                .filter(e -> e.qualifiedName().equals(service) && e.strategy() != null)
                .map(Endpoint::strategy).findFirst().orElse(null);
    }
}
