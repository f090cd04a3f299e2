package haystack.api.zone;

import java.util.List;

/**
 * What a zone holds at one name: whether the name exists (so the server can tell
 * NXDOMAIN from NODATA, RFC 2308 §1) and every record it owns, of every type. The DNS
 * server picks the type asked for and fills the additional section itself.
 */
public record ZoneAnswer(boolean exists, List<ResourceRecord> records) {

    private static final ZoneAnswer NXDOMAIN = new ZoneAnswer(false, List.of());
    private static final ZoneAnswer EMPTY_NON_TERMINAL = new ZoneAnswer(true, List.of());

    public ZoneAnswer {
        records = List.copyOf(records);
        if (!exists && !records.isEmpty()) {
            throw new IllegalArgumentException("a name that does not exist has no records");
        }
    }

    /** The name does not exist in the zone. */
    public static ZoneAnswer nxdomain() {
        return NXDOMAIN;
    }

    /** The name exists but owns no records (for example {@code _tcp.nginx.services.haystack}). */
    public static ZoneAnswer emptyNonTerminal() {
        return EMPTY_NON_TERMINAL;
    }

    public static ZoneAnswer of(List<ResourceRecord> records) {
        return records.isEmpty() ? EMPTY_NON_TERMINAL : new ZoneAnswer(true, records);
    }
}
