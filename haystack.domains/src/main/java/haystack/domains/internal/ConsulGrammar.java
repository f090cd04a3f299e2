package haystack.domains.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import haystack.api.Endpoint;
import haystack.api.ServiceNames;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneQuery;

/**
 * Consul's DNS grammar under {@code service.consul}, for names the plain grammar does not
 * hold (an exact service or group name always wins):
 * <ul>
 * <li>{@code <tag>.<service>.service.consul}: the service's answer, limited to endpoints
 * with that tag (its load balancer address while one of them is available);</li>
 * <li>{@code <tag>.service.consul}: every service with that tag, as above (seed 001's
 * {@code rest} proxy is Haystack's load balancer, which routes the rest-tagged services);</li>
 * <li>{@code _<service>._tcp.service.consul} and {@code _<service>._<tag>.service.consul}
 * (RFC 2782): the service's SRV records, all or those of endpoints with the tag.</li>
 * </ul>
 * Addresses and SRV records are the services zone's, filtered; never made up here.
 */
final class ConsulGrammar {

    private final DomainsZone.ServicesView services;
    private final ZoneQuery query;
    private final ServiceIndex index;

    ConsulGrammar(DomainsZone.ServicesView services, ZoneQuery query, ServiceIndex index) {
        this.services = services;
        this.query = query;
        this.index = index;
    }

    ZoneAnswer lookup(String relative) {
        String[] labels = relative.split("\\.", -1);
        if (labels.length == 2 && labels[0].startsWith("_") && labels[1].startsWith("_")) {
            return srv(labels[0].substring(1), labels[1].substring(1));
        }
        if (labels.length == 1) {
            return taggedAnywhere(labels[0]);
        }
        return tagged(labels[0], relative.substring(labels[0].length() + 1));
    }

    /** {@code <tag>.<service>}: the service's addresses for its endpoints with the tag. */
    private ZoneAnswer tagged(String tag, String service) {
        List<Endpoint> all = endpointsNamed(service);
        List<Endpoint> withTag = all.stream().filter(e -> hasTag(e, tag)).toList();
        if (withTag.isEmpty()) {
            return ZoneAnswer.nxdomain();
        }
        return ZoneAnswer.of(addresses(service, all, withTag));
    }

    /** {@code <tag>}: every service with endpoints carrying the tag. */
    private ZoneAnswer taggedAnywhere(String tag) {
        Set<String> names = index.tagged(tag);
        if (names.isEmpty()) {
            return ZoneAnswer.nxdomain();
        }
        Set<ResourceRecord> out = new LinkedHashSet<>();
        for (String name : names) {
            List<Endpoint> all = index.named(name);
            out.addAll(addresses(name, all, all.stream().filter(e -> hasTag(e, tag)).toList()));
        }
        return ZoneAnswer.of(List.copyOf(out));
    }

    /**
     * The services zone's A/AAAA records of {@code service}, keeping an endpoint address
     * only when a tagged endpoint has it and Haystack's own (load balancer) address only
     * while a tagged endpoint is available.
     */
    private List<ResourceRecord> addresses(String service, List<Endpoint> all, List<Endpoint> withTag) {
        Set<InetAddress> endpointAddresses = new HashSet<>();
        all.forEach(e -> endpointAddresses.add(e.address()));
        Set<InetAddress> tagged = new HashSet<>();
        withTag.stream().filter(Endpoint::isAvailable).forEach(e -> tagged.add(e.address()));
        List<ResourceRecord> out = new ArrayList<>();
        for (ResourceRecord r : services.at(service, query.name()).records()) {
            if (r instanceof ResourceRecord.Address a
                    && (tagged.contains(a.address()) || (!tagged.isEmpty() && !endpointAddresses.contains(a.address())))) {
                out.add(a);
            }
        }
        return out;
    }

    /** RFC 2782 {@code _<service>._<tag|tcp|udp>}: the service's SRV records, of tagged endpoints unless a protocol is named. */
    private ZoneAnswer srv(String service, String tagOrProtocol) {
        List<Endpoint> all = endpointsNamed(service);
        boolean protocol = tagOrProtocol.equals("tcp") || tagOrProtocol.equals("udp");
        List<Endpoint> chosen = all.stream()
                .filter(e -> protocol ? e.protocol().label().equals(tagOrProtocol) : hasTag(e, tagOrProtocol)).toList();
        if (chosen.isEmpty()) {
            return ZoneAnswer.nxdomain();
        }
        Set<String> targets = new HashSet<>();
        Set<String> owners = new LinkedHashSet<>();
        for (Endpoint e : chosen) {
            if (e.isAvailable() && ServiceNames.isValidLabel(e.portName())) {
                ServiceNames.normalizeLabel(e.containerName())
                        .ifPresent(l -> targets.add(l + ".containers." + services.origin() + ":" + e.port()));
                owners.add("_" + e.portName() + "._" + e.protocol().label() + "." + service);
            }
        }
        Set<ResourceRecord> out = new LinkedHashSet<>();
        for (String owner : owners) {
            for (ResourceRecord r : services.at(owner, query.name()).records()) {
                if (r instanceof ResourceRecord.Service s && targets.contains(s.target() + ":" + s.port())) {
                    out.add(s);
                }
            }
        }
        return ZoneAnswer.of(List.copyOf(out));
    }

    /** The endpoints served under {@code name} (an exact service beats an equal group name). */
    private List<Endpoint> endpointsNamed(String name) {
        return index.named(name);
    }

    private static boolean hasTag(Endpoint e, String label) {
        for (String tag : e.tags()) {
            if (tag.toLowerCase(Locale.ROOT).equals(label)) {
                return true;
            }
        }
        return false;
    }
}
