#!/usr/bin/env bash
# Haystack's DNS server as users run it (the exported jar with haystack.distro/jvm.options,
# endpoints from the file source) against nsd, at several registry sizes: 10 endpoints per
# service, 10, 10,000 and 100,000 endpoints by default. dnsperf asks each service's A and
# SRV records in turn. nsd serves exactly what Haystack answered: its zone is written from
# Haystack's own answers (dig, answer and additional sections), so both serve the same data.
# Prints queries/s, average latency, each server's CPU time per query (user + system; the
# figure that holds when other work shares the machine) and its memory at the end of its run
# (Haystack's RSS; nsd's PSS summed over its processes, which share most pages).
# Needs: dnsperf nsd dig (Debian), a JDK 17. Loopback only; every run bounded by DURATION.
# Usage: bench/dns/jar.sh [endpoints...]   (DURATION, WARMUP seconds; CLIENTS; PORT;
#        JAVA_EXTRA: more JVM options for Haystack, e.g. a flight recording;
#        THREADS=1: also Haystack's CPU per query by thread, user+system, the top six;
#        HAYSTACK_JAR: another build of the jar, to compare before and after a change)
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
WORK=$(mktemp -d /tmp/haystack-dns-jar.XXXXXX)
PIDS=()
. "$ROOT/bench/dns/lib.sh"
trap cleanup EXIT
need dnsperf nsd dig java curl

row() { printf '%-10s %-9s %10s %12s %8s %9s %9s %9s\n' "$@"; }
row endpoints server qps "avg-lat(ms)" lost noerror cpu-us/q mem-MB
for endpoints in "${SIZES[@]}"; do
  services=$(( (endpoints + PER - 1) / PER ))
  dir="$WORK/$endpoints"
  write_services "$dir" "$services" "$PER"
  start_haystack "$dir" "$PORT" "$ADMIN_PORT" "s$((services - 1)).services.haystack"
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null   # JIT warm-up, as for a server that has been running
  [ -z "${THREADS:-}" ] || thread_cpu "$HAYSTACK_PID" > "$dir/threads.before"
  read -r qps lat lost ok cpu < <(perf_cpu "$PORT" "$dir/queries.txt" "$DURATION" "$HAYSTACK_PID")
  row "$endpoints" haystack "$qps" "$lat" "$lost" "$ok" "$cpu" "$(rss_mb "$HAYSTACK_PID")"
  if [ -n "${THREADS:-}" ]; then
    thread_cpu "$HAYSTACK_PID" > "$dir/threads.after"
    echo "  threads (us/query): $(thread_cpu_split "$dir/threads.before" "$dir/threads.after" $((qps * DURATION)))"
  fi
  haystack_zone "$PORT" "$dir/queries.txt" > "$dir/haystack.zone"
  stop "$HAYSTACK_PID"

  start_nsd "$dir" haystack "$PORT"
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null
  read -r qps lat lost ok cpu < <(perf_cpu "$PORT" "$dir/queries.txt" "$DURATION" $(tree_pids "$NSD_PID"))
  row "$endpoints" nsd "$qps" "$lat" "$lost" "$ok" "$cpu" "$(pss_mb $(tree_pids "$NSD_PID"))"
  stop "$NSD_PID"
done
echo "cores=$CORES clients=$CLIENTS outstanding=$OUTSTANDING duration=${DURATION}s (dnsperf shares the cores); nsd serves the records Haystack answered"
