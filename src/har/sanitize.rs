//! Detecting HAR files exported with credentials stripped.
//!
//! Chrome (since 130) exports "HAR (sanitized)" by default: it drops the `Authorization`,
//! `Cookie` and `Set-Cookie` headers and empties the `cookies` arrays, without saying so
//! in the file. Diagnosing such a file naively concludes "no credentials were sent", so the
//! diagnosis engine asks [`sanitization`] first.
//!
//! The heuristic, in order:
//! 1. Any `Authorization`, `Proxy-Authorization`, `Cookie` or `Set-Cookie` header in the
//!    file means it was not sanitized (evidence: the first such entry).
//! 2. Otherwise these signals are collected:
//!    - *strong*: a HTTP/1.x `headersSize` larger than the listed headers can account for
//!      (a header was removed after capture); a `cookies` array with entries but no
//!      `Cookie` / `Set-Cookie` header (headers removed, arrays kept); a 401/407 followed
//!      by a success for the same request with the same header names (the credential
//!      that made it work is invisible);
//!    - *weak*: the creator is Chrome DevTools (`WebInspector`), the only exporter with a
//!      sanitized mode; 401/407 responses or challenges while no request carries any
//!      credential at all.
//! 3. The file is likely sanitized with any strong signal, or with both weak ones.
//!
//! A Firefox, Safari or Playwright file with a 401 and no credentials is therefore *not*
//! flagged: there, "nothing was sent" is the likely diagnosis.

use serde::Serialize;

use crate::exchange::{Exchange, Headers};
use crate::finding::Evidence;

use super::{EntryMeta, HarDocument};

/// One observation behind the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "signal", rename_all = "kebab-case")]
pub enum SanitizationSignal {
    /// An entry carries a credential header, so credentials were exported.
    CredentialHeaderPresent {
        /// Entry index.
        entry: usize,
        /// Which header.
        header: &'static str,
    },
    /// Chrome DevTools wrote the file (weak).
    ChromeCreator,
    /// Authentication failures or challenges, yet no request carries credentials (weak).
    AuthFailuresWithoutCredentials {
        /// How many 401/407 responses or challenges.
        count: usize,
        /// The first one.
        first_entry: usize,
    },
    /// `headersSize` exceeds what the listed headers account for (strong).
    HeadersSizeMismatch {
        /// Entry index.
        entry: usize,
        /// `request` or `response`.
        side: &'static str,
        /// Bytes the listed headers do not explain.
        missing_bytes: u64,
    },
    /// A `cookies` array lists cookies the headers do not carry (strong).
    CookiesArrayWithoutHeader {
        /// Entry index.
        entry: usize,
    },
    /// A 401/407 and a later success for the same request with the same header names
    /// (strong).
    RetrySucceeded {
        /// The failed entry.
        failed_entry: usize,
        /// The succeeding entry.
        succeeded_entry: usize,
    },
}

impl SanitizationSignal {
    fn is_strong(&self) -> bool {
        matches!(
            self,
            SanitizationSignal::HeadersSizeMismatch { .. }
                | SanitizationSignal::CookiesArrayWithoutHeader { .. }
                | SanitizationSignal::RetrySucceeded { .. }
        )
    }

    fn evidence(&self) -> Evidence {
        match self {
            SanitizationSignal::CredentialHeaderPresent { entry, header } => Evidence::new(
                format!("entry {entry}"),
                format!("carries a {header} header, so credentials were exported"),
            ),
            SanitizationSignal::ChromeCreator => Evidence::new(
                "log.creator",
                "WebInspector (chrome devtools, whose default export drops authorization, cookie and set-cookie)",
            ),
            SanitizationSignal::AuthFailuresWithoutCredentials { count, first_entry } => {
                Evidence::new(
                    format!("entry {first_entry}"),
                    format!("{count} authentication failure(s) or challenge(s), yet no request in the file carries authorization or cookie"),
                )
            }
            SanitizationSignal::HeadersSizeMismatch {
                entry,
                side,
                missing_bytes,
            } => Evidence::new(
                format!("entry {entry} {side}.headersSize"),
                format!("{missing_bytes} bytes more than the listed headers: headers were removed after capture"),
            ),
            SanitizationSignal::CookiesArrayWithoutHeader { entry } => Evidence::new(
                format!("entry {entry} cookies"),
                "the cookies array is filled but the cookie headers are missing",
            ),
            SanitizationSignal::RetrySucceeded {
                failed_entry,
                succeeded_entry,
            } => Evidence::new(
                format!("entries {failed_entry} and {succeeded_entry}"),
                "the same request failed, then succeeded with the same header names: the credential that made the difference is not in the file",
            ),
        }
    }
}

/// Whether a HAR file looks sanitized, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sanitization {
    /// The verdict (see the module documentation for the rule).
    pub likely_sanitized: bool,
    /// The observations, strongest first.
    pub signals: Vec<SanitizationSignal>,
    /// The signals as evidence for a finding.
    pub evidence: Vec<Evidence>,
}

const CREDENTIAL_REQUEST_HEADERS: [&str; 3] = ["Authorization", "Proxy-Authorization", "Cookie"];

