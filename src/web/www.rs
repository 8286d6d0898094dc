//! The standalone analyzer host (`www/`): exchanges come from a HAR file or a paste, and a
//! pasted header value or token is decoded on the spot. Nothing leaves the page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::exchange::Exchange;

use super::app::{App, Host, Msg, NoticeKind};
use super::dom::{self, el, El, Slot};
use super::har_entry::entry_from_json;
use super::views::secrets;

/// Splits a HAR document into exchanges (TEMPORARY until `crate::har` lands).
fn import_har(text: &str) -> Result<Vec<Exchange>, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a HAR file: {e}"))?;
    let entries = v
        .get("log")
        .and_then(|l| l.get("entries"))
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| "not a HAR file: no log.entries".to_owned())?;
    Ok(entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| entry_from_json(&e.to_string(), i).ok())
        .collect())
}

/// What a pasted line looks like.
fn decode_view(input: &str) -> El {
    let input = input.trim();
    let (label, value) = match input.split_once(':') {
        Some((name, value))
            if !name.contains(' ') && !name.is_empty() && !value.starts_with("//") =>
        {
            (name.trim().to_owned(), value.trim().to_owned())
        }
        _ => ("Value".to_owned(), input.to_owned()),
    };
    let scheme = value.split_ascii_whitespace().next().unwrap_or("");
    let shown = secrets::header_value("authorization", &value);
    el("div")
        .class("decoded")
        .child(
            el("div")
                .class("hdr")
                .child(el("span").class("hdr-name").text(&label))
                .child(el("span").class("hdr-value").text(&shown)),
        )
        .child(
            el("div")
                .class("hdr")
                .child(el("span").class("hdr-name").text("Scheme"))
                .child(el("span").class("hdr-value").text(scheme)),
        )
}

fn handle_text(app: &App, output: &std::rc::Rc<std::cell::RefCell<Slot>>, text: &str) {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        match import_har(text) {
            Ok(exchanges) => {
                let n = exchanges.len();
                app.dispatch(Msg::Clear);
                app.dispatch(Msg::Imported(exchanges));
                app.dispatch(Msg::Notice(
                    NoticeKind::Success,
                    format!("Imported {n} entries."),
                ));
            }
            Err(e) => app.dispatch(Msg::Notice(NoticeKind::Error, e)),
        }
    } else if !trimmed.is_empty() {
        output.borrow_mut().show(decode_view(text).into_view());
    }
}

/// Starts the analyzer in `www/index.html`: builds the input area and the shared views
/// into `#app` (or `<body>`).
#[wasm_bindgen]
pub fn start_www() -> Result<(), JsValue> {
    let doc = dom::document().ok_or_else(|| JsValue::from_str("no document"))?;
    let host = doc
        .get_element_by_id("app")
        .or_else(|| doc.body().map(Into::into))
        .ok_or_else(|| JsValue::from_str("no mount point"))?;
    let input_area = el("section").class("input-area");
    let output_host = el("div").class("decoded-output");
    let output = std::rc::Rc::new(std::cell::RefCell::new(Slot::new(
        output_host.node().clone(),
    )));
    let textarea = el("textarea")
        .class("paste")
        .attr("rows", "3")
        .attr("spellcheck", "false")
        .attr("aria-label", "Paste a header value, a token or a HAR file")
        .attr(
            "placeholder",
            "Paste a WWW-Authenticate or Authorization value, a bare token, or a whole HAR file",
        );
    let textarea_node = textarea.node().clone();
    let app_host = el("div").class("app-host");
    let app = App::mount(Host::Page, app_host.node());
    let decode = {
        let app = app.clone();
        let output = output.clone();
        el("button")
            .class("text-button")
            .text("Decode")
            .on("click", move |_| {
                let text = textarea_node
                    .dyn_ref::<web_sys::HtmlTextAreaElement>()
                    .map(|t| t.value())
                    .unwrap_or_default();
                handle_text(&app, &output, &text);
            })
    };
    let file = {
        let app = app.clone();
        let output = output.clone();
        el("input")
            .attr("type", "file")
            .attr("accept", ".har,application/json")
            .class("har-file")
            .attr("aria-label", "Open a HAR file")
            .on("change", move |e| {
                let Some(file) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .and_then(|i| i.files())
                    .and_then(|f| f.get(0))
                else {
                    return;
                };
                let app = app.clone();
                let output = output.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match JsFuture::from(file.text()).await {
                        Ok(text) => {
                            handle_text(&app, &output, &text.as_string().unwrap_or_default())
                        }
                        Err(_) => app.dispatch(Msg::Notice(
                            NoticeKind::Error,
                            "Could not read the file.".to_owned(),
                        )),
                    }
                });
            })
    };
    let area = input_area
        .child(textarea)
        .child(
            el("div").class("input-actions").child(decode).child(
                el("label")
                    .class("file-label")
                    .text_node("Open HAR… ")
                    .child(file),
            ),
        )
        .child(output_host);
    let _ = host.append_child(&area.into_static());
    let _ = host.append_child(&app_host.into_static());
    Ok(())
}
