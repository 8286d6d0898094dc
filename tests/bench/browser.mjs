// The browser benchmarks, in headless Chromium (puppeteer-core, /usr/bin/chromium):
//
// - www pipeline: dist/www (served by `authlens demo`) analyses the generated HAR, from the
//   File handed to its file input to the "Imported …" notice plus a rendered frame, against
//   `JSON.parse` of the same file's bytes in the same page (the floor). Peak JS heap and
//   wasm memory are sampled over CDP while it runs. Rounds reload one tab; one more round
//   runs in a new tab. EXTRA_FLAGS (environment) adds Chromium flags, for diagnosis only
//   (e.g. `--js-flags=--no-liftoff` to see what V8's baseline tier costs a cold import).
// - panel ingest: dist/chrome/panel.html with a small `chrome.devtools` shim; 100k
//   synthetic entries through `onRequestFinished` (the panel's own ingest path: JSON text
//   → `har::entry_from_json` → analyzer → log → list), then a filter, then memory.
// - panel first paint: in real DevTools (devtools.mjs: 1k requests replayed, then the Auth
//   tab clicked; the time to the panel's first rows, and when DevTools answered `getHAR`).
//   Then the same page outside DevTools with a stand-in whose `getHAR` answers the 1k
//   entries at once, alternating with the floor: a page with the same stand-in that draws
//   one row when `getHAR` answers (FLOOR_PAGES).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import puppeteer from 'puppeteer-core';
import { panelFirstPaintDevTools } from './devtools.mjs';
import { har as makeHar } from './gen.mjs';

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-precise-memory-info',
];

/** `authlens demo --port 0 --www DIR`; resolves to its base URL. */
export function startDemo(bin, www) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['demo', '--port', '0', '--www', www], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ url: m[1].replace(/\/?$/, '/'), stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`authlens demo exited with ${code}: ${out}`)));
  });
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

/**
 * The first-paint floor: a page served next to panel.html, with its stylesheet and the same
 * `chrome.devtools` stand-in, whose script draws one row as soon as `getHAR` answers. No
 * wasm, no glue, no analysis: what opening a page and receiving the backfill cost on this
 * machine before the panel does anything.
 */
export const FLOOR_PAGES = {
  '/bench-floor.html': '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>floor</title>\n<link rel="stylesheet" href="authlens.css">\n</head>\n<body class="panel">\n<script type="module" src="bench-floor.js"></script>\n</body>\n</html>\n',
  '/bench-floor.js': 'chrome.devtools.network.getHAR((log) => { const row = document.createElement("div"); row.className = "row"; row.textContent = `${log.entries.length} requests`; document.body.append(row); });\n',
};

/** A static server for dist/chrome (the panel page outside DevTools). */
export function serveDir(dir, extra = {}) {
  return new Promise((resolve) => {
    const server = createServer(async (req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      if (Object.hasOwn(extra, path)) {
        res.writeHead(200, { 'content-type': TYPES[extname(path)] });
        res.end(extra[path]);
        return;
      }
      try {
        const body = await readFile(join(dir, path));
        res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() }));
  });
}

/** Bytes of every live `WebAssembly.Memory` in the page (via CDP, so no page hook is needed). */
async function wasmMemory(cdp) {
  const proto = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    functionDeclaration: 'function () { return this.reduce((s, m) => s + m.buffer.byteLength, 0); }',
    returnByValue: true,
  });
  return result.value;
}

