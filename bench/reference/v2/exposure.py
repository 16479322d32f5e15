"""Exposure v2: from a plan's injections to each structure's field concentration and the share of
the structure it reaches (docs/model.md section 1, docs/spread.md sections 1-3).

Each site of an injection deposits its units in a bolus; the toxin acts in a field around it,
the bolus radius plus a distribution length (field_length_mm): a sphere in muscle, gland and
organ, a disc in the dermis for intradermal injections. A structure's compartment is the part its
own fields cover; neighbours are exposed by distance from the field, through fascia and the
orbital septum. A share of sites, by guidance, is misplaced and lands at a neighbour's edge
(a dose-independent mixture). Everything is vectorised over virtual patients: z_prox (N,) is the
proximity deviate, u_site (N, n_sites) one uniform per site (misplacement and which neighbour).
"""
import math

import numpy as np

from refkb import ona_units, side_of

from .model import tissue_of

GUIDANCE = ("unknown", "palpation", "emg", "stimulation", "ultrasound")


def radius_mm(v_ml):
    """Radius of a sphere of v_ml millilitres, mm."""
    return 10.0 * (3.0 * v_ml / (4.0 * math.pi)) ** (1.0 / 3.0) if v_ml > 0 else 0.0


def field_of(P, kind, site_ml):
    """(bolus radius, field radius, field volume) of one site: the field reaches
    field_length_mm beyond the bolus; in skin bolus and field are discs in the dermis.
    field_length_mm may be an array over patients (variability), and so are the results but the
    bolus radius."""
    if kind == "skin":
        # Intradermal: the bolus is a wheal, a disc of the dermis's thickness.
        h_cm = P["dermis_thickness_mm"] / 10.0
        rb = 10.0 * math.sqrt(site_ml / (math.pi * h_cm))
        rf = rb + np.asarray(P["field_length_mm"], dtype=float)
        vf = math.pi * (rf / 10.0) ** 2 * h_cm
    else:
        rb = radius_mm(site_ml)
        rf = rb + np.asarray(P["field_length_mm"], dtype=float)
        vf = 4.0 / 3.0 * math.pi * (rf / 10.0) ** 3
    return rb, rf, vf


def face_cm2(P, m, v_ml):
    """Area a structure turns to its neighbours: the disc of its equivalent sphere, or for skin
    and sheets their area (volume / dermis or sheet thickness)."""
    if m["kind"] == "skin":
        return v_ml / (P["dermis_thickness_mm"] / 10.0)
    t = (m.get("thickness_mm") or {}).get("value")
    if t:
        return v_ml / (t / 10.0)
    return math.pi * (radius_mm(v_ml) / 10.0) ** 2


def layer_ml(vol, rf, d, depth_mm):
    """The layer of a neighbour (volume vol, as its equivalent sphere) at distance d from a site
    of field radius rf that shares the site's units (docs/spread.md equation S.1, V_in): what
    lies within the field behind the disc the sphere turns to the site, at least depth_mm deep."""
    r_n = radius_mm(vol)
    return np.minimum(vol, math.pi * (r_n / 10.0) ** 2 * np.maximum(depth_mm, rf - d) / 10.0)


def reached_ml(m, vol, rf, d, depth_mm):
    """The part of neighbour m the site's field reaches (its scale, docs/spread.md section 2):
    the layer for a compact structure; for a sheet (atlas thickness_mm) the field's
    cross-section at its distance (at least the ring depth_mm wide inside the field's edge, as
    the layer is at least depth_mm deep) times its thickness, at most the layer. Both fall with
    distance, so a misplaced bolus (d = 0) reaches at least what a well-placed one does."""
    lay = layer_ml(vol, rf, d, depth_mm)
    t = (m.get("thickness_mm") or {}).get("value")
    if not t:
        return lay
    dd = np.minimum(d, np.maximum(0.0, rf - depth_mm))
    return np.minimum(lay, math.pi * (rf ** 2 - dd ** 2) / 100.0 * t / 10.0)


class Injection:
    def __init__(self, muscle, side, ona_u, sites, volume_ml, guidance, endplate_mm, serotype):
        self.muscle, self.side, self.ona_u = muscle, side, float(ona_u)
        self.sites, self.volume_ml = int(sites), float(volume_ml)
        self.guidance, self.endplate_mm, self.serotype = guidance, endplate_mm, serotype


