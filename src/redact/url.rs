//! URLs (RFC 3986): secret query and fragment values, a password in the userinfo, and path
//! segments that are tokens. The structure stays, so the same URL redacts to the same URL and
//! the diagnosis still matches redirects, retries and preflights by URL.

use crate::credentials::{self, percent_decode};
use crate::jose;

use super::marker::{self, percent_encode, Secret};
use super::{Redactor, QUERY_SECRETS};

/// URLs inside parameter values are followed this deep.
const MAX_DEPTH: usize = 3;

/// `application/x-www-form-urlencoded` decoding of a name: `+` is a space.
pub(super) fn form_decode(s: &str) -> String {
    percent_decode(&s.replace('+', " "))
}

fn secret_kind(name: &str) -> Option<Secret> {
    let lower = name.to_ascii_lowercase();
    if !QUERY_SECRETS.contains(&lower.as_str()) {
        return None;
    }
    Some(match lower.as_str() {
        "code" => Secret::Code,
        "password" | "passwd" => Secret::Password,
        "client_secret" | "client_assertion" | "assertion" | "code_verifier" | "secret" => {
            Secret::ClientSecret
        }
        "api_key" | "apikey" | "api-key" | "key" => Secret::Key,
        "sig" | "signature" | "x-amz-signature" | "x-goog-signature" => Secret::RequestSignature,
        _ => Secret::Token,
    })
}

/// Whether a path segment is a token rather than a name or an id: a JWT, a known family,
/// or a long random string with upper- and lower-case letters and digits. UUIDs and
/// numeric ids stay (they name resources, and `/users/42` is what a reader needs).
fn token_segment(seg: &str) -> bool {
    if seg.len() < 16 {
        return false;
    }
    if jose::looks_like_jose(seg) {
        return true;
    }
    if credentials::identify_family(seg).is_some_and(|f| f.prefix.len() >= 3) {
        return true;
    }
    let b = seg.as_bytes();
    seg.len() >= 32
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.~".contains(c))
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_digit)
}

impl Redactor {
    /// Redacts an absolute or relative URL (`/path?q`, `?q`, `#f`).
    pub(super) fn url_value(&mut self, url: &str, location: &str, depth: usize) -> String {
        if url.is_empty() || depth > MAX_DEPTH {
            return url.to_string();
        }
        let (before_frag, fragment) = match url.find('#') {
            Some(i) => (
                url.get(..i).unwrap_or(""),
                Some(url.get(i + 1..).unwrap_or("")),
            ),
            None => (url, None),
        };
        let (before_query, query) = match before_frag.find('?') {
            Some(i) => (
                before_frag.get(..i).unwrap_or(""),
                Some(before_frag.get(i + 1..).unwrap_or("")),
            ),
            None => (before_frag, None),
        };
        // scheme://authority stays apart from the path (only when `://` comes first).
        let authority_split = before_query.find("://").and_then(|i| {
            let rest = before_query.get(i + 3..)?;
            let end = rest.find('/').map_or(before_query.len(), |j| i + 3 + j);
            Some((i + 3, end))
        });
        let mut out = String::with_capacity(url.len());
        let path = match authority_split {
            Some((auth_start, path_start)) => {
                out.push_str(before_query.get(..auth_start).unwrap_or(""));
                let authority = before_query.get(auth_start..path_start).unwrap_or("");
                out.push_str(&self.authority(authority, location));
                before_query.get(path_start..).unwrap_or("")
            }
            None => before_query,
        };
        let segments: Vec<String> = path
            .split('/')
            .map(|seg| {
                if token_segment(seg) && !super::token::is_marker(seg) {
                    self.path_segment(seg, location)
                } else {
                    seg.to_string()
                }
            })
            .collect();
        out.push_str(&segments.join("/"));
        if let Some(q) = query {
            out.push('?');
            out.push_str(&self.query_string(q, &format!("{location} query"), depth));
        }
        if let Some(f) = fragment {
            out.push('#');
            if f.contains('=') {
                out.push_str(&self.query_string(f, &format!("{location} fragment"), depth));
            } else {
                out.push_str(f);
            }
        }
        out
    }

    /// `user:password@host`: the password goes (RFC 3986 §3.2.1 deprecates it for a reason).
    fn authority(&mut self, authority: &str, location: &str) -> String {
        let Some(at) = authority.rfind('@') else {
            return authority.to_string();
        };
        let userinfo = authority.get(..at).unwrap_or("");
        let host = authority.get(at..).unwrap_or("");
        match userinfo.split_once(':') {
            Some((user, pass)) if !pass.is_empty() && !super::token::is_marker(pass) => {
                let id = self.reg.id(pass);
                let m = marker::descriptive(Secret::Password, pass.chars().count(), id);
                self.note(
                    &format!("{location} userinfo"),
                    Secret::Password.describe(),
                    pass.chars().count(),
                );
                self.reg.remember(pass, &m);
                format!("{user}:{m}{host}")
            }
            _ => authority.to_string(),
        }
    }

