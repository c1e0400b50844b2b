#!/usr/bin/env bash
# Resource footprint of the SecureMonitor watcher against Prometheus node_exporter, measured in
# one run under the same conditions on this machine. See --help.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/footprint/run.sh [--minutes N] [--output FILE] [--watcher-env NAME=VALUE]...

Measures the resource footprint of the SecureMonitor watcher agent against Prometheus
node_exporter, side by side in one run on this machine:

  1. installs the Debian package prometheus-node-exporter if it is missing and we are root;
  2. builds the CLI through the ./securemonitor launcher and makes a throw-away PKI with one
     watcher identity in a temp dir;
  3. starts a monitor on 127.0.0.1:<free port>, one watcher with its default settings (samples
     every 1 s, heartbeats every 5 s) and node_exporter on 127.0.0.1:<free port>, scraped by
     `curl -s` once a second (only node_exporter's own process is measured, not curl);
  4. samples both processes every 5 s from /proc and reports:
       settled RSS  median of VmRSS (/proc/PID/status) over the last minute of the run;
       CPU %        (utime+stime) delta from /proc/PID/stat / elapsed clock ticks, in % of one
                    core, over the last 5 minutes when the run lasts 10 minutes or more, else
                    over the whole run after the first minute (after half of it when shorter);
       threads      Threads from /proc/PID/status at the end;
  5. prints a markdown table and the settings in force (the watcher's DOTNET_* variables read
     from its /proc/PID/environ), then stops every process it started and removes the temp dir,
     also on Ctrl-C.

Options:
  --minutes N             run length in minutes, decimals allowed (default 10). The .NET heap
                          grows until its first collections, so settled figures need ~10 min;
                          a few minutes are fine for quick A/B comparisons.
  --output FILE           write the report to FILE (default: standard output).
  --watcher-env NAME=VAL  set an environment variable for the watcher only (repeatable), e.g.
                          --watcher-env DOTNET_GCgen0size=0x100000 for A/B runs. Variables that
                          the launcher sets for the watcher role honour values given this way.
  -h, --help              show this help.

Progress goes to standard error; the figures are also printed as `RESULT name=value unit=U` lines
on standard output (read by bench/run-all.sh). Exit status: 0 on success, 1 when a process died or could not
be measured, 2 on bad usage.
EOF
}

minutes=10
output=""
watcher_env=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --minutes) [ $# -ge 2 ] || { echo "run.sh: --minutes needs a value" >&2; exit 2; }; minutes="$2"; shift 2 ;;
    --minutes=*) minutes="${1#*=}"; shift ;;
    --output) [ $# -ge 2 ] || { echo "run.sh: --output needs a value" >&2; exit 2; }; output="$2"; shift 2 ;;
    --output=*) output="${1#*=}"; shift ;;
    --watcher-env) [ $# -ge 2 ] || { echo "run.sh: --watcher-env needs NAME=VALUE" >&2; exit 2; }; watcher_env+=("$2"); shift 2 ;;
    --watcher-env=*) watcher_env+=("${1#*=}"); shift ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || [ "$(awk -v m="$minutes" 'BEGIN{print (m*60 >= 30)}')" != 1 ]; then
  echo "run.sh: --minutes must be a number of at least 0.5" >&2; exit 2
