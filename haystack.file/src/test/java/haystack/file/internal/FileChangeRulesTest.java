package haystack.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import haystack.api.Endpoint;
import org.junit.jupiter.api.Test;

/**
 * When a rescan reads a file again although its size and time look unchanged (the read
 * came so soon after the time that an edit in the same clock tick may have been missed),
 * and what a reload keeps of the last one.
 */
class FileChangeRulesTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    /** A fine time (nanoseconds part, as ext4 or tmpfs keep) and whole-second and whole-millisecond ones. */
    private static final long FINE = 1_700_000_000L * SECOND + 123_456_789;
    private static final long WHOLE_SECOND = 1_700_000_000L * SECOND;
    private static final long WHOLE_MILLI = 1_700_000_000L * SECOND + 123 * MILLI;

    @Test
    void aReadSoonAfterAFineTimeIsCheckedOnceMoreALaterOneSettlesIt() {
        assertTrue(ServiceDirectory.mayHideAnEdit(FINE, FINE));
        assertTrue(ServiceDirectory.mayHideAnEdit(FINE, FINE + 50 * MILLI));
        assertFalse(ServiceDirectory.mayHideAnEdit(FINE, FINE + 200 * MILLI));
        assertFalse(ServiceDirectory.mayHideAnEdit(FINE, FINE + 10 * SECOND));
    }

    @Test
    void aReadWithinSecondsOfACoarseTimeIsChecked() {
        for (long t : new long[] { WHOLE_SECOND, WHOLE_MILLI }) {
            assertTrue(ServiceDirectory.mayHideAnEdit(t, t + 200 * MILLI));
            assertTrue(ServiceDirectory.mayHideAnEdit(t, t + 2 * SECOND), "FAT keeps times to 2 s");
            assertFalse(ServiceDirectory.mayHideAnEdit(t, t + 4 * SECOND));
        }
    }

    @Test
    void aClockThatWentBackOrNoTimeAtAll() {
        assertTrue(ServiceDirectory.mayHideAnEdit(FINE, FINE - 50 * MILLI));
        assertTrue(ServiceDirectory.mayHideAnEdit(WHOLE_SECOND, WHOLE_SECOND - 2 * SECOND));
        assertFalse(ServiceDirectory.mayHideAnEdit(-1, FINE), "no time read: the signature decides");
    }

    @Test
    void aReloadKeepsTheObjectsOfUnchangedEndpointsAndTakesTheChangedOnes() throws Exception {
        ServiceFile first = new ServiceFileParser(4096).parse("web", "port: http\nendpoints:\n  - 10.0.0.1:80\n  - 10.0.0.2:80\n");
        ServiceFile second = new ServiceFileParser(4096).parse("web", "port: http\nendpoints:\n  - 10.0.0.1:80\n  - 10.0.0.3:80\n");
        List<Endpoint> before = FileEndpoints.of(first, "file:/d");
        List<Endpoint> now = FileEndpoints.keepingUnchanged(before, FileEndpoints.of(second, "file:/d"));
        assertEquals(FileEndpoints.of(second, "file:/d"), now);
        assertSame(before.get(0), now.get(0));
        assertNotSame(before.get(1), now.get(1));

        ServiceFile weighted = new ServiceFileParser(4096).parse("web", "port: http\nstrategy: random\nendpoints:\n  - 10.0.0.1:80\n");
        List<Endpoint> changed = FileEndpoints.keepingUnchanged(before, FileEndpoints.of(weighted, "file:/d"));
        assertNotSame(before.get(0), changed.get(0), "same address, another strategy: a new endpoint");
        assertEquals("random", changed.get(0).strategy());
    }
}
