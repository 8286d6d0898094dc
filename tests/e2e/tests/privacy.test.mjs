// Privacy hardening (issue 7) in the REAL DevTools: authlens makes no network requests of
// its own, and writes nothing to any storage, during a full panel run (panel load, several
// scenarios, the clear-site-data action).

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { EXTENSION_ID, PANEL_URL, launchWithDevTools, openPanel } from "../support/devtools.mjs";
import { startPlayground } from "../support/playground.mjs";
import { waitForRow } from "../support/panel.mjs";
import { recordAllRequests } from "../support/network.mjs";

const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}/`;
const SCENARIOS = ["expired-jwt", "insufficient-scope", "digest-stale", "cookie-logout", "redirect-drops-auth", "xss"];

/** Runs one playground scenario and waits until its card says it is done. */
async function runScenario(page, id) {
  await page.click(`button[data-scenario="${id}"]`);
  await page.waitForSelector(`li[data-scenario="${id}"][data-state="done"]`, { timeout: 15000 });
}

/**
 * Everything an extension context could have persisted, read from inside it. Runs in the
 * page or worker, so it must be self-contained.
 */
async function storageProbe() {
  const out = {};
  try {
    out.localStorage = typeof localStorage === "undefined" ? 0 : localStorage.length;
  } catch (e) {
    out.localStorage = `error: ${e}`;
  }
  try {
    out.sessionStorage = typeof sessionStorage === "undefined" ? 0 : sessionStorage.length;
  } catch (e) {
    out.sessionStorage = `error: ${e}`;
  }
  out.indexedDB = (await indexedDB.databases()).map((d) => d.name);
  out.caches = typeof caches === "undefined" ? [] : await caches.keys();
  const area = async (name) => {
    const store = globalThis.chrome?.storage?.[name];
    if (!store) return "unavailable";
    return Object.keys(await store.get(null));
  };
  out.chromeStorageLocal = await area("local");
  out.chromeStorageSession = await area("session");
  out.chromeStorageSync = await area("sync");
  return out;
}

/** True when a probe shows no stored data anywhere. */
function isEmpty(probe) {
  const emptyArea = (a) => a === "unavailable" || (Array.isArray(a) && a.length === 0);
  return (
    probe.localStorage === 0 &&
    probe.sessionStorage === 0 &&
    probe.indexedDB.length === 0 &&
    probe.caches.length === 0 &&
    emptyArea(probe.chromeStorageLocal) &&
    emptyArea(probe.chromeStorageSession) &&
    emptyArea(probe.chromeStorageSync)
  );
}

describe("privacy in real DevTools", () => {
  let playground;
  let env;
  let panel;
  let recorder;

  before(async () => {
    playground = await startPlayground();
    env = await launchWithDevTools({
      onLaunch: async (browser) => {
        recorder = await recordAllRequests(browser);
      },
    });
    await env.page.goto(playground.url);
    await env.page.waitForSelector('button[data-scenario="expired-jwt"]', { timeout: 10000 });
    panel = await openPanel(env.devtools);
    for (const id of SCENARIOS) await runScenario(env.page, id);
    await waitForRow(panel, (r) => r.status === "401" && r.name?.includes("/api/expired-jwt"), { what: "the expired-jwt 401" });
    // Look at a token, as a user would: the decoded credential is rendered.
    const row = await waitForRow(panel, (r) => r.status === "401" && r.name?.includes("/api/expired-jwt"));
    await panel.click(`.vlist .row[data-key="${row.key}"]`);
    await panel.click('.detail .tab[data-tab="credentials"]');
    await panel.waitForSelector(".credentials-tab .credential");
    // The destructive action goes through the service worker (chrome.browsingData).
    await panel.click("button.clear-site");
    await panel.waitForSelector(".confirm-bar", { timeout: 10000 });
    await panel.click("button.confirm-clear");
    await panel.waitForSelector(".notice.success, .notice.error", { timeout: 10000 });
    // Let any late request (a lazy fetch, a beacon on idle) show up before asserting.
    await new Promise((r) => setTimeout(r, 500));
  });

  after(async () => {
    await recorder?.stop();
    await env?.close();
    await playground?.stop();
  });

  it("the recorder sees the extension's targets and the playground's traffic", () => {
    // Without this, an empty recording would pass the assertions below.
    const urls = recorder.requests.map((r) => r.url);
    assert.ok(urls.some((u) => u.startsWith(`${playground.origin}/api/expired-jwt`)), `playground API calls recorded: ${urls.slice(0, 20)}`);
    assert.ok(urls.some((u) => u.startsWith(`${EXTENSION_ORIGIN}panel`)), "the panel's own files recorded");
    assert.ok(urls.some((u) => u.startsWith(EXTENSION_ORIGIN) && u.endsWith(".wasm")), "the wasm module load recorded");
    const types = new Set(recorder.targets.map((t) => t.type));
    assert.ok(recorder.targets.some((t) => t.type === "service_worker" && t.url.startsWith(EXTENSION_ORIGIN)), `service worker attached: ${JSON.stringify(recorder.targets)}`);
    assert.ok(types.has("page"), `targets: ${[...types]}`);
  });

  it("every request goes to the playground, the extension's own files or DevTools internals", () => {
    // chrome:// and chrome-untrusted:// are the browser's own UI (omnibox popup, ...), served
    // from inside the browser binary.
    const allowed = [`${playground.origin}/`, `${playground.otherOrigin}/`, EXTENSION_ORIGIN, "devtools://", "chrome://", "chrome-untrusted://", "data:", "blob:"];
    const foreign = recorder.requests.filter((r) => !allowed.some((p) => r.url.startsWith(p)));
    assert.deepEqual(foreign, [], "no request to any other host");
  });

  it("authlens' own contexts request nothing but their own files", () => {
    const fromExtension = recorder.requests.filter((r) => r.targetUrl.startsWith(EXTENSION_ORIGIN) || r.documentURL.startsWith(EXTENSION_ORIGIN));
    assert.ok(fromExtension.length > 0, "extension contexts were recorded");
    const outside = fromExtension.filter((r) => !r.url.startsWith(EXTENSION_ORIGIN) && !r.url.startsWith("blob:") && !r.url.startsWith("data:"));
    assert.deepEqual(outside, [], "the panel, devtools page and service worker fetch nothing else");
  });

  it("nothing is persisted by the panel, the devtools page or the service worker", async () => {
    // The panel did show a token (before hook), so there was something to leak.
    const probes = {};
    probes.panel = await panel.evaluate(storageProbe);
    const devtoolsPage = env.devtools.frames().find((f) => f.url() === `${EXTENSION_ORIGIN}devtools.html`);
    assert.ok(devtoolsPage, "the extension's devtools page is a frame of the DevTools window");
    probes.devtoolsPage = await devtoolsPage.evaluate(storageProbe);
    const swTarget = await env.browser.waitForTarget((t) => t.type() === "service_worker" && t.url().startsWith(EXTENSION_ORIGIN), { timeout: 10000 });
    const worker = await swTarget.worker();
    probes.serviceWorker = await worker.evaluate(storageProbe);
    for (const [where, probe] of Object.entries(probes)) {
      assert.ok(isEmpty(probe), `${where} stored something: ${JSON.stringify(probe)}`);
    }
    assert.ok(probes.panel.chromeStorageLocal === "unavailable", "the panel has no storage permission at all");
  });

  it("the storage probe does detect writes (so the check above can fail)", async () => {
    // Separate evaluations: the panel's CSP forbids building the probe from a string.
    const detected = {};
    await panel.evaluate(() => localStorage.setItem("authlens-probe", "1"));
    detected.withLocal = await panel.evaluate(storageProbe);
    await panel.evaluate(() => localStorage.removeItem("authlens-probe"));
    await panel.evaluate(
      () =>
        new Promise((res, rej) => {
          const r = indexedDB.open("authlens-probe");
          r.onsuccess = () => (window.__authlensProbeDb = r.result, res());
          r.onerror = () => rej(r.error);
        }),
    );
    detected.withDb = await panel.evaluate(storageProbe);
    await panel.evaluate(
      () =>
        new Promise((res) => {
          window.__authlensProbeDb.close();
          const r = indexedDB.deleteDatabase("authlens-probe");
          r.onsuccess = r.onerror = r.onblocked = () => res();
        }),
    );
    detected.after = await panel.evaluate(storageProbe);
    assert.ok(!isEmpty(detected.withLocal), `localStorage write detected: ${JSON.stringify(detected.withLocal)}`);
    assert.ok(!isEmpty(detected.withDb), `IndexedDB write detected: ${JSON.stringify(detected.withDb)}`);
    assert.ok(isEmpty(detected.after), "and cleaned up");
  });

  it("a request from the panel or the service worker would be caught (so the checks above can fail)", async () => {
    // Runs last: it makes the very requests the tests above forbid.
    const seen = (host) => recorder.requests.filter((r) => r.url.startsWith(`http://${host}/`));
    await panel.evaluate(() => fetch("http://panel-canary.invalid/").catch(() => {}));
    const swTarget = await env.browser.waitForTarget((t) => t.type() === "service_worker" && t.url().startsWith(EXTENSION_ORIGIN), { timeout: 10000 });
    await (await swTarget.worker()).evaluate(() => fetch("http://sw-canary.invalid/").catch(() => {}));
    const deadline = Date.now() + 5000;
    while ((seen("panel-canary.invalid").length === 0 || seen("sw-canary.invalid").length === 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const panelHit = seen("panel-canary.invalid");
    assert.equal(panelHit.length, 1, "the panel's request was recorded");
    assert.equal(panelHit[0].documentURL, PANEL_URL, "and attributed to the panel");
    assert.equal(seen("sw-canary.invalid").length, 1, "the service worker's request was recorded");
  });
});
