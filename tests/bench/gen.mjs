// Deterministic benchmark inputs for `make bench`, from a seed: nothing large is committed.
//
//   node gen.mjs [--out DIR] [--seed N] [--entries N] [--mib N]
//
// writes DIR/har-20k.har (a Chrome-shaped HAR, default 20,000 entries / ~40 MiB, mixing
// healthy traffic with every failure the diagnosis rules look for) and DIR/inputs.json
// (JWTs of ~1 KiB and ~8 KiB, typical / multi-challenge / 8 KiB challenge values, cookie
// headers), shared by the native benches, the Node bench and the browser bench.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: small, fast, deterministic. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
    word: (n) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(next() * 26)]).join(''),
  };
}

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const b64uJson = (o) => b64u(Buffer.from(JSON.stringify(o)));
const T0 = Date.UTC(2024, 5, 1, 9, 0, 0); // 2024-06-01T09:00:00Z
const secs = (ms) => Math.floor(ms / 1000);

/** A signed-looking RS256 JWT of about `size` bytes (signature bytes are random). */
export function jwt(r, size, { now = T0, expired = false, scope = 'read:items write:items', aud = 'https://api.example.com' } = {}) {
  const header = { alg: 'RS256', typ: 'at+jwt', kid: `key-${r.int(1, 9)}` };
  const iat = secs(now) - r.int(60, 1800);
  const claims = {
    iss: 'https://login.example.com/',
    sub: `user-${r.int(1, 99999)}`,
    aud,
    iat,
    nbf: iat,
    exp: expired ? secs(now) - r.int(60, 3600) : secs(now) + r.int(600, 3600),
    scope,
    client_id: 'spa-client',
    jti: b64u(r.bytes(12)),
  };
  const sig = b64u(r.bytes(256));
  const base = () => `${b64uJson(header)}.${b64uJson(claims)}.${sig}`;
  // Pad with plausible claims (group lists) until the token reaches `size`.
  const groups = [];
  while (base().length < size - 24) {
    groups.push(`grp-${r.word(6)}`);
    claims.groups = groups;
  }
  return base();
}

const CHALLENGES_TYPICAL = [
  'Bearer realm="api.example.com", error="invalid_token", error_description="The access token expired at 2024-06-01T08:59:00Z"',
  'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="The audience is invalid"',
  'Basic realm="Corporate Intranet", charset="UTF-8"',
];
const CHALLENGES_MULTI = [
  'Negotiate, NTLM, Basic realm="CONTOSO"',
  'DPoP algs="ES256 PS256", Bearer realm="api", error="invalid_token", error_description="DPoP proof required"',
  'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
];

/** A hostile but legal-looking 8 KiB challenge: many parameters, quoted-pairs, commas in quotes. */
function challenge8k(r) {
  const parts = [];
  let s = 'Bearer realm="x"';
  while (s.length < 8192) {
    parts.push(`p${parts.length}="${r.word(8)}\\"${r.word(4)}, ${r.word(6)}"`);
    s = `Bearer realm="x", ${parts.join(', ')}`;
  }
  return s.slice(0, 8192);
}

/** Inputs for the decoders: JWTs, challenge values, cookie headers. */
export function inputs(seed = 7) {
  const r = rng(seed);
  return {
    jwt1k: Array.from({ length: 64 }, () => jwt(r, 1024)),
    jwt8k: Array.from({ length: 16 }, () => jwt(r, 8192)),
    challengeTypical: CHALLENGES_TYPICAL,
    challengeMulti: CHALLENGES_MULTI,
    challenge8k: [challenge8k(r)],
    cookie: [
      `session=${b64u(r.bytes(24))}; theme=dark; _ga=GA1.2.${r.int(1e8, 9e8)}.${r.int(1e9, 2e9)}; csrftoken=${b64u(r.bytes(16))}; lang=en-US`,
    ],
    setCookie: [
      `__Host-session=${b64u(r.bytes(32))}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600`,
      `refresh=${b64u(r.bytes(32))}; Domain=example.com; Path=/auth; Expires=Sun, 02 Jun 2024 09:00:00 GMT; Secure; HttpOnly; SameSite=None; Partitioned`,
    ],
  };
}

