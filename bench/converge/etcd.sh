#!/bin/sh
# bench/converge/etcd.sh: the cross-host leg (issue #16) through a real etcd started for
# the run (Debian's etcd-server): host A's registry -> host B's registry, p50/p99 over N
# endpoints, then the etcd write rate while 200 endpoints churn.
# Usage: bench/converge/etcd.sh [endpoints] [churn]   (defaults 50, 200)
set -eu
cd "$(dirname "$0")/../.."
N="${1:-50}"
CHURN="${2:-200}"
./mvnw -B -q install -pl haystack.etcd -am -DskipTests
./mvnw -B -q -pl haystack.etcd dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="haystack.etcd/target/test-classes:haystack.etcd/target/classes:$(cat haystack.etcd/target/bench.classpath)"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" haystack.etcd.internal.CrossHostBench "$N" "$CHURN"
