package haystack.etcd.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import haystack.api.Endpoint;

/**
 * SkyDNS's layout (seed 004, HighHock), written beside Haystack's own when
 * {@code HAYSTACK_ETCD_SKYDNS=<domain>}: {@code /skydns/<domain labels reversed>/<service
 * labels reversed>/<instance>} holding {@code {"host":...,"port":...}}, so SkyDNS and
 * CoreDNS's etcd plugin keep resolving {@code <service>.<domain>}. Only endpoints that may
 * take traffic are written (those clients resolve directly). Each value also names its
 * node, so a node finds its own keys again after a restart (SkyDNS ignores that field).
 */
final class SkyDnsLayout {

    static final String ROOT = "/skydns";
    private static final String NODE_FIELD = "haystack_node";

    private final String domain;
    private final String base;

    SkyDnsLayout(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (!d.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw new IllegalArgumentException("SkyDNS domain '" + domain + "' is not a DNS name");
        }
        this.domain = d;
        this.base = ROOT + "/" + reversed(d);
    }

    String domain() {
        return domain;
    }

    String rangeStart() {
        return base + "/";
    }

    String rangeEnd() {
        return base + "0";
    }

    /** Whether this endpoint gets a SkyDNS key: it may take traffic now. */
    static boolean listed(Endpoint e) {
        return e.isAvailable();
    }

    /** {@code /skydns/local/highhock/hello/v1/<instance>} for service {@code hello/v1}; grouped: {@code .../nginx/web/<instance>}. */
    String key(Endpoint e, String node) {
        return rangeStart() + reversed(e.qualifiedName().toLowerCase(Locale.ROOT)) + "/" + instance(e, node);
    }

    String value(Endpoint e, String node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", e.address().getHostAddress());
        m.put("port", e.port());
        m.put(NODE_FIELD, node);
        return Json.write(m);
    }

    /** Whether {@code kv} is a key this layout wrote for {@code node}. */
    boolean owns(KeyValue kv, String node) {
        if (!kv.key().startsWith(rangeStart())) {
            return false;
        }
        try {
            return node.equals(Json.parseObject(kv.value()).get(NODE_FIELD));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A DNS label unique to the endpoint: a digest of node and endpoint id. */
    private static String instance(Endpoint e, String node) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((node + "\n" + e.id()).getBytes(StandardCharsets.UTF_8));
            return "h" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(x);
        }
    }

    private static String reversed(String dnsName) {
        List<String> labels = new ArrayList<>(List.of(dnsName.split("\\.")));
        Collections.reverse(labels);
        return String.join("/", labels);
    }
}