/** Samples JSHeapUsedSize every 50 ms until stopped; returns the peak. */
function heapSampler(cdp) {
  let peak = 0;
  let on = true;
  const loop = (async () => {
    while (on) {
      try {
        const { metrics } = await cdp.send('Performance.getMetrics');
        const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
        peak = Math.max(peak, used);
      } catch {
        /* page navigating */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => {
    on = false;
    await loop;
    return peak;
  };
}

/** How long after the analyzer's load event a user's first import is given its file. */
const FIRST_IMPORT_SETTLE_MS = 2000;

/**
 * Fresh browsers for a user's first import: one import each, and a single import moves by
 * ±15% here, so the row's verdict takes the median of five (three put one run of four at
 * exactly 2.00×).
 */
const FIRST_IMPORT_BROWSERS = 5;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** www: file → rendered analysis, alternating with JSON.parse of the same File. */
/**
 * One import in `page`: loads the analyzer, hands it the file, and times it to the notice
 * plus a rendered frame; then the floor in the same page, same File object: bytes → text
 * → `JSON.parse`.
 */
async function importRound(page, cdp, base, harPath, { settleMs = 0 } = {}) {
  await page.goto(`${base}analyzer/`, { waitUntil: 'load' });
  await page.waitForSelector('input.har-file');
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  // Start the clock when the File reaches the input, stop it when the import notice is
  // set and a frame with the results has been rendered.
  await page.evaluate(() => {
    window.__bench = { start: 0, end: 0, text: '' };
    const input = document.querySelector('input.har-file');
    input.addEventListener('change', () => { window.__bench.start = performance.now(); }, { capture: true });
    // Only the status bar's notice is read: reading the whole page per mutation would
    // slow down what is being measured.
    const seen = () => {
      const t = document.querySelector('.statusbar .notice')?.textContent ?? '';
      const m = t.match(/Imported ([\d,]+) entr/);
      if (m && !window.__bench.end) {
        window.__bench.text = m[0];
        requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench.end = performance.now(); }));
      }
    };
    new MutationObserver(seen).observe(document.querySelector('.statusbar .notice'), { subtree: true, childList: true, characterData: true });
  });
  const stopHeap = heapSampler(cdp);
  const input = await page.$('input.har-file');
  await input.uploadFile(harPath);
  await page.waitForFunction(() => window.__bench.end > 0, { timeout: 300_000, polling: 50 });
  const heap = await stopHeap();
  const wasm = await wasmMemory(cdp);
  const b = await page.evaluate(() => window.__bench);
  // When the page's warm-up (src/web/warmup.rs) finished, if it did before the file came.
  const warmedMs = await page.evaluate(() => performance.getEntriesByName('authlens:warmed')[0]?.startTime ?? -1);
  const floorMs = await page.evaluate(async () => {
    const file = document.querySelector('input.har-file').files[0];
    const t = performance.now();
    const text = new TextDecoder().decode(await file.arrayBuffer());
    const doc = JSON.parse(text);
    const dt = performance.now() - t;
    return doc.log.entries.length > 0 ? dt : -1;
  });
  return { ms: b.end - b.start, floorMs, entries: Number(b.text.replace(/\D/g, '')), heap, wasm, warmedMs };
}

/**
 * `rounds` imports in one tab, the page reloaded before each (the first is the browser's
 * first: cold), then one more in a new tab of the same browser. A reload keeps the tab's
 * renderer, which still has the wasm code V8 optimised; a new tab may not.
 */
async function wwwPipeline(browser, base, harPath, rounds) {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  const runs = [];
  for (let r = 0; r < rounds; r++) runs.push(await importRound(page, cdp, base, harPath));
  await page.close();
  const tab = await browser.newPage();
  const tabCdp = await tab.createCDPSession();
  await tabCdp.send('Performance.enable');
  const newTab = await importRound(tab, tabCdp, base, harPath);
  await tab.close();
  const pipeline = runs.map((x) => x.ms);
  const floor = runs.map((x) => x.floorMs);
  return {
    pipelineMs: median(pipeline),
    jsonParseMs: median(floor),
    pipelineRuns: pipeline,
    floorRuns: floor,
    newTabMs: newTab.ms,
    newTabFloorMs: newTab.floorMs,
    peakJsHeap: Math.max(...runs.map((x) => x.heap)),
    wasmMemory: Math.max(...runs.map((x) => x.wasm)),
    entries: runs.at(-1)?.entries ?? 0,
  };
}

/**
 * A user's first import: `n` fresh browsers, each loading the analyzer once and given the
 * file `settleMs` after the page's load event, the time a person takes at least to pick
 * a 40 MB file. Each browser starts with nothing compiled, as after a restart.
 */
async function wwwFirstImports(launch, base, harPath, n, settleMs) {
  const runs = [];
  for (let i = 0; i < n; i++) {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const cdp = await page.createCDPSession();
      await cdp.send('Performance.enable');
      const r = await importRound(page, cdp, base, harPath, { settleMs });
      runs.push({ ms: r.ms, floorMs: r.floorMs, warmedMs: r.warmedMs });
    } finally {
      await browser.close();
    }
  }
  const ratios = runs.map((r) => r.ms / r.floorMs);
  return { settleMs, runs, ratio: median(ratios), minRatio: Math.min(...ratios), maxRatio: Math.max(...ratios) };
}

