// Where the browser benchmarks spend their time: a CPU profile (CDP sampling profiler) of
// the www HAR import and of the panel ingest, split into the parts that belong to
// different code (HAR reading, diagnosis, the log, drawing, copies across the wasm
// boundary), then self time aggregated by function.
//
//   node profile.mjs --pkg DIR [--root ../..] [--entries 20000] [--warm] [--save FILE]
//
// DIR must hold a wasm-bindgen `--target web` build that still has its name section, e.g.
//   wasm-bindgen --target web --no-typescript --keep-debug --out-dir target/prof-pkg \
//     --out-name authlens target/wasm32-unknown-unknown/release/authlens.wasm
// (no wasm-opt), otherwise wasm frames show up as `wasm-function[N]`. The sampling
// profiler inflates times (~1.5×); compare the parts with each other, not with the bench.
//
// Last, it lists the wasm functions V8 took longest to optimise during a www import in a
// fresh browser (`--trace-wasm-compilation-times`). A page's wasm runs in V8's baseline
// tier until each hot function has been optimised on a background thread, so one huge
// function (wasm-opt -Oz inlines every single-caller function into its caller) leaves the
// import unoptimised for hundreds of ms. For names there, run the DIR build through
// `wasm-opt -Oz -g` (the flags of `make build` plus -g): the sizes are then the shipped ones.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { cloneEntries, panelEntries, serveDir, shim, startDemo } from './browser.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const root = resolve(arg('root', '../..'));
const pkg = resolve(arg('pkg', join(root, 'dist/pkg')));
const count = Number(arg('entries', 20000));
const warm = process.argv.includes('--warm');

// Copies of dist/www and dist/chrome with the profiling build of the wasm.
const tmp = mkdtempSync(join(tmpdir(), 'authlens-prof-'));
for (const site of ['www', 'chrome']) {
  cpSync(join(root, 'dist', site), join(tmp, site), { recursive: true });
  cpSync(pkg, join(tmp, site, 'pkg'), { recursive: true });
}

function top(profile, n = 30) {
  const self = new Map();
  const dt = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const hits = new Map();
  for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').pop() : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + (hits.get(node.id) ?? 0) * dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [`total ${(total / 1000).toFixed(0)} ms`].concat([...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k.slice(0, 140)}`));
}

/**
 * Inclusive time under the outermost frames whose name matches each group's pattern, so
 * the pipeline splits into parts that belong to different code (HAR reading, diagnosis,
 * the log, drawing) without double-counting recursion or nested matches.
 */
