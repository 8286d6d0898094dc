//! The DevTools panel host: exchanges come from `chrome.devtools.network`.
//!
//! On open the panel backfills with `getHAR()` and then follows `onRequestFinished`.
//! Live entries that arrive while the backfill is in flight are held and de-duplicated
//! against it (an entry finishing in between is in both). Entries are converted and
//! analysed in time-boxed slices so a backfill of thousands never blocks DevTools for long;
//! the first screenful is analysed and drawn in the task that receives the backfill, so the
//! next frame paints rows before the rest is even queued (issue 7's first-paint target). The bodies of failed responses are
//! fetched (`getContent`) before analysis, because the diagnosis reads JSON error bodies
//! and block pages.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::har::parse_entry_list;

use super::app::{App, Host, Incoming, Msg, NoticeKind, Progress};
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

/// Queued entries above which the panel shows a progress bar.
const PROGRESS_BACKLOG: usize = 100;

/// Response bodies above this size are not fetched (error bodies are small; the
/// diagnosis reads at most 64 KiB anyway).
const MAX_BODY_BYTES: f64 = 64.0 * 1024.0;

thread_local! {
    /// Property names as JS strings, made once: building the key string for every
    /// `Reflect.get` of every entry was a measurable share of the live ingest.
    static KEYS: RefCell<std::collections::HashMap<&'static str, JsValue>> = RefCell::default();
}

fn get(obj: &JsValue, key: &'static str) -> JsValue {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        let key = keys.entry(key).or_insert_with(|| JsValue::from_str(key));
        Reflect::get(obj, key).unwrap_or(JsValue::UNDEFINED)
    })
}

/// Whether the diagnosis may need this response's body (JSON error bodies, block pages,
/// login pages), which DevTools leaves out of the entry until `getContent` is called.
fn wants_body(entry: &JsValue) -> bool {
    let response = get(entry, "response");
    // Most entries succeeded: decide on the status before reading anything else (each
    // property read crosses into JavaScript, and a backfill reads a thousand entries).
    let status = get(&response, "status").as_f64().unwrap_or(0.0);
    if status < 300.0 {
        return false;
    }
    let content = get(&response, "content");
    let size = get(&content, "size").as_f64().unwrap_or(0.0);
    let mime = get(&content, "mimeType")
        .as_string()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let textual = ["json", "text", "html", "xml", "problem"]
        .iter()
        .any(|t| mime.contains(t));
    let has_text = !get(&content, "text").is_undefined();
    let can_fetch = get(entry, "getContent").is_function();
    can_fetch && !has_text && textual && size <= MAX_BODY_BYTES
}

/// A queued entry and where its body fetch stands.
struct Pending {
    entry: JsValue,
    /// A body fetch is in flight; the entry waits so analysis keeps arrival order.
    waiting: bool,
}

#[derive(Default)]
struct IngestState {
    pending: VecDeque<Pending>,
    /// Sequence number of `pending.front()`.
    front_seq: u64,
    backfilled: bool,
    /// The first rows were handed to the app (the next slices may take longer batches).
    shown: bool,
    held: Vec<JsValue>,
    running: bool,
    done: usize,
    total: usize,
}

