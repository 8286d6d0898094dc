//! JWS and JWE tokens (RFC 7515, RFC 7516): the header stays, kept claims are re-encoded,
//! signatures and encrypted parts become markers that are themselves clean base64url.

use serde_json::{Map, Value};

use crate::base64::{self, Alphabet};
use crate::jose::{self, Form};

use super::marker::{self, Secret};
use super::Redactor;

/// JWK members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// How the claims of a token are treated.
#[derive(Debug, Clone)]
pub(super) enum Mode {
    /// An access, ID or session token: keep the allowlisted claims.
    Token,
    /// A DPoP proof: every claim is protocol data and stays; `htu` is a URL; `ath` becomes
    /// the hash of the redacted access token when it was the hash of the original one.
    Proof {
        /// `ath` of the original access token.
        ath_from: Option<String>,
        /// `ath` of the redacted access token.
        ath_to: Option<String>,
    },
}

/// Whether a segment is base64/base64url with at most trailing padding: a marker can then
/// replace it and keep its flaws; anything else is scrubbed.
fn b64_segment_ok(seg: &str) -> bool {
    let body = seg.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'+' | b'/'))
}

/// Carries over what a strict decoder would complain about in `orig` (RFC 7515 §2 wants
/// unpadded base64url): standard-alphabet characters and `=` padding.
fn mimic(orig: &str, new: String) -> String {
    let mut out = if orig.contains(['+', '/']) {
        new.replace('-', "+").replace('_', "/")
    } else {
        new
    };
    let pads = orig.len() - orig.trim_end_matches('=').len();
    out.extend(std::iter::repeat_n('=', pads));
    out
}

fn encode(bytes: &[u8]) -> String {
    base64::encode(bytes, Alphabet::UrlSafe)
}

impl Redactor {
    /// Redacts a compact JWS/JWE used as a token.
    pub(super) fn jose_token(&mut self, token: &str, location: &str, depth: usize) -> String {
        self.jose_with(token, location, depth, &Mode::Token)
    }

    pub(super) fn jose_with(
        &mut self,
        token: &str,
        location: &str,
        depth: usize,
        mode: &Mode,
    ) -> String {
        if token.len() > jose::MAX_TOKEN_BYTES || depth > jose::MAX_NESTING {
            // Too large to decode: only its size is known, so keep the size.
            let id = self.reg.id(token);
            let out = marker::scrub(token, id);
            self.note(location, "oversized token", token.len());
            self.reg.remember(token, &out);
            return out;
        }
        let decoded = jose::decode(token);
        let jwe = decoded.form == Form::Jwe
            || (decoded.form == Form::Malformed && decoded.enc().is_some());
        let mut out: Vec<String> = Vec::new();
        for (i, part) in token.split('.').enumerate() {
            let new = match (i, jwe) {
                (0, _) => self.jose_header(part, decoded.header.as_ref(), location),
                (1, false) => self.jose_payload(part, location, depth, mode),
                (2, false) => self.segment(part, Secret::Signature, location),
                (1, true) => self.segment(part, Secret::EncryptedKey, location),
                (2, true) => self.segment(part, Secret::Iv, location),
                (3, true) => self.segment(part, Secret::Ciphertext, location),
                (4, true) => self.segment(part, Secret::Tag, location),
                _ => self.segment(part, Secret::Value, location),
            };
            out.push(new);
        }
        let out = out.join(".");
        self.reg.remember(token, &out);
        out
    }

    /// A JWS signature or a JWE part: empty stays empty (that is a finding of its own).
    fn segment(&mut self, seg: &str, what: Secret, location: &str) -> String {
        if seg.is_empty() || super::token::is_marker(seg) {
            return seg.to_string();
        }
        let id = self.reg.id(seg);
        let len = seg.chars().count();
        // A stray quote or `;` after the segment (`"eyJ…";`) is the token's own malformation:
        // it stays after the marker.
        let cut = seg
            .bytes()
            .position(|c| !(c.is_ascii_alphanumeric() || b"-_+/=".contains(&c)))
            .unwrap_or(seg.len());
        let (head, tail) = (seg.get(..cut).unwrap_or(""), seg.get(cut..).unwrap_or(""));
        let out = if b64_segment_ok(head) && !tail.bytes().any(|c| c.is_ascii_alphanumeric()) {
            let head_len = head.chars().count();
            let body_len = head.trim_end_matches('=').len();
            // A segment one symbol past a full group is truncated; the marker stays so.
            let residue = usize::from(body_len % 4 == 1);
            let m = marker::descriptive_b64_mod(what, head_len, id, residue);
            format!("{}{tail}", mimic(head, m))
        } else {
            marker::scrub(seg, id)
        };
        self.note(location, what.describe(), len);
        self.reg.remember(seg, &out);
        out
    }

