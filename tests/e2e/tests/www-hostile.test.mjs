// Hostile rendering on the standalone analyzer (issue 7, "Hardening"): a HAR whose strings
// carry markup, javascript: URLs, bidi overrides and a 200 KB header line, loaded through
// the file input. Captured data must only ever become text: no script runs, no live
// javascript: link appears, bidi controls are shown escaped, the page stays usable.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchPlain } from "../support/devtools.mjs";
import { startPlayground } from "../support/playground.mjs";
import { ROOT } from "../support/paths.mjs";

const FIXTURE = join(ROOT, "tests", "fixtures", "har", "hostile-rendering.har");
const RLO = "\u202E";
const LONG = 200 * 1024;

/**
 * Everything in the live DOM that could execute or mislead, read in the page: links and
 * other URL-bearing attributes with a javascript: scheme, on* handler attributes, elements
 * injected from the fixture's markup, and text nodes holding raw bidi controls.
 */
function domAudit() {
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"];
  const liveJs = [];
  const handlers = [];
  const rawBidi = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (urlAttrs.includes(a.name.toLowerCase()) && /^\s*javascript:/i.test(a.value.replace(/[\u0000-\u0020]/g, ""))) liveJs.push(`${el.tagName} ${a.name}=${a.value}`);
      if (/^on/i.test(a.name)) handlers.push(`${el.tagName} ${a.name}`);
      if (/^(title|aria-label)$/.test(a.name) && /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/.test(a.value)) rawBidi.push(`${el.tagName} ${a.name}=${JSON.stringify(a.value.slice(0, 60))}`);
    }
  }
  const injected = [...document.querySelectorAll('img[src="x"], svg[onload], script:not([src])')].map((e) => e.outerHTML.slice(0, 80));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/.test(n.data)) rawBidi.push(`${n.parentElement?.className}: ${JSON.stringify(n.data.slice(0, 60))}`);
  }
  return { liveJs, handlers, injected, rawBidi, xss: window.__authlens_xss ?? null, text: document.body.textContent };
}

describe("www analyzer with a hostile HAR", () => {
  let playground;
  let browser;
  let page;
  let userDataDir;
  let dir;
  const dialogs = [];
  const errors = [];
  const audits = [];

  before(async () => {
    playground = await startPlayground();
    userDataDir = mkdtempSync(join(tmpdir(), "authlens-hostile-"));
    dir = mkdtempSync(join(tmpdir(), "authlens-hostile-har-"));
    browser = await launchPlain(userDataDir);
    page = await browser.newPage();
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss().catch(() => {});
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${playground.origin}/analyzer/`);
    await page.waitForSelector(".app .list-pane");

    // The committed fixture plus one entry with a 200 KB header line (too big to commit).
    const har = JSON.parse(readFileSync(FIXTURE, "utf8"));
    const long = structuredClone(har.log.entries[0]);
    long.request.url = "https://api.example.com/long-line";
    long.request.headers = [{ name: "X-Long", value: `${"A".repeat(LONG - 20)}<b>end-of-long</b>` }];
    long.response.status = 200;
    long.response.headers = [{ name: "Content-Type", value: "text/plain" }];
    har.log.entries.push(long);
    const file = join(dir, "hostile.har");
    writeFileSync(file, JSON.stringify(har));
    const input = await page.$("input.har-file");
    await input.uploadFile(file);
    await page.waitForFunction((n) => document.querySelectorAll(".vlist .row").length === n, { timeout: 20000 }, har.log.entries.length);

    // Render every view of every row, auditing the DOM after each.
    const keys = await page.$$eval(".vlist .row", (rs) => rs.map((r) => r.dataset.key));
    for (const key of keys) {
      await page.click(`.vlist .row[data-key="${key}"]`);
      await page.waitForSelector(".detail .tab");
      const tabs = await page.$$eval(".detail .tab", (ts) => ts.map((t) => t.dataset.tab));
      for (const tab of tabs) {
        await page.click(`.detail .tab[data-tab="${tab}"]`);
        await page.waitForSelector(`.detail-body[data-tab="${tab}"]`, { timeout: 5000 });
        audits.push({ key, tab, ...(await page.evaluate(domAudit)) });
      }
    }
  });

  after(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
    await playground?.stop();
  });

  it("rendered every tab of every row", () => {
    assert.ok(audits.length >= 5 * 2, `audited ${audits.length} views`);
  });

  it("no dialog opened, no sentinel set, no page error", () => {
    assert.deepEqual(dialogs, []);
    assert.deepEqual(audits.filter((a) => a.xss !== null).map((a) => `${a.key}/${a.tab}: ${a.xss}`), []);
    assert.deepEqual(errors, []);
  });

  it("no live javascript: link, no handler attribute, no injected element, in any view", () => {
    for (const a of audits) {
      assert.deepEqual(a.liveJs, [], `${a.key}/${a.tab}`);
      assert.deepEqual(a.handlers, [], `${a.key}/${a.tab}`);
      assert.deepEqual(a.injected, [], `${a.key}/${a.tab}`);
    }
  });

  it("the markup and the javascript: URLs show up literally, as text", () => {
    const all = audits.map((a) => a.text).join("\n");
    assert.ok(all.includes('<img src=x onerror="window.__authlens_xss=1;alert(1)">'), "the markup in the realm/URL/body is shown as text");
    assert.ok(all.includes("<script>window.__authlens_xss=2</script>"), "the script tag is shown as text");
    assert.ok(all.includes("javascript:window.__authlens_xss="), "a javascript: URL is shown as text");
  });

  it("bidi overrides are shown escaped, never raw", () => {
    const raw = audits.flatMap((a) => a.rawBidi.map((r) => `${a.key}/${a.tab} ${r}`));
    assert.deepEqual([...new Set(raw)], []);
    const all = audits.map((a) => a.text).join("\n");
    assert.ok(all.includes("\\u{202E}"), "the override is visible as an escape");
    assert.ok(!all.includes(RLO));
  });

  it("stays responsive with the 200 KB line: the filter still narrows and restores", async () => {
    const longRow = await page.$$eval(".vlist .row", (rs) => rs.find((r) => r.querySelector(".c-name").textContent.includes("long-line"))?.dataset.key);
    assert.ok(longRow, "the long-line entry is listed");
    await page.click(`.vlist .row[data-key="${longRow}"]`);
    await page.click('.detail .tab[data-tab="headers"]');
    await page.waitForFunction(() => document.querySelector(".detail-body").textContent.includes("end-of-long"), { timeout: 5000 });
    const started = Date.now();
    await page.type("input.filter", "status:403");
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll(".vlist .row")];
      return shown.length === 1 && shown[0].querySelector(".c-status .code")?.textContent === "403";
    }, { timeout: 5000 });
    await page.$eval("input.filter", (i) => {
      i.value = "";
      i.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.waitForFunction(() => document.querySelectorAll(".vlist .row").length === 5, { timeout: 5000 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5000, `filter round trip took ${elapsed} ms`);
    assert.equal(await page.evaluate(() => 1 + 1), 2, "the page still answers");
  });
});
