#!/usr/bin/env bash
# Installs the Debian packages bont needs to build and test, only those missing.
set -euo pipefail
# `deps.sh` installs what building and running need; `deps.sh test` adds the test tools,
# `deps.sh bench` the load generator for the web server's benchmark (bench/web).
pkgs=(gcc make pkg-config libjansson-dev libsqlite3-dev libmicrohttpd-dev libsodium-dev libpq-dev)
if [ "${1:-}" = "test" ]; then
    pkgs+=(sqlite3 clang libclang-rt-14-dev clang-format python3 python3-scipy python3-numpy
           libsundials-dev librsvg2-bin)
    pkgs+=(chromium fonts-noto-cjk curl) # browser tests (web/tests, Playwright on Debian's Chromium)
    pkgs+=(postgresql) # the store's tests on a throwaway PostgreSQL cluster (scripts/pgtest.sh)
fi
if [ "${1:-}" = "bench" ]; then
    pkgs+=(wrk curl python3 sqlite3)
fi
# npm: the web assets (htmx, uPlot) at build time, the FHIR schema check and browser tests.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing missing Debian packages: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
