#!/usr/bin/env bash
# Scale benchmark (issue 8; `make bench` runs it): wall time of the bont command against the
# number of injections and of history entries, for check (rules and the side-effect risk of 2000
# virtual patients) and simulate (one typical patient; and 1000 patients with --patients). Plans
# from bench/gen_plan.py. Prints a table and whether 10,000 injections check in under 2 s;
# docs/performance.md records the figures.
#   bash bench/run_scale.sh [BONT_BINARY] [--max-seconds S]   (a step slower than S ends its row)
set -euo pipefail
build=${BUILD:-build}
bont=${1:-$build/bont}
max_s=${3:-60}
[ "${2:-}" = "--max-seconds" ] || max_s=60
if [ ! -x "$bont" ]; then
    echo "run_scale: build first (make build)" >&2
    exit 2
fi
dir=$(mktemp -d /tmp/bont-scale-XXXXXX)
trap 'rm -rf "$dir"' EXIT
sizes="100 300 1000 3000 10000"

# Best wall time of up to 3 runs (one when a run takes more than 2 s), seconds; exit status 0-2
# is the command's answer (1: the plan breaks a rule), anything else a failure.
best() {
    local best_ns=0 n=0 t0 t1 rc
    while [ $n -lt 3 ]; do
        t0=$(date +%s%N)
        rc=0
        "$@" >/dev/null 2>"$dir/err" || rc=$?
        t1=$(date +%s%N)
        if [ $rc -gt 2 ]; then
            echo "FAILED($rc)"
            return
        fi
        local ns=$((t1 - t0))
        if [ $n -eq 0 ] || [ $ns -lt $best_ns ]; then best_ns=$ns; fi
        n=$((n + 1))
        [ $ns -gt 2000000000 ] && break
    done
    awk -v ns="$best_ns" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

# One row: the times for each size; a size is skipped ("-") once a smaller one took > max_s.
row() {
    local label=$1 kind=$2
    shift 2
    printf "  %-44s" "$label"
    local skip=0
    for n in $sizes; do
        if [ $skip -eq 1 ]; then
            printf " %9s" "-"
            continue
        fi
        local plan="$dir/$kind-$n.json"
        local t
        t=$(best "$@" "$plan")
        printf " %9s" "$t"
        case $t in FAILED*) skip=1 ;; *) awk -v t="$t" -v m="$max_s" 'BEGIN { exit !(t > m) }' && skip=1 ;; esac
        [ "$kind-$n" = "inj-10000" ] && [ "$label" = "check, injections" ] && echo "$t" >"$dir/target"
    done
    echo
}

for n in $sizes; do
    /usr/bin/python3 bench/gen_plan.py "$n" 1 >"$dir/inj-$n.json"
    /usr/bin/python3 bench/gen_plan.py 1 "$n" >"$dir/hist-$n.json"
done
echo "== Scale: bont command wall time (s, best of 3) against n (bench/run_scale.sh)"
echo "   machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
echo "   plans: bench/gen_plan.py; $(stat -c %s "$dir/inj-10000.json") bytes for 10,000 injections, $(stat -c %s "$dir/hist-10000.json") for 10,000 history entries"
printf "  %-44s" "n"
for n in $sizes; do printf " %9s" "$n"; done
echo
row "check, injections" inj "$bont" check
row "simulate, injections" inj "$bont" simulate
row "simulate --patients 1000, injections" inj "$bont" simulate --patients 1000
row "check, history entries" hist "$bont" check
row "simulate, history entries" hist "$bont" simulate
row "simulate --history, history entries" hist "$bont" simulate --history
if [ -f "$dir/target" ]; then
    t=$(cat "$dir/target")
    if awk -v t="$t" 'BEGIN { exit !(t < 2) }'; then verdict=met; else verdict="NOT met"; fi
    echo "  10,000 injections check in $t s (target: under 2 s): $verdict"
fi
