package haystack.api.lb;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The load balancer's own verdicts on endpoints the registry lists as taking traffic: an
 * active health check failing, or a passive ejection after failed requests. Pages and
 * commands show them as the reason an endpoint gets no requests.
 *
 * @since 1.2
 */
@ProviderType
public interface EndpointVerdicts {

    /**
     * Endpoint id to why the load balancer sends it no new requests now, for example
     * {@code active check failing: GET /health answered 'HTTP/1.1 500 Error'} or
     * {@code ejected after 3 failed requests: backend connection failed: Connection refused}.
     * Endpoints it sends requests to are absent.
     */
    Map<String, String> outOfRotation();
}
