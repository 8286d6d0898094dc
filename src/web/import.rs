//! HAR import shared by both hosts: the file is read a slice at a time through
//! [`crate::har::HarReader`], with a progress bar (entries and bytes) and cancellation.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::diagnose::Config;
use crate::har::{sanitization, HarDocument, HarReader, SanitizationSignal};

use super::app::{App, Incoming, Msg, NoticeKind, Progress};
use super::slice::{self, Job};
use super::views::format;

/// Imports a HAR file a slice at a time, with progress; a new import cancels the last.
pub fn import_har(app: &App, current: &Rc<RefCell<Option<Job>>>, bytes: Vec<u8>) {
    if let Some(job) = current.borrow_mut().take() {
        job.cancel();
    }
    let mut reader = match HarReader::new(bytes) {
        Ok(r) => r,
        Err(e) => {
            app.dispatch(Msg::Progress(None));
            app.dispatch(Msg::Notice(
                NoticeKind::Error,
                format!("Not a HAR file: {e}."),
            ));
            return;
        }
    };
    app.dispatch(Msg::Clear);
    // The bar at once, before the first slice's work (the job and its Cancel come with
    // the first slice's update).
    app.dispatch(Msg::Progress(Some(Progress {
        fraction: 0.0,
        text: progress_text(0, 0, reader.total_bytes()),
        cancel: None,
    })));
    reserve_heap(reader.total_bytes());
    app.dispatch(Msg::ExpectImport(
        reader.total_bytes() / BYTES_PER_ENTRY_GUESS,
    ));
    let app = app.clone();
    let (mut entries, mut problems) = (0usize, 0usize);
    // Whether the file is a sanitized export decides how absent credentials are judged,
    // so the first entries wait until a sample has been looked at.
    let mut sample: HarDocument = reader.header().clone();
    let mut judged = false;
    let mut held: Vec<Incoming> = Vec::new();
    let job_slot: Rc<RefCell<Option<Job>>> = Rc::new(RefCell::new(None));
    let job_for_slices = job_slot.clone();
    let (mut read_all, mut bytes_done) = (false, 0usize);
    let total_bytes = reader.total_bytes();
    let job = slice::run_sliced(move |deadline| {
        // Reading and analysing alternate in batches of a few ms each, and the deadline is
        // checked after every batch. Entries read before the sanitization verdict wait in
        // `held` and are analysed a batch at a time too (handing the first 1000 to the
        // analyser at once made a 130 ms task).
        loop {
            if judged && !held.is_empty() {
                let take = held.len().min(BATCH_ENTRIES);
                let chunk: Vec<Incoming> = held.drain(..take).collect();
                app.dispatch(Msg::Imported(chunk));
            } else if !read_all {
                let batch = reader.next_batch(BATCH_ENTRIES);
                entries += batch.exchanges.len();
                problems += batch.diagnostics.len();
                read_all = batch.done;
                bytes_done = batch.bytes_done;
                if !judged {
                    sample.exchanges.extend(batch.exchanges.iter().cloned());
                    sample.meta.extend(batch.meta.iter().cloned());
                }
                // `meta` is in the same order as `exchanges` (one per readable entry).
                let mut meta = batch.meta.into_iter();
                let incoming = batch.exchanges.into_iter().map(|x| (x, meta.next()));
                if judged && held.is_empty() {
                    // Straight to the analyser: each move of an exchange is a copy of a
                    // large value, and most batches need no holding.
                    app.dispatch(Msg::Imported(incoming.collect()));
                } else {
                    held.extend(incoming);
                }
                // A credential header anywhere in the sample settles the verdict (not
                // sanitized) whatever else the sample holds, so a file that shows one in its
                // first batch is judged at once: nothing more is copied into the sample or
                // held back from the analyser.
                let verdict = (!judged).then(|| sanitization(&sample));
                let settled = verdict.as_ref().is_some_and(|v| {
                    read_all
                        || sample.exchanges.len() >= SANITIZATION_SAMPLE
                        || v.signals.iter().any(|s| {
                            matches!(s, SanitizationSignal::CredentialHeaderPresent { .. })
                        })
                });
                if let (true, Some(verdict)) = (settled, verdict) {
                    judged = true;
                    let sanitized = verdict.likely_sanitized;
                    sample = HarDocument::default();
                    app.dispatch(Msg::Reanalyze(Config {
                        credentials_removed_at_export: sanitized,
                        ..Config::default()
                    }));
                    app.dispatch(Msg::Banner(sanitized.then(|| SANITIZED_NOTE.to_owned())));
                }
            }
            if (read_all && held.is_empty()) || deadline.passed() {
                break;
            }
        }
        let done = read_all && held.is_empty();
        let progress = (!done).then(|| Progress {
            fraction: bytes_done as f64 / total_bytes.max(1) as f64,
            text: progress_text(entries, bytes_done, total_bytes),
            cancel: job_for_slices.borrow().clone(),
        });
        app.dispatch(Msg::Progress(progress));
        if done {
            // Drawn now rather than at the next frame, so the final counts show together
            // with the notice that says the import is complete.
            app.dispatch(Msg::Draw);
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
    *job_slot.borrow_mut() = Some(job.clone());
    *current.borrow_mut() = Some(job);
}

/// What the progress bar says while a HAR is read.
fn progress_text(entries: usize, bytes_done: usize, total_bytes: usize) -> String {
    format!(
        "Reading HAR: {entries} entries, {} of {}",
        format::bytes(bytes_done),
        format::bytes(total_bytes)
    )
}

/// Grows wasm memory once for about `bytes` of what an import or a backfill will hold
/// (exchanges take about as much as their HAR text), by allocating that much and freeing
/// it at once.
///
/// The allocator otherwise grows memory 64 KiB at a time as entries arrive, and each
/// `memory.grow` costs the engine ~0.1 ms whatever its size: about 1,600 grows, 120 ms of
/// a 40 MB import (Chromium trace, `wasm.GrowMemory`). Wasm memory never shrinks, and
/// the freed block is where the exchanges go, so nothing is wasted.
pub fn reserve_heap(bytes: usize) {
    let room: Vec<u8> = Vec::with_capacity(bytes);
    // Kept opaque so the allocation is not optimised away with its free.
    drop(std::hint::black_box(room));
}

/// Entries read and analysed between two looks at the clock: ~2 ms of work in the browser,
/// so a slice overshoots its budget by little, and the per-batch costs (one message, the
/// batch vectors) stay small.
const BATCH_ENTRIES: usize = 64;

/// A small HAR entry (headers, no body) takes about this many bytes: a file's size over
/// this is how many entries the log makes room for. A file of big entries over-reserves
/// room it never writes to, which costs address space (`reserve_heap` grew memory for the
/// file's size anyway), not copies.
const BYTES_PER_ENTRY_GUESS: usize = 2048;

/// Entries the sanitized-export check looks at.
const SANITIZATION_SAMPLE: usize = 1000;

/// Shown for a file that looks like Chrome's "Export HAR (sanitized)".
const SANITIZED_NOTE: &str = "This HAR looks like Chrome's sanitized export: Authorization, Cookie and Set-Cookie were removed when it was saved, so the credential evidence is missing — requests may look as if they sent no credentials when they did. To keep them, enable DevTools Settings → Preferences → Network → \"Allow to generate HAR with sensitive data\" and export with \"Export HAR (with sensitive data)\".";

/// Reads the file chosen in the `<input type=file>` that fired `event` and imports it.
pub fn import_file_from(event: &web_sys::Event, app: &App, current: &Rc<RefCell<Option<Job>>>) {
    if let Some(file) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|i| i.files())
        .and_then(|f| f.get(0))
    {
        import_file(file, app, current);
    }
}

/// Largest file an import takes. Wasm memory ends at 4 GiB (wasm32), and an import holds
/// the file's bytes plus its exchanges, about 1.3× the file again (the bench's 43.6 MB HAR
/// leaves 99 MB of wasm memory): a bigger file cannot fit, and copying it in would abort
/// the module halfway (an allocation failure is not recoverable in wasm) instead of saying
/// why.
pub const MAX_IMPORT_BYTES: f64 = 1.5 * (1u64 << 30) as f64;

/// Why a file of `size` bytes is not imported, or `None` when it can be.
pub fn refuse_size(size: f64) -> Option<String> {
    (size > MAX_IMPORT_BYTES).then(|| {
        // In GB from the f64: a file over 4 GB does not fit in a wasm32 `usize`.
        format!(
            "This file is {:.1} GB: the page can hold HAR files up to {:.1} GB (its analysis lives in WebAssembly memory, 4 GB at most). Analyse it with the CLI instead: authlens har FILE.",
            size / 1e9,
            MAX_IMPORT_BYTES / 1e9
        )
    })
}

/// Reads `file` (chosen or dropped) and imports it.
pub fn import_file(file: web_sys::File, app: &App, current: &Rc<RefCell<Option<Job>>>) {
    if let Some(why) = refuse_size(file.size()) {
        app.dispatch(Msg::Notice(NoticeKind::Error, why));
        return;
    }
    // Reading a big file takes a while before any entry can be read: the bar says so from
    // the start (the browser renders while it reads, since the page is idle then).
    app.dispatch(Msg::Progress(Some(Progress {
        fraction: 0.0,
        text: progress_text(0, 0, file.size() as usize),
        cancel: None,
    })));
    let app = app.clone();
    let current = current.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // The bytes, not `file.text()`: decoding to a JS string and re-encoding it into
        // wasm cost two passes over the file; this is one copy into wasm memory, and the
        // reader checks UTF-8 itself (entry by entry, with positioned diagnostics).
        match JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => import_har(&app, &current, js_sys::Uint8Array::new(&buffer).to_vec()),
            Err(_) => {
                app.dispatch(Msg::Progress(None));
                app.dispatch(Msg::Notice(
                    NoticeKind::Error,
                    "Could not read the file.".to_owned(),
                ));
            }
        }
    });
}
