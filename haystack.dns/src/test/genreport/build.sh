#!/usr/bin/env bash
# Builds ISC's DNS compliance tester `genreport` (EDNS and protocol conformance, MPL 2.0,
# https://gitlab.isc.org/isc-projects/DNS-Compliance-Testing at 2c47450) from the source
# archive beside this script into OUTDIR (default /tmp/genreport) and prints the binary's
# path; a binary already there is reused. GenreportTest runs it; .ci/run installs the build
# dependencies: build-essential autoconf automake libtool libssl-dev.
# Run by hand:  echo "haystack ns.haystack 127.0.0.1" | OUTDIR/genreport -f -P PORT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/genreport}
if [ -x "$out/genreport" ]; then echo "$out/genreport"; exit 0; fi
rm -rf "$out.tmp"; mkdir -p "$out.tmp"
tar -xzf "$here"/DNS-Compliance-Testing-*.tar.gz -C "$out.tmp"
cd "$out.tmp"
{ autoreconf -fi && ./configure LIBS=-lresolv && make; } >"$out.tmp/build.log" 2>&1 || { tail -20 "$out.tmp/build.log" >&2; exit 1; }
# Built aside and moved into place, so a build killed half-way is never taken for a binary.
rm -rf "$out"; mv "$out.tmp" "$out"
echo "$out/genreport"
