#!/usr/bin/env bash
# Runs every benchmark of the project once and writes docs/benchmarks.md. See --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: bench/run-all.sh [--quick] [--output FILE]

Builds the benchmark project (Release) once, then runs, one after the other:
  1. BenchmarkDotNet: Akka.NET actor Tell, envelope seal/open and the raw AES-GCM + HMAC limit, TLS 1.3
     handshakes, store append (SQLite and PostgreSQL), each with its class's short job;
  2. monitor-load: durable alerts/s from 64 TLS connections, latency p50/p99 at 5,000 alerts/s;
  3. failover --kills 10 --handovers 5: three monitors in one Akka cluster; kill -9, then SIGTERM, of the
     singleton's node to the first alerts stored by the next one; lost and duplicated alerts; false
     downings of healthy nodes; then the same (5 kills, 3 handovers) under stress-ng --cpu 3;
  4. scaling: 100, 1,000 and 10,000 virtual watchers holding connections to one monitor process
     (heartbeat every 5 s), steady window 60 s each;
  5. bench/footprint/run.sh: watcher against node_exporter, 10 minutes;
  6. bench/fuzz.sh: every fuzzing property (frame decoder, envelope opener, HOCON loader, admin
     arguments) with 1,000,000 cases each.
  7. soak --minutes 30 --watchers 1000: one monitor, 1,000 virtual watchers (heartbeat every 5 s, an
     alert a minute each) and a bounded hostile client churning bad connections; RSS and descriptors
     over time, no acknowledged alert lost.
Each runner prints `RESULT name=value unit=U` lines; the report (figure, value, target, met?,
machine, date, load average) is built from those lines only. A step that fails or times out is
reported as such and the others still run.

Options:
  --quick        footprint 3 minutes instead of 10, scaling windows of 30 s instead of 60 s,
                 100,000 fuzzing cases per property instead of 1,000,000, soak 3 minutes instead of
                 30; the report says so.
  --output FILE  where to write the report (default: docs/benchmarks.md).
  -h, --help     show this help.

Exit status: 0 when every step produced its figures, 1 when a step failed, 2 on bad usage,
130 when interrupted. Temporary files and child processes are removed also on Ctrl-C.
USAGE
}

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
quick=0
output="$root/docs/benchmarks.md"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --quick) quick=1; shift ;;
    --output) [ $# -ge 2 ] || { echo "run-all.sh: --output needs a value" >&2; exit 2; }; output="$2"; shift 2 ;;
    *) echo "run-all.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then footprint_minutes=3; scaling_duration=30s; fuzz_cases=100000; soak_minutes=3; else footprint_minutes=10; scaling_duration=60s; fuzz_cases=1000000; soak_minutes=30; fi

log() { echo "[run-all $(date +%H:%M:%S)] $*" >&2; }
command -v jq >/dev/null || { echo "run-all.sh: jq is needed to read BenchmarkDotNet's JSON" >&2; exit 2; }

tmp="$(mktemp -d /tmp/sm-run-all.XXXXXX)"
results="$tmp/results.txt"   # RESULT lines of every step
steps="$tmp/steps.tsv"       # step, status, seconds, load average at its start
: >"$results"; : >"$steps"
step_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$step_pid" ] && kill -0 "$step_pid" 2>/dev/null; then
    kill -INT "$step_pid" 2>/dev/null || true   # timeout(1) passes it on; every runner cleans up on SIGINT
    for _ in $(seq 1 60); do kill -0 "$step_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$step_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'exit 143' TERM

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_start="$(loadavg)"
failed=0

