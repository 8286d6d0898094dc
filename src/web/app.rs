//! The application shell shared by the panel and the analyzer page: toolbar, request list,
//! detail pane and status bar, driven by messages.
//!
//! Every user action and every arriving exchange becomes a [`Msg`] handed to
//! [`App::dispatch`]. Messages are queued and handled one at a time, so a handler that
//! fires synchronously during an update (a `blur` when a focused node is removed, say)
//! never re-enters the state. Updates touch only what changed: a new exchange appends to
//! the log and lets the virtual list render rows entering the view; selecting a row
//! toggles two rows' classes and redraws the detail pane.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

use crate::diagnose::{Analyzer, Config};
use crate::exchange::Exchange;
use crate::fixes::Action;
use crate::har::EntryMeta;
use crate::redact::RedactOptions;

use super::actions::{self, ClearWhat, OriginChoice};
use super::dom::{self, el, set_text, toggle_class, El, Slot};
use super::export::{self, ExportKind};
use super::filter::Query;
use super::import;
use super::list::VirtualList;
use super::slice::Job;
use super::store::{Log, DEFAULT_CAPACITY, IMPORT_CAPACITY};
use super::views::detail::{self, Tab};
use super::views::format;
use super::views::rows::{self, LogRows, ROW_HEIGHT};

/// Where the app runs; decides which controls exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The DevTools panel: live capture, Preserve log, browser actions.
    Panel,
    /// The standalone analyzer page: exchanges come from files and pastes.
    Page,
}

/// Keyboard movement in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// Previous row.
    Up,
    /// Next row.
    Down,
    /// One screen up.
    PageUp,
    /// One screen down.
    PageDown,
    /// First row.
    Home,
    /// Last row.
    End,
}

/// How a notice reads in the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Something worked.
    Success,
    /// Something failed.
    Error,
    /// Neutral progress.
    Info,
}

/// An exchange on its way in, with its HAR entry's metadata when there is one (the
/// browser's network error explains some status-0 failures).
pub type Incoming = (Exchange, Option<EntryMeta>);

/// How far a bulk load (backfill, HAR import) has come.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Done so far, 0.0 to 1.0.
    pub fraction: f64,
    /// What the bar says, e.g. `Loading requests 120 / 5000`.
    pub text: String,
    /// The job, when the user may cancel it.
    pub cancel: Option<Job>,
}

/// Everything that can happen to the app.
pub enum Msg {
    /// Exchanges captured live (ignored while recording is off).
    Captured(Vec<Incoming>),
    /// Exchanges imported from a file or a paste.
    Imported(Vec<Incoming>),
    /// An import of about this many exchanges starts: the log makes room at once.
    ExpectImport(usize),
    /// Bulk loading progress; `None` hides the bar.
    Progress(Option<Progress>),
    /// The user cancelled the bulk load in progress.
    CancelProgress,
    /// Show (or, with `None`, hide) a note about the data under the toolbar.
    Banner(Option<String>),
    /// Restart the diagnosis with these settings (before an import's first entries).
    Reanalyze(Config),
    /// Export the shown requests, redacted with these options.
    Export(ExportKind, RedactOptions),
    /// Export progress; `None` hides the export's bar (the export ended).
    ExportProgress(Option<Progress>),
    /// The user cancelled the export in progress.
    CancelExport,
    /// A report is ready but could not be copied without a fresh click: offer a button
    /// (the message, then the text to copy).
    CopyReady(String, String),
    /// Close the bar under the toolbar (a confirmation or an offer) without acting.
    Dismiss,
    /// Select the entry with this id.
    Select(u64),
    /// Close the detail pane.
    Deselect,
    /// Move keyboard focus into the detail pane (Enter in the list).
    FocusDetail,
    /// Move the selection.
    Nav(Nav),
    /// The filter box changed.
    FilterText(String),
    /// The "Auth failures only" toggle changed.
    AuthOnly(bool),
    /// The "Preserve log" toggle changed.
    Preserve(bool),
    /// Recording was switched on or off.
    Recording(bool),
    /// Forget every entry.
    Clear,
    /// The inspected page navigated to this URL.
    Navigated(String),
    /// The list scrolled or resized.
    Scrolled,
    /// An animation frame after exchanges arrived: draw what changed since the last draw,
    /// unless the last draw was too recent (see [`MIN_DRAW_INTERVAL_MS`]).
    Frame,
    /// Draw what changed now (an import finished: its final counts show with its notice).
    Draw,
    /// Show this detail tab.
    Tab(Tab),
    /// Show credentials unmasked in the detail pane.
    RevealSecrets(bool),
    /// Run a fix's action; the string is the fix's first snippet (for the copy actions).
    Action(Action, Option<String>),
    /// Copy text to the clipboard.
    Copy(String),
    /// Ask which origins to clear (the confirmation comes next).
    AskClear(ClearWhat),
    /// Show the confirmation for clearing site data.
    ShowConfirm(ClearWhat, Vec<OriginChoice>),
    /// The user confirmed: clear these origins.
    RunClear(ClearWhat, Vec<String>),
    /// The user cancelled the confirmation.
    CancelConfirm,
    /// Report something in the status bar (and log it).
    Notice(NoticeKind, String),
}

