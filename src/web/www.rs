//! The standalone analyzer host (`www/`): exchanges come from a HAR file or a paste, and a
//! pasted header value or token is decoded on the spot. Nothing leaves the page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use std::cell::RefCell;
use std::rc::Rc;

use crate::challenge::{self, ExplainContext};
use crate::credentials::{self, Context};
use crate::time::Timestamp;

use super::app::{App, Host};
use super::dom::{self, el, El, Slot};
use super::import;
use super::slice::Job;
use super::views::challenge as challenge_view;
use super::views::credentials as credentials_view;
use super::views::format;
use super::warmup;

/// Splits an optional `Name:` prefix off a pasted header line.
fn header_prefix(input: &str) -> (Option<&str>, &str) {
    match input.split_once(':') {
        Some((name, value))
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            (Some(name), value.trim())
        }
        _ => (None, input),
    }
}

/// Decodes a pasted header value or token with the core, at the page's current time.
fn decode_view(input: &str) -> El {
    let input = input.trim();
    let now = Timestamp(js_sys::Date::now() as i64);
    let (name, value) = header_prefix(input);
    let lower = name.map(str::to_ascii_lowercase);
    let is_challenge = match lower.as_deref() {
        Some("www-authenticate" | "proxy-authenticate") => true,
        Some(_) => false,
        // No header name: a value with auth-params (`realm="x"`) is a challenge; a scheme
        // and a token is a credential.
        None => challenge::parse_challenge_field(value)
            .challenges
            .iter()
            .any(|c| !c.params.is_empty()),
    };
    let ctx = Context::new(now);
    let decoded = if is_challenge {
        let proxy = lower.as_deref() == Some("proxy-authenticate");
        let title = if proxy {
            "Proxy-Authenticate"
        } else {
            "WWW-Authenticate"
        };
        challenge_view::field(title, &[value], proxy, &ExplainContext::default())
    } else if lower.is_some() || value.contains(' ') {
        let proxy = lower.as_deref() == Some("proxy-authorization");
        let location = if proxy {
            "Proxy-Authorization"
        } else {
            "Authorization"
        };
        credentials_view::credential(
            location,
            &credentials::decode_authorization(value, &ctx.proxy(proxy)),
            "now",
        )
    } else {
        credentials_view::credential("Token", &credentials::decode_bare_token(value, &ctx), "now")
    };
    el("div")
        .class("decoded")
        .child(el("p").class("decoded-note").text(&format!(
            "Decoded in this page at {} (times are relative to now).",
            format::utc_time(now)
        )))
        .child(decoded)
}

/// The page's state outside the shared app: the decode output and the running import.
struct Page {
    app: App,
    output: RefCell<Slot>,
    import: Rc<RefCell<Option<Job>>>,
}

/// A pasted curl command: the request line, what was odd about the command, and every
/// credential it would send, decoded.
fn curl_view(command: &str) -> El {
    let now = Timestamp(js_sys::Date::now() as i64);
    let parsed = crate::curl::parse_curl(command.trim());
    let r = &parsed.request;
    let problems = (!parsed.diagnostics.is_empty()).then(|| {
        el("ul")
            .class("curl-diagnostics")
            .children(parsed.diagnostics.iter().map(|d| {
                el("li").text(&format!(
                    "{} {} at byte {}: {}",
                    d.severity.as_str(),
                    d.code,
                    d.offset,
                    d.message
                ))
            }))
    });
    el("div")
        .class("decoded")
        .child(el("p").class("decoded-note").text(&format!(
            "cURL command: {} {} · decoded in this page at {} (times are relative to now).",
            r.method,
            r.url,
            format::utc_time(now)
        )))
        .child_opt(problems)
        .child(credentials_view::render_request(r, now))
}

fn handle_text(page: &Page, text: String) {
    let trimmed = text.trim_start();
    if crate::curl::looks_like_curl(trimmed) {
        page.output.borrow_mut().show(curl_view(&text).into_view());
    } else if trimmed.starts_with('{') {
        import::import_har(&page.app, &page.import, text.into_bytes());
    } else if !trimmed.is_empty() {
        page.output
            .borrow_mut()
            .show(decode_view(&text).into_view());
    }
}

/// The User Timing mark set when the warm-up ([`warmup`]) has run every pass. It carries
/// no data; `make bench` waits for it before the first-import rows that model a user who
/// chose a file after the page had settled.
pub const WARMED_MARK: &str = "authlens:warmed";

