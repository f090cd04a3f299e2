package haystack.dns.internal.zones;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The marks a cached response keeps: they see every later change of their name, and a reset. */
class NameChangesTest {

    @Test
    void aKeptMarkSeesALaterChangeOfItsNameOnly() {
        NameChanges changes = new NameChanges();
        long since = NameChanges.now();
        NameChanges.Mark redis = changes.mark("redis.services.haystack");
        NameChanges.Mark web = changes.mark("web.services.haystack");
        assertSame(redis, changes.mark("redis.services.haystack"));
        assertTrue(changes.unchangedSince(redis, since));
        changes.changed("redis.services.haystack");
        assertFalse(changes.unchangedSince(redis, since));
        assertTrue(changes.unchangedSince(web, since));
        assertTrue(changes.unchangedSince(redis, NameChanges.now()), "a response made after the change");
    }

    @Test
    void aMarkMadeAfterTheChangeStillSeesIt() {
        NameChanges changes = new NameChanges();
        long since = NameChanges.now();
        changes.changed("redis.services.haystack");   // between the clock read and the response stored
        assertFalse(changes.unchangedSince(changes.mark("redis.services.haystack"), since));
    }

    @Test
    void marksKeptAcrossAResetNeverPassAnOlderResponse() {
        NameChanges changes = new NameChanges();
        long since = NameChanges.now();
        NameChanges.Mark orphan = changes.mark("redis.services.haystack");
        changes.forgetAll();
        // the change sets a new mark: the kept one never hears of it, the floor must say so
        changes.changed("redis.services.haystack");
        assertFalse(changes.unchangedSince(orphan, since));
        assertFalse(changes.unchangedSince("web.services.haystack", since));
        long after = NameChanges.now();
        assertTrue(changes.unchangedSince(changes.mark("web.services.haystack"), after));
    }

    @Test
    void tooManyNamesForgetAllRatherThanGrow() {
        NameChanges changes = new NameChanges();
        long since = NameChanges.now();
        NameChanges.Mark first = changes.mark("n0.services.haystack");
        for (int i = 1; i <= NameChanges.CAPACITY; i++) {
            changes.mark("n" + i + ".services.haystack");
        }
        assertFalse(changes.unchangedSince(first, since), "forgotten: nothing older can be trusted");
        assertTrue(changes.unchangedSince(changes.mark("n0.services.haystack"), NameChanges.now()));
    }
}
