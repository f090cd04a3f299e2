# Shared by bench/dns/*.sh (sourced, not run): the dnsperf run, nsd's configuration,
# memory of a process tree, and Haystack's exported jar serving endpoints from files.
# The caller sets ROOT, WORK, PIDS=() and CLIENTS, OUTSTANDING.

CORES=$(nproc)

cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}

need() { # tools...
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y dnsperf nsd dnsmasq unbound bind9-dnsutils curl python3)" >&2; exit 1; }
  done
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# One dnsperf run → "qps avg-latency-ms lost noerror%"
perf() { # port queryfile seconds
  dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$3" -c "$CLIENTS" -q "$OUTSTANDING" 2>&1 | awk '
    /Queries lost:/ {lost=$3}
    /Queries per second:/ {qps=$4}
    /Average Latency \(s\):/ {lat=$4*1000}
    /Response codes:/ {ok="0%"; for (i = 3; i <= NF; i++) if ($i == "NOERROR") ok=$(i+2)}
    END {gsub(/[(),]/, "", ok); printf "%.0f %.3f %s %s\n", qps, lat, lost, ok}'
}

# Resident memory of some processes together, MB
rss_mb() { # pids...
  local total=0 pid
  for pid in "$@"; do total=$(( total + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0) )); done
  awk -v k="$total" 'BEGIN { printf "%.1f", k / 1024 }'
}

# CPU time (user + system) some processes have used, in clock ticks
cpu_ticks() { # pids...
  local total=0 pid t
  for pid in "$@"; do
    # fields after the command name, which may hold spaces ("nsd: server 1"): utime and stime are 12th and 13th
    t=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$(( total + t ))
  done
  echo "$total"
}

# A measured run: perf plus the servers' CPU per query → "qps avg-latency-ms lost noerror% cpu-us-per-query"
perf_cpu() { # port queryfile seconds pids...
  local port=$1 file=$2 seconds=$3 before after result
  shift 3
  before=$(cpu_ticks "$@")
  result=$(perf "$port" "$file" "$seconds")
  after=$(cpu_ticks "$@")
  awk -v r="$result" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v s="$seconds" 'BEGIN {
    split(r, f, " "); q = f[1] * s; printf "%s %.1f\n", r, (q > 0 ? t * 1e6 / hz / q : 0) }'
}

# nsd.conf serving zone $2 from $1/$2.zone on port $3: one server per core, rate limiting off
# (Debian's default would answer ~200 queries/s per /24)
nsd_conf() { # dir zone port
  cat <<CONF
server:
  port: $3
  ip-address: 127.0.0.1
  server-count: $CORES
  username: ""
  chroot: ""
  zonesdir: "$1"
  database: ""
  pidfile: "$1/nsd.pid"
  xfrdfile: "$1/xfrd.state"
  zonelistfile: "$1/zone.list"
  logfile: "$1/nsd.log"
  verbosity: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: $2
  zonefile: $2.zone
CONF
}

# Starts nsd on $3 for zone $2 in $1 and waits until it answers; sets NSD_PID
start_nsd() { # dir zone port
  nsd_conf "$1" "$2" "$3" >"$1/nsd.conf"
  nsd -d -c "$1/nsd.conf" >"$1/nsd.out" 2>&1 &
  NSD_PID=$!; PIDS+=("$NSD_PID")
  for _ in $(seq 1 300); do
    dig @127.0.0.1 -p "$3" +time=1 +tries=1 "$2" SOA 2>/dev/null | grep -q 'status: NOERROR' && return 0
    sleep 0.2
  done
  echo "nsd on port $3 did not answer" >&2; return 1
}

# A process and all its descendants (nsd: xfrd, its main process and one server per core)
tree_pids() { # pid
  local child
  echo "$1"
  for child in $(pgrep -P "$1" || true); do tree_pids "$child"; done
}

# Proportional memory of some processes together, MB: forked servers share most pages,
# which a sum of their RSS would count once per process
pss_mb() { # pids...
  local total=0 pid
  for pid in "$@"; do total=$(( total + $(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0) )); done
  awk -v k="$total" 'BEGIN { printf "%.1f", k / 1024 }'
}

