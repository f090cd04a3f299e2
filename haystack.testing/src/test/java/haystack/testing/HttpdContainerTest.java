package haystack.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

/** Smoke test of the harness: a FROM-scratch busybox container serving a page. */
@RequiresDocker
class HttpdContainerTest {

    @Test
    void servesItsPageThroughThePublishedPort() throws Exception {
        try (HttpdContainer httpd = new HttpdContainer("hello from busybox")) {
            httpd.start();
            HttpResponse<String> page = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(httpd.url())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals("hello from busybox\n", page.body());
        }
    }
}
