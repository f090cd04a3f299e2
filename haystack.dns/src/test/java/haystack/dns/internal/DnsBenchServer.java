package haystack.dns.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.discovery.EndpointSource;
import haystack.dns.internal.zones.ContainersZone;
import haystack.dns.internal.zones.ReverseZone;
import haystack.dns.internal.zones.ServicesZone;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;

/**
 * Haystack's DNS server standalone for bench/dns: fills a real registry with
 * {@code services × perService} endpoints (service {@code s<i>}, containers
 * {@code s<i>-<j>} at {@code 10.<i/256>.<i%256>.<j+1>}:6379 named redis), serves them on
 * 127.0.0.1:{@code port}, and writes the same records as an nsd zone file, a dnsmasq
 * configuration and a dnsperf query file, so the three servers answer the same questions.
 *
 * With an upstream given, names outside the zones are forwarded there (the bench's
 * forwarded cache hits).
 *
 * <p>{@code DnsBenchServer <port> <services> <perService> <dir> [workers] [upstream host:port]}
 */
public final class DnsBenchServer {

    private DnsBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int services = Integer.parseInt(args[1]);
        int perService = Integer.parseInt(args[2]);
        Path dir = Path.of(args[3]);
        int workers = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        List<java.net.InetSocketAddress> upstreams = args.length > 5 ? DnsSettings.nameservers(new String[] { args[5] }) : List.of();
        List<Endpoint> endpoints = endpoints(services, perService);
        writeFiles(dir, services, perService, endpoints);
        if (port == 0) {
            return;
        }
        RegistryImpl registry = new RegistryImpl();
        EndpointSource source = new DiscoveryPublisherImpl(registry).open("bench");
        source.put(endpoints);
        DnsServer server = new DnsServer(registry);
        server.addZoneProvider(new ServicesZone(List.of(InetAddress.getByName("192.0.2.10"))));
        server.addZoneProvider(new ContainersZone());
        server.addZoneProvider(new ReverseZone());
        server.start(new DnsSettings(port, List.of(InetAddress.getByName("127.0.0.1")), "haystack", 5,
                upstreams, DnsSettings.allow(new String[] { "127.0.0.0/8" }), List.of(), workers, 2000));
        System.out.println("READY endpoints=" + endpoints.size());
        Thread.currentThread().join();
    }

    static List<Endpoint> endpoints(int services, int perService) throws IOException {
        List<Endpoint> out = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            for (int j = 0; j < perService; j++) {
                InetAddress a = InetAddress.getByAddress(new byte[] { 10, (byte) (i / 256), (byte) (i % 256), (byte) (j + 1) });
                out.add(Endpoint.builder().service("s" + i).containerId(String.format("%08x%056x", i, j))
                        .containerName("s" + i + "-" + j).address(a).port(6379).portName("redis")
                        .network("bench").health(Health.HEALTHY).build());
            }
        }
        return out;
    }

    private static void writeFiles(Path dir, int services, int perService, List<Endpoint> endpoints) throws IOException {
        Files.createDirectories(dir);
        try (PrintWriter zone = new PrintWriter(Files.newBufferedWriter(dir.resolve("haystack.zone")));
                PrintWriter dnsmasq = new PrintWriter(Files.newBufferedWriter(dir.resolve("dnsmasq.conf")));
                PrintWriter queries = new PrintWriter(Files.newBufferedWriter(dir.resolve("queries.txt")))) {
            zone.println("$ORIGIN haystack.");
            zone.println("$TTL 5");
            zone.println("@ IN SOA haystack. hostmaster.haystack. 1 3600 600 86400 5");
            zone.println("@ IN NS haystack.");
            zone.println("@ IN A 192.0.2.10");
            dnsmasq.println("local-ttl=5");
            for (Endpoint e : endpoints) {
                String service = e.service() + ".services";
                String container = e.containerName() + ".containers";
                String ip = e.address().getHostAddress();
                zone.println(service + " IN A " + ip);
                zone.println("_redis._tcp." + service + " IN SRV 0 1 6379 " + container);
                zone.println(container + " IN A " + ip);
                dnsmasq.println("host-record=" + container + ".haystack," + ip);
                dnsmasq.println("host-record=" + service + ".haystack," + ip);
                dnsmasq.println("srv-host=_redis._tcp." + service + ".haystack," + container + ".haystack,6379,0,1");
            }
            // Every service and one container of each, in a fixed interleaved order.
            for (int i = 0; i < Math.max(services, 100); i++) {
                int s = i % services;
                queries.println("s" + s + ".services.haystack A");
                queries.println("s" + s + "-" + (i % perService) + ".containers.haystack A");
                queries.println("_redis._tcp.s" + s + ".services.haystack SRV");
            }
        }
    }
}
