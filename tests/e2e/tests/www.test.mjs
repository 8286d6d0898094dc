// The standalone analyzer (dist/www, served by the playground under /analyzer/) in
// headless Chromium: the same Rust views as the panel, fed by pastes and HAR files.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchPlain } from "../support/devtools.mjs";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { startPlayground } from "../support/playground.mjs";
import { ROOT } from "../support/paths.mjs";

/**
 * Exporting a 20,000-entry capture (issue 5: nothing blocks the main thread for more than
 * 50 ms). The export runs in 20 ms slices; measured on the 2-core VM: usually no task over
 * 50 ms, the longest 57 ms with the load average at 4, 136 ms once beside other builds, and
 * once (quiet machine, full `make test`) five tasks of 53–103 ms in one HAR export. Those
 * were traced to freeing the redacted capture in one go (160 ms), Blob copies of 3 MB
 * strings at the end of write slices (15–50 ms) and the report's text-area copy (30–40 ms);
 * all three are gone (src/web/export.rs), and quiet runs since show no task over 50 ms.
 * Garbage collection and a loaded machine still push single slices over. One-shot, the
 * export was a single task of 0.6–1 s. The longest-task bound leaves room for a loaded CI
 * machine; the count (about a fifth of an export's ~40 slices) catches a slice budget that
 * no longer holds.
 */
const EXPORT_LONGEST_TASK_MS = 250;
const EXPORT_MAX_LONG_TASKS = 8;

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64url");

