//! JOSE compact serialization: JWS (RFC 7515) and JWE (RFC 7516) tokens, JWT claims (RFC 7519).
//!
//! Works like `jsonwebtoken`'s `decode_header` / jwt-cli's `decode`: [`decode`] never fails,
//! it splits the token, decodes every segment it can and records what was odd as positioned
//! [`Diagnostic`]s. Judgements (expired, `alg: none`, broken structure) are a separate step,
//! [`validate`], which takes the reference instant as an argument. Nothing here verifies a
//! signature or decrypts: authlens explains failures, it holds no keys.
//!
//! Limits, because the input is hostile: tokens longer than [`MAX_TOKEN_BYTES`] are only
//! split and measured, nested JWTs are followed [`MAX_NESTING`] levels deep, and JSON is
//! parsed by `serde_json`, whose recursion limit (128) stops deeply nested documents with
//! an error instead of a stack overflow (tested below).

mod claims;
mod fast;
mod sha256;
mod summary;
mod validate;

pub use claims::{ClaimsView, TimeClaim};
pub use fast::CompactScratch;
pub use sha256::{access_token_hash, jwk_thumbprint, sha256};
pub use summary::{summarize, Compact, Scratch, Summary, COMPACT_STRIDE};
pub use validate::{
    structural_verdicts, time_verdicts, validate, validate_view, DEFAULT_LEEWAY_SECS,
    TIME_VERDICT_IDS,
};

use serde::Serialize;
use serde_json::Value;

use crate::base64::{self, Alphabet};
use crate::diagnostic::Diagnostic;
use crate::secret;
use crate::time::Timestamp;

/// Tokens longer than this are measured but not decoded (64 KiB: far above any real token,
/// low enough that a pasted log file cannot make the decoder allocate without bound).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// How many `cty: JWT` levels are followed (RFC 7519 §5.2 allows nesting; real tokens use one).
pub const MAX_NESTING: usize = 3;

/// Which serialization the token has (RFC 7516 §9: five segments is JWE, three is JWS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// Three segments: header, payload, signature.
    Jws,
    /// Five segments: header, encrypted key, IV, ciphertext, tag.
    Jwe,
    /// Neither; see the diagnostics. Whatever could be decoded is still filled in.
    Malformed,
}

impl Form {
    /// `jws`, `jwe` or `malformed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Jws => "jws",
            Form::Jwe => "jwe",
            Form::Malformed => "malformed",
        }
    }
}

/// Where one `.`-separated segment lies in the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Byte offset of the segment's first character.
    pub offset: usize,
    /// Length in bytes (still encoded).
    pub len: usize,
}

/// What the JWS payload held. The text is kept for callers (nested tokens, previews) but
/// only its masked form is serialized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Payload {
    /// Decoded length in bytes.
    pub bytes: usize,
    /// Whether the bytes parsed as JSON (of any type).
    pub json: bool,
    /// The bytes as lossy UTF-8 text; not serialized.
    #[serde(skip)]
    pub text: String,
    /// Masked text for display (prefix and length only).
    pub masked: String,
}

/// A JWS signature: never shown, only measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// Decoded length in bytes (HS256: 32, ES256: 64, RS256 with a 2048-bit key: 256).
    pub bytes: usize,
    /// The encoded signature, masked.
    pub masked: String,
}

/// The sizes of a JWE's encrypted parts (RFC 7516 §7.1); the content itself is opaque.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Encrypted {
    /// JWE Encrypted Key length in bytes (0 for `dir` and `ECDH-ES`).
    pub encrypted_key_bytes: usize,
    /// Initialization Vector length in bytes.
    pub iv_bytes: usize,
    /// Ciphertext length in bytes.
    pub ciphertext_bytes: usize,
    /// Authentication Tag length in bytes.
    pub tag_bytes: usize,
}

