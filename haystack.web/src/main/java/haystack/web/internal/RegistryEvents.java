package haystack.web.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import haystack.api.Endpoint;
import haystack.api.RegistryChange;
import haystack.api.RegistrySnapshot;

/**
 * Turns one registry change into one dashboard event. A change that belongs to the
 * initial synchronisation (the catch-up a listener gets when it comes, or any change
 * before the registry is ready, as after a restart) is a {@code sync}: the page takes its
 * endpoints and shows one line for it, not an "added" line per existing container. Other
 * changes are a {@code change} with one line per endpoint, each named for what happened
 * (added, removed, health, drain, undrain, updated). A change too large to send whole is a
 * {@code reload}: the page fetches {@code /api/state}.
 */
final class RegistryEvents {

    /** Endpoints (added, removed and updated together) above which a change is sent as {@code reload}. */
    static final int MAX_ENDPOINTS = 1000;

    record Event(String type, String data) {
    }

    private RegistryEvents() {
    }

    /** The event for {@code change}, or null when it changed nothing the page shows. */
    static Event of(RegistryChange change, long now, DashboardState state) {
        RegistrySnapshot current = change.current();
        boolean sync = isSync(change);
        if (change.isEmpty()) {
            if (!change.becameReady()) {
                return null;
            }
            return new Event("ready", new Json().object().field("time", now).field("endpoints", current.size())
                    .field("services", current.services().size()).end().toString());
        }
        int size = change.added().size() + change.removed().size() + change.updated().size();
        if (size > MAX_ENDPOINTS) {
            return new Event("reload", new Json().object().field("time", now).field("sync", sync).field("ready", current.ready())
                    .field("added", change.added().size()).field("removed", change.removed().size())
                    .field("updated", change.updated().size()).end().toString());
        }
        Map<String, String> verdicts = state.verdicts();
        Json j = new Json().object().field("time", now).field("version", current.version()).field("ready", current.ready());
        j.name("added").array();
        change.added().forEach(e -> j.raw(EndpointStatus.json(e, verdicts)));
        j.end().name("updated").array();
        change.updated().forEach(e -> j.raw(EndpointStatus.json(e, verdicts)));
        j.end().name("removed").array();
        change.removed().forEach(e -> j.value(e.id()));
        j.end();
        List<Endpoint> touched = new ArrayList<>(change.added());
        touched.addAll(change.updated());
        j.name("strategies").raw(state.strategies(current, touched));
        if (sync) {
            j.field("endpoints", current.size()).field("services", current.services().size());
        } else {
            j.name("lines").array();
            change.added().forEach(e -> line(j, "added", e, null));
            change.removed().forEach(e -> line(j, "removed", e, null));
            for (Endpoint e : change.updated()) {
                Endpoint before = change.previous().endpoint(e.id()).orElse(null);
                line(j, kind(before, e), e, before);
            }
            j.end();
        }
        return new Event(sync ? "sync" : "change", j.end().toString());
    }

    static boolean isSync(RegistryChange change) {
        return change.previous() == RegistrySnapshot.EMPTY || !change.current().ready();
    }

    /** What an update was: a drain, an undrain, a health change, or something else (labels, weight). */
    static String kind(Endpoint before, Endpoint after) {
        if (before == null) {
            return "updated";
        }
        if (before.draining() != after.draining()) {
            return after.draining() ? "drain" : "undrain";
        }
        if (before.health() != after.health()) {
            return "health";
        }
        return "updated";
    }

    private static void line(Json j, String kind, Endpoint e, Endpoint before) {
        j.object().field("kind", kind).field("service", e.qualifiedName()).field("container", e.containerName())
                .field("endpoint", ChangeFeed.address(e)).field("health", e.health().label())
                .field("was", before == null || before.health() == e.health() ? null : before.health().label()).end();
    }
}
