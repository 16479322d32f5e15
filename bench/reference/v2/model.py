"""The bont model v2: equations of one exposed compartment (docs/model.md sections 2-6), two ways.

A compartment is the part of one structure that an injection's fields reach (docs/model.md
section 1): it is exposed to a concentration c (onabotulinumtoxinA-equivalent U per mL of the
reached tissue) of each serotype at each session, and it is a share `scale` of its structure. Everything here is
per compartment; exposure (fields, spread, misplacement) is exposure.py.

- `run_grid` integrates many compartments at once (numpy arrays over compartments, e.g. every
  structure of every virtual patient) on a fixed grid, with the scheme the C code uses (section
  7): exact propagators for the linear uptake chain, an exponential step for the SNARE pool with
  the cleavage rate averaged over the step by Simpson's rule, exact relaxation steps for sprouts
  and atrophy. This is what the fit and the population runs use.
- `run_lsoda` integrates one compartment with SciPy's LSODA at tight tolerances from the
  right-hand side `Rhs.deriv`, written independently of the grid scheme. It is the reference the
  grid scheme (and, in the C port, the C code) is checked against.

State of a compartment, per serotype channel present: bulk, free, bound, translocated toxin and
the light chain in a short- and a long-lived pool (per mL); then intact SNAP-25 and
VAMP (fractions), two sprout stages (release they carry) and atrophy (fraction of mass lost in
the field).
"""
import math

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import ndtr

MIN_PER_DAY = 1440.0
SEROTYPES = ("A", "B", "C1", "E", "F")
VAMP_SEROTYPES = ("B", "F")  # cleave VAMP; the others cleave SNAP-25
TISSUES = ("muscle", "extraocular", "autonomic")
N_CHAIN = 6


def tissue_of(m):
    """Tissue class of an atlas structure: skeletal muscle, extraocular muscle (atlas region
    orbit: recti, obliques and the levator palpebrae, docs/model.md section 4), or autonomic
    target (glands, sweat glands in skin, the detrusor: no neuromuscular junction)."""
    if m["kind"] == "muscle":
        return "extraocular" if m.get("region") == "orbit" else "muscle"
    if m["kind"] in ("gland", "skin", "organ"):
        return "autonomic"
    raise ValueError(f"{m['id']}: kind {m['kind']} is not simulated")


def substrate(sero):
    return 1 if sero in VAMP_SEROTYPES else 0


# ---- Parameters ----------------------------------------------------------------------------------

def tissue_params(P, tissue):
    """The tissue-class parameters of section 4 and 6 for one class."""
    return {
        "sprout_max": P[f"sprout_max.{tissue}"],
        "sprout_rate": P[f"sprout_rate_per_d.{tissue}"],
        "atrophy_max": P[f"atrophy_max.{tissue}"],
    }


def chain_matrix(P, sero, kbulk=None):
    """Rate matrix (per day) of the uptake chain and light-chain pools of one serotype
    (docs/model.md equations 2.1): lower bidiagonal plus the split into the two pools."""
    k = [(kbulk if kbulk is not None else P["k_bulk_per_min"]) * MIN_PER_DAY,
         P["k_bind_per_min"] * MIN_PER_DAY, P["k_endo_per_min"] * MIN_PER_DAY,
         P["k_transloc_per_min"] * MIN_PER_DAY]
    klc = math.log(2.0) / P[f"lc_half_life_d.{sero}"]
    fs = P["lc_slow_fraction"]
    a = np.zeros((N_CHAIN, N_CHAIN))
    for r in range(4):
        a[r, r] = -k[r]
        if r > 0:
            a[r, r - 1] = k[r - 1]
    a[4, 3] = (1.0 - fs) * k[3]
    a[5, 3] = fs * k[3]
    a[4, 4] = -klc
    a[5, 5] = -klc / P["lc_slow_factor"]
    return a


def captured(P, c):
    """Saturable capture (docs/model.md equation 1.5): toxin per mL that enters the chain (the
    depot and, its fast share, the free pool; equation 1.6) from a concentration c (U/mL)."""
    cs = P["uptake_sat_u_per_ml"]
    return cs * np.log1p(np.asarray(c, dtype=float) / cs)


