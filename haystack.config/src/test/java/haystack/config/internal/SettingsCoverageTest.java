package haystack.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every configuration attribute of every Haystack bundle is reachable from an environment
 * variable (SPEC §7): walks the metatype the bundles carry (bnd writes it from each typed
 * {@code @interface} config with {@code @Designate}) and fails for an attribute that no
 * {@link Setting} feeds, and for a setting that feeds no attribute.
 */
class SettingsCoverageTest {

    /** Attributes by PID, each with its default (the first when it is a list). */
    private static final Map<String, Map<String, String>> METATYPE = new TreeMap<>();

    @BeforeAll
    static void readMetatypeOfEveryBundleOnTheClassPath() throws Exception {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isRegularFile(path) && entry.endsWith(".jar") && path.getFileName().toString().startsWith("haystack.")) {
                try (ZipFile jar = new ZipFile(path.toFile())) {
                    for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        ZipEntry z = e.nextElement();
                        if (z.getName().startsWith("OSGI-INF/metatype/") && z.getName().endsWith(".xml")) {
                            try (InputStream in = jar.getInputStream(z)) {
                                read(in);
                            }
                        }
                    }
                }
            } else if (Files.isDirectory(path.resolve("OSGI-INF/metatype"))) {
                try (Stream<Path> files = Files.list(path.resolve("OSGI-INF/metatype"))) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
                        try (InputStream in = Files.newInputStream(f)) {
                            read(in);
                        }
                    }
                }
            }
        }
    }

    private static void read(InputStream in) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        Document doc = factory.newDocumentBuilder().parse(in);
        Map<String, Map<String, String>> ocds = new HashMap<>();
        NodeList ocdNodes = doc.getElementsByTagName("OCD");
        for (int i = 0; i < ocdNodes.getLength(); i++) {
            Element ocd = (Element) ocdNodes.item(i);
            Map<String, String> attributes = new TreeMap<>();
            NodeList ads = ocd.getElementsByTagName("AD");
            for (int j = 0; j < ads.getLength(); j++) {
                Element ad = (Element) ads.item(j);
                attributes.put(ad.getAttribute("id"), ad.getAttribute("default").split(",")[0]);
            }
            ocds.put(ocd.getAttribute("id"), attributes);
        }
        NodeList designates = doc.getElementsByTagName("Designate");
        for (int i = 0; i < designates.getLength(); i++) {
            Element d = (Element) designates.item(i);
            Element object = (Element) d.getElementsByTagName("Object").item(0);
            METATYPE.computeIfAbsent(d.getAttribute("pid"), p -> new TreeMap<>()).putAll(ocds.get(object.getAttribute("ocdref")));
        }
    }

    @Test
    void theMetatypeOfEveryConfiguredBundleIsFound() {
        assertEquals(Settings.pids(), METATYPE.keySet(),
                "metatype found for these PIDs (build the bundles first: their jars carry OSGI-INF/metatype)");
    }

    @Test
    void everyAttributeHasAnEnvironmentVariable() {
        List<String> missing = new ArrayList<>();
        METATYPE.forEach((pid, attributes) -> attributes.keySet().forEach(property -> {
            if (Settings.forProperty(pid, property).isEmpty()) {
                missing.add(pid + " " + property);
            }
        }));
        assertEquals(List.of(), missing, "config attributes that no environment variable sets: add a Setting and a README row");
    }

    @Test
    void everySettingFeedsAnAttributeThatExists() {
        List<String> dead = new ArrayList<>();
        for (Setting s : Settings.ALL) {
            for (Setting.Target t : s.targets()) {
                if (!METATYPE.getOrDefault(t.pid(), Map.of()).containsKey(t.property())) {
                    dead.add(s.variable() + " -> " + t.pid() + " " + t.property());
                }
            }
        }
        assertEquals(List.of(), dead, "settings that feed no config attribute");
    }

    @Test
    void theListenerDefaultsThatContradictionsAssumeAreTheComponentsDefaults() {
        for (Contradictions.Listener l : Contradictions.LISTENERS) {
            assertEquals(String.valueOf(l.defaultPort()), METATYPE.get(l.pid()).get(l.portProperty()), l.portVariable());
            assertTrue(METATYPE.get(l.pid()).containsKey(l.bindProperty()), l.pid() + " " + l.bindProperty());
        }
    }

    @Test
    void theReadmeListsEveryVariable() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        Set<String> missing = new TreeSet<>();
        Settings.ALL.forEach(s -> {
            if (!readme.contains("`" + s.variable() + "`")) {
                missing.add(s.variable());
            }
        });
        assertEquals(Set.of(), missing, "variables missing from README.md's settings table");
    }
}
