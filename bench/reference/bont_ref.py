#!/usr/bin/python3
"""Independent reference implementation of the bont model (docs/model.md) in Python with SciPy.

It shares no code with the C library: it reads the same data files (model-params.json,
products.json, muscles.json) and the plan, writes the equations of docs/model.md as one ODE
right-hand side and integrates them with SciPy's LSODA at tight tolerances, where the C code uses
exact chain propagators and exponential integrators on a fixed grid. Readouts are found by root
finding on the dense solution rather than by interpolation on the grid.

Usage:
  /usr/bin/python3 bench/reference/bont_ref.py simulate PLAN.json [--days N] [--model bont|lebeda4|lebeda3]
  /usr/bin/python3 bench/reference/bont_ref.py closed-form    # Lebeda times from the closed form
Output: the JSON of `bont simulate --format json` (the differential test compares the two).
"""
import argparse
import json
import math
import os
import sys

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq
from scipy.special import ndtr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refkb import DATA, KB, ona_units, side_of  # noqa: E402  kb helpers shared with v2/

MIN_PER_DAY = 1440.0
SEROTYPES = ["A", "B", "C1", "E", "F"]
VAMP = {"B", "F"}  # serotypes cleaving VAMP; the others cleave SNAP-25
FINE = 50  # dense-output samples per day for peak search and bracketing


def load_params(path=None):
    with open(path or os.path.join(DATA, "model-params.json"), encoding="utf-8") as f:
        return {p["name"]: float(p["value"]) for p in json.load(f)["parameters"]}


# ---- The bont model: one right-hand side (docs/model.md sections 1-6) -------------------------

