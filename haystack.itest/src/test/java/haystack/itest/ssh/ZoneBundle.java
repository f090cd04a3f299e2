package haystack.itest.ssh;

import java.io.IOException;
import java.nio.file.Path;

import haystack.itest.ComponentBundle;
import haystack.itest.ssh.zone.LabZone;

/** Packages {@link LabZone} as a Declarative Services bundle publishing a ZoneProvider. */
final class ZoneBundle {

    static final String SYMBOLIC_NAME = "haystack.example.labzone";

    private ZoneBundle() {
    }

    static Path write(Path dir) throws IOException {
        return ComponentBundle.write(dir, SYMBOLIC_NAME, LabZone.class,
                "haystack.api;version=\"[1.0,2)\",haystack.api.zone;version=\"[1.0,2)\"", "haystack.api.zone.ZoneProvider", "");
    }
}
