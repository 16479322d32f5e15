#!/usr/bin/env python3
"""pdf_facts.py: the number of pages of a PDF and the fonts it embeds, read from its objects
(compressed object streams included), for the handout rendering test. Prints "PAGES FONT...".
Usage: pdf_facts.py FILE.pdf"""
import re
import sys
import zlib


def main():
    data = open(sys.argv[1], "rb").read()
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            chunks.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    pages, fonts = 0, set()
    for c in chunks:
        pages += len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", c))
        fonts.update(f.decode("latin-1") for f in re.findall(rb"/FontName\s*/[A-Z]{6}\+([A-Za-z0-9-]+)", c))
    print(pages, " ".join(sorted(fonts)))


if __name__ == "__main__":
    main()
