package haystack.file.internal;

import java.nio.file.Path;
import java.time.Duration;

import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.discovery.EndpointSource;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File discovery (SPEC §6b): one source {@code file:<directory>} fed by a
 * {@link ServiceDirectory} that follows {@code <service>.yaml} files in that directory.
 * A configuration change restarts it (DS deactivates and activates again). Its counts are
 * on /metrics.
 */
@Component(configurationPid = "haystack.file", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = MetricsSource.class)
@Designate(ocd = FileDiscovery.Config.class)
public final class FileDiscovery implements MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(FileDiscovery.class);

    @ObjectClassDefinition(name = "Haystack file discovery", description = "Services from one YAML file each (SPEC §6b)")
    public @interface Config {
        @AttributeDefinition(description = "Directory of <service>.yaml files (HAYSTACK_SERVICES_DIR); relative to the working directory")
        String dir() default "services";

        @AttributeDefinition(description = "Largest service file read, in bytes (HAYSTACK_SERVICES_MAX_BYTES); a larger one is refused")
        int max_bytes() default 4 * 1024 * 1024;

        @AttributeDefinition(description = "Every this many milliseconds the directory is scanned, for changes the file system did not report")
        long rescan_millis() default 1000;
    }

    private final EndpointSource source;
    private final ServiceDirectory directory;

    @Activate
    public FileDiscovery(@Reference DiscoveryPublisher publisher, Config config) {
        if (config.dir().isBlank()) {
            throw new IllegalArgumentException("haystack.file dir (HAYSTACK_SERVICES_DIR) is empty");
        }
        if (config.max_bytes() < 1) {
            throw new IllegalArgumentException("haystack.file max.bytes (HAYSTACK_SERVICES_MAX_BYTES) must be at least 1, was " + config.max_bytes());
        }
        if (config.rescan_millis() < 10 || config.rescan_millis() > 3_600_000) {
            throw new IllegalArgumentException("haystack.file rescan.millis must be 10-3600000, was " + config.rescan_millis());
        }
        Path dir = Path.of(config.dir()).toAbsolutePath().normalize();
        this.source = publisher.open("file:" + dir);
        this.directory = new ServiceDirectory(dir, config.max_bytes(), Duration.ofMillis(config.rescan_millis()), source).start();
        LOG.info("file discovery started dir={} maxBytes={}", dir, config.max_bytes());
    }

    /** Services from files now, versions loaded and refused, for /metrics. */
    @Override
    public void collect(MetricsWriter w) {
        w.family("haystack_file_services", MetricsWriter.Type.GAUGE, "Services served from files in HAYSTACK_SERVICES_DIR");
        w.sample("haystack_file_services", directory.services());
        w.family("haystack_file_loads_total", MetricsWriter.Type.COUNTER, "Service file versions applied");
        w.sample("haystack_file_loads_total", directory.loads());
        w.family("haystack_file_rejections_total", MetricsWriter.Type.COUNTER, "Service file versions refused (each logged once)");
        w.sample("haystack_file_rejections_total", directory.rejections());
    }

    @Deactivate
    void deactivate() {
        directory.close();
        source.close();
        LOG.info("file discovery stopped");
    }
}
