package haystack.dns.internal;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import haystack.api.trace.TraceEvent;
import haystack.api.trace.Tracer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** While someone traces: one line per query with its question and how it was answered. */
final class QueryTrace {

    private QueryTrace() {
    }

    static Reply wrap(Tracer tracer, ByteBuffer query, InetAddress client, boolean tcp, Reply reply) {
        String question = question(query);
        return response -> {
            reply.send(response);
            tracer.trace(TraceEvent.DNS, "query client=" + client.getHostAddress() + (tcp ? " tcp" : " udp") + " " + question
                    + " rcode=" + (response.length >= 4 ? Rcode.string(response[3] & 0x0F) : "?")
                    + " answers=" + (response.length >= 8 ? ((response[6] & 0xFF) << 8 | (response[7] & 0xFF)) : 0));
        };
    }

    private static String question(ByteBuffer query) {
        try {
            Record q = new Message(query).getQuestion();
            return q == null ? "question=none" : "name=" + q.getName() + " type=" + Type.string(q.getType());
        } catch (Exception e) {
            return "question=malformed";
        }
    }
}
