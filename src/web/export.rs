//! Export from either host: a redacted HAR (download) and the report (Markdown to the
//! clipboard, JSON download). Everything goes through [`crate::redact`] first, so no
//! secret leaves the page unless the user asked to keep claims or bodies.
//!
//! A capture can hold tens of thousands of exchanges, so an export is a sliced job (like
//! an import): redaction, the redaction's safety net, then writing the HAR entries or
//! analysing the redacted exchanges for the report, each a few exchanges per slice with
//! the page free in between, a progress bar, and Cancel. Each step is the core's own
//! stepwise form of the one-shot export ([`DocumentRedaction`], [`HarPieces`],
//! [`Collector`], [`report::assemble`]), so the result is the same file.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};

use crate::diagnose::{Collector, ExchangeReport};
use crate::exchange::Exchange;
use crate::har::{EntryMeta, HarDocument, HarPieces};
use crate::redact::{self, DocumentRedaction, RedactOptions, Redacted};
use crate::report::{self, Assembly, ReportOptions};

use super::app::{App, Msg, NoticeKind, Progress};
use super::clipboard;
use super::dom::{self, el};
use super::slice::{self, Deadline, Job};
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

/// Exchanges the redaction's safety net handles between two deadline checks.
const NET_STEP: usize = 8;

/// Text a write slice gathers before it hands it to a Blob: the copy into the Blob comes
/// after the deadline check, so it has to stay small (a few ms for 1 MiB).
const WRITE_SLICE_BYTES: usize = 1 << 20;

/// Values freed between two deadline checks.
const FREE_STEP: usize = 256;

/// A Blob of `parts` (strings or Blobs, in order).
fn blob(parts: &js_sys::Array, mime: &str) -> Result<web_sys::Blob, String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_blob_sequence_and_options(parts, &options)
        .map_err(|_| "could not create the file".to_owned())
}

