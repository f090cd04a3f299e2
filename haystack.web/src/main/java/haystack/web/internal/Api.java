package haystack.web.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.strategy.StrategyCatalog;

/** The JSON documents of /api/services, /api/endpoints, /api/containers, /api/networks and /api/strategies, from one snapshot each. */
final class Api {

    private Api() {
    }

    static String services(RegistrySnapshot snapshot, StrategyCatalog strategies) {
        Map<String, String> overrides = strategies == null ? Map.of() : strategies.overrides();
        Map<String, List<Endpoint>> byQualified = new TreeMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            byQualified.computeIfAbsent(e.qualifiedName(), q -> new ArrayList<>()).add(e);
        }
        Json j = new Json().object().field("version", snapshot.version()).name("services").array();
        for (Map.Entry<String, List<Endpoint>> s : byQualified.entrySet()) {
            List<Endpoint> eps = s.getValue();
            Endpoint first = eps.get(0);
            String label = null;
            Set<String> aliases = new LinkedHashSet<>();
            Set<String> paths = new LinkedHashSet<>();
            Set<String> containers = new LinkedHashSet<>();
            Set<String> tcpPorts = new java.util.TreeSet<>();
            int available = 0;
            int draining = 0;
            for (Endpoint e : eps) {
                label = label == null ? e.strategy() : label;
                aliases.addAll(e.aliases());
                if (e.path() != null) {
                    paths.add(e.path());
                }
                containers.add(e.containerName());
                if (e.tcpPort() > 0) {
                    tcpPorts.add(Integer.toString(e.tcpPort()));
                }
                available += e.isAvailable() ? 1 : 0;
                draining += e.draining() ? 1 : 0;
            }
            String override = overrides.get(s.getKey());
            j.object().field("name", s.getKey()).field("service", first.service()).field("group", first.group())
                    .field("strategy", override != null ? override : label).field("strategyOverride", override != null)
                    .field("endpoints", eps.size()).field("available", available).field("draining", draining)
                    .field("containers", containers.size());
            j.name("health").object();
            RegistryMetrics.health(eps).forEach((h, n) -> j.field(h.label(), n));
            j.end();
            strings(j.name("aliases"), aliases);
            strings(j.name("paths"), paths);
            strings(j.name("tcp"), tcpPorts);
            j.end();
        }
        return j.end().end().toString();
    }

    static String endpoints(RegistrySnapshot snapshot, String service) {
        Json j = new Json().object().field("version", snapshot.version()).name("endpoints").array();
        for (Endpoint e : snapshot.endpoints()) {
            if (service == null || service.equals(e.service()) || service.equals(e.qualifiedName())) {
                endpoint(j, e);
            }
        }
        return j.end().end().toString();
    }

    private static void endpoint(Json j, Endpoint e) {
        j.object().field("id", e.id()).field("service", e.qualifiedName()).field("group", e.group())
                .field("container", e.containerName()).field("containerId", e.shortContainerId())
                .field("address", e.address().getHostAddress()).field("port", e.port()).field("protocol", e.protocol().label())
                .field("portName", e.portName()).field("network", e.network()).field("health", e.health().label())
                .field("draining", e.draining()).field("available", e.isAvailable()).field("weight", e.weight())
                .field("strategy", e.strategy()).field("path", e.path()).field("host", e.host()).field("source", e.source())
                .field("tcpPort", e.tcpPort());
        strings(j.name("aliases"), e.aliases());
        strings(j.name("tags"), e.tags());
        j.end();
    }

    static String containers(RegistrySnapshot snapshot) {
        Map<String, List<Endpoint>> byContainer = new TreeMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            byContainer.computeIfAbsent(e.containerName() + "\u0000" + e.containerId(), k -> new ArrayList<>()).add(e);
        }
        Json j = new Json().object().field("version", snapshot.version()).name("containers").array();
        for (List<Endpoint> eps : byContainer.values()) {
            Endpoint first = eps.get(0);
            Set<String> services = new LinkedHashSet<>();
            Set<String> networks = new LinkedHashSet<>();
            boolean draining = false;
            for (Endpoint e : eps) {
                services.add(e.qualifiedName());
                networks.add(e.network());
                draining |= e.draining();
            }
            j.object().field("id", first.containerId()).field("name", first.containerName()).field("host", first.host())
                    .field("health", first.health().label()).field("draining", draining).field("endpoints", eps.size());
            strings(j.name("services"), services);
            strings(j.name("networks"), networks);
            j.end();
        }
        return j.end().end().toString();
    }

    static String networks(RegistrySnapshot snapshot) {
        Map<String, Set<String>[]> byNetwork = new TreeMap<>();
        Map<String, Integer> endpoints = new LinkedHashMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            @SuppressWarnings("unchecked")
            Set<String>[] sets = byNetwork.computeIfAbsent(e.network(), n -> new Set[] {new LinkedHashSet<>(), new LinkedHashSet<>()});
            sets[0].add(e.containerName());
            sets[1].add(e.qualifiedName());
            endpoints.merge(e.network(), 1, Integer::sum);
        }
        Json j = new Json().object().field("version", snapshot.version()).name("networks").array();
        byNetwork.forEach((name, sets) -> {
            j.object().field("name", name).field("published", name.isEmpty()).field("endpoints", endpoints.get(name));
            strings(j.name("containers"), sets[0]);
            strings(j.name("services"), sets[1]);
            j.end();
        });
        return j.end().end().toString();
    }

    static String strategies(StrategyCatalog strategies) {
        Json j = new Json().object().field("available", strategies != null);
        strings(j.name("names"), strategies == null ? Set.of() : strategies.names());
        j.name("overrides").object();
        if (strategies != null) {
            new TreeMap<>(strategies.overrides()).forEach(j::field);
        }
        return j.end().end().toString();
    }

    static void strings(Json j, Iterable<String> values) {
        j.array();
        values.forEach(j::value);
        j.end();
    }
}
