//! The DevTools panel host: exchanges come from `chrome.devtools.network`.
//!
//! On open the panel backfills with `getHAR()` and then follows `onRequestFinished`.
//! Live entries that arrive while the backfill is in flight are held and de-duplicated
//! against it (an entry finishing in between is in both). Entries are converted in
//! time-boxed chunks so a backfill of thousands never blocks DevTools for long.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::har::entry_from_json;

use super::app::{App, Host, Msg, NoticeKind, Progress};
use super::chrome::{self, HarEntry};
use super::dom;
use super::slice::{self, Deadline};

/// Applies `chrome.devtools.panels.themeName` as a class on the root element.
fn apply_theme() {
    let dark = chrome::theme_name().as_deref() == Some("dark");
    if let Some(root) = dom::document().and_then(|d| d.document_element()) {
        dom::toggle_class(&root, "theme-dark", dark);
        dom::toggle_class(&root, "theme-light", !dark);
    }
}

/// Identifies an entry across `getHAR()` and `onRequestFinished`.
fn entry_key(entry: &JsValue) -> String {
    let get = |obj: &JsValue, key: &str| {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    };
    let request = get(entry, "request");
    format!(
        "{}|{}|{}",
        get(entry, "startedDateTime")
            .as_string()
            .unwrap_or_default(),
        get(&request, "method").as_string().unwrap_or_default(),
        get(&request, "url").as_string().unwrap_or_default()
    )
}

#[derive(Default)]
struct IngestState {
    pending: VecDeque<JsValue>,
    backfilled: bool,
    held: Vec<JsValue>,
    running: bool,
    done: usize,
    total: usize,
}

/// Turns DevTools' HAR entries into exchanges, in arrival order, a slice at a time.
#[derive(Clone)]
struct Ingest {
    app: App,
    state: Rc<RefCell<IngestState>>,
}

impl Ingest {
    fn live(&self, entry: HarEntry) {
        let entry: JsValue = entry.into();
        {
            let mut s = self.state.borrow_mut();
            if !s.backfilled {
                s.held.push(entry);
                return;
            }
            s.pending.push_back(entry);
            s.total += 1;
        }
        self.schedule();
    }

    fn backfill(&self, entries: Vec<JsValue>) {
        {
            let mut s = self.state.borrow_mut();
            let keys: HashSet<String> = entries.iter().map(entry_key).collect();
            let held = std::mem::take(&mut s.held);
            s.total += entries.len();
            s.pending.extend(entries);
            for h in held {
                if !keys.contains(&entry_key(&h)) {
                    s.pending.push_back(h);
                    s.total += 1;
                }
            }
            s.backfilled = true;
        }
        self.schedule();
    }

    fn schedule(&self) {
        {
            let mut s = self.state.borrow_mut();
            if s.running || s.pending.is_empty() {
                return;
            }
            s.running = true;
        }
        let this = self.clone();
        slice::run_sliced(move |deadline| this.slice(deadline));
    }

    /// Converts entries until the deadline (at least one); returns whether more remain.
    fn slice(&self, deadline: &Deadline) -> bool {
        let mut batch = Vec::new();
        let (done, total, more) = {
            let mut s = self.state.borrow_mut();
            while let Some(entry) = s.pending.pop_front() {
                let json = JSON::stringify(&entry)
                    .ok()
                    .and_then(|j| j.as_string())
                    .unwrap_or_default();
                // The log assigns the final index; a bad entry is skipped, not fatal.
                if let Ok(x) = entry_from_json(&json, s.done) {
                    batch.push(x);
                }
                s.done += 1;
                if deadline.passed() {
                    break;
                }
            }
            let more = !s.pending.is_empty();
            s.running = more;
            (s.done, s.total, more)
        };
        self.app.dispatch(Msg::Captured(batch));
        let progress = (done < total).then(|| Progress {
            fraction: done as f64 / total as f64,
            text: format!("Loading requests {done} / {total}"),
        });
        self.app.dispatch(Msg::Progress(progress));
        more
    }
}

/// Starts the panel in `panel.html`: builds the UI into `<body>`, backfills, then follows
/// live requests.
#[wasm_bindgen]
pub fn start_panel() -> Result<(), JsValue> {
    let body = dom::document()
        .and_then(|d| d.body())
        .ok_or_else(|| JsValue::from_str("no document body"))?;
    apply_theme();
    let app = App::mount(Host::Panel, &body);
    let ingest = Ingest {
        app: app.clone(),
        state: Rc::new(RefCell::new(IngestState::default())),
    };
    // Listen before asking for the backfill, so nothing finishing in between is lost.
    chrome::on_request_finished({
        let ingest = ingest.clone();
        move |entry| ingest.live(entry)
    })
    .map_err(|e| JsValue::from_str(&e))?;
    chrome::on_navigated({
        let app = app.clone();
        move |url| app.dispatch(Msg::Navigated(url))
    })
    .map_err(|e| JsValue::from_str(&e))?;
    wasm_bindgen_futures::spawn_local(async move {
        match chrome::har_log().await {
            Ok(log) => {
                let entries = Reflect::get(&log, &JsValue::from_str("entries"))
                    .ok()
                    .filter(js_sys::Array::is_array)
                    .map(|a| js_sys::Array::from(&a).to_vec())
                    .unwrap_or_default();
                ingest.backfill(entries);
            }
            Err(e) => {
                ingest.backfill(Vec::new());
                app.dispatch(Msg::Notice(
                    NoticeKind::Error,
                    format!("Could not read the existing requests: {e}"),
                ));
            }
        }
    });
    Ok(())
}
