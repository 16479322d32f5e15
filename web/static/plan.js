/* plan.js: the plan builder: injection points on the body charts, running totals, the check
 * (POST /api/v1/check) and the predicted time course (POST /api/v1/simulate, drawn with uPlot)
 * as the plan changes, and recording the visit (POST /api/v1/visits). */
"use strict";

(function () {
  const root = document.getElementById("plan");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const t = window.bont.t;
  let effects = {};
  try { effects = root.dataset.effects ? JSON.parse(root.dataset.effects) : {}; } catch (e) { effects = {}; }
  /* A side, and a side effect, in the page's language. */
  const sideName = (s) => (s === "left" ? t("left") : s === "right" ? t("right") : s === "both" ? t("left and right") : t("midline"));
  const effectName = (id) => effects[id] || id.replace(/_/g, " ");
  const severityName = (s) => (s === "error" ? t("error") : s === "warning" ? t("warning") : t("note"));
  let recorded = null; /* {visit, overridden} once the visit is recorded */
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
    if (sizes.length === 0) sel.add(new Option(t("no labelled vial"), ""));
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
  function select(tab, quiet) {
    tabs.forEach((t) => {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (!quiet) tab.focus();
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

  /* A fraction of the chart kept to 4 decimals (a tenth of a pixel on the largest chart), within
   * 0-1 as the plan format requires. */
  const fraction = (v) => Math.min(1, Math.max(0, Math.round(v * 10000) / 10000));

  /* Where on the chart (as a fraction of its picture) a click lies. */
  function chartPoint(svg, clientX, clientY) {
    const p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    const q = p.matrixTransform(svg.getScreenCTM().inverse());
    const vb = svg.viewBox.baseVal;
    return { x: fraction(q.x / vb.width), y: fraction(q.y / vb.height) };
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
      addPoint(el.dataset.muscle, el.dataset.side, { x: fraction(q.x / vb.width), y: fraction(q.y / vb.height) }, svg.dataset.chart);
    });
  });

  $("add-other").addEventListener("submit", (e) => {
    e.preventDefault();
    const sel = $("other-muscle");
    const sided = sel.selectedOptions[0].dataset.sided === "1";
    addPoint(sel.value, sided ? $("other-side").value : "", null, null);
  });

  /* The last visit's sites, where they were marked (read-only rings under the new points). */
  const last = record.last_visit || null;
  const lastPoints = last && Array.isArray(last.points) ? last.points : [];
  if (last) {
    const note = $("last-visit");
    const facts = { n: lastPoints.length, date: last.date };
    note.textContent = lastPoints.length
      ? (lastPoints.length === 1 ? t("Dashed rings: the {n} site of the last visit ({date}).", facts) : t("Dashed rings: the {n} sites of the last visit ({date}).", facts))
      : t("The last visit ({date}) has no sites marked on the charts.", facts);
    note.hidden = false;
    /* Open the chart that holds them. */
    const first = lastPoints.find((p) => $("tab-" + p.chart));
    if (first) select($("tab-" + first.chart), true);
  }

  function drawLastVisit(svg, layer, vb) {
    const ns = "http://www.w3.org/2000/svg";
    lastPoints.forEach((p) => {
      if (p.chart !== svg.dataset.chart) return;
      const c = document.createElementNS(ns, "circle");
      c.setAttribute("class", "pt-prev");
      c.setAttribute("cx", p.x * vb.width); c.setAttribute("cy", p.y * vb.height); c.setAttribute("r", 15);
      const title = document.createElementNS(ns, "title");
      title.textContent = t("last visit ({date}): {structure}", { date: last.date, structure: label(p.muscle) }) + (p.side ? ", " + sideName(p.side) : "");
      c.appendChild(title);
      layer.appendChild(c);
    });
  }

  function drawMarkers() {
    const ns = "http://www.w3.org/2000/svg";
    document.querySelectorAll(".body-chart").forEach((svg) => {
      const layer = svg.querySelector(".points");
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      const vb = svg.viewBox.baseVal;
      drawLastVisit(svg, layer, vb);
      svg.querySelectorAll(".m.has-point").forEach((m) => m.classList.remove("has-point"));
      points.forEach((p, i) => {
        const region = svg.querySelector('.m[data-muscle="' + CSS.escape(p.muscle) + '"][data-side="' + p.side + '"]');
        if (region) region.classList.add("has-point");
        if (p.chart !== svg.dataset.chart || p.x === null) return;
        const c = document.createElementNS(ns, "circle");
        c.setAttribute("class", "pt");
        c.setAttribute("cx", p.x * vb.width); c.setAttribute("cy", p.y * vb.height); c.setAttribute("r", 11);
        const num = document.createElementNS(ns, "text");
        num.setAttribute("class", "pt-label");
        num.setAttribute("x", p.x * vb.width); num.setAttribute("y", p.y * vb.height + 4.5);
        num.setAttribute("text-anchor", "middle");
        num.textContent = String(i + 1);
        layer.appendChild(c); layer.appendChild(num);
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
      td.colSpan = 6; td.className = "empty"; td.textContent = t("No points yet.");
    }
    const upm = unitsPerMl();
    points.forEach((p, i) => {
      const tr = body.insertRow();
      tr.insertCell().textContent = String(i + 1);
      tr.insertCell().textContent = label(p.muscle);
      tr.insertCell().textContent = sideName(p.side);
      const u = tr.insertCell(); u.className = "num";
      const input = document.createElement("input");
      input.type = "number"; input.min = "0.5"; input.step = "0.5"; input.value = p.units;
      input.setAttribute("aria-label", t("units at point {n}", { n: i + 1 }));
      input.addEventListener("change", () => { p.units = parseFloat(input.value) || 0; changed(); });
      u.appendChild(input);
      const v = tr.insertCell(); v.className = "num";
      v.textContent = upm ? round(p.units / upm, 3) : "";
      const r = tr.insertCell();
      const b = document.createElement("button");
      b.type = "button"; b.className = "small"; b.textContent = t("Remove");
      b.setAttribute("aria-label", t("remove point {n}", { n: i + 1 }));
      b.addEventListener("click", () => { points.splice(i, 1); changed(); });
      r.appendChild(b);
    });
    const total = round(points.reduce((s, p) => s + p.units, 0), 2);
    const sum = { total: total, n: points.length, ml: upm ? round(total / upm, 2) : 0, upm: upm ? round(upm, 2) : 0 };
    const one = points.length === 1;
    $("totals").textContent = upm
      ? (one ? t("Total {total} U in {n} point ({ml} mL at {upm} U/mL)", sum) : t("Total {total} U in {n} points ({ml} mL at {upm} U/mL)", sum))
      : (one ? t("Total {total} U in {n} point", sum) : t("Total {total} U in {n} points", sum));
  }

  /* The plan as `bont check` reads it (docs/plan-format.md): one injection per structure and
   * side with its sites counted and the chart points of those clicked on a chart, the patient's
   * stored terms and the stored visits as history (recording the visit leaves out what the
   * store already holds). */
  function plan() {
    const by = new Map();
    points.forEach((p) => {
      const k = p.muscle + "|" + p.side;
      const e = by.get(k) || { muscle: p.muscle, units: 0, sites: 0 };
      if (p.side) e.side = p.side;
      e.units = round(e.units + p.units, 4); e.sites += 1;
      if (p.chart && p.x !== null) (e.points = e.points || []).push({ chart: p.chart, x: p.x, y: p.y });
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
      const rule = document.createElement("div"); rule.className = "rule"; rule.textContent = severityName(f.severity) + " · " + f.rule;
      const msg = document.createElement("div"); msg.textContent = f.message;
      d.appendChild(rule); d.appendChild(msg);
      if (f.source) { const s = document.createElement("div"); s.className = "src"; s.textContent = (f.evidence ? (effects["evidence:" + f.evidence] || f.evidence) + "; " : "") + t("sources {ids}", { ids: f.source }); d.appendChild(s); }
      el.appendChild(d);
    });
  }

  /* A probability as a natural frequency ("about 3 in 100"). */
  function frequency(p) {
    if (p < 0.005) return t("under 1 in 200");
    if (p < 0.01) return t("about 1 in 100");
    return t("about {n} in 100", { n: Math.round(p * 100) });
  }

  function showFindings(r) {
    const el = $("findings");
    clear(el);
    if (r.status !== 200 || !r.body || !Array.isArray(r.body.findings)) {
      para(el, (r.body && r.body.message) || t("The check failed ({status}).", { status: r.status }), "alert");
      return;
    }
    const c = r.body.counts || {};
    const counts = { n: r.body.verdict === "ok" ? c.warning : c.error };
    const v = para(el, r.body.verdict === "ok"
      ? (c.warning ? (c.warning === 1 ? t("No rule is broken ({n} warning).", counts) : t("No rule is broken ({n} warnings).", counts)) : t("No rule is broken."))
      : (c.error === 1 ? t("The plan breaks {n} rule.", counts) : t("The plan breaks {n} rules.", counts)), r.body.verdict === "ok" ? "notice" : "alert");
    v.id = "verdict";
    $("record-verdict").textContent = t("Check: {verdict}", { verdict: v.textContent }) + (r.body.verdict === "ok" ? "" : " " + t("Recording it needs an override reason."));
    $("record-verdict").className = r.body.verdict === "ok" ? "note" : "alert";
    findingsInto(el, r.body.findings);
    const risks = r.body.risks || [];
    if (r.body.risks_not_computed) para(el, t("Side-effect risks not computed: {why}", { why: r.body.risks_not_computed }));
    if (risks.length === 0) return;
    /* One entry per side effect and person (either eyelid counts once), its structures
     * below it; the effects worth a look (0.5 % or more) in a table, every one behind a
     * disclosure. */
    const shown = risks.filter((k) => k.probability >= 0.005);
    if (shown.length) el.appendChild(riskTable(shown, t("Side-effect risk in virtual patients")));
    else {
      const checked = Array.from(new Set(risks.map((k) => effectName(k.effect))));
      para(el, t("No side effect reaches 0.5 % of the virtual patients (checked: {effects}).", { effects: checked.join(t(", ")) }));
    }
    if (shown.length < risks.length) {
      const d = document.createElement("details");
      d.className = "all-risks";
      const sm = document.createElement("summary");
      sm.textContent = t("Every side effect checked ({n})", { n: risks.length });
      d.appendChild(sm);
      d.appendChild(riskTable(risks, t("An uncalibrated value is an exposure index, not a rate.")));
      el.appendChild(d);
    }
  }

  function structureName(k) {
    return k.side && k.side !== "midline" ? t("{structure} ({side})", { structure: label(k.muscle), side: sideName(k.side) }) : label(k.muscle);
  }

  /* A risk for people: a natural frequency when calibrated, else the exposure index; its
   * 95 % interval on a line of its own. */
  function riskCell(td, k, calibrated) {
    td.textContent = calibrated ? frequency(k.probability) : t("exposure index {pct} %", { pct: round(k.probability * 100, 1) });
    const ci = k.ci95_pct || [];
    if (ci.length !== 2) return;
    const span = document.createElement("span");
    span.className = "ci";
    span.textContent = t("95 % interval {lo}-{hi} %", { lo: round(ci[0], 1), hi: round(ci[1], 1) });
    td.appendChild(span);
  }

  function riskTable(risks, caption) {
    const table = document.createElement("table");
    table.className = "list dense risks";
    table.createCaption().textContent = caption;
    const h = table.createTHead().insertRow();
    [t("Side effect"), t("Structure"), t("Risk"), t("Why")].forEach((x) => { const th = document.createElement("th"); th.textContent = x; h.appendChild(th); });
    const b = table.createTBody();
    risks.forEach((k) => {
      const subs = Array.isArray(k.structures) ? k.structures : [];
      const tr = b.insertRow();
      tr.className = "per-person";
      tr.insertCell().textContent = effectName(k.effect);
      tr.insertCell().textContent = subs.length > 1 ? t("any of {n} structures", { n: subs.length }) : structureName(k);
      riskCell(tr.insertCell(), k, k.calibrated);
      tr.insertCell().textContent = subs.length > 1 ? "" : k.reason;
      if (subs.length < 2) return;
      subs.forEach((s) => {
        const sr = b.insertRow();
        sr.className = "structure";
        sr.insertCell();
        sr.insertCell().textContent = structureName(s);
        riskCell(sr.insertCell(), s, k.calibrated);
        sr.insertCell().textContent = s.reason;
      });
    });
    return table;
  }

  const colours = ["#1f5f8b", "#a33a36", "#2e7d4f", "#9a6a00", "#6a4c93", "#00838f"];

  /* Medians within a point of each other every day: one line on the chart. Virtual
   * patients are sampled for each side, so equal doses differ by a few tenths of a point. */
  const sameCourse = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
                               a.every((x, i) => Math.abs(x - b[i]) < 1);

  /* One curve per injected structure; left and right with the same course are drawn once. */
  function curves(ms) {
    const out = [];
    ms.forEach((m) => {
      const twin = out.find((o) => o.muscle === m.muscle && o.side !== m.side &&
                                   sameCourse(o.p50, m.p50 || m.effect_pct));
      if (twin) { twin.sides = "both"; return; }
      out.push({ muscle: m.muscle, side: m.side, sides: m.side, p5: m.p5 || m.effect_pct,
                 p50: m.p50 || m.effect_pct, p95: m.p95 || m.effect_pct, readouts: m.readouts || {} });
    });
    return out.slice(0, colours.length);
  }

  function drawCourse(r) {
    const host = $("course"), note = $("course-note"), legend = $("course-legend");
    clear(legend);
    if (r.status !== 200 || !r.body || !Array.isArray(r.body.muscles)) {
      note.textContent = (r.body && r.body.message) || t("No prediction ({status}).", { status: r.status });
      return;
    }
    const cs = curves(r.body.muscles.filter((m) => m.role === "target"));
    if (cs.length === 0) { note.textContent = t("No structure to predict."); return; }
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
      if (ro.peak_effect_pct != null) facts.push(t("peak {pct} % on day {day}", { pct: Math.round(ro.peak_effect_pct), day: Math.round(ro.peak_day) }));
      if (ro.onset_day != null) facts.push(t("onset day {day}", { day: round(ro.onset_day, 1) }));
      facts.push(ro.duration_days != null ? t("lasts {days} days", { days: Math.round(ro.duration_days) }) : t("lasts beyond the horizon"));
      const structure = c.sides && c.sides !== "midline" ? t("{structure} ({side})", { structure: label(c.muscle), side: sideName(c.sides) }) : label(c.muscle);
      li.appendChild(document.createTextNode(t("{structure}: {facts}", { structure: structure, facts: facts.join(t(", ")) })));
      legend.appendChild(li);
    });
    const width = Math.max(300, host.clientWidth || 560);
    const opts = {
      width: width, height: 240, series: series, bands: bands, legend: { show: false },
      cursor: { show: false }, scales: { x: { time: false }, y: { range: [0, 100] } },
      axes: [{ label: t("days after injection"), size: 40 }, { label: t("loss of function (%)"), size: 50 }],
    };
    if (plot) plot.destroy();
    clear(host);
    plot = new uPlot(opts, data, host);
    note.textContent = t("Median and 5-95 % of {n} virtual patients (seed {seed}): a model prediction, not a promise.", { n: r.body.patients, seed: r.body.seed });
  }

  async function refresh() {
    const mine = ++asked;
    if (points.length === 0) {
      clear($("findings"));
      para($("findings"), t("Add injection points to check the plan."), "empty");
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
    if (!patientId) { para(note, t("Choose a patient first."), "alert"); return; }
    if (points.length === 0) { para(note, t("Add injection points first."), "alert"); return; }
    const body = { patient: patientId, plan: plan(), lot: $("lot").value, expiry: $("expiry").value };
    if ($("reconstituted").value) body.reconstituted_at = $("reconstituted").value;
    if ($("override").value.trim()) body.override_reason = $("override").value.trim();
    $("record-visit").disabled = true;
    const r = await window.bont.postJSON("/api/v1/visits", body);
    $("record-visit").disabled = false;
    if (r.status === 201) {
      const p = para(note, (r.body.overridden ? t("Visit recorded despite the findings (override).") : t("Visit recorded.")) + " ", "notice");
      const a = document.createElement("a");
      a.href = "/patients/" + patientId + "#visit-" + r.body.visit_id;
      a.id = "see-history"; a.textContent = t("See it in the history");
      p.appendChild(a);
      recorded = { visit: r.body.visit_id, overridden: !!r.body.overridden };
      $("print-handout").disabled = false;
      return;
    }
    if (r.status === 422 && r.body && Array.isArray(r.body.findings)) {
      para(note, (r.body.counts.error === 1 ? t("Not recorded: the visit breaks {n} rule. Change the plan, or give an override reason and record again.", { n: r.body.counts.error }) : t("Not recorded: the visit breaks {n} rules. Change the plan, or give an override reason and record again.", { n: r.body.counts.error })), "alert");
      findingsInto(note, r.body.findings.filter((f) => f.severity === "error"));
      $("override").focus();
      return;
    }
    para(note, (r.body && r.body.message) || t("Not recorded ({status}).", { status: r.status }), "alert");
  });

  /* The recorded visit's handout, in the language chosen beside the button, in a new tab to
   * print (a visit recorded despite an error finding says so at its top). */
  $("print-handout").addEventListener("click", () => {
    if (!recorded) return;
    const q = "visit=" + encodeURIComponent(recorded.visit) + "&lang=" + encodeURIComponent($("handout-lang").value) +
      (recorded.overridden ? "&force=1" : "");
    window.open("/api/v1/handout?" + q, "_blank", "noopener");
  });

  renderTable();
  drawMarkers();
})();
