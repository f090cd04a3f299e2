#!/usr/bin/env bash
# Benchmark of Haystack's DNS server against nsd and dnsmasq on loopback (SPEC §4 goal:
# at least as fast as nsd). Each server answers the same records (written by
# DnsBenchServer): 10 and 10,000 endpoints in the registry (1 and 1,000 services of 10
# containers); dnsperf asks service A, container A and SRV questions in turn.
# Then forwarded cache hits: Haystack, dnsmasq and unbound each as a caching forwarder to
# one local authoritative upstream (nsd with FWD_NAMES names, TTL 1 h); after a warm-up
# pass fills the caches, dnsperf asks those names over and over.
# Needs: dnsperf nsd dnsmasq unbound (Debian packages), a JDK 17. Loopback only, bounded runs.
# Usage: bench/dns/run.sh   (DURATION=seconds per run, CLIENTS=dnsperf clients,
#        RUNS="owned forwarded" to choose the parts; MAVEN_ARGS is passed to Maven)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-100}
PORT=${PORT:-15353}
UPSTREAM_PORT=${UPSTREAM_PORT:-15354}
FWD_NAMES=${FWD_NAMES:-1000}
RUNS=${RUNS:-owned forwarded}
WORK=$(mktemp -d /tmp/haystack-dns-bench.XXXXXX)
PIDS=()
. "$ROOT/bench/dns/lib.sh"
trap cleanup EXIT
need dnsperf nsd dnsmasq unbound java

echo "building haystack.dns (tests compiled, not run)..." >&2
(cd "$ROOT" && ./mvnw -B -q install -pl haystack.dns -am -DskipTests)
CP=$(cd "$ROOT/haystack.dns" && ../mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null && cat "$WORK/cp.txt")
CP="$ROOT/haystack.dns/target/classes:$ROOT/haystack.dns/target/test-classes:$CP"

wait_ready() { # port [zone whose SOA must be answered]
  for _ in $(seq 1 100); do
    if dig @127.0.0.1 -p "$1" +time=1 +tries=1 "${2:-haystack}" SOA 2>/dev/null | grep -q 'status:'; then return 0; fi
    sleep 0.2
  done
  echo "server on port $1 did not answer" >&2; return 1
}

# Digest of the answers to the first queries: the servers must agree before speed counts.
answers() { # port queryfile
  head -n 9 "$2" | while read -r name type; do
    dig @127.0.0.1 -p "$1" +time=2 +tries=1 +short "$name" "$type" | sort
  done | md5sum | cut -c1-8
}

declare -A RESULT SAME

OWNED_SIZES=()
[[ " $RUNS " == *" owned "* ]] && OWNED_SIZES=("1 10" "1000 10")
for size in "${OWNED_SIZES[@]}"; do
  set -- $size
  services=$1; per=$2; endpoints=$((services * per))
  dir="$WORK/$endpoints"; mkdir -p "$dir"
  java -cp "$CP" haystack.dns.internal.DnsBenchServer 0 "$services" "$per" "$dir"

  # Haystack (JIT warm-up first, as for a server that has been running)
  java -Xms256m -Xmx512m -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" \
    haystack.dns.internal.DnsBenchServer "$PORT" "$services" "$per" "$dir" "$CORES" >"$dir/haystack.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_ready "$PORT"
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null
  SAME[haystack,$endpoints]=$(answers "$PORT" "$dir/queries.txt")
  RESULT[haystack,$endpoints]=$(perf "$PORT" "$dir/queries.txt" "$DURATION")
  stop "$pid"

  # nsd: one server process per core, response rate limiting off
  nsd_conf "$dir" haystack "$PORT" >"$dir/nsd.conf"
  nsd -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_ready "$PORT"
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null
  SAME[nsd,$endpoints]=$(answers "$PORT" "$dir/queries.txt")
  RESULT[nsd,$endpoints]=$(perf "$PORT" "$dir/queries.txt" "$DURATION")
  stop "$pid"

  # dnsmasq: the same records as host-record/srv-host, authoritative-style local domain
  dnsmasq --no-daemon --conf-file="$dir/dnsmasq.conf" --port="$PORT" --listen-address=127.0.0.1 \
    --bind-interfaces --no-resolv --no-hosts --user=root --pid-file= --local=/haystack/ \
    --dns-forward-max=1000 >"$dir/dnsmasq.out" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_ready "$PORT"
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null
  SAME[dnsmasq,$endpoints]=$(answers "$PORT" "$dir/queries.txt")
  RESULT[dnsmasq,$endpoints]=$(perf "$PORT" "$dir/queries.txt" "$DURATION")
  stop "$pid"
done

