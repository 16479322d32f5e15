#!/usr/bin/env bash
# The main job on the bundled defaults (`make run`): check the bundled example plan, then show
# what the model predicts for it when the simulate command is built in.
set -uo pipefail
bont=${1:-build/bont}
plan=${BONT_PLAN:-examples/glabellar_lines.json}
echo "== bont check $plan"
"$bont" check "$plan"
rc=$?
if [ $rc -ge 2 ]; then exit $rc; fi
if "$bont" help | grep -q '^  simulate'; then
    mkdir -p build
    echo
    echo "== bont simulate $plan --svg build/run.svg"
    "$bont" simulate "$plan" --svg build/run.svg || exit $?
    echo "plot written to build/run.svg"
fi
exit 0
