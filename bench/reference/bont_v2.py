#!/usr/bin/python3
"""The bont model v2 in Python (docs/model.md, docs/spread.md): the independent reference the C
port follows, and the fit.

Usage:
  bont_v2.py simulate PLAN.json [--days N] [--lsoda]     median patient, JSON like `bont simulate`
  bont_v2.py patients PLAN.json [--patients N] [--seed S] [--days N]
                                                          virtual patients: risks with 95 % intervals,
                                                          readout percentiles, responders by week
  bont_v2.py validate [--patients N] [--datasets ID,...]
  bont_v2.py fit [--groups P,S,V] [--datasets ID,...] [--patients N] [--max-nfev N] [--nm] [--write]
  bont_v2.py compare [--days N]                           grid scheme against LSODA on every example
  bont_v2.py report                                       regenerates the tables in docs/validation.md,
                                                          docs/model.md and docs/spread.md, and the
                                                          plots in docs/validation/ (one per dataset)
  bont_v2.py selftest                                     the reference's own checks (exposure conserves
                                                          units; grid scheme against LSODA for random
                                                          parameters; readouts on known curves)
"""
import argparse
import glob
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refkb import ROOT  # noqa: E402
from v2 import model as M  # noqa: E402
from v2 import readouts as R  # noqa: E402
from v2.exposure import Layout, Plan, exposures  # noqa: E402
from v2.population import PlanRun, readout_arrays, responders  # noqa: E402
from v2.validate import Context, run_all  # noqa: E402


def _r(x, nd=1):
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def simulate(ctx, doc, days, lsoda=False):
    """Median patient of a plan: per structure, daily effect and the readouts."""
    run = PlanRun(ctx.kb, doc, ctx.P, ctx.S, days=days, spd=10)
    ind = run.plan.indication
    thr_n, thr_r = ctx.T["perceptible_pct"] / 100, ctx.response_pct(ind) / 100
    out = {"model": "bont-v2", "days": days, "patients": 1, "indication": ind, "muscles": []}
    day_idx = [int(np.argmin(np.abs(run.t - d))) for d in range(days + 1)]
    for j, st in enumerate(run.layout.structs):
        if lsoda:
            conc = {s: float(c[0, j]) for s, c in run.conc.items()}
            sess = [M.Session(0.0, {s: np.array([c]) for s, c in conc.items()},
                              np.array([run.scale[0, j]]))]
            o = M.run_lsoda(ctx.P, st["tissue"], sess, run.t)
            e = o["effect"][:, 0]
        else:
            e = run.effect[:, 0, j].astype(float)
        on, pk, peak, du = R.classic(run.t, e[:, None])
        entry = {"muscle": st["id"], "side": st["side"],
                 "role": "target" if st["injected"] else "spread",
                 "concentration_u_per_ml": _r(sum(c[0, j] for c in run.conc.values()), 4),
                 "scale": _r(run.scale[0, j], 3),
                 "effect_pct": [_r(100 * e[k]) for k in day_idx],
                 "readouts": {"onset_day": _r(on[0]), "peak_day": _r(pk[0], 0),
                              "peak_effect_pct": _r(peak[0]), "duration_days": _r(du[0]),
                              "noticeable_onset_day": _r(R.noticeable_onset(run.t, e[:, None], thr_n)[0]),
                              "response_duration_days": _r(R.response_duration(run.t, e[:, None], thr_r)[0])}}
        out["muscles"].append(entry)
    return out


def patients(ctx, doc, n, seed, days):
    run = PlanRun(ctx.kb, doc, ctx.P, ctx.S, ctx.V, n=n, seed=seed, days=days)
    ind = run.plan.indication
    thr_n, thr_r = ctx.T["perceptible_pct"] / 100, ctx.response_pct(ind) / 100
    risks = run.risks(ctx.thresholds, ctx.thresholds.get("default", 25), days=min(days, 120))
    ro = readout_arrays(run, thr_n, thr_r)
    resp = responders(run, thr_r)
    weeks = [w for w in (2, 4, 8, 12, 16, 24, 36) if 7 * w <= days]
    pct = lambda a: [_r(np.percentile(a[np.isfinite(a)], q)) if np.isfinite(a).any() else None
                     for q in (5, 25, 50, 75, 95)]
    return {"model": "bont-v2", "patients": n, "seed": seed, "indication": ind,
            "thresholds_pct": {"perceptible": 100 * thr_n, "response": 100 * thr_r},
            "risks": {k: {"probability_pct": _r(100 * p, 2),
                          "ci95_pct": [_r(100 * lo, 2), _r(100 * hi, 2)]}
                      for k, (p, (lo, hi)) in sorted(risks.items(), key=lambda kv: -kv[1][0])},
            "plan_readouts_p5_p25_p50_p75_p95": {k: pct(v) for k, v in ro.items()},
            "no_response_pct": _r(100 * np.mean(np.isnan(ro["response_duration_days"]))),
            "responders_pct_by_week": {w: _r(100 * float(np.interp(7 * w, run.t, resp)))
                                       for w in weeks}}