forward_bench() {
  local dir="$WORK/forwarded" upstream pid
  mkdir -p "$dir"
  {
    echo '$ORIGIN fwd.bench.'
    echo '$TTL 3600'
    echo '@ IN SOA ns.fwd.bench. hostmaster.fwd.bench. 1 3600 600 86400 3600'
    echo '@ IN NS ns'
    echo 'ns IN A 127.0.0.1'
    for i in $(seq 1 "$FWD_NAMES"); do echo "h$i IN A 10.200.$((i / 256)).$((i % 256))"; done
  } >"$dir/fwd.bench.zone"
  for i in $(seq 1 "$FWD_NAMES"); do echo "h$i.fwd.bench A"; done >"$dir/queries.txt"
  nsd_conf "$dir" fwd.bench "$UPSTREAM_PORT" >"$dir/nsd.conf"
  nsd -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
  upstream=$!; PIDS+=("$upstream")
  wait_ready "$UPSTREAM_PORT" fwd.bench

  # Haystack: no services of its own that matter here, every question forwarded
  java -Xms256m -Xmx512m -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" \
    haystack.dns.internal.DnsBenchServer "$PORT" 1 1 "$dir/haystack" "$CORES" "127.0.0.1:$UPSTREAM_PORT" \
    >"$dir/haystack.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  forward_run haystack "$pid" "$dir"

  dnsmasq --no-daemon --port="$PORT" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --user=root --pid-file= --server="127.0.0.1#$UPSTREAM_PORT" --cache-size=10000 --dns-forward-max=1000 \
    >"$dir/dnsmasq.out" 2>&1 &
  pid=$!; PIDS+=("$pid")
  forward_run dnsmasq "$pid" "$dir"

  cat >"$dir/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: $PORT
  num-threads: $CORES
  so-reuseport: yes
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$dir"
  pidfile: "$dir/unbound.pid"
  use-syslog: no
  logfile: ""
  verbosity: 0
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  msg-cache-size: 64m
  rrset-cache-size: 128m
  ratelimit: 0
  ip-ratelimit: 0
remote-control:
  control-enable: no
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$UPSTREAM_PORT
CONF
  unbound -d -c "$dir/unbound.conf" >"$dir/unbound.out" 2>&1 &
  pid=$!; PIDS+=("$pid")
  forward_run unbound "$pid" "$dir"
  stop "$upstream"
}

forward_run() { # server pid dir
  wait_ready "$PORT" fwd.bench
  perf "$PORT" "$3/queries.txt" "$WARMUP" >/dev/null
  SAME[$1,forwarded]=$(answers "$PORT" "$3/queries.txt")
  RESULT[$1,forwarded]=$(perf "$PORT" "$3/queries.txt" "$DURATION")
  stop "$2"
}

[[ " $RUNS " == *" forwarded "* ]] && forward_bench

if [ ${#OWNED_SIZES[@]} -gt 0 ]; then
  printf '\nowned names\n%-10s %10s %12s %14s %8s %9s %8s\n' server endpoints qps "avg-lat(ms)" lost noerror answers
  for endpoints in 10 10000; do
    for server in haystack nsd dnsmasq; do
      read -r qps lat lost ok <<<"${RESULT[$server,$endpoints]}"
      printf '%-10s %10s %12s %14s %8s %9s %8s\n' "$server" "$endpoints" "$qps" "$lat" "$lost" "$ok" "${SAME[$server,$endpoints]}"
    done
  done
  echo
  for endpoints in 10 10000; do
    read -r h _ <<<"${RESULT[haystack,$endpoints]}"
    read -r n _ <<<"${RESULT[nsd,$endpoints]}"
    read -r d _ <<<"${RESULT[dnsmasq,$endpoints]}"
    awk -v h="$h" -v n="$n" -v d="$d" -v e="$endpoints" \
      'BEGIN {printf "endpoints=%s haystack/nsd=%.2f haystack/dnsmasq=%.2f\n", e, h/n, h/d}'
  done
fi
if [[ " $RUNS " == *" forwarded "* ]]; then
  printf '\nforwarded cache hits (%s names, upstream nsd on loopback)\n%-10s %12s %14s %8s %9s %8s\n' \
    "$FWD_NAMES" server qps "avg-lat(ms)" lost noerror answers
  for server in haystack dnsmasq unbound; do
    read -r qps lat lost ok <<<"${RESULT[$server,forwarded]}"
    printf '%-10s %12s %14s %8s %9s %8s\n' "$server" "$qps" "$lat" "$lost" "$ok" "${SAME[$server,forwarded]}"
  done
  read -r h _ <<<"${RESULT[haystack,forwarded]}"
  read -r d _ <<<"${RESULT[dnsmasq,forwarded]}"
  read -r u _ <<<"${RESULT[unbound,forwarded]}"
  awk -v h="$h" -v d="$d" -v u="$u" 'BEGIN {printf "forwarded haystack/dnsmasq=%.2f haystack/unbound=%.2f\n", h/d, h/u}'
fi
echo
echo "answers: digest of the sorted answers to the first 9 queries; equal digests = same data served"
echo "cores=$CORES clients=$CLIENTS outstanding=$OUTSTANDING duration=${DURATION}s (dnsperf shares the cores)"