fi
for kv in ${watcher_env[@]+"${watcher_env[@]}"}; do
  [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { echo "run.sh: --watcher-env wants NAME=VALUE, got '$kv'" >&2; exit 2; }
done

log() { echo "[footprint $(date +%H:%M:%S)] $*" >&2; }

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
cli="$root/securemonitor"
total=$(awk -v m="$minutes" 'BEGIN{printf "%d", m*60}')
# CPU window start (seconds after the start of measurement) and RSS window length.
if [ "$total" -ge 600 ]; then cpu_from=$((total - 300)); elif [ "$total" -ge 120 ]; then cpu_from=60; else cpu_from=$((total / 2)); fi
rss_window=60; [ "$total" -lt 120 ] && rss_window=$((total / 2))
sample_every=5
hz=$(getconf CLK_TCK)

# --- 1. node_exporter --------------------------------------------------------------------------
nx_bin="$(command -v prometheus-node-exporter || command -v node_exporter || true)"
if [ -z "$nx_bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing prometheus-node-exporter (apt-get update first)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-node-exporter >&2
    nx_bin="$(command -v prometheus-node-exporter || command -v node_exporter || true)"
  fi
  [ -n "$nx_bin" ] || { echo "run.sh: prometheus-node-exporter is missing (install it, or run as root)" >&2; exit 1; }
fi
nx_version="$("$nx_bin" --version 2>&1 | head -n1)"

# --- cleanup -------------------------------------------------------------------------------------
tmp=""
pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p
  for p in ${pids[@]+"${pids[@]}"}; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for p in ${pids[@]+"${pids[@]}"}; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for p in ${pids[@]+"${pids[@]}"}; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$tmp" ] && rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'exit 143' TERM

# A port below the kernel's ephemeral range (so no outgoing connection takes it meanwhile) that no
# TCP socket uses in any state: a listening-only check once handed node_exporter a port held by a
# client connection, and its bind failed.
free_port() {
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 21000 ] || low=32768
  for _ in $(seq 1 200); do
    p=$(( (RANDOM % (low - 20000)) + 20000 ))
    if [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]; then echo "$p"; return 0; fi
  done
  return 1
}

# Pid of the process whose command line matches $1 (regex), waiting up to 5 min (the launcher
# may have to rebuild first when someone changed the sources since our build).
find_pid() {
  local pid=""
  for _ in $(seq 1 600); do
    pid="$(pgrep -f -- "$1" | head -n1 || true)"
    [ -n "$pid" ] && { echo "$pid"; return 0; }
    sleep 0.5
  done
  return 1
}

wait_listen() { # port, timeout seconds
  for _ in $(seq 1 $(( $2 * 2 ))); do
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ] && return 0
    sleep 0.5
  done
  return 1
}

# --- 2. build, PKI -------------------------------------------------------------------------------
log "building the CLI through the launcher"
build_ok=0
build_err="$(mktemp /tmp/sm-footprint-build.XXXXXX)"
for attempt in 1 2 3 4 5 6; do
  if version="$("$cli" --version 2>"$build_err")"; then build_ok=1; break; fi
  log "launcher build failed (attempt $attempt; someone may be mid-edit), retrying in 30 s"
  sleep 30
done
[ "$build_ok" = 1 ] || { cat "$build_err" >&2; rm -f "$build_err"; exit 1; }
rm -f "$build_err"
tmp="$(mktemp -d /tmp/sm-footprint.XXXXXX)"
log "securemonitor $version; temp dir $tmp"
# The launcher rebuilds first if someone changed the sources meanwhile; retry once on failure.
pki_ok=0
for attempt in 1 2 3; do
  rm -rf "$tmp/pki"
  if "$cli" pki init --dir "$tmp/pki" >"$tmp/pki.log" 2>&1 &&
     "$cli" pki issue-watcher bench-host --dir "$tmp/pki" >>"$tmp/pki.log" 2>&1; then pki_ok=1; break; fi
  log "PKI setup failed (attempt $attempt), retrying in 30 s"; sleep 30
done
[ "$pki_ok" = 1 ] || { echo "run.sh: PKI setup failed:" >&2; cat "$tmp/pki.log" >&2; exit 1; }

# --- 3. start the processes ----------------------------------------------------------------------
mport=$(free_port)
"$cli" monitor --pki "$tmp/pki" --listen "127.0.0.1:$mport" --data "$tmp/monitor" >"$tmp/monitor.log" 2>&1 &
pids+=($!)
mpid=$(find_pid "securemonitor\\.dll monitor --pki $tmp/pki") || { cat "$tmp/monitor.log" >&2; exit 1; }
pids+=("$mpid")
wait_listen "$mport" 300 || { echo "run.sh: monitor did not listen on $mport" >&2; cat "$tmp/monitor.log" >&2; exit 1; }

