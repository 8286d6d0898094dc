//! The standalone analyzer host (`www/`): exchanges come from a HAR file or a paste, and a
//! pasted header value or token is decoded on the spot. Nothing leaves the page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use std::cell::RefCell;
use std::rc::Rc;

use crate::challenge::{self, ExplainContext};
use crate::credentials::{self, Context};
use crate::har::HarReader;
use crate::time::Timestamp;

use super::app::{App, Host, Msg, NoticeKind, Progress};
use super::dom::{self, el, El, Slot};
use super::slice::{self, Job};
use super::views::challenge as challenge_view;
use super::views::credentials as credentials_view;
use super::views::format;

/// Imports a HAR file a slice at a time, with progress; a new import cancels the last.
fn import_har(app: &App, current: &Rc<RefCell<Option<Job>>>, bytes: Vec<u8>) {
    if let Some(job) = current.borrow_mut().take() {
        job.cancel();
    }
    let mut reader = match HarReader::new(bytes) {
        Ok(r) => r,
        Err(e) => {
            app.dispatch(Msg::Notice(
                NoticeKind::Error,
                format!("Not a HAR file: {e}."),
            ));
            return;
        }
    };
    app.dispatch(Msg::Clear);
    let app = app.clone();
    let (mut entries, mut problems) = (0usize, 0usize);
    let job = slice::run_sliced(move |deadline| {
        let mut exchanges = Vec::new();
        let (bytes_done, total_bytes, done) = loop {
            let batch = reader.next_batch(64);
            entries += batch.exchanges.len();
            problems += batch.diagnostics.len();
            exchanges.extend(batch.exchanges);
            if batch.done || deadline.passed() {
                break (batch.bytes_done, batch.total_bytes, batch.done);
            }
        };
        app.dispatch(Msg::Imported(exchanges));
        let progress = (!done).then(|| Progress {
            fraction: bytes_done as f64 / total_bytes.max(1) as f64,
            text: format!(
                "Reading HAR: {entries} entries, {} of {}",
                format::bytes(bytes_done),
                format::bytes(total_bytes)
            ),
        });
        app.dispatch(Msg::Progress(progress));
        if done {
            let mut text = format!("Imported {}.", format::count(entries, "entry", "entries"));
            if problems > 0 {
                text.push_str(&format!(
                    " {} could not be read fully.",
                    format::count(problems, "problem", "problems")
                ));
            }
            app.dispatch(Msg::Notice(NoticeKind::Success, text));
        }
        !done
    });
    *current.borrow_mut() = Some(job);
}

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

fn handle_text(page: &Page, text: String) {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        import_har(&page.app, &page.import, text.into_bytes());
    } else if !trimmed.is_empty() {
        page.output
            .borrow_mut()
            .show(decode_view(&text).into_view());
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
        .attr("aria-label", "Paste a header value, a token or a HAR file")
        .attr(
            "placeholder",
            "Paste a WWW-Authenticate or Authorization value, a bare token, or a whole HAR file",
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
                let Some(file) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .and_then(|i| i.files())
                    .and_then(|f| f.get(0))
                else {
                    return;
                };
                let page = page.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match JsFuture::from(file.text()).await {
                        Ok(text) => handle_text(&page, text.as_string().unwrap_or_default()),
                        Err(_) => page.app.dispatch(Msg::Notice(
                            NoticeKind::Error,
                            "Could not read the file.".to_owned(),
                        )),
                    }
                });
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
    Ok(())
}
