package haystack.config.internal;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How a setting's text is checked and turned into a configuration value. */
enum ValueType {
    PORT("a port number 0-65535 (0 picks a free port)") {
        @Override
        Object parse(String text) {
            return wholeNumber(text, 0, 65535);
        }
    },
    SECONDS("a whole number of seconds, 0 or more") {
        @Override
        Object parse(String text) {
            return wholeNumber(text, 0, Integer.MAX_VALUE);
        }
    },
    MILLIS("a whole number of milliseconds, 1 or more") {
        @Override
        Object parse(String text) {
            return wholeNumber(text, 1, Integer.MAX_VALUE);
        }
    },
    COUNT("a whole number, 0 or more") {
        @Override
        Object parse(String text) {
            return wholeNumber(text, 0, Integer.MAX_VALUE);
        }
    },
    POSITIVE("a whole number, 1 or more") {
        @Override
        Object parse(String text) {
            return wholeNumber(text, 1, Integer.MAX_VALUE);
        }
    },
    THREADS("a whole number 0-256 (0 picks half the cores, at least one)") {
        @Override
        Object parse(String text) {
            return wholeNumber(text, 0, 256);
        }
    },
    USER("a user name without ':' (RFC 7617), or empty for no authentication") {
        @Override
        Object parse(String text) {
            if (text.contains(":")) {
                throw new IllegalArgumentException();
            }
            return text;
        }
    },
    UDP_SIZE("a DNS UDP answer size in bytes, 512-1232") {
        @Override
        Object parse(String text) {
            return wholeNumber(text, 512, 1232);
        }
    },
    BOOLEAN("true or false (also 1/0, yes/no)") {
        @Override
        Object parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off", "" -> false;
                default -> throw new IllegalArgumentException();
            };
        }
    },
    DOCKER_HOSTS("one or more comma-separated Docker endpoints: unix:///path/to/docker.sock or tcp://host:port; or none (no Docker source)") {
        @Override
        Object parse(String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException();
            }
            if (text.trim().equalsIgnoreCase("none")) {
                return new String[] { "none" };
            }
            return list(text, item -> {
                URI uri = URI.create(item);
                boolean unix = "unix".equals(uri.getScheme()) && uri.getPath() != null && !uri.getPath().isEmpty();
                boolean tcp = "tcp".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0;
                if (!unix && !tcp) {
                    throw new IllegalArgumentException();
                }
            });
        }
    },
    ETCD_ENDPOINTS("comma-separated etcd endpoints: http://host:port") {
        @Override
        Object parse(String text) {
            return list(text, item -> {
                URI uri = URI.create(item);
                if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535
                        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
                    throw new IllegalArgumentException();
                }
            });
        }
    },
    KEY_PREFIX("an etcd key prefix: '/' then letters, digits, '_', '.', '-', more '/'-separated names") {
        @Override
        Object parse(String text) {
            String t = text.trim();
            while (t.length() > 1 && t.endsWith("/")) {
                t = t.substring(0, t.length() - 1);
            }
            if (!t.matches("(/[a-zA-Z0-9_.-]+)+")) {
                throw new IllegalArgumentException();
            }
            return t;
        }
    },
    NODE_NAME("a node name: letters, digits, '_', '.', '-' (at most 253)") {
        @Override
        Object parse(String text) {
            String t = text.trim();
            if (!t.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,252}")) {
                throw new IllegalArgumentException();
            }
            return t;
        }
    },
    DNS_NAME("a DNS name of letters, digits and hyphens, labels separated by dots") {
        @Override
        Object parse(String text) {
            String name = text.trim().toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.isEmpty() || name.length() > 253 || !name.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
                throw new IllegalArgumentException();
            }
            return name;
        }
    },
    DNS_NAMES("comma-separated DNS names of letters, digits and hyphens, labels separated by dots") {
        @Override
        Object parse(String text) {
            List<String> names = new ArrayList<>();
            for (String item : list(text, item -> DNS_NAME.parse(item))) {
                names.add((String) DNS_NAME.parse(item));
            }
            return names.toArray(String[]::new);
        }
    },
    ADDRESSES("comma-separated IPv4 or IPv6 addresses") {
        @Override
        Object parse(String text) {
            return list(text, ValueType::literalAddress);
        }
    },
    HOST_PORTS("comma-separated IP[:port] (IPv6 as [address]:port); names are not resolved") {
        @Override
        Object parse(String text) {
            return list(text, item -> {
                URI uri = URI.create("dns://" + item);
                if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
                    throw new IllegalArgumentException();
                }
                if (uri.getPort() == 0 || uri.getPort() > 65535) {
                    throw new IllegalArgumentException();
                }
                literalAddress(uri.getHost());
            });
        }
    },
    CIDRS("comma-separated address ranges such as 127.0.0.0/8 or fd00::/8") {
        @Override
        Object parse(String text) {
            return list(text, item -> {
                int slash = item.indexOf('/');
                String address = slash < 0 ? item : item.substring(0, slash);
                InetAddress parsed = literalAddress(address);
                if (slash >= 0) {
                    int bits = Integer.parseInt(item.substring(slash + 1));
                    if (bits < 0 || bits > parsed.getAddress().length * 8) {
                        throw new IllegalArgumentException();
                    }
                }
            });
        }
    },
    PEM("PEM text starting with -----BEGIN") {
        @Override
        Object parse(String text) {
            if (!text.contains("-----BEGIN")) {
                throw new IllegalArgumentException();
            }
            return text;
        }
    },
    CONTAINER("a container id (at least its 12-character short id) or name: letters, digits, '_', '.', '-'; empty to detect it") {
        @Override
        Object parse(String text) {
            String t = text.trim();
            t = t.startsWith("/") ? t.substring(1) : t;
            if (!t.isEmpty() && !t.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
                throw new IllegalArgumentException();
            }
            return t;
        }
    },
    TEXT("any text") {
        @Override
        Object parse(String text) {
            return text;
        }
    };

    private final String allowed;

    ValueType(String allowed) {
        this.allowed = allowed;
    }

    /** What values are allowed, for the one-line error. */
    String allowed() {
        return allowed;
    }

    /** The configuration value for {@code text}; throws when the text is not allowed. */
    abstract Object parse(String text);

    private static int wholeNumber(String text, int min, int max) {
        int n = Integer.parseInt(text.trim());
        if (n < min || n > max) {
            throw new IllegalArgumentException();
        }
        return n;
    }

    private interface Check {
        void accept(String item);
    }

    private static String[] list(String text, Check check) {
        List<String> items = new ArrayList<>();
        for (String raw : text.split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            check.accept(item);
            items.add(item);
        }
        return items.toArray(String[]::new);
    }

    private static InetAddress literalAddress(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean literal = t.matches("[0-9.]+") ? t.split("\\.", -1).length == 4 : t.matches("[0-9a-fA-F:.%a-z]+") && t.contains(":");
        if (!literal) {
            throw new IllegalArgumentException();
        }
        try {
            return InetAddress.getByName(t); // a literal: no lookup happens
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
