package haystack.itest.ssh.zone;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;

/**
 * A plug-in zone inside Haystack's services zone, {@code lab.services.<origin>}, holding
 * {@code db.lab.services.<origin>} only: a name whose first matching zone (services) is not
 * its longest (lab.services).
 */
public final class LabZone implements ZoneProvider {

    public static final String ADDRESS = "198.51.100.7";

    @Override
    public List<String> zones() {
        return List.of("lab.services");
    }

    @Override
    public ZoneAnswer lookup(ZoneQuery query) {
        if (!query.name().equals("db.lab.services." + query.origin())) {
            return ZoneAnswer.nxdomain();
        }
        try {
            return ZoneAnswer.of(List.of(new ResourceRecord.Address(query.name(), InetAddress.getByName(ADDRESS))));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
