//! `audience-mismatch`: the token was issued for another API.
//!
//! [RFC 7519 §4.1.3](https://www.rfc-editor.org/rfc/rfc7519#section-4.1.3): a recipient
//! that does not find itself in `aud` must reject the token. Servers say so in words:
//! ASP.NET `IDX10214: Audience validation failed`, Azure `The audience '…' is invalid`,
//! Spring `The required audience is missing`.

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// The value between the first pair of single or double quotes, e.g. the audience in
/// `The audience 'https://other.example' is invalid`.
fn quoted_value(text: &str) -> Option<&str> {
    for q in ['\'', '"'] {
        if let Some((_, rest)) = text.split_once(q) {
            if let Some((inner, _)) = rest.split_once(q) {
                if !inner.is_empty() {
                    return Some(inner);
                }
            }
        }
    }
    None
}

/// Whether an `aud` value names the API at `origin` / `host`: equal origin, equal host, or
/// a resource URL under the origin.
fn names_api(aud: &str, origin: &str, host: &str) -> bool {
    let a = aud.trim().trim_end_matches('/').to_ascii_lowercase();
    let u = crate::exchange::UrlParts::parse(&a);
    a == origin || u.host.eq_ignore_ascii_case(host) || a.starts_with(&format!("{origin}/"))
}

/// The claims check: every `aud` is a URL and none names this API. Audiences that are not
/// URLs (`account`, client ids, `api://…`) cannot be compared with the URL, so they are left
/// to the server's message.
fn from_claims(f: &Facts<'_>, out: &mut Vec<Finding>) -> bool {
    let Some(view) = f
        .authorization_decoded()
        .and_then(|c| c.claims_view.as_ref())
    else {
        return false;
    };
    let urls: Vec<&String> = view
        .aud
        .iter()
        .filter(|a| a.starts_with("https://") || a.starts_with("http://"))
        .collect();
    if urls.is_empty() || urls.len() != view.aud.len() {
        return false;
    }
    if urls.iter().any(|a| names_api(a, &f.origin, f.url.host)) {
        return false;
    }
    let aud = view
        .aud
        .iter()
        .take(4)
        .map(|a| clip(a, 100))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(
        make(
            "audience-mismatch",
            format!(
                "The token sent to {} is for {aud} (its aud claim), not for {}. The API rejects tokens issued for another resource: request one for this API's audience.",
                request_line(f),
                f.origin
            ),
        )
        .with_evidence(hint::TOKEN_AUDIENCE, aud)
        .with_evidence(hint::API_CALLED, f.origin.clone())
        .with_fix("use-correct-audience")
        .with_fix("relogin"),
    );
    true
}

/// Raised on a 401/403 whose token's `aud` names other URLs, or whose server message
/// blames the audience.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !(f.status == 401 || f.status == 403) {
        return;
    }
    from_claims(f, out);
    let Some(desc) = f.error_description() else {
        return;
    };
    let lower = desc.to_ascii_lowercase();
    if !(lower.contains("audience") || lower.contains("idx10214") || lower.contains("aud claim")) {
        return;
    }
    let mut finding = make(
        "audience-mismatch",
        format!(
            "The server rejected {} because the token's audience is not this API (it says: \"{}\"). The token was requested for another resource.",
            request_line(f),
            clip(desc, 200)
        ),
    )
    .with_evidence("server message", clip(desc, 200))
    .with_evidence(hint::API_CALLED, f.origin.clone())
    .with_fix("use-correct-audience")
    .with_fix("relogin");
    if let Some(aud) = quoted_value(desc) {
        finding = finding.with_evidence(hint::TOKEN_AUDIENCE, clip(aud, 120));
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use super::quoted_value;

    #[test]
    fn audience_names_api() {
        use super::names_api;
        assert!(names_api(
            "https://api.example.com",
            "https://api.example.com",
            "api.example.com"
        ));
        assert!(names_api(
            "https://api.example.com/",
            "https://api.example.com",
            "api.example.com"
        ));
        assert!(names_api(
            "https://api.example.com/v1",
            "https://api.example.com",
            "api.example.com"
        ));
        assert!(names_api(
            "https://API.example.com:443",
            "https://api.example.com",
            "api.example.com"
        ));
        assert!(!names_api(
            "https://other.example",
            "https://api.example.com",
            "api.example.com"
        ));
        assert!(!names_api(
            "https://api.example.com.evil.test",
            "https://api.example.com",
            "api.example.com"
        ));
    }

    #[test]
    fn quoted_values() {
        assert_eq!(
            quoted_value("The audience 'https://other.example' is invalid"),
            Some("https://other.example")
        );
        assert_eq!(quoted_value("aud \"x\""), Some("x"));
        assert_eq!(quoted_value("no quotes"), None);
        assert_eq!(quoted_value("'' empty"), None);
    }
}
