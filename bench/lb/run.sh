#!/usr/bin/env bash
# Throughput and latency of Haystack's load balancer against HAProxy and nginx, all three
# in front of the same loopback backends (an nginx serving a small static page on several
# ports), keep-alive to the backends everywhere, driven by wrk with the same settings.
# Loopback only; every run is bounded by DURATION. Needs: wrk haproxy nginx (Debian), Java 17.
# Usage: bench/lb/run.sh [duration-seconds] [connections] [backends]
#   env JAVA_OPTS: extra JVM flags for Haystack; HAYSTACK_LB_IO_THREADS: its event loops
#   (default 0, the product's default: half the cores, at least one); ROUNDS (default 5).
#   env HAYSTACK_BENCH_JAR=1: run the exported jar (haystack.distro/target/haystack.jar, built
#   if missing) with the backends in a service file (HAYSTACK_SERVICES_DIR) instead of the
#   BenchMain harness; EXTRA_ENDPOINTS=N adds a second service of N endpoints taking no traffic.
#   The jar runs with haystack.distro/jvm.options as ./haystack does (JVM_OPTIONS_FILE=" "
#   runs it with the JVM's defaults instead, to compare). HAYSTACK_JAR runs another build of
#   the jar; BASELINE_JAR=path adds that jar as one more peer ("baseline", same settings), so
#   a change and the build before it take turns in the same rounds. WITH_NGINX=0 leaves nginx out.
# Prints req/s, p50 and p99 per round and their medians, and each proxy's CPU time per
# request (user+sys of its processes, from /proc) so the cost is visible beside the speed.
# Then memory: each proxy's RSS (all its processes) idle, at its peak under load, and while
# IDLE_CONNECTIONS (default 5000) client connections that send nothing are held open, with
# the time a new client's request then takes (env IDLE_CONNECTIONS=0 skips that phase).
set -euo pipefail

DURATION=${1:-10}
CONNECTIONS=${2:-64}
BACKENDS=${3:-4}
THREADS=${WRK_THREADS:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/haystack-bench-lb.XXXXXX)
chmod 755 "$WORK"  # nginx workers may run as another user
BACKEND_BASE=18180
HAPROXY_PORT=18281
NGINX_PORT=18282
HAYSTACK_PORT=18283
BASELINE_PORT=18284
HOST=bench.services.haystack
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/backend.pid" ] && kill "$(cat "$WORK/backend.pid")" 2>/dev/null || true
  [ -f "$WORK/nginx-lb.pid" ] && kill "$(cat "$WORK/nginx-lb.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk haproxy nginx java; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y wrk haproxy nginx" >&2; exit 1; }
done

# --- backends: one nginx, one small static page, BACKENDS loopback ports ---------------
. "$ROOT/bench/lib/backends.sh"
start_nginx_backends

# --- HAProxy: nbthread = cores, connection reuse to the backends ----------------------
start_haproxy "$HAPROXY_PORT"
PIDS+=("$HAPROXY_PID")

