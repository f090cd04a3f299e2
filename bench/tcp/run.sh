#!/usr/bin/env bash
# Haystack's TCP listeners (SPEC §5a) as users run them against HAProxy in mode tcp, in the
# same run, in front of the same loopback backends and driven by the same client
# (TcpBenchTool, plain JDK code compiled here). Haystack is the exported jar started with
# haystack.distro/jvm.options, its backends in a service file (SPEC §6b) that asks for the
# listener (`tcp: <port>`); Docker discovery points at a socket that does not exist.
# Measures, per round and proxy (rotating order):
#   - throughput of one large transfer each way (TRANSFER_MB, default 1024; one stream,
#     then STREAMS streams), MB/s;
#   - new connections per second (CONN_SECONDS with CONN_CLIENTS clients, each connection
#     one 8-byte echo) and the proxy's CPU per connection (user+sys of all its threads
#     from /proc, over the connections phase);
#   - the proxy's peak RSS over the round;
# then, once, the system calls per relayed connection (strace -c -f on the proxy while
# STRACE_SECONDS of connections pass; SYSCALLS=0 skips it), with the most frequent calls.
# Loopback only; every phase is bounded. Needs: haproxy strace (Debian), a JDK 17.
# Usage: bench/tcp/run.sh
#   env ROUNDS (default 3); HAYSTACK_LB_IO_THREADS: Haystack's event loops (default 0, the
#   product's default: half the cores, at least one); HAPROXY_THREADS (default: the cores);
#   JAVA_OPTS: extra JVM flags for Haystack; JVM_OPTIONS_FILE=" " runs the JVM's defaults;
#   HAYSTACK_JAR: another build of the jar (to compare before and after a change).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/haystack-bench-tcp.XXXXXX)
BACKENDS=${BACKENDS:-2}
TRANSFER_MB=${TRANSFER_MB:-1024}
STREAMS=${STREAMS:-4}
CONN_SECONDS=${CONN_SECONDS:-5}
CONN_CLIENTS=${CONN_CLIENTS:-16}
ROUNDS=${ROUNDS:-3}
SYSCALLS=${SYSCALLS:-1}
STRACE_SECONDS=${STRACE_SECONDS:-3}
HAPROXY_THREADS=${HAPROXY_THREADS:-$(nproc)}
JAR=${HAYSTACK_JAR:-$ROOT/haystack.distro/target/haystack.jar}
CLK_TCK=$(getconf CLK_TCK)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in haproxy java javac python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y haproxy strace openjdk-17-jdk-headless" >&2; exit 1; }
done
if [ "$SYSCALLS" = 1 ] && ! command -v strace >/dev/null; then
  echo "missing strace: apt-get install -y strace (or SYSCALLS=0)" >&2; exit 1
fi
[ -f "$JAR" ] || ( cd "$ROOT" && ./mvnw -B -q -DskipTests install ${MVN_ARGS:-} >&2 )

mkdir -p "$WORK/tool"
javac -d "$WORK/tool" "$ROOT/haystack.lb/src/test/java/haystack/lb/internal/TcpBenchTool.java"
tool() { java -cp "$WORK/tool" haystack.lb.internal.TcpBenchTool "$@"; }

wait_for() { # file pattern
  for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "not ready: $1" >&2; cat "$1" >&2; exit 1
}

