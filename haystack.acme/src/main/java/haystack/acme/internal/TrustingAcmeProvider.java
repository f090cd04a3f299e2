package haystack.acme.internal;

import java.net.http.HttpClient;

import javax.net.ssl.SSLContext;

import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's provider for any {@code https://} directory, with the HTTP client trusting
 * {@link TrustedCa}. Passed to the Session directly: acme4j's ServiceLoader look-up of
 * providers does not see into this bundle.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider {

    private final SSLContext ssl;

    TrustingAcmeProvider(SSLContext ssl) {
        this.ssl = ssl;
    }

    @Override
    protected HttpConnector createHttpConnector(NetworkSettings settings) {
        return new HttpConnector(settings) {
            @Override
            public HttpClient.Builder createClientBuilder() {
                return super.createClientBuilder().sslContext(ssl);
            }
        };
    }
}