const CHROME_REQ = (host) => [
  { name: ':authority', value: host },
  { name: ':method', value: 'GET' },
  { name: ':scheme', value: 'https' },
  { name: 'accept', value: 'application/json, text/plain, */*' },
  { name: 'accept-language', value: 'en-US,en;q=0.9' },
  { name: 'origin', value: 'https://app.example.com' },
  { name: 'referer', value: 'https://app.example.com/' },
  { name: 'sec-fetch-dest', value: 'empty' },
  { name: 'sec-fetch-mode', value: 'cors' },
  { name: 'sec-fetch-site', value: 'same-site' },
  { name: 'user-agent', value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
];

function body(r, bytes) {
  const items = [];
  let s = '';
  while (s.length < bytes) {
    items.push({ id: r.int(1, 1e6), name: r.word(10), tags: [r.word(5), r.word(7)], updated: new Date(T0 - r.int(0, 1e9)).toISOString() });
    s = JSON.stringify({ items });
  }
  return s;
}

/** The access token healthy requests currently send (reset per generated file). */
const session = { token: '', until: 0 };

/** One HAR entry for scenario `kind` at time `at`. */
function entry(r, i, at, kind, bodyBytes) {
  const host = 'api.example.com';
  let method = 'GET';
  let url = `https://${host}/v1/items/${r.int(1, 5000)}`;
  let status = 200;
  let reqHeaders = CHROME_REQ(host);
  let resHeaders = [
    { name: 'content-type', value: 'application/json; charset=utf-8' },
    { name: 'date', value: new Date(at).toUTCString() },
    { name: 'server', value: 'nginx' },
    { name: 'cache-control', value: 'no-store' },
    { name: 'vary', value: 'Origin, Authorization' },
  ];
  let text = body(r, bodyBytes);
  let mime = 'application/json';
  let resourceType = 'fetch';
  const bearer = (opts) => reqHeaders.push({ name: 'authorization', value: `Bearer ${jwt(r, 640, { now: at, ...opts })}` });
  switch (kind) {
    case 'ok':
      // Apps reuse one access token until it is refreshed, so healthy requests repeat it.
      if (!session.token || at > session.until) {
        session.token = jwt(r, 640, { now: at });
        session.until = at + r.int(60_000, 600_000);
      }
      reqHeaders.push({ name: 'authorization', value: `Bearer ${session.token}` });
      break;
    case 'static':
      url = `https://static.example.com/assets/app.${r.word(8)}.js`;
      status = r.next() < 0.5 ? 200 : 304;
      mime = 'application/javascript';
      resourceType = 'script';
      reqHeaders = CHROME_REQ('static.example.com').slice(3);
      resHeaders = [{ name: 'content-type', value: mime }, { name: 'cache-control', value: 'public, max-age=31536000, immutable' }, { name: 'etag', value: `"${r.word(12)}"` }];
      text = status === 304 ? '' : `/*! app */${'x'.repeat(Math.max(0, bodyBytes - 10))}`;
      break;
    case 'expired':
      bearer({ expired: true });
      status = 401;
      resHeaders.push({ name: 'www-authenticate', value: 'Bearer realm="api.example.com", error="invalid_token", error_description="The access token expired"' });
      text = '{"error":"invalid_token","error_description":"The access token expired"}';
      break;
    case 'scope':
      bearer({ scope: 'read:items' });
      method = 'DELETE';
      status = 403;
      resHeaders.push({ name: 'www-authenticate', value: 'Bearer realm="api.example.com", error="insufficient_scope", scope="write:items admin"' });
      text = '{"error":"insufficient_scope"}';
      break;
    case 'preflight':
      method = 'OPTIONS';
      status = 401;
      resourceType = 'preflight';
      reqHeaders.push({ name: 'access-control-request-method', value: 'POST' }, { name: 'access-control-request-headers', value: 'authorization,content-type' });
      resHeaders.push({ name: 'www-authenticate', value: 'Bearer realm="api.example.com"' });
      text = '';
      break;
    case 'nochallenge':
      bearer({ aud: 'https://other.example.com' });
      status = 401;
      text = '{"type":"about:blank","title":"Unauthorized","status":401,"detail":"The audience is invalid"}';
      mime = 'application/problem+json';
      break;
    case 'refresh':
      method = 'POST';
      url = 'https://login.example.com/oauth/token';
      reqHeaders.push({ name: 'content-type', value: 'application/x-www-form-urlencoded' });
      text = `{"access_token":"${jwt(r, 640, { now: at })}","token_type":"Bearer","expires_in":3600}`;
      break;
    case 'basic-http':
      url = `http://intranet.example.com/reports/${r.int(1, 99)}`;
      reqHeaders.push({ name: 'authorization', value: `Basic ${Buffer.from(`user${r.int(1, 9)}:${r.word(12)}`).toString('base64')}` });
      status = 401;
      resHeaders.push({ name: 'www-authenticate', value: 'Basic realm="intranet"' });
      text = '<html><body>401 Authorization Required</body></html>';
      mime = 'text/html';
      break;
    case 'proxy':
      status = 407;
      resHeaders.push({ name: 'proxy-authenticate', value: 'Negotiate, NTLM, Basic realm="corp-proxy"' }, { name: 'via', value: '1.1 corp-proxy' });
      text = '';
      break;
    case 'cookie-set':
      url = 'https://app.example.com/login';
      method = 'POST';
      resHeaders.push({ name: 'set-cookie', value: `session=${b64u(r.bytes(24))}; Path=/; SameSite=None; HttpOnly` });
      text = '{"ok":true}';
      break;
    case 'cookie-missing':
      url = `https://app.example.com/api/me`;
      status = 401;
      resHeaders.push({ name: 'www-authenticate', value: 'Cookie realm="app"' });
      text = '{"message":"Not logged in"}';
      break;
    case 'login-redirect':
      url = 'https://app.example.com/dashboard';
      status = 302;
      resourceType = 'document';
      resHeaders.push({ name: 'location', value: 'https://login.example.com/login?next=%2Fdashboard' });
      text = '';
      break;
    case 'edge':
      status = 403;
      resHeaders = [{ name: 'content-type', value: 'text/html' }, { name: 'server', value: 'cloudflare' }, { name: 'cf-ray', value: `${r.word(16)}-FRA` }];
      text = '<!DOCTYPE html><title>Attention Required! | Cloudflare</title><h1>Sorry, you have been blocked</h1>';
      mime = 'text/html';
      break;
    case 'token-url':
      url = `https://${host}/v1/export?format=csv&access_token=${b64u(r.bytes(30))}`;
      break;
    default: throw new Error(kind);
  }
  const started = new Date(at).toISOString();
  return {
    _initiator: { type: 'script' },
    _priority: 'High',
    _resourceType: resourceType,
    cache: {},
    connection: String(r.int(1000, 9999)),
    pageref: 'page_1',
    request: {
      method, url, httpVersion: 'http/2.0', headers: reqHeaders,
      queryString: [], cookies: [], headersSize: -1, bodySize: method === 'POST' ? 64 : 0,
      ...(method === 'POST' ? { postData: { mimeType: 'application/x-www-form-urlencoded', text: 'grant_type=refresh_token&refresh_token=rt_redacted' } } : {}),
    },
    response: {
      status, statusText: '', httpVersion: 'http/2.0', headers: resHeaders, cookies: [],
      content: { size: text.length, mimeType: mime, text },
      redirectURL: status === 302 ? 'https://login.example.com/login?next=%2Fdashboard' : '',
      headersSize: -1, bodySize: text.length, _transferSize: text.length + 300, _error: null,
    },
    serverIPAddress: '203.0.113.10',
    startedDateTime: started,
    time: r.int(5, 400),
    timings: { blocked: 1, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: r.int(3, 300), receive: 1, _blocked_queueing: 0.5 },
  };
}

const MIX = [
  ['ok', 50], ['static', 18], ['expired', 5], ['scope', 3], ['preflight', 2], ['nochallenge', 2],
  ['refresh', 4], ['basic-http', 2], ['proxy', 1], ['cookie-set', 2], ['cookie-missing', 3],
  ['login-redirect', 2], ['edge', 2], ['token-url', 4],
];

/** The HAR document as a string: `entries` entries, about `mib` MiB. */
export function har({ seed = 20240601, entries = 20000, mib = 40 } = {}) {
  const r = rng(seed);
  session.token = '';
  const total = MIX.reduce((s, [, w]) => s + w, 0);
  const pickKind = () => {
    let x = r.next() * total;
    for (const [k, w] of MIX) { if ((x -= w) < 0) return k; }
    return 'ok';
  };
  // ~2.2 KiB of headers, token and JSON per entry; the rest of the budget goes into bodies.
  const bodyBytes = Math.max(64, Math.floor((mib * 1024 * 1024) / entries) - 2000);
  const out = [];
  let at = T0;
  for (let i = 0; i < entries; i++) {
    at += r.int(5, 90);
    out.push(JSON.stringify(entry(r, i, at, pickKind(), r.int(bodyBytes / 2, bodyBytes * 1.5))));
  }
  const head = { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [{ startedDateTime: new Date(T0).toISOString(), id: 'page_1', title: 'https://app.example.com/', pageTimings: { onContentLoad: 800, onLoad: 1200 } }] };
  return `{"log":${JSON.stringify(head).slice(0, -1)},"entries":[\n${out.join(',\n')}\n]}}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : dflt;
  };
  const out = arg('out', '../../target/bench');
  const seed = Number(arg('seed', 20240601));
  mkdirSync(out, { recursive: true });
  const text = har({ seed, entries: Number(arg('entries', 20000)), mib: Number(arg('mib', 40)) });
  writeFileSync(join(out, 'har-20k.har'), text);
  writeFileSync(join(out, 'inputs.json'), JSON.stringify(inputs(seed), null, 1));
  console.log(`gen: ${join(out, 'har-20k.har')} (${(text.length / 1048576).toFixed(1)} MiB), ${join(out, 'inputs.json')}`);
}
