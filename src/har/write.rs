//! HAR 1.2 writer.
//!
//! The writer regenerates every field from the [`Exchange`] and the non-secret
//! [`EntryMeta`]; it never copies raw JSON from the input. So whatever a redactor removes
//! from the exchanges is gone from the export: the `cookies` arrays are rebuilt from the
//! `Cookie` / `Set-Cookie` headers and `queryString` from the URL, and Chrome's initiator
//! stack (whose URLs may carry tokens) is reduced to its first URL.

use serde::Serialize;

use crate::cookie::{parse_cookie_header, parse_set_cookie};
use crate::exchange::{Exchange, Header, UrlParts};
use crate::time::Timestamp;

use super::{EntryMeta, HarDocument, Page, Software, Timings};

#[derive(Serialize)]
struct OutHar<'a> {
    log: OutLog<'a>,
}

#[derive(Serialize)]
struct OutLog<'a> {
    version: &'static str,
    creator: OutSoftware<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    browser: Option<OutSoftware<'a>>,
    pages: Vec<OutPage<'a>>,
    entries: Vec<OutEntry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
}

#[derive(Serialize)]
struct OutSoftware<'a> {
    name: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
}

impl<'a> From<&'a Software> for OutSoftware<'a> {
    fn from(s: &'a Software) -> Self {
        Self {
            name: &s.name,
            version: &s.version,
            comment: s.comment.as_deref(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutPage<'a> {
    started_date_time: String,
    id: &'a str,
    title: &'a str,
    page_timings: OutPageTimings,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutPageTimings {
    on_content_load: f64,
    on_load: f64,
}

#[derive(Serialize)]
struct OutEntry<'a> {
    #[serde(rename = "_fromCache", skip_serializing_if = "Option::is_none")]
    from_cache: Option<&'a str>,
    #[serde(rename = "_initiator", skip_serializing_if = "Option::is_none")]
    initiator: Option<OutInitiator<'a>>,
    #[serde(rename = "_priority", skip_serializing_if = "Option::is_none")]
    priority: Option<&'a str>,
    #[serde(rename = "_resourceType", skip_serializing_if = "Option::is_none")]
    resource_type: Option<&'a str>,
    cache: OutCache,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pageref: Option<&'a str>,
    request: OutRequest<'a>,
    response: OutResponse<'a>,
    #[serde(rename = "serverIPAddress", skip_serializing_if = "Option::is_none")]
    server_ip_address: Option<&'a str>,
    #[serde(rename = "startedDateTime")]
    started_date_time: String,
    time: f64,
    timings: OutTimings,
    #[serde(rename = "_securityState", skip_serializing_if = "Option::is_none")]
    security_state: Option<&'a str>,
    #[serde(rename = "_fetchType", skip_serializing_if = "Option::is_none")]
    fetch_type: Option<&'a str>,
    #[serde(rename = "_monotonicTime", skip_serializing_if = "Option::is_none")]
    monotonic_time: Option<f64>,
    #[serde(rename = "_frameref", skip_serializing_if = "Option::is_none")]
    frameref: Option<&'a str>,
    #[serde(rename = "_serverPort", skip_serializing_if = "Option::is_none")]
    server_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
}

#[derive(Serialize)]
struct OutInitiator<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct OutCache {}

#[derive(Serialize)]
struct OutPair<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutCookie {
    name: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    http_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secure: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    same_site: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutRequest<'a> {
    method: &'a str,
    url: &'a str,
    http_version: &'a str,
    headers: Vec<OutPair<'a>>,
    query_string: Vec<OutPair<'a>>,
    cookies: Vec<OutCookie>,
    headers_size: f64,
    body_size: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_data: Option<OutBody<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutBody<'a> {
    mime_type: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutResponse<'a> {
    status: u16,
    status_text: &'a str,
    http_version: &'a str,
    headers: Vec<OutPair<'a>>,
    cookies: Vec<OutCookie>,
    content: OutContent<'a>,
    #[serde(rename = "redirectURL")]
    redirect_url: &'a str,
    headers_size: f64,
    body_size: f64,
    #[serde(rename = "_transferSize", skip_serializing_if = "Option::is_none")]
    transfer_size: Option<f64>,
    #[serde(rename = "_error", skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutContent<'a> {
    size: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    compression: Option<f64>,
    mime_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
}

#[derive(Serialize)]
struct OutTimings {
    blocked: f64,
    dns: f64,
    ssl: f64,
    connect: f64,
    send: f64,
    wait: f64,
    receive: f64,
}

/// HAR's "not applicable" marker for optional numbers.
fn or_unknown(v: Option<f64>) -> f64 {
    v.filter(|v| v.is_finite()).unwrap_or(-1.0)
}

/// Required non-negative numbers: unknown becomes 0.
fn or_zero(v: Option<f64>) -> f64 {
    v.filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(0.0)
}

/// Exact for any realistic body; precision only drops past 2^53 bytes.
#[allow(clippy::cast_precision_loss)]
fn len_f64(s: &str) -> f64 {
    s.len() as f64
}

fn iso(t: Option<Timestamp>) -> String {
    t.unwrap_or(Timestamp(0)).to_rfc3339()
}

fn pairs<'a>(pseudo: &'a [Header], headers: &'a [Header]) -> Vec<OutPair<'a>> {
    pseudo
        .iter()
        .chain(headers)
        .map(|h| OutPair {
            name: &h.name,
            value: &h.value,
        })
        .collect()
}

fn request_cookies(x: &Exchange) -> Vec<OutCookie> {
    x.request
        .headers
        .get_all("cookie")
        .flat_map(|v| parse_cookie_header(v).pairs)
        .map(|p| OutCookie {
            name: p.name,
            value: p.value,
            path: None,
            domain: None,
            expires: None,
            http_only: None,
            secure: None,
            same_site: None,
        })
        .collect()
}

fn response_cookies(x: &Exchange) -> Vec<OutCookie> {
    x.response
        .headers
        .get_all("set-cookie")
        .map(parse_set_cookie)
        .map(|c| OutCookie {
            expires: c.expires.map(Timestamp::to_rfc3339),
            same_site: c.same_site.map(|s| s.as_str()),
            http_only: Some(c.http_only),
            secure: Some(c.secure),
            name: c.name,
            value: c.value,
            path: c.path,
            domain: c.domain,
        })
        .collect()
}

fn out_entry<'a>(x: &'a Exchange, meta: &'a EntryMeta) -> OutEntry<'a> {
    let query_string = UrlParts::parse(&x.request.url)
        .query_pairs()
        .map(|(name, value)| OutPair { name, value })
        .collect();
    let request_body_size = x.request.body.as_ref().map_or(0.0, |b| len_f64(&b.text));
    let content_type = x.response.headers.get("content-type").unwrap_or("");
    let response_body = x.response.body.as_ref();
    let initiator = match (&x.initiator, &meta.initiator_type) {
        (None, None) => None,
        (url, kind) => Some(OutInitiator {
            kind: kind.as_deref().unwrap_or("other"),
            url: url.as_deref(),
        }),
    };
    OutEntry {
        from_cache: x.from_cache.as_deref().filter(|s| !s.is_empty()),
        initiator,
        priority: meta.priority.as_deref(),
        resource_type: x.resource_type.as_deref().filter(|s| !s.is_empty()),
        cache: OutCache {},
        connection: meta.connection.as_deref(),
        pageref: meta.pageref.as_deref(),
        request: OutRequest {
            method: &x.request.method,
            url: &x.request.url,
            http_version: &x.request.http_version,
            headers: pairs(&meta.request_pseudo_headers, &x.request.headers.0),
            query_string,
            cookies: request_cookies(x),
            headers_size: or_unknown(meta.request_headers_size),
            body_size: meta
                .request_body_size
                .filter(|v| v.is_finite())
                .unwrap_or(request_body_size),
            post_data: x.request.body.as_ref().map(|b| OutBody {
                mime_type: &b.mime_type,
                text: &b.text,
                encoding: b.encoding.as_deref(),
            }),
        },
        response: OutResponse {
            status: x.response.status,
            status_text: &x.response.status_text,
            http_version: &x.response.http_version,
            headers: pairs(&meta.response_pseudo_headers, &x.response.headers.0),
            cookies: response_cookies(x),
            content: OutContent {
                size: meta
                    .content_size
                    .filter(|v| v.is_finite())
                    .unwrap_or_else(|| response_body.map_or(0.0, |b| len_f64(&b.text))),
                compression: meta.content_compression.filter(|v| v.is_finite()),
                mime_type: response_body
                    .map(|b| b.mime_type.as_str())
                    .or(meta.content_mime_type.as_deref())
                    .unwrap_or(content_type),
                text: response_body.map(|b| b.text.as_str()),
                encoding: response_body.and_then(|b| b.encoding.as_deref()),
            },
            redirect_url: x.response.redirect_url.as_deref().unwrap_or(""),
            headers_size: or_unknown(meta.response_headers_size),
            body_size: or_unknown(
                meta.response_body_size
                    .or_else(|| response_body.map(|b| len_f64(&b.text))),
            ),
            transfer_size: meta.transfer_size.filter(|v| v.is_finite()),
            error: meta.error.as_deref(),
        },
        server_ip_address: x.server_ip.as_deref().filter(|s| !s.is_empty()),
        started_date_time: iso(x.started_at),
        time: or_zero(x.time_ms),
        timings: if meta.timings == Timings::default() {
            // Nothing known: put the whole time in `wait` so the timings add up to `time`.
            OutTimings {
                blocked: -1.0,
                dns: -1.0,
                ssl: -1.0,
                connect: -1.0,
                send: 0.0,
                wait: or_zero(x.time_ms),
                receive: 0.0,
            }
        } else {
            // As captured; exporters (Playwright) use -1 for phases that never happened.
            OutTimings {
                blocked: or_unknown(meta.timings.blocked),
                dns: or_unknown(meta.timings.dns),
                ssl: or_unknown(meta.timings.ssl),
                connect: or_unknown(meta.timings.connect),
                send: or_unknown(meta.timings.send),
                wait: or_unknown(meta.timings.wait),
                receive: or_unknown(meta.timings.receive),
            }
        },
        security_state: meta.security_state.as_deref(),
        fetch_type: meta.fetch_type.as_deref(),
        monotonic_time: meta.monotonic_time.filter(|v| v.is_finite()),
        frameref: meta.frameref.as_deref(),
        server_port: meta.server_port,
        comment: meta.comment.as_deref(),
    }
}

fn out_page(page: &Page, fallback: Option<Timestamp>) -> OutPage<'_> {
    OutPage {
        started_date_time: iso(page.started_at.or(fallback)),
        id: &page.id,
        title: &page.title,
        page_timings: OutPageTimings {
            on_content_load: or_unknown(page.on_content_load_ms),
            on_load: or_unknown(page.on_load_ms),
        },
    }
}

fn render<'a>(
    creator: &Software,
    doc: Option<&HarDocument>,
    exchanges: &'a [Exchange],
    meta_for: impl Fn(usize) -> Option<&'a EntryMeta>,
) -> String {
    let no_meta = EntryMeta::default();
    let first_start = exchanges.iter().find_map(|x| x.started_at);
    let har = OutHar {
        log: OutLog {
            version: "1.2",
            creator: creator.into(),
            browser: doc.and_then(|d| d.browser.as_ref()).map(Into::into),
            pages: doc
                .map(|d| d.pages.iter().map(|p| out_page(p, first_start)).collect())
                .unwrap_or_default(),
            entries: exchanges
                .iter()
                .map(|x| out_entry(x, meta_for(x.index).unwrap_or(&no_meta)))
                .collect(),
            comment: doc.and_then(|d| d.comment.as_deref()),
        },
    };
    // Serialising plain structs of strings and finite numbers cannot fail.
    serde_json::to_string_pretty(&har).unwrap_or_default()
}

