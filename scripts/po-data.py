#!/usr/bin/env python3
"""po-data.py: lists the texts of data/ that bont shows people and translates through the
message catalogues, as a gettext template on standard output (scripts/po-update.sh merges it
with the strings xgettext finds in src/).

Each text is a msgid in a context that says what it is ("rule", "contraindication", "side
effect", ...), so one English sentence used twice is translated once, and the code looks it up
with bont_i18n_pgettext(context, text). Texts that carry their own languages in the data
(names of muscles and indications, aftercare, handout texts, pathways) are not listed here.
Usage: po-data.py [DATA_DIR]"""
import json
import os
import re
import sys

# (file, top-level array, field (dotted for a nested object), context)
FIELDS = [
    ("rules.json", "rules", "note", "rule"),
    ("history-rules.json", "history_rules", "note", "rule"),
    ("contraindications.json", "contraindications", "message", "contraindication"),
    ("muscles.json", "muscles", "side_effect.effect", "side effect"),
    ("muscles.json", "muscles", "side_effect.label", "side effect"),
    ("indications.json", "indications", "note", "indication note"),
    ("products.json", "products", "excipients", "product note"),
    ("products.json", "products", "ratio_to_ona.note", "product note"),
    ("products.json", "products", "in_use_source", "product note"),
    ("products.json", "products", "vials[].note", "product note"),
    ("aftercare.json", "aftercare", "evidence", "evidence"),
    ("guidance.json", "rules", "note", "rule"),
    ("jurisdictions.json", "jurisdictions", "label", "jurisdiction"),
    ("jurisdictions.json", "jurisdictions", "regulator", "jurisdiction"),
    ("indications-offlabel.json", "indications", "note", "indication note"),
    ("indications-offlabel.json", "indications", "evidence.note", "indication note"),
]


def po_str(s):
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return '"' + s + '"'


def values(entry, path):
    """Every string at path in entry ('a.b', 'a[].b')."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        items = entry.get(head[:-2]) or []
        return [v for it in items if isinstance(it, dict) for v in values(it, rest)]
    v = entry.get(head)
    if rest:
        return values(v, rest) if isinstance(v, dict) else []
    return [v] if isinstance(v, str) else []


def is_prose(text):
    """A sentence for people, not a list of source ids ("S12 S13") or an id."""
    return re.search(r"[a-z]{3,}", text) is not None and not re.fullmatch(r"[A-Z0-9 ]+", text)


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "data"
    entries = {}  # (context, text) -> [references]
    for fname, array, field, ctx in FIELDS:
        path = os.path.join(data, fname)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for i, e in enumerate(doc.get(array) or []):
            if not isinstance(e, dict):
                continue
            for text in values(e, field):
                if text and is_prose(text):
                    ref = "data/%s:%s" % (fname, e.get("id", i))
                    entries.setdefault((ctx, text), []).append(ref)
    out = sys.stdout
    out.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n')
    for (ctx, text), refs in sorted(entries.items()):
        for r in refs[:4]:
            out.write("#: %s\n" % r.replace(" ", "_"))
        out.write("#, no-c-format\n")
        out.write("msgctxt %s\nmsgid %s\nmsgstr \"\"\n\n" % (po_str(ctx), po_str(text)))


if __name__ == "__main__":
    main()
