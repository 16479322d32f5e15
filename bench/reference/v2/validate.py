"""Scores the v2 model against data/calibration.json (the checks `bont validate` runs; docs/
validation.md). Scenarios are simulated once and read by every check that names them.

Scenario kinds (docs/validation.md, "Scenario format"):
- model lebeda3 / lebeda4: the published chains in closed form;
- targets with a concentration (and tissue, serotype): a notional compartment exposed at that
  concentration over the whole structure (baths, rodent injections; optional dose_for_block);
- targets with a muscle, a product and units (and sites, volume_ml, guidance): a plan, run
  through exposure (fields, spread) for the median patient, or for `patients` virtual patients
  with every deviate when the scenario says so. The scenario's curves are the dose-weighted mean
  over its injected targets.
"""
import json
import math
import os

import numpy as np
from scipy.optimize import brentq

from refkb import DATA, KB

from . import model as M
from . import readouts as R
from .population import PlanRun, responders

MIN_PER_DAY = 1440.0


def load_json(name, data_dir=DATA):
    with open(os.path.join(data_dir, name), encoding="utf-8") as f:
        return json.load(f)


def param_values(doc):
    return {p["name"]: float(p["value"]) for p in doc["parameters"]}


class Context:
    """Everything a run needs: kb, model parameters P, spread parameters S, variability V,
    readout thresholds T. Each can be replaced (the fit does)."""

    def __init__(self, P=None, S=None, V=None, T=None, data_dir=DATA, patients=None,
                 risk_patients=None):
        self.kb = KB(data_dir)
        self.P = P if P is not None else param_values(load_json("model-params.json", data_dir))
        sdoc = load_json("spread-params.json", data_dir)
        self.S = S if S is not None else param_values(sdoc)
        self.thresholds = {t["effect"]: t["threshold_pct"] for t in sdoc["thresholds"]}
        self.V = V if V is not None else load_json("variability.json", data_dir)["parameters"]
        tdoc = load_json("readout-thresholds.json", data_dir)
        self.T = T if T is not None else {
            "perceptible_pct": tdoc["perceptible"]["threshold_pct"],
            "response": {r["indication"]: r["threshold_pct"] for r in tdoc["response"]}}
        self.patients = patients  # overrides every population scenario's size (fast fits)
        # ... but a scenario read only by risk checks keeps at least this many (up to its size in
        # the file): a rate of 1-3 % is 2-6 events in 200 patients, too coarse to fit.
        self.risk_patients = risk_patients

    def response_pct(self, indication):
        r = self.T["response"]
        return r.get(indication, r["default"])


# ---- Lebeda chains (verification) -----------------------------------------------------------------

def lebeda_lytic(P, t_days, four_step, kbulk=None):
    """Closed form of the last state (hypoexponential CDF; reference model.md 1.2); t_days may be
    an array."""
    k = [P["k_bind_per_min"], P["k_endo_per_min"], P["k_transloc_per_min"]]
    if four_step:
        k = [kbulk if kbulk is not None else P["k_bulk_per_min"]] + k
    k = [x * MIN_PER_DAY for x in k]
    t = np.asarray(t_days, dtype=float)
    s = np.zeros_like(t)
    for i, ki in enumerate(k):
        c = 1.0
        for j, kj in enumerate(k):
            if j != i:
                c *= kj / (kj - ki)
        s = s + c * np.exp(-ki * t)
    out = np.where(t > 0, 1.0 - s, 0.0)
    return float(out) if out.ndim == 0 else out


# ---- Scenario runs -------------------------------------------------------------------------------

class Curves:
    """Sampled curves of a scenario (fractions): t, effect, cmap, release, atrophy; plus, for plan
    scenarios, the PlanRun (run) and the indication."""

    def __init__(self, t, effect, cmap=None, release=None, atrophy=None, last_dose=0.0, run=None,
                 indication=None, lebeda=None, release_parent=None):
        self.t, self.effect, self.cmap, self.release, self.atrophy = t, effect, cmap, release, atrophy
        self.release_parent = release_parent
        self.last_dose, self.run, self.indication, self.lebeda = last_dose, run, indication, lebeda

    def at(self, y, day):
        return float(np.interp(day, self.t, y))


