#!/usr/bin/env bash
# Start Medusa v2 (shops/medusa, from the npm registry) for the store-backend tests.
#
#   scripts/start-medusa.sh [POSTGRES_URL]     (default: $KEFU_TEST_PG_URL, else start-postgres.sh)
#
# Given a running PostgreSQL, it installs the engine (`npm ci`, once), creates Medusa's own
# database, runs its migrations, creates an admin user and a secret API key, starts Medusa on
# 127.0.0.1 at a free port and waits for /health. Prints, as shell assignments:
#   KEFU_TEST_MEDUSA_URL=http://127.0.0.1:PORT
#   KEFU_TEST_MEDUSA_API_KEY=sk_...
#   KEFU_TEST_MEDUSA_PID=...
# A second run reuses what is there (no install, no migration, same process if it is alive).
# Logs: var/medusa/medusa.log and var/medusa/setup.log. Stop: scripts/stop-medusa.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHOP=$ROOT/shops/medusa
STATE=${KEFU_MEDUSA_STATE:-$ROOT/var/medusa}
DB_NAME=${KEFU_MEDUSA_DB:-kefu_medusa}
ADMIN_EMAIL=${KEFU_MEDUSA_ADMIN_EMAIL:-admin@kefu.test}
ADMIN_PASSWORD=${KEFU_MEDUSA_ADMIN_PASSWORD:-kefu-medusa-admin}
mkdir -p "$STATE"
SETUP_LOG=$STATE/setup.log
: >"$SETUP_LOG"
log() { echo "[start-medusa] $(date +%T) $*" >>"$SETUP_LOG"; }
fail() { echo "start-medusa: $* (see $SETUP_LOG)" >&2; exit 1; }

command -v node >/dev/null 2>&1 || fail "node is not installed"
command -v npm >/dev/null 2>&1 || fail "npm is not installed"
command -v psql >/dev/null 2>&1 || fail "psql is not installed"

PG=${1:-${KEFU_TEST_PG_URL:-}}
[ -n "$PG" ] || PG=$("$ROOT/scripts/start-postgres.sh")
# postgresql+psycopg://user:pw@host:port/db -> parts
rest=${PG#*://}
creds=${rest%%@*}
hostpart=${rest#*@}
hostport=${hostpart%%/*}
PGU=${creds%%:*}
PGP=${creds#*:}
PGH=${hostport%%:*}
PGPORT=${hostport##*:}
[ "$PGPORT" != "$hostport" ] || PGPORT=5432
ADMIN_DB=${hostpart#*/}
ADMIN_DB=${ADMIN_DB%%\?*}
export PGPASSWORD=$PGP
psql_admin() { psql -h "$PGH" -p "$PGPORT" -U "$PGU" -d "$ADMIN_DB" -qtAX "$@"; }
DATABASE_URL="postgres://$PGU:$PGP@$PGH:$PGPORT/$DB_NAME"

export MEDUSA_DISABLE_TELEMETRY=true NODE_ENV=development DATABASE_URL
export JWT_SECRET=${JWT_SECRET:-kefu-test-jwt-secret} COOKIE_SECRET=${COOKIE_SECRET:-kefu-test-cookie-secret}
MEDUSA=$SHOP/node_modules/.bin/medusa

health() { curl -fsS -m 2 "$1/health" >/dev/null 2>&1; }

# 1. already running? (same state folder)
if [ -f "$STATE/pid" ] && [ -f "$STATE/url" ] && [ -f "$STATE/api-key" ] \
   && kill -0 "$(cat "$STATE/pid")" 2>/dev/null && health "$(cat "$STATE/url")"; then
  log "already running"
  echo "KEFU_TEST_MEDUSA_URL=$(cat "$STATE/url")"
  echo "KEFU_TEST_MEDUSA_API_KEY=$(cat "$STATE/api-key")"
  echo "KEFU_TEST_MEDUSA_PID=$(cat "$STATE/pid")"
  exit 0
fi

# 2. the engine, from the npm registry (package-lock.json pins every package)
lock_sum=$(sha256sum "$SHOP/package-lock.json" | cut -c1-16)
if [ ! -x "$MEDUSA" ] || [ "$(cat "$STATE/npm-ok" 2>/dev/null)" != "$lock_sum" ]; then
  log "npm ci"
  (cd "$SHOP" && npm ci --no-audit --no-fund --loglevel=error) >>"$SETUP_LOG" 2>&1 || fail "npm ci failed"
  echo "$lock_sum" >"$STATE/npm-ok"
fi

# 3. Medusa's own database, migrated once per database and engine version
if ! psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
  log "create database $DB_NAME"
  psql_admin -c "CREATE DATABASE $DB_NAME" >>"$SETUP_LOG" 2>&1 || fail "cannot create database $DB_NAME"
  rm -f "$STATE/migrated" "$STATE/api-key"
fi
db_oid=$(psql_admin -c "SELECT oid FROM pg_database WHERE datname='$DB_NAME'")
stamp="$lock_sum:$db_oid"
if [ "$(cat "$STATE/migrated" 2>/dev/null)" != "$stamp" ]; then
  log "medusa db:migrate"
  (cd "$SHOP" && "$MEDUSA" db:migrate) >>"$SETUP_LOG" 2>&1 || fail "medusa db:migrate failed"
  log "medusa user"
  (cd "$SHOP" && "$MEDUSA" user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD") >>"$SETUP_LOG" 2>&1 \
    || grep -qi "already exists" "$SETUP_LOG" || fail "medusa user failed"
  echo "$stamp" >"$STATE/migrated"
  rm -f "$STATE/api-key"
fi

# 4. start on 127.0.0.1 at a free port
if [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
  kill "$(cat "$STATE/pid")" 2>/dev/null || true
  sleep 1
fi
PORT=${KEFU_MEDUSA_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
URL="http://127.0.0.1:$PORT"
log "medusa start on $URL"
(cd "$SHOP" && exec setsid "$MEDUSA" start -H 127.0.0.1 -p "$PORT" >"$STATE/medusa.log" 2>&1 </dev/null) &
PID=$!
echo "$PID" >"$STATE/pid"
echo "$URL" >"$STATE/url"
for _ in $(seq 1 240); do
  health "$URL" && break
  kill -0 "$PID" 2>/dev/null || fail "medusa exited while starting: $(tail -5 "$STATE/medusa.log")"
  sleep 0.5
done
health "$URL" || fail "medusa did not become healthy on $URL in 120 s"

# 5. a secret API key for kefu (HTTP Basic sk_...:), made once per database
if [ ! -s "$STATE/api-key" ]; then
  token=$(curl -fsS -m 20 -X POST "$URL/auth/user/emailpass" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || fail "admin login failed"
  curl -fsS -m 20 -X POST "$URL/admin/api-keys" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"title":"kefu","type":"secret"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["token"])' >"$STATE/api-key" \
    || fail "cannot create the secret API key"
fi
log "ready"
echo "KEFU_TEST_MEDUSA_URL=$URL"
echo "KEFU_TEST_MEDUSA_API_KEY=$(cat "$STATE/api-key")"
echo "KEFU_TEST_MEDUSA_PID=$PID"