/// Starts the analyzer in `www/index.html`: builds the input area and the shared views
/// into `#app` (or `<body>`).
#[wasm_bindgen]
pub fn start_www() -> Result<(), JsValue> {
    let doc = dom::document().ok_or_else(|| JsValue::from_str("no document"))?;
    let host = doc
        .get_element_by_id("app")
        .or_else(|| doc.body().map(Into::into))
        .ok_or_else(|| JsValue::from_str("no mount point"))?;
    let output_host = el("div").class("decoded-output");
    let app_host = el("div").class("app-host");
    let page = Rc::new(Page {
        app: App::mount(Host::Page, app_host.node()),
        output: RefCell::new(Slot::new(output_host.node().clone())),
        import: Rc::new(RefCell::new(None)),
    });
    let textarea = el("textarea")
        .class("paste")
        .attr("rows", "3")
        .attr("spellcheck", "false")
        .attr("aria-label", "Paste a header value, a token, a cURL command or a HAR file")
        .attr(
            "placeholder",
            "Paste a WWW-Authenticate or Authorization value, a bare token, a cURL command (Copy as cURL), or a whole HAR file",
        );
    let textarea_node = textarea.node().clone();
    let decode = {
        let page = page.clone();
        el("button")
            .class("text-button")
            .class("decode")
            .text("Decode")
            .on("click", move |_| {
                let text = textarea_node
                    .dyn_ref::<web_sys::HtmlTextAreaElement>()
                    .map(|t| t.value())
                    .unwrap_or_default();
                handle_text(&page, text);
            })
    };
    let file = {
        let page = page.clone();
        el("input")
            .attr("type", "file")
            .attr("accept", ".har,.json,application/json")
            .class("har-file")
            .attr("aria-label", "Open a HAR file")
            .on("change", move |e| {
                import::import_file_from(e, &page.app, &page.import)
            })
    };
    let area = el("section")
        .class("input-area")
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
    accept_dropped_files(&page);
    warmup::start(&page.import, warmup::PASSES, |_| dom::mark(WARMED_MARK));
    Ok(())
}

/// Whether a drag carries files (not text or a link being dragged within the page).
fn carries_files(event: &web_sys::Event) -> Option<web_sys::DataTransfer> {
    let transfer = event.dyn_ref::<web_sys::DragEvent>()?.data_transfer()?;
    transfer
        .types()
        .iter()
        .any(|t| t.as_string().as_deref() == Some("Files"))
        .then_some(transfer)
}

/// Lets a HAR file be dropped anywhere on the page. Without this the browser opens a
/// dropped file in place of the analyzer, and whatever was on the page is gone. While a
/// file is dragged over the page, `<body>` has the class `dropping` (outlined by www.css).
fn accept_dropped_files(page: &Rc<Page>) {
    let Some(doc) = dom::document() else {
        return;
    };
    let body: Option<web_sys::Element> = doc.body().map(Into::into);
    // Not passive: cancelling `dragover` is what makes the page a drop target
    // (HTML §6.11.5 "drag-and-drop processing model").
    let options = gloo_events::EventListenerOptions::enable_prevent_default();
    let outline = move |on: bool| {
        if let Some(body) = &body {
            dom::toggle_class(body, "dropping", on);
        }
    };
    let over = {
        let outline = outline.clone();
        gloo_events::EventListener::new_with_options(&doc, "dragover", options, move |e| {
            if let Some(transfer) = carries_files(e) {
                e.prevent_default();
                transfer.set_drop_effect("copy");
                outline(true);
            }
        })
    };
    let leave = {
        let outline = outline.clone();
        gloo_events::EventListener::new(&doc, "dragleave", move |e| {
            // `dragleave` fires for every element crossed; only leaving the window (no
            // element entered next) ends the drag over the page.
            let left_window = e
                .dyn_ref::<web_sys::DragEvent>()
                .is_some_and(|d| d.related_target().is_none());
            if left_window {
                outline(false);
            }
        })
    };
    let drop = {
        let page = page.clone();
        gloo_events::EventListener::new_with_options(&doc, "drop", options, move |e| {
            let Some(transfer) = carries_files(e) else {
                return;
            };
            e.prevent_default();
            outline(false);
            if let Some(file) = transfer.files().and_then(|f| f.get(0)) {
                import::import_file(file, &page.app, &page.import);
            }
        })
    };
    // The page's own listeners, for as long as the page lives.
    over.forget();
    leave.forget();
    drop.forget();
}
