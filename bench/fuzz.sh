#!/usr/bin/env bash
# Runs the fuzzing properties with many cases (CI runs 10,000 each). See --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: bench/fuzz.sh [--cases N]

Builds the test projects that hold fuzzing properties (Release), then runs every test with the
trait Category=Fuzz with SM_FUZZ_CASES=N (default 1,000,000 per property, CI: 10,000):
  frames.random, frames.mutated   the frame decoder and FrameReader (tests/SecureMonitor.Protocol.Tests)
  envelope.fields, envelope.opener  the envelope opener with real keys (same project)
  hocon                            the HOCON loader on random and mutated hocon/*.conf (tests/SecureMonitor.Configuration.Tests)
  admin.arguments                  console lines through the monitor's admin commands (tests/SecureMonitor.Admin.Tests)
Each property must give every input a result or its component's own refusal, each case within
5 s. Prints, per property, cases, cases/s (generation included) and the slowest case as
`RESULT name=value unit=U` lines (read by bench/run-all.sh), then a table and each failure's FsCheck
replay seed and input.

Options:
  --cases N   cases per property (default 1000000).
  -h, --help  show this help.

Exit status: 0 when every property passed, 1 when one failed (or a build failed), 2 on bad usage,
130 when interrupted. The test processes are stopped also on Ctrl-C.
USAGE
}

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cases=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --cases) [ $# -ge 2 ] || { echo "fuzz.sh: --cases needs a value" >&2; exit 2; }; cases="$2"; shift 2 ;;
    --cases=*) cases="${1#*=}"; shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$cases" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --cases must be a positive whole number" >&2; exit 2; }

projects=(SecureMonitor.Protocol.Tests SecureMonitor.Configuration.Tests SecureMonitor.Admin.Tests)
log() { echo "[fuzz $(date +%H:%M:%S)] $*" >&2; }

tmp="$(mktemp -d /tmp/sm-fuzz.XXXXXX)"
child=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'exit 143' TERM

for project in "${projects[@]}"; do
  log "building tests/$project (Release)"
  dotnet build -c Release "$root/tests/$project" -v q -nologo >"$tmp/build.log" 2>&1 || { tail -n 30 "$tmp/build.log" >&2; exit 1; }
done

failed=0
for project in "${projects[@]}"; do
  log "tests/$project: Category=Fuzz, $cases cases per property"
  rc=0
  # Its own process group, so an interrupt stops the test host too.
  set -m
  SM_FUZZ_CASES="$cases" dotnet test "$root/tests/$project" -c Release --no-build --nologo --filter "Category=Fuzz" \
    --logger "console;verbosity=detailed" >"$tmp/$project.log" 2>&1 &
  child=$!
  set +m
  wait "$child" || rc=$?
  child=""
  sed -n 's/^[[:space:]]*\(RESULT fuzz\.[A-Za-z0-9_.]*=[-0-9.]* unit=.*\)$/\1/p' "$tmp/$project.log" | tee -a "$tmp/results.txt"
  grep -E '^[[:space:]]+(Passed|Failed) ' "$tmp/$project.log" | sed 's/^[[:space:]]*//' >>"$tmp/tests.txt" || true
  if [ "$rc" != 0 ]; then
    failed=1
    log "tests/$project failed (exit $rc):"
    # FsCheck's report: the replay seed and the input that failed, and the exception.
    grep -E -A 12 '^[[:space:]]+Failed ' "$tmp/$project.log" | grep -v -E '^[[:space:]]+at (FsCheck|Microsoft\.FSharp|System\.)' >&2 || tail -n 30 "$tmp/$project.log" >&2
  fi
done

passed_count=$(grep -c '^Passed ' "$tmp/tests.txt" 2>/dev/null || true)
failed_count=$(grep -c '^Failed ' "$tmp/tests.txt" 2>/dev/null || true)
echo "RESULT fuzz.properties_passed=${passed_count:-0} unit=properties"
echo "RESULT fuzz.properties_failed=${failed_count:-0} unit=properties"

echo
echo "| property | cases | cases/s | slowest case |"
echo "|---|---:|---:|---:|"
awk -F'[= ]' '/^RESULT fuzz\./ && $2 ~ /\.(cases|cases_per_s|slowest_case_ms)$/ {
    name = $2; sub(/^fuzz\./, "", name); figure = name; sub(/\.[a-z_]+$/, "", name); sub(/^.*\./, "", figure)
    if (!(name in seen)) { seen[name] = 1; order[++n] = name }
    value[name, figure] = $3
  }
  END { for (i = 1; i <= n; i++) { p = order[i]; printf "| %s | %s | %s | %s ms |\n", p, value[p, "cases"], value[p, "cases_per_s"], value[p, "slowest_case_ms"] } }' "$tmp/results.txt"
echo
echo "$passed_count properties passed, $failed_count failed ($cases cases each)"
exit "$failed"
