#!/usr/bin/env bash
# Hostile-client figures of SPEC §4 for Haystack's DNS server beside nsd, same records
# (DnsBenchServer: 3 services of 30 containers): the UDP answer to a 30-endpoint SRV asked
# with a 4096-byte buffer (size, TC), and how many of 15 `dig +tcp` queries from
# 127.0.0.2 are answered while 127.0.0.1 holds 130 TCP connections (half idle, half
# trickling a message a byte every 200 ms). Loopback only, bounded (the holder stops by
# itself after 60 s). Needs: nsd, dig, python3, a JDK 17.  Usage: bench/dns/edges.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT=${PORT:-15354}
HELD=${HELD:-130}
WORK=$(mktemp -d /tmp/haystack-dns-edges.XXXXXX)
PIDS=()
. "$ROOT/bench/dns/lib.sh"
trap cleanup EXIT
ulimit -n 20000 || true

if [ -z "${CP:-}" ]; then
  (cd "$ROOT" && ./mvnw -B -q install -pl haystack.dns -am -DskipTests)
  CP=$(cd "$ROOT/haystack.dns" && ../mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null && cat "$WORK/cp.txt")
fi
CP="$ROOT/haystack.dns/target/classes:$ROOT/haystack.dns/target/test-classes:$CP"

wait_ready() {
  for _ in $(seq 1 100); do
    dig @127.0.0.1 -p "$PORT" +time=1 +tries=1 haystack SOA >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server on port $PORT did not answer" >&2; return 1
}

udp_srv() { # → "bytes flags"
  dig @127.0.0.1 -p "$PORT" +bufsize=4096 +ignore +time=2 +tries=1 _redis._tcp.s1.services.haystack SRV | awk '
    /;; flags:/ {sub(/;; flags: /, ""); sub(/;.*/, ""); f=$0}
    /MSG SIZE/ {s=$NF}
    END {printf "%s bytes, flags: %s\n", s, f}'
}

bystander() { # → answered out of 15 while HELD connections are held
  python3 - "$PORT" "$HELD" <<'PY' &
import socket, sys, time
port, held = int(sys.argv[1]), int(sys.argv[2])
socks = []
for i in range(held):
    s = socket.socket(); s.bind(("127.0.0.1", 0))
    try:
        s.connect(("127.0.0.1", port))
        if i % 2: s.send(b"\x00\x3c")
        socks.append(s)
    except OSError:
        s.close()
end = time.time() + 60
while time.time() < end:
    for i, s in enumerate(socks):
        if i % 2:
            try: s.send(b"\x00")
            except OSError: pass
    time.sleep(0.2)
PY
  local holder=$!
  sleep 2
  local ok=0
  for _ in $(seq 1 15); do
    if dig -b 127.0.0.2 @127.0.0.1 -p "$PORT" +tcp +time=2 +tries=1 +short s1.services.haystack A | grep -qv '^;;'; then
      ok=$((ok + 1))
    fi
  done
  kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true
  echo "$ok/15"
}

dir="$WORK/zone"; mkdir -p "$dir"
java -cp "$CP" haystack.dns.internal.DnsBenchServer 0 3 30 "$dir"

java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" haystack.dns.internal.DnsBenchServer "$PORT" 3 30 "$dir" \
  >"$WORK/haystack.log" 2>&1 &
pid=$!; PIDS+=("$pid"); wait_ready
echo "haystack udp 30-endpoint SRV: $(udp_srv)"
echo "haystack tcp bystander under $HELD held connections: $(bystander)"
kill "$pid"; wait "$pid" 2>/dev/null || true

if command -v nsd >/dev/null; then
  nsd_conf "$dir" haystack "$PORT" >"$dir/nsd.conf"
  nsd -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
  pid=$!; PIDS+=("$pid"); wait_ready
  echo "nsd udp 30-endpoint SRV: $(udp_srv)"
  echo "nsd tcp bystander under $HELD held connections: $(bystander)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
fi
