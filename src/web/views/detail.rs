//! The detail pane: a tab strip and the selected tab's content for one entry. The first
//! tab is the answer (Diagnosis); raw headers come last.

use super::super::app::{App, Msg};
use super::super::dom::{el, event_checked, View};
use super::super::store::{Entry, Log};
use super::{challenge, credentials, diagnosis, flow, headers};
use crate::time::Timestamp;

/// The detail tabs, in strip order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// Ranked findings with evidence and fixes.
    #[default]
    Diagnosis,
    /// Every credential the request carried, decoded.
    Credentials,
    /// The response's challenges, parsed and explained.
    Challenge,
    /// Request and response headers, auth-related ones set apart.
    Headers,
    /// The linked exchanges as a sequence diagram, and the failure rate over time.
    Flow,
}

impl Tab {
    /// The tab `step` places away in strip order, wrapping (ArrowLeft / ArrowRight).
    pub fn cycle(self, step: isize) -> Tab {
        let all = Tab::ALL;
        let at = all.iter().position(|t| *t == self).unwrap_or(0);
        let len = all.len() as isize;
        let next = (at as isize + step).rem_euclid(len) as usize;
        all.get(next).copied().unwrap_or_default()
    }

    /// Every tab in strip order.
    pub const ALL: &'static [Tab] = &[
        Tab::Diagnosis,
        Tab::Credentials,
        Tab::Challenge,
        Tab::Headers,
        Tab::Flow,
    ];

    /// The label on the tab.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Diagnosis => "Diagnosis",
            Tab::Credentials => "Credentials",
            Tab::Challenge => "Challenge",
            Tab::Headers => "Headers",
            Tab::Flow => "Flow",
        }
    }

    /// A stable id for tests and `aria-labelledby`.
    pub fn id(self) -> &'static str {
        match self {
            Tab::Diagnosis => "diagnosis",
            Tab::Credentials => "credentials",
            Tab::Challenge => "challenge",
            Tab::Headers => "headers",
            Tab::Flow => "flow",
        }
    }
}

/// The instant a request's credentials are judged at: the diagnosis' reference, else the
/// request start, else `fallback` (the face's clock, for captures without times).
pub fn reference_time(entry: &Entry, fallback: Timestamp) -> Timestamp {
    entry
        .report
        .at
        .or(entry.exchange.started_at)
        .unwrap_or(fallback)
}

/// Draws the pane for `entry` (kept in `log`) with `tab` selected.
pub fn render(log: &Log, entry: &Entry, tab: Tab, reveal: bool, app: &App) -> View {
    let close = {
        let app = app.clone();
        el("button")
            .class("icon-button")
            .class("detail-close")
            .attr("title", "Close")
            .attr("aria-label", "Close detail")
            .text("✕")
            .on("click", move |_| app.dispatch(Msg::Deselect))
    };
    let tabs = Tab::ALL.iter().map(|t| {
        let app = app.clone();
        let t = *t;
        let selected = t == tab;
        el("button")
            .class("tab")
            .class_if(selected, "selected")
            .attr("role", "tab")
            .attr("id", &format!("tab-{}", t.id()))
            .attr("data-tab", t.id())
            .attr("aria-selected", if selected { "true" } else { "false" })
            .attr("tabindex", if selected { "0" } else { "-1" })
            .text(t.label())
            .on("click", move |_| app.dispatch(Msg::Tab(t)))
    });
    let reveal_toggle = {
        let app = app.clone();
        el("label")
            .class("toolbar-check")
            .attr("title", "Show credentials unmasked in this pane")
            .child(
                el("input")
                    .attr("type", "checkbox")
                    .class("reveal-secrets")
                    .flag("checked", reveal)
                    .on("change", move |e| {
                        app.dispatch(Msg::RevealSecrets(event_checked(e)))
                    }),
            )
            .text_node("Show secrets")
    };
    let x = &entry.exchange;
    let body = match tab {
        Tab::Diagnosis => diagnosis::render(entry, reveal, app),
        Tab::Credentials => credentials::render_request(
            &x.request,
            reference_time(entry, Timestamp(js_sys::Date::now() as i64)),
        ),
        Tab::Challenge => challenge::render(x.response.status, &x.response.headers),
        Tab::Headers => headers::render(entry, reveal),
        Tab::Flow => flow::render(log, entry.id),
    };
    el("div")
        .class("detail")
        .child(
            el("div")
                .class("detail-tabs")
                .child(close)
                .child(
                    el("div")
                        .attr("role", "tablist")
                        .class("tablist")
                        .children(tabs),
                )
                .child(el("div").class("spacer"))
                .child(reveal_toggle),
        )
        .child(
            el("div")
                .class("detail-body")
                .attr("role", "tabpanel")
                .attr("data-tab", tab.id())
                .attr("aria-labelledby", &format!("tab-{}", tab.id()))
                .child(body),
        )
        .into_view()
}
