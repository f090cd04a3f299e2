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
#   haystack.distro/bundle-cache.sh JAR DATA_DIR
set -uo pipefail
jar=$1
cache=$2/bundle-cache
stamp="$(readlink -f "$jar") $(stat -c '%s %.9Y %i' "$jar" 2>/dev/null)" || exit 0
if [ "$(cat "$cache/haystack.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$cache"
fi
mkdir -p "$cache" 2>/dev/null || exit 0   # no cache where it cannot be written: start as without
cache=$(cd "$cache" && pwd)
printf '%s\n' -Dlaunch.keep=true "-Dlaunch.storage.dir=$cache" -Dorg.osgi.framework.storage.clean=none \
  "-Dhaystack.bundleCache.stamp=$stamp"
