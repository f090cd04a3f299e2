package haystack.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service told of every registry change, in order, on the registry's event
 * thread. On registration a listener first receives one change from the empty registry
 * to the current snapshot, so it never misses state that existed before it came.
 * Implementations return quickly; a listener that throws is logged and kept.
 */
@ConsumerType
public interface RegistryListener {

    void registryChanged(RegistryChange change);
}
