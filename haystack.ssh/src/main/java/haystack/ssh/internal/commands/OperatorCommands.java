package haystack.ssh.internal.commands;

import java.util.List;

import haystack.api.Endpoint;
import haystack.api.Registry;
import haystack.api.trace.TraceListener;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code haystack:} commands that act: trace, drain and undrain. */
@Component(service = OperatorCommands.class, property = {
        "osgi.command.scope=haystack",
        "osgi.command.function=trace",
        "osgi.command.function=drain",
        "osgi.command.function=undrain" })
public final class OperatorCommands {

    private final BundleContext context;
    private final Registry registry;

    @Activate
    public OperatorCommands(BundleContext context, @Reference Registry registry) {
        this.context = context;
        this.registry = registry;
    }

    @Descriptor("show whether this session traces and how many sessions do")
    public String trace(CommandSession session) throws Exception {
        int sessions = context.getServiceReferences(TraceListener.class, null).size();
        return "trace " + (Traces.isOn(session) ? "on" : "off") + " in this session; " + sessions + " session"
                + (sessions == 1 ? "" : "s") + " tracing";
    }

    @Descriptor("stream Docker events, registry changes, DNS queries and routing decisions to this session")
    public String trace(CommandSession session, @Descriptor("true to start, false to stop") boolean on) {
        if (on) {
            return Traces.start(context, session)
                    ? "trace on: docker, registry, dns and route events follow until 'haystack:trace false' or Ctrl-C"
                    : "trace is on already";
        }
        return Traces.stop(session, "command") ? "trace off" : "trace is off already";
    }

    @Descriptor("drain an endpoint: no new requests and no DNS answers, in-flight requests finish")
    public String drain(CommandSession session, @Descriptor("endpoint id, container name or short container id") String endpoint) {
        return mark(session, endpoint, true);
    }

    @Descriptor("lift an operator's drain")
    public String undrain(CommandSession session, @Descriptor("endpoint id, container name or short container id") String endpoint) {
        return mark(session, endpoint, false);
    }

    private String mark(CommandSession session, String which, boolean draining) {
        List<Endpoint> matches = registry.snapshot().endpoints().stream()
                .filter(e -> e.id().equals(which) || e.containerName().equals(which) || e.shortContainerId().equals(which))
                .toList();
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no endpoint or container named '" + which + "' (see haystack:endpoints)");
        }
        Table table = new Table("SERVICE", "CONTAINER", "ENDPOINT", "STATE");
        for (Endpoint e : matches) {
            Audit.record(session, draining ? "drain" : "undrain", "endpoint=" + e.id() + " service=" + e.qualifiedName()
                    + " container=" + e.containerName(), () -> registry.drain(e.id(), draining));
            table.row(e.qualifiedName(), e.containerName(), e.address().getHostAddress() + ":" + e.port(), draining ? "draining" : "serving");
        }
        return table.toString().stripTrailing();
    }
}
