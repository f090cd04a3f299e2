package haystack.registry.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;

import haystack.api.trace.TraceEvent;
import haystack.api.trace.TraceListener;
import org.junit.jupiter.api.Test;

class TraceHubTest {

    private static TraceHub.Config config(boolean enabled) {
        return new TraceHub.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TraceHub.Config.class;
            }

            @Override
            public boolean enabled() {
                return enabled;
            }
        };
    }

    @Test
    void activeOnlyWhileSomeoneListens() {
        TraceHub hub = new TraceHub(config(false));
        assertFalse(hub.isActive());
        List<TraceEvent> heard = new ArrayList<>();
        TraceListener listener = heard::add;
        hub.addListener(listener);
        assertTrue(hub.isActive());

        hub.trace(TraceEvent.DNS, "query name=nginx.services.haystack type=A");
        hub.removeListener(listener);
        hub.trace(TraceEvent.DNS, "not heard");

        assertFalse(hub.isActive());
        assertEquals(1, heard.size());
        assertEquals("query name=nginx.services.haystack type=A", heard.get(0).message());
    }

    @Test
    void theLogSettingKeepsItActiveAndAFailingListenerDoesNotStopOthers() {
        TraceHub hub = new TraceHub(config(true));
        assertTrue(hub.isActive());
        List<TraceEvent> heard = new ArrayList<>();
        hub.addListener(e -> { throw new IllegalStateException("broken session"); });
        hub.addListener(heard::add);
        hub.trace(TraceEvent.ROUTE, "picked");
        assertEquals(1, heard.size());
    }
}
