#!/usr/bin/env bash
# Coverage-guided fuzzing of the load balancer's HTTP/1.1 codec (SPEC §5) with Jazzer: each
# @FuzzTest in haystack.lb's codec tests is fuzzed for real (JAZZER_FUZZ=1), one after the
# other, the minutes split evenly between them. Each starts from its checked-in inputs
# (<Test>Inputs/<method>/, read only) and from the corpus earlier runs left in the scratch
# directory; what it finds new (corpus entries, findings) goes to the scratch directory only.
# Findings are told apart by invariant and rule (jazzer.keep_going): one that breaks
# invariants already found does not stop the run. Needs: a JDK 17 (Jazzer's native
# libFuzzer ships in its jar). Local only, every run bounded by its share of the minutes.
# Usage: bench/fuzz/run.sh [minutes] [test-filter]   (default 5; filter e.g. ChunkedBody)
#   env FUZZ_WORK: scratch directory (default /tmp/haystack-fuzz, kept between runs);
#   KEEP_GOING: distinct findings after which a target stops early (default 50);
#   SAVE_FINDINGS=1: also copy the findings into the checked-in inputs, where regression
#   mode (plain ./mvnw test) runs them from then on.
# Prints per target: executions, execs/s, minutes fuzzed, findings (files, and each one's
# first line); the full libFuzzer output is in FUZZ_WORK/<target>/fuzz.log.
set -euo pipefail

MINUTES=${1:-5}
FILTER=${2:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${FUZZ_WORK:-/tmp/haystack-fuzz}
KEEP_GOING=${KEEP_GOING:-50}
TESTS=haystack.lb/src/test/java/haystack/lb/internal/codec
INPUTS=haystack.lb/src/test/resources/haystack/lb/internal/codec

command -v java >/dev/null || { echo "missing java (a JDK 17)" >&2; exit 1; }
cd "$ROOT"

# Targets: Class#method of every @FuzzTest (the method declared after the annotation).
mapfile -t TARGETS < <(for f in "$TESTS"/*FuzzTest.java; do
  awk -v cls="$(basename "$f" .java)" '/@FuzzTest/ { want = 1 } want && match($0, /void [A-Za-z0-9_]+\(/) {
    print cls "#" substr($0, RSTART + 5, RLENGTH - 6); want = 0 }' "$f"
done | grep -- "${FILTER}" || true)
[ "${#TARGETS[@]}" -gt 0 ] || { echo "no @FuzzTest matches '$FILTER' in $TESTS" >&2; exit 1; }
SECONDS_EACH=$(awk -v m="$MINUTES" -v n="${#TARGETS[@]}" 'BEGIN { s = int(m * 60 / n); print (s < 10 ? 10 : s) }')

echo "building haystack.lb (tests compiled, not run)..." >&2
./mvnw -B -q install -pl haystack.lb -am -DskipTests

echo
echo "Jazzer, ${#TARGETS[@]} targets x ${SECONDS_EACH} s of fuzzing (plus ~20 s of start-up each), $(nproc) cores; scratch: $WORK"
printf '%-38s %12s %9s %8s %9s\n' target executions execs/s minutes findings
for target in "${TARGETS[@]}"; do
  cls=${target%#*}; method=${target#*#}
  dir="$WORK/$cls.$method"
  mkdir -p "$dir/corpus" "$dir/findings"
  before=$(find "$dir/findings" -type f | wc -l)
  # The jazzer.internal.arg.* properties are libFuzzer's command line as Jazzer's JUnit
  # integration reads it (argv[0] first): the first directory is the corpus libFuzzer writes
  # to; later flags win over those Jazzer derives from @FuzzTest (maxDuration) and the inputs
  # directory (-artifact_prefix). The basedir keeps .cifuzz-corpus and its findings out of
  # the source tree. -timeout is libFuzzer's own watchdog, behind Bounded's 5 s.
  set +e
  JAZZER_FUZZ=1 ./mvnw -B -pl haystack.lb surefire:test \
    -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.basedir="$dir" \
    -Djazzer.keep_going="$KEEP_GOING" \
    -Djazzer.internal.arg.0=jazzer \
    -Djazzer.internal.arg.1="$dir/corpus" \
    -Djazzer.internal.arg.2=-max_total_time="$SECONDS_EACH" \
    -Djazzer.internal.arg.3=-timeout=30 \
    -Djazzer.internal.arg.4=-artifact_prefix="$dir/findings/" \
    -Djazzer.internal.arg.5=-print_final_stats=1 \
    > "$dir/fuzz.log" 2>&1
  status=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/fuzz.log" | tail -1 | awk '{ print $2 }')
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$dir/fuzz.log" | tail -1 | awk '{ print $5 }')
  rate=$(grep -o 'stat::average_exec_per_sec: [0-9]*' "$dir/fuzz.log" | tail -1 | awk '{ print $2 }')
  if [ -z "$runs" ]; then # stopped by a finding: the last status line libFuzzer printed
    runs=$(grep -o '^#[0-9]*' "$dir/fuzz.log" | tail -1 | tr -d '#')
  fi
  [ -n "$secs" ] || secs=$(grep -o 'exec/s: [0-9]*' "$dir/fuzz.log" | tail -1 | awk -v r="${runs:-0}" '{ print ($2 > 0 ? int(r / $2) : 0) }')
  [ -n "$rate" ] || rate=$(awk -v r="${runs:-0}" -v s="${secs:-0}" 'BEGIN { print (s > 0 ? int(r / s) : 0) }')
  after=$(find "$dir/findings" -type f | wc -l)
  printf '%-38s %12s %9s %8s %9s\n' "$cls#$method" "${runs:-?}" "${rate:-?}" \
    "$(awk -v s="${secs:-0}" 'BEGIN { printf "%.1f", s / 60 }')" "$((after - before)) new"
  if [ "$status" -ne 0 ] && ! grep -q 'FuzzTestFinding\|Java Exception' "$dir/fuzz.log"; then
    echo "  the run failed without a finding; see $dir/fuzz.log" >&2
  fi
  # Each distinct finding: its first line (the invariant and rule broken, or the exception).
  grep -a '== Java Exception: ' "$dir/fuzz.log" | sed 's/.*== Java Exception: /  finding: /' | cut -c1-200 | sort | uniq -c | sed 's/^ */  /' || true
  if [ "${SAVE_FINDINGS:-0}" = 1 ] && [ "$after" -gt 0 ]; then
    mkdir -p "$INPUTS/${cls}Inputs/$method"
    cp -n "$dir"/findings/* "$INPUTS/${cls}Inputs/$method/"
    echo "  copied to $INPUTS/${cls}Inputs/$method/ (name them after the bug they show)"
  fi
done
echo
echo "findings (inputs to reproduce: ./mvnw -pl haystack.lb test -Dtest='<Test>' with the file in <Test>Inputs/<method>/): $WORK/*/findings"
