package haystack.itest.hotswap;

import java.io.IOException;
import java.nio.file.Path;

import haystack.itest.ComponentBundle;
import haystack.itest.hotswap.strategy.FirstStrategy;

/** Packages {@link FirstStrategy} as a Declarative Services bundle named "first", importing haystack.api only. */
final class StrategyBundle {

    static final String NAME = "first";
    static final String SYMBOLIC_NAME = "haystack.example.first";

    private StrategyBundle() {
    }

    static Path write(Path dir) throws IOException {
        return ComponentBundle.write(dir, SYMBOLIC_NAME, FirstStrategy.class,
                "haystack.api.strategy;version=\"[1.0,2)\"", "haystack.api.strategy.BalancingStrategy",
                "  <property name=\"haystack.strategy\" type=\"String\" value=\"" + NAME + "\"/>\n");
    }
}
