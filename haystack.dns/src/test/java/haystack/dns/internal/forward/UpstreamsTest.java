package haystack.dns.internal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class UpstreamsTest {

    @Test
    void resolvConfNameserversAreUsedWhenNoneAreConfigured() throws Exception {
        Path conf = Files.createTempFile("resolv", ".conf");
        Files.writeString(conf, "# comment\nsearch example\nnameserver 10.0.0.2\nnameserver fe80::1%eth0\noptions ndots:1\n");
        List<InetSocketAddress> u = Upstreams.choose(List.of(), conf, List.of(InetAddress.getByName("0.0.0.0")), 53);
        assertEquals(List.of(new InetSocketAddress("10.0.0.2", 53), new InetSocketAddress("fe80::1", 53)), u);
    }

    @Test
    void neverForwardsToItself() throws Exception {
        Path conf = Files.createTempFile("resolv", ".conf");
        Files.writeString(conf, "nameserver 127.0.0.1\nnameserver 127.0.0.11\nnameserver 10.0.0.2\n");
        InetAddress any = InetAddress.getByName("0.0.0.0");
        assertEquals(List.of(new InetSocketAddress("10.0.0.2", 53)), Upstreams.choose(List.of(), conf, List.of(any), 53));
        assertEquals(3, Upstreams.choose(List.of(), conf, List.of(any), 5353).size());
        List<InetSocketAddress> configured = List.of(new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("127.0.0.1", 53));
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 53)),
                Upstreams.choose(configured, conf, List.of(InetAddress.getByName("127.0.0.1")), 5353));
    }

    @Test
    void missingResolvConfMeansNoUpstreams() {
        assertEquals(List.of(), Upstreams.choose(List.of(), Path.of("/nonexistent/resolv.conf"), List.of(), 53));
    }
}
