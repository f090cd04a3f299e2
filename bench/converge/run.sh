#!/bin/sh
# bench/converge: time from the engine's container event to the registry (SPEC §3, issue #3).
# Usage: bench/converge/run.sh [containers]   (default 50; needs a Docker engine and busybox-static)
set -eu
cd "$(dirname "$0")/../.."
N="${1:-50}"
# Testcontainers against the local engine with no registry, as the tests run it.
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true TESTCONTAINERS_HOST_OVERRIDE=localhost
./mvnw -B -q install -pl haystack.docker -am -DskipTests
./mvnw -B -q -pl haystack.docker dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="haystack.docker/target/test-classes:haystack.docker/target/classes:$(cat haystack.docker/target/bench.classpath)"
exec java -Dapi.version=1.41 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" haystack.docker.internal.ConvergeBench "$N"
