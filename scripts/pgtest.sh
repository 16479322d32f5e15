#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster (Debian's postgresql, no systemd): initdb in a
# temporary folder, a unix socket there and no TCP, stopped and removed when the command ends,
# whatever its outcome. The command finds the cluster in BONT_TEST_PG, a libpq connection string
# for the superuser's maintenance database; the store tests make one database per test in it.
# Usage: scripts/pgtest.sh COMMAND [ARGS...]      (exit status: the command's)
#        scripts/pgtest.sh --shell                (an interactive shell with BONT_TEST_PG set)
# BONT_TEST_PG_DATA is the cluster's data folder (postmaster.pid names the server's process);
# BONT_TEST_PG_CTL is the pg_ctl command for it (a test restarts the server with it).
# PGTEST_DURABLE=1 keeps fsync and synchronous commits on, as a real server has them (bench/).
set -uo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
    echo "pgtest: no PostgreSQL server (Debian package postgresql); run scripts/deps.sh test" >&2
    exit 2
fi

# As root the server runs as the postgres user (it refuses to run as root); as anyone else it
# runs as that user, which needs no sudo at all.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "pgtest: running as root but there is no postgres user to run the server" >&2
        exit 2
    fi
    as_pg=(runuser -u postgres --)
fi

dir=$(mktemp -d /tmp/bont-pg-XXXXXX) || exit 2
chmod 755 "$dir"
[ ${#as_pg[@]} -gt 0 ] && chown postgres: "$dir"

started=0
cleanup() {
    if [ $started -eq 1 ]; then
        "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$(date +%s%N)
if ! "${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 \
    --locale=C >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    echo "pgtest: initdb failed" >&2
    exit 2
fi
# Throwaway data: no fsync (the tests kill clients, never this server's machine). A role that
# logs in with a password, for the wrong-password test; everyone else is trusted on the socket.
cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
max_connections = 120
shared_buffers = 64MB
log_min_messages = warning
log_min_error_statement = panic
EOF
if [ "${PGTEST_DURABLE:-0}" != 1 ]; then
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' \
        >>"$dir/data/postgresql.conf"
fi
cat >"$dir/data/pg_hba.conf" <<EOF
local all bont_password_test scram-sha-256
local all all trust
EOF
if ! "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    >/dev/null 2>&1; then
    cat "$dir/server.log" >&2
    echo "pgtest: the server did not start" >&2
    exit 2
fi
started=1
export BONT_TEST_PG="host=$dir port=5432 user=postgres dbname=postgres"
export BONT_TEST_PG_DATA="$dir/data"
export BONT_TEST_PG_CTL="${as_pg[*]} $pgbin/pg_ctl -D $dir/data -l $dir/server.log"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "pgtest: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') cluster at $dir ready" \
    "in $((ms / 1000)).$((ms % 1000 / 100)) s" >&2

if [ "${1:-}" = "--shell" ]; then
    "${SHELL:-bash}"
else
    "$@"
fi
rc=$?
exit $rc
