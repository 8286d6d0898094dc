// authlens (the shipped wasm, dist/pkg) against the JavaScript libraries people use, in
// Node, on the same inputs, in one process, contenders alternating round by round.
//
// Boundary crossings are counted on both sides. Two tasks, each with equal work for every
// contender:
//
// * objects: every contender ends with JavaScript objects for header and claims (JWT) or
//   scheme and parameters (challenges). authlens returns JSON text, so its time includes
//   `JSON.parse` of that text; the batched API crosses once per batch instead of once per
//   value.
// * fields: what the panel's list shows. For each token: form, alg, typ, kid, iss, sub, aud
//   (the first when a list), exp, iat, nbf, the number of claims, the number of problems;
//   for each challenge value: every challenge's scheme and token68, every parameter's name
//   and value, as JavaScript strings. The libraries get there from their objects; authlens
//   from its compact batched API (one string in, numbers out, strings sliced from the
//   caller's own input), the join of the inputs included in its time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtDecode } from 'jwt-decode';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import authHeader from 'auth-header';
import { parseWWWAuthenticateHeader } from 'http-auth-utils';

/** Loads the web-target glue with the wasm bytes (no fetch in Node). */
export async function loadWasm(pkgDir) {
  const glue = await import(join(pkgDir, 'authlens.js'));
  glue.initSync({ module: readFileSync(join(pkgDir, 'authlens_bg.wasm')) });
  return glue;
}

/** Median of an array of numbers. */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * Runs each contender over `values` for `rounds` rounds, rotating the order every round;
 * returns the median time per value in ns for each.
 */
function race(contenders, values, { rounds = 21, minMs = 25 } = {}) {
  const reps = {};
  for (const [name, fn] of Object.entries(contenders)) {
    // Warm up (JIT, wasm tiering), then size the batch so one sample lasts ≥ minMs.
    let n = 1;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < n; i++) fn(values);
      if (performance.now() - t >= minMs) break;
      n *= 2;
    }
    reps[name] = n;
  }
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const names = Object.keys(contenders);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      const fn = contenders[name];
      const n = reps[name];
      const t = performance.now();
      for (let i = 0; i < n; i++) fn(values);
      samples[name].push(((performance.now() - t) * 1e6) / (n * values.length));
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(samples[k])]));
}

let sink = 0;
const keep = (x) => {
  sink ^= x === undefined ? 1 : 2;
};

export function jwtContenders(wasm) {
  return {
    'jwt-decode': (tokens) => {
      for (const t of tokens) {
        keep(jwtDecode(t, { header: true }));
        keep(jwtDecode(t));
      }
    },
    jose: (tokens) => {
      for (const t of tokens) {
        keep(decodeProtectedHeader(t));
        keep(decodeJwt(t));
      }
    },
    'authlens (one call per token)': (tokens) => {
      for (const t of tokens) keep(JSON.parse(wasm.decode_jwt(t)));
    },
    'authlens (batched)': (tokens) => {
      keep(JSON.parse(wasm.decode_jwt_batch(tokens)));
    },
  };
}

/** The fields task's reading of a library's header and claims. */
function jwtFields(h, c) {
  keep(h.alg);
  keep(h.typ);
  keep(h.kid);
  keep(c.iss);
  keep(c.sub);
  keep(Array.isArray(c.aud) ? c.aud[0] : c.aud);
  keep(c.exp);
  keep(c.iat);
  keep(c.nbf);
  keep(Object.keys(c).length);
}

const encoder = new TextEncoder();

/**
 * Writes `text` as UTF-8 straight into wasm memory (`input_buffer`), for the `*_input`
 * functions: `encodeInto` is native, where a string argument goes through the glue's
 * per-character loop. Returns the bytes written.
 */
export function encodeInput(wasm, text) {
  const room = text.length * 3;
  const at = wasm.input_buffer(room);
  return encoder.encodeInto(text, new Uint8Array(wasm.wasm_memory().buffer, at, room)).written;
}

