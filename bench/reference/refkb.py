"""Knowledge-base helpers shared by the Python references (bont_ref.py and v2/): name folding as
the C kb does it, the products and atlas of data/, sides, and the unit conversion to
onabotulinumtoxinA-equivalent units (docs/model.md section 1)."""
import json
import math
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "data")


def norm(name):
    """Same folding as the kb: lower-case Latin letters, runs of space - _ / . become one _."""
    out, sep = [], False
    for ch in str(name).strip().lower():
        if ch in " -_/.":
            sep = True
            continue
        if sep and out:
            out.append("_")
        sep = False
        out.append(ch)
    return "".join(out)


class KB:
    """Products and atlas structures of data/, looked up by id, display name or alias."""

    def __init__(self, data_dir=DATA):
        with open(os.path.join(data_dir, "products.json"), encoding="utf-8") as f:
            self.products = json.load(f)["products"]
        with open(os.path.join(data_dir, "muscles.json"), encoding="utf-8") as f:
            self.muscles = json.load(f)["muscles"]
        self._by_id = {m["id"]: m for m in self.muscles}
        self.indications = []
        for name in ("indications.json", "indications-offlabel.json"):
            with open(os.path.join(data_dir, name), encoding="utf-8") as f:
                self.indications += json.load(f)["indications"]

    def indication_id(self, name):
        """The id of an indication named by id or any of its names in any language (as the kb
        resolves a plan's indication); the folded name itself when none matches."""
        n = norm(name)
        for ind in self.indications:
            names = [ind["id"]] + [x for v in ind.get("names", {}).values() for x in v]
            if n in [norm(x) for x in names]:
                return ind["id"]
        return n

    def product(self, name):
        n = norm(name)
        for p in self.products:
            if n in [norm(p["id"]), norm(p.get("display", ""))] + [norm(a) for a in p.get("aliases", [])]:
                return p
        raise SystemExit(f"unknown product {name!r}")

    def muscle(self, name):
        if name in self._by_id:
            return self._by_id[name]
        n = norm(name)
        for m in self.muscles:
            names = [m["id"]] + [x for v in m.get("names", {}).values() for x in v]
            if n in [norm(x) for x in names]:
                return m
        raise SystemExit(f"unknown muscle {name!r}")

    def units_per_ml(self, product, vial_units, diluent_ml):
        """Concentration of a reconstituted vial (ready-made solutions carry their own volume)."""
        vial = next((v for v in product.get("vials", []) if v.get("units") == vial_units), None)
        ml = (diluent_ml or 0.0) + ((vial or {}).get("solution_ml") or 0.0)
        return vial_units / ml if ml > 0 else 0.0


def side_of(s):
    if s is None:
        return "midline"
    n = norm(s)
    if n in ("left", "l", "左", "왼쪽", "좌"):
        return "left"
    if n in ("right", "r", "右", "오른쪽", "우"):
        return "right"
    raise SystemExit(f"bad side {s!r}")


def ona_units(product, units):
    """Units of a product in onabotulinumtoxinA-equivalent units: the geometric mean of the
    literature ratio band (docs/model.md section 1)."""
    r = product.get("ratio_to_ona") or {}
    if not r.get("min") or not r.get("max") or r["min"] <= 0:
        raise SystemExit(f"{product['id']} has no accepted unit ratio")
    return units / math.sqrt(r["min"] * r["max"])
