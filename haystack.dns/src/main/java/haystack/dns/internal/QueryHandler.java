package haystack.dns.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

import haystack.api.Registry;
import haystack.api.trace.Tracer;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.ZoneAnswer;
import haystack.dns.internal.zones.NameChanges;
import haystack.dns.internal.forward.Forwarder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers one DNS message, whatever transport carried it: checks it (RFC 1035 §4.1.1),
 * answers names Haystack owns from one registry snapshot, hands the rest to the
 * {@link Forwarder} for clients in the allow-list, and encodes the response within the
 * size the transport and EDNS(0) allow (RFC 6891 §6.2.3), TC set when it does not fit.
 */
public final class QueryHandler {

    private final Tracer tracer;
    private final QueryMetrics metrics;

    private static final Logger LOG = LoggerFactory.getLogger(QueryHandler.class);

    /** Our own EDNS(0) UDP payload size (DNS flag day 2020). */
    static final int PAYLOAD_SIZE = 1232;
    static final int MAX_TCP = 65535;

    private final Registry registry;
    private final Authority authority;
    private final AuthoritativeAnswer answers;
    private final Forwarder forwarder;
    private final AddressRange[] allow;
    private final AnswerCache cache;
    private final ClientLimits limits;

    QueryHandler(Registry registry, Authority authority, long ttl, Forwarder forwarder, List<AddressRange> allow) {
        this(registry, authority, ttl, forwarder, allow, Tracer.OFF);
    }

    QueryHandler(Registry registry, Authority authority, long ttl, Forwarder forwarder, List<AddressRange> allow, Tracer tracer) {
        this(registry, authority, ttl, forwarder, allow, tracer, new QueryMetrics());
    }

    QueryHandler(Registry registry, Authority authority, long ttl, Forwarder forwarder, List<AddressRange> allow, Tracer tracer,
            QueryMetrics metrics) {
        this(registry, authority, ttl, forwarder, allow, tracer, metrics, ClientLimits.DEFAULT);
    }

    QueryHandler(Registry registry, Authority authority, long ttl, Forwarder forwarder, List<AddressRange> allow, Tracer tracer,
            QueryMetrics metrics, ClientLimits limits) {
        this.limits = limits;
        this.metrics = metrics;
        this.tracer = tracer;
        this.registry = registry;
        this.authority = authority;
        this.answers = new AuthoritativeAnswer(authority, ttl);
        this.cache = new AnswerCache(new AnswerCache.Check() {
            @Override
            public ZoneAnswer answer(String name, RegistrySnapshot snapshot, ZoneTable zones) {
                return answers.answerAt(name, snapshot, zones);
            }

            @Override
            public void advance(RegistrySnapshot snapshot, ZoneTable zones) {
                zones.advance(snapshot, authority.origin());
            }
        });
        this.forwarder = forwarder;
        this.allow = allow.toArray(AddressRange[]::new);
    }

    /**
     * Answers {@code packet}; {@code reply} receives the response, now or (when forwarded)
     * later, and is not called for packets that get no answer: too short for a header, or
     * responses themselves (QR set), so two servers can never loop.
     */
    public void handle(ByteBuffer packet, InetAddress client, boolean tcp, Reply reply) {
        handle(packet, client, tcp, null, reply);
    }

    /**
     * As {@link #handle(ByteBuffer, InetAddress, boolean, Reply)}, with the caller's own
     * {@link AnswerCache#probe() probe} (a UDP worker's), so a query needs no thread-local lookup.
     */
    void handle(ByteBuffer packet, InetAddress client, boolean tcp, AnswerCache.Key probe, Reply reply) {
        if (tracer.isActive()) {
            reply = QueryTrace.wrap(tracer, packet.duplicate(), client, tcp, reply);
        }
        int length = packet.remaining();
        if (length < Header.LENGTH || (packet.get(packet.position() + 2) & 0x80) != 0) {
            return;
        }
        reply = metrics.wrap(packet, reply);
        boolean allowed = isAllowed(client);
        RegistrySnapshot snapshot = registry.snapshot();
        ZoneTable zones = authority.zones();
        AnswerCache.Key key = AnswerCache.key(packet, tcp, allowed, probe);
        if (key != null) {
            byte[] hit = cache.get(key, snapshot, zones);
            if (hit != null) {
                reply.sendShared(hit, packet.get(packet.position()), packet.get(packet.position() + 1));
                return;
            }
        }
        Message query;
        try {
            query = new Message(packet.duplicate());
        } catch (IOException | RuntimeException e) {
            reply.send(headerOnly(packet, Rcode.FORMERR));
            return;
        }
        try {
            answer(query, new Context(tcp, allowed, snapshot, zones, key), reply);
        } catch (RuntimeException e) {
            LOG.warn("query failed client={} question={} error={}", client.getHostAddress(), query.getQuestion(), e.toString());
            reply.send(headerOnly(packet, Rcode.SERVFAIL));
        }
    }

    /** What one query is answered with: how it came, whether its client may recurse, the registry and zones of the moment. */
    private record Context(boolean tcp, boolean allowed, RegistrySnapshot snapshot, ZoneTable zones,
            AnswerCache.Key key) {
    }