/// Turns DevTools' HAR entries into exchanges, in arrival order, a slice at a time.
/// Bodies the diagnosis needs are fetched in parallel as entries arrive; an entry whose
/// body is still on its way holds back the ones after it.
#[derive(Clone)]
struct Ingest {
    /// Set once the app is mounted, which happens before any entry can be processed.
    app: Rc<OnceCell<App>>,
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
        }
        self.enqueue(entry);
        self.schedule();
    }

    /// Takes the `getHAR()` backfill. The first screenful is converted, analysed and drawn
    /// in this very task, so the frame that follows already shows requests; the rest (and
    /// live entries held meanwhile) are queued in a task of their own, after that frame.
    /// Deciding which of a thousand entries need their bodies crosses into JavaScript
    /// several times per entry, and putting it first delayed the first row by ~10 ms.
    fn backfill(&self, entries: Vec<JsValue>) {
        // About what the kept exchanges will take (~2 KiB of HAR text each; the log keeps
        // at most its capacity).
        let kept = entries.len().min(super::store::DEFAULT_CAPACITY);
        super::import::reserve_heap(kept * 4096);
        let mut rest = entries;
        let first: Vec<JsValue> = rest.drain(..rest.len().min(FIRST_ROWS)).collect();
        for e in &first {
            self.enqueue(e.clone());
        }
        self.run_now();
        let this = self.clone();
        let mut parts = Some((first, rest));
        slice::run_sliced(move |_| {
            if let Some((first, rest)) = parts.take() {
                this.backfill_rest(&first, rest);
            }
            false
        });
    }

    /// Queues the backfill after its first screenful, then the live entries that arrived
    /// while it was in flight and are not in it.
    fn backfill_rest(&self, first: &[JsValue], rest: Vec<JsValue>) {
        let held = {
            let mut s = self.state.borrow_mut();
            s.backfilled = true;
            std::mem::take(&mut s.held)
        };
        // Only live entries that arrived meanwhile need checking against the backfill.
        let keys: HashSet<String> = if held.is_empty() {
            HashSet::new()
        } else {
            first.iter().chain(rest.iter()).map(entry_key).collect()
        };
        for e in rest {
            self.enqueue(e);
        }
        for h in held {
            if !keys.contains(&entry_key(&h)) {
                self.enqueue(h);
            }
        }
        self.schedule();
    }

    /// Runs a slice in the current task instead of the next one (unless one is running),
    /// and chains further slices if more is ready.
    fn run_now(&self) {
        {
            let mut s = self.state.borrow_mut();
            if s.running {
                return;
            }
            s.running = true;
        }
        if self.slice(&Deadline::in_ms(slice::SLICE_BUDGET_MS)) {
            let this = self.clone();
            slice::run_sliced(move |deadline| this.slice(deadline));
        }
    }

    fn enqueue(&self, entry: JsValue) {
        let waiting = wants_body(&entry);
        let seq = {
            let mut s = self.state.borrow_mut();
            let seq = s.front_seq + s.pending.len() as u64;
            s.pending.push_back(Pending {
                entry: entry.clone(),
                waiting,
            });
            s.total += 1;
            seq
        };
        if waiting {
            let this = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let har: HarEntry = entry.clone().unchecked_into();
                if let Ok((text, encoding)) = har.content().await {
                    let content = get(&get(&entry, "response"), "content");
                    let _ = Reflect::set(&content, &"text".into(), &JsValue::from_str(&text));
                    if let Some(enc) = encoding.filter(|e| !e.is_empty()) {
                        let _ =
                            Reflect::set(&content, &"encoding".into(), &JsValue::from_str(&enc));
                    }
                }
                this.body_arrived(seq);
            });
        }
    }

    fn body_arrived(&self, seq: u64) {
        {
            let mut s = self.state.borrow_mut();
            let Some(offset) = seq
                .checked_sub(s.front_seq)
                .and_then(|o| usize::try_from(o).ok())
            else {
                return;
            };
            if let Some(p) = s.pending.get_mut(offset) {
                p.waiting = false;
            }
        }
        self.schedule();
    }

    fn schedule(&self) {
        {
            let mut s = self.state.borrow_mut();
            let ready = s.pending.front().is_some_and(|p| !p.waiting);
            if s.running || !ready {
                return;
            }
            s.running = true;
        }
        let this = self.clone();
        slice::run_sliced(move |deadline| this.slice(deadline));
    }

    /// Converts up to `limit` ready entries, in arrival order.
    ///
    /// They cross into wasm together: one `JSON.stringify` of an array and one string copy,
    /// read by [`parse_entry_list`], instead of a stringify, a copy and a parser call per
    /// entry. A bad entry is skipped, not fatal; its index stays used.
    fn convert(&self, limit: usize) -> Vec<Incoming> {
        let chunk = js_sys::Array::new();
        let first_index = {
            let mut s = self.state.borrow_mut();
            while (chunk.length() as usize) < limit && s.pending.front().is_some_and(|p| !p.waiting)
            {
                let Some(p) = s.pending.pop_front() else {
                    break;
                };
                s.front_seq += 1;
                chunk.push(&p.entry);
            }
            let first = s.done;
            s.done += chunk.length() as usize;
            first
        };
        if chunk.length() == 0 {
            return Vec::new();
        }
        let json = JSON::stringify(&chunk)
            .ok()
            .and_then(|j| j.as_string())
            .unwrap_or_default();
        let parsed = parse_entry_list(json.as_bytes(), first_index);
        let mut meta = parsed.meta.into_iter();
        parsed
            .exchanges
            .into_iter()
            .map(|x| (x, meta.next()))
            .collect()
    }

    /// Converts and analyses ready entries in small batches until the deadline (the
    /// analysis counts against it too); returns whether to run another slice now (more
    /// entries are ready). The very first rows get a slice of their own, so the panel
    /// paints requests before the rest of a big backfill is analysed.
    fn slice(&self, deadline: &Deadline) -> bool {
        let first = !self.state.borrow().shown;
        loop {
            let batch = self.convert(if first { FIRST_ROWS } else { BATCH });
            if !batch.is_empty() {
                self.state.borrow_mut().shown = true;
            }
            if let Some(app) = self.app.get() {
                app.dispatch(Msg::Captured(batch));
            }
            let ready = self
                .state
                .borrow()
                .pending
                .front()
                .is_some_and(|p| !p.waiting);
            if first || !ready || deadline.passed() {
                break;
            }
        }
        let (done, total, more) = {
            let mut s = self.state.borrow_mut();
            // A waiting front entry restarts the loop from `body_arrived`.
            let more = s.pending.front().is_some_and(|p| !p.waiting);
            s.running = more;
            (s.done, s.total, more)
        };
        // Live traffic keeps a short queue; the bar is for backlogs (a big backfill).
        let progress = (total.saturating_sub(done) > PROGRESS_BACKLOG).then(|| Progress {
            fraction: done as f64 / total as f64,
            text: format!("Loading requests {done} / {total}"),
            cancel: None,
        });
        if let Some(app) = self.app.get() {
            app.dispatch(Msg::Progress(progress));
        }
        more
    }
}

