package haystack.etcd.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.HealthCheck;
import haystack.api.Protocol;

/**
 * An endpoint as the JSON value of its etcd key: the whole endpoint, so another node
 * serves it exactly as this one does (health check, strategy, weight, aliases...). Reading
 * checks everything the registry would: a value that is not such an endpoint is refused
 * with the reason.
 */
final class EndpointCodec {

    static final int MAX_VALUE_BYTES = 64 * 1024;

    private EndpointCodec() {
    }

    /** The value written for {@code e}, published by {@code node}; members in a fixed order. */
    static String write(Endpoint e, String node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node);
        m.put("id", e.id());
        m.put("service", e.service());
        m.put("group", e.group());
        m.put("containerId", e.containerId());
        m.put("containerName", e.containerName());
        m.put("address", e.address().getHostAddress());
        m.put("port", e.port());
        m.put("protocol", e.protocol().label());
        m.put("portName", e.portName());
        m.put("network", e.network());
        m.put("labels", new TreeMap<>(e.labels()));
        m.put("tags", new TreeSet<>(e.tags()));
        m.put("aliases", new TreeSet<>(e.aliases()));
        m.put("path", e.path());
        m.put("strategy", e.strategy());
        m.put("weight", e.weight());
        HealthCheck hc = e.healthCheck();
        if (hc != null) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("path", hc.path());
            check.put("intervalMillis", hc.interval().toMillis());
            check.put("rise", hc.rise());
            check.put("fall", hc.fall());
            m.put("healthCheck", check);
        }
        m.put("health", e.health().label());
        m.put("draining", e.draining());
        m.put("source", e.source());
        m.put("host", e.host());
        return Json.write(m);
    }

    /**
     * The endpoint of a value, without a source (the reading node's source stamps it).
     *
     * @throws IllegalArgumentException naming what is wrong with the value
     */
    static Endpoint read(String value) {
        if (value.length() > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value longer than " + MAX_VALUE_BYTES + " bytes");
        }
        Map<String, Object> m = Json.parseObject(value);
        Endpoint.Builder b = Endpoint.builder()
                .service(text(m, "service", true))
                .group(text(m, "group", false))
                .containerId(text(m, "containerId", true))
                .containerName(text(m, "containerName", false))
                .address(address(text(m, "address", true)))
                .port((int) whole(m, "port", 1, 65535, -1))
                .protocol(Protocol.parse(text(m, "protocol", true)))
                .portName(text(m, "portName", false))
                .network(text(m, "network", false))
                .labels(labels(m.get("labels")))
                .tags(strings(m.get("tags"), "tags"))
                .aliases(strings(m.get("aliases"), "aliases"))
                .path(text(m, "path", false))
                .strategy(text(m, "strategy", false))
                .weight((int) whole(m, "weight", 0, Integer.MAX_VALUE, Endpoint.DEFAULT_WEIGHT))
                .healthCheck(healthCheck(m.get("healthCheck")))
                .health(health(text(m, "health", false)))
                .draining(Boolean.TRUE.equals(m.get("draining")))
                .host(text(m, "host", false));
        return b.build();
    }

    private static String text(Map<String, Object> m, String name, boolean required) {
        Object v = m.get(name);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("'" + name + "' missing");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("'" + name + "' is not a string");
        }
        return s;
    }

    private static long whole(Map<String, Object> m, String name, long min, long max, long absent) {
        Object v = m.get(name);
        if (v == null && absent >= 0) {
            return absent;
        }
        if (!(v instanceof Long n) || n < min || n > max) {
            throw new IllegalArgumentException("'" + name + "' is not a whole number " + min + "-" + max);
        }
        return n;
    }

    private static InetAddress address(String literal) {
        boolean v4 = literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = literal.contains(":") && literal.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("'address' " + literal + " is not an IP address");
        }
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'address' " + literal + " is not an IP address");
        }
    }

    private static Map<String, String> labels(Object v) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("'labels' is not an object");
        }
        Map<String, String> labels = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException("label '" + e.getKey() + "' is not a string");
            }
            labels.put(String.valueOf(e.getKey()), s);
        }
        return labels;
    }

    private static Set<String> strings(Object v, String name) {
        if (v == null) {
            return Set.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("'" + name + "' is not an array");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("'" + name + "' holds a non-string");
            }
            out.add(s);
        }
        return Set.copyOf(out);
    }

    private static HealthCheck healthCheck(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("'healthCheck' is not an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) raw;
        return new HealthCheck(text(m, "path", false), Duration.ofMillis(whole(m, "intervalMillis", 1, Integer.MAX_VALUE, -1)),
                (int) whole(m, "rise", 1, 1000, -1), (int) whole(m, "fall", 1, 1000, -1));
    }

    private static Health health(String label) {
        if (label == null) {
            return Health.UNKNOWN;
        }
        try {
            return Health.valueOf(label.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'health' " + label + " is not starting, healthy, unhealthy or unknown");
        }
    }
}
