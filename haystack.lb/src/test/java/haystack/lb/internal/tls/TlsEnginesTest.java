package haystack.lb.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;

class TlsEnginesTest {

    @Test
    void aeadWithForwardSecrecyOnlyAes128GcmFirstThenTheJdksOrder() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        List<String> suites = List.of(TlsEngines.preferred(context.createSSLEngine().getSupportedCipherSuites()));

        assertEquals("TLS_AES_128_GCM_SHA256", suites.get(0), suites.toString());
        assertTrue(suites.containsAll(List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")), suites.toString());
        assertTrue(suites.stream().noneMatch(s -> s.contains("CBC") || s.contains("_RSA_WITH_AES") && !s.contains("ECDHE")
                || s.contains("SCSV") || s.contains("_DHE_")), suites.toString());
        int last128 = -1;
        int first256 = suites.size();
        for (int i = 0; i < suites.size(); i++) {
            if (suites.get(i).contains("AES_128")) {
                last128 = i;
            } else if (suites.get(i).contains("AES_256")) {
                first256 = Math.min(first256, i);
            }
        }
        assertTrue(last128 < first256, suites.toString());
        assertTrue(suites.indexOf("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") < suites.indexOf("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                "ECDSA before RSA as the JDK lists them: " + suites);
    }

    @Test
    void nothingUsableGivesNothing() {
        assertArrayEquals(new String[0], TlsEngines.preferred(new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"}));
    }
}
