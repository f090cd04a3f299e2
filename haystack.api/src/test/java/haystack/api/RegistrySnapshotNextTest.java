package haystack.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** A snapshot made change by change ({@link RegistrySnapshot#next}) against one built from scratch. */
class RegistrySnapshotNextTest {

    private static Endpoint endpoint(String service, String group, String container, int port) throws Exception {
        return Endpoint.builder().service(service).group(group).containerId(container).containerName(container)
                .address(InetAddress.getByName("10.0.0." + (port % 250 + 1))).port(port).build();
    }

    @Test
    void aChangeTouchesOnlyItsServiceTheOthersListsAreTheSameObjects() throws Exception {
        List<Endpoint> all = new ArrayList<>();
        for (int s = 0; s < 50; s++) {
            for (int i = 0; i < 4; i++) {
                all.add(endpoint("s" + s, null, "c" + s + "-" + i, 80));
            }
        }
        RegistrySnapshot before = new RegistrySnapshot(1, all);
        Endpoint moved = endpoint("s7", null, "c7-1", 81);
        String gone = before.service("s7").stream().filter(e -> e.containerId().equals("c7-0")).findFirst().orElseThrow().id();
        RegistrySnapshot after = before.next(2, true, List.of(gone), List.of(moved));
        for (String service : before.services()) {
            if (service.equals("s7")) {
                assertNotSame(before.service(service), after.service(service));
            } else {
                assertSame(before.service(service), after.service(service), service + " was not changed: its list is reused");
            }
        }
        assertEquals(200, before.size(), "the earlier snapshot is unchanged");
        for (int i = 0; i < after.size(); i++) {
            Endpoint e = after.endpoints().get(i);
            if (!e.service().equals("s7")) {
                assertSame(before.endpoint(e.id()).orElseThrow(), e);
            }
        }
        List<String> changed = new ArrayList<>();
        after.changesSince(before, (old, now) -> changed.add((old == null ? "-" : old.id()) + ">" + (now == null ? "-" : now.id())));
        List<String> want = new ArrayList<>();
        before.service("s7").stream().filter(e -> e.port() == 80 && !after.endpoint(e.id()).isPresent()).forEach(e -> want.add(e.id() + ">-"));
        want.add("->" + moved.id());
        want.sort(null);
        changed.sort(null);
        assertEquals(want, changed);
        assertEquals(List.of(), changesOf(after, after), "a snapshot has no changes since itself");
    }

    @Test
    void randomChangesGiveWhatAFreshBuildGives() throws Exception {
        Random random = new Random(20);
        String[] services = { "web", "api", "web.nginx", "nginx", "db", "a.b.c", "b.c" };
        String[] groups = { null, null, "web", "a", "shop-web" };
        Map<String, Endpoint> model = new TreeMap<>();
        RegistrySnapshot snapshot = new RegistrySnapshot(0, List.of());
        for (int step = 1; step <= 600; step++) {
            List<String> removed = new ArrayList<>();
            Map<String, Endpoint> put = new HashMap<>();
            int n = step % 97 == 0 ? 150 : 1 + random.nextInt(4); // now and then a resynchronisation-sized change
            for (int k = 0; k < n; k++) {
                if (!model.isEmpty() && random.nextInt(3) == 0) {
                    List<String> ids = new ArrayList<>(model.keySet());
                    removed.add(ids.get(random.nextInt(ids.size())));
                } else {
                    Endpoint e = endpoint(services[random.nextInt(services.length)], groups[random.nextInt(groups.length)],
                            "c" + random.nextInt(120), 80 + random.nextInt(3));
                    put.put(e.id(), e);
                }
            }
            removed.add("/no-such/tcp/1");
            RegistrySnapshot previous = snapshot;
            snapshot = snapshot.next(step, true, removed, put.values());
            removed.forEach(model::remove);
            model.putAll(put);
            RegistrySnapshot fresh = new RegistrySnapshot(step, model.values());
            assertSameContent(fresh, snapshot, "step " + step);
            Map<String, Endpoint[]> naive = new TreeMap<>();
            for (Endpoint e : previous.endpoints()) {
                naive.put(e.id(), new Endpoint[] { e, null });
            }
            for (Endpoint e : snapshot.endpoints()) {
                naive.computeIfAbsent(e.id(), id -> new Endpoint[2])[1] = e;
            }
            List<String> want = new ArrayList<>();
            naive.forEach((id, pair) -> {
                if (pair[0] != pair[1]) {
                    want.add(id);
                }
            });
            List<String> got = new ArrayList<>();
            snapshot.changesSince(previous, (old, now) -> got.add(old != null ? old.id() : now.id()));
            assertEquals(want, got, "step " + step + ": changes in id order");
            if (step % 50 == 0) {
                List<String> fromFresh = new ArrayList<>();
                snapshot.changesSince(new RegistrySnapshot(0, List.of()), (old, now) -> fromFresh.add(now.id()));
                assertEquals(new ArrayList<>(model.keySet()), fromFresh, "against an unrelated snapshot every endpoint is new");
            }
        }
    }

    @Test
    void anIdPutTwiceInOneChangeIsRefused() throws Exception {
        Endpoint e = endpoint("web", null, "c1", 80);
        assertThrows(IllegalArgumentException.class, () -> RegistrySnapshot.EMPTY.next(1, true, List.of(), List.of(e, e)));
    }

    private static List<String> changesOf(RegistrySnapshot now, RegistrySnapshot earlier) {
        List<String> out = new ArrayList<>();
        now.changesSince(earlier, (old, e) -> out.add(String.valueOf(old) + ">" + e));
        return out;
    }

    private static void assertSameContent(RegistrySnapshot want, RegistrySnapshot got, String where) {
        assertEquals(want.endpoints(), got.endpoints(), where);
        assertEquals(want.size(), got.size(), where);
        assertEquals(List.copyOf(want.services()), List.copyOf(got.services()), where + ": services in first-endpoint order");
        for (String s : want.services()) {
            assertEquals(want.service(s), got.service(s), where + " service " + s);
        }
        assertEquals(List.of(), got.service("no-such-service"));
        for (Endpoint e : want.endpoints()) {
            assertEquals(want.shadowed(e), got.shadowed(e), where + " shadowed " + e.id());
            assertSame(e, got.endpoint(e.id()).orElseThrow(), where);
        }
        for (int i = 0; i < got.size(); i += 7) {
            assertSame(want.endpoints().get(i), got.endpoints().get(i), where + " index " + i);
        }
    }
}