/// Everything [`decode`] recovered from one compact token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decoded {
    /// JWS, JWE or malformed.
    pub form: Form,
    /// Token length in bytes.
    pub length: usize,
    /// Segment count as written (also beyond the six recorded in `segments`).
    pub segment_count: usize,
    /// The first segments' positions.
    pub segments: Vec<Segment>,
    /// The protected header, when it decoded to a JSON object.
    pub header: Option<Value>,
    /// The JWS payload as a JSON object (the JWT claims set), when it is one.
    pub claims: Option<Value>,
    /// JWS payload details.
    pub payload: Option<Payload>,
    /// JWS signature details.
    pub signature: Option<Signature>,
    /// JWE part sizes.
    pub encrypted: Option<Encrypted>,
    /// The inner token of a nested JWT (`cty: JWT`, RFC 7519 §5.2).
    pub nested: Option<Box<Decoded>>,
    /// Positioned problems; offsets are into this token (a nested token's own diagnostics
    /// are relative to the nested token).
    pub diagnostics: Vec<Diagnostic>,
}

impl Decoded {
    fn header_str(&self, name: &str) -> Option<&str> {
        self.header.as_ref()?.get(name)?.as_str()
    }

    /// The header's `alg`.
    pub fn alg(&self) -> Option<&str> {
        self.header_str("alg")
    }

    /// The header's `enc` (JWE content encryption).
    pub fn enc(&self) -> Option<&str> {
        self.header_str("enc")
    }

    /// The header's `typ`, e.g. `JWT`, `at+jwt`, `dpop+jwt`.
    pub fn typ(&self) -> Option<&str> {
        self.header_str("typ")
    }

    /// The header's `cty`.
    pub fn cty(&self) -> Option<&str> {
        self.header_str("cty")
    }

    /// The header's `kid`.
    pub fn kid(&self) -> Option<&str> {
        self.header_str("kid")
    }

    /// Whether this is an Unsecured JWS (`alg: none`, RFC 7515 §A.5 / RFC 7519 §6).
    pub fn is_unsecured(&self) -> bool {
        self.alg().is_some_and(|a| a.eq_ignore_ascii_case("none"))
    }

    /// The innermost token of a nested JWT, or `self`.
    pub fn innermost(&self) -> &Decoded {
        let mut d = self;
        while let Some(n) = d.nested.as_deref() {
            d = n;
        }
        d
    }

    /// The claims that matter: the innermost token's claims.
    pub fn effective_claims(&self) -> Option<&Value> {
        self.innermost().claims.as_ref()
    }

    /// The registered and common claims, with times relative to `reference`.
    pub fn claims_view(&self, reference: Timestamp) -> ClaimsView {
        ClaimsView::new(self, reference)
    }

    /// Whether any diagnostic (here or nested) is an error.
    pub fn has_errors(&self) -> bool {
        let own = self
            .diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error);
        own || self.nested.as_deref().is_some_and(Decoded::has_errors)
    }
}

/// Cheap shape test: 3 or 5 segments whose first decodes to something starting with `{`.
///
/// This is what separates a JWT from opaque tokens that also contain dots (RFC 6750's own
/// example `mF_9.B5f-4.1JqM`, SendGrid's `SG.x.y`, Discord bot tokens).
pub fn looks_like_jose(token: &str) -> bool {
    let token = token.trim();
    // `matches` searches with memchr; past five dots the count no longer matters.
    let dots = token.matches('.').take(5).count();
    (dots == 2 || dots == 4) && starts_like_jose(token)
}

