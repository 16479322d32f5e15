#!/usr/bin/env bash
# Runs the browser tests (web/tests, Playwright on Debian's Chromium) against a fresh bont serve
# on a free loopback port with a throwaway store and one demo user. Usage: run.sh BONT_BINARY
set -euo pipefail
bont=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
if [ ! -x /usr/bin/chromium ]; then echo "web: /usr/bin/chromium is missing (scripts/deps.sh test)" >&2; exit 2; fi
if [ ! -d "$root/web/node_modules/@playwright/test" ]; then
    (cd "$root/web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) >&2
fi
password="walk-$RANDOM-$RANDOM"
printf '%s\n' "$password" | "$bont" user add demo --role admin --db "$tmp/web.db" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bont" serve --listen "127.0.0.1:$port" --db "$tmp/web.db" >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
mkdir -p "$root/build/screenshots"
cd "$root/web"
BONT_URL="http://127.0.0.1:$port" BONT_USER=demo BONT_PASSWORD="$password" \
    npx --no-install playwright test 2>&1 | tail -30
status=${PIPESTATUS[0]}
[ "$status" -ne 0 ] && { echo "--- serve log"; tail -20 "$tmp/serve.log"; }
exit "$status"