/** The `chrome.devtools` surface the panel touches, backed by page globals. */
export function shim(backfill) {
  return `(() => {
    const listeners = [];
    // DevTools hands the backfill over when getHAR is called, not before the page runs:
    // keep it as text until then (an object literal here was ~140 ms of script parsing
    // before the panel's first byte of work, which no real panel pays).
    const backfillJson = ${JSON.stringify(JSON.stringify(backfill))};
    let backfill;
    Object.defineProperty(window, '__backfill', { get: () => (backfill ??= JSON.parse(backfillJson)), configurable: true });
    window.__finish = (e) => { e.getContent = (cb) => cb(e._body ?? '', ''); for (const l of listeners) l(e); };
    window.chrome = {
      devtools: {
        network: {
          getHAR: (cb) => setTimeout(() => cb({ version: '1.2', creator: { name: 'bench', version: '0' }, entries: window.__backfill.map(({ _body, ...e }) => ({ ...e, getContent: (c) => c(_body ?? '', '') })) }), 0),
          onRequestFinished: { addListener: (f) => listeners.push(f) },
          onNavigated: { addListener: () => {} },
        },
        inspectedWindow: { tabId: 1, reload: () => {}, eval: (x, cb) => cb && cb(undefined, { isException: true, value: 'bench' }) },
        panels: { themeName: 'default' },
      },
      runtime: { sendMessage: () => Promise.resolve({}), id: 'bench' },
    };
    window.__firstRow = 0;
    new MutationObserver(() => {
      if (!window.__firstRow && document.querySelector('.row:not(.list-header)')) {
        requestAnimationFrame(() => { window.__firstRow = performance.now(); });
      }
    }).observe(document, { subtree: true, childList: true });
  })();`;
}

/**
 * Runs in the page: `count` distinct entries (`n=` added to the URL) cloned from `base`.
 * The body that `getContent` returns is kept off the entry's own enumerable fields, as
 * DevTools keeps it off a request's HAR fields.
 */
export function cloneEntries(base, count) {
  window.__entries = Array.from({ length: count }, (_, i) => {
    const { _body, ...fields } = base[i % base.length];
    const e = structuredClone(fields);
    e.request.url += (e.request.url.includes('?') ? '&' : '?') + `n=${i}`;
    Object.defineProperty(e, '_body', { value: _body, enumerable: false });
    return e;
  });
}

/** Total requests the panel has taken in: shown count plus any dropped for capacity. */
const PANEL_COUNT = () => {
  const s = document.querySelector('.statusbar .summary')?.textContent ?? '';
  const n = Number((s.match(/([\d,]+) requests?/) ?? [0, '0'])[1].replace(/,/g, ''));
  const dropped = Number((s.match(/([\d,]+) oldest dropped/) ?? [0, '0'])[1].replace(/,/g, ''));
  return n + dropped;
};

async function panelIngest(browser, base, entries, count) {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(shim([]));
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  await page.goto(`${base}panel.html`, { waitUntil: 'load' });
  await page.waitForSelector('.statusbar .summary');
  // 100k distinct entries cloned in the page from the 1k generated ones, before the clock.
  await page.evaluate(cloneEntries, entries, count);
  const stopHeap = heapSampler(cdp);
  const ingestMs = await page.evaluate(async (count, countFn) => {
    const panelCount = new Function(`return (${countFn})()`);
    const t = performance.now();
    for (let i = 0; i < count; i++) window.__finish(window.__entries[i]);
    while (panelCount() < count) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t;
  }, count, PANEL_COUNT.toString());
  const peakHeap = await stopHeap();
  await page.evaluate(() => { window.__entries = null; });
  const filterMs = await page.evaluate(async () => {
    const input = document.querySelector('input.filter');
    const before = document.querySelector('.statusbar .summary').textContent;
    const t = performance.now();
    input.value = 'status:401';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    while (document.querySelector('.statusbar .summary').textContent === before) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t;
  });
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const jsHeap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const wasm = await wasmMemory(cdp);
  const summary = await page.$eval('.statusbar .summary', (e) => e.textContent);
  await page.close();
  return { count, ingestMs, perExchangeUs: (ingestMs * 1000) / count, filterMs, jsHeapEnd: jsHeap, wasmEnd: wasm, memoryEnd: jsHeap + wasm, peakJsHeap: peakHeap, summary };
}