def _concentration_target(ctx, spec, tgt):
    """A notional compartment at a given concentration (the whole structure exposed)."""
    P = ctx.P
    days = spec.get("days", 180)
    spd = spec.get("steps_per_day")
    kbulk = P["k_bulk_rodent_per_min"] if spec.get("uptake") == "rodent" else None
    tissue = "muscle" if tgt.get("tissue", "muscle") == "muscle" else "autonomic"
    sero = tgt.get("serotype", "A")
    at_days = tgt.get("at_days") or [0.0]
    t = M.grid_times(days, at_days, spd)

    def run(c, tt=t):
        sess = [M.Session(d, {sero: np.array([c])}, np.array([1.0])) for d in at_days]
        return M.run_grid(M.Compartments(P, np.array([tissue]), sess, kbulk=kbulk), tt)

    c = tgt.get("concentration_u_per_ml", 1.0)
    dfb = tgt.get("dose_for_block")
    if dfb:
        # The smallest concentration that blocks `block` of the fibres by `by_day` (bisection in
        # log c): how the animal datasets define their paralysing doses.
        by = dfb.get("by_day", 2)
        tb = M.grid_times(by, [0.0], 10)
        lo, hi = -3.0, 5.0
        for _ in range(30):  # 8 decades / 2^30: far below any tolerance
            mid = 0.5 * (lo + hi)
            sess = [M.Session(0.0, {sero: np.array([10 ** mid])}, np.array([1.0]))]
            o = M.run_grid(M.Compartments(P, np.array([tissue]), sess, kbulk=kbulk), tb, keep=("cmap",))
            if 1.0 - o["cmap"][-1, 0] >= dfb.get("block", 0.95):
                hi = mid
            else:
                lo = mid
        c = 10 ** hi
    o = run(c)
    return t, o, c, max(at_days)



def _needed_structures(ds, name):
    """For a population scenario: the structures its checks read (risk: the spread-only
    structures carrying the effect; mean_struct_peak: the named muscles; the rest: the injected
    targets), or None for all."""
    effects, muscles, targets = set(), set(), False
    for c in ds["checks"]:
        if c.get("scenario") != name:
            continue
        m, a = c.get("metric"), c.get("arg") or {}
        if m == "risk":
            effects.add(a["effect"])
        elif m == "mean_struct_peak":
            muscles |= set(a["muscles"])
        else:
            targets = True
    return lambda st: ((targets and st["injected"]) or st["id"] in muscles or
                       (not st["injected"] and
                        (st["muscle"].get("side_effect") or {}).get("effect") in effects))


def _risk_only(ds, name):
    """Whether every check reading scenario `name` is a risk."""
    ms = [c.get("metric") for c in ds["checks"] if c.get("scenario") == name]
    return bool(ms) and all(m == "risk" for m in ms)


def run_scenario(ctx, ds, spec, name=None):
    model = spec.get("model", "bont")
    days = spec.get("days", 180)
    if model in ("lebeda3", "lebeda4"):
        kb = (spec.get("params") or {}).get("k_bulk_per_min")
        four = model == "lebeda4"
        spd = spec.get("steps_per_day", 1440)
        t = np.arange(int(days * spd) + 1) / spd
        e = lebeda_lytic(ctx.P, t, four, kb)
        return Curves(t, e, 1 - e, 1 - e, np.zeros_like(e), lebeda=(four, kb))
    if spec.get("params") and ds.get("kind") != "verification":
        raise ValueError("only verification datasets may override parameters")
    tg = spec["targets"]
    if "muscle" not in tg[0]:
        # Concentration targets: dose-weighted mean of the compartments (weights: concentration).
        acc, w = None, 0.0
        for x in tg:
            t, o, c, last = _concentration_target(ctx, spec, x)
            cur = {k: o[k][:, 0].astype(float)
                   for k in ("effect", "cmap", "release", "atrophy", "release_parent")}
            acc = {k: (acc[k] if acc else 0) + c * v for k, v in cur.items()}
            w += c
        return Curves(t, acc["effect"] / w, acc["cmap"] / w, acc["release"] / w, acc["atrophy"] / w,
                      last_dose=last, release_parent=acc["release_parent"] / w)
    # A plan: one product for the scenario (the first target's).
    doc = {"product": tg[0]["product"], "indication": spec.get("indication", "research"),
           "injections": []}
    for x in tg:
        inj = {k: x[k] for k in ("muscle", "side", "units", "sites", "volume_ml", "guidance",
                                 "endplate_mm") if k in x}
        doc["injections"].append(inj)
    n = spec.get("patients")
    if n and ctx.patients:
        floor = min(n, ctx.risk_patients or 0) if name and _risk_only(ds, name) else 0
        n = max(ctx.patients, floor)
    run = PlanRun(ctx.kb, doc, ctx.P, ctx.S, ctx.V, n=n or 1, seed=spec.get("seed", 1),
                  days=days, spd=spec.get("steps_per_day"), deviates=bool(n),
                  sessions=spec.get("at_days") or (0.0,),
                  only=_needed_structures(ds, name) if (n and name) else None)
    eff = run.plan_effect("effect")
    cm = rel = atr = None
    if not n:
        eff = eff[:, 0]
        cm, rel, atr = (run.plan_effect(k)[:, 0] for k in ("cmap", "release", "atrophy_field"))
    last = max(spec.get("at_days") or [0.0])
    return Curves(run.t, eff, cm, rel, atr, last_dose=last, run=run,
                  indication=spec.get("indication", "research"))