/// The running app; cheap to clone (listeners hold clones).
#[derive(Clone)]
pub struct App(Rc<Inner>);

struct Inner {
    host: Host,
    state: RefCell<Option<State>>,
    queue: RefCell<VecDeque<Msg>>,
    running: Cell<bool>,
}

struct Ui {
    main: Element,
    list: VirtualList,
    empty: Element,
    detail: Slot,
    summary_line: Element,
    summary_text: Element,
    summary: Element,
    notice: Element,
    action_log: Element,
    confirm: Slot,
    progress: Bar,
    export_progress: Bar,
    banner: Element,
    record: Option<Element>,
}

struct State {
    log: Log,
    analyzer: Analyzer,
    selected: Option<u64>,
    related: Vec<u64>,
    running_job: Option<Job>,
    export_job: Option<Job>,
    /// Whether a [`Msg::Frame`] is already on its way.
    frame_requested: bool,
    /// Whether live exchanges arrived since the last draw (the list then follows the end).
    follow_pending: bool,
    /// When the list was last drawn for new exchanges (ms since the epoch).
    last_draw: f64,
    /// The first rows were drawn and [`FIRST_ROWS_MARK`] was set.
    first_rows_marked: bool,
    /// The list scrolled or resized since the last draw (drawn at the next frame, always).
    scroll_pending: bool,
    /// A progress update to show at the next draw (`Some(None)` hides the bar).
    progress_pending: Option<Option<Progress>>,
    tab: Tab,
    reveal: bool,
    preserve: bool,
    recording: bool,
    filter_text: String,
    ui: Ui,
}

impl App {
    /// Builds the app into `parent`.
    pub fn mount(host: Host, parent: &Element) -> App {
        let app = App(Rc::new(Inner {
            host,
            state: RefCell::new(None),
            queue: RefCell::new(VecDeque::new()),
            running: Cell::new(false),
        }));
        let (root, ui) = build(&app, host);
        let _ = parent.append_child(&root);
        *app.0.state.borrow_mut() = Some(State {
            log: Log::new(match host {
                Host::Panel => DEFAULT_CAPACITY,
                // A HAR file is analysed whole; the page holds only what the user opened.
                Host::Page => IMPORT_CAPACITY,
            }),
            analyzer: Analyzer::new(Config::default()),
            selected: None,
            related: Vec::new(),
            running_job: None,
            export_job: None,
            frame_requested: false,
            follow_pending: false,
            last_draw: 0.0,
            first_rows_marked: false,
            scroll_pending: false,
            progress_pending: None,
            tab: Tab::default(),
            reveal: false,
            preserve: true,
            recording: true,
            filter_text: String::new(),
            ui,
        });
        app.dispatch(Msg::Scrolled);
        app
    }

    /// Reads the request log (for sliced jobs such as exports, which run between
    /// messages); `None` while a message is being handled.
    pub fn with_log<R>(&self, f: impl FnOnce(&Log) -> R) -> Option<R> {
        let state = self.0.state.try_borrow().ok()?;
        state.as_ref().map(|s| f(&s.log))
    }

    /// Where the app runs.
    pub fn host(&self) -> Host {
        self.0.host
    }

    /// Queues `msg` and, unless an update is already running, handles the queue.
    pub fn dispatch(&self, msg: Msg) {
        self.0.queue.borrow_mut().push_back(msg);
        if self.0.running.replace(true) {
            return;
        }
        loop {
            let next = self.0.queue.borrow_mut().pop_front();
            let Some(msg) = next else { break };
            if let Some(state) = self.0.state.borrow_mut().as_mut() {
                state.update(msg, self);
            }
        }
        self.0.running.set(false);
    }
}

fn checkbox(label: &str, class: &str, checked: bool, on: impl Fn(bool) + 'static) -> El {
    el("label")
        .class("toolbar-check")
        .child(
            el("input")
                .attr("type", "checkbox")
                .class(class)
                .flag("checked", checked)
                .on("change", move |e| on(dom::event_checked(e))),
        )
        .text_node(label)
}

fn separator() -> El {
    el("div").class("toolbar-sep").attr("role", "separator")
}

/// The Export menu: redaction options, then the three exports of the shown requests.
fn export_menu(app: &App) -> El {
    let menu = el("div").class("menu").attr("role", "menu");
    let menu_node = menu.node().clone();
    let item = |label: &str, kind: ExportKind, name: &str| {
        let app = app.clone();
        let menu_node = menu_node.clone();
        el("button")
            .class("menu-item")
            .attr("role", "menuitem")
            .attr("data-export", name)
            .text(label)
            .on("click", move |_| {
                let checked = |class: &str| {
                    menu_node
                        .query_selector(&format!("input.{class}"))
                        .ok()
                        .flatten()
                        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                        .is_some_and(|i| i.checked())
                };
                let opts = RedactOptions::default()
                    .with_claims(checked("keep-claims"))
                    .with_bodies(checked("keep-bodies"));
                if let Some(details) = menu_node.parent_element() {
                    let _ = details.remove_attribute("open");
                }
                app.dispatch(Msg::Export(kind, opts));
            })
    };
    el("details")
        .class("export-menu")
        .child(
            el("summary")
                .class("text-button")
                .attr("title", "Export the shown requests, secrets redacted")
                .text("Export"),
        )
        .child(
            menu.child(
                el("div")
                    .class("menu-note")
                    .text("The shown requests, with every secret redacted."),
            )
            .child(checkbox(
                "Keep JWT claims (exp, aud, scope…)",
                "keep-claims",
                true,
                |_| {},
            ))
            .child(checkbox(
                "Keep bodies (redacted)",
                "keep-bodies",
                false,
                |_| {},
            ))
            .child(item("Download redacted HAR", ExportKind::Har, "har"))
            .child(item(
                "Copy report (Markdown)",
                ExportKind::ReportMarkdown,
                "report-markdown",
            ))
            .child(item(
                "Download report (JSON)",
                ExportKind::ReportJson,
                "report-json",
            )),
        )
}

