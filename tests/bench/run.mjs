// `make bench`, second half: the Node and browser benchmarks, then one table of every
// target next to its measurement (PASS/MISS), including the native numbers that
// `cargo bench --bench targets` wrote to target/bench/native.json.
//
//   node run.mjs [--root ../..] [--skip-browser] [--skip-node] [--only www,ingest,paint]
//
// `--only` runs just those browser benchmarks (and implies `--skip-node`); the table then
// has only their rows.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import * as nodeBench from './node.mjs';
import * as browserBench from './browser.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const root = resolve(arg('root', '../..'));
const out = join(root, 'target/bench');
const harPath = join(out, 'har-20k.har');
const wasmPath = join(root, 'dist/pkg/authlens_bg.wasm');

const fmtNs = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

const results = { date: new Date().toISOString(), machine: { cpu: cpus()[0]?.model, cores: cpus().length, memGB: +(totalmem() / 1e9).toFixed(1), node: process.version } };

const only = arg('only', null)?.split(',');
if (!process.argv.includes('--skip-node') && !only) {
  console.log('node: authlens wasm vs JavaScript libraries …');
  results.node = await nodeBench.run({ pkgDir: join(root, 'dist/pkg'), inputsPath: join(out, 'inputs.json'), tablePath: join(root, 'tests/conformance/challenges.json'), harPath });
}

if (!process.argv.includes('--skip-browser')) {
  console.log('browser: www pipeline, panel ingest, first paint (headless Chromium) …');
  results.browser = await browserBench.run({ bin: join(root, 'target/release/authlens'), www: join(root, 'dist/www'), chromeDir: join(root, 'dist/chrome'), harPath, ...(only ? { only } : {}) });
}

const raw = statSync(wasmPath).size;
const gz = gzipSync(readFileSync(wasmPath), { level: 9 }).length;
results.size = { wasmRaw: raw, wasmGzip: gz };
results.native = existsSync(join(out, 'native.json')) ? JSON.parse(readFileSync(join(out, 'native.json'), 'utf8')) : null;
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 1));

// ---------------------------------------------------------------------------------------
const n = results.node;
const table = [];
const row = (what, measured, target, pass) => table.push({ what, measured, target, verdict: pass === undefined ? '' : pass ? 'PASS' : 'MISS' });
const versus = (title, res, unit) => {
  const names = Object.keys(res);
  const js = names.filter((k) => !k.startsWith('authlens'));
  const best = js.reduce((a, b) => (res[a] <= res[b] ? a : b));
  for (const k of names) row(`  ${title}: ${k}`, `${fmtNs(res[k])}/${unit}`, '', undefined);
  return { best, bestNs: res[best], batched: res['authlens (batched)'], single: Object.entries(res).find(([k]) => k.startsWith('authlens (one'))[1] };
};