# ---- Metrics --------------------------------------------------------------------------------------

def _crossing(t, y, k0, level, up):
    for k in range(k0, len(t)):
        hit = y[k] >= level if up else y[k] < level
        if hit:
            if k == k0:
                return t[k]
            f = (level - y[k - 1]) / (y[k] - y[k - 1])
            return t[k - 1] + f * (t[k] - t[k - 1])
    return math.nan


def metric(ctx, ds, sc, name, arg):
    tu = 1440.0 if ds.get("time_unit") == "min" else 1.0
    arg = arg or {}
    if sc is None:
        P = ctx.P
        if name == "param":
            return P.get(arg["name"], math.nan)
        if name == "param_half_time":
            return math.log(2) / P[arg["name"]]
        if name == "param_cleaved_ratio_at_median":
            s = P["safety_factor_median"] ** (-1.0 / P["snare_coop"])
            return (1 - s) / s
        if name == "product_ratio":
            r = ctx.kb.product(arg["product"])["ratio_to_ona"]
            return math.sqrt(r["min"] * r["max"])
        return math.nan
    t, e = sc.t, sc.effect
    day = arg.get("day")
    if name == "time_to_effect":
        if sc.lebeda is not None:
            four, kb = sc.lebeda
            return brentq(lambda x: lebeda_lytic(ctx.P, x, four, kb) - arg["fraction"], 1e-9, 60) * tu
        return _crossing(t, e, 0, arg["fraction"], True) * tu
    if name == "tension_frac_at":
        if sc.lebeda is not None:
            return 1.0 - lebeda_lytic(ctx.P, arg["t"] / tu, *sc.lebeda)
        return 1 - sc.at(e, arg["t"] / tu)
    if sc.run is not None and e.ndim == 2:
        return population_metric(ctx, sc, name, arg)
    if name == "tension_at":
        return 100 * (1 - sc.at(e, day))
    if name == "effect_at":
        return 100 * sc.at(e, day)
    if name == "cmap_decrement_at":
        return 100 * (1 - sc.at(sc.cmap, day))
    if name == "time_to_cmap_decrement_h":
        return 24 * (_crossing(t, 1 - sc.cmap, 0, arg["level_pct"] / 100, True) - sc.last_dose)
    if name in ("atrophy_at", "atrophy_field_at"):
        return 100 * sc.at(sc.atrophy, day)
    if name == "atrophy_field_ratio":
        return sc.at(sc.atrophy, day) / sc.at(sc.atrophy, arg["ref_day"])
    if name == "effect_rel_at":
        return sc.at(e, day) / sc.at(e, arg["ref_day"])
    if name == "effect_rel_peak_at":
        return sc.at(e, day) / e.max()
    if name == "cmap_decrement_rel_peak_at":
        return (1 - sc.at(sc.cmap, day)) / (1 - np.nanmin(sc.cmap))
    if name == "peak_effect":
        return 100 * e.max()
    if name == "peak_cmap_decrement":
        return 100 * (1 - np.nanmin(sc.cmap))
    if name == "peak_cmap_day":
        k0 = int(np.searchsorted(t, sc.last_dose))
        return math.floor(t[k0 + int(np.nanargmin(sc.cmap[k0:]))] - sc.last_dose + 0.5)
    if name == "effect_rel_max_visit":
        best = max(sc.at(e, v) for v in arg["visits"])
        return sc.at(e, day) / best
    if name == "mean_effect_between":
        days = np.arange(arg["start"], arg["end"] + 1)
        return 100 * float(np.mean(np.interp(days, t, e)))
    if name in ("onset_day", "peak_day", "duration_days", "duration_weeks"):
        on, pk, _, du = R.classic(t, e[:, None], sc.last_dose)
        v = {"onset_day": on, "peak_day": pk, "duration_days": du, "duration_weeks": du / 7}[name]
        return float(v[0])
    if name == "noticeable_onset_day":
        return float(R.noticeable_onset(t, e[:, None], ctx.T["perceptible_pct"] / 100, sc.last_dose)[0])
    if name == "response_duration_days":
        thr = arg.get("threshold_pct", ctx.response_pct(sc.indication)) / 100
        return float(R.response_duration(t, e[:, None], thr, sc.last_dose)[0])
    if name == "force_recovery_day":
        k0 = int(np.searchsorted(t, sc.last_dose))
        kp = k0 + int(np.argmax(e[k0:]))
        return _crossing(t, e, kp, 1 - arg["fraction"], False) - sc.last_dose
    if name in ("release_recovery_week", "parent_release_recovery_week"):
        y = sc.release if name == "release_recovery_week" else sc.release_parent
        k0 = int(np.searchsorted(t, sc.last_dose))
        km = k0 + int(np.argmin(y[k0:]))
        return (_crossing(t, y, km, arg["fraction"], True) - sc.last_dose) / 7
    if name in ("struct_peak_effect", "struct_half_peak_day", "struct_effect_at"):
        j = sc.run.struct(arg["muscle"], arg.get("side"))
        y = sc.run.effect[:, 0, j].astype(float)
        if name == "struct_peak_effect":
            return 100 * y.max()
        if name == "struct_effect_at":
            return 100 * sc.at(y, day)
        _, _, _, du = R.classic(t, y[:, None])
        return float(du[0])
    raise ValueError(f"unknown metric {name}")