fn build(app: &App, host: Host) -> (Element, Ui) {
    let live = host == Host::Panel;
    let a = app.clone();
    let record = live.then(|| {
        let a = app.clone();
        el("button")
            .class("icon-button")
            .class("record")
            .class("on")
            .attr("title", "Stop recording")
            .attr("aria-label", "Record network log")
            .attr("aria-pressed", "true")
            .child(el("span").class("record-dot").attr("aria-hidden", "true"))
            .on("click", move |e| {
                let on = dom::closest_target(e, "button")
                    .is_some_and(|b| b.get_attribute("aria-pressed").as_deref() != Some("true"));
                a.dispatch(Msg::Recording(on))
            })
    });
    let record_node = record.as_ref().map(|r| r.node().clone());
    let clear = el("button")
        .class("icon-button")
        .class("clear")
        .attr("title", "Clear")
        .attr("aria-label", "Clear")
        .text("⊘")
        .on("click", move |_| a.dispatch(Msg::Clear));
    let a = app.clone();
    let preserve = live.then(|| {
        checkbox("Preserve log", "preserve-log", true, move |on| {
            a.dispatch(Msg::Preserve(on))
        })
    });
    let a = app.clone();
    // Off by default, and never switched on by itself: the requests around a failure (the
    // preflight, the refresh, the redirect) are often its explanation, and a list that
    // changes under the user's hands is worse than a highlighted row and a counter.
    let auth_only = checkbox("Auth failures only", "auth-only", false, move |on| {
        a.dispatch(Msg::AuthOnly(on))
    });
    let a = app.clone();
    let filter = el("input")
        .class("filter")
        .attr("type", "search")
        .attr("placeholder", "Filter")
        .attr(
            "title",
            "Text, or status:401 domain:api method:get scheme:bearer rule:token-expired type:fetch; prefix - to negate",
        )
        .attr("aria-label", "Filter requests")
        .attr("spellcheck", "false")
        .on("input", move |e| a.dispatch(Msg::FilterText(dom::event_value(e))));
    let filter_node = filter.node().clone();
    // The engine's summary line: a live region (polite, read whole), truncated by CSS with
    // the full text on hover. Status is also a word and an icon, never colour alone.
    let summary_text = el("span").class("summary-text").text(NO_FAILURES);
    let summary_text_node = summary_text.node().clone();
    let summary_line = el("span")
        .class("summary-line")
        .attr("role", "status")
        .attr("aria-live", "polite")
        .attr("aria-atomic", "true")
        .attr("title", NO_FAILURES)
        .child(
            el("span")
                .class("summary-icon")
                .attr("aria-hidden", "true")
                .text("⚠"),
        )
        .child(summary_text);
    let summary_line_node = summary_line.node().clone();
    let a = app.clone();
    let clear_site = live.then(|| {
        el("button")
            .class("text-button")
            .class("clear-site")
            .attr(
                "title",
                "Remove the inspected site's cookies, Cache Storage and HTTP cache (and the selected request's origin)",
            )
            .text("Clear site cookies & cache")
            .on("click", move |_| a.dispatch(Msg::AskClear(ClearWhat::ALL)))
    });
    let import_job = Rc::new(RefCell::new(None));
    let a = app.clone();
    let import = live.then(|| {
        el("label")
            .class("text-button")
            .class("import-har")
            .attr(
                "title",
                "Analyse a HAR file (replaces the list; live capture continues)",
            )
            .text_node("Import HAR…")
            .child(
                el("input")
                    .attr("type", "file")
                    .attr("accept", ".har,.json,application/json")
                    .class("visually-hidden")
                    .attr("aria-label", "Import a HAR file")
                    .on("change", move |e| {
                        import::import_file_from(e, &a, &import_job)
                    }),
            )
    });
    let export_menu = export_menu(app);
    let toolbar = el("div")
        .class("toolbar")
        .attr("role", "toolbar")
        .attr("aria-label", "Auth toolbar")
        .child_opt(record)
        .child(clear)
        .child(separator())
        .child_opt(preserve)
        .child(auth_only)
        .child(separator())
        .child(filter)
        .child(summary_line)
        .child(el("div").class("spacer"))
        .child_opt(import)
        .child(export_menu)
        .child_opt(clear_site);

    let (progress, progress_ui) = Bar::build(app, "progress-load", || Msg::CancelProgress);
    let (export_progress, export_progress_ui) =
        Bar::build(app, "progress-export", || Msg::CancelExport);

    let list = VirtualList::new(ROW_HEIGHT);
    let list_el = El::wrap(list.element().clone())
        .attr("aria-label", "Requests")
        .on("scroll", {
            let a = app.clone();
            move |_| a.dispatch(Msg::Scrolled)
        })
        .on("click", {
            let a = app.clone();
            move |e| {
                if let Some(id) = dom::closest_target(e, "[data-key]")
                    .and_then(|r| r.get_attribute("data-key"))
                    .and_then(|k| k.parse().ok())
                {
                    a.dispatch(Msg::Select(id))
                }
            }
        })
        .on("keydown", {
            let a = app.clone();
            move |e| {
                let Some(key) = e.dyn_ref::<KeyboardEvent>().map(KeyboardEvent::key) else {
                    return;
                };
                let msg = match key.as_str() {
                    "ArrowUp" => Msg::Nav(Nav::Up),
                    "ArrowDown" => Msg::Nav(Nav::Down),
                    "PageUp" => Msg::Nav(Nav::PageUp),
                    "PageDown" => Msg::Nav(Nav::PageDown),
                    "Home" => Msg::Nav(Nav::Home),
                    "End" => Msg::Nav(Nav::End),
                    "Escape" => Msg::Deselect,
                    "Enter" => Msg::FocusDetail,
                    _ => return,
                };
                e.prevent_default();
                a.dispatch(msg)
            }
        });
    let empty = el("div").class("empty-state");
    let empty_node = empty.node().clone();
    let list_pane = el("div")
        .class("list-pane")
        .attr("role", "grid")
        .attr("aria-label", "Requests")
        .child(El::wrap(rows::header()))
        .child(list_el)
        .child(empty);
    let detail_pane = el("div").class("detail-pane");
    let detail_node = detail_pane.node().clone();
    let main = el("div").class("main").child(list_pane).child(detail_pane);
    let main_node = main.node().clone();
    let summary = el("span").class("summary");
    let summary_node = summary.node().clone();
    let notice = el("span")
        .class("notice")
        .attr("role", "status")
        .attr("aria-live", "polite");
    let notice_node = notice.node().clone();
    let action_log = el("ol").class("action-log-list");
    let action_log_node = action_log.node().clone();
    let statusbar = el("div")
        .class("statusbar")
        .child(summary)
        .child(el("div").class("spacer"))
        .child(
            el("details")
                .class("action-log")
                .child(el("summary").attr("title", "Actions log").child(notice))
                .child(action_log),
        );
    let confirm = el("div").class("confirm-host");
    let confirm_node = confirm.node().clone();
    let banner = el("div")
        .class("banner")
        .attr("role", "note")
        .flag("hidden", true);
    let banner_node = banner.node().clone();
    let root = el("div")
        .class("app")
        .child(toolbar)
        .child(confirm)
        .child(banner)
        .child(progress)
        .child(export_progress)
        .child(main)
        .child(statusbar);

    if let Some(doc) = dom::document() {
        let a = app.clone();
        let filter_node = filter_node.clone();
        gloo_events::EventListener::new(&doc, "keydown", move |e| {
            let Some(k) = e.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            let in_field = dom::closest_target(e, "input, textarea, select").is_some();
            if k.key() == "/" && !in_field && !k.ctrl_key() && !k.meta_key() {
                e.prevent_default();
                dom::focus(&filter_node);
            } else if k.key() == "Escape" && in_field {
                a.dispatch(Msg::Scrolled);
            }
        })
        .forget();
        let a = app.clone();
        if let Some(w) = web_sys::window() {
            gloo_events::EventListener::new(&w, "resize", move |_| a.dispatch(Msg::Scrolled))
                .forget();
        }
    }

    let ui = Ui {
        main: main_node,
        list,
        empty: empty_node,
        detail: Slot::new(detail_node),
        summary_line: summary_line_node,
        summary_text: summary_text_node,
        summary: summary_node,
        notice: notice_node,
        action_log: action_log_node,
        confirm: Slot::new(confirm_node),
        progress: progress_ui,
        export_progress: export_progress_ui,
        banner: banner_node,
        record: record_node,
    };
    (root.into_static(), ui)
}

