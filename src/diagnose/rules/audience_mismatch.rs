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

/// Raised on a 401/403 whose server message blames the audience.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.failure {
        return;
    }
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
