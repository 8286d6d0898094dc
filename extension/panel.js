// Bootstrap only: the panel itself is Rust (src/web/panel.rs). panel.html preloads the
// glue and the wasm; init() compiles the wasm as it streams in (instantiateStreaming).
// If the panel cannot start (the wasm failed to load, say), the page says so instead of
// staying blank; a panic once it runs shows the Rust side's error bar (src/web/mod.rs).
try {
  const { default: init, start_panel } = await import("./pkg/authlens.js");
  await init();
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
