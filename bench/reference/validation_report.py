#!/usr/bin/python3
"""Writes docs/validation.md and docs/validation/*.svg from `bont validate` (rerun after every
calibration): the summary table, each dataset's checks with observed, predicted, error, tolerance
and the reason for the tolerance, and the plots.

Usage: /usr/bin/python3 bench/reference/validation_report.py [--bont build/bont]
"""
import argparse
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

INTRO = """# Validation of the bont model

`bont validate` runs the model with its one parameter set (`data/model-params.json`) on every
dataset of `data/calibration.json`, which holds the reference's calibration CSVs verbatim (with
their source lines) and the checks made on them. It prints observed against predicted with the
error and the tolerance, exits 1 when a scored check is outside its tolerance, and writes one
plot per dataset (`bont validate --svg-dir DIR`). This page is generated from it by
`bench/reference/validation_report.py`; the calibration itself is `bench/reference/calibrate.py`
(section "Calibration" below).

## How to read the checks

- **scored**: counts; PASS when |error| <= tolerance, where error is the distance from the
  prediction to the observed value or range. Every tolerance is justified in its note: by the
  precision the source reports (rounding, standard errors from the SD and n), by what the
  observation can mean (a visit schedule, a responder rate), or by the gap between a clinical
  measure and the model's readout. None was widened to make a check pass; a check the model
  cannot meet is marked "shown" with the reason instead (below).
- **shown**: computed and printed, not scored, because an input is UNCONFIRMED in the reference
  (product, endpoint), because the number is from another species' time scale (mouse times, where
  ratios are scored instead), or because the model fits it badly for a reason stated here.
- **input**: the number is a model parameter (Foran half-lives, Simpson rates, the Toxicon
  threshold, the unit ratio); shown so the table is complete.
- **not modelled**: the model has no counterpart (stimulation-frequency effects, spread,
  cleaved-fragment clearance), or the source has no usable number.

Observed numbers are the CSVs' numbers, or arithmetic on them that the check's label shows
(e.g. placebo-corrected TWSTRS ratios). Two datasets come from `clinical-facts.md` rather than a
calibration CSV, with their source ids: the label and trial time courses (section 4 there) and
the masseter thickness (MS1).

## Calibration

`bench/reference/calibrate.py` fits the parameters marked "calibrated" in
`data/model-params.json` (12 of 26) by minimising the sum over scored checks of
(error / tolerance)^2, steeper beyond 90 % of a tolerance, with the errors exactly as
`bont validate` computes them (the C binary is the scorer, so fit and report cannot disagree).
Trust-region least squares then Nelder-Mead, in log space within physical bounds, from the current
file and (unless `--single`) from BioModels kS with mid-range values. Literature, derived and
design parameters are never fitted. The fit ends with every scored check inside its tolerance;
two parameters sit at an edge (docs/model.md section 11: kS at its lower bound, glabellar onset at
2.0 days).
One parameter set serves every dataset; the only scenario-specific settings are the published
kS values of the Lebeda verification table (that table is a function of kS) and the rodent kS for
rodent datasets (a property of the preparation, `k_bulk_rodent_per_min`, Lebeda 2008).

Rerun: `make build && /usr/bin/python3 bench/reference/calibrate.py --write && make build &&
/usr/bin/python3 bench/reference/validation_report.py`.
"""

