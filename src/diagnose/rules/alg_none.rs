//! `alg-none`: an unsecured JWT (`"alg": "none"`) was sent.
//!
//! [RFC 7519 §6](https://www.rfc-editor.org/rfc/rfc7519#section-6) defines unsecured JWTs;
//! [RFC 8725 §3.1](https://www.rfc-editor.org/rfc/rfc8725#section-3.1) says servers must not
//! accept them for authentication. Raised on any exchange: on a failure it is the likely
//! cause, on a success the server accepted a forgeable token.

use crate::finding::Finding;

use super::Facts;

/// Raised whenever the decoder flags an unsecured token.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if let Some((loc, v)) = f.verdicts("alg-none").next() {
        let mut finding = v.clone().with_evidence("credential", loc.to_string());
        if !f.failure && (200..300).contains(&f.status) {
            finding.title = "An unsigned JWT (alg: none) was accepted".to_string();
            finding.detail.push_str(" This request succeeded: the server accepted a token anyone can forge. Configure the server to reject alg none.");
        }
        out.push(finding);
    }
}
