package haystack.dns.internal;

import java.util.Locale;

import org.xbill.DNS.Name;

/** Domain names as zone providers see them: absolute, lower case, no trailing dot (RFC 4343: case-insensitive). */
final class Names {

    private Names() {
    }

    static String key(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }
}