# Only the watcher gets --watcher-env; the monitor keeps its defaults.
env ${watcher_env[@]+"${watcher_env[@]}"} "$cli" watcher --identity "$tmp/pki/watchers/bench-host" \
  --monitor "127.0.0.1:$mport" --data "$tmp/watcher" >"$tmp/watcher.log" 2>&1 &
pids+=($!)
# The launcher execs dotnet; find the dotnet process itself by its command line.
wpid=$(find_pid "securemonitor\\.dll watcher --identity $tmp/pki") || { cat "$tmp/watcher.log" >&2; exit 1; }
pids+=("$wpid")

nport=$(free_port)
"$nx_bin" --web.listen-address="127.0.0.1:$nport" >"$tmp/node_exporter.log" 2>&1 &
npid=$!
pids+=("$npid")
wait_listen "$nport" 30 || { echo "run.sh: node_exporter did not listen on $nport" >&2; cat "$tmp/node_exporter.log" >&2; exit 1; }

start=$(date +%s)
deadline=$((start + total))
( while [ "$(date +%s)" -lt "$deadline" ]; do
    curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$nport/metrics" || true
    sleep 1
  done ) &
pids+=($!)

log "monitor pid $mpid (127.0.0.1:$mport), watcher pid $wpid, node_exporter pid $npid (127.0.0.1:$nport)"
log "running $total s: CPU over [$cpu_from s, $total s], settled RSS = median over the last $rss_window s"

# --- 4. sample -----------------------------------------------------------------------------------
samples="$tmp/samples.tsv"   # t(s since start) name rss_kB threads ticks
snap_tasks() { # pid file: tid comm ticks per thread
  local t
  for t in /proc/"$1"/task/*; do
    awk -v tid="${t##*/}" '{ s=$0; sub(/^[^(]*\(/, "", s); comm=s; sub(/\).*$/, "", comm); sub(/^[^)]*\) /, "", s);
                             split(s, f, " "); gsub(/ /, "_", comm); print tid, comm, f[12]+f[13] }' "$t/stat" 2>/dev/null || true
  done >"$2"
}
sample() { # t name pid
  local rss thr ticks
  rss=$(awk '/^VmRSS:/{print $2}' /proc/"$3"/status 2>/dev/null) || return 1
  thr=$(awk '/^Threads:/{print $2}' /proc/"$3"/status 2>/dev/null) || return 1
  # Fields after the "(comm)" part: utime and stime are the 12th and 13th of them.
  ticks=$(awk '{ s=$0; sub(/^[^)]*\) /, "", s); split(s, f, " "); print f[12]+f[13] }' /proc/"$3"/stat 2>/dev/null) || return 1
  [ -n "$rss" ] && [ -n "$thr" ] && [ -n "$ticks" ] || return 1
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$rss" "$thr" "$ticks" >>"$samples"
}
took_tasks=0
next=$start
while :; do
  now=$(date +%s)
  t=$((now - start))
  for pair in "watcher:$wpid" "node_exporter:$npid"; do
    if ! sample "$t" "${pair%%:*}" "${pair#*:}"; then
      echo "run.sh: ${pair%%:*} (pid ${pair#*:}) died at t=$t s" >&2
      tail -n 30 "$tmp/${pair%%:*}.log" >&2 || true
      exit 1
    fi
  done
  if [ "$took_tasks" = 0 ] && [ "$t" -ge "$cpu_from" ]; then snap_tasks "$wpid" "$tmp/tasks.0"; took_tasks=1; fi
  [ "$t" -ge "$total" ] && break
  next=$((next + sample_every)); [ "$next" -gt "$deadline" ] && next=$deadline
  sleep_for=$((next - $(date +%s))); [ "$sleep_for" -gt 0 ] && sleep "$sleep_for"
done
snap_tasks "$wpid" "$tmp/tasks.1"
kill -0 "$mpid" 2>/dev/null || { echo "run.sh: the monitor died during the run" >&2; tail -n 30 "$tmp/monitor.log" >&2; exit 1; }
connected=$(grep -c "Connected watcher:bench-host" "$tmp/monitor.log" || true)

