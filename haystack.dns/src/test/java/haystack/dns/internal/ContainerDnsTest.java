package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import haystack.testing.BusyboxImage;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;

/**
 * What a container sees with Haystack as its DNS server: Haystack on the default bridge's
 * gateway, port 53, asked by busybox nslookup inside a real container (server given on
 * the command line, as {@code --dns} would put it in resolv.conf), for an owned name, an
 * SRV name and a forwarded one.
 */
@RequiresDocker
class ContainerDnsTest {

    @Test
    void containerResolvesServicesAndForwardedNamesThroughHaystack() throws Exception {
        String gateway = bridgeGateway();
        Dnsmasq upstream = new Dnsmasq(300, "up.example.test,10.9.8.7");
        DnsSettings settings = new DnsSettings(53, List.of(InetAddress.getByName(gateway)), "haystack", 5,
                DnsSettings.nameservers(new String[] { "127.0.0.1:" + upstream.port() }),
                DnsSettings.allow(new String[] { "172.16.0.0/12", "127.0.0.0/8" }), List.of(), 2, 2000);
        try (DnsFixture dns = new DnsFixture(settings)) {
            dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.44", 6379, "redis"));
            String owned = nslookup(gateway, "redis.services.haystack");
            assertTrue(owned.contains("172.17.0.44"), owned);
            String forwarded = nslookup(gateway, "up.example.test");
            assertTrue(forwarded.contains("10.9.8.7"), forwarded);
            String srv = nslookup(gateway, "-type=srv", "_redis._tcp.redis.services.haystack");
            assertTrue(srv.contains("redis-1.containers.haystack"), srv);
        } finally {
            upstream.close();
        }
    }

    /** The host's address on the default bridge: the engine reports only its subnet, the gateway is its first host. */
    private static String bridgeGateway() throws Exception {
        String subnet = DockerClientFactory.instance().client().inspectNetworkCmd().withNetworkId("bridge").exec()
                .getIpam().getConfig().get(0).getSubnet();
        byte[] a = InetAddress.getByName(subnet.substring(0, subnet.indexOf('/'))).getAddress();
        a[3] |= 1;
        return InetAddress.getByAddress(a).getHostAddress();
    }

    private static String nslookup(String dns, String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "nslookup";
        System.arraycopy(args, 0, cmd, 1, args.length);
        cmd[args.length + 1] = dns;
        try (GenericContainer<?> c = new GenericContainer<>(BusyboxImage.name())
                .withCommand(cmd)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(30)))) {
            c.start();
            return c.getLogs();
        }
    }
}
