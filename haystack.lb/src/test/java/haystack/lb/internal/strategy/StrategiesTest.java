package haystack.lb.internal.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Each strategy's defining property, checked over many picks on a fake pool. */
class StrategiesTest {

    private static InetAddress client(int n) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] { 10, 1, (byte) (n >> 8), (byte) n });
    }

    @Test
    void roundRobinCyclesExactly() {
        FakePool pool = FakePool.of(4);
        RoundRobinStrategy rr = new RoundRobinStrategy();
        for (int i = 0; i < 40; i++) {
            assertEquals(i % 4, rr.select(pool, null));
        }
    }

    @Test
    void randomStaysInRangeAndReachesEveryEndpoint() {
        FakePool pool = FakePool.of(5);
        RandomStrategy random = new RandomStrategy();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            int pick = random.select(pool, null);
            assertTrue(pick >= 0 && pick < 5, "pick " + pick);
            seen.add(pick);
        }
        assertEquals(Set.of(0, 1, 2, 3, 4), seen);
    }

    @Test
    void leastRequestsPrefersTheIdleEndpoint() {
        FakePool pool = FakePool.of(4);
        pool.active(0, 7);
        pool.active(1, 3);
        pool.active(2, 0);
        pool.active(3, 5);
        LeastRequestsStrategy least = new LeastRequestsStrategy();
        for (int i = 0; i < 20; i++) {
            assertEquals(2, least.select(pool, null));
        }
    }

    @Test
    void leastRequestsSharesTiesInTurn() {
        FakePool pool = FakePool.of(3);
        LeastRequestsStrategy least = new LeastRequestsStrategy();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            seen.add(least.select(pool, null));
        }
        assertEquals(Set.of(0, 1, 2), seen);
    }

    @Test
    void powerOfTwoChoicesNeverPicksTheBusierOfTwo() {
        FakePool pool = FakePool.of(2);
        pool.active(0, 9);
        PowerOfTwoChoicesStrategy p2c = new PowerOfTwoChoicesStrategy();
        for (int i = 0; i < 200; i++) {
            assertEquals(1, p2c.select(pool, null));
        }
    }

    @Test
    void powerOfTwoChoicesNeverPicksTheBusiestOfMany() {
        FakePool pool = FakePool.of(5);
        pool.active(3, 100);
        PowerOfTwoChoicesStrategy p2c = new PowerOfTwoChoicesStrategy();
        for (int i = 0; i < 500; i++) {
            assertNotEquals(3, p2c.select(pool, null));
        }
    }

    @Test
    void weightedFollowsWeightsExactlyOverEachRound() {
        FakePool pool = new FakePool(1, 3, 0, 6);
        WeightedStrategy weighted = new WeightedStrategy();
        int[] counts = new int[4];
        for (int i = 0; i < 1000; i++) {
            counts[weighted.select(pool, null)]++;
        }
        assertEquals(100, counts[0]);
        assertEquals(300, counts[1]);
        assertEquals(0, counts[2]);
        assertEquals(600, counts[3]);
    }

    @Test
    void weightedTreatsAllZeroWeightsAsEqual() {
        FakePool pool = new FakePool(0, 0);
        WeightedStrategy weighted = new WeightedStrategy();
        assertEquals(0, weighted.select(pool, null));
        assertEquals(1, weighted.select(pool, null));
    }

    @Test
    void consistentHashKeepsEachClientOnOneEndpointAndSpreadsClients() throws Exception {
        FakePool pool = FakePool.of(4);
        ConsistentHashStrategy hash = new ConsistentHashStrategy();
        int[] perEndpoint = new int[4];
        for (int c = 0; c < 400; c++) {
            int first = hash.select(pool, client(c));
            for (int again = 0; again < 5; again++) {
                assertEquals(first, hash.select(pool, client(c)));
            }
            perEndpoint[first]++;
        }
        for (int count : perEndpoint) {
            assertTrue(count > 50, "clients per endpoint " + java.util.Arrays.toString(perEndpoint));
        }
    }

    @Test
    void consistentHashMovesOnlyTheClientsOfARemovedEndpoint() throws Exception {
        FakePool pool = FakePool.of(4);
        FakePool smaller = pool.without(2);
        ConsistentHashStrategy hash = new ConsistentHashStrategy();
        for (int c = 0; c < 400; c++) {
            int before = hash.select(pool, client(c));
            int after = hash.select(smaller, client(c));
            if (before != 2) {
                assertEquals(pool.endpoint(before).id(), smaller.endpoint(after).id(), "client " + c + " moved");
            }
        }
    }
}