/// Said when a browser action is asked for outside the DevTools panel.
const PANEL_ONLY: &str =
    "This action needs the DevTools panel: the analyzer page cannot touch the browser.";

/// The User Timing mark set in the animation frame that first draws request rows: that
/// frame paints them. It is how `make bench` times the panel's first paint inside real
/// DevTools, where no script can be slipped into the panel before it starts, and it shows
/// in the Performance panel of anyone profiling the panel page. It carries no data.
pub const FIRST_ROWS_MARK: &str = "authlens:first-rows";

/// Dispatches [`Msg::Frame`] from the next animation frame (at once without a window).
fn animation_frame(app: &App) {
    let a = app.clone();
    let callback = Closure::once_into_js(move || a.dispatch(Msg::Frame));
    let requested = web_sys::window()
        .and_then(|w| w.request_animation_frame(callback.unchecked_ref()).ok())
        .is_some();
    if !requested {
        app.dispatch(Msg::Frame);
    }
}

/// The local wall-clock time as `HH:MM:SS`, for the actions log.
///
/// Not `toLocaleTimeString`: its first call in a page sets up ICU's date formatting, ~20 ms
/// (CPU profile of a HAR import) spent on the notice that says the import is done. A log
/// line needs the clock, not the locale's wording.
fn clock_now() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// Shortest time between two draws of the list for arriving exchanges, in ms.
const MIN_DRAW_INTERVAL_MS: f64 = 100.0;