    /// The protected header is metadata (`alg`, `kid`, `typ`, a public `jwk`) and stays as
    /// sent, unless its `jwk` carries private members: those are a leaked key.
    fn jose_header(&mut self, seg: &str, header: Option<&Value>, location: &str) -> String {
        let Some(Value::Object(h)) = header else {
            return seg.to_string();
        };
        let Some(Value::Object(jwk)) = h.get("jwk") else {
            return seg.to_string();
        };
        if !PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m)) {
            return seg.to_string();
        }
        let mut jwk = jwk.clone();
        for m in PRIVATE_MEMBERS {
            if let Some(v) = jwk.get_mut(*m) {
                let text = v.to_string();
                let id = self.reg.id(&text);
                let len = v.as_str().map_or(text.len(), |s| s.chars().count());
                if let Some(s) = v.as_str() {
                    let rep = marker::descriptive_b64(Secret::PrivateKey, len, id);
                    self.reg.remember(s, &rep);
                }
                *v = Value::String(marker::descriptive_b64(Secret::PrivateKey, len, id));
                self.note(location, Secret::PrivateKey.describe(), len);
            }
        }
        let mut h = h.clone();
        h.insert("jwk".to_string(), Value::Object(jwk));
        mimic(seg, encode(Value::Object(h).to_string().as_bytes()))
    }

    fn jose_payload(&mut self, seg: &str, location: &str, depth: usize, mode: &Mode) -> String {
        if seg.is_empty() || super::token::is_marker(seg) {
            return seg.to_string();
        }
        let scrubbed = |r: &mut Self| {
            let id = r.reg.id(seg);
            let out = marker::scrub(seg, id);
            r.note(location, Secret::Payload.describe(), seg.len());
            r.reg.remember(seg, &out);
            out
        };
        if !b64_segment_ok(seg) {
            return scrubbed(self);
        }
        let d = base64::decode(seg, Alphabet::UrlSafe);
        if d.has_errors() {
            return scrubbed(self);
        }
        let new_bytes: Vec<u8> = match serde_json::from_slice::<Value>(&d.bytes) {
            Ok(Value::Object(map)) => {
                let filtered = self.claims(&map, mode, location, seg.len());
                if filtered == map {
                    return seg.to_string();
                }
                Value::Object(filtered).to_string().into_bytes()
            }
            Ok(_) => {
                // JSON that is not a claims set stays JSON that is not an object.
                let id = self.reg.id(seg);
                self.note(location, Secret::Payload.describe(), d.bytes.len());
                Value::String(marker::descriptive(Secret::Payload, d.bytes.len(), id))
                    .to_string()
                    .into_bytes()
            }
            Err(_) => {
                let text = String::from_utf8_lossy(&d.bytes).into_owned();
                let inner = text.trim();
                if jose::looks_like_jose(inner) {
                    // A nested JWT (RFC 7519 §5.2): redact the inner token the same way.
                    let at = text.len() - text.trim_start().len();
                    let new_inner = self.jose_with(inner, location, depth + 1, mode);
                    format!(
                        "{}{new_inner}{}",
                        text.get(..at).unwrap_or(""),
                        text.get(at + inner.len()..).unwrap_or("")
                    )
                    .into_bytes()
                } else {
                    let id = self.reg.id(seg);
                    self.note(location, Secret::Payload.describe(), d.bytes.len());
                    marker::descriptive(Secret::Payload, d.bytes.len(), id).into_bytes()
                }
            }
        };
        let out = mimic(seg, encode(&new_bytes));
        self.reg.remember(seg, &out);
        out
    }

    /// The claims to keep.
    fn claims(
        &mut self,
        map: &Map<String, Value>,
        mode: &Mode,
        location: &str,
        seg_len: usize,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        let mut dropped: Vec<String> = Vec::new();
        match mode {
            Mode::Token if !self.opts.keep_claims => {
                let id = self.reg.id(&Value::Object(map.clone()).to_string());
                out.insert(
                    "redacted".to_string(),
                    Value::String(marker::descriptive(Secret::Claims, seg_len, id)),
                );
                dropped.extend(map.keys().cloned());
            }
            Mode::Token => {
                for (k, v) in map {
                    if !self.opts.claims.iter().any(|c| c == k) {
                        dropped.push(k.clone());
                        continue;
                    }
                    match (k.as_str(), v) {
                        ("cnf", Value::Object(cnf)) => {
                            // Only the key binding matters to the diagnosis (RFC 9449 §6.1).
                            let mut kept = Map::new();
                            for (ck, cv) in cnf {
                                if ck == "jkt" {
                                    kept.insert(ck.clone(), cv.clone());
                                } else {
                                    dropped.push(format!("cnf.{ck}"));
                                }
                            }
                            out.insert(k.clone(), Value::Object(kept));
                        }
                        _ => {
                            out.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            Mode::Proof { ath_from, ath_to } => {
                for (k, v) in map {
                    let nv = match (k.as_str(), v) {
                        ("htu", Value::String(u)) => Value::String(self.url_value(u, location, 1)),
                        ("ath", Value::String(a)) => {
                            if ath_from.as_deref() == Some(a.as_str()) {
                                Value::String(ath_to.clone().unwrap_or_else(|| a.clone()))
                            } else {
                                // Not the hash of the token sent: keep it not matching.
                                let id = self.reg.id(a);
                                let m = marker::descriptive_b64(
                                    Secret::TokenHash,
                                    a.chars().count(),
                                    id,
                                );
                                self.note(location, Secret::TokenHash.describe(), a.len());
                                self.reg.remember(a, &m);
                                Value::String(m)
                            }
                        }
                        _ => v.clone(),
                    };
                    out.insert(k.clone(), nv);
                }
            }
        }
        if !dropped.is_empty() {
            let mut names: String = dropped
                .iter()
                .take(12)
                .map(|n| n.chars().take(40).collect::<String>())
                .collect::<Vec<_>>()
                .join(", ");
            if dropped.len() > 12 {
                names.push_str(", …");
            }
            self.note_dropped(location, format!("JWT claims ({names})"), seg_len);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mimic_keeps_padding_and_alphabet() {
        assert_eq!(mimic("ab+c==", "x-y_".to_string()), "x+y/==");
        assert_eq!(mimic("abc", "x-y".to_string()), "x-y");
    }

    #[test]
    fn segment_shape_table() {
        for ok in ["abc", "a-b_c", "ab+/c==", "QQ"] {
            assert!(b64_segment_ok(ok), "{ok}");
        }
        for bad in ["", "==", "a=b", "a b", "a%2B", "é"] {
            assert!(!b64_segment_ok(bad), "{bad}");
        }
    }
}
