#!/usr/bin/env bash
# Fails when a C file differs from what clang-format makes of it.
set -euo pipefail
files=$(git ls-files '*.c' '*.h' 2>/dev/null || true)
[ -n "$files" ] || files=$(find include src tests tools bench -name '*.[ch]' 2>/dev/null)
bad=0
for f in $files; do
    [ -f "$f" ] || continue
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "format: $f differs from .clang-format (run: make format)"
        bad=1
    fi
done
[ $bad -eq 0 ] && echo "format: all C files match .clang-format"
exit $bad
