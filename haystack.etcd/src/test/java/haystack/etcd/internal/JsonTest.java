package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void hostileInputIsRefusedWithAReasonNeverACrash() {
        for (String bad : new String[] { "", "{", "{\"a\":}", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "\"\u0001\"", "\"\\x\"", "\"\\u12\"",
                "tru", "01a", "{} {}", "{\"a\":1}x", "-", "1" + "0".repeat(50), "{'a':1}", "\"abc" }) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    }

    @Test
    void readsWhatTheGatewayWrites() {
        Map<String, Object> m = Json.parseObject(
                " {\"header\":{\"revision\":\"3\"},\"kvs\":[{\"key\":\"L2gveA==\",\"lease\":\"7587\"}],\"more\":false,\"n\":-1.5e2,\"z\":null} ");
        assertEquals("3", ((Map<?, ?>) m.get("header")).get("revision"));
        assertEquals(1, ((List<?>) m.get("kvs")).size());
        assertEquals(false, m.get("more"));
        assertEquals(-150.0, m.get("n"));
        assertEquals(null, m.get("z"));
        assertEquals("a\"b\\c/\n\u00e9", Json.parse("\"a\\\"b\\\\c\\/\\n\\u00e9\""));
        assertEquals(42L, Json.parse("42"));
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "quote \" backslash \\ newline \n tab \t bell \u0007 é");
        m.put("n", 7L);
        m.put("i", 3);
        m.put("b", true);
        m.put("null", null);
        m.put("list", List.of("a", 1L));
        m.put("map", Map.of("k", "v"));
        String text = Json.write(m);
        Map<String, Object> back = Json.parseObject(text);
        assertEquals(m.get("s"), back.get("s"));
        assertEquals(7L, back.get("n"));
        assertEquals(3L, back.get("i"));
        assertEquals(true, back.get("b"));
        assertEquals(List.of("a", 1L), back.get("list"));
        assertEquals(Map.of("k", "v"), back.get("map"));
        assertEquals(true, back.containsKey("null"));
    }
}
