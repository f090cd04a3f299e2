package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EtcdKeysTest {

    private final EtcdKeys keys = new EtcdKeys("/haystack/");

    @Test
    void aKeySplitsBackIntoItsThreeSegmentsWhateverTheyHold() {
        String id = "docker:unix:///var/run/docker.sock/0123456789ab/bridge/172.17.0.2/80/tcp";
        String key = keys.key("hello/v1", "host-a", id);
        assertTrue(key.startsWith("/haystack/hello%2Fv1/host-a/docker%3Aunix%3A%2F%2F%2F"), key);
        assertEquals(new EtcdKeys.Path("hello/v1", "host-a", id), keys.parse(key).orElseThrow());
        String odd = keys.key("a b+c", "n%1", "x/y z+");
        assertEquals(new EtcdKeys.Path("a b+c", "n%1", "x/y z+"), keys.parse(odd).orElseThrow());
    }

    @Test
    void keysOfAnotherLayoutAreNotOurs() {
        for (String foreign : new String[] { "/haystack", "/haystack/", "/haystack/svc", "/haystack/svc/node", "/haystack/svc/node/id/extra",
                "/haystack/svc//id", "/haystackx/svc/node/id", "/other/svc/node/id", "/haystack/svc/node/%zz" }) {
            assertTrue(keys.parse(foreign).isEmpty(), foreign);
        }
    }

    @Test
    void theRangeCoversThePrefixAndNothingElse() {
        assertEquals("/haystack/", keys.rangeStart());
        assertEquals("/haystack0", keys.rangeEnd());
        assertTrue("/haystack/zzz".compareTo(keys.rangeEnd()) < 0);
        assertTrue("/haystack-other/x".compareTo(keys.rangeStart()) < 0);
        assertThrows(IllegalArgumentException.class, () -> new EtcdKeys("haystack"));
        assertThrows(IllegalArgumentException.class, () -> new EtcdKeys("/"));
    }
}
