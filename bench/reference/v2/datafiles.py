"""Reading and writing the v2 parameter files of data/ (model-params.json, spread-params.json,
variability.json, readout-thresholds.json) so that a fit changes values only and keeps every
unit, status, source and note as written by hand."""
import json
import os

from refkb import DATA

FILES = {"P": "model-params.json", "S": "spread-params.json", "V": "variability.json",
         "T": "readout-thresholds.json"}


def load(kind, data_dir=DATA):
    with open(os.path.join(data_dir, FILES[kind]), encoding="utf-8") as f:
        return json.load(f)


def _num(v):
    return json.dumps(float(f"{v:.6g}")) if isinstance(v, float) else json.dumps(v)


def dump_params(doc):
    """model-params.json / spread-params.json: one parameter per block, as written by hand; any
    other top-level keys (thresholds, calibrated_effects) follow as indented JSON."""
    lines = ["{", f'  "about": {json.dumps(doc["about"], ensure_ascii=False)},',
             '  "parameters": [']
    ps = doc["parameters"]
    for i, p in enumerate(ps):
        lines.append(f'    {{"name": {json.dumps(p["name"])}, "value": {_num(p["value"])}, '
                     f'"unit": {json.dumps(p["unit"])}, "status": {json.dumps(p["status"])},')
        lines.append(f'     "source": {json.dumps(p["source"], ensure_ascii=False)},')
        lines.append(f'     "note": {json.dumps(p["note"], ensure_ascii=False)}}}'
                     + ("," if i + 1 < len(ps) else ""))
    rest = [k for k in doc if k not in ("about", "parameters")]
    lines.append("  ]" + ("," if rest else ""))
    for j, k in enumerate(rest):
        body = json.dumps(doc[k], indent=2, ensure_ascii=False).replace("\n", "\n  ")
        lines.append(f'  {json.dumps(k)}: {body}' + ("," if j + 1 < len(rest) else ""))
    lines += ["}", ""]
    return "\n".join(lines)


def dump_plain(doc):
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def save(kind, doc, data_dir=DATA):
    text = dump_params(doc) if kind in ("P", "S") else dump_plain(doc)
    with open(os.path.join(data_dir, FILES[kind]), "w", encoding="utf-8") as f:
        f.write(text)


def values(kind, doc):
    """The numbers a run needs from a file: P and S name -> value; V the list of entries;
    T perceptible and per-indication response thresholds in percent; S also its effect
    thresholds (under the key "thresholds")."""
    if kind in ("P", "S"):
        out = {p["name"]: float(p["value"]) for p in doc["parameters"]}
        return out
    if kind == "V":
        return doc["parameters"]
    return {"perceptible_pct": doc["perceptible"]["threshold_pct"],
            "response": {r["indication"]: r["threshold_pct"] for r in doc["response"]}}


def set_value(kind, doc, name, value):
    """Sets one number: P/S by parameter name ("threshold.EFFECT" for a spread threshold), V by
    entry name (its sd), T by "perceptible" or an indication."""
    if kind in ("P", "S"):
        if name.startswith("threshold."):
            for t in doc["thresholds"]:
                if t["effect"] == name[len("threshold."):]:
                    t["threshold_pct"] = value
                    return
        for p in doc["parameters"]:
            if p["name"] == name:
                p["value"] = value
                return
    elif kind == "V":
        for e in doc["parameters"]:
            if e["name"] == name:
                e["sd"] = value
                return
    else:
        if name == "perceptible":
            doc["perceptible"]["threshold_pct"] = value
            return
        for r in doc["response"]:
            if r["indication"] == name:
                r["threshold_pct"] = value
                return
    raise KeyError(f"{kind}: no {name}")
