#!/usr/bin/env bash
# What a full TLS handshake costs the server in CPU, in-process (bench/tls/HandshakeCost.java):
# the elliptic-curve floor (ECDSA P-256 sign, ECDHE x25519 / secp256r1) and whole TLS 1.3 and
# 1.2 handshakes with an ECDSA P-256 key, for each JVM given (default: java on the PATH).
# Thread CPU time, not rates: comparable on a busy machine. Usage: bench/tls/cost.sh [count] [java...]
# env JAVA_OPTS (e.g. -Dsuites=TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384).
set -euo pipefail
COUNT=${1:-1000}
shift || true
JAVAS=("$@")
[ ${#JAVAS[@]} -gt 0 ] || JAVAS=(java)
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/haystack-bench-tls-cost.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
keytool -genkeypair -keyalg EC -groupname secp256r1 -alias bench -dname CN=bench.services.haystack -validity 2 \
  -storetype PKCS12 -keystore "$WORK/bench.p12" -storepass benchbench -keypass benchbench >/dev/null 2>&1
for java in "${JAVAS[@]}"; do
  for protocol in TLSv1.3 TLSv1.2; do
    "$java" ${JAVA_OPTS:-} "$HERE/HandshakeCost.java" "$WORK/bench.p12" "$protocol" "$COUNT" 2>&1 \
      | { if [ "$protocol" = TLSv1.3 ]; then cat; else grep -v "P-256 sign"; fi; } | grep -E 'round [23]'
  done
done
