#!/usr/bin/env bash
# Haystack's DNS server while the registry changes: the exported jar serving endpoints from
# the file source (10 per service) answers dnsperf idle, then while a writer rewrites CHURN
# service files a second (each rewrite moves one endpoint of that service to another
# address and back: one registry change each), beside nsd idle on the same records.
# Prints queries/s, latency and CPU per query for each, the file rewrites Haystack loaded
# and the registry changes it made per second during the run (the file source folds the
# rewrites it finds in one scan into one change), and the ratio churn/idle. Needs: dnsperf nsd dig curl python3, a JDK 17. Loopback only,
# every run bounded by DURATION.
# Usage: bench/dns/churn.sh [endpoints...]   (CHURN changes/s, default 100; DURATION, WARMUP
#        seconds; CLIENTS; PORT; JAVA_EXTRA)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-100}
PORT=${PORT:-15365}
ADMIN_PORT=${ADMIN_PORT:-15366}
CHURN=${CHURN:-100}
PER=10
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10 10000 100000)
WORK=$(mktemp -d /tmp/haystack-dns-churn.XXXXXX)
PIDS=()
. "$ROOT/bench/dns/lib.sh"
trap cleanup EXIT
need dnsperf nsd dig java curl python3

counters() { # → "file-loads registry-version", from /metrics
  curl -fs --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '
    /^haystack_file_loads_total / { l = $2 } /^haystack_registry_version / { v = $2 } END { printf "%d %d\n", l, v }' || echo "0 0"
}

# Rewrites service files round-robin, CHURN a second, for at most $3 seconds: the last
# endpoint of each goes to 10.255.x.y and back on the next turn (written aside, then renamed).
churn() { # dir services seconds
  python3 - "$1" "$2" "$3" "$CHURN" "$PER" <<'PY' &
import os, sys, time
d, services, seconds, rate, per = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
os.makedirs(d + "/tmp", exist_ok=True)
moved = set()
start = time.monotonic(); n = 0
while time.monotonic() - start < seconds:
    i = n % services
    lines = ["port: redis", "endpoints:"]
    for j in range(per):
        k = i * per + j
        a = "10.%d.%d.%d" % ((k >> 16) % 256, (k >> 8) % 256, k % 256)
        if j == per - 1 and i not in moved:
            a = "10.255.%d.%d" % ((i >> 8) % 256, i % 256)
        lines.append("  - %s:6379" % a)
    moved ^= {i}
    tmp = "%s/tmp/s%d.yaml" % (d, i)
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, "%s/services/s%d.yaml" % (d, i))
    n += 1
    delay = start + n / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
PY
  CHURN_PID=$!; PIDS+=("$CHURN_PID")
}

row() { printf '%-10s %-16s %10s %12s %8s %9s %9s %10s\n' "$@"; }
row endpoints run qps "avg-lat(ms)" noerror cpu-us/q loads/s changes/s
for endpoints in "${SIZES[@]}"; do
  services=$(( (endpoints + PER - 1) / PER ))
  dir="$WORK/$endpoints"
  write_services "$dir" "$services" "$PER"
  start_haystack "$dir" "$PORT" "$ADMIN_PORT" "s$((services - 1)).services.haystack"
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null   # JIT warm-up
  read -r idle lat _ ok cpu < <(perf_cpu "$PORT" "$dir/queries.txt" "$DURATION" "$HAYSTACK_PID")
  row "$endpoints" haystack-idle "$idle" "$lat" "$ok" "$cpu" 0 0
  churn "$dir" "$services" $((DURATION + 3))
  sleep 1
  read -r loads0 version0 < <(counters)
  read -r busy lat _ ok cpu < <(perf_cpu "$PORT" "$dir/queries.txt" "$DURATION" "$HAYSTACK_PID")
  read -r loads1 version1 < <(counters)
  row "$endpoints" haystack-churn "$busy" "$lat" "$ok" "$cpu" "$(( (loads1 - loads0) / DURATION ))" "$(( (version1 - version0) / DURATION ))"
  stop "$CHURN_PID"
  haystack_zone "$PORT" "$dir/queries.txt" > "$dir/haystack.zone"
  stop "$HAYSTACK_PID"

  start_nsd "$dir" haystack "$PORT"
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null
  read -r qps lat _ ok cpu < <(perf_cpu "$PORT" "$dir/queries.txt" "$DURATION" $(tree_pids "$NSD_PID"))
  row "$endpoints" nsd-idle "$qps" "$lat" "$ok" "$cpu" - -
  stop "$NSD_PID"
  awk -v i="$idle" -v b="$busy" -v n="$qps" -v e="$endpoints" 'BEGIN {
    printf "endpoints=%s churn/idle=%.2f haystack-churn/nsd=%.2f haystack-idle/nsd=%.2f\n", e, b / i, b / n, i / n }'
done
echo "cores=$CORES clients=$CLIENTS outstanding=$OUTSTANDING duration=${DURATION}s churn=${CHURN} file rewrites/s (dnsperf and the writer share the cores)"
