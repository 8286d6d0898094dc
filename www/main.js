// Bootstrap only: the analyzer itself is Rust (src/web/www.rs).
import init, { start_www } from "./pkg/authlens.js";

await init();
start_www();
