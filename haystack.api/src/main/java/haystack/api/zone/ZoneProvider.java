package haystack.api.zone;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A DNS zone served by Haystack, as a whiteboard service: the DNS server answers for a
 * provider's zones from the moment it is registered until it goes. Called on the DNS hot
 * path from many threads: answer from the snapshot in the query, never block.
 */
@ConsumerType
public interface ZoneProvider {

    /**
     * The zone apexes this provider owns. A name without a trailing dot is relative to the
     * origin ({@code services} is {@code services.haystack}); with a trailing dot it is
     * absolute ({@code in-addr.arpa.}).
     */
    List<String> zones();

    /**
     * The absolute apex of one of {@link #zones()}, lower case without the trailing dot:
     * {@code services} under origin {@code haystack} is {@code services.haystack};
     * {@code in-addr.arpa.} is {@code in-addr.arpa}.
     *
     * @since 1.1
     */
    static String apex(String zone, String origin) {
        String z = zone.toLowerCase(java.util.Locale.ROOT);
        return z.endsWith(".") ? z.substring(0, z.length() - 1) : z + "." + origin;
    }

    /**
     * Whether this provider answers for every name under its absolute zone {@code apex}
     * (a name it does not hold is NXDOMAIN, with the zone's SOA), as a service domain such
     * as {@code service.consul} must; rather than only for the names it holds, the rest
     * being the upstreams' (the reverse zones under {@code in-addr.arpa}). Zones under the
     * origin are always answered whole.
     *
     * @param apex one of {@link #zones()} as {@link #apex(String, String)} gives it
     * @since 1.2
     */
    default boolean answersWholeZone(String apex) {
        return false;
    }

    /** What the zone holds at {@code query.name()}, a name at or below one of {@link #zones()}. */
    ZoneAnswer lookup(ZoneQuery query);
}
