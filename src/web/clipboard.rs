//! Copying text for the user (snippets, Copy as fetch / cURL).
//!
//! The async Clipboard API needs the `clipboard-write` permission policy, which a DevTools
//! extension panel's frame may not have; the fallback is the older copy command on a
//! temporary, off-screen text area, which works in a click handler.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::dom::{self, el};

/// Copies with the copy command; call it from inside the user's click. Returns whether
/// the browser did it.
pub fn copy_now(text: &str) -> bool {
    let Some(doc) = dom::document() else {
        return false;
    };
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
