//! The request list's columns and rows.
//!
//! Rows carry no listeners: the list container handles clicks and keys by delegation
//! (`data-key` names the row), so a row costs only its nodes.

use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::finding::Severity;

use super::super::dom::{el, El};
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

thread_local! {
    /// An empty row with its cells, classes and roles, cloned for every row drawn: one DOM
    /// call instead of about thirty (element, class, role per cell). A list following a
    /// burst of live requests draws a screenful of new rows ten times a second.
    static TEMPLATE: Element = el("div")
        .class("row")
        .attr("role", "row")
        .children(COLUMNS.iter().map(|(key, _)| {
            el("div")
                .class("cell")
                .class(&format!("c-{key}"))
                .attr("role", "gridcell")
        }))
        .into_element();
}

/// A fresh copy of [`TEMPLATE`] and its cells in column order.
fn blank_row() -> (Element, Vec<Element>) {
    let row = TEMPLATE
        .with(|t| t.clone_node_with_deep(true))
        .ok()
        .and_then(|n| n.dyn_into::<Element>().ok())
        .unwrap_or_else(|| el("div").class("row").into_element());
    let mut cells = Vec::with_capacity(COLUMNS.len());
    let mut next = row.first_element_child();
    while let Some(cell) = next {
        next = cell.next_element_sibling();
        cells.push(cell);
    }
    (row, cells)
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
    let (row, cells) = blank_row();
    // Captured values go in through the builder (text and attribute values only, titles
    // with controls made visible), as everywhere else.
    let row = El::wrap(row)
        .class_if(failed, "auth-fail")
        .class_if(selected, "selected")
        .class_if(related, "related")
        .attr("data-key", &entry.id.to_string())
        .attr("aria-selected", if selected { "true" } else { "false" })
        .into_element();
    let mut cells = cells.into_iter().map(El::wrap);
    let mut next = || cells.next().unwrap_or_else(|| el("div"));
    let status_cell = next();
    if failed {
        let meaning = format::auth_status_meaning(status).unwrap_or("");
        let _ = status_cell.attr("title", meaning).child(
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
        );
    } else {
        let _ = status_cell
            .class_if(status == 0 || status >= 400, "error-status")
            .text(&format::status(status));
    }
    let _ = next().text(&x.request.method);
    let _ = next().text(&name).attr("title", &name);
    let _ = next().text(x.resource_type.as_deref().unwrap_or("other"));
    let _ = next().text(entry.report.scheme_sent.as_deref().unwrap_or(""));
    let finding_cell = next();
    if let Some(f) = entry.report.top() {
        let _ = finding_cell
            .text(&f.title)
            .class_if(f.severity == Severity::Error, "sev-error")
            .class_if(f.severity == Severity::Warning, "sev-warning")
            .attr("data-rule", f.id)
            .attr("title", &format!("{} ({})", f.title, f.id));
    }
    let time_title = x
        .started_at
        .map(|t| format!("started {} (UTC)", format::utc_time(t)));
    let _ = next()
        .text(&format::duration(x.time_ms))
        .attr_opt("title", time_title.as_deref());
    row
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
