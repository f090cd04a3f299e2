package haystack.itest.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import haystack.itest.ssh.zone.LabZone;

/** Packages {@link LabZone} as a Declarative Services bundle publishing a ZoneProvider. */
final class ZoneBundle {

    static final String SYMBOLIC_NAME = "haystack.example.labzone";

    private ZoneBundle() {
    }

    static Path write(Path dir) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", SYMBOLIC_NAME);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "haystack.api;version=\"[1.0,2)\",haystack.api.zone;version=\"[1.0,2)\"");
        main.putValue("Service-Component", "OSGI-INF/labzone.xml");
        String className = LabZone.class.getName();
        String classFile = className.replace('.', '/') + ".class";
        String component = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + SYMBOLIC_NAME + "\" immediate=\"true\">\n"
                + "  <implementation class=\"" + className + "\"/>\n"
                + "  <service><provide interface=\"haystack.api.zone.ZoneProvider\"/></service>\n"
                + "</scr:component>\n";
        Path jar = dir.resolve(SYMBOLIC_NAME + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream bytes = LabZone.class.getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry(classFile));
            bytes.transferTo(out);
            out.putNextEntry(new JarEntry("OSGI-INF/labzone.xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }
}
