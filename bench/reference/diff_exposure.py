#!/usr/bin/python3
"""Cases for the differential test of exposure (docs/model.md 12.8.3): for every example plan,
random deviates (field length, proximity z_prox, one uniform per site, half of them crowded
below the misplacement shares so that misplaced sites are common) through
v2/exposure.py: exposures. Prints JSON: per plan the structures (id, side, injected) and per
draw the deviates, each structure's concentration (U/mL, summed over serotypes) and scale.

Usage: diff_exposure.py [--draws N] [--seed S]
"""
import argparse
import glob
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refkb import ROOT, KB  # noqa: E402
from v2 import datafiles  # noqa: E402
from v2.exposure import Layout, Plan, exposures  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    P = datafiles.values("P", datafiles.load("P"))
    S = datafiles.values("S", datafiles.load("S"))
    kb = KB()
    out = []
    for f in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        doc = json.load(open(f, encoding="utf-8"))
        try:
            lay = Layout(kb, Plan(kb, doc))
        except (SystemExit, KeyError, ValueError) as ex:
            out.append({"plan": os.path.basename(f), "skipped": str(ex)})
            continue
        n = a.draws
        z = rng.standard_normal(n)
        field = P["field_length_mm"] * np.exp(0.2 * rng.standard_normal(n))
        crowd = np.where(rng.random((n, 1)) < 0.5, 0.04, 1.0)
        u = rng.random((n, max(1, lay.n_sites))) * crowd
        Pd = dict(P, field_length_mm=field)
        conc, scale = exposures(lay, Pd, S, z, u)
        c = sum(conc.values())
        med_c, med_s = exposures(lay, P, S)
        med_c = sum(med_c.values())
        out.append({"plan": os.path.basename(f),
                    "structs": [{"muscle": s["id"], "side": s["side"], "injected": s["injected"]}
                                for s in lay.structs],
                    "median": {"conc": med_c[0].tolist(), "scale": med_s[0].tolist()},
                    "draws": [{"z_prox": float(z[i]), "field_mm": float(field[i]),
                               "u_site": u[i, :lay.n_sites].tolist(), "conc": c[i].tolist(),
                               "scale": scale[i].tolist()} for i in range(n)]})
    json.dump({"plans": out}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