def _cells(r):
    lo, hi = r["observed_lo"], r["observed_hi"]
    obs = "" if not math.isfinite(lo) else (f"{lo:.4g}" if lo == hi else f"{lo:.4g}-{hi:.4g}")
    p = r["predicted"]
    pred = "> horizon" if math.isinf(p) else "" if not math.isfinite(p) else f"{p:.4g}"
    err = "" if not math.isfinite(r["error"]) else f"{r['error']:.3g}"
    tol = "" if r["tolerance"] is None else f"{r['tolerance']:g}"
    return obs, pred, err, tol, r["status"].replace("_", " ")


def dataset_markdown(res):
    """One dataset's checks as a Markdown table."""
    lines = ["| check | status | observed | predicted | error | tolerance | unit | why |",
             "|---|---|---|---|---|---|---|---|"]
    for r in res:
        obs, pred, err, tol, st = _cells(r)
        why = r["note"].replace("|", "/")
        lines.append(f"| {r['label']} | {st} | {obs} | {pred} | {err} | {tol} | {r['unit']} | {why} |")
    return "\n".join(lines)


def table(results):
    """Every dataset's checks as aligned text, and the count of passes and failures."""
    lines = []
    n_pass = n_fail = 0
    for ds, res in results:
        lines.append(f"\n== {ds['id']}")
        for r in res:
            obs, pred, err, tol, st = _cells(r)
            n_pass += r["status"] == "PASS"
            n_fail += r["status"] == "FAIL"
            lines.append(f"  {r['id'][:34]:34s} {st:12s} {obs:>14s} {pred:>10s} {err:>8s} "
                         f"{tol:>6s} {r['unit']}")
    lines.append(f"\n{n_pass} scored checks pass, {n_fail} fail")
    return "\n".join(lines)


def validate_json(results):
    """Every check's status and prediction (null when not a finite number, "inf" for an
    infinite one), with the patients and kind of its scenario, for the C port's comparison."""
    out = []
    for ds, res in results:
        scen = ds.get("scenarios", {})
        by_id = {c["id"]: c for c in ds["checks"]}
        checks = []
        for r in res:
            c = by_id[r["id"]]
            p = r["predicted"]
            sc = scen.get(c.get("scenario") or "", {})
            checks.append({"id": r["id"], "status": r["status"], "metric": c.get("metric"),
                           "patients": sc.get("patients"),
                           "predicted": None if math.isnan(p) else ("inf" if math.isinf(p) else p)})
        out.append({"id": ds["id"], "checks": checks})
    return {"datasets": out}


def _replace_block(path, name, text):
    """Replaces what lies between <!-- generated:NAME --> and <!-- /generated:NAME --> in a doc."""
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    a, b = f"<!-- generated:{name} -->", f"<!-- /generated:{name} -->"
    i, j = doc.index(a) + len(a), doc.index(b)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc[:i] + "\n" + text.rstrip() + "\n" + doc[j:])


