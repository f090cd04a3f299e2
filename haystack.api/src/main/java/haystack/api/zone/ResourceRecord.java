package haystack.api.zone;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * The records a zone provider can answer with, independent of any DNS library. Owner
 * and target names are absolute, lower case, without the trailing dot
 * ({@code nginx.services.haystack}). The DNS server applies the configured TTL.
 */
public sealed interface ResourceRecord {

    /** The owner name of the record. */
    String name();

    /** RFC 1035 TYPE code of the record. */
    int type();

    /** A (RFC 1035 §3.4.1) or AAAA (RFC 3596) record, by the address family. */
    record Address(String name, InetAddress address) implements ResourceRecord {
        public Address {
            Objects.requireNonNull(name);
            Objects.requireNonNull(address);
        }

        @Override
        public int type() {
            return address instanceof Inet6Address ? RecordTypes.AAAA : RecordTypes.A;
        }
    }

    /** SRV record (RFC 2782). */
    record Service(String name, int priority, int weight, int port, String target) implements ResourceRecord {
        public Service {
            Objects.requireNonNull(name);
            Objects.requireNonNull(target);
        }

        @Override
        public int type() {
            return RecordTypes.SRV;
        }
    }

    /** PTR record (RFC 1035 §3.3.12), used by the reverse zones. */
    record Pointer(String name, String target) implements ResourceRecord {
        public Pointer {
            Objects.requireNonNull(name);
            Objects.requireNonNull(target);
        }

        @Override
        public int type() {
            return RecordTypes.PTR;
        }
    }

    /** TXT record (RFC 1035 §3.3.14). */
    record Text(String name, List<String> strings) implements ResourceRecord {
        public Text {
            Objects.requireNonNull(name);
            strings = List.copyOf(strings);
        }

        @Override
        public int type() {
            return RecordTypes.TXT;
        }
    }
}
