#!/usr/bin/env bash
# Haystack's load balancer and DNS server while the registry changes (issue 20): the exported
# jar runs with BOTH the Docker source (the local engine) and the file source. The file
# directory holds ENDPOINTS endpoints (10 per service, port redis: DNS only) and the service
# `bench` (BACKENDS loopback nginx backends, port http: the load balancer's). Each scenario
# runs for DURATION seconds, ROUNDS times in one process (then medians):
#   LB (wrk keep-alive, CONNECTIONS connections, Host bench.services.haystack):
#     idle; file churn (a writer rewrites CHURN other service files a second); docker churn
#     (containers of another service, with an http port, started and removed by
#     DOCKER_PARALLEL loops as fast as the engine allows, or DOCKER_RATE a second in all);
#     flap-leave (the last backend of `bench` leaves the file, then its nginx quits once the
#     registry no longer lists it; it starts again and comes back into the file: one round
#     trip every FLAP_PERIOD seconds); flap-crash (the same, but its nginx stops at the
#     moment it leaves the file). HAProxy on the same backends beside it idle, under file
#     churn and under docker churn: it watches neither, so its drop is what the churner's
#     own CPU costs the machine.
#   DNS (dnsperf, every file service's A and SRV): idle, file churn, docker churn.
#   cost: Haystack's CPU per registry change while a churner runs and nothing else.
# Prints each run, then one table of medians: rate (req/s or q/s), p99 (LB) or average (DNS)
# latency, errors (wrk's non-2xx and socket errors; DNS: queries lost or not NOERROR),
# Haystack's CPU per request/query (user+sys from /proc), what the churner did a second
# (file rewrites written, containers started, backend round trips), what Haystack took in
# (file rewrites loaded, Docker events), the registry changes applied a second
# (haystack_registry_version from /metrics), the ratio to the idle run of the same round,
# and Haystack's collection pauses during the run (-Xlog:gc: total, longest, full ones).
# "ejected=N" in the detail: the load balancer connected to a backend that was gone (then
# retried elsewhere). Every container carries the labels haystack.bench=churn and
# haystack.bench.run=<this pid> and is removed at exit. Loopback only; every phase is
# bounded by DURATION.
# Needs: wrk haproxy nginx dnsperf dig curl python3 docker (an engine), busybox-static, Java 17.
# Usage: bench/churn/run.sh   env: DURATION (10) WARMUP (5) ROUNDS (3) CONNECTIONS (64)
#   WRK_THREADS (2) BACKENDS (4) CHURN (100) ENDPOINTS (10000) DOCKER_PARALLEL (4 loops)
#   DOCKER_LIVE (2 containers per loop at once) DOCKER_RATE (0: as fast as the engine allows)
#   FLAP_PERIOD (1) CLIENTS (8) OUTSTANDING (100) PORT_BASE (19400: ports PORT_BASE+1 .. +60)
#   PHASES ("file docker flap": which churn scenarios run beside idle)
#   JAVA_EXTRA (more JVM flags) HAYSTACK_JAR (another build) KEEP_WORK=1 (keep the scratch dir)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${WRK_THREADS:-2}
BACKENDS=${BACKENDS:-4}
CHURN=${CHURN:-100}
ENDPOINTS=${ENDPOINTS:-10000}
DOCKER_RATE=${DOCKER_RATE:-0}
DOCKER_LIVE=${DOCKER_LIVE:-2}
DOCKER_PARALLEL=${DOCKER_PARALLEL:-4}
FLAP_PERIOD=${FLAP_PERIOD:-1}
ROUNDS=${ROUNDS:-3}
PHASES=${PHASES:-file docker flap}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-100}
PORT_BASE=${PORT_BASE:-19400}
BACKEND_BASE=$PORT_BASE                 # steady backends: PORT_BASE+1 .. +BACKENDS-1
FLAP_PORT=$((PORT_BASE + 19))           # the backend that leaves and comes back
HAPROXY_PORT=$((PORT_BASE + 20))
HTTP_PORT=$((PORT_BASE + 21))
DNS_PORT=$((PORT_BASE + 53))
ADMIN_PORT=$((PORT_BASE + 60))
PER=10
HOST=bench.services.haystack
IMAGE=haystack-test/busybox:1
RUN_LABEL="haystack.bench.run=$$"
WORK=$(mktemp -d /tmp/haystack-bench-churn.XXXXXX)
chmod 755 "$WORK"  # nginx workers may run as another user
PIDS=()
. "$ROOT/bench/dns/lib.sh"   # need stop perf perf_cpu cpu_ticks write_services
. "$ROOT/bench/lib/backends.sh"

