# Sourced by bench/lb and bench/tls: CPU time of a proxy's processes. The caller defines
# proxy_pids NAME (the pids of that proxy's processes).
cpu_ticks() { # NAME -> utime + stime of all its processes, in clock ticks
  local total=0 pid
  for pid in $(proxy_pids "$1"); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
TICK=$(getconf CLK_TCK)
