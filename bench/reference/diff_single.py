#!/usr/bin/python3
"""Cases for the differential test of one compartment (docs/model.md 12.8.1): random parameter
sets around data/model-params.json, every tissue class, serotype A or B, one or two sessions,
integrated by LSODA (v2/model.py: run_lsoda) on the `bont simulate` grid. Prints JSON: for each
case the full parameter set, tissue, sessions, the thresholds used, the daily effect (fraction)
and the noticeable onset and response duration (days; null: never, "inf": still above).

Usage: diff_single.py [--n N] [--seed S] [--days D]
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from v2 import datafiles  # noqa: E402
from v2 import model as M  # noqa: E402
from v2 import readouts as R  # noqa: E402

# Rates, half-lives and capacities move log-normally with SD 0.4 (12.8.1); shares stay below 1.
LOG_MOVED = ("k_bulk_per_min", "k_bind_per_min", "k_endo_per_min", "k_transloc_per_min",
             "uptake_sat_u_per_ml", "lc_half_life_d.A", "lc_half_life_d.B", "cleave_max_per_d",
             "cleave_km_u_per_ml", "snare_synth_per_d", "sprout_rate_per_d.muscle",
             "sprout_rate_per_d.extraocular", "sprout_rate_per_d.autonomic",
             "atrophy_rate_per_d", "atrophy_recovery_per_d", "lc_slow_factor",
             "safety_factor_log_sd")
SHARES = ("sprout_max.muscle", "sprout_max.extraocular", "atrophy_max.muscle",
          "uptake_fast_fraction", "lc_slow_fraction", "atrophy_effect_share")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--days", type=int, default=365)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    base = datafiles.values("P", datafiles.load("P"))
    thr_n, thr_r = 0.25, 0.5
    cases = []
    for _ in range(a.n):
        P = dict(base)
        for k in LOG_MOVED:
            P[k] = P[k] * math.exp(0.4 * rng.standard_normal())
        for k in SHARES:
            P[k] = min(0.95, P[k] * math.exp(0.4 * rng.standard_normal()))
        tissue = str(rng.choice(M.TISSUES))
        sess = []
        for i in range(1 if rng.random() < 0.5 else 2):
            t = 0.0 if i == 0 else float(rng.integers(60, 201))
            sero = str(rng.choice(["A", "B"]))
            c = float(10 ** rng.uniform(-2, math.log10(30)))
            sess.append({"t_days": t, "serotype": sero, "conc_u_per_ml": c,
                         "scale": float(rng.uniform(0.2, 1.0))})
        t = M.grid_times(a.days, [s["t_days"] for s in sess], 10)
        o = M.run_lsoda(P, tissue, [M.Session(s["t_days"], {s["serotype"]: np.array([s["conc_u_per_ml"]])},
                                              np.array([s["scale"]])) for s in sess], t)
        e = o["effect"][:, 0]
        t0 = sess[-1]["t_days"]
        days = [int(np.argmin(np.abs(t - d))) for d in range(a.days + 1)]
        on = float(R.noticeable_onset(t, e[:, None], thr_n, t0)[0])
        du = float(R.response_duration(t, e[:, None], thr_r, t0)[0])
        cases.append({"params": P, "tissue": tissue, "sessions": sess, "t0_day": t0,
                      "perceptible": thr_n, "response": thr_r,
                      "effect": [round(float(e[k]), 7) for k in days],
                      "noticeable_onset_day": None if math.isnan(on) else on,
                      "response_duration_days": None if math.isnan(du) else
                      ("inf" if math.isinf(du) else du)})
    json.dump({"days": a.days, "cases": cases}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