/// Offers `parts` (strings or Blobs, in order) as one file download: a Blob URL clicked
/// through a temporary link.
fn download(filename: &str, mime: &str, parts: &js_sys::Array) -> Result<(), String> {
    let blob = blob(parts, mime)?;
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

/// Where an export stands.
enum Stage {
    /// The structured redaction of the exchanges, read from the log by id.
    Redact(DocumentRedaction),
    /// The redaction's safety net, with every secret learnt.
    Net(DocumentRedaction),
    /// Writing the redacted HAR's entries: one Blob per slice, so the text is encoded a
    /// slice at a time and the file is a cheap Blob of Blobs at the end.
    Write(Redacted, js_sys::Array),
    /// Analysing the redacted exchanges for the report.
    Analyse(Redacted, Box<Collector>),
    /// The report's passes over the capture, one per slice.
    Assemble(Box<Assembly>),
    /// Everything computed: the last slice builds the file (or copies the report), alone.
    Save(Saving),
    /// Finished (or failed); nothing left to do.
    Done,
}

/// The last step's input.
enum Saving {
    /// The redacted capture and its HAR text, one Blob per slice.
    Har(Redacted, js_sys::Array),
    /// The report, assembled but for its last step.
    Report(Box<Assembly>),
}

/// A running export: what to export, which log entries, and how far it is.
struct Export {
    app: App,
    kind: ExportKind,
    opts: RedactOptions,
    ids: Vec<u64>,
    /// Position in the current stage.
    next: usize,
    /// Entries dropped from the log (capacity) before the export reached them.
    missing: usize,
    stage: Stage,
    /// This export's job (set once started), for the bar's Cancel.
    job: Rc<RefCell<Option<Job>>>,
}

impl Export {
    fn report_options(&self) -> ReportOptions {
        ReportOptions {
            redact: self.opts.clone(),
            ..ReportOptions::default()
        }
    }

    /// One slice of work; returns whether another slice is needed.
    fn slice(&mut self, deadline: &Deadline) -> bool {
        let stage = std::mem::replace(&mut self.stage, Stage::Done);
        self.stage = match stage {
            Stage::Redact(mut steps) => {
                let (ids, next, missing) = (&self.ids, &mut self.next, &mut self.missing);
                let read = self.app.with_log(|log| {
                    while let Some(id) = ids.get(*next) {
                        *next += 1;
                        match log.get(*id) {
                            Some(entry) => steps.push(&entry.exchange, None),
                            None => *missing += 1,
                        }
                        if deadline.passed() {
                            break;
                        }
                    }
                });
                if read.is_none() {
                    // The log is busy (cannot happen between slices); try the next slice.
                    Stage::Redact(steps)
                } else if self.next < self.ids.len() {
                    Stage::Redact(steps)
                } else {
                    self.next = 0;
                    Stage::Net(steps)
                }
            }
            Stage::Net(mut steps) => {
                let mut left = steps.net(NET_STEP);
                while left > 0 && !deadline.passed() {
                    left = steps.net(NET_STEP);
                }
                self.next = steps.len() - left;
                // Finishing moves every exchange and starts the next pass: it gets a slice
                // of its own rather than the end of a spent one.
                if left > 0 || deadline.passed() {
                    Stage::Net(steps)
                } else {
                    self.next = 0;
                    let redacted = steps.finish(&HarDocument::default());
                    match self.kind {
                        ExportKind::Har => Stage::Write(redacted, js_sys::Array::new()),
                        ExportKind::ReportMarkdown | ExportKind::ReportJson => {
                            let collector = Collector::for_har(
                                &redacted.document,
                                self.report_options().config,
                            );
                            Stage::Analyse(redacted, Box::new(collector))
                        }
                    }
                }
            }
            Stage::Write(redacted, blobs) => {
                let creator = redact::creator_for(redacted.document.creator.as_ref());
                let pieces = HarPieces::new(&redacted.document, &creator);
                let mut text = String::new();
                if self.next == 0 {
                    text.push_str(pieces.head());
                }
                while let Some(x) = redacted.document.exchanges.get(self.next) {
                    if self.next > 0 {
                        text.push_str(HarPieces::SEPARATOR);
                    }
                    text.push_str(&pieces.entry(x));
                    self.next += 1;
                    if deadline.passed() || text.len() >= WRITE_SLICE_BYTES {
                        break;
                    }
                }
                let done = self.next >= redacted.document.exchanges.len();
                if done {
                    text.push_str(pieces.tail());
                }
                // As bytes: a copy, where a JS string would be decoded from UTF-8, then
                // encoded back by the Blob (~5 ms per MiB).
                let bytes = js_sys::Uint8Array::from(text.as_bytes());
                match blob(&js_sys::Array::of1(&bytes), "") {
                    Ok(b) => {
                        blobs.push(&b);
                        if done {
                            Stage::Save(Saving::Har(redacted, blobs))
                        } else {
                            Stage::Write(redacted, blobs)
                        }
                    }
                    Err(e) => {
                        self.app.dispatch(Msg::Notice(
                            NoticeKind::Error,
                            format!("Export failed: {e}."),
                        ));
                        Stage::Done
                    }
                }
            }
            Stage::Analyse(redacted, mut collector) => {
                let doc = &redacted.document;
                while let Some(x) = doc.exchanges.get(self.next) {
                    collector.push(x, doc.meta_for(x.index));
                    self.next += 1;
                    if deadline.passed() {
                        break;
                    }
                }
                if self.next < doc.exchanges.len() {
                    Stage::Analyse(redacted, collector)
                } else {
                    Stage::Assemble(Box::new(Assembly::new(
                        redacted,
                        collector.finish(),
                        self.report_options(),
                    )))
                }
            }
            Stage::Assemble(mut steps) => {
                if steps.step() {
                    Stage::Assemble(steps)
                } else {
                    Stage::Save(Saving::Report(steps))
                }
            }
            Stage::Save(Saving::Har(redacted, blobs)) => {
                self.finish_har(&redacted, &blobs);
                Leftovers::of_redacted(redacted).free_later();
                Stage::Done
            }
            Stage::Save(Saving::Report(mut steps)) => {
                self.finish_report(&steps.report());
                let (redacted, analysis) = steps.into_inputs();
                let mut left = Leftovers::of_redacted(redacted);
                left.reports = analysis.reports;
                left.free_later();
                Stage::Done
            }
            Stage::Done => Stage::Done,
        };
        let more = !matches!(self.stage, Stage::Done);
        self.app
            .dispatch(Msg::ExportProgress(more.then(|| self.progress()).flatten()));
        more
    }

    /// The bar: three passes over the exchanges (redact, net, write or analyse).
    fn progress(&self) -> Option<Progress> {
        let n = self.ids.len().max(1);
        let (pass, doing) = match self.stage {
            Stage::Redact(_) => (0, "redacting"),
            Stage::Net(_) => (1, "checking for leftover secrets"),
            Stage::Write(..) => (2, "writing"),
            Stage::Analyse(..) => (2, "analysing"),
            Stage::Assemble(_) | Stage::Save(Saving::Report(_)) => (2, "summarising"),
            Stage::Save(Saving::Har(..)) => (2, "saving"),
            Stage::Done => return None,
        };
        let done = pass * n + self.next.min(n);
        Some(Progress {
            fraction: done as f64 / (3 * n) as f64,
            text: format!(
                "Exporting {}: {doing} {} / {}",
                format::count(self.ids.len(), "request", "requests"),
                self.next.min(n),
                self.ids.len()
            ),
            cancel: self.job.borrow().clone(),
        })
    }

    /// A note about entries that left the log while the export ran.
    fn dropped_note(&self) -> String {
        if self.missing == 0 {
            String::new()
        } else {
            format!(
                " {} dropped from the log (its limit) before the export reached them.",
                format::count(self.missing, "request was", "requests were")
            )
        }
    }

    fn exported(&self) -> String {
        format::count(self.ids.len() - self.missing, "request", "requests")
    }

    fn finish_har(&self, redacted: &Redacted, parts: &js_sys::Array) {
        let (kind, text) = match download("authlens-redacted.har", "application/json", parts) {
            Ok(()) => (
                NoticeKind::Success,
                format!(
                    "Exported {} as a redacted HAR ({}).{}",
                    self.exported(),
                    redacted.summary.line(),
                    self.dropped_note()
                ),
            ),
            Err(e) => (NoticeKind::Error, format!("Export failed: {e}.")),
        };
        self.app.dispatch(Msg::Notice(kind, text));
    }

    fn finish_report(&self, report: &report::Report) {
        let what = self.exported();
        let dropped = self.dropped_note();
        let (kind, text) = match self.kind {
            ExportKind::ReportJson => {
                let parts = js_sys::Array::of1(&JsValue::from_str(&report.to_json()));
                match download("authlens-report.json", "application/json", &parts) {
                    Ok(()) => (
                        NoticeKind::Success,
                        format!("Saved the report of {what} (JSON, redacted).{dropped}"),
                    ),
                    Err(e) => (NoticeKind::Error, format!("Export failed: {e}.")),
                }
            }
            _ => {
                let markdown = report.to_markdown();
                if clipboard::copy_now(&markdown) {
                    (
                        NoticeKind::Success,
                        format!("Copied the report of {what} (Markdown, redacted).{dropped}"),
                    )
                } else {
                    // The browser allows copying only shortly after a click; a long export
                    // outlives that, so the copy waits for one more click.
                    self.app.dispatch(Msg::CopyReady(
                        format!(
                            "The report of {what} is ready (Markdown, redacted, {}).{dropped}",
                            format::bytes(markdown.len())
                        ),
                        markdown,
                    ));
                    (
                        NoticeKind::Info,
                        "The report is ready: click Copy report to put it on the clipboard."
                            .to_owned(),
                    )
                }
            }
        };
        self.app.dispatch(Msg::Notice(kind, text));
    }
}

impl Drop for Export {
    /// A cancelled export still holds what it computed so far: freed a slice at a time.
    fn drop(&mut self) {
        let mut left = Leftovers::default();
        match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Redact(steps) | Stage::Net(steps) => left.pairs = steps.into_pairs(),
            Stage::Write(redacted, _) | Stage::Save(Saving::Har(redacted, _)) => {
                left = Leftovers::of_redacted(redacted);
            }
            Stage::Analyse(redacted, collector) => {
                left = Leftovers::of_redacted(redacted);
                left.reports = collector.finish().reports;
            }
            Stage::Assemble(steps) | Stage::Save(Saving::Report(steps)) => {
                let (redacted, analysis) = steps.into_inputs();
                left = Leftovers::of_redacted(redacted);
                left.reports = analysis.reports;
            }
            Stage::Done => {}
        }
        left.free_later();
    }
}

