package haystack.registry.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

import haystack.api.Endpoint;

/** Test endpoints: container {@code c<n>} of service {@code svc} at 10.0.x.y:80. */
final class Endpoints {
    private Endpoints() {
    }

    static Endpoint of(String service, int n) {
        try {
            byte[] ip = { 10, 0, (byte) (n >> 8), (byte) n };
            return Endpoint.builder().service(service).containerId("c" + n).containerName("ctr-" + n)
                    .address(InetAddress.getByAddress(ip)).port(80).portName("http").build();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
