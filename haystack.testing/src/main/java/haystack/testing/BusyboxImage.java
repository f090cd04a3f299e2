package haystack.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * A test image built FROM scratch out of the host's static busybox (Debian's
 * busybox-static), since no registry is reachable here. It has sh, httpd, nc, wget and
 * nslookup. The image is built once per engine and kept under a fixed name.
 */
public final class BusyboxImage {

    /** Name of the image in the engine. */
    public static final String NAME = "haystack-test/busybox:1";

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxImage() {
    }

    /** Builds the image if the engine does not have it yet; returns its name. */
    public static synchronized String name() {
        var client = DockerClientFactory.instance().client();
        boolean present = !client.listImagesCmd().withImageNameFilter(NAME).exec().isEmpty();
        if (!present) {
            if (!Files.isExecutable(BUSYBOX)) {
                throw new IllegalStateException(BUSYBOX + " is missing: install Debian's busybox-static");
            }
            String dockerfile = String.join("\n", List.of(
                    "FROM scratch",
                    "COPY busybox /bin/busybox",
                    "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]",
                    "RUN [\"/bin/busybox\", \"mkdir\", \"-p\", \"/www\", \"/tmp\", \"/etc\"]",
                    "CMD [\"/bin/sh\"]",
                    ""));
            new ImageFromDockerfile(NAME, false)
                    .withFileFromPath("busybox", BUSYBOX)
                    .withFileFromString("Dockerfile", dockerfile)
                    .get();
        }
        return NAME;
    }
}
