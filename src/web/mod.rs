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
//! - [`panel`] and [`www`]: the two hosts, which differ only in where exchanges come from;
//!   [`warmup`]: the analyzer's warm-up while it waits for a file.

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
pub mod warmup;
pub mod www;

use wasm_bindgen::prelude::*;

/// What the error bar tells the user to do, by host: a trapped wasm instance cannot be
/// resumed, so the only way back is a fresh one.
fn recovery_advice() -> &'static str {
    let in_panel = dom::document()
        .and_then(|d| d.body())
        .is_some_and(|b| b.class_list().contains("panel"));
    if in_panel {
        "The panel has stopped: close and reopen DevTools (or reload the inspected page with DevTools open) to restart it. Please report this."
    } else {
        "The page has stopped: reload it to start again. Please report this."
    }
}

/// Shows a crash in the page instead of leaving a blank or frozen panel. The message is
/// set as text, like every other string. Later panics (a trapped instance leaves borrows
/// held, so one crash can cause more) only count up on the same bar: the first message is
/// the cause.
fn show_error_bar(message: &str) {
    let Some(doc) = dom::document() else {
        return;
    };
    let Some(body) = doc.body() else {
        return;
    };
    if let Ok(Some(bar)) = doc.query_selector(".error-bar") {
        let more = bar
            .get_attribute("data-more")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
            .saturating_add(1);
        dom::set_attr(&bar, "data-more", &more.to_string());
        if let Ok(Some(count)) = bar.query_selector(".error-more") {
            dom::set_text(&count, &format!(" ({more} more after this one.)"));
        }
        return;
    }
    let bar = dom::el("div")
        .class("error-bar")
        .attr("role", "alert")
        .child(dom::el("strong").text("authlens crashed. "))
        .child(dom::el("span").class("error-message").text(message))
        .child(dom::el("span").class("error-more"))
        .child(dom::el("p").class("error-advice").text(recovery_advice()))
        .into_element();
    let _ = body.prepend_with_node_1(&bar);
}

/// Installs the panic hook: the usual console report, plus the error bar. On wasm32 a
/// panic aborts (the instance traps right after the hook returns), so the hook is the
/// last code that runs and must not rely on any state the panicking code held.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error_bar(&info.to_string());
    }));
}

/// Runs when the module is instantiated: installs the panic hook.
#[wasm_bindgen(start)]
pub fn start() {
    install_panic_hook();
}
