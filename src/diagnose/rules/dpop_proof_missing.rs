//! `dpop-proof-missing`: the `DPoP` scheme was used without a `DPoP` proof header.
//!
//! [RFC 9449 §7.1](https://www.rfc-editor.org/rfc/rfc9449#section-7.1): a request with a
//! DPoP-bound access token carries a fresh proof in the `DPoP` header.

use crate::finding::Finding;

use super::{adopt_decoder_verdict, Facts};

/// Raised for `Authorization: DPoP <token>` without a `DPoP` header.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    adopt_decoder_verdict(f, "dpop-proof-missing", &["send-credentials"], out);
}
