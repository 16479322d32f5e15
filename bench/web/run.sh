#!/usr/bin/env bash
# Load on the web server (`make bench-web`): wrk on loopback against a fresh `bont serve` with a
# demo store. Requests per second and p50/p99 latency of POST /api/v1/check and of a patient's
# page at 8 and 32 connections, then the server's memory (RSS) over a soak of mixed requests.
# Figures go into docs/performance.md. Usage: run.sh BONT_BINARY [SECONDS_PER_RUN] [SOAK_SECONDS]
set -euo pipefail
bont=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
secs=${2:-20}
soak=${3:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v wrk >/dev/null || { echo "bench-web: wrk is missing (scripts/deps.sh bench)" >&2; exit 2; }
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

# A store with a clinician and a patient with three glabellar visits, so the page shows a
# history and a predicted wear-off.
db=$tmp/bench.db
printf 'bench password\n' | "$bont" user add bench --role clinician --db "$db" >/dev/null
"$bont" patient add --db "$db" --name "Ana Souza" --birth 1984-03-12 --sex female --weight 61 \
    >/dev/null 2>&1
for ago in 400 290 180; do
    d=$(date -d "$ago days ago" +%F)
    y=$((10#${d:0:4} - 1984)); [[ "${d:5:2}${d:8:2}" < "0312" ]] && y=$((y - 1))
    cat >"$tmp/visit.json" <<JSON
{"date": "$d", "indication": "glabellar_lines", "product": "onabotulinumtoxinA",
 "vial": {"units": 100, "diluent_ml": 2.5}, "patient": {"age_years": $y, "sex": "female"},
 "injections": [{"muscle": "procerus", "units": 4},
                {"muscle": "corrugator_supercilii", "side": "left", "units": 8, "sites": 2},
                {"muscle": "corrugator_supercilii", "side": "right", "units": 8, "sites": 2}]}
JSON
    "$bont" visit record "$tmp/visit.json" --db "$db" --patient 1 --lot "B$ago" \
        --expiry "$(date -d "$ago days ago + 300 days" +%F)" >/dev/null
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
threads=${BENCH_WEB_THREADS:-}
audit_sync=${BENCH_WEB_AUDIT_SYNC:-}
"$bont" serve --listen "127.0.0.1:$port" --db "$db" ${threads:+--threads "$threads"} \
    ${audit_sync:+--audit-sync "$audit_sync"} >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
origin="http://127.0.0.1:$port"
cookie=$(curl -s -D - -o /dev/null -H "Origin: $origin" --data 'user=bench&password=bench+password' \
    "$origin/login" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/p')
token=$(curl -s -H "Cookie: $cookie" "$origin/api/v1/session" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
[ -n "$cookie" ] && [ -n "$token" ] || { echo "bench-web: cannot log in" >&2; exit 1; }
export COOKIE=$cookie TOKEN=$token ORIGIN=$origin BODY=$root/examples/glabellar_lines.json

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
# One wrk run: prints "req/s p50 p99" (latencies in ms).
run() { # PATH SCRIPT CONNECTIONS SECONDS
    TARGET_PATH=$1 wrk -t2 -c"$3" -d"$4"s --latency -s "$here/$2" "$origin" 2>"$tmp/wrk.err" |
        awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /^Requests\/sec/ {rps=$2}
             function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; return v * 1000 }
             END { printf "%.0f %.1f %.1f\n", rps, ms(p50), ms(p99) }'
    if grep -q unexpected "$tmp/wrk.err"; then echo "bench-web: non-200 answers:" >&2; sort "$tmp/wrk.err" | uniq -c >&2; exit 1; fi
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== bont serve (${threads:-default} threads, audit sync ${audit_sync:-default}), wrk -t2, $secs s per run, keep-alive connections"
printf "%-28s %6s %10s %9s %9s\n" request conns "req/s" "p50 ms" "p99 ms"
run /api/v1/check post.lua 8 3 >/dev/null # warm: risk tables, page cache
for what in "POST /api/v1/check|/api/v1/check|post.lua" "GET /patients/1 (page)|/patients/1|get.lua"; do
    IFS='|' read -r name path script <<<"$what"
    for c in 8 32; do
        read -r rps p50 p99 < <(run "$path" "$script" "$c" "$secs")
        printf "%-28s %6d %10s %9s %9s\n" "$name" "$c" "$rps" "$p50" "$p99"
    done
done

echo "== soak: $soak s of POST check and the patient page at 8 connections each; RSS every 10 s"
start=$(rss_kb)
TARGET_PATH=/api/v1/check wrk -t1 -c8 -d"$soak"s -s "$here/post.lua" "$origin" >"$tmp/soak1" 2>&1 &
w1=$!
TARGET_PATH=/patients/1 wrk -t1 -c8 -d"$soak"s -s "$here/get.lua" "$origin" >"$tmp/soak2" 2>&1 &
w2=$!
samples=""
for _ in $(seq 1 $((soak / 10))); do sleep 10; samples="$samples $(rss_kb)"; done
wait "$w1" "$w2"
n1=$(awk '/requests in/ {print $1}' "$tmp/soak1"); n2=$(awk '/requests in/ {print $1}' "$tmp/soak2")
echo "RSS before: $start kB; during (every 10 s):$samples kB; after: $(rss_kb) kB"
echo "soak requests: $n1 checks, $n2 pages; audit entries in the store: $(sqlite3 "$db" 'SELECT count(*) FROM audit')"
