//! `wrong-token-type`: a key or secret was sent the wrong way (a refresh token, a
//! publishable key or an AWS access key ID as a Bearer token).
//!
//! [RFC 6750 §2.1](https://www.rfc-editor.org/rfc/rfc6750#section-2.1): a Bearer credential
//! is an access token. The issuer's documented prefix (`ghr_`, `pk_live_`, `AKIA`…) says
//! what the value is and how it is meant to be sent; the decoder recognises it
//! ([`crate::credentials::identify_family`]).

use crate::finding::Finding;

use super::{adopt_decoder_verdict, Facts};

/// Raised when the decoder recognised a value that is not an access token in the
/// `Authorization` scheme it was sent with.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    adopt_decoder_verdict(f, "wrong-token-type", &[], out);
}