# Ports the kernel hands out as free, so that other benchmarks running on the machine
# (several sessions share it) cannot take them: backends, then HAProxy, then Haystack.
read -r -a free < <(python3 -c 'import socket, sys
n = int(sys.argv[1]); socks = [socket.socket() for _ in range(n)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' $((BACKENDS + 2)))
HAPROXY_PORT=${free[$BACKENDS]}
HAYSTACK_PORT=${free[$((BACKENDS + 1))]}

# --- backends -------------------------------------------------------------------------
ports=(); haproxy_servers=""
for i in $(seq 1 "$BACKENDS"); do
  port=${free[$((i - 1))]}; ports+=("$port")
  haproxy_servers+="  server b$i 127.0.0.1:$port"$'\n'
done
java -Xmx256m -cp "$WORK/tool" haystack.lb.internal.TcpBenchTool serve "${ports[@]}" > "$WORK/backends.log" 2>&1 &
PIDS+=($!)
wait_for "$WORK/backends.log" 'ready'

# --- HAProxy in mode tcp --------------------------------------------------------------
cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread $HAPROXY_THREADS
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
sleep 0.5
kill -0 "$HAPROXY_PID" 2>/dev/null || { echo "haproxy did not start (port $HAPROXY_PORT)" >&2; exit 1; }

# --- Haystack: the exported jar, the backends in a service file asking for the listener
mkdir -p "$WORK/services"
{ echo "endpoints:"; for port in "${ports[@]}"; do echo "  - 127.0.0.1:$port"; done
  echo "strategy: round-robin"; echo "tcp: $HAYSTACK_PORT"; } > "$WORK/services/bench.yaml"
( cd "$WORK" && exec env HAYSTACK_SERVICES_DIR="$WORK/services" HAYSTACK_TCP_BIND=127.0.0.1 \
    HAYSTACK_HTTP_PORT=0 HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_HTTPS_PORT=0 HAYSTACK_DNS_PORT=0 HAYSTACK_DNS_BIND=127.0.0.1 HAYSTACK_SSH_PORT=0 \
    HAYSTACK_ADMIN_PORT=0 HAYSTACK_ADMIN_BIND=127.0.0.1 HAYSTACK_ADDRESS=127.0.0.1 HAYSTACK_DATA="$WORK/data" \
    HAYSTACK_CONFIG_DIR="$WORK/conf" HAYSTACK_LB_MAX_CONNECTIONS="${HAYSTACK_LB_MAX_CONNECTIONS:-8192}" \
    DOCKER_HOST="unix://$WORK/no-docker.sock" MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" \
    java ${JVM_OPTIONS_FILE:-@$ROOT/haystack.distro/jvm.options} ${JAVA_OPTS:-} -jar "$JAR" ) > "$WORK/haystack.log" 2>&1 &
PIDS+=($!)
HAYSTACK_PID=$!
wait_for "$WORK/haystack.log" "tcp listener opened port=$HAYSTACK_PORT"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # utime + stime of all threads
# runs a command while sampling a process's RSS every 100 ms; its output to stdout, the peak (kB) to $WORK/peak
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

loops=$(grep -o 'ioThreads=[0-9]*' "$WORK/haystack.log" | head -1 || true)
echo
echo "$BACKENDS backends on loopback, $(nproc) cores shared by everything; haproxy nbthread $HAPROXY_THREADS; haystack the exported jar ${loops:-(event loops: HAYSTACK_LB_IO_THREADS=${HAYSTACK_LB_IO_THREADS:-0})}"
echo "RSS idle after warm-up: haproxy $(( $(rss_kb $HAPROXY_PID) / 1024 )) MB, haystack $(( $(rss_kb $HAYSTACK_PID) / 1024 )) MB"
header() { printf "%-${1}s" "$2"; printf '%10s %10s %12s %12s %10s %12s %12s' "up-MB/s" "down-MB/s" "up-${STREAMS}x-MB/s" "down-${STREAMS}x-MB/s" "conns/s" "CPU-us/conn" "peak-RSS-MB"; }
header 16 "round proxy"; echo
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
    before=$(cpu_ticks "$pid")
    conns=$(with_peak_rss "$pid" tool conns "$port" "$CONN_SECONDS" "$CONN_CLIENTS"); p=$(cat "$WORK/peak"); [ "$p" -gt "$peak" ] && peak=$p
    after=$(cpu_ticks "$pid")
    for line in "$up" "$down" "$upn" "$downn" "$conns"; do
      case "$line" in *"errors=0"*) ;; *) echo "errors: $name $line" >&2 ;; esac
    done
    f() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<< "$2"; }
    total=$(f total "$conns")
    cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$total" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')
    row="$(f MBps "$up") $(f MBps "$down") $(f MBps "$upn") $(f MBps "$downn") $(f per_second "$conns") $cpu $((peak / 1024))"
    SAMPLES[$name]+="$row"$'\n'
    printf '%-6s %-9s %10s %10s %12s %12s %10s %12s %12s\n' "$round" "$name" $row
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
header 10 proxy; echo "   (medians of $ROUNDS rounds; peak RSS: max)"
declare -A MED
for name in haproxy haystack; do
  cols=()
  for c in 1 2 3 4 5 6; do cols+=("$(awk -v c=$c 'NF { print $c }' <<< "${SAMPLES[$name]}" | median)"); done
  cols+=("$(awk 'NF { print $7 }' <<< "${SAMPLES[$name]}" | sort -g | tail -1)")
  MED[$name]="${cols[*]}"
  printf '%-10s %10s %10s %12s %12s %10s %12s %12s\n' "$name" "${cols[@]}"
done
read -r -a h <<< "${MED[haproxy]}"; read -r -a y <<< "${MED[haystack]}"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
printf '%-10s %10s %10s %12s %12s %10s %12s %12s   (haystack / haproxy)\n' ratio \
  "$(ratio "${y[0]}" "${h[0]}")" "$(ratio "${y[1]}" "${h[1]}")" "$(ratio "${y[2]}" "${h[2]}")" "$(ratio "${y[3]}" "${h[3]}")" \
  "$(ratio "${y[4]}" "${h[4]}")" "$(ratio "${y[5]}" "${h[5]}")" "$(ratio "${y[6]}" "${h[6]}")"
echo "(RSS: HAProxy is C with its own buffers; Haystack is the JVM with jvm.options, its RSS includes the heap it has grown)"

# --- system calls per relayed connection ----------------------------------------------
if [ "$SYSCALLS" = 1 ]; then
  echo
  echo "system calls per relayed connection (strace -c -f on the proxy, $STRACE_SECONDS s of connections, $CONN_CLIENTS clients; strace slows the proxy, the count is what matters)"
  for entry in "haproxy:$HAPROXY_PORT:$HAPROXY_PID" "haystack:$HAYSTACK_PORT:$HAYSTACK_PID"; do
    IFS=: read -r name port pid <<< "$entry"
    strace -c -f -p "$pid" -o "$WORK/strace-$name" 2> "$WORK/strace-$name.err" &
    spid=$!
    for _ in $(seq 1 50); do grep -q 'attached' "$WORK/strace-$name.err" 2>/dev/null && break; sleep 0.1; done
    sleep 0.5
    conns=$(tool conns "$port" "$STRACE_SECONDS" "$CONN_CLIENTS")
    kill -INT "$spid"; wait "$spid" 2>/dev/null || true
    total=$(sed -n 's/.*total=\([0-9]*\).*/\1/p' <<< "$conns")
    calls=$(awk '$NF == "total" { print $4 }' "$WORK/strace-$name")
    printf '%-9s %6s per connection (%d calls, %d connections):' "$name" "$(awk -v c="$calls" -v n="$total" 'BEGIN { printf "%.1f", c / n }')" "$calls" "$total"
    awk 'NF >= 5 && $1 ~ /^[0-9.]+$/ && $NF != "total" { print $4, $NF }' "$WORK/strace-$name" | sort -rn | head -12 \
      | awk -v n="$total" '{ printf " %s %.2f", $2, $1 / n } END { print "" }'
  done
fi
