//! Copying text for the user (snippets, Copy as fetch / cURL).
//!
//! The async Clipboard API needs the `clipboard-write` permission policy, which a DevTools
//! extension panel's frame may not have; the fallback is the older copy command, which
//! works in a click handler.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::dom::{self, el};

/// Copies with the copy command; call it from inside the user's click. Returns whether
/// the browser did it.
///
/// The text goes in through the `copy` event's `clipboardData`
/// (<https://w3c.github.io/clipboard-apis/#override-copy>), with no element at all: a text
/// area holding a large report cost 30–40 ms of layout in Chromium (a 58 KB report of a
/// 20k-entry capture). The text area remains for a browser whose copy command fires no
/// event.
pub fn copy_now(text: &str) -> bool {
    let Some(doc) = dom::document() else {
        return false;
    };
    let Some(html) = doc.dyn_ref::<web_sys::HtmlDocument>() else {
        return false;
    };
    let written = std::rc::Rc::new(std::cell::Cell::new(false));
    let listener = {
        let (written, text) = (written.clone(), text.to_owned());
        // Not passive: a passive listener cannot cancel the copy, and only a cancelled copy
        // puts `clipboardData` on the clipboard instead of the (empty) selection.
        let options = gloo_events::EventListenerOptions::enable_prevent_default();
        gloo_events::EventListener::new_with_options(&doc, "copy", options, move |event| {
            let data = event
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(web_sys::ClipboardEvent::clipboard_data);
            if let Some(data) = data {
                if data.set_data("text/plain", &text).is_ok() {
                    event.prevent_default();
                    written.set(true);
                }
            }
        })
    };
    let ok = html.exec_command("copy").unwrap_or(false);
    drop(listener);
    if written.get() {
        return ok;
    }
    copy_through_text_area(&doc, text)
}

/// The copy command on a temporary, off-screen text area holding `text`.
fn copy_through_text_area(doc: &web_sys::Document, text: &str) -> bool {
    let Some(body) = doc.body() else {
        return false;
    };
    let area = el("textarea")
        .attr("readonly", "")
        .attr("aria-hidden", "true")
        .class("clipboard-scratch")
        .into_element();
    let Ok(textarea) = area.dyn_into::<web_sys::HtmlTextAreaElement>() else {
        return false;
    };
    textarea.set_value(text);
    let _ = body.append_child(&textarea);
    textarea.select();
    let ok = doc
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    textarea.remove();
    ok
}

/// Copies with the async Clipboard API (when [`copy_now`] was refused).
pub async fn copy_async(text: &str) -> Result<(), String> {
    let clipboard = web_sys::window()
        .map(|w| w.navigator().clipboard())
        .ok_or_else(|| "no clipboard".to_owned())?;
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "the browser refused clipboard access".to_owned())
}