# The rows of issue 10's table: (what, published, [(dataset, check)], published range or None)
TARGETS = [
    ("glabellar 20 U, eyelid ptosis", "2.4 % pooled phase 3 (issue: 1-4 %)",
     [("model_v2_targets", "glabellar_ptosis")], (1.0, 4.0)),
    ("chronic migraine 155 U, eyelid ptosis", "about 4 %, label (issue: 1.5-8 %)",
     [("model_v2_targets", "migraine_ptosis")], (1.5, 8.0)),
    ("strabismus 2.5 U, medial rectus below half its peak", "paralysis 2-6 weeks, label "
     "(issue: 14-70 d)", [("model_v2_targets", "strabismus_half")], (14.0, 70.0)),
    ("trapezius 50 U in cervical dystonia, peak effect", "a main target muscle (issue: >= 20 %)",
     [("model_v2_targets", "trapezius_peak")], (20.0, 100.0)),
    ("type B / type A duration, cervical dystonia", "12.1 / 14 weeks (issue: 0.75-1.3)",
     [("model_v2_targets", "b_over_a")], (0.75, 1.3)),
    ("glabellar responders at week 24, 20 U", "16 %", [("dose_duration_aesthetic", "pmc_wk24_20")],
     None),
    ("glabellar responders at week 24, 40 / 60 / 80 U", "32 / 30.6 / 38.5 %",
     [("dose_duration_aesthetic", f"pmc_wk24_{u}") for u in (40, 60, 80)], None),
    ("sweat reduction at label doses (axillary 50 U, week 2)", "88-92 %",
     [("model_v2_targets", "sweat_plateau")], (88.0, 92.0)),
    ("noticing the effect by day 1, abobotulinumtoxinA 50 / 75 / 100 / 125 U",
     "25.6 / 35.4 / 30.0 / 41.3 % (26-41 %)",
     [("onset_distribution_trials", f"joseph_day1_{u}") for u in (50, 75, 100, 125)],
     (25.6, 41.3)),
]


def targets_markdown(results):
    by = {(ds["id"], r["id"]): r for ds, res in results for r in res}
    lines = ["| issue 10 row | published | v2 | inside the published range |", "|---|---|---|---|"]
    for what, pub, keys, rng in TARGETS:
        rs = [by[k] for k in keys]
        vals = " / ".join(f"{r['predicted']:.3g}" for r in rs)
        if rng:
            inside = all(rng[0] <= r["predicted"] <= rng[1] for r in rs)
        else:
            inside = all(r["observed_lo"] <= r["predicted"] <= r["observed_hi"] for r in rs)
        ok = "yes" if inside else ("within tolerance" if all(r["status"] == "PASS" for r in rs)
                                   else "no")
        lines.append(f"| {what} | {pub} | {vals} | {ok} |")
    return "\n".join(lines)


def report(ctx):
    """Runs every dataset with the sizes in the file and writes the generated parts of the docs."""
    import param_table
    results = run_all(ctx)
    rows = ["| dataset | species | scored | passed | failed | shown | RMS error/tolerance |",
            "|---|---|---|---|---|---|---|"]
    n_pass = n_fail = n_shown = 0
    for ds, res in results:
        p = sum(r["status"] == "PASS" for r in res)
        fl = sum(r["status"] == "FAIL" for r in res)
        sh = sum(r["status"] == "shown" for r in res)
        errs = [r["error"] / r["tolerance"] for r in res if r["status"] in ("PASS", "FAIL")
                and r["tolerance"] and math.isfinite(r["error"])]
        rms = f"{math.sqrt(sum(e * e for e in errs) / len(errs)):.2f}" if errs else "-"
        rows.append(f"| [{ds['id']}](#{ds['id'].lower()}) | {ds.get('species', '')} | {p + fl} | "
                    f"{p} | {fl} | {sh} | {rms} |")
        n_pass, n_fail, n_shown = n_pass + p, n_fail + fl, n_shown + sh
    summary = (f"{n_pass} scored checks pass, {n_fail} fail; {n_shown} more are shown without a "
               f"score.\n\n" + "\n".join(rows))
    from v2 import plots
    doc_dir = os.path.join(ROOT, "docs")
    svgs = plots.write_all(results, os.path.join(doc_dir, "validation"))
    body = []
    for ds, res in results:
        body.append(f"### {ds['id']}\n")
        if ds["id"] in svgs:
            body.append(f"![{ds['id']}: predicted against observed](validation/{svgs[ds['id']]})\n")
        if ds.get("source"):
            body.append(f"Source: {ds['source']}  ")
        body.append(f"File: `{ds.get('file', '')}`. Species: {ds.get('species', '')}.\n")
        body.append(ds.get("summary", "") + "\n")
        body.append(dataset_markdown(res))
        body.append("")
    _replace_block(os.path.join(doc_dir, "validation.md"), "summary", summary)
    _replace_block(os.path.join(doc_dir, "validation.md"), "targets", targets_markdown(results))
    _replace_block(os.path.join(doc_dir, "validation.md"), "datasets", "\n".join(body))
    _replace_block(os.path.join(doc_dir, "model.md"), "parameters", param_table.table())
    _replace_block(os.path.join(doc_dir, "spread.md"), "parameters",
                   param_table.table("spread-params.json"))
    spread = [(ds, res) for ds, res in results
              if ds["id"] in ("ptosis_rates_by_indication", "side_effect_rates")]
    _replace_block(os.path.join(doc_dir, "spread.md"), "rates",
                   "\n\n".join(f"**{ds['id']}**\n\n" + dataset_markdown(res) for ds, res in spread))
    print(summary.split("\n")[0])