/// Shown when the panel page is opened outside DevTools.
const OUTSIDE_DEVTOOLS: &str = "This is the authlens DevTools panel, opened outside DevTools: there is no page traffic to watch here. Open DevTools and pick the Auth tab — or use Import HAR… to analyse a file.";

/// Rows in the panel's first paint: about a screenful, converted and analysed alone.
const FIRST_ROWS: usize = 24;

/// Entries converted and analysed between two deadline checks.
const BATCH: usize = 64;

/// What `panel.js` asked DevTools for before the wasm was compiled (see [`start_panel`]):
/// the `getHAR()` answer as a promise, and the entries that finished since it subscribed.
struct Early {
    /// Resolves to the HAR log, as `getHAR`'s callback receives it.
    har: js_sys::Promise,
    /// `{ entries: [], taken: false }`: `panel.js`'s listener pushes finished entries
    /// until `taken` is set.
    live: JsValue,
}

impl Early {
    /// Reads `{ har, live }` as `panel.js` hands it over; `None` for anything else.
    fn from_js(early: &JsValue) -> Option<Self> {
        let har = get(early, "har").dyn_into::<js_sys::Promise>().ok()?;
        let live = get(early, "live");
        js_sys::Array::is_array(&get(&live, "entries")).then_some(Self { har, live })
    }

    /// Stops `panel.js`'s listener and returns what it caught. Called in the same task
    /// as the panel's own subscription, so no entry falls between the two listeners.
    fn take_live(&self) -> Vec<JsValue> {
        let _ = Reflect::set(&self.live, &"taken".into(), &JsValue::TRUE);
        js_sys::Array::from(&get(&self.live, "entries")).to_vec()
    }
}

/// Starts the panel in `panel.html`: subscribes to finished requests and asks DevTools
/// for the backfill first (DevTools prepares it while the UI is built), then builds the
/// UI into `<body>`; the backfill and live requests are then added a slice at a time.
///
/// `early` is what `panel.js` already asked for while the wasm was still loading
/// (`{ har: Promise<log>, live: { entries: [], taken: false } }`): the backfill then
/// crosses from DevTools during the compile instead of after it (issue 7's first paint).
/// Anything else (`undefined`) and the panel asks itself.
#[wasm_bindgen]
pub fn start_panel(early: JsValue) -> Result<(), JsValue> {
    let body = dom::document()
        .and_then(|d| d.body())
        .ok_or_else(|| JsValue::from_str("no document body"))?;
    let ingest = Ingest {
        app: Rc::new(OnceCell::new()),
        state: Rc::new(RefCell::new(IngestState::default())),
    };
    // Subscribe before asking for the backfill, so nothing finishing in between is lost
    // (DevTools handles the two requests in order; duplicates are dropped by key).
    // `panel.js` did the same, in the same order; what its listener caught is held like
    // any live entry that arrives before the backfill.
    let early = Early::from_js(&early);
    let subscribed = chrome::on_request_finished({
        let ingest = ingest.clone();
        move |entry| ingest.live(entry)
    });
    if let Some(early) = &early {
        for entry in early.take_live() {
            ingest.live(entry.unchecked_into());
        }
    }
    let backfill = subscribed.is_ok().then(|| {
        let asked: Pin<Box<dyn Future<Output = Result<JsValue, String>>>> = match &early {
            Some(early) => {
                let har = wasm_bindgen_futures::JsFuture::from(early.har.clone());
                Box::pin(async move {
                    har.await
                        .map_err(|e| e.as_string().unwrap_or_else(|| "getHAR failed".to_owned()))
                })
            }
            None => Box::pin(chrome::har_log()),
        };
        asked
    });
    // Nothing above calls back before this function returns, so the app is in place
    // before the first entry is handled.
    apply_theme();
    let app = App::mount(Host::Panel, &body);
    let _ = ingest.app.set(app.clone());
    let (Ok(()), Some(backfill)) = (subscribed, backfill) else {
        // Opened outside DevTools (panel.html as a page): no traffic to watch, but the
        // rest works, Import HAR included.
        app.dispatch(Msg::Banner(Some(OUTSIDE_DEVTOOLS.to_owned())));
        return Ok(());
    };
    chrome::on_navigated({
        let app = app.clone();
        move |url| app.dispatch(Msg::Navigated(url))
    })
    .map_err(|e| JsValue::from_str(&e))?;
    wasm_bindgen_futures::spawn_local(async move {
        match backfill.await {
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
