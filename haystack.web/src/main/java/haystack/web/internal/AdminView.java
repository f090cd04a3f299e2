package haystack.web.internal;

import java.util.List;

import haystack.api.RegistrySnapshot;
import haystack.api.discovery.SourceStatus;
import haystack.api.lb.EndpointVerdicts;
import haystack.api.lb.TcpListenerView;
import haystack.api.metrics.MetricsSource;
import haystack.api.strategy.StrategyCatalog;
import haystack.api.tls.CertificateStore;
import org.osgi.framework.Bundle;

/** What the admin pages read, each call the state of the moment (services come and go). */
interface AdminView {

    RegistrySnapshot snapshot();

    /** The load balancer's strategy catalog, or null when none is installed. */
    StrategyCatalog strategies();

    List<MetricsSource> metricsSources();

    List<SourceStatus> sourceStatuses();

    Bundle[] bundles();

    String version();

    String origin();

    long startedMillis();

    ChangeFeed changes();

    /** The load balancer's verdicts on endpoints, or null when none runs. */
    EndpointVerdicts verdicts();

    /** The load balancer's TCP listeners, or null when none runs. */
    TcpListenerView listeners();

    /** The HTTPS listener's certificates, or null when none runs. */
    CertificateStore certificates();
}
