#!/usr/bin/python3
"""Readout statistics of a virtual population through the Python reference, for the population
engine's test of its variability (tests/test_population.c, pop_variability_matches_reference):
per plan, the classic readouts of each patient's plan-level effect (v2/population.py
readout_arrays): duration mean, SD and coefficient of variation, and the onset quartiles.

Usage: pop_stats.py --patients N --seed S --days D PLAN...     (prints JSON)
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from v2.population import PlanRun, readout_arrays  # noqa: E402
from v2.validate import Context  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("plans", nargs="+")
    ap.add_argument("--patients", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--days", type=int, default=365)
    a = ap.parse_args()
    ctx = Context()
    out = {}
    for path in a.plans:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        run = PlanRun(ctx.kb, doc, ctx.P, ctx.S, ctx.V, n=a.patients, seed=a.seed, days=a.days)
        ro = readout_arrays(run, 0.25, 0.5)
        d = ro["duration_days"][np.isfinite(ro["duration_days"])]
        on = ro["onset_day"][np.isfinite(ro["onset_day"])]
        q = np.percentile(on, [25, 50, 75])
        out[path] = {"duration_mean": float(d.mean()), "duration_sd": float(d.std(ddof=1)),
                     "duration_cv": float(d.std(ddof=1) / d.mean()),
                     "onset_q1": float(q[0]), "onset_q2": float(q[1]), "onset_q3": float(q[2])}
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
