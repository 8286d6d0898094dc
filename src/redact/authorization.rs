//! `Authorization` / `Proxy-Authorization` values (RFC 9110 §11.6.2, §11.7.2).
//!
//! The token is located exactly as [`crate::credentials`] locates it
//! ([`credentials::token_after_scheme`]), so whatever surrounds it — the scheme as spelled,
//! a doubled scheme, quotes, a colon, a trailing `;` — is kept byte for byte, and whitespace
//! inside the token is put back at the same place.

use crate::base64::{self, Alphabet};
use crate::challenge;
use crate::credentials::{self, placeholder, PlaceholderKind, TokenText};

use super::marker::{self, Secret};
use super::Redactor;

/// A second credential in the same field is redacted recursively, this deep at most.
const MAX_DEPTH: usize = 4;

/// Parameters of parameter-style schemes (Digest, SigV4, OAuth 1.0a, Hawk, …) whose values
/// are not secret: protocol state, names and what was signed.
const PUBLIC_PARAMS: &[&str] = &[
    "username",
    "username*",
    "userhash",
    "realm",
    "nonce",
    "uri",
    "algorithm",
    "qop",
    "nc",
    "cnonce",
    "opaque",
    "charset",
    "signedheaders",
    "oauth_consumer_key",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_version",
    "oauth_callback",
    "id",
    "ts",
    "hash",
    "ext",
    "app",
    "dlg",
    "nextnonce",
    "keyid",
    "headers",
];