console.log('');
// With --skip-node / --only the node rows are absent.
if (n) {
  const j = versus('JWT 1 KiB', n.jwt1k, 'token');
  versus('JWT 8 KiB', n.jwt8k, 'token');
  const c = versus('challenge, typical', n.challengeTypical, 'value');
  versus('challenge, multi', n.challengeMulti, 'value');
  versus('challenge, 8 KiB', n.challenge8k, 'value');
  for (const [lib, s] of Object.entries(n.correctness)) {
    row(`  challenge conformance: ${lib}`, `${s.right}/${s.total} right (valid ${s.validRight}/${s.valid}, malformed ${s.invalidRight}/${s.invalid})`, '', undefined);
  }
  // The targets are judged on the fields task (what the panel reads, compact batched API);
  // the objects task (every contender ends with full JS objects) is shown beside it.
  const fieldsVs = (title, res, unit) => {
    const js = Object.keys(res).filter((k) => !k.startsWith('authlens'));
    const best = js.reduce((a, b) => (res[a] <= res[b] ? a : b));
    for (const k of Object.keys(res)) row(`  ${title} (fields): ${k}`, `${fmtNs(res[k])}/${unit}`, '', undefined);
    // authlens: its fastest batched way in (a string argument, or encodeInto into wasm memory).
    const ours = Object.keys(res).filter((k) => k.startsWith('authlens')).reduce((a, b) => (res[a] <= res[b] ? a : b));
    return { best, bestNs: res[best], compact: res[ours] };
  };
  const jf = fieldsVs('JWT 1 KiB', n.fields.jwt1k, 'token');
  fieldsVs('JWT 8 KiB', n.fields.jwt8k, 'token');
  const cf = fieldsVs('challenge, typical', n.fields.challengeTypical, 'value');
  fieldsVs('challenge, multi', n.fields.challengeMulti, 'value');
  const jr = jf.bestNs / jf.compact;
  const cr = cf.bestNs / cf.compact;
  row('WASM JWT decode vs best JS (batched, fields)', `${jr.toFixed(2)}× (${jf.best} ${fmtNs(jf.bestNs)}, authlens ${fmtNs(jf.compact)}; full objects ${(j.bestNs / j.batched).toFixed(2)}×)`, '≥ 3× faster', jr >= 3);
  row('WASM challenge parse vs best JS (batched, fields)', `${cr.toFixed(2)}× (${cf.best} ${fmtNs(cf.bestNs)}, authlens ${fmtNs(cf.compact)}; full objects ${(c.bestNs / c.batched).toFixed(2)}×)`, '≥ 3× faster', cr >= 3);
}
if (n?.core) {
  row('  HAR core in wasm, no UI (Node)', `${(n.core.coreMs / n.core.jsonParseMs).toFixed(2)}× JSON.parse (${n.core.coreMs.toFixed(0)} ms vs ${n.core.jsonParseMs.toFixed(0)} ms, ${n.core.entries} entries)`, '', undefined);
}
const b = results.browser;
if (b?.www) {
  const pr = b.www.pipelineMs / b.www.jsonParseMs;
  row('Whole HAR pipeline (www, Chromium)', `${pr.toFixed(2)}× JSON.parse (${b.www.pipelineMs.toFixed(0)} ms vs ${b.www.jsonParseMs.toFixed(0)} ms, ${b.www.entries} entries, ${mb(statSync(harPath).size)}; medians of ${b.www.pipelineRuns.length} rounds)`, '≤ 2× JSON.parse', pr <= 2);
  // Round 1 is the first import after the browser started, the file given at the page's
  // load event: the page's warm-up (src/web/warmup.rs) has barely begun, and the wasm
  // still runs largely in V8's baseline tier. Later rounds reuse the optimised code.
  const [cold, coldFloor] = [b.www.pipelineRuns[0], b.www.floorRuns[0]];
  row('  first import after browser start, file at load', `${(cold / coldFloor).toFixed(2)}× JSON.parse (${cold.toFixed(0)} ms vs ${coldFloor.toFixed(0)} ms)`, '', undefined);
  row('  then in a new tab of the same browser', `${(b.www.newTabMs / b.www.newTabFloorMs).toFixed(2)}× JSON.parse (${b.www.newTabMs.toFixed(0)} ms vs ${b.www.newTabFloorMs.toFixed(0)} ms)`, '', undefined);
  const f = b.wwwFirst;
  if (f) {
    const warmed = f.runs.map((r) => r.warmedMs.toFixed(0)).join(', ');
    row(`  a user's first import (fresh browser, file ${f.settleMs / 1000} s after load)`, `${f.ratio.toFixed(2)}× JSON.parse (median of ${f.runs.length} browsers, ${f.minRatio.toFixed(2)}–${f.maxRatio.toFixed(2)}×; warm-up done at ${warmed} ms)`, '≤ 2× JSON.parse', f.ratio <= 2);
  }
  row('  www peak memory', `JS heap ${mb(b.www.peakJsHeap)}, wasm ${mb(b.www.wasmMemory)}`, '', undefined);
}
if (b?.ingest) {
  row('Panel ingest', `${b.ingest.perExchangeUs.toFixed(1)} µs/exchange (${b.ingest.count} in ${(b.ingest.ingestMs / 1000).toFixed(1)} s)`, '< 50 µs', b.ingest.perExchangeUs < 50);
  row('  panel filter (status:401)', `${b.ingest.filterMs.toFixed(0)} ms`, '', undefined);
  row(`Panel memory at ${b.ingest.count / 1000}k`, `${mb(b.ingest.memoryEnd)} (JS heap ${mb(b.ingest.jsHeapEnd)} + wasm ${mb(b.ingest.wasmEnd)})`, '< 150 MB', b.ingest.memoryEnd < 150e6);
}
if (b?.devtoolsPaint) {
  const d = b.devtoolsPaint;
  row('Panel first paint, 1k backfill, real DevTools', `${d.firstRowsMs.toFixed(0)} ms to the first rows; DevTools answered getHAR at ${d.answeredMs.toFixed(0)} ms (asked at ${d.askedMs.toFixed(0)}); ${d.requests} requests listed`, '< 100 ms', d.firstRowsMs < 100);
}
if (b?.paint) {
  row('  panel page, stand-in answering getHAR at once', `${b.paint.firstRowMs.toFixed(0)} ms to the first row (wasm loaded at ${b.paint.wasmLoadedMs.toFixed(0)} ms, first paint ${b.paint.firstContentfulPaintMs.toFixed(0)} ms)`, '', undefined);
  row('  floor: a page drawing one row on getHAR', `${b.paint.floorMs.toFixed(0)} ms (no wasm, no analysis; same stand-in, same backfill)`, '', undefined);
}
row('Wasm size after wasm-opt', `${(gz / 1000).toFixed(1)} KB gzipped (${(raw / 1000).toFixed(1)} KB raw)`, '≤ 250 KB gz', gz <= 250_000);
const nat = results.native;
if (nat) {
  row('Native: challenge parse, typical', `${fmtNs(nat.challenge_typical_ns)} (mean ${nat.challenge_typical_bytes.toFixed(0)} B)`, '< 1 µs', nat.challenge_typical_ns < 1000);
  row('Native: JWT decode, 1 KiB', fmtNs(nat.jwt_1k_ns), '< 5 µs', nat.jwt_1k_ns < 5000);
  row('Native: diagnosis engine, 20k HAR', `${(nat.engine_exchanges_per_s / 1000).toFixed(0)}k exchanges/s (parse+analyse ${(nat.pipeline_exchanges_per_s / 1000).toFixed(0)}k/s)`, '> 100k/s', nat.engine_exchanges_per_s > 100_000);
}

const w = [Math.max(...table.map((r) => r.what.length)), Math.max(...table.map((r) => r.measured.length)), 16];
console.log(`authlens bench — ${results.date.slice(0, 10)} — ${results.machine.cpu}, ${results.machine.cores} cores, node ${results.machine.node}${b ? `, ${b.chromium}` : ''}`);
console.log(`${'what'.padEnd(w[0])}  ${'measured'.padEnd(w[1])}  ${'target'.padEnd(w[2])}  verdict`);
console.log(`${'-'.repeat(w[0])}  ${'-'.repeat(w[1])}  ${'-'.repeat(w[2])}  -------`);
for (const r of table) console.log(`${r.what.padEnd(w[0])}  ${r.measured.padEnd(w[1])}  ${r.target.padEnd(w[2])}  ${r.verdict}`);
console.log(`\nresults: ${join(out, 'results.json')}`);
