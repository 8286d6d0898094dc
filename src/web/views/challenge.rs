//! The Challenge tab: every `WWW-Authenticate` / `Proxy-Authenticate` challenge parsed into
//! scheme and parameters, each parameter explained, and the parser's diagnostics pointing
//! into the raw value.

use crate::challenge::{
    explain_all, parse_challenges, parse_proxy_challenges, ExplainContext, Explanation,
    ParsedChallenges,
};
use crate::diagnostic::Diagnostic;
use crate::exchange::Headers;

use super::super::dom::{el, El};
use super::findings;

/// At most this many positions are highlighted in one raw value.
const MAX_MARKS: usize = 32;

/// The largest char boundary at or before `i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The raw value as text with each diagnostic's byte marked (`<mark>` around one
/// character, or a caret at the end), so the user sees where the parser stopped.
pub fn highlighted(raw: &str, diagnostics: &[Diagnostic]) -> El {
    let mut offsets: Vec<usize> = diagnostics
        .iter()
        .map(|d| floor_boundary(raw, d.offset))
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    offsets.truncate(MAX_MARKS);
    let mut out = el("code").class("raw-value");
    let mut pos = 0;
    for at in offsets {
        if at < pos {
            continue;
        }
        out = out.text_node(raw.get(pos..at).unwrap_or(""));
        let end = raw
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        let marked = raw.get(at..end).unwrap_or("");
        let codes: Vec<&str> = diagnostics
            .iter()
            .filter(|d| floor_boundary(raw, d.offset) == at)
            .map(|d| d.code)
            .collect();
        out = out.child(
            el("mark")
                .class_if(marked.is_empty(), "at-end")
                .attr("title", &codes.join(", "))
                .text(if marked.is_empty() { "␣" } else { marked }),
        );
        pos = end;
    }
    out.text_node(raw.get(pos..).unwrap_or(""))
}

fn diagnostics_list(parsed: &ParsedChallenges<'_>) -> Option<El> {
    (!parsed.diagnostics.is_empty()).then(|| {
        el("ul")
            .class("diagnostics")
            .children(parsed.diagnostics.iter().map(|d| {
                el("li")
                    .class(&format!("diag-{}", d.severity.as_str()))
                    .child(el("code").text(d.code))
                    .text_node(&format!(" at byte {}: {}", d.offset, d.message))
            }))
    })
}

fn explanation(e: &Explanation) -> El {
    let params =
        (!e.params.is_empty()).then(|| {
            el("div")
                .class("param-table")
                .attr("role", "table")
                .children(e.params.iter().map(|p| {
                    el("div")
                        .class("param")
                        .class_if(!p.known, "unknown-param")
                        .attr("role", "row")
                        .child(
                            el("span")
                                .class("param-name")
                                .attr("role", "cell")
                                .text(&p.name),
                        )
                        .child(
                            el("span")
                                .class("param-value")
                                .class("mono")
                                .attr("role", "cell")
                                .text(&p.value),
                        )
                        .child(
                            el("span")
                                .class("param-meaning")
                                .attr("role", "cell")
                                .text(&p.meaning)
                                .child_opt(p.spec.as_ref().map(|s| {
                                    el("span").text_node(" ").child(findings::spec_link(s))
                                })),
                        )
                }))
        });
    el("article")
        .class("challenge")
        .attr("data-scheme", &e.scheme.to_ascii_lowercase())
        .child(
            el("h4")
                .child(el("span").class("scheme").text(&e.scheme))
                .child_opt(e.proxy.then(|| el("span").class("proxy-tag").text("proxy")))
                .child_opt(e.spec.as_ref().map(findings::spec_link)),
        )
        .child(el("p").class("challenge-summary").text(&e.summary))
        .child_opt(params)
        .child_opt(e.token68.as_ref().map(|t| {
            el("div")
                .class("kv")
                .child(el("span").class("kv-name").text("token68"))
                .child(el("span").class("kv-value").class("mono").text(&t.masked))
        }))
        .child_opt(e.token_request.as_ref().and_then(|t| {
            serde_json::to_string_pretty(t)
                .ok()
                .map(|json| el("pre").class("token-request").text(&json))
        }))
        .child_opt(e.entra.as_ref().and_then(|t| {
            serde_json::to_string_pretty(t)
                .ok()
                .map(|json| el("pre").class("entra-hint").text(&json))
        }))
        .child_opt((!e.notes.is_empty()).then(|| {
            el("div")
                .class("notes")
                .children(e.notes.iter().map(findings::render_note))
        }))
}

/// Draws one header's challenges (the fields joined as RFC 9110 §5.3 combines them).
pub fn field(name: &str, fields: &[&str], proxy: bool, ctx: &ExplainContext<'_>) -> El {
    let parsed = if proxy {
        parse_proxy_challenges(fields)
    } else {
        parse_challenges(fields)
    };
    let raw = fields.join(", ");
    let explained = explain_all(&parsed, ctx);
    el("section")
        .class("challenge-field")
        .child(el("h3").text(name))
        .child(
            el("div")
                .class("raw")
                .child(highlighted(&raw, &parsed.diagnostics)),
        )
        .child_opt(diagnostics_list(&parsed))
        .children(explained.iter().map(explanation))
}

/// Draws the tab for a response.
pub fn render(status: u16, headers: &Headers) -> El {
    let ctx = ExplainContext {
        status: Some(status),
        dpop_nonce: headers.get("dpop-nonce"),
    };
    let www: Vec<&str> = headers.get_all("www-authenticate").collect();
    let proxy: Vec<&str> = headers.get_all("proxy-authenticate").collect();
    let mut tab = el("div").class("challenge-tab");
    if www.is_empty() && proxy.is_empty() {
        let note = if matches!(status, 401 | 407) {
            "The response carries no challenge, although RFC 9110 §11.6.1 requires a 401 to send WWW-Authenticate (and §11.7.1 a 407 to send Proxy-Authenticate): the client cannot learn which scheme to use."
        } else {
            "The response carries no WWW-Authenticate or Proxy-Authenticate challenge."
        };
        return tab.child(el("p").class("empty-note").text(note));
    }
    if !www.is_empty() {
        tab = tab.child(field("WWW-Authenticate", &www, false, &ctx));
    }
    if !proxy.is_empty() {
        tab = tab.child(field("Proxy-Authenticate", &proxy, true, &ctx));
    }
    tab
}
