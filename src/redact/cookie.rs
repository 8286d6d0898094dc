//! `Cookie` and `Set-Cookie` (RFC 6265 §4): values become markers, names and attributes —
//! what decides whether a cookie is sent — stay as sent.

use crate::credentials::percent_decode;
use crate::jose;

use super::marker::{self, Secret};
use super::Redactor;

/// Browsers ignore a cookie whose name and value exceed this (RFC 6265bis §5.6); a redacted
/// value keeps the original length past it, so "too large" stays the diagnosis.
const MAX_NAME_VALUE: usize = 4096;

/// `cookie-octet` (RFC 6265 §4.1.1): visible ASCII except `"` `,` `;` `\`. A value of only
/// these is well-formed (a `%` escape included) and gets a descriptive marker.
fn is_cookie_octets(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E))
}

impl Redactor {
    /// Redacts every value of a `Cookie` request header.
    pub(super) fn cookie_header(&mut self, value: &str) -> String {
        let mut out = String::with_capacity(value.len());
        for (i, piece) in value.split(';').enumerate() {
            if i > 0 {
                out.push(';');
            }
            match piece.split_once('=') {
                Some((name, v)) => {
                    let loc = format!("cookie {}", name.trim());
                    out.push_str(name);
                    out.push('=');
                    out.push_str(&self.cookie_value(name.trim(), v, &loc));
                }
                None if piece.trim().is_empty() => out.push_str(piece),
                // A nameless cookie: the whole piece is its value.
                None => out.push_str(&self.cookie_value("", piece, "cookie (nameless)")),
            }
        }
        out
    }

    /// Redacts the value of a `Set-Cookie` response header; attributes stay.
    pub(super) fn set_cookie(&mut self, value: &str) -> String {
        let (pair, attrs) = match value.find(';') {
            Some(i) => (value.get(..i).unwrap_or(""), value.get(i..).unwrap_or("")),
            None => (value, ""),
        };
        let pair = match pair.split_once('=') {
            Some((name, v)) => {
                let loc = format!("set-cookie {}", name.trim());
                format!("{name}={}", self.cookie_value(name.trim(), v, &loc))
            }
            None if pair.trim().is_empty() => pair.to_string(),
            None => self.cookie_value("", pair, "set-cookie (nameless)"),
        };
        format!("{pair}{attrs}")
    }

    /// One cookie value with its surrounding blanks and quotes (part of the value, RFC 6265
    /// §4.1.1) kept in place.
    fn cookie_value(&mut self, name: &str, raw: &str, location: &str) -> String {
        let lead = raw.len() - raw.trim_start_matches([' ', '\t']).len();
        let body = raw.trim_matches([' ', '\t']);
        let tail = raw.get(lead + body.len()..).unwrap_or("");
        let head = raw.get(..lead).unwrap_or("");
        let (open, inner, close) = match body.strip_prefix('"').and_then(|b| b.strip_suffix('"')) {
            Some(inner) => ("\"", inner, "\""),
            None => ("", body, ""),
        };
        if inner.is_empty() || super::token::is_marker(inner) {
            return raw.to_string();
        }
        let decoded = if inner.contains('%') {
            percent_decode(inner)
        } else {
            inner.to_string()
        };
        let new = if name.len() + raw.len() > MAX_NAME_VALUE {
            let id = self.reg.id(inner);
            self.note(location, Secret::Cookie.describe(), inner.chars().count());
            let m = marker::scrub(inner, id);
            self.reg.remember(inner, &m);
            m
        } else if jose::looks_like_jose(&decoded) {
            // A JWT in a cookie (NextAuth, Supabase, custom): its claims are the diagnosis.
            let m = self.jose_token(&decoded, location, 0);
            self.reg.remember(inner, &m);
            m
        } else if is_cookie_octets(inner) {
            self.token_with(inner, Secret::Cookie, location, is_cookie_octets)
        } else {
            // Characters a strict server rejects are themselves a finding: keep them.
            if crate::credentials::placeholder(inner).is_some() {
                return raw.to_string();
            }
            let id = self.reg.id(inner);
            self.note(location, Secret::Cookie.describe(), inner.chars().count());
            let m = marker::scrub(inner, id);
            self.reg.remember(inner, &m);
            m
        };
        format!("{head}{open}{new}{close}{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::RedactOptions;
    use super::*;

    #[test]
    fn cookie_header_keeps_names_and_layout() {
        let mut r = Redactor::new(RedactOptions::default());
        let out = r.cookie_header("sid=abc123def456; theme=; lang=\"en\"; flag");
        assert!(out.starts_with("sid=REDACTED-cookie-12chars-"), "{out}");
        assert!(
            out.contains("; theme=; lang=\"REDACTED-cookie-2chars-"),
            "{out}"
        );
        assert!(out.ends_with("; REDACTED-cookie-4chars-3"), "{out}");
    }

    #[test]
    fn set_cookie_keeps_attributes_and_deletions() {
        let mut r = Redactor::new(RedactOptions::default());
        let out = r.set_cookie("session=s3cr3t-value; Path=/; Secure; HttpOnly; SameSite=Lax");
        assert!(
            out.starts_with("session=REDACTED-cookie-12chars-1; Path=/"),
            "{out}"
        );
        assert!(
            out.ends_with("; Path=/; Secure; HttpOnly; SameSite=Lax"),
            "{out}"
        );
        let del = "session=; Max-Age=0; Path=/";
        assert_eq!(r.set_cookie(del), del);
    }
}
