// Bootstrap only: the panel itself is Rust (src/web/panel.rs).
import init, { start_panel } from "./pkg/authlens.js";

await init();
start_panel();
