// playwright.config.js: browser tests of bont serve on Debian's Chromium (Playwright cannot
// download its own browser here). The server is started by tests/web/run.sh, which sets
// BONT_URL and the demo login.
const { defineConfig } = require("@playwright/test");

module.exports = defineConfig({
  testDir: "./tests",
  outputDir: "../build/playwright-results",
  timeout: 60000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: process.env.BONT_URL || "http://127.0.0.1:8080",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    },
  },
});