class Plan:
    """The injections of a plan (bont plan format, docs/plan-format.md): units converted to
    onabotulinumtoxinA equivalents, volumes from the dilution when not given."""

    def __init__(self, kb, doc):
        self.doc = doc
        self.product = kb.product(doc["product"])
        self.serotype = self.product["serotype"]
        vial = doc.get("vial") or {}
        per_ml = kb.units_per_ml(self.product, vial.get("units"), vial.get("diluent_ml")) if vial else 0
        self.injections = []
        for e in doc["injections"]:
            m = kb.muscle(e["muscle"])
            units = float(e["units"])
            vol = e.get("volume_ml") or (units / per_ml if per_ml > 0 else 0.1 * max(1, e.get("sites", 1)))
            g = e.get("guidance", "unknown")
            if g not in GUIDANCE:
                raise SystemExit(f"unknown guidance {g!r}")
            self.injections.append(Injection(m, side_of(e.get("side")), ona_units(self.product, units),
                                             e.get("sites", 1), vol, g, e.get("endplate_mm"),
                                             self.serotype))
        self.indication = kb.indication_id(doc.get("indication", "research"))


def _sides(nb, target_side):
    """Sides of a neighbour entry: both sides of a sided neighbour of a midline target."""
    if not nb.get("sided"):
        return ["midline"]
    if target_side == "midline":
        return ["left", "right"]
    return [target_side]


class Layout:
    """The structures a plan reaches (the same for every patient): injected targets first, in
    plan order, then neighbours reached by spread."""

    def __init__(self, kb, plan):
        self.kb, self.plan = kb, plan
        self.structs = []  # dicts: muscle, side, tissue, injected
        self.index = {}
        injected = {(i.muscle["id"], i.side) for i in plan.injections}
        for inj in plan.injections:
            self._add(inj.muscle, inj.side, True)
        for inj in plan.injections:
            for nb in inj.muscle.get("neighbours", []):
                m = kb.muscle(nb["id"])
                if not (m.get("volume_ml") or {}).get("value"):
                    continue
                for side in _sides(m, inj.side):
                    self._add(m, side, (m["id"], side) in injected)
        self.n_sites = sum(i.sites for i in plan.injections)

    def _add(self, m, side, injected):
        key = (m["id"], side)
        if key not in self.index:
            self.index[key] = len(self.structs)
            self.structs.append({"muscle": m, "id": m["id"], "side": side, "tissue": tissue_of(m),
                                 "injected": injected, "volume_ml": m["volume_ml"]["value"]})

    def neighbours(self, inj):
        """(struct index, atlas neighbour entry, atlas structure) for each neighbour entry of an
        injection, both sides where the rule says so."""
        out = []
        for nb in inj.muscle.get("neighbours", []):
            m = self.kb.muscle(nb["id"])
            if not (m.get("volume_ml") or {}).get("value"):
                continue
            for side in _sides(m, inj.side):
                out.append((self.index[(m["id"], side)], nb, m))
        return out


