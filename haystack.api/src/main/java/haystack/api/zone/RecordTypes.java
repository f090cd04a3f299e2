package haystack.api.zone;

/** The RFC 1035/3596/2782 TYPE codes zone providers deal in. */
public final class RecordTypes {
    public static final int A = 1;
    public static final int NS = 2;
    public static final int SOA = 6;
    public static final int PTR = 12;
    public static final int TXT = 16;
    public static final int AAAA = 28;
    public static final int SRV = 33;
    public static final int ANY = 255;

    private RecordTypes() {
    }
}
