package haystack.docker.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers which bad metadata values were logged, so each (container, key, value) is
 * logged once however often the container is re-read. Bounded: the oldest are forgotten.
 */
public final class MetadataWarnings {

    private static final int LIMIT = 4096;

    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > LIMIT;
        }
    };

    /** True the first time this value of this key of this container is reported. */
    public synchronized boolean first(String containerId, String key, String value) {
        return seen.put(containerId + '\u0000' + key + '\u0000' + value, Boolean.TRUE) == null;
    }
}
