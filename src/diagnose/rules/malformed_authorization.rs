//! `malformed-authorization`: the `Authorization` value breaks the credentials grammar.
//!
//! [RFC 9110 §11.6.2](https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2) and
//! [§11.4](https://www.rfc-editor.org/rfc/rfc9110#section-11.4): `auth-scheme [ 1*SP (
//! token68 / #auth-param ) ]`. The grammar diagnostics come from [`crate::challenge`].

use crate::diagnostic::Severity as DiagSeverity;
use crate::finding::{Finding, Severity};

use super::{adopt_decoder_verdict, clip, make, Facts};
use crate::fixes::request::mask_authorization;

/// Raised when the grammar reports errors (error on failures, warning otherwise) or only
/// warnings (warning), and for the decoder's `malformed-authorization` verdict (lowered on
/// a success, see [`adopt_decoder_verdict`]).
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    adopt_decoder_verdict(f, "malformed-authorization", &[], out);
    let (Some(value), Some(parsed)) = (f.authorization, f.credentials.as_ref()) else {
        return;
    };
    // An empty scheme-only value is a placeholder problem, reported by the credentials decoder.
    // SigV4 puts `/` and `;` in unquoted values: not RFC 9110 syntax, yet what AWS requires
    // (the decoder makes the same exception).
    let sigv4 = parsed
        .credentials
        .as_ref()
        .is_some_and(|c| c.scheme.eq_ignore_ascii_case("AWS4-HMAC-SHA256"));
    let diags: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code != "empty-credentials")
        .filter(|d| !(sigv4 && d.code == "illegal-character"))
        .collect();
    if diags.is_empty() {
        return;
    }
    let errors = diags.iter().any(|d| d.severity == DiagSeverity::Error);
    let list: Vec<String> = diags
        .iter()
        .take(3)
        .map(|d| format!("{} at byte {}", clip(&d.message, 120), d.offset))
        .collect();
    let detail = format!(
        "The Authorization header does not follow `<scheme> <credentials>`: {}. Servers reject such values or read a different token than intended.",
        list.join("; ")
    );
    let mut finding = make("malformed-authorization", detail)
        .with_evidence("request header Authorization", mask_authorization(value))
        .with_fix("fix-authorization-format")
        .with_fix("copy-fetch");
    for d in diags.iter().take(3) {
        finding = finding.with_evidence(
            format!("diagnostic {} at byte {}", d.code, d.offset),
            clip(&d.message, 120),
        );
    }
    if !errors || !f.failure {
        finding.severity = Severity::Warning;
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::Exchange;

    fn findings(authorization: &str, status: u16) -> Vec<Finding> {
        let mut ex = Exchange::default();
        ex.request.method = "GET".into();
        ex.request.url = "https://examplebucket.s3.amazonaws.com/reports/q3.csv".into();
        ex.request.headers.push("Authorization", authorization);
        ex.response.status = status;
        let f = Facts::new(&ex, 60);
        let mut out = Vec::new();
        check(&f, &mut out);
        out
    }

    #[test]
    fn regression_sigv4_slashes_and_semicolons_are_not_malformed() {
        let sigv4 = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
        for status in [200, 403] {
            assert!(findings(sigv4, status).is_empty(), "{status}");
        }
        // The same characters under another scheme still break the grammar.
        let other = sigv4.replacen("AWS4-HMAC-SHA256", "Custom", 1);
        assert!(findings(&other, 401)
            .iter()
            .any(|f| f.id == "malformed-authorization"));
    }
}
