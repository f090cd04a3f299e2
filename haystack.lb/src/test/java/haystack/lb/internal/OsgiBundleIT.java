package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import haystack.api.Endpoint;
import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.discovery.EndpointSource;
import haystack.api.strategy.StrategyCatalog;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The packaged haystack.lb bundle on plain Felix 7 with only slf4j, SCR, Config Admin,
 * the registry and the API: it resolves (its imports are satisfiable), its components
 * activate from configuration, and the embedded Undertow/XNIO proxy a request.
 * A strategy shipped in a bundle of its own is used at once and falls back to
 * round-robin when stopped. haystack.api comes from the class path (system packages) so
 * the test can use its types.
 */
class OsgiBundleIT {

    private static String jarOf(Class<?> type) throws Exception {
        return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toURI().toString();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theBundleResolvesActivatesAndProxiesOnFelix() throws Exception {
        Path storage = Files.createTempDirectory("felix-lb");
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "haystack.api;version=1.5.0,haystack.api.discovery;version=1.2.0,haystack.api.strategy;version=1.1.0,haystack.api.zone;version=1.1.0,haystack.api.trace;version=1.0.0,haystack.api.metrics;version=1.0.0,haystack.api.lb;version=1.2.0,haystack.api.tls;version=1.0.0");
        Framework felix = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(props);
        felix.start();
        TestBackends.Echo echo = new TestBackends.Echo();
        TestBackends.Echo echo2 = new TestBackends.Echo();
        try {
            BundleContext ctx = felix.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            for (String location : List.of(jarOf(org.slf4j.Logger.class), jarOf(org.slf4j.impl.SimpleLogger.class),
                    jarOf(org.osgi.util.function.Function.class), jarOf(org.osgi.util.promise.Promise.class),
                    jarOf(org.osgi.service.component.ComponentContext.class),
                    jarOf(org.apache.felix.scr.impl.Activator.class), jarOf(org.apache.felix.cm.impl.ConfigurationManager.class),
                    jarOf(haystack.registry.internal.RegistryImpl.class), new File(System.getProperty("lb.bundle")).toURI().toString())) {
                bundles.add(ctx.installBundle(location));
            }
            for (Bundle b : bundles) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
            for (Bundle b : bundles) {
                System.out.println("bundle " + b.getSymbolicName() + " " + b.getVersion() + " state=" + b.getState());
            }
            Bundle lbBundle = bundles.get(bundles.size() - 1);
            assertEquals(Bundle.ACTIVE, lbBundle.getState(), "haystack.lb did not start");
            System.out.println("haystack.lb Import-Package: " + lbBundle.getHeaders().get(Constants.IMPORT_PACKAGE));

            int httpPort = freePort();
            ServiceReference<?> caRef = awaitReference(ctx, "org.osgi.service.cm.ConfigurationAdmin");
            Object ca = ctx.getService(caRef);
            Class<?> caType = caRef.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
            Object config = caType.getMethod("getConfiguration", String.class, String.class).invoke(ca, "haystack.lb", "?");
            Dictionary<String, Object> settings = new Hashtable<>();
            settings.put("http.port", httpPort);
            settings.put("http.alt.port", freePort());
            settings.put("https.port", freePort());
            settings.put("bind", "127.0.0.1");
            caType.getClassLoader().loadClass("org.osgi.service.cm.Configuration")
                    .getMethod("update", Dictionary.class).invoke(config, settings);
            Object tlsConfig = caType.getMethod("getConfiguration", String.class, String.class).invoke(ca, "haystack.tls", "?");
            Dictionary<String, Object> tls = new Hashtable<>();
            Path tlsRoot = Files.createTempDirectory("haystack-lb-it-tls");
            tls.put("dir", tlsRoot.resolve("tls").toString());
            tls.put("data", tlsRoot.resolve("data").toString());
            caType.getClassLoader().loadClass("org.osgi.service.cm.Configuration")
                    .getMethod("update", Dictionary.class).invoke(tlsConfig, tls);

            DiscoveryPublisher publisher = awaitService(ctx, DiscoveryPublisher.class);
            EndpointSource source = publisher.open("it");
            source.put(List.of(Endpoint.builder().service("echo").containerId("echo-1").containerName("echo-1")
                    .address(InetAddress.getLoopbackAddress()).port(echo.port()).portName("http").build()));

            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                    .header("Host", "echo.services.haystack").timeout(Duration.ofSeconds(5)).build();
            int status = 0;
            for (int i = 0; i < 100 && status != 200; i++) {
                try {
                    status = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (java.io.IOException notYet) {
                    status = 0;
                }
                if (status != 200) {
                    Thread.sleep(100);
                }
            }
            assertEquals(200, status);

            // A strategy shipped as its own bundle is usable at once, and its going fails no request.
            source.put(List.of(Endpoint.builder().service("echo").containerId("echo-2").containerName("echo-2")
                    .address(InetAddress.getLoopbackAddress()).port(echo2.port()).portName("http").build()));
            Bundle strategyBundle = ctx.installBundle("first-strategy", strategyBundle());
            strategyBundle.start();
            StrategyCatalog catalog = awaitService(ctx, StrategyCatalog.class);
            for (int i = 0; i < 100 && !catalog.names().contains("first"); i++) {
                Thread.sleep(100);
            }
            catalog.choose("echo", "first");
            int before = echo2.requests.get();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            assertEquals(before, echo2.requests.get(), "the first-endpoint strategy was not used");
            strategyBundle.stop();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            assertTrue(echo2.requests.get() > before, "no fall back to round-robin");
        } finally {
            echo.close();
            echo2.close();
            felix.stop();
            felix.waitForStop(10_000);
        }
    }

    /** A bundle holding FirstEndpointStrategy as a DS component named "first". */
    private static InputStream strategyBundle() throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, "haystack.it.first");
        main.putValue(Constants.BUNDLE_VERSION, "1.0.0");
        main.putValue(Constants.IMPORT_PACKAGE, "haystack.api.strategy;version=\"[1.1,2)\"");
        main.putValue("Service-Component", "OSGI-INF/first.xml");
        String component = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"first\">\n"
                + "  <property name=\"haystack.strategy\" type=\"String\" value=\"first\"/>\n"
                + "  <service><provide interface=\"haystack.api.strategy.BalancingStrategy\"/></service>\n"
                + "  <implementation class=\"haystack.lb.it.FirstEndpointStrategy\"/>\n"
                + "</scr:component>\n";
        String classFile = "haystack/lb/it/FirstEndpointStrategy.class";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest);
                InputStream code = OsgiBundleIT.class.getClassLoader().getResourceAsStream(classFile)) {
            jar.putNextEntry(new JarEntry("OSGI-INF/first.xml"));
            jar.write(component.getBytes(StandardCharsets.UTF_8));
            jar.putNextEntry(new JarEntry(classFile));
            code.transferTo(jar);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    private static <T> T awaitService(BundleContext ctx, Class<T> type) throws InterruptedException {
        return type.cast(ctx.getService(awaitReference(ctx, type.getName())));
    }

    private static ServiceReference<?> awaitReference(BundleContext ctx, String type) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            // all references: the test's class path has its own copy of Config Admin's API
            ServiceReference<?>[] refs;
            try {
                refs = ctx.getAllServiceReferences(type, null);
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
            if (refs != null) {
                return refs[0];
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + type + " service");
    }
}
