// The panel follows the DevTools theme (chrome.devtools.panels.themeName).

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchWithDevTools, openPanel, screenshotPanel } from "../support/devtools.mjs";
import { startPlayground } from "../support/playground.mjs";
import { waitForRow } from "../support/panel.mjs";
import { SCREENSHOTS } from "../support/paths.mjs";

describe("Auth panel in the dark DevTools theme", () => {
  let playground;
  let env;
  let panel;

  before(async () => {
    playground = await startPlayground();
    env = await launchWithDevTools({ theme: "dark" });
    await env.page.goto(playground.url);
    await env.page.waitForSelector('button[data-scenario="expired-jwt"]', { timeout: 10000 });
    panel = await openPanel(env.devtools);
  });

  after(async () => {
    await env?.close();
    await playground?.stop();
  });

  it("switches to its dark palette and keeps failures marked without colour alone", async () => {
    assert.equal(await panel.evaluate(() => document.documentElement.classList.contains("theme-dark")), true);
    const bg = await panel.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 150, `dark background, got ${bg}`);
    await env.page.click('button[data-scenario="expired-jwt"]');
    const row = await waitForRow(panel, (r) => r.status === "401");
    assert.ok(row.badge && row.label === "auth");
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    await panel.waitForSelector(".diagnosis-tab .finding");
    mkdirSync(SCREENSHOTS, { recursive: true });
    await screenshotPanel(env.devtools, join(SCREENSHOTS, "panel-dark.png"));
  });
});