function groups(profile, patterns) {
  const dt = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const hits = new Map();
  for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = Object.fromEntries(Object.keys(patterns).map((k) => [k, 0]));
  let all = 0;
  for (const [id, count] of hits) {
    all += count * dt;
    // Walk up from the sampled frame; the outermost match of each group wins.
    const found = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const name = byId.get(n)?.callFrame.functionName ?? '';
      for (const [k, re] of Object.entries(patterns)) if (re.test(name)) found.add(k);
    }
    for (const k of found) totals[k] += count * dt;
  }
  return [`total ${(all / 1000).toFixed(0)} ms (inclusive; groups may nest)`].concat(
    Object.entries(totals).map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / all).toFixed(1).padStart(5)}%  ${k}`),
  );
}

// Where the parts of the two ingest paths live (wasm function names, JS glue).
const GROUPS = {
  'HAR read (har::reader, entry → Exchange)': /har::reader::State::next_batch|har::parse_entr/,
  'diagnosis (Analyzer::push_entry)': /diagnose::engine::Analyzer::push/,
  'log (store::Log::push / apply)': /web::store::Log::(push|apply)/,
  'draw (list refresh, counters)': /web::app::State::(draw|refresh_list|refresh_chrome)|VirtualList::refresh/,
  'file bytes into wasm (Uint8Array copy)': /prototypesetcall|Uint8Array.*to_vec/,
  'entries to JSON text (JSON.stringify)': /^stringify$/,
  'strings into wasm (passStringToWasm0)': /passStringToWasm0/,
  'Reflect.get on entries (panel)': /__wbg_get_|Reflect/,
};

async function profiled(page, action) {
  const cdp = await page.createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  await action();
  const { profile } = await cdp.send('Profiler.stop');
  return profile;
}

const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'], protocolTimeout: 600_000 });
const demo = await startDemo(join(root, 'target/release/authlens'), join(tmp, 'www'));
const panel = await serveDir(join(tmp, 'chrome'));
try {
  let page = await browser.newPage();
  const importHar = async () => {
    const input = await page.$('input.har-file');
    await input.uploadFile(join(root, 'target/bench/har-20k.har'));
    await page.waitForFunction(() => /Imported/.test(document.querySelector('.statusbar .notice')?.textContent ?? ''), { timeout: 600_000, polling: 100 });
  };
  // --warm: one import first, then a reload, so the profiled import runs the wasm V8 has
  // already optimised (the median round of `make bench`); without it, the cold first one.
  for (let round = warm ? 2 : 1; round > 0; round--) {
    await page.goto(`${demo.url}analyzer/`, { waitUntil: 'load' });
    await page.waitForSelector('input.har-file');
    if (round > 1) await importHar();
  }
  let profile = await profiled(page, importHar);
  // --save FILE: the raw CPU profile, for DevTools' Performance panel or ad-hoc queries.
  if (arg('save')) writeFileSync(arg('save'), JSON.stringify(profile));
  console.log(`www: HAR import (${warm ? 'warm' : 'cold'}), by part`);
  for (const l of groups(profile, GROUPS)) console.log(l);
  console.log('www: HAR import, self time by function');
  for (const l of top(profile)) console.log(l);
  await page.close();

  page = await browser.newPage();
  await page.evaluateOnNewDocument(shim([]));
  await page.goto(`${panel.url}panel.html`, { waitUntil: 'load' });
  await page.waitForSelector('.statusbar .summary');
  await page.evaluate(cloneEntries, panelEntries(1000, 20240602), count);
  profile = await profiled(page, () => page.evaluate(async (n) => {
    for (let i = 0; i < n; i++) window.__finish(window.__entries[i]);
    const total = () => {
      const s = document.querySelector('.statusbar .summary')?.textContent ?? '';
      return Number((s.match(/([\d,]+) requests?/) ?? [0, '0'])[1].replace(/,/g, '')) + Number((s.match(/([\d,]+) oldest dropped/) ?? [0, '0'])[1].replace(/,/g, ''));
    };
    while (total() < n) await new Promise((r) => setTimeout(r, 5));
  }, count));
  console.log(`\npanel: ingest of ${count} entries, by part`);
  for (const l of groups(profile, GROUPS)) console.log(l);
  console.log(`panel: ingest of ${count} entries, self time by function`);
  for (const l of top(profile)) console.log(l);
} finally {
  await browser.close();
  panel.stop();
  demo.stop();
}

/** Function index → name, from the wasm's `name` section (empty without one). */
function wasmNames(bytes) {
  const names = new Map();
  let p = 8;
  const leb = () => {
    let r = 0, s = 0, x;
    do { x = bytes[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
    return r;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const end = leb() + p;
    if (id === 0) {
      const n = leb();
      const section = bytes.subarray(p, p + n).toString();
      p += n;
      while (section === 'name' && p < end) {
        const sub = bytes[p++];
        const subEnd = leb() + p;
        if (sub === 1) {
          for (let count = leb(); count > 0; count--) {
            const index = leb();
            const len = leb();
            names.set(index, bytes.subarray(p, p + len).toString());
            p += len;
          }
        }
        p = subEnd;
      }
    }
    p = end;
  }
  return names;
}

// The optimising compiler's time per wasm function during one import in a fresh browser.
{
  const names = wasmNames(readFileSync(join(pkg, 'authlens_bg.wasm')));
  const traced = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--js-flags=--trace-wasm-compilation-times'], protocolTimeout: 600_000 });
  const compiles = [];
  const site = await startDemo(join(root, 'target/release/authlens'), join(tmp, 'www'));
  const grab = (chunk) => {
    for (const m of String(chunk).matchAll(/#(\d+) using TurboFan, took (\d+) (ms|μs).*?bodysize (\d+)/g)) {
      compiles.push({ index: Number(m[1]), ms: m[3] === 'ms' ? Number(m[2]) : Number(m[2]) / 1000, size: Number(m[4]) });
    }
  };
  traced.process().stdout?.on('data', grab);
  traced.process().stderr?.on('data', grab);
  try {
    const page = await traced.newPage();
    await page.goto(`${site.url}analyzer/`, { waitUntil: 'load' });
    await page.waitForSelector('input.har-file');
    await (await page.$('input.har-file')).uploadFile(join(root, 'target/bench/har-20k.har'));
    await page.waitForFunction(() => /Imported/.test(document.querySelector('.statusbar .notice')?.textContent ?? ''), { timeout: 600_000, polling: 100 });
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    await traced.close();
    site.stop();
  }
  const total = compiles.reduce((s, c) => s + c.ms, 0);
  console.log(`\nwww: wasm functions optimised by TurboFan during the import: ${compiles.length}, ${total.toFixed(0)} ms in all; slowest:`);
  for (const c of compiles.sort((a, b) => b.ms - a.ms).slice(0, 12)) {
    console.log(`${c.ms.toFixed(1).padStart(7)} ms ${String(c.size).padStart(7)} B  ${(names.get(c.index) ?? `wasm-function[${c.index}]`).slice(0, 110)}`);
  }
}