def fail_fraction(r, mu, sigma):
    """Share of the exposed fibres that fail at release r (docs/model.md equation 5.2):
    ln SF ~ N(mu, sigma^2) across fibres, a fibre fails when r * SF < 1, normalised so that no
    fibre fails at r = 1 and every fibre at r = 0."""
    r = np.clip(np.asarray(r, dtype=float), 1e-300, 1.0)
    phi0 = ndtr(-mu / sigma)
    f = (ndtr((-np.log(r) - mu) / sigma) - phi0) / (1.0 - phi0)
    return np.clip(f, 0.0, 1.0)


# ---- Doses ----------------------------------------------------------------------------------------

class Session:
    """One dose event of a compartment set: at t_days, field concentrations per serotype
    (arrays over compartments, U/mL) and the share of each structure the fields reach."""

    def __init__(self, t_days, conc, scale):
        self.t = float(t_days)
        self.conc = {s: np.asarray(v, dtype=float) for s, v in conc.items()}
        self.scale = np.asarray(scale, dtype=float)


# ---- Fixed-grid scheme (docs/model.md section 7) -----------------------------------------------

def grid_times(days, session_days=(0.0,), spd=None):
    """Sample times. With spd: steps of 1/spd day, and 1/32 day (if finer) during the first day
    after each session, where the fast share of the dose starts the effect within hours. Without:
    the population grid (1/32 day for the first day after each session, 1/8 to day 4, 1/4 to day
    10, 1/2 to day 30, then whole days; docs/model.md section 7). Every whole day and every
    session is a sample."""
    sess = sorted(set(float(s) for s in session_days))
    t, out = 0.0, [0.0]
    while t < days - 1e-12:
        since = min((t - s for s in sess if s <= t + 1e-12), default=1e9)
        if spd:
            h = min(1.0 / spd, 0.03125) if since < 1 else 1.0 / spd
        else:
            h = (0.03125 if since < 1 else 0.125 if since < 4 else 0.25 if since < 10
                 else 0.5 if since < 30 else 1.0)
        # Never step over a session or past the end.
        nxt = min((s for s in sess if s > t + 1e-12), default=1e18)
        h = min(h, nxt - t, days - t)
        t = round((t + h) * 3200) / 3200
        out.append(t)
    return np.array(out)


def _relax_weights(k, h):
    """y' = k (g(t) - y) over a step h with g linear from g0 to g1, exactly:
    y1 = decay y0 + w0 g0 + w1 g1 (arrays over compartments)."""
    kh = np.asarray(k, dtype=float) * h
    small = kh < 1e-8
    khs = np.where(small, 1.0, kh)
    e1 = -np.expm1(-khs)
    c = 1.0 - e1 / khs
    decay = np.exp(-kh)
    w0 = np.where(small, 0.5 * kh, e1 - c)
    w1 = np.where(small, 0.5 * kh, c)
    return decay, w0, w1


class Compartments:
    """M compartments with their parameters. P maps parameter names to scalars or arrays of
    length M (per patient values already mapped to compartments); tissue is an array of class
    names; sessions a list of Session."""

    def __init__(self, P, tissue, sessions, kbulk=None):
        self.P = P
        self.tissue = np.asarray(tissue)
        self.M = len(self.tissue)
        self.sessions = sorted(sessions, key=lambda s: s.t)
        self.kbulk = kbulk  # overrides k_bulk_per_min (rodent uptake)
        self.sero = sorted({s for ss in self.sessions for s in ss.conc}, key=SEROTYPES.index)

    def param(self, name):
        return np.broadcast_to(np.asarray(self.P[name], dtype=float), (self.M,))

    def tparam(self, key):
        """Tissue-class parameter (sprout_max, sprout_rate, atrophy_max) per compartment."""
        out = np.zeros(self.M)
        for t in TISSUES:
            sel = self.tissue == t
            if sel.any():
                out[sel] = np.broadcast_to(np.asarray(self.P[f"{key}.{t}"], dtype=float),
                                           (self.M,))[sel]
        return out


def _chain_rows(cm, sero):
    """Distinct chain parameter sets among the compartments (patients share theirs across
    structures): (rows as parameter dicts, index of each compartment's row)."""
    names = ["k_bulk_per_min", "k_bind_per_min", "k_endo_per_min", "k_transloc_per_min",
             f"lc_half_life_d.{sero}", "lc_slow_fraction", "lc_slow_factor", "uptake_fast_fraction"]
    cols = [np.full(cm.M, cm.kbulk) if (cm.kbulk is not None and n == "k_bulk_per_min")
            else cm.param(n) for n in names]
    uniq, inv = np.unique(np.stack(cols, axis=1), axis=0, return_inverse=True)
    return [dict(zip(names, row)) for row in uniq], inv.ravel()