class BontTarget:
    def __init__(self, P, tissue, volume_ml, doses):
        self.P, self.tissue, self.vol = P, tissue, volume_ml
        self.doses = sorted(doses)  # (t_days, serotype, ona_u)
        self.sero = sorted({d[1] for d in doses}, key=SEROTYPES.index)
        self.nc = len(self.sero)
        k = lambda n: P[n] * MIN_PER_DAY
        self.kS, self.kB, self.kT, self.kL = k("k_bulk_per_min"), k("k_bind_per_min"), k("k_endo_per_min"), k("k_transloc_per_min")
        self.klc = [math.log(2) / P[f"lc_half_life_d.{s}"] for s in self.sero]
        self.fslow, self.fac = P["lc_slow_fraction"], P["lc_slow_factor"]
        self.mu, self.sig = math.log(P["safety_factor_median"]), P["safety_factor_log_sd"]
        self.phi0 = ndtr(-self.mu / self.sig)
        key = "muscle" if tissue == "muscle" else "autonomic"
        self.spmax, self.ksp = P[f"sprout_max.{key}"], P[f"sprout_rate_per_d.{key}"]
        self.cov = 0.0

    # state: per channel [bulk, free, bound, transloc, lc, lc_slow], then s_snap, s_vamp, sp1, sp2, atrophy
    def n_state(self):
        return 6 * self.nc + 5

    def fail(self, r):
        if r >= 1.0:
            return 0.0
        if r <= 0.0:
            return 1.0
        return (ndtr((-math.log(r) - self.mu) / self.sig) - self.phi0) / (1.0 - self.phi0)

    def release(self, y):
        o = 6 * self.nc
        rp = (y[o] * y[o + 1]) ** self.P["snare_coop"]
        return rp, min(1.0, rp + y[o + 3])

    def rhs(self, t, y):
        P, dy = self.P, np.zeros_like(y)
        light = [0.0, 0.0]
        for c in range(self.nc):
            b, f, bd, tr, lc, ls = y[6 * c:6 * c + 6]
            dy[6 * c + 0] = -self.kS * b
            dy[6 * c + 1] = self.kS * b - self.kB * f
            dy[6 * c + 2] = self.kB * f - self.kT * bd
            dy[6 * c + 3] = self.kT * bd - self.kL * tr
            dy[6 * c + 4] = (1 - self.fslow) * self.kL * tr - self.klc[c] * lc
            dy[6 * c + 5] = self.fslow * self.kL * tr - self.klc[c] / self.fac * ls
            light[1 if self.sero[c] in VAMP else 0] += lc + ls
        o = 6 * self.nc
        for i in range(2):  # SNAP-25, VAMP: Michaelis-Menten cleavage against resynthesis
            q = light[i] / (light[i] + P["cleave_km_u_per_ml"]) if light[i] > 0 else 0.0
            dy[o + i] = P["snare_synth_per_d"] * (1 - y[o + i]) - P["cleave_max_per_d"] * q * y[o + i]
        rp, r = self.release(y)
        dy[o + 2] = self.ksp * (self.spmax * (1 - rp) - y[o + 2])
        dy[o + 3] = self.ksp * (y[o + 2] - y[o + 3])
        if self.tissue == "muscle":
            dy[o + 4] = P["atrophy_rate_per_d"] * (P["atrophy_max"] * self.cov * self.fail(r) - y[o + 4])
        return dy

    def outputs(self, y):
        o = 6 * self.nc
        rp, r = self.release(y)
        if self.tissue == "muscle":
            fl = self.cov * self.fail(r)
            return 1 - (1 - fl) * (1 - y[o + 4]), 1 - fl
        return self.cov * (1 - r), float("nan")

    def dose(self, y, t):
        P, ctot = self.P, 0.0
        for (td, s, u) in self.doses:
            if td == t:
                c = u / self.vol
                ctot += c
                ch = self.sero.index(s)
                y[6 * ch] += P["uptake_sat_u_per_ml"] * math.log1p(c / P["uptake_sat_u_per_ml"])
        if ctot > 0:
            self.cov = max(self.cov, -math.expm1(-ctot / P["coverage_u_per_ml"]))
            o = 6 * self.nc
            y[o + 2] = y[o + 3] = 0.0  # a new session silences the last session's sprouts

    def solve(self, days):
        """Piecewise dense solutions between dose times: list of (t0, t1, sol, cov)."""
        y = np.zeros(self.n_state())
        o = 6 * self.nc
        y[o] = y[o + 1] = 1.0
        times = sorted({d[0] for d in self.doses if d[0] < days})
        pieces = []
        if not times or times[0] > 0:
            pieces.append((0.0, times[0] if times else days, None, 0.0, y.copy()))
        for i, t0 in enumerate(times):
            self.dose(y, t0)
            t1 = times[i + 1] if i + 1 < len(times) else days
            sol = solve_ivp(self.rhs, (t0, t1), y, method="LSODA", rtol=1e-10, atol=1e-12,
                            dense_output=True)
            if not sol.success:
                raise SystemExit(f"bont_ref: integration failed: {sol.message}")
            pieces.append((t0, t1, sol, self.cov, None))
            y = sol.y[:, -1].copy()
        return pieces

    def curves(self, days):
        """effect(t) and cmap(t) as functions (left limits at dose times)."""
        pieces = self.solve(days)

        def at(t):
            for (t0, t1, sol, cov, y0) in pieces:
                if t0 < t <= t1 or (t == 0 and t0 == 0):
                    saved = self.cov
                    self.cov = cov
                    y = y0 if sol is None else sol.sol(t)
                    out = self.outputs(y) if t > t0 or sol is None else (0.0, 1.0)
                    self.cov = saved
                    return out
            return pieces[-1] and self.outputs(pieces[-1][2].sol(days))

        return at


def lebeda_lytic(P, t, four_step):
    """Closed form of the last state (hypoexponential CDF; model.md 1.2)."""
    k = [P["k_bind_per_min"], P["k_endo_per_min"], P["k_transloc_per_min"]]
    if four_step:
        k = [P["k_bulk_per_min"]] + k
    k = [x * MIN_PER_DAY for x in k]
    s = 0.0
    for i, ki in enumerate(k):
        c = 1.0
        for j, kj in enumerate(k):
            if j != i:
                c *= kj / (kj - ki)
        s += c * math.exp(-ki * t)
    return 1.0 - s


# ---- Readouts (section 8), by root finding on the dense solution -------------------------------

