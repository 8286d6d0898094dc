// The walking skeleton, end to end: the real DevTools, the real extension, the real
// playground. Headless Chromium driven by puppeteer-core.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { EXTENSION_ID, launchWithDevTools, openPanel, screenshotPanel } from "../support/devtools.mjs";
import { startPlayground } from "../support/playground.mjs";
import { failureCount, rows, summaryLine, waitForRow } from "../support/panel.mjs";
import { ARTIFACTS, SCREENSHOTS } from "../support/paths.mjs";

describe("Auth panel in real DevTools", () => {
  let playground;
  let env;
  let panel;

  before(async () => {
    playground = await startPlayground();
    env = await launchWithDevTools();
    const { page } = env;
    // A control cookie on the other loopback name: clearing the playground's site data
    // must leave it alone.
    await page.goto(`${playground.otherOrigin}/api/set-control-cookie`);
    await page.goto(playground.url);
    await page.waitForSelector('button[data-scenario="expired-jwt"]', { timeout: 10000 });
    panel = await openPanel(env.devtools);
  });

  after(async () => {
    if (env && panel) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await env.devtools.screenshot({ path: join(ARTIFACTS, "panel-final.png") }).catch(() => {});
    }
    await env?.close();
    await playground?.stop();
  });

  it("backfills the requests made before the panel opened", async () => {
    const script = await waitForRow(panel, (r) => r.name?.endsWith("/playground.js"), { what: "the playground's script (backfill)" });
    assert.equal(script.method, "GET");
    assert.equal(script.status, "200");
    const all = await rows(panel);
    assert.ok(all.some((r) => r.name === `127.0.0.1:${playground.port}/`), "the document request is listed");
    // panel.js subscribes and asks for the backfill before the wasm runs, and the panel
    // subscribes again once it does: a request seen by both is still listed once.
    for (const name of [`127.0.0.1:${playground.port}/`, script.name]) {
      assert.equal(all.filter((r) => r.name === name).length, 1, `${name} is listed once`);
    }
    // The User Timing marks make bench reads (tests/bench/devtools.mjs), in order, once.
    const marks = await panel.evaluate(() => performance.getEntriesByType("mark").map((m) => m.name));
    assert.deepEqual(
      marks.filter((m) => m.startsWith("authlens:")),
      ["authlens:backfill-asked", "authlens:backfill-answered", "authlens:first-rows"],
    );
  });

  it("adds a live 401 row, highlighted with a label, after a scenario button", async () => {
    const before = await failureCount(panel);
    await env.page.click('button[data-scenario="expired-jwt"]');
    const row = await waitForRow(panel, (r) => r.status === "401" && r.name?.includes("/api/expired-jwt"), { what: "the expired-jwt 401" });
    assert.ok(row.authFail, "the row is marked as an auth failure");
    assert.ok(row.badge, "the status carries a badge, not colour alone");
    assert.equal(row.label, "auth");
    const healthy = (await rows(panel)).find((r) => r.status === "200");
    assert.ok(healthy && !healthy.authFail && !healthy.badge, "a 200 row is not highlighted");
    assert.ok((await failureCount(panel)) >= before + 1, "the counter went up");
  });

  it("counts every auth failure in the toolbar", async () => {
    await env.page.click('button[data-scenario="insufficient-scope"]');
    await waitForRow(panel, (r) => r.status === "403", { what: "the insufficient-scope 403" });
    const failing = (await rows(panel)).filter((r) => r.authFail);
    assert.equal(await failureCount(panel), failing.length);
    assert.ok(failing.length >= 2);
  });

  it("shows the engine's summary line in the toolbar: a live region, updated in place, truncated with the full text on hover", async () => {
    const line = await summaryLine(panel);
    assert.match(line.text, /^\d+ auth failures: .*\b1 × token-expired\b/, line.text);
    assert.match(line.text, /\b1 × insufficient-scope\b/, line.text);
    assert.equal(line.title, line.text, "the full text is the tooltip");
    const a11y = await panel.$eval(".summary-line", (e) => ({
      inToolbar: e.closest('[role="toolbar"]') !== null,
      role: e.getAttribute("role"),
      live: e.getAttribute("aria-live"),
      atomic: e.getAttribute("aria-atomic"),
      highlighted: e.classList.contains("has-failures"),
    }));
    assert.deepEqual(a11y, { inToolbar: true, role: "status", live: "polite", atomic: "true", highlighted: true });
    assert.doesNotMatch(await panel.$eval(".statusbar", (e) => e.textContent), /auth failures?:/, "the line left the status bar");

    // Incremental: a new failure updates the same node (a live region replaced whole would
    // be announced whole).
    await panel.$eval(".summary-line", (e) => {
      e.dataset.mark = "kept";
    });
    await env.page.click('button[data-scenario="missing-challenge"]');
    await panel.waitForFunction(() => /missing-challenge/.test(document.querySelector(".summary-line").textContent), { timeout: 10000 });
    assert.equal(await panel.$eval(".toolbar .summary-line", (e) => e.dataset.mark), "kept");
    const updated = await summaryLine(panel);
    assert.equal(updated.title, updated.text);
    assert.equal(await failureCount(panel), (await rows(panel)).filter((r) => r.authFail).length);

    // A narrow panel truncates the line with an ellipsis rather than wrapping the toolbar.
    const narrow = await panel.evaluate(() => {
      const app = document.querySelector(".app");
      app.style.width = "520px";
      const e = document.querySelector(".summary-line");
      const out = { truncated: e.scrollWidth > e.clientWidth, overflow: getComputedStyle(e).textOverflow, toolbarHeight: document.querySelector(".toolbar").getBoundingClientRect().height };
      app.style.width = "";
      return out;
    });
    assert.deepEqual({ truncated: narrow.truncated, overflow: narrow.overflow }, { truncated: true, overflow: "ellipsis" });
    assert.ok(narrow.toolbarHeight < 32, `one toolbar line (${narrow.toolbarHeight}px)`);
  });

  it("links a finding's rule id to its entry in the catalogue page shipped in the extension", async () => {
    const row = await waitForRow(panel, (r) => r.status === "401" && r.name?.includes("/api/expired-jwt"));
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    await panel.click('.detail .tab[data-tab="diagnosis"]');
    const selector = '.finding[data-rule="token-expired"] a.rule-link';
    await panel.waitForSelector(selector);
    const link = await panel.$eval(selector, (a) => ({ href: a.getAttribute("href"), resolved: a.href, target: a.target, text: a.textContent }));
    assert.deepEqual(link, {
      href: "rules.html#token-expired",
      resolved: `chrome-extension://${EXTENSION_ID}/rules.html#token-expired`,
      target: "_blank",
      text: "token-expired",
    });
    // Clicking opens the extension's own page in a new tab: no network, the anchor targeted.
    const opened = env.browser.waitForTarget((t) => t.url() === link.resolved, { timeout: 10000 });
    await panel.click(selector);
    const page = await (await opened).page();
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.waitForSelector("section.rule");
    const shown = await page.evaluate(() => ({
      target: document.querySelector(":target")?.id,
      heading: document.querySelector(":target h2")?.textContent,
      scripts: document.scripts.length,
      styled: getComputedStyle(document.body).maxWidth,
      anchors: [...document.querySelectorAll("section.rule[id]")].map((s) => s.id),
    }));
    assert.equal(shown.target, "token-expired");
    assert.equal(shown.heading, "token-expired");
    assert.equal(shown.scripts, 0, "a static page");
    assert.equal(shown.styled, "860px", "the shared stylesheet loaded under the page's CSP");
    // Every rule the panel showed in its list has its anchor on the page.
    const shownRules = await panel.$$eval(".vlist .row .c-finding[data-rule]", (cs) => [...new Set(cs.map((c) => c.dataset.rule).filter(Boolean))]);
    assert.ok(shownRules.length >= 2, JSON.stringify(shownRules));
    for (const id of shownRules) assert.ok(shown.anchors.includes(id), `rules.html#${id}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('"Auth failures only" hides everything else, and unchecking restores it', async () => {
    const total = (await rows(panel)).length;
    await panel.click("input.auth-only");
    await panel.waitForFunction(() => [...document.querySelectorAll(".vlist .row")].every((r) => r.classList.contains("auth-fail")));
    const only = await rows(panel);
    assert.equal(only.length, await failureCount(panel));
    assert.ok(only.length < total);
    await panel.click("input.auth-only");
    await panel.waitForFunction((n) => document.querySelectorAll(".vlist .row").length === n, {}, total);
  });

  it("the filter box narrows by status, and clearing it restores the list", async () => {
    await panel.type("input.filter", "status:403");
    await panel.waitForFunction(() => {
      const shown = [...document.querySelectorAll(".vlist .row")];
      return shown.length > 0 && shown.every((r) => r.querySelector(".c-status .code")?.textContent === "403");
    });
    await panel.$eval("input.filter", (i) => {
      i.value = "";
      i.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await panel.waitForFunction(() => [...document.querySelectorAll(".vlist .row")].some((r) => !r.classList.contains("auth-fail")));
  });

  it("answers first: the Diagnosis tab puts the scenario's expected finding on top", async () => {
    const scenarios = await (await fetch(`${playground.origin}/api/scenarios.json`)).json();
    const list = Array.isArray(scenarios) ? scenarios : scenarios.scenarios;
    const expected = list.find((s) => s.id === "expired-jwt").expected_finding;
    assert.equal(expected, "token-expired");
    const row = await waitForRow(panel, (r) => r.status === "401" && r.name?.includes("/api/expired-jwt"));
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    await panel.waitForSelector('.detail-body[data-tab="diagnosis"] .finding');
    const top = await panel.$eval(".diagnosis-tab .finding", (f) => ({
      rule: f.dataset.rule,
      title: f.querySelector(".finding-title").textContent,
      severity: f.querySelector(".sev-word").textContent,
      evidence: [...f.querySelectorAll(".ev dd")].map((d) => d.textContent),
    }));
    assert.equal(top.rule, expected, `top finding: ${JSON.stringify(top)}`);
    assert.equal(top.severity, "error");
    const finding = await panel.$eval(`.vlist .row[data-key="${row.key}"] .c-finding`, (c) => c.dataset.rule);
    assert.equal(finding, expected, "the list's Finding column shows the same rule");
  });

  it("the Credentials tab decodes the JWT and marks it expired on the lifetime bar", async () => {
    await panel.click('.detail .tab[data-tab="credentials"]');
    await panel.waitForSelector(".credentials-tab .credential");
    const cred = await panel.$eval(".credentials-tab .credential", (c) => ({
      kind: c.dataset.kind,
      claims: [...c.querySelectorAll(".jwt-claims .kv-name")].map((n) => n.textContent),
      lifetime: c.querySelector(".lifetime")?.className ?? "",
      state: c.querySelector(".lt-state")?.textContent ?? "",
      token: [...c.querySelectorAll(".kv")].find((k) => k.querySelector(".kv-name")?.textContent === "Token")?.querySelector(".kv-value")?.textContent ?? "",
    }));
    assert.equal(cred.kind, "jws");
    assert.ok(cred.claims.includes("exp"), `claims: ${cred.claims}`);
    assert.match(cred.lifetime, /\bexpired\b/);
    assert.equal(cred.state, "expired at this request");
    assert.match(cred.token, /…\[\d+ chars\]/, "the token is masked");
  });

  it("shows the selected request's headers with the auth-related ones set apart", async () => {
    const row = await waitForRow(panel, (r) => r.status === "401" && r.name?.includes("/api/expired-jwt"));
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    await panel.click('.detail .tab[data-tab="headers"]');
    await panel.waitForSelector(".detail .headers-tab");
    const auth = await panel.$$eval(".hdr-section.auth .hdr", (els) =>
      els.map((e) => [e.querySelector(".hdr-name").textContent.toLowerCase(), e.querySelector(".hdr-value").textContent]),
    );
    const names = auth.map(([n]) => n);
    assert.ok(names.includes("www-authenticate"), `auth section: ${names}`);
    assert.ok(names.includes("authorization"), `auth section: ${names}`);
    assert.ok(names.includes("date"), `auth section: ${names}`);
    const challenge = auth.find(([n]) => n === "www-authenticate")[1];
    assert.match(challenge, /^Bearer /);
    assert.match(challenge, /invalid_token/);
    const authorization = auth.find(([n]) => n === "authorization")[1];
    assert.match(authorization, /^Bearer eyJ\w{0,2}…\[\d+ chars\]$/, "the token is masked by default");
    const responseNames = await panel.$$eval(".hdr-section.response .hdr-name", (els) => els.map((e) => e.textContent.toLowerCase()));
    assert.ok(responseNames.includes("content-type"));
    assert.ok(!responseNames.includes("www-authenticate"), "auth headers are not repeated in the plain list");
    const selected = (await rows(panel)).find((r) => r.key === row.key);
    assert.ok(selected.selected);
  });

  it("clears the playground's cookies through the service worker, not another host's", async () => {
    // The playground's session cookie, set by its own login endpoint.
    const status = await env.page.evaluate(async () => {
      const r = await fetch("/api/cookie-logout/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "username=alice&password=correct-horse",
      });
      return r.status;
    });
    assert.equal(status, 200);
    const cookiesBefore = await env.browser.cookies();
    const site = (c) => c.domain === "127.0.0.1" && c.name === "session";
    const control = (c) => c.domain === "localhost" && c.name === "authlens_control";
    assert.ok(cookiesBefore.some(site), `session cookie set: ${JSON.stringify(cookiesBefore)}`);
    assert.ok(cookiesBefore.some(control), "control cookie set");

    await panel.click("button.clear-site");
    // Destructive: the panel asks first, with the origins to clear preselected.
    await panel.waitForSelector(".confirm-bar", { timeout: 10000 });
    const offered = await panel.$$eval("input.confirm-origin", (els) => els.map((e) => [e.value, e.checked]));
    assert.deepEqual(offered.filter(([, on]) => on).map(([o]) => o), [playground.origin], `offered: ${JSON.stringify(offered)}`);
    await panel.click("button.confirm-clear");
    await panel.waitForSelector(".notice.success, .notice.error", { timeout: 10000 });
    const notice = await panel.$eval(".notice", (e) => ({ text: e.textContent, ok: e.classList.contains("success") }));
    assert.ok(notice.ok, `notice: ${notice.text}`);
    assert.match(notice.text, /cookies/);
    assert.match(notice.text, new RegExp(`127\\.0\\.0\\.1:${playground.port}`));

    const cookiesAfter = await env.browser.cookies();
    assert.ok(!cookiesAfter.some(site), "the playground's cookie is gone");
    assert.ok(cookiesAfter.some(control), "the control cookie on the other host survives");
  });

  it("saves screenshots of the panel (Diagnosis and Credentials tabs)", async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const row = await waitForRow(panel, (r) => r.status === "401" && r.name?.includes("/api/expired-jwt"));
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    await panel.click('.detail .tab[data-tab="diagnosis"]');
    await panel.waitForSelector('.detail-body[data-tab="diagnosis"] .finding');
    const box = await screenshotPanel(env.devtools, join(SCREENSHOTS, "panel.png"));
    assert.ok(box.width > 800 && box.height > 300, `panel is visible and large: ${JSON.stringify(box)}`);
    await panel.click('.detail .tab[data-tab="credentials"]');
    await panel.waitForSelector(".credentials-tab .lifetime");
    await screenshotPanel(env.devtools, join(SCREENSHOTS, "credentials.png"));
  });
  it("compiles the wasm while it streams in, in parallel with the glue, fetched once (preloaded by panel.html)", async () => {
    // The panel page as a tab of the extension: the same files and CSP, outside DevTools.
    const tab = await env.browser.newPage();
    const problems = [];
    let fetches = 0;
    tab.on("request", (r) => r.url().endsWith("/pkg/authlens_bg.wasm") && fetches++);
    tab.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(m.text()));
    await tab.evaluateOnNewDocument(() => {
      window.__compiles = [];
      for (const name of ["compileStreaming", "instantiateStreaming"]) {
        const streaming = WebAssembly[name];
        WebAssembly[name] = async (source, ...rest) => {
          const response = await source;
          window.__compiles.push({ how: name, type: response.headers.get("content-type") });
          return streaming.call(WebAssembly, response, ...rest);
        };
      }
      for (const name of ["compile", "instantiate"]) {
        const whole = WebAssembly[name];
        WebAssembly[name] = (source, ...rest) => {
          // Instantiating a compiled module compiles nothing; bytes would be compiled whole.
          window.__compiles.push({ how: name, of: source instanceof WebAssembly.Module ? "module" : "bytes" });
          return whole.call(WebAssembly, source, ...rest);
        };
      }
    });
    await tab.goto(`chrome-extension://${EXTENSION_ID}/panel.html`);
    await tab.waitForSelector(".app .toolbar");
    const seen = await tab.evaluate(() => ({
      compiles: window.__compiles,
      banner: document.querySelector(".banner")?.textContent ?? "",
    }));
    // panel.js starts the streaming compile itself, in parallel with loading the glue,
    // and hands the compiled module to init().
    assert.deepEqual(seen.compiles, [
      { how: "compileStreaming", type: "application/wasm" },
      { how: "instantiate", of: "module" },
    ]);
    assert.equal(fetches, 1, "the preload is the fetch init() uses");
    assert.match(seen.banner, /opened outside DevTools/, "outside DevTools the page says so");
    assert.deepEqual(problems, [], "no preload-not-used warning, no CSP error");
    await tab.close();
    // The DevTools window is docked to the first tab: show that tab again.
    await env.page.bringToFront();
  });
});