remove_containers() {
  docker ps -aq --filter "label=$RUN_LABEL" | xargs -r docker rm -f >/dev/null 2>&1 || true
}
cleanup_all() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  remove_containers
  for pidfile in "$WORK/backend.pid" "$WORK/flap.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 0.5
  [ "${KEEP_WORK:-0}" = 1 ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM
need wrk haproxy nginx dnsperf dig curl python3 docker java
docker info >/dev/null 2>&1 || { echo "no Docker engine (docker info failed)" >&2; exit 1; }

# --- the churned containers' image: FROM scratch with the host's static busybox ------------
# (the one haystack.testing.BusyboxImage builds for the tests, same name)
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  [ -x /bin/busybox ] || { echo "missing /bin/busybox: apt-get install -y busybox-static" >&2; exit 1; }
  mkdir -p "$WORK/image" && cp /bin/busybox "$WORK/image/busybox"
  printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' 'RUN ["/bin/busybox", "--install", "-s", "/bin"]' \
    'RUN ["/bin/busybox", "mkdir", "-p", "/www", "/tmp", "/etc"]' 'CMD ["/bin/sh"]' > "$WORK/image/Dockerfile"
  docker build -q -t "$IMAGE" "$WORK/image" >/dev/null
fi

# --- backends: BACKENDS-1 ports of one nginx, and the flapping one in an nginx of its own ---
BACKENDS=$((BACKENDS - 1)) start_nginx_backends
cat > "$WORK/flap.conf" <<CONF
worker_processes 1;
pid $WORK/flap.pid;
error_log $WORK/flap-error.log;
daemon on;
events { worker_connections 4096; }
http {
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  server { listen 127.0.0.1:$FLAP_PORT; root $WORK/www; access_log $WORK/flap-access.log; keepalive_requests 1000000; }
}
CONF
nginx -c "$WORK/flap.conf" -p "$WORK"
ports+=("$FLAP_PORT")
servers_haproxy+="  server flap 127.0.0.1:$FLAP_PORT"$'\n'

start_haproxy "$HAPROXY_PORT"
PIDS+=("$HAPROXY_PID")

# --- the file directory: ENDPOINTS endpoints for DNS, and the load balancer's service -----
SERVICES=$(( (ENDPOINTS + PER - 1) / PER ))
write_services "$WORK" "$SERVICES" "$PER"
bench_file() { # ports... → the service file of `bench`, written aside and renamed
  { echo "endpoints:"; for port in "$@"; do echo "  - 127.0.0.1:$port"; done; echo "strategy: round-robin"; } > "$WORK/bench.yaml.tmp"
  mv "$WORK/bench.yaml.tmp" "$WORK/services/bench.yaml"
}
bench_file "${ports[@]}"

# --- Haystack: the exported jar as ./haystack runs it, Docker source on the local engine ---
JAR="${HAYSTACK_JAR:-$ROOT/haystack.distro/target/haystack.jar}"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests install >&2)
# shellcheck disable=SC2086
( cd "$WORK" && exec env HAYSTACK_SERVICES_DIR="$WORK/services" HAYSTACK_HTTP_PORT="$HTTP_PORT" HAYSTACK_HTTP_BIND=127.0.0.1 \
    HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_HTTPS_PORT=0 HAYSTACK_TLS_DIR="$WORK/tls" HAYSTACK_DNS_PORT="$DNS_PORT" HAYSTACK_DNS_BIND=127.0.0.1 \
    HAYSTACK_SSH_PORT=0 HAYSTACK_ADMIN_PORT="$ADMIN_PORT" HAYSTACK_ADMIN_BIND=127.0.0.1 HAYSTACK_ADDRESS=127.0.0.1 \
    HAYSTACK_DATA="$WORK/data" HAYSTACK_CONFIG_DIR="$WORK/conf" HAYSTACK_LB_MAX_CONNECTIONS=8192 \
    DOCKER_HOST="${DOCKER_HOST:-unix:///var/run/docker.sock}" MALLOC_ARENA_MAX=2 \
    java "@$ROOT/haystack.distro/jvm.options" "-Xlog:gc:file=$WORK/gc.log" ${JAVA_EXTRA:-} -jar "$JAR" ) > "$WORK/haystack.log" 2>&1 &
