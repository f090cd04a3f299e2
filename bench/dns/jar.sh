#!/usr/bin/env bash
# Haystack's DNS server as users run it (the exported jar with haystack.distro/jvm.options,
# endpoints from the file source) against nsd, at several registry sizes: 10 endpoints per
# service, 10, 10,000 and 100,000 endpoints by default. dnsperf asks each service's A and
# SRV records in turn. nsd serves exactly what Haystack answered: its zone is written from
# Haystack's own answers (dig, answer and additional sections), so both serve the same data.
# Prints queries/s, average latency and each server's RSS at the end of its run.
# Needs: dnsperf nsd dig (Debian), a JDK 17. Loopback only; every run bounded by DURATION.
# Usage: bench/dns/jar.sh [endpoints...]   (DURATION, WARMUP seconds; CLIENTS; PORT)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-100}
PORT=${PORT:-15363}
ADMIN_PORT=${ADMIN_PORT:-15364}
PER=10
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10 10000 100000)
CORES=$(nproc)
JAR="$ROOT/haystack.distro/target/haystack.jar"
WORK=$(mktemp -d /tmp/haystack-dns-jar.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in dnsperf nsd dig java curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y dnsperf nsd bind9-dnsutils curl)" >&2; exit 1; }
done
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests install >&2)

perf() { # port queryfile seconds -> "qps avg-latency-ms lost noerror%"
  dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$3" -c "$CLIENTS" -q "$OUTSTANDING" 2>&1 | awk '
    /Queries lost:/ {lost=$3}
    /Queries per second:/ {qps=$4}
    /Average Latency \(s\):/ {lat=$4*1000}
    /Response codes:/ {ok="0%"; for (i = 3; i <= NF; i++) if ($i == "NOERROR") ok=$(i+2)}
    END {gsub(/[(),]/, "", ok); printf "%.0f %.3f %s %s\n", qps, lat, lost, ok}'
}
rss_mb() { # pids... -> their resident memory together, MB
  local total=0 pid
  for pid in "$@"; do total=$(( total + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0) )); done
  awk -v k="$total" 'BEGIN { printf "%.1f", k / 1024 }'
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

printf '%-10s %-9s %10s %12s %8s %9s %9s\n' endpoints server qps "avg-lat(ms)" lost noerror rss-MB
for endpoints in "${SIZES[@]}"; do
  services=$(( (endpoints + PER - 1) / PER ))
  dir="$WORK/$endpoints"; mkdir -p "$dir/services"
  # the file source's services: s<i>, 10 endpoints each on distinct addresses, port name redis
  awk -v n="$services" -v per="$PER" -v d="$dir/services" 'BEGIN {
    for (i = 0; i < n; i++) {
      f = d "/s" i ".yaml"; print "port: redis\nendpoints:" > f
      for (j = 0; j < per; j++) { k = i * per + j; printf "  - 10.%d.%d.%d:6379\n", int(k / 65536) % 256, int(k / 256) % 256, k % 256 > f }
      close(f)
    } }'
  awk -v n="$services" 'BEGIN { for (i = 0; i < n; i++) { print "s" i ".services.haystack A"; print "_redis._tcp.s" i ".services.haystack SRV" } }' > "$dir/queries.txt"

  ( cd "$dir" && exec env HAYSTACK_SERVICES_DIR="$dir/services" HAYSTACK_DNS_PORT="$PORT" HAYSTACK_DNS_BIND=127.0.0.1 \
      HAYSTACK_HTTP_PORT=0 HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_SSH_PORT=0 HAYSTACK_ADMIN_PORT="$ADMIN_PORT" HAYSTACK_ADMIN_BIND=127.0.0.1 \
      HAYSTACK_ADDRESS=127.0.0.1 HAYSTACK_DATA="$dir/data" HAYSTACK_CONFIG_DIR="$dir/conf" DOCKER_HOST=none \
      MALLOC_ARENA_MAX=2 java "@$ROOT/haystack.distro/jvm.options" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$JAR" ) \
      > "$dir/haystack.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$ADMIN_PORT/ready" >/dev/null 2>&1 && [ "$(ls "$dir/services" | wc -l)" -gt 0 ] \
      && dig @127.0.0.1 -p "$PORT" +time=1 +tries=1 +short "s$((services - 1)).services.haystack" A | grep -q . && break
    sleep 0.2
  done
  dig @127.0.0.1 -p "$PORT" +time=2 +short "s$((services - 1)).services.haystack" A | grep -q . \
    || { echo "haystack did not serve $endpoints endpoints:" >&2; tail -5 "$dir/haystack.log" >&2; exit 1; }
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null   # JIT warm-up, as for a server that has been running
  read -r qps lat lost ok < <(perf "$PORT" "$dir/queries.txt" "$DURATION")
  printf '%-10s %-9s %10s %12s %8s %9s %9s\n' "$endpoints" haystack "$qps" "$lat" "$lost" "$ok" "$(rss_mb "$pid")"

  # nsd's zone: the apex and every answer Haystack gave to the benchmark's questions
  { echo "\$ORIGIN haystack."
    dig @127.0.0.1 -p "$PORT" +noall +answer haystack SOA
    dig @127.0.0.1 -p "$PORT" +noall +answer haystack NS
    sed 's/^/@127.0.0.1 -p '"$PORT"' +noall +answer +additional +time=5 /' "$dir/queries.txt" > "$dir/dig-batch.txt"
    dig -f "$dir/dig-batch.txt"
  } | awk '!/^;/ && NF && !seen[$0]++' > "$dir/haystack.zone"
  stop "$pid"
  cat > "$dir/nsd.conf" <<CONF
server:
  port: $PORT
  ip-address: 127.0.0.1
  server-count: $CORES
  username: ""
  chroot: ""
  zonesdir: "$dir"
  database: ""
  pidfile: "$dir/nsd.pid"
  xfrdfile: "$dir/xfrd.state"
  zonelistfile: "$dir/zone.list"
  logfile: "$dir/nsd.log"
  verbosity: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: haystack
  zonefile: haystack.zone
CONF
  nsd -d -c "$dir/nsd.conf" > "$dir/nsd.out" 2>&1 &
  pid=$!; PIDS+=("$pid")
  for _ in $(seq 1 300); do dig @127.0.0.1 -p "$PORT" +time=1 +tries=1 haystack SOA 2>/dev/null | grep -q 'status: NOERROR' && break; sleep 0.2; done
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null
  read -r qps lat lost ok < <(perf "$PORT" "$dir/queries.txt" "$DURATION")
  printf '%-10s %-9s %10s %12s %8s %9s %9s\n' "$endpoints" nsd "$qps" "$lat" "$lost" "$ok" "$(rss_mb "$pid" $(pgrep -P "$pid" | tr '\n' ' '))"
  stop "$pid"
done
echo "cores=$CORES clients=$CLIENTS outstanding=$OUTSTANDING duration=${DURATION}s (dnsperf shares the cores); nsd serves the records Haystack answered"
