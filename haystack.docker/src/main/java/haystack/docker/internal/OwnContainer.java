package haystack.docker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container Haystack itself runs in, if any (SPEC §3: Haystack never registers its own
 * container as a backend, or its load balancer would proxy to itself).
 *
 * <p>Found, in this order: the setting {@code self.container} (HAYSTACK_SELF_CONTAINER: an id,
 * at least its 12-character short form, or a name); the container id in the source of the
 * files Docker bind-mounts at /etc/hostname, /etc/hosts and /etc/resolv.conf
 * ({@code …/containers/<id>/hostname} in /proc/self/mountinfo); the id in /proc/self/cgroup
 * (cgroup v1 {@code docker/<id>}, {@code docker-<id>.scope}; a private cgroup v2 namespace
 * shows only {@code 0::/}); last, the host name, which Docker sets to the short id unless
 * told otherwise. An id match is safe on every engine of several (ids are unique); a
 * name given in the setting applies on each.
 */
public final class OwnContainer {

    /** Not in a container, or not one that could be recognised. */
    public static final OwnContainer NONE = new OwnContainer(null, null, null, "none");

    private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f]{12,64}");
    /** A Docker container name; ids fit it too. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    /** The id in the source path of a container's own file: {@code /var/lib/docker/containers/<id>/hostname}. */
    private static final Pattern MOUNT_SOURCE = Pattern.compile("containers/([0-9a-f]{64})/");
    private static final Set<String> OWN_FILES = Set.of("/etc/hostname", "/etc/hosts", "/etc/resolv.conf");
    /** The last id in a cgroup path: {@code /docker/<id>}, {@code /system.slice/docker-<id>.scope}, nested ones. */
    private static final Pattern CGROUP_ID = Pattern.compile("(?:^|[/-])([0-9a-f]{64})(?:\\.scope)?(?=/|$)");

    private final String id;
    private final String idPrefix;
    private final String name;
    private final String how;

    private OwnContainer(String id, String idPrefix, String name, String how) {
        this.id = id;
        this.idPrefix = idPrefix;
        this.name = name;
        this.how = how;
    }

    /** This process's container, from the setting or else from /proc and the host name. */
    public static OwnContainer detect(String setting) {
        if (setting != null && !setting.isBlank()) {
            return fromSetting(setting);
        }
        return of(read("/proc/self/mountinfo"), read("/proc/self/cgroup"), hostname());
    }

    /**
     * The container named by the setting: an id (64 hex digits, or a prefix of 12 or more)
     * or a container name. Throws naming the setting when it is neither.
     */
    public static OwnContainer fromSetting(String setting) {
        String s = setting.trim();
        if (s.startsWith("/")) {
            s = s.substring(1); // as the engine writes names
        }
        if (!NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("haystack.docker self.container (HAYSTACK_SELF_CONTAINER) value '" + setting
                    + "' is not a container id or name: give the id (at least its 12-character short form) or the name of Haystack's container");
        }
        String lower = s.toLowerCase(Locale.ROOT);
        return new OwnContainer(null, ID_PREFIX.matcher(lower).matches() ? lower : null, s, "setting");
    }

    /** Pure: the container named by mountinfo, else by cgroup, else the host name if it looks like a short id. */
    public static OwnContainer of(String mountinfo, String cgroup, String hostname) {
        String id = fromMountinfo(mountinfo);
        if (id != null) {
            return new OwnContainer(id, null, null, "mountinfo");
        }
        id = fromCgroup(cgroup);
        if (id != null) {
            return new OwnContainer(id, null, null, "cgroup");
        }
        String h = hostname == null ? "" : hostname.trim().toLowerCase(Locale.ROOT);
        if (ID_PREFIX.matcher(h).matches()) {
            return new OwnContainer(null, h, null, "hostname");
        }
        return NONE;
    }

    /** The container id in the source of /etc/hostname, /etc/hosts or /etc/resolv.conf, or null. */
    public static String fromMountinfo(String mountinfo) {
        if (mountinfo == null) {
            return null;
        }
        for (String line : mountinfo.split("\n")) {
            // id parent major:minor root mount-point options ... - type source super-options
            String[] f = line.trim().split(" ");
            if (f.length > 4 && OWN_FILES.contains(f[4])) {
                Matcher m = MOUNT_SOURCE.matcher(f[3]);
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    /** The container id in a cgroup path (the innermost when nested), or null ({@code 0::/} on cgroup v2). */
    public static String fromCgroup(String cgroup) {
        if (cgroup == null) {
            return null;
        }
        for (String line : cgroup.split("\n")) {
            // hierarchy-id:controllers:path
            String[] f = line.trim().split(":", 3);
            if (f.length == 3) {
                String found = null;
                Matcher m = CGROUP_ID.matcher(f[2]);
                while (m.find()) {
                    found = m.group(1);
                }
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Whether {@code c} is this container: its id (for a swarm task, its container's id) or, from the setting, its name. */
    public boolean is(ContainerFacts c) {
        if (this == NONE) {
            return false;
        }
        return matchesId(c.id()) || matchesId(c.containerId()) || (name != null && name.equals(c.name()));
    }

    private boolean matchesId(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return false;
        }
        String lower = candidate.toLowerCase(Locale.ROOT);
        return (id != null && id.equals(lower)) || (idPrefix != null && lower.startsWith(idPrefix));
    }

    /** Whether anything was found: detection or the setting. */
    public boolean known() {
        return this != NONE;
    }

    /** For the start-up log: {@code <short id or name> from=<mountinfo|cgroup|hostname|setting>}, or {@code none}. */
    @Override
    public String toString() {
        if (this == NONE) {
            return "none";
        }
        String what = id != null ? id.substring(0, 12) : idPrefix != null ? idPrefix.substring(0, 12) : name;
        return what + " from=" + how;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null; // not Linux, or not readable: nothing to learn from it
        }
    }

    /** The UTS host name, as the container sees it (Docker's default is the short id). */
    private static String hostname() {
        String h = read("/proc/sys/kernel/hostname");
        if (h == null) {
            h = System.getenv("HOSTNAME");
        }
        return h == null ? null : h.trim();
    }
}
