package haystack.api.discovery;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service of a discovery source that connects to something (a Docker engine):
 * whether each of its hosts is connected now, for the admin API and dashboard.
 *
 * @since 1.1
 */
@ConsumerType
public interface SourceStatus {

    /** One host of the source: its address as configured, and whether it is connected now. */
    record Host(String host, boolean connected) {
    }

    /** Kind of the source, such as {@code docker}. */
    String kind();

    List<Host> hosts();
}
