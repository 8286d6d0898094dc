//! The request list's columns and rows.
//!
//! Rows carry no listeners: the list container handles clicks and keys by delegation
//! (`data-key` names the row), so a row costs only its nodes.

use web_sys::Element;

use crate::finding::Severity;

use super::super::dom::el;
use super::super::list::Rows;
use super::super::store::{Entry, Log};
use super::format;

/// Row height in CSS pixels; matches DevTools' compact network rows. `panel.css` uses the
/// same value for `.row`.
pub const ROW_HEIGHT: f64 = 21.0;

/// The list's columns: (class suffix, header label).
pub const COLUMNS: &[(&str, &str)] = &[
    ("status", "Status"),
    ("method", "Method"),
    ("name", "Name"),
    ("type", "Type"),
    ("scheme", "Auth"),
    ("finding", "Finding"),
    ("time", "Time"),
];

/// The column header row.
pub fn header() -> Element {
    el("div")
        .class("row")
        .class("list-header")
        .attr("role", "row")
        .children(COLUMNS.iter().map(|(key, label)| {
            el("div")
                .class("cell")
                .class(&format!("c-{key}"))
                .attr("role", "columnheader")
                .text(label)
        }))
        .into_element()
}

/// A short visible label for an auth-failure status, so it never relies on colour.
fn failure_label(status: u16) -> &'static str {
    match status {
        401 => "auth",
        403 => "denied",
        407 => "proxy",
        _ => "",
    }
}

/// Draws one row; `related` marks rows linked to the selected one (a preflight and its
/// request, redirect hops, 401 → refresh → retry).
pub fn render(entry: &Entry, selected: bool, related: bool) -> Element {
    let x = &entry.exchange;
    let url = x.url();
    let status = x.response.status;
    let failed = x.is_auth_failure();
    let name = match url.port {
        Some(port) => format!("{}:{port}{}", url.host, url.path),
        None => format!("{}{}", url.host, url.path),
    };
    let status_cell = {
        let cell = el("div")
            .class("cell")
            .class("c-status")
            .attr("role", "gridcell");
        if failed {
            let meaning = format::auth_status_meaning(status).unwrap_or("");
            cell.attr("title", meaning).child(
                el("span")
                    .class("auth-badge")
                    .attr("aria-label", &format!("{status}, {meaning}"))
                    .child(
                        el("span")
                            .class("auth-icon")
                            .attr("aria-hidden", "true")
                            .text("⚠"),
                    )
                    .child(el("span").class("code").text(&status.to_string()))
                    .child(el("span").class("auth-label").text(failure_label(status))),
            )
        } else {
            cell.class_if(status == 0 || status >= 400, "error-status")
                .text(&format::status(status))
        }
    };
    let finding = entry.report.top();
    let time_title = x
        .started_at
        .map(|t| format!("started {} (UTC)", format::utc_time(t)));
    el("div")
        .class("row")
        .class_if(failed, "auth-fail")
        .class_if(selected, "selected")
        .class_if(related, "related")
        .attr("role", "row")
        .attr("data-key", &entry.id.to_string())
        .attr("aria-selected", if selected { "true" } else { "false" })
        .child(status_cell)
        .child(cell("method", &x.request.method))
        .child(cell("name", &name).attr("title", &name))
        .child(cell("type", x.resource_type.as_deref().unwrap_or("other")))
        .child(cell(
            "scheme",
            entry.report.scheme_sent.as_deref().unwrap_or(""),
        ))
        .child(match finding {
            Some(f) => cell("finding", &f.title)
                .class_if(f.severity == Severity::Error, "sev-error")
                .class_if(f.severity == Severity::Warning, "sev-warning")
                .attr("data-rule", f.id)
                .attr("title", &format!("{} ({})", f.title, f.id)),
            None => cell("finding", ""),
        })
        .child(cell("time", &format::duration(x.time_ms)).attr_opt("title", time_title.as_deref()))
        .into_element()
}

fn cell(key: &str, text: &str) -> super::super::dom::El {
    el("div")
        .class("cell")
        .class(&format!("c-{key}"))
        .attr("role", "gridcell")
        .text(text)
}

/// The visible rows of a [`Log`], as the virtual list sees them.
pub struct LogRows<'a> {
    /// The log.
    pub log: &'a Log,
    /// The selected entry id.
    pub selected: Option<u64>,
    /// Entries related to the selected one.
    pub related: &'a [u64],
}

impl Rows for LogRows<'_> {
    fn len(&self) -> usize {
        self.log.visible().len()
    }

    fn key(&self, index: usize) -> u64 {
        self.log.visible().get(index).copied().unwrap_or(u64::MAX)
    }

    fn render(&self, index: usize) -> Element {
        match self
            .log
            .visible()
            .get(index)
            .and_then(|id| self.log.get(*id))
        {
            Some(entry) => render(
                entry,
                self.selected == Some(entry.id),
                self.related.contains(&entry.id),
            ),
            None => el("div").class("row").into_element(),
        }
    }
}
