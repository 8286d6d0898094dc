//! `basic-over-http`: credentials sent over unencrypted http.
//!
//! [RFC 7617 §4](https://www.rfc-editor.org/rfc/rfc7617#section-4): Basic sends the
//! password in clear (base64 is not encryption) and is only acceptable over TLS; the same
//! holds for bearer tokens ([RFC 6750 §5.3](https://www.rfc-editor.org/rfc/rfc6750#section-5.3))
//! and API keys. Loopback is exempt: browsers treat it as a secure context.

use crate::finding::Finding;
use crate::fixes::request::mask_authorization;

use super::super::facts::API_KEY_HEADERS;
use super::{make, Facts};

/// Raised on any exchange that sent credentials to a non-loopback http URL.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.url.scheme.eq_ignore_ascii_case("http") || f.is_loopback() {
        return;
    }
    let what = if let Some(a) = f.authorization {
        Some(("request header Authorization", mask_authorization(a)))
    } else {
        API_KEY_HEADERS
            .iter()
            .find_map(|h| {
                f.req(h).map(|v| {
                    (
                        "request API-key header",
                        format!("{h}: {}", crate::secret::mask(v)),
                    )
                })
            })
            .or_else(|| {
                f.url_credential()
                    .map(|(k, v)| ("query parameter", format!("{k}={}", crate::secret::mask(v))))
            })
            .or_else(|| {
                f.session_cookie()
                    .map(|name| ("session cookie", format!("{name} (value masked)")))
            })
    };
    let Some((label, value)) = what else {
        return;
    };
    let basic = f.scheme().is_some_and(|s| s.eq_ignore_ascii_case("basic"));
    let mut finding = make(
        "basic-over-http",
        format!(
            "{} went to {} over plain http: anyone on the network path can read {}. Use https.",
            if basic {
                "Basic credentials (username and password, only base64-encoded)"
            } else {
                "Credentials"
            },
            f.origin,
            if basic {
                "and reuse the password"
            } else {
                "and replay them"
            }
        ),
    )
    .with_evidence("url scheme", "http")
    .with_evidence(label, value)
    .with_fix("copy-fetch");
    if !basic {
        finding.title = "Credentials sent over plain http".to_string();
    }
    out.push(finding);
}
