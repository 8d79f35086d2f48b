#!/usr/bin/env bash
# Deploys trigger.dev's 820 Prisma migrations to an empty database with
# migrate-guard, and applies the same files in one psql session (\i each
# file, wrapped in BEGIN/COMMIT unless it holds CONCURRENTLY): the
# database's own work, the floor. Reports the median wall time of each and
# the ratio migrate-guard/psql.
#
# Usage: bench/deploy-vs-psql.sh [runs]   (default 5)
# Needs the PostgreSQL server binaries (initdb, pg_ctl) and psql; starts a
# throwaway cluster on a free port of 127.0.0.1 (as the postgres user when run
# as root, as internal/pgtest does) and removes it on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
corpus=$(cd .. && pwd)/shared/corpus/triggerdotdev__trigger.dev
[ -f "$corpus/migration_lock.toml" ] || { echo "no corpus at $corpus" >&2; exit 2; }

bindir=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
[ -x "$bindir/pg_ctl" ] || { echo "need initdb and pg_ctl (apt-get install postgresql)" >&2; exit 2; }
command -v psql >/dev/null || { echo "need psql" >&2; exit 2; }

work=$(mktemp -d /tmp/mg-deploy-bench.XXXXXX)
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$work"
  as_server=(runuser -u postgres --)
fi
data=$work/data
cleanup() {
  [ -f "$data/postmaster.pid" ] && "${as_server[@]}" "$bindir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

"${as_server[@]}" "$bindir/initdb" -D "$data" -A trust -U postgres --no-sync -E UTF8 --locale=C >/dev/null
port=
for _ in 1 2 3 4 5 6 7 8 9 10; do
  p=$((20000 + RANDOM % 30000))
  if "${as_server[@]}" "$bindir/pg_ctl" -D "$data" -w -l "$work/server.log" \
      -o "-p $p -k '$work' -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
    port=$p; break
  fi
done
[ -n "$port" ] || { cat "$work/server.log" >&2; exit 1; }
url=postgres://postgres@127.0.0.1:$port

echo "building migrate-guard" >&2
go build -o "$work/migrate-guard" .

# The floor: one psql session over the same files.
script=$work/floor.psql
for f in "$corpus"/*/migration.sql; do
  if grep -qi concurrently "$f"; then
    printf '\\i %s\n' "$f"
  else
    printf 'BEGIN;\n\\i %s\nCOMMIT;\n' "$f"
  fi
done > "$script"

fresh() { # recreates database $1 and settles the server, so runs start alike
  psql -X -q -d "$url/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" -c "CHECKPOINT" 2>/dev/null
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

: > "$work/psql.ms"; : > "$work/mg.ms"
for i in $(seq "$runs"); do
  fresh floor
  t=$(date +%s%N)
  psql -X -q -v ON_ERROR_STOP=1 -d "$url/floor" -f "$script" >/dev/null 2>"$work/psql.err" || { cat "$work/psql.err" >&2; exit 1; }
  ms "$t" >> "$work/psql.ms"
  fresh mg
  t=$(date +%s%N)
  "$work/migrate-guard" deploy --database-url "$url/mg" "$corpus" >/dev/null
  ms "$t" >> "$work/mg.ms"
  n=$(psql -X -At -d "$url/mg" -c "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")
  [ "$n" -eq 820 ] || { echo "migrate-guard applied $n migrations, want 820" >&2; exit 1; }
done
p=$(median < "$work/psql.ms"); m=$(median < "$work/mg.ms")
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $3}'), fsync=off"
echo "runs: $runs; psql (ms): $(paste -sd' ' "$work/psql.ms"); migrate-guard (ms): $(paste -sd' ' "$work/mg.ms")"
printf 'deploy of %d migrations: psql one session %d ms, migrate-guard %d ms, ratio %s\n' \
  820 "$p" "$m" "$(awk -v a="$m" -v b="$p" 'BEGIN {printf "%.2f", a/b}')"
