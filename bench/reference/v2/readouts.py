"""Readouts v2 (docs/model.md section 8), vectorised over curves.

Each function takes sample times t (K+1,) and effects E (K+1, M) as fractions, from the session
at t0, and returns arrays (M,) with NaN where the readout does not exist. Crossing times are
linearly interpolated between samples, as the C code does.

- onset_day: the effect first reaches 25 % of its peak; peak_day, peak_effect_pct; duration_days:
  first time after the peak the effect falls below 50 % of its peak (the v1 readouts, kept).
- noticeable_onset_day: the effect first reaches the perceptible threshold.
- response_duration_days: from the first time the effect reaches the indication's response
  threshold to the first time after that it falls below it; NaN if it never does (no response),
  +inf if it is still above at the last sample.
"""
import numpy as np

MIN_PEAK = 5e-4  # below 0.05 % there is nothing a readout could describe


def _first_up(t, E, k0, thr):
    """First time at or after sample k0 where E >= thr (per column), interpolated; NaN if never."""
    K = E.shape[0] - 1
    hit = E[k0:] >= thr
    any_ = hit.any(axis=0)
    k = k0 + np.argmax(hit, axis=0)
    km = np.maximum(k - 1, 0)
    cols = np.arange(E.shape[1])
    e0, e1 = E[km, cols], E[k, cols]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where((k > k0) & (e1 > e0), (thr - e0) / (e1 - e0), 1.0)
    tt = np.where(k > k0, t[km] + frac * (t[k] - t[km]), t[k])
    del K
    return np.where(any_, tt, np.nan)


def _first_down(t, E, kstart, thr):
    """First time after sample kstart (per column) where E < thr, interpolated; inf if never."""
    K1 = E.shape[0]
    idx = np.arange(K1)[:, None]
    hit = (E < thr) & (idx > kstart[None, :])
    any_ = hit.any(axis=0)
    k = np.argmax(hit, axis=0)
    km = np.maximum(k - 1, 0)
    cols = np.arange(E.shape[1])
    e0, e1 = E[km, cols], E[k, cols]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(e0 > e1, (e0 - thr) / (e0 - e1), 0.0)
    tt = t[km] + frac * (t[k] - t[km])
    return np.where(any_, tt, np.inf)


def classic(t, E, t0=0.0):
    """onset_day, peak_day, peak_effect_pct, duration_days (v1 definitions)."""
    k0 = int(np.argmin(np.abs(t - t0)))
    kp = k0 + np.argmax(E[k0:], axis=0)
    cols = np.arange(E.shape[1])
    peak = E[kp, cols]
    ok = peak >= MIN_PEAK
    onset = np.full(E.shape[1], np.nan)
    dur = np.full(E.shape[1], np.nan)
    for thr_frac, kind in ((0.25, "on"), (0.5, "dur")):
        thr = thr_frac * peak
        if kind == "on":
            onset = _first_up(t, E, k0, thr) - t0
        else:
            dur = _first_down(t, E, kp, thr) - t0
    dur = np.where(np.isinf(dur), np.nan, dur)  # beyond the horizon: null, as in v1
    return (np.where(ok, onset, np.nan), np.where(ok, np.floor(t[kp] - t0 + 0.5), np.nan),
            100.0 * peak, np.where(ok, dur, np.nan))


def noticeable_onset(t, E, thr, t0=0.0):
    k0 = int(np.argmin(np.abs(t - t0)))
    return _first_up(t, E, k0, thr) - t0


def response_duration(t, E, thr, t0=0.0):
    """Days above thr from the first up-crossing; NaN: never; inf: still above at the end."""
    k0 = int(np.argmin(np.abs(t - t0)))
    t_up = _first_up(t, E, k0, thr)
    k_up = np.searchsorted(t, np.nan_to_num(t_up, nan=t[-1] + 1.0), side="left")
    k_up = np.minimum(k_up, len(t) - 1)
    t_dn = _first_down(t, E, k_up - 1, thr)
    d = t_dn - t_up
    return np.where(np.isnan(t_up), np.nan, d)
