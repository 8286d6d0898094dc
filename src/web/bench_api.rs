//! Batched decoding for JavaScript callers: many header values or tokens per call.
//!
//! Each crossing of the wasm boundary costs a string copy in and out; the panel and the
//! analyzer decode inside wasm and never cross per value, and a script that wants the same
//! (a test harness, a bookmarklet, the benchmarks in `tests/bench/`) should not pay per
//! value either. Two shapes:
//!
//! * **JSON** (`*_batch`): an array of strings in, one JSON array out, in order; the caller
//!   gets full objects (every parameter, header and claim).
//! * **Compact** (`*_compact`): one string in (values joined by `\n`), numbers out: spans
//!   into the caller's own string for challenges ([`crate::challenge::compact`]), the
//!   first-glance fields of each token for JWTs ([`crate::jose::Compact`]). This is how the
//!   panel's list uses decoding: results stay in wasm, the caller reads what it shows.
//!   [`decode_jwt_fields_input`] goes one step further for JWTs: the text comes in through
//!   [`input_buffer`] and the numbers stay in wasm memory for a `Float64Array` view.

use std::cell::RefCell;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::challenge::{self, Challenge};
use crate::diagnose::{Analyzer, Config};
use crate::diagnostic::Diagnostic;
use crate::har;
use crate::jose;

/// One `WWW-Authenticate` value, in the CLI's `challenge --json` shape.
#[derive(Serialize)]
struct ChallengeResult<'a> {
    challenges: Vec<Challenge>,
    diagnostics: &'a [Diagnostic],
}

fn challenge_result(value: &str, out: &mut Vec<u8>) {
    write_challenges(&challenge::parse_challenge_field(value), out);
}

fn write_challenges(parsed: &challenge::ParsedChallenges<'_>, out: &mut Vec<u8>) {
    let result = ChallengeResult {
        challenges: parsed.to_owned_challenges(),
        diagnostics: &parsed.diagnostics,
    };
    // Serializing plain structs into a Vec cannot fail; `null` keeps positions aligned if it did.
    if serde_json::to_writer(&mut *out, &result).is_err() {
        out.extend_from_slice(b"null");
    }
}

/// One token: what a script needs from [`jose::decode`], without the segment bookkeeping.
#[derive(Serialize)]
struct JwtResult<'a> {
    form: &'static str,
    header: Option<&'a serde_json::Value>,
    claims: Option<&'a serde_json::Value>,
    diagnostics: &'a [Diagnostic],
}

