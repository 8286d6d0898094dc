//! `digest-stale-nonce`: the Digest nonce expired; the password was right.
//!
//! [RFC 7616 §3.3](https://www.rfc-editor.org/rfc/rfc7616#section-3.3): `stale=true` means
//! the request digest was valid but the nonce was not; the client should retry with the
//! new nonce without prompting the user.

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// Raised on a Digest challenge (or proxy challenge) with `stale=true`.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let stale = [f.challenges.as_ref(), f.proxy_challenges.as_ref()]
        .into_iter()
        .flatten()
        .flat_map(|p| p.challenges.iter())
        .find(|c| {
            c.is_scheme("digest")
                && c.param_value("stale")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        });
    let Some(c) = stale else {
        return;
    };
    let mut finding = make(
        "digest-stale-nonce",
        format!(
            "The server answered {} with `stale=true`: the username and password were right, only the nonce had expired. The client should recompute the Digest response with the new nonce and retry, without asking for the password again.",
            request_line(f)
        ),
    )
    .with_evidence("challenge param stale", "true")
    .with_fix("retry-with-nonce");
    if let Some(n) = c.param_value("nonce") {
        finding = finding.with_evidence(hint::DIGEST_NONCE, clip(n, 120));
    }
    if let Some(a) = c.param_value("algorithm") {
        finding = finding.with_evidence("challenge param algorithm", clip(a, 40));
    }
    out.push(finding);
}
