package haystack.api.strategy;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Names a {@link BalancingStrategy} component: {@code @HaystackStrategy("least-requests")}
 * sets the service property {@value BalancingStrategy#NAME_PROPERTY}.
 */
@ComponentPropertyType
public @interface HaystackStrategy {
    String value();
}
