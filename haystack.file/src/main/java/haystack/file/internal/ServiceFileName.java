package haystack.file.internal;

import java.util.Optional;

import haystack.api.ServiceNames;

/**
 * Which file names are service files, and the service each one names: {@code web.yaml}
 * is service {@code web}; dots stand for the segments of a service name as DNS spells
 * them, so {@code v1.hello.yaml} is service {@code hello/v1} (DNS {@code v1.hello}).
 * Names are taken as written: one that is not lower-case letters, digits and hyphens
 * is refused, never folded into another.
 */
final class ServiceFileName {

    static final String SUFFIX = ".yaml";

    private ServiceFileName() {
    }

    /** Whether the watcher looks at this name at all: {@code *.yaml}, not hidden (editors' and Kubernetes' dot files). */
    static boolean isCandidate(String fileName) {
        return fileName.endsWith(SUFFIX) && !fileName.startsWith(".");
    }

    /** The service the file names, or empty when the name is not a valid service name. */
    static Optional<String> service(String fileName) {
        if (!isCandidate(fileName)) {
            return Optional.empty();
        }
        String[] labels = fileName.substring(0, fileName.length() - SUFFIX.length()).split("\\.", -1);
        StringBuilder service = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            service.append(service.isEmpty() ? "" : "/").append(labels[i]);
        }
        String s = service.toString();
        return ServiceNames.isValidService(s) ? Optional.of(s) : Optional.empty();
    }
}