def population_metric(ctx, sc, name, arg):
    run, t = sc.run, sc.t
    thr_n = ctx.T["perceptible_pct"] / 100
    thr_r = arg.get("threshold_pct", ctx.response_pct(sc.indication)) / 100
    if name == "risk":
        p, _ = run.risks(ctx.thresholds, ctx.thresholds.get("default", 25),
                         days=arg.get("days")).get(arg["effect"], (0.0, None))
        placebo = arg.get("placebo_pct", 0.0) / 100
        return 100 * (1 - (1 - placebo) * (1 - p))
    if name == "responders_at":
        r = responders(run, thr_r)
        return 100 * float(np.interp(arg["day"], t, r))
    if name in ("noticeable_share_by", "median_noticeable_onset", "median_response_duration",
                "mean_noticeable_onset", "response_duration_cv", "median_duration_days",
                "duration_cv", "onset_iqr_ratio"):
        E = run.plan_effect("effect")
        if name == "noticeable_share_by":
            on = R.noticeable_onset(t, E, thr_n)
            share = np.mean(np.nan_to_num(on, nan=np.inf) <= arg["day"])
            placebo = arg.get("placebo_pct", 0.0) / 100
            return 100 * (1 - (1 - placebo) * (1 - share))
        if name in ("median_noticeable_onset", "mean_noticeable_onset", "onset_iqr_ratio"):
            on = R.noticeable_onset(t, E, thr_n)
            on = np.nan_to_num(on, nan=np.inf)
            if name == "mean_noticeable_onset":
                return float(np.mean(on[np.isfinite(on)]))
            if name == "onset_iqr_ratio":
                q1, q3 = np.percentile(on, [25, 75])
                return q3 / q1
            return float(np.median(on))
        if name in ("median_duration_days", "duration_cv"):
            _, _, _, du = R.classic(t, E)
            du = du[np.isfinite(du)]
            return float(np.median(du)) if name == "median_duration_days" else float(np.std(du) / np.mean(du))
        d = R.response_duration(t, E, thr_r)
        resp = d[~np.isnan(d)]
        if name == "response_duration_cv":
            resp = resp[np.isfinite(resp)]
            return float(np.std(resp) / np.mean(resp))
        return float(np.median(resp)) if len(resp) else math.nan
    if name == "peak_effect":
        return 100 * float(np.median(run.plan_effect("effect").max(axis=0)))
    if name == "mean_struct_peak":
        cols = [j for j, st in enumerate(run.layout.structs) if st["id"] in arg["muscles"]]
        return 100 * float(run.effect[:, :, cols].max(axis=0).mean())
    raise ValueError(f"unknown population metric {name}")


