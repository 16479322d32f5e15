// walk.spec.js: a clinician's visit end to end: log in, add a patient, build a glabellar plan by
// clicking the face chart, see the findings and the predicted course, record the visit, print
// the patient's handout in Korean, see the visit in the history and its sites back on the chart
// where they were clicked, switch the pages to Chinese and back (by keyboard), find the patient
// through recall, look at the vials and the due list, and log out. Every step is a screenshot under build/screenshots (1280x800, then a tablet), and any
// console error fails the test.
const { test, expect } = require("@playwright/test");
const path = require("path");

const shots = path.join(__dirname, "..", "..", "build", "screenshots");
const user = process.env.BONT_USER || "demo";
const password = process.env.BONT_PASSWORD || "";
const lot = "WALK-" + Date.now().toString(36).toUpperCase();
const shot = (page, name, full) => page.screenshot({ path: path.join(shots, name + ".png"), fullPage: !!full });

function isoDay(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
}

// Clicks the chart region of a structure at a fraction of its box (one injection site).
async function clickSite(page, muscle, side, fx) {
  const sel = '#chart-face [data-muscle="' + muscle + '"]' + (side === null ? "" : '[data-side="' + side + '"]');
  const el = page.locator(sel);
  const box = await el.boundingBox();
  await el.click({ position: { x: box.width * fx, y: box.height * 0.5 } });
}

// The centres of the markers of a kind (circle.pt: this plan's; circle.pt-prev: the last
// visit's) on the face chart, in the chart's own units, in reading order.
async function markers(page, cls) {
  const xy = await page.$$eval("#chart-face circle." + cls, (els) =>
    els.map((e) => [parseFloat(e.getAttribute("cx")), parseFloat(e.getAttribute("cy"))]));
  return xy.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

// English words of five letters or more in a page's text (styles, the inline SVG and the given
// names aside; brand and product names, acronyms and source ids are no prose), as the command's
// handout test judges a sheet (tests/test_handout.c).
async function englishWords(page, names) {
  return page.evaluate((names) => {
    const allowed = new Set(["botox", "onabotulinumtoxina"]);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest("style, svg, script") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const found = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      let text = n.textContent.replace(/https?:\/\/\S+/g, " ");
      names.forEach((x) => { text = text.split(x).join(" "); });
      (text.match(/[A-Za-z]{5,}/g) || []).forEach((w) => {
        if (w !== w.toUpperCase() && !allowed.has(w.toLowerCase())) found.push(w);
      });
    }
    return found;
  }, names);
}

// Two marker lists name the same places: same count, each within a tenth of a chart unit.
function samePlaces(got, want) {
  expect(got.length).toBe(want.length);
  got.forEach((p, i) => {
    expect(Math.abs(p[0] - want[i][0])).toBeLessThan(0.1);
    expect(Math.abs(p[1] - want[i][1])).toBeLessThan(0.1);
  });
}

async function glabellarPlan(page) {
  await page.locator("#indication").selectOption("glabellar_lines");
  await page.locator("#product").selectOption("onabotulinumtoxinA");
  await page.locator("#vial-units").selectOption("100");
  await page.locator("#diluent").fill("2.5");
  await page.locator("#default-units").fill("4");
  // The label's five sites: procerus once, each corrugator twice (4 U each, 20 U in all).
  await clickSite(page, "procerus", null, 0.5);
  for (const side of ["left", "right"]) {
    await clickSite(page, "corrugator_supercilii", side, 0.35);
    await clickSite(page, "corrugator_supercilii", side, 0.7);
  }
  await expect(page.locator("#totals")).toHaveText("Total 20 U in 5 points (0.5 mL at 40 U/mL)");
}

