#!/bin/sh
# bench/converge/etcd.sh: the cross-host path (issue #16) through a real etcd started for
# the run (Debian's etcd-server).
#   bench/converge/etcd.sh [endpoints] [churn]          host A's registry -> host B's, p50/p99,
#                                                       beside one raw put; etcd writes under churn
#   bench/converge/etcd.sh docker [containers] [churn]  Docker start event on A -> B's registry
#                                                       (needs a Docker engine and busybox-static)
set -eu
cd "$(dirname "$0")/../.."
MAIN=haystack.etcd.internal.CrossHostBench
if [ "${1:-}" = docker ]; then
  MAIN=haystack.etcd.internal.DockerCrossHostBench
  shift
fi
N="${1:-50}"
CHURN="${2:-200}"
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true TESTCONTAINERS_HOST_OVERRIDE=localhost
./mvnw -B -q install -pl haystack.etcd -am -DskipTests
./mvnw -B -q -pl haystack.etcd dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="haystack.etcd/target/test-classes:haystack.etcd/target/classes:$(cat haystack.etcd/target/bench.classpath)"
exec java -Dapi.version=1.41 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" "$MAIN" "$N" "$CHURN"
