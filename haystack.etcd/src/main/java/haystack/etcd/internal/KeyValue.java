package haystack.etcd.internal;

/** One key of etcd as the gateway gives it, key and value decoded from base64 (value as UTF-8). */
record KeyValue(String key, String value, long modRevision, long lease) {
}
