package haystack.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ServiceFileNameTest {

    @Test
    void aFileNamesItsServiceAndDotsAreSegments() {
        assertEquals(Optional.of("web"), ServiceFileName.service("web.yaml"));
        assertEquals(Optional.of("shop-api"), ServiceFileName.service("shop-api.yaml"));
        assertEquals(Optional.of("hello/v1"), ServiceFileName.service("v1.hello.yaml"));
    }

    @Test
    void namesThatAreNotServiceNamesAreRefusedNotFolded() {
        for (String bad : List.of("Web.yaml", "my_service.yaml", "-web.yaml", "web-.yaml", "a..b.yaml", "web .yaml", "wéb.yaml",
                "x".repeat(64) + ".yaml", "web.yml", "web.yaml.bak", "web.YAML")) {
            assertEquals(Optional.empty(), ServiceFileName.service(bad), bad);
        }
    }

    @Test
    void hiddenFilesAndOtherSuffixesAreNotLookedAt() {
        assertFalse(ServiceFileName.isCandidate(".web.yaml.swp"));
        assertFalse(ServiceFileName.isCandidate("..data"));
        assertFalse(ServiceFileName.isCandidate(".web.yaml"));
        assertFalse(ServiceFileName.isCandidate("web.yaml~"));
        assertTrue(ServiceFileName.isCandidate("Web.yaml"), "looked at, then refused with a line");
    }
}
