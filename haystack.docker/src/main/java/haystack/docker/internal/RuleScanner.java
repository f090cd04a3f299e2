package haystack.docker.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The small part of Traefik's rule grammar Haystack can express: matchers joined by
 * {@code ||}, optionally parenthesised, each {@code Host(...)} or {@code PathPrefix(...)}
 * with one or more string arguments in backquotes or double quotes. Unbalanced
 * parentheses or quotes reject the whole rule; anything else rejects one term.
 */
final class RuleScanner {

    /** One matcher: its name and arguments. */
    record Matcher(String name, List<String> args) {
    }

    private RuleScanner() {
    }

    /** The rule's top-level {@code ||} terms, outer parentheses removed. */
    static List<String> disjuncts(String rule) {
        String r = unwrap(rule.strip());
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        char quote = 0;
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '`' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth < 0) {
                    throw new IllegalArgumentException("unbalanced parentheses");
                }
            } else if (c == '|' && depth == 0 && i + 1 < r.length() && r.charAt(i + 1) == '|') {
                out.add(unwrap(r.substring(start, i).strip()));
                start = i + 2;
                i++;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated quote");
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced parentheses");
        }
        out.add(unwrap(r.substring(start).strip()));
        return out;
    }

    /** {@code Host(`a`, `b`)} → Host [a, b]; throws for anything else. */
    static Matcher matcher(String term) {
        int open = term.indexOf('(');
        if (open <= 0 || !term.endsWith(")")) {
            throw new IllegalArgumentException("not a matcher");
        }
        String name = term.substring(0, open).strip();
        if (!name.equals("Host") && !name.equals("PathPrefix")) {
            throw new IllegalArgumentException(name.isEmpty() ? "not a matcher" : "matcher " + name);
        }
        String inside = term.substring(open + 1, term.length() - 1);
        List<String> args = new ArrayList<>();
        int i = 0;
        while (true) {
            i = skipSpaces(inside, i);
            if (i >= inside.length() || (inside.charAt(i) != '`' && inside.charAt(i) != '"')) {
                throw new IllegalArgumentException("arguments are quoted strings");
            }
            char quote = inside.charAt(i);
            int end = inside.indexOf(quote, i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated quote");
            }
            args.add(inside.substring(i + 1, end));
            i = skipSpaces(inside, end + 1);
            if (i == inside.length()) {
                return new Matcher(name, args);
            }
            if (inside.charAt(i) != ',') {
                throw new IllegalArgumentException("operators other than || between matchers");
            }
            i++;
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Removes parentheses that wrap the whole of {@code s}, as often as they do. */
    private static String unwrap(String s) {
        String r = s;
        while (r.startsWith("(") && r.endsWith(")") && closes(r)) {
            r = r.substring(1, r.length() - 1).strip();
        }
        return r;
    }

    /** Whether the '(' at 0 is closed by the last character (not earlier). */
    private static boolean closes(String s) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '`' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0 && i < s.length() - 1) {
                    return false;
                }
            }
        }
        return depth == 0;
    }
}