def exposures(layout, P, S, z_prox=None, u_site=None, scale_units=1.0):
    """Field concentration per serotype (dict of (N, n_struct) arrays, U/mL) and the share of
    each structure its compartment is (N, n_struct), for N patients. z_prox None: the median
    patient (N = 1, no misplacement).

    Per site (docs/model.md section 1, docs/spread.md section 2): the units are shared by the
    nerve terminals in reach, i.e. by the muscle (or gland) tissue of the target within the
    field and of each neighbour, weighted by how much reaches it; fat, fascia and skin have no
    acceptors. So the site acts at u * w / V_bind in a structure it reaches with weight w, where
    V_bind = sum of reached volume x weight over the target and its neighbours."""
    plan = layout.plan
    if z_prox is None:
        z_prox = np.zeros(1)
        u_site = np.ones((1, max(1, layout.n_sites)))
    N, ns = len(z_prox), len(layout.structs)
    dfac = np.exp(-S["proximity_log_sd"] * np.asarray(z_prox, dtype=float))
    lam = S["spread_length_mm"]
    own = {}  # (struct, serotype) -> (N,) sum over the structure's own sites
    vf_sum = np.zeros((N, ns))
    vf_n = np.zeros(ns)
    conc = {}
    reach = np.zeros((N, ns))
    site0 = 0
    for inj in plan.injections:
        t = layout.index[(inj.muscle["id"], inj.side)]
        v_t = layout.structs[t]["volume_ml"]
        rb, rf, vf = field_of(P, inj.muscle["kind"], inj.volume_ml / inj.sites)
        vf = np.broadcast_to(vf, (N,))
        rf = np.broadcast_to(rf, (N,))
        u = inj.ona_u * scale_units / inj.sites
        # Distance from the endplate band (Lapatki 2011), relative to the reference injection:
        # weighs the target's terminals in reach.
        ep = inj.endplate_mm if inj.endplate_mm is not None else S["endplate_ref_mm"]
        ep_ref = max(0.0, S["endplate_ref_mm"] - radius_mm(S["site_volume_ref_ml"]))
        g_ep = min(2.0 ** (ep_ref / S["endplate_half_mm"]),
                   2.0 ** ((ep_ref - max(0.0, ep - rb)) / S["endplate_half_mm"]))
        nbs = layout.neighbours(inj)
        n_nb = len(nbs)
        face_t = face_cm2(P, inj.muscle, v_t)
        p_mis = S[f"misplacement.{inj.guidance}"] if n_nb else 0.0
        sero = inj.serotype
        cs = conc.setdefault(sero, np.zeros((N, ns)))
        own_t = own.setdefault((t, sero), np.zeros(N))
        vf_sum[:, t] += vf * inj.sites
        vf_n[t] += inj.sites
        for s in range(inj.sites):
            us = u_site[:, site0 + s]
            # A misplaced site (share p_mis) lands at the edge of one neighbour, each equally
            # likely: the uniform picks both (docs/spread.md section 2).
            which = np.where(us < p_mis,
                             np.minimum((us / max(p_mis, 1e-300) * n_nb).astype(int), n_nb - 1), -1)
            tau = np.full(N, g_ep)
            w = np.zeros((n_nb, N))
            v_in = np.zeros((n_nb, N))
            for j, (k, nb, m) in enumerate(nbs):
                barrier = (S["fascia_factor"] if nb.get("fascia") else 1.0) * \
                    (S["orbital_septum_factor"] if m.get("region") == "orbit"
                     and inj.muscle.get("region") != "orbit" else 1.0) * \
                    (S["subcutis_factor"] if inj.muscle["kind"] == "skin"
                     and m["kind"] != "skin" else 1.0)
                d_nb = nb["distance_mm"] * dfac
                here = which == j
                d = np.where(here, 0.0, d_nb)
                # Beyond the bolus edge what reaches a neighbour falls off with lambda, through
                # its fascia and the orbital septum (docs/spread.md equation S.1); a bolus
                # misplaced at this neighbour lies against it, on its side of those barriers.
                # The sites of an injection are spread over the target; a neighbour lies along
                # the part of it its own face covers, so a site is near it in that share.
                vol = layout.structs[k]["volume_ml"]
                near = min(1.0, face_cm2(P, m, vol) / face_t)
                w[j] = np.where(here, 1.0,
                                near * np.exp(-np.maximum(0.0, d_nb - rb) / lam) * barrier)
                v_in[j] = layer_ml(vol, rf, d, S["reach_depth_mm"])
                if not layout.structs[k]["injected"]:
                    reach[:, k] = np.maximum(reach[:, k],
                                             reached_ml(m, vol, rf, d, S["reach_depth_mm"]) / vol)
                # The target as seen from a bolus misplaced at this neighbour: back across the
                # same barriers.
                back = np.exp(-np.maximum(0.0, d_nb - rb) / lam) * barrier
                tau = np.where(here, back, tau)
            v_bind = np.minimum(vf, v_t) * tau + (w * v_in).sum(axis=0)
            per_ml = u / v_bind
            own_t += per_ml * tau
            for j, (k, nb, m) in enumerate(nbs):
                cs[:, k] += per_ml * w[j]
        site0 += inj.sites
    scale = np.zeros((N, ns))
    for k, st in enumerate(layout.structs):
        if st["injected"]:
            v = st["volume_ml"]
            x = vf_sum[:, k] / v
            if st["muscle"]["kind"] == "skin":
                # Intradermal sites are placed evenly over the treated area, 1-2 cm apart
                # (axillary label): a square lattice of discs covers it once their total area
                # reaches pi/2 of it.
                phi = np.minimum(1.0, x * 2.0 / math.pi)
            else:
                # Sites in a muscle fall where the needle finds it: fields at random (Boolean).
                phi = 1.0 - np.exp(-x)
            # Several sites' fields overlap in a small structure (their concentrations add) and
            # lie apart in a large one (the covered part sees their mean).
            kappa = np.minimum(1.0, (vf_sum[:, k] / vf_n[k]) / (phi * v))
            scale[:, k] = phi
            for (kk, sero), c in own.items():
                if kk == k:
                    conc[sero][:, k] += kappa * c
        else:
            scale[:, k] = reach[:, k]
    return conc, scale