FITS_BADLY = """## Fitted badly, and why

- **RimabotulinumtoxinB duration** (clinical_time_course/rima_duration, shown): the Myobloc label
  gives 12-16 weeks at 5000-10000 U for cervical dystonia; the model gives about 6-7 weeks at
  5000 U. Light-chain persistence comes from neurons in culture (Foran 2003: B 10 d against A
  31 d) and drives recovery of the parent terminal; in human muscle B evidently persists longer
  than that, or recovery is carried more by sprouts than the fit allows. The issue's own target
  (B wears off clearly sooner than A at matched peak effect) holds; the size of the difference is
  too large.
- **Sweat reduction size** (axillary, shown rows): the model plateaus near 67 % reduction at
  50 U, against 88-92 % in the studies whose product is UNCONFIRMED (Odderson 2002, Heckmann
  2001). The scored, confirmed data (Naumann 2001: most patients >= 50 % less sweat at weeks 4 and
  16) are met. The floor of intact SNAP-25 (section 3 of model.md), fitted mostly to muscle data,
  limits gland block too.
- **Mouse and rat time scales** (de Paiva 28 d, Rogozhin 6/11/15 weeks; shown): with human
  sprouting and light-chain parameters the model recovers 2-4 times slower than mouse junctions.
  The ratios between one, two and three injections, which do not depend on the species' time
  scale, are scored and pass.
- **Isolated hemidiaphragm** (shown): a bath is not an injection; the three-step chain's t50 of
  80 min against 51 min observed is "the same order", as the reference itself says.
- **Trapezius**: not a dataset, but visible in the cervical dystonia example: a 200 mL muscle
  injected in its upper part gets a low dose per mL over the whole atlas volume and almost no
  effect; the spread model (issue 4) is where the injected region's volume belongs.
"""


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1e4 or (0 < abs(v) < 1e-3):
        return f"{v:.3g}"
    return f"{v:.4g}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bont", default=os.path.join(ROOT, "build", "bont"))
    a = ap.parse_args()
    plots = os.path.join(ROOT, "docs", "validation")
    os.makedirs(plots, exist_ok=True)
    r = subprocess.run([a.bont, "validate", "--format", "json", "--svg-dir", plots],
                       capture_output=True, text=True, cwd=ROOT)
    res = json.loads(r.stdout)
    with open(os.path.join(ROOT, "data", "calibration.json"), encoding="utf-8") as f:
        cal = {d["id"]: d for d in json.load(f)["datasets"]}
    out = [INTRO, "## Summary\n",
           f"{res['passed']} scored checks pass, {res['failed']} fail; {res['shown']} more are "
           "shown without a score.\n",
           "| dataset | species | scored | passed | failed | RMS error/tolerance |",
           "|---|---|---|---|---|---|"]
    for d in res["datasets"]:
        c = cal[d["id"]]
        rms = "-" if d["rms_norm_error"] is None else f"{d['rms_norm_error']:.2f}"
        out.append(f"| [{d['id']}](#{d['id'].lower()}) | {c.get('species', '')} | "
                   f"{d['passed'] + d['failed']} | {d['passed']} | {d['failed']} | {rms} |")
    out.append("")
    out.append(FITS_BADLY)
    out.append("## Datasets\n")
    for d in res["datasets"]:
        c = cal[d["id"]]
        out.append(f"### {d['id']}\n")
        out.append(f"Source: {c.get('source', '')}  ")
        out.append(f"File: `{c['file']}`. Species: {c.get('species', '')}.\n")
        out.append(c.get("summary", "") + "\n")
        out.append(f"![{d['id']}](validation/{d['id']}.svg)\n")
        out.append("| check | status | observed | predicted | error | tolerance | unit | why |")
        out.append("|---|---|---|---|---|---|---|---|")
        notes = {x["id"]: x for x in c["checks"]}
        for k in d["checks"]:
            lo, hi = k["observed_lo"], k["observed_hi"]
            obs = "-" if lo is None else (fmt(lo) if lo == hi else f"{fmt(lo)}-{fmt(hi)}")
            tol = fmt(k["tolerance"]) if k["status"] in ("PASS", "FAIL") else "-"
            n = notes[k["id"]]
            label = n["label"].replace("|", "/")
            out.append(f"| {label} | {k['status']} | {obs} | {fmt(k['predicted'])} | "
                       f"{fmt(k['error'])} | {tol} | {k['unit']} | {n['note'].replace('|', '/')} |")
        out.append("")
    out.append("## Differential test against the reference implementation\n")
    out.append(DIFF)
    with open(os.path.join(ROOT, "docs", "validation.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"wrote docs/validation.md and {len(res['datasets'])} plots in docs/validation/")


DIFF = """`tests/test_simulate.c: differential_python_reference_on_examples` runs `bont simulate
--format json` and `bench/reference/bont_ref.py simulate` on every plan in `examples/` (180 days)
and requires, for every target: effect_pct and cmap_pct within 0.2 percentage points on every
day, peak_effect_pct within 0.2 points, onset_day and duration_days within 0.2 day (or both
undefined), peak_day within 1 day. Why these: both outputs are rounded to 0.1 (so 0.1 of the
difference is rounding), the C grid of 0.1 day adds at most 0.003 points of effect
(performance.md), and a peak that is flat to the printed decimal can fall on neighbouring days.
Nothing is skipped: a missing SciPy fails the test. Measured: see performance.md, section Model.
"""

if __name__ == "__main__":
    main()
