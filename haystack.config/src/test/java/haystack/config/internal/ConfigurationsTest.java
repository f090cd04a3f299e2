package haystack.config.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationsTest {

    private static Map<String, Hashtable<String, Object>> compute(Map<String, String> env, Path dir) {
        return Configurations.compute(env::get, dir);
    }

    @Test
    void everyPidGetsAConfigurationEvenWithAnEmptyEnvironment() {
        Map<String, Hashtable<String, Object>> c = compute(Map.of(), null);
        assertEquals(Settings.pids(), c.keySet());
        assertTrue(c.get("haystack.dns").isEmpty());
    }

    @Test
    void environmentValuesAreTypedAndFanOut() {
        Map<String, Hashtable<String, Object>> c = compute(Map.of(
                "HAYSTACK_DNS_PORT", "5353",
                "HAYSTACK_ORIGIN", "Example.",
                "DOCKER_HOST", "unix:///var/run/docker.sock, tcp://10.0.0.1:2376",
                "DNS_NAMESERVERS", "127.0.0.1:5300,[::1]:53,9.9.9.9",
                "HAYSTACK_TRACE", "1",
                "HAYSTACK_SELF_CONTAINER", " /haystack "), null);
        assertEquals(5353, c.get("haystack.dns").get("port"));
        assertEquals("example", c.get("haystack.dns").get("origin"));
        assertEquals("example", c.get("haystack.lb").get("origin"));
        assertArrayEquals(new String[] { "unix:///var/run/docker.sock", "tcp://10.0.0.1:2376" }, (String[]) c.get("haystack.docker").get("hosts"));
        assertEquals(3, ((String[]) c.get("haystack.dns").get("nameservers")).length);
        assertEquals(true, c.get("haystack.trace").get("enabled"));
        assertEquals("haystack", c.get("haystack.docker").get("self.container"));
    }

    @Test
    void aBadValueNamesTheSettingTheValueAndWhatIsAllowed() {
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_PORT", "99999"), null));
        assertEquals("configuration error: HAYSTACK_DNS_PORT='99999' is not allowed; expected a port number 0-65535 (0 picks a free port)", e.getMessage());
        assertThrows(ConfigurationError.class, () -> compute(Map.of("DOCKER_HOST", "http://x"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_ADDRESS", "not-an-ip"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_ALLOW", "10.0.0.0/33"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_ORIGIN", "bad_origin"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_TRACE", "maybe"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("DOCKER_CA", "not pem"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("DNS_NAMESERVERS", "dns.example:53"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_SELF_CONTAINER", "my haystack"), null));
    }

    @Test
    void etcdSettingsAndDockerHostNoneAreReachableFromTheEnvironment() {
        Map<String, Hashtable<String, Object>> c = compute(Map.of("HAYSTACK_ETCD", "http://10.0.0.5:2379, http://127.0.0.1:2379/",
                "HAYSTACK_ETCD_PREFIX", "/sites/haystack/", "HAYSTACK_ETCD_TTL", "15", "HAYSTACK_NODE", "host-b.example",
                "DOCKER_HOST", " None ", "HAYSTACK_ETCD_SKYDNS", "HighHock.local."), null);
        Hashtable<String, Object> etcd = c.get("haystack.etcd");
        assertArrayEquals(new String[] { "http://10.0.0.5:2379", "http://127.0.0.1:2379/" }, (String[]) etcd.get("endpoints"));
        assertEquals("/sites/haystack", etcd.get("prefix"));
        assertEquals(15, etcd.get("ttl"));
        assertEquals("host-b.example", etcd.get("node"));
        assertEquals("highhock.local", etcd.get("skydns"));
        assertArrayEquals(new String[] { "none" }, (String[]) c.get("haystack.docker").get("hosts"));
        assertTrue(compute(Map.of(), null).get("haystack.etcd").isEmpty(), "off unless set");
        for (Map.Entry<String, String> bad : Map.of("HAYSTACK_ETCD", "https://10.0.0.5:2379", "HAYSTACK_ETCD_PREFIX", "haystack",
                "HAYSTACK_ETCD_TTL", "0", "HAYSTACK_NODE", "host b", "DOCKER_HOST", "none,unix:///var/run/docker.sock").entrySet()) {
            ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of(bad.getKey(), bad.getValue()), null), bad.toString());
            assertTrue(e.getMessage().contains(bad.getKey() + "='" + bad.getValue() + "'"), e.getMessage());
        }
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_ETCD", "http://etcd:2379/v3"), null));
    }

    @Test
    void serviceDomainsAreCheckedDnsNames() {
        Map<String, Hashtable<String, Object>> c = compute(Map.of("HAYSTACK_DNS_DOMAINS", "service.consul, HighHock.Local.,"), null);
        assertArrayEquals(new String[] { "service.consul", "highhock.local" }, (String[]) c.get("haystack.domains").get("domains"));
        assertArrayEquals(new String[] { "service.consul", "highhock.local" }, (String[]) c.get("haystack.lb").get("domains"));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_DOMAINS", "service.consul,bad_domain"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_DOMAINS", "a\u0000b.consul"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_DOMAINS", "x".repeat(64) + ".consul"), null));
    }

    @Test
    void dnsClientLimitsAreReachableFromTheEnvironment() {
        Map<String, Hashtable<String, Object>> c = compute(Map.of("HAYSTACK_DNS_TCP_MAX_CONNECTIONS", "256",
                "HAYSTACK_DNS_TCP_MAX_PER_CLIENT", "0", "HAYSTACK_DNS_TCP_IDLE_TIMEOUT", "5000",
                "HAYSTACK_DNS_UDP_MAX", "900", "HAYSTACK_DNS_RRL", "200", "HAYSTACK_DNS_RRL_SLIP", "3"), null);
        Hashtable<String, Object> dns = c.get("haystack.dns");
        assertEquals(256, dns.get("tcp.max.connections"));
        assertEquals(0, dns.get("tcp.max.per.client"));
        assertEquals(5000, dns.get("tcp.idle.timeout"));
        assertEquals(900, dns.get("udp.max"));
        assertEquals(200, dns.get("rrl"));
        assertEquals(3, dns.get("rrl.slip"));
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_UDP_MAX", "4096"), null));
        assertEquals("configuration error: HAYSTACK_DNS_UDP_MAX='4096' is not allowed; expected a DNS UDP answer size in bytes, 512-1232", e.getMessage());
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_TCP_MAX_CONNECTIONS", "0"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_TCP_IDLE_TIMEOUT", "0"), null));
    }

    @Test
    void secretsAreNeverEchoed() {
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of("DOCKER_KEY", "s3cret"), null));
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void filesOverrideTheEnvironmentPropertyByProperty(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("haystack.dns.cfg"), "port=5354\nrecursion.timeout=2000\n");
        Map<String, Hashtable<String, Object>> c = compute(Map.of("HAYSTACK_DNS_PORT", "5353", "HAYSTACK_DNS_TTL", "9"), dir);
        assertEquals(5354, c.get("haystack.dns").get("port"));
        assertEquals(9, c.get("haystack.dns").get("ttl"));
        assertEquals("2000", c.get("haystack.dns").get("recursion.timeout"));
    }

    @Test
    void aBadValueInAFileNamesTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("haystack.lb.cfg"), "http.port=eighty\n");
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of(), dir));
        assertTrue(e.getMessage().startsWith("configuration error: haystack.lb.cfg http.port='eighty'"), e.getMessage());
    }

    @Test
    void valuesAComponentWouldRefuseAreRefusedHere() {
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_LB_MAX_CONNECTIONS", "0"), null));
        assertEquals("configuration error: HAYSTACK_LB_MAX_CONNECTIONS='0' is not allowed; expected a whole number, 1 or more", e.getMessage());
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_LB_IO_THREADS", "1000"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_WORKERS", "0"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_ADMIN_USER", "a:b", "HAYSTACK_ADMIN_PASSWORD", "x"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("DOCKER_HOST", " "), null));
        Map<String, Hashtable<String, Object>> c = compute(Map.of("HAYSTACK_LB_MAX_HEADER_SIZE", "8192", "HAYSTACK_LB_PASSIVE_FAILURES", "5",
                "HAYSTACK_LB_PASSIVE_PROBE_INTERVAL", "250", "HAYSTACK_DNS_WORKERS", "4", "HAYSTACK_DNS_FORWARD_TIMEOUT", "1500"), null);
        assertEquals(8192, c.get("haystack.lb").get("max.header.size"));
        assertEquals(5, c.get("haystack.lb").get("passive.failures"));
        assertEquals(250, c.get("haystack.lb").get("passive.probe.interval"));
        assertEquals(4, c.get("haystack.dns").get("workers"));
        assertEquals(1500, c.get("haystack.dns").get("forward.timeout"));
    }

    @Test
    void twoListenersOnOnePortAndAddressContradictEachOther(@TempDir Path dir) throws Exception {
        ConfigurationError e = assertThrows(ConfigurationError.class,
                () -> compute(Map.of("HAYSTACK_HTTP_PORT", "8080"), null));
        assertEquals("configuration error: HAYSTACK_HTTP_ALT_PORT='8080' is not allowed; expected a port no other listener uses "
                + "on the same address (HAYSTACK_HTTP_PORT is 8080 too)", e.getMessage());
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_ADMIN_PORT", "2222", "HAYSTACK_SSH_PORT", "2222"), null));
        assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_DNS_PORT", "1936"), null), "DNS over TCP and the admin default");
        // port 0 picks a free port for each; distinct addresses may share a port
        compute(Map.of("HAYSTACK_HTTP_PORT", "0", "HAYSTACK_HTTP_ALT_PORT", "0", "HAYSTACK_ADMIN_PORT", "0"), null);
        compute(Map.of("HAYSTACK_ADMIN_PORT", "80", "HAYSTACK_ADMIN_BIND", "127.0.0.1", "HAYSTACK_HTTP_BIND", "10.0.0.1"), null);
        assertThrows(ConfigurationError.class,
                () -> compute(Map.of("HAYSTACK_ADMIN_PORT", "80", "HAYSTACK_ADMIN_BIND", "127.0.0.1"), null), "0.0.0.0 covers 127.0.0.1");
        // a file takes part like the environment
        Files.writeString(dir.resolve("haystack.ssh.cfg"), "port=8080\n");
        e = assertThrows(ConfigurationError.class, () -> compute(Map.of(), dir));
        assertTrue(e.getMessage().contains("HAYSTACK_SSH_PORT='8080'"), e.getMessage());
    }

    @Test
    void anAdminUserWithoutAPasswordOrTheReverseContradict() {
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_ADMIN_USER", "admin"), null));
        assertEquals("configuration error: HAYSTACK_ADMIN_PASSWORD='' is not allowed; expected a password when HAYSTACK_ADMIN_USER is set (or neither)",
                e.getMessage());
        e = assertThrows(ConfigurationError.class, () -> compute(Map.of("HAYSTACK_ADMIN_PASSWORD", "s3cret"), null));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertTrue(e.getMessage().startsWith("configuration error: HAYSTACK_ADMIN_USER=''"), e.getMessage());
        compute(Map.of("HAYSTACK_ADMIN_USER", "admin", "HAYSTACK_ADMIN_PASSWORD", "s3cret"), null);
    }

    @Test
    void aTlsClientIdentityIsGivenWholeOrNotAtAll() {
        String pem = "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n";
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of("DOCKER_CA", pem, "DOCKER_CERT", pem), null));
        assertEquals("configuration error: DOCKER_KEY='' is not allowed; expected PEM contents when any of DOCKER_CA, DOCKER_CERT, "
                + "DOCKER_KEY is set (all three or none)", e.getMessage());
    }

    @Test
    void aConfigDirectoryThatIsAFileOrUnreadableStopsAndOneThatIsAbsentIsEnvironmentOnly(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("conf"), "port=1\n");
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> compute(Map.of(), file));
        assertEquals("configuration error: HAYSTACK_CONFIG_DIR='" + file + " (not a directory)' is not allowed; expected a readable directory "
                + "of <pid>.cfg files, or a path where nothing is (environment only)", e.getMessage());
        assertEquals(Settings.pids(), compute(Map.of(), dir.resolve("absent")).keySet());
        Path locked = Files.createDirectory(dir.resolve("locked"));
        locked.toFile().setReadable(false);
        locked.toFile().setExecutable(false);
        try {
            if (!Files.isReadable(locked)) { // root reads anything
                e = assertThrows(ConfigurationError.class, () -> compute(Map.of(), locked));
                assertTrue(e.getMessage().contains("(not readable)"), e.getMessage());
            }
        } finally {
            locked.toFile().setReadable(true);
            locked.toFile().setExecutable(true);
        }
    }

    @Test
    void anUnknownKeyOrFileIsWarnedInOneLineNamingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("haystack.lb.cfg"), "max.conections=10\nretries=2\n");
        Files.writeString(dir.resolve("haystack.lbb.cfg"), "retries=2\n");
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        Map<String, Hashtable<String, Object>> c;
        try {
            c = compute(Map.of(), dir);
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, c.get("haystack.lb").get("retries"));
        assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("file=" + dir.resolve("haystack.lb.cfg")) && l.contains("key=max.conections")), log);
        assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("file=" + dir.resolve("haystack.lbb.cfg"))), log);
        assertTrue(log.lines().noneMatch(l -> l.contains("key=retries")), log);
    }
}
