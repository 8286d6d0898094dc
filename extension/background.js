// The background worker: performs browser actions the DevTools panel may not call itself.
// One case per message type; the Rust side defines them in src/web/messages.rs
// (`WorkerRequest`, serde tag "type"). Every reply is {ok, error?, ...}.
// This file runs as the Chrome service worker and as the Firefox background script.

const api = globalThis.browser ?? globalThis.chrome;
// Firefox's browsingData filters by `hostnames` and only for some data types; Chrome by `origins`.
const isFirefox = typeof globalThis.browser !== "undefined" && typeof globalThis.browser.runtime?.getBrowserInfo === "function";

function hostnameOf(origin) {
  try {
    return new URL(origin).hostname;
  } catch {
    return null;
  }
}

async function clearSiteData(msg) {
  const origins = Array.isArray(msg.origins) ? msg.origins.filter((o) => typeof o === "string" && /^https?:\/\//.test(o)) : [];
  if (origins.length === 0) {
    return { ok: false, error: "no http(s) origin given" };
  }
  const removed = [];
  const skipped = [];
  if (isFirefox) {
    const hostnames = [...new Set(origins.map(hostnameOf).filter(Boolean))];
    if (msg.cookies) {
      await api.browsingData.remove({ hostnames }, { cookies: true });
      removed.push("cookies");
    }
    if (msg.cacheStorage) skipped.push({ dataType: "cacheStorage", reason: "firefox cannot clear it per site" });
    if (msg.cache) skipped.push({ dataType: "cache", reason: "firefox cannot clear the http cache per site; use hard reload" });
  } else {
    const dataTypes = {};
    for (const key of ["cookies", "cacheStorage", "cache"]) {
      if (msg[key]) {
        dataTypes[key] = true;
        removed.push(key);
      }
    }
    await api.browsingData.remove({ origins }, dataTypes);
  }
  return { ok: true, removed, skipped };
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  // Only our own extension pages (the panel) may ask.
  if (sender.id !== api.runtime.id) return false;
  let work;
  switch (msg?.type) {
    case "clear-site-data":
      work = clearSiteData(msg);
      break;
    default:
      sendResponse({ ok: false, error: `unknown message type: ${String(msg?.type)}` });
      return false;
  }
  work.then(sendResponse, (e) => sendResponse({ ok: false, error: String(e?.message ?? e) }));
  return true;
});