/// Whether the first segment decodes to something starting with `{` (a JOSE header), whatever
/// the segment count: a JWT that lost its signature or gained a segment still starts like one.
pub fn starts_like_jose(token: &str) -> bool {
    let token = token.trim();
    if token.len() > MAX_TOKEN_BYTES {
        return false;
    }
    let first = token.split('.').next().unwrap_or("");
    // Eight symbols decode to six bytes: enough to see the opening brace past whitespace.
    let head = first
        .char_indices()
        .nth(8)
        .map_or(first, |(end, _)| first.get(..end).unwrap_or(first));
    let bytes = base64::decode(head, Alphabet::UrlSafe).bytes;
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Decodes a compact JWS or JWE. Never fails; see [`Decoded::diagnostics`].
///
/// Diagnostic codes: `empty-token`, `token-too-large`, `not-compact`, `missing-segment`,
/// `wrong-segment-count`, `empty-header`, `header-not-utf8`, `header-not-json`,
/// `header-not-object`, `missing-alg`, `jwe-header-in-jws`, `missing-enc`, `payload-not-json`,
/// `payload-not-object`, `empty-payload`, `empty-signature`, `unsecured-with-signature`,
/// `empty-ciphertext`, `nested-without-cty`, `nesting-too-deep`, plus the `base64-*` codes of
/// [`crate::base64::decode`] shifted to their place in the token.
pub fn decode(token: &str) -> Decoded {
    decode_at_depth(token, 0)
}

fn decode_at_depth(token: &str, depth: usize) -> Decoded {
    let mut out = Decoded {
        form: Form::Malformed,
        length: token.len(),
        segment_count: 0,
        segments: Vec::new(),
        header: None,
        claims: None,
        payload: None,
        signature: None,
        encrypted: None,
        nested: None,
        diagnostics: Vec::new(),
    };
    let mut offset = 0usize;
    let mut parts: Vec<&str> = Vec::new();
    for part in token.split('.') {
        out.segment_count += 1;
        if parts.len() < 6 {
            parts.push(part);
            out.segments.push(Segment {
                offset,
                len: part.len(),
            });
        }
        offset = offset.saturating_add(part.len() + 1);
    }
    if token.trim().is_empty() {
        out.diagnostics
            .push(Diagnostic::error("empty-token", 0, "the token is empty"));
        return out;
    }
    if token.len() > MAX_TOKEN_BYTES {
        out.diagnostics.push(Diagnostic::error(
            "token-too-large",
            MAX_TOKEN_BYTES,
            format!(
                "the token is {} bytes; only tokens up to {MAX_TOKEN_BYTES} bytes are decoded",
                token.len()
            ),
        ));
        return out;
    }
    match out.segment_count {
        3 => out.form = Form::Jws,
        5 => out.form = Form::Jwe,
        1 => {
            out.diagnostics.push(Diagnostic::error(
                "not-compact",
                0,
                "no '.' separators: a compact JWS has 3 segments and a JWE 5 (RFC 7515 §7.1)",
            ));
            return out;
        }
        n => {
            let (at, msg) = segment_count_problem(token, n);
            let code = if n == 2 {
                "missing-segment"
            } else {
                "wrong-segment-count"
            };
            out.diagnostics.push(Diagnostic::error(code, at, msg));
        }
    }
    let seg = |i: usize| -> (&str, usize) {
        (
            parts.get(i).copied().unwrap_or(""),
            out.segments.get(i).map_or(token.len(), |s| s.offset),
        )
    };
    let (head_text, head_at) = seg(0);
    let header = decode_json_segment(head_text, head_at, "header", &mut out.diagnostics);
    match header {
        Some(Value::Object(map)) => out.header = Some(Value::Object(map)),
        Some(_) => out.diagnostics.push(Diagnostic::error(
            "header-not-object",
            head_at,
            "the protected header is JSON but not an object (RFC 7515 §4)",
        )),
        None => {}
    }
    let has_enc = out.enc().is_some();
    // A malformed token is decoded as what its header says it is, so a truncated JWE still
    // shows `alg`/`enc` and a JWS missing its signature still shows its claims.
    let as_jwe = match out.form {
        Form::Jwe => true,
        Form::Jws => false,
        Form::Malformed => has_enc,
    };
    if let Some(h) = out.header.as_ref() {
        // A non-string `alg` (`"alg": 256`) names no algorithm either (found by the malformed
        // corpus: it used to pass silently).
        if !h.get("alg").is_some_and(Value::is_string) {
            out.diagnostics.push(Diagnostic::error(
                "missing-alg",
                head_at,
                "the header has no string \"alg\" (required by RFC 7515 §4.1.1)",
            ));
        }
        if out.form == Form::Jws && has_enc {
            out.diagnostics.push(Diagnostic::error(
                "jwe-header-in-jws",
                head_at,
                "the header has \"enc\" (an encrypted token) but the token has 3 segments, not 5",
            ));
        }
        if out.form == Form::Jwe && !has_enc {
            out.diagnostics.push(Diagnostic::error(
                "missing-enc",
                head_at,
                "5 segments (a JWE) but the header has no \"enc\" (RFC 7516 §4.1.2)",
            ));
        }
    }
    if as_jwe {
        decode_jwe_parts(&parts, &out.segments.clone(), &mut out);
    } else {
        decode_jws_parts(&parts, &out.segments.clone(), &mut out, depth);
    }
    out
}

fn segment_count_problem(token: &str, n: usize) -> (usize, String) {
    if n == 2 {
        return (
            token.len(),
            "2 segments: a JWS has 3; the signature part is missing (even an unsigned JWS ends with '.')"
                .to_string(),
        );
    }
    // Point at the separator that makes the count wrong: the 3rd dot for 4 segments, the 5th beyond.
    let nth = if n == 4 { 3 } else { 5 };
    let at = token
        .match_indices('.')
        .nth(nth - 1)
        .map_or(token.len(), |(i, _)| i);
    (
        at,
        format!("{n} segments: a compact JWS has 3 and a JWE 5 (RFC 7516 §9)"),
    )
}

fn decode_segment(text: &str, at: usize, diagnostics: &mut Vec<Diagnostic>) -> Vec<u8> {
    let d = base64::decode(text, Alphabet::UrlSafe);
    diagnostics.extend(d.diagnostics.into_iter().map(|x| x.shifted(at)));
    d.bytes
}

fn decode_json_segment(
    text: &str,
    at: usize,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Value> {
    if text.is_empty() {
        diagnostics.push(Diagnostic::error(
            "empty-header",
            at,
            format!("the {what} segment is empty"),
        ));
        return None;
    }
    let bytes = decode_segment(text, at, diagnostics);
    if std::str::from_utf8(&bytes).is_err() {
        diagnostics.push(Diagnostic::error(
            "header-not-utf8",
            at,
            format!("the {what} is not UTF-8 text, so it cannot be JSON"),
        ));
        return None;
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                "header-not-json",
                at,
                format!("the {what} is not valid JSON: {e}"),
            ));
            None
        }
    }
}