/**
 * `encodeInput` for a caller that writes batch after batch: the view over the input
 * buffer is kept while `input_buffer` returns the same place and memory has not grown, and
 * the memory object is fetched once. Returns a function of the text that returns the bytes
 * written.
 *
 * Growing memory detaches the views over its old buffer, and a detached view has length 0:
 * that is the test, as in wasm-bindgen's glue. Comparing `view.buffer` with `memory.buffer`
 * would cost ~35 ns a time in Node 20 (the getter is not inlined).
 */
export function inputWriter(wasm) {
  const memory = wasm.wasm_memory();
  let view = new Uint8Array(0);
  return (text) => {
    const room = text.length * 3;
    const at = wasm.input_buffer(room);
    if (view.length !== room || view.byteOffset !== at || room === 0) {
      view = new Uint8Array(memory.buffer, at, room);
    }
    return encoder.encodeInto(text, view).written;
  };
}

/** JWT stride of `decode_jwt_compact` (jose::COMPACT_STRIDE). */
const JWT_STRIDE = 18;

export function jwtFieldContenders(wasm) {
  return {
    'jwt-decode': (tokens) => {
      for (const t of tokens) {
        try {
          jwtFields(jwtDecode(t, { header: true }), jwtDecode(t));
        } catch {
          keep(undefined);
        }
      }
    },
    jose: (tokens) => {
      for (const t of tokens) {
        try {
          jwtFields(decodeProtectedHeader(t), decodeJwt(t));
        } catch {
          keep(undefined);
        }
      }
    },
    'authlens (compact batch)': (tokens) => {
      const [n, s] = wasm.decode_jwt_compact(tokens.join('\n'));
      for (let o = 0; o < n.length; o += JWT_STRIDE) {
        for (let k = 0; k < 6; k++) keep(n[o + k]);
        for (let k = 6; k < JWT_STRIDE; k += 2) keep(n[o + k] < 0 ? undefined : s.slice(n[o + k], n[o + k] + n[o + k + 1]));
      }
    },
    'authlens (compact batch, encodeInto)': (tokens) => {
      const [n, s] = wasm.decode_jwt_compact_input(encodeInput(wasm, tokens.join('\n')));
      for (let o = 0; o < n.length; o += JWT_STRIDE) {
        for (let k = 0; k < 6; k++) keep(n[o + k]);
        for (let k = 6; k < JWT_STRIDE; k += 2) keep(n[o + k] < 0 ? undefined : s.slice(n[o + k], n[o + k] + n[o + k + 1]));
      }
    },
    // The fast path's own way out: the numbers stay in wasm memory and are read through a
    // view (two more calls: the numbers' offset, and `wasm_memory` for the view).
    'authlens (compact, fast path)': (tokens) => {
      const s = wasm.decode_jwt_fields_input(encodeInput(wasm, tokens.join('\n')));
      const n = new Float64Array(wasm.wasm_memory().buffer, wasm.jwt_fields_numbers(), tokens.length * JWT_STRIDE);
      for (let o = 0; o < n.length; o += JWT_STRIDE) {
        for (let k = 0; k < 6; k++) keep(n[o + k]);
        for (let k = 6; k < JWT_STRIDE; k += 2) keep(n[o + k] < 0 ? undefined : s.slice(n[o + k], n[o + k] + n[o + k + 1]));
      }
    },
  };
}

export function challengeContenders(wasm) {
  return {
    'auth-header': (values) => {
      for (const v of values) {
        try {
          keep(authHeader.parse(v));
        } catch {
          keep(undefined);
        }
      }
    },
    'http-auth-utils': (values) => {
      for (const v of values) {
        try {
          keep(parseWWWAuthenticateHeader(v));
        } catch {
          keep(undefined);
        }
      }
    },
    'authlens (one call per value)': (values) => {
      for (const v of values) keep(JSON.parse(wasm.parse_challenge(v)));
    },
    'authlens (batched)': (values) => {
      keep(JSON.parse(wasm.parse_challenge_batch(values)));
    },
  };
}

/**
 * Reads the words of `parse_challenges_compact` (layout: src/challenge/compact.rs), those
 * in `words[from, to)`: all of them, or a stretch of a view over wasm memory.
 */
