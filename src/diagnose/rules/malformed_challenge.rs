//! `malformed-challenge`: `WWW-Authenticate` / `Proxy-Authenticate` has syntax errors.
//!
//! [RFC 9110 §11.6.1](https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1) and the
//! challenge grammar of [§11.3](https://www.rfc-editor.org/rfc/rfc9110#section-11.3);
//! diagnostics (with byte offsets into the joined field value) come from
//! [`crate::challenge`].

use crate::diagnostic::Severity as DiagSeverity;
use crate::finding::Finding;

use super::{clip, make, Facts};

/// Raised when either challenge header has grammar errors.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    for (name, parsed) in [
        ("WWW-Authenticate", f.challenges.as_ref()),
        ("Proxy-Authenticate", f.proxy_challenges.as_ref()),
    ] {
        let Some(parsed) = parsed else {
            continue;
        };
        let errors: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == DiagSeverity::Error)
            .collect();
        if errors.is_empty() {
            continue;
        }
        let list: Vec<String> = errors
            .iter()
            .take(3)
            .map(|d| format!("{} at byte {}", clip(&d.message, 120), d.offset))
            .collect();
        let raw: Vec<&str> = f.ex.response.headers.get_all(name).collect();
        let mut finding = make(
            "malformed-challenge",
            format!(
                "The {name} header does not parse cleanly: {}. Strict clients may ignore the whole challenge, and the error or scope it carries is lost.",
                list.join("; ")
            ),
        )
        .with_evidence(format!("response header {name}"), clip(&raw.join(", "), 300))
        .with_fix("add-www-authenticate");
        for d in errors.iter().take(3) {
            finding = finding.with_evidence(
                format!("diagnostic {} at byte {}", d.code, d.offset),
                clip(&d.message, 120),
            );
        }
        out.push(finding);
    }
}
