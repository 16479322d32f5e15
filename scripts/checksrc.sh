#!/usr/bin/env bash
# Source rules a compiler does not check: every exported bont_ symbol of the library is declared
# in include/bont/ (internals are bont__ or static), no function is over 100 lines and no source
# file over 1,000 lines, except those on the allow-list (to be shortened, never grown).
# Usage: scripts/checksrc.sh [LIBRARY.a]   (default build/libbont.a; run after the build)
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${1:-build/libbont.a}
allow=scripts/checksrc-allow.txt
bad=0

# 1. Exported bont_ symbols declared in a public header.
if [ ! -f "$lib" ]; then
    echo "checksrc: no $lib (build first)"
    exit 2
fi
undeclared=$(nm -g --defined-only "$lib" 2>/dev/null | awk '$2 ~ /^[TDRB]$/ {print $3}' |
    grep '^bont_[^_]' | sort -u | while read -r s; do
        grep -rqw -- "$s" include/bont || echo "$s"
    done)
if [ -n "$undeclared" ]; then
    echo "checksrc: exported but not declared in include/bont/ (make them bont__ or static):"
    echo "$undeclared" | sed 's/^/  /'
    bad=1
fi

# 2. Long functions and long files. A function is a body between a '{' and a '}' at column 0
#    (the .clang-format Linux brace style); the allow-list holds "file:function" lines.
allowed() { [ -f "$allow" ] && grep -qxF -- "$1" "$allow"; }
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find include src tests tools bench -name '*.[ch]')
while read -r entry; do
    [ -n "$entry" ] || continue
    key=${entry% *}
    if ! allowed "$key"; then
        echo "checksrc: function over 100 lines: $entry lines (split it)"
        bad=1
    fi
done < <(awk '
    /^[A-Za-z_].*\(/ && !/;[ \t]*$/ { sig = $0 }
    /^\{/ { start = FNR; name = sig }
    /^\}/ && start {
        len = FNR - start - 1
        if (len > 100 && match(name, /[A-Za-z_0-9]+\(/))
            print FILENAME ":" substr(name, RSTART, RLENGTH - 1) " " len
        start = 0
    }
    FNR == 1 { start = 0; sig = "" }' $files)
for f in $files; do
    n=$(wc -l <"$f")
    if [ "$n" -gt 1000 ] && ! allowed "$f"; then
        echo "checksrc: file over 1,000 lines: $f ($n lines)"
        bad=1
    fi
done

# 3. The allow-list only shrinks: an entry that no longer applies must be removed.
if [ -f "$allow" ]; then
    while read -r key; do
        case "$key" in "" | "#"*) continue ;; esac
        f=${key%%:*}
        fn=${key#*:}
        if [ ! -f "$f" ]; then
            echo "checksrc: allow-list names a missing file: $key (remove the line)"
            bad=1
        elif [ "$fn" != "$key" ] && ! awk -v fn="$fn" '
            /^[A-Za-z_].*\(/ && !/;[ \t]*$/ { sig = $0 }
            /^\{/ { start = FNR; name = sig }
            /^\}/ && start { if (FNR - start - 1 > 100 && index(name, fn "(")) found = 1; start = 0 }
            END { exit found ? 0 : 1 }' "$f"; then
            echo "checksrc: allow-list entry no longer needed: $key (remove the line)"
            bad=1
        fi
    done <"$allow"
fi

[ $bad -eq 0 ] && echo "checksrc: exported symbols declared, functions and files within their limits"
exit $bad
