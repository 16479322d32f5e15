// walk.spec.js: a clinician logs in, sees the empty patient list, opens the plan builder, and
// logs out; every step is a screenshot under build/, and any console error fails the test.
const { test, expect } = require("@playwright/test");
const path = require("path");

const shots = path.join(__dirname, "..", "..", "build", "screenshots");
const user = process.env.BONT_USER || "demo";
const password = process.env.BONT_PASSWORD || "";

test("log in, see the empty patient list, open the plan builder, log out", async ({ page }) => {
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));

  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.screenshot({ path: path.join(shots, "01-login.png") });

  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong user name or password.");
  problems.length = 0; // the 401 of a wrong password is logged by the browser, as it should be

  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Patients" })).toBeVisible();
  await expect(page.locator("#patient-rows")).toContainText("No patients yet.");
  await page.screenshot({ path: path.join(shots, "02-patients-empty.png") });

  await page.getByRole("link", { name: "Plan", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Plan builder" })).toBeVisible();
  const procerus = page.locator('#chart-face [data-muscle="procerus"]');
  await procerus.click();
  const corr = page.locator('#chart-face [data-muscle="corrugator_supercilii"][data-side="left"]');
  await corr.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#totals")).toContainText("Total 8 U in 2 points");
  await expect(page.locator("#course canvas")).toBeVisible({ timeout: 30000 });
  await page.screenshot({ path: path.join(shots, "03-plan-builder.png"), fullPage: true });
  for (const chart of ["neck", "arm", "leg"]) {
    await page.locator("#tab-" + chart).click();
    await expect(page.locator("#chart-" + chart)).toBeVisible();
    await page.locator("#chart-" + chart).screenshot({ path: path.join(shots, "04-chart-" + chart + ".png") });
  }

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  const session = await page.request.get("/api/v1/session");
  expect(session.status()).toBe(401);
  await page.screenshot({ path: path.join(shots, "05-logged-out.png") });

  // POST /api/v1/check answers 501 until the check's JSON writer is in the report library
  // (docs/api.md, Status); that one refusal is expected, nothing else is.
  expect(problems.filter((p) => !/status of 501 \(Not Implemented\)/.test(p))).toEqual([]);
});
