//! `malformed-authorization`: the `Authorization` value breaks the credentials grammar.
//!
//! [RFC 9110 §11.6.2](https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2) and
//! [§11.4](https://www.rfc-editor.org/rfc/rfc9110#section-11.4): `auth-scheme [ 1*SP (
//! token68 / #auth-param ) ]`. The grammar diagnostics come from [`crate::challenge`].

use crate::diagnostic::Severity as DiagSeverity;
use crate::finding::{Finding, Severity};

use super::{clip, make, Facts};
use crate::fixes::request::mask_authorization;

/// Raised when the grammar reports errors (error on failures, warning otherwise) or only
/// warnings (warning).
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let (Some(value), Some(parsed)) = (f.authorization, f.credentials.as_ref()) else {
        return;
    };
    // An empty scheme-only value is a placeholder problem, reported by the credentials decoder.
    let diags: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code != "empty-credentials")
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
