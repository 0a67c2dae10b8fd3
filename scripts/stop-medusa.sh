#!/usr/bin/env bash
# Stop the Medusa that scripts/start-medusa.sh started (its database is kept for a fast restart).
set -u
STATE=${KEFU_MEDUSA_STATE:-$(cd "$(dirname "$0")/.." && pwd)/var/medusa}
[ -f "$STATE/pid" ] || exit 0
pid=$(cat "$STATE/pid")
if kill -0 "$pid" 2>/dev/null; then
  kill -CONT -- "-$pid" 2>/dev/null || true   # a test may have paused it (SIGSTOP)
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL -- "-$pid" 2>/dev/null || true
fi
rm -f "$STATE/pid"