def selftest(ctx, n_random=24, seed=3):
    """Checks of the reference against itself; exits 1 on the first failure."""
    rng = np.random.default_rng(seed)
    fails = 0
    # 1. A single site shares its units between the target and the neighbours (model.md 1.3).
    for f in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        doc = json.load(open(f, encoding="utf-8"))
        try:
            plan = Plan(ctx.kb, doc)
        except SystemExit:
            continue
        for inj in plan.injections:
            one = dict(doc, injections=[{"muscle": inj.muscle["id"], "units": 10.0, "sites": 1,
                                         "volume_ml": 0.1,
                                         **({"side": inj.side} if inj.side != "midline" else {})}])
            lay = Layout(ctx.kb, Plan(ctx.kb, one))
            conc, scale = exposures(lay, ctx.P, ctx.S)
            from v2.exposure import field_of
            rb, rf, vf = field_of(ctx.P, inj.muscle["kind"], 0.1)
            t = lay.structs[0]
            c = sum(v[0] for v in conc.values())
            acting = c[0] * min(float(vf), t["volume_ml"]) / \
                min(1.0, float(vf) / (scale[0, 0] * t["volume_ml"]))
            for j, st in enumerate(lay.structs[1:], 1):
                vol = st["volume_ml"]
                acting += c[j] * scale[0, j] * vol
            units = 10.0 / math.sqrt(plan.product["ratio_to_ona"]["min"] *
                                     plan.product["ratio_to_ona"]["max"])
            if abs(acting - units) > 1e-6 * units:
                print(f"FAIL exposure: {inj.muscle['id']}: {acting:.6g} U acting of {units:.6g}")
                fails += 1
    # 2. Grid scheme at 10 steps a day against LSODA, random parameters (model.md 12.8, test 1).
    worst = 0.0
    t = M.grid_times(365, (0.0, 120.0), 10)
    for _ in range(n_random):
        P = dict(ctx.P)
        for k in ("k_bulk_per_min", "cleave_max_per_d", "cleave_km_u_per_ml", "snare_synth_per_d",
                  "lc_half_life_d.A", "lc_half_life_d.B", "sprout_rate_per_d.muscle",
                  "sprout_rate_per_d.extraocular", "atrophy_rate_per_d", "atrophy_recovery_per_d",
                  "uptake_sat_u_per_ml"):
            P[k] = P[k] * math.exp(0.4 * rng.standard_normal())
        tissue = str(rng.choice(M.TISSUES))
        sero = str(rng.choice(["A", "B"]))
        c = 10 ** rng.uniform(-2, 1.5)
        sess = [M.Session(0.0, {sero: np.array([c])}, np.array([rng.uniform(0.2, 1)]))]
        if rng.random() < 0.5:
            sess.append(M.Session(120.0, {sero: np.array([c])}, np.array([0.5])))
        g = M.run_grid(M.Compartments(P, np.array([tissue]), sess), t)["effect"][:, 0]
        r = M.run_lsoda(P, tissue, sess, t)["effect"][:, 0]
        worst = max(worst, 100 * float(np.max(np.abs(g - r))))
    print(f"grid (10 steps a day) against LSODA, {n_random} random sets: worst {worst:.3f} points")
    if worst > 0.3:
        fails += 1
    # 3. Readouts on a curve with known answers: rises linearly to 0.8 at day 10, falls to 0 at 110.
    tt = np.linspace(0, 200, 2001)
    e = np.interp(tt, [0, 10, 110, 200], [0, 0.8, 0.0, 0.0])[:, None]
    on, pk, peak, du = R.classic(tt, e)
    checks = [(on[0], 2.5), (pk[0], 10), (peak[0], 80), (du[0], 60),
              (R.noticeable_onset(tt, e, 0.25)[0], 3.125),
              (R.response_duration(tt, e, 0.4)[0], 55.0)]
    for got, want in checks:
        if abs(got - want) > 1e-6:
            print(f"FAIL readouts: {got} instead of {want}")
            fails += 1
    print("selftest:", "ok" if not fails else f"{fails} failures")
    return fails


