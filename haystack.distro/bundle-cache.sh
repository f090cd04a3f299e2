#!/usr/bin/env bash
# Felix's bundle cache, kept between starts of the same jar: prints the JVM options that
# make the jar's launcher keep it in DATA_DIR/bundle-cache (one option a line), after
# deleting a cache that was not made by this very jar. ./haystack and the tests' HaystackProcess
# use it; without these options (java -jar, the image) each start copies the 36 bundles out
# of the jar into a new cache, which took about 15% of start-up's main thread.
#
# The cache is reused only while its stamp file (haystack.stamp) holds this jar's stamp:
# its real path, size, modification time and inode, so a rebuilt or replaced jar always
# starts from its own bundles. Haystack writes the stamp once it started from exactly the
# jar's bundles and deletes it when a bundle is installed, updated or uninstalled at
# runtime (haystack.config's BundleCache), so the next start begins from the jar again. As a
# second guard, the launcher compares each bundle's SHA-256 with the one the jar's manifest
# lists (-digests in haystack.bndrun) and updates a bundle that differs.
# Configuration Admin keeps its configurations in memory (felix.cm.pm=memory, cnf/runtime.bnd):
# the cache carries no configuration from one start to the next.
#
# One running Haystack at a time uses the cache: a second start on the same DATA_DIR (a
# rebuilt jar beside the running one) must not delete or change it under the first. The
# lock is flock(1)'s on DATA_DIR/bundle-cache.lock. A caller that holds it while Haystack
# runs opens that file on a descriptor it keeps through exec and passes its number as
# LOCK_FD (./haystack: 9), so the JVM holds the lock until it exits; without LOCK_FD the
# lock is only tried. A start that cannot take it gets no cache options: the launcher's own
# temporary cache, as java -jar, and Haystack logs one line saying so.
#   haystack.distro/bundle-cache.sh JAR DATA_DIR [LOCK_FD]
set -uo pipefail
jar=$1
cache=$2/bundle-cache
lock_fd=${3:-}
stamp="$(readlink -f "$jar") $(stat -c '%s %.9Y %i' "$jar" 2>/dev/null)" || exit 0
mkdir -p "$2" 2>/dev/null || exit 0   # no cache where it cannot be written: start as without
if command -v flock >/dev/null; then
  if [ -n "$lock_fd" ]; then
    flock -n -E 75 "$lock_fd"
  else
    flock -n -E 75 "$2/bundle-cache.lock" true
  fi
  locked=$?
  if [ "$locked" -ne 0 ]; then   # 75: another Haystack holds it; else the lock cannot be checked: leave the cache alone too
    printf '%s\n' "-Dhaystack.bundleCache.inUse=$(cd "$2" && pwd)/bundle-cache"
    exit 0
  fi
fi
if [ "$(cat "$cache/haystack.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$cache"
fi
mkdir -p "$cache" 2>/dev/null || exit 0   # no cache where it cannot be written: start as without
cache=$(cd "$cache" && pwd)
printf '%s\n' -Dlaunch.keep=true "-Dlaunch.storage.dir=$cache" -Dorg.osgi.framework.storage.clean=none \
  "-Dhaystack.bundleCache.stamp=$stamp"
