#!/usr/bin/env bash
# Install (if missing) and start a local PostgreSQL for the test suite; safe to run twice.
# Prints the SQLAlchemy URL of an admin database the tests may create databases from.
set -euo pipefail
PGUSER_NAME=${KEFU_PG_USER:-kefu}
PGPASS=${KEFU_PG_PASSWORD:-kefu}
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$ver main"; then
  pg_createcluster "$ver" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$ver" main start >&2
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
pg_isready -q -h 127.0.0.1
runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER_NAME'" | grep -q 1 \
  || runuser -u postgres -- psql -qc "CREATE ROLE $PGUSER_NAME LOGIN SUPERUSER PASSWORD '$PGPASS'" >&2
runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname='kefu'" | grep -q 1 \
  || runuser -u postgres -- psql -qc "CREATE DATABASE kefu OWNER $PGUSER_NAME" >&2
echo "postgresql+psycopg://$PGUSER_NAME:$PGPASS@127.0.0.1:5432/kefu"