def expm_batch(A):
    """exp(A) for a stack of matrices (U, n, n): scaling and squaring of a 20-term Taylor series
    (the scaled norm is at most 1/4, so the truncation error is far below 1e-16). SciPy's expm
    treats triangular matrices one element at a time, which is slow for thousands of patients."""
    norm = np.abs(A).sum(axis=2).max()
    s = max(0, int(math.ceil(math.log2(norm / 0.25)))) if norm > 0.25 else 0
    X = A / (2.0 ** s)
    term = np.broadcast_to(np.eye(A.shape[1]), A.shape).copy()
    out = term.copy()
    for m in range(1, 21):
        term = term @ X / m
        out += term
    for _ in range(s):
        out = out @ out
    return out


def _impulse(rows, sero, t, k_dose):
    """Light chain (both pools) per unit captured at sample k_dose, for each parameter row: at
    every sample (K+1, U) and at every step's midpoint (K, U). The chain is linear, so a
    compartment's light chain is the sum over sessions of its captured amount times this."""
    A = np.stack([chain_matrix(r, sero) for r in rows])
    K = len(t) - 1
    hs = np.round(np.diff(t), 12)
    props = {h: (expm_batch(A * h), expm_batch(A * (0.5 * h))) for h in set(hs.tolist())}
    at = np.zeros((K + 1, len(rows)))
    mid = np.zeros((K, len(rows)))
    # What a session adds (section 1): the fast share straight to the toxin free to bind, the
    # rest to the depot.
    x = np.zeros((len(rows), N_CHAIN))
    fast = np.array([r["uptake_fast_fraction"] for r in rows])
    x[:, 0] = 1.0 - fast
    x[:, 1] = fast
    for k in range(k_dose, K):
        p, ph = props[hs[k]]
        xm = np.einsum("uij,uj->ui", ph, x)
        mid[k] = xm[:, 4] + xm[:, 5]
        x = np.einsum("uij,uj->ui", p, x)
        at[k + 1] = x[:, 4] + x[:, 5]
    return at, mid


