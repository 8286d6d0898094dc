//! `scheme-mismatch`: the server asks only for schemes other than the one sent.
//!
//! [RFC 9110 §11.6.1](https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1): the
//! challenges list the schemes the resource accepts; scheme names compare
//! case-insensitively ([§11.1](https://www.rfc-editor.org/rfc/rfc9110#section-11.1)).

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// Raised on a 401 whose every challenge names a scheme other than the `Authorization` one.
/// (A DPoP-bound token sent as `Bearer` is the more specific `dpop-bound-token-as-bearer`.)
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 {
        return;
    }
    let (Some(sent), Some(parsed)) = (f.scheme(), f.challenges.as_ref()) else {
        return;
    };
    if sent.is_empty() || parsed.challenges.is_empty() {
        return;
    }
    if parsed.challenges.iter().any(|c| c.is_scheme(sent)) {
        return;
    }
    let wanted: Vec<String> = parsed
        .challenges
        .iter()
        .take(4)
        .map(|c| clip(c.scheme, 30))
        .collect();
    let first = wanted.first().cloned().unwrap_or_default();
    let extra = if sent.eq_ignore_ascii_case("bearer") && first.eq_ignore_ascii_case("dpop") {
        " The API requires a DPoP-bound token: send `Authorization: DPoP <token>` plus a `DPoP` proof header (RFC 9449 §7), and request the token with DPoP."
    } else if sent.eq_ignore_ascii_case("basic") && first.eq_ignore_ascii_case("bearer") {
        " Exchange the username/password for an access token first (the token endpoint), then send `Authorization: Bearer <token>`."
    } else {
        ""
    };
    out.push(
        make(
            "scheme-mismatch",
            format!(
                "{} sent `{}` credentials but the server only accepts {}.{extra}",
                request_line(f),
                clip(sent, 30),
                wanted.join(", ")
            ),
        )
        .with_evidence("scheme sent", clip(sent, 30))
        .with_evidence("schemes accepted", wanted.join(", "))
        .with_evidence(hint::REQUIRED_SCHEME, first)
        .with_fix("send-credentials")
        .with_fix("copy-fetch"),
    );
}
