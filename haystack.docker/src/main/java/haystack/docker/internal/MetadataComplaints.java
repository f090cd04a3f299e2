package haystack.docker.internal;

/**
 * Where a metadata parser says it could not use a value as written: the key, the value,
 * and what it did instead. {@link ContainerMetadata} logs each once per container.
 */
@FunctionalInterface
interface MetadataComplaints {

    void complain(String key, String value, String instead);
}
