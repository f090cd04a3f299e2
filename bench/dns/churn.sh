#!/usr/bin/env bash
# Haystack's DNS server while the registry changes: the exported jar serving endpoints from
# the file source (10 per service) answers dnsperf idle, then while a writer rewrites CHURN
# service files a second (each rewrite moves one endpoint of that service to another
# address and back: one registry change each), beside nsd idle on the same records.
# Prints queries/s, latency and CPU per query for each, the file rewrites Haystack loaded
# and the registry changes it made per second during the run (the file source folds the
# rewrites it finds in one scan into one change), and the ratio churn/idle. Before the
# queries, a phase with the writer alone (and COST_QPS, default 200, queries/s so the DNS
# index follows each change as it does under load) prints what one registry change costs Haystack:
# its CPU (/proc/<pid>/stat) per change applied (haystack_registry_version), its CPU per
# second with no writer, and the collections (count, total pause; jstat) in the phase.
# Needs: dnsperf nsd dig curl python3, a JDK 17 (jstat). Loopback only, every run bounded
# by DURATION.
# Usage: bench/dns/churn.sh [endpoints...]   (CHURN changes/s, default 100; DURATION, WARMUP
#        seconds; CLIENTS; PORT; JAVA_EXTRA; HAYSTACK_JAR, default the built jar;
#        COST_ONLY=1 stops after the writer-alone phase; JFR=<file> gets that phase's recording;
#        CHURN_WARMUP seconds of writer before the writer-alone figures, default WARMUP: the
#        change path runs ~100 times a second, so the optimising compiler, which takes a method
#        after 15,000 calls here (jvm.options), is still compiling it in the first minute;
#        ROUNDS of idle then churn, alternated, default 1: the ratio is of their means;
#        before them WARMUP seconds of queries idle, then as long under churn, unmeasured)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CHURN_WARMUP=${CHURN_WARMUP:-$WARMUP}
ROUNDS=${ROUNDS:-1}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-100}
PORT=${PORT:-15365}
ADMIN_PORT=${ADMIN_PORT:-15366}
CHURN=${CHURN:-100}
COST_QPS=${COST_QPS:-200}
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
# endpoint of each goes to 10.255.x.y, or back if the file has it there (so every rewrite
# changes the service, however many writers ran before); written aside, then renamed.
churn() { # dir services seconds
  python3 "$ROOT/bench/lib/file-churn.py" "$1" "$2" "$3" "$CHURN" "$PER" &
  CHURN_PID=$!; PIDS+=("$CHURN_PID")
}

# Collections so far → "young-count young-seconds full-count full-seconds"
gcs() { # pid
  jstat -gc "$1" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    NR == 2 { printf "%d %s %d %s\n", $c["YGC"], $c["YGCT"], $c["FGC"], $c["FGCT"] }' || echo "0 0 0 0"
}

# CPU ticks of each thread of a process → "tid ticks name" lines
thread_ticks() { # pid
  local t
  for t in /proc/"$1"/task/*; do
    awk -v tid="${t##*/}" -v name="$( { tr ' ' _ < "$t/comm"; } 2>/dev/null)" '{ sub(/.*\) /, ""); print tid, $12 + $13, name }' "$t/stat" 2>/dev/null || true
  done
}

# The writer alone: Haystack's CPU per registry change applied, and the collections meanwhile
cost() { # dir services endpoints
  local t0 t1 v0 v1 idle_ticks hz; hz=$(getconf CLK_TCK)
  t0=$(cpu_ticks "$HAYSTACK_PID"); sleep 3; t1=$(cpu_ticks "$HAYSTACK_PID")
  idle_ticks=$((t1 - t0))
  churn "$1" "$2" $((CHURN_WARMUP + DURATION + 2))
  # a trickle of queries, so the DNS side of each change (done at the next query) counts too
  dnsperf -s 127.0.0.1 -p "$PORT" -d "$1/queries.txt" -l $((CHURN_WARMUP + DURATION + 1)) -c 1 -q 10 -Q "$COST_QPS" >/dev/null 2>&1 &
  local trickle=$!; PIDS+=("$trickle")
  sleep "$CHURN_WARMUP"   # the change path warmed too
  read -r l0 v0 < <(counters); read -r yc0 yt0 fc0 ft0 < <(gcs "$HAYSTACK_PID"); t0=$(cpu_ticks "$HAYSTACK_PID")
  thread_ticks "$HAYSTACK_PID" | sort >"$1/threads0"
  sleep "$DURATION"
  t1=$(cpu_ticks "$HAYSTACK_PID"); read -r yc1 yt1 fc1 ft1 < <(gcs "$HAYSTACK_PID"); read -r l1 v1 < <(counters)
  thread_ticks "$HAYSTACK_PID" | sort >"$1/threads1"
  [ -z "${JFR:-}" ] || jcmd "$HAYSTACK_PID" JFR.dump name=cost filename="$JFR" begin=-"$DURATION"s >/dev/null
  stop "$CHURN_PID"; stop "$trickle"
  awk -v e="$3" -v t=$((t1 - t0)) -v it="$idle_ticks" -v hz="$hz" -v s="$DURATION" -v c=$((v1 - v0)) -v l=$((l1 - l0)) -v qps="$COST_QPS" \
      -v yc=$((yc1 - yc0)) -v yt0="$yt0" -v yt1="$yt1" -v fc=$((fc1 - fc0)) -v ft0="$ft0" -v ft1="$ft1" 'BEGIN {
    ms = t * 1000 / hz; idle = it * 1000 / hz / 3
    printf "endpoints=%s writer-alone (+%s q/s): loads/s=%.0f changes/s=%.0f cpu-ms/s=%.0f (idle %.0f) cpu-ms/change=%.2f (over idle %.2f) young-gc=%d (%.0f ms) full-gc=%d (%.0f ms)\n",
      e, qps, l / s, c / s, ms / s, idle, (c > 0 ? ms / c : 0), (c > 0 ? (ms - idle * s) / c : 0), yc, (yt1 - yt0) * 1000, fc, (ft1 - ft0) * 1000 }'
  # where that CPU went, by thread (threads of one name summed), ms per change
  join "$1/threads0" "$1/threads1" | awk -v hz="$hz" -v c=$((v1 - v0)) '{ ms[$3] += ($4 - $2) * 1000 / hz }
    END { for (n in ms) if (ms[n] > 0) printf "%.3f %s\n", (c > 0 ? ms[n] / c : 0), n }' | sort -rn | head -8 \
    | awk '{ printf "%s%s=%s", (NR > 1 ? " " : "  by thread, cpu-ms/change: "), $2, $1 } END { print "" }'
}

