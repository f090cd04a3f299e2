package haystack.lb.internal.routing;

import java.net.InetAddress;
import java.util.function.Consumer;

import haystack.api.strategy.BalancingStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the backend for each try of a request: the service's strategy over its pool as
 * the current routing table has it, skipping backends this request has already tried.
 * A strategy that throws or answers out of range is replaced by round-robin for that
 * pick. Counts passive failures and ejects.
 */
public final class BackendChooser {

    private static final Logger LOG = LoggerFactory.getLogger(BackendChooser.class);

    private final StrategyCatalogImpl strategies;
    private volatile int ejectAfter;
    private final Consumer<Backend> onEject;

    public BackendChooser(StrategyCatalogImpl strategies, int ejectAfter, Consumer<Backend> onEject) {
        this.strategies = strategies;
        this.ejectAfter = ejectAfter;
        this.onEject = onEject;
    }

    /** The pool the next try of {@code route} chooses from: the current routing table's. */
    public static ServicePool poolOf(Route route, RoutingTable current) {
        Route latest = current.service(route.service());
        return (latest == null ? route : latest).pool();
    }

    /**
     * The backend for the next try from {@code pool}, never one this request has tried; or
     * null (with the reason recorded in {@code attempt}).
     */
    public Backend choose(Route route, ServicePool pool, InetAddress client, Attempt attempt) {
        int size = pool.size();
        if (size == 0) {
            if (attempt.failure() == null) {
                attempt.failed("no healthy endpoint", false);
            }
            return null;
        }
        BalancingStrategy strategy = strategies.strategyFor(route.service(), route.strategy());
        int index;
        try {
            index = strategy.select(pool, client);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("strategy failed service={} strategy={} error={}", route.service(), strategy.getClass().getName(), e.toString());
            index = StrategyCatalogImpl.FALLBACK.select(pool, client);
        }
        if (index == -1) {
            attempt.failed("strategy refused the request", false);
            return null;
        }
        if (index < 0 || index >= size) {
            index = StrategyCatalogImpl.FALLBACK.select(pool, client);
        }
        for (int k = 0; k < size; k++) {
            Backend b = pool.backend((index + k) % size);
            if (!attempt.tried(b)) {
                return b;
            }
        }
        // every endpoint has had its try; one that only met a closing kept-alive connection
        // gets a new one (the only endpoint of a service whose idle timeout raced a request)
        return attempt.takeRaced(pool); // or null: attempt keeps the last failure
    }

    private static boolean anotherServes(ServicePool pool, Backend failed) {
        if (pool == null) {
            return false;
        }
        for (int i = 0; i < pool.size(); i++) {
            Backend b = pool.backend(i);
            if (b != failed && b.takesTraffic()) {
                return true;
            }
        }
        return false;
    }

    public void ejectAfter(int failures) {
        ejectAfter = failures;
    }

    public String strategyName(Route route) {
        return strategies.nameFor(route.service(), route.strategy());
    }

    /**
     * Records why {@code backend} failed this request and counts it towards ejection; the
     * last endpoint of a service serving is never ejected, so one bad answer cannot turn
     * every request into a 503.
     */
    public void failed(Attempt attempt, Backend backend, String why, boolean timeout) {
        attempt.failed(why + " (" + backend.endpoint().containerName() + " " + backend.authority() + ")", timeout);
        if (backend.failed(ejectAfter, anotherServes(attempt.pool(), backend), why)) {
            LOG.warn("endpoint ejected service={} container={} endpoint={} reason={}", backend.endpoint().qualifiedName(),
                    backend.endpoint().containerName(), backend.authority(), why);
            onEject.accept(backend);
        }
    }
}
