package haystack.acme.internal;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import haystack.api.lb.RoutedHosts;

/** The load balancer's routed names, set by the test. */
final class FakeRoutedHosts implements RoutedHosts {

    final Set<String> hosts = new CopyOnWriteArraySet<>();

    FakeRoutedHosts(String... names) {
        hosts.addAll(Set.of(names));
    }

    @Override
    public Set<String> routedHosts() {
        return Set.copyOf(hosts);
    }
}
