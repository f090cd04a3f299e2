package haystack.file.internal;

import java.util.List;
import java.util.Set;

import haystack.api.HealthCheck;

/**
 * What one {@code <service>.yaml} says (SPEC §6b), checked: endpoints in file order
 * without duplicates, the port name, and the optional strategy, health check and aliases
 * (null or empty when absent).
 */
record ServiceFile(String service, List<HostPort> endpoints, String portName, String strategy, HealthCheck healthCheck,
        Set<String> aliases) {

    static final String DEFAULT_PORT_NAME = "http";

    ServiceFile {
        endpoints = List.copyOf(endpoints);
        aliases = Set.copyOf(aliases);
    }
}
