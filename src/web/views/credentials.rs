//! The Credentials tab: every credential a request carried, decoded by
//! [`crate::credentials`] (masked there), with JWT header and claims in tables, times in
//! UTC and relative to the request, and the lifetime bar.

use serde_json::Value;

use crate::credentials::{self, Context, DecodedCredential, Kind, RequestCredential};
use crate::diagnostic::Diagnostic;
use crate::jose::{ClaimsView, TimeClaim};

use super::super::dom::{el, El};
use super::{findings, lifetime};

/// Clock-skew leeway the tab judges times with (the diagnosis engine's default).
const LEEWAY_SECS: i64 = 60;

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Jws => "JWT (JWS)",
        Kind::Jwe => "JWE (encrypted)",
        Kind::Opaque => "opaque token",
        Kind::Basic => "Basic",
        Kind::Digest => "Digest",
        Kind::Dpop => "DPoP proof",
        Kind::Negotiate => "Negotiate",
        Kind::Ntlm => "NTLM",
        Kind::Aws4 => "AWS SigV4",
        Kind::Apikey => "API key",
        Kind::Unknown => "unknown",
    }
}

/// A `name | value` table row.
fn kv(name: &str, value: &str) -> El {
    el("div")
        .class("kv")
        .child(el("span").class("kv-name").text(name))
        .child(el("span").class("kv-value").class("mono").text(value))
}

/// A JSON value in one line; strings without quotes.
fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn time_row(t: &TimeClaim, reference: &str) -> El {
    el("div")
        .class("kv")
        .class("time-claim")
        .child(el("span").class("kv-name").text(t.claim))
        .child(
            el("span")
                .class("kv-value")
                .child(el("span").class("mono").text(&t.utc))
                .child(
                    el("span")
                        .class("relative")
                        .text(&format!(" — {} {reference}", t.relative)),
                ),
        )
}

fn json_table(title: &str, class: &str, value: &Value, view: Option<(&ClaimsView, &str)>) -> El {
    let rows: Vec<El> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let time = view.and_then(|(cv, reference)| {
                    let t = match k.as_str() {
                        "exp" => cv.exp.as_ref(),
                        "nbf" => cv.nbf.as_ref(),
                        "iat" => cv.iat.as_ref(),
                        _ => None,
                    };
                    t.map(|t| (t, reference))
                });
                match time {
                    Some((t, reference)) => time_row(t, reference),
                    None => kv(k, &compact(v)),
                }
            })
            .collect(),
        other => vec![kv("(value)", &compact(other))],
    };
    el("div")
        .class("kv-table")
        .class(class)
        .child(el("h4").text(title))
        .children(rows)
}

fn lifetime_bar(view: &ClaimsView, reference: &str) -> Option<El> {
    let secs = |t: &Option<TimeClaim>| t.as_ref().map(|t| t.secs_from_reference);
    let g = lifetime::geometry(
        secs(&view.iat),
        secs(&view.nbf),
        secs(&view.exp),
        LEEWAY_SECS,
    )?;
    let start = view
        .nbf
        .as_ref()
        .map(|t| format!("nbf {} {reference}", t.relative))
        .or_else(|| {
            view.iat
                .as_ref()
                .map(|t| format!("iat {} {reference}", t.relative))
        })
        .unwrap_or_else(|| "no iat".to_owned());
    let end = view
        .exp
        .as_ref()
        .map(|t| format!("exp {} {reference}", t.relative))
        .unwrap_or_default();
    Some(lifetime::render(&g, &start, &end, reference))
}

fn diagnostics(list: &[Diagnostic]) -> Option<El> {
    (!list.is_empty()).then(|| {
        el("ul").class("diagnostics").children(list.iter().map(|d| {
            el("li")
                .class(&format!("diag-{}", d.severity.as_str()))
                .child(el("code").text(d.code))
                .text_node(&format!(" at byte {}: {}", d.offset, d.message))
        }))
    })
}

/// Serialised sub-structures (Basic, Digest, DPoP, opaque…) as a generic table: the core
/// already masks what they hold.
fn details_table(title: &str, value: Option<Value>) -> Option<El> {
    let value = value.filter(|v| !v.is_null())?;
    Some(json_table(title, "details", &value, None))
}

