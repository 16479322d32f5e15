#!/usr/bin/env python3
"""Writes a cervical dystonia plan with N injections and H history entries, for the scale
benchmark (bench/run_scale.sh). Every injection has its own units (so its own volume), guidance
and sites, so no two share a spread layout; history entries are one a day back from 100 days
before the session, alternating two products.

    python3 bench/gen_plan.py N H > plan.json
"""
import datetime
import json
import sys


def plan(n_injections, n_history):
    targets = [("sternocleidomastoid", "left"), ("splenius_capitis", "right"),
               ("semispinalis_capitis", "right"), ("trapezius", "right"),
               ("levator_scapulae", "right"), ("longissimus_capitis", "right"),
               ("scalenus_medius", "left"), ("splenius_capitis", "left")]
    guidance = ["emg", "ultrasound", "palpation", "stimulation"]
    injections = []
    for i in range(n_injections):
        muscle, side = targets[i % len(targets)]
        units = 1 + (i * 7919 % 10007) / 1000.0  # 1 to 11 U, a different value for each
        injections.append({"muscle": muscle, "side": side, "units": units,
                           "sites": 1 + i % 3, "guidance": guidance[i % 4]})
    day = datetime.date(2026, 11, 21)
    history = []
    for k in range(n_history):
        history.append({"date": (day - datetime.timedelta(days=100 + k)).isoformat(),
                        "product": "abobotulinumtoxinA" if k % 3 == 0 else "onabotulinumtoxinA",
                        "indication": "cervical_dystonia", "units": 100 + k % 50})
    return {"title": "scale benchmark: %d injections, %d history entries"
                     % (n_injections, n_history),
            "patient": {"age_years": 52, "sex": "female", "weight_kg": 64},
            "date": day.isoformat(), "indication": "cervical_dystonia",
            "product": "onabotulinumtoxinA", "vial": {"units": 200, "diluent_ml": 4},
            "injections": injections, "history": history}


if __name__ == "__main__":
    json.dump(plan(int(sys.argv[1]), int(sys.argv[2])), sys.stdout, indent=1)
    sys.stdout.write("\n")
