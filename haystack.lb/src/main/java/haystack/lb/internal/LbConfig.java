package haystack.lb.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of PID {@code haystack.lb}; names map {@code _} to {@code .} (http_port → http.port). */
@ObjectClassDefinition(id = "haystack.lb", name = "Haystack load balancer",
        description = "HTTP and TCP listeners, backend timeouts and limits of the load balancer")
public @interface LbConfig {

    @AttributeDefinition(description = "Port serving endpoints whose port is named http (HAYSTACK_HTTP_PORT)")
    int http_port() default 80;

    @AttributeDefinition(description = "Port serving endpoints whose port is named http-alt (HAYSTACK_HTTP_ALT_PORT)")
    int http_alt_port() default 8080;

    @AttributeDefinition(description = "Port terminating TLS (1.2, 1.3) and routing as the http port does (HAYSTACK_HTTPS_PORT)")
    int https_port() default 443;

    @AttributeDefinition(description = "Address the http, http-alt and https listeners bind to (HAYSTACK_HTTP_BIND)")
    String bind() default "0.0.0.0";

    @AttributeDefinition(description = "DNS origin: hosts <service>.services.<origin> are routed (HAYSTACK_ORIGIN)")
    String origin() default "haystack";

    @AttributeDefinition(description = "Service domains: hosts <service>.<domain> are routed as the DNS answers them (HAYSTACK_DNS_DOMAINS)")
    String[] domains() default {};

    @AttributeDefinition(description = "Milliseconds to wait for a backend connection (HAYSTACK_LB_CONNECT_TIMEOUT)")
    int connect_timeout() default 5000;

    @AttributeDefinition(description = "Milliseconds a client or backend connection may stay silent (HAYSTACK_LB_IDLE_TIMEOUT)")
    int idle_timeout() default 50000;

    @AttributeDefinition(description = "Milliseconds a client has to send a whole request head, from its connection or its first byte; then 408 (HAYSTACK_LB_HEAD_TIMEOUT)")
    int head_timeout() default 10000;

    @AttributeDefinition(description = "Most client connections open at once; at the limit idle ones are closed first (HAYSTACK_LB_MAX_CONNECTIONS)")
    int max_connections() default 4096;

    @AttributeDefinition(description = "Consecutive backend failures that eject an endpoint (HAYSTACK_LB_PASSIVE_FAILURES)")
    int passive_failures() default 3;

    @AttributeDefinition(description = "Milliseconds between probes of an ejected endpoint (HAYSTACK_LB_PASSIVE_PROBE_INTERVAL)")
    int passive_probe_interval() default 5000;

    @AttributeDefinition(description = "Other endpoints tried when a backend connection fails (HAYSTACK_LB_RETRIES)")
    int retries() default 3;

    @AttributeDefinition(description = "One stdout line per proxied request: time, client, host, service, endpoint, status, bytes, duration (HAYSTACK_ACCESS_LOG)")
    boolean access_log() default false;

    @AttributeDefinition(description = "Largest request head in bytes; larger is refused (HAYSTACK_LB_MAX_HEADER_SIZE)")
    int max_header_size() default 16384;

    @AttributeDefinition(description = "Address the TCP listeners (label haystack.tcp) bind to (HAYSTACK_TCP_BIND)")
    String tcp_bind() default "0.0.0.0";

    @AttributeDefinition(description = "Milliseconds a relayed TCP connection may pass no byte either way before it is closed (HAYSTACK_TCP_IDLE_TIMEOUT)")
    int tcp_idle_timeout() default 3_600_000;

    @AttributeDefinition(description = "Event-loop threads of the load balancer; 0 picks half the cores, at least one (HAYSTACK_LB_IO_THREADS)")
    int io_threads() default 0;
}
