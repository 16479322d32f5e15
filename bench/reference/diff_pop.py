#!/usr/bin/python3
"""Cases for the differential test of the population kernel (docs/model.md 12.8.4): blocks of 16
virtual patients, each with its own random parameter set around data/model-params.json (the
moves of diff_single.py), concentration and scale, one tissue class per block, serotype A or B,
one or two sessions, run through v2/model.py: run_grid (float64) on the population grid. Prints
JSON: per block the patients' parameter sets, the tissue, the sessions with each patient's
concentration and scale, the sample times and each patient's daily effect (fraction) and peak.

Usage: diff_pop.py [--blocks N] [--seed S] [--days D]
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diff_single import LOG_MOVED, SHARES  # noqa: E402
from v2 import datafiles  # noqa: E402
from v2 import model as M  # noqa: E402

LANES = 16


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blocks", type=int, default=8)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--days", type=int, default=365)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    base = datafiles.values("P", datafiles.load("P"))
    blocks = []
    for _ in range(a.blocks):
        lanes = []
        for _ in range(LANES):
            P = dict(base)
            for k in LOG_MOVED:
                P[k] = P[k] * math.exp(0.4 * rng.standard_normal())
            for k in SHARES:
                P[k] = min(0.95, P[k] * math.exp(0.4 * rng.standard_normal()))
            lanes.append(P)
        Pc = {k: np.array([p[k] for p in lanes]) for k in base}
        tissue = str(rng.choice(M.TISSUES))
        sess = []
        for i in range(1 if rng.random() < 0.5 else 2):
            t = 0.0 if i == 0 else float(rng.integers(60, 201))
            sess.append({"t_days": t, "serotype": str(rng.choice(["A", "B"])),
                         "conc_u_per_ml": (10 ** rng.uniform(-2, math.log10(30), LANES)).tolist(),
                         "scale": rng.uniform(0.2, 1.0, LANES).tolist()})
        t = M.grid_times(a.days, [s["t_days"] for s in sess])
        cm = M.Compartments(Pc, [tissue] * LANES,
                            [M.Session(s["t_days"], {s["serotype"]: np.array(s["conc_u_per_ml"])},
                                       np.array(s["scale"])) for s in sess])
        o = M.run_grid(cm, t, keep=("effect",))
        days = [int(np.argmin(np.abs(t - d))) for d in range(a.days + 1)]
        blocks.append({"params": lanes, "tissue": tissue, "sessions": sess,
                       "n_samples": len(t), "t_days": [float(x) for x in t],
                       "effect": [[round(float(o["effect"][k, l]), 7) for k in days]
                                  for l in range(LANES)],
                       "peak": [float(x) for x in o["peak"]]})
    json.dump({"days": a.days, "lanes": LANES, "blocks": blocks}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