fn decode_jws_parts(parts: &[&str], segs: &[Segment], out: &mut Decoded, depth: usize) {
    let at = |i: usize| segs.get(i).map_or(out.length, |s| s.offset);
    let (payload_at, sig_at) = (at(1), at(2));
    if let Some(text) = parts.get(1) {
        let bytes = decode_segment(text, payload_at, &mut out.diagnostics);
        if bytes.is_empty() {
            out.diagnostics.push(Diagnostic::info(
                "empty-payload",
                payload_at,
                "the payload is empty (detached content, RFC 7515 appendix F)",
            ));
        }
        let parsed = serde_json::from_slice::<Value>(&bytes);
        let len = bytes.len();
        // Valid UTF-8 (every JSON payload) becomes the text without a copy.
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let json = parsed.is_ok();
        match parsed {
            Ok(Value::Object(map)) => out.claims = Some(Value::Object(map)),
            Ok(_) => out.diagnostics.push(Diagnostic::warning(
                "payload-not-object",
                payload_at,
                "the payload is JSON but not an object, so it is not a JWT claims set (RFC 7519 §7.2)",
            )),
            Err(_) if len == 0 => {}
            Err(e) => {
                let nested_token = looks_like_jose(&text);
                let cty_jwt = out.cty().is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
                if !nested_token && !cty_jwt {
                    out.diagnostics.push(Diagnostic::info(
                        "payload-not-json",
                        payload_at,
                        format!("the payload is not JSON ({e}); a JWS may sign any content"),
                    ));
                }
            }
        }
        let cty_jwt = out.cty().is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
        if !json && (cty_jwt || looks_like_jose(&text)) && !text.is_empty() {
            if depth + 1 > MAX_NESTING {
                out.diagnostics.push(Diagnostic::warning(
                    "nesting-too-deep",
                    payload_at,
                    format!(
                        "nested JWTs are followed {MAX_NESTING} levels deep; this one goes further"
                    ),
                ));
            } else {
                if !cty_jwt {
                    out.diagnostics.push(Diagnostic::info(
                        "nested-without-cty",
                        payload_at,
                        "the payload is itself a JWT but the header has no \"cty\": \"JWT\" (RFC 7519 §5.2)",
                    ));
                }
                out.nested = Some(Box::new(decode_at_depth(text.trim(), depth + 1)));
            }
        }
        out.payload = Some(Payload {
            bytes: len,
            json,
            masked: secret::mask(&text),
            text,
        });
    }
    if let Some(text) = parts.get(2) {
        // Only the signature's size is shown: a clean segment is measured, not decoded.
        let bytes = base64::clean_len(text, Alphabet::UrlSafe)
            .unwrap_or_else(|| decode_segment(text, sig_at, &mut out.diagnostics).len());
        let unsecured = out.is_unsecured();
        if unsecured && !text.is_empty() {
            out.diagnostics.push(Diagnostic::error(
                "unsecured-with-signature",
                sig_at,
                "\"alg\": \"none\" but the signature is not empty (RFC 7519 §6.1 requires it empty)",
            ));
        } else if !unsecured && text.is_empty() && out.header.is_some() {
            out.diagnostics.push(Diagnostic::error(
                "empty-signature",
                sig_at,
                "the signature is empty although \"alg\" is not \"none\": it was stripped or cut off",
            ));
        }
        out.signature = Some(Signature {
            bytes,
            masked: secret::mask_all(text),
        });
    }
}

