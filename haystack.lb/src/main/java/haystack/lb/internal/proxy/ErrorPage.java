package haystack.lb.internal.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The answers the load balancer makes itself: a short text body naming the host and the reason. */
final class ErrorPage {

    /** Seconds a client should wait before retrying a service that has no endpoint now. */
    static final String RETRY_AFTER_SECONDS = "5";

    private ErrorPage() {
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            case 508 -> "Loop Detected";
            default -> "Error";
        };
    }

    /** Bytes up to and including the empty line of a page made by {@link #bytes}. */
    static int headLength(byte[] page) {
        for (int i = 3; i < page.length; i++) {
            if (page[i] == '\n' && page[i - 2] == '\n') {
                return i + 1;
            }
        }
        return page.length;
    }

    /** A complete HTTP/1.1 response; {@code close} adds Connection: close, {@code retryAfter} a Retry-After. */
    static byte[] bytes(int status, String host, String reason, boolean retryAfter, boolean close, boolean headRequest) {
        return bytes(status, host, reason, retryAfter ? RETRY_AFTER_SECONDS : null, close, headRequest);
    }

    /** A complete HTTP/1.1 response; {@code retryAfterSeconds}, unless null, is sent as Retry-After. */
    static byte[] bytes(int status, String host, String reason, String retryAfterSeconds, boolean close, boolean headRequest) {
        String phrase = reasonPhrase(status);
        String body = status + " " + phrase + "\nhost: " + (host == null ? "(none)" : host) + "\nreason: "
                + (reason == null ? phrase.toLowerCase(Locale.ROOT) : reason) + "\n";
        return response(status, retryAfterSeconds != null ? "Retry-After: " + retryAfterSeconds + "\r\n" : "", body, close, headRequest);
    }

    /** A complete HTTP/1.1 response with a text body; {@code fields} are extra field lines, each ending in CRLF. */
    static byte[] response(int status, String fields, String body, boolean close, boolean headRequest) {
        String phrase = reasonPhrase(status);
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + phrase + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n"
                + fields
                + (close ? "Connection: close\r\n" : "")
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        if (headRequest) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
        return all;
    }
}