export function readChallengeWords(joined, words, strings, visit, from = 0, to = words.length) {
  const NONE = 0xffffffff;
  let i = from;
  while (i < to) {
    const count = words[i];
    i += 3; // challenge count, diagnostic count, error count
    for (let c = 0; c < count; c++) {
      // One local per word: destructuring an array literal here cost ~30 ns a value.
      const s = words[i];
      const l = words[i + 1];
      const ts = words[i + 2];
      const tl = words[i + 3];
      const np = words[i + 4];
      i += 5;
      visit.challenge(joined.slice(s, s + l), ts === NONE ? null : joined.slice(ts, ts + tl));
      for (let p = 0; p < np; p++) {
        const ns = words[i];
        const nl = words[i + 1];
        const vs = words[i + 2];
        const vl = words[i + 3];
        const flags = words[i + 4];
        i += 5;
        const from = flags & 2 ? strings : joined;
        visit.param(joined.slice(ns, ns + nl), from.slice(vs, vs + vl));
      }
    }
  }
}

const touch = { challenge: (scheme, token68) => { keep(scheme); keep(token68); }, param: (name, value) => { keep(name); keep(value); } };

export function challengeFieldContenders(wasm) {
  return {
    'auth-header': (values) => {
      for (const v of values) {
        try {
          const r = authHeader.parse(v);
          touch.challenge(r.scheme, r.token);
          for (const [name, value] of Object.entries(r.params ?? {})) {
            for (const x of Array.isArray(value) ? value : [value]) touch.param(name, x);
          }
        } catch {
          keep(undefined);
        }
      }
    },
    'http-auth-utils': (values) => {
      for (const v of values) {
        try {
          const r = parseWWWAuthenticateHeader(v);
          touch.challenge(r.type, null);
          for (const [name, value] of Object.entries(r.data ?? {})) touch.param(name, value);
        } catch {
          keep(undefined);
        }
      }
    },
    'authlens (compact batch)': (values) => {
      const joined = values.join('\n');
      const [words, strings] = wasm.parse_challenges_compact(joined);
      readChallengeWords(joined, words, strings, touch);
    },
    'authlens (compact batch, encodeInto)': (values) => {
      const joined = values.join('\n');
      const [words, strings] = wasm.parse_challenges_compact_input(encodeInput(wasm, joined));
      readChallengeWords(joined, words, strings, touch);
    },
    'authlens (compact view, encodeInto)': challengeView(wasm),
  };
}

/**
 * The words read in place: `parse_challenges_compact_view` leaves them in wasm memory and
 * says where, so nothing is copied out; the side string of unescaped values crosses only
 * when a batch has one. The view over memory is kept until memory grows.
 */
function challengeView(wasm) {
  const memory = wasm.wasm_memory();
  const write = inputWriter(wasm);
  let u32 = new Uint32Array(memory.buffer);
  return (values) => {
    const joined = values.join('\n');
    const head = wasm.parse_challenges_compact_view(write(joined)) >>> 2;
    // Detached (length 0) when memory grew: see `inputWriter`.
    if (u32.length === 0) u32 = new Uint32Array(memory.buffer);
    const at = u32[head] >>> 2;
    const count = u32[head + 1];
    // Fetched before the words are read: the call may grow memory and detach the view.
    const strings = u32[head + 2] === 0 ? '' : wasm.challenge_strings();
    if (u32.length === 0) u32 = new Uint32Array(memory.buffer);
    readChallengeWords(joined, u32, strings, touch, at, at + count);
  };
}

// ---------------------------------------------------------------------------------------
// Correctness on the project's conformance table (tests/conformance/challenges.json).
// ---------------------------------------------------------------------------------------

const norm = (params) =>
  params
    .map((p) => `${p.name.toLowerCase()}=${p.value}`)
    .sort()
    .join('\n');

/** One challenge as a library returned it → `{scheme, token68, params:[{name,value}]}`. */
function fromAuthHeader(r) {
  const params = [];
  for (const [name, v] of Object.entries(r.params ?? {})) {
    for (const value of Array.isArray(v) ? v : [v]) params.push({ name, value: String(value) });
  }
  return [{ scheme: r.scheme, token68: r.token ?? null, params }];
}

