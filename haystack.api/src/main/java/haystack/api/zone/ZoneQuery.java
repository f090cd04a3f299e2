package haystack.api.zone;

import java.util.Objects;

import haystack.api.RegistrySnapshot;

/**
 * A lookup of one name in a zone: the name (absolute, lower case, no trailing dot), the
 * origin (for example {@code haystack}) and the registry snapshot to answer from, taken
 * once per DNS query so every provider sees the same moment.
 */
public record ZoneQuery(String name, String origin, RegistrySnapshot registry) {
    public ZoneQuery {
        Objects.requireNonNull(name);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(registry);
    }
}
