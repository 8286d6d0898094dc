//! Cookies: the `Cookie` request header, the `Set-Cookie` response header, and the rules
//! that decide whether a browser sends a cookie back.
//!
//! Parsing follows what browsers do (RFC 6265bis,
//! <https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis>) rather than the
//! stricter server grammar of RFC 6265 §4 (<https://www.rfc-editor.org/rfc/rfc6265#section-4>),
//! and reports every departure from that grammar as a positioned [`Diagnostic`]: that gap
//! is where "works in Chrome, 401 from the server" lives.
//!
//! Decoding is separate from verdicts: [`parse_cookie_header`] and [`parse_set_cookie`]
//! never fail; [`would_send`] and friends judge, with "now" as a parameter.
//!
//! Cookie values are secrets: [`CookiePair`] and [`SetCookie`] mask them in `Debug` and do
//! not implement `Serialize`; display goes through [`MaskedCookie`] / [`SetCookieView`].

mod header;
mod policy;
mod set_cookie;

use crate::diagnostic::Diagnostic;

pub use header::{parse_cookie_header, CookieHeader, CookiePair, MaskedCookie};
pub use policy::{
    default_path, domain_matches, expires_at, is_deletion, path_matches, would_send, CookieUrl,
    NotSentReason, SetOn, SiteContext, MAX_LIFETIME_SECS,
};
pub use set_cookie::{
    parse_set_cookie, Attribute, Prefix, Priority, SameSite, SetCookie, SetCookieView,
};

/// Browsers refuse a cookie whose name and value together exceed 4096 bytes
/// (RFC 6265bis §5.6).
pub(crate) const MAX_NAME_VALUE_BYTES: usize = 4096;

/// `tchar` of RFC 9110 §5.6.2, which RFC 6265 §4.1.1 requires for cookie names.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `cookie-octet` of RFC 6265 §4.1.1: visible ASCII except `"` `,` `;` `\`.
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

/// Reports the first character of each kind that RFC 6265 §4.1.1 does not allow in a
/// name (one diagnostic per kind keeps the output bounded on hostile input).
pub(crate) fn check_name(name: &str, offset: usize, out: &mut Vec<Diagnostic>) {
    let bytes = name.as_bytes();
    if let Some(i) = bytes.iter().position(|&b| is_control(b)) {
        out.push(Diagnostic::error(
            "control-character",
            offset + i,
            "control character in a cookie name",
        ));
    }
    if let Some(i) = bytes.iter().position(|&b| !b.is_ascii()) {
        out.push(Diagnostic::warning(
            "non-ascii",
            offset + i,
            "non-ascii character in a cookie name: servers decode it differently",
        ));
    }
    if let Some(i) = bytes
        .iter()
        .position(|&b| b.is_ascii() && !is_control(b) && !is_token_char(b))
    {
        let c = bytes.get(i).copied().map(char::from).unwrap_or(' ');
        out.push(Diagnostic::warning(
            "invalid-name-char",
            offset + i,
            format!("{c:?} is not allowed in a cookie name (rfc 6265 §4.1.1); some servers reject or split the cookie"),
        ));
    }
}

/// Like [`check_name`] for a value; a value wrapped in double quotes is valid, but the
/// quotes are part of it.
pub(crate) fn check_value(value: &str, offset: usize, out: &mut Vec<Diagnostic>) {
    let (inner, inner_offset) = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => {
            out.push(Diagnostic::info(
                "quoted-value",
                offset,
                "the value is in double quotes: browsers keep the quotes as part of the value",
            ));
            (inner, offset + 1)
        }
        None => (value, offset),
    };
    let bytes = inner.as_bytes();
    if let Some(i) = bytes.iter().position(|&b| is_control(b)) {
        out.push(Diagnostic::error(
            "control-character",
            inner_offset + i,
            "control character in a cookie value",
        ));
    }
    if let Some(i) = bytes.iter().position(|&b| !b.is_ascii()) {
        out.push(Diagnostic::warning(
            "non-ascii",
            inner_offset + i,
            "non-ascii character in a cookie value: percent-encode it, servers decode raw bytes differently",
        ));
    }
    if let Some(i) = bytes
        .iter()
        .position(|&b| b.is_ascii() && !is_control(b) && !is_cookie_octet(b))
    {
        let c = bytes.get(i).copied().map(char::from).unwrap_or(' ');
        out.push(Diagnostic::warning(
            "invalid-value-char",
            inner_offset + i,
            format!("{c:?} is not allowed in a cookie value (rfc 6265 §4.1.1); percent-encode it"),
        ));
    }
}
