#!/usr/bin/env bash
# Model benchmarks (`make bench`): library speed and accuracy (bench_model.c), then the bont
# command end to end on every example, then the Python/SciPy reference on the same plans.
# Figures go into docs/performance.md.
set -euo pipefail
build=${BUILD:-build}
bont=${1:-$build/bont}
cc=${CC:-cc}
mkdir -p "$build/bench"
flags="-std=c11 -O2 -Iinclude -Isrc $(pkg-config --cflags jansson sqlite3 2>/dev/null || true)"
libs="$(pkg-config --libs jansson sqlite3 2>/dev/null || echo -ljansson -lsqlite3) -lpthread -lm"
$cc $flags -o "$build/bench/bench_model" bench/bench_model.c "$build/libbont.a" $libs
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
"$build/bench/bench_model"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
echo "Command: bont simulate PLAN --format json (180 days), wall time incl. start-up and kb load"
printf "  %-40s %8s %14s\n" plan "C ms" "reference ms"
worst=0
for plan in examples/*.json; do
    t=$(date +%s%N); "$bont" simulate "$plan" --format json >/dev/null; c=$(ms "$t")
    t=$(date +%s%N); /usr/bin/python3 bench/reference/bont_ref.py simulate "$plan" >/dev/null; p=$(ms "$t")
    [ "$c" -gt "$worst" ] && worst=$c
    printf "  %-40s %8d %14d\n" "$(basename "$plan")" "$c" "$p"
done
echo "  slowest bont simulate: $worst ms"
