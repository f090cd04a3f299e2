package haystack.lb.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import haystack.api.strategy.BalancingStrategy;
import haystack.lb.internal.strategy.RandomStrategy;
import haystack.lb.internal.strategy.RoundRobinStrategy;
import org.junit.jupiter.api.Test;

class StrategyCatalogImplTest {

    private final StrategyCatalogImpl catalog = new StrategyCatalogImpl();
    private final BalancingStrategy roundRobin = new RoundRobinStrategy();
    private final BalancingStrategy random = new RandomStrategy();

    private static Map<String, Object> named(String name) {
        return Map.of(BalancingStrategy.NAME_PROPERTY, name);
    }

    @Test
    void runtimeChoiceWinsOverLabelWhichWinsOverDefault() {
        catalog.addStrategy(roundRobin, named("round-robin"));
        catalog.addStrategy(random, named("random"));
        assertSame(roundRobin, catalog.strategyFor("web.nginx", null));
        assertSame(random, catalog.strategyFor("web.nginx", "random"));
        catalog.choose("web.nginx", "round-robin");
        assertSame(roundRobin, catalog.strategyFor("web.nginx", "random"));
        assertEquals(Map.of("web.nginx", "round-robin"), catalog.overrides());
        catalog.choose("web.nginx", null);
        assertSame(random, catalog.strategyFor("web.nginx", "random"));
        assertTrue(catalog.overrides().isEmpty());
    }

    @Test
    void aStrategyThatLeavesFallsBackToRoundRobin() {
        catalog.addStrategy(random, named("random"));
        assertSame(random, catalog.strategyFor("svc", "random"));
        catalog.removeStrategy(random, named("random"));
        assertSame(StrategyCatalogImpl.FALLBACK, catalog.strategyFor("svc", "random"));
        assertEquals(Set.of(), catalog.names());
    }

    @Test
    void theLatestOfTwoSameNamedStrategiesWinsAndTheEarlierReturnsWhenItGoes() {
        catalog.addStrategy(roundRobin, named("mine"));
        catalog.addStrategy(random, named("mine"));
        assertSame(random, catalog.strategyFor("svc", "mine"));
        catalog.removeStrategy(random, named("mine"));
        assertSame(roundRobin, catalog.strategyFor("svc", "mine"));
    }

    @Test
    void choosingAStrategyThatIsNotInstalledIsRefused() {
        catalog.addStrategy(roundRobin, named("round-robin"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog.choose("svc", "nope"));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("round-robin"), e.getMessage());
    }

    @Test
    void choosingForAnEmptyServiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> catalog.choose(" ", "round-robin"));
    }

    @Test
    void aStrategyWithoutNameIsIgnored() {
        catalog.addStrategy(random, Map.of());
        assertTrue(catalog.names().isEmpty());
    }
}
