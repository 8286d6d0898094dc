// Compares wasm builds by the instructions one HAR analysis takes, counted by valgrind
// (callgrind) rather than timed: on these shared machines wall time and even CPU time
// move by up to 2x from process to process, while an instruction count repeats to within
// a fraction of a percent. The work is `analyze_har` (HAR reading and every rule, in wasm,
// no UI) on the bench's 20k-entry HAR, in Node with every function compiled by the
// optimising tier up front (`--no-wasm-dynamic-tiering`), so the count is that of
// optimised code. Each build runs once with one round and once with three; half the
// difference is one round, without start-up and compilation.
//
//   node instructions.mjs DIR [DIR ...]      (each DIR a `wasm-bindgen --target web` build)
//
// Needs valgrind (Debian: `apt-get install valgrind`); takes ~2 min per build. Counts
// are a proxy: they miss memory stalls and page faults, which allocation changes move too.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const har = resolve(here, '../../target/bench/har-20k.har');

if (process.argv[2] === '--run') {
  // Child: load one build and analyse the HAR `rounds` times.
  const { loadWasm } = await import('./node.mjs');
  const wasm = await loadWasm(process.argv[3]);
  const bytes = readFileSync(har);
  for (let r = Number(process.argv[4]); r > 0; r--) wasm.analyze_har(bytes);
  process.exit(0);
}

function count(dir, rounds) {
  const out = mkdtempSync(join(tmpdir(), 'authlens-cg-'));
  const run = spawnSync('valgrind', [
    '--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${join(out, 'cg')}`,
    process.execPath, '--single-threaded', '--no-wasm-dynamic-tiering',
    join(here, 'instructions.mjs'), '--run', dir, String(rounds),
  ], { encoding: 'utf8' });
  const m = run.stderr.match(/Collected : (\d+)/);
  if (!m) throw new Error(`valgrind failed for ${dir}:\n${run.stderr.slice(-2000)}`);
  return Number(m[1]);
}

execFileSync('valgrind', ['--version']);
const rows = [];
for (const arg of process.argv.slice(2)) {
  // A private copy: the glue module is cached by path.
  const dir = mkdtempSync(join(tmpdir(), 'authlens-pkg-'));
  cpSync(resolve(arg), dir, { recursive: true });
  const perRound = (count(dir, 3) - count(dir, 1)) / 2;
  rows.push([arg, perRound]);
  const base = rows[0][1];
  console.log(`${arg}: ${(perRound / 1e9).toFixed(3)} G instructions per analysis (${((100 * perRound) / base - 100).toFixed(1)}% vs ${rows[0][0]})`);
}
