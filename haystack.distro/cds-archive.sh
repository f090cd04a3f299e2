#!/usr/bin/env bash
# Makes the class-data sharing archive shipped next to the jar: target/haystack.jsa, the
# classes one start of target/haystack.jar loads (Felix, every bundle's classes, the JDK
# classes they use), already parsed and verified, so the next starts map them instead of
# loading them again. Java 17 has no -XX:+AutoCreateSharedArchive: the archive is dumped
# here, at build time, by starting the jar once with -XX:ArchiveClassesAtExit and
# stopping it with SIGTERM after "haystack started" (loopback-free ports, data under target/).
#
# An archive only fits the JVM that made it and this very jar (the JVM checks the jar's
# size and modification time, and ignores an archive that does not fit, with -Xshare:auto,
# after one warning line). Java 17 crashes (SIGBUS) on a truncated archive, though. So
# target/haystack.jsa.jdk records what the archive was made for, as one line: the JVM (its
# release file's JAVA_RUNTIME_VERSION), the archive's size, the jar's size and mtime; the
# launchers (./haystack, the tests' HaystackProcess) pass the archive only when all still
# match, and Haystack then starts as it would without an archive.
# Failing to make an archive never fails the build: Haystack runs without.
#   haystack.distro/cds-archive.sh [JAVA_HOME]    (default: $JAVA_HOME, else java on PATH)
set -uo pipefail
cd "$(dirname "$0")"
java_home=${1:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
jar=$PWD/target/haystack.jar
archive=$PWD/target/haystack.jsa
run=$PWD/target/cds-run
log=$run/haystack.log

say() { echo "cds-archive: $*"; }
# What the launchers compare before passing the archive: JVM, archive size, jar size@mtime.
stamp() { echo "$1 archive=$(stat -c %s "$archive") jar=$(stat -c %s@%Y "$jar")"; }
rm -f "$archive" "$archive.jdk" "$archive.tmp"
[ -f "$jar" ] || { say "no $jar: no archive"; exit 0; }
jdk=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$java_home/release" 2>/dev/null)
[ -n "$jdk" ] || { say "no JAVA_RUNTIME_VERSION in $java_home/release: no archive"; exit 0; }
rm -rf "$run" && mkdir -p "$run"

(
  cd "$run" || exit 1
  # Every listener on a free port, on loopback: the build must not take the host's ports.
  export HAYSTACK_DNS_PORT=0 HAYSTACK_HTTP_PORT=0 HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_HTTPS_PORT=0 HAYSTACK_SSH_PORT=0 HAYSTACK_ADMIN_PORT=0 \
    HAYSTACK_DNS_BIND=127.0.0.1 HAYSTACK_HTTP_BIND=127.0.0.1 HAYSTACK_SSH_BIND=127.0.0.1 HAYSTACK_ADMIN_BIND=127.0.0.1 \
    HAYSTACK_DATA="$run/data" HAYSTACK_CONFIG_DIR="$run/conf" HAYSTACK_SERVICES_DIR="$run/services" MALLOC_ARENA_MAX=2
  exec "$java_home/bin/java" @../../jvm.options -XX:ArchiveClassesAtExit="$archive.tmp" -jar "$jar" </dev/null >"$log" 2>&1
) &
pid=$!

started=false
for _ in $(seq 1 1200); do   # at most 120 s, on a busy build machine
  if grep -q 'haystack started' "$log" 2>/dev/null; then started=true; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
# The first requests' classes load just after start-up: give them a moment, then stop in
# order (SIGTERM), which writes the archive as the JVM exits.
$started && sleep 1
kill -TERM "$pid" 2>/dev/null
for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
wait "$pid" 2>/dev/null

# The archive must map (-Xshare:on fails otherwise) before it is offered to anyone.
if $started && [ -s "$archive.tmp" ] && \
   "$java_home/bin/java" -Xshare:on -XX:SharedArchiveFile="$archive.tmp" -cp "$jar" -version >/dev/null 2>&1; then
  mv "$archive.tmp" "$archive"
  stamp "$jdk" > "$archive.jdk"
  say "made $archive ($(( $(stat -c %s "$archive") / 1048576 )) MB) for Java $jdk"
  rm -rf "$run"
else
  rm -f "$archive.tmp"
  say "WARNING: no archive (the jar did not start and stop; see $log): Haystack starts without it"
fi
exit 0