/// Entries kept in the actions log.
const MAX_LOGGED_ACTIONS: u32 = 100;

/// The summary line before anything failed (the engine's own wording).
const NO_FAILURES: &str = "no auth failures";

fn empty_text(host: Host, log_empty: bool) -> &'static str {
    match (host, log_empty) {
        (_, false) => "No requests match the filter.",
        (Host::Panel, true) => {
            "Watching this page's network for 401, 403 and 407 responses. Reload the page or trigger a request and it appears here. To see real failures, run `authlens demo` and open the playground."
        }
        (Host::Page, true) => {
            "Open or drop a HAR file, or paste a header or token above. Everything is analysed in this page; nothing is uploaded."
        }
    }
}

/// A progress bar with its text and Cancel button (one for loading, one for exports, so
/// an export during a backfill does not take over the loading bar).
struct Bar {
    root: Element,
    fill: Element,
    text: Element,
    cancel: Element,
}

impl Bar {
    fn build(app: &App, class: &str, cancel_msg: fn() -> Msg) -> (El, Bar) {
        let fill = el("div").class("progress-bar");
        let text = el("span").class("progress-text");
        let a = app.clone();
        let cancel = el("button")
            .class("text-button")
            .class("progress-cancel")
            .text("Cancel")
            .flag("hidden", true)
            .on("click", move |_| a.dispatch(cancel_msg()));
        let bar = Bar {
            root: el("div").into_element(),
            fill: fill.node().clone(),
            text: text.node().clone(),
            cancel: cancel.node().clone(),
        };
        let root = el("div")
            .class("progress")
            .class(class)
            .attr("role", "progressbar")
            .attr("aria-valuemin", "0")
            .attr("aria-valuemax", "100")
            .flag("hidden", true)
            .child(fill)
            .child(text)
            .child(cancel);
        let bar = Bar {
            root: root.node().clone(),
            ..bar
        };
        (root, bar)
    }

    /// Whether the bar is hidden (no load or export in progress shown).
    fn is_hidden(&self) -> bool {
        self.root.has_attribute("hidden")
    }

    /// Shows `progress` (or hides the bar for `None`); returns its job.
    fn show(&self, progress: Option<Progress>) -> Option<Job> {
        dom::set_flag(&self.root, "hidden", progress.is_none());
        let job = progress.as_ref().and_then(|p| p.cancel.clone());
        dom::set_flag(&self.cancel, "hidden", job.is_none());
        if let Some(p) = progress {
            let pct = (p.fraction * 100.0).clamp(0.0, 100.0);
            dom::set_style(&self.fill, "width", &format!("{pct:.1}%"));
            set_text(&self.text, &p.text);
            dom::set_attr(&self.root, "aria-valuenow", &format!("{pct:.0}"));
            dom::set_attr(&self.root, "aria-valuetext", &p.text);
        }
        job
    }
}

impl State {
    fn refresh_list(&mut self) {
        let rows = LogRows {
            log: &self.log,
            selected: self.selected,
            related: &self.related,
        };
        self.ui.list.refresh(&rows);
    }

    /// Refreshes the list, following new rows when it showed the end.
    fn refresh_list_following(&mut self) {
        let rows = LogRows {
            log: &self.log,
            selected: self.selected,
            related: &self.related,
        };
        self.ui.list.refresh_following(&rows);
    }

    /// Asks for one [`Msg::Frame`] to draw what arrived. Exchanges arrive in many small
    /// batches (a sliced import, a burst of live requests); drawing per batch read layout
    /// (`scrollTop`) after every DOM write and re-rendered rows nobody saw, so the list and
    /// the counters are drawn at most once per frame, whatever arrived in between, and at
    /// most every [`MIN_DRAW_INTERVAL_MS`]: a flood of requests then redraws the list ~10
    /// times a second, which is all a reader can follow, and leaves the time to the ingest.
    /// Until a draw is due a timer waits, not a chain of animation frames: a frame with
    /// nothing to draw still costs the browser a rendering pass.
    fn request_frame(&mut self, app: &App) {
        if self.frame_requested {
            return;
        }
        self.frame_requested = true;
        let wait = MIN_DRAW_INTERVAL_MS - (js_sys::Date::now() - self.last_draw);
        let a = app.clone();
        if wait >= 1.0 {
            // In range: `wait` is below the interval.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let ms = wait.ceil() as u32;
            gloo_timers::callback::Timeout::new(ms, move || animation_frame(&a)).forget();
        } else {
            animation_frame(&a);
        }
    }

    /// An animation frame: draws what arrived, or what a scroll or resize uncovered.
    fn frame(&mut self, app: &App) {
        self.frame_requested = false;
        // Layout is clean in a frame callback, so asking the list costs nothing.
        let moved = std::mem::take(&mut self.scroll_pending) && self.ui.list.view_changed();
        if moved || js_sys::Date::now() - self.last_draw >= MIN_DRAW_INTERVAL_MS {
            self.draw(app.host(), moved);
        } else {
            // The list's own scroll, or a scroll frame ahead of the draw: wait for it.
            self.request_frame(app);
        }
    }