/// What an export leaves behind. Tens of thousands of redacted exchanges are hundreds of
/// thousands of allocations: freed in one go they took 160 ms (a 20k-entry HAR export,
/// measured in Chromium), so they are freed a slice at a time after the file is saved.
#[derive(Default)]
struct Leftovers {
    pairs: Vec<(Exchange, Option<EntryMeta>)>,
    exchanges: Vec<Exchange>,
    metas: Vec<EntryMeta>,
    reports: Vec<ExchangeReport>,
}

impl Leftovers {
    fn of_redacted(redacted: Redacted) -> Self {
        let HarDocument {
            exchanges, meta, ..
        } = redacted.document;
        Self {
            exchanges,
            metas: meta,
            ..Self::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.pairs.is_empty()
            && self.exchanges.is_empty()
            && self.metas.is_empty()
            && self.reports.is_empty()
    }

    /// Frees up to [`FREE_STEP`] values of each list until the deadline; whether any remain.
    fn free_some(&mut self, deadline: &Deadline) -> bool {
        fn shrink<T>(list: &mut Vec<T>) {
            list.truncate(list.len().saturating_sub(FREE_STEP));
        }
        while !self.is_empty() {
            shrink(&mut self.pairs);
            shrink(&mut self.exchanges);
            shrink(&mut self.metas);
            shrink(&mut self.reports);
            if deadline.passed() {
                break;
            }
        }
        !self.is_empty()
    }

    fn free_later(mut self) {
        if !self.is_empty() {
            slice::run_sliced(move |deadline| self.free_some(deadline));
        }
    }
}

/// Starts exporting the log entries `ids` (in order), a slice at a time, with progress;
/// returns the job, which [`Job::cancel`] stops before its next slice.
pub fn start(app: &App, kind: ExportKind, ids: Vec<u64>, opts: RedactOptions) -> Job {
    let slot = Rc::new(RefCell::new(None));
    let mut export = Export {
        app: app.clone(),
        kind,
        stage: Stage::Redact(DocumentRedaction::new(&opts)),
        opts,
        ids,
        next: 0,
        missing: 0,
        job: slot.clone(),
    };
    // The first slice runs on a later turn of the event loop, after the slot is filled.
    let job = slice::run_sliced(move |deadline| export.slice(deadline));
    *slot.borrow_mut() = Some(job.clone());
    job
}

/// The bar offered when the report could not be copied right away: one click copies it.
pub fn copy_ready_view(app: &App, message: &str, text: String) -> dom::View {
    let copy = {
        let app = app.clone();
        el("button")
            .class("text-button")
            .class("copy-report")
            .text("Copy report")
            .on("click", move |_| {
                app.dispatch(Msg::Dismiss);
                app.dispatch(Msg::Copy(text.clone()));
            })
    };
    let dismiss = {
        let app = app.clone();
        el("button")
            .class("text-button")
            .text("Dismiss")
            .on("click", move |_| app.dispatch(Msg::Dismiss))
    };
    el("div")
        .class("confirm-bar")
        .class("copy-ready")
        .attr("role", "alertdialog")
        .attr("aria-label", "Report ready")
        .child(el("span").class("confirm-text").text(message))
        .child(copy)
        .child(dismiss)
        .into_view()
}
