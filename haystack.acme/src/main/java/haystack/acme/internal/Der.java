package haystack.acme.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few DER (X.690) encodings a PKCS#10 request needs: tag, definite length, contents.
 * Only what {@link Pkcs10} writes; nothing here parses.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private Der() {
    }

    static byte[] tlv(int tag, byte[]... contents) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : contents) {
            body.writeBytes(c);
        }
        int length = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... contents) {
        return tlv(SEQUENCE, contents);
    }

    static byte[] set(byte[]... contents) {
        return tlv(SET, contents);
    }

    static byte[] integer(int value) {
        if (value < 0 || value > 127) {
            throw new IllegalArgumentException("only small non-negative integers are written: " + value);
        }
        return tlv(INTEGER, new byte[] { (byte) value });
    }

    static byte[] utf8(String s) {
        return tlv(UTF8_STRING, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] octets(byte[] b) {
        return tlv(OCTET_STRING, b);
    }

    /** A BIT STRING of whole bytes (no unused bits). */
    static byte[] bits(byte[] b) {
        byte[] withUnused = new byte[b.length + 1];
        System.arraycopy(b, 0, withUnused, 1, b.length);
        return tlv(BIT_STRING, withUnused);
    }

    /** Context-specific tag {@code n}: constructed or primitive (IMPLICIT over a primitive type). */
    static byte[] context(int n, boolean constructed, byte[] contents) {
        return tlv(0x80 | (constructed ? 0x20 : 0) | n, contents);
    }

    /** An OBJECT IDENTIFIER from its dotted form (X.690 §8.19). */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        if (arcs.length < 2) {
            throw new IllegalArgumentException("an OID has at least two arcs: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative OID arc");
        }
        int groups = 1;
        for (long t = v >>> 7; t != 0; t >>>= 7) {
            groups++;
        }
        for (int i = groups - 1; i >= 0; i--) {
            int b = (int) ((v >>> (7 * i)) & 0x7f);
            out.write(i == 0 ? b : b | 0x80);
        }
    }
}
