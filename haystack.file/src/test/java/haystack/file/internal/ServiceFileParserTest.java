package haystack.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import haystack.api.HealthCheck;
import org.junit.jupiter.api.Test;

class ServiceFileParserTest {

    private final ServiceFileParser parser = new ServiceFileParser(4 * 1024 * 1024);

    private RejectedFile rejected(String text) {
        return assertThrows(RejectedFile.class, () -> parser.parse("web", text));
    }

    // --- hostile input first -------------------------------------------------------------

    @Test
    void aBillionLaughsIsRefusedByTheAliasLimitWithoutExpandingIt() {
        StringBuilder y = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [*").append(p);
            for (int i = 0; i < 8; i++) {
                y.append(",*").append(p);
            }
            y.append("]\n");
        }
        RejectedFile e = rejected(y.toString());
        assertTrue(e.reason().contains("aliases"), e.reason());
        assertEquals(7, e.line(), "line of the 51st alias of a list: the one past the limit");
    }

    @Test
    void aRecursiveAliasIsRefused() {
        RejectedFile e = rejected("endpoints: &e [10.0.0.1:80, *e]\n");
        assertEquals(1, e.line());
    }

    @Test
    void aliasesOfScalarsAreHarmlessAndAllowed() throws Exception {
        ServiceFile f = parser.parse("web", "port: &p http-alt\nstrategy: *p\nendpoints: [10.0.0.1:80]\n");
        assertEquals("http-alt", f.strategy());
    }

    @Test
    void deepNestingIsRefused() {
        RejectedFile e = rejected("endpoints: " + "[".repeat(100) + "]".repeat(100) + "\n");
        assertTrue(e.reason().toLowerCase().contains("nesting"), e.reason());
    }

    @Test
    void tooManyCodePointsIsRefused() {
        ServiceFileParser small = new ServiceFileParser(64);
        RejectedFile e = assertThrows(RejectedFile.class, () -> small.parse("web", "endpoints:\n" + "  - 10.0.0.1:80\n".repeat(20)));
        assertTrue(e.reason().contains("limit"), e.reason());
    }

