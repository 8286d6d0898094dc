//! A finding as the panel shows it: severity (icon and word, never colour alone), title,
//! the rule id linking to its catalogue entry, the plain-English detail, the quoted evidence,
//! spec links, and the fixes with their actions and snippets.

use crate::diagnose;
use crate::finding::{Finding, Severity, SpecRef};
use crate::fixes::{Action, Fix};

use super::super::app::{App, Msg};
use super::super::dom::{el, El};

/// The icon and word for a severity.
pub fn severity_label(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Error => ("✖", "error"),
        Severity::Warning => ("⚠", "warning"),
        Severity::Info => ("ℹ", "info"),
    }
}

/// A severity badge: icon plus word.
pub fn severity_badge(s: Severity) -> El {
    let (icon, word) = severity_label(s);
    el("span")
        .class("sev")
        .class(&format!("sev-{word}"))
        .child(
            el("span")
                .class("sev-icon")
                .attr("aria-hidden", "true")
                .text(icon),
        )
        .child(el("span").class("sev-word").text(word))
}

/// A link to a spec section. Only catalogue URLs (`&'static str`) become links: nothing
/// captured ever lands in an `href`.
pub fn spec_link(spec: &SpecRef) -> El {
    el("a")
        .class("spec-link")
        .attr("href", spec.url)
        .attr("target", "_blank")
        .attr("rel", "noreferrer noopener")
        .text(spec.title)
}

/// The page that holds the rule catalogue, shipped next to the panel and the analyzer
/// (generated from [`diagnose::CATALOGUE`] by `tests/readme.rs`, like the README's).
pub const RULES_PAGE: &str = "rules.html";

/// The rule id as a small code label, the way linters show rule names: a link to the
/// rule's entry in the catalogue page (a new tab), plus an "about" toggle that shows the
/// same entry in place. Only catalogue ids become links: an id the catalogue lacks stays
/// plain text, so nothing captured ever lands in an `href`.
fn rule_label(id: &str) -> El {
    let Some(info) = diagnose::rule(id) else {
        return el("span")
            .class("rule-ref")
            .child(el("code").class("rule-id").text(id));
    };
    let link = el("a")
        .class("rule-link")
        .attr("href", &format!("{RULES_PAGE}#{}", info.id))
        .attr("target", "_blank")
        .attr("rel", "noopener")
        .attr(
            "title",
            &format!("{}: open in the rule catalogue", info.title),
        )
        .child(el("code").class("rule-id").text(info.id));
    let about = el("details")
        .class("rule-about")
        .child(
            el("summary")
                .attr("title", "About this rule")
                .attr("aria-label", &format!("About {}", info.id))
                .text("?"),
        )
        .child(
            el("div")
                .class("rule-info")
                .child(el("strong").text(info.title))
                .child(el("p").text(info.description))
                .child(spec_link(&info.spec)),
        );
    el("span").class("rule-ref").child(link).child(about)
}

fn evidence_list(f: &Finding) -> Option<El> {
    (!f.evidence.is_empty()).then(|| {
        el("dl")
            .class("evidence")
            .children(f.evidence.iter().map(|e| {
                el("div")
                    .class("ev")
                    .child(el("dt").text(&e.label))
                    .child(el("dd").class("mono").text(&e.value))
            }))
    })
}

fn action_label(action: Action) -> &'static str {
    match action {
        Action::ClearSiteCookies => "Clear site cookies…",
        Action::ClearSiteCache => "Clear site cache…",
        Action::HardReload => "Hard reload",
        Action::CopyFetch => "Copy as fetch",
        Action::CopyCurl => "Copy as cURL",
    }
}

fn action_button(action: Action, fix: &Fix, app: &App) -> El {
    let app = app.clone();
    let copy = fix.snippets.first().map(|s| s.code.clone());
    el("button")
        .class("text-button")
        .class("fix-action")
        .attr("data-action", action_name(action))
        .text(action_label(action))
        .on("click", move |_| {
            app.dispatch(Msg::Action(action, copy.clone()));
        })
}

/// The kebab-case name of an action, as in the fix catalogue.
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::ClearSiteCookies => "clear-site-cookies",
        Action::ClearSiteCache => "clear-site-cache",
        Action::HardReload => "hard-reload",
        Action::CopyFetch => "copy-fetch",
        Action::CopyCurl => "copy-curl",
    }
}

/// A code snippet with a copy button.
pub fn snippet(label: &str, code: &str, app: &App) -> El {
    let app = app.clone();
    let text = code.to_owned();
    el("figure")
        .class("snippet")
        .child(
            el("figcaption").child(el("span").text(label)).child(
                el("button")
                    .class("icon-button")
                    .class("copy")
                    .attr("title", "Copy to the clipboard")
                    .attr("aria-label", &format!("Copy {label} snippet"))
                    .text("Copy")
                    .on("click", move |_| {
                        app.dispatch(Msg::Copy(text.clone()));
                    }),
            ),
        )
        .child(el("pre").child(el("code").text(code)))
}

fn fix_view(fix: &Fix, app: &App) -> El {
    let copy_action = matches!(fix.action, Some(Action::CopyFetch | Action::CopyCurl));
    let snippets: Vec<El> = if copy_action {
        Vec::new()
    } else {
        fix.snippets
            .iter()
            .map(|s| snippet(&s.label, &s.code, app).class_if(s.detected, "detected"))
            .collect()
    };
    el("div")
        .class("fix")
        .attr("data-fix", fix.id)
        .child(el("div").class("fix-title").text(&fix.title))
        .child_opt((!fix.steps.is_empty()).then(|| {
            el("ol")
                .class("fix-steps")
                .children(fix.steps.iter().map(|s| el("li").text(s)))
        }))
        .child_opt(fix.action.map(|a| action_button(a, fix, app)))
        .children(snippets)
}

/// Draws one finding with its rendered fixes.
pub fn render(f: &Finding, fixes: &[Fix], app: &App) -> El {
    let (_, word) = severity_label(f.severity);
    el("article")
        .class("finding")
        .class(&format!("finding-{word}"))
        .attr("data-rule", f.id)
        .child(
            el("header")
                .class("finding-head")
                .child(severity_badge(f.severity))
                .child(el("span").class("finding-title").text(&f.title))
                .child(rule_label(f.id)),
        )
        .child(el("p").class("finding-detail").text(&f.detail))
        .child_opt(evidence_list(f))
        .child_opt((!f.refs.is_empty()).then(|| {
            el("div")
                .class("refs")
                .child(el("span").class("refs-label").text("Spec:"))
                .children(f.refs.iter().map(spec_link))
        }))
        .child_opt((!fixes.is_empty()).then(|| {
            el("div")
                .class("fixes")
                .child(el("div").class("fixes-label").text("Fix"))
                .children(fixes.iter().map(|x| fix_view(x, app)))
        }))
}

/// Draws a verdict without fixes (credential and challenge notes).
pub fn render_note(f: &Finding) -> El {
    let (_, word) = severity_label(f.severity);
    el("div")
        .class("note")
        .class(&format!("finding-{word}"))
        .attr("data-rule", f.id)
        .child(severity_badge(f.severity))
        .child(el("span").class("finding-title").text(&f.title))
        .child(rule_label(f.id))
        .child_opt((!f.detail.is_empty()).then(|| el("div").class("note-detail").text(&f.detail)))
}