/// Writes `doc` as HAR 1.2 with `creator` as `log.creator` (the original creator is not
/// kept; `browser`, `pages` and `comment` are).
///
/// Every required field is written, with Chrome's extras (`_initiator`, `_priority`,
/// `_resourceType`, `_fromCache`, `_transferSize`, `_error`) and the Firefox, Safari and
/// Playwright ones authlens reads, so the result re-imports into Chrome DevTools and into
/// authlens. Entries are written in order and renumbered by position on re-import.
/// Unknown values follow HAR: `-1` for optional numbers, `0` for a missing `time`, the
/// Unix epoch for a missing `startedDateTime`.
pub fn write_har(doc: &HarDocument, creator: &Software) -> String {
    render(creator, Some(doc), &doc.exchanges, |i| doc.meta_for(i))
}

/// Writes bare exchanges (no pages, no HAR-only details) as HAR 1.2.
pub fn write_exchanges(exchanges: &[Exchange], creator: &Software) -> String {
    render(creator, None, exchanges, |_| None)
}

/// [`write_har`] in pieces, for a caller that writes a big document a slice at a time
/// (the panel's export yields to the page between slices): [`HarPieces::head`], then
/// [`HarPieces::entry`] for each exchange of the document in order, with
/// [`HarPieces::SEPARATOR`] between entries, then [`HarPieces::tail`]. Joined, the pieces
/// are exactly the text of `write_har`.
#[derive(Debug)]
pub struct HarPieces<'a> {
    doc: &'a HarDocument,
    head: String,
    tail: String,
}

