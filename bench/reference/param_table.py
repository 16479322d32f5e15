#!/usr/bin/python3
"""Prints data/model-params.json as the Markdown parameter table of docs/model.md."""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(ROOT, "data", "model-params.json"), encoding="utf-8") as f:
    doc = json.load(f)
print("| parameter | value | unit | status | source | note |")
print("|---|---|---|---|---|---|")
for p in doc["parameters"]:
    cells = [f"`{p['name']}`", f"{p['value']:.4g}", p["unit"], p["status"], p["source"], p["note"]]
    print("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
