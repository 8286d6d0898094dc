//! The Headers tab: general facts, the auth-related fields set apart, then everything else.

use crate::exchange::Headers;

use super::super::dom::{el, El};
use super::super::store::Entry;
use super::{format, secrets};

/// Request fields that carry or describe credentials.
const AUTH_REQUEST: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "dpop",
    "x-api-key",
];

/// Response fields that challenge, set credentials, or date the response (token clocks
/// are judged against `Date`).
const AUTH_RESPONSE: &[&str] = &[
    "www-authenticate",
    "proxy-authenticate",
    "set-cookie",
    "date",
    "authentication-info",
    "proxy-authentication-info",
    "dpop-nonce",
];

fn is_one_of(name: &str, list: &[&str]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// One `name: value` line. Values are masked unless `reveal`.
fn field(name: &str, value: &str, reveal: bool, side: &str) -> El {
    let secret = secrets::is_secret_header(name);
    let shown = if reveal {
        value.to_owned()
    } else {
        secrets::header_value(name, value)
    };
    el("div")
        .class("hdr")
        .attr("data-side", side)
        .child(el("span").class("hdr-name").text(name))
        .child(
            el("span")
                .class("hdr-value")
                .class_if(secret && !reveal, "masked")
                .text(&shown),
        )
}

fn section(title: &str, class: &str, fields: Vec<El>) -> El {
    let empty = fields.is_empty();
    el("section")
        .class("hdr-section")
        .class(class)
        .child(el("h3").class("hdr-title").text(title))
        .children(fields)
        .child_opt(empty.then(|| el("div").class("hdr-none").text("none")))
}

fn fields<'a>(
    headers: &'a Headers,
    side: &'a str,
    reveal: bool,
    keep: impl Fn(&str) -> bool + 'a,
) -> impl Iterator<Item = El> + 'a {
    headers
        .iter()
        .filter(move |h| keep(&h.name))
        .map(move |h| field(&h.name, &h.value, reveal, side))
}

/// Draws the tab for one entry.
pub fn render(entry: &Entry, reveal: bool) -> El {
    let x = &entry.exchange;
    let req = &x.request.headers;
    let res = &x.response.headers;
    let url = if reveal {
        x.request.url.clone()
    } else {
        secrets::url(&x.request.url)
    };
    let mut general = vec![
        general_field("Request URL", &url),
        general_field("Request Method", &x.request.method),
        general_field(
            "Status Code",
            &format!(
                "{} {}",
                format::status(x.response.status),
                x.response.status_text
            ),
        ),
    ];
    if let Some(ip) = &x.server_ip {
        general.push(general_field("Remote Address", ip));
    }
    if let Some(t) = &x.resource_type {
        general.push(general_field("Type", t));
    }
    if let Some(t) = x.started_at {
        general.push(
            general_field("Started", &format::local_time(t))
                .attr("title", &format!("{} (UTC)", format::utc_time(t))),
        );
    }
    if let Some(i) = &x.initiator {
        general.push(general_field("Initiator", &secrets::url(i)));
    }
    let auth: Vec<El> = fields(req, "request", reveal, |n| is_one_of(n, AUTH_REQUEST))
        .chain(fields(res, "response", reveal, |n| {
            is_one_of(n, AUTH_RESPONSE)
        }))
        .collect();
    el("div")
        .class("headers-tab")
        .child(section("General", "general", general))
        .child(section("Authentication", "auth", auth))
        .child(section(
            "Response Headers",
            "response",
            fields(res, "response", reveal, |n| !is_one_of(n, AUTH_RESPONSE)).collect(),
        ))
        .child(section(
            "Request Headers",
            "request",
            fields(req, "request", reveal, |n| !is_one_of(n, AUTH_REQUEST)).collect(),
        ))
}

fn general_field(name: &str, value: &str) -> El {
    el("div")
        .class("hdr")
        .child(el("span").class("hdr-name").text(name))
        .child(el("span").class("hdr-value").text(value))
}
