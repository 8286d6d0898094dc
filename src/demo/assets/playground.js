// authlens playground: builds one card per scenario from /api/scenarios.json and runs
// them with real fetch calls. Responses may hold hostile markup (the "xss" scenario), so
// everything is put on the page as text nodes; no HTML is ever parsed from a string.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  // 127.0.0.1 and localhost are different origins on the same server: the cross-origin
  // scenarios call whichever name the page was not loaded from.
  const otherHost = location.hostname === "localhost" ? "127.0.0.1" : "localhost";
  const ORIGINS = {
    "same-origin": location.origin,
    "other-origin": `${location.protocol}//${otherHost}${location.port ? ":" + location.port : ""}`,
  };

  const REASONS = {
    200: "OK", 204: "No Content", 302: "Found", 307: "Temporary Redirect",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 407: "Proxy Authentication Required",
  };

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "class") e.className = v;
      else if (k.startsWith("data-") || k.startsWith("aria-")) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function fill(template, ctx) {
    return template.replace(/\{(token|refresh_token|dpop_proof)\}/g, (_, k) => ctx[k] || "");
  }

  function urlFor(step, ctx, withQuery) {
    const base = ORIGINS[step.target] + step.path;
    return withQuery && step.query ? `${base}?${fill(step.query, ctx)}` : base;
  }

  function absorb(ctx, data) {
    if (!data || typeof data !== "object") return;
    if (typeof data.access_token === "string") ctx.token = data.access_token;
    if (typeof data.refresh_token === "string") ctx.refresh_token = data.refresh_token;
    if (typeof data.dpop_proof === "string") ctx.dpop_proof = data.dpop_proof;
  }

  // One request. Never throws: a network or CORS failure becomes status 0 with the error.
  async function send(step, ctx) {
    const headers = new Headers();
    for (const [name, value] of step.headers) headers.set(name, fill(value, ctx));
    const init = { method: step.method, headers, credentials: step.credentials, redirect: "follow" };
    if (step.body) {
      headers.set("Content-Type", step.body.content_type);
      init.body = fill(step.body.text, ctx);
    }
    const url = urlFor(step, ctx, true);
    try {
      const r = await fetch(url, init);
      const type = r.headers.get("content-type") || "";
      let data = null;
      if (type.includes("json")) {
        try { data = await r.json(); } catch (_) { data = null; }
      } else {
        await r.arrayBuffer();
      }
      absorb(ctx, data);
      return {
        method: step.method, url, status: r.status, redirected: r.redirected, finalUrl: r.url,
        challenge: r.headers.get("www-authenticate"), error: null,
      };
    } catch (e) {
      return { method: step.method, url, status: 0, redirected: false, finalUrl: url, challenge: null, error: String(e) };
    }
  }

  async function login(profile, extra) {
    const params = new URLSearchParams({ profile, ...(extra || {}) });
    const r = await fetch(CONFIG.login, { method: "POST", body: params });
    const data = await r.json();
    return { status: r.status, data };
  }

  function kindOf(status) {
    if (status === 0) return "network";
    if (status >= 200 && status < 300) return "ok";
    if (status >= 300 && status < 400) return "redirect";
    return "fail";
  }

  // "/path" for this origin, "host/path" for the other one.
  function shortUrl(u) {
    const where = new URL(u);
    return `${where.host === location.host ? "" : where.host}${where.pathname}`;
  }

  function statusLabel(res) {
    if (res.status === 0) return "failed (network/CORS)";
    const label = `${res.status} ${REASONS[res.status] || ""}`.trim();
    return res.redirected ? `${label} after a redirect` : label;
  }

  function describe(res) {
    let line = `${res.method} ${shortUrl(res.url)} → ${statusLabel(res)}`;
    if (res.redirected) line += ` (fetch followed it to ${shortUrl(res.finalUrl)})`;
    if (res.error) line += ` · ${res.error} (DevTools shows the CORS or net:: error)`;
    return line;
  }

  let CONFIG = null;

  async function runScenario(sc, card) {
    const button = card.querySelector("button");
    const status = card.querySelector(".status");
    const result = card.querySelector(".result");
    button.disabled = true;
    card.dataset.state = "running";
    status.textContent = "running…";
    status.dataset.kind = "";
    result.textContent = "";
    const lines = [];
    const ctx = { token: "", refresh_token: "", dpop_proof: "" };
    let key = null;
    // A step reached through a redirect is reported by the fetch that followed it.
    let keyIndex = sc.expect_step;
    while (keyIndex > 0 && sc.steps[keyIndex].sent_by !== "page") keyIndex--;
    try {
      const pageSteps = sc.steps.filter((s) => s.sent_by === "page");
      if (sc.token) {
        const first = pageSteps[0];
        // RFC 9449 §4.2: htu is the target URI without query and fragment.
        const extra = sc.token === "dpop" ? { htu: urlFor(first, ctx, false), htm: first.method } : {};
        const r = await login(sc.token, extra);
        absorb(ctx, r.data);
        lines.push(`POST /api/login (${sc.token} token) → ${r.status}`);
      }
      for (let i = 0; i < sc.steps.length; i++) {
        const step = sc.steps[i];
        if (step.sent_by !== "page") continue;
        const res = await send(step, ctx);
        lines.push(describe(res));
        if (i === keyIndex) key = res;
      }
    } catch (e) {
      lines.push(`error: ${e}`);
    }
    key = key || { status: 0, redirected: false, challenge: null };
    status.textContent = statusLabel(key);
    status.dataset.kind = key.redirected ? "redirect" : kindOf(key.status);
    card.dataset.status = String(key.status);
    if (key.challenge) lines.push(`WWW-Authenticate: ${key.challenge}`);
    result.textContent = lines.join("\n");
    card.dataset.state = "done";
    button.disabled = false;
  }

  function renderCard(sc) {
    const expect = sc.expected_finding
      ? el("p", { class: "expect" }, "Auth panel should show ", el("code", { textContent: sc.expected_finding }))
      : el("p", { class: "expect" }, "Healthy: no finding expected");
    const card = el("li", { class: "card", "data-scenario": sc.id, "data-state": "idle" },
      el("h2", { textContent: sc.title }),
      el("p", { textContent: sc.description }),
      expect,
      el("div", { class: "row" },
        el("button", { type: "button", textContent: "Run", "data-scenario": sc.id, "aria-label": `Run: ${sc.title}` }),
        el("span", { class: "status", role: "status", "aria-live": "polite" })),
      el("output", { class: "result mono", "data-result-for": sc.id }));
    card.querySelector("button").addEventListener("click", () => runScenario(sc, card));
    return card;
  }

  async function runAll(button) {
    button.disabled = true;
    for (const sc of CONFIG.scenarios) {
      await runScenario(sc, document.querySelector(`li[data-scenario="${CSS.escape(sc.id)}"]`));
    }
    document.body.dataset.runAll = "done";
    button.disabled = false;
  }

  async function burst(button) {
    const out = $("burst-result");
    const n = Math.max(1, Math.min(100000, Math.floor(Number($("burst-count").value) || CONFIG.burst.default_count)));
    const { concurrency, expired_every: every, path } = CONFIG.burst;
    button.disabled = true;
    out.dataset.done = "";
    const valid = (await login("valid")).data.access_token;
    const expired = (await login("expired")).data.access_token;
    const counts = {};
    let next = 0;
    let finished = 0;
    const started = performance.now();
    const show = () => {
      const parts = Object.entries(counts).map(([s, c]) => `${c} × ${s === "0" ? "failed" : s}`);
      out.textContent = `${finished}/${n} · ${parts.join(", ")} · ${Math.round(performance.now() - started)} ms`;
    };
    let shown = 0;
    async function worker() {
      while (next < n) {
        const i = next++;
        const token = i % every === 0 ? expired : valid;
        let status = 0;
        try {
          // A request stuck on a starved machine becomes a failed row instead of stalling
          // the whole burst.
          const r = await fetch(`${path}?i=${i}`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30000) });
          await r.arrayBuffer();
          status = r.status;
        } catch (_) { status = 0; }
        counts[status] = (counts[status] || 0) + 1;
        finished++;
        if (finished - shown >= 100 || finished === n) { shown = finished; show(); }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
    show();
    out.dataset.done = String(finished);
    button.disabled = false;
  }

  async function main() {
    try {
      const r = await fetch("/api/scenarios.json");
      CONFIG = await r.json();
    } catch (e) {
      const err = $("load-error");
      err.hidden = false;
      err.textContent = `could not load /api/scenarios.json: ${e}`;
      return;
    }
    const list = $("scenarios");
    for (const sc of CONFIG.scenarios) list.append(renderCard(sc));
    $("burst-count").value = String(CONFIG.burst.default_count);
    $("run-all").addEventListener("click", (e) => runAll(e.currentTarget));
    $("burst").addEventListener("click", (e) => burst(e.currentTarget));
    document.body.dataset.ready = "true";
  }

  main();
})();
