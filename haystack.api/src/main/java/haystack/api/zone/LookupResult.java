package haystack.api.zone;

import java.util.List;
import java.util.Objects;

/**
 * What Haystack's DNS server answers for one question. {@code owned} false means the name
 * is in none of Haystack's zones: the server would forward it to the upstreams (for
 * clients allowed to recurse) and the other fields are empty. {@code zone} is the zone whose
 * SOA the server cites (the origin for every name under it). Records are in DNS
 * presentation format, names absolute with the trailing dot, as {@code dig} shows them.
 *
 * @since 1.2
 */
public record LookupResult(String name, String type, boolean owned, int rcode, String zone,
        List<Entry> answer, List<Entry> authority, List<Entry> additional) {

    /** RFC 1035 §4.1.1 response codes the server answers owned names with. */
    public static final int NOERROR = 0;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int REFUSED = 5;

    /** One resource record: owner, TTL, type mnemonic ({@code A}, {@code SRV}) and RDATA text. */
    public record Entry(String name, long ttl, String type, String data) {
        public Entry {
            Objects.requireNonNull(name);
            Objects.requireNonNull(type);
            Objects.requireNonNull(data);
        }
    }

    public LookupResult {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        zone = zone == null ? "" : zone;
        answer = List.copyOf(answer);
        authority = List.copyOf(authority);
        additional = List.copyOf(additional);
    }

    /** A name outside every zone Haystack serves. */
    public static LookupResult notOwned(String name, String type) {
        return new LookupResult(name, type, false, NOERROR, "", List.of(), List.of(), List.of());
    }

    /** The rcode's mnemonic: NOERROR, NXDOMAIN, ... */
    public String rcodeName() {
        return switch (rcode) {
            case NOERROR -> "NOERROR";
            case 1 -> "FORMERR";
            case SERVFAIL -> "SERVFAIL";
            case NXDOMAIN -> "NXDOMAIN";
            case 4 -> "NOTIMP";
            case REFUSED -> "REFUSED";
            default -> "RCODE" + rcode;
        };
    }
}
