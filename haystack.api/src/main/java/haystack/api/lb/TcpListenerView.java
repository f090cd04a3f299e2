package haystack.api.lb;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The load balancer's TCP listeners as they are (SPEC §5a): a port an endpoint asks for
 * ({@link haystack.api.Endpoint#tcpPort()}) is missing here while it cannot be bound, and
 * belongs to another service when two ask for it.
 */
@ProviderType
public interface TcpListenerView {

    /** The open listeners: port to the qualified name of the service it serves. */
    Map<Integer, String> tcpListeners();
}