describe("www analyzer", () => {
  let playground;
  let browser;
  let page;
  let userDataDir;
  const foreignRequests = [];
  const errors = [];

  before(async () => {
    playground = await startPlayground();
    userDataDir = mkdtempSync(join(tmpdir(), "authlens-www-"));
    browser = await launchPlain(userDataDir);
    page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("request", (r) => {
      if (!r.url().startsWith(`${playground.origin}/analyzer/`)) foreignRequests.push(r.url());
    });
    await page.goto(`${playground.origin}/analyzer/`);
    await page.waitForSelector(".app .list-pane");
  });

  after(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await playground?.stop();
  });

  it("starts under its CSP and says the data stays in the page", async () => {
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.match(csp, /object-src 'none'/);
    assert.match(await page.$eval(".page-header", (h) => h.textContent), /never leaves this page/);
    assert.deepEqual(errors, []);
  });

  it("decodes a pasted challenge, parameter by parameter", async () => {
    await page.$eval("textarea.paste", (t) => {
      t.value = 'WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="read:orders"';
    });
    await page.click("button.decode");
    await page.waitForSelector(".decoded .challenge");
    const params = await page.$$eval(".decoded .param", (ps) => ps.map((p) => [p.querySelector(".param-name").textContent, p.querySelector(".param-meaning").textContent]));
    const names = params.map(([n]) => n);
    assert.deepEqual(names, ["realm", "error", "scope"]);
    assert.ok(params.every(([, meaning]) => meaning.length > 10), JSON.stringify(params));
  });

  it("decodes a pasted token and draws its lifetime bar as expired", async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({ sub: "u1", iat: now - 3600, exp: now - 300 })}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
    await page.$eval("textarea.paste", (t, v) => {
      t.value = v;
    }, `Authorization: Bearer ${jwt}`);
    await page.click("button.decode");
    await page.waitForSelector(".decoded .credential .lifetime");
    const info = await page.$eval(".decoded .credential", (c) => ({
      lifetime: c.querySelector(".lifetime").className,
      state: c.querySelector(".lt-state").textContent,
      text: c.textContent,
    }));
    assert.match(info.lifetime, /\bexpired\b/);
    assert.equal(info.state, "expired at now");
    assert.ok(!info.text.includes(jwt), "the token itself is not shown");
  });

  it("decodes every credential of a pasted cURL command, password never shown", async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ sub: "u1", iat: now - 3600, exp: now - 120 })}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
    const command = `curl 'https://api.example.com/v1/me' \\\n  -H 'authorization: Bearer ${jwt}' \\\n  -H 'x-api-key: sk_live_abcdefghijklmnopqrstuvwx' \\\n  -u 'Aladdin:open sesame' --compressed`;
    await page.$eval("textarea.paste", (t, v) => {
      t.value = v;
    }, command);
    await page.click("button.decode");
    await page.waitForSelector(".decoded .credential");
    const text = await page.$eval(".decoded", (d) => d.textContent);
    assert.match(text, /cURL command: GET https:\/\/api\.example\.com\/v1\/me/);
    const count = await page.$$eval(".decoded .credential", (cs) => cs.length);
    assert.ok(count >= 3, `bearer, api key and basic decoded (${count}): ${text}`);
    assert.match(text, /Aladdin/);
    assert.ok(!text.includes("open sesame"), "the Basic password is never shown");
    assert.ok(!text.includes("sk_live_abcdefghijklmnopqrstuvwx"), "the API key is masked");
    assert.ok(!text.includes(jwt), "the token is masked");
    assert.match(text, /expired/);
  });

  it("analyses a HAR file from the file input with the shared views", async () => {
    const input = await page.$("input.har-file");
    await input.uploadFile(join(ROOT, "tests", "fixtures", "har", "chrome.har"));
    await page.waitForFunction(() => document.querySelectorAll(".vlist .row").length === 5);
    const failing = await page.$$eval(".vlist .row.auth-fail", (rs) => rs.map((r) => r.querySelector(".c-name").textContent));
    assert.deepEqual(failing, ["api.example.com/v1/me"]);
    assert.match(await page.$eval(".toolbar .summary-line", (e) => e.textContent), /1 auth failure/);
    assert.match(await page.$eval(".notice", (e) => e.textContent), /Imported 5 entries/);
    await page.screenshot({ path: join(ROOT, "tests", "e2e", "artifacts", "www-har.png") });
    await page.click(".vlist .row.auth-fail");
    await page.waitForSelector(".detail-body[data-tab='diagnosis']");
    const top = await page.$eval(".diagnosis-tab", (t) => t.querySelector(".finding")?.dataset.rule ?? t.textContent);
    assert.ok(top.length > 0, "the diagnosis tab shows something");
  });

  it("exports a redacted HAR that keeps the diagnosis and re-imports", async () => {
    const fixture = join(ROOT, "tests", "fixtures", "har", "chrome.har");
    const original = JSON.parse(readFileSync(fixture, "utf8"));
    const secrets = original.log.entries
      .flatMap((e) => e.request.headers)
      .filter((h) => /^(authorization|cookie)$/i.test(h.name))
      .map((h) => h.value.replace(/^\S+\s+/, ""))
      .filter((v) => v.length >= 12);
    assert.ok(secrets.length > 0, "the fixture carries credentials");
    const input = await page.$("input.har-file");
    await input.uploadFile(fixture);
    await page.waitForFunction(() => document.querySelectorAll(".vlist .row").length === 5);
    const before = await page.$$eval(".vlist .row", (rs) => rs.map((r) => r.querySelector(".c-finding").dataset.rule ?? ""));

    const downloads = mkdtempSync(join(tmpdir(), "authlens-dl-"));
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
    await page.click(".export-menu > summary");
    await page.click('.export-menu button[data-export="har"]');
    const file = join(downloads, "authlens-redacted.har");
    const deadline = Date.now() + 10000;
    while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(file), `downloaded: ${readdirSync(downloads)}`);
    const text = readFileSync(file, "utf8");
    const redacted = JSON.parse(text);
    assert.equal(redacted.log.entries.length, 5);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), "no credential survives the export");
    }
    assert.match(await page.$eval(".notice", (n) => n.textContent), /redacted HAR \(\d+ secrets? removed/);

    const redactedInput = await page.$("input.har-file");
    await redactedInput.uploadFile(file);
    await page.waitForFunction(() => /Imported 5 entries/.test(document.querySelector(".notice").textContent));
    const after = await page.$$eval(".vlist .row", (rs) => rs.map((r) => r.querySelector(".c-finding").dataset.rule ?? ""));
    assert.deepEqual(after, before, "the redacted capture is diagnosed the same way");
    rmSync(downloads, { recursive: true, force: true });
  });

  it("copies a redacted Markdown report", async () => {
    await page.evaluate(() => {
      window.__copied = null;
      // On the window, after the page's own listener has put its text in the event.
      window.addEventListener("copy", (e) => {
        window.__copied = e.clipboardData.getData("text/plain");
      }, { once: true });
    });
    await page.click(".export-menu > summary");
    await page.click('.export-menu button[data-export="report-markdown"]');
    await page.waitForFunction(() => window.__copied !== null);
    const markdown = await page.evaluate(() => window.__copied);
    assert.match(markdown, /^# /m);
    assert.match(markdown, /401/);
    assert.doesNotMatch(markdown, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, "no JWT in the report");
  });

  it("warns that a sanitized Chrome export lost its credentials", async () => {
    const input = await page.$("input.har-file");
    await input.uploadFile(join(ROOT, "tests", "fixtures", "har", "chrome-sanitized.har"));
    await page.waitForSelector(".banner:not([hidden])");
    assert.match(await page.$eval(".banner", (b) => b.textContent), /sanitized export/);
    await page.waitForFunction(() => /Imported/.test(document.querySelector(".notice").textContent));
    const rules = await page.$$eval(".vlist .row .c-finding", (cs) => cs.map((c) => c.dataset.rule ?? ""));
    assert.ok(rules.length > 0);
    assert.ok(!rules.includes("missing-credentials") && !rules.includes("cookie-not-sent"), `a removed credential is not reported as missing: ${rules}`);
    // A normal file clears the warning.
    await input.uploadFile(join(ROOT, "tests", "fixtures", "har", "chrome.har"));
    await page.waitForFunction(() => document.querySelector(".banner").hidden && document.querySelectorAll(".vlist .row").length === 5);
  });

  it("shows a progress bar for a big HAR, and the final count matches", async () => {
    const entry = (i) => ({
      startedDateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
      time: 12,
      request: { method: "GET", url: `https://api.example.com/items/${i}`, httpVersion: "HTTP/1.1", headers: [{ name: "Authorization", value: "Bearer opaque-token-value-0123456789" }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
      response: { status: i % 10 === 0 ? 401 : 200, statusText: "", httpVersion: "HTTP/1.1", headers: [{ name: "Content-Type", value: "application/json" }], cookies: [], content: { size: 2, mimeType: "application/json", text: "{}" }, redirectURL: "", headersSize: -1, bodySize: 2 },
      cache: {},
      timings: { send: 0, wait: 10, receive: 2 },
    });
    const n = 20000;
    const har = JSON.stringify({ log: { version: "1.2", creator: { name: "test", version: "1" }, entries: Array.from({ length: n }, (_, i) => entry(i)) } });
    await page.$eval("textarea.paste", (t, v) => {
      t.value = v;
    }, har);
    await page.click("button.decode");
    await page.waitForSelector(".progress:not([hidden])", { timeout: 10000 });
    await page.waitForFunction(() => /Imported 20000 entries/.test(document.querySelector(".notice").textContent), { timeout: 120000 });
    const summary = await page.$eval(".summary", (s) => s.textContent);
    assert.match(summary, /^20000 requests · 20000 shown/, summary);
    assert.match(await page.$eval(".toolbar .summary-line", (e) => e.textContent), /^⚠2000 auth failures: /);
    await page.$eval("textarea.paste", (t) => {
      t.value = "";
    });
  });

  it("exports a 20,000-entry capture in slices: progress, cancel, and no long task over the bound", async () => {
    // The capture from the previous test (20,000 entries, 2,000 of them 401s).
    assert.match(await page.$eval(".summary", (s) => s.textContent), /^20000 requests · 20000 shown/);
    const downloads = mkdtempSync(join(tmpdir(), "authlens-dl-big-"));
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
    // Every task over 50 ms while exporting (the Long Tasks API), from the click to the notice.
    const watch = () =>
      page.evaluate(() => {
        window.__longTasks = [];
        window.__longObserver?.disconnect();
        window.__longObserver = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
        });
        window.__longObserver.observe({ type: "longtask" });
      });
    const exportAs = async (name) => {
      await page.click(".export-menu > summary");
      await page.click(`.export-menu button[data-export="${name}"]`);
    };
    const timings = {};

    // Cancel first: a JSON report export stopped midway saves nothing. Slices follow each
    // other without timer clamps, so the whole export can end within a few frames: Cancel
    // is pressed from the page the moment the bar appears, before the next slice runs.
    await page.evaluate(() => {
      const bar = document.querySelector(".progress-export");
      const seen = new MutationObserver(() => {
        if (bar.hidden) return;
        seen.disconnect();
        window.__exportBar = bar.textContent;
        bar.querySelector(".progress-cancel").click();
      });
      seen.observe(bar, { attributes: true, childList: true, subtree: true, characterData: true });
    });
    await exportAs("report-json");
    await page.waitForFunction(() => /Export cancelled/.test(document.querySelector(".notice").textContent));
    assert.match(await page.evaluate(() => window.__exportBar), /Exporting 20000 requests: /);
    assert.equal(await page.$eval(".progress-export", (p) => p.hidden), true);

    await watch();
    let started = Date.now();
    await exportAs("har");
    await page.waitForFunction(() => /Exported 20000 requests as a redacted HAR/.test(document.querySelector(".notice").textContent), { timeout: 300000, polling: 100 });
    timings.harMs = Date.now() - started;
    timings.harLongTasks = await page.evaluate(() => window.__longTasks);
    const file = join(downloads, "authlens-redacted.har");
    const deadline = Date.now() + 20000;
    while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const text = readFileSync(file, "utf8");
    assert.equal(JSON.parse(text).log.entries.length, 20000);
    assert.ok(!text.includes("opaque-token-value-0123456789"), "the token is redacted");

    await watch();
    started = Date.now();
    await exportAs("report-json");
    await page.waitForFunction(() => /Saved the report of 20000 requests/.test(document.querySelector(".notice").textContent), { timeout: 300000, polling: 100 });
    timings.reportMs = Date.now() - started;
    timings.reportLongTasks = await page.evaluate(() => window.__longTasks);
    const reportFile = join(downloads, "authlens-report.json");
    while (!existsSync(reportFile) && Date.now() < deadline + 20000) await new Promise((r) => setTimeout(r, 100));
    const report = JSON.parse(readFileSync(reportFile, "utf8"));
    assert.equal(report.environment.requests, 20000);
    assert.equal(report.summary.failures, 2000);
    rmSync(downloads, { recursive: true, force: true });

    mkdirSync(join(ROOT, "tests", "e2e", "artifacts"), { recursive: true });
    writeFileSync(join(ROOT, "tests", "e2e", "artifacts", "export-timing.json"), JSON.stringify(timings, null, 2));
    console.log(`export of 20,000 entries: ${JSON.stringify(timings)}`);
    const longest = Math.max(0, ...timings.harLongTasks, ...timings.reportLongTasks);
    assert.ok(longest < EXPORT_LONGEST_TASK_MS, `longest task while exporting: ${longest} ms (${JSON.stringify(timings)})`);
    for (const tasks of [timings.harLongTasks, timings.reportLongTasks]) {
      assert.ok(tasks.length <= EXPORT_MAX_LONG_TASKS, `tasks over 50 ms in one export: ${tasks}`);
    }
  });

  it("warms up after loading without drawing, keeping or fetching anything, in short tasks", async () => {
    const fresh = await browser.newPage();
    const requests = [];
    fresh.on("request", (r) => requests.push(r.url()));
    await fresh.evaluateOnNewDocument(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
      }).observe({ type: "longtask" });
    });
    await fresh.goto(`${playground.origin}/analyzer/`);
    await fresh.waitForFunction(() => performance.getEntriesByName("authlens:warmed").length === 1, { timeout: 30_000 });
    assert.equal(await fresh.$$eval(".vlist .row", (rs) => rs.length), 0);
    assert.match(await fresh.$eval(".statusbar", (e) => e.textContent), /^0 requests · 0 shown/);
    assert.equal(await fresh.$eval(".notice", (e) => e.textContent), "");
    // The page and its own files, nothing else.
    assert.deepEqual(requests.filter((u) => !u.startsWith(`${playground.origin}/analyzer/`)), []);
    // 20 ms slices; the bound leaves a loaded CI machine the room the export test allows.
    const longest = Math.max(0, ...(await fresh.evaluate(() => window.__longTasks)));
    assert.ok(longest < EXPORT_LONGEST_TASK_MS, `longest task while warming up: ${longest} ms`);
    await fresh.close();
  });

  it("imports a HAR file dropped anywhere on the page", async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${playground.origin}/analyzer/`);
    await fresh.waitForSelector(".app .list-pane");
    const text = readFileSync(join(ROOT, "tests", "fixtures", "har", "chrome.har"), "utf8");
    const outlined = await fresh.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], "colleague.har", { type: "application/json" }));
      const target = document.querySelector(".list-pane");
      const over = new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: transfer });
      target.dispatchEvent(over);
      const during = document.body.classList.contains("dropping");
      const drop = new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: transfer });
      target.dispatchEvent(drop);
      // Cancelled, or the browser would open the file in place of the page.
      return { during, accepted: over.defaultPrevented && drop.defaultPrevented, after: document.body.classList.contains("dropping") };
    }, text);
    assert.deepEqual(outlined, { during: true, accepted: true, after: false });
    await fresh.waitForFunction(() => document.querySelectorAll(".vlist .row").length === 5);
    assert.match(await fresh.$eval(".notice", (e) => e.textContent), /Imported 5 entries/);
    // A drag of text (not files) is left to the browser: the page does not claim it.
    const textDrag = await fresh.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.setData("text/plain", "Bearer abc");
      const over = new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: transfer });
      document.querySelector(".list-pane").dispatchEvent(over);
      return over.defaultPrevented;
    });
    assert.equal(textDrag, false);
    await fresh.close();
  });

  it("refuses a file too big for WebAssembly memory before reading it, and says why", async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${playground.origin}/analyzer/`);
    await fresh.waitForSelector(".app .list-pane");
    await fresh.evaluate(() => {
      const transfer = new DataTransfer();
      const file = new File(["{}"], "huge.har");
      transfer.items.add(file);
      // A 6 GB capture without making one: the page asks the File for its size.
      Object.defineProperty(file, "size", { value: 6e9 });
      window.__read = false;
      file.arrayBuffer = () => {
        window.__read = true;
        return Promise.reject(new Error("read"));
      };
      // The drop hands over this very File (a FileList makes new ones).
      Object.defineProperty(transfer, "files", { value: { length: 1, 0: file, item: () => file } });
      const drop = new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: transfer });
      document.querySelector(".list-pane").dispatchEvent(drop);
    });
    await fresh.waitForFunction(() => /This file is 6\.0 GB/.test(document.querySelector(".notice").textContent));
    assert.match(await fresh.$eval(".notice", (e) => e.textContent), /up to 1\.6 GB .* authlens har FILE\.$/);
    assert.equal(await fresh.evaluate(() => window.__read), false, "the file was not read");
    assert.equal(await fresh.$eval(".progress", (p) => p.hidden), true);
    await fresh.close();
  });

  it("made no request outside its own folder", async () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(errors, []);
  });
});
