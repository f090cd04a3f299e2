package haystack.lb.internal;

import java.lang.annotation.Annotation;

/** An {@link LbConfig} for tests: free ports on loopback, short timeouts, fast probes. */
final class TestConfig implements LbConfig {

    int connectTimeout = 2000;
    int idleTimeout = 3000;
    int passiveFailures = 2;
    int passiveProbeInterval = 300;
    int httpPort;
    int httpAltPort;

    @Override public Class<? extends Annotation> annotationType() { return LbConfig.class; }
    @Override public int http_port() { return httpPort; }
    @Override public int http_alt_port() { return httpAltPort; }
    int httpsPort;
    @Override public int https_port() { return httpsPort; }
    @Override public String bind() { return "127.0.0.1"; }
    String origin = "haystack";
    @Override public String origin() { return origin; }
    @Override public String[] domains() { return new String[0]; }
    @Override public int connect_timeout() { return connectTimeout; }
    @Override public int idle_timeout() { return idleTimeout; }
    int headTimeout = 3000;
    @Override public int head_timeout() { return headTimeout; }
    int maxConnections = 4096;
    @Override public int max_connections() { return maxConnections; }
    @Override public int passive_failures() { return passiveFailures; }
    @Override public int passive_probe_interval() { return passiveProbeInterval; }
    @Override public int retries() { return 3; }
    @Override public int max_header_size() { return 16384; }
    int ioThreads = 2;
    @Override public int io_threads() { return ioThreads; }
    int tcpIdleTimeout = 60_000;
    String tcpBind = "127.0.0.1";
    @Override public String tcp_bind() { return tcpBind; }
    @Override public int tcp_idle_timeout() { return tcpIdleTimeout; }
    boolean accessLog;
    @Override public boolean access_log() { return accessLog; }
}