function fromHttpAuthUtils(r) {
  const params = Object.entries(r.data ?? {}).map(([name, value]) => ({ name, value: String(value) }));
  // Basic's token68 form comes back as `hash`; challenges with a token68 have no params.
  if (params.length === 1 && params[0].name === 'hash') return [{ scheme: r.type, token68: params[0].value, params: [] }];
  return [{ scheme: r.type, token68: null, params }];
}

function same(got, want) {
  if (got.length !== want.length) return false;
  return got.every((g, i) => {
    const w = want[i];
    return (
      g.scheme.toLowerCase() === w.scheme.toLowerCase() &&
      (g.token68 ?? null) === (w.token68 ?? null) &&
      norm(g.params) === norm(w.params)
    );
  });
}

/**
 * Right: a grammatical value yields exactly the expected challenges; a malformed one
 * either yields the expected recovery or is rejected (a strict parser may throw).
 */
export function conformance(wasm, tablePath) {
  const { cases } = JSON.parse(readFileSync(tablePath, 'utf8'));
  // Each library gets the fields the way its API takes them: authlens all fields of the
  // response, the others one string (the fields joined by ", ", RFC 9110 §5.3).
  const parsers = {
    authlens: (fields) => JSON.parse(wasm.parse_challenge_fields(fields)).challenges,
    'auth-header': (fields) => fromAuthHeader(authHeader.parse(fields.join(', '))),
    'http-auth-utils': (fields) => fromHttpAuthUtils(parseWWWAuthenticateHeader(fields.join(', '))),
  };
  const score = {};
  for (const [name, parse] of Object.entries(parsers)) {
    let valid = 0;
    let validRight = 0;
    let invalid = 0;
    let invalidRight = 0;
    for (const c of cases) {
      let got;
      let threw = false;
      try {
        got = parse(c.fields);
      } catch {
        threw = true;
      }
      const right = threw ? !c.valid : same(got, c.challenges);
      if (c.valid) {
        valid++;
        validRight += right ? 1 : 0;
      } else {
        invalid++;
        invalidRight += right ? 1 : 0;
      }
    }
    score[name] = { right: validRight + invalidRight, total: valid + invalid, validRight, valid, invalidRight, invalid };
  }
  return score;
}

/**
 * The core of the www pipeline without the UI: `analyze_har` (HAR parse + every rule, in
 * wasm) against `JSON.parse` of the same bytes, alternating; medians in ms.
 */
export function pipeline(wasm, harPath, rounds = 5) {
  const bytes = readFileSync(harPath);
  const core = [];
  const floor = [];
  let summary;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    summary = JSON.parse(wasm.analyze_har(bytes));
    core.push(performance.now() - t);
    t = performance.now();
    keep(JSON.parse(new TextDecoder().decode(bytes)));
    floor.push(performance.now() - t);
  }
  return { coreMs: median(core), jsonParseMs: median(floor), entries: summary.entries, summary: summary.summary };
}

export async function run({ pkgDir, inputsPath, tablePath, harPath }) {
  const wasm = await loadWasm(pkgDir);
  const inputs = JSON.parse(readFileSync(inputsPath, 'utf8'));
  const jwt1k = race(jwtContenders(wasm), inputs.jwt1k);
  const jwt8k = race(jwtContenders(wasm), inputs.jwt8k);
  const typical = race(challengeContenders(wasm), inputs.challengeTypical);
  const multi = race(challengeContenders(wasm), inputs.challengeMulti);
  const big = race(challengeContenders(wasm), inputs.challenge8k, { rounds: 11 });
  const fields = {
    jwt1k: race(jwtFieldContenders(wasm), inputs.jwt1k),
    jwt8k: race(jwtFieldContenders(wasm), inputs.jwt8k),
    challengeTypical: race(challengeFieldContenders(wasm), inputs.challengeTypical),
    challengeMulti: race(challengeFieldContenders(wasm), inputs.challengeMulti),
  };
  const correctness = conformance(wasm, tablePath);
  const core = harPath ? pipeline(wasm, harPath) : null;
  if (sink === -1) console.log(sink);
  return { jwt1k, jwt8k, challengeTypical: typical, challengeMulti: multi, challenge8k: big, fields, correctness, core };
}
