package haystack.etcd.internal;

import java.util.Map;

/**
 * {@code haystack:etcd}: this node's link to etcd as the shell shows it (connection,
 * lease, keys written, the other nodes seen and their endpoint counts). A plain object:
 * Gogo finds it by its {@code osgi.command.*} service properties.
 */
public final class EtcdCommand {

    static final Map<String, Object> PROPERTIES = Map.of("osgi.command.scope", "haystack", "osgi.command.function", new String[] { "etcd" });

    private final EtcdSync sync;
    private final String node;
    private final String prefix;

    /** @param sync null when etcd is off */
    EtcdCommand(EtcdSync sync, String node, String prefix) {
        this.sync = sync;
        this.node = node;
        this.prefix = prefix;
    }

    public String etcd() {
        if (sync == null) {
            return "etcd off (set HAYSTACK_ETCD to share the registry with other hosts)\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("etcd ").append(sync.connected() ? "connected" : "NOT CONNECTED").append(" endpoint=").append(sync.endpoint())
                .append(" node=").append(node).append(" prefix=").append(prefix).append('\n');
        long lease = sync.lease();
        out.append("lease ").append(lease == 0 ? "none" : Long.toHexString(lease)).append(" ttl=").append(sync.leaseTtl()).append("s\n");
        out.append("written puts=").append(sync.puts()).append(" deletes=").append(sync.deletes()).append(" resyncs=").append(sync.resyncs())
                .append(" watchEvents=").append(sync.watchEvents()).append('\n');
        Map<String, Integer> nodes = sync.nodes();
        if (nodes.isEmpty()) {
            out.append("no other node seen\n");
        }
        nodes.forEach((name, count) -> out.append("node ").append(name).append(" endpoints=").append(count).append('\n'));
        return out.toString();
    }
}