    @Test
    void customAndLanguageTagsAreRefused() {
        assertTrue(rejected("endpoints: !!javax.script.ScriptEngineManager [10.0.0.1:80]\n").reason().contains("tag"));
        RejectedFile e = rejected("endpoints:\n  - !host 10.0.0.1:80\n");
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("tag '!host'"), e.reason());
    }

    @Test
    void mergeKeysAreRefused() {
        assertTrue(rejected("base: &b {port: http}\n<<: *b\nendpoints: [10.0.0.1:80]\n").line() >= 1);
    }

    @Test
    void controlCharactersAreRefusedWithTheirLine() {
        RejectedFile e = rejected("endpoints:\n  - 10.0.0.1:80\n  - \u0000\u0001\u0002\n");
        assertEquals(3, e.line());
        assertTrue(e.reason().contains("U+0000"), e.reason());
    }

    @Test
    void brokenYamlNamesItsLine() {
        RejectedFile e = rejected("endpoints:\n  - 10.0.0.1:80\n  - [unclosed\nport: http\n");
        assertTrue(e.line() >= 3, "line " + e.line() + " " + e.reason());
    }

    @Test
    void aPortOutOfRangeIsRefusedWithItsLine() {
        RejectedFile e = rejected("endpoints:\n  - 10.0.0.1:80\n  - 10.0.0.2:65536\n");
        assertEquals(3, e.line());
        assertTrue(e.reason().contains("65536"), e.reason());
        assertEquals(2, rejected("endpoints:\n  - 10.0.0.1:0\n").line());
    }

    @Test
    void whatIsNotAddressColonPortIsRefused() {
        for (String bad : List.of("10.0.0.1", "10.0.0.1:", ":80", "10.0.0.256:80", "10.0.0:80", "fd00::1:80", "[fd00::1%eth0]:80",
                "[nope]:80", "10.0.0.1:8o", "10.0.0.1:-1", "01.2.3.4.5:80", "10.0.0.1:123456")) {
            RejectedFile e = rejected("endpoints:\n  - \"" + bad + "\"\n");
            assertEquals(2, e.line(), bad);
            assertTrue(e.reason().startsWith("endpoint "), bad + ": " + e.reason());
        }
    }

    @Test
    void hostNamesAreNotResolved() {
        RejectedFile e = rejected("endpoints: [db1.example.com:5432]\n");
        assertTrue(e.reason().contains("host names are not resolved"), e.reason());
    }

    @Test
    void aBadEndpointRejectsTheWholeFile() {
        RejectedFile e = rejected("endpoints:\n  - 10.0.0.1:80\n  - 10.0.0.2:80\n  - nothing\n");
        assertEquals(4, e.line());
    }

    @Test
    void unknownAndDuplicateKeysAreRefused() {
        RejectedFile typo = rejected("endpoint:\n  - 10.0.0.1:80\n");
        assertEquals(1, typo.line());
        assertTrue(typo.reason().contains("unknown key 'endpoint'"), typo.reason());
        RejectedFile twice = rejected("endpoints: [10.0.0.1:80]\nport: http\nport: http-alt\n");
        assertEquals(3, twice.line());
        assertTrue(twice.reason().contains("duplicate key 'port'"), twice.reason());
        assertEquals(3, rejected("endpoints: [10.0.0.1:80]\nhealth:\n  timeout: 2s\n").line());
    }

    @Test
    void wrongShapesAreRefused() {
        assertTrue(rejected("").reason().contains("empty"));
        assertTrue(rejected("# only a comment\n").reason().contains("empty"));
        assertTrue(rejected("- 10.0.0.1:80\n").reason().contains("mapping"));
        assertTrue(rejected("endpoints: 10.0.0.1:80\n").reason().contains("list"));
        assertTrue(rejected("endpoints: [[10.0.0.1:80]]\n").reason().contains("single value"));
        assertTrue(rejected("port: http\n").reason().contains("no 'endpoints'"));
        assertTrue(rejected("endpoints: [10.0.0.1:80]\nport: HTTP Alt\n").reason().contains("port"));
        assertTrue(rejected("endpoints: [10.0.0.1:80]\nport:\n").reason().contains("empty"));
        assertTrue(rejected("endpoints: [10.0.0.1:80]\n---\nendpoints: [10.0.0.2:80]\n").line() >= 1);
        assertTrue(rejected("endpoints: [10.0.0.1:80, 10.0.0.1:80]\n").reason().contains("twice"));
        assertTrue(rejected("endpoints: [10.0.0.1:80]\naliases: [\"bad host\"]\n").reason().contains("alias"));
        assertTrue(rejected("endpoints: [10.0.0.1:80]\nhealth: {path: healthz}\n").reason().contains("health.path"));
        assertTrue(rejected("endpoints: [10.0.0.1:80]\nhealth: {interval: 10ms}\n").reason().contains("health.interval"));
        assertTrue(rejected("endpoints: [10.0.0.1:80]\nhealth: {interval: forever}\n").reason().contains("health.interval"));
        assertTrue(rejected("endpoints: [10.0.0.1:80]\nhealth: {interval: 99999999999999999999s}\n").reason().contains("health.interval"));
    }

    // --- what a file says ---------------------------------------------------------------

    @Test
    void theSpecExampleReadsAsWritten() throws Exception {
        ServiceFile f = parser.parse("web", """
                endpoints:            # host:port, [v6]:port
                  - 10.0.0.7:8080
                  - 10.0.0.8:8080
                  - "[fd00::7]:8080"
                port: http            # port name (default http); http-alt goes to 8080
                strategy: round-robin # optional, any installed strategy
                health: {path: /healthz, interval: 2s}   # optional
                aliases: [www.example.com, Shop.Example.com.]  # optional
                """);
        assertEquals(List.of("10.0.0.7:8080", "10.0.0.8:8080", "[fd00:0:0:0:0:0:0:7]:8080"), f.endpoints().stream().map(HostPort::toString).toList());
        assertEquals("http", f.portName());
        assertEquals("round-robin", f.strategy());
        assertEquals(new HealthCheck("/healthz", Duration.ofSeconds(2), HealthCheck.DEFAULT_RISE, HealthCheck.DEFAULT_FALL), f.healthCheck());
        assertEquals(Set.of("www.example.com", "shop.example.com"), f.aliases());
    }

    @Test
    void defaults() throws Exception {
        ServiceFile f = parser.parse("web", "endpoints: [127.0.0.1:9000]\n");
        assertEquals("http", f.portName());
        assertNull(f.strategy());
        assertNull(f.healthCheck());
        assertEquals(Set.of(), f.aliases());
        assertEquals(List.of(), parser.parse("web", "endpoints: []\n").endpoints());
    }

    @Test
    void healthWithoutAPathIsATcpCheckAndIntervalsHaveUnits() throws Exception {
        assertEquals(new HealthCheck(null, Duration.ofMillis(500), HealthCheck.DEFAULT_RISE, HealthCheck.DEFAULT_FALL),
                parser.parse("web", "endpoints: [10.0.0.1:80]\nhealth: {interval: 500ms}\n").healthCheck());
        assertEquals(Duration.ofSeconds(5), parser.parse("web", "endpoints: [10.0.0.1:80]\nhealth: {interval: 5}\n").healthCheck().interval());
        assertEquals(Duration.ofMinutes(1), parser.parse("web", "endpoints: [10.0.0.1:80]\nhealth: {interval: 1m}\n").healthCheck().interval());
        assertEquals(HealthCheck.http("/up"), parser.parse("web", "endpoints: [10.0.0.1:80]\nhealth: {path: /up}\n").healthCheck());
    }
}
