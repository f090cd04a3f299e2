#!/usr/bin/env bash
# HTTPS through Haystack and through HAProxy, same run, same certificate (ECDSA P-256, made
# here with openssl), same loopback backends (one nginx serving a small page on several
# ports), keep-alive to the backends in both:
#   1. new TLS connections per second: full handshakes (no resumption), N parallel
#      `openssl s_time -new` clients, each connection handshakes and closes;
#   2. keep-alive HTTPS throughput and latency: wrk over https.
# Haystack is the exported jar as users run it (haystack.distro/target/haystack.jar, built
# if missing, with haystack.distro/jvm.options), the backends in a service file, the
# certificate in HAYSTACK_TLS_DIR as its default pair (served with or without SNI).
# Loopback only; every run is bounded by DURATION. Needs: openssl wrk haproxy nginx, Java 17.
# Usage: bench/tls/run.sh [duration-seconds] [wrk-connections] [backends]
#   env ROUNDS (default 3), HANDSHAKE_CLIENTS (parallel s_time processes, default 4),
#   HAYSTACK_LB_IO_THREADS (default 0: half the cores, at least one), JAVA_OPTS, JAVA (the
#   java command, to compare JVMs: the JDK's elliptic-curve code is most of a handshake's
#   cost; e.g. JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java), WARMUP (s, 10),
#   JFR (a file: Haystack's CPU samples during the handshake phase only, JFR's profile
#   settings; read with `jfr view hot-methods FILE` on Java 21+ or `jfr print`),
#   THREAD_CPU=1 (Haystack's CPU per handshake by thread: TLS tasks, event loops, JIT, GC),
#   HAYSTACK_JAR (another build of the jar, to compare before and after a change),
#   PORT_BASE (18380: backends from +1, HAProxy +101, Haystack +103; another base lets two
#   benches share a machine).
# Prints per round and as medians: handshakes/s and the proxy's CPU time per handshake;
# req/s, p50, p99 and CPU time per request.
set -euo pipefail

DURATION=${1:-10}
CONNECTIONS=${2:-64}
BACKENDS=${3:-4}
THREADS=${WRK_THREADS:-2}
ROUNDS=${ROUNDS:-3}
CLIENTS=${HANDSHAKE_CLIENTS:-4}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/haystack-bench-tls.XXXXXX)
chmod 755 "$WORK"
BACKEND_BASE=${PORT_BASE:-18380}
HAPROXY_PORT=$((BACKEND_BASE + 101))
HAYSTACK_PORT=$((BACKEND_BASE + 103))
HOST=bench.services.haystack
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/backend.pid" ] && kill "$(cat "$WORK/backend.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in openssl wrk haproxy nginx java; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y openssl wrk haproxy nginx" >&2; exit 1; }
done

# --- the certificate: ECDSA P-256, self-signed, names the bench host -----------------
mkdir -p "$WORK/tls" "$WORK/www" "$WORK/tmp" "$WORK/services"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 2 \
  -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST,DNS:localhost" \
  -keyout "$WORK/tls/default.key" -out "$WORK/tls/default.crt" 2>/dev/null
cat "$WORK/tls/default.crt" "$WORK/tls/default.key" > "$WORK/haproxy.pem"

# --- backends: one nginx, one small static page, BACKENDS loopback ports ---------------
. "$ROOT/bench/lib/backends.sh"
start_nginx_backends

# --- HAProxy: nbthread = cores, TLS 1.2+, ALPN http/1.1, connection reuse -----------
cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread $(nproc)
  maxconn 8192
  ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
  mode http
  timeout connect 5s
  timeout client 50s
  timeout server 50s
  http-reuse always
frontend fe
  bind 127.0.0.1:$HAPROXY_PORT ssl crt $WORK/haproxy.pem alpn http/1.1
  http-request set-header X-Forwarded-Proto https
  default_backend be
backend be
  balance roundrobin
$servers_haproxy
CONF
haproxy -f "$WORK/haproxy.cfg" -q &
PIDS+=($!)
HAPROXY_PID=$!

# --- Haystack: the exported jar, the backends in a service file ---------------------
JAR=${HAYSTACK_JAR:-$ROOT/haystack.distro/target/haystack.jar}
[ -f "$JAR" ] || ( cd "$ROOT" && ./mvnw -B -q -DskipTests install >/dev/null )
{ echo "endpoints:"; for port in "${ports[@]}"; do echo "  - 127.0.0.1:$port"; done; echo "strategy: round-robin"; } > "$WORK/services/bench.yaml"
( cd "$WORK" && exec env HAYSTACK_SERVICES_DIR="$WORK/services" HAYSTACK_TLS_DIR="$WORK/tls" HAYSTACK_HTTPS_PORT="$HAYSTACK_PORT" \
    HAYSTACK_HTTP_PORT=0 HAYSTACK_HTTP_BIND=127.0.0.1 HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_DNS_PORT=0 HAYSTACK_DNS_BIND=127.0.0.1 \
    HAYSTACK_SSH_PORT=0 HAYSTACK_ADMIN_PORT=0 HAYSTACK_ADMIN_BIND=127.0.0.1 HAYSTACK_ADDRESS=127.0.0.1 \
    HAYSTACK_DATA="$WORK/data" HAYSTACK_CONFIG_DIR="$WORK/conf" HAYSTACK_LB_MAX_CONNECTIONS=8192 \
    HAYSTACK_LB_IO_THREADS="${HAYSTACK_LB_IO_THREADS:-0}" DOCKER_HOST=none \
    MALLOC_ARENA_MAX=2 "${JAVA:-java}" @"$ROOT/haystack.distro/jvm.options" ${JAVA_OPTS:-} -jar "$JAR" ) > "$WORK/haystack.log" 2>&1 &
