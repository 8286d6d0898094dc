//! `Negotiate` / `NTLM` credentials: which mechanism the token68 carries.

use serde::Serialize;

use super::format::TokenText;
use super::{DecodedCredential, Kind, SchemeClass};
use crate::base64::{self, Alphabet};
use crate::diagnostic::Diagnostic;
use crate::secret;

/// NTLM / SPNEGO details (until the challenge module's recogniser is wired in: the message
/// family from the token's first bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NegotiateInfo {
    /// `ntlm`, `spnego`, `kerberos` or `unknown`.
    pub mechanism: &'static str,
    /// NTLM message type (1 negotiate, 2 challenge, 3 authenticate), when NTLM.
    pub ntlm_message_type: Option<u32>,
    /// Decoded length in bytes.
    pub bytes: usize,
}

pub(super) fn fill(out: &mut DecodedCredential, class: SchemeClass, text: &TokenText) {
    let d = base64::decode(&text.cleaned, Alphabet::Standard);
    out.diagnostics.extend(
        d.diagnostics
            .iter()
            .cloned()
            .map(|x| x.shifted(text.cleaned_offset)),
    );
    let bytes = d.bytes;
    let ntlm_at = bytes.windows(8).position(|w| w == b"NTLMSSP\0");
    let ntlm_type = ntlm_at.and_then(|i| {
        let t = bytes.get(i + 8..i + 12)?;
        Some(u32::from_le_bytes(<[u8; 4]>::try_from(t).ok()?))
    });
    let mechanism = match (ntlm_at, bytes.first()) {
        (Some(0), _) => "ntlm",
        (Some(_), _) => "spnego",
        (None, Some(0x60 | 0xa1)) => "spnego",
        (None, Some(0x6e)) => "kerberos",
        _ => "unknown",
    };
    out.kind = if ntlm_at.is_some() || class == SchemeClass::Ntlm {
        Kind::Ntlm
    } else {
        Kind::Negotiate
    };
    if text.cleaned.is_empty() {
        out.diagnostics.push(Diagnostic::error(
            "empty-credentials",
            text.offset,
            "no token after the scheme",
        ));
    }
    if let Some(t) = out.token.as_mut() {
        t.masked = secret::mask(&text.cleaned);
    }
    out.negotiate = Some(NegotiateInfo {
        mechanism,
        ntlm_message_type: ntlm_type,
        bytes: bytes.len(),
    });
}