def run_grid(cm, t, keep=("effect", "effect_field", "cmap", "release", "atrophy", "release_parent")):
    """Integrates every compartment over the sample times t (which must contain every session
    time). Returns a dict of float32 arrays (len(t), M) for the outputs named in keep: effect
    (whole structure), effect_field, cmap (whole structure, NaN for autonomic), release (parent
    plus sprouts), release_parent, atrophy (field); and "peak" (M,), the largest
    whole-structure effect."""
    M, K = cm.M, len(t) - 1
    t = np.asarray(t, dtype=float)
    hs = np.round(np.diff(t), 12)
    h_list = sorted(set(hs.tolist()))
    km, kcl, ksyn = cm.param("cleave_km_u_per_ml"), cm.param("cleave_max_per_d"), cm.param("snare_synth_per_d")
    coop = cm.param("snare_coop")
    mu, sig = np.log(cm.param("safety_factor_median")), cm.param("safety_factor_log_sd")
    spmax, ksp, amax = cm.tparam("sprout_max"), cm.tparam("sprout_rate_per_d"), cm.tparam("atrophy_max")
    kup, kdown = cm.param("atrophy_rate_per_d"), cm.param("atrophy_recovery_per_d")
    csat = cm.param("uptake_sat_u_per_ml")
    beta = cm.param("atrophy_effect_share")
    autonomic = cm.tissue == "autonomic"
    w_sp = {h: _relax_weights(ksp, h) for h in h_list}
    w_up = {h: _relax_weights(kup, h) for h in h_list}
    w_dn = {h: _relax_weights(kdown, h) for h in h_list}

    sess_k = []
    for s in cm.sessions:
        k = int(np.argmin(np.abs(t - s.t)))
        if abs(t[k] - s.t) > 1e-9:
            raise ValueError(f"session at {s.t} d is not a sample time")
        sess_k.append(k)
    # Light chain per compartment: captured amount of each (session, serotype) times the
    # impulse response of its chain parameters (section 2).
    terms = []  # (substrate, k_dose, u (M,), at (K+1, U), mid (K, U), row index (M,))
    for s, k in zip(cm.sessions, sess_k):
        for sero, c in s.conc.items():
            rows, inv = _chain_rows(cm, sero)
            at, mid = _impulse(rows, sero, t, k)
            u = csat * np.log1p(np.broadcast_to(c, (M,)) / csat)  # saturable capture, section 1
            terms.append((substrate(sero), k, u, at, mid, inv))

    def light_at(k, midpoint=False):
        lsub = np.zeros((2, M))
        for sub, kd, u, at, mid, inv in terms:
            if k >= kd:
                lsub[sub] += u * (mid[k, inv] if midpoint else at[k, inv])
        return lsub / (lsub + km)

    snare = np.ones((2, M))
    sp1, sp2, atr = np.zeros(M), np.zeros(M), np.zeros(M)
    scale = np.zeros(M)
    out = {k: np.zeros((K + 1, M), dtype=np.float32) for k in keep}
    peak = np.zeros(M)
    r_cut = np.exp(-(mu - 6.0 * sig))  # above this release essentially no fibre fails

    def derived():
        rp = (snare[0] * snare[1]) ** coop
        r = np.minimum(1.0, rp + sp2)
        f = np.zeros(M)
        low = (r < r_cut) & ~autonomic
        if low.any():
            f[low] = fail_fraction(r[low], mu[low], sig[low])
        return rp, r, f

    def store(k, r, f):
        nonlocal peak
        if "release_parent" in out:
            out["release_parent"][k] = (snare[0] * snare[1]) ** coop
        field = np.where(autonomic, 1.0 - r, 1.0 - (1.0 - f) * (1.0 - beta * atr))
        eff = scale * field
        peak = np.maximum(peak, eff)
        if "effect_field" in out:
            out["effect_field"][k] = field
        if "effect" in out:
            out["effect"][k] = eff
        if "cmap" in out:
            out["cmap"][k] = np.where(autonomic, np.nan, 1.0 - scale * f)
        if "release" in out:
            out["release"][k] = r
        if "atrophy" in out:
            out["atrophy"][k] = atr

    rp, r, f = derived()
    q_prev = light_at(0)
    for k in range(K + 1):
        store(k, r, f)  # at a session time: the state just before it
        if k == K:
            break
        for s, ks in zip(cm.sessions, sess_k):
            if ks != k:
                continue
            dosed = np.zeros(M, dtype=bool)
            for c in s.conc.values():
                dosed |= np.broadcast_to(c, (M,)) > 0
            scale = np.maximum(scale, np.where(dosed, s.scale, 0.0))
            # Sprouts are terminals too: a new session's toxin silences them (section 4).
            sp1 = np.where(dosed, 0.0, sp1)
            sp2 = np.where(dosed, 0.0, sp2)
            rp, r, f = derived()
            q_prev = light_at(k)
        h = hs[k]
        qm, q1 = light_at(k, True), light_at(k + 1)
        # Cleavage against resynthesis, the cleavage rate averaged over the step by Simpson's
        # rule (section 7).
        lam = ksyn + kcl * (q_prev + 4.0 * qm + q1) / 6.0
        eq = ksyn / lam
        snare = eq + (snare - eq) * np.exp(-lam * h)
        q_prev = q1
        rp0, f0 = rp, f
        rp1 = (snare[0] * snare[1]) ** coop
        d, w0, w1 = w_sp[h]
        sp1_old = sp1
        sp1 = d * sp1 + w0 * spmax * (1.0 - rp0) + w1 * spmax * (1.0 - rp1)
        sp2 = d * sp2 + w0 * sp1_old + w1 * sp1
        rp, r, f = derived()
        # Atrophy follows the share of fibres failing; it builds at one rate and is repaired at
        # another, slower one (section 6: the lasting residue).
        g0, g1 = amax * f0, amax * f
        du, w0u, w1u = w_up[h]
        dd, w0d, w1d = w_dn[h]
        atr = np.where(g0 >= atr, du * atr + w0u * g0 + w1u * g1, dd * atr + w0d * g0 + w1d * g1)
    out["peak"] = peak
    return out


# ---- LSODA reference (one compartment) ---------------------------------------------------------

