package haystack.itest;

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

/**
 * Packages one test class as a third party would ship it: a bundle holding that class and a
 * Declarative Services component publishing it, importing haystack.api packages only.
 */
public final class ComponentBundle {

    private ComponentBundle() {
    }

    /**
     * @param imports    the Import-Package header
     * @param service    the interface the component provides
     * @param properties extra component property lines, already XML
     */
    public static Path write(Path dir, String symbolicName, Class<?> implementation, String imports, String service,
            String properties) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", imports);
        String descriptor = "OSGI-INF/" + symbolicName + ".xml";
        main.putValue("Service-Component", descriptor);
        String classFile = implementation.getName().replace('.', '/') + ".class";
        String component = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + symbolicName + "\" immediate=\"true\">\n"
                + "  <implementation class=\"" + implementation.getName() + "\"/>\n"
                + properties
                + "  <service><provide interface=\"" + service + "\"/></service>\n"
                + "</scr:component>\n";
        Path jar = dir.resolve(symbolicName + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream bytes = implementation.getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry(classFile));
            bytes.transferTo(out);
            out.putNextEntry(new JarEntry(descriptor));
            out.write(component.getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }
}
