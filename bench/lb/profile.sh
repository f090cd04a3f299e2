#!/usr/bin/env bash
# Where the load balancer's time goes per request: the exported jar (as bench/lb/run.sh's
# HAYSTACK_BENCH_JAR=1 runs it) in front of the same nginx backends, driven by wrk at each
# connection count given, with
#   - JDK Flight Recorder (CPU samples and allocations): the top frames by samples and the
#     allocation sites, per connection count;
#   - strace -c -f on the jar's process for STRACE_SECONDS of the same load: system calls
#     per request (with the requests wrk counted meanwhile).
# Loopback only; every phase bounded by DURATION. Needs: wrk nginx strace, Java 17 (jfr).
#   - the CPU of each JVM thread (/proc/PID/task) over a wrk run: the event loops beside the
#     JIT compilers and the GC;
# Usage: bench/lb/profile.sh [duration-seconds] [connections...]   (default: 10 64 1000)
#   env PROXY=haproxy: the same phases (but jfr) on HAProxy configured as bench/lb/run.sh has it
#   env HAYSTACK_JAR: another build of the jar (to compare before and after a change)
#   env PHASES: which of "jfr perf threads strace" to run (default all); JAVA_OPTS: extra JVM flags
#   env OUT: where the recordings and tables stay (default a new /tmp/haystack-profile-lb.*)
set -euo pipefail

