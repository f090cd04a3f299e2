package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The admin server in process over a real registry: 500 services, filters, and refused settings. */
class AdminServerTest {

    private static WebConfig config(int port, String user, String password) {
        return new WebConfig() {
            @Override public Class<? extends Annotation> annotationType() { return WebConfig.class; }
            @Override public int port() { return port; }
            @Override public String bind() { return "127.0.0.1"; }
            @Override public String origin() { return "haystack"; }
            @Override public String user() { return user; }
            @Override public String password() { return password; }
            @Override public int changes_kept() { return 50; }
        };
    }

    /** The one stand-in: a bundle context that knows no bundles. */
    private static BundleContext context() {
        Bundle self = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class}, (p, m, a) -> switch (m.getName()) {
            case "getVersion" -> org.osgi.framework.Version.parseVersion("1.2.3");
            default -> null;
        });
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
            case "getBundles" -> new Bundle[0];
            case "getBundle" -> self;
            default -> null;
        });
    }

    @Test
    void fiveHundredServicesAreListedAndEndpointsFilterByService() throws Exception {
        RegistryImpl registry = new RegistryImpl();
        EndpointSource source = new DiscoveryPublisherImpl(registry).open("test");
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            endpoints.add(Endpoint.builder().service("svc" + i).containerId("c" + i).containerName("svc" + i + "-1")
                    .address(InetAddress.getByName("10.0." + (i / 250) + "." + (i % 250 + 1))).port(80).portName("http")
                    .network("bridge").health(i % 2 == 0 ? Health.HEALTHY : Health.UNHEALTHY).build());
        }
        source.put(endpoints);
        AdminServer server = new AdminServer(registry, context(), config(0, "", ""));
        try {
            HttpClient http = HttpClient.newHttpClient();
            String services = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/services")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertEquals(500, services.split("\"name\":\"svc").length - 1);
            String one = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/endpoints?service=svc7")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertEquals(1, one.split("\"id\"").length - 1, one);
            assertTrue(one.contains("\"health\":\"unhealthy\",\"draining\":false,\"available\":false"), one);
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("haystack_registry_services 500\n"), metrics);
            assertTrue(metrics.contains("haystack_endpoints{service=\"svc8\",health=\"healthy\"} 1\n"), metrics);
            assertTrue(metrics.contains("haystack_endpoints_available{service=\"svc7\"} 0\n"), metrics);
            String info = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/info")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(info.startsWith("{\"version\":\"1.2.3\""), info);
        } finally {
            server.close();
            source.close();
        }
    }

    @Test
    void aPortInUseIsReportedByNumber() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new AdminServer(new RegistryImpl(), context(), config(taken.getLocalPort(), "", "")));
            assertTrue(e.getMessage().contains("admin port " + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void aUserWithoutPasswordAndABadPortAreRefused() {
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class,
                () -> new AdminServer(new RegistryImpl(), context(), config(0, "admin", "")));
        assertTrue(noPassword.getMessage().contains("must be set together"), noPassword.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AdminServer(new RegistryImpl(), context(), config(0, "", "secret")));
        assertThrows(IllegalArgumentException.class, () -> new AdminServer(new RegistryImpl(), context(), config(0, "ad:min", "secret")));
        assertThrows(IllegalArgumentException.class, () -> new AdminServer(new RegistryImpl(), context(), config(70000, "", "")));
    }

    @Test
    void readyIsServedWithoutAuthAndFollowsTheRegistry() throws Exception {
        java.util.concurrent.atomic.AtomicReference<haystack.api.RegistrySnapshot> now =
                new java.util.concurrent.atomic.AtomicReference<>(new haystack.api.RegistrySnapshot(0, List.of(), false));
        haystack.api.Registry registry = new haystack.api.Registry() {
            @Override public haystack.api.RegistrySnapshot snapshot() { return now.get(); }
            @Override public boolean drain(String endpointId, boolean draining) { return false; }
            @Override public boolean checkFailing(String endpointId, boolean failing) { return false; }
        };
        AdminServer server = new AdminServer(registry, context(), config(0, "admin", "pw"));
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + server.port() + "/ready");
            HttpResponse<String> starting = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, starting.statusCode());
            assertEquals("starting\n", starting.body());
            assertEquals("1", starting.headers().firstValue("Retry-After").orElse(null));
            HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/info")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, api.statusCode(), "everything else still needs the password");

            now.set(new haystack.api.RegistrySnapshot(1, List.of(), true));
            HttpResponse<String> up = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, up.statusCode());
            assertEquals("ready\n", up.body());
            String info = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/info"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("admin:pw".getBytes())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(info.contains("\"ready\":true"), info);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(ready).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        } finally {
            server.close();
        }
    }
}
