/* plan.js: the plan builder: injection points on the body charts, running totals, the check
 * (POST /api/v1/check) and the predicted time course (POST /api/v1/simulate, drawn with uPlot)
 * as the plan changes, and recording the visit (POST /api/v1/visits). */
"use strict";

(function () {
  const root = document.getElementById("plan");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const patientId = parseInt(root.dataset.patient, 10) || null;
  let record = {};
  try { record = root.dataset.record ? JSON.parse(root.dataset.record) : {}; } catch (e) { record = {}; }
  const points = []; /* {id, muscle, side, units, x, y, chart}; x, y are fractions of the chart */
  let plot = null;
  let timer = null;
  let seq = 0;
  let asked = 0; /* the latest refresh; older answers are dropped */

  /* Age in whole years on the plan's date, from the stored birth date. */
  function ageOn(birth, date) {
    const b = birth.split("-").map(Number), d = date.split("-").map(Number);
    let age = d[0] - b[0];
    if (d[1] < b[1] || (d[1] === b[1] && d[2] < b[2])) age--;
    return age;
  }
  function syncAge() {
    if (record.birth_date && $("plan-date").value) $("age").value = ageOn(record.birth_date, $("plan-date").value);
  }
  if (record.birth_date) { $("age").readOnly = true; syncAge(); }

  /* Vial sizes are the product's labelled ones. */
  function fillVials(keep) {
    const sel = $("vial-units"), opt = $("product").selectedOptions[0];
    const sizes = (opt && opt.dataset.vials ? opt.dataset.vials.split(" ") : []).filter(Boolean);
    const old = keep || sel.value;
    while (sel.firstChild) sel.removeChild(sel.firstChild);
    if (sizes.length === 0) sel.add(new Option("no labelled vial", ""));
    sizes.forEach((u) => sel.add(new Option(u + " U", u)));
    if (sizes.indexOf(old) >= 0) sel.value = old;
    else if (sizes.indexOf("100") >= 0) sel.value = "100";
  }
  fillVials();

  /* A vial in stock sets the product, vial and its lot. */
  $("stock").addEventListener("change", () => {
    const o = $("stock").selectedOptions[0];
    if (!o || !o.value) { $("lot").value = ""; $("expiry").value = ""; $("reconstituted").value = ""; changed(); return; }
    $("product").value = o.dataset.product;
    fillVials(o.dataset.units ? String(parseFloat(o.dataset.units)) : "");
    if (o.dataset.diluent) $("diluent").value = parseFloat(o.dataset.diluent);
    $("lot").value = o.value;
    $("expiry").value = o.dataset.expiry;
    $("reconstituted").value = o.dataset.reconstituted || "";
    changed();
  });

  /* Tabs: click, or arrow keys between them (WAI-ARIA tabs pattern). */
  const tabs = Array.from(document.querySelectorAll('.tabs [role="tab"]'));
  function select(tab) {
    tabs.forEach((t) => {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
    tab.focus();
  }
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => select(t));
    t.addEventListener("keydown", (e) => {
      if (e.key === "ArrowRight") select(tabs[(i + 1) % tabs.length]);
      if (e.key === "ArrowLeft") select(tabs[(i + tabs.length - 1) % tabs.length]);
    });
  });

  function label(muscle) {
    const o = document.querySelector('#other-muscle option[value="' + CSS.escape(muscle) + '"]');
    return o ? o.textContent : muscle;
  }

  /* Where on the chart (as a fraction of its picture) a click lies. */
  function chartPoint(svg, clientX, clientY) {
    const p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    const q = p.matrixTransform(svg.getScreenCTM().inverse());
    const vb = svg.viewBox.baseVal;
    return { x: q.x / vb.width, y: q.y / vb.height };
  }

  function addPoint(muscle, side, where, chart) {
    const units = parseFloat($("default-units").value) || 1;
    points.push({ id: ++seq, muscle: muscle, side: side || "", units: units,
                  x: where ? where.x : null, y: where ? where.y : null, chart: chart || null });
    changed();
  }

  document.querySelectorAll(".body-chart .m").forEach((el) => {
    const svg = el.ownerSVGElement;
    el.addEventListener("click", (e) => {
      addPoint(el.dataset.muscle, el.dataset.side, chartPoint(svg, e.clientX, e.clientY), svg.dataset.chart);
    });
    el.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      const b = el.getBBox(), vb = svg.viewBox.baseVal;
      /* The region may sit in a shifted group: map its box centre to the chart's frame. */
      const m = el.getCTM(), r = svg.getCTM();
      const p = svg.createSVGPoint();
      p.x = b.x + b.width / 2; p.y = b.y + b.height / 2;
      const q = p.matrixTransform(m).matrixTransform(r.inverse());
      addPoint(el.dataset.muscle, el.dataset.side, { x: q.x / vb.width, y: q.y / vb.height }, svg.dataset.chart);
    });
  });

  $("add-other").addEventListener("submit", (e) => {
    e.preventDefault();
    const sel = $("other-muscle");
    const sided = sel.selectedOptions[0].dataset.sided === "1";
    addPoint(sel.value, sided ? $("other-side").value : "", null, null);
  });

  function drawMarkers() {
    const ns = "http://www.w3.org/2000/svg";
    document.querySelectorAll(".body-chart").forEach((svg) => {
      const layer = svg.querySelector(".points");
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      const vb = svg.viewBox.baseVal;
      svg.querySelectorAll(".m.has-point").forEach((m) => m.classList.remove("has-point"));
      points.forEach((p, i) => {
        const region = svg.querySelector('.m[data-muscle="' + CSS.escape(p.muscle) + '"][data-side="' + p.side + '"]');
        if (region) region.classList.add("has-point");
        if (p.chart !== svg.dataset.chart || p.x === null) return;
        const c = document.createElementNS(ns, "circle");
        c.setAttribute("class", "pt");
        c.setAttribute("cx", p.x * vb.width); c.setAttribute("cy", p.y * vb.height); c.setAttribute("r", 11);
        const t = document.createElementNS(ns, "text");
        t.setAttribute("class", "pt-label");
        t.setAttribute("x", p.x * vb.width); t.setAttribute("y", p.y * vb.height + 4.5);
        t.setAttribute("text-anchor", "middle");
        t.textContent = String(i + 1);
        layer.appendChild(c); layer.appendChild(t);
      });
    });
  }

  function unitsPerMl() {
    const u = parseFloat($("vial-units").value), d = parseFloat($("diluent").value);
    return u > 0 && d > 0 ? u / d : null;
  }

  const round = (x, n) => Math.round(x * Math.pow(10, n)) / Math.pow(10, n);

  function renderTable() {
    const body = $("points");
    while (body.firstChild) body.removeChild(body.firstChild);
    if (points.length === 0) {
      const tr = body.insertRow(), td = tr.insertCell();
      td.colSpan = 6; td.className = "empty"; td.textContent = "No points yet.";
    }
    const upm = unitsPerMl();
    points.forEach((p, i) => {
      const tr = body.insertRow();
      tr.insertCell().textContent = String(i + 1);
      tr.insertCell().textContent = label(p.muscle);
      tr.insertCell().textContent = p.side || "midline";
      const u = tr.insertCell(); u.className = "num";
      const input = document.createElement("input");
      input.type = "number"; input.min = "0.5"; input.step = "0.5"; input.value = p.units;
      input.setAttribute("aria-label", "units at point " + (i + 1));
      input.addEventListener("change", () => { p.units = parseFloat(input.value) || 0; changed(); });
      u.appendChild(input);
      const v = tr.insertCell(); v.className = "num";
      v.textContent = upm ? round(p.units / upm, 3) : "";
      const r = tr.insertCell();
      const b = document.createElement("button");
      b.type = "button"; b.className = "small"; b.textContent = "Remove";
      b.setAttribute("aria-label", "remove point " + (i + 1));
      b.addEventListener("click", () => { points.splice(i, 1); changed(); });
      r.appendChild(b);
    });
    const total = round(points.reduce((s, p) => s + p.units, 0), 2);
    $("totals").textContent = "Total " + total + " U in " + points.length + " point" + (points.length === 1 ? "" : "s") +
      (upm ? " (" + round(total / upm, 2) + " mL at " + round(upm, 2) + " U/mL)" : "");
  }

  /* The plan as `bont check` reads it (docs/plan-format.md): one injection per structure and
   * side with its sites counted, the patient's stored terms and the stored visits as history
   * (recording the visit leaves out what the store already holds). */
  function plan() {
    const by = new Map();
    points.forEach((p) => {
      const k = p.muscle + "|" + p.side;
      const e = by.get(k) || { muscle: p.muscle, units: 0, sites: 0 };
      if (p.side) e.side = p.side;
      e.units = round(e.units + p.units, 4); e.sites += 1;
      by.set(k, e);
    });
    const patient = { age_years: parseFloat($("age").value) };
    if (record.sex) patient.sex = record.sex;
    if (record.weight_kg) patient.weight_kg = record.weight_kg;
    ["conditions", "medications", "allergies"].forEach((k) => { if (record[k] && record[k].length) patient[k] = record[k]; });
    const vial = { units: parseFloat($("vial-units").value) };
    if ($("diluent").value !== "") vial.diluent_ml = parseFloat($("diluent").value);
    if ($("lot").value) vial.lot = $("lot").value;
    if ($("expiry").value) vial.expiry = $("expiry").value;
    if ($("reconstituted").value) vial.reconstituted = $("reconstituted").value;
    const p = {
      date: $("plan-date").value, indication: $("indication").value, product: $("product").value,
      vial: vial, patient: patient, injections: Array.from(by.values()),
    };
    if (record.history && record.history.length) p.history = record.history;
    return p;
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function para(el, text, cls) {
    const p = document.createElement("p");
    p.className = cls || "note"; p.textContent = text;
    el.appendChild(p);
    return p;
  }

  function findingsInto(el, list) {
    list.forEach((f) => {
      const d = document.createElement("div");
      d.className = "finding " + f.severity;
      const rule = document.createElement("div"); rule.className = "rule"; rule.textContent = f.severity + " · " + f.rule;
      const msg = document.createElement("div"); msg.textContent = f.message;
      d.appendChild(rule); d.appendChild(msg);
      if (f.source) { const s = document.createElement("div"); s.className = "src"; s.textContent = (f.evidence ? f.evidence + "; " : "") + "sources " + f.source; d.appendChild(s); }
      el.appendChild(d);
    });
  }

  /* A probability as a natural frequency ("about 3 in 100"). */
  function frequency(p) {
    if (p < 0.005) return "under 1 in 200";
    if (p < 0.01) return "about 1 in 100";
    return "about " + Math.round(p * 100) + " in 100";
  }

  function showFindings(r) {
    const el = $("findings");
    clear(el);
    if (r.status !== 200 || !r.body || !Array.isArray(r.body.findings)) {
      para(el, (r.body && r.body.message) || ("The check failed (" + r.status + ")."), "alert");
      return;
    }
    const c = r.body.counts || {};
    const v = para(el, r.body.verdict === "ok"
      ? "No rule is broken" + (c.warning ? " (" + c.warning + " warning" + (c.warning > 1 ? "s" : "") + ")" : "") + "."
      : "The plan breaks " + c.error + " rule" + (c.error > 1 ? "s" : "") + ".", r.body.verdict === "ok" ? "notice" : "alert");
    v.id = "verdict";
    $("record-verdict").textContent = "Check: " + v.textContent + (r.body.verdict === "ok" ? "" : " Recording it needs an override reason.");
    $("record-verdict").className = r.body.verdict === "ok" ? "note" : "alert";
    findingsInto(el, r.body.findings);
    const risks = r.body.risks || [];
    if (r.body.risks_not_computed) para(el, "Side-effect risks not computed: " + r.body.risks_not_computed);
    if (risks.length === 0) return;
    /* The risks worth a look (0.5 % or more) in a table; the rest behind a disclosure. */
    const shown = risks.filter((k) => k.probability >= 0.005);
    if (shown.length) el.appendChild(riskTable(shown, "Side-effect risk in virtual patients"));
    else {
      const effects = Array.from(new Set(risks.map((k) => k.effect.replace(/_/g, " "))));
      para(el, "No side effect reaches 0.5 % of the virtual patients (checked: " + effects.join(", ") + ").");
    }
    if (shown.length < risks.length) {
      const d = document.createElement("details");
      d.className = "all-risks";
      const sm = document.createElement("summary");
      sm.textContent = "Every structure checked (" + risks.length + ")";
      d.appendChild(sm);
      d.appendChild(riskTable(risks, "An uncalibrated value is an exposure index, not a rate."));
      el.appendChild(d);
    }
  }

  function riskTable(risks, caption) {
    const t = document.createElement("table");
    t.className = "list dense risks";
    t.createCaption().textContent = caption;
    const h = t.createTHead().insertRow();
    ["Side effect", "Structure", "Risk", "Why"].forEach((x) => { const th = document.createElement("th"); th.textContent = x; h.appendChild(th); });
    const b = t.createTBody();
    risks.forEach((k) => {
      const tr = b.insertRow();
      tr.insertCell().textContent = k.effect.replace(/_/g, " ");
      tr.insertCell().textContent = label(k.muscle) + (k.side && k.side !== "midline" ? " (" + k.side + ")" : "");
      tr.insertCell().textContent = k.calibrated ? frequency(k.probability) : "exposure index " + round(k.probability * 100, 1) + " %";
      tr.insertCell().textContent = k.reason;
    });
    return t;
  }

  const colours = ["#1f5f8b", "#a33a36", "#2e7d4f", "#9a6a00", "#6a4c93", "#00838f"];

  /* The same course on the chart: within one percentage point on every day (two sides of one
   * plan differ only by their virtual patients' random placement, a few tenths of a point). */
  function sameCourse(a, b) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
           a.every((v, i) => Math.abs(v - b[i]) < 1);
  }

  /* One curve per injected structure; left and right with the same course are drawn once. */
  function curves(ms) {
    const out = [];
    ms.forEach((m) => {
      const twin = out.find((o) => o.muscle === m.muscle && o.side !== m.side &&
                                   sameCourse(o.p50, m.p50 || m.effect_pct));
      if (twin) { twin.sides = "left and right"; return; }
      out.push({ muscle: m.muscle, side: m.side, sides: m.side, p5: m.p5 || m.effect_pct,
                 p50: m.p50 || m.effect_pct, p95: m.p95 || m.effect_pct, readouts: m.readouts || {} });
    });
    return out.slice(0, colours.length);
  }

  function drawCourse(r) {
    const host = $("course"), note = $("course-note"), legend = $("course-legend");
    clear(legend);
    if (r.status !== 200 || !r.body || !Array.isArray(r.body.muscles)) {
      note.textContent = (r.body && r.body.message) || ("No prediction (" + r.status + ").");
      return;
    }
    const cs = curves(r.body.muscles.filter((m) => m.role === "target"));
    if (cs.length === 0) { note.textContent = "No structure to predict."; return; }
    const data = [r.body.muscles[0].day], series = [{ label: "day" }], bands = [];
    cs.forEach((c, i) => {
      const colour = colours[i];
      data.push(c.p95, c.p5, c.p50);
      series.push({ label: "95th", stroke: colour, width: 0, points: { show: false } },
                  { label: "5th", stroke: colour, width: 0, points: { show: false } },
                  { label: label(c.muscle), stroke: colour, width: 2, points: { show: false } });
      bands.push({ series: [series.length - 3, series.length - 2], fill: colour + "30" });
      const li = document.createElement("li");
      const sw = document.createElement("span"); sw.className = "swatch swatch-" + i;
      li.appendChild(sw);
      const ro = c.readouts;
      const facts = [];
      if (ro.peak_effect_pct != null) facts.push("peak " + Math.round(ro.peak_effect_pct) + " % on day " + Math.round(ro.peak_day));
      if (ro.onset_day != null) facts.push("onset day " + round(ro.onset_day, 1));
      facts.push(ro.duration_days != null ? "lasts " + Math.round(ro.duration_days) + " days" : "lasts beyond the horizon");
      li.appendChild(document.createTextNode(label(c.muscle) + (c.sides !== "midline" ? " (" + c.sides + ")" : "") + ": " + facts.join(", ")));
      legend.appendChild(li);
    });
    const width = Math.max(300, host.clientWidth || 560);
    const opts = {
      width: width, height: 240, series: series, bands: bands, legend: { show: false },
      cursor: { show: false }, scales: { x: { time: false }, y: { range: [0, 100] } },
      axes: [{ label: "days after injection", size: 40 }, { label: "loss of function (%)", size: 50 }],
    };
    if (plot) plot.destroy();
    clear(host);
    plot = new uPlot(opts, data, host);
    note.textContent = "Median and 5-95 % of " + r.body.patients + " virtual patients (seed " + r.body.seed + "): a model prediction, not a promise.";
  }

  async function refresh() {
    const mine = ++asked;
    if (points.length === 0) {
      clear($("findings"));
      para($("findings"), "Add injection points to check the plan.", "empty");
      return;
    }
    const p = plan();
    const chk = await window.bont.postJSON("/api/v1/check", p);
    if (mine !== asked) return;
    showFindings(chk);
    const sim = await window.bont.postJSON("/api/v1/simulate?days=180&patients=200&seed=1", p);
    if (mine !== asked) return;
    drawCourse(sim);
  }

  function changed() {
    renderTable();
    drawMarkers();
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  $("product").addEventListener("change", () => { fillVials(); changed(); });
  $("plan-date").addEventListener("change", () => { syncAge(); changed(); });
  ["indication", "vial-units", "diluent", "age", "lot", "expiry", "reconstituted"].forEach((id) =>
    $(id).addEventListener("change", changed));

  $("record").addEventListener("submit", async (e) => {
    e.preventDefault();
    const note = $("record-note");
    clear(note);
    if (!patientId) { para(note, "Choose a patient first.", "alert"); return; }
    if (points.length === 0) { para(note, "Add injection points first.", "alert"); return; }
    const body = { patient: patientId, plan: plan(), lot: $("lot").value, expiry: $("expiry").value };
    if ($("reconstituted").value) body.reconstituted_at = $("reconstituted").value;
    if ($("override").value.trim()) body.override_reason = $("override").value.trim();
    $("record-visit").disabled = true;
    const r = await window.bont.postJSON("/api/v1/visits", body);
    $("record-visit").disabled = false;
    if (r.status === 201) {
      const p = para(note, "Visit recorded" + (r.body.overridden ? " despite the findings (override)" : "") + ". ", "notice");
      const a = document.createElement("a");
      a.href = "/patients/" + patientId + "#visit-" + r.body.visit_id;
      a.id = "see-history"; a.textContent = "See it in the history";
      p.appendChild(a);
      return;
    }
    if (r.status === 422 && r.body && Array.isArray(r.body.findings)) {
      para(note, "Not recorded: the visit breaks " + r.body.counts.error + " rule" + (r.body.counts.error > 1 ? "s" : "") +
           ". Change the plan, or give an override reason and record again.", "alert");
      findingsInto(note, r.body.findings.filter((f) => f.severity === "error"));
      $("override").focus();
      return;
    }
    para(note, (r.body && r.body.message) || ("Not recorded (" + r.status + ")."), "alert");
  });

  renderTable();
})();
