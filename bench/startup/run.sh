#!/usr/bin/env bash
# Start-up of the exported jar: time from launching the JVM to the line "haystack started"
# (every bundle active, every listener bound), the CPU the process used until then, and its
# resident memory idle afterwards; for each way of starting it:
#   defaults   java -jar haystack.jar                                  (the JVM's defaults)
#   options    java @haystack.distro/jvm.options -jar haystack.jar     (no archive)
#   archive    jvm.options and the class-data sharing archive the build made next to the
#              jar (haystack.distro/cds-archive.sh)
#   cache      as ./haystack starts it: the archive and Felix's bundle cache kept between
#              starts of the same jar (haystack.distro/bundle-cache.sh)
# Each mode has its own data directory, started once unmeasured first (it makes the SSH
# host keys and, in mode cache, the bundle cache, as the first start on a host does), then RUNS measured restarts; medians are
# printed beside every run. RSS is read IDLE_SECONDS after the line, on the last run.
# Listeners on free ports, bound to loopback; the Docker engine is used when DOCKER_HOST
# or /var/run/docker.sock is there, as users run it. Every wait is bounded.
# On a machine shared with other work wall times swing; the CPU figures and the load
# average printed beside them say how much.
# Usage: bench/startup/run.sh [runs]   env MODES="defaults options archive", IDLE_SECONDS=10,
#        JAVA_HOME (default: java on PATH), EXTRA_OPTS (JVM options after each mode's, to try
#        one), NICE (e.g. -20, as root: run Haystack at that priority, so that other work on a
#        shared machine takes less of its CPU), HAYSTACK_JAR (another build of the jar, its archive
#        beside it, to compare before and after a change), JVM_OPTIONS (another options file);
#        builds the distribution when the jar is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-5}
MODES=${MODES:-defaults options archive cache}
IDLE_SECONDS=${IDLE_SECONDS:-10}
JAR=${HAYSTACK_JAR:-$ROOT/haystack.distro/target/haystack.jar}
ARCHIVE=${JAR%.jar}.jsa
OPTIONS=${JVM_OPTIONS:-$ROOT/haystack.distro/jvm.options}
WORK=$(mktemp -d /tmp/haystack-bench-startup.XXXXXX)
JAVA_PID=

cleanup() {
  [ -n "$JAVA_PID" ] && kill "$JAVA_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

java_bin=java
[ -n "${JAVA_HOME:-}" ] && java_bin=$JAVA_HOME/bin/java
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v "$java_bin")")")")
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests install >&2)
ticks=$(getconf CLK_TCK)

# The JVM options of a mode, one a line.
options() {
  case $1 in
    defaults) ;;
    options) echo "@$OPTIONS" ;;
    archive|cache)
      echo "@$OPTIONS"
      local runtime
      runtime=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$java_home/release")
      if [ -f "$ARCHIVE" ] && [ "$(cat "$ARCHIVE.jdk" 2>/dev/null)" = \
           "$runtime archive=$(stat -c %s "$ARCHIVE") jar=$(stat -c %s@%Y "$JAR")" ]; then
        echo "-Xshare:auto"; echo "-XX:SharedArchiveFile=$ARCHIVE"
      else
        echo "bench: no archive for this jar and Java (build haystack.distro): '$1' runs without" >&2
      fi
      if [ "$1" = cache ]; then "$ROOT/haystack.distro/bundle-cache.sh" "$JAR" "$2/data"; fi ;;
    *) echo "unknown mode $1" >&2; exit 2 ;;
  esac
  for o in ${EXTRA_OPTS:-}; do echo "$o"; done
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# One start in $1 (data directory) with mode $2; prints "wall_ms jvm_ms cpu_ms rss_kb".
start_once() {
  local dir=$1 mode=$2 measure_rss=$3 log=$1/haystack.log opts t0 t1 cpu rss jvm
  mapfile -t opts < <(options "$mode" "$dir")
  : > "$log"
  t0=$(now_ms)
  ( cd "$dir" && export HAYSTACK_DNS_PORT=0 HAYSTACK_HTTP_PORT=0 HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_HTTPS_PORT=0 HAYSTACK_SSH_PORT=0 \
      HAYSTACK_ADMIN_PORT=0 HAYSTACK_DNS_BIND=127.0.0.1 HAYSTACK_HTTP_BIND=127.0.0.1 HAYSTACK_SSH_BIND=127.0.0.1 \
      HAYSTACK_ADMIN_BIND=127.0.0.1 HAYSTACK_DATA="$dir/data" HAYSTACK_CONFIG_DIR="$dir/conf" \
      HAYSTACK_SERVICES_DIR="$dir/services" MALLOC_ARENA_MAX=2 \
    && exec nice -n "${NICE:-0}" "$java_bin" "${opts[@]}" -jar "$JAR" </dev/null >"$log" 2>&1 ) &
  JAVA_PID=$!
  local seen=false
  for _ in $(seq 1 6000); do   # every 20 ms, at most 120 s
    if grep -q 'haystack started' "$log"; then seen=true; break; fi
    kill -0 "$JAVA_PID" 2>/dev/null || break
    sleep 0.02
  done
  if ! $seen; then
    echo "bench: no 'haystack started' within 120 s (mode $mode); log:" >&2; tail -20 "$log" >&2; exit 1
  fi
  t1=$(now_ms)
  cpu=$(awk -v t="$ticks" '{print int(($14 + $15) * 1000 / t)}' "/proc/$JAVA_PID/stat")
  rss=-
  if [ "$measure_rss" = 1 ]; then
    sleep "$IDLE_SECONDS"
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$JAVA_PID/status")
  fi
  jvm=$(grep -o 'millisSinceJvmStart=[0-9]*' "$log" | head -1 | cut -d= -f2)
  kill "$JAVA_PID"; wait "$JAVA_PID" 2>/dev/null || true; JAVA_PID=
  echo "$(( t1 - t0 )) $jvm $cpu $rss"
}

echo "java $("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')," \
  "cores $(nproc), load before $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs per mode, nice ${NICE:-0}"
for mode in $MODES; do
  dir=$WORK/$mode; mkdir -p "$dir"
  first=$(start_once "$dir" "$mode" 0)   # makes the host keys; not counted
  walls=(); jvms=(); cpus=(); rss=-
  for i in $(seq 1 "$RUNS"); do
    read -r wall jvm cpu r < <(start_once "$dir" "$mode" $([ "$i" = "$RUNS" ] && echo 1 || echo 0))
    walls+=("$wall"); jvms+=("$jvm"); cpus+=("$cpu"); [ "$r" != - ] && rss=$r
  done
  printf '%-8s launch->started median=%s ms [%s]  millisSinceJvmStart median=%s  cpu until started median=%s ms [%s]  RSS idle %ss=%s MB  (first start, keys made: %s ms)\n' \
    "$mode" "$(printf '%s\n' "${walls[@]}" | median)" "${walls[*]}" "$(printf '%s\n' "${jvms[@]}" | median)" \
    "$(printf '%s\n' "${cpus[@]}" | median)" "${cpus[*]}" "$IDLE_SECONDS" \
    "$([ "$rss" = - ] && echo - || echo $(( rss / 1024 )))" "${first%% *}"
done
echo "load after $(cut -d' ' -f1-3 /proc/loadavg)"
