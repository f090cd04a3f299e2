package haystack.dns.internal.zones;

import haystack.api.RegistrySnapshot;

/** A zone that marks its names in its {@link NameChanges} whenever their answers change. */
public interface TrackedZone {

    /** Brings the zone's names to {@code snapshot} under {@code origin}, marking what changes. */
    void advance(RegistrySnapshot snapshot, String origin);

    /** The marks of this zone's names. */
    NameChanges changes();
}