/// Listed headers must leave at least this many bytes unexplained: smaller gaps are
/// line-ending or pseudo-header accounting, not a removed credential.
const SIZE_SLACK: u64 = 16;

/// How far ahead to look for a successful retry (keeps the check linear).
const RETRY_WINDOW: usize = 50;

fn header_bytes(headers: &Headers) -> u64 {
    headers
        .iter()
        .map(|h| (h.name.len() + h.value.len() + 4) as u64)
        .sum()
}

fn is_http1(version: &str) -> bool {
    version.to_ascii_uppercase().starts_with("HTTP/1")
}

fn size_mismatch(x: &Exchange, meta: &EntryMeta) -> Option<SanitizationSignal> {
    let whole = |v: Option<f64>| {
        v.filter(|v| v.is_finite() && *v > 0.0)
            // Bounded by the check above; fractions do not occur in header sizes.
            .map(|v| {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let n = v as u64;
                n
            })
    };
    if is_http1(&x.request.http_version) {
        if let Some(size) = whole(meta.request_headers_size) {
            let url = crate::exchange::UrlParts::parse(&x.request.url);
            let target = url.path.len() + url.query.map_or(0, |q| q.len() + 1);
            let line = (x.request.method.len() + target + x.request.http_version.len() + 4) as u64;
            let listed = line + header_bytes(&x.request.headers) + 2;
            if size >= listed + SIZE_SLACK {
                return Some(SanitizationSignal::HeadersSizeMismatch {
                    entry: x.index,
                    side: "request",
                    missing_bytes: size - listed,
                });
            }
        }
    }
    if is_http1(&x.response.http_version) {
        if let Some(size) = whole(meta.response_headers_size) {
            let line =
                (x.response.http_version.len() + 3 + x.response.status_text.len() + 4) as u64;
            let listed = line + header_bytes(&x.response.headers) + 2;
            if size >= listed + SIZE_SLACK {
                return Some(SanitizationSignal::HeadersSizeMismatch {
                    entry: x.index,
                    side: "response",
                    missing_bytes: size - listed,
                });
            }
        }
    }
    None
}

fn header_names(h: &Headers) -> Vec<String> {
    let mut names: Vec<String> = h.iter().map(|h| h.name.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    names
}

/// Judges whether `doc` is a sanitized export. See the module documentation.
pub fn sanitization(doc: &HarDocument) -> Sanitization {
    let mut signals = Vec::new();
    let credential = doc.exchanges.iter().find_map(|x| {
        CREDENTIAL_REQUEST_HEADERS
            .iter()
            .find(|h| x.request.headers.contains(h))
            .copied()
            .or_else(|| {
                x.response
                    .headers
                    .contains("Set-Cookie")
                    .then_some("Set-Cookie")
            })
            .map(|header| SanitizationSignal::CredentialHeaderPresent {
                entry: x.index,
                header,
            })
    });
    if let Some(signal) = credential {
        let evidence = vec![signal.evidence()];
        return Sanitization {
            likely_sanitized: false,
            signals: vec![signal],
            evidence,
        };
    }

    let default_meta = EntryMeta::default();
    let mut strong = Vec::new();
    let mut auth_failures = Vec::new();
    for (i, x) in doc.exchanges.iter().enumerate() {
        let meta = doc.meta_for(x.index).unwrap_or(&default_meta);
        if x.response.status == 401
            || x.response.status == 407
            || x.response.headers.contains("WWW-Authenticate")
            || x.response.headers.contains("Proxy-Authenticate")
        {
            auth_failures.push(x.index);
        }
        if strong.len() < 8 {
            if let Some(s) = size_mismatch(x, meta) {
                strong.push(s);
            }
            if meta.request_cookie_count.unwrap_or(0) > 0
                || meta.response_cookie_count.unwrap_or(0) > 0
            {
                strong.push(SanitizationSignal::CookiesArrayWithoutHeader { entry: x.index });
            }
            if matches!(x.response.status, 401 | 407) {
                let retry = doc
                    .exchanges
                    .iter()
                    .skip(i + 1)
                    .take(RETRY_WINDOW)
                    .find(|y| {
                        (200..400).contains(&y.response.status)
                            && y.request.method == x.request.method
                            && y.request.url == x.request.url
                            && header_names(&y.request.headers) == header_names(&x.request.headers)
                    });
                if let Some(y) = retry {
                    strong.push(SanitizationSignal::RetrySucceeded {
                        failed_entry: x.index,
                        succeeded_entry: y.index,
                    });
                }
            }
        }
    }
    let chrome = doc
        .creator
        .as_ref()
        .is_some_and(|c| c.name.eq_ignore_ascii_case("WebInspector"));
    signals.extend(strong);
    let likely_sanitized =
        signals.iter().any(SanitizationSignal::is_strong) || (chrome && !auth_failures.is_empty());
    if chrome {
        signals.push(SanitizationSignal::ChromeCreator);
    }
    if let Some(&first_entry) = auth_failures.first() {
        signals.push(SanitizationSignal::AuthFailuresWithoutCredentials {
            count: auth_failures.len(),
            first_entry,
        });
    }
    Sanitization {
        likely_sanitized,
        evidence: signals.iter().map(SanitizationSignal::evidence).collect(),
        signals,
    }
}