# run_step NAME TIMEOUT_SECONDS COMMAND...: runs it with its output in a log, keeps its RESULT lines.
run_step() {
  local name="$1" limit="$2"; shift 2
  local began=$SECONDS load status rc
  load="$(loadavg)"
  log "step $name (load average $load, at most ${limit} s)"
  timeout --signal=INT --kill-after=60 "$limit" "$@" >"$tmp/$name.log" 2>&1 &
  step_pid=$!
  rc=0; wait "$step_pid" || rc=$?
  step_pid=""
  grep -E '^RESULT [A-Za-z0-9_.]+=[-0-9.]+ unit=' "$tmp/$name.log" | sed 's/^RESULT //' >>"$results" || true
  case "$rc" in 0) status=ok ;; 124) status="timed out after ${limit} s" ;; *) status="failed (exit $rc)" ;; esac
  if [ "$rc" != 0 ]; then failed=1; log "step $name: $status; last lines:"; tail -n 15 "$tmp/$name.log" >&2; fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$status" "$((SECONDS - began))" "$load" >>"$steps"
}

# --- build once ------------------------------------------------------------------------------------
log "building bench/SecureMonitor.Benchmarks (Release)"
dotnet build -c Release "$root/bench/SecureMonitor.Benchmarks" -v q -nologo >"$tmp/build.log" 2>&1 || { tail -n 30 "$tmp/build.log" >&2; exit 1; }
bench_dll="$root/bench/SecureMonitor.Benchmarks/bin/Release/net10.0/SecureMonitor.Benchmarks.dll"
bench=(dotnet "$bench_dll")

