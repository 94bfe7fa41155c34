#!/usr/bin/env bash
# Spec fuzzing: Schemathesis against the real bridge (real codex app-server, response validation on) and the
# scripted fake model. Every operation of openapi.yaml gets generated requests, valid and invalid, and each
# answer must be no 5xx, a documented status, the documented content type, and match its schema (SSE streams
# are checked event by event against ChatEvent by scripts/fuzz/hooks.py).
#
#   bash scripts/fuzz.sh                       # ~30 examples per operation, all phases, hard limit 480 s
#   FUZZ_MAX_EXAMPLES=100 FUZZ_TIME_LIMIT=900 bash scripts/fuzz.sh
#   FUZZ_API_COMPAT=original bash scripts/fuzz.sh   # the bridge in the original profile (API_COMPAT=original)
#   FUZZ_STRICT=1 bash scripts/fuzz.sh         # known src/ bugs fail the run too (see scripts/fuzz/hooks.py)
#   bash scripts/fuzz.sh --seed 1              # extra arguments go to `schemathesis run`
#
# Installs Schemathesis (pinned) into .cache/venv when missing. Output: .cache/fuzz/ (schemathesis.txt, the full
# report; bridge.log; stats.json; junit.xml). Exit 0 when nothing failed. The bridge and every codex process it
# started are stopped on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SCHEMATHESIS_PIN="schemathesis==4.32.5"
VENV="${FUZZ_VENV:-$ROOT/.cache/venv}"
OUT="${FUZZ_OUT:-$ROOT/.cache/fuzz}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-30}"
TIME_LIMIT="${FUZZ_TIME_LIMIT:-480}"
PHASES="${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}"
CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,sse_chat_events"

log() { printf '[fuzz] %s\n' "$*" >&2; }

command -v python3 >/dev/null 2>&1 || { log "python3 is required"; exit 2; }
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qx "schemathesis, version ${SCHEMATHESIS_PIN#*==}"; then
  log "installing $SCHEMATHESIS_PIN into ${VENV#"$ROOT"/}"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$SCHEMATHESIS_PIN"
fi

rm -rf "$OUT"
mkdir -p "$OUT"

SERVE_PID=""
ST_PID=""
CODEX_PIDS=""

