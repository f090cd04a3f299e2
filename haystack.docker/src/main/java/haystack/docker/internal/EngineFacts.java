package haystack.docker.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.NetworkSettings;
import com.github.dockerjava.api.model.Ports;
import haystack.api.Protocol;
import haystack.docker.internal.ContainerFacts.Attachment;
import haystack.docker.internal.ContainerFacts.Binding;
import haystack.docker.internal.ContainerFacts.Port;

/** Reads {@link ContainerFacts} out of docker-java's container inspection. */
final class EngineFacts {

    private EngineFacts() {
    }

    static ContainerFacts of(InspectContainerResponse r) {
        ContainerConfig config = r.getConfig();
        Map<String, String> labels = config != null && config.getLabels() != null ? config.getLabels() : Map.of();
        Map<String, String> env = new HashMap<>();
        if (config != null && config.getEnv() != null) {
            for (String kv : config.getEnv()) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        Map<String, List<Binding>> ports = new LinkedHashMap<>();
        if (config != null && config.getExposedPorts() != null) {
            for (ExposedPort p : config.getExposedPorts()) {
                ports.putIfAbsent(key(p), new ArrayList<>());
            }
        }
        NetworkSettings net = r.getNetworkSettings();
        if (net != null && net.getPorts() != null) {
            for (Map.Entry<ExposedPort, Ports.Binding[]> e : net.getPorts().getBindings().entrySet()) {
                List<Binding> bindings = ports.computeIfAbsent(key(e.getKey()), k -> new ArrayList<>());
                if (e.getValue() != null) {
                    for (Ports.Binding b : e.getValue()) {
                        binding(b, bindings);
                    }
                }
            }
        }
        List<Port> portList = new ArrayList<>();
        ports.forEach((key, bindings) -> {
            if (key != null) {
                String[] pp = key.split("/");
                portList.add(new Port(Integer.parseInt(pp[0]), Protocol.parse(pp[1]), bindings));
            }
        });
        List<Attachment> networks = new ArrayList<>();
        if (net != null && net.getNetworks() != null) {
            for (Map.Entry<String, ContainerNetwork> e : net.getNetworks().entrySet()) {
                InetAddress v4 = literal(e.getValue().getIpAddress());
                InetAddress v6 = literal(e.getValue().getGlobalIPv6Address());
                if (v4 != null || v6 != null) {
                    networks.add(new Attachment(e.getKey(), v4, v6));
                }
            }
        }
        var state = r.getState();
        boolean running = state != null && Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getPaused());
        String health = state != null && state.getHealth() != null ? state.getHealth().getStatus() : null;
        String name = r.getName() != null && r.getName().startsWith("/") ? r.getName().substring(1) : r.getName();
        return new ContainerFacts(r.getId(), name, config == null ? null : config.getImage(), labels, env, portList,
                networks, health, running);
    }

    /** "80/tcp", or null for protocols Haystack does not route (sctp). */
    private static String key(ExposedPort p) {
        if (p.getProtocol() == InternetProtocol.SCTP) {
            return null;
        }
        return p.getPort() + "/" + (p.getProtocol() == InternetProtocol.UDP ? "udp" : "tcp");
    }

    private static void binding(Ports.Binding b, List<Binding> out) {
        try {
            int hostPort = Integer.parseInt(b.getHostPortSpec());
            InetAddress ip = literal(b.getHostIp());
            out.add(new Binding(ip, hostPort));
        } catch (NumberFormatException e) {
            // a port range not yet assigned carries no single host port: nothing to register
        }
    }

    /** An IP literal, or null for an empty string. Never a DNS lookup: Docker gives literals. */
    static InetAddress literal(String ip) {
        if (ip == null || ip.isEmpty()) {
            return null;
        }
        if (!ip.matches("[0-9a-fA-F:.%]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
