package haystack.api.strategy;

import java.util.Map;
import java.util.SortedSet;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The load balancer's view of the installed {@link BalancingStrategy} services and the
 * strategies chosen for services at runtime (the shell's {@code haystack:strategy}).
 * A runtime choice wins over the service's {@value BalancingStrategy#NAME_PROPERTY} label.
 */
@ProviderType
public interface StrategyCatalog {

    /** Names of the strategies installed now, sorted. */
    SortedSet<String> names();

    /** Runtime choices: qualified service name ({@code web.nginx}) to strategy name. */
    Map<String, String> overrides();

    /**
     * Chooses {@code strategy} for {@code service} from now on, or clears the runtime
     * choice when {@code strategy} is null (the label, else the default, applies again).
     *
     * @throws IllegalArgumentException if no strategy of that name is installed
     */
    void choose(String service, String strategy);
}
