//! `dpop-proof-invalid`: the `DPoP` proof fails a check of RFC 9449 §4.3 (not a signed JWT,
//! wrong `typ`, private key in the header, `htm`/`htu` of another request, stale `iat`, an
//! `ath` of another token, a key other than the token's `cnf.jkt`, several proofs).
//!
//! [RFC 9449 §4.3](https://www.rfc-editor.org/rfc/rfc9449#section-4.3) lists the checks a
//! server makes; each failed one is a verdict of the decoder.

use crate::finding::Finding;

use super::{adopt_decoder_verdict, Facts};

/// Raised for every check the decoder found failed in the proof.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    adopt_decoder_verdict(f, "dpop-proof-invalid", &[], out);
}
