package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Recognising Haystack's own container from what a containerised process reads (samples in resources/…/own). */
class OwnContainerTest {

    private static final String V1_ID = "b4a955576ea4439f92707ab73cf8f4e7e0629109b3cc50f19a72319a66c67fa2";
    private static final String V1_PRIVATE_NS_ID = "740b39cb0c30cca71017d5919bc2b173e950de41413d57c0db91aecfbcd4700b";
    private static final String V2_ID = "3f9a1c02b7e84d5aa61e0c7d2b94f18e6c35a7d08e1f24b9c6d3a5e7f0b12c48";
    private static final String OTHER_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static String sample(String name) {
        try (InputStream in = OwnContainerTest.class.getResourceAsStream("own/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static ContainerFacts container(String id, String name) {
        return new ContainerFacts(id, name, "haystack", Map.of(), Map.of(), List.of(), List.of(), null, true);
    }

    @Test
    void cgroupV1MountinfoAndCgroupBothNameTheContainer() {
        assertEquals(V1_ID, OwnContainer.fromMountinfo(sample("docker-20.10-cgroup-v1.mountinfo")));
        assertEquals(V1_ID, OwnContainer.fromCgroup(sample("docker-20.10-cgroup-v1.cgroup")));
        OwnContainer own = OwnContainer.of(sample("docker-20.10-cgroup-v1.mountinfo"), sample("docker-20.10-cgroup-v1.cgroup"),
                sample("docker-20.10-cgroup-v1.hostname"));
        assertEquals("b4a955576ea4 from=mountinfo", own.toString());
        assertTrue(own.is(container(V1_ID, "haystack")));
        assertFalse(own.is(container(OTHER_ID, "web-1")));
    }

    @Test
    void privateCgroupNamespaceLeavesOnlyMountinfo() {
        assertNull(OwnContainer.fromCgroup(sample("docker-20.10-cgroup-v1-private-ns.cgroup")));
        OwnContainer own = OwnContainer.of(sample("docker-20.10-cgroup-v1-private-ns.mountinfo"),
                sample("docker-20.10-cgroup-v1-private-ns.cgroup"), "740b39cb0c30");
        assertEquals("740b39cb0c30 from=mountinfo", own.toString());
        assertTrue(own.is(container(V1_PRIVATE_NS_ID, "haystack")));
    }

    @Test
    void cgroupV2() {
        String mountinfo = sample("docker-24-cgroup-v2.mountinfo");
        assertNull(OwnContainer.fromCgroup(sample("docker-24-cgroup-v2.cgroup")), "0::/ names nothing");
        assertEquals(V2_ID, OwnContainer.fromMountinfo(mountinfo), "the container's files, not the overlay layer's directory");
        OwnContainer own = OwnContainer.of(mountinfo, sample("docker-24-cgroup-v2.cgroup"), sample("docker-24-cgroup-v2.hostname"));
        assertTrue(own.is(container(V2_ID, "haystack")));
        assertFalse(own.is(container(OTHER_ID, "haystack")), "an id match, not a name match");
    }

    @Test
    void cgroupWhenMountinfoSaysNothing() {
        assertEquals(V2_ID, OwnContainer.fromCgroup("0::/system.slice/docker-" + V2_ID + ".scope\n"), "v2, host namespace, systemd driver");
        assertEquals(V1_ID, OwnContainer.fromCgroup("4:memory:/system.slice/docker-" + V1_ID + ".scope\n1:name=systemd:/\n"));
        assertEquals(V2_ID, OwnContainer.fromCgroup("0::/docker/" + V1_ID + "/docker/" + V2_ID + "\n"), "docker in docker: the inner one");
        assertEquals(V1_ID, OwnContainer.fromCgroup("0::/../docker-" + V1_ID + ".scope\n"));
        assertNull(OwnContainer.fromCgroup("0::/user.slice/user-1000.slice/session-2.scope\n"));
        assertNull(OwnContainer.fromCgroup("0::/docker/" + V1_ID + "x\n"), "not an id");
        OwnContainer own = OwnContainer.of("", "0::/system.slice/docker-" + V2_ID + ".scope\n", "haystack");
        assertEquals("3f9a1c02b7e8 from=cgroup", own.toString());
        assertTrue(own.is(container(V2_ID, "whatever")));
    }

    @Test
    void onlyTheContainersOwnFilesCountInMountinfo() {
        // A container that also mounts the engine's container directory (a log shipper, say).
        String mountinfo = String.join("\n",
                "91 74 254:0 /var/lib/docker/containers/" + OTHER_ID + "/" + OTHER_ID + "-json.log /logs/web.log ro,relatime - ext4 /dev/vda rw",
                "92 74 254:0 /var/lib/docker/containers /var/lib/docker/containers ro,relatime - ext4 /dev/vda rw",
                "93 74 254:0 /@/data/docker/containers/" + V2_ID + "/hosts /etc/hosts rw,relatime - btrfs /dev/sda2 rw,subvol=/@",
                "");
        assertEquals(V2_ID, OwnContainer.fromMountinfo(mountinfo));
        assertEquals(V1_ID, OwnContainer.fromMountinfo(
                "600 573 0:40 /containers/" + V1_ID + "/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sdb rw\n"),
                "the data root on its own file system");
        assertNull(OwnContainer.fromMountinfo("25 1 259:2 / / rw,relatime - ext4 /dev/nvme0n1p2 rw\n"), "a host");
        assertNull(OwnContainer.fromMountinfo(null));
        assertNull(OwnContainer.fromMountinfo("garbage\n\n  \n"));
    }

    @Test
    void hostnameIsTheLastResortAndMatchesTheShortId() {
        OwnContainer own = OwnContainer.of("25 1 259:2 / / rw,relatime - overlay overlay rw\n", "0::/\n", "3F9A1C02B7E8\n");
        assertEquals("3f9a1c02b7e8 from=hostname", own.toString());
        assertTrue(own.is(container(V2_ID, "haystack")));
        assertFalse(own.is(container(OTHER_ID, "3f9a1c02b7e8")), "ids only, never names");
        assertSame(OwnContainer.NONE, OwnContainer.of(null, null, "buildhost"), "a host name that is no short id");
        assertSame(OwnContainer.NONE, OwnContainer.of(null, null, "cafe"), "too short to be one");
        assertSame(OwnContainer.NONE, OwnContainer.of(null, null, null));
        assertFalse(OwnContainer.NONE.is(container(V2_ID, "haystack")));
    }

    @Test
    void theSettingWinsAndTakesAnIdOrAName() {
        assertTrue(OwnContainer.fromSetting(V1_ID).is(container(V1_ID, "x")));
        assertTrue(OwnContainer.fromSetting(" b4a955576ea4 ").is(container(V1_ID, "x")), "the short id");
        assertFalse(OwnContainer.fromSetting("b4a955576ea4").is(container(OTHER_ID, "x")));
        assertTrue(OwnContainer.fromSetting("haystack").is(container(OTHER_ID, "haystack")), "a name");
        assertTrue(OwnContainer.fromSetting("/haystack").is(container(OTHER_ID, "haystack")), "as the engine writes names");
        assertFalse(OwnContainer.fromSetting("haystack").is(container(OTHER_ID, "haystack-2")));
        assertFalse(OwnContainer.fromSetting("b4a9").is(container(V1_ID, "x")), "a prefix under 12 digits is a name, not an id");
        assertEquals("haystack from=setting", OwnContainer.detect("haystack").toString(), "no /proc when the setting says");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OwnContainer.fromSetting("my haystack"));
        assertTrue(e.getMessage().contains("HAYSTACK_SELF_CONTAINER") && e.getMessage().contains("'my haystack'"), e.getMessage());
    }

    @Test
    void aSwarmTaskIsMatchedByItsContainer() {
        ContainerFacts task = new ContainerFacts("x1c3ddfw5fu2z0o8wq2sn0b4c", "haystack.1.x1c3ddfw5fu2z0o8wq2sn0b4c", "haystack",
                Map.of(), Map.of(), List.of(), List.of(), null, true, V2_ID);
        assertTrue(OwnContainer.of(sample("docker-24-cgroup-v2.mountinfo"), null, null).is(task));
        assertTrue(OwnContainer.of(null, null, V2_ID.substring(0, 12)).is(task));
        assertFalse(OwnContainer.of(null, null, OTHER_ID.substring(0, 12)).is(task));
    }
}
