//! The detail pane: a tab strip and the selected tab's content for one entry.

use super::super::app::{App, Msg};
use super::super::dom::{el, View};
use super::super::store::Entry;
use super::headers;

/// The detail tabs, in strip order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// Request and response headers, auth-related ones set apart.
    #[default]
    Headers,
}

impl Tab {
    /// Every tab in strip order.
    pub const ALL: &'static [Tab] = &[Tab::Headers];

    /// The label on the tab.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Headers => "Headers",
        }
    }

    /// A stable id for tests and `aria-controls`.
    pub fn id(self) -> &'static str {
        match self {
            Tab::Headers => "headers",
        }
    }
}

/// Draws the pane for `entry` with `tab` selected.
pub fn render(entry: &Entry, tab: Tab, reveal: bool, app: &App) -> View {
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
                        app.dispatch(Msg::RevealSecrets(super::super::dom::event_checked(e)))
                    }),
            )
            .text_node("Show secrets")
    };
    let body = match tab {
        Tab::Headers => headers::render(entry, reveal),
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
                .attr("aria-labelledby", &format!("tab-{}", tab.id()))
                .child(body),
        )
        .into_view()
}