    /// Draws what changed since the last draw: the rows in view, the counters and the
    /// progress bar. Live traffic scrolls a list that showed its end; an import leaves the
    /// view where it is (at the top for a new file), like a file viewer.
    ///
    /// Every DOM write of the ingest happens here, in an animation frame, where layout is
    /// still clean from the last paint: reading the scroll position is then free, and the
    /// browser lays out once per frame. (Writes between frames, such as a progress text
    /// per slice, made each read force a layout of its own.)
    fn draw(&mut self, host: Host, moved: bool) {
        self.last_draw = js_sys::Date::now();
        self.scroll_pending = false;
        // A view moved to the end picks up rows that arrived meanwhile, and follows on.
        if std::mem::take(&mut self.follow_pending) || moved {
            self.refresh_list_following();
        } else {
            self.refresh_list();
        }
        self.refresh_chrome(host);
        if !self.first_rows_marked && !self.ui.list.rendered_range().is_empty() {
            self.first_rows_marked = true;
            dom::mark(FIRST_ROWS_MARK);
        }
        if let Some(progress) = self.progress_pending.take() {
            // The job was taken when the update arrived; this only paints the bar.
            let _ = self.ui.progress.show(progress);
        }
    }

    fn refresh_chrome(&mut self, host: Host) {
        self.refresh_summary_line();
        let mut summary = format!(
            "{} · {} shown",
            format::count(self.log.len(), "request", "requests"),
            self.log.visible().len(),
        );
        if self.log.dropped() > 0 {
            summary.push_str(&format!(
                " · {} oldest dropped (limit {})",
                self.log.dropped(),
                self.log.capacity()
            ));
        }
        set_text(&self.ui.summary, &summary);
        let empty = self.log.visible().is_empty();
        dom::set_flag(&self.ui.empty, "hidden", !empty);
        if empty {
            set_text(&self.ui.empty, empty_text(host, self.log.is_empty()));
        }
    }

    /// Updates the toolbar's summary line from the engine's incremental summary; the live
    /// region is only touched when the words change, so screen readers hear changes only.
    fn refresh_summary_line(&mut self) {
        let summary = self.analyzer.summary();
        let line = summary.line();
        if self.ui.summary_text.text_content().as_deref() == Some(line.as_str()) {
            return;
        }
        set_text(&self.ui.summary_text, &line);
        dom::set_attr(&self.ui.summary_line, "title", &line);
        toggle_class(&self.ui.summary_line, "has-failures", summary.failures > 0);
    }

    fn add(&mut self, batch: Vec<Incoming>, live: bool, app: &App) {
        if batch.is_empty() {
            return;
        }
        let first = self.log.is_empty();
        let mut revised = Vec::new();
        for (x, meta) in batch {
            self.log
                .push_analysed(&mut self.analyzer, x, meta.as_ref(), &mut revised);
        }
        if self.selected.is_some_and(|id| self.log.get(id).is_none()) {
            self.deselect();
        }
        self.follow_pending |= live;
        // Earlier rows whose findings changed: redraw just those (if in view).
        revised.sort_unstable();
        revised.dedup();
        for id in revised {
            if let Some(entry) = self.log.get(id) {
                let row =
                    rows::render(entry, self.selected == Some(id), self.related.contains(&id));
                self.ui.list.replace_row(id, row);
            }
            if self.selected == Some(id) {
                // A revision can link the selected exchange to others.
                self.set_related(self.log.related(id));
                self.show_detail(app);
            }
        }
        if first {
            // The first rows are drawn at once: the frame they need comes sooner after
            // this task than after the next frame's callbacks (first paint of a backfill).
            self.draw(app.host(), false);
        } else {
            self.request_frame(app);
        }
    }

    fn set_row_selected(&self, id: u64, on: bool) {
        if let Some(row) = self.ui.list.row(id) {
            toggle_class(row, "selected", on);
            dom::set_attr(row, "aria-selected", if on { "true" } else { "false" });
        }
    }

    fn show_detail(&mut self, app: &App) {
        let Some(entry) = self.selected.and_then(|id| self.log.get(id)) else {
            return;
        };
        // Re-rendering removes the focused control; keep keyboard users where they were.
        let had_focus = dom::document()
            .and_then(|d| d.active_element())
            .is_some_and(|a| self.ui.detail.host().contains(Some(&a)));
        let view = detail::render(&self.log, entry, self.tab, self.reveal, app);
        self.ui.detail.show(view);
        toggle_class(&self.ui.main, "has-detail", true);
        if had_focus {
            self.focus_selected_tab();
        }
    }

    fn focus_selected_tab(&self) {
        if let Some(tab) = self
            .ui
            .detail
            .host()
            .query_selector(".tab.selected")
            .ok()
            .flatten()
        {
            dom::focus(&tab);
        }
    }

    fn set_related(&mut self, related: Vec<u64>) {
        for id in &self.related {
            if let Some(row) = self.ui.list.row(*id) {
                toggle_class(row, "related", false);
            }
        }
        for id in &related {
            if let Some(row) = self.ui.list.row(*id) {
                toggle_class(row, "related", true);
            }
        }
        self.related = related;
    }