fn decode_jwe_parts(parts: &[&str], segs: &[Segment], out: &mut Decoded) {
    let mut sizes = [0usize; 4];
    for (i, size) in sizes.iter_mut().enumerate() {
        let idx = i + 1;
        if let (Some(text), Some(seg)) = (parts.get(idx), segs.get(idx)) {
            *size = decode_segment(text, seg.offset, &mut out.diagnostics).len();
        }
    }
    let [encrypted_key_bytes, iv_bytes, ciphertext_bytes, tag_bytes] = sizes;
    if ciphertext_bytes == 0 && parts.len() >= 4 {
        let at = segs.get(3).map_or(out.length, |s| s.offset);
        out.diagnostics.push(Diagnostic::error(
            "empty-ciphertext",
            at,
            "the JWE ciphertext segment is empty",
        ));
    }
    out.encrypted = Some(Encrypted {
        encrypted_key_bytes,
        iv_bytes,
        ciphertext_bytes,
        tag_bytes,
    });
}

/// Builds a compact JWS from a header, claims and raw signature bytes (no signing: the caller
/// supplies the bytes). For tests, fixtures and the playground, which never verify signatures.
pub fn encode_jws(header: &Value, claims: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        base64::encode(header.to_string().as_bytes(), Alphabet::UrlSafe),
        base64::encode(claims.to_string().as_bytes(), Alphabet::UrlSafe),
        base64::encode(signature, Alphabet::UrlSafe)
    )
}

#[cfg(test)]
mod tests;