PIDS+=($!)
HAYSTACK_PID=$!
READY="file service loaded service=bench endpoints=$BACKENDS"
for _ in $(seq 1 600); do
  grep -q "$READY" "$WORK/haystack.log" 2>/dev/null && grep -q 'tls certificate loaded name=default' "$WORK/haystack.log" && break
  sleep 0.2
done
grep -q "$READY" "$WORK/haystack.log" || { echo "haystack did not start:" >&2; cat "$WORK/haystack.log" >&2; exit 1; }
echo "haystack: the exported jar ($JAR), $BACKENDS backends from a service file, JAVA_OPTS='${JAVA_OPTS:-}'"
echo "java: $("${JAVA:-java}" -version 2>&1 | head -1); haproxy: $(haproxy -v | head -1 | cut -c1-40); $(openssl version)"
grep -o 'haystack started.*' "$WORK/haystack.log" | head -1 || true

for port in $HAPROXY_PORT $HAYSTACK_PORT; do
  for _ in $(seq 1 50); do curl -fsS -o /dev/null --cacert "$WORK/tls/default.crt" --resolve "$HOST:$port:127.0.0.1" "https://$HOST:$port/" 2>/dev/null && break; sleep 0.2; done
  curl -fsS -o /dev/null --cacert "$WORK/tls/default.crt" --resolve "$HOST:$port:127.0.0.1" "https://$HOST:$port/" \
    || { echo "no HTTPS answer on $port" >&2; exit 1; }
  echo "port $port: $(echo | openssl s_client -connect 127.0.0.1:$port -servername $HOST 2>/dev/null | grep -E '^(New|Server Temp Key)' | tr '\n' ' ')"
done

proxy_pids() {
  case $1 in
    haproxy) echo "$HAPROXY_PID" ;;
    haystack) echo "$HAYSTACK_PID" ;;
  esac
}
. "$ROOT/bench/lib/proc.sh"

run_handshakes() { # name port seconds -> "handshakes/s"
  local i clients=()
  for i in $(seq 1 "$CLIENTS"); do
    openssl s_time -connect "127.0.0.1:$2" -new -time "$3" > "$WORK/stime-$1-$i.txt" 2>&1 &
    clients+=($!)
  done
  wait "${clients[@]}"
  cat "$WORK"/stime-"$1"-*.txt | awk -v d="$3" '/connections in [0-9.]+s;/ { n += $1 } END { printf "%.0f\n", n / d }'
}

run_wrk() { # name port seconds -> "rps p50-ms p99-ms errors"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --latency -H "Host: $HOST" "https://127.0.0.1:$2/" > "$WORK/wrk-$1.txt" 2>&1
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=ms($2) } /^ +99%/ { p99=ms($2) }
    /Non-2xx|Socket errors/ { errors=errors $0 "; " }
    END { printf "%s %.3f %.3f %s\n", rps, p50, p99, (errors=="" ? "-" : errors) }' "$WORK/wrk-$1.txt"
}

WARMUP=${WARMUP:-10}
echo "warm-up (JIT for Haystack, caches for both): ${WARMUP} s of each test each"
for p in $HAPROXY_PORT $HAYSTACK_PORT; do run_handshakes warm "$p" "$WARMUP" >/dev/null; run_wrk warm "$p" "$WARMUP" >/dev/null; done

