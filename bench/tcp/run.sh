#!/usr/bin/env bash
# Haystack's TCP listeners (SPEC §5a) against HAProxy in mode tcp, both in front of the
# same loopback backends (TcpBenchTool serve, a plain Java server) and driven by the same
# client (TcpBenchTool), in the same run. Loopback only; every phase is bounded.
# Measures: throughput of one large transfer each way (TRANSFER_MB, default 1024, one
# stream, then STREAMS streams), new connections per second (CONN_SECONDS with
# CONN_CLIENTS clients, each connection one 8-byte echo), and Haystack's RSS while it
# relays the large transfers (memory must stay bounded: two pooled buffers per connection).
# Needs: haproxy (Debian), Java 17. Usage: bench/tcp/run.sh
#   env JAVA_OPTS: extra JVM flags for Haystack; HAYSTACK_LB_IO_THREADS: its event loops
#   (default 0, the product's default: half the cores, at least one); ROUNDS (default 3).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/haystack-bench-tcp.XXXXXX)
BACKEND_BASE=18380
BACKENDS=${BACKENDS:-2}
HAPROXY_PORT=18481
HAYSTACK_PORT=18483
TRANSFER_MB=${TRANSFER_MB:-1024}
STREAMS=${STREAMS:-4}
CONN_SECONDS=${CONN_SECONDS:-5}
CONN_CLIENTS=${CONN_CLIENTS:-16}
ROUNDS=${ROUNDS:-3}
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.3
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in haproxy java; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y haproxy" >&2; exit 1; }
done

( cd "$ROOT" && ./mvnw -B -q test-compile dependency:build-classpath -pl haystack.lb -am \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test ${MVN_ARGS:-} >/dev/null )
CP="$ROOT/haystack.lb/target/test-classes:$ROOT/haystack.lb/target/classes:$(cat "$WORK/cp.txt")"
tool() { java -cp "$CP" haystack.lb.internal.TcpBenchTool "$@"; }

wait_for() { # file pattern
  for _ in $(seq 1 150); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "not ready: $1" >&2; cat "$1" >&2; exit 1
}

# --- backends -------------------------------------------------------------------------
ports=(); haproxy_servers=""
for i in $(seq 1 "$BACKENDS"); do
  port=$((BACKEND_BASE + i)); ports+=("$port")
  haproxy_servers+="  server b$i 127.0.0.1:$port"$'\n'
done
java -Xmx256m -cp "$CP" haystack.lb.internal.TcpBenchTool serve "${ports[@]}" > "$WORK/backends.log" 2>&1 &
PIDS+=($!)
wait_for "$WORK/backends.log" 'ready'

# --- HAProxy in mode tcp: nbthread = cores --------------------------------------------
cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread $(nproc)
  maxconn 8192
defaults
  mode tcp
  timeout connect 5s
  timeout client 1h
  timeout server 1h
  retries 3
  option redispatch
frontend fe
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend be
backend be
  balance roundrobin
$haproxy_servers
CONF
haproxy -f "$WORK/haproxy.cfg" -q &
PIDS+=($!)
HAPROXY_PID=$!

