//! Export from either host: a redacted HAR (download) and the report (Markdown to the
//! clipboard, JSON download). Everything goes through [`crate::redact`] first, so no
//! secret leaves the page unless the user asked to keep claims or bodies.

use wasm_bindgen::JsCast;

use crate::exchange::Exchange;
use crate::har::HarDocument;
use crate::redact::{self, RedactOptions};
use crate::report::{self, ReportOptions};

use super::app::{App, Msg, NoticeKind};
use super::clipboard;
use super::dom::{self, el};
use super::views::format;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// HAR 1.2, redacted.
    Har,
    /// The Markdown report, copied.
    ReportMarkdown,
    /// The JSON report, downloaded.
    ReportJson,
}

/// Offers `text` as a file download (a Blob URL clicked through a temporary link).
fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "could not create the file".to_owned())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "could not create a download link".to_owned())?;
    let link = el("a")
        .attr("href", &url)
        .attr("download", filename)
        .class("visually-hidden")
        .into_element();
    let body = dom::document()
        .and_then(|d| d.body())
        .ok_or_else(|| "no document".to_owned())?;
    let _ = body.append_child(&link);
    if let Some(a) = link.dyn_ref::<web_sys::HtmlAnchorElement>() {
        a.click();
    }
    link.remove();
    // The click has started the download; the URL can go once the event loop turns.
    gloo_timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Runs an export of `exchanges` and reports the result (and what was removed).
pub fn run(app: &App, kind: ExportKind, exchanges: Vec<Exchange>, opts: RedactOptions) {
    let n = exchanges.len();
    let what = format::count(n, "request", "requests");
    let (kind_notice, text) = match kind {
        ExportKind::Har => {
            let doc = HarDocument {
                exchanges,
                ..HarDocument::default()
            };
            let redacted = redact::redact_document(&doc, &opts);
            match download(
                "authlens-redacted.har",
                "application/json",
                &redacted.to_har(),
            ) {
                Ok(()) => (
                    NoticeKind::Success,
                    format!(
                        "Exported {what} as a redacted HAR ({}).",
                        redacted.summary.line()
                    ),
                ),
                Err(e) => (NoticeKind::Error, format!("Export failed: {e}.")),
            }
        }
        ExportKind::ReportMarkdown | ExportKind::ReportJson => {
            let options = ReportOptions {
                redact: opts,
                ..ReportOptions::default()
            };
            let report = report::build_from_exchanges(&exchanges, &options);
            if kind == ExportKind::ReportJson {
                match download(
                    "authlens-report.json",
                    "application/json",
                    &report.to_json(),
                ) {
                    Ok(()) => (
                        NoticeKind::Success,
                        format!("Saved the report of {what} (JSON, redacted)."),
                    ),
                    Err(e) => (NoticeKind::Error, format!("Export failed: {e}.")),
                }
            } else if clipboard::copy_now(&report.to_markdown()) {
                (
                    NoticeKind::Success,
                    format!("Copied the report of {what} (Markdown, redacted)."),
                )
            } else {
                (
                    NoticeKind::Error,
                    "Copy failed: the browser refused clipboard access.".to_owned(),
                )
            }
        }
    };
    app.dispatch(Msg::Notice(kind_notice, text));
}
