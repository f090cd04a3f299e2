package haystack.api.zone;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Asks Haystack's DNS server what it answers for a name it owns, without sending a packet:
 * the same zone selection (the longest zone apex the name ends with), the same records,
 * rcode and authority section as a query over the wire gets. Published by the DNS bundle
 * while it runs; the console's {@code haystack:dns} asks it.
 *
 * @since 1.2
 */
@ProviderType
public interface ZoneLookup {

    /**
     * The server's answer to a query for {@code name} (absolute, with or without the
     * trailing dot, any case) of record type {@code type} (a {@link RecordTypes} code or
     * any other data type, {@link RecordTypes#ANY} included), class IN.
     *
     * @throws IllegalArgumentException if {@code name} is not a domain name or
     *         {@code type} is not a data type (a meta type such as AXFR or OPT)
     */
    LookupResult lookup(String name, int type);
}
