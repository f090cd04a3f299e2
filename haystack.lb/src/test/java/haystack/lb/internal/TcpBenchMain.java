package haystack.lb.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import haystack.api.Endpoint;

/**
 * Haystack's TCP listener alone, for bench/tcp/run.sh: a real registry with the given
 * loopback backends as service {@code bench}, each asking for the TCP listener port.
 * Usage: TcpBenchMain listenPort backendPort... ; runs until killed.
 */
public final class TcpBenchMain {

    private TcpBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TcpBenchMain <listen port> <backend port>...");
            System.exit(2);
        }
        int listen = Integer.parseInt(args[0]);
        TestConfig config = new TestConfig();
        config.connectTimeout = 5_000;
        config.passiveProbeInterval = 5_000;
        config.passiveFailures = 3;
        config.ioThreads = Integer.parseInt(System.getenv().getOrDefault("HAYSTACK_LB_IO_THREADS", "0"));
        config.maxConnections = 8192;
        LbFixture lb = new LbFixture(config);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            endpoints.add(Endpoint.builder().service("bench").containerId("backend-" + i).containerName("backend-" + i)
                    .address(InetAddress.getLoopbackAddress()).port(Integer.parseInt(args[i])).portName("bench").tcpPort(listen).build());
        }
        lb.put(endpoints);
        if (!lb.lb.tcpListeners().containsKey(listen)) {
            System.err.println("the TCP listener did not open on " + listen);
            System.exit(1);
        }
        System.out.println("haystack tcp ready port=" + listen + " backends=" + (args.length - 1) + " ioThreads=" + LoadBalancer.ioThreads(config));
        Runtime.getRuntime().addShutdownHook(new Thread(lb::close));
        new CountDownLatch(1).await();
    }
}
