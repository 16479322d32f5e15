#!/usr/bin/env bash
# `make serve`: starts bont serve on 127.0.0.1:8080 with a demo store (build/demo.db: a few
# sample patients, two with a recorded glabellar visit, and one demo admin whose password it
# prints). Usage: serve.sh BONT_BINARY
set -euo pipefail
bont=$1
db=build/demo.db
listen=${BONT_LISTEN:-127.0.0.1:8080}

# Age in whole years on a date, for the plans below.
age_on() {
    local birth=$1 d=$2 a
    a=$((10#${d:0:4} - 10#${birth:0:4}))
    [[ "${d:5:2}${d:8:2}" < "${birth:5:2}${birth:8:2}" ]] && a=$((a - 1))
    echo "$a"
}

# A glabellar-lines visit (onabotulinumtoxinA 20 U, the label's five sites) days_ago days back.
glabellar_visit() {
    local id=$1 birth=$2 sex=$3 days_ago=$4 lot=$5 expiry=$6 d plan
    d=$(date -d "$days_ago days ago" +%F)
    plan=$(mktemp)
    cat >"$plan" <<JSON
{"date": "$d", "indication": "glabellar_lines", "product": "onabotulinumtoxinA",
 "vial": {"units": 100, "diluent_ml": 2.5},
 "patient": {"age_years": $(age_on "$birth" "$d"), "sex": "$sex"},
 "injections": [{"muscle": "procerus", "units": 4},
                {"muscle": "corrugator_supercilii", "side": "left", "units": 8, "sites": 2},
                {"muscle": "corrugator_supercilii", "side": "right", "units": 8, "sites": 2}]}
JSON
    "$bont" visit record "$plan" --db "$db" --patient "$id" --lot "$lot" --expiry "$expiry" \
        --reconstituted "${d}T09:00" --injected "${d}T09:30" >/dev/null
    rm -f "$plan"
}

if [ ! -f "$db" ]; then
    "$bont" patient add --db "$db" --name "Ana Souza" --birth 1984-03-12 --sex female --weight 61 >/dev/null
    "$bont" patient add --db "$db" --name "Wei Zhang" --birth 1971-11-02 --sex male --weight 74 >/dev/null
    "$bont" patient add --db "$db" --name "Min-ji Park" --birth 1992-06-25 --sex female --weight 52 >/dev/null
    expiry=$(date -d "300 days" +%F)
    glabellar_visit 1 1984-03-12 female 110 C3518AB "$expiry"
    glabellar_visit 3 1992-06-25 female 95 C3518AB "$expiry"
fi
password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-14)
if "$bont" user list --db "$db" --format json | grep -q '"name": "demo"'; then
    echo "demo user exists; its password was printed when it was made (or delete $db)"
else
    printf '%s\n' "$password" | "$bont" user add demo --role admin --db "$db" >/dev/null
    echo "demo login: user demo, password $password"
fi
echo "bont serve: http://$listen/ (Ctrl-C stops it)"
exec "$bont" serve --db "$db" --listen "$listen"