    private void answer(Message query, Context ctx, Reply reply) {
        Header h = query.getHeader();
        OPTRecord opt = query.getOPT();
        int limit = ctx.tcp() ? MAX_TCP : limits.udpLimit(opt == null ? 0 : opt.getPayloadSize());
        Message response = response(query, opt);
        if (h.getOpcode() != Opcode.QUERY) {
            reply.send(finish(response, Rcode.NOTIMP, limit));
            return;
        }
        Record question = query.getQuestion();
        if (h.getCount(Section.QUESTION) != 1 || question == null || h.getCount(Section.ANSWER) != 0
                || h.getCount(Section.AUTHORITY) != 0 || hasSecondOpt(query)) {
            reply.send(finish(response, Rcode.FORMERR, limit));
            return;
        }
        if (opt != null && opt.getVersion() != 0) {
            reply.send(finish(response, Rcode.BADVERS, limit));
            return;
        }
        int type = question.getType();
        if (type == Type.AXFR || type == Type.IXFR) {
            reply.send(finish(response, Rcode.REFUSED, limit));
            return;
        }
        if (type == Type.OPT || type == Type.MAILA || type == Type.MAILB || type == Type.TSIG) {
            reply.send(finish(response, type == Type.OPT ? Rcode.FORMERR : Rcode.NOTIMP, limit));
            return;
        }
        String name = Names.key(question.getName());
        int dclass = question.getDClass();
        RegistrySnapshot snapshot = ctx.snapshot();
        Authority.Lookup lookup = authority.lookup(name, snapshot, ctx.zones());
        boolean allowed = ctx.allowed();
        if (allowed && forwarder.hasUpstreams()) {
            response.getHeader().setFlag(Flags.RA);
        }
        if (lookup != null) {
            if (dclass != DClass.IN && dclass != DClass.ANY) {
                reply.send(finish(response, Rcode.REFUSED, limit));
                return;
            }
            long since = NameChanges.now();
            AnswerCache.Basis basis = answers.fill(response, question, lookup, snapshot, ctx.zones());
            byte[] wire = finish(response, response.getHeader().getRcode(), limit);
            if (ctx.key() != null && !lookup.failed()) {
                cache.put(ctx.key(), snapshot, ctx.zones(), wire, basis, since);
            }
            reply.send(wire);
            return;
        }
        if (!allowed) {
            reply.send(finish(response, Rcode.REFUSED, limit));
            return;
        }
        forwarder.resolve(question, h.getFlag(Flags.CD)).whenComplete((upstream, failure) -> {
            if (failure != null || upstream == null) {
                reply.send(finish(response, Rcode.SERVFAIL, limit));
                return;
            }
            for (int section : new int[] { Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL }) {
                for (Record r : upstream.getSection(section)) {
                    if (r.getType() != Type.OPT && r.getType() != Type.TSIG) {
                        response.addRecord(r, section);
                    }
                }
            }
            reply.send(finish(response, upstream.getRcode(), limit));
        });
    }

    boolean isAllowed(InetAddress client) {
        for (AddressRange r : allow) {
            if (r.contains(client)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasSecondOpt(Message query) {
        int opts = 0;
        for (Record r : query.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.OPT) {
                opts++;
            }
        }
        return opts > 1;
    }

    /**
     * A response to {@code query}: same id and opcode; for QUERY, RD and CD and the question
     * as asked (RD, CD, AD and RA are defined for QUERY only, RFC 6895 §2.2, so other
     * opcodes get none, as from nsd); our OPT with the DO bit copied (RFC 3225 §3) if it had one.
     */
    private static Message response(Message query, OPTRecord opt) {
        Header qh = query.getHeader();
        Message response = new Message(qh.getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(qh.getOpcode());
        Record question = query.getQuestion();
        if (qh.getOpcode() == Opcode.QUERY) {
            if (qh.getFlag(Flags.RD)) {
                h.setFlag(Flags.RD);
            }
            if (qh.getFlag(Flags.CD)) {
                h.setFlag(Flags.CD);
            }
            if (question != null && qh.getCount(Section.QUESTION) == 1) {
                response.addRecord(question, Section.QUESTION);
            }
        }
        if (opt != null) {
            response.addRecord(new OPTRecord(PAYLOAD_SIZE, 0, 0, opt.getFlags() & ExtendedFlags.DO), Section.ADDITIONAL);
        }
        return response;
    }

    /** Sets {@code rcode} (extended ones through the OPT record, RFC 6891 §6.1.3) and encodes. */
    private static byte[] finish(Message response, int rcode, int limit) {
        OPTRecord opt = response.getOPT();
        if (rcode > 0xF && opt != null) {
            response.removeRecord(opt, Section.ADDITIONAL);
            response.addRecord(new OPTRecord(PAYLOAD_SIZE, rcode >>> 4, 0, opt.getFlags()), Section.ADDITIONAL);
        }
        response.getHeader().setRcode(rcode & 0xF);
        return response.toWire(limit);
    }

    /** A header-only response built from the raw header: for messages that cannot be parsed. */
    private static byte[] headerOnly(ByteBuffer packet, int rcode) {
        int p = packet.position();
        byte[] out = new byte[Header.LENGTH];
        out[0] = packet.get(p);
        out[1] = packet.get(p + 1);
        int opcode = packet.get(p + 2) & 0x78;
        out[2] = (byte) (0x80 | opcode | (opcode == 0 ? packet.get(p + 2) & 0x01 : 0));
        out[3] = (byte) rcode;
        return out;
    }
}
