package haystack.lb.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import haystack.api.Endpoint;
import haystack.api.RegistryListener;
import haystack.api.discovery.EndpointSource;
import haystack.api.strategy.BalancingStrategy;
import haystack.lb.internal.routing.StrategyCatalogImpl;
import haystack.lb.internal.strategy.ConsistentHashStrategy;
import haystack.lb.internal.strategy.LeastRequestsStrategy;
import haystack.lb.internal.strategy.PowerOfTwoChoicesStrategy;
import haystack.lb.internal.strategy.RandomStrategy;
import haystack.lb.internal.strategy.RoundRobinStrategy;
import haystack.lb.internal.strategy.WeightedStrategy;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;

/**
 * A real registry (RegistryImpl through a DiscoveryPublisherImpl source), the strategy
 * catalog with every built-in strategy, and a load balancer on free loopback ports.
 * {@link #put} returns once the load balancer has seen the change.
 */
final class LbFixture implements AutoCloseable {

    final RegistryImpl registry = new RegistryImpl();
    final StrategyCatalogImpl strategies = new StrategyCatalogImpl();
    final EndpointSource source;
    final LoadBalancer lb;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong seenVersion = new AtomicLong();
    private final Semaphore changes = new Semaphore(0);

    LbFixture() throws IOException {
        this(new TestConfig());
    }

    LbFixture(TestConfig config) throws IOException {
        this(config, haystack.api.trace.Tracer.OFF);
    }

    LbFixture(TestConfig config, haystack.api.trace.Tracer tracer) throws IOException {
        this(config, tracer, new haystack.lb.internal.tls.CertificateStoreImpl((java.nio.file.Path) null));
    }

    LbFixture(TestConfig config, haystack.api.trace.Tracer tracer, haystack.lb.internal.tls.CertificateStoreImpl certificates) throws IOException {
        add(new RoundRobinStrategy(), BalancingStrategy.DEFAULT_NAME);
        add(new RandomStrategy(), "random");
        add(new LeastRequestsStrategy(), "least-requests");
        add(new PowerOfTwoChoicesStrategy(), "power-of-two-choices");
        add(new WeightedStrategy(), "weighted");
        add(new ConsistentHashStrategy(), "consistent-hash");
        lb = new LoadBalancer(strategies, config, tracer, registry, certificates);
        registry.addListener(lb);
        // Registered after the load balancer: changes reach it in order, so when this
        // listener hears of a version the load balancer has already rebuilt its tables.
        registry.addListener((RegistryListener) change -> {
            seenVersion.set(change.current().version());
            changes.release();
        });
        source = new DiscoveryPublisherImpl(registry).open("test");
    }

    void add(BalancingStrategy strategy, String name) {
        strategies.addStrategy(strategy, Map.of(BalancingStrategy.NAME_PROPERTY, name));
    }

    void put(Endpoint... endpoints) {
        put(List.of(endpoints));
    }

    void put(Collection<Endpoint> endpoints) {
        source.put(endpoints);
        awaitSeen();
    }

    void remove(Endpoint... endpoints) {
        source.remove(List.of(endpoints).stream().map(Endpoint::id).toList());
        awaitSeen();
    }

    private void awaitSeen() {
        long want = registry.snapshot().version();
        try {
            while (seenVersion.get() < want) {
                if (!changes.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("load balancer did not see registry version " + want);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** GET {@code path} on the http port (or http-alt) with this Host header. */
    HttpResponse<String> get(String host, String path) throws IOException, InterruptedException {
        return get(lb.httpPort(), host, path);
    }

    HttpResponse<String> get(int port, String host, String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (host != null) {
            request.header("Host", host);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a GET that must answer 200, trimmed. */
    String body(String host, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(host, path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + host + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().trim();
    }

    /** An endpoint of {@code service} at 127.0.0.1:{@code port} (a published container port or a test server). */
    static Endpoint.Builder endpoint(String service, String container, int port) {
        return Endpoint.builder().service(service).containerId(container).containerName(container)
                .address(InetAddress.getLoopbackAddress()).port(port).portName("http");
    }

    @Override
    public void close() {
        source.close();
        lb.close();
    }
}
