#!/usr/bin/env bash
# Start-up of Haystack's container image: milliseconds from `docker run` to the first
# DNS answer (dig polling the published port on loopback), beside the same measure for
# `java -jar haystack.jar` on the host; and the image's size. Builds the image if stale.
# Needs: docker, dig (bind9-dnsutils), a JDK 17. Loopback only; every loop bounded.
# Usage: bench/image/startup.sh   (RUNS=runs of each, PORT=loopback port for DNS)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-5}
PORT=${PORT:-15354}
IMAGE=${HAYSTACK_IMAGE:-haystack:latest}
NAME=haystack-startup-bench
WORK=$(mktemp -d /tmp/haystack-image-bench.XXXXXX)
JAVA_PID=

cleanup() {
  docker rm -f -v "$NAME" >/dev/null 2>&1 || true
  [ -n "$JAVA_PID" ] && kill "$JAVA_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in docker dig java; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y bind9-dnsutils)" >&2; exit 1; }
done
bash "$ROOT/image/build.sh" >&2

now() { date +%s%N; }

# Launches a dig every 100 ms (each waits up to 1 s for its own answer, so a probe sent
# just before the server is up does not delay the measure) until one is answered; prints
# the nanosecond time of the first answer. At most 150 launches (15 s). Sparse enough to
# leave the CPU to the JVM starting on a small machine.
first_answer() {
  local answered=$WORK/answered
  rm -f "$answered"
  for _ in $(seq 1 150); do
    ( dig +short +time=1 +tries=1 @127.0.0.1 -p "$PORT" haystack SOA 2>/dev/null | grep -q hostmaster \
        && now >> "$answered" ) &
    sleep 0.1
    [ -s "$answered" ] && break
  done
  wait
  [ -s "$answered" ] || { echo "no DNS answer within 15 s" >&2; return 1; }
  sort -n "$answered" | head -1
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The start-up report's millisSinceJvmStart, once logged (DNS may answer just before it).
jvm_ms() {
  local log
  for _ in $(seq 1 100); do
    log=$("$@" 2>&1 || true)
    if grep -q 'millisSinceJvmStart=' <<< "$log"; then
      grep -o 'millisSinceJvmStart=[0-9]*' <<< "$log" | head -1 | cut -d= -f2
      return
    fi
    sleep 0.1
  done
  echo "?"
}

image_ms=()
image_jvm=()
for _ in $(seq 1 "$RUNS"); do
  docker rm -f -v "$NAME" >/dev/null 2>&1 || true
  start=$(now)
  docker run --detach --name "$NAME" -v /var/run/docker.sock:/var/run/docker.sock \
    --publish "127.0.0.1:$PORT:53/udp" "$IMAGE" >/dev/null
  answered=$(first_answer)
  image_ms+=($(( (answered - start) / 1000000 )))
  image_jvm+=($(jvm_ms docker logs "$NAME"))
  docker rm -f -v "$NAME" >/dev/null
done

jar_ms=()
jar_jvm=()
for _ in $(seq 1 "$RUNS"); do
  mkdir -p "$WORK/jar"
  start=$(now)
  ( cd "$WORK/jar" && HAYSTACK_DNS_PORT=$PORT HAYSTACK_DNS_BIND=127.0.0.1 HAYSTACK_HTTP_PORT=0 HAYSTACK_HTTP_ALT_PORT=0 \
      HAYSTACK_SSH_PORT=0 HAYSTACK_ADMIN_PORT=0 exec java -jar "$ROOT/haystack.distro/target/haystack.jar" > "$WORK/jar.log" 2>&1 ) &
  JAVA_PID=$!
  answered=$(first_answer)
  jar_ms+=($(( (answered - start) / 1000000 )))
  jar_jvm+=($(jvm_ms cat "$WORK/jar.log"))
  kill "$JAVA_PID"; wait "$JAVA_PID" 2>/dev/null || true; JAVA_PID=
done

size=$(docker image inspect --format '{{.Size}}' "$IMAGE")
echo "image $IMAGE size=${size} bytes ($(( size / 1000000 )) MB)"
echo "docker run -> first DNS answer: median=$(printf '%s\n' "${image_ms[@]}" | median) ms runs=[${image_ms[*]}]" \
  "(JVM start -> 'haystack started': [${image_jvm[*]}] ms)"
echo "java -jar  -> first DNS answer: median=$(printf '%s\n' "${jar_ms[@]}" | median) ms runs=[${jar_ms[*]}]" \
  "(JVM start -> 'haystack started': [${jar_jvm[*]}] ms)"
