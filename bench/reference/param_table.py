#!/usr/bin/python3
"""Prints a parameter file of data/ (default model-params.json) as the Markdown parameter table of
docs/model.md and docs/spread.md.

Usage: /usr/bin/python3 bench/reference/param_table.py [model-params.json|spread-params.json]
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def table(name="model-params.json"):
    with open(os.path.join(ROOT, "data", name), encoding="utf-8") as f:
        doc = json.load(f)
    lines = ["| parameter | value | unit | status | source | note |", "|---|---|---|---|---|---|"]
    for p in doc["parameters"]:
        cells = [f"`{p['name']}`", f"{p['value']:.4g}", p["unit"], p["status"], p["source"], p["note"]]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(sys.argv[1] if len(sys.argv) > 1 else "model-params.json"))