    fn select(&mut self, id: u64, app: &App) {
        if let Some(old) = self.selected {
            self.set_row_selected(old, false);
        }
        self.selected = Some(id);
        self.set_row_selected(id, true);
        self.set_related(self.log.related(id));
        if let Some(pos) = self.log.position(id) {
            self.ui.list.scroll_into_view(pos);
        }
        self.show_detail(app);
        self.refresh_list();
    }

    fn deselect(&mut self) {
        if let Some(old) = self.selected.take() {
            self.set_row_selected(old, false);
        }
        self.set_related(Vec::new());
        self.ui.detail.clear();
        toggle_class(&self.ui.main, "has-detail", false);
    }

    fn refilter(&mut self, host: Host) {
        let auth_only = self.log.auth_only();
        self.log
            .set_filter(Query::parse(&self.filter_text), auth_only);
        self.refresh_list();
        self.refresh_chrome(host);
    }

    fn notice(&self, kind: NoticeKind, text: &str) {
        set_text(&self.ui.notice, text);
        toggle_class(&self.ui.notice, "success", kind == NoticeKind::Success);
        toggle_class(&self.ui.notice, "error", kind == NoticeKind::Error);
        let time = clock_now();
        let item = el("li")
            .class(match kind {
                NoticeKind::Success => "success",
                NoticeKind::Error => "error",
                NoticeKind::Info => "info",
            })
            .child(el("time").text(&time))
            .text_node(" ")
            .text_node(text)
            .into_element();
        let _ = self
            .ui
            .action_log
            .insert_before(&item, self.ui.action_log.first_child().as_ref());
        // The log is bounded like everything else the panel keeps.
        while self.ui.action_log.child_element_count() > MAX_LOGGED_ACTIONS {
            if let Some(last) = self.ui.action_log.last_element_child() {
                last.remove();
            }
        }
    }

    fn update(&mut self, msg: Msg, app: &App) {
        let host = app.host();
        match msg {
            Msg::Captured(batch) => {
                if self.recording {
                    self.add(batch, true, app);
                }
            }
            Msg::Imported(batch) => self.add(batch, false, app),
            Msg::ExpectImport(n) => self.log.reserve(n),
            Msg::Progress(progress) => {
                // The job now (Cancel must reach it), the bar at the next draw; except its
                // first appearance, written at once: until it shows, a user who chose a
                // 40 MB file sees nothing happen, and a load that ends before the next frame
                // (frames come every ~100 ms while slices run) would never show it at all.
                self.running_job = progress.as_ref().and_then(|p| p.cancel.clone());
                if progress.is_some() && self.ui.progress.is_hidden() {
                    self.progress_pending = None;
                    self.ui.progress.show(progress);
                } else {
                    self.progress_pending = Some(progress);
                    self.request_frame(app);
                }
            }
            Msg::CancelProgress => {
                if let Some(job) = self.running_job.take() {
                    job.cancel();
                    self.progress_pending = None;
                    self.ui.progress.show(None);
                    self.notice(
                        NoticeKind::Info,
                        &format!(
                            "Import cancelled after {}.",
                            format::count(self.log.len(), "entry", "entries")
                        ),
                    );
                }
            }
            Msg::Reanalyze(config) => self.analyzer = Analyzer::new(config),
            Msg::Export(kind, opts) => {
                let shown = self.log.visible().to_vec();
                if shown.is_empty() {
                    self.notice(NoticeKind::Info, "Nothing to export: no request is shown.");
                } else {
                    // One export at a time: a new one replaces the one in progress.
                    if let Some(job) = self.export_job.take() {
                        job.cancel();
                    }
                    self.export_job = Some(export::start(app, kind, shown, opts));
                }
            }
            Msg::ExportProgress(progress) => {
                if progress.is_none() {
                    self.export_job = None;
                }
                self.ui.export_progress.show(progress);
            }
            Msg::CancelExport => {
                if let Some(job) = self.export_job.take() {
                    job.cancel();
                    self.ui.export_progress.show(None);
                    self.notice(NoticeKind::Info, "Export cancelled: nothing was saved.");
                }
            }
            Msg::CopyReady(message, text) => {
                self.ui
                    .confirm
                    .show(export::copy_ready_view(app, &message, text));
            }
            Msg::Dismiss => self.ui.confirm.clear(),
            Msg::Banner(text) => {
                dom::set_flag(&self.ui.banner, "hidden", text.is_none());
                set_text(&self.ui.banner, text.as_deref().unwrap_or(""));
            }
            Msg::Select(id) => {
                if self.log.get(id).is_some() {
                    self.select(id, app);
                }
            }
            Msg::Deselect => {
                self.deselect();
                self.refresh_list();
            }
            Msg::FocusDetail => self.focus_selected_tab(),
            Msg::Nav(nav) => {
                let visible = self.log.visible();
                let Some(last) = visible.len().checked_sub(1) else {
                    return;
                };
                let current = self.selected.and_then(|id| self.log.position(id));
                let page = self.ui.list.page_rows();
                let target = match (nav, current) {
                    (Nav::Home, _) => 0,
                    (Nav::End, _) => last,
                    (Nav::Up, Some(i)) => i.saturating_sub(1),
                    (Nav::Down, Some(i)) => (i + 1).min(last),
                    (Nav::PageUp, Some(i)) => i.saturating_sub(page),
                    (Nav::PageDown, Some(i)) => (i + page).min(last),
                    (Nav::Up | Nav::PageUp, None) => last,
                    (Nav::Down | Nav::PageDown, None) => 0,
                };
                if let Some(id) = visible.get(target).copied() {
                    self.select(id, app);
                }
            }
            Msg::FilterText(text) => {
                self.filter_text = text;
                self.refilter(host);
            }
            Msg::AuthOnly(on) => {
                self.log.set_filter(Query::parse(&self.filter_text), on);
                self.refresh_list();
                self.refresh_chrome(host);
            }
            Msg::Preserve(on) => self.preserve = on,
            Msg::Recording(on) => {
                self.recording = on;
                if let Some(b) = &self.ui.record {
                    toggle_class(b, "on", on);
                    dom::set_attr(b, "aria-pressed", if on { "true" } else { "false" });
                    dom::set_attr(
                        b,
                        "title",
                        if on {
                            "Stop recording"
                        } else {
                            "Record network log"
                        },
                    );
                }
            }
            Msg::Clear => self.clear(host),
            Msg::Navigated(_) => {
                if !self.preserve {
                    self.clear(host);
                }
            }
            Msg::Scrolled => {
                // A scrolled list must not show a blank window: the next frame, always.
                self.scroll_pending = true;
                animation_frame(app);
            }
            Msg::Frame => self.frame(app),
            Msg::Draw => self.draw(host, false),
            Msg::Tab(tab) => {
                self.tab = tab;
                self.show_detail(app);
            }
            Msg::RevealSecrets(on) => {
                self.reveal = on;
                self.show_detail(app);
            }
            Msg::Action(action, snippet) => self.action(action, snippet, app),
            Msg::Copy(text) => actions::copy(app, text),
            Msg::AskClear(what) => {
                if host == Host::Panel {
                    actions::ask_clear(app, what, self.origin_candidates());
                } else {
                    self.notice(NoticeKind::Info, PANEL_ONLY);
                }
            }
            Msg::ShowConfirm(what, choices) => {
                self.ui
                    .confirm
                    .show(actions::confirm_view(app, what, &choices));
            }
            Msg::RunClear(what, origins) => {
                self.ui.confirm.clear();
                actions::run_clear(app, what, origins);
            }
            Msg::CancelConfirm => {
                self.ui.confirm.clear();
                self.notice(NoticeKind::Info, "Cancelled: nothing was cleared.");
            }
            Msg::Notice(kind, text) => self.notice(kind, &text),
        }
    }