/// Draws one decoded credential; `reference` names the instant times are relative to
/// (`this request`, `now`).
pub fn credential(location: &str, c: &DecodedCredential, reference: &str) -> El {
    let mut head = format!("{location} · {}", kind_label(c.kind));
    if !c.scheme.is_empty() {
        head.push_str(&format!(" · scheme {}", c.scheme));
    }
    let mut facts = Vec::new();
    if let Some(t) = &c.token {
        facts.push(kv("Token", &t.masked));
    }
    if let Some(f) = &c.fingerprint {
        facts.push(kv("Fingerprint", f));
    }
    if let Some(i) = &c.issuer_hint {
        facts.push(kv("Issuer", i));
    }
    if let Some(u) = &c.username {
        facts.push(kv("Username", u));
    }
    if let Some(b) = &c.basic {
        facts.push(kv(
            "Password",
            &if b.password_empty {
                "empty".to_owned()
            } else {
                format!("{} chars (never shown)", b.password_length)
            },
        ));
    }
    if let Some(p) = &c.placeholder {
        facts.push(kv(
            "Placeholder",
            &serde_json::to_value(p)
                .map(|v| compact(&v))
                .unwrap_or_default(),
        ));
    }
    el("section")
        .class("credential")
        .attr("data-kind", &format!("{:?}", c.kind).to_lowercase())
        .child(el("h3").class("cred-title").text(&head))
        .child_opt((!facts.is_empty()).then(|| el("div").class("kv-table").children(facts)))
        .child_opt(
            c.claims_view
                .as_ref()
                .and_then(|v| lifetime_bar(v, reference)),
        )
        .child_opt(
            c.header
                .as_ref()
                .map(|h| json_table("Header", "jwt-header", h, None)),
        )
        .child_opt(c.claims.as_ref().map(|cl| {
            let view = c.claims_view.as_ref().map(|v| (v, reference));
            json_table("Claims", "jwt-claims", cl, view)
        }))
        .child_opt(c.jose.as_ref().and_then(|j| {
            j.signature.as_ref().map(|s| {
                el("div").class("kv-table").child(kv(
                    "Signature",
                    &format!("{} ({} bytes, never shown)", s.masked, s.bytes),
                ))
            })
        }))
        .child_opt(details_table(
            "Digest",
            c.digest.as_ref().and_then(|d| serde_json::to_value(d).ok()),
        ))
        .child_opt(details_table(
            "DPoP proof",
            c.dpop.as_ref().and_then(|d| serde_json::to_value(d).ok()),
        ))
        .child_opt(details_table(
            "Token shape",
            c.opaque.as_ref().and_then(|d| serde_json::to_value(d).ok()),
        ))
        .child_opt(details_table(
            "SigV4",
            c.aws4.as_ref().and_then(|d| serde_json::to_value(d).ok()),
        ))
        .child_opt(details_table(
            "Negotiate",
            c.negotiate
                .as_ref()
                .and_then(|d| serde_json::to_value(d).ok()),
        ))
        .child_opt((!c.findings.is_empty()).then(|| {
            el("div")
                .class("notes")
                .children(c.findings.iter().map(findings::render_note))
        }))
        .child_opt(diagnostics(&c.diagnostics))
}

/// Draws every credential of a request, decoded relative to `at`.
pub fn render_request(request: &crate::exchange::Request, at: crate::time::Timestamp) -> El {
    let ctx = Context::new(at).with_leeway(LEEWAY_SECS);
    let list: Vec<RequestCredential> = credentials::from_request(request, &ctx);
    if list.is_empty() {
        return el("div")
            .class("credentials-tab")
            .child(el("p").class("empty-note").text(
                "This request carried no credentials: no Authorization, Proxy-Authorization, API-key header, token cookie or token in the URL.",
            ));
    }
    el("div").class("credentials-tab").children(
        list.iter()
            .map(|rc| credential(&rc.location, &rc.credential, "this request")),
    )
}
