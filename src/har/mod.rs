//! HAR 1.2 import and export (<http://www.softwareishard.com/blog/har-12-spec/>).
//!
//! # Reading
//! The reader is lenient per entry. A small linear-time scanner (module `scan`) walks the top
//! of the document to `log.entries` and finds each entry's byte span; each entry is then
//! deserialised on its own into lenient structs and converted to an [`Exchange`]. A broken
//! entry becomes a [`HarDiagnostic`] (entry index, byte offset, line and column) and the
//! others still load. Only a file that is not a HAR at all (not a JSON object, malformed
//! before `entries`, no `log`, `entries` not an array) is an error, [`HarError`].
//!
//! Three ways in, all on the same code:
//! - [`parse_har`]: the whole file at once;
//! - [`HarReader`]: batches of entries, for progress bars and cancellation on big files;
//! - [`entry_from_json`] / [`parse_entry`]: one entry, as the DevTools panel receives them
//!   from `chrome.devtools.network.onRequestFinished`; [`parse_entry_list`]: many of them
//!   in one call.
//!
//! Browser dialects are read as found: Chrome (`_resourceType`, `_fromCache`,
//! `_initiator`, `_priority`, `connection`), Firefox (integer `time`, `_securityState`,
//! `cache.afterRequest` for cached responses), Safari (`_fetchType`, `-1` timings) and
//! Playwright (`_monotonicTime`, `_frameref`, `_serverPort`). Values of the wrong JSON
//! type are skipped with a `wrong-type` warning; numbers given as strings are accepted.
//!
//! **HTTP/2 pseudo-headers** (`:authority`, `:method`, `:path`, `:scheme`, `:status`),
//! which Chrome lists among the headers of h2 requests, are kept out of
//! [`crate::exchange::Headers`]: they are not header fields (RFC 9113 §8.3,
//! <https://www.rfc-editor.org/rfc/rfc9113#section-8.3>), and rules looking for, say, a
//! duplicated `Host` must not see `:authority`. They are kept, in order, in
//! [`EntryMeta::request_pseudo_headers`] / [`EntryMeta::response_pseudo_headers`], and
//! written back by the writer.
//!
//! **Bodies**: `Body` is present when the HAR has the text (`postData` for requests,
//! `content.text` for responses); base64 bodies stay encoded, with `encoding: "base64"`.
//!
//! **Set-Cookie** values joined with newlines (as the Chrome DevTools Protocol reports
//! them) are split into one field per line.
//!
//! # Diagnostic codes
//! - entry skipped (error): `entry-not-object`, `invalid-json`, `invalid-entry`,
//!   `truncated-entry`, `missing-request`, `nesting-too-deep`; reading stops (error):
//!   `truncated-file`, `mismatched-bracket`, `invalid-json` between entries;
//! - entry kept (warning): `invalid-utf8` (bytes replaced with U+FFFD), `wrong-type`,
//!   `header-not-object`, `header-without-name`, `missing-url`, `missing-response`,
//!   `invalid-started-date-time`, `invalid-status`; (info): `set-cookie-split`;
//! - file (warning): `invalid-log-field`, `duplicate-entries`, `trailing-data`.
//!
//! # Writing
//! [`write_har`] / [`write_exchanges`] regenerate HAR 1.2 from exchanges, never copying raw
//! input, so a redacted document exports without the secrets.
//!
//! # Sanitized exports
//! [`sanitization`] tells whether a file looks like Chrome's "Export HAR (sanitized)",
//! which silently drops `Authorization`, `Cookie` and `Set-Cookie`.

mod entry;
mod fast;
mod model;
mod reader;
mod sanitize;
mod scan;
mod write;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::exchange::{Exchange, Header};
use crate::time::Timestamp;

pub use reader::{Batch, HarReader};
pub use sanitize::{sanitization, Sanitization, SanitizationSignal};
pub use write::{write_exchanges, write_har, HarPieces};

/// A HAR `creator` or `browser`: the tool that wrote the file, or the browser it watched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Software {
    /// `WebInspector` (Chrome), `Firefox`, `WebKit Web Inspector` (Safari), `Playwright`, …
    pub name: String,
    /// Version as written.
    pub version: String,
    /// HAR `comment`, when present.
    pub comment: Option<String>,
}

/// A HAR page (`log.pages[]`): one document load that entries can point to via `pageref`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Page {
    /// `id`, referenced by [`EntryMeta::pageref`].
    pub id: String,
    /// `title` (usually the page URL).
    pub title: String,
    /// `startedDateTime`.
    pub started_at: Option<Timestamp>,
    /// `pageTimings.onContentLoad` in ms (unknown: `None`).
    pub on_content_load_ms: Option<f64>,
    /// `pageTimings.onLoad` in ms (unknown: `None`).
    pub on_load_ms: Option<f64>,
}

