//! `malformed-authorization`: the `Authorization` value breaks the credentials grammar.
//!
//! [RFC 9110 §11.6.2](https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2) and
//! [§11.4](https://www.rfc-editor.org/rfc/rfc9110#section-11.4): `auth-scheme [ 1*SP (
//! token68 / #auth-param ) ]`. The grammar diagnostics come from [`crate::challenge`].

use crate::diagnostic::Severity as DiagSeverity;
use crate::finding::{Finding, Severity};

use super::{clip, make, Facts};
use crate::fixes::request::mask_authorization;

/// Decoder verdicts about the credentials' format that this rule reports (the decoder's own
/// finer ids are kept as evidence).
const FORMAT_VERDICTS: &[&str] = &[
    "malformed-authorization",
    "wrong-token-type",
    "dpop-proof-invalid",
    "dpop-proof-missing",
    "digest-uri-mismatch",
    "aws4-request-invalid",
];

/// Adopts the decoder's format verdicts: on a failure as decoded, on a success lowered
/// (an error becomes a warning, a warning such as a lower-case scheme becomes info: it
/// worked here).
fn decoder_verdicts(f: &Facts<'_>, out: &mut Vec<Finding>) {
    for id in FORMAT_VERDICTS {
        for (loc, v) in f.verdicts(id) {
            let mut finding = v.clone().with_evidence("credential", loc.to_string());
            if *id != "malformed-authorization" {
                finding = finding.with_evidence("decoder verdict", (*id).to_string());
                finding.id = "malformed-authorization";
            }
            if !f.failure {
                finding.severity = match finding.severity {
                    Severity::Error => Severity::Warning,
                    _ => Severity::Info,
                };
            }
            out.push(finding.with_fix("fix-authorization-format"));
        }
    }
}

/// Raised when the grammar reports errors (error on failures, warning otherwise) or only
/// warnings (warning), and for the decoder's format verdicts.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    decoder_verdicts(f, out);
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