HAYSTACK_PID=$!; PIDS+=("$HAYSTACK_PID")
ready=0
for _ in $(seq 1 600); do
  if curl -fs -o /dev/null "http://127.0.0.1:$ADMIN_PORT/ready" 2>/dev/null \
      && dig @127.0.0.1 -p "$DNS_PORT" +time=1 +tries=1 +short "s$((SERVICES - 1)).services.haystack" A | grep -q '^[0-9]' \
      && curl -fs -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$HTTP_PORT/" 2>/dev/null; then ready=1; break; fi
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "haystack did not serve:" >&2; tail -20 "$WORK/haystack.log" >&2; exit 1; }
curl -fs -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$HAPROXY_PORT/" || { echo "haproxy does not answer" >&2; exit 1; }

metric() { # text name → the sum of that metric's samples (any labels)
  awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%d\n", s }' <<< "$1"
}
counters() { # → "registry-version file-loads docker-events"
  local text
  text=$(curl -fs --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" || true)
  echo "$(metric "$text" haystack_registry_version) $(metric "$text" haystack_file_loads_total) $(metric "$text" haystack_docker_events_total)"
}

# --- churners: each runs in the background for at most $1 seconds, PID in CHURNER -----------
# Rewrites the DNS services' files round-robin, CHURN a second: the last endpoint of each goes
# to 10.255.x.y and back on the next turn (as bench/dns/churn.sh does; which way is read from
# the file, so a writer started again in the next round changes every file it writes too).
# One line per rewrite in $WORK/file-writes.
file_churn() { # seconds
  python3 "$ROOT/bench/lib/file-churn.py" "$WORK" "$SERVICES" "$1" "$CHURN" "$PER" "$WORK/file-writes" &
  CHURNER=$!; PIDS+=("$CHURNER")
}

# DOCKER_PARALLEL loops each start a container of the service `churned` (an http port, so DNS
# names and a load balancer route come and go with it) and remove their oldest once they run
# DOCKER_LIVE; one line per container started in $WORK/docker-starts. The engine takes about
# half a second per `docker run` here, so one loop alone would churn about one a second.
docker_churn() { # seconds
  (
    for loop in $(seq 1 "$DOCKER_PARALLEL"); do
      (
        end=$((SECONDS + $1)); i=0; live=()
        while [ "$SECONDS" -lt "$end" ] && [ ! -f "$WORK/stop" ]; do
          t0=$(date +%s%N)
          id=$(docker run -d --label haystack.bench=churn --label "$RUN_LABEL" --label haystack.service=churned \
                 --expose 80 --name "hsbench$$-churn-$loop-$i" "$IMAGE" sleep 600 2>/dev/null) && { live+=("$id"); echo started >> "$WORK/docker-starts"; }
          i=$((i + 1))
          if [ "${#live[@]}" -gt "$DOCKER_LIVE" ]; then docker rm -f "${live[0]}" >/dev/null 2>&1 || true; live=("${live[@]:1}"); fi
          if [ "$DOCKER_RATE" != 0 ]; then # each loop's share of DOCKER_RATE
            left=$(( 1000000000 * DOCKER_PARALLEL / DOCKER_RATE - ($(date +%s%N) - t0) ))
            [ "$left" -gt 0 ] && sleep "$(awk -v n="$left" 'BEGIN { printf "%.3f", n / 1e9 }')"
          fi
        done
      ) &
    done
    wait
  ) &
  CHURNER=$!; PIDS+=("$CHURNER")
}

# The last backend of `bench` leaves and comes back, one round trip every FLAP_PERIOD seconds;
# one line per round trip in $WORK/flaps. Mode leave: out of the file, then (once DNS no
# longer lists its port, i.e. the registry applied it) its nginx quits (in-flight requests
# finish, idle keep-alive connections close); the load balancer must not send it a request
# after that. Mode crash: its nginx stops at once (TERM: connections closed) as it leaves the
# file, so until the file source applies the change (within a second) the load balancer
# still picks it: a connection refused must be retried on another backend (SPEC 5); only a
# request already sent on a connection the crash closed may fail.
# In both modes it comes back the same way: its nginx starts, then it goes back into the file.
srv_ports() { dig @127.0.0.1 -p "$DNS_PORT" +time=1 +tries=1 +short "_http._tcp.$HOST" SRV | awk '{ print $3 }'; }
flap() { # seconds leave|crash
  (
    steady=("${ports[@]:0:${#ports[@]}-1}")
    half=$(awk -v p="$FLAP_PERIOD" 'BEGIN { printf "%.3f", p / 2 }')
    end=$((SECONDS + $1))
    while [ "$SECONDS" -lt "$end" ] && [ ! -f "$WORK/stop" ]; do
      if [ "$2" = crash ]; then
        nginx -c "$WORK/flap.conf" -p "$WORK" -s stop 2>/dev/null || true
        bench_file "${steady[@]}"
      else
        bench_file "${steady[@]}"
        for _ in $(seq 1 100); do srv_ports | grep -qx "$FLAP_PORT" || break; sleep 0.02; done
        nginx -c "$WORK/flap.conf" -p "$WORK" -s quit 2>/dev/null || true
      fi
      for _ in $(seq 1 100); do [ -f "$WORK/flap.pid" ] || break; sleep 0.02; done
      sleep "$half"
      nginx -c "$WORK/flap.conf" -p "$WORK" 2>/dev/null || true
      for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$FLAP_PORT/" && break; sleep 0.02; done
      bench_file "${ports[@]}"
      echo flap >> "$WORK/flaps"
      sleep "$half"
    done
  ) &
  CHURNER=$!; PIDS+=("$CHURNER")
}
stop_churner() { # asks the churner to stop after its step (a docker run in flight then ends first)
  touch "$WORK/stop"
  for _ in $(seq 1 150); do kill -0 "$CHURNER" 2>/dev/null || break; sleep 0.1; done
  stop "$CHURNER"; rm -f "$WORK/stop"
  remove_containers
  [ -f "$WORK/flap.pid" ] || nginx -c "$WORK/flap.conf" -p "$WORK"  # flap: leave it running
  bench_file "${ports[@]}"
  sleep 1
}
lines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }

# --- measurements --------------------------------------------------------------------------
run_wrk() { # port seconds → "rps p99-ms errors detail"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --latency -H "Host: $HOST" "http://127.0.0.1:$1/" > "$WORK/wrk.txt" 2>&1
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { n = $NF; errors += n; detail = detail "non-2xx=" n " " }
    /Socket errors/ { for (i = 3; i <= NF; i += 2) { v = $(i + 1); gsub(/,/, "", v); errors += v; if (v > 0) detail = detail $i "=" v " " } }
    END { printf "%s %.3f %d %s\n", rps, p99, errors, (detail == "" ? "-" : detail) }' "$WORK/wrk.txt"
}
# A measured LB run through a proxy → "rps p99 errors cpu-us/req detail"
lb_run() { # port pid
  local before after rps p99 errors detail
  before=$(cpu_ticks "$2")
  read -r rps p99 errors detail < <(run_wrk "$1" "$DURATION")
  after=$(cpu_ticks "$2")
  echo "$rps $p99 $errors $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$rps" -v d="$DURATION" \
    'BEGIN { printf "%.1f", (r > 0 ? t * 1e6 / hz / (r * d) : 0) }') $detail"
}
lb_haystack() { lb_run "$HTTP_PORT" "$HAYSTACK_PID"; }
lb_haproxy() { lb_run "$HAPROXY_PORT" "$HAPROXY_PID"; }
# A measured DNS run → "qps avg-ms errors cpu-us/q" (errors: lost, plus answers not NOERROR)
dns_haystack() {
  local qps lat lost ok cpu
  read -r qps lat lost ok cpu < <(perf_cpu "$DNS_PORT" "$WORK/queries.txt" "$DURATION" "$HAYSTACK_PID")
  echo "$qps $lat $(awk -v q="$qps" -v d="$DURATION" -v l="$lost" -v ok="$ok" 'BEGIN { sub(/%/, "", ok); printf "%d", l + q * d * (100 - ok) / 100 }') $cpu"
}

