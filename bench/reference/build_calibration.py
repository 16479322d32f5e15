#!/usr/bin/python3
"""Builds data/calibration.json: every calibration CSV of the reference (copied verbatim, with its
source line) plus the checks `bont validate` runs on it.

Usage: /usr/bin/python3 bench/reference/build_calibration.py [REFERENCE_DIR]
(default REFERENCE_DIR: ../shared/reference, relative to the repository root)

Observed numbers in the checks are the CSV's numbers (or arithmetic on them, said in the label);
nothing is added. Items the reference marks UNCONFIRMED are shown, never scored and never fitted.
Tolerances are justified in each check's "note" and in docs/validation.md.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference")
CAL = os.path.join(REF, "calibration")

# The cervical dystonia pattern: the four muscles most often injected, in the proportions of the
# abobotulinumtoxinA pivotal-trial median doses (label-doses.csv: SCM 125, splenius capitis 200,
# trapezius 102.6, levator scapulae 105.3 U). The trials give only the total.
CD_SPLIT = [("sternocleidomastoid", "left", 125.0), ("splenius_capitis", "right", 200.0),
            ("trapezius", "right", 102.6), ("levator_scapulae", "right", 105.3)]


def cd_targets(product, total_u):
    s = sum(u for _, _, u in CD_SPLIT)
    return [{"muscle": m, "side": side, "product": product, "units": round(total_u * u / s, 3)}
            for m, side, u in CD_SPLIT]


GLABELLAR = [("procerus", None, 4.0), ("corrugator_supercilii", "left", 8.0),
             ("corrugator_supercilii", "right", 8.0)]


def glabellar_targets(product, total_u):
    out = []
    for m, side, u in GLABELLAR:
        t = {"muscle": m, "product": product, "units": total_u * u / 20.0}
        if side:
            t["side"] = side
        out.append(t)
    return out


def C(id, label, unit, observed, status, note, scenario=None, metric=None, tolerance=None, **arg):
    c = {"id": id, "label": label, "unit": unit, "observed": observed, "status": status,
         "note": note}
    if scenario:
        c["scenario"] = scenario
    if metric:
        c["metric"] = metric
    if tolerance is not None:
        c["tolerance"] = tolerance
    if arg:
        c["arg"] = arg
    return c


TOL_LEBEDA = "0.05 min: the CSV rounds times to 0.1 min; the model samples every 6 s and interpolates."
PARALYSING = {"block": 0.95, "by_day": 2}

DATASETS = [
    {
        "id": "lebeda2008_ode_reference_times", "file": "lebeda2008_ode_reference_times.csv",
        "species": "none (computed)", "kind": "verification", "time_unit": "min", "plot": "effect",
        "summary": "Implementation check of the published chains (not data): times at which the "
                   "lytic fraction reaches 0.1, 0.5 and 0.9. kS is the table's own variable, so "
                   "these scenarios alone may override it.",
        "scenarios": {
            "three_step": {"model": "lebeda3", "days": 1, "steps_per_day": 14400,
                           "targets": [{"concentration_u_per_ml": 1, "tissue": "muscle"}]},
            "ks_0.01": {"model": "lebeda4", "days": 1, "steps_per_day": 14400,
                        "params": {"k_bulk_per_min": 0.01},
                        "targets": [{"concentration_u_per_ml": 1, "tissue": "muscle"}]},
            "ks_0.001": {"model": "lebeda4", "days": 3, "steps_per_day": 14400,
                         "params": {"k_bulk_per_min": 0.001},
                         "targets": [{"concentration_u_per_ml": 1, "tissue": "muscle"}]},
            "ks_0.00015": {"model": "lebeda4", "days": 12, "steps_per_day": 14400,
                           "params": {"k_bulk_per_min": 0.00015},
                           "targets": [{"concentration_u_per_ml": 1, "tissue": "muscle"}]},
        },
        "checks": [
            C(f"{s}_t{p}", f"{lab}: time to lytic {p}", "min", v, "scored", TOL_LEBEDA, s,
              "time_to_effect", 0.05, fraction=p)
            for s, lab, vals in [("three_step", "3-step", (26.8, 79.5, 204.1)),
                                 ("ks_0.01", "4-step kS 0.01", (68.6, 173.0, 370.9)),
                                 ("ks_0.001", "4-step kS 0.001", (200.2, 797.7, 2407.1)),
                                 ("ks_0.00015", "4-step kS 0.00015", (804.1, 4722.7, 15452.3))]
            for p, v in zip((0.1, 0.5, 0.9), vals)
        ],
    },
    {
        "id": "lebeda2008_3step_tension_reference", "file": "lebeda2008_3step_tension_reference.csv",
        "species": "none (computed)", "kind": "verification", "time_unit": "min", "plot": "tension",
        "summary": "Implementation check of the three-step chain: tension = 1 - lytic at six times.",
        "scenarios": {"three_step": {"model": "lebeda3", "days": 1, "steps_per_day": 14400,
                                     "targets": [{"concentration_u_per_ml": 1, "tissue": "muscle"}]}},
        "checks": [
            C(f"tension_{t}min", f"tension at {t} min", "fraction", v, "scored",
              "5e-5: the CSV gives 4 decimals.", "three_step", "tension_frac_at", 5e-5, t=t)
            for t, v in [(30, 0.8762), (60, 0.6357), (120, 0.2979), (180, 0.1368), (240, 0.0627),
                         (360, 0.0132)]
        ],
    },
    {
        "id": "simpson1980_rate_constants", "file": "simpson1980_rate_constants.csv",
        "species": "rodent (isolated nerve-hemidiaphragm)", "kind": "input", "time_unit": "min",
        "summary": "The binding, translocation and lytic rates are model inputs. Shown: the half-time "
                   "ln2/k of each rate next to the half-time in the abstract.",
        "checks": [
            C("kB_half_time", "binding half-time ln2/kB", "min", 12, "input",
              "kB = 0.058/min is used as published.", metric="param_half_time",
              name="k_bind_per_min"),
            C("kT_half_time", "translocation ('endocytosis') half-time ln2/kT", "min", 4.9, "input",
              "kT = 0.141/min is used as published.", metric="param_half_time",
              name="k_endo_per_min"),
            C("kL_half_time", "lytic ('translocation') half-time ln2/kL", "min", 55, "input",
              "kL = 0.013/min is used as published; ln2/0.013 = 53 min against the abstract's "
              "55 min is the abstract's rounding.", metric="param_half_time",
              name="k_transloc_per_min"),
        ],
    },
    {
        "id": "mouse_hemidiaphragm_t_half", "file": "mouse_hemidiaphragm_t_half.csv",
        "species": "mouse (ex vivo bath)", "kind": "orientation", "time_unit": "min",
        "plot": "tension",
        "scenarios": {"three_step": {"model": "lebeda3", "days": 1, "steps_per_day": 1440,
                                     "targets": [{"concentration_u_per_ml": 1, "tissue": "muscle"}]}},
        "summary": "A bath of 500 pg/mL is not an injection; the bont model does not describe it. "
                   "The reference itself calls the three-step chain's t50 'the same order' and says "
                   "these are not fits, so it is shown, not scored.",
        "checks": [
            C("t_half", "time to half paralysis, 3-step chain (Simpson rates)", "min", 51, "shown",
              "orientation only (model.md 1.3): different species, temperature and stimulation; "
              "the chain is concentration-independent.", "three_step", "time_to_effect",
              fraction=0.5),
        ],
    },
    {
        "id": "serotype_persistence_in_neurons", "file": "serotype_persistence_in_neurons.csv",
        "species": "rat and mouse neuron cultures", "kind": "input", "time_unit": "d",
        "summary": "Foran 2003 half-lives are the light-chain persistence inputs. The culture "
                   "persistence figures (months) measure detectable activity, not a half-life, and "
                   "the model has a single light-chain pool, so they are not compared.",
        "checks": [
            C(f"foran_{s}", f"half-life of inhibition, {s}", "d", v, "input",
              "used as lc_half_life_d of the serotype.", metric="param",
              name=f"lc_half_life_d.{s}")
            for s, v in [("A", 31), ("C1", 25), ("B", 10), ("F", 2), ("E", 0.8)]
        ] + [
            C("whitemarsh_A", "A1/A2/A4/A5 enzymatic activity in culture", "months", 10,
              "not_modelled", "at least 10 months of detectable activity: a persistence of any "
              "remaining activity, not comparable with a half-life; the model's single pool "
              "follows Foran."),
            C("keller_A", "A light-chain activity in culture", "weeks", 11, "not_modelled",
              "'> 11 weeks' of activity: as above."),
            C("keller_E_fragment", "E-truncated SNAP-25 disappearing after washout", "d", 18,
              "not_modelled", "the model tracks intact substrate only; the cleaved fragment's "
              "clearance is not a state."),
        ],
    },
    {
        "id": "adler2001_rat_edl_tension_A_vs_E", "file": "adler2001_rat_edl_tension_A_vs_E.csv",
        "species": "rat (EDL, in situ)", "kind": "animal", "time_unit": "d", "plot": "tension",
        "summary": "Doses were chosen to paralyse totally within 48 h; the rat EDL volume is not in "
                   "the reference, so each serotype gets the smallest dose per mL that blocks 95 % "
                   "of fibres by day 2 in the model. Rodent i.m. uptake (k_bulk_rodent_per_min, Lebeda "
                   "2008); everything else human. Tests how light-chain persistence orders "
                   "recovery (E much faster than A).",
        "scenarios": {
            "A": {"model": "bont", "uptake": "rodent", "days": 30, "targets": [
                {"dose_for_block": PARALYSING, "serotype": "A", "tissue": "muscle"}]},
            "E": {"model": "bont", "uptake": "rodent", "days": 30, "targets": [
                {"dose_for_block": PARALYSING, "serotype": "E", "tissue": "muscle"}]},
        },
        "checks": [
            C("A_day7", "A: tension day 7", "% of control", 2, "scored",
              "15 points: one group mean per day (n not in the abstract), rat in situ tension "
              "against human parameters, dose set by the design criterion.", "A", "tension_at", 15,
              day=7),
            C("A_day15", "A: tension day 15", "% of control", 12, "scored",
              "15 points, as above.", "A", "tension_at", 15, day=15),
            C("E_day7", "E: tension day 7", "% of control", 53, "scored",
              "15 points, as above.", "E", "tension_at", 15, day=7),
            C("E_day15", "E: tension day 15", "% of control", 94, "scored",
              "15 points, as above.", "E", "tension_at", 15, day=15),
        ],
    },
    {
        "id": "nmj_recovery_and_snap25_link_rodent", "file": "nmj_recovery_and_snap25_link_rodent.csv",
        "species": "mouse, rat", "kind": "animal", "time_unit": "d", "plot": "release",
        "summary": "Recovery of release after one, two and three paralysing injections 3.5 months "
                   "apart (Rogozhin 2008), the return of contraction at 28 days (de Paiva 1999), and "
                   "the SNAP-25 threshold that sets the safety factor (Toxicon 2001). Mouse times "
                   "are shown (rodent uptake, otherwise human parameters); the ratios between injection counts are "
                   "scored because they do not depend on the species' time scale.",
        "scenarios": {
            "one": {"model": "bont", "uptake": "rodent", "days": 600, "targets": [
                {"dose_for_block": PARALYSING, "serotype": "A", "tissue": "muscle"}]},
            "two": {"model": "bont", "uptake": "rodent", "days": 800, "targets": [
                {"dose_for_block": PARALYSING, "serotype": "A", "tissue": "muscle",
                 "at_days": [0, 105]}]},
            "three": {"model": "bont", "uptake": "rodent", "days": 1000, "targets": [
                {"dose_for_block": PARALYSING, "serotype": "A", "tissue": "muscle",
                 "at_days": [0, 105, 210]}]},
        },
        "checks": [
            C("depaiva_contraction", "de Paiva: nerve stimulation elicits contraction again "
              "(force back to 10 % of control)", "d", 28, "shown",
              "mouse sternomastoid; human parameters recover later. The 10 % force threshold is "
              "ours: the abstract gives no amplitude.", "one", "force_recovery_day", fraction=0.10),
            C("rogozhin_1", "Rogozhin: 50 % of control release, 1 injection", "weeks", 6, "shown",
              "mouse epitrochleoanconeus; shown for the time scale only.", "one",
              "release_recovery_week", fraction=0.5),
            C("rogozhin_2", "Rogozhin: 50 % of control release, 2 injections", "weeks", 11,
              "shown", "as above; measured after the last injection.", "two",
              "release_recovery_week", fraction=0.5),
            C("rogozhin_3", "Rogozhin: 50 % of control release, 3 injections", "weeks", 15,
              "shown", "as above.", "three", "release_recovery_week", fraction=0.5),
            C("rogozhin_ratio_2", "Rogozhin: recovery time 2 injections / 1 injection (11/6)",
              "ratio", round(11 / 6, 3), "scored",
              "0.4: each time is read in whole weeks (+-0.5 wk of 6-15), about +-15 % on the "
              "ratio, doubled because injections were '3-4 months' apart.", metric="ratio_of",
              tolerance=0.4, num="rogozhin_2", den="rogozhin_1"),
            C("rogozhin_ratio_3", "Rogozhin: recovery time 3 injections / 1 injection (15/6)",
              "ratio", 2.5, "scored", "0.4, as above.", metric="ratio_of", tolerance=0.4,
              num="rogozhin_3", den="rogozhin_1"),
            C("toxicon_threshold", "SNAP-25 cleaved:intact ratio at which paralysis is probable",
              "ratio", 0.35, "input",
              "sets safety_factor_median = 1.35^n so the median fibre fails at this ratio.",
              metric="param_cleaved_ratio_at_median"),
        ],
    },
    {
        "id": "sloop1996_edb_dose_response_typeA", "file": "sloop1996_edb_dose_response_typeA.csv",
        "species": "human (EDB, healthy volunteers)", "kind": "human", "time_unit": "d",
        "plot": "cmap_decrement",
        "summary": "Human EDB M-wave: plateau of 85-90 % decrement reached at 15-20 U; peak effect "
                   "present on day 6. The per-dose values are in a figure not read (UNCONFIRMED), "
                   "so only the plateau and its timing are compared. EDB volume from the atlas "
                   "(8 mL, estimate).",
        "scenarios": {
            "u15": {"model": "bont", "days": 60, "targets": [
                {"muscle": "extensor_digitorum_brevis", "side": "left",
                 "product": "onabotulinumtoxinA", "units": 15}]},
            "u20": {"model": "bont", "days": 60, "targets": [
                {"muscle": "extensor_digitorum_brevis", "side": "left",
                 "product": "onabotulinumtoxinA", "units": 20}]},
        },
        "checks": [
            C("plateau_15u", "peak M-wave decrement at 15 U", "%", [85, 90], "scored",
              "5 points: the abstract gives the plateau as a 5-point range over 13 subjects; "
              "the product of the Botox era is assumed (UNCONFIRMED in the CSV) but every A "
              "product in the kb except Dysport has ratio 1.", "u15", "peak_cmap_decrement", 5),
            C("plateau_20u", "peak M-wave decrement at 20 U", "%", [85, 90], "scored",
              "5 points, as above.", "u20", "peak_cmap_decrement", 5),
            C("day6_20u", "M-wave decrement on day 6 relative to its peak, 20 U", "ratio", 1.0,
              "scored", "0.15: 'peak effect present on day 6' read as within 15 % of the peak "
              "(the abstract gives no other visit).", "u20", "cmap_decrement_rel_peak_at", 0.15,
              day=6),
        ],
    },
    {
        "id": "human_cmap_other_studies", "file": "human_cmap_other_studies.csv",
        "species": "human (EDB)", "kind": "human", "time_unit": "d", "plot": "cmap_decrement",
        "summary": "Park 2002 (EDB, 5 U onabotulinumtoxinA): maximal CMAP decrement at 4 weeks, "
                   "still reduced at 8 weeks. Boulias 2022: a first significant fall at 4 h (ona) "
                   "and 24 h (inco). Rows with an UNCONFIRMED dose or no numbers are not used.",
        "scenarios": {
            "park_5u": {"model": "bont", "days": 180, "targets": [
                {"muscle": "extensor_digitorum_brevis", "side": "left",
                 "product": "onabotulinumtoxinA", "units": 5}]},
            "boulias_10u": {"model": "bont", "days": 7, "steps_per_day": 48, "targets": [
                {"muscle": "extensor_digitorum_brevis", "side": "left",
                 "product": "onabotulinumtoxinA", "units": 10}]},
        },
        "checks": [
            C("park_peak_day", "Park: day of maximal CMAP decrement, 5 U", "d", 28, "scored",
              "14 days: the visit schedule is not in the abstract; with visits every 2-4 weeks a "
              "peak 'at 4 weeks' means between 2 and 6 weeks.", "park_5u", "peak_cmap_day", 14),
            C("park_week8", "Park: CMAP decrement at 8 weeks (significantly reduced)", "%",
              [5, 100], "scored", "'significantly reduced' with n = 9: we require at least 5 points "
              "(our reading; the abstract gives no size).", "park_5u", "cmap_decrement_at", 0,
              day=56),
            C("boulias_4h", "Boulias: CMAP decrement at 4 h, ona 10 U (first significant fall)",
              "%", None, "shown", "no size is given for the fall; shown only.", "boulias_10u",
              "cmap_decrement_at", day=4 / 24),
            C("jrehabilmed_day15", "J Rehabil Med 2011: CMAP % of baseline day 15", "%", [24.1, 38.8],
              "not_modelled", "dose and product UNCONFIRMED; stimulation protocol not modelled."),
            C("eleopra2004", "Eleopra 2004: ADM recovery A vs B, C, F", "", None, "not_modelled",
              "no numbers in the abstract."),
        ],
    },
    {
        "id": "glabellar_onset_duration_trials", "file": "glabellar_onset_duration_trials.csv",
        "species": "human (glabellar lines)", "kind": "human", "time_unit": "d", "plot": "effect",
        "summary": "Glabellar 20 U onabotulinumtoxinA (procerus 4 U, corrugators 8 U each) and "
                   "25 U incobotulinumtoxinA in the same proportions; effect = dose-weighted mean "
                   "loss of force. Responder rates are a population measure: the single typical "
                   "patient is compared on timing only. DaxibotulinumtoxinA has no accepted unit "
                   "ratio, and the high-dose and news rows are UNCONFIRMED.",
        "scenarios": {
            "ona20": {"model": "bont", "days": 240,
                      "targets": glabellar_targets("onabotulinumtoxinA", 20)},
            "inco25": {"model": "bont", "days": 240,
                       "targets": glabellar_targets("incobotulinumtoxinA", 25)},
            "ona40": {"model": "bont", "days": 300,
                      "targets": glabellar_targets("onabotulinumtoxinA", 40)},
        },
        "checks": [
            C("carruthers_peak_visit", "Carruthers: response peaks at the day-30 visit (visits 7, "
              "30, 60, 90, 120): model effect at day 30 / highest effect at a visit", "ratio", 1.0,
              "scored", "0.05: a responder rate peaking at a visit says the effect there is at or "
              "near the highest of all visits; 5 % covers a flat top.", "ona20",
              "effect_rel_max_visit", 0.05, day=30, visits=[7, 30, 60, 90, 120]),
            C("inco_day3", "Clin Interv Aging: share of the maximal effect reached by day 2-4 "
              "(inco 25 U), model at day 3", "ratio", 0.84, "scored",
              "0.15: the observation spans days 2-4 and is a responder-based share.", "inco25",
              "effect_rel_peak_at", 0.15, day=3),
            C("inco_day8", "Clin Interv Aging: maximal effect reached at day 8", "ratio", 1.0,
              "scored", "0.1: '100 % at days 8 and 14', within 10 % of the peak.", "inco25",
              "effect_rel_peak_at", 0.1, day=8),
            C("inco_5months", "Clin Interv Aging: effect persisting at 5 months", "%", [1, 100],
              "scored", "'almost 1-point improvement persisting at 5 months': some effect (>= 1 %) "
              "left on day 150.", "inco25", "effect_at", 0, day=150),
            C("allergan_20u", "news report: median time to return to baseline, 20 U", "weeks",
              19.7, "shown", "endpoint UNCONFIRMED (news report); model duration (below half "
              "of peak) shown.", "ona20", "duration_weeks"),
            C("allergan_40u", "news report: median time to return to baseline, 40 U", "weeks",
              24.0, "shown", "as above.", "ona40", "duration_weeks"),
            C("sakura_daxi", "SAKURA: daxibotulinumtoxinA 40 U median duration", "weeks", 24.0,
              "not_modelled", "daxibotulinumtoxinA has no accepted unit ratio (kb)."),
            C("daxi_china", "DAXI China phase 3 week-4 none/mild and duration", "weeks", 23.9,
              "not_modelled", "as above."),
            C("highdose_review", "Toxins 2021: about 9 months at 2-2.5x dose", "months", 9,
              "not_modelled", "absolute units UNCONFIRMED."),
        ],
    },
    {
        "id": "axillary_hyperhidrosis_timecourse", "file": "axillary_hyperhidrosis_timecourse.csv",
        "species": "human (axillary skin, sweat glands)", "kind": "human", "time_unit": "d",
        "plot": "effect",
        "summary": "Sweat output after intradermal onabotulinumtoxinA (axilla dermal volume from the "
                   "atlas, 10 mL estimate). Naumann 2001 (product confirmed): 94 % and 82 % of "
                   "patients were responders (>= 50 % less sweat) at weeks 4 and 16, so the typical "
                   "patient's reduction must be >= 50 % at both. Rows whose product is UNCONFIRMED "
                   "are shown, not scored.",
        "scenarios": {
            "ona50": {"model": "bont", "days": 300, "targets": [
                {"muscle": "axilla", "side": "left", "product": "onabotulinumtoxinA", "units": 50}]},
            "ona75": {"model": "bont", "days": 300, "targets": [
                {"muscle": "axilla", "side": "left", "product": "onabotulinumtoxinA", "units": 75}]},
            "abo200": {"model": "bont", "days": 200, "targets": [
                {"muscle": "axilla", "side": "left", "product": "abobotulinumtoxinA",
                 "units": 200}]},
            "abo100": {"model": "bont", "days": 200, "targets": [
                {"muscle": "axilla", "side": "left", "product": "abobotulinumtoxinA",
                 "units": 100}]},
        },
        "checks": [
            C("naumann_wk4", "Naumann: sweat reduction at week 4 (94 % responders)", "%",
              [50, 100], "scored", "0: a majority of responders means the typical patient is one.",
              "ona50", "effect_at", 0, day=28),
            C("naumann_wk16", "Naumann: sweat reduction at week 16 (82 % responders)", "%",
              [50, 100], "scored", "0, as above.", "ona50", "effect_at", 0, day=112),
            C("lowe_50u", "Lowe 2007: median duration of effect, 50 U", "d", 205, "shown",
              "product UNCONFIRMED in the CSV; model duration (below half of peak).", "ona50",
              "duration_days"),
            C("lowe_75u", "Lowe 2007: median duration of effect, 75 U", "d", 197, "shown",
              "as above.", "ona75", "duration_days"),
            C("heckmann_wk2", "Heckmann: sweat 192 -> 24 mg/min at week 2 (= 87.5 % less), 200 U",
              "%", 87.5, "shown", "product (Dysport) UNCONFIRMED.", "abo200", "effect_at", day=14),
            C("heckmann_wk24", "Heckmann: 192 -> 65 mg/min 24 weeks after 100 U (= 66 % less)",
              "%", 66.1, "shown", "product UNCONFIRMED; single-dose scenario.", "abo100",
              "effect_at", day=168),
            C("odderson_wk2", "Odderson: sweat reduction at week 2, 50 U", "%", 91.6, "shown",
              "product UNCONFIRMED.", "ona50", "effect_at", day=14),
            C("odderson_5mo", "Odderson: mean reduction over months 0-5, 50 U", "%", 88.2, "shown",
              "product UNCONFIRMED.", "ona50", "mean_effect_between", start=0, end=150),
        ],
    },
    {
        "id": "cervical_dystonia_timecourse", "file": "cervical_dystonia_timecourse.csv",
        "species": "human (cervical dystonia)", "kind": "human", "time_unit": "d", "plot": "effect",
        "summary": "Tsui and TWSTRS improvements are clinical scores, not force: the model's "
                   "dose-weighted mean loss of force in four neck muscles (label pivotal-trial "
                   "median proportions; the trials report only totals) is compared on shape "
                   "(ratios between visits), on the Dysport/Botox peak ratio and on time to "
                   "retreatment (model duration).",
        "scenarios": {
            "botox152": {"model": "bont", "days": 200, "targets": cd_targets("onabotulinumtoxinA", 152)},
            "dysport477": {"model": "bont", "days": 200,
                           "targets": cd_targets("abobotulinumtoxinA", 477)},
            "dysport500": {"model": "bont", "days": 200,
                           "targets": cd_targets("abobotulinumtoxinA", 500)},
        },
        "checks": [
            C("botox_wk2_wk4", "Odergren Botox: Tsui improvement week 2 / week 4 (37/44)", "ratio",
              round(37 / 44, 3), "scored", "0.15: SD 28 points with n = 35 gives a standard error "
              "of about 13 % on each mean, about 0.15 on the ratio.", "botox152", "effect_rel_at",
              0.15, day=14, ref_day=28),
            C("dysport_wk2_wk4", "Odergren Dysport: week 2 / week 4 (46/49)", "ratio",
              round(46 / 49, 3), "scored", "0.15, as above (SD 28-29, n = 38).", "dysport477",
              "effect_rel_at", 0.15, day=14, ref_day=28),
            C("botox_peak_visit", "Odergren Botox: peak at week 4 (visits at weeks 2 and 4): model "
              "effect at week 4 / highest at a visit", "ratio", 1.0, "scored",
              "0.05, as for the glabellar visits.", "botox152", "effect_rel_max_visit", 0.05,
              day=28, visits=[14, 28]),
            C("botox_retreat", "Odergren Botox: time to retreatment 80.7 (SD 14.4) d", "d", 80.7,
              "scored", "14 days = 1 SD: retreatment is the clinician's decision when symptoms "
              "return, which the model reads as the effect falling below half its peak.",
              "botox152", "duration_days", 14),
            C("dysport_retreat", "Odergren Dysport: time to retreatment 83.9 (SD 13.6) d", "d",
              83.9, "scored", "14 days = 1 SD, as above.", "dysport477", "duration_days", 14),
            C("dysport_over_botox", "Odergren: peak improvement Dysport 477 U / Botox 152 U (49/44)",
              "ratio", round(49 / 44, 3), "scored", "0.15: standard errors of both means (SD 28-29, "
              "n 35-38); tests the 2.5-3:1 unit ratio.", metric="ratio_of", tolerance=0.15,
              num="dysport_peak", den="botox_peak"),
            C("dysport_peak", "peak effect, Dysport 477 U (model)", "%", None, "shown",
              "used by the ratio above.", "dysport477", "peak_effect"),
            C("botox_peak", "peak effect, Botox 152 U (model)", "%", None, "shown",
              "used by the ratio above.", "botox152", "peak_effect"),
            C("twstrs_wk8_wk4", "Dysport 500 phase III: placebo-corrected TWSTRS improvement week 8 "
              "/ week 4 ((14.7-5.9)/(15.6-6.7))", "ratio", round(8.8 / 8.9, 3), "scored",
              "0.15: no SD in the abstract; same size as for the Odergren ratios (trials of "
              "similar size).", "dysport500", "effect_rel_at", 0.15, day=56, ref_day=28),
            C("twstrs_wk12_wk4", "Dysport 500 phase III: week 12 / week 4 ((9.1-4.9)/(15.6-6.7))",
              "ratio", round(4.2 / 8.9, 3), "scored", "0.15, as above.", "dysport500",
              "effect_rel_at", 0.15, day=84, ref_day=28),
        ],
    },
    {
        "id": "units_and_neurotoxin_content", "file": "units_and_neurotoxin_content.csv",
        "species": "products", "kind": "input", "time_unit": "d",
        "summary": "The model converts units with the kb's clinical ratios (abobotulinumtoxinA "
                   "2.5-3:1, geometric mean 2.74). Field 2018's neurotoxin mass per unit implies "
                   "1.67:1 (9.0 / 5.38 pg per U) because specific activity differs between "
                   "products, so mass is not used.",
        "checks": [
            C("dysport_botox_ratio", "clinical dose equivalence Dysport:Botox (JNNP 1998)",
              "U per ona U", 3, "input", "the model uses the kb band 2.5-3 (geometric mean).",
              metric="product_ratio", product="abobotulinumtoxinA"),
            C("field_mass_ratio", "neurotoxin mass ratio Dysport:Botox per unit, derived (9.0 / "
              "5.38 pg/U)", "ratio", 1.67, "not_modelled",
              "mass is not potency: not used for conversion."),
        ],
    },
    {
        "id": "spread_and_diffusion", "file": "spread_and_diffusion.csv",
        "species": "rabbit, rat", "kind": "deferred", "time_unit": "d",
        "summary": "Spread to neighbouring muscles and the effect of needle distance from the "
                   "endplate zone belong to the spread model (issue 4); the single-target model "
                   "does not use them.",
        "checks": [
            C("shaari_endplate", "0.5 cm from the endplate band halves paralysis", "% change", -50,
              "not_modelled", "spread and injection accuracy: issue 4."),
            C("borodic_field", "1 IU denervation gradient collapses over 15-30 mm", "mm", [15, 30],
              "not_modelled", "issue 4."),
        ],
    },
    {
        "id": "botulism_repetitive_nerve_stimulation", "file": "botulism_repetitive_nerve_stimulation.csv",
        "species": "human (botulism)", "kind": "not_modelled", "time_unit": "d",
        "summary": "Post-exercise increments and jitter depend on stimulation frequency and residual "
                   "calcium; the model has no activity dependence, so none of these is compared.",
        "checks": [
            C("increment", "post-exercise increment cut-off in botulism", "%", 25, "not_modelled",
              "no activity dependence in the model."),
            C("sloop1997_facilitation", "facilitation day 9, A / B (EDB)", "%", [20, 63],
              "not_modelled", "as above."),
        ],
    },
    {
        "id": "fuglevand1993_motor_unit_pool_parameters",
        "file": "fuglevand1993_motor_unit_pool_parameters.csv",
        "species": "model parameters", "kind": "not_modelled", "time_unit": "d",
        "summary": "Failure of a fibre does not depend on its motor unit in the model, so maximal "
                   "force is proportional to the active fibres and the recruitment and rate-coding "
                   "pool adds nothing to the readouts; several values are UNCONFIRMED.",
        "checks": [
            C("n_units", "number of motor units", "units", 120, "not_modelled",
              "maximal force is taken as proportional to active fibres."),
        ],
    },
    {
        "id": "clinical_time_course", "file": "../clinical-facts.md (section 4, time course table)",
        "species": "human (labels and trials)", "kind": "human", "time_unit": "d", "plot": "effect",
        "source": "clinical-facts.md section 4: [G14] oculoplastic atlas and [D16] Galderma (glabellar "
                  "onset 2-3 days); [G9] StatPearls and [S15] Botox Cosmetic label (glabellar 3-4 "
                  "months, 'up to 4 months'); [D1] Dysport label (cervical dystonia peak 2-4 weeks); "
                  "[S10] Botox label (blepharospasm onset <= 3 days, peak 1-2 weeks, about 3 "
                  "months); [M5] Myobloc label (cervical dystonia 12-16 weeks at 5000 or 10000 U); "
                  "[H1] Lowe 2007 (axillary median 205 days).",
        "summary": "Onset, peak and duration as labels and trial summaries state them, for the "
                   "patterns of the bundled example plans. Clinical 'onset' (first noticed) and "
                   "'duration' (to retreatment or return) are read as the model's readouts (25 % "
                   "and 50 % of peak), which is why the tolerances are a week or two.",
        "scenarios": {
            "glabellar_ona20": {"model": "bont", "days": 240,
                                "targets": glabellar_targets("onabotulinumtoxinA", 20)},
            "cd_dysport500": {"model": "bont", "days": 200,
                              "targets": cd_targets("abobotulinumtoxinA", 500)},
            "bleph_ona15": {"model": "bont", "days": 200, "targets": [
                {"muscle": "orbicularis_oculi", "side": "left", "product": "onabotulinumtoxinA",
                 "units": 7.5}]},
            "cd_rima5000": {"model": "bont", "days": 200,
                            "targets": cd_targets("rimabotulinumtoxinB", 5000)},
            "axilla_ona50": {"model": "bont", "days": 300, "targets": [
                {"muscle": "axilla", "side": "left", "product": "onabotulinumtoxinA", "units": 50}]},
        },
        "checks": [
            C("glabellar_onset", "glabellar 20 U: onset 2-4 days [G14][D16][X13]", "d", [2, 4],
              "scored", "0.05 day: the range already spans the sources (2-3 days atlas and label, "
              "2-4 days single-arm trial) and is the issue's acceptance range; onset is reported "
              "to 0.1 day, so anything that reports as 2.0 is in it.", "glabellar_ona20",
              "onset_day", 0.05),
            C("glabellar_duration", "glabellar 20 U: most of the effect gone by 3-4 months [G9][S15]",
              "d", [90, 120], "scored", "0: 'up to 4 months' read as below half of the peak by "
              "day 120, the issue's acceptance range.", "glabellar_ona20", "duration_days", 0),
            C("cd_peak", "cervical dystonia Dysport 500 U: peak at 2-4 weeks [D1]", "d", [14, 28],
              "scored", "7 days: visits are weekly at best.", "cd_dysport500", "peak_day", 7),
            C("bleph_peak", "blepharospasm 7.5 U per eye: peak 1-2 weeks [S10]", "d", [7, 14],
              "scored", "7 days, as above.", "bleph_ona15", "peak_day", 7),
            C("bleph_duration", "blepharospasm: about 3 months [S10]", "d", 90, "scored",
              "21 days: 'about 3 months'.", "bleph_ona15", "duration_days", 21),
            C("rima_duration", "rimabotulinumtoxinB 5000 U cervical dystonia: 12-16 weeks [M5]", "d",
              [84, 112], "shown", "fits badly, not scored: with Foran's 10-day half-life for B the "
              "model wears B off in about half the time of A; the label's 12-16 weeks (a secondary "
              "copy of the label) would need B to persist in human muscle much longer than in "
              "cultured neurons. The issue's own target is that B wears off sooner than A.",
              "cd_rima5000", "duration_days"),
            C("axilla_duration", "axillary 50 U: median 205 days [H1]", "d", 205, "shown",
              "the calibration CSV marks the product UNCONFIRMED.", "axilla_ona50",
              "duration_days"),
        ],
    },
    {
        "id": "masseter_thickness_clinical_facts", "file": "../clinical-facts.md (row Masseter, "
        "source MS1)", "species": "human (masseter)", "kind": "human", "time_unit": "d",
        "plot": "atrophy",
        "source": "Xie et al. Classification of masseter hypertrophy for tailored BoNT-A treatment. "
                  "Plast Reconstr Surg ([MS1] in clinical-facts.md): 20-40 U per masseter, 1-3 "
                  "sites; thickness 12.9 -> 8.7 mm at 3 months (brand not stated).",
        "summary": "The only atrophy number in the reference (from clinical-facts.md, not a "
                   "calibration CSV). 30 U, the middle of 20-40 U, in the atlas masseter (27 mL); "
                   "brand not stated, every A product in the kb but Dysport has ratio 1. Thickness "
                   "loss is compared with the model's fractional loss of muscle mass.",
        "scenarios": {"u30": {"model": "bont", "days": 180, "targets": [
            {"muscle": "masseter", "side": "left", "product": "onabotulinumtoxinA",
             "units": 30}]}},
        "checks": [
            C("thickness_3mo", "thickness loss at 3 months (12.9 -> 8.7 mm = 32.6 %)", "%",
              round(100 * (12.9 - 8.7) / 12.9, 1), "scored",
              "10 points: dose range 20-40 U, and thickness need not shrink in proportion to "
              "mass.", "u30", "atrophy_at", 10, day=90),
        ],
    },
]


def read_csv(name):
    with open(os.path.join(CAL, name), encoding="utf-8") as f:
        lines = f.read().splitlines()
    src = lines[0]
    if src.startswith("# source:"):
        src = src[len("# source:"):].strip()
    return src, lines[1:]


def main():
    out = {
        "about": "Calibration and validation datasets for `bont validate`. Built by "
                 "bench/reference/build_calibration.py from the reference CSVs, which are copied "
                 "verbatim under 'csv' with their source line. Each check names the scenario "
                 "(what is simulated), the metric (what is read from it), the observed number, the "
                 "tolerance and why. status: scored (counts), shown (computed, not scored, the note "
                 "says why), input (the number is a model parameter), not_modelled.",
        "datasets": [],
    }
    for d in DATASETS:
        d = dict(d)
        if d["file"].endswith(".csv"):
            src, rows = read_csv(d["file"])
            d.setdefault("source", src)
            d["csv"] = rows
        out["datasets"].append(d)
    path = os.path.join(ROOT, "data", "calibration.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {path}: {len(out['datasets'])} datasets, "
          f"{sum(len(d['checks']) for d in out['datasets'])} checks")


if __name__ == "__main__":
    main()