    fn clear(&mut self, host: Host) {
        // Clearing mid-import stops the import too, or its next slices would refill the list.
        if let Some(job) = self.running_job.take() {
            job.cancel();
            self.progress_pending = None;
            self.ui.progress.show(None);
        }
        if let Some(job) = self.export_job.take() {
            job.cancel();
            self.ui.export_progress.show(None);
        }
        dom::set_flag(&self.ui.banner, "hidden", true);
        self.deselect();
        self.log.clear();
        self.analyzer = Analyzer::new(Config::default());
        self.ui.list.reset();
        self.refresh_list();
        self.refresh_chrome(host);
    }

    /// Origins offered for clearing besides the inspected page: the selected request's
    /// (preselected) and, unchecked, those of other failing requests.
    fn origin_candidates(&self) -> Vec<OriginChoice> {
        const MAX_OFFERED: usize = 6;
        let mut out: Vec<OriginChoice> = Vec::new();
        let selected = self.selected.and_then(|id| self.log.get(id));
        if let Some(e) = selected {
            out.push(OriginChoice {
                origin: e.exchange.url().origin(),
                checked: true,
                why: "selected request",
            });
        }
        for e in self
            .log
            .iter()
            .rev()
            .filter(|e| e.exchange.is_auth_failure())
        {
            if out.len() >= MAX_OFFERED {
                break;
            }
            let origin = e.exchange.url().origin();
            if !out.iter().any(|c| c.origin == origin) {
                out.push(OriginChoice {
                    origin,
                    checked: false,
                    why: "a failing request",
                });
            }
        }
        out
    }

    fn action(&mut self, action: Action, snippet: Option<String>, app: &App) {
        let panel = app.host() == Host::Panel;
        match action {
            Action::ClearSiteCookies if panel => actions::ask_clear(
                app,
                ClearWhat {
                    cookies: true,
                    cache: false,
                },
                self.origin_candidates(),
            ),
            Action::ClearSiteCache if panel => actions::ask_clear(
                app,
                ClearWhat {
                    cookies: false,
                    cache: true,
                },
                self.origin_candidates(),
            ),
            Action::HardReload if panel => actions::hard_reload(app),
            Action::ClearSiteCookies | Action::ClearSiteCache | Action::HardReload => {
                self.notice(NoticeKind::Info, PANEL_ONLY)
            }
            Action::CopyFetch | Action::CopyCurl => match snippet {
                Some(text) => actions::copy(app, text),
                None => self.notice(NoticeKind::Error, "Nothing to copy for this request."),
            },
        }
    }
}
