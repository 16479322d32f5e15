#!/usr/bin/env python3
"""po-web.py: lists the words of the web app's pages and scripts as a gettext template on
standard output (scripts/po-update.sh merges it with what xgettext finds in src/).

Templates (web/templates/*.html, and the charts they include, web/charts/*.svg) mark words {{#_}}words{{/_}}: msgctxt "page"; the
words may hold template tags ({{name}}), which a translation keeps. Scripts (web/static/*.js)
word what they add to a page with t("words", {name: value}): msgctxt "script"; {name} is a
placeholder a translation keeps. Each msgid is the exact text between the marks.
Usage: po-web.py [WEB_DIR]"""
import glob
import os
import re
import sys

PAGE = re.compile(r"\{\{#_\}\}(.*?)\{\{/_\}\}", re.S)
SCRIPT = re.compile(r"""\bt\(\s*"((?:[^"\\\n]|\\.)*)\"""")


def po_str(s):
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return '"' + s + '"'


def js_unescape(s):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def collect(web):
    """{(context, msgid): [references]} in file order."""
    found = {}
    pages = glob.glob(os.path.join(web, "templates", "*.html"))
    pages += glob.glob(os.path.join(web, "charts", "*.svg"))  # rendered as partials of pages
    for path in sorted(pages):
        text = open(path, encoding="utf-8").read()
        for m in PAGE.finditer(text):
            if "{{#_}}" in m.group(1):
                sys.exit(f"{path}: {{{{#_}}}} does not nest")
            line = text.count("\n", 0, m.start()) + 1
            found.setdefault(("page", m.group(1)), []).append(f"{path}:{line}")
    for path in sorted(glob.glob(os.path.join(web, "static", "*.js"))):
        text = open(path, encoding="utf-8").read()
        for m in SCRIPT.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.setdefault(("script", js_unescape(m.group(1))), []).append(f"{path}:{line}")
    return found


def main():
    web = sys.argv[1] if len(sys.argv) > 1 else "web"
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for (ctx, msgid), refs in collect(web).items():
        if not msgid.strip():
            continue
        out.append("#: " + " ".join(refs))
        out.append("#, no-c-format")
        out.append(f"msgctxt {po_str(ctx)}")
        out.append(f"msgid {po_str(msgid)}")
        out.append('msgstr ""')
        out.append("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
