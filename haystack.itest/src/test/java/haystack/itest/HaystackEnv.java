package haystack.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment a Haystack under test starts with, in one place: every listener on a
 * free port with data and config under the test's directory ({@link Ports#allFree}), then
 * what the test sets on top.
 */
public final class HaystackEnv {

    private static final String LOOPBACK = "127.0.0.1";

    private final Map<String, String> env;

    private HaystackEnv(Map<String, String> env) {
        this.env = new HashMap<>(env);
    }

    /** Every listener on a free port (0: the test reads the port from its start line), data and config under {@code dir}. */
    public static HaystackEnv under(Path dir) {
        return new HaystackEnv(Ports.allFree(dir));
    }

    /** The HTTP(S), DNS and admin listeners bound to 127.0.0.1 only, so a test is never reachable from outside. */
    public HaystackEnv loopbackListeners() {
        return set("HAYSTACK_HTTP_BIND", LOOPBACK).set("HAYSTACK_DNS_BIND", LOOPBACK).set("HAYSTACK_ADMIN_BIND", LOOPBACK);
    }

    /** {@link #loopbackListeners()}, and 127.0.0.1 in the services' A records (clients go to the loopback balancer). */
    public HaystackEnv loopback() {
        return loopbackListeners().advertise(LOOPBACK);
    }

    /** {@code address} in the services' A records (HAYSTACK_ADDRESS). */
    public HaystackEnv advertise(String address) {
        return set("HAYSTACK_ADDRESS", address);
    }

    /** {@code listener}'s port, e.g. {@code port("DNS", 5300)} for HAYSTACK_DNS_PORT. */
    public HaystackEnv port(String listener, int port) {
        return set("HAYSTACK_" + listener + "_PORT", String.valueOf(port));
    }

    /** SSH on {@code port}, letting in the holder of {@code key}. */
    public HaystackEnv ssh(int port, Path key) throws IOException {
        return port("SSH", port).authorize(key);
    }

    /** SSH lets in the holder of {@code key} (ssh-keygen's private key; its {@code .pub} beside it). */
    public HaystackEnv authorize(Path key) throws IOException {
        return set("HAYSTACK_SSH_AUTHORIZED_KEYS", Files.readString(Path.of(key + ".pub")).trim());
    }

    public HaystackEnv set(String name, String value) {
        env.put(name, value);
        return this;
    }

    public HaystackEnv setAll(Map<String, String> more) {
        env.putAll(more);
        return this;
    }

    /** The environment, a copy the caller may change. */
    public Map<String, String> map() {
        return new HashMap<>(env);
    }
}