class Rhs:
    """Right-hand side of sections 2-6 for one compartment with scalar parameters P, written
    directly from the equations (no propagators, no step rules)."""

    def __init__(self, P, tissue, sero, kbulk=None):
        self.P, self.tissue, self.sero = P, tissue, list(sero)
        self.A = [chain_matrix(P, s, kbulk) for s in self.sero]
        tp = tissue_params(P, tissue)
        self.spmax, self.ksp, self.amax = tp["sprout_max"], tp["sprout_rate"], tp["atrophy_max"]
        self.mu, self.sig = math.log(P["safety_factor_median"]), P["safety_factor_log_sd"]
        self.nc = len(self.sero)

    def n_state(self):
        return N_CHAIN * self.nc + 5

    def release(self, y):
        o = N_CHAIN * self.nc
        rp = (y[o] * y[o + 1]) ** self.P["snare_coop"]
        return rp, min(1.0, rp + y[o + 3])

    def fail(self, r):
        return 0.0 if self.tissue == "autonomic" else float(fail_fraction(r, self.mu, self.sig))

    def deriv(self, t, y):
        P, dy = self.P, np.zeros_like(y)
        lsub = [0.0, 0.0]
        for c in range(self.nc):
            xs = y[N_CHAIN * c:N_CHAIN * (c + 1)]
            dy[N_CHAIN * c:N_CHAIN * (c + 1)] = self.A[c] @ xs
            lsub[substrate(self.sero[c])] += xs[4] + xs[5]
        o = N_CHAIN * self.nc
        for i in range(2):
            q = lsub[i] / (lsub[i] + P["cleave_km_u_per_ml"]) if lsub[i] > 0 else 0.0
            dy[o + i] = P["snare_synth_per_d"] * (1.0 - y[o + i]) - P["cleave_max_per_d"] * q * y[o + i]
        rp, r = self.release(y)
        dy[o + 2] = self.ksp * (self.spmax * (1.0 - rp) - y[o + 2])
        dy[o + 3] = self.ksp * (y[o + 2] - y[o + 3])
        g = self.amax * self.fail(r)
        k = P["atrophy_rate_per_d"] if g >= y[o + 4] else P["atrophy_recovery_per_d"]
        dy[o + 4] = 0.0 if self.tissue == "autonomic" else k * (g - y[o + 4])
        return dy

    def outputs(self, y, scale):
        o = N_CHAIN * self.nc
        rp, r = self.release(y)
        if self.tissue == "autonomic":
            field = 1.0 - r
            return scale * field, field, float("nan"), r, 0.0, rp
        f = self.fail(r)
        field = 1.0 - (1.0 - f) * (1.0 - self.P["atrophy_effect_share"] * y[o + 4])
        return scale * field, field, 1.0 - scale * f, r, y[o + 4], rp


def run_lsoda(P, tissue, sessions, t, kbulk=None, rtol=1e-9, atol=1e-12):
    """One compartment (sessions with scalar concentrations and scale) at the times t; the same
    outputs as run_grid with M = 1. At a session time the output is the state just before it."""
    sessions = sorted(sessions, key=lambda s: s.t)
    sero = sorted({s for ss in sessions for s in ss.conc}, key=SEROTYPES.index)
    rhs = Rhs(P, tissue, sero, kbulk)
    y = np.zeros(rhs.n_state())
    o = N_CHAIN * rhs.nc
    y[o] = y[o + 1] = 1.0
    t = np.asarray(t, dtype=float)
    res = np.zeros((len(t), 6))
    for j in range(len(t)):
        if not sessions or t[j] <= sessions[0].t:
            res[j] = rhs.outputs(y, 0.0)
    scale = 0.0
    for i, s in enumerate(sessions):
        dosed = False
        for name, c in s.conc.items():
            c = float(np.ravel(c)[0])
            if c > 0:
                u = float(captured(P, c))
                y[N_CHAIN * sero.index(name)] += (1.0 - P["uptake_fast_fraction"]) * u
                y[N_CHAIN * sero.index(name) + 1] += P["uptake_fast_fraction"] * u
                dosed = True
        if dosed:
            scale = max(scale, float(np.ravel(s.scale)[0]))
            y[o + 2] = y[o + 3] = 0.0  # a new session silences sprouts (section 4)
        t1 = sessions[i + 1].t if i + 1 < len(sessions) else max(t[-1], s.t)
        if t1 <= s.t:
            continue
        sol = solve_ivp(rhs.deriv, (s.t, t1), y, method="LSODA", rtol=rtol, atol=atol,
                        dense_output=True)
        if not sol.success:
            raise RuntimeError(sol.message)
        for j in np.nonzero((t > s.t) & (t <= t1))[0]:
            res[j] = rhs.outputs(sol.sol(t[j]), scale)
        y = sol.y[:, -1].copy()
    names = ("effect", "effect_field", "cmap", "release", "atrophy", "release_parent")
    return {n: res[:, j:j + 1] for j, n in enumerate(names)}