# --- 5. report -----------------------------------------------------------------------------------
stats() { # name -> "rss_MB cpu_pct threads rss_min_MB rss_max_MB cpu_t0 cpu_t1"
  awk -F'\t' -v n="$1" -v from="$cpu_from" -v total="$total" -v win="$rss_window" -v hz="$hz" '
    $2 == n {
      if ($1 >= from && t0 == "") { t0 = $1; k0 = $5 }
      t1 = $1; k1 = $5; thr = $4
      if ($1 >= total - win) { r[++m] = $3 }
    }
    END {
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (r[j] < r[i]) { x = r[i]; r[i] = r[j]; r[j] = x }
      med = (m % 2) ? r[(m + 1) / 2] : (r[m / 2] + r[m / 2 + 1]) / 2
      cpu = (t1 > t0) ? 100 * (k1 - k0) / ((t1 - t0) * hz) : 0
      printf "%.1f %.2f %d %.1f %.1f %d %d\n", med / 1024, cpu, thr, r[1] / 1024, r[m] / 1024, t0, t1
    }' "$samples"
}
read -r w_rss w_cpu w_thr w_rmin w_rmax w_t0 w_t1 <<<"$(stats watcher)"
read -r n_rss n_cpu n_thr n_rmin n_rmax n_t0 n_t1 <<<"$(stats node_exporter)"
w_hwm=$(awk '/^VmHWM:/{printf "%.1f", $2/1024}' /proc/"$wpid"/status)
n_hwm=$(awk '/^VmHWM:/{printf "%.1f", $2/1024}' /proc/"$npid"/status)
envlist() { tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | grep -E '^(DOTNET_|COMPlus_|SM_)' | sort | sed 's/^/`/; s/$/`/' | paste -sd' ' - ; }
w_env="$(envlist "$wpid")"; m_env="$(envlist "$mpid")"

report() {
  echo "## SecureMonitor watcher vs node_exporter footprint"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname) ($(nproc) CPUs), $minutes min run; securemonitor $version; $nx_version"
  echo
  echo "| process | settled RSS MB | CPU % of one core | threads |"
  echo "|---|---:|---:|---:|"
  echo "| securemonitor watcher (dotnet, pid $wpid) | $w_rss | $w_cpu | $w_thr |"
  echo "| node_exporter (pid $npid, scraped every 1 s) | $n_rss | $n_cpu | $n_thr |"
  echo
  echo "- Settled RSS: median VmRSS over the last $rss_window s (watcher range $w_rmin-$w_rmax MB, peak VmHWM $w_hwm MB; node_exporter $n_rmin-$n_rmax MB, peak $n_hwm MB)."
  echo "- CPU: (utime+stime) delta / elapsed ticks over t=$w_t0..$w_t1 s of the run (CLK_TCK $hz)."
  echo "- Watcher settings: defaults of hocon/watcher.conf (sampling 1 s, heartbeat 5 s); connected to the monitor ${connected}x."
  echo "- Watcher environment (GC and runtime): ${w_env:-none (runtime defaults)}"
  echo "- Monitor environment: ${m_env:-none (runtime defaults)}"
  echo
  echo "Watcher threads by CPU over the CPU window (ticks of 1/$hz s):"
  echo
  echo '```'
  awk 'NR == FNR { a[$1] = $3; next } { printf "%8s  %-18s %6d\n", $1, $2, $3 - (($1 in a) ? a[$1] : 0) }' \
    "$tmp/tasks.0" "$tmp/tasks.1" | sort -k3,3nr
  echo '```'
}
# Machine-readable figures (read by bench/run-all.sh): RESULT name=value unit=U.
results() {
  echo "RESULT footprint.minutes=$minutes unit=min"
  echo "RESULT footprint.watcher.rss_mb=$w_rss unit=MB"
  echo "RESULT footprint.watcher.cpu_pct=$w_cpu unit=%core"
  echo "RESULT footprint.node_exporter.rss_mb=$n_rss unit=MB"
  echo "RESULT footprint.node_exporter.cpu_pct=$n_cpu unit=%core"
}
if [ -n "$output" ]; then report >"$output"; log "report written to $output"; else report; fi
results
