package haystack.example.source;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.Protocol;
import haystack.api.ServiceNames;
import org.slf4j.Logger;

/** The endpoints of {@code <service>=<address>:<port>,...} lines; a bad entry is logged and left out, the rest kept. */
final class ServiceLines {

    /** An IPv4 literal or a bracketed IPv6 literal, then a port: addresses only, never a host name to resolve. */
    private static final Pattern ADDRESS_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");

    private ServiceLines() {
    }

    static List<Endpoint> endpoints(Properties services, Logger log) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String service : new TreeSet<>(services.stringPropertyNames())) {
            if (!ServiceNames.isValidService(service)) {
                log.warn("example source entry ignored service={} reason=not a service name", service);
                continue;
            }
            for (String entry : services.getProperty(service).split(",")) {
                String addressPort = entry.strip();
                try {
                    endpoints.add(endpoint(service, addressPort));
                } catch (IllegalArgumentException | UnknownHostException e) {
                    log.warn("example source entry ignored service={} endpoint={} reason={}",
                            service, addressPort, e.getMessage());
                }
            }
        }
        return endpoints;
    }

    private static Endpoint endpoint(String service, String addressPort) throws UnknownHostException {
        Matcher m = ADDRESS_PORT.matcher(addressPort);
        if (!m.matches()) {
            throw new IllegalArgumentException("not <IPv4>:<port> or [<IPv6>]:<port>");
        }
        int port = Integer.parseInt(m.group(2));
        // a literal: getByName checks it and never asks DNS
        InetAddress address = InetAddress.getByName(m.group(1));
        return Endpoint.builder()
                .service(service)
                // the service plays the part of a container: one name in the shell per entry
                .containerId("properties:" + service)
                .containerName(service + "@" + addressPort)
                .address(address)
                .port(port)
                .protocol(Protocol.TCP)
                .portName("http")
                .health(Health.UNKNOWN)
                .build();
    }
}