test("a clinician plans, checks, records and finds a glabellar visit", async ({ page }) => {
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));

  // Log in (a wrong password first: refused, and the browser logs the 401, as it should).
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await shot(page, "01-login");
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong user name or password.");
  problems.length = 0;
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Patients", exact: true })).toBeVisible();

  // Add a patient.
  await page.getByLabel("Name", { exact: true }).fill("Seo-yeon Han");
  await page.getByLabel("Date of birth").fill("1988-04-09");
  await page.getByLabel("Sex").selectOption("female");
  await page.getByLabel("Weight (kg, optional)").fill("58");
  await page.getByRole("button", { name: "Add patient" }).click();
  await expect(page.getByRole("heading", { name: "Seo-yeon Han" })).toBeVisible();
  const patientId = page.url().match(/\/patients\/(\d+)/)[1];
  await expect(page.locator("#hist-h + p.empty")).toHaveText("No visits recorded yet.");
  await shot(page, "02-patient-added");

  // Build the glabellar plan on the face chart.
  await page.getByRole("link", { name: "Plan a visit" }).click();
  await expect(page.getByRole("heading", { name: "Plan builder" })).toBeVisible();
  await expect(page.locator("#last-visit")).toBeHidden();
  await glabellarPlan(page);
  const clicked = await markers(page, "pt");
  expect(clicked.length).toBe(5);

  // The findings and side-effect risks, and the predicted course with its band.
  await expect(page.locator("#verdict")).toHaveText(/No rule is broken/, { timeout: 30000 });
  // Model v2: eyelid ptosis after a glabellar dose is about 1-2 in 100 (pooled phase 3: 2.4 %).
  await expect(page.locator("#findings")).toContainText("ptosis");
  // Per person (either eyelid counts once), with both levators below it.
  const ptosisRow = page.locator("#findings table.risks tr.per-person", { hasText: "ptosis" }).first();
  await expect(ptosisRow).toContainText("any of 2 structures");
  await expect(ptosisRow).toContainText("95 % interval");
  await expect(page.locator("#findings table.risks").first().locator("tr.structure", { hasText: "levator palpebrae" })).toHaveCount(2);
  await expect(page.locator("#record-verdict")).toContainText("No rule is broken");
  await expect(page.locator("#course canvas")).toBeVisible({ timeout: 30000 });
  await expect(page.locator("#course-legend li").first()).toContainText("procerus");
  await expect(page.locator("#course-legend")).toContainText("left and right");
  await shot(page, "03-plan-builder", true);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, "03-plan-builder-screen");
  // Scrolled to the results: the chart stays beside them.
  await page.locator("#form-h").evaluate((h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY + 420));
  await shot(page, "03-plan-builder-results");

  // A vial past its expiry is an error the check shows at once.
  await page.locator("#lot").fill(lot);
  await page.locator("#expiry").fill(isoDay(-3));
  await page.locator("#expiry").dispatchEvent("change");
  await expect(page.locator("#verdict")).toHaveText(/breaks 1 rule/, { timeout: 30000 });
  await expect(page.locator("#findings .finding.error")).toContainText("expired");
  await shot(page, "04-plan-expired-vial");

  // Record it with an in-date vial, reconstituted this morning.
  await page.locator("#expiry").fill(isoDay(200));
  await page.locator("#reconstituted").fill(isoDay(0) + "T08:30");
  await page.locator("#expiry").dispatchEvent("change");
  await expect(page.locator("#verdict")).toHaveText(/No rule is broken/, { timeout: 30000 });
  await page.getByRole("button", { name: "Record visit" }).click();
  await expect(page.locator("#record-note")).toContainText("Visit recorded", { timeout: 30000 });
  await shot(page, "05-visit-recorded");

  // Print the patient's handout in Korean: the recorded visit's sheet opens in a new tab, every
  // word in Korean (the glossary's word for glabellar lines), the patient's name as given.
  await page.getByLabel("Handout in").selectOption("ko");
  const [sheet] = await Promise.all([
    page.context().waitForEvent("page"),
    page.getByRole("button", { name: "Print handout" }).click(),
  ]);
  sheet.on("console", (m) => { if (m.type() === "error") problems.push("handout: " + m.text()); });
  sheet.on("pageerror", (e) => problems.push("handout: " + String(e)));
  await sheet.waitForLoadState("load");
  await expect(sheet.locator("html")).toHaveAttribute("lang", "ko");
  await expect(sheet.locator("body")).toContainText("미간 주름");
  await expect(sheet.locator("body")).toContainText("삼키");
  await expect(sheet.locator("header")).toContainText("Seo-yeon Han");
  expect(await englishWords(sheet, ["Seo-yeon Han", lot])).toEqual([]);
  // Its own stylesheet applies (the answer's CSP allows it by hash): A4 print layout, CJK font.
  expect(await sheet.evaluate(() => getComputedStyle(document.documentElement).fontFamily)).toContain("Noto Sans CJK KR");
  await sheet.screenshot({ path: path.join(shots, "05-handout-ko.png"), fullPage: true });
  await sheet.close();

  // See it in the history.
  await page.locator("#see-history").click();
  await expect(page.getByRole("heading", { name: "Seo-yeon Han" })).toBeVisible();
  const visit = page.locator("article.visit").first();
  await expect(visit).toContainText(lot);
  await expect(visit).toContainText("20 U");
  await expect(visit.locator("tbody tr")).toHaveCount(3);
  await expect(page.locator("#due-h + dl")).toContainText("Predicted wear-off");
  await shot(page, "06-history", true);
  // Each visit of the history prints its handout too, here in Chinese.
  await visit.getByLabel("Handout in").selectOption("zh");
  const [zhSheet] = await Promise.all([
    page.context().waitForEvent("page"),
    visit.getByRole("button", { name: "Print handout" }).click(),
  ]);
  zhSheet.on("console", (m) => { if (m.type() === "error") problems.push("handout zh: " + m.text()); });
  await zhSheet.waitForLoadState("load");
  await expect(zhSheet.locator("html")).toHaveAttribute("lang", "zh-Hans");
  await expect(zhSheet.locator("body")).toContainText("眉间纹");
  expect(await englishWords(zhSheet, ["Seo-yeon Han", lot])).toEqual([]);
  await zhSheet.close();

  // The pages in Chinese (the language switch on every page), and back to English by keyboard.
  await page.getByLabel("Language").selectOption("zh");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-Hans");
  await expect(page.getByRole("heading", { name: "治疗记录" })).toBeVisible();
  await expect(page.getByRole("link", { name: "患者", exact: true })).toBeVisible();
  await expect(page.locator("article.visit").first()).toContainText("批号");
  expect(await englishWords(page, ["Seo-yeon Han", lot, "FHIR", "glabellar_lines", "procerus",
    "corrugator_supercilii", "English", "demo"])).toEqual([]);
  await shot(page, "06-history-zh", true);
  // The plan builder's own words (its script's) are Chinese too.
  await page.getByRole("link", { name: "安排就诊" }).click();
  await expect(page.locator("#last-visit")).toContainText("虚线圆圈");
  await clickSite(page, "procerus", null, 0.5);
  await expect(page.locator("#totals")).toHaveText("共 4 U，1 个注射点（0.1 mL，浓度 40 U/mL）");
  await expect(page.locator("#verdict")).toHaveText(/方案违反|没有违反规则/, { timeout: 30000 });
  await expect(page.locator("#course-note")).toContainText("虚拟患者", { timeout: 30000 });
  await shot(page, "06-plan-zh", true);
  await page.goBack();
  await page.getByLabel("语言", { exact: true }).focus();
  await page.keyboard.press("ArrowUp");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();

  // The record keeps where each site was clicked (image-relative, per injection) ...
  const stored = await (await page.request.get("/api/v1/patients/" + patientId)).json();
  const injections = stored.visits[0].injections;
  expect(injections.map((i) => i.points.length)).toEqual([1, 2, 2]);
  injections.forEach((i) => i.points.forEach((p) => {
    expect(p.chart).toBe("face");
    expect(p.x).toBeGreaterThan(0); expect(p.x).toBeLessThan(1);
    expect(p.y).toBeGreaterThan(0); expect(p.y).toBeLessThan(1);
  }));
  // ... and the next plan for the patient shows the last visit's sites where they were clicked.
  await page.getByRole("link", { name: "Plan a visit" }).click();
  await expect(page.locator("#last-visit")).toHaveText("Dashed rings: the 5 sites of the last visit (" + isoDay(0) + ").");
  samePlaces(await markers(page, "pt-prev"), clicked);
  expect((await markers(page, "pt")).length).toBe(0);
  await expect(page.locator("#tab-face")).toHaveAttribute("aria-selected", "true");
  await page.locator("#chart-face").screenshot({ path: path.join(shots, "06-last-visit-sites.png") });
  await page.goBack();

  // Find the patient through recall (the lot typed in lower case).
  await page.getByRole("link", { name: "Recall", exact: true }).click();
  await page.getByLabel("Lot number").fill(lot.toLowerCase());
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page.locator("#recall-rows")).toContainText("Seo-yeon Han");
  await expect(page.locator("#recall-summary")).toContainText("1 patient, 1 visit");
  await shot(page, "07-recall");

  // The lot is in stock, and the plan builder offers it.
  await page.getByRole("link", { name: "Vials", exact: true }).click();
  await expect(page.locator("#lot-rows")).toContainText(lot);
  await shot(page, "08-vials");
  await page.getByRole("link", { name: "Due", exact: true }).click();
  await page.getByLabel("Within (days)").fill("365");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.locator("table.list")).toContainText("Seo-yeon Han");
  await shot(page, "09-due");

  // A tablet: the plan builder and the history in one column.
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.goto("/");
  await page.getByRole("link", { name: "Seo-yeon Han" }).click();
  await shot(page, "10-tablet-history", true);
  await page.getByRole("link", { name: "Plan a visit" }).click();
  samePlaces(await markers(page, "pt-prev"), clicked);
  await page.locator("#stock").selectOption(lot);
  await expect(page.locator("#lot")).toHaveValue(lot);
  await glabellarPlan(page);
  await expect(page.locator("#course canvas")).toBeVisible({ timeout: 30000 });
  await shot(page, "11-tablet-plan", true);
  await page.setViewportSize({ width: 1280, height: 800 });

  // Log out, and be refused.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/plan");
  await expect(page).toHaveURL(/\/login$/);
  const session = await page.request.get("/api/v1/session");
  expect(session.status()).toBe(401);
  const history = await page.request.get("/api/v1/patients/1");
  expect(history.status()).toBe(401);
  expect(await history.text()).not.toContain("Seo-yeon");
  await shot(page, "12-logged-out");

  expect(problems).toEqual([]);
});