    fn path_segment(&mut self, seg: &str, location: &str) -> String {
        let loc = format!("{location} path");
        if jose::looks_like_jose(seg) {
            return self.jose_token(seg, &loc, 0);
        }
        if let Some(f) = credentials::identify_family(seg).filter(|f| f.prefix.len() >= 3) {
            return self.family_marker(seg, f.id, f.prefix, Secret::PathSegment, &loc);
        }
        let id = self.reg.id(seg);
        let m = marker::descriptive(Secret::PathSegment, seg.chars().count(), id);
        self.note(&loc, Secret::PathSegment.describe(), seg.chars().count());
        self.reg.remember(seg, &m);
        m
    }

    /// A query string (or a fragment of parameters, or an Azure SAS): every separator stays.
    pub(super) fn query_string(&mut self, q: &str, location: &str, depth: usize) -> String {
        let pieces: Vec<String> = q
            .split('&')
            .map(|pair| {
                let Some((k, v)) = pair.split_once('=') else {
                    return pair.to_string();
                };
                let name = form_decode(k);
                let loc = format!("{location} {}", name.chars().take(60).collect::<String>());
                format!("{k}={}", self.query_value(&name, v, &loc, depth))
            })
            .collect();
        pieces.join("&")
    }

    /// One raw (percent-encoded) query value.
    fn query_value(&mut self, name: &str, raw: &str, location: &str, depth: usize) -> String {
        if raw.is_empty() || super::token::is_marker(raw) {
            return raw.to_string();
        }
        let decoded = percent_decode(raw);
        let lower = name.to_ascii_lowercase();
        if matches!(lower.as_str(), "x-amz-credential" | "x-goog-credential") {
            return match self.aws_credential(&decoded, location) {
                Some(new) if decoded.contains('/') && raw.contains("%2F") => {
                    new.replace('/', "%2F")
                }
                Some(new) => new,
                None => raw.to_string(),
            };
        }
        if let Some(what) = secret_kind(&lower) {
            let escaped = raw.as_bytes().windows(3).any(
                |w| matches!(w, [b'%', a, b] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit()),
            );
            if escaped
                && !jose::looks_like_jose(&decoded)
                && credentials::placeholder(&decoded).is_none()
            {
                // `sig=AbC%2B%3D`: the escapes stay, so a value pasted from here into a
                // header is still recognisably url-encoded.
                let id = self.reg.id(&decoded);
                let out = marker::scrub(raw, id);
                self.note(location, what.describe(), decoded.chars().count());
                self.reg.remember(raw, &out);
                self.reg.remember(&decoded, &percent_decode(&out));
                return out;
            }
            let new = self.token(&decoded, what, location);
            if new == decoded {
                return raw.to_string();
            }
            // Markers and JOSE are URL-safe; a scrubbed value keeps its escapes.
            return if new
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
            {
                new
            } else {
                percent_encode(&new)
            };
        }
        let d = decoded.trim_start();
        if d.starts_with("http://") || d.starts_with("https://") || d.starts_with('/') {
            let new = self.url_value(&decoded, location, depth + 1);
            if new != decoded {
                return percent_encode(&new);
            }
            return raw.to_string();
        }
        let new = self.scrub_text(&decoded, location);
        if new != decoded {
            percent_encode(&new)
        } else {
            raw.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::RedactOptions;
    use super::*;

    #[test]
    fn url_table() {
        let cases = [
            (
                "https://api.example.com/v1/me",
                "https://api.example.com/v1/me",
            ),
            (
                "https://x/cb?code=abc123xyz&state=s1",
                "https://x/cb?code=REDACTED-code-9chars-1&state=s1",
            ),
            (
                "https://x/cb#access_token=tok_abc_123&token_type=Bearer",
                "https://x/cb#access_token=REDACTED-token-11chars-1&token_type=Bearer",
            ),
            (
                "https://u:hunter22@h.example/p",
                "https://u:REDACTED-password-8chars-1@h.example/p",
            ),
            ("/login?next=%2Fapi%2Forders", "/login?next=%2Fapi%2Forders"),
            (
                "https://x/a?access_token=undefined",
                "https://x/a?access_token=undefined",
            ),
            ("https://x/a?access_token=", "https://x/a?access_token="),
            (
                "https://x/users/123e4567-e89b-12d3-a456-426614174000",
                "https://x/users/123e4567-e89b-12d3-a456-426614174000",
            ),
        ];
        for (url, want) in cases {
            let mut r = Redactor::new(RedactOptions::default());
            assert_eq!(r.url_value(url, "url", 0), want, "{url}");
        }
    }

    #[test]
    fn same_url_same_result_and_nested_urls() {
        let mut r = Redactor::new(RedactOptions::default());
        let a = r.url_value("https://x/a?token=s3cr3tvalue1", "u", 0);
        let b = r.url_value("https://x/a?token=s3cr3tvalue1", "u", 0);
        let c = r.url_value("https://x/a?token=s3cr3tvalue2", "u", 0);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let n = r.url_value(
            "https://id.example/authorize?redirect_uri=https%3A%2F%2Fapp%2Fcb%3Ftoken%3Dzzz999yyy",
            "u",
            0,
        );
        assert!(!n.contains("zzz999yyy"), "{n}");
        let p = r.url_value(
            "https://hooks.example.com/services/T0001/B0001/AbCdEfGhIjKlMnOpQrStUvWxYz123456",
            "u",
            0,
        );
        assert!(
            p.starts_with("https://hooks.example.com/services/T0001/B0001/REDACTED-path-"),
            "{p}"
        );
    }
}
