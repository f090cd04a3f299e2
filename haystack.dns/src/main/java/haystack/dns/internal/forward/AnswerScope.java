package haystack.dns.internal.forward;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Cuts an upstream's reply down to the answer to the question asked, before it is relayed
 * or cached (the scrubbing RFC 5452 §6 and unbound's iterator do; dnsmasq relays all):
 * <ul>
 * <li>answer: the CNAME chain from the question name (RFC 1034 §3.6.2), DNAMEs above
 * it (RFC 6672), and the records of the asked type at the chain's names;</li>
 * <li>authority: SOA, NS and DS of a zone holding a chain name (the negative answer's SOA,
 * RFC 2308 §3), and NSEC/NSEC3 of those zones;</li>
 * <li>additional: addresses of names the kept records point to (NS, MX, SRV targets);</li>
 * <li>RRSIGs only over kept records; nothing at all for names Haystack owns, whose data
 * comes from Haystack alone, and the chain ends where it enters them.</li>
 * </ul>
 */
final class AnswerScope {

    /** Longest CNAME chain followed (unbound's max-cname-chain is 11; BIND's 16). */
    static final int MAX_CHAIN = 16;

    /** The reply as it may be relayed and cached, and how many records were cut for each reason. */
    record Scoped(Message message, int ownedDropped, int outsideDropped) {
    }

    private final Record question;
    private final Predicate<Name> owned;
    private final Map<Record, Boolean> kept = new IdentityHashMap<>();
    private int ownedDropped;
    private int outsideDropped;

    private AnswerScope(Record question, Predicate<Name> owned) {
        this.question = question;
        this.owned = owned;
    }

    /** {@code reply} to {@code question} without what is not its answer; {@code owned} says which names are Haystack's. */
    static Scoped scope(Message reply, Record question, Predicate<Name> owned) {
        return new AnswerScope(question, owned).apply(reply);
    }

    private Scoped apply(Message reply) {
        Message out = new Message(reply.getHeader().getID());
        out.getHeader().setFlag(Flags.QR);
        if (reply.getHeader().getFlag(Flags.TC)) {
            out.getHeader().setFlag(Flags.TC);
        }
        out.getHeader().setRcode(reply.getRcode());
        out.addRecord(question, Section.QUESTION);

        List<Record> answer = usable(reply.getSection(Section.ANSWER));
        Set<Name> chain = new HashSet<>();
        Set<Record> links = chain(answer, chain);
        List<Record> keptAnswer = new ArrayList<>();
        for (Record r : answer) {
            if (inAnswer(r, chain, links)) {
                keep(r, keptAnswer);
            }
        }
        keepSignatures(answer, keptAnswer);

        List<Record> authority = usable(reply.getSection(Section.AUTHORITY));
        List<Record> keptAuthority = new ArrayList<>();
        Set<Name> zones = new HashSet<>();
        for (Record r : authority) {
            int t = r.getType();
            if ((t == Type.SOA || t == Type.NS || t == Type.DS) && holdsAny(r.getName(), chain)) {
                keep(r, keptAuthority);
                zones.add(r.getName());
            }
        }
        for (Record r : authority) {
            int t = r.getType();
            if ((t == Type.NSEC || t == Type.NSEC3) && underAny(r.getName(), zones)) {
                keep(r, keptAuthority);
            }
        }
        keepSignatures(authority, keptAuthority);

        Set<Name> targets = new HashSet<>();
        for (Record r : keptAnswer) {
            addTarget(r, targets);
        }
        for (Record r : keptAuthority) {
            addTarget(r, targets);
        }
        List<Record> additional = usable(reply.getSection(Section.ADDITIONAL));
        List<Record> keptAdditional = new ArrayList<>();
        for (Record r : additional) {
            if ((r.getType() == Type.A || r.getType() == Type.AAAA) && targets.contains(r.getName())) {
                keep(r, keptAdditional);
            }
        }
        keepSignatures(additional, keptAdditional);

        countDropped(answer);
        countDropped(authority);
        countDropped(additional);
        keptAnswer.forEach(r -> out.addRecord(r, Section.ANSWER));
        keptAuthority.forEach(r -> out.addRecord(r, Section.AUTHORITY));
        keptAdditional.forEach(r -> out.addRecord(r, Section.ADDITIONAL));
        return new Scoped(out, ownedDropped, outsideDropped);
    }

    /** The section's records of the question's class; OPT and TSIG belong to the hop, not the data. */
    private List<Record> usable(List<Record> section) {
        List<Record> out = new ArrayList<>();
        for (Record r : section) {
            if (r.getType() == Type.OPT || r.getType() == Type.TSIG) {
                continue;
            }
            if (r.getDClass() != question.getDClass()) {
                outsideDropped++;
            } else if (owned.test(r.getName())) {
                ownedDropped++;
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** Follows CNAMEs from the question name, filling {@code names}; returns the CNAME records on the chain. */
    private Set<Record> chain(List<Record> answer, Set<Name> names) {
        Set<Record> links = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Name current = question.getName();
        names.add(current);
        int type = question.getType();
        if (type == Type.CNAME || type == Type.ANY) {
            return links;
        }
        for (int hop = 0; hop < MAX_CHAIN && !owned.test(current); hop++) {
            Record link = null;
            for (Record r : answer) {
                if (r.getType() == Type.CNAME && r.getName().equals(current)) {
                    link = r;
                    break;
                }
            }
            if (link == null) {
                break;
            }
            Name target = ((CNAMERecord) link).getTarget();
            links.add(link);
            if (!names.add(target)) {
                break;
            }
            current = target;
        }
        return links;
    }

    private boolean inAnswer(Record r, Set<Name> chain, Set<Record> links) {
        int type = r.getType();
        if (type == Type.RRSIG) {
            // signatures go with what they cover (keepSignatures), unless they are what was asked
            return question.getType() == Type.RRSIG && chain.contains(r.getName());
        }
        if (type == Type.CNAME && links.contains(r)) {
            return true;
        }
        if (type == Type.DNAME) {
            for (Name n : chain) {
                if (!n.equals(r.getName()) && n.subdomain(r.getName())) {
                    return true;
                }
            }
            return false;
        }
        int asked = question.getType();
        return chain.contains(r.getName()) && (asked == Type.ANY || type == asked);
    }

    /** Whether {@code zone} is at or above one of {@code names}. */
    private static boolean holdsAny(Name zone, Set<Name> names) {
        for (Name n : names) {
            if (n.subdomain(zone)) {
                return true;
            }
        }
        return false;
    }

    private static boolean underAny(Name name, Set<Name> zones) {
        for (Name z : zones) {
            if (name.subdomain(z)) {
                return true;
            }
        }
        return false;
    }

    private void keep(Record r, List<Record> into) {
        if (kept.put(r, Boolean.TRUE) == null) {
            into.add(r);
        }
    }

    /** Keeps each RRSIG of {@code section} that covers a kept record set (same owner and type). */
    private void keepSignatures(List<Record> section, List<Record> keptOfSection) {
        List<Record> signatures = new ArrayList<>();
        for (Record r : section) {
            if (r instanceof RRSIGRecord sig) {
                for (Record k : keptOfSection) {
                    if (k.getType() == sig.getTypeCovered() && k.getName().equals(sig.getName())) {
                        signatures.add(sig);
                        break;
                    }
                }
            }
        }
        signatures.forEach(s -> keep(s, keptOfSection));
    }

    private static void addTarget(Record r, Set<Name> targets) {
        int t = r.getType();
        if (t == Type.NS || t == Type.MX || t == Type.SRV) {
            Name target = r.getAdditionalName();
            if (target != null) {
                targets.add(target);
            }
        }
    }

    private void countDropped(List<Record> usable) {
        for (Record r : usable) {
            if (!kept.containsKey(r)) {
                outsideDropped++;
            }
        }
    }
}
