#!/usr/bin/env bash
# Store benchmark (issue 13; figures in docs/performance.md, Store, and docs/deploy.md,
# Capacity): visits and record reads per second through the library as an app server does them
# (bench/bench_store.c), on SQLite and on PostgreSQL (a throwaway cluster from scripts/pgtest.sh
# with fsync and synchronous commits on, as a real server), with 1 to 8 worker processes.
#   bash bench/run_store.sh [VISITS_PER_WRITER]      (after make build; default 100)
set -euo pipefail
build=${BUILD:-build}
visits=${1:-100}
if [ ! -f "$build/libbont.a" ]; then
    echo "run_store: build first (make build $build/libbont.a)" >&2
    exit 2
fi
mkdir -p "$build/bench"
pkgs="jansson sqlite3 libmicrohttpd libsodium libpq"
cc -std=c11 -O2 -Iinclude -Isrc $(pkg-config --cflags $pkgs) -o "$build/bench/bench_store" \
    bench/bench_store.c "$build/libbont.a" $(pkg-config --libs $pkgs) -lpthread -lm
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== each visit: parse the plan, bont_visit_record (check with the stored history, one"
echo "   transaction), one audit entry; each read: bont_store_record_load and one audit entry."
echo "   CPU: milliseconds per visit (or read) of the workers (app) and of the PostgreSQL server (db)."
dir=$(mktemp -d /tmp/bont-bench-store-XXXXXX)
trap 'rm -rf "$dir"' EXIT
for w in 1 2 4 8; do
    "$build/bench/bench_store" --db "$dir/w$w.db" --writers $w --visits "$visits"
done
cat >"$dir/pg.sh" <<EOS
set -euo pipefail
pid=\$(head -1 "\$BONT_TEST_PG_DATA/postmaster.pid")
host=\$(echo "\$BONT_TEST_PG" | sed 's/.*host=\([^ ]*\).*/\1/')
for w in 1 2 4 8; do
    psql -X -q "\$BONT_TEST_PG" -c "CREATE DATABASE bench_\$w"
    "$build/bench/bench_store" --db "postgresql:///bench_\$w?host=\$host&user=postgres" \
        --writers \$w --visits $visits --pg-pid "\$pid"
done
EOS
PGTEST_DURABLE=1 bash scripts/pgtest.sh bash "$dir/pg.sh"
