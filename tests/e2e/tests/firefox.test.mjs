// The Firefox build (dist/firefox) loaded for real in Debian's Firefox ESR, headless, driven
// by puppeteer-core over WebDriver BiDi. web-ext lint (make lint-firefox) checks the files;
// this checks that Firefox installs the add-on, runs its background script, and that the
// panel page instantiates the wasm under the extension CSP and diagnoses a HAR.
//
// How it gets there: WebDriver BiDi refuses to navigate to moz-extension:// pages, so the
// add-on is installed the way a profile carries it (the built zip as
// <profile>/extensions/<id>.xpi; ESR honours xpinstall.signatures.required=false), its
// internal UUID is pinned by the extensions.webextensions.uuids pref, and the panel page
// is the URL Firefox opens at start. Outside DevTools the panel has no traffic to watch,
// so it says so and offers Import HAR.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { DIST, ROOT } from "../support/paths.mjs";

const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";
const UUID = "6f3c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f";
const BASE = `moz-extension://${UUID}/`;

describe("Firefox ESR loads the add-on", () => {
  const manifest = JSON.parse(readFileSync(join(DIST, "firefox", "manifest.json"), "utf8"));
  const addonId = manifest.browser_specific_settings.gecko.id;
  let browser;
  let page;
  let profile;
  const problems = [];

  before(async () => {
    assert.ok(existsSync(FIREFOX), `${FIREFOX} is missing: make setup installs Debian's firefox-esr`);
    const zip = join(DIST, "authlens-firefox.zip");
    assert.ok(existsSync(zip), `${zip} is missing: run make build`);
    profile = mkdtempSync(join(tmpdir(), "authlens-firefox-"));
    mkdirSync(join(profile, "extensions"));
    copyFileSync(zip, join(profile, "extensions", `${addonId}.xpi`));
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX,
      headless: true,
      userDataDir: profile,
      args: [`${BASE}panel.html`],
      extraPrefsFirefox: {
        "extensions.webextensions.uuids": JSON.stringify({ [addonId]: UUID }),
        "xpinstall.signatures.required": false,
        // Profile-installed add-ons start enabled, without the "added by another program" prompt.
        "extensions.autoDisableScopes": 0,
        "extensions.enabledScopes": 15,
      },
    });
    page = (await browser.pages()).find((p) => p.url().startsWith(BASE));
    assert.ok(page, `Firefox opened the panel page: ${(await browser.pages()).map((p) => p.url())}`);
    page.on("console", (m) => ["error", "warn"].includes(m.type()) && problems.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e}`));
  });

  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("is Firefox ESR, at least the manifest's strict_min_version", async () => {
    const version = await browser.version();
    const major = Number(/firefox\/(\d+)/i.exec(version)?.[1]);
    const min = Number(manifest.browser_specific_settings.gecko.strict_min_version.split(".")[0]);
    assert.ok(major >= min, `${version} vs strict_min_version ${min}`);
    assert.match(execFileSync(FIREFOX, ["--version"], { encoding: "utf8" }), /esr/i);
  });

  it("installs the add-on and runs its background script", async () => {
    await page.waitForSelector(".app .toolbar", { timeout: 20000 });
    const runtime = await page.evaluate(async () => ({
      id: globalThis.browser?.runtime?.id,
      reply: await globalThis.browser.runtime.sendMessage({ type: "authlens-e2e-ping" }),
    }));
    assert.equal(runtime.id, addonId);
    // The background script answers every message; an unknown type is refused by name.
    assert.deepEqual(runtime.reply, { ok: false, error: "unknown message type: authlens-e2e-ping" });
  });

  it("instantiates the wasm under the extension CSP and diagnoses an imported HAR", async () => {
    assert.match(await page.$eval(".banner", (b) => b.textContent), /opened outside DevTools/);
    const input = await page.$("label.import-har input[type=file]");
    await input.uploadFile(join(ROOT, "tests", "fixtures", "har", "firefox.har"));
    await page.waitForFunction(() => /Imported 3 entries/.test(document.querySelector(".notice").textContent), { timeout: 20000 });
    const failing = await page.$$eval(".vlist .row.auth-fail .c-name", (cs) => cs.map((c) => c.textContent));
    assert.ok(failing.length >= 1, "the 401s are marked");
    assert.match(await page.$eval(".summary-line", (e) => e.textContent), /auth failures?: .*missing-credentials/);
    await page.click(".vlist .row.auth-fail");
    await page.waitForSelector('.detail-body[data-tab="diagnosis"] .finding');
    assert.equal(await page.$eval(".diagnosis-tab .finding", (f) => f.dataset.rule), "missing-credentials");
  });

  it("links a finding's rule id to the catalogue page shipped in the add-on", async () => {
    const link = await page.$eval(".diagnosis-tab .finding a.rule-link", (a) => ({ href: a.href, target: a.target }));
    assert.deepEqual(link, { href: `${BASE}rules.html#missing-credentials`, target: "_blank" });
    // The page is part of the add-on (same moz-extension origin) and has the anchor.
    const html = await page.evaluate(async () => (await fetch("rules.html")).text());
    assert.match(html, /<section class="rule" id="missing-credentials">/);
  });

  it("logged no error or warning (CSP, wasm, scripts)", () => {
    assert.deepEqual(problems, []);
  });
});
