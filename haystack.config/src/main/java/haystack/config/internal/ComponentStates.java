package haystack.config.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * What Declarative Services says of Haystack's own components at one moment, reduced to
 * what start-up needs to know: did one fail to activate (a port that cannot be bound),
 * is one still on its way (configuration not delivered yet, an immediate component not
 * active yet), or is everything up.
 */
final class ComponentStates {

    /** A component configuration that failed to activate, and why, in one line. */
    record Failure(long id, String component, String reason) {
    }

    private final List<Failure> failures = new ArrayList<>();
    private final List<String> pending = new ArrayList<>();

    private ComponentStates() {
    }

    /** @param writtenPids the PIDs that get a configuration (components requiring one of them wait for it) */
    static ComponentStates of(ServiceComponentRuntime scr, Set<String> writtenPids) {
        ComponentStates states = new ComponentStates();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.bundle == null || d.bundle.symbolicName == null || !d.bundle.symbolicName.startsWith("haystack.")
                    || !scr.isComponentEnabled(d)) {
                continue;
            }
            Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(d);
            boolean awaitsConfiguration = "require".equals(d.configurationPolicy)
                    && Arrays.stream(d.configurationPid).anyMatch(writtenPids::contains);
            if (configurations.isEmpty() && awaitsConfiguration) {
                states.pending.add(d.name + " (configuration not delivered)");
            }
            for (ComponentConfigurationDTO c : configurations) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    states.failures.add(new Failure(c.id, d.name, reason(c.failure) + settings(d, c.properties)));
                } else if (d.immediate && c.state != ComponentConfigurationDTO.ACTIVE) {
                    states.pending.add(d.name + " (" + state(c) + ")");
                }
            }
        }
        return states;
    }

    List<Failure> failures() {
        return failures;
    }

    /** Components on their way, each with what it waits for; empty when every one is up. */
    List<String> pending() {
        return pending;
    }

    /**
     * The exception the component threw, from the stack trace DS records: the first of
     * the chain that is not DS's or reflection's wrapper, whose message says what went wrong.
     */
    static String reason(String failure) {
        if (failure == null || failure.isBlank()) {
            return "unknown";
        }
        String[] lines = failure.split("\\R");
        List<String> chain = new ArrayList<>();
        chain.add(lines[0]);
        for (String line : lines) {
            if (line.startsWith("Caused by: ")) {
                chain.add(line.substring("Caused by: ".length()));
            }
        }
        return chain.stream()
                .filter(l -> !l.startsWith("java.lang.reflect.InvocationTargetException") && !l.startsWith("org.osgi.service.component.ComponentException"))
                .findFirst().orElse(chain.get(chain.size() - 1)).trim();
    }

    /** The listener settings of the component's PID, so a bind failure names its port even when the message does not. */
    private static String settings(ComponentDescriptionDTO d, Map<String, Object> properties) {
        Set<String> pids = Set.of(d.configurationPid);
        String listed = Contradictions.LISTENERS.stream()
                .filter(l -> pids.contains(l.pid()))
                .map(l -> l.portVariable() + "=" + (properties == null ? null : properties.getOrDefault(l.portProperty(), l.defaultPort())))
                .collect(Collectors.joining(" "));
        return listed.isEmpty() ? "" : " (" + listed + ")";
    }

    private static String state(ComponentConfigurationDTO c) {
        return switch (c.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied reference "
                    + Arrays.stream(c.unsatisfiedReferences == null ? new UnsatisfiedReferenceDTO[0] : c.unsatisfiedReferences)
                            .map(r -> r.name).toList();
            case ComponentConfigurationDTO.SATISFIED -> "satisfied, not active";
            default -> "state " + c.state;
        };
    }
}