DURATION=${1:-10}
shift || true
[ $# -gt 0 ] && COUNTS=("$@") || COUNTS=(64 1000)
BACKENDS=${BACKENDS:-4}
STRACE_SECONDS=${STRACE_SECONDS:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/haystack-profile-lb.XXXXXX)
OUT=${OUT:-$WORK/out}
mkdir -p "$OUT"
chmod 755 "$WORK"
BACKEND_BASE=18580
HAYSTACK_PORT=18593
HOST=bench.services.haystack
PIDS=()

cleanup() {
  cp "$WORK/haystack.log" "$OUT/" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/backend.pid" ] && kill "$(cat "$WORK/backend.pid")" 2>/dev/null || true
  sleep 0.5
}
trap cleanup EXIT

for tool in wrk nginx strace jfr perf java; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
ulimit -n 20000 2>/dev/null || true

. "$ROOT/bench/lib/backends.sh"
start_nginx_backends

if [ "${PROXY:-haystack}" = haproxy ]; then
# --- the same measurements of HAProxy, configured as bench/lb/run.sh does, for the floor ---
  { printf 'global\n  nbthread %s\n  maxconn 8192\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 50s\n  timeout server 50s\n  http-reuse always\n' "$(nproc)"
    printf 'frontend fe\n  bind 127.0.0.1:%s\n  default_backend be\nbackend be\n  balance roundrobin\n%s' "$HAYSTACK_PORT" "$servers_haproxy"; } > "$WORK/haproxy.cfg"
  haproxy -f "$WORK/haproxy.cfg" -q > "$WORK/haystack.log" 2>&1 &
  PIDS+=($!)
  HAYSTACK_PID=$!
  PHASES=${PHASES:-perf threads strace bythread}
  sleep 1
else
JAR=${HAYSTACK_JAR:-$ROOT/haystack.distro/target/haystack.jar}
[ -f "$JAR" ] || { echo "build the jar first: ./mvnw -B -DskipTests install" >&2; exit 1; }
mkdir -p "$WORK/services"
{ echo "endpoints:"; for port in "${ports[@]}"; do echo "  - 127.0.0.1:$port"; done; echo "strategy: round-robin"; } > "$WORK/services/bench.yaml"
( cd "$WORK" && exec env HAYSTACK_SERVICES_DIR="$WORK/services" HAYSTACK_HTTP_PORT="$HAYSTACK_PORT" HAYSTACK_HTTP_BIND=127.0.0.1 \
    HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_HTTPS_PORT=0 HAYSTACK_DNS_PORT=0 HAYSTACK_DNS_BIND=127.0.0.1 HAYSTACK_SSH_PORT=0 HAYSTACK_ADMIN_PORT=0 \
    HAYSTACK_ADMIN_BIND=127.0.0.1 HAYSTACK_ADDRESS=127.0.0.1 HAYSTACK_DATA="$WORK/data" HAYSTACK_CONFIG_DIR="$WORK/conf" \
    HAYSTACK_LB_MAX_CONNECTIONS=8192 DOCKER_HOST="unix://$WORK/no-docker.sock" MALLOC_ARENA_MAX=2 \
    java @"$ROOT/haystack.distro/jvm.options" ${JAVA_OPTS:-} -jar "$JAR" ) > "$WORK/haystack.log" 2>&1 &
PIDS+=($!)
HAYSTACK_PID=$!
for _ in $(seq 1 300); do
  grep -q "file service loaded service=bench" "$WORK/haystack.log" 2>/dev/null && grep -q 'listening listener=http' "$WORK/haystack.log" && break
  sleep 0.2
done
kill -0 "$HAYSTACK_PID" 2>/dev/null && ! grep -q "haystack not started" "$WORK/haystack.log" || { echo "haystack did not start:" >&2; tail -20 "$WORK/haystack.log" >&2; exit 1; }
for _ in $(seq 1 50); do curl -fsS -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$HAYSTACK_PORT/" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$HAYSTACK_PORT/" || { echo "haystack does not answer" >&2; cat "$WORK/haystack.log" >&2; exit 1; }
fi

PHASES=${PHASES:-jfr perf threads strace bythread}
phase() { [[ " $PHASES " == *" $1 "* ]]; }
requests() { awk '/requests in/ { print $1 }' "$1"; }
echo "warm-up 10 s"
wrk -t2 -c64 -d10s -H "Host: $HOST" "http://127.0.0.1:$HAYSTACK_PORT/" > /dev/null

for c in "${COUNTS[@]}"; do
  echo
  echo "=== $c connections ==="
  if phase jfr; then
  jcmd "$HAYSTACK_PID" JFR.start name=lb$c settings=profile filename="$OUT/lb-$c.jfr" > /dev/null
  wrk -t2 -c"$c" -d"${DURATION}s" -H "Host: $HOST" "http://127.0.0.1:$HAYSTACK_PORT/" > "$OUT/wrk-jfr-$c.txt"
  jcmd "$HAYSTACK_PID" JFR.stop name=lb$c > /dev/null
  echo "requests under JFR: $(requests "$OUT/wrk-jfr-$c.txt")"
  echo "--- top frames (CPU samples, top of stack) ---"
  jfr print --events jdk.ExecutionSample "$OUT/lb-$c.jfr" | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); n[$0]++; total++ }
    END { for (f in n) printf "%6.2f%%  %s\n", 100 * n[f] / total, f }' | sort -rn | head -25
  echo "--- allocation sites (jdk.ObjectAllocationSample weight, top frame in haystack) ---"
  jfr print --events jdk.ObjectAllocationSample "$OUT/lb-$c.jfr" | awk '
    /objectClass = / { cls = $3 } /weight = / { w = $3; unit = $4; if (unit ~ /kB/) w *= 1024; else if (unit ~ /MB/) w *= 1048576; else if (unit ~ /GB/) w *= 1073741824 }
    /stackTrace = \[/ { frame = ""; while ((getline line) > 0 && line !~ /^[ \t]*\]/) { if (frame == "" && line ~ /haystack\./) { sub(/^[ \t]+/, "", line); sub(/line:.*/, "", line); frame = line } }
      if (frame == "") frame = "(no haystack frame)"; bytes[cls " @ " frame] += w; total += w }
    END { for (k in bytes) printf "%6.2f%%  %s\n", 100 * bytes[k] / total, k }' | sort -rn | head -20

  fi
  if phase perf; then
  echo "--- perf (user and kernel), top symbols by self time, and the CPU split from /proc ---"
  t0=$(awk '{ print $14, $15 }' "/proc/$HAYSTACK_PID/stat")
  wrk -t2 -c"$c" -d"${DURATION}s" -H "Host: $HOST" "http://127.0.0.1:$HAYSTACK_PORT/" > "$OUT/wrk-perf-$c.txt" &
  WRK=$!
  perf record -F 499 -g -p "$HAYSTACK_PID" -o "$OUT/perf-$c.data" -- sleep "$(( DURATION - 1 ))" > /dev/null 2>&1 || true
  wait "$WRK"
  t1=$(awk '{ print $14, $15 }' "/proc/$HAYSTACK_PID/stat")
  jcmd "$HAYSTACK_PID" Compiler.perfmap > /dev/null 2>&1 || true
  n=$(requests "$OUT/wrk-perf-$c.txt")
  echo "$t0 $t1" | awk -v n="$n" -v hz="$(getconf CLK_TCK)" '{ u = ($3 - $1) / hz; s = ($4 - $2) / hz; printf "requests %d: user %.1f us/req, sys %.1f us/req\n", n, u * 1e6 / n, s * 1e6 / n }'
  perf report -i "$OUT/perf-$c.data" --no-children -g none --sort dso,sym --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -40 > "$OUT/perf-$c.txt" || true
  head -30 "$OUT/perf-$c.txt"

  fi
  if phase threads; then
  echo "--- CPU by thread over a ${DURATION} s wrk run (/proc/PID/task), us per request ---"
  thread_ticks() { for t in /proc/"$HAYSTACK_PID"/task/*; do awk '{ match($0, /\(.*\)/); name = substr($0, RSTART + 1, RLENGTH - 2); gsub(/ /, "_", name); rest = substr($0, RLENGTH + RSTART + 1); split(rest, f, " "); print name, f[12] + f[13] }' "$t/stat" 2>/dev/null; done | awk '{ n[$1] += $2 } END { for (k in n) print k, n[k] }'; }
  thread_ticks > "$OUT/threads-before-$c.txt"
  wrk -t2 -c"$c" -d"${DURATION}s" -H "Host: $HOST" "http://127.0.0.1:$HAYSTACK_PORT/" > "$OUT/wrk-threads-$c.txt"
  thread_ticks > "$OUT/threads-after-$c.txt"
  n=$(requests "$OUT/wrk-threads-$c.txt")
  echo "requests: $n ($(awk '/Requests\/sec/ { print $2 }' "$OUT/wrk-threads-$c.txt") req/s)"
  awk -v n="$n" -v hz="$(getconf CLK_TCK)" 'NR == FNR { b[$1] = $2; next } { d = $2 - b[$1]; if (d > 0) printf "%-28s %8.2f us/req\n", $1, d / hz * 1e6 / n; tot += d } END { printf "%-28s %8.2f us/req\n", "total", tot / hz * 1e6 / n }' \
    "$OUT/threads-before-$c.txt" "$OUT/threads-after-$c.txt" | sort -k2 -rn | head -12
  fi
  if phase bythread; then
  echo "--- system calls by thread, strace -f over a 3 s wrk run ---"
  wrk -t2 -c"$c" -d5s -H "Host: $HOST" "http://127.0.0.1:$HAYSTACK_PORT/" > "$OUT/wrk-bythread-$c.txt" &
  WRK=$!
  sleep 1
  timeout -s INT 3 strace -f -qq -p "$HAYSTACK_PID" -o "$OUT/strace-full-$c.txt" 2>/dev/null || true
  wait "$WRK"
  for t in /proc/"$HAYSTACK_PID"/task/*; do echo "${t##*/} $(tr ' ' _ < "$t/comm")"; done > "$OUT/tids.txt"
  awk 'NR == FNR { name[$1] = $2; next } { call = $2; sub(/\(.*/, "", call); if (call ~ /^</) next; k = (name[$1] == "" ? $1 : name[$1]) " " call; n[k]++ }
    END { for (k in n) print n[k], k }' "$OUT/tids.txt" "$OUT/strace-full-$c.txt" | sort -rn | head -15
  fi
  if phase strace; then
  echo "--- system calls, strace -c -f over a ${STRACE_SECONDS} s wrk run ---"
  strace -c -f -p "$HAYSTACK_PID" -o "$OUT/strace-$c.txt" 2>/dev/null &
  STRACE=$!
  sleep 1
  wrk -t2 -c"$c" -d"${STRACE_SECONDS}s" -H "Host: $HOST" "http://127.0.0.1:$HAYSTACK_PORT/" > "$OUT/wrk-strace-$c.txt"
  kill -INT "$STRACE"; wait "$STRACE" 2>/dev/null || true
  n=$(requests "$OUT/wrk-strace-$c.txt")
  echo "requests under strace: $n (strace slows everything; the calls per request are what matter)"
  awk -v r="$n" '
    /^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+/ && $NF != "total" { tot += $4; printf "%-16s %10d  %6.2f per request\n", $NF, $4, $4 / r }
    END { printf "%-16s %10d  %6.2f per request\n", "total", tot, tot / r }' "$OUT/strace-$c.txt" | sort -k2 -rn | head -14
  fi
done
echo
echo "recordings and raw tables: $OUT"