fn jwt_result(value: &str, out: &mut Vec<u8>) {
    let decoded = jose::decode(value);
    let inner = decoded.innermost();
    let result = JwtResult {
        form: decoded.form.as_str(),
        header: decoded.header.as_ref(),
        claims: inner.claims.as_ref(),
        diagnostics: &decoded.diagnostics,
    };
    if serde_json::to_writer(&mut *out, &result).is_err() {
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

/// Parses the several `WWW-Authenticate` fields of one response together (RFC 9110 §5.3:
/// as if joined by `", "`, except that a quoted-string never runs on into the next field);
/// the same JSON as [`parse_challenge`], offsets into the joined value.
#[wasm_bindgen]
pub fn parse_challenge_fields(fields: Vec<String>) -> String {
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    write_challenges(&challenge::parse_challenges(&refs), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`parse_challenge`] for many values in one call: a JSON array, one result per value.
#[wasm_bindgen]
pub fn parse_challenge_batch(values: Vec<String>) -> String {
    batch(&values, challenge_result)
}

/// Decodes one compact JWS/JWE without verifying it (RFC 7515 §7.1, RFC 7519 §7.2): JSON
/// `{"form":"jws|jwe|malformed","header","claims","diagnostics":[…]}`; `claims` are the
/// innermost token's when nested.
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

/// What [`analyze_har`] returns.
#[derive(Serialize)]
struct HarSummary {
    entries: usize,
    har_diagnostics: usize,
    auth_failures: usize,
    findings: usize,
    summary: String,
}

/// Reads a HAR file and runs the diagnosis engine over every entry (all rules, the same
/// code the analyzer page runs, without the UI): JSON
/// `{"entries","har_diagnostics","auth_failures","findings","summary"}`, or
/// `{"error": "…"}` when the bytes are not HAR.
#[wasm_bindgen]
pub fn analyze_har(bytes: &[u8]) -> String {
    let doc = match har::parse_har(bytes) {
        Ok(doc) => doc,
        Err(e) => return serde_json::json!({ "error": e.to_string() }).to_string(),
    };
    let mut analyzer = Analyzer::new(Config::default());
    let mut findings = 0;
    for ex in &doc.exchanges {
        let update = analyzer.push_ref(ex);
        findings += update.report.findings.len() + update.revisions.len();
    }
    let summary = HarSummary {
        entries: doc.exchanges.len(),
        har_diagnostics: doc.diagnostics.len(),
        auth_failures: doc.exchanges.iter().filter(|x| x.is_auth_failure()).count(),
        findings,
        summary: analyzer.summary_line(),
    };
    serde_json::to_string(&summary).unwrap_or_default()
}

/// `[numbers, strings]` as one JavaScript array: a single crossing back, nothing to free.
fn pair(numbers: JsValue, strings: &str) -> js_sys::Array {
    js_sys::Array::of2(&numbers, &JsValue::from_str(strings))
}

/// Parses many `WWW-Authenticate` values in one call: `joined` is the values separated by
/// `\n`. Returns `[words, strings]`: a `Uint32Array` holding, per value, its challenges as
/// spans into `joined` (UTF-16 positions, for `joined.slice`), and the string of unescaped
/// quoted values that the words also point into; layout in [`crate::challenge::compact`].
#[wasm_bindgen]
pub fn parse_challenges_compact(joined: &str) -> js_sys::Array {
    CHALLENGES.with(|encoded| {
        let mut encoded = encoded.borrow_mut();
        encoded.parse_joined_into(joined);
        let words = js_sys::Uint32Array::from(encoded.words.as_slice());
        pair(words.into(), &encoded.strings)
    })
}

/// Summarizes many compact JWS/JWE tokens in one call, without verifying them: `joined` is
/// the tokens separated by `\n`. Returns `[numbers, strings]`: a `Float64Array` with
/// [`jose::COMPACT_STRIDE`] numbers per token (form, diagnostic count, claim count,
/// `exp`/`iat`/`nbf`, then where `alg`, `typ`, `kid`, `iss`, `sub`, `aud` lie in `strings`),
/// layout in [`jose::Compact`]; the counts are those of [`jose::decode`].
#[wasm_bindgen]
pub fn decode_jwt_compact(joined: &str) -> js_sys::Array {
    JWT_FIELDS.with(|fields| {
        let (compact, scratch) = &mut *fields.borrow_mut();
        compact.summarize_into(joined.as_bytes(), scratch);
        let numbers = js_sys::Float64Array::from(compact.numbers.as_slice());
        pair(numbers.into(), &compact.strings)
    })
}

thread_local! {
    /// Where a caller writes its input directly ([`input_buffer`]).
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The last batch of parsed challenges: its buffers are reused batch after batch, and
    /// [`parse_challenges_compact_view`] leaves its words here for the caller to read in
    /// place.
    static CHALLENGES: RefCell<challenge::compact::Encoded> =
        RefCell::new(challenge::compact::Encoded::default());
    /// Where [`parse_challenges_compact_view`] says its result lies.
    static VIEW: RefCell<[u32; 3]> = const { RefCell::new([0; 3]) };
}

/// Makes room for `len` bytes of input inside wasm memory and returns where they start,
/// as a byte offset into `wasm_memory().buffer`; a `*_input(written)` function then reads the
/// first `written` bytes.
///
/// This is the cheap way in for text: `TextEncoder.encodeInto(text, new Uint8Array(
/// memory.buffer, offset, len))` encodes natively, where passing a string argument costs
/// the glue's per-character copy loop (about 1 ns a character, as much as a challenge
/// parse). Any call into wasm may grow memory and detach old views, so take the view
/// after this call and use it before the next. Room for `len` bytes of UTF-8 is enough for
/// any string of `len / 3` UTF-16 units.
///
/// The bytes it holds are not cleared: `*_input` reads only the bytes written.
///
/// # Errors
/// Throws (`"input buffer: no room for N bytes"`) when memory cannot hold `len` bytes; the
/// buffer then keeps its old size. A caller's number is input like any other: an
/// allocation failure would abort the whole module.
#[wasm_bindgen]
pub fn input_buffer(len: usize) -> Result<usize, JsError> {
    INPUT.with(|input| {
        let mut input = input.borrow_mut();
        // Grown, never cleared: the caller overwrites what it reads, and zeroing three
        // bytes per character on every batch cost as much as the `encodeInto` itself.
        if let Some(more) = len.checked_sub(input.len()).filter(|&more| more > 0) {
            input
                .try_reserve_exact(more)
                .map_err(|_| JsError::new(&format!("input buffer: no room for {len} bytes")))?;
            input.resize(len, 0);
        }
        Ok(input.as_ptr() as usize)
    })
}

/// Runs `f` on the first `written` bytes of the input buffer (fewer if the buffer is
/// shorter), as text: input that is not UTF-8 is decoded lossily, which `encodeInto`
/// never produces.
fn with_input<R>(written: usize, f: impl FnOnce(&str) -> R) -> R {
    INPUT.with(|input| {
        let input = input.borrow();
        let bytes = input.get(..written).unwrap_or(&input);
        match std::str::from_utf8(bytes) {
            Ok(text) => f(text),
            Err(_) => f(&String::from_utf8_lossy(bytes)),
        }
    })
}

/// The module's memory, for views over [`input_buffer`] and over results left in wasm.
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// [`parse_challenges_compact`] on the first `written` bytes of [`input_buffer`].
#[wasm_bindgen]
pub fn parse_challenges_compact_input(written: usize) -> js_sys::Array {
    with_input(written, parse_challenges_compact)
}

/// [`decode_jwt_compact`] on the first `written` bytes of [`input_buffer`].
#[wasm_bindgen]
pub fn decode_jwt_compact_input(written: usize) -> js_sys::Array {
    JWT_FIELDS.with(|fields| {
        let (compact, scratch) = &mut *fields.borrow_mut();
        summarize_input(written, compact, scratch);
        let numbers = js_sys::Float64Array::from(compact.numbers.as_slice());
        pair(numbers.into(), &compact.strings)
    })
}

thread_local! {
    /// The last JWT summary ([`decode_jwt_fields_input`] reads its numbers from here) and
    /// the buffers reused between batches.
    static JWT_FIELDS: RefCell<(jose::Compact, jose::CompactScratch)> =
        RefCell::new(Default::default());
}

/// Summarizes the first `written` bytes of [`input_buffer`] into `compact`. The bytes are
/// read directly, without a UTF-8 pass over the whole input: the fast path only takes
/// tokens of base64url symbols, and the others are read as [`with_input`] reads them.
fn summarize_input(
    written: usize,
    compact: &mut jose::Compact,
    scratch: &mut jose::CompactScratch,
) {
    INPUT.with(|input| {
        let input = input.borrow();
        let bytes = input.get(..written).unwrap_or(&input);
        compact.summarize_into(bytes, scratch);
    });
}

/// [`decode_jwt_compact_input`] that leaves the numbers in wasm memory: summarizes the
/// `\n`-separated tokens in the first `written` bytes of [`input_buffer`] and returns
/// the `strings`; the numbers ([`jose::COMPACT_STRIDE`] per token, layout in
/// [`jose::Compact`]) stay at [`jwt_fields_numbers`] until the next call. Reading them
/// through a `Float64Array` view costs no copy and no JavaScript object per batch.
#[wasm_bindgen]
pub fn decode_jwt_fields_input(written: usize) -> String {
    JWT_FIELDS.with(|fields| {
        let (compact, scratch) = &mut *fields.borrow_mut();
        summarize_input(written, compact, scratch);
        // Taken, not copied: the glue copies it out once and frees it.
        std::mem::take(&mut compact.strings)
    })
}

/// Where the numbers of the last [`decode_jwt_fields_input`] start, as a byte offset into
/// `wasm_memory().buffer` (8-byte aligned): `new Float64Array(buffer, offset, 18 * tokens)`.
/// Valid until the next call into the module (which may grow memory and move them).
#[wasm_bindgen]
pub fn jwt_fields_numbers() -> usize {
    JWT_FIELDS.with(|fields| fields.borrow().0.numbers.as_ptr() as usize)
}

/// [`parse_challenges_compact_input`] without copying the result out: the words stay in
/// wasm memory. Returns the byte offset (into `wasm_memory().buffer`) of three `u32`s:
/// the byte offset of the words, how many words there are, and the length of the side
/// string of unescaped values in UTF-16 units, which [`challenge_strings`] returns when it
/// is not 0. Layout of the words in [`crate::challenge::compact`].
///
/// A copy into a new `Uint32Array` and a string crossing per batch cost as much as the
/// parse of a typical value; a view costs neither. The words are valid until the next call
/// into wasm, and any call may grow memory and detach old views: call
/// [`challenge_strings`] first when it is needed, then take the view.
#[wasm_bindgen]
pub fn parse_challenges_compact_view(written: usize) -> usize {
    let view = with_input(written, |joined| {
        CHALLENGES.with(|encoded| {
            let mut encoded = encoded.borrow_mut();
            encoded.parse_joined_into(joined);
            [
                address(encoded.words.as_ptr() as usize),
                address(encoded.words.len()),
                address(encoded.strings_units),
            ]
        })
    });
    VIEW.with(|v| {
        let mut v = v.borrow_mut();
        *v = view;
        v.as_ptr() as usize
    })
}

/// A wasm32 address or length as a `u32` (saturating; never reached on wasm32).
fn address(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The side string of unescaped quoted values of the last batch that
/// [`parse_challenges_compact_view`] parsed (its words with the `UNESCAPED` flag point
/// into it).
#[wasm_bindgen]
pub fn challenge_strings() -> String {
    CHALLENGES.with(|encoded| encoded.borrow().strings.clone())
}