# Haystack's CPU while a churner runs and nothing else → "- - 0 cpu-us-per-change cpu%-of-a-core"
cost() {
  local before after v0 v1
  read -r v0 _ < <(counters)
  before=$(cpu_ticks "$HAYSTACK_PID")
  sleep "$DURATION"
  after=$(cpu_ticks "$HAYSTACK_PID")
  read -r v1 _ < <(counters)
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n=$((v1 - v0)) -v d="$DURATION" \
    'BEGIN { printf "0 - 0 %.0f cpu=%.1f%%-of-a-core\n", (n > 0 ? t * 1e6 / hz / n : 0), t * 100 / hz / d }'
}

# One sample a line in $WORK/samples: round|scenario|kind|rate|latency|errors|cpu|churned|loaded|changes|detail
ROUND=0
measure() { # scenario kind fn churner-count-file
  local c0 c1 v0 v1 l0 l1 e0 e1 g0 g1 ejected0 ejected rate lat errors cpu detail churned loaded changes gc
  c0=$(lines "$WORK/$4")
  g0=$(lines "$WORK/gc.log")
  ejected0=$(grep -c 'endpoint ejected' "$WORK/haystack.log" || true)
  read -r v0 l0 e0 < <(counters)
  read -r rate lat errors cpu detail < <($3)
  read -r v1 l1 e1 < <(counters)
  c1=$(lines "$WORK/$4")
  g1=$(lines "$WORK/gc.log")
  ejected=$(( $(grep -c 'endpoint ejected' "$WORK/haystack.log" || true) - ejected0 ))
  # Haystack's collections during the run (-Xlog:gc): pauses summed, the longest, full ones
  gc=$(awk -v a="$g0" -v b="$g1" 'NR > a && NR <= b && /Pause/ { ms = $NF; sub(/ms$/, "", ms); ms += 0; t += ms; if (ms > m) m = ms; if (/Pause Full/) f++ }
    END { printf "%.0f/%.0f/%d", t, m, f }' "$WORK/gc.log" 2>/dev/null || echo -)
  per() { awk -v n="$1" -v d="$DURATION" 'BEGIN { printf "%.1f", n / d }'; }
  churned=-; loaded=-
  case $4 in
    file-writes) churned=$(per $((c1 - c0))); loaded=$(per $((l1 - l0))) ;;
    docker-starts) churned=$(per $((c1 - c0))); loaded=$(per $((e1 - e0))) ;;
    flaps) churned=$(per $((c1 - c0))) ;;
  esac
  changes=$(per $((v1 - v0)))
  [ "$2" = haproxy ] && changes=-
  [ "$2" = haproxy ] && gc=-
  # the load balancer connected to a backend that was not there (then retried elsewhere)
  [ "$2" = haystack ] && [ "$ejected" -gt 0 ] && detail="${detail/#-/} ejected=$ejected"
  echo "$ROUND|$1|$2|$rate|$lat|$errors|$cpu|$churned|$loaded|$changes|${detail:--}|$gc" >> "$WORK/samples"
  printf '%-3s %-24s %10.0f %10s %7s %9s %8s %8s %9s %12s  %s\n' "$ROUND" "$1" "$rate" "$lat" "$errors" "$cpu" "$churned" "$loaded" "$changes" "$gc" "${detail:--}"
}

