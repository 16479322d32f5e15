#!/usr/bin/python3
"""Virtual patients through the Python/SciPy reference: the benchmark's SciPy side (issue 4).

bench/bench_population.c writes the inputs of a subset of the workload's virtual patients (each
patient's parameters and, per structure, its doses), the tight-tolerance solution (CVODE, rtol
1e-10) and the engine's own daily effects. This script integrates every structure of those
patients with the right-hand side of v2/model.py (Rhs: the same equations, written
independently of the C library) by SciPy's LSODA, at a series of tolerances, does the same
per-patient work as the engine (effect at the engine's sample times, daily values, readouts),
and reports for each tolerance the time per patient and the error against the tight solution.

It then picks the tightest tolerance whose error is still no smaller than the engine's (so the
reference is never more accurate than what it is compared with), and extrapolates its time
linearly to the whole workload (the subset is small: SciPy needs a second or more per patient).

Usage: /usr/bin/python3 bench/reference/population_ref.py INPUTS.json --engine-max-error PTS
Prints a table, then one line "RESULT {json}" for the benchmark.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from v2 import model as M  # noqa: E402  the reference's equations (Rhs, run_lsoda), unchanged

RTOLS = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5]


def run_structure(P, tissue, doses, ts, rtol, atol):
    """Effect (fraction) at the times ts, integrating between dose times with LSODA
    (v2/model.py run_lsoda); doses are [t_days, serotype, conc_u_per_ml, scale]."""
    if not doses:
        return np.zeros(len(ts))
    sess = [M.Session(t, {sero: np.array([c])}, np.array([sc])) for t, sero, c, sc in doses]
    return M.run_lsoda(P, tissue, sess, ts, rtol=rtol, atol=atol)["effect"][:, 0]


def readouts(ts, e, t0):
    """bont_readouts_compute's rules on the samples (onset 25 %, duration 50 % of the peak)."""
    k0 = int(np.searchsorted(ts, t0))
    kp = k0 + int(np.argmax(e[k0:]))
    peak = e[kp]
    res = [math.nan, math.nan, round(1000 * peak) / 10, math.nan]
    if peak < 5e-4:
        return res
    res[1] = math.floor(ts[kp] - t0 + 0.5)
    on = np.nonzero(e[k0:kp + 1] >= 0.25 * peak)[0]
    if len(on):
        k = k0 + on[0]
        res[0] = ts[k] - t0
    du = np.nonzero(e[kp + 1:] < 0.5 * peak)[0]
    if len(du):
        k = kp + 1 + du[0]
        res[3] = ts[k] - t0
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs")
    ap.add_argument("--engine-max-error", type=float, required=True)
    a = ap.parse_args()
    with open(a.inputs, encoding="utf-8") as f:
        inp = json.load(f)
    days, day0 = inp["days"], inp["day0"]
    dose_days = sorted({d[0] for p in inp["patients"] for ds in p["doses"] for d in ds})
    ts = M.grid_times(day0 + days, dose_days or [0.0])  # the engine's population grid
    day_idx = [int(np.searchsorted(ts, day0 + d)) for d in range(days + 1)]
    structs, pats = inp["structures"], inp["patients"]
    tight = np.array([p["tight_effect_pct"] for p in pats])
    print(f"  {'rtol':>8} {'atol':>8} {'s / patient':>12} {'max err (pts)':>14} {'RMS (pts)':>10}")
    rows = []
    for rtol in RTOLS:
        atol = rtol * 1e-2
        t_start = time.process_time()
        eff = np.zeros_like(tight)
        for pi, p in enumerate(pats):
            for si, s in enumerate(structs):
                e = run_structure(p["params"], s["tissue"], p["doses"][si], ts, rtol, atol)
                readouts(ts, e, day0)
                eff[pi, si] = 100.0 * e[day_idx]
        per_patient = (time.process_time() - t_start) / len(pats)
        err = np.abs(eff - tight)
        rows.append((rtol, atol, per_patient, float(err.max()), float(np.sqrt((err ** 2).mean()))))
        print(f"  {rtol:8.0e} {atol:8.0e} {per_patient:12.3f} {rows[-1][3]:14.4f} "
              f"{rows[-1][4]:10.5f}")
        sys.stdout.flush()
        if rows[-1][3] < a.engine_max_error:
            break  # tighter tolerances are more accurate than the engine: not used
    # The tightest tolerance whose error is not below the engine's.
    ok = [r for r in rows if r[3] >= a.engine_max_error]
    pick = ok[-1] if ok else rows[0]
    n_work = inp["patients_in_workload"]
    result = {"rtol": pick[0], "atol": pick[1], "seconds_per_patient": pick[2],
              "max_error_pts": pick[3], "rms_error_pts": pick[4],
              "workload_seconds_one_core": pick[2] * n_work, "patients_measured": len(pats),
              "process_time": True}
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
