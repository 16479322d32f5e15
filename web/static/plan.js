/* plan.js: the plan builder: injection points on the body charts, running totals, the check
 * (POST /api/v1/check) and the predicted time course (POST /api/v1/simulate, drawn with uPlot)
 * as the plan changes, and recording the visit. */
"use strict";

(function () {
  const root = document.getElementById("plan");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const points = []; /* {muscle, side, units, x, y, chart} with x, y as fractions of the chart */
  let plot = null;
  let timer = null;
  let seq = 0;

  const today = new Date().toISOString().slice(0, 10);
  $("plan-date").value = today;
  if (root.dataset.birth) {
    const b = new Date(root.dataset.birth), t = new Date(today);
    let age = t.getFullYear() - b.getFullYear();
    if (t.getMonth() < b.getMonth() || (t.getMonth() === b.getMonth() && t.getDate() < b.getDate())) age--;
    $("age").value = age;
  }

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

  /* Where on the chart (as a fraction of its picture) a click or a region's centre lies. */
  function chartPoint(svg, clientX, clientY) {
    const p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    const q = p.matrixTransform(svg.getScreenCTM().inverse());
    const vb = svg.viewBox.baseVal;
    return { x: q.x / vb.width, y: q.y / vb.height };
  }

  function addPoint(muscle, side, where, chart) {
    const units = parseFloat($("default-units").value) || 1;
    points.push({ id: ++seq, muscle: muscle, side: side, units: units,
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
    addPoint(sel.value, sided ? ($("other-side").value || "right") : "", null, null);
  });

  function drawMarkers() {
    document.querySelectorAll(".body-chart").forEach((svg) => {
      const layer = svg.querySelector(".points");
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      const vb = svg.viewBox.baseVal;
      svg.querySelectorAll(".m.has-point").forEach((m) => m.classList.remove("has-point"));
      points.forEach((p, i) => {
        const region = svg.querySelector('.m[data-muscle="' + CSS.escape(p.muscle) + '"][data-side="' + p.side + '"]');
        if (region) region.classList.add("has-point");
        if (p.chart !== svg.dataset.chart || p.x === null) return;
        const ns = "http://www.w3.org/2000/svg";
        const c = document.createElementNS(ns, "circle");
        c.setAttribute("class", "pt");
        c.setAttribute("cx", p.x * vb.width); c.setAttribute("cy", p.y * vb.height); c.setAttribute("r", 8);
        const t = document.createElementNS(ns, "text");
        t.setAttribute("class", "pt-label");
        t.setAttribute("x", p.x * vb.width); t.setAttribute("y", p.y * vb.height + 3.5);
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

  function renderTable() {
    const body = $("points");
    while (body.firstChild) body.removeChild(body.firstChild);
    if (points.length === 0) {
      const tr = body.insertRow(), td = tr.insertCell();
      td.colSpan = 5; td.className = "empty"; td.textContent = "No points yet.";
    }
    const upm = unitsPerMl();
    points.forEach((p, i) => {
      const tr = body.insertRow();
      tr.insertCell().textContent = (i + 1) + ". " + label(p.muscle);
      tr.insertCell().textContent = p.side || "midline";
      const u = tr.insertCell(); u.className = "num";
      const input = document.createElement("input");
      input.type = "number"; input.min = "0.5"; input.step = "0.5"; input.value = p.units;
      input.setAttribute("aria-label", "units at point " + (i + 1));
      input.addEventListener("change", () => { p.units = parseFloat(input.value) || 0; changed(); });
      u.appendChild(input);
      const v = tr.insertCell(); v.className = "num";
      v.textContent = upm ? (p.units / upm).toFixed(2) : "";
      const r = tr.insertCell();
      const b = document.createElement("button");
      b.type = "button"; b.className = "small"; b.textContent = "Remove";
      b.setAttribute("aria-label", "remove point " + (i + 1));
      b.addEventListener("click", () => { points.splice(i, 1); changed(); });
      r.appendChild(b);
    });
    const total = points.reduce((s, p) => s + p.units, 0);
    $("totals").textContent = "Total " + total + " U in " + points.length + " point" + (points.length === 1 ? "" : "s") +
      (upm ? " (" + (total / upm).toFixed(2) + " mL)" : "");
  }

  /* The plan as `bont check` reads it: one injection per structure and side, sites counted. */
  function plan() {
    const by = new Map();
    points.forEach((p) => {
      const k = p.muscle + "|" + p.side;
      const e = by.get(k) || { muscle: p.muscle, units: 0, sites: 0 };
      if (p.side) e.side = p.side;
      e.units += p.units; e.sites += 1;
      by.set(k, e);
    });
    const patient = { age_years: parseFloat($("age").value) };
    if (root.dataset.sex) patient.sex = root.dataset.sex;
    if (root.dataset.weight) patient.weight_kg = parseFloat(root.dataset.weight);
    return {
      date: $("plan-date").value, indication: $("indication").value, product: $("product").value,
      vial: { units: parseFloat($("vial-units").value), diluent_ml: parseFloat($("diluent").value) },
      patient: patient, injections: Array.from(by.values()),
    };
  }

  /* The points as clicked: chart and image-relative position, kept with the visit. */
  function chartPoints() {
    return points.map((p) => ({ muscle: p.muscle, side: p.side || null, units: p.units,
                                chart: p.chart, x: p.x, y: p.y }));
  }

  function message(el, text, cls) {
    while (el.firstChild) el.removeChild(el.firstChild);
    const p = document.createElement("p");
    p.className = cls || "note"; p.textContent = text;
    el.appendChild(p);
  }

  function showFindings(r) {
    const el = $("findings");
    if (r.status === 501) { message(el, "The check is not served by this version of the server yet."); return; }
    if (r.status !== 200 || !r.body || !Array.isArray(r.body.findings)) {
      message(el, (r.body && r.body.message) || ("The check failed (" + r.status + ")."), "alert");
      return;
    }
    while (el.firstChild) el.removeChild(el.firstChild);
    const v = document.createElement("p");
    v.className = r.body.verdict === "ok" ? "notice" : "alert";
    v.textContent = r.body.verdict === "ok" ? "No rule is broken." : "The plan breaks a rule.";
    el.appendChild(v);
    r.body.findings.forEach((f) => {
      const d = document.createElement("div");
      d.className = "finding " + f.severity;
      const rule = document.createElement("div"); rule.className = "rule"; rule.textContent = f.severity + " · " + f.rule;
      const msg = document.createElement("div"); msg.textContent = f.message;
      d.appendChild(rule); d.appendChild(msg); el.appendChild(d);
    });
    (r.body.risks || []).filter((k) => k.probability >= 0.005).forEach((k) => {
      const d = document.createElement("div");
      d.className = "finding note";
      d.textContent = "Risk of " + k.effect + ": about " + Math.round(k.probability * 100) + " in 100";
      el.appendChild(d);
    });
  }

  function drawCourse(r) {
    const host = $("course"), note = $("course-note");
    if (r.status !== 200 || !r.body || !Array.isArray(r.body.muscles)) {
      note.textContent = (r.body && r.body.message) || ("No prediction (" + r.status + ").");
      return;
    }
    const ms = r.body.muscles.filter((m) => m.role === "target");
    if (ms.length === 0) { note.textContent = "No structure to predict."; return; }
    const days = ms[0].day;
    const data = [days];
    const series = [{ label: "day" }];
    const colours = ["#1f5f8b", "#a33a36", "#2e7d4f", "#9a6a00", "#6a4c93", "#00838f"];
    const bands = [];
    ms.slice(0, 6).forEach((m, i) => {
      const c = colours[i % colours.length];
      const name = label(m.muscle) + (m.side !== "midline" ? " (" + m.side + ")" : "");
      data.push(m.p95 || m.effect_pct, m.p5 || m.effect_pct, m.p50 || m.effect_pct);
      series.push({ label: name + " 95th", stroke: c, width: 0, show: true, points: { show: false } },
                  { label: name + " 5th", stroke: c, width: 0, points: { show: false } },
                  { label: name, stroke: c, width: 2, points: { show: false } });
      bands.push({ series: [series.length - 3, series.length - 2], fill: c + "33" });
    });
    const width = Math.max(320, host.clientWidth || 560);
    const opts = {
      width: width, height: 260, series: series, bands: bands, legend: { show: true, live: false },
      scales: { x: { time: false }, y: { range: [0, 100] } },
      axes: [{ label: "days after injection" }, { label: "effect (% loss of function)" }],
    };
    if (plot) plot.destroy();
    while (host.firstChild) host.removeChild(host.firstChild);
    plot = new uPlot(opts, data, host);
    note.textContent = "Shaded: 5-95 % of " + r.body.patients + " virtual patients; line: median.";
  }

  async function refresh() {
    if (points.length === 0) {
      message($("findings"), "Add injection points to check the plan.", "empty");
      return;
    }
    const p = plan();
    const [chk, sim] = await Promise.all([
      window.bont.postJSON("/api/v1/check", p),
      window.bont.postJSON("/api/v1/simulate?days=180&patients=200&seed=1", p),
    ]);
    showFindings(chk);
    drawCourse(sim);
  }

  function changed() {
    renderTable();
    drawMarkers();
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  ["indication", "product", "vial-units", "diluent", "plan-date", "age"].forEach((id) =>
    $(id).addEventListener("change", changed));

  $("record").addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { patient: parseInt(root.dataset.patient, 10), plan: plan(), points: chartPoints(),
                   lot: $("lot").value, expiry: $("expiry").value };
    if ($("reconstituted").value) body.reconstituted = $("reconstituted").value;
    if ($("override").value) body.override_reason = $("override").value;
    const r = await window.bont.postJSON("/api/v1/visits", body);
    $("record-note").textContent = r.status === 201 ? "Visit recorded." :
      r.status === 501 ? "Recording visits is not served by this version of the server yet." :
      ((r.body && r.body.message) || ("Not recorded (" + r.status + ")."));
  });

  $("print-handout").addEventListener("click", () => window.print());
  renderTable();
})();
