#!/usr/bin/env bash
# Builds Haystack's container image, haystack:latest, with no registry: a Java runtime
# made by jlink from this machine's JDK, the glibc libraries it links (found with ldd),
# and haystack.jar, copied FROM scratch. Does nothing when haystack:latest was built from
# the same jar, JVM options, Dockerfile, this script and JDK (the image's label haystack.inputs.sha256),
# so tests may call it freely.
#   image/build.sh            build when missing or stale
#   image/build.sh --force    always build
# Needs: a JDK 17+ with jlink (Debian: openjdk-17-jdk-headless), docker, ldd (libc-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
image=${HAYSTACK_IMAGE:-haystack:latest}
jar=haystack.distro/target/haystack.jar
out=image/target

[ -f "$jar" ] || ./mvnw -B -q -DskipTests install >&2
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")}
sha=$(cat "$jar" haystack.distro/jvm.options image/Dockerfile image/build.sh "$jdk/release" | sha256sum | cut -d' ' -f1)
if [ "${1:-}" != "--force" ] && \
   [ "$(docker image inspect --format '{{index .Config.Labels "haystack.inputs.sha256"}}' "$image" 2>/dev/null)" = "$sha" ]; then
  echo "image $image is current (inputs sha256 $sha)"
  exit 0
fi

# What the bundles use (jdeps --print-module-deps over the jar's embedded bundles), plus
# jdk.net (unix sockets to the engine), jdk.crypto.ec (SSH keys), java.net.http and
# jdk.zipfs which bundles may load reflectively.
modules=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.net,\
jdk.unsupported,jdk.zipfs

# Runs a container of image $1 that writes the archive to $2/haystack.jsa as it stops.
# The engine's socket is mounted when there is one, so the Docker client's classes load as
# in use. Every listener on its default port inside the container's own network; no port
# published. Bounded waits; says why when there is no archive (the image then runs without).
dump_archive() {
  local name="haystack-cds-dump-$$" socket=()
  mkdir -p "$2" && chmod 777 "$2"
  [ -S /var/run/docker.sock ] && socket=(-v /var/run/docker.sock:/var/run/docker.sock)
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker run --detach --name "$name" --label haystack.cds-dump=true "${socket[@]}" -v "$(readlink -f "$2"):/cds" \
    --entrypoint /opt/java/bin/java "$1" @/opt/haystack/jvm.options -XX:ArchiveClassesAtExit=/cds/haystack.jsa \
    -jar /opt/haystack/haystack.jar >/dev/null
  local started=false
  for _ in $(seq 1 1200); do   # at most 120 s
    if docker logs "$name" 2>&1 | grep -q 'haystack started'; then started=true; break; fi
    [ "$(docker inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || break
    sleep 0.1
  done
  $started && sleep 1
  docker stop --time 60 "$name" >/dev/null 2>&1 || true
  if ! $started || [ ! -s "$2/haystack.jsa" ]; then
    echo "image: WARNING no class-data sharing archive (the container did not start and stop); it runs without" >&2
    docker logs "$name" 2>&1 | tail -5 >&2
    docker rm -f "$name" >/dev/null 2>&1 || true
    return 1
  fi
  docker rm -f "$name" >/dev/null 2>&1 || true
}

rm -rf "$out" && mkdir -p "$out/rootfs/opt" "$out/rootfs/tmp" "$out/rootfs/etc" "$out/rootfs/var/lib/haystack"
# JDKs from 24 may ship without jmods and link from their own runtime instead.
jmods=(); [ -d "$jdk/jmods" ] && jmods=(--module-path "$jdk/jmods")
"$jdk/bin/jlink" "${jmods[@]}" --add-modules "$modules" --output "$out/rootfs/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive
# A server has no display: keep java.desktop's classes (java.beans) but drop its native graphics,
# font and sound libraries, which would drag in X11, freetype, harfbuzz and glib.
rm -f "$out"/rootfs/opt/java/lib/{libawt_xawt.so,libsplashscreen.so,libjsound.so,libfontmanager.so,liblcms.so,libjavajpeg.so,libmlib_image.so}

# The shared libraries the runtime links, at the same paths, and the dynamic loader.
find "$out/rootfs/opt/java" \( -name '*.so' -o -path '*/bin/*' \) -type f -print0 \
  | xargs -0 ldd 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\/.*ld-linux/{print $1}' | sort -u \
  | grep -v "^$(readlink -f "$out")/" \
  | while read -r lib; do cp --parents -L "$lib" "$out/rootfs/"; done
printf 'root:x:0:0:root:/root:/sbin/nologin\n' > "$out/rootfs/etc/passwd"
printf 'root:x:0:\n' > "$out/rootfs/etc/group"
chmod 1777 "$out/rootfs/tmp"
cp "$jar" "$out/haystack.jar"
cp haystack.distro/jvm.options "$out/jvm.options"
cp image/Dockerfile "$out/Dockerfile"

previous=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
# First without a class-data sharing archive; a container of that image then dumps one
# (-XX:ArchiveClassesAtExit, stopped with SIGTERM once started), made by the image's own
# Java for the image's own jar, and the second build adds it (all other layers cached).
: > "$out/haystack.jsa"
DOCKER_BUILDKIT=0 docker build --quiet --tag "$image-without-archive" "$out" >/dev/null
dump_archive "$image-without-archive" "$out/archive" && cp "$out/archive/haystack.jsa" "$out/haystack.jsa"
DOCKER_BUILDKIT=0 docker build --quiet --label "haystack.inputs.sha256=$sha" --tag "$image" "$out"
docker rmi "$image-without-archive" >/dev/null 2>&1 || true
# The image this one replaces, now untagged, is removed unless a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi
echo "built $image size=$(docker image inspect --format '{{.Size}}' "$image") inputs sha256 $sha"
