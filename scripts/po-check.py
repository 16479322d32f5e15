#!/usr/bin/env python3
"""po-check.py: fails when po/bont.pot or a catalogue is behind the template made from the
sources, or when a catalogue leaves a message untranslated or fuzzy.
Usage: po-check.py FRESH.pot po/bont.pot po/LANG.po..."""
import json
import re
import sys


def entries(path):
    """The messages of a .po/.pot file (obsolete ones left out): key -> (translation, fuzzy)."""
    out, cur, field = {}, {}, None

    def flush():
        if cur.get("msgid") not in (None, ""):
            key = (cur.get("msgctxt"), cur["msgid"], cur.get("msgid_plural"))
            text = cur.get("msgstr", cur.get("msgstr[0]", ""))
            out[key] = (text, cur.get("fuzzy", False))
        cur.clear()

    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#~"):
            continue
        if not line.strip():
            flush()
            field = None
            continue
        if line.startswith("#,"):
            cur["fuzzy"] = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if m:
            field = m.group(1)
            cur[field] = json.loads(m.group(2))
        elif line.startswith('"') and field:
            cur[field] += json.loads(line)
    flush()
    return out


def show(key):
    ctx, msgid, _ = key
    return ("[%s] " % ctx if ctx else "") + json.dumps(msgid, ensure_ascii=False)[:100]


def main():
    fresh = entries(sys.argv[1])
    bad = 0
    for path in sys.argv[2:]:
        have = entries(path)
        new, gone = set(fresh) - set(have), set(have) - set(fresh)
        if new or gone:
            bad = 1
            print("%s is behind the sources (run make po-update): %d new, %d no longer used"
                  % (path, len(new), len(gone)))
            for k in sorted(new, key=str)[:10]:
                print("  new: " + show(k))
            for k in sorted(gone, key=str)[:10]:
                print("  no longer used: " + show(k))
        if path.endswith(".pot"):
            continue
        untranslated = [k for k, (t, f) in have.items() if k in fresh and not t]
        fuzzy = [k for k, (t, f) in have.items() if k in fresh and t and f]
        if untranslated or fuzzy:
            bad = 1
            print("%s: %d untranslated, %d fuzzy" % (path, len(untranslated), len(fuzzy)))
            for k in (untranslated + fuzzy)[:10]:
                print("  " + show(k))
    if not bad:
        print("po: %s current, %d messages, every one translated"
              % (", ".join(sys.argv[2:]), len(fresh)))
    return bad


if __name__ == "__main__":
    sys.exit(main())
