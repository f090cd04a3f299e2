package haystack.lb.internal.tcp;

import haystack.api.trace.Tracer;
import haystack.lb.internal.io.ConnectionLimit;
import haystack.lb.internal.routing.BackendChooser;

/** What every relayed connection shares: the chooser, the connection limit, tracing and the settings. */
public final class TcpContext {

    final BackendChooser chooser;
    final ConnectionLimit limit;
    final Tracer tracer;
    volatile TcpSettings settings;

    public TcpContext(BackendChooser chooser, ConnectionLimit limit, Tracer tracer, TcpSettings settings) {
        this.chooser = chooser;
        this.limit = limit;
        this.tracer = tracer;
        this.settings = settings;
    }

    /** Takes settings that apply to new connections (and to the idle timeout of open ones). */
    public void apply(TcpSettings next) {
        settings = next;
    }
}