impl<'a> HarPieces<'a> {
    /// Goes between two entries.
    pub const SEPARATOR: &'static str = ",\n";

    /// The pieces of `write_har(doc, creator)`.
    pub fn new(doc: &'a HarDocument, creator: &Software) -> Self {
        let first_start = doc.exchanges.iter().find_map(|x| x.started_at);
        let envelope = OutHar {
            log: OutLog {
                version: "1.2",
                creator: creator.into(),
                browser: doc.browser.as_ref().map(Into::into),
                pages: doc.pages.iter().map(|p| out_page(p, first_start)).collect(),
                entries: Vec::new(),
                comment: doc.comment.as_deref(),
            },
        };
        let text = serde_json::to_string_pretty(&envelope).unwrap_or_default();
        // Pretty JSON never has a raw line break inside a string, so this is the key.
        const EMPTY: &str = "\n    \"entries\": []";
        match text.find(EMPTY) {
            Some(at) if !doc.exchanges.is_empty() => {
                let (before, after) = text.split_at(at);
                Self {
                    doc,
                    head: format!("{before}\n    \"entries\": [\n"),
                    tail: format!("\n    ]{}", after.get(EMPTY.len()..).unwrap_or("")),
                }
            }
            // No entries: the envelope is the whole document.
            _ => Self {
                doc,
                head: text,
                tail: String::new(),
            },
        }
    }

