// The one place that knows DevTools internals: launching Chromium with the unpacked
// extension and DevTools open, finding the DevTools window and the inspected page,
// waiting for the "Auth" panel to register, and switching to it.
// See /work/shared/notes/browser-and-toolchain-facts.md for why each step is so.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { DIST } from "./paths.mjs";

/** Pinned by the manifest "key" (extension/manifest.json). */
export const EXTENSION_ID = "kghbcenhdoacillbmdnfkmofnhfphheb";
export const PANEL_TITLE = "Auth";
export const PANEL_URL = `chrome-extension://${EXTENSION_ID}/panel.html`;
const PANEL_TAB_ID = `chrome-extension://${EXTENSION_ID}${PANEL_TITLE}`;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Flags for automation on a machine without internet: no sandbox (root), no GPU, and no
 * background traffic (otherwise Chromium hammers the closed network). */
const AUTOMATION_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Headless Chromium without the extension (for the analyzer page), profile in `userDataDir`. */
export function launchPlain(userDataDir) {
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, pipe: true, userDataDir, args: AUTOMATION_FLAGS });
}

/**
 * Launches headless Chromium with dist/chrome loaded and DevTools docked at the bottom.
 * Resolves to { browser, devtools, page, userDataDir, close() } where `page` is the
 * inspected tab and `devtools` the DevTools window as a puppeteer Page. `onLaunch(browser)`,
 * if given, runs right after launch, before waiting for anything (e.g. to start recording).
 */
export async function launchWithDevTools({ theme = "default", extensionDir = join(DIST, "chrome"), onLaunch } = {}) {
  if (!existsSync(join(extensionDir, "manifest.json"))) {
    throw new Error(`${extensionDir} has no manifest.json: run the build first`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), "authlens-e2e-"));
  mkdirSync(join(userDataDir, "Default"), { recursive: true });
  // Docked at the bottom, the extension's tab sits in the tab strip rather than in the
  // ">>" overflow menu, which is native UI nothing can click.
  writeFileSync(
    join(userDataDir, "Default", "Preferences"),
    JSON.stringify({
      devtools: {
        preferences: {
          currentDockState: '"bottom"',
          // The DevTools theme; older builds read `uiTheme`, current ones `ui-theme`.
          uiTheme: JSON.stringify(theme),
          "ui-theme": JSON.stringify(theme),
          // The docked DevTools' height: tall enough for a useful panel screenshot.
          "inspector-view.split-view-state": JSON.stringify({ vertical: { size: 0 }, horizontal: { size: 520 } }),
        },
      },
    }),
  );
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    defaultViewport: null,
    handleDevToolsAsPage: true,
    userDataDir,
    ignoreDefaultArgs: ["--disable-extensions"],
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      "--auto-open-devtools-for-tabs",
      "--window-size=1600,1000",
      ...AUTOMATION_FLAGS,
    ],
  });
  const close = async () => {
    await browser.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    if (onLaunch) await onLaunch(browser);
    const dtTarget = await browser.waitForTarget((t) => t.url().startsWith("devtools://devtools/bundled/devtools_app.html"), { timeout: 20000 });
    const devtools = await dtTarget.asPage();
    const page = await inspectedPage(browser);
    await waitForPanelRegistered(devtools);
    return { browser, devtools, page, userDataDir, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The tab DevTools inspects: the initial about:blank page (not the DevTools window). */
async function inspectedPage(browser) {
  const target = await browser.waitForTarget(
    (t) => t.type() === "page" && !t.url().startsWith("devtools://"),
    { timeout: 20000 },
  );
  return target.page();
}

/**
 * Waits until DevTools has registered our panel tab. Navigating before that misses the
 * first requests. InspectorView.instance() must not be called early: it would create a
 * second, bogus singleton.
 */
async function waitForPanelRegistered(devtools) {
  await devtools.waitForFunction(
    async (tabId) => {
      const legacy = await import("./ui/legacy/legacy.js");
      const view = legacy.InspectorView.InspectorView.maybeGetInspectorViewInstance();
      return Boolean(view && view.tabbedPane.tabIds().includes(tabId));
    },
    { polling: 100, timeout: 20000 },
    PANEL_TAB_ID,
  );
}

/** Clicks the panel's tab and resolves to the panel's frame once its UI is up. */
export async function openPanel(devtools, { readySelector = ".app .toolbar" } = {}) {
  const tab = await devtools.waitForSelector(`::-p-aria([name="${PANEL_TITLE}"][role="tab"])`, { timeout: 10000 });
  await tab.click();
  const deadline = Date.now() + 15000;
  let frame;
  while (!(frame = devtools.frames().find((f) => f.url() === PANEL_URL))) {
    if (Date.now() > deadline) throw new Error("the Auth panel frame never appeared");
    await new Promise((r) => setTimeout(r, 100));
  }
  await frame.waitForSelector(readySelector, { timeout: 15000 });
  return frame;
}

/** The panel's bounding box inside the DevTools window. */
export async function panelBox(devtools) {
  const handle = await devtools.$(`iframe[src^="chrome-extension://${EXTENSION_ID}/panel.html"]`);
  return handle?.boundingBox();
}

/**
 * Screenshots the docked DevTools (tab strip + our panel) without the blank area the
 * inspected page occupies in the DevTools window.
 */
export async function screenshotPanel(devtools, path) {
  const box = await panelBox(devtools);
  if (!box) throw new Error("the Auth panel is not on screen");
  const tabStrip = 30;
  const y = Math.max(0, box.y - tabStrip);
  await devtools.screenshot({ path, captureBeyondViewport: false, clip: { x: 0, y, width: box.x + box.width, height: box.y + box.height - y } });
  return box;
}