async function panelFirstPaint(browser, base, backfill, rounds) {
  const runs = [];
  const floor = [];
  const open = async (file) => {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(shim(backfill));
    await page.goto(`${base}${file}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__firstRow > 0, { timeout: 60_000, polling: 10 });
    return page;
  };
  // The panel and the floor page alternate, so both see the same machine.
  for (let r = 0; r < rounds; r++) {
    const page = await open('panel.html');
    runs.push(await page.evaluate(() => ({
      firstRow: window.__firstRow,
      // Where the time goes: the wasm file arriving, and the first paint of the empty shell.
      wasmLoaded: performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'))?.responseEnd ?? 0,
      firstPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
    })));
    await page.close();
    const bare = await open('bench-floor.html');
    floor.push(await bare.evaluate(() => window.__firstRow));
    await bare.close();
  }
  const med = (k) => median(runs.map((r) => r[k]));
  return { firstRowMs: med('firstRow'), wasmLoadedMs: med('wasmLoaded'), firstContentfulPaintMs: med('firstPaint'), floorMs: median(floor), runs, floorRuns: floor };
}

/**
 * Synthetic panel entries: the generator's HAR entries (same mix), `n` of them, shaped as
 * DevTools hands them over: no response text (the panel asks `getContent` when it needs it;
 * the shim answers from `_body`, which never reaches the entry's enumerable fields).
 */
export function panelEntries(n, seed) {
  const doc = JSON.parse(makeHar({ seed, entries: n, mib: (n * 2.1) / 1024 }));
  for (const e of doc.log.entries) {
    e._body = e.response.content.text;
    delete e.response.content.text;
  }
  return doc.log.entries;
}

/**
 * Runs the browser benchmarks; `only` (a subset of `www`, `ingest`, `paint`) picks some of
 * them, for measuring one change without paying for the others. The www pipeline runs
 * five rounds, the first of them cold: on these shared machines one round moves by up to
 * 2×, and of three rounds the median was just the slower of the two warm ones.
 */
export async function run({ bin, www, chromeDir, harPath, chromium = '/usr/bin/chromium', ingestCount = 100_000, rounds = 3, wwwRounds = 5, seed = 20240601, only = ['www', 'ingest', 'paint'] }) {
  const demo = await startDemo(bin, www);
  const panel = await serveDir(chromeDir, FLOOR_PAGES);
  const launch = () => puppeteer.launch({ executablePath: chromium, headless: true, args: [...FLAGS, ...(process.env.EXTRA_FLAGS ? process.env.EXTRA_FLAGS.split(' ') : [])], protocolTimeout: 600_000 });
  const browser = await launch();
  try {
    const out = { chromium: await browser.version() };
    if (only.includes('www')) {
      out.www = await wwwPipeline(browser, demo.url, harPath, wwwRounds);
      out.wwwFirst = await wwwFirstImports(launch, demo.url, harPath, FIRST_IMPORT_BROWSERS, FIRST_IMPORT_SETTLE_MS);
    }
    if (only.includes('ingest')) out.ingest = await panelIngest(browser, panel.url, panelEntries(1000, seed + 1), ingestCount);
    if (only.includes('paint')) {
      out.paint = await panelFirstPaint(browser, panel.url, panelEntries(1000, seed + 2), 5);
      out.devtoolsPaint = await panelFirstPaintDevTools({ chromeDir, entries: panelEntries(1000, seed + 2), rounds: 3 });
    }
    return out;
  } finally {
    await browser.close();
    panel.stop();
    demo.stop();
  }
}
