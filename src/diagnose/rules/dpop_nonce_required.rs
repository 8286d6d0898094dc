//! `dpop-nonce-required`: the server wants a DPoP proof that carries its nonce.
//!
//! [RFC 9449 §9](https://www.rfc-editor.org/rfc/rfc9449#section-9) (resource servers:
//! `WWW-Authenticate: DPoP error="use_dpop_nonce"`) and
//! [§8](https://www.rfc-editor.org/rfc/rfc9449#section-8) (authorization servers: a 400 with
//! `{"error":"use_dpop_nonce"}`), both with a `DPoP-Nonce` header to use in the retry.

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// Raised when the challenge or the OAuth body says `use_dpop_nonce`.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f
        .error_code()
        .is_some_and(|c| c.eq_ignore_ascii_case("use_dpop_nonce"))
    {
        return;
    }
    let nonce = f.res("dpop-nonce");
    let mut detail = format!(
        "The server answered {} with `use_dpop_nonce`: it requires every DPoP proof to include a nonce it issued. This is part of the DPoP protocol, not a credential problem.",
        request_line(f)
    );
    match nonce {
        Some(_) => detail.push_str(" Retry once with a new proof whose `nonce` claim is the DPoP-Nonce value from this response."),
        None => detail.push_str(" The response has no DPoP-Nonce header, which the RFC requires with this error: the client cannot comply until the server sends one."),
    }
    let mut finding = make("dpop-nonce-required", detail)
        .with_evidence("error", "use_dpop_nonce")
        .with_fix("retry-with-nonce")
        .with_fix("copy-fetch")
        .with_ref(
            "RFC 9449 §8",
            "https://www.rfc-editor.org/rfc/rfc9449#section-8",
        );
    // The server named its reason; problems the decoder found in the proof come next,
    // once the nonce is there, so they rank below (the proof rules ran before this one).
    for m in out
        .iter_mut()
        .filter(|m| matches!(m.id, "dpop-proof-invalid" | "dpop-proof-missing"))
    {
        m.severity = crate::finding::Severity::Warning;
    }
    if let Some(n) = nonce {
        // Server-issued and single-purpose: not a secret, and the retry needs it verbatim.
        finding = finding.with_evidence(hint::DPOP_NONCE, clip(n, 200));
    }
    out.push(finding);
}
