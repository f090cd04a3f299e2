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
}
