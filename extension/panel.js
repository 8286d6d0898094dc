// Bootstrap only: the panel itself is Rust (src/web/panel.rs). Everything slow starts
// here at once, in parallel (issue 7's first paint): the wasm compiles as it streams in
// (panel.html preloads it and the glue), and DevTools is asked for the requests so far
// (`getHAR`), so the backfill crosses over while the wasm compiles instead of after it.
// If the panel cannot start (the wasm failed to load, say), the page says so instead of
// staying blank; a panic once it runs shows the Rust side's error bar (src/web/mod.rs).
const wasmUrl = new URL("./pkg/authlens_bg.wasm", import.meta.url);
// A server that does not send `application/wasm` makes streaming compilation refuse: fall
// back to compiling the bytes (as the wasm-bindgen glue itself does).
const compiled = WebAssembly.compileStreaming(fetch(wasmUrl)).catch(async () =>
  WebAssembly.compile(await (await fetch(wasmUrl)).arrayBuffer()),
);

// Subscribe first, then ask: an entry finishing in between is in both, and the panel
// drops the duplicate. `start_panel` takes over the listener's catch in the same task as
// it subscribes itself (setting `taken`), so nothing falls between the two listeners.
// Outside DevTools (or with an API missing) `early` stays undefined and the panel asks
// itself, as before, and says what is missing.
let early;
try {
  const network = globalThis.chrome?.devtools?.network;
  if (network) {
    const live = { entries: [], taken: false };
    network.onRequestFinished.addListener((entry) => {
      if (!live.taken) live.entries.push(entry);
    });
    // User Timing marks (no data): when the backfill was asked for and when DevTools
    // answered, next to the Rust side's `authlens:first-rows` (make bench reads them).
    performance.mark("authlens:backfill-asked");
    const har = new Promise((resolve) =>
      network.getHAR((log) => {
        performance.mark("authlens:backfill-answered");
        resolve(log);
      }),
    );
    early = { har, live };
  }
} catch {
  early = undefined;
}

try {
  const { default: init, start_panel } = await import("./pkg/authlens.js");
  await init({ module_or_path: compiled });
  start_panel(early);
} catch (e) {
  if (!document.querySelector(".error-bar")) {
    const bar = document.createElement("div");
    bar.className = "error-bar";
    bar.setAttribute("role", "alert");
    bar.textContent = `authlens could not start: ${e?.message ?? e}. Close and reopen DevTools to try again.`;
    document.body.prepend(bar);
  }
  throw e;
}
