// Bootstrap only: the panel itself is Rust (src/web/panel.rs). The wasm is compiled as it
// streams in, started here at once, in parallel with loading the glue (panel.html
// preloads both): waiting for the glue's module before fetching put the whole compile
// after it on the first-paint path (issue 7). If the panel cannot start (the wasm failed to
// load, say), the page says so instead of staying blank; a panic once it runs shows the
// Rust side's error bar (src/web/mod.rs).
const wasmUrl = new URL("./pkg/authlens_bg.wasm", import.meta.url);
// A server that does not send `application/wasm` makes streaming compilation refuse: fall
// back to compiling the bytes (as the wasm-bindgen glue itself does).
const compiled = WebAssembly.compileStreaming(fetch(wasmUrl)).catch(async () =>
  WebAssembly.compile(await (await fetch(wasmUrl)).arrayBuffer()),
);
try {
  const { default: init, start_panel } = await import("./pkg/authlens.js");
  await init({ module_or_path: compiled });
  start_panel();
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
