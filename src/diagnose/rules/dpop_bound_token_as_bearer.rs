//! `dpop-bound-token-as-bearer`: a DPoP-bound access token (`cnf.jkt`) was sent with the
//! `Bearer` scheme.
//!
//! [RFC 9449 §7.1](https://www.rfc-editor.org/rfc/rfc9449#section-7.1): a bound token is
//! sent as `Authorization: DPoP <token>` with a proof; resource servers reject it as Bearer
//! ([§6.1](https://www.rfc-editor.org/rfc/rfc9449#section-6.1) defines the binding). When
//! every challenge names DPoP, `scheme-mismatch` is raised too and ranks first.

use crate::finding::Finding;

use super::{adopt_decoder_verdict, Facts};

/// Raised when a token with a `cnf.jkt` claim was sent as `Bearer`.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    adopt_decoder_verdict(
        f,
        "dpop-bound-token-as-bearer",
        &["send-credentials", "copy-fetch"],
        out,
    );
}
