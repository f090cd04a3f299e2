package haystack.api.trace;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service that receives every traced event while registered. Called on the
 * thread that traced (a DNS worker, a proxy thread): hand the event off, never block.
 */
@ConsumerType
public interface TraceListener {

    void traced(TraceEvent event);
}