# Every process below $1, read from /proc (codex runs in its own process group, so `kill -- -pid` misses it).
descendants() {
  local parent=$1 child
  for child in $(ps -o pid= --ppid "$parent" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

cleanup() {
  local status=$? pid waited=0
  trap - EXIT INT TERM HUP
  if [ -n "$ST_PID" ] && kill -0 "$ST_PID" 2>/dev/null; then
    kill -TERM "$ST_PID" 2>/dev/null || true
    wait "$ST_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    CODEX_PIDS="$CODEX_PIDS $(descendants "$SERVE_PID" | tr '\n' ' ')"
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    while kill -0 "$SERVE_PID" 2>/dev/null && [ "$waited" -lt 150 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$SERVE_PID" 2>/dev/null; then
      log "the bridge did not stop within 15 s: SIGKILL"
      kill -KILL "$SERVE_PID" 2>/dev/null || true
      status=1
    fi
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  # Nothing the bridge started may outlive it (a few seconds are allowed for exiting children).
  local orphans="" tries
  for tries in $(seq 1 50); do
    orphans=""
    for pid in $CODEX_PIDS; do
      if kill -0 "$pid" 2>/dev/null; then orphans="$orphans $pid"; fi
    done
    [ -z "$orphans" ] && break
    sleep 0.1
  done
  if [ -n "$orphans" ]; then
    for pid in $orphans; do
      log "ORPHAN after the bridge stopped: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-200) (killed)"
      kill -KILL "$pid" 2>/dev/null || true
    done
    status=1
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

log "starting the bridge (real codex, fake model, response validation on)"
node --import tsx scripts/fuzz/serve.ts >"$OUT/serve.out" 2>"$OUT/bridge.log" &
SERVE_PID=$!
URL=""
for _ in $(seq 1 600); do
  URL=$(sed -n 's/^BRIDGE_URL=//p' "$OUT/serve.out" 2>/dev/null || true)
  [ -n "$URL" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || { log "the bridge exited at start-up:"; cat "$OUT/bridge.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { log "the bridge did not start within 60 s"; exit 1; }
log "bridge at $URL; schemathesis: phases $PHASES, max $MAX_EXAMPLES examples per operation, limit ${TIME_LIMIT}s"

started=$(date +%s)
set +e
# In the background so that the traps run at once on a signal; `timeout` is the hard limit. From $OUT, so that
# Hypothesis' and Schemathesis' own state folders land there and not in the work tree.
cd "$OUT"
SCHEMATHESIS_HOOKS=scripts.fuzz.hooks PYTHONPATH="$ROOT" FUZZ_STATS="$OUT/stats.json" \
  timeout --kill-after=20 "$TIME_LIMIT" \
  "$VENV/bin/schemathesis" --no-color run "$ROOT/openapi.yaml" \
  --url "$URL" \
  --checks "$CHECKS" \
  --phases "$PHASES" \
  --max-examples "$MAX_EXAMPLES" \
  --workers 1 \
  --request-timeout 60 \
  --generation-database none \
  --exclude-operation-id streamUserEvents \
  --suppress-health-check too_slow,filter_too_much \
  --report junit --report-junit-path "$OUT/junit.xml" \
  --output-truncate true \
  "$@" >"$OUT/schemathesis.txt" 2>&1 &
ST_PID=$!
wait "$ST_PID"
rc=$?
ST_PID=""
set -e
cd "$ROOT"
elapsed=$(($(date +%s) - started))

# The report is long (curl lines of generated requests): show its verdicts, cut to a readable width.
sed -n '/^=* FAILURES =*$/,$p' "$OUT/schemathesis.txt" | cut -c1-400 | head -300 >&2 || true
[ -s "$OUT/schemathesis.txt" ] && ! grep -q '^=* FAILURES =*$' "$OUT/schemathesis.txt" &&
  sed -n '/^=* SUMMARY =*$/,$p' "$OUT/schemathesis.txt" >&2

generated=$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$OUT/schemathesis.txt" | tail -1)
failures=$(sed -n 's/^=* \([0-9][0-9]*\) failures\{0,1\}.*/\1/p' "$OUT/schemathesis.txt" | tail -1)
errors=$(sed -n 's/^=*.* \([0-9][0-9]*\) errors\{0,1\}.*/\1/p' "$OUT/schemathesis.txt" | tail -1)
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then log "TIME LIMIT: schemathesis was stopped after ${TIME_LIMIT}s"; fi
python3 - "$OUT/stats.json" "${generated:-?}" "${failures:-0}" "${errors:-0}" "$rc" "$elapsed" <<'PY' || true
import json, sys
path, generated, failures, errors, rc, elapsed = sys.argv[1:]
try:
    stats = json.load(open(path))
except (OSError, ValueError):
    stats = {}
print("FUZZ SUMMARY")
print(f"  requests made: {stats.get('requests', '?')}  (test cases generated: {generated}; {elapsed} s)")
print(f"  by status: {json.dumps(stats.get('by_status', {}))}")
print(f"  by operation: {json.dumps(stats.get('by_operation', {}))}")
print(f"  SSE streams checked against ChatEvent: {stats.get('sse_streams_checked', 0)}")
print(f"  failures: {failures}  errors: {errors}  schemathesis exit: {rc}")
hits = stats.get("known_src_bugs_hit", {})
known = stats.get("known_src_bugs", {})
if hits:
    print("  known src/ bugs hit (not counted as failures; FUZZ_STRICT=1 counts them):")
    for name, count in hits.items():
        print(f"    {name}: {count}x - {known.get(name, '')}")
PY
exit $rc
