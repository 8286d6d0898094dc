//! HAR import shared by both hosts: the file is read a slice at a time through
//! [`crate::har::HarReader`], with a progress bar (entries and bytes) and cancellation.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::diagnose::Config;
use crate::har::{sanitization, HarDocument, HarReader};

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
    // Whether the file is a sanitized export decides how absent credentials are judged,
    // so the first entries wait until a sample has been looked at.
    let mut sample: HarDocument = reader.header().clone();
    let mut judged = false;
    let mut held: Vec<Incoming> = Vec::new();
    let job_slot: Rc<RefCell<Option<Job>>> = Rc::new(RefCell::new(None));
    let job_for_slices = job_slot.clone();
    let job = slice::run_sliced(move |deadline| {
        let (bytes_done, total_bytes, done) = loop {
            let batch = reader.next_batch(64);
            entries += batch.exchanges.len();
            problems += batch.diagnostics.len();
            if !judged {
                sample.exchanges.extend(batch.exchanges.iter().cloned());
                sample.meta.extend(batch.meta.iter().cloned());
            }
            // `meta` is in the same order as `exchanges` (one per readable entry).
            let mut meta = batch.meta.into_iter();
            held.extend(batch.exchanges.into_iter().map(|x| (x, meta.next())));
            if batch.done || deadline.passed() {
                break (batch.bytes_done, batch.total_bytes, batch.done);
            }
        };
        if !judged && (done || sample.exchanges.len() >= SANITIZATION_SAMPLE) {
            judged = true;
            let sanitized = sanitization(&sample).likely_sanitized;
            sample = HarDocument::default();
            app.dispatch(Msg::Reanalyze(Config {
                credentials_removed_at_export: sanitized,
                ..Config::default()
            }));
            app.dispatch(Msg::Banner(sanitized.then(|| SANITIZED_NOTE.to_owned())));
        }
        if judged {
            app.dispatch(Msg::Imported(std::mem::take(&mut held)));
        }
        let progress = (!done).then(|| Progress {
            fraction: bytes_done as f64 / total_bytes.max(1) as f64,
            text: format!(
                "Reading HAR: {entries} entries, {} of {}",
                format::bytes(bytes_done),
                format::bytes(total_bytes)
            ),
            cancel: job_for_slices.borrow().clone(),
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
    *job_slot.borrow_mut() = Some(job.clone());
    *current.borrow_mut() = Some(job);
}

/// Entries the sanitized-export check looks at.
const SANITIZATION_SAMPLE: usize = 1000;

/// Shown for a file that looks like Chrome's "Export HAR (sanitized)".
const SANITIZED_NOTE: &str = "This HAR looks like Chrome's sanitized export: Authorization, Cookie and Set-Cookie were removed when it was saved, so the credential evidence is missing — requests may look as if they sent no credentials when they did. To keep them, enable DevTools Settings → Preferences → Network → \"Allow to generate HAR with sensitive data\" and export with \"Export HAR (with sensitive data)\".";

/// Reads the file chosen in the `<input type=file>` that fired `event` and imports it.
pub fn import_file_from(event: &web_sys::Event, app: &App, current: &Rc<RefCell<Option<Job>>>) {
    let Some(file) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|i| i.files())
        .and_then(|f| f.get(0))
    else {
        return;
    };
    let app = app.clone();
    let current = current.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match JsFuture::from(file.text()).await {
            Ok(text) => import_har(
                &app,
                &current,
                text.as_string().unwrap_or_default().into_bytes(),
            ),
            Err(_) => app.dispatch(Msg::Notice(
                NoticeKind::Error,
                "Could not read the file.".to_owned(),
            )),
        }
    });
}
