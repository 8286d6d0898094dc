//! The browser faces (wasm32 only): the DevTools panel and the `www/` analyzer.
//!
//! This is the only module that touches the browser. Layers, bottom up:
//!
//! - [`chrome`]: the extension APIs as `#[wasm_bindgen]` imports; [`messages`]: the typed
//!   messages to the background worker.
//! - [`dom`]: the element builder (text only, never HTML); [`list`]: keyed updates and the
//!   virtualized list.
//! - [`store`], [`filter`]: the request log (each entry with its diagnosis from
//!   [`crate::diagnose::Analyzer`]) and the filter language, free of DOM.
//! - [`views`]: rows, detail tabs — shared by both hosts.
//! - [`app`]: the shell (toolbar, list, detail, status bar) and its message loop;
//!   [`actions`], [`clipboard`], [`slice`]: browser actions, copying, time-sliced work.
//! - [`bench_api`]: batched decoding for scripts (many values per wasm call).
//! - [`panel`] and [`www`]: the two hosts, which differ only in where exchanges come from.

pub mod actions;
pub mod app;
pub mod bench_api;
pub mod chrome;
pub mod clipboard;
pub mod dom;
pub mod export;
pub mod filter;
pub mod import;
pub mod list;
pub mod messages;
pub mod panel;
pub mod slice;
pub mod store;
pub mod views;
pub mod www;

use wasm_bindgen::prelude::*;

/// Shows a crash in the page instead of leaving a blank panel. The message is set as
/// text, like every other string.
fn show_error_bar(message: &str) {
    let Some(doc) = dom::document() else {
        return;
    };
    let Some(body) = doc.body() else {
        return;
    };
    let bar = dom::el("div")
        .class("error-bar")
        .attr("role", "alert")
        .child(dom::el("strong").text("authlens crashed. "))
        .text_node(message)
        .text_node(" Reopen DevTools to restart the panel; please report this.")
        .into_element();
    let _ = body.prepend_with_node_1(&bar);
}

/// Runs when the module is instantiated: installs the panic hook (console plus error bar).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error_bar(&info.to_string());
    }));
}