# --- nginx as a load balancer: worker_processes auto, upstream keepalive -------------
cat > "$WORK/nginx-lb.conf" <<CONF
worker_processes auto;
pid $WORK/nginx-lb.pid;
error_log $WORK/nginx-lb-error.log;
daemon on;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  upstream be {
$servers_nginx_upstream    keepalive 256;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://be;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
nginx -c "$WORK/nginx-lb.conf" -p "$WORK"

if [ "${HAYSTACK_BENCH_JAR:-0}" = 1 ]; then
# --- Haystack: the exported jar as users run it, the backends in a service file --------
# (SPEC §6b). Every other listener on a free loopback port; Docker discovery pointed at a
# socket that does not exist, so only the file's endpoints are served.
  JAR=${HAYSTACK_JAR:-$ROOT/haystack.distro/target/haystack.jar}
  [ -f "$JAR" ] || ( cd "$ROOT" && ./mvnw -B -q -DskipTests install >/dev/null )
  mkdir -p "$WORK/services"
  { echo "endpoints:"; for port in "${ports[@]}"; do echo "  - 127.0.0.1:$port"; done; echo "strategy: round-robin"; } > "$WORK/services/bench.yaml"
  EXTRA=${EXTRA_ENDPOINTS:-0}
  if [ "$EXTRA" -gt 0 ]; then # a second service that takes no traffic: the registry, DNS and routes hold them
    awk -v n="$EXTRA" 'BEGIN { print "endpoints:"; for (i = 0; i < n; i++) printf "  - 10.%d.%d.%d:80\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256 }' > "$WORK/services/idle.yaml"
  fi
  start_jar() { # name http-port jar -> sets STARTED_PID once the jar serves the bench service
    local name=$1 port=$2 jar=$3
    ( cd "$WORK" && exec env HAYSTACK_SERVICES_DIR="$WORK/services" HAYSTACK_HTTP_PORT="$port" HAYSTACK_HTTP_BIND=127.0.0.1 \
        HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_HTTPS_PORT="${HAYSTACK_HTTPS_PORT:-0}" HAYSTACK_DNS_PORT=0 HAYSTACK_DNS_BIND=127.0.0.1 HAYSTACK_SSH_PORT=0 HAYSTACK_ADMIN_PORT=0 \
        HAYSTACK_ADMIN_BIND=127.0.0.1 HAYSTACK_ADDRESS=127.0.0.1 HAYSTACK_DATA="$WORK/data-$name" HAYSTACK_CONFIG_DIR="$WORK/conf-$name" \
        HAYSTACK_LB_MAX_CONNECTIONS="${HAYSTACK_LB_MAX_CONNECTIONS:-8192}" DOCKER_HOST="unix://$WORK/no-docker.sock" \
        MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" java ${JVM_OPTIONS_FILE:-@$ROOT/haystack.distro/jvm.options} ${JAVA_OPTS:-} -jar "$jar" ) > "$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    STARTED_PID=$!
    local ready="file service loaded service=bench endpoints=$BACKENDS"
    for _ in $(seq 1 300); do
      grep -q "$ready" "$WORK/$name.log" 2>/dev/null && grep -q 'listening listener=http' "$WORK/$name.log" && break
      sleep 0.2
    done
    if [ "$EXTRA" -gt 0 ]; then
      for _ in $(seq 1 300); do grep -q "service=idle endpoints=$EXTRA" "$WORK/$name.log" && break; sleep 0.2; done
    fi
    grep -q "$ready" "$WORK/$name.log" || { echo "$name did not start:" >&2; cat "$WORK/$name.log" >&2; exit 1; }
  }
  start_jar haystack "$HAYSTACK_PORT" "$JAR"
  HAYSTACK_PID=$STARTED_PID
  echo "haystack: the exported jar ($JAR), $BACKENDS backends from a service file$([ "$EXTRA" -gt 0 ] && echo ", $EXTRA more endpoints in another"), JAVA_OPTS='${JAVA_OPTS:-}'"
  if [ -n "${BASELINE_JAR:-}" ]; then # another build beside it, same settings, as one more peer: before and after in one run
    start_jar baseline "$BASELINE_PORT" "$BASELINE_JAR"
    BASELINE_PID=$STARTED_PID
    echo "baseline: the exported jar $BASELINE_JAR, same settings"
  fi
  grep -o 'haystack started.*' "$WORK/haystack.log" | head -1
else
  # --- Haystack: the load balancer standalone over a real registry (test-scope main) --
  # One reactor build, so sibling modules resolve to their target/classes (the last module
  # to write the class path file is haystack.lb).
  ( cd "$ROOT" && ./mvnw -B -q test-compile dependency:build-classpath -pl haystack.lb -am \
      -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null )
  CP="$ROOT/haystack.lb/target/test-classes:$ROOT/haystack.lb/target/classes:$(cat "$WORK/cp.txt")"
  java -Xmx512m ${JAVA_OPTS:-} -cp "$CP" haystack.lb.internal.BenchMain "$HAYSTACK_PORT" "${ports[@]}" > "$WORK/haystack.log" 2>&1 &
  PIDS+=($!)
  HAYSTACK_PID=$!
  for _ in $(seq 1 100); do
    grep -q 'haystack lb ready' "$WORK/haystack.log" 2>/dev/null && break
    sleep 0.2
  done
  grep -q 'haystack lb ready' "$WORK/haystack.log" || { echo "haystack did not start:" >&2; cat "$WORK/haystack.log" >&2; exit 1; }
fi

PEERS=("haproxy:$HAPROXY_PORT")
[ "${WITH_NGINX:-1}" = 1 ] && PEERS+=("nginx:$NGINX_PORT")
PEERS+=("haystack:$HAYSTACK_PORT")
[ -n "${BASELINE_PID:-}" ] && PEERS+=("baseline:$BASELINE_PORT")
NAMES=(); for entry in "${PEERS[@]}"; do NAMES+=("${entry%%:*}"); done
for port in "${PEERS[@]##*:}"; do
  # the routes follow the registry a moment after the source logs its load
  for _ in $(seq 1 50); do curl -fsS -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.2; done
  curl -fsS -H "Host: $HOST" "http://127.0.0.1:$port/" >/dev/null || { echo "no answer on $port" >&2; exit 1; }
done

run_wrk() { # name port seconds -> "rps p50-ms p99-ms errors"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --latency -H "Host: $HOST" "http://127.0.0.1:$2/" > "$WORK/wrk-$1.txt" 2>&1
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=ms($2) } /^ +99%/ { p99=ms($2) }
    /Non-2xx|Socket errors/ { errors=errors $0 "; " }
    END { printf "%s %.3f %.3f %s\n", rps, p50, p99, (errors=="" ? "-" : errors) }' "$WORK/wrk-$1.txt"
}

echo "warm-up (JIT for Haystack, caches for all): 5 s each"
for p in "${PEERS[@]##*:}"; do run_wrk warm "$p" 5 >/dev/null; done

# CPU time (user+sys clock ticks) of a proxy's processes, to divide by the requests it served.
proxy_pids() {
  case $1 in
    haproxy) echo "$HAPROXY_PID" ;;
    haystack) echo "$HAYSTACK_PID" ;;
    baseline) echo "$BASELINE_PID" ;;
    nginx) local master; master=$(cat "$WORK/nginx-lb.pid"); echo "$master $(pgrep -P "$master" | tr '\n' ' ')" ;;
  esac
}
. "$ROOT/bench/lib/proc.sh"
rss_kb() { # resident set of all a proxy's processes, in kB
  local total=0 pid
  for pid in $(proxy_pids "$1"); do
    total=$(( total + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
declare -A RSS_IDLE
for name in "${NAMES[@]}"; do RSS_IDLE[$name]=$(rss_kb "$name"); done

ROUNDS=${ROUNDS:-5}
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $BACKENDS nginx backends on loopback, $(nproc) cores shared by everything"
echo "haproxy nbthread $(nproc); nginx worker_processes auto; haystack $(grep -o 'ioThreads=[0-9]*' "$WORK/haystack.log" | head -1)"
echo "$ROUNDS rounds, each starting with the next peer, so no peer always runs first or last"
printf '%-6s %-10s %12s %10s %10s %12s  %s\n' round proxy req/s p50-ms p99-ms cpu-us/req errors
declare -A SAMPLES
for round in $(seq 1 "$ROUNDS"); do
  for k in "${!PEERS[@]}"; do
    entry=${PEERS[$(( (round - 1 + k) % ${#PEERS[@]} ))]}
    name=${entry%%:*}; port=${entry##*:}
    before=$(cpu_ticks "$name")
    read -r rps p50 p99 errors < <(run_wrk "$name" "$port" "$DURATION" & sleep "$(( DURATION / 2 ))"; rss_kb "$name" >> "$WORK/rss-load-$name"; wait)
    cpu=$(awk -v t=$(( $(cpu_ticks "$name") - before )) -v hz="$TICK" -v r="$rps" -v d="$DURATION" 'BEGIN { printf "%.1f", t / hz * 1e6 / (r * d) }')
    SAMPLES[$name]+="$rps $p50 $p99 $cpu"$'\n'
    printf '%-6s %-10s %12s %10s %10s %12s  %s\n' "$round" "$name" "$rps" "$p50" "$p99" "$cpu" "$errors"
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
printf '%-10s %12s %10s %10s %12s   (medians of %s rounds)\n' proxy req/s p50-ms p99-ms cpu-us/req "$ROUNDS"
declare -A RPS P99
for name in "${NAMES[@]}"; do
  RPS[$name]=$(printf '%s' "${SAMPLES[$name]}" | awk '{ print $1 }' | median)
  P99[$name]=$(printf '%s' "${SAMPLES[$name]}" | awk '{ print $3 }' | median)
  p50=$(printf '%s' "${SAMPLES[$name]}" | awk '{ print $2 }' | median)
  cpu=$(printf '%s' "${SAMPLES[$name]}" | awk '{ print $4 }' | median)
  printf '%-10s %12.0f %10.3f %10.3f %12.1f\n' "$name" "${RPS[$name]}" "$p50" "${P99[$name]}" "$cpu"
done
echo
for name in haystack baseline; do
  [ -n "${RPS[$name]:-}" ] || continue
  awk -v who="$name" -v h="${RPS[$name]}" -v a="${RPS[haproxy]}" -v n="${RPS[nginx]:-}" -v hp="${P99[$name]}" -v ap="${P99[haproxy]}" \
    'BEGIN { printf "%s/haproxy: throughput %.2fx, p99 %.2fx", who, h/a, hp/ap; if (n != "") printf "   %s/nginx: throughput %.2fx", who, h/n; printf "\n" }'
done

# --- memory: idle, under load, holding many idle client connections -------------------
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-5000}
hold_idle() { # port count -> holds count connections that send nothing until stdin closes; prints "held N"
  python3 - "$1" "$2" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
held = []
for _ in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        held.append(s)
    except OSError:
        break
print("held", len(held), flush=True)
sys.stdin.read()
PY
}
echo
printf '%-10s %12s %14s %16s %14s\n' proxy rss-idle-MB rss-load-MB "rss-${IDLE_CONNECTIONS}idle-MB" probe-ms
for entry in "${PEERS[@]}"; do
  name=${entry%%:*}; port=${entry##*:}
  load=$(sort -n "$WORK/rss-load-$name" | tail -1)
  held="-"; probe="-"
  if [ "$IDLE_CONNECTIONS" -gt 0 ]; then
    ulimit -n $(( IDLE_CONNECTIONS + 1024 )) 2>/dev/null || true
    exec 7> >(hold_idle "$port" "$IDLE_CONNECTIONS" > "$WORK/held-$name")
    for _ in $(seq 1 600); do grep -q held "$WORK/held-$name" 2>/dev/null && break; sleep 0.1; done
    sleep 1
    held=$(awk -v k="$(rss_kb "$name")" 'BEGIN { printf "%.1f", k / 1024 }')
    probe=$(curl -s -o /dev/null -m 15 -w '%{time_total}' -H "Host: $HOST" "http://127.0.0.1:$port/" | awk '{ printf "%.1f", $1 * 1000 }')
    held="$held ($(awk '{ print $2 }' "$WORK/held-$name"))"
    exec 7>&-
    sleep 1
  fi
  printf '%-10s %12.1f %14.1f %16s %14s\n' "$name" "$(awk -v k="${RSS_IDLE[$name]}" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$load" 'BEGIN { print k / 1024 }')" "$held" "$probe"
done
echo "(rss-idle after warm-up; rss-load the largest sample, mid-round; the held count in brackets)"