# --- Haystack: the load balancer standalone over a real registry (test-scope main) ----
java -Xmx256m ${JAVA_OPTS:-} -cp "$CP" haystack.lb.internal.TcpBenchMain "$HAYSTACK_PORT" "${ports[@]}" > "$WORK/haystack.log" 2>&1 &
PIDS+=($!)
HAYSTACK_PID=$!
wait_for "$WORK/haystack.log" 'haystack tcp ready'

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# runs a command while sampling a process's RSS every 100 ms; prints the peak (kB) to $WORK/peak
with_peak_rss() { # pid command...
  local pid=$1; shift
  local peak; peak=$(rss_kb "$pid")
  "$@" > "$WORK/out" &
  local job=$!
  while kill -0 "$job" 2>/dev/null; do
    local now; now=$(rss_kb "$pid"); [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.1
  done
  wait "$job"
  echo "$peak" > "$WORK/peak"
  cat "$WORK/out"
}

BYTES=$((TRANSFER_MB * 1024 * 1024))
echo "warm-up: 256 MB each way and 2 s of connections through each proxy"
for p in $HAPROXY_PORT $HAYSTACK_PORT; do
  tool up "$p" $((256 * 1024 * 1024)) 1 >/dev/null; tool down "$p" $((256 * 1024 * 1024)) 1 >/dev/null
  tool conns "$p" 2 "$CONN_CLIENTS" >/dev/null
done

echo
echo "$BACKENDS backends on loopback, $(nproc) cores shared by everything; haproxy nbthread $(nproc); haystack $(grep -o 'ioThreads=[0-9]*' "$WORK/haystack.log" | head -1)"
echo "Haystack RSS idle after warm-up: $(( $(rss_kb $HAYSTACK_PID) / 1024 )) MB (-Xmx256m)"
printf '%-6s %-9s %12s %12s %14s %14s %12s %14s\n' round proxy "up-MB/s" "down-MB/s" "up-${STREAMS}x-MB/s" "down-${STREAMS}x-MB/s" "conns/s" "peak-RSS-MB"
declare -A SAMPLES
for round in $(seq 1 "$ROUNDS"); do
  order=("haproxy:$HAPROXY_PORT:$HAPROXY_PID" "haystack:$HAYSTACK_PORT:$HAYSTACK_PID")
  [ $((round % 2)) -eq 0 ] && order=("${order[1]}" "${order[0]}")
  for entry in "${order[@]}"; do
    IFS=: read -r name port pid <<< "$entry"
    up=$(with_peak_rss "$pid" tool up "$port" "$BYTES" 1); peak=$(cat "$WORK/peak")
    down=$(with_peak_rss "$pid" tool down "$port" "$BYTES" 1); p=$(cat "$WORK/peak"); [ "$p" -gt "$peak" ] && peak=$p
    upn=$(with_peak_rss "$pid" tool up "$port" "$BYTES" "$STREAMS"); p=$(cat "$WORK/peak"); [ "$p" -gt "$peak" ] && peak=$p
    downn=$(with_peak_rss "$pid" tool down "$port" "$BYTES" "$STREAMS"); p=$(cat "$WORK/peak"); [ "$p" -gt "$peak" ] && peak=$p
    conns=$(tool conns "$port" "$CONN_SECONDS" "$CONN_CLIENTS")
    for line in "$up" "$down" "$upn" "$downn" "$conns"; do
      case "$line" in *"errors=0"*) ;; *) echo "errors: $name $line" >&2 ;; esac
    done
    f() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<< "$2"; }
    row="$(f MBps "$up") $(f MBps "$down") $(f MBps "$upn") $(f MBps "$downn") $(f per_second "$conns") $((peak / 1024))"
    SAMPLES[$name]+="$row"$'\n'
    printf '%-6s %-9s %12s %12s %14s %14s %12s %14s\n' "$round" "$name" $row
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
printf '%-9s %12s %12s %14s %14s %12s %14s   (medians of %s rounds; peak RSS: max)\n' proxy "up-MB/s" "down-MB/s" "up-${STREAMS}x-MB/s" "down-${STREAMS}x-MB/s" "conns/s" "peak-RSS-MB" "$ROUNDS"
for name in haproxy haystack; do
  cols=()
  for c in 1 2 3 4 5; do cols+=("$(awk -v c=$c 'NF { print $c }' <<< "${SAMPLES[$name]}" | median)"); done
  cols+=("$(awk 'NF { print $6 }' <<< "${SAMPLES[$name]}" | sort -g | tail -1)")
  printf '%-9s %12s %12s %14s %14s %12s %14s\n' "$name" "${cols[@]}"
done
echo "(RSS: HAProxy is C with its own buffers; Haystack is a JVM with -Xmx256m, so its RSS includes the heap it has grown)"
