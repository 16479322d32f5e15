"""Predicted against observed, one SVG per dataset of data/calibration.json (docs/validation.md).

Each check with a numeric prediction is one row on its own linear axis (checks of one dataset
have different units): the observed value or range as a dark bar, the tolerance around it as a
light band, the prediction as a dot (filled green: PASS, filled red: FAIL, hollow grey: shown,
input). The row's axis runs from its left to its right end value, printed under the row with the
unit; the numbers are printed on the right.
"""
import math
import os
from xml.sax.saxutils import escape

W, LEFT, PLOT, ROW, TOP = 1010, 400, 330, 34, 72
COL = {"PASS": "#1a7f37", "FAIL": "#cf222e"}


def _fmt(x):
    if x is None or not math.isfinite(x):
        return "-"
    a = abs(x)
    if a >= 1000:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    if a >= 0.1:
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return f"{x:.3g}"


def _rows(res):
    out = []
    for r in res:
        p = r.get("predicted")
        if p is None or not isinstance(p, (int, float)) or not math.isfinite(p):
            continue
        lo, hi = r.get("observed_lo"), r.get("observed_hi")
        if lo is not None and not math.isfinite(lo):
            lo = hi = None
        out.append((r, float(p), lo, hi))
    return out


def _nice_max(x):
    """A round axis end at or above x."""
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * e >= x:
            return m * e
    return 10 * e


def dataset_svg(ds, res):
    """The SVG text for one dataset, or None when no check has a numeric prediction."""
    rows = _rows(res)
    if not rows:
        return None
    h = TOP + ROW * len(rows) + 40
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" '
         f'viewBox="0 0 {W} {h}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
         f'<rect width="{W}" height="{h}" fill="white"/>',
         f'<text x="12" y="22" font-size="15" font-weight="bold">{escape(ds["id"])}: '
         f'predicted against observed</text>',
         f'<text x="12" y="42" fill="#444">dark bar: observed (value or range); light band: '
         f'observed +- tolerance; dot: model v2 (green pass, red fail, hollow grey not scored)'
         f'</text>',
         f'<text x="{LEFT + PLOT + 16}" y="{TOP - 4}" fill="#444">observed / predicted, unit</text>']
    for i, (r, p, lo, hi) in enumerate(rows):
        y = TOP + ROW * i + 12
        tol = r.get("tolerance") or 0.0
        vals = [p] + [v for v in (lo, hi) if v is not None]
        # The axis starts at 0 unless a value itself is negative (a tolerance band below 0 is cut).
        vmin = min(0.0, min(vals))
        if lo is not None:
            vals.append(hi + tol)
        vmax = _nice_max(max(vals) * 1.08) if max(vals) > 0 else 1.0
        if vmin < 0:
            vmin = -_nice_max(-vmin * 1.08)

        def X(v):
            return LEFT + PLOT * (v - vmin) / (vmax - vmin)

        if i % 2 == 0:
            s.append(f'<rect x="4" y="{y - 12}" width="{W - 8}" height="{ROW}" fill="#f6f8fa"/>')
        label = r.get("label") or r["id"]
        if len(label) > 60:
            label = label[:59] + "…"
        s.append(f'<text x="12" y="{y + 4}">{escape(label)}</text>')
        s.append(f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + PLOT}" y2="{y}" stroke="#999"/>')
        for v in (vmin, vmax):
            s.append(f'<line x1="{X(v):.1f}" y1="{y - 4}" x2="{X(v):.1f}" y2="{y + 4}" stroke="#999"/>')
        s.append(f'<text x="{LEFT}" y="{y + 17}" font-size="10" fill="#666">{_fmt(vmin)}</text>')
        s.append(f'<text x="{LEFT + PLOT}" y="{y + 17}" font-size="10" fill="#666" '
                 f'text-anchor="end">{_fmt(vmax)} {escape(r.get("unit") or "")}</text>')
        if lo is not None:
            a, b = X(max(vmin, lo - tol)), X(min(vmax, hi + tol))
            s.append(f'<rect x="{a:.1f}" y="{y - 6}" width="{max(1.0, b - a):.1f}" height="12" '
                     f'fill="#9ecbff" opacity="0.55"/>')
            a, b = X(lo), X(hi)
            s.append(f'<rect x="{a - 1.5:.1f}" y="{y - 6}" width="{max(3.0, b - a + 3):.1f}" '
                     f'height="12" fill="#0550ae"/>')
        st = r["status"]
        if st in COL:
            s.append(f'<circle cx="{X(p):.1f}" cy="{y}" r="5" fill="{COL[st]}" stroke="white"/>')
        else:
            s.append(f'<circle cx="{X(p):.1f}" cy="{y}" r="4.5" fill="white" stroke="#57606a" '
                     f'stroke-width="2"/>')
        obs = "-" if lo is None else (_fmt(lo) if lo == hi else f"{_fmt(lo)}-{_fmt(hi)}")
        s.append(f'<text x="{LEFT + PLOT + 16}" y="{y + 4}">{obs} / '
                 f'<tspan fill="{COL.get(st, "#57606a")}" font-weight="bold">{_fmt(p)}</tspan> '
                 f'{escape(r.get("unit") or "")} <tspan fill="#666">({st.replace("_", " ")})'
                 f'</tspan></text>')
    s.append(f'<text x="12" y="{h - 12}" font-size="11" fill="#444">each row has its own linear '
             f'axis, from the value at its left end to the value at its right end (in the row\'s '
             f'unit)</text>')
    s.append("</svg>")
    return "\n".join(s) + "\n"


def write_all(results, out_dir):
    """Writes one SVG per dataset into out_dir, removes SVGs of datasets no longer plotted;
    returns {dataset id: file name}."""
    os.makedirs(out_dir, exist_ok=True)
    names = {}
    for ds, res in results:
        svg = dataset_svg(ds, res)
        if svg is None:
            continue
        name = f"{ds['id']}.svg"
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(svg)
        names[ds["id"]] = name
    for f in os.listdir(out_dir):
        if f.endswith(".svg") and f[:-4] not in names:
            os.remove(os.path.join(out_dir, f))
    return names
