// The panel's first paint inside real DevTools: Chromium with dist/chrome loaded and
// DevTools open (the e2e suite's launcher, tests/e2e/support/devtools.mjs), an inspected
// page that makes 1k requests replaying the generated entries against a local server,
// then a click on the Auth tab. DevTools creates the panel's frame at that click, so the
// frame's clock starts at "open"; the panel sets a User Timing mark in the animation
// frame that first draws request rows (`authlens:first-rows`, src/web/app.rs), and that
// mark's time is the measurement. Each round is a fresh browser: a panel frame, once
// opened, stays alive for the DevTools window's life.
import { createServer } from 'node:http';
import { launchWithDevTools, openPanel } from '../e2e/support/devtools.mjs';

/** Response headers a Node server must not copy from a HAR (it frames the body itself). */
const FRAMING = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Serves `/` (a page that requests every entry, six at a time, then sets `window.__done`)
 * and `/r/N` (entry N's status, headers and body).
 */
function replayServer(entries) {
  const page = `<!doctype html><meta charset="utf-8"><title>replay</title><script>
(async () => {
  const plan = ${JSON.stringify(entries.map((e) => ({
    method: e.request.method === 'POST' ? 'POST' : 'GET',
    headers: e.request.headers.filter((h) => ['authorization', 'x-api-key', 'content-type', 'dpop'].includes(h.name.toLowerCase())).map((h) => [h.name, h.value]),
    body: e.request.method === 'POST' ? e.request.postData?.text ?? '' : undefined,
  })))};
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const i = next++;
      const p = plan[i];
      // credentials "omit": no browser login prompt for a Basic challenge, no cookie jar.
      try { await (await fetch('/r/' + i, { method: p.method, headers: p.headers, body: p.body, credentials: 'omit', redirect: 'manual' })).text(); } catch {}
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  window.__done = true;
})();
</script>`;
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(page);
        return;
      }
      const m = url.pathname.match(/^\/r\/(\d+)$/);
      const e = m && entries[Number(m[1])];
      if (!e) {
        res.writeHead(404).end();
        return;
      }
      req.resume();
      req.on('end', () => {
        const headers = e.response.headers.filter((h) => !FRAMING.has(h.name.toLowerCase())).map((h) => [h.name, h.value]);
        // 1xx cannot be replayed as a final response; 407 from an origin is a network error
        // in Chromium, which DevTools still lists, so it stays.
        const status = e.response.status >= 200 ? e.response.status : 200;
        res.writeHead(status, headers.flat());
        res.end(e._body ?? '');
      });
    });
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() }));
  });
}

/**
 * Runs `rounds` fresh browsers; resolves to medians, in ms from the panel frame's start,
 * of: the first rows (`authlens:first-rows`), the panel's first paint of anything, when
 * `panel.js` asked DevTools for the backfill and when DevTools answered; and the number
 * of requests the panel listed.
 */
export async function panelFirstPaintDevTools({ chromeDir, entries, rounds = 3 }) {
  const server = await replayServer(entries);
  const runs = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const env = await launchWithDevTools({ extensionDir: chromeDir });
      try {
        await env.page.goto(server.url, { waitUntil: 'load' });
        await env.page.waitForFunction(() => window.__done === true, { timeout: 120_000, polling: 50 });
        // The last responses reach DevTools' log a moment after the page has read them.
        await new Promise((res) => setTimeout(res, 500));
        const panel = await openPanel(env.devtools);
        const handle = await panel.waitForFunction(() => {
          const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
          const firstRows = at('authlens:first-rows');
          return firstRows !== undefined && {
            firstRows,
            asked: at('authlens:backfill-asked'),
            answered: at('authlens:backfill-answered'),
            // The panel's first paint of anything (its toolbar, before the backfill).
            shell: at('first-contentful-paint'),
          };
        }, { timeout: 60_000, polling: 20 });
        const seen = await handle.jsonValue();
        // How many the backfill held: at least every replayed entry, then the count stops
        // moving (the page's own document and script come on top; 5 s at most).
        const listed = () => panel.$eval('.statusbar .summary', (e) => Number((e.textContent.match(/([\d,]+) requests?/) ?? [0, '0'])[1].replace(/,/g, '')));
        let requests = await listed();
        for (let i = 0; i < 100; i++) {
          await new Promise((res) => setTimeout(res, 50));
          const now = await listed();
          if (now === requests && now >= entries.length) break;
          requests = now;
        }
        runs.push({ ...seen, requests });
      } finally {
        await env.close();
      }
    }
  } finally {
    server.stop();
  }
  const med = (k) => {
    const xs = runs.map((x) => x[k]).filter((x) => typeof x === 'number').sort((a, b) => a - b);
    return xs.length ? xs[Math.floor(xs.length / 2)] : NaN;
  };
  return { firstRowsMs: med('firstRows'), askedMs: med('asked'), answeredMs: med('answered'), shellMs: med('shell'), requests: Math.min(...runs.map((x) => x.requests)), runs };
}
