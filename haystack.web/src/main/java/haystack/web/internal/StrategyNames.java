package haystack.web.internal;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.StrategyCatalog;

/**
 * The strategy a service's requests get, by its real name, and why: a runtime choice, the
 * service's label, or the default. Mirrors the load balancer's rule (an unknown name falls
 * back to {@value BalancingStrategy#DEFAULT_NAME}).
 */
final class StrategyNames {

    record Choice(String name, String why) {
    }

    private StrategyNames() {
    }

    /** @param label the service's haystack.strategy label, or null; @param catalog null when no load balancer runs */
    static Choice of(String service, String label, StrategyCatalog catalog) {
        if (catalog == null) {
            return new Choice(label == null ? BalancingStrategy.DEFAULT_NAME : label, "no load balancer installed");
        }
        String chosen = catalog.overrides().get(service);
        if (chosen != null) {
            return catalog.names().contains(chosen) ? new Choice(chosen, "chosen at runtime")
                    : new Choice(BalancingStrategy.DEFAULT_NAME, "chosen at runtime: " + chosen + " is not installed");
        }
        if (label != null) {
            return catalog.names().contains(label) ? new Choice(label, "label haystack.strategy")
                    : new Choice(BalancingStrategy.DEFAULT_NAME, "label haystack.strategy: " + label + " is not installed");
        }
        return new Choice(BalancingStrategy.DEFAULT_NAME, "default");
    }
}