row() { printf '%-10s %-16s %10s %12s %8s %9s %9s %10s\n' "$@"; }
row endpoints run qps "avg-lat(ms)" noerror cpu-us/q loads/s changes/s
for endpoints in "${SIZES[@]}"; do
  services=$(( (endpoints + PER - 1) / PER ))
  dir="$WORK/$endpoints"
  write_services "$dir" "$services" "$PER"
  # JFR from the start (started mid-run, its instrumentation sends the compiler back to work)
  JAVA_EXTRA="${JAVA_EXTRA:-}${JFR:+ -XX:StartFlightRecording=name=cost,settings=profile}" \
    start_haystack "$dir" "$PORT" "$ADMIN_PORT" "s$((services - 1)).services.haystack"
  cost "$dir" "$services" "$endpoints"
  if [ "${COST_ONLY:-0}" = 1 ]; then stop "$HAYSTACK_PID"; continue; fi
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null   # JIT warm-up
  # the same for the query path under churn (answers re-encoded, re-checked after changes),
  # which the writer-alone phase's trickle of queries does not bring to the compiler's attention
  churn "$dir" "$services" $((WARMUP + 2))
  sleep 1
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null
  stop "$CHURN_PID"
  # idle and churn alternated ROUNDS times: on a shared machine the load of others moves
  # between runs, and a ratio of sums over alternated rounds sees the same moves on both sides
  idle=0; busy=0; writer=0
  for round in $(seq 1 "$ROUNDS"); do
    read -r q lat _ ok cpu < <(perf_cpu "$PORT" "$dir/queries.txt" "$DURATION" "$HAYSTACK_PID")
    row "$endpoints" "haystack-idle" "$q" "$lat" "$ok" "$cpu" 0 0; idle=$((idle + q))
    churn "$dir" "$services" $((DURATION + 3))
    sleep 1
    read -r loads0 version0 < <(counters); writer0=$(cpu_ticks "$CHURN_PID")
    read -r q lat _ ok cpu < <(perf_cpu "$PORT" "$dir/queries.txt" "$DURATION" "$HAYSTACK_PID")
    read -r loads1 version1 < <(counters); writer1=$(cpu_ticks "$CHURN_PID")
    row "$endpoints" "haystack-churn" "$q" "$lat" "$ok" "$cpu" "$(( (loads1 - loads0) / DURATION ))" "$(( (version1 - version0) / DURATION ))"
    busy=$((busy + q)); writer=$((writer + writer1 - writer0))
    stop "$CHURN_PID"
  done
  idle=$((idle / ROUNDS)); busy=$((busy / ROUNDS)); writer=$((writer / ROUNDS))
  haystack_zone "$PORT" "$dir/queries.txt" > "$dir/haystack.zone"
  stop "$HAYSTACK_PID"

  start_nsd "$dir" haystack "$PORT"
  perf "$PORT" "$dir/queries.txt" "$WARMUP" >/dev/null
  read -r qps lat _ ok cpu < <(perf_cpu "$PORT" "$dir/queries.txt" "$DURATION" $(tree_pids "$NSD_PID"))
  row "$endpoints" nsd-idle "$qps" "$lat" "$ok" "$cpu" - -
  stop "$NSD_PID"
  # the writer's own CPU is taken from the same two cores: part of the drop is not Haystack's
  awk -v i="$idle" -v b="$busy" -v n="$qps" -v e="$endpoints" -v w="$writer" -v hz="$(getconf CLK_TCK)" -v s="$DURATION" -v c="$CORES" 'BEGIN {
    printf "endpoints=%s churn/idle=%.2f haystack-churn/nsd=%.2f haystack-idle/nsd=%.2f writer-cpu=%.1f%% of the cores\n", e, b / i, b / n, i / n, w * 100 / hz / s / c }'
done
echo "cores=$CORES clients=$CLIENTS outstanding=$OUTSTANDING duration=${DURATION}s churn=${CHURN} file rewrites/s (dnsperf and the writer share the cores)"