/// `entries[].timings` in milliseconds; HAR's `-1` ("does not apply") is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Queued / blocked.
    pub blocked: Option<f64>,
    /// DNS resolution.
    pub dns: Option<f64>,
    /// TCP (and TLS) connection.
    pub connect: Option<f64>,
    /// TLS handshake (included in `connect`).
    pub ssl: Option<f64>,
    /// Sending the request.
    pub send: Option<f64>,
    /// Waiting for the first byte.
    pub wait: Option<f64>,
    /// Receiving the response.
    pub receive: Option<f64>,
}

/// What a HAR entry says beyond the [`Exchange`]: sizes, timings, browser extras.
///
/// Holds no secrets: cookies are only counted (their values live in the `Cookie` /
/// `Set-Cookie` headers of the exchange), so redacting the exchange redacts the export.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EntryMeta {
    /// The entry index, equal to the exchange's [`Exchange::index`].
    pub index: usize,
    /// `pageref`.
    pub pageref: Option<String>,
    /// HTTP/2 pseudo-headers of the request (`:method`, `:authority`, …), in order.
    pub request_pseudo_headers: Vec<Header>,
    /// HTTP/2 pseudo-headers of the response (`:status`), in order.
    pub response_pseudo_headers: Vec<Header>,
    /// Length of `request.cookies`; `None` when the array is absent.
    pub request_cookie_count: Option<usize>,
    /// Length of `response.cookies`; `None` when the array is absent.
    pub response_cookie_count: Option<usize>,
    /// `request.headersSize` (`-1` when unknown, as written).
    pub request_headers_size: Option<f64>,
    /// `request.bodySize`.
    pub request_body_size: Option<f64>,
    /// `response.headersSize`.
    pub response_headers_size: Option<f64>,
    /// `response.bodySize`.
    pub response_body_size: Option<f64>,
    /// `response.content.size`.
    pub content_size: Option<f64>,
    /// `response.content.compression`.
    pub content_compression: Option<f64>,
    /// `response.content.mimeType` when the body text is absent (otherwise in the body).
    pub content_mime_type: Option<String>,
    /// Chrome / Playwright `response._transferSize`.
    pub transfer_size: Option<f64>,
    /// Chrome `response._error` / Playwright `_failureText`, e.g. `net::ERR_FAILED`.
    pub error: Option<String>,
    /// `timings`.
    pub timings: Timings,
    /// Chrome / Safari `_priority`.
    pub priority: Option<String>,
    /// `connection` (Chrome: connection id; Firefox: remote port).
    pub connection: Option<String>,
    /// Entry `comment`.
    pub comment: Option<String>,
    /// Chrome `_initiator.type`: `parser`, `script`, `preflight`, `other`, …
    pub initiator_type: Option<String>,
    /// Firefox `_securityState`: `secure`, `insecure`, `broken`, `weak`.
    pub security_state: Option<String>,
    /// Safari `_fetchType`: `Network Load`, `Memory Cache`, `Disk Cache`, `Service Worker`.
    pub fetch_type: Option<String>,
    /// Playwright `_monotonicTime`.
    pub monotonic_time: Option<f64>,
    /// Playwright `_frameref`.
    pub frameref: Option<String>,
    /// Playwright `_serverPort`.
    pub server_port: Option<u16>,
}

/// A diagnostic about a HAR file, located for humans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HarDiagnostic {
    /// The entry index it concerns; `None` for the file as a whole.
    pub entry: Option<usize>,
    /// 1-based line of `diagnostic.offset`.
    pub line: usize,
    /// 1-based column (in characters) of `diagnostic.offset`.
    pub column: usize,
    /// Code, severity, message and byte offset into the file.
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// Why a file could not be read as HAR at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HarError {
    /// Kebab-case code: `empty-file`, `not-har`, `invalid-json`, `truncated-file`,
    /// `nesting-too-deep`, `mismatched-bracket`, `missing-log`, `log-not-object`,
    /// `missing-entries`, `entries-not-array`.
    pub code: &'static str,
    /// Lowercase explanation.
    pub message: String,
    /// Byte offset into the file.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl std::fmt::Display for HarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for HarError {}

