package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void nestedObjectsAndArraysGetTheirCommas() {
        String json = new Json().object().field("a", 1).field("b", "x").name("c").array().value("p").value(true).end()
                .name("d").object().end().field("e", (String) null).end().toString();
        assertEquals("{\"a\":1,\"b\":\"x\",\"c\":[\"p\",true],\"d\":{},\"e\":null}", json);
    }

    @Test
    void stringsAreEscapedIncludingMarkup() {
        assertEquals("[\"q\\\"b\\\\n\\n\\u0001\\u003cscript\\u003e\"]",
                new Json().array().value("q\"b\\n\n\u0001<script>").end().toString());
    }
}
