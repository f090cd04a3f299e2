package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;

import haystack.api.Endpoint;
import haystack.api.RegistryChange;
import haystack.api.RegistrySnapshot;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {

    private static Endpoint endpoint(String container, int port) {
        return Endpoint.builder().service("web").containerId(container).containerName(container)
                .address(InetAddress.getLoopbackAddress()).port(port).portName("http").build();
    }

    @Test
    void keepsTheLastEntriesNumberedAndAnswersOnlyNewerOnes() {
        ChangeFeed feed = new ChangeFeed(3);
        Endpoint a = endpoint("a1", 80);
        Endpoint b = endpoint("b1", 81);
        RegistrySnapshot one = new RegistrySnapshot(1, List.of(a, b));
        feed.record(new RegistryChange(new RegistrySnapshot(0, List.of()), one, List.of(a, b), List.of(), List.of()), 1000);
        RegistrySnapshot two = new RegistrySnapshot(2, List.of(b));
        feed.record(new RegistryChange(one, two, List.of(), List.of(a), List.of()), 2000);
        Endpoint drained = b.toBuilder().draining(true).build();
        feed.record(new RegistryChange(two, new RegistrySnapshot(3, List.of(drained)), List.of(), List.of(), List.of(drained)), 3000);

        List<ChangeFeed.Entry> all = feed.since(0);
        assertEquals(List.of(2L, 3L, 4L), all.stream().map(ChangeFeed.Entry::seq).toList(), "the oldest dropped");
        assertEquals("removed", all.get(1).kind());
        assertEquals("a1", all.get(1).container());
        assertEquals("127.0.0.1:80/tcp", all.get(1).endpoint());
        assertEquals(true, all.get(2).draining());
        assertEquals(List.of(4L), feed.since(3).stream().map(ChangeFeed.Entry::seq).toList());
        assertEquals(List.of(), feed.since(4));
    }

    @Test
    void theInitialSyncIsOneEntryNotAnAddedLinePerEndpoint() {
        ChangeFeed feed = new ChangeFeed(10);
        Endpoint a = endpoint("a1", 80);
        Endpoint b = endpoint("b1", 81);
        // a restart: the catch-up from the empty registry, then a source's listing before the registry is ready
        RegistrySnapshot starting = new RegistrySnapshot(1, List.of(a), false);
        feed.record(new RegistryChange(RegistrySnapshot.EMPTY, starting, List.of(a), List.of(), List.of()), 1000);
        RegistrySnapshot listed = new RegistrySnapshot(2, List.of(a, b), false);
        feed.record(new RegistryChange(starting, listed, List.of(b), List.of(), List.of()), 1100);
        RegistrySnapshot ready = new RegistrySnapshot(3, List.of(a, b), true);
        feed.record(new RegistryChange(listed, ready, List.of(), List.of(), List.of()), 1200);
        assertEquals(List.of("sync", "sync"), feed.since(0).stream().map(ChangeFeed.Entry::kind).toList());
        assertEquals("2 endpoints", feed.since(1).get(0).endpoint());

        Endpoint c = endpoint("c1", 82);
        feed.record(new RegistryChange(ready, new RegistrySnapshot(4, List.of(a, b, c), true), List.of(c), List.of(), List.of()), 1300);
        assertEquals("added", feed.since(2).get(0).kind(), "after the sync, a real change");
    }

    @Test
    void aFeedWithoutRoomIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ChangeFeed(0));
    }
}