/// What kind of secret a parameter holds, by name.
fn param_secret(name: &str) -> Secret {
    match name.to_ascii_lowercase().as_str() {
        "response" | "rspauth" => Secret::DigestResponse,
        "signature" | "oauth_signature" | "mac" | "sig" => Secret::RequestSignature,
        "oauth_token" | "token" | "access_token" => Secret::Token,
        "password" => Secret::Password,
        _ => Secret::Value,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Token,
    Basic,
    Gss,
    Params,
}

fn classify(scheme: &str, has_params: bool) -> Class {
    match scheme.to_ascii_lowercase().as_str() {
        "basic" => Class::Basic,
        "negotiate" | "kerberos" | "ntlm" => Class::Gss,
        "digest" | "aws4-hmac-sha256" => Class::Params,
        "bearer" | "dpop" => Class::Token,
        _ if has_params => Class::Params,
        _ => Class::Token,
    }
}

/// Where a parameter's value lies in `s`, the name starting at `at`: `(start, end, quoted)`.
fn param_value_span(s: &str, at: usize, name: &str) -> Option<(usize, usize, bool)> {
    let b = s.as_bytes();
    let mut i = at + name.len();
    let skip_ws = |i: &mut usize| {
        while matches!(b.get(*i), Some(b' ' | b'\t')) {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    skip_ws(&mut i);
    if b.get(i) == Some(&b'"') {
        let start = i + 1;
        let mut j = start;
        while let Some(&c) = b.get(j) {
            match c {
                b'\\' => j += 2,
                b'"' => return Some((start, j, true)),
                _ => j += 1,
            }
        }
        Some((start, b.len().min(j), true))
    } else {
        let start = i;
        let mut j = start;
        while let Some(&c) = b.get(j) {
            if c == b',' || c == b' ' || c == b'\t' {
                break;
            }
            j += 1;
        }
        Some((start, j, false))
    }
}

/// Scans a bare `name=value, name="value"` list (`Authentication-Info`), calling `f` for each
/// parameter; `f` returns a replacement value. Linear, stops at anything else.
pub(super) fn rewrite_param_list(
    s: &str,
    mut f: impl FnMut(&str, &str) -> Option<String>,
) -> String {
    let b = s.as_bytes();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0usize;
    loop {
        while matches!(b.get(i), Some(b' ' | b'\t' | b',')) {
            i += 1;
        }
        let start = i;
        while b.get(i).copied().is_some_and(challenge::is_tchar) {
            i += 1;
        }
        if i == start {
            break;
        }
        let name = s.get(start..i).unwrap_or("");
        let Some((vs, ve, quoted)) = param_value_span(s, start, name) else {
            break;
        };
        let raw = s.get(vs..ve).unwrap_or("");
        let value = if quoted {
            unescape(raw)
        } else {
            raw.to_string()
        };
        if let Some(rep) = f(name, &value) {
            // A scrubbed value may keep a quote or a backslash: escape it again.
            let rep = if quoted {
                rep.replace('\\', "\\\\").replace('"', "\\\"")
            } else {
                rep
            };
            edits.push((vs, ve, rep));
        }
        i = if quoted { ve + 1 } else { ve };
    }
    apply_edits(s, edits)
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn apply_edits(s: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    if edits.is_empty() {
        return s.to_string();
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(s.len());
    let mut last = 0usize;
    for (start, end, rep) in edits {
        if start < last {
            continue;
        }
        out.push_str(s.get(last..start).unwrap_or(""));
        out.push_str(&rep);
        last = end;
    }
    out.push_str(s.get(last..).unwrap_or(""));
    out
}

/// Puts `new` in place of the token `text` describes in `value`, keeping the text around it
/// and the whitespace that [`credentials::token_after_scheme`] dropped inside it.
fn rebuild(value: &str, text: &TokenText, new: &str) -> Option<String> {
    let start = text.cleaned_offset;
    let mut gaps: Vec<(usize, char)> = Vec::new();
    let mut cleaned = text.cleaned.chars().peekable();
    let mut consumed = 0usize;
    let mut end = start;
    for (i, c) in value.get(start..)?.char_indices() {
        let Some(&want) = cleaned.peek() else {
            break;
        };
        if c == want {
            cleaned.next();
            consumed += 1;
            end = start + i + c.len_utf8();
        } else if matches!(c, ' ' | '\t' | '\r' | '\n') {
            gaps.push((consumed, c));
        } else {
            return None;
        }
    }
    if cleaned.peek().is_some() {
        return None;
    }
    let old_len = consumed;
    let new_chars: Vec<char> = new.chars().collect();
    let n = new_chars.len();
    // A gap keeps its position, moved inside the new token when that is shorter, and a gap
    // at the end stays at the end.
    let place = |p: usize| -> usize {
        if p >= old_len {
            n
        } else if n >= 2 {
            p.clamp(1, n - 1)
        } else {
            n
        }
    };
    let mut out = String::with_capacity(value.len() + new.len());
    out.push_str(value.get(..start)?);
    let mut g = gaps.iter().peekable();
    for (i, ch) in new_chars.iter().enumerate() {
        while let Some((_, c)) = g.next_if(|(p, _)| place(*p) == i) {
            out.push(*c);
        }
        out.push(*ch);
    }
    for (_, c) in g {
        out.push(*c);
    }
    out.push_str(value.get(end..)?);
    Some(out)
}

impl Redactor {
    /// Redacts one `Authorization` / `Proxy-Authorization` field value found at `location`
    /// (`request header Authorization`, `request body $.headers.authorization`).
    pub(super) fn authorization_value(
        &mut self,
        value: &str,
        location: &str,
        depth: usize,
    ) -> String {
        if value.trim().is_empty() || depth > MAX_DEPTH {
            return value.to_string();
        }
        let parsed = challenge::parse_credentials(value);
        // A second scheme in the same field: the decoder reads only the first credentials,
        // up to the comma before the second; the rest is redacted on its own.
        let cut = parsed
            .diagnostics
            .iter()
            .find(|d| d.code == "multiple-credentials")
            .map(|multi| {
                value
                    .get(..multi.offset)
                    .and_then(|v| v.rfind(','))
                    .unwrap_or(multi.offset)
            });
        if let Some(cut) = cut.filter(|c| *c < value.len()) {
            let head = value.get(..cut).unwrap_or("");
            let sep_len = usize::from(value.get(cut..).is_some_and(|t| t.starts_with(',')));
            let sep = value.get(cut..cut + sep_len).unwrap_or("");
            let tail = value.get(cut + sep_len..).unwrap_or("");
            let head = self.first_credentials(head, &parsed, location);
            let tail = self.authorization_value(tail, location, depth + 1);
            return format!("{head}{sep}{tail}");
        }
        self.first_credentials(value, &parsed, location)
    }

    fn first_credentials(
        &mut self,
        value: &str,
        parsed: &challenge::ParsedCredentials<'_>,
        location: &str,
    ) -> String {
        let (scheme, scheme_at) = credentials::lex_scheme(value);
        let bare = parsed
            .credentials
            .as_ref()
            .is_some_and(|c| c.scheme.is_empty())
            || scheme.is_empty();
        let has_params = parsed
            .credentials
            .as_ref()
            .is_some_and(|c| c.token68.is_none() && !c.params.is_empty());
        let class = if bare {
            Class::Token
        } else {
            classify(scheme, has_params)
        };
        if class == Class::Params {
            return self.params(value, scheme_at + scheme.len(), location);
        }
        let (scheme, scheme_at) = if bare { ("", 0) } else { (scheme, scheme_at) };
        let b64token = matches!(scheme.to_ascii_lowercase().as_str(), "bearer" | "dpop");
        let text = credentials::token_after_scheme(value, scheme, scheme_at, b64token);
        let as_written = text.raw.trim_end_matches([',', ';']);
        if placeholder(as_written).is_some() || placeholder(&text.cleaned).is_some() {
            return value.to_string();
        }
        let new = match class {
            Class::Basic => self.basic(&text.cleaned, location),
            Class::Gss => self.gss(&text.cleaned, location),
            _ => self.token(&text.cleaned, Secret::Token, location),
        };
        if new == text.cleaned {
            return value.to_string();
        }
        rebuild(value, &text, &new).unwrap_or_else(|| {
            // The token could not be found again: keep only the layout.
            let id = self.reg.id(value);
            marker::scrub(value, id)
        })
    }

    /// Parameter-style credentials: secret parameters become markers in place.
    fn params(&mut self, value: &str, from: usize, location: &str) -> String {
        let head = value.get(..from).unwrap_or("");
        let rest = value.get(from..).unwrap_or("");
        let rest = rewrite_param_list(rest, |name, v| self.param_value(name, v, location));
        format!("{head}{rest}")
    }

    /// The replacement for one credentials parameter, `None` to keep it.
    pub(super) fn param_value(
        &mut self,
        name: &str,
        value: &str,
        location: &str,
    ) -> Option<String> {
        let lower = name.to_ascii_lowercase();
        let loc = format!("{location} param {name}");
        if value.is_empty() || super::token::is_marker(value) {
            return None;
        }
        match lower.as_str() {
            "uri" | "oauth_callback" => {
                let u = self.url_value(value, &loc, 1);
                return (u != value).then_some(u);
            }
            "credential" => return self.aws_credential(value, &loc),
            "username" if credentials::identify_family(value).is_none() => return None,
            _ => {}
        }
        if PUBLIC_PARAMS.contains(&lower.as_str()) && lower != "username" {
            return None;
        }
        let what = param_secret(&lower);
        let id = self.reg.id(value);
        let len = value.chars().count();
        // Digest responses and SigV4 signatures are checked for their hex length.
        let out = match marker::shaped(value, id) {
            Some(s) if value.len() >= 16 && value.bytes().all(|c| c.is_ascii_hexdigit()) => s,
            _ if value
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-._~+/=".contains(&c)) =>
            {
                marker::descriptive(what, len, id)
            }
            _ => marker::scrub(value, id),
        };
        self.note(&loc, what.describe(), len);
        self.reg.remember(value, &out);
        Some(out)
    }

    /// SigV4 `Credential=AKIA…/20261121/us-east-1/s3/aws4_request`: the access key ID is
    /// replaced (keeping `AKIA`/`ASIA`, which says long-term or temporary), the scope stays.
    pub(super) fn aws_credential(&mut self, value: &str, location: &str) -> Option<String> {
        let (key, scope) = match value.find('/') {
            Some(i) => (value.get(..i)?, value.get(i..)?),
            None => (value, ""),
        };
        if key.is_empty() || super::token::is_marker(key) {
            return None;
        }
        let new_key = match credentials::identify_family(key) {
            Some(f) if !f.prefix.is_empty() => {
                self.family_marker(key, f.id, f.prefix, Secret::AccessKeyId, location)
            }
            _ => {
                let id = self.reg.id(key);
                let m = marker::shaped(key, id)
                    .unwrap_or_else(|| marker::descriptive(Secret::AccessKeyId, key.len(), id));
                self.note(location, Secret::AccessKeyId.describe(), key.len());
                self.reg.remember(key, &m);
                m
            }
        };
        Some(format!("{new_key}{scope}"))
    }

    /// A Basic token68: `base64(user-id ":" password)` (RFC 7617 §2). The user-id stays
    /// unless it is itself a key; the password becomes a marker of the same emptiness, with
    /// the same kind of characters where a check looks (non-ASCII, control characters), and
    /// the encoding keeps its padding and alphabet quirks.
    fn basic(&mut self, token: &str, location: &str) -> String {
        if super::token::is_marker(token) {
            return token.to_string();
        }
        let d = base64::decode(token, Alphabet::Standard);
        let clean = token
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+/-_=".contains(&c));
        if d.has_errors() || !clean || d.bytes.is_empty() {
            let id = self.reg.id(token);
            let out = marker::scrub(token, id);
            self.note(location, "Basic credentials", token.len());
            self.reg.remember(token, &out);
            return out;
        }
        let bytes = d.bytes;
        let (user, pass): (&[u8], Option<&[u8]>) = match bytes.iter().position(|&b| b == b':') {
            Some(i) => (
                bytes.get(..i).unwrap_or(&[]),
                Some(bytes.get(i + 1..).unwrap_or(&[])),
            ),
            None => (&bytes, None),
        };
        let id = self.reg.id(token);
        let utf8 = std::str::from_utf8(&bytes).is_ok();
        // A marker for a secret part, and the bytes that keep its charset quirks.
        let secret = |what: Secret, part: &[u8]| -> (String, Vec<u8>) {
            let text = String::from_utf8_lossy(part);
            let m = marker::descriptive(what, text.chars().count(), id);
            let mut quirks = Vec::new();
            if !part.is_ascii() {
                // Keep the charset question (RFC 7617 §2.1) the same.
                if utf8 {
                    quirks.extend_from_slice("é".as_bytes());
                } else {
                    quirks.push(0xE9);
                }
            }
            if let Some(&c) = part.iter().find(|c| c.is_ascii_control()) {
                quirks.push(c);
            }
            (m, quirks)
        };
        let user_text = String::from_utf8_lossy(user).into_owned();
        // (marker, quirks) for the user-id when it is replaced.
        let new_user: Option<(String, Vec<u8>)> = match pass {
            // No ':' at all: the whole value is the secret (often a token sent as Basic).
            None => {
                self.note(
                    location,
                    "Basic credentials without ':'",
                    user_text.chars().count(),
                );
                Some(secret(Secret::Password, user))
            }
            Some(_) => match credentials::identify_family(&user_text) {
                Some(f) if !f.prefix.is_empty() && std::str::from_utf8(user).is_ok() => Some((
                    self.family_marker(&user_text, f.id, f.prefix, Secret::Key, location),
                    Vec::new(),
                )),
                Some(_) => {
                    self.note(
                        location,
                        "Basic user-id (an API key)",
                        user_text.chars().count(),
                    );
                    Some(secret(Secret::Key, user))
                }
                None => None,
            },
        };
        let new_pass: Option<(String, Vec<u8>)> = pass.and_then(|p| {
            let text = String::from_utf8_lossy(p);
            let keep =
                p.is_empty() || placeholder(&text).is_some_and(|k| k != PlaceholderKind::Example);
            if keep {
                None
            } else {
                self.note(location, "Basic password", text.chars().count());
                Some(secret(Secret::Password, p))
            }
        });
        if new_user.is_none() && new_pass.is_none() {
            return token.to_string();
        }
        let alphabet = if token.contains(['-', '_']) {
            Alphabet::UrlSafe
        } else {
            Alphabet::Standard
        };
        let assemble = |(extra, tildes): (usize, usize)| -> (Vec<u8>, String) {
            // The id of the last marker is zero-padded by `extra` to move the length.
            let pad_user = new_pass.is_none();
            let mut plain: Vec<u8> = match &new_user {
                Some((m, q)) => {
                    let m = if pad_user {
                        pad_id(m, extra)
                    } else {
                        m.clone()
                    };
                    let mut v = m.into_bytes();
                    v.extend_from_slice(q);
                    if pad_user {
                        v.extend(std::iter::repeat_n(b'~', tildes));
                    }
                    v
                }
                None => user.to_vec(),
            };
            if let Some(p) = pass {
                plain.push(b':');
                match &new_pass {
                    Some((m, q)) => {
                        plain.extend_from_slice(pad_id(m, extra).as_bytes());
                        plain.extend_from_slice(q);
                        plain.extend(std::iter::repeat_n(b'~', tildes));
                    }
                    None => plain.extend_from_slice(p),
                }
            }
            let mut out = base64::encode(&plain, alphabet);
            if alphabet == Alphabet::UrlSafe && token.ends_with('=') {
                while out.len() % 4 != 0 {
                    out.push('=');
                }
            }
            if !token.ends_with('=') {
                out = out.trim_end_matches('=').to_string();
            }
            (plain, out)
        };
        // Same length modulo 3 means the same padding; a url-safe original stays url-safe
        // (three `~` in a row always put one where base64url writes it as `-`).
        let fits = |plain: &[u8], out: &str| {
            plain.len() % 3 == bytes.len() % 3
                && (alphabet == Alphabet::Standard || out.contains(['-', '_']))
        };
        let out = [0, 3]
            .into_iter()
            .flat_map(|t| (0..3).map(move |e| (e, t)))
            .map(assemble)
            .find(|(plain, out)| fits(plain, out))
            .unwrap_or_else(|| assemble((0, 0)))
            .1;
        self.reg.remember(token, &out);
        if let (Some(p), Some((m, _))) = (pass, &new_pass) {
            if let Ok(p) = std::str::from_utf8(p) {
                self.reg.remember(p, m);
            }
        }
        out
    }
}

/// `REDACTED-password-8chars-12` with `extra` zeros before the id: `…-0012`. Markers that do
/// not end in an id are returned as they are.
fn pad_id(marker: &str, extra: usize) -> String {
    match marker.rsplit_once('-') {
        Some((head, id))
            if extra > 0 && !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()) =>
        {
            format!("{head}-{}{id}", "0".repeat(extra))
        }
        _ => marker.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &str, scheme: &str) -> TokenText {
        let (s, at) = credentials::lex_scheme(v);
        assert_eq!(s, scheme);
        credentials::token_after_scheme(v, s, at, true)
    }

    #[test]
    fn rebuild_keeps_layout_and_inner_whitespace() {
        let cases = [
            ("Bearer abc", "XYZW", "Bearer XYZW"),
            ("Bearer Bearer abc", "XYZW", "Bearer Bearer XYZW"),
            ("Bearer \"abc\"", "XYZW", "Bearer \"XYZW\""),
            ("Bearer abc;", "XYZW", "Bearer XYZW;"),
            ("Bearer ab c", "XYZW", "Bearer XY ZW"),
            ("Bearer abc\n", "XYZW", "Bearer XYZW\n"),
            ("Bearer: abc", "XY", "Bearer: XY"),
        ];
        for (value, new, want) in cases {
            let t = text(value, "Bearer");
            assert_eq!(rebuild(value, &t, new).as_deref(), Some(want), "{value:?}");
        }
    }

    #[test]
    fn param_list_rewrites_values_in_place() {
        let s = r#"rspauth="abc\"d", cnonce="x", nc=00000001"#;
        let out = rewrite_param_list(s, |n, v| (n == "rspauth").then(|| format!("<{v}>")));
        assert_eq!(out, r#"rspauth="<abc\"d>", cnonce="x", nc=00000001"#);
        assert_eq!(rewrite_param_list("???", |_, _| Some("x".into())), "???");
    }
}
