package haystack.lb.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import haystack.api.Endpoint;

/**
 * Haystack's load balancer alone, for bench/lb/run.sh: a real registry filled with the
 * given loopback backends as service {@code bench} (Host bench.services.haystack).
 * Usage: BenchMain httpPort backendPort... ; runs until killed.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BenchMain <http port> <backend port>...");
            System.exit(2);
        }
        TestConfig config = new TestConfig();
        config.httpPort = Integer.parseInt(args[0]);
        config.httpAltPort = config.httpPort + 1;
        config.idleTimeout = 50_000;
        config.connectTimeout = 5_000;
        config.passiveProbeInterval = 5_000;
        config.passiveFailures = 3;
        // as HAYSTACK_LB_IO_THREADS; 0 (the product's default) is half the cores
        config.ioThreads = Integer.parseInt(System.getenv().getOrDefault("HAYSTACK_LB_IO_THREADS", "0"));
        // as HAProxy's maxconn in bench/lb/run.sh, so the idle-connection phase compares like with like
        config.maxConnections = 8192;
        LbFixture lb = new LbFixture(config);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            endpoints.add(Endpoint.builder().service("bench").containerId("backend-" + i).containerName("backend-" + i)
                    .address(InetAddress.getLoopbackAddress()).port(Integer.parseInt(args[i])).portName("http").build());
        }
        lb.put(endpoints);
        System.out.println("haystack lb ready port=" + lb.lb.httpPort() + " backends=" + (args.length - 1)
                + " ioThreads=" + LoadBalancer.ioThreads(config));
        Runtime.getRuntime().addShutdownHook(new Thread(lb::close));
        new CountDownLatch(1).await();
    }
}