echo "warm-up: ${WARMUP}s wrk on each proxy, ${WARMUP}s dnsperf (JIT, caches)"
run_wrk "$HTTP_PORT" "$WARMUP" >/dev/null
run_wrk "$HAPROXY_PORT" "$WARMUP" >/dev/null
perf "$DNS_PORT" "$WORK/queries.txt" "$WARMUP" >/dev/null
echo "haystack: $(grep -o 'haystack started.*' "$WORK/haystack.log" | head -1)"
echo "$ENDPOINTS endpoints in $SERVICES files + bench ($BACKENDS backends); wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s;" \
  "dnsperf -c$CLIENTS -q$OUTSTANDING -l$DURATION; file churn $CHURN/s; docker churn $DOCKER_PARALLEL loops ($DOCKER_LIVE live each," \
  "rate ${DOCKER_RATE/#0/engine-bound}); phases: idle $PHASES; $ROUNDS rounds; $(nproc) cores shared by everything"
echo
printf '%-3s %-24s %10s %10s %7s %9s %8s %8s %9s %12s  %s\n' rnd scenario "req|q/s" "p99|avg" errors cpu-us/op churn/s loaded/s changes/s gc-ms/max/full detail
: > "$WORK/flap-access.log"
FLAP_SERVED=(0 0)
phase() { [[ " $PHASES " == *" $1 "* ]]; }
# The four measured runs while a churner runs, then the churner stopped
measure_churn() { # scenario counter-file
  measure "cost $1" cost cost "$2"
  measure "lb $1" haystack lb_haystack "$2"
  measure "lb $1 haproxy" haproxy lb_haproxy "$2"
  measure "dns $1" dns dns_haystack "$2"
  stop_churner
}
for ROUND in $(seq 1 "$ROUNDS"); do
  measure "lb idle" haystack lb_haystack -
  measure "lb idle haproxy" haproxy lb_haproxy -
  measure "dns idle" dns dns_haystack -
  if phase file; then
    file_churn $((4 * DURATION + 10)); sleep 1
    measure_churn file-churn file-writes
  fi
  if phase docker; then
    docker_churn $((4 * DURATION + 20)); sleep 3
    measure_churn docker-churn docker-starts
  fi
  if phase flap; then
    served=$(lines "$WORK/flap-access.log")
    flap $((DURATION + 5)) leave; sleep 1
    measure "lb flap-leave (own)" haystack lb_haystack flaps
    stop_churner
    FLAP_SERVED[0]=$(( FLAP_SERVED[0] + $(lines "$WORK/flap-access.log") - served ))
    served=$(lines "$WORK/flap-access.log")
    flap $((DURATION + 5)) crash; sleep 1
    measure "lb flap-crash (own)" haystack lb_haystack flaps
    stop_churner
    FLAP_SERVED[1]=$(( FLAP_SERVED[1] + $(lines "$WORK/flap-access.log") - served ))
  fi
