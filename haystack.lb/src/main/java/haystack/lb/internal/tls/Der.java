package haystack.lb.internal.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The little DER (ITU-T X.690) the TLS code needs: reading the outer structure of SEC1 keys
 * and writing a PKCS#8 envelope and one self-signed certificate. Every length is checked
 * against what is left, so a broken file is an {@link IllegalArgumentException}, never a
 * read past the end.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    static final int GENERALIZED_TIME = 0x18;

    /** One element: its tag and where its content lies in {@code a}. */
    record Element(int tag, byte[] a, int from, int to) {

        byte[] content() {
            return java.util.Arrays.copyOfRange(a, from, to);
        }

        /** The elements inside a constructed element. */
        List<Element> children() {
            return Der.read(a, from, to);
        }
    }

    private Der() {
    }

    static List<Element> read(byte[] a) {
        return read(a, 0, a.length);
    }

    /** The elements one after another in {@code a[from, to)}. */
    static List<Element> read(byte[] a, int from, int to) {
        List<Element> out = new ArrayList<>();
        int p = from;
        while (p < to) {
            if (out.size() > 64) {
                throw new IllegalArgumentException("DER: too many elements");
            }
            int tag = a[p++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                throw new IllegalArgumentException("DER: multi-byte tags are not used here");
            }
            if (p >= to) {
                throw new IllegalArgumentException("DER: truncated length");
            }
            int first = a[p++] & 0xff;
            long length;
            if (first < 0x80) {
                length = first;
            } else {
                int bytes = first & 0x7f;
                if (bytes == 0 || bytes > 4 || p + bytes > to) {
                    throw new IllegalArgumentException("DER: bad length");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (a[p++] & 0xff);
                }
            }
            if (length > to - p) {
                throw new IllegalArgumentException("DER: element longer than its container");
            }
            out.add(new Element(tag, a, p, p + (int) length));
            p += (int) length;
        }
        return out;
    }

    /** One element in {@code a}, which must hold nothing else. */
    static Element single(byte[] a) {
        List<Element> all = read(a);
        if (all.size() != 1) {
            throw new IllegalArgumentException("DER: expected one element, found " + all.size());
        }
        return all.get(0);
    }

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        int n = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 6);
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, parts);
    }

    static byte[] integer(BigInteger v) {
        return tlv(INTEGER, v.toByteArray());
    }

    static byte[] integer(long v) {
        return integer(BigInteger.valueOf(v));
    }

    static byte[] utf8(String s) {
        return tlv(UTF8_STRING, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bitString(byte[] bits) {
        byte[] content = new byte[bits.length + 1];
        System.arraycopy(bits, 0, content, 1, bits.length);
        return tlv(BIT_STRING, content);
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long v = Long.parseLong(arcs[i]);
            int groups = 1;
            for (long t = v >> 7; t > 0; t >>= 7) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                out.write((int) ((v >> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
            }
        }
        return tlv(OID, out.toByteArray());
    }

    /** A context-specific tag {@code [n]}, explicit (constructed). */
    static byte[] explicit(int n, byte[]... parts) {
        return tlv(0xa0 | n, parts);
    }
}
