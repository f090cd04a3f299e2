package haystack.api;

import java.util.List;

/**
 * One step of the registry: the snapshots before and after, and the endpoints added,
 * removed and updated (same id, something else changed; the new value is listed).
 */
public record RegistryChange(RegistrySnapshot previous, RegistrySnapshot current,
        List<Endpoint> added, List<Endpoint> removed, List<Endpoint> updated) {

    public RegistryChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        updated = List.copyOf(updated);
    }

    /** Whether this change made the registry ready ({@link RegistrySnapshot#ready()}). @since 1.2 */
    public boolean becameReady() {
        return current.ready() && !previous.ready();
    }

    /** No endpoint added, removed or updated (the registry may have become ready). */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && updated.isEmpty();
    }
}