# ---- Scoring ---------------------------------------------------------------------------------------

def observed_range(obs):
    if obs is None:
        return (math.nan, math.nan)
    if isinstance(obs, (list, tuple)):
        return (float(obs[0]), float(obs[1]))
    return (float(obs), float(obs))


def _needed(ds):
    """Checks that count for the fit: the scored ones and those a scored ratio divides."""
    need = {c["id"] for c in ds["checks"] if c["status"] == "scored"}
    for c in ds["checks"]:
        if c["status"] == "scored" and c.get("metric") == "ratio_of":
            need |= {c["arg"]["num"], c["arg"]["den"]}
    return need


def run_dataset(ctx, ds, scored_only=False):
    scen = {}
    results = []
    need = _needed(ds) if scored_only else None
    for c in ds["checks"]:
        if need is not None and c["id"] not in need:
            continue
        lo, hi = observed_range(c.get("observed"))
        res = {"id": c["id"], "label": c["label"], "unit": c["unit"], "status": c["status"],
               "observed_lo": lo, "observed_hi": hi, "tolerance": c.get("tolerance"),
               "predicted": math.nan, "error": math.nan, "note": c.get("note", "")}
        name = c.get("metric")
        if name and name != "ratio_of":
            sname = c.get("scenario")
            sc = None
            if sname:
                if sname not in scen:
                    scen[sname] = run_scenario(ctx, ds, ds["scenarios"][sname], sname)
                sc = scen[sname]
            try:
                res["predicted"] = float(metric(ctx, ds, sc, name, c.get("arg")))
            except (ValueError, ZeroDivisionError, FloatingPointError) as ex:
                res["predicted"] = math.nan
                res["why_nan"] = str(ex)
        results.append(res)
    by_id = {r["id"]: r for r in results}
    checks = [c for c in ds["checks"] if need is None or c["id"] in need]
    for c, res in zip(checks, results):
        if c.get("metric") == "ratio_of":
            a = by_id[c["arg"]["num"]]["predicted"]
            b = by_id[c["arg"]["den"]]["predicted"]
            res["predicted"] = a / b if b else math.nan
    for res in results:
        p, lo, hi = res["predicted"], res["observed_lo"], res["observed_hi"]
        if math.isfinite(p) and math.isfinite(lo):
            res["error"] = p - lo if p < lo else p - hi if p > hi else 0.0
        elif math.isinf(p) and math.isfinite(lo):
            res["error"] = p
        if res["status"] == "scored":
            tol = res["tolerance"] or 0.0
            ok = math.isfinite(res["error"]) and abs(res["error"]) <= tol * (1 + 1e-9) + 1e-12
            res["status"] = "PASS" if ok else "FAIL"
    return results, scen


def run_all(ctx, calibration=None, only=None, scored_only=False, skip_kinds=()):
    """Every dataset (or those in only); skip_kinds leaves out datasets of those kinds (the fit
    skips the verification tables, which no fitted parameter changes)."""
    cal = calibration or load_json("calibration.json")
    out = []
    for ds in cal["datasets"]:
        if (only and ds["id"] not in only) or ds.get("kind") in skip_kinds:
            continue
        res, _ = run_dataset(ctx, ds, scored_only)
        out.append((ds, res))
    return out
