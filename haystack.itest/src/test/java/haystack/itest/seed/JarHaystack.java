package haystack.itest.seed;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import com.github.dockerjava.api.DockerClient;
import haystack.itest.HaystackProcess;
import haystack.itest.Ports;

/**
 * {@code ./haystack}: the exported jar on the host, configured by environment variables
 * only, listening on the well-known ports of the bridge's gateway so containers reach it.
 */
final class JarHaystack implements RunningHaystack {

    private final HaystackProcess process;
    private final String address;
    private final int sshPort;

    JarHaystack(DockerClient docker, Path dir, String authorizedKey) throws Exception {
        address = bridgeGateway(docker);
        sshPort = Ports.free();
        Map<String, String> env = new HashMap<>(Ports.allFree(dir));
        env.put("HAYSTACK_DNS_PORT", "53");
        env.put("HAYSTACK_HTTP_PORT", "80");
        env.put("HAYSTACK_HTTP_ALT_PORT", "8080");
        env.put("HAYSTACK_ADDRESS", address);
        env.put("HAYSTACK_SSH_PORT", String.valueOf(sshPort));
        env.put("HAYSTACK_SSH_AUTHORIZED_KEYS", authorizedKey);
        process = new HaystackProcess(Path.of(System.getProperty("java.home")), dir, env);
    }

    /** The IPv4 address of the default bridge's interface, whose name the engine reports. */
    static String bridgeGateway(DockerClient docker) throws Exception {
        Map<String, String> options = docker.inspectNetworkCmd().withNetworkId("bridge").exec().getOptions();
        String name = options == null ? null : options.get("com.docker.network.bridge.name");
        NetworkInterface bridge = NetworkInterface.getByName(name == null ? "docker0" : name);
        if (bridge == null) {
            throw new IllegalStateException("the engine's default bridge " + name + " is not an interface of this host");
        }
        return bridge.inetAddresses().filter(a -> a instanceof Inet4Address).map(InetAddress::getHostAddress).findFirst()
                .orElseThrow(() -> new IllegalStateException("bridge " + name + " has no IPv4 address"));
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public int sshPort() {
        return sshPort;
    }

    @Override
    public String awaitLine(Predicate<String> match, Duration timeout) throws Exception {
        return process.awaitLine(match, timeout);
    }

    @Override
    public String output() {
        return process.output();
    }

    @Override
    public int stop() throws Exception {
        process.terminate();
        return process.awaitExit(Duration.ofSeconds(30));
    }

    @Override
    public void close() throws Exception {
        process.close();
    }

    @Override
    public String toString() {
        return "java -jar haystack.jar";
    }
}