# --- 1. BenchmarkDotNet -------------------------------------------------------------------------------
bdn_results() { # BenchmarkDotNet JSON -> RESULT lines, operations per second (Mean is per operation, in ns)
  local json
  for json in "$tmp"/bdn/results/*.json; do
    [ -e "$json" ] || continue
    jq -r '.Benchmarks[] | select(.Statistics != null) |
      "bdn.\(.Type).\(.Method)\(if (.Parameters // "") == "" then "" else "." + (.Parameters | gsub("[^A-Za-z0-9]"; "_")) end)=\(1e9 / .Statistics.Mean) unit=ops/s"' "$json"
  done
}
run_step benchmarkdotnet 3600 "${bench[@]}" --join --exporters json --artifacts "$tmp/bdn" \
  --filter '*ActorTellBenchmarks*' '*.EnvelopeBenchmarks*' '*EnvelopeCryptoLimitBenchmarks*' '*TlsHandshakeBenchmarks*' '*StoreAppendBenchmarks*'
bdn_results | sed 's/^/RESULT /' >>"$tmp/benchmarkdotnet.log"
bdn_results >>"$results" || true

# --- 2-4. custom runners ------------------------------------------------------------------------------
run_step monitor-load 900 "${bench[@]}" monitor-load
run_step failover 1800 "${bench[@]}" failover --kills 10 --handovers 5
run_step failover-stressed 1800 "${bench[@]}" failover --kills 5 --handovers 3 --stress
run_step scaling 2400 "${bench[@]}" scaling --watchers 100,1000,10000 --duration "$scaling_duration"

# --- 5. footprint -------------------------------------------------------------------------------------
run_step footprint $(( footprint_minutes * 60 + 900 )) bash "$root/bench/footprint/run.sh" --minutes "$footprint_minutes" --output "$tmp/footprint.md"

# --- 6. fuzzing --------------------------------------------------------------------------------------
run_step fuzz 7200 bash "$root/bench/fuzz.sh" --cases "$fuzz_cases"

# --- 7. soak ------------------------------------------------------------------------------------------
run_step soak $(( soak_minutes * 60 + 900 )) "${bench[@]}" soak --minutes "$soak_minutes" --watchers 1000
load_end="$(loadavg)"
finished_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# --- report -------------------------------------------------------------------------------------------
val() { awk -F'[= ]' -v k="$1" '$1 == k { v = $2 } END { if (v != "") print v }' "$results"; }
fmt() { # number -> "1,234,567" (>= 1000) or up to 2 decimals; empty -> "n/a"
  [ -n "${1:-}" ] || { echo "n/a"; return; }
  awk -v x="$1" 'function commas(n,  s) { s = sprintf("%d", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]([,]|$)/, ",&", s); return s }
    BEGIN { if (x >= 1000 || x <= -1000) print commas(x + 0.5); else if (x == int(x)) print x; else printf "%.2f\n", x }'
}
fmtu() { [ -n "${1:-}" ] && echo "$(fmt "$1")$2" || echo "n/a"; } # number, unit -> "1,234 ms" or "n/a"
# met VALUE OP TARGET -> yes / no / n/a
met() { [ -n "${1:-}" ] && [ -n "${3:-}" ] || { echo "n/a"; return; }; awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
  r = (op == ">=") ? a >= b : (op == "<=") ? a <= b : (op == "<") ? a < b : (op == "==") ? a == b : 0; print (r ? "yes" : "**no**") }'; }
ratio() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f\n", 100 * a / b }' || true; }
row() { echo "| $1 | $2 | $3 | $4 |"; }

pair=$(val bdn.ActorTellBenchmarks.Pair); chain=$(val bdn.ActorTellBenchmarks.ChainOfTen)
seal=$(val bdn.EnvelopeBenchmarks.Seal); open=$(val bdn.EnvelopeBenchmarks.Open)
sealopen=$(val bdn.EnvelopeBenchmarks.SealAndOpen); limit=$(val bdn.EnvelopeCryptoLimitBenchmarks.SealAndOpenPrimitives)
hs1=$(val bdn.TlsHandshakeBenchmarks.MutualHandshake.ConcurrentClients_1); hs4=$(val bdn.TlsHandshakeBenchmarks.MutualHandshake.ConcurrentClients_4)
sq=$(val bdn.StoreAppendBenchmarks.AppendBatchAsync.Store_sqlite); pg=$(val bdn.StoreAppendBenchmarks.AppendBatchAsync.Store_postgres)
ml_raw=$(val monitor_load.raw_seal_open_per_s); ml=$(val monitor_load.alerts_per_s); ml_share=$(val monitor_load.share_of_raw_pct)
ml50=$(val monitor_load.p50_ms_at_5000); ml99=$(val monitor_load.p99_ms_at_5000)
fo_med=$(val failover.median_s); fo_max=$(val failover.max_s); fo_kills=$(val failover.kills)
fo_ho=$(val failover.handover.median_s); fo_lost=$(val failover.lost); fo_dup=$(val failover.duplicated); fo_false=$(val failover.false_downings)
fs_med=$(val failover_stressed.median_s); fs_ho=$(val failover_stressed.handover.median_s); fs_false=$(val failover_stressed.false_downings)
fs_lost=$(val failover_stressed.lost); fs_dup=$(val failover_stressed.duplicated)
w_rss=$(val footprint.watcher.rss_mb); w_cpu=$(val footprint.watcher.cpu_pct)
n_rss=$(val footprint.node_exporter.rss_mb); n_cpu=$(val footprint.node_exporter.cpu_pct)
fuzz_passed=$(val fuzz.properties_passed); fuzz_failed=$(val fuzz.properties_failed)
store_alerts() { [ -n "${1:-}" ] && awk -v x="$1" 'BEGIN { print x * 1000 }' || true; }

{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run-all.sh$([ "$quick" = 1 ] && echo " --quick")\` from one run, $started_at to $finished_at (UTC)."
  if [ "$quick" = 1 ]; then
    echo "**Quick run**: footprint over $footprint_minutes minutes instead of 10 (its RSS is not yet the settled"
    echo "figure the 10-minute target speaks of), scaling windows of $scaling_duration instead of 60 s,"
    echo "$(fmt "$fuzz_cases") fuzzing cases per property instead of 1,000,000, soak over $soak_minutes minutes instead of 30."
  fi
  echo
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| CPU | $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores |"
  echo "| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
  echo "| kernel | $(uname -sr) |"
  echo "| .NET | SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }') |"
  echo "| load average (1, 5, 15 min) | at the start $load_start; at the end $load_end (the machine is shared with other developers' builds and tests) |"
  echo
  echo "## Figures"
  echo
  echo "| figure | value | target | met? |"
  echo "|---|---:|---|---|"
  row "akka tell rate: Akka.NET actor Tell, two actors (pair), the product's Akka settings" "$(fmtu "$pair" " msg/s")" "≥ 5,000,000 msg/s" "$(met "$pair" ">=" 5000000)"
  # The home-made kernel Akka.NET replaced, measured by this script before the move (docs/benchmarks.md of
  # commit 247d5b4); it no longer exists, so the figure is a constant kept for comparison.
  row "old kernel Tell rate, pair (SecureMonitor.Actors, for the record)" "5,883,467 msg/s" "—" "—"
  row "Akka.NET actor Tell, chain of ten (end-to-end messages)" "$(fmtu "$chain" " msg/s")" "—" "—"
  row "old kernel, chain of ten (for the record)" "1,982,417 msg/s" "—" "—"
  row "envelope seal, 256 B" "$(fmtu "$seal" "/s")" "—" "—"
  row "envelope open, 256 B" "$(fmtu "$open" "/s")" "—" "—"
  row "envelope seal + open, 256 B" "$(fmtu "$sealopen" "/s")" "report against the raw primitives" "$(ratio "$sealopen" "$limit")% of the raw limit"
  row "raw limit: AES-256-GCM enc + dec + 2 HMAC-SHA256, 256 B" "$(fmtu "$limit" "/s")" "—" "—"
  row "TLS 1.3 mutual handshakes (ECDSA P-256), 1 client" "$(fmtu "$hs1" "/s")" "~500/s server side (ARCHITECTURE)" "—"
  row "TLS 1.3 mutual handshakes (ECDSA P-256), 4 concurrent clients" "$(fmtu "$hs4" "/s")" "~500/s server side (ARCHITECTURE)" "—"
  row "store append, 1,000 alerts per durable commit, SQLite" "$(fmt "$(store_alerts "$sq")") alerts/s" "—" "—"
  row "store append, 1,000 alerts per durable commit, PostgreSQL (loopback)" "$(fmt "$(store_alerts "$pg")") alerts/s" "—" "—"
  row "monitor: durable alerts/s, 64 TLS connections" "$(fmtu "$ml" " alerts/s")" "≥ 55,000 alerts/s (issue 13: no regression from 61,107)" "$(met "$ml" ">=" 55000)"
  row "monitor: share of the raw seal+open rate of the same run ($(fmt "$ml_raw")/s)" "$(fmtu "$ml_share" " %")" "≥ 25 %" "$(met "$ml_share" ">=" 25)"
  row "monitor: acknowledgement latency p50 at 5,000 alerts/s" "$(fmtu "$ml50" " ms")" "—" "—"
  row "monitor: acknowledgement latency p99 at 5,000 alerts/s" "$(fmtu "$ml99" " ms")" "< 50 ms" "$(met "$ml99" "<" 50)"
  row "failover (Akka.Cluster, 3 monitors): kill -9 of the singleton's node to alerts stored by the next one, median of $(fmt "$fo_kills") kills" "$(fmtu "$fo_med" " s")" "≤ 6 s" "$(met "$fo_med" "<=" 6)"
  row "failover: max" "$(fmtu "$fo_max" " s")" "reported" "—"
  row "failover: SIGTERM of the singleton's node (graceful handover), median" "$(fmtu "$fo_ho" " s")" "≤ 1.5 s" "$(met "$fo_ho" "<=" 1.5)"
  row "failover: acknowledged alerts lost / stored twice, all rounds" "$(fmt "$fo_lost") / $(fmt "$fo_dup")" "0 / 0" "$(if [ "$(met "$fo_lost" "==" 0)" = yes ] && [ "$(met "$fo_dup" "==" 0)" = yes ]; then echo yes; else echo "**no**"; fi)"
  row "failover: false downings of healthy nodes" "$(fmt "$fo_false")" "0" "$(met "$fo_false" "==" 0)"
  row "failover under stress-ng --cpu 3: kill -9 median / SIGTERM median" "$(fmtu "$fs_med" " s") / $(fmtu "$fs_ho" " s")" "reported" "—"
  row "failover under stress-ng --cpu 3: false downings; lost / twice" "$(fmt "$fs_false"); $(fmt "$fs_lost") / $(fmt "$fs_dup")" "0; 0 / 0" "$(met "$fs_false" "==" 0)"
  row "watcher CPU (% of one core)" "$(fmtu "$w_cpu" " %")" "≤ 0.25 % and below node_exporter ($(fmt "$n_cpu") %)" \
    "$(if [ "$(met "$w_cpu" "<=" 0.25)" = yes ] && [ "$(met "$w_cpu" "<" "$n_cpu")" = yes ]; then echo yes; elif [ -z "$w_cpu" ]; then echo n/a; else echo "**no**"; fi)"
  row "watcher settled RSS$([ "$quick" = 1 ] && echo " (after $footprint_minutes min, not 10)")" "$(fmtu "$w_rss" " MB")" "≤ 70 MB after 10 minutes, on Akka.NET (node_exporter: $(fmt "$n_rss") MB)" \
    "$(if [ "$quick" = 1 ]; then echo "not settled: $(met "$w_rss" "<=" 70)"; else met "$w_rss" "<=" 70; fi)"
  row "fuzzing: properties given $(fmt "$fuzz_cases") random and mutated inputs each, passed / failed" "$(fmt "$fuzz_passed") / $(fmt "$fuzz_failed")" \
    "every input a result or the component's refusal (0 failed)" "$(if [ -z "$fuzz_passed" ]; then echo n/a; elif [ "$(met "$fuzz_failed" "==" 0)" = yes ]; then echo yes; else echo "**no**"; fi)"
  for p in frames.random frames.mutated envelope.fields envelope.opener hocon admin.arguments; do
    row "fuzzing $p: cases/s (generation included), slowest case" "$(fmtu "$(val "fuzz.$p.cases_per_s")" "/s"), $(fmtu "$(val "fuzz.$p.slowest_case_ms")" " ms")" "—" "—"
  done
  echo
  echo "## Scaling: concurrent virtual watchers against one monitor"
  echo
  echo "One monitor process (default settings, SQLite), N virtual watchers in one load-generator process,"
  echo "each with its own certificate and key, TLS 1.3 mutual authentication, a sealed heartbeat every 5 s"
  echo "(spread evenly), connections held. Latency, CPU and RSS over a steady window of $scaling_duration that starts"
  echo "one heartbeat interval after the last connection. CPU in % of one core (the machine has $(nproc))."
  echo
  echo "| watchers | time to connect all | connections held at the end | heartbeats acknowledged | ack p50 | ack p99 | monitor RSS (peak) | monitor CPU | load generator CPU, RSS | errors | target: all held, no errors |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for n in 100 1000 10000; do
    p="scaling.$n"
    held=$(val "$p.held"); errors=$(val "$p.errors")
    goal=$(if [ -z "$held" ]; then echo n/a; elif [ "$(met "$held" "==" "$n")" = yes ] && [ "$(met "$errors" "==" 0)" = yes ]; then echo yes; else echo "**no**"; fi)
    echo "| $(fmt $n) | $(fmt "$(val "$p.connect_s")") s | $(fmt "$held") | $(fmt "$(val "$p.heartbeats_acked")") | $(fmt "$(val "$p.ack_p50_ms")") ms | $(fmt "$(val "$p.ack_p99_ms")") ms | $(fmt "$(val "$p.monitor_rss_mb")") MB ($(fmt "$(val "$p.monitor_peak_rss_mb")") MB) | $(fmt "$(val "$p.monitor_cpu_pct")") % | $(fmt "$(val "$p.loadgen_cpu_pct")") %, $(fmt "$(val "$p.loadgen_rss_mb")") MB | $(fmt "$errors") | $goal |"
  done
  echo
  echo "## Soak: $soak_minutes minutes of watchers and a hostile client against one monitor"
  echo
  echo "One monitor process (SQLite, default settings), 1,000 virtual watchers (own identities, TLS 1.3, a sealed"
  echo "heartbeat every 5 s and a sealed alert a minute each, spread evenly) and a hostile client at 4 attempts/s with"
  echo "at most 20 connections open, cycling through junk bytes, a ClientHello then silence, an idle TCP connection,"
  echo "a client certificate from a foreign CA, and an oversized or garbage frame after a valid handshake. Warm-up:"
  echo "the first 20 % of the run or 5 minutes, whichever is less; the descriptor baseline is taken then, with the"
  echo "hostile client paused. At the end the hostile client stops and the descriptors are given 90 s to come back."
  echo
  s_warm=$(val soak.rss_warm_mb); s_end=$(val soak.rss_end_mb); s_growth=$(val soak.rss_growth_pct)
  s_fd0=$(val soak.fd_baseline); s_fd1=$(val soak.fd_end); s_lost=$(val soak.alerts_lost); s_exit=$(val soak.monitor_exited)
  echo "| figure | value | target | met? |"
  echo "|---|---:|---|---|"
  row "monitor RSS after warm-up → at the end" "$(fmtu "$s_warm" " MB") → $(fmtu "$s_end" " MB") ($(fmtu "$s_growth" " %"))" "growth < 10 %" "$(met "$s_growth" "<" 10)"
  row "monitor descriptors: baseline → after the hostile client stopped" "$(fmt "$s_fd0") → $(fmt "$s_fd1")" "back to baseline" "$(met "$s_fd1" "<=" "$s_fd0")"
  row "hostile attempts (left open by the monitor)" "$(fmt "$(val soak.hostile_attempts)") ($(fmt "$(val soak.hostile_left_open)"))" "—" "—"
  row "alerts acknowledged / lost" "$(fmt "$(val soak.alerts_acked)") / $(fmt "$s_lost")" "none lost" "$(met "$s_lost" "==" 0)"
  row "monitor exited during the run" "$(fmt "$s_exit")" "0" "$(met "$s_exit" "==" 0)"
  row "monitor CPU / runner CPU (% of one core)" "$(fmtu "$(val soak.monitor_cpu_pct)" " %") / $(fmtu "$(val soak.runner_cpu_pct)" " %")" "—" "—"
  if grep -q '^|' "$tmp/soak.log" 2>/dev/null; then
    echo
    echo "Over time (refusals are the monitor's own counters, admin \`status\`):"
    echo
    grep '^|' "$tmp/soak.log"
  fi
  echo
  echo "## Steps"
  echo
  echo "| step | status | seconds | load average at its start |"
  echo "|---|---|---:|---|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$steps"
  if [ -s "$tmp/footprint.md" ]; then
    echo
    sed 's/^## /### /' "$tmp/footprint.md"
  fi
  echo
  echo "## How to reproduce"
  echo
  echo '```sh'
  echo "bench/run-all.sh$([ "$quick" = 1 ] && echo " --quick")            # everything, writes docs/benchmarks.md"
  echo "dotnet run -c Release --project bench/SecureMonitor.Benchmarks -- scaling --watchers 100,1000,10000 --duration 60s"
  echo "dotnet run -c Release --project bench/SecureMonitor.Benchmarks -- monitor-load"
  echo "dotnet run -c Release --project bench/SecureMonitor.Benchmarks -- failover --kills 10"
  echo "bench/footprint/run.sh --minutes 10"
  echo "bench/fuzz.sh --cases 1000000"
  echo "dotnet run -c Release --project bench/SecureMonitor.Benchmarks -- soak --minutes 30 --watchers 1000"
  echo '```'
  echo
  echo "Every figure above comes from the \`RESULT name=value unit=U\` lines the runners printed in this run"
  echo "(BenchmarkDotNet figures from its JSON export: operations/s = 10⁹ / mean ns per operation); \"n/a\""
  echo "means the step did not produce it. Figures on a shared 2-core machine vary from run to run: compare"
  echo "the load averages before reading much into a small difference."
} >"$output.tmp"
mv "$output.tmp" "$output"
log "report written to $output"
exit "$failed"
