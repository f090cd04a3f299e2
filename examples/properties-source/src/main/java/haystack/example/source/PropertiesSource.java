package haystack.example.source;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.discovery.EndpointSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A discovery source: the services of one Java properties file, {@code <service>=<address>:<port>,...}
 * ({@code example-source.properties} in Haystack's working directory, or the file named by
 * the system property {@value #FILE_PROPERTY}), read again every second.
 *
 * <p>A source is a Declarative Services component that opens an {@link EndpointSource}
 * through the {@link DiscoveryPublisher} service and publishes into it. Each read replaces
 * the source's whole set in one step ({@link EndpointSource#replaceAll}), so nothing stale
 * stays. When the bundle stops, the publisher closes the source and its endpoints leave
 * the registry, even if this class forgot to.
 */
@Component(immediate = true)
public final class PropertiesSource {

    static final String FILE_PROPERTY = "haystack.example.source.file";
    /** A larger file is not read: every number checked. */
    private static final long MAX_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(PropertiesSource.class);

    private final Path file;
    private final EndpointSource source;
    private final ScheduledExecutorService reader;
    /** The text last published, and why the last read failed; touched only by the reader thread. */
    private String published;
    private String problem;

    @Activate
    public PropertiesSource(@Reference DiscoveryPublisher publisher) {
        this.file = Path.of(System.getProperty(FILE_PROPERTY, "example-source.properties")).toAbsolutePath().normalize();
        // Unsynchronised: until the first read is published, Haystack answers "try again"
        // for names it does not know rather than "no such name" (it matters at start-up).
        this.source = publisher.openUnsynchronised("properties:" + file);
        this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "example-source " + file.getFileName());
            t.setDaemon(true);
            return t;
        });
        reader.scheduleWithFixedDelay(this::read, 0, 1, TimeUnit.SECONDS);
    }

    private void read() {
        try {
            String text = readText();
            problem = null;
            if (!text.equals(published)) {
                Properties services = new Properties();
                services.load(new StringReader(text));
                List<haystack.api.Endpoint> endpoints = ServiceLines.endpoints(services, LOG);
                source.replaceAll(endpoints);
                published = text;
                LOG.info("example source read file={} endpoints={}", file, endpoints.size());
            }
        } catch (IOException | RuntimeException e) {
            // keep what was published and try again in a second; say so once, not every second
            if (!e.toString().equals(problem)) {
                problem = e.toString();
                LOG.warn("example source not read file={} reason={}; keeping the last good version", file, problem);
            }
        } finally {
            source.synchronised();
        }
    }

    /** The file's text; empty when there is no file (no services). */
    private String readText() throws IOException {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IOException("larger than " + MAX_BYTES + " bytes");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return "";
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        reader.shutdownNow();
        reader.awaitTermination(5, TimeUnit.SECONDS);
        source.close();
    }
}
