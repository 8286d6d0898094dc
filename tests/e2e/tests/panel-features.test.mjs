// The full panel (issue 5) in the real DevTools: the diagnosis of every playground
// scenario, the filter language, keyboard navigation, hostile markup, the fix actions and
// a 5,000-request burst.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchWithDevTools, openPanel, screenshotPanel } from "../support/devtools.mjs";
import { startPlayground } from "../support/playground.mjs";
import { rows, waitForRow } from "../support/panel.mjs";
import { ARTIFACTS, ROOT } from "../support/paths.mjs";

/** Sets the filter box as if typed. */
async function setFilter(panel, text) {
  await panel.$eval(
    "input.filter",
    (i, t) => {
      i.value = t;
      i.dispatchEvent(new Event("input", { bubbles: true }));
    },
    text,
  );
}

/** Runs one playground scenario and waits until its card says it is done. */
async function runScenario(page, id) {
  await page.click(`button[data-scenario="${id}"]`);
  await page.waitForSelector(`li[data-scenario="${id}"][data-state="done"]`, { timeout: 15000 });
}

describe("Auth panel features in real DevTools", () => {
  let playground;
  let env;
  let panel;
  let scenarios;
  const dialogs = [];

  before(async () => {
    playground = await startPlayground();
    env = await launchWithDevTools();
    env.page.on("dialog", (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    env.devtools.on("dialog", (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    await env.page.goto(playground.url);
    await env.page.waitForSelector('button[data-scenario="expired-jwt"]', { timeout: 10000 });
    panel = await openPanel(env.devtools);
    scenarios = (await (await fetch(`${playground.origin}/api/scenarios.json`)).json()).scenarios;
  });

  after(async () => {
    if (env && panel) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await env.devtools.screenshot({ path: join(ARTIFACTS, "panel-features-final.png") }).catch(() => {});
    }
    await env?.close();
    await playground?.stop();
  });

  // Scenarios whose expected finding cannot be reached from what Chromium lets DevTools
  // see would be listed here (id → reason) and run as TODO subtests. None today.
  const KNOWN_GAPS = {};

  it("puts each playground scenario's expected finding on top", async (t) => {
    const results = [];
    for (const sc of scenarios) {
      if (!sc.expected_finding) continue;
      await t.test(sc.id, { todo: KNOWN_GAPS[sc.id] }, async () => {
        // Each scenario on a clean slate: Clear also restarts the diagnosis (cookie jar,
        // flow window), so one scenario's state cannot explain another's failure.
        await panel.click("button.clear");
        await runScenario(env.page, sc.id);
        const step = sc.steps[sc.expect_step];
        await setFilter(panel, step.path);
        // The key step's rows (a preflight and its request share the path): one of them
        // must carry the expected finding first.
        let shown = [];
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline) {
          shown = await panel.$$eval(".vlist .row", (els) => els.map((r) => r.querySelector(".c-finding")?.dataset.rule ?? ""));
          if (shown.includes(sc.expected_finding)) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        results.push({ scenario: sc.id, expected: sc.expected_finding, shown });
        assert.ok(shown.includes(sc.expected_finding), `${sc.id}: expected ${sc.expected_finding} on top, rows show ${JSON.stringify(shown)}`);
      });
    }
    await setFilter(panel, "");
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, "scenario-findings.json"), JSON.stringify(results, null, 2));
  });

  it("rule:token-expired narrows the list to the expired-token requests", async () => {
    await runScenario(env.page, "expired-jwt");
    await setFilter(panel, "rule:token-expired");
    await panel.waitForFunction(() => document.querySelectorAll(".vlist .row").length > 0);
    const shown = await rows(panel);
    assert.ok(shown.length >= 1);
    assert.ok(shown.every((r) => r.name.includes("/api/expired-jwt")), JSON.stringify(shown.map((r) => r.name)));
    await setFilter(panel, "-rule:token-expired");
    await panel.waitForFunction(() => [...document.querySelectorAll(".vlist .row .c-name")].every((c) => !c.textContent.includes("/api/expired-jwt")));
    await setFilter(panel, "");
  });

  it("navigates with the keyboard: arrows, Home/End, Enter, and / for the filter", async () => {
    await panel.focus(".vlist");
    await env.devtools.keyboard.press("Home");
    const selectedKey = () => panel.$eval(".vlist .row.selected", (r) => r.dataset.key).catch(() => null);
    const first = await selectedKey();
    const firstRow = (await rows(panel))[0];
    assert.equal(first, firstRow.key, "Home selects the first row");
    await env.devtools.keyboard.press("ArrowDown");
    const second = await selectedKey();
    assert.notEqual(second, first);
    await env.devtools.keyboard.press("ArrowUp");
    assert.equal(await selectedKey(), first);
    await env.devtools.keyboard.press("End");
    const last = await selectedKey();
    assert.ok(Number(last) > Number(first), "End selects the last row");
    await panel.waitForSelector(".detail .tab");
    await env.devtools.keyboard.press("Enter");
    const active = await panel.evaluate(() => `${document.activeElement?.tagName}.${document.activeElement?.className}`);
    assert.match(active, /\btab\b/, `Enter moves focus into the detail (focus on ${active})`);
    await panel.focus(".vlist");
    await env.devtools.keyboard.press("/");
    assert.equal(await panel.evaluate(() => document.activeElement?.classList.contains("filter")), true, "/ focuses the filter");
    await env.devtools.keyboard.press("Escape");
  });

  it("shows hostile markup as text and runs none of it", async () => {
    await runScenario(env.page, "xss");
    await setFilter(panel, "/api/xss");
    const row = await waitForRow(panel, (r) => r.name?.includes("/api/xss") && r.status === "401");
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    for (const tab of ["diagnosis", "credentials", "challenge", "headers"]) {
      await panel.click(`.detail .tab[data-tab="${tab}"]`);
      await panel.waitForSelector(`.detail-body[data-tab="${tab}"]`);
    }
    await panel.click('.detail .tab[data-tab="challenge"]');
    const challenge = await panel.$eval(".challenge-tab", (t) => ({
      text: t.textContent,
      injected: t.querySelectorAll("img, script, svg, iframe").length,
    }));
    assert.ok(challenge.text.includes("<img src=x onerror=alert(1)>"), "the realm is shown literally");
    assert.equal(challenge.injected, 0, "no element was created from captured markup");
    await panel.click('.detail .tab[data-tab="credentials"]');
    const claims = await panel.$eval(".credentials-tab", (t) => ({ text: t.textContent, injected: t.querySelectorAll("img, script, svg, iframe").length }));
    assert.ok(claims.text.includes("<script>") || claims.text.includes("<svg"), "the hostile claims are shown as text");
    assert.equal(claims.injected, 0);
    const sentinels = await Promise.all([
      panel.evaluate(() => window.__authlens_xss),
      env.devtools.evaluate(() => window.__authlens_xss),
    ]);
    assert.deepEqual(sentinels, [undefined, undefined], "no script ran");
    assert.deepEqual(dialogs, [], "no dialog opened");
    await setFilter(panel, "");
  });

  it("links a CORS preflight and its request in the list and in the Flow tab", async () => {
    await panel.click("button.clear");
    await runScenario(env.page, "cors-preflight-401");
    await setFilter(panel, "/api/cors-preflight-401");
    const failed = await waitForRow(panel, (r) => r.method === "GET", { what: "the request after the preflight" });
    await panel.click(`.vlist .row[data-key="${failed.key}"]`);
    await panel.waitForSelector(".vlist .row.related");
    const related = await rows(panel);
    assert.ok(related.some((r) => r.method === "OPTIONS" && r.key !== failed.key), "the preflight is listed");
    assert.ok(await panel.$eval(".vlist .row.related .c-method", (c) => c.textContent === "OPTIONS"), "the preflight row is marked as related");
    await panel.click('.detail .tab[data-tab="flow"]');
    await panel.waitForSelector(".flow-diagram .flow-step");
    const steps = await panel.$$eval(".flow-diagram .flow-step", (gs) => gs.map((g) => ({ request: g.querySelector(".flow-request").textContent, selected: g.classList.contains("selected") })));
    assert.deepEqual(steps.map((s) => s.request.split(" ")[0]), ["OPTIONS", "GET"]);
    assert.deepEqual(steps.map((s) => s.selected), [false, true]);
    assert.ok(await panel.$(".sparkline polyline"), "the failure-rate sparkline is drawn");
    mkdirSync(ARTIFACTS, { recursive: true });
    await screenshotPanel(env.devtools, join(ARTIFACTS, "flow.png"));
    await setFilter(panel, "");
  });

  it("Copy as cURL copies a masked command", async () => {
    await runScenario(env.page, "expired-jwt");
    await setFilter(panel, "rule:token-expired");
    const row = await waitForRow(panel, (r) => r.name?.includes("/api/expired-jwt"));
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    await panel.click('.detail .tab[data-tab="diagnosis"]');
    // What the panel puts on the clipboard: the data of the copy event it cancels.
    await panel.evaluate(() => {
      window.__copied = null;
      // On the window, after the page's own listener has put its text in the event.
      window.addEventListener("copy", (e) => {
        window.__copied = e.clipboardData.getData("text/plain");
      }, { once: true });
    });
    await panel.click('.finding[data-rule="token-expired"] button[data-action="copy-curl"]');
    await panel.waitForFunction(() => window.__copied !== null, { timeout: 5000 });
    const copied = await panel.evaluate(() => window.__copied);
    assert.match(copied, /^curl /m);
    assert.match(copied, /\/api\/expired-jwt\/me/);
    // The fix is applied to the copy: the expired token is replaced by a placeholder
    // (or masked), never pasted as captured.
    assert.match(copied, /Authorization: Bearer (<[^>]+>|\S*…\[\d+ chars\])/);
    assert.doesNotMatch(copied, /eyJ[\w-]{10,}\.[\w-]{10,}/, "no raw JWT");
    assert.match(await panel.$eval(".notice", (n) => n.textContent), /Copied/);
    await setFilter(panel, "");
  });

  it("Hard reload (from the cached-401 fix) reloads the inspected page", async () => {
    await runScenario(env.page, "cacheable-401");
    await setFilter(panel, "rule:cached-401");
    const row = await waitForRow(panel, () => true, { what: "a cached-401 row" });
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    await panel.click('.detail .tab[data-tab="diagnosis"]');
    const navigated = env.page.waitForNavigation({ timeout: 10000 });
    await panel.click('button[data-action="hard-reload"]');
    await navigated;
    await env.page.waitForSelector('button[data-scenario="expired-jwt"]');
    assert.match(await panel.$eval(".notice", (n) => n.textContent), /Reloaded/);
    await setFilter(panel, "");
  });

  it("records nothing while recording is off", async () => {
    await panel.click("button.clear");
    await panel.click("button.record");
    assert.equal(await panel.$eval("button.record", (b) => b.getAttribute("aria-pressed")), "false");
    await runScenario(env.page, "missing-challenge");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await rows(panel)).length, 0, "nothing was added");
    await panel.click("button.record");
    await runScenario(env.page, "missing-challenge");
    await waitForRow(panel, (r) => r.name?.includes("/api/missing-challenge"));
  });

  it("keeps the log across navigations with Preserve log, and clears it without", async () => {
    await runScenario(env.page, "expired-jwt");
    await waitForRow(panel, (r) => r.name?.includes("/api/expired-jwt"));
    assert.equal(await panel.$eval("input.preserve-log", (i) => i.checked), true, "on by default");
    await env.page.goto(playground.url);
    await env.page.waitForSelector('button[data-scenario="expired-jwt"]');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok((await rows(panel)).some((r) => r.name?.includes("/api/expired-jwt")), "kept across the navigation");
    await panel.click("input.preserve-log");
    await env.page.goto(playground.url);
    await env.page.waitForSelector('button[data-scenario="expired-jwt"]');
    await panel.waitForFunction(() => ![...document.querySelectorAll(".vlist .row .c-name")].some((c) => c.textContent.includes("/api/expired-jwt")));
    await panel.click("input.preserve-log");
  });

  it("imports a colleague's HAR into the panel", async () => {
    const input = await panel.$("label.import-har input[type=file]");
    await input.uploadFile(join(ROOT, "tests", "fixtures", "har", "chrome.har"));
    await panel.waitForFunction(() => /Imported 5 entries/.test(document.querySelector(".notice").textContent), { timeout: 10000 });
    const shown = await rows(panel);
    assert.ok(shown.some((r) => r.name === "api.example.com/v1/me" && r.authFail), JSON.stringify(shown.map((r) => r.name)));
    await panel.click("button.clear");
  });

  it("stays responsive with 5,000 requests from the playground's burst", async () => {
    const before = await panel.$eval(".summary", (s) => Number(/^(\d+) request/.exec(s.textContent)?.[1] ?? 0));
    await env.page.$eval("#burst-count", (i) => {
      i.value = "5000";
    });
    await env.page.click("#burst");
    const started = Date.now();
    await panel.waitForFunction(
      (n) => Number(/^(\d+) request/.exec(document.querySelector(".summary").textContent)?.[1] ?? 0) >= n,
      // Generous: the bound is for a hang, not a timing assertion (ingestMs is reported).
      { timeout: 300000, polling: 200 },
      before + 5000,
    );
    const ingestMs = Date.now() - started;
    const rendered = await panel.$$eval(".vlist .row", (r) => r.length);
    assert.ok(rendered > 0 && rendered < 200, `only visible rows are in the DOM (${rendered})`);
    // Filter response: from the input event to the narrowed list, measured in the panel.
    const filterMs = await panel.evaluate(async () => {
      const input = document.querySelector("input.filter");
      const t0 = performance.now();
      input.value = "status:401";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    });
    const onlyFailures = await panel.$$eval(".vlist .row", (els) => els.every((r) => r.querySelector(".c-status .code")?.textContent === "401"));
    assert.ok(onlyFailures, "the filter applied");
    await setFilter(panel, "");
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, "burst-timing.json"), JSON.stringify({ requests: 5000, ingestMs, filterMs, rendered }, null, 2));
    assert.ok(filterMs < 250, `filtering 5,000+ rows took ${filterMs.toFixed(1)} ms`);
  });
});
