#!/usr/bin/env bash
# Population benchmark (issue 4; `make bench` runs it after bench/run.sh): the workload of 10,000
# virtual patients on examples/cervical_dystonia.json for 365 days, against SUNDIALS CVODE and
# the Python/SciPy reference in the same run, cost growth, and every example with 1000 patients.
# Prints its figures and whether each target is met; docs/performance.md records them.
#   bash bench/run_population.sh [BONT_BINARY] [--quick]
set -euo pipefail
build=${BUILD:-build}
bont=${1:-$build/bont}
quick=${2:-}
cc=${CC:-cc}
if [ ! -x "$bont" ] || [ ! -f "$build/libbont.a" ]; then
    echo "run_population: build first (make build, or make BUILD=$build $build/bont $build/libbont.a)" >&2
    exit 2
fi
if [ ! -f /usr/include/cvode/cvode.h ] || ! /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
    echo "run_population: needs libsundials-dev and python3-scipy (bash scripts/deps.sh test)" >&2
    exit 2
fi
mkdir -p "$build/bench"
flags="-std=c11 -O2 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc -Ibench"
flags="$flags $(pkg-config --cflags jansson sqlite3 2>/dev/null || true)"
libs="$(pkg-config --libs jansson sqlite3 2>/dev/null || echo -ljansson -lsqlite3) -lpthread -lm"
sundials="-lsundials_cvode -lsundials_nvecserial -lsundials_sunlinsoldense -lsundials_sunmatrixdense"
$cc $flags -o "$build/bench/bench_population" bench/bench_population.c bench/cvode/cvode_bont.c \
    "$build/libbont.a" $sundials $libs
echo "== Population benchmark (bench/run_population.sh)"
"$build/bench/bench_population" "$bont" $quick
