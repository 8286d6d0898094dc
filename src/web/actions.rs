//! Browser actions offered by the panel: clear site cookies / cache (confirmed first, with
//! the origins to clear picked by the user), hard reload, copy. Each reports its result
//! through [`Msg::Notice`], which also logs it.

use wasm_bindgen::JsCast;

use super::app::{App, Msg, NoticeKind};
use super::chrome;
use super::clipboard;
use super::dom::{el, View};
use super::messages::WorkerRequest;

/// What a clear-site-data action removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClearWhat {
    /// Cookies.
    pub cookies: bool,
    /// Cache Storage and the HTTP cache.
    pub cache: bool,
}

impl ClearWhat {
    /// Cookies and caches.
    pub const ALL: ClearWhat = ClearWhat {
        cookies: true,
        cache: true,
    };

    fn describe(self) -> &'static str {
        match (self.cookies, self.cache) {
            (true, true) => "cookies and cache",
            (true, false) => "cookies",
            (false, true) => "cache",
            (false, false) => "nothing",
        }
    }
}

/// An origin offered in the confirmation, and whether it starts checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginChoice {
    /// `http(s)://host[:port]`.
    pub origin: String,
    /// Preselected (the inspected site and the failing API).
    pub checked: bool,
    /// Why it is offered, e.g. `inspected page`.
    pub why: &'static str,
}

fn is_web_origin(o: &str) -> bool {
    o.starts_with("http://") || o.starts_with("https://")
}

/// Starts the flow: finds the inspected page's origin, then shows the confirmation with
/// `candidates` (the failing API first) added.
pub fn ask_clear(app: &App, what: ClearWhat, candidates: Vec<OriginChoice>) {
    let app = app.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let mut choices = Vec::new();
        if let Ok(o) = chrome::inspected_origin().await {
            if is_web_origin(&o) {
                choices.push(OriginChoice {
                    origin: o,
                    checked: true,
                    why: "inspected page",
                });
            }
        }
        for c in candidates {
            if is_web_origin(&c.origin) && !choices.iter().any(|x| x.origin == c.origin) {
                choices.push(c);
            }
        }
        if choices.is_empty() {
            app.dispatch(Msg::Notice(
                NoticeKind::Error,
                "Nothing to clear: no http(s) origin is involved.".to_owned(),
            ));
        } else {
            app.dispatch(Msg::ShowConfirm(what, choices));
        }
    });
}

/// The confirmation bar: a checkbox per origin, Clear and Cancel.
pub fn confirm_view(app: &App, what: ClearWhat, choices: &[OriginChoice]) -> View {
    let bar = el("div")
        .class("confirm-bar")
        .attr("role", "alertdialog")
        .attr("aria-label", "Confirm clearing site data");
    let bar_node = bar.node().clone();
    let run = {
        let app = app.clone();
        move |_: &web_sys::Event| {
            let origins = checked_origins(&bar_node);
            app.dispatch(Msg::RunClear(what, origins));
        }
    };
    let cancel = {
        let app = app.clone();
        move |_: &web_sys::Event| app.dispatch(Msg::CancelConfirm)
    };
    bar.child(
        el("span")
            .class("confirm-text")
            .text(&format!("Clear {} for:", what.describe())),
    )
    .children(choices.iter().map(|c| {
        el("label")
            .class("toolbar-check")
            .attr("title", c.why)
            .child(
                el("input")
                    .attr("type", "checkbox")
                    .class("confirm-origin")
                    .attr("value", &c.origin)
                    .flag("checked", c.checked),
            )
            .text_node(&c.origin)
    }))
    .child(el("div").class("spacer"))
    .child(
        el("button")
            .class("text-button")
            .class("danger")
            .class("confirm-clear")
            .text("Clear")
            .on("click", run),
    )
    .child(
        el("button")
            .class("text-button")
            .class("confirm-cancel")
            .text("Cancel")
            .on("click", cancel),
    )
    .into_view()
}

fn checked_origins(bar: &web_sys::Element) -> Vec<String> {
    let Ok(list) = bar.query_selector_all("input.confirm-origin") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
        .filter(|i| i.checked())
        .map(|i| i.value())
        .collect()
}

/// Sends the clear request to the background worker and reports the outcome.
pub fn run_clear(app: &App, what: ClearWhat, origins: Vec<String>) {
    if origins.is_empty() {
        app.dispatch(Msg::Notice(
            NoticeKind::Info,
            "Nothing cleared: no origin was selected.".to_owned(),
        ));
        return;
    }
    app.dispatch(Msg::Notice(
        NoticeKind::Info,
        format!("Clearing {}…", what.describe()),
    ));
    let app = app.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let request = WorkerRequest::ClearSiteData {
            origins: origins.clone(),
            cookies: what.cookies,
            cache_storage: what.cache,
            cache: what.cache,
        };
        let (kind, text) = match chrome::send(&request).await {
            Ok(reply) if reply.ok => {
                let mut text = format!(
                    "Cleared {} for {}.",
                    if reply.removed.is_empty() {
                        "nothing".to_owned()
                    } else {
                        reply.removed.join(", ")
                    },
                    origins.join(", ")
                );
                for s in &reply.skipped {
                    text.push_str(&format!(" Not cleared: {} ({}).", s.data_type, s.reason));
                }
                (NoticeKind::Success, text)
            }
            Ok(reply) => (
                NoticeKind::Error,
                format!(
                    "Clearing site data failed: {}",
                    reply.error.unwrap_or_else(|| "unknown error".to_owned())
                ),
            ),
            Err(e) => (NoticeKind::Error, format!("Clearing site data failed: {e}")),
        };
        app.dispatch(Msg::Notice(kind, text));
    });
}

/// Reloads the inspected page bypassing the cache.
pub fn hard_reload(app: &App) {
    let notice = match chrome::reload(true) {
        Ok(()) => (
            NoticeKind::Success,
            "Reloaded the inspected page, bypassing the cache.".to_owned(),
        ),
        Err(e) => (NoticeKind::Error, format!("Hard reload failed: {e}")),
    };
    app.dispatch(Msg::Notice(notice.0, notice.1));
}

/// Copies `text` (already masked unless the user revealed secrets).
pub fn copy(app: &App, text: String) {
    if clipboard::copy_now(&text) {
        app.dispatch(Msg::Notice(
            NoticeKind::Success,
            "Copied to the clipboard.".to_owned(),
        ));
        return;
    }
    let app = app.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let notice = match clipboard::copy_async(&text).await {
            Ok(()) => (NoticeKind::Success, "Copied to the clipboard.".to_owned()),
            Err(e) => (NoticeKind::Error, format!("Copy failed: {e}")),
        };
        app.dispatch(Msg::Notice(notice.0, notice.1));
    });
}
