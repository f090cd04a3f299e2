package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** Each kind of bad setting is refused with the setting's name and value. */
class LbSettingsTest {

    private static void refused(String setting, Consumer<TestConfig> change) {
        TestConfig c = new TestConfig();
        c.httpPort = 80;
        c.httpAltPort = 8080;
        change.accept(c);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LbSettings.validate(c));
        assertTrue(e.getMessage().startsWith(setting), e.getMessage());
    }

    @Test
    void defaultsAreValid() {
        TestConfig c = new TestConfig();
        c.httpPort = 80;
        c.httpAltPort = 8080;
        assertDoesNotThrow(() -> LbSettings.validate(c));
    }

    @Test
    void portsOutOfRangeOrEqualAreRefused() {
        refused("http.port", c -> c.httpPort = 70000);
        refused("http.alt.port", c -> c.httpAltPort = -1);
        refused("http.port and http.alt.port", c -> c.httpAltPort = 80);
        refused("https.port", c -> c.httpsPort = 65536);
        refused("https.port is 8080, as http.port or http.alt.port", c -> c.httpsPort = 8080);
    }

    @Test
    void timeoutsAndLimitsMustBePositive() {
        refused("connect.timeout", c -> c.connectTimeout = 0);
        refused("idle.timeout", c -> c.idleTimeout = -5);
        refused("passive.failures", c -> c.passiveFailures = 0);
        refused("passive.probe.interval", c -> c.passiveProbeInterval = 0);
        refused("tcp.idle.timeout", c -> c.tcpIdleTimeout = 0);
    }
}
