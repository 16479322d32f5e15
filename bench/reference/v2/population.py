"""Virtual patients v2: parameter variability, exposure deviates, one run of a plan for N patients,
the plan-level effect, responders and the side-effect risk with its 95 % interval
(docs/model.md sections 9-10, docs/spread.md section 3).

One engine serves `bont check` and `bont simulate --patients`: every risk is the share of
virtual patients whose peak loss of a structure's function passes the effect's threshold, with
the Wilson 95 % interval of that share.
"""
import math

import numpy as np

from . import model as M
from . import readouts as R
from .exposure import Layout, Plan, exposures


def apply_variability(P, V, z):
    """Per-patient parameters: dict name -> (N,) arrays (or the median scalar when no entry moves
    it). V is data/variability.json's "parameters"; z (N, len(V)) standard normal deviates."""
    out = dict(P)
    for i, e in enumerate(V):
        for name in e["params"]:
            med = np.asarray(P[name], dtype=float)
            if e.get("transform", "log") == "logit":
                m = np.clip(med, 1e-12, 1 - 1e-12)
                out[name] = 1.0 / (1.0 + np.exp(-(np.log(m / (1 - m)) + e["sd"] * z[:, i])))
            else:
                out[name] = med * np.exp(e["sd"] * z[:, i])
    return out


def wilson(k, n, z=1.959964):
    """95 % Wilson score interval of k events in n."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


class PlanRun:
    """A plan run for N patients (N = 1 and no deviates: the median patient).

    Attributes: layout, t (K+1,), effect (K+1, N, n_struct) whole-structure effect, field
    (K+1, N, n_struct) effect in the reached part, cmap, atrophy_field, scale (N, n_struct),
    weights (n_struct,) units injected into each target (0 for spread-only structures)."""

    def __init__(self, kb, plan_doc, P, S, V=None, n=1, seed=1, days=180, spd=None,
                 deviates=True, sessions=(0.0,), kbulk=None, only=None):
        """only: a predicate on layout structures; the others are not simulated (their effect
        stays 0), which a caller that reads a few structures uses to save time."""
        self.plan = Plan(kb, plan_doc)
        self.layout = Layout(kb, self.plan)
        ns = len(self.layout.structs)
        rng = np.random.default_rng(seed)
        if deviates and n > 1:
            zv = rng.standard_normal((n, len(V or [])))
            z_prox = rng.standard_normal(n)
            u_site = rng.random((n, max(1, self.layout.n_sites)))
            Pp = apply_variability(P, V or [], zv)
        else:
            n, z_prox, u_site, Pp = 1, None, None, dict(P)
        self.n, self.params = n, Pp
        conc, scale = exposures(self.layout, Pp, S, z_prox, u_site)
        self.conc, self.scale = conc, scale
        cols = [j for j, st in enumerate(self.layout.structs) if only is None or only(st)]
        m = len(cols)
        tissue = np.tile([self.layout.structs[j]["tissue"] for j in cols], n)
        # Patient parameters to compartments (patient-major: compartment = patient * m + j).
        Pc = {k: (np.repeat(v, m) if np.ndim(v) else v) for k, v in Pp.items()}
        sess = [M.Session(ts, {s: c[:, cols].ravel() for s, c in conc.items()},
                          scale[:, cols].ravel()) for ts in sessions]
        cm = M.Compartments(Pc, tissue, sess, kbulk=kbulk)
        self.t = M.grid_times(days + max(sessions), sessions, spd)
        # A population keeps only the whole-structure effect (what risks and responders read);
        # the median patient keeps every output.
        keep = ("effect",) if n > 1 else ("effect", "effect_field", "cmap", "release", "atrophy")
        out = M.run_grid(cm, self.t, keep=keep)
        K1 = len(self.t)
        shaped = {}
        for k, v in out.items():
            if k == "peak":
                continue
            full = np.zeros((K1, n, ns), dtype=v.dtype)
            full[:, :, cols] = v.reshape(K1, n, m)
            shaped[k] = full
        self.effect = shaped["effect"]
        self.field = shaped.get("effect_field")
        self.cmap = shaped.get("cmap")
        self.atrophy_field = shaped.get("atrophy")
        self.release = shaped.get("release")
        w = np.zeros(ns)
        for inj in self.plan.injections:
            w[self.layout.index[(inj.muscle["id"], inj.side)]] += inj.ona_u
        self.weights = w

    def plan_effect(self, what="effect"):
        """Dose-weighted mean over the injected targets (K+1, N): the indication's effect (CMAP:
        over the injected muscles only)."""
        arr = getattr(self, what)
        w = self.weights.copy()
        if what == "cmap":
            w[[st["tissue"] == "autonomic" for st in self.layout.structs]] = 0.0
        if not w.sum():
            return np.full(arr.shape[:2], np.nan)
        return np.einsum("knj,j->kn", np.nan_to_num(arr), w / w.sum())

    def struct(self, muscle, side=None):
        for (m, s), j in self.layout.index.items():
            if m == muscle and (side is None or s == side):
                return j
        raise KeyError(muscle)

    def risks(self, thresholds, default_pct, days=None):
        """Per side effect: share of patients whose peak whole-structure loss in any structure
        reached by spread (not injected) carrying that side effect passes the threshold."""
        kmax = len(self.t) if days is None else int(np.searchsorted(self.t, days, side="right"))
        peak = self.effect[:kmax].max(axis=0)  # (N, ns)
        by_effect = {}
        for j, st in enumerate(self.layout.structs):
            se = (st["muscle"].get("side_effect") or {}).get("effect")
            if not se or st["injected"]:
                continue
            thr = thresholds.get(se, default_pct) / 100.0
            hit = peak[:, j] >= thr
            by_effect[se] = by_effect.get(se, np.zeros(self.n, dtype=bool)) | hit
        out = {}
        for se, hit in by_effect.items():
            k = int(hit.sum())
            out[se] = (k / self.n, wilson(k, self.n))
        return out


def responders(run, thr, what="effect"):
    """Share of patients whose plan-level effect is at or above thr on each sample (K+1,)."""
    return (run.plan_effect(what) >= thr).mean(axis=1)


def readout_arrays(run, thr_notice, thr_resp, what="effect"):
    """Per patient readouts of the plan-level effect: dict of (N,) arrays."""
    E = run.plan_effect(what)
    onset, peak_day, peak, dur = R.classic(run.t, E)
    return {"onset_day": onset, "peak_day": peak_day, "peak_effect_pct": peak,
            "duration_days": dur,
            "noticeable_onset_day": R.noticeable_onset(run.t, E, thr_notice),
            "response_duration_days": R.response_duration(run.t, E, thr_resp)}
