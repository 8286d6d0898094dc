//! `bearer-placeholder`: the header holds `undefined`, `null`, `[object Object]`, an empty
//! value or an unexpanded template instead of a token.
//!
//! [RFC 6750 §2.1](https://www.rfc-editor.org/rfc/rfc6750#section-2.1): `Bearer` must be
//! followed by the token. The placeholder is recognised by [`crate::credentials`]; this
//! rule adopts its verdict for failing requests (a placeholder on a request that worked
//! was not needed there).

use crate::finding::Finding;

use super::{request_line, Facts};

/// Raised on a failure whose credentials the decoder found to be a placeholder.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.failure {
        return;
    }
    if let Some((loc, v)) = f.verdicts("bearer-placeholder").next() {
        let mut finding = v.clone();
        finding.detail = format!(
            "{} {} The app sent the header before its token was loaded (a race at start-up, a failed login kept going), or stringified the wrong variable.",
            request_line(f),
            finding.detail
        );
        out.push(
            finding
                .with_evidence("credential", loc.to_string())
                .with_fix("relogin")
                .with_fix("copy-fetch"),
        );
    }
}