def readouts(f, days, t_last=0.0):
    n = int(round(days * FINE))
    ts = np.linspace(0, days, n + 1)
    es = np.array([f(t) for t in ts])
    k0 = int(round(t_last * FINE))
    kp = k0 + int(np.argmax(es[k0:]))
    peak = es[kp]
    # Refine the peak on the dense solution: golden-section search around the grid maximum.
    if 0 < kp < n:
        a, b = ts[kp - 1], ts[kp + 1]
        g = (math.sqrt(5) - 1) / 2
        for _ in range(60):
            c, d = b - g * (b - a), a + g * (b - a)
            if f(c) > f(d):
                b = d
            else:
                a = c
        tp = 0.5 * (a + b)
        peak = max(peak, f(tp))
    else:
        tp = ts[kp]
    out = {"onset_day": None, "peak_day": None, "peak_effect_pct": round(100 * peak, 1),
           "duration_days": None}
    if peak < 5e-4:
        return out, es
    out["peak_day"] = int(math.floor(tp - t_last + 0.5))
    thr = 0.25 * peak
    for k in range(k0, kp + 1):
        if es[k] >= thr:
            t = ts[k] if k == k0 else brentq(lambda t: f(t) - thr, ts[k - 1], ts[k], xtol=1e-9)
            out["onset_day"] = round(t - t_last, 1)
            break
    thr = 0.5 * peak
    for k in range(kp + 1, n + 1):
        if es[k] < thr:
            t = brentq(lambda t: f(t) - thr, ts[k - 1], ts[k], xtol=1e-9)
            out["duration_days"] = round(t - t_last, 1)
            break
    return out, es


def simulate(plan_path, days, model, params_path=None):
    kb, P = KB(), load_params(params_path)
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    prod = kb.product(plan["product"])
    sero = prod["serotype"]
    targets = []  # [muscle, side, doses]
    for inj in plan["injections"]:
        m = kb.muscle(inj["muscle"])
        side = side_of(inj.get("side"))
        key = (m["id"], side)
        t = next((x for x in targets if x[0]["id"] == key[0] and x[1] == key[1]), None)
        if t is None:
            t = [m, side, []]
            targets.append(t)
        t[2].append((0.0, sero, ona_units(prod, float(inj["units"]))))
    res = {"model": model, "days": days, "patients": 1, "muscles": [], "risks": []}
    for m, side, doses in targets:
        tissue = "muscle" if m["kind"] == "muscle" else "autonomic"
        if model == "bont":
            tg = BontTarget(P, tissue, float(m["volume_ml"]["value"]), doses)
            at = tg.curves(days)
            eff = lambda t, at=at: at(t)[0]
            cmap = lambda t, at=at: at(t)[1]
        else:
            four = model == "lebeda4"
            eff = lambda t, four=four: lebeda_lytic(P, t, four) if t > 0 else 0.0
            cmap = lambda t, eff=eff: 1.0 - eff(t)
        ro, _ = readouts(eff, days)
        entry = {"muscle": m["id"], "side": side, "role": "target",
                 "day": list(range(days + 1)),
                 "effect_pct": [round(100 * eff(float(d)), 1) for d in range(days + 1)]}
        if m["kind"] == "muscle" or model != "bont":
            entry["cmap_pct"] = [round(100 * cmap(float(d)), 1) for d in range(days + 1)]
        entry["readouts"] = ro
        res["muscles"].append(entry)
    return res


def closed_form_times():
    """t(lytic = 0.1, 0.5, 0.9) in minutes, as in lebeda2008_ode_reference_times.csv."""
    P = load_params()
    rows = []
    for label, ks in [("3-step", None), ("4-step", 0.01), ("4-step", 0.001), ("4-step", 0.00015)]:
        Q = dict(P)
        if ks is not None:
            Q["k_bulk_per_min"] = ks
        f = lambda t: lebeda_lytic(Q, t, ks is not None)
        ts = [brentq(lambda t: f(t) - p, 1e-9, 30.0, xtol=1e-14) * MIN_PER_DAY for p in (0.1, 0.5, 0.9)]
        rows.append((label, ks, ts))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("simulate")
    s.add_argument("plan")
    s.add_argument("--days", type=int, default=180)
    s.add_argument("--model", default="bont", choices=["bont", "lebeda4", "lebeda3"])
    s.add_argument("--params")
    s.add_argument("--format", default="json", choices=["json"])
    sub.add_parser("closed-form")
    a = ap.parse_args()
    if a.cmd == "simulate":
        json.dump(simulate(a.plan, a.days, a.model, a.params), sys.stdout)
        sys.stdout.write("\n")
    else:
        for label, ks, ts in closed_form_times():
            print(label, ks, " ".join(f"{t:.1f}" for t in ts))


if __name__ == "__main__":
    main()
