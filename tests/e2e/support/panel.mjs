// Reading the Auth panel's DOM from a test (the panel's own markup, no DevTools internals).

/** The rendered list rows: [{ key, status, method, name, type, authFail, selected, label }]. */
export async function rows(panel) {
  return panel.$$eval(".vlist .row", (els) =>
    els.map((r) => ({
      key: r.dataset.key,
      status: (r.querySelector(".c-status .code") ?? r.querySelector(".c-status"))?.textContent.trim(),
      label: r.querySelector(".auth-label")?.textContent ?? "",
      method: r.querySelector(".c-method")?.textContent,
      name: r.querySelector(".c-name")?.textContent,
      type: r.querySelector(".c-type")?.textContent,
      authFail: r.classList.contains("auth-fail"),
      badge: Boolean(r.querySelector(".auth-badge")),
      selected: r.classList.contains("selected"),
    })),
  );
}

/** Waits until some row satisfies `predicate` (evaluated in Node on `rows()`). */
export async function waitForRow(panel, predicate, { timeoutMs = 10000, what = "row" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < deadline) {
    last = await rows(panel);
    const found = last.find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; rows were:\n${last.map((r) => `${r.status} ${r.method} ${r.name}`).join("\n")}`);
}

/** The toolbar's summary line (the diagnosis engine's), as shown and as its tooltip. */
export async function summaryLine(panel) {
  return panel.$eval(".toolbar .summary-line", (e) => ({ text: e.querySelector(".summary-text").textContent, title: e.title }));
}

/** The number of auth failures the toolbar's summary line counts (0 for "no auth failures"). */
export async function failureCount(panel) {
  const { text } = await summaryLine(panel);
  if (text.startsWith("no auth failures")) return 0;
  const m = /^(\d+) auth failures?/.exec(text);
  if (!m) throw new Error(`unexpected summary line: ${text}`);
  return Number(m[1]);
}
