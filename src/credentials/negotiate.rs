//! `Negotiate` / `NTLM` / `Kerberos` credentials (RFC 4559): what the token68 carries, read by
//! the shared recogniser in [`crate::challenge::negotiate`] (message types, mechanisms and the
//! names an NTLM message carries; never responses, keys or tickets).

use super::format::TokenText;
use super::{DecodedCredential, Kind, SchemeClass};
use crate::challenge::negotiate::{self, TokenKind};
use crate::diagnostic::Diagnostic;
use crate::secret;

pub(super) fn fill(out: &mut DecodedCredential, class: SchemeClass, text: &TokenText) {
    let token = negotiate::recognize_token68(&text.cleaned);
    out.diagnostics
        .extend(token.diagnostics.iter().cloned().map(|x| text.locate(x)));
    out.kind =
        if token.ntlm.is_some() || token.kind == TokenKind::Ntlm || class == SchemeClass::Ntlm {
            Kind::Ntlm
        } else {
            Kind::Negotiate
        };
    if text.cleaned.is_empty() {
        out.diagnostics.push(Diagnostic::error(
            "empty-credentials",
            text.offset,
            "no token after the scheme: negotiate and ntlm always send one (rfc 4559 §4)",
        ));
    }
    // A type 3 message names the user: show it like a Basic user-id.
    if let Some(ntlm) = &token.ntlm {
        out.username = match (&ntlm.domain, &ntlm.user) {
            (Some(d), Some(u)) if !d.is_empty() => Some(format!("{d}\\{u}")),
            (_, Some(u)) => Some(u.clone()),
            _ => None,
        };
    }
    if let Some(t) = out.token.as_mut() {
        t.masked = secret::mask(&text.cleaned);
    }
    out.negotiate = Some(token);
}