def compare(ctx, days):
    """Largest difference between the grid scheme and LSODA on every example plan's median
    patient (the differential check of the scheme C will implement)."""
    worst = 0.0
    for f in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        doc = json.load(open(f, encoding="utf-8"))
        try:
            a = simulate(ctx, doc, days)
            b = simulate(ctx, doc, days, lsoda=True)
        except SystemExit as ex:
            print(f"{os.path.basename(f)}: skipped ({ex})")
            continue
        d = max(abs((x or 0) - (y or 0)) for ma, mb in zip(a["muscles"], b["muscles"])
                for x, y in zip(ma["effect_pct"], mb["effect_pct"]))
        worst = max(worst, d)
        print(f"{os.path.basename(f):40s} {len(a['muscles']):3d} structures, max |grid - LSODA| "
              f"{d:.2f} points")
    print(f"worst {worst:.2f} points")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("simulate")
    s.add_argument("plan")
    s.add_argument("--days", type=int, default=180)
    s.add_argument("--lsoda", action="store_true")
    s = sub.add_parser("patients")
    s.add_argument("plan")
    s.add_argument("--patients", type=int, default=2000)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--days", type=int, default=180)
    s = sub.add_parser("validate")
    s.add_argument("--patients", type=int)
    s.add_argument("--datasets")
    s.add_argument("--json", action="store_true",
                   help="every check's status and prediction as JSON (tests/test_validate.c)")
    s = sub.add_parser("fit")
    s.add_argument("--groups", default="P,S,V")
    s.add_argument("--params", help="only these parameters of the groups (names as in fit.py)")
    s.add_argument("--datasets")
    s.add_argument("--patients", type=int, default=0,
                   help="virtual patients per population scenario (0: the sizes in the file)")
    s.add_argument("--risk-patients", type=int, default=1000,
                   help="with --patients: at least this many (up to the file's size) in the "
                        "scenarios read only by risk checks")
    s.add_argument("--skip-risk", action="store_true",
                   help="leave the side-effect rates out (a stage of the fit without spread)")
    s.add_argument("--max-nfev", type=int, default=200)
    s.add_argument("--nm", action="store_true", help="Nelder-Mead instead of least squares")
    s.add_argument("--write", action="store_true")
    s.add_argument("--best-file", help="keep the best values so far in this JSON file")
    s.add_argument("--start", help="start from the values of such a file")
    s = sub.add_parser("compare")
    s.add_argument("--days", type=int, default=180)
    sub.add_parser("report")
    sub.add_parser("selftest")
    a = ap.parse_args()
    if a.cmd == "fit":
        from v2 import fit
        fit.run(a.groups.split(","), a.datasets.split(",") if a.datasets else None, a.patients,
                a.max_nfev, "nm" if a.nm else "lsq", a.write, a.best_file, a.start,
                a.risk_patients, a.skip_risk, a.params.split(",") if a.params else None)
        return
    ctx = Context(patients=getattr(a, "patients", None) if a.cmd == "validate" else None)
    if a.cmd == "simulate":
        json.dump(simulate(ctx, json.load(open(a.plan, encoding="utf-8")), a.days, a.lsoda), sys.stdout)
        print()
    elif a.cmd == "patients":
        print(json.dumps(patients(ctx, json.load(open(a.plan, encoding="utf-8")), a.patients,
                                  a.seed, a.days), indent=1))
    elif a.cmd == "validate":
        res = run_all(ctx, only=set(a.datasets.split(",")) if a.datasets else None)
        if a.json:
            print(json.dumps(validate_json(res)))
        else:
            print(table(res))
    elif a.cmd == "compare":
        compare(ctx, a.days)
    elif a.cmd == "report":
        report(ctx)
    elif a.cmd == "selftest":
        sys.exit(1 if selftest(ctx) else 0)


if __name__ == "__main__":
    main()
