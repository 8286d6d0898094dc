//! The Diagnosis tab, the answer first: ranked findings with evidence and fixes.

use super::super::app::App;
use super::super::dom::{el, El};
use super::super::store::Entry;
use super::findings;

/// Draws the tab for one entry; `reveal` unmasks secrets in the fixes' snippets.
pub fn render(entry: &Entry, reveal: bool, app: &App) -> El {
    let report = &entry.report;
    let x = &entry.exchange;
    let fixes = report.render_fixes(x, reveal);
    let intro = if report.findings.is_empty() {
        Some(if report.auth_failure {
            "No rule explains this failure. The Credentials, Challenge and Headers tabs show what was sent and what came back."
        } else {
            "Nothing to report about authentication for this request."
        })
    } else {
        None
    };
    el("div")
        .class("diagnosis-tab")
        .child_opt(intro.map(|t| el("p").class("empty-note").text(t)))
        // `render_fixes` yields one entry per finding, in the same order.
        .children(
            report
                .findings
                .iter()
                .zip(fixes.iter())
                .map(|(f, (_, rendered))| findings::render(f, rendered, app)),
        )
}
