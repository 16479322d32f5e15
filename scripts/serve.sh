#!/usr/bin/env bash
# `make serve`: starts bont serve on 127.0.0.1:8080 with a demo store (build/demo.db: a few
# sample patients and one demo admin whose password it prints). Usage: serve.sh BONT_BINARY
set -euo pipefail
bont=$1
db=build/demo.db
if [ ! -f "$db" ]; then
    "$bont" patient add --db "$db" --name "Ana Souza" --birth 1984-03-12 --sex female --weight 61 >/dev/null
    "$bont" patient add --db "$db" --name "Wei Zhang" --birth 1971-11-02 --sex male --weight 74 >/dev/null
    "$bont" patient add --db "$db" --name "Min-ji Park" --birth 1992-06-25 --sex female --weight 52 >/dev/null
fi
password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-14)
if "$bont" user list --db "$db" --format json | grep -q '"name": "demo"'; then
    echo "demo user exists; its password was printed when it was made (or delete $db)"
else
    printf '%s\n' "$password" | "$bont" user add demo --role admin --db "$db" >/dev/null
    echo "demo login: user demo, password $password"
fi
exec "$bont" serve --db "$db" --listen 127.0.0.1:8080
