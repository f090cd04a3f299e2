package haystack.dns.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.Registry;
import haystack.api.RegistrySnapshot;
import haystack.api.discovery.EndpointSource;
import haystack.dns.internal.zones.ContainersZone;
import haystack.dns.internal.zones.ReverseZone;
import haystack.dns.internal.zones.ServicesZone;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * A running DNS server on a free loopback port, answering from a real registry that a
 * discovery source publishes into, with the three built-in zones; and clients for it.
 */
final class DnsFixture implements AutoCloseable {

    static final String ADVERTISED = "192.0.2.10";

    final RegistryImpl registry = new RegistryImpl();
    final DiscoveryPublisherImpl publisher = new DiscoveryPublisherImpl(registry);
    final EndpointSource source = publisher.open("test");
    final DnsServer server = new DnsServer(registry);
    final ServicesZone services;
    final ContainersZone containers = new ContainersZone();
    final ReverseZone reverse = new ReverseZone();

    DnsFixture() throws IOException {
        this(List.of(), List.of("127.0.0.0/8"), 5);
    }

    /** The default fixture with other client limits. */
    DnsFixture(ClientLimits limits) throws IOException {
        this(settings("haystack", List.of(), List.of("127.0.0.0/8"), 5).withLimits(limits));
    }

    DnsFixture(List<String> nameservers, List<String> allow, int ttl) throws IOException {
        this("haystack", nameservers, allow, ttl);
    }

    DnsFixture(String origin, List<String> nameservers, List<String> allow, int ttl) throws IOException {
        this(settings(origin, nameservers, allow, ttl));
    }

    DnsFixture(DnsSettings settings) throws IOException {
        services = new ServicesZone(List.of(InetAddress.getByName(ADVERTISED)));
        server.addZoneProvider(services);
        server.addZoneProvider(containers);
        server.addZoneProvider(reverse);
        server.start(settings);
    }

    static DnsSettings settings(String origin, List<String> nameservers, List<String> allow, int ttl)
            throws UnknownHostException {
        return new DnsSettings(0, List.of(InetAddress.getByName("127.0.0.1")), origin, ttl,
                DnsSettings.nameservers(nameservers.isEmpty() ? new String[] { "127.0.0.1:9" } : nameservers.toArray(String[]::new)),
                DnsSettings.allow(allow.toArray(String[]::new)), List.of(InetAddress.getByName(ADVERTISED)), 2, 1500);
    }

    int port() {
        return server.port();
    }

    /** Endpoint of {@code service}, container {@code name} (a hex id made from the name), at {@code ip}:port. */
    /** A registry that only hands out what {@code snapshot} holds now (no drains, no checks). */
    static Registry registryOf(Supplier<RegistrySnapshot> snapshot) {
        return new Registry() {
            @Override
            public RegistrySnapshot snapshot() {
                return snapshot.get();
            }

            @Override
            public boolean drain(String endpointId, boolean draining) {
                return false;
            }

            @Override
            public boolean checkFailing(String endpointId, boolean failing) {
                return false;
            }
        };
    }

    static Endpoint endpoint(String service, String name, String ip, int port, String portName) {
        try {
            return Endpoint.builder().service(service).containerId(String.format("%064x", name.hashCode() & 0xffffffffL))
                    .containerName(name).address(InetAddress.getByName(ip)).port(port).portName(portName)
                    .network("bridge").health(Health.UNKNOWN).build();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    void put(Endpoint... endpoints) {
        source.put(List.of(endpoints));
    }

    SimpleResolver udp() {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port()));
        r.setTimeout(Duration.ofSeconds(3));
        r.setIgnoreTruncation(true);
        return r;
    }

    SimpleResolver tcp() {
        SimpleResolver r = udp();
        r.setTCP(true);
        return r;
    }

    Message query(String name, int type) throws IOException {
        return udp().send(Message.newQuery(Record.newRecord(Name.fromString(name), type, org.xbill.DNS.DClass.IN)));
    }

    /** Withdraws every endpoint of the container named {@code name}. */
    void removeContainer(String name) {
        source.remove(source.endpoints().stream().filter(e -> e.containerName().equals(name)).map(Endpoint::id).toList());
    }

    /** Sends {@code query} over UDP and returns the raw answer, or null when none came within 0.7 s. */
    byte[] rawUdp(byte[] query) throws IOException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            socket.setSoTimeout(700);
            socket.send(new java.net.DatagramPacket(query, query.length, InetAddress.getByName("127.0.0.1"), port()));
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[65535], 65535);
            try {
                socket.receive(in);
            } catch (java.net.SocketTimeoutException e) {
                return null;
            }
            return java.util.Arrays.copyOf(in.getData(), in.getLength());
        }
    }

    /** Sends {@code query} over TCP and returns the raw answer. */
    byte[] rawTcp(byte[] query) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port())) {
            socket.setSoTimeout(3000);
            java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return answer;
        }
    }

    /** Runs dig against the server; returns its output. */
    String dig(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port()), "+time=3", "+tries=1"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("dig did not finish: " + cmd);
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop();
        source.close();
    }
}