done

# --- the table: medians over the rounds; vs-idle is the median of each round's ratio to the
# idle run of the same kind in that round (Haystack LB, HAProxy, DNS), errors are summed ------
echo
echo "medians of $ROUNDS rounds (errors: sum; cost rows: Haystack's CPU per registry change with no traffic)"
awk -F'|' -v rounds="$ROUNDS" '
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " "); if (n == 0 || v[1] == "-") return "-"
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  { key = $2
    if (!(key in seen)) { seen[key] = 1; order[++n] = key; kind[key] = $3 }
    if ($2 ~ / idle/) idle[$1, $3] = $4
    rate[key] = rate[key] " " $4; lat[key] = lat[key] " " $5; err[key] += $6; cpu[key] = cpu[key] " " $7
    ch[key] = ch[key] " " $8; ld[key] = ld[key] " " $9; chg[key] = chg[key] " " $10
    if ($12 != "-") { split($12, g, "/"); gct[key] += g[1]; if (g[2] + 0 > gcm[key] + 0) gcm[key] = g[2]; gcf[key] += g[3] } else gct[key] = "-"
    r = idle[$1, $3]; ratio[key] = ratio[key] " " ((r > 0) ? sprintf("%.3f", $4 / r) : "-")
    if ($11 != "-") det[key] = det[key] "r" $1 ":" $11 " " }
  END {
    printf "%-24s %10s %10s %7s %9s %8s %8s %9s %8s %14s  %s\n", "scenario", "req|q/s", "p99|avg-ms", "errors", "cpu-us/op", "churn/s", "loaded/s", "changes/s", "vs-idle", "gc-ms/max/full", "detail"
    for (i = 1; i <= n; i++) { k = order[i]; m = median(ratio[k])
      printf "%-24s %10s %10s %7d %9s %8s %8s %9s %8s %14s  %s\n", k, (kind[k] == "cost" ? "-" : sprintf("%.0f", median(rate[k]))),
        (kind[k] == "cost" ? "-" : median(lat[k])), err[k], median(cpu[k]), median(ch[k]), median(ld[k]), median(chg[k]),
        (kind[k] == "cost" || m == "-" ? "-" : sprintf("%.2f", m)),
        (gct[k] == "-" ? "-" : sprintf("%.0f/%.0f/%d", gct[k] / rounds, gcm[k], gcf[k])), (det[k] == "" ? "-" : det[k]) } }' "$WORK/samples"
echo "gc-ms/max/full: Haystack's collection pauses per run (the mean over rounds), the longest, and the full collections in all rounds (-Xlog:gc)"
echo "churn/s: file rewrites written, containers started, or backend round trips a second; loaded/s: file rewrites Haystack loaded, or Docker events it received"
echo "the flapping backend served ${FLAP_SERVED[0]} requests in the flap-leave runs, ${FLAP_SERVED[1]} in the flap-crash runs (in rotation between round trips)"
awk -F'|' '$2 == "lb idle" { h += $4 } $2 == "lb idle haproxy" { a += $4 } END { if (a > 0) printf "idle: haystack/haproxy throughput %.2fx (sum over rounds)\n", h / a }' "$WORK/samples"
echo "load balancer answers other than 2xx, by endpoint (haystack_http_requests_total), and requests it aborted:"
curl -fs --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" | grep '^haystack_http_requests_total' | grep -v 'code="2xx"' || echo "  none"
grep 'request aborted' "$WORK/haystack.log" | sed -E 's/^[0-9-]+ [0-9:.]+ //' | sort | uniq -c | sort -rn | head -5 || true
echo "haystack warnings (count, first of each kind):"
grep -E '\[(WARN|ERROR)\]' "$WORK/haystack.log" | sed -E 's/^[0-9-]+ [0-9:.]+ //; s/(reason=[^:]*).*/\1/' | sort | uniq -c | sort -rn | head -8 || true