    /// The text before the first entry.
    pub fn head(&self) -> &str {
        &self.head
    }

    /// The text after the last entry.
    pub fn tail(&self) -> &str {
        &self.tail
    }

    /// The text of `x`, an exchange of the document, as an entry of the array.
    pub fn entry(&self, x: &Exchange) -> String {
        let no_meta = EntryMeta::default();
        let meta = self.doc.meta_for(x.index).unwrap_or(&no_meta);
        let text = serde_json::to_string_pretty(&out_entry(x, meta)).unwrap_or_default();
        format!("      {}", text.replace('\n', "\n      "))
    }
}

#[cfg(test)]
mod pieces_tests {
    use super::*;

    fn fixtures() -> Vec<HarDocument> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/har");
        let mut docs: Vec<HarDocument> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| crate::har::parse_har(&std::fs::read(e.path()).ok()?).ok())
            .collect();
        docs.push(HarDocument::default());
        docs
    }

    #[test]
    fn pieces_join_to_write_har() {
        let creator = Software {
            name: "t\"entries\": []\nx".into(),
            version: "1".into(),
            comment: None,
        };
        let docs = fixtures();
        assert!(docs.len() > 5);
        for doc in &docs {
            let pieces = HarPieces::new(doc, &creator);
            let entries: Vec<String> = doc.exchanges.iter().map(|x| pieces.entry(x)).collect();
            let joined = format!(
                "{}{}{}",
                pieces.head(),
                entries.join(HarPieces::SEPARATOR),
                pieces.tail()
            );
            assert_eq!(joined, write_har(doc, &creator));
        }
    }
}
