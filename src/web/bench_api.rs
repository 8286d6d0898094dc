//! Batched decoding for JavaScript callers: many header values or tokens per call, results
//! as one JSON text.
//!
//! Each crossing of the wasm boundary costs a string copy in and out; the panel and the
//! analyzer decode inside wasm and never cross per value, and a script that wants the same
//! (a test harness, a bookmarklet, the benchmarks in `tests/bench/`) should not pay per
//! value either. One call takes an array of strings and returns one JSON array, in order.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::challenge::{self, Challenge};
use crate::diagnostic::Diagnostic;
use crate::jose;

/// One `WWW-Authenticate` value, in the CLI's `challenge --json` shape.
#[derive(Serialize)]
struct ChallengeResult<'a> {
    challenges: Vec<Challenge>,
    diagnostics: &'a [Diagnostic],
}

fn challenge_result(value: &str, out: &mut Vec<u8>) {
    let parsed = challenge::parse_challenge_field(value);
    let result = ChallengeResult {
        challenges: parsed.to_owned_challenges(),
        diagnostics: &parsed.diagnostics,
    };
    // Serializing plain structs into a Vec cannot fail; `null` keeps positions aligned if it did.
    if serde_json::to_writer(&mut *out, &result).is_err() {
        out.extend_from_slice(b"null");
    }
}

fn jwt_result(value: &str, out: &mut Vec<u8>) {
    let decoded = jose::decode(value);
    if serde_json::to_writer(&mut *out, &decoded).is_err() {
        out.extend_from_slice(b"null");
    }
}

fn batch(values: &[String], each: fn(&str, &mut Vec<u8>)) -> String {
    let mut out = Vec::with_capacity(values.iter().map(|v| v.len() * 2 + 64).sum());
    out.push(b'[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(v, &mut out);
    }
    out.push(b']');
    String::from_utf8(out).unwrap_or_default()
}

/// Parses one `WWW-Authenticate` / `Proxy-Authenticate` value: JSON
/// `{"challenges":[{"scheme","token68","params":[{"name","value"}]}],"diagnostics":[…]}`
/// (RFC 9110 §11, <https://www.rfc-editor.org/rfc/rfc9110#section-11>).
#[wasm_bindgen]
pub fn parse_challenge(value: &str) -> String {
    let mut out = Vec::new();
    challenge_result(value, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`parse_challenge`] for many values in one call: a JSON array, one result per value.
#[wasm_bindgen]
pub fn parse_challenge_batch(values: Vec<String>) -> String {
    batch(&values, challenge_result)
}

/// Decodes one compact JWS/JWE without verifying it: JSON of [`jose::Decoded`] (`form`,
/// `header`, `claims`, segment sizes, positioned `diagnostics`; the payload text masked).
#[wasm_bindgen]
pub fn decode_jwt(value: &str) -> String {
    let mut out = Vec::new();
    jwt_result(value, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`decode_jwt`] for many tokens in one call: a JSON array, one result per token.
#[wasm_bindgen]
pub fn decode_jwt_batch(values: Vec<String>) -> String {
    batch(&values, jwt_result)
}
