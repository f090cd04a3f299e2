package haystack.acme.internal;

/** Which routed names an order can be placed for: DNS names of LDH labels (RFC 5280 §4.2.1.6, RFC 1123). */
final class HostNames {

    private HostNames() {
    }

    /**
     * Lower-case LDH labels of 1-63 characters, no hyphen at either end, at most 253 in all,
     * no trailing dot. Single-label and internal names pass: whether to issue is the CA's call.
     */
    static boolean isOrderable(String host) {
        if (host == null || host.isEmpty() || host.length() > 253 || !CertificateFiles.isFileName(host)) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
        }
        return true;
    }
}
