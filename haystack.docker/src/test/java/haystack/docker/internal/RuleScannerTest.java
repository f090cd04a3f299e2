package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Traefik rules: what Haystack reads, and every hostile shape refused with a complaint. */
class RuleScannerTest {

    private final List<String> complaints = new ArrayList<>();
    private final Set<String> hosts = new LinkedHashSet<>();
    private final List<String> paths = new ArrayList<>();

    private void rule(String rule) {
        TraefikLabels.rule("traefik.http.routers.r.rule", rule, hosts, paths, (k, v, why) -> complaints.add(v + " | " + why));
    }

    @Test
    void hostsAndPathPrefixesJoinedByOr() {
        rule("Host(`a.example.com`, `B.example.com`) || PathPrefix(`/api/`) || (Host(\"c.example.com\"))");
        assertEquals(Set.of("a.example.com", "b.example.com", "c.example.com"), hosts);
        assertEquals(List.of("/api"), paths);
        assertEquals(List.of(), complaints);
    }

    @Test
    void outerParenthesesAreUnwrapped() {
        rule("((Host(`a.example.com`)))");
        assertEquals(Set.of("a.example.com"), hosts);
        assertEquals(List.of(), complaints);
    }

    @Test
    void unbalancedParenthesesRejectTheWholeRule() {
        for (String bad : List.of("Host(`a.example.com`", "Host(`a.example.com`))", ")(", "((Host(`a.b`)) || Host(`c.d`)",
                "Host(`a.example.com) || Host(`b.example.com`)")) {
            complaints.clear();
            rule(bad);
            assertEquals(1, complaints.size(), bad + " " + complaints);
            assertTrue(complaints.get(0).contains("rule not routed"), complaints.toString());
        }
        assertEquals(Set.of(), hosts, "nothing from a rejected rule is routed");
    }

    @Test
    void otherMatchersAndOperatorsAreLoggedAsUnsupported() {
        rule("Host(`a.example.com`) && PathPrefix(`/x`) || Host(`b.example.com`) || !Host(`c.example.com`)"
                + " || Path(`/exact`) || HostRegexp(`{any:.*}`) || Headers(`X`, `y`) || Host(a.example.com) || Host()");
        assertEquals(Set.of("b.example.com"), hosts, "a conjunction is never widened to one of its parts");
        assertEquals(7, complaints.size(), complaints.toString());
        assertTrue(complaints.stream().allMatch(c -> c.contains("unsupported")), complaints.toString());
    }

    @Test
    void hostileArgumentsAreRefused() {
        rule("Host(`" + "a".repeat(64) + ".example.com`) || Host(`bad\u0000host.example.com`) || Host(`*.example.com`)"
                + " || PathPrefix(`no-slash`) || PathPrefix(`/with space`) || PathPrefix(`/ctl\u0007`) || Host(`" + "ab.".repeat(90) + "com`)");
        assertEquals(Set.of(), hosts);
        assertEquals(List.of(), paths);
        assertEquals(7, complaints.size(), complaints.toString());
    }

    @Test
    void anOverlongRuleIsNotParsed() {
        rule("Host(`a.example.com`) || ".repeat(1000) + "Host(`b.example.com`)");
        assertEquals(Set.of(), hosts);
        assertEquals(1, complaints.size());
        assertTrue(complaints.get(0).contains("longer than"));
    }

    @Test
    void deepNestingIsBoundedByTheRuleLength() {
        rule("(".repeat(2100) + "Host(`a.example.com`)" + ")".repeat(2100));
        assertEquals(Set.of(), hosts, "over the length limit");
        complaints.clear();
        rule("(".repeat(500) + "Host(`a.example.com`)" + ")".repeat(500));
        assertEquals(Set.of("a.example.com"), hosts);
        assertEquals(List.of(), complaints);
    }

    @Test
    void matcherSyntax() {
        assertEquals(new RuleScanner.Matcher("Host", List.of("a", "b")), RuleScanner.matcher("Host(`a`,`b`)"));
        assertThrows(IllegalArgumentException.class, () -> RuleScanner.matcher("Host(`a` `b`)"));
        assertThrows(IllegalArgumentException.class, () -> RuleScanner.matcher("Host(`a`,)"));
        assertThrows(IllegalArgumentException.class, () -> RuleScanner.matcher("Host"));
        assertThrows(IllegalArgumentException.class, () -> RuleScanner.matcher("(`a`)"));
        assertThrows(IllegalArgumentException.class, () -> RuleScanner.disjuncts("Host(`a`) || Host(\"b)"));
    }
}