PEERS=("haproxy:$HAPROXY_PORT" "haystack:$HAYSTACK_PORT")
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo
echo "1. full handshakes: $CLIENTS x openssl s_time -new, ${DURATION}s; $(nproc) cores shared by everything"
echo "haproxy nbthread $(nproc); haystack $(grep -o 'ioThreads=[0-9]*' "$WORK/haystack.log" | head -1) (handshake crypto on its TLS task threads)"
printf '%-6s %-10s %14s %16s\n' round proxy handshakes/s cpu-us/handshake
declare -A HS HSCPU
thread_ticks() { # Haystack's threads, by name: "name user-ticks system-ticks", summed over same-named threads
  for t in /proc/"$HAYSTACK_PID"/task/*; do
    # utime and stime are fields 14 and 15 of stat, counted after the name's closing parenthesis (a name may hold spaces)
    echo "$(tr ' ' _ < "$t/comm" 2>/dev/null) $(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{ print $12, $13 }')"
  done | awk 'NF == 3 { u[$1] += $2; s[$1] += $3 } END { for (k in u) print k, u[k], s[k] }' | sort
}
[ "${THREAD_CPU:-0}" = 1 ] && thread_ticks > "$WORK/threads-before"
JCMD=$(dirname "$(command -v "${JAVA:-java}")")/jcmd
[ -n "${JFR:-}" ] && "$JCMD" "$HAYSTACK_PID" JFR.start name=handshakes settings=profile filename="$JFR" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  for k in 0 1; do
    entry=${PEERS[$(( (round - 1 + k) % 2 ))]}
    name=${entry%%:*}; port=${entry##*:}
    before=$(cpu_ticks "$name")
    hs=$(run_handshakes "$name" "$port" "$DURATION")
    cpu=$(awk -v t=$(( $(cpu_ticks "$name") - before )) -v hz="$TICK" -v r="$hs" -v d="$DURATION" 'BEGIN { printf "%.1f", (r > 0) ? t / hz * 1e6 / (r * d) : 0 }')
    HS[$name]+="$hs"$'\n'; HSCPU[$name]+="$cpu"$'\n'
    printf '%-6s %-10s %14s %16s\n' "$round" "$name" "$hs" "$cpu"
  done
done
[ -n "${JFR:-}" ] && "$JCMD" "$HAYSTACK_PID" JFR.stop name=handshakes >/dev/null && echo "handshake-phase profile: $JFR"
if [ "${THREAD_CPU:-0}" = 1 ]; then
  total=$(printf '%s' "${HS[haystack]}" | awk -v d="$DURATION" '{ n += $1 * d } END { print n }')
  echo "haystack's CPU over the phase by thread (its rounds and the idle time between), per handshake:"
  thread_ticks | join "$WORK/threads-before" - | awk -v n="$total" -v hz="$TICK" '
    { u = ($4 - $2) / hz * 1e6 / n; s = ($5 - $3) / hz * 1e6 / n; if (u + s >= 1) printf "%.0f   %-20s user %7.0f us  system %7.0f us\n", u + s, $1, u, s }' \
    | sort -g -r | cut -d' ' -f2-
fi

echo
echo "2. keep-alive HTTPS: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $BACKENDS nginx backends"
printf '%-6s %-10s %12s %10s %10s %12s  %s\n' round proxy req/s p50-ms p99-ms cpu-us/req errors
declare -A SAMPLES
for round in $(seq 1 "$ROUNDS"); do
  for k in 0 1; do
    entry=${PEERS[$(( (round - 1 + k) % 2 ))]}
    name=${entry%%:*}; port=${entry##*:}
    before=$(cpu_ticks "$name")
    read -r rps p50 p99 errors < <(run_wrk "$name" "$port" "$DURATION")
    cpu=$(awk -v t=$(( $(cpu_ticks "$name") - before )) -v hz="$TICK" -v r="$rps" -v d="$DURATION" 'BEGIN { printf "%.1f", t / hz * 1e6 / (r * d) }')
    SAMPLES[$name]+="$rps $p50 $p99 $cpu"$'\n'
    printf '%-6s %-10s %12s %10s %10s %12s  %s\n' "$round" "$name" "$rps" "$p50" "$p99" "$cpu" "$errors"
  done
done

echo
printf '%-10s %14s %16s %12s %10s %10s %12s   (medians of %s rounds)\n' proxy handshakes/s cpu-us/handshake req/s p50-ms p99-ms cpu-us/req "$ROUNDS"
declare -A RPS P99 HSM
for name in haproxy haystack; do
  HSM[$name]=$(printf '%s' "${HS[$name]}" | median)
  hscpu=$(printf '%s' "${HSCPU[$name]}" | median)
  RPS[$name]=$(printf '%s' "${SAMPLES[$name]}" | awk '{ print $1 }' | median)
  p50=$(printf '%s' "${SAMPLES[$name]}" | awk '{ print $2 }' | median)
  P99[$name]=$(printf '%s' "${SAMPLES[$name]}" | awk '{ print $3 }' | median)
  cpu=$(printf '%s' "${SAMPLES[$name]}" | awk '{ print $4 }' | median)
  printf '%-10s %14.0f %16.1f %12.0f %10.3f %10.3f %12.1f\n' "$name" "${HSM[$name]}" "$hscpu" "${RPS[$name]}" "$p50" "${P99[$name]}" "$cpu"
done
echo
awk -v hh="${HSM[haystack]}" -v ah="${HSM[haproxy]}" -v h="${RPS[haystack]}" -v a="${RPS[haproxy]}" -v hp="${P99[haystack]}" -v ap="${P99[haproxy]}" \
  'BEGIN { printf "haystack/haproxy: handshakes %.2fx, keep-alive throughput %.2fx, p99 %.2fx\n", hh/ah, h/a, hp/ap }'
grep -E 'WARN|ERROR' "$WORK/haystack.log" | grep -v 'no authorized keys' | head -5 || true