/// A whole HAR file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HarDocument {
    /// `log.version` (`1.2`; Firefox writes `1.1`).
    pub version: Option<String>,
    /// `log.creator`.
    pub creator: Option<Software>,
    /// `log.browser`.
    pub browser: Option<Software>,
    /// `log.pages`.
    pub pages: Vec<Page>,
    /// `log.comment`.
    pub comment: Option<String>,
    /// One exchange per readable entry, in file order; `index` is the entry's position.
    pub exchanges: Vec<Exchange>,
    /// HAR-only details, same order and length as `exchanges`.
    pub meta: Vec<EntryMeta>,
    /// What went wrong or looked odd, in file order.
    pub diagnostics: Vec<HarDiagnostic>,
}

impl HarDocument {
    /// The metadata of the exchange with entry index `index`.
    pub fn meta_for(&self, index: usize) -> Option<&EntryMeta> {
        match self.meta.binary_search_by_key(&index, |m| m.index) {
            Ok(i) => self.meta.get(i),
            // Someone reordered the vector; fall back to a search.
            Err(_) => self.meta.iter().find(|m| m.index == index),
        }
    }
}

/// One entry decoded: the exchange, its HAR-only details, and what looked odd.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEntry {
    /// The request/response pair.
    pub exchange: Exchange,
    /// Sizes, timings, browser extras.
    pub meta: EntryMeta,
    /// Non-fatal problems (offsets into the entry's JSON text).
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a whole HAR file.
///
/// # Errors
/// [`HarError`] when the file is not HAR at all; problems with single entries are
/// [`HarDocument::diagnostics`] instead.
pub fn parse_har(bytes: &[u8]) -> Result<HarDocument, HarError> {
    Ok(HarReader::new(bytes)?.into_document())
}

/// Decodes a JSON array of HAR entries in one call (what `JSON.stringify(entries)` gives
/// for a batch of `chrome.devtools.network` requests): one crossing into wasm for many
/// entries instead of one per entry. Element `i` gets index `first_index + i`, readable
/// or not; each entry is read as [`parse_entry`] reads it, and a broken one becomes a
/// diagnostic while the others load. Offsets are into `json`.
pub fn parse_entry_list(json: &[u8], first_index: usize) -> Batch {
    HarReader::entry_list(json, first_index).next_batch(usize::MAX)
}

/// Decodes one HAR entry given as JSON text (what `JSON.stringify(entry)` gives for a
/// `chrome.devtools.network` request). `index` becomes [`Exchange::index`].
///
/// # Errors
/// A positioned diagnostic (offset into `json`) when the text is not a JSON object, is
/// malformed, nests too deep, or has no `request`.
pub fn entry_from_json(json: &str, index: usize) -> Result<Exchange, Diagnostic> {
    parse_entry(json, index).map(|p| p.exchange)
}

/// Like [`entry_from_json`], keeping the HAR-only details and the warnings.
///
/// # Errors
/// As [`entry_from_json`].
pub fn parse_entry(json: &str, index: usize) -> Result<ParsedEntry, Diagnostic> {
    match parse_entry_fast(json, index) {
        Some(parsed) => parsed,
        None => parse_entry_general(json, index),
    }
}

/// [`parse_entry`] on the fast path (`fast`), or `None` when the general path must read
/// the entry.
fn parse_entry_fast(json: &str, index: usize) -> Option<Result<ParsedEntry, Diagnostic>> {
    let mut sc = scan::Scanner::new(json.as_bytes(), 0);
    sc.skip_ws();
    let (raw, end) = fast::entry(json.as_bytes(), sc.pos)?;
    let mut after = scan::Scanner::new(json.as_bytes(), end);
    after.skip_ws();
    // Anything after the entry is serde's `trailing characters` error: general path.
    if after.peek().is_some() {
        return None;
    }
    let mut diagnostics = Vec::new();
    Some(
        entry::convert(raw, index, 0, &mut diagnostics).map(|(exchange, meta)| ParsedEntry {
            exchange,
            meta,
            diagnostics,
        }),
    )
}

/// [`parse_entry`] on the general path: the scanner's depth limit, then serde.
fn parse_entry_general(json: &str, index: usize) -> Result<ParsedEntry, Diagnostic> {
    // The same depth limit as in a file, where the entry sits three levels down.
    let mut sc = scan::Scanner::new(json.as_bytes(), 0);
    if let Err(e) = sc.skip_value(scan::ENTRY_DEPTH) {
        if e.code == "nesting-too-deep" {
            return Err(Diagnostic::error(
                e.code,
                e.offset,
                format!("entry {index}: {}", e.message),
            ));
        }
    }
    let mut diagnostics = Vec::new();
    let (exchange, meta) = reader::parse_text(json, index, 0, &mut diagnostics)?;
    Ok(ParsedEntry {
        exchange,
        meta,
        diagnostics,
    })
}