# Service files for the file source: s<i>.yaml, PER endpoints each on distinct addresses
# (10.x.y.z:6379, port name redis); and dnsperf's questions, each service's A and SRV in turn
write_services() { # dir services per
  mkdir -p "$1/services"
  awk -v n="$2" -v per="$3" -v d="$1/services" 'BEGIN {
    for (i = 0; i < n; i++) {
      f = d "/s" i ".yaml"; print "port: redis\nendpoints:" > f
      for (j = 0; j < per; j++) { k = i * per + j; printf "  - 10.%d.%d.%d:6379\n", int(k / 65536) % 256, int(k / 256) % 256, k % 256 > f }
      close(f)
    } }'
  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) { print "s" i ".services.haystack A"; print "_redis._tcp.s" i ".services.haystack SRV" } }' > "$1/queries.txt"
}

# The exported jar with haystack.distro/jvm.options (and JAVA_EXTRA), serving $1/services on
# DNS port $2, admin on $3; waits until the last service answers; sets HAYSTACK_PID
start_haystack() { # dir port admin-port last-name
  local jar="${HAYSTACK_JAR:-$ROOT/haystack.distro/target/haystack.jar}"
  [ -f "$jar" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests install >&2)
  # shellcheck disable=SC2086
  ( cd "$1" && exec env HAYSTACK_SERVICES_DIR="$1/services" HAYSTACK_DNS_PORT="$2" HAYSTACK_DNS_BIND=127.0.0.1 \
      HAYSTACK_HTTP_PORT=0 HAYSTACK_HTTP_ALT_PORT=0 HAYSTACK_SSH_PORT=0 HAYSTACK_ADMIN_PORT="$3" HAYSTACK_ADMIN_BIND=127.0.0.1 \
      HAYSTACK_ADDRESS=127.0.0.1 HAYSTACK_DATA="$1/data" HAYSTACK_CONFIG_DIR="$1/conf" DOCKER_HOST=none \
      MALLOC_ARENA_MAX=2 java "@$ROOT/haystack.distro/jvm.options" ${JAVA_EXTRA:-} \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$jar" ) >"$1/haystack.log" 2>&1 &
  HAYSTACK_PID=$!; PIDS+=("$HAYSTACK_PID")
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$3/ready" >/dev/null 2>&1 \
      && dig @127.0.0.1 -p "$2" +time=1 +tries=1 +short "$4" A | grep -q '^[0-9]' && return 0
    sleep 0.2
  done
  echo "haystack did not serve $4:" >&2; tail -5 "$1/haystack.log" >&2; return 1
}

# nsd's zone file: the apex and every answer Haystack gives to the questions in $2
haystack_zone() { # port queryfile → stdout
  sed 's/^/@127.0.0.1 -p '"$1"' +noall +answer +additional +time=5 /' "$2" > "$2.dig"
  { echo "\$ORIGIN haystack."
    dig @127.0.0.1 -p "$1" +noall +answer haystack SOA
    dig @127.0.0.1 -p "$1" +noall +answer haystack NS
    dig -f "$2.dig"
  } | awk '!/^;/ && NF && !seen[$0]++'
}

# CPU ticks of each thread of a process, by thread name with its numbers cut
# (haystack-dns-udp-15363-0 → haystack-dns-udp-): "name user system" lines, summed per name
thread_cpu() { # pid
  local t
  for t in /proc/"$1"/task/*; do
    awk '{ name = $0; sub(/^[^(]*\(/, "", name); sub(/\) .*/, "", name); gsub(/[0-9]+/, "", name)
           rest = $0; sub(/.*\) /, "", rest); split(rest, f, " "); print name "\t" f[12] "\t" f[13] }' "$t/stat" 2>/dev/null || true
  done | awk -F'\t' '{ u[$1] += $2; s[$1] += $3 } END { for (n in u) print n "\t" u[n] "\t" s[n] }'
}

# The threads that used the most CPU between two thread_cpu outputs, us per query:
# "name=user+system ..." for the top 6
thread_cpu_split() { # before-file after-file queries
  awk -F'\t' -v q="$3" -v hz="$(getconf CLK_TCK)" 'FNR == NR { bu[$1] = $2; bs[$1] = $3; next }
    { u = ($2 - bu[$1]) * 1e6 / hz / q; s = ($3 - bs[$1]) * 1e6 / hz / q; if (u + s > 0) printf "%f\t%s\t%.1f\t%.1f\n", u + s, $1, u, s }' "$1" "$2" \
    | sort -rn | head -6 | awk -F'\t' '{ printf "%s=%s+%s ", $2, $3, $4 } END { print "" }'
}
