#!/usr/bin/env bash
# Makes po/bont.pot from the sources (xgettext over the C files whose strings people read,
# scripts/po-data.py over data/ and scripts/po-web.py over the web app's templates and scripts) and merges it into every catalogue (msgmerge). With --check it
# changes nothing and fails when po/bont.pot or a catalogue is behind the sources, or when a
# catalogue leaves a message untranslated or fuzzy (the test i18n_catalogues_current runs it).
# Usage: scripts/po-update.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
langs=(zh_CN ko)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The C files that word things for people: the report writers, the command line, the i18n
# module, and the library code that composes findings and side-effect reasons. The checker's
# findings are worded by add(), which looks its format up itself: its 10th argument is a message.
keywords=(-k_ -kN_ -kBONT_TR -kBONT_N -kBONT_TRN:1,2 -kBONT_TRC:1c,2 -kBONT_NC:1c,2
    -kbont_i18n_gettext -kbont_i18n_ngettext:1,2 -kbont_i18n_pgettext:1c,2)
sources=$(ls src/report/*.c src/cli/*.c src/i18n/*.c src/model/risk.c src/store/visit.c | sort)
checker=$(ls src/plan/check*.c | sort)
# shellcheck disable=SC2086
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file --omit-header \
    --add-comments=TRANSLATORS: "${keywords[@]}" -o "$tmp/code.pot" $sources
# shellcheck disable=SC2086
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file --omit-header \
    --add-comments=TRANSLATORS: "${keywords[@]}" -kadd:10 --flag=add:10:c-format \
    -o "$tmp/checker.pot" $checker
# The server's handlers: error sentences go through bont__resp_error and the dispatcher's deny
# (4th argument), page titles through bont__page (3rd), which look them up themselves.
# shellcheck disable=SC2086
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file --omit-header \
    --add-comments=TRANSLATORS: "${keywords[@]}" -kbont__resp_error:4 -kdeny:4 -kbont__page:3 \
    -o "$tmp/server.pot" $(ls src/server/*.c | sort)
python3 scripts/po-data.py data >"$tmp/data.pot"
python3 scripts/po-web.py web >"$tmp/web.pot"
{
    cat <<'HEAD'
# Messages of bont: the report writers, the command line and the texts of data/ shown to people.
# Made by scripts/po-update.sh; do not edit: edit the sources and run `make po-update`.
msgid ""
msgstr ""
"Project-Id-Version: bont\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"

HEAD
    msgcat --no-wrap --use-first "$tmp/data.pot" "$tmp/code.pot" "$tmp/checker.pot" \
        "$tmp/server.pot" "$tmp/web.pot" |
        sed "1,/^$/d"
} >"$tmp/bont.pot"

if [ "${1:-}" = "--check" ]; then
    python3 scripts/po-check.py "$tmp/bont.pot" po/bont.pot $(printf "po/%s.po " "${langs[@]}"); exit $?
fi

cp "$tmp/bont.pot" po/bont.pot
for l in "${langs[@]}"; do
    msgmerge --quiet --update --backup=off --no-wrap --no-fuzzy-matching "po/$l.po" po/bont.pot
done
echo "po: bont.pot has $(grep -c '^msgid ' po/bont.pot) entries"
for l in "${langs[@]}"; do
    printf 'po/%s.po: ' "$l"
    msgfmt --check --statistics -o /dev/null "po/$l.po"
done
