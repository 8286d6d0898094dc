//! `digest-uri-mismatch`: the Digest response was computed for another request-target.
//!
//! [RFC 7616 §3.4.6](https://www.rfc-editor.org/rfc/rfc7616#section-3.4.6): the server
//! checks that `uri` names the request-target and recomputes the response for it.

use crate::finding::Finding;

use super::{adopt_decoder_verdict, Facts};

/// Raised when the Digest `uri` parameter is not the request's target.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    adopt_decoder_verdict(f, "digest-uri-mismatch", &[], out);
}
