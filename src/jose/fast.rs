//! The fast path of [`Compact`]: a well-formed compact JWS read in one pass over its bytes,
//! with no allocation per token and no JSON tree.
//!
//! [`summarize`] already avoids `serde_json::Value`, but still pays for serde's visitors,
//! a `split` per token and per segment (a byte-at-a-time `memchr` in wasm), UTF-8
//! validation of the whole batch, and a hash sort per object. In the size-optimised wasm
//! build that made the batched summary (`tests/bench/node.mjs`, fields task) 2.7 µs per
//! 1 KiB token end to end, 1.9× faster than `jose`; this path makes it about 1.2 µs, of
//! which the wasm call is 1.0 µs (Node 20, 2026-11-22). It:
//!
//! * base64url-decodes the header and the payload (RFC 7515 §7.1) into one reused buffer,
//!   and finds the `.` that ends each segment as the first byte that is not a base64url
//!   symbol, so the token is never split first;
//! * checks the signature's symbols and length without decoding it;
//! * scans each JSON object once (RFC 8259), keeping only the spans of the string members
//!   a [`Compact`] holds and the values of `exp`/`iat`/`nbf`, counting the members, and
//!   skipping other values with a depth counter instead of recursion.
//!
//! It declines (and hands that one token to [`summarize`], which falls back to
//! [`decode`](super::decode) in turn) whenever [`decode`](super::decode) could report a
//! diagnostic or read the token differently: anything but three non-empty segments of
//! clean base64url, a token over [`MAX_TOKEN_BYTES`], bytes that are not UTF-8, JSON that
//! is not exactly one object, a member name twice (serde_json keeps the last one), a
//! header without a string `alg`, `alg: none`, any `enc`, a `\u` escape in a string it
//! keeps or of a surrogate anywhere, a member name with an escape, a number with a fraction
//! or an exponent or more than 18 digits (serde_json's float parsing and range errors
//! decide those), and containers nested more than [`MAX_DEPTH`] levels. What it accepts
//! it reads exactly as serde_json does; the property tests below hold the two paths to
//! the same numbers and strings.

use super::summary::{push_summary, summarize, Compact, Scratch};
use super::MAX_TOKEN_BYTES;
use crate::base64::{NOT_PLAIN, URL_SAFE_TABLE};

/// Containers nested inside one member value that the fast path follows. Deeper values go
/// to the full path, where serde_json's own limit (128) applies.
const MAX_DEPTH: u32 = 48;

/// Buffers reused from token to token and from batch to batch.
#[derive(Debug, Default)]
pub struct CompactScratch {
    /// The decoded header, then the decoded payload, of the current token.
    buf: Vec<u8>,
    /// Hashes of the current object's member names, to find duplicates.
    keys: Vec<u64>,
    /// The full path's buffers, for the tokens the fast path declines.
    full: Scratch,
}

/// Fills `out` with the summaries of the `\n`-separated tokens of `joined`, in order:
/// what [`Compact::summarize_joined_full`] gives for the same text. Bytes that are not UTF-8
/// are read as [`String::from_utf8_lossy`] reads them.
pub(super) fn summarize_into(joined: &[u8], out: &mut Compact, scratch: &mut CompactScratch) {
    out.numbers.clear();
    // The strings are gathered as bytes and checked as UTF-8 once per batch (every piece is
    // UTF-8 already), not once per field; the allocation goes back and forth.
    let mut strings = std::mem::take(&mut out.strings).into_bytes();
    strings.clear();
    // Room for the decoded header and payload of any token the fast path reads (they are
    // at most three quarters of the token), plus the last group's two bytes.
    let room = joined.len().min(MAX_TOKEN_BYTES + 1) / 4 * 3 + 8;
    if scratch.buf.len() < room {
        scratch.buf.resize(room, 0);
    }
    let mut units = 0usize;
    let mut at = 0usize;
    loop {
        let rest = joined.get(at..).unwrap_or_default();
        let len = match token(rest, scratch, &mut out.numbers, &mut strings, &mut units) {
            Some(len) => len,
            None => {
                let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                // A `\n` always ends an invalid sequence, so converting token by token is
                // converting the whole text and then splitting it.
                let text = String::from_utf8_lossy(rest.get(..len).unwrap_or_default());
                let summary = summarize(&text, &mut scratch.full);
                push_summary(&mut out.numbers, &mut strings, &summary, &mut units);
                len
            }
        };
        at += len;
        if at >= joined.len() {
            break;
        }
        at += 1; // the `\n`
    }
    out.strings = String::from_utf8(strings)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

/// Byte → sextet of base64url, [`NOT_PLAIN`] for any other byte.
fn sextet(b: u8) -> u8 {
    URL_SAFE_TABLE
        .get(usize::from(b))
        .copied()
        .unwrap_or(NOT_PLAIN)
}

/// A run of base64url symbols decoded by [`decode_run`].
struct Run {
    /// Index of the first byte after the run (in the token).
    stop: usize,
    /// End of the decoded bytes in the buffer.
    written: usize,
    /// The decoded bytes OR-ed together: bit 7 set when one of them is not ASCII.
    high: u32,
}

/// A decoded symbol's bits already in place in a 24-bit group, per position in the group;
/// bit 24 marks a byte that is not a base64url symbol. One OR of four lookups then gives
/// both the group and whether it was clean (measured: 3–5% of the wasm summary).
// Only evaluated at compile time: an index out of range would fail the build.
#[allow(clippy::indexing_slicing)]
const fn placed(shift: u32) -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let s = URL_SAFE_TABLE[i];
        t[i] = if s == NOT_PLAIN {
            1 << 24
        } else {
            (s as u32) << shift
        };
        i += 1;
    }
    t
}

const PLACED: [[u32; 256]; 4] = [placed(18), placed(12), placed(6), placed(0)];

/// Decodes the base64url symbols of `src` from `from` up to the first other byte, into
/// `buf` from `to`. `None` unless the run is what [`crate::base64::decode_clean_into`]
/// accepts: whole groups, then 0, 2 or 3 symbols whose unused low bits are zero
/// (RFC 4648 §3.5; a `base64-trailing-bits` diagnostic otherwise).
fn decode_run(src: &[u8], from: usize, buf: &mut [u8], to: usize) -> Option<Run> {
    let input = src.get(from..)?;
    let [t0, t1, t2, t3] = &PLACED;
    let (mut i, mut o, mut high) = (0usize, to, 0u32);
    let at = |t: &[u32; 256], x: u8| t.get(usize::from(x)).copied().unwrap_or(1 << 24);
    // Two groups per step while they last: half the loop and bounds-check overhead.
    while let Some(&[a, b, c, d, e, f, g, h]) = input.get(i..i + 8) {
        let n = at(t0, a) | at(t1, b) | at(t2, c) | at(t3, d);
        let m = at(t0, e) | at(t1, f) | at(t2, g) | at(t3, h);
        if (n | m) >> 24 != 0 {
            break;
        }
        let Some([x, y, z, u, v, w]) = buf.get_mut(o..o + 6) else {
            break;
        };
        // Each shift leaves one byte in the low 8 bits; `as u8` keeps exactly that byte.
        (*x, *y, *z) = ((n >> 16) as u8, (n >> 8) as u8, n as u8);
        (*u, *v, *w) = ((m >> 16) as u8, (m >> 8) as u8, m as u8);
        high |= n | m;
        i += 8;
        o += 6;
    }
    while let Some(&[a, b, c, d]) = input.get(i..i + 4) {
        let n = at(t0, a) | at(t1, b) | at(t2, c) | at(t3, d);
        if n >> 24 != 0 {
            break;
        }
        // Three byte stores: `copy_from_slice` of four bytes stays a `memcpy` call in the
        // size-optimised wasm build, and made the whole summary 1.6× slower.
        let Some([x, y, z]) = buf.get_mut(o..o + 3) else {
            break;
        };
        (*x, *y, *z) = ((n >> 16) as u8, (n >> 8) as u8, n as u8);
        high |= n;
        i += 4;
        o += 3;
    }
    let tail = input.get(i..)?;
    let k = tail
        .iter()
        .take(4)
        .take_while(|&&b| sextet(b) & 0xC0 == 0)
        .count();
    let s = |j: usize| tail.get(j).map_or(0, |&b| u32::from(sextet(b)));
    let n = s(0) << 18 | s(1) << 12 | if k == 3 { s(2) << 6 } else { 0 };
    let extra = match k {
        0 => 0,
        2 if n & 0xFFFF == 0 => 1,
        3 if n & 0xFF == 0 => 2,
        _ => return None,
    };
    if extra > 0 {
        high |= n;
        let [x, y] = buf.get_mut(o..o + 2)? else {
            return None;
        };
        (*x, *y) = ((n >> 16) as u8, (n >> 8) as u8);
    }
    Some(Run {
        stop: from + i + k,
        written: o + extra,
        high,
    })
}

/// End of the signature that starts at `from`: its symbols are only checked (what
/// [`crate::base64::clean_len`] accepts, and not empty), never decoded. Eight symbols at
/// a time: a 2048-bit RSA signature is a third of a typical token.
fn signature_end(src: &[u8], from: usize) -> Option<usize> {
    let sig = src.get(from..)?;
    let mut n = 0;
    while let Some(&chunk) = sig.get(n..n + 8).and_then(|c| <&[u8; 8]>::try_from(c).ok()) {
        if !all_symbols(u64::from_le_bytes(chunk)) {
            break;
        }
        n += 8;
    }
    n += sig
        .get(n..)?
        .iter()
        .take_while(|&&b| sextet(b) & 0xC0 == 0)
        .count();
    let last = sig.get(n.checked_sub(1)?).map_or(0, |&b| sextet(b));
    let clean = match n % 4 {
        0 => true,
        2 => last & 0x0F == 0,
        3 => last & 0x03 == 0,
        _ => false,
    };
    clean.then_some(from + n)
}

/// Whether all eight bytes of `x` are base64url symbols (`A-Z`, `a-z`, `0-9`, `-`, `_`),
/// with word arithmetic instead of eight table lookups. Once every byte is known to be
/// below 0x80, adding at most 0x7F to a byte never carries into the next one, so each
/// byte's high bit answers "is it at least …" for that byte alone.
fn all_symbols(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if x & HIGH != 0 {
        return false;
    }
    let at_least = |lo: u8| x.wrapping_add(ONES * u64::from(0x80 - lo)) & HIGH;
    let above = |hi: u8| x.wrapping_add(ONES * u64::from(0x7F - hi)) & HIGH;
    let equal = |c: u8| {
        let y = x ^ (ONES * u64::from(c));
        !y.wrapping_add(ONES * 0x7F) & HIGH
    };
    let digit = at_least(b'0') & !above(b'9');
    let upper = at_least(b'A') & !above(b'Z');
    let lower = at_least(b'a') & !above(b'z');
    (digit | upper | lower | equal(b'-') | equal(b'_')) == HIGH
}

/// One token at the start of `rest` (it ends at the first `\n`): summarized into `out`
/// and its length returned, or `None`, with `out` untouched, for the full path.
fn token(
    rest: &[u8],
    scratch: &mut CompactScratch,
    numbers: &mut Vec<f64>,
    strings: &mut Vec<u8>,
    units: &mut usize,
) -> Option<usize> {
    let CompactScratch { buf, keys, .. } = scratch;
    let src = rest.get(..rest.len().min(MAX_TOKEN_BYTES + 1))?;
    let h = decode_run(src, 0, buf, 0)?;
    if h.stop == 0 || src.get(h.stop) != Some(&b'.') {
        return None;
    }
    let p = decode_run(src, h.stop + 1, buf, h.written)?;
    if p.stop == h.stop + 1 || src.get(p.stop) != Some(&b'.') {
        return None;
    }
    let end = signature_end(src, p.stop + 1)?;
    if end > MAX_TOKEN_BYTES || !matches!(rest.get(end), None | Some(b'\n')) {
        return None;
    }
    let header = buf.get(..h.written)?;
    let payload = buf.get(h.written..p.written)?;
    // JSON is UTF-8 (RFC 8259 §8.1); `decode` reports anything else.
    let utf8 =
        |high: u32, bytes: &[u8]| high & 0x0080_8080 == 0 || std::str::from_utf8(bytes).is_ok();
    if !utf8(h.high, header) || !utf8(p.high, payload) {
        return None;
    }
    let mut texts: [Option<Text>; 6] = [None; 6];
    let [alg, typ, kid, iss, sub, aud] = &mut texts;
    read_object(header, keys, |j, name| {
        match name {
            // RFC 7515 §4.1.1: a string `alg` is required (`missing-alg` otherwise).
            ALG => *alg = Some(j.text()?),
            TYP => *typ = j.text_or_skip()?,
            KID => *kid = j.text_or_skip()?,
            // RFC 7516 §4.1.2: `enc` marks a JWE; in three segments `decode` objects.
            ENC => return None,
            _ => j.skip()?,
        }
        Some(())
    })?;
    let alg = (*alg)?;
    // RFC 7519 §6: an Unsecured JWS with a signature is a diagnostic.
    if alg.escaped
        || header
            .get(alg.start..alg.end)?
            .eq_ignore_ascii_case(b"none")
    {
        return None;
    }
    let mut times = [f64::NAN; 3];
    let [exp, iat, nbf] = &mut times;
    let claims = read_object(payload, keys, |j, name| {
        match name {
            ISS => *iss = j.text_or_skip()?,
            SUB => *sub = j.text_or_skip()?,
            // RFC 7519 §4.1.3: a string or an array; the summary shows the first item.
            AUD => *aud = j.audience()?,
            // RFC 7519 §2 NumericDate: a JSON number.
            EXP => *exp = j.number_or_skip()?,
            IAT => *iat = j.number_or_skip()?,
            NBF => *nbf = j.number_or_skip()?,
            _ => j.skip()?,
        }
        Some(())
    })?;
    let before = strings.len();
    let segments = [(header, ascii(h.high)), (payload, ascii(p.high))];
    if write(numbers, strings, units, claims, times, texts, segments).is_none() {
        strings.truncate(before);
        return None;
    }
    Some(end)
}

/// Whether the bytes a [`Run`] decoded are all ASCII.
fn ascii(high: u32) -> bool {
    high & 0x0080_8080 == 0
}

/// Appends one fast-path token in [`Compact`]'s layout: the strings first, so that a
/// failure leaves only them to undo.
fn write(
    numbers: &mut Vec<f64>,
    strings: &mut Vec<u8>,
    units: &mut usize,
    claims: usize,
    [exp, iat, nbf]: [f64; 3],
    texts: [Option<Text>; 6],
    [header, payload]: [(&[u8], bool); 2],
) -> Option<()> {
    let mut spans = [
        -1.0, 0.0, -1.0, 0.0, -1.0, 0.0, -1.0, 0.0, -1.0, 0.0, -1.0, 0.0,
    ];
    for (k, (text, span)) in texts.into_iter().zip(spans.chunks_exact_mut(2)).enumerate() {
        let Some(t) = text else { continue };
        let (segment, ascii) = if k < 3 { header } else { payload };
        let raw = segment.get(t.start..t.end)?;
        let before = strings.len();
        if t.escaped {
            unescape_into(raw, strings)?;
        } else {
            strings.extend_from_slice(raw);
        }
        let pushed = strings.get(before..)?;
        // UTF-16 code units: one per character, two for those beyond U+FFFF (four UTF-8
        // bytes); the segment is valid UTF-8.
        let len = if ascii {
            pushed.len()
        } else {
            pushed
                .iter()
                .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
                .sum()
        };
        if let [start, n] = span {
            #[allow(clippy::cast_precision_loss)] // lengths far below 2^52
            ((*start, *n) = (*units as f64, len as f64));
        }
        *units += len;
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    numbers.extend_from_slice(&[0.0, 0.0, claims as f64, exp, iat, nbf]);
    numbers.extend_from_slice(&spans);
    Some(())
}

/// Appends the string whose raw JSON text (between the quotes) is `raw`, which has only
/// the two-character escapes of RFC 8259 §7 (each stands for one ASCII byte).
fn unescape_into(raw: &[u8], s: &mut Vec<u8>) -> Option<()> {
    let mut rest = raw;
    while let Some(at) = rest.iter().position(|&b| b == b'\\') {
        s.extend_from_slice(rest.get(..at)?);
        s.push(match rest.get(at + 1)? {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            _ => return None,
        });
        rest = rest.get(at + 2..)?;
    }
    s.extend_from_slice(rest);
    Some(())
}

/// A three-letter member name as a number (all the names the summary reads have three).
const fn name(s: &[u8; 3]) -> u32 {
    u32::from_le_bytes([s[0], s[1], s[2], 0])
}

const ALG: u32 = name(b"alg");
const TYP: u32 = name(b"typ");
const KID: u32 = name(b"kid");
const ENC: u32 = name(b"enc");
const ISS: u32 = name(b"iss");
const SUB: u32 = name(b"sub");
const AUD: u32 = name(b"aud");
const EXP: u32 = name(b"exp");
const IAT: u32 = name(b"iat");
const NBF: u32 = name(b"nbf");

/// FNV-1a of a member name: equal hashes send the token to the full path, which is then
/// merely slower, never wrong.
fn key_hash(s: &[u8]) -> u64 {
    s.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Reads `bytes` as exactly one JSON object, handing each member's value to `member`
/// (with the name as [`name`] numbers it, 0 for other lengths) at the value's first byte;
/// `member` must consume the value. Returns the member count.
fn read_object<'a>(
    bytes: &'a [u8],
    keys: &mut Vec<u64>,
    mut member: impl FnMut(&mut Json<'a>, u32) -> Option<()>,
) -> Option<usize> {
    let mut j = Json { b: bytes, i: 0 };
    keys.clear();
    let mut bloom = 0u64;
    j.ws();
    j.eat(b'{')?;
    j.ws();
    if j.peek() == b'}' {
        j.i += 1;
    } else {
        loop {
            j.eat(b'"')?;
            let start = j.i;
            if j.string()? != Escapes::None {
                return None;
            }
            let key = bytes.get(start..j.i - 1)?;
            let hash = key_hash(key);
            let bit = 1u64 << (hash & 63);
            if bloom & bit != 0 && keys.contains(&hash) {
                return None;
            }
            bloom |= bit;
            keys.push(hash);
            let code = match key {
                [a, b, c] => u32::from_le_bytes([*a, *b, *c, 0]),
                _ => 0,
            };
            j.ws();
            j.eat(b':')?;
            j.ws();
            member(&mut j, code)?;
            j.ws();
            match j.bump() {
                b',' => j.ws(),
                b'}' => break,
                _ => return None,
            }
        }
    }
    j.ws();
    (j.i == bytes.len()).then_some(keys.len())
}

/// Where a kept string lies in its segment (between the quotes).
#[derive(Debug, Clone, Copy)]
struct Text {
    start: usize,
    end: usize,
    /// Whether it has two-character escapes to undo.
    escaped: bool,
}

/// Which escapes a string had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escapes {
    None,
    /// Only two-character ones (`\n`, `\"`, …).
    Simple,
    /// A `\u` escape (of a character that is not a surrogate).
    Unicode,
}

/// A cursor over one decoded segment. Every method returns `None` to decline the token.
struct Json<'a> {
    b: &'a [u8],
    i: usize,
}

impl Json<'_> {
    /// The byte at the cursor; 0 at the end (0 is never valid JSON outside a string, so
    /// every caller declines on it).
    fn peek(&self) -> u8 {
        self.b.get(self.i).copied().unwrap_or(0)
    }

    /// The byte at the cursor, moving past it.
    fn bump(&mut self) -> u8 {
        let c = self.peek();
        self.i += 1;
        c
    }

    /// JSON whitespace (RFC 8259 §2), as serde_json skips it.
    fn ws(&mut self) {
        while let b' ' | b'\n' | b'\t' | b'\r' = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.bump() == c).then_some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// The rest of a string whose opening quote is behind the cursor (RFC 8259 §7), as
    /// serde_json accepts it, except that `\u` escapes of surrogates decline: serde_json
    /// pairs them or fails. Inlined into its four callers: 5% of the wasm summary.
    #[inline(always)]
    fn string(&mut self) -> Option<Escapes> {
        let mut escapes = Escapes::None;
        loop {
            let at = self.special();
            match self.b.get(at)? {
                b'"' => {
                    self.i = at + 1;
                    return Some(escapes);
                }
                b'\\' => match self.b.get(at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                        self.i = at + 2;
                        escapes = escapes.max_simple();
                    }
                    b'u' => {
                        let hex = self.b.get(at + 2..at + 6)?;
                        let unit = hex.iter().try_fold(0u32, |n, &c| {
                            char::from(c).to_digit(16).map(|d| n << 4 | d)
                        })?;
                        if (0xD800..0xE000).contains(&unit) {
                            return None;
                        }
                        self.i = at + 6;
                        escapes = Escapes::Unicode;
                    }
                    _ => return None,
                },
                // A control byte (serde_json: "control character found while parsing").
                _ => return None,
            }
        }
    }

    /// Index of the first `"`, `\` or control byte at or after the cursor (the end when
    /// there is none): [`crate::json_text::string_stop`].
    fn special(&self) -> usize {
        crate::json_text::string_stop(self.b, self.i)
    }

    /// A string the summary keeps, at the cursor.
    fn text(&mut self) -> Option<Text> {
        self.eat(b'"')?;
        let start = self.i;
        let escapes = self.string()?;
        Some(Text {
            start,
            end: self.i - 1,
            escaped: match escapes {
                Escapes::None => false,
                Escapes::Simple => true,
                Escapes::Unicode => return None,
            },
        })
    }

    /// A kept string, or any other value skipped (`None` inside).
    fn text_or_skip(&mut self) -> Option<Option<Text>> {
        if self.peek() == b'"' {
            self.text().map(Some)
        } else {
            self.skip().map(|()| None)
        }
    }

    /// `aud`: the string, or the first item of an array when it is a string.
    fn audience(&mut self) -> Option<Option<Text>> {
        if self.peek() != b'[' {
            return self.text_or_skip();
        }
        self.i += 1;
        self.ws();
        if self.peek() == b']' {
            self.i += 1;
            return Some(None);
        }
        let first = self.text_or_skip()?;
        // The rest of the array: one array open, its first item done.
        self.skip_from(0, 1, true)?;
        Some(first)
    }

    /// A number (RFC 8259 §6) as `Value::as_f64` gives it: integers of up to 18 digits
    /// only, which serde_json reads as `u64`/`i64` (or `-0.0` for `-0`) and converts
    /// exactly as `as f64` does here.
    fn number(&mut self) -> Option<f64> {
        let negative = self.peek() == b'-';
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut n = 0u64;
        while let c @ b'0'..=b'9' = self.peek() {
            n = n.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            self.i += 1;
        }
        let digits = self.i - start;
        let leading_zero = digits > 1 && self.b.get(start) == Some(&b'0');
        if digits == 0 || digits > 18 || leading_zero {
            return None;
        }
        if let b'.' | b'e' | b'E' = self.peek() {
            return None;
        }
        #[allow(clippy::cast_precision_loss)] // what `Value::as_f64` does with integers
        let n = n as f64;
        Some(if negative { -n } else { n })
    }

    /// A NumericDate: a number, or any other value skipped (NaN, "absent", as in
    /// [`Compact`]).
    fn number_or_skip(&mut self) -> Option<f64> {
        if let b'-' | b'0'..=b'9' = self.peek() {
            self.number()
        } else {
            self.skip().map(|()| f64::NAN)
        }
    }

    /// Skips one value at the cursor.
    fn skip(&mut self) -> Option<()> {
        self.skip_from(0, 0, false)
    }

    /// Skips values without recursion: `open` holds one bit per open container (1: an
    /// object), `depth` how many are open, `done` whether a value just ended. Linear in
    /// the input; containers nested deeper than [`MAX_DEPTH`] decline.
    fn skip_from(&mut self, mut open: u64, mut depth: u32, mut done: bool) -> Option<()> {
        loop {
            if !done {
                match self.peek() {
                    b'"' => {
                        self.i += 1;
                        self.string()?;
                    }
                    c @ (b'{' | b'[') => {
                        self.i += 1;
                        self.ws();
                        let close = if c == b'{' { b'}' } else { b']' };
                        if self.peek() == close {
                            self.i += 1;
                        } else {
                            if depth >= MAX_DEPTH {
                                return None;
                            }
                            depth += 1;
                            open = open << 1 | u64::from(c == b'{');
                            if c == b'{' {
                                self.member_name()?;
                            }
                            continue;
                        }
                    }
                    b't' => self.literal(b"true")?,
                    b'f' => self.literal(b"false")?,
                    b'n' => self.literal(b"null")?,
                    _ => {
                        self.number()?;
                    }
                }
            }
            // A value ended: close containers until one continues.
            loop {
                if depth == 0 {
                    return Some(());
                }
                self.ws();
                let object = open & 1 == 1;
                match (self.bump(), object) {
                    (b',', _) => {
                        self.ws();
                        if object {
                            self.member_name()?;
                        }
                        done = false;
                        break;
                    }
                    (b'}', true) | (b']', false) => {
                        open >>= 1;
                        depth -= 1;
                    }
                    _ => return None,
                }
            }
        }
    }

    /// A member name of a skipped object and its colon, leaving the cursor at the value.
    fn member_name(&mut self) -> Option<()> {
        self.eat(b'"')?;
        self.string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(())
    }
}

impl Escapes {
    /// What a two-character escape makes of the escapes so far.
    fn max_simple(self) -> Self {
        match self {
            Escapes::None => Escapes::Simple,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base64::{encode, Alphabet};
    use proptest::prelude::*;

    /// Numbers bit for bit (NaN for absent, `-0.0` for `-0`) and strings equal.
    fn same(a: &Compact, b: &Compact) -> bool {
        a.strings == b.strings
            && a.numbers.len() == b.numbers.len()
            && a.numbers
                .iter()
                .zip(&b.numbers)
                .all(|(x, y)| x.to_bits() == y.to_bits())
    }

    fn fast_equals_full(joined: &str) -> Result<(), TestCaseError> {
        let fast = Compact::summarize_joined(joined);
        let full = Compact::summarize_joined_full(joined);
        prop_assert!(
            same(&fast, &full),
            "{joined:?}\nfast {fast:?}\nfull {full:?}"
        );
        Ok(())
    }

    /// Whether the fast path itself reads `token` (rather than handing it on).
    fn accepts(t: &str) -> bool {
        let mut scratch = CompactScratch::default();
        scratch.buf.resize(t.len() + 8, 0);
        let (mut numbers, mut strings) = (Vec::new(), Vec::new());
        let taken = token(
            t.as_bytes(),
            &mut scratch,
            &mut numbers,
            &mut strings,
            &mut 0,
        )
        .is_some();
        assert_eq!(taken, !numbers.is_empty(), "declined tokens write nothing");
        assert!(taken || strings.is_empty(), "declined tokens write nothing");
        taken
    }

    fn b64(text: &str) -> String {
        encode(text.as_bytes(), Alphabet::UrlSafe)
    }

    fn jws(header: &str, payload: &str) -> String {
        format!("{}.{}.{}", b64(header), b64(payload), b64("signature"))
    }

    const H: &str = r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#;

    #[test]
    fn all_symbols_is_the_table() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut word = *b"AZaz09-_";
                word[at] = b;
                let want = word.iter().all(|&c| sextet(c) & 0xC0 == 0);
                assert_eq!(
                    all_symbols(u64::from_le_bytes(word)),
                    want,
                    "{b:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn reads_a_plain_token() {
        let t = jws(
            H,
            r#"{"iss":"https://id.example/","sub":"u-1","aud":["api","x"],"exp":1700000000,"iat":-5,"nbf":0,"scope":"a b","deep":{"a":[1,{"b":null}]}}"#,
        );
        assert!(accepts(&t));
        let c = Compact::summarize_joined(&t);
        assert!(same(&c, &Compact::summarize_joined_full(&t)));
        assert_eq!(c.strings, "RS256JWTk1https://id.example/u-1api");
        assert_eq!(&c.numbers[..6], &[0.0, 0.0, 8.0, 1.7e9, -5.0, 0.0]);
    }

    /// Tokens the fast path reads itself: its answers must be the full path's.
    #[test]
    fn accepted_table() {
        let cases = [
            jws(H, "{}"),
            jws(H, r#" { "sub" : "a\/b\"c" , "aud" : "x" } "#),
            jws(H, r#"{"sub":"clé ✓ 😀","aud":["é"]}"#),
            jws(H, r#"{"x":"\u00e9\u0000","aud":[]}"#),
            jws(H, r#"{"exp":-0,"iat":123456789012345678,"nbf":"5"}"#),
            jws(H, r#"{"aud":[1,"x"],"iss":5,"sub":null}"#),
            jws(
                r#"{"alg":"HS256","cty":"JWT","typ":7}"#,
                r#"{"a":[[[[]]]]}"#,
            ),
            jws(
                &format!(
                    r#"{{"alg":"ES256","x":{}1{}}}"#,
                    "[".repeat(48),
                    "]".repeat(48)
                ),
                "{}",
            ),
        ];
        check_table(&cases, true);
    }

    /// Each token takes the fast path exactly when `accepted`, and the summary is the full
    /// path's either way.
    fn check_table(cases: &[String], accepted: bool) {
        for t in cases {
            assert_eq!(accepts(t), accepted, "{t}");
            assert!(
                same(
                    &Compact::summarize_joined(t),
                    &Compact::summarize_joined_full(t)
                ),
                "{t}"
            );
        }
    }

    /// Tokens the fast path hands on, each for the reason in its comment; the answer is the
    /// full path's all the same.
    #[test]
    fn declined_table() {
        let sig = b64("signature");
        let cases = [
            // Structure: segments, emptiness, base64 that `decode` comments on.
            String::new(),
            "not a token".to_string(),
            format!("{}.{}", b64(H), b64("{}")),
            format!("{}.{}.", b64(H), b64("{}")),
            format!("{}..{sig}", b64(H)),
            format!(".{}.{sig}", b64("{}")),
            format!("{}.{}.{sig}.a.b", b64(H), b64("{}")),
            format!("{}=.{}.{sig}", b64(H), b64("{}")),
            format!("{}.{}.{sig}\r", b64(H), b64("{}")),
            format!("{}.{}.{sig}+", b64(H), b64("{}")),
            format!("{}.{}.a", b64(H), b64("{}")),
            format!("{}.{}.ab", b64(H), b64("{}")),
            format!("{}A.{}.{sig}", b64(H), b64("{}")),
            format!("{}.{}.{}", b64(H), b64("{}"), "A".repeat(MAX_TOKEN_BYTES)),
            // The header.
            jws(r#"{"typ":"JWT"}"#, "{}"),
            jws(r#"{"alg":5}"#, "{}"),
            jws(r#"{"alg":"none"}"#, "{}"),
            jws(r#"{"alg":"nOnE"}"#, "{}"),
            jws(r#"{"alg":"n\u006fne"}"#, "{}"),
            jws(r#"{"alg":"HS256","enc":"A128GCM"}"#, "{}"),
            jws(r#"{"alg":"HS256","enc":null}"#, "{}"),
            jws(r#"{"alg":"HS256","alg":"RS256"}"#, "{}"),
            jws(r#"["alg"]"#, "{}"),
            // The claims: not one object, duplicates, what serde_json reads its own way.
            jws(H, "[1]"),
            jws(H, "\"text\""),
            jws(H, "{} {}"),
            jws(H, r#"{"sub":"a","sub":"b"}"#),
            jws(H, r#"{"a":1,"\u0061":2}"#),
            jws(H, r#"{"exp":1.5}"#),
            jws(H, r#"{"exp":1e3}"#),
            jws(H, r#"{"x":1e400}"#),
            jws(H, r#"{"x":1234567890123456789}"#),
            jws(H, r#"{"x":01}"#),
            jws(H, r#"{"x":-}"#),
            jws(H, r#"{"sub":"\u00e9"}"#),
            jws(H, r#"{"x":"\ud83d\ude00"}"#),
            jws(H, r#"{"x":"\ud83d"}"#),
            jws(H, r#"{"x":"\q"}"#),
            jws(H, "{\"x\":\"tab\there\"}"),
            jws(H, r#"{"x":tru}"#),
            jws(H, r#"{"x":[1,]}"#),
            jws(H, r#"{"x":{"a":1,}}"#),
            jws(H, r#"{"x":{"a" 1}}"#),
            jws(H, r#"{"x":[1}"#),
            jws(H, r#"{"x":1,}"#),
            jws(
                H,
                &format!(r#"{{"x":{}1{}}}"#, "[".repeat(49), "]".repeat(49)),
            ),
            jws(H, &format!(r#"{{"x":{}}}"#, "[".repeat(10_000))),
            // Not UTF-8, and a nested token (the payload is not JSON).
            format!(
                "{}.{}.{sig}",
                b64(H),
                encode(b"{\"x\":\"\xff\"}", Alphabet::UrlSafe)
            ),
            jws(H, &jws(H, "{}")),
        ];
        check_table(&cases, false);
    }

    #[test]
    fn batches_keep_positions_across_both_paths() {
        let tokens = [
            jws(H, r#"{"iss":"ïss","aud":"a","exp":5}"#),
            "garbage".to_string(),
            jws(r#"{"alg":"none"}"#, r#"{"sub":"x"}"#),
            String::new(),
            jws(r#"{"alg":"HS256","kid":"😀"}"#, r#"{"sub":"y"}"#),
        ];
        let joined = tokens.join("\n");
        assert!(same(
            &Compact::summarize_joined(&joined),
            &Compact::summarize_joined_full(&joined)
        ));
        for joined in ["", "\n", "\n\n", &format!("{}\n", tokens[0])] {
            assert!(same(
                &Compact::summarize_joined(joined),
                &Compact::summarize_joined_full(joined)
            ));
        }
        // Reused buffers give the same answers batch after batch.
        let (mut out, mut scratch) = (Compact::default(), CompactScratch::default());
        for _ in 0..2 {
            out.summarize_into(joined.as_bytes(), &mut scratch);
            assert!(same(&out, &Compact::summarize_joined_full(&joined)));
            out.summarize_into(b"x", &mut scratch);
            assert!(same(&out, &Compact::summarize_joined_full("x")));
        }
    }

    /// Raw JSON values, many of them the ones serde_json reads its own way.
    /// Raw JSON values: mostly ones the fast path reads itself, some that it hands on or
    /// that make the text invalid JSON.
    fn raw_value() -> impl Strategy<Value = String> {
        let plain = prop::sample::select(vec![
            r#""a\/b""#,
            r#""q\"\\\b\f\n\r\t""#,
            r#""\u00e9t\u00E9\u0000""#,
            "\"é😀\"",
            "-0",
            "0",
            "123456789012345678",
            "-123456789012345678",
            "true",
            "false",
            "null",
            "[]",
            "{}",
            "[ \"x\" , 1 ]",
            "{\"a\":{\"b\":[1,{\"c\":null}]}}",
            "[\"first\",{\"x\":[]}]",
            "[1,\"second\"]",
            "[\"😀\",\"b\"]",
            r#"["a\/b"]"#,
        ])
        .prop_map(str::to_string);
        let odd = prop::sample::select(vec![
            r#""\ud83d\ude00""#,
            r#""\ud83d""#,
            r#""\x""#,
            "\"tab\there\"",
            "\"unterminated",
            "1.5",
            "1e3",
            "1E+2",
            "1e400",
            "01",
            "-",
            "-01",
            "1234567890123456789",
            "18446744073709551616",
            "tru",
            "nul",
            "[1,]",
            "[,1]",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "{\"a\":1,\"a\":2}",
            "",
        ])
        .prop_map(str::to_string);
        prop_oneof![
            6 => plain,
            4 => any::<i64>().prop_map(|n| n.to_string()),
            4 => "[a-z \\-/é\"\\\\😀]{0,12}".prop_map(|s| serde_json::Value::String(s).to_string()),
            1 => odd,
            // Around the depth limit, and far beyond serde_json's.
            1 => (1usize..140).prop_map(|d| format!("{}1{}", "[".repeat(d), "]".repeat(d))),
            1 => (1usize..30).prop_map(|d| format!("{}1{}", "{\"a\":[".repeat(d), "]}".repeat(d))),
        ]
    }

    fn member_name() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => prop::sample::select(vec![
                "alg", "typ", "kid", "cty", "iss", "sub", "aud", "exp", "iat", "nbf", "scope",
            ])
            .prop_map(str::to_string),
            4 => "[a-z]{1,6}",
            // An escape in a name, non-ASCII, `enc`.
            1 => prop::sample::select(vec!["a\\/b", "\\u0061", "é", "enc"]).prop_map(str::to_string),
        ]
    }

    /// A JSON object as text with up to `most` members, possibly repeated, and odd
    /// whitespace; `alg` first when `algs` are given.
    fn raw_object(
        algs: Option<&'static [&'static str]>,
        most: usize,
    ) -> impl Strategy<Value = String> {
        let ws = prop::sample::select(vec!["", "", "", " ", "\n\t", "\r"]);
        let firsts: Vec<&'static str> = algs.unwrap_or(&["\"RS256\""]).to_vec();
        (
            // The payload has an `alg` claim now and then, which means nothing there.
            prop::option::weighted(
                if algs.is_some() { 0.95 } else { 0.1 },
                prop::sample::select(firsts),
            ),
            proptest::collection::vec((member_name(), raw_value(), ws.clone()), 0..most),
            ws,
        )
            .prop_map(|(alg, members, pad)| {
                let mut parts: Vec<String> =
                    alg.map(|a| format!("\"alg\":{a}")).into_iter().collect();
                parts.extend(
                    members
                        .into_iter()
                        .map(|(k, v, w)| format!("{w}\"{k}\"{w}:{w}{v}{w}")),
                );
                format!("{pad}{{{}}}{pad}", parts.join(","))
            })
    }

    /// A token: header and claims as text, signature bytes, then maybe some damage.
    fn token_text() -> impl Strategy<Value = String> {
        prop_oneof![clean_token(), hostile_token()]
    }

    /// A token as issuers write them: the fast path's own ground (valid JSON without
    /// duplicates, a signature), still with escapes, non-ASCII, odd numbers and nesting.
    fn clean_token() -> impl Strategy<Value = String> {
        let names = || {
            prop_oneof![
                prop::sample::select(vec![
                    "typ", "kid", "cty", "iss", "sub", "aud", "exp", "iat", "nbf", "scope",
                ])
                .prop_map(str::to_string),
                "[a-z_]{1,8}",
            ]
        };
        // Values the fast path reads: no floats, no 19-digit numbers, not too deep.
        let value = || {
            prop_oneof![
                4 => raw_value().prop_filter("read by the fast path", |v| {
                    !v.contains(['.', 'e', 'E']) && !v.contains("[[[[[[[[[[[[[[[[[[[[")
                        && serde_json::from_str::<serde_json::Value>(v).is_ok()
                        && v.trim_start_matches('-').len() < 19
                }),
                2 => (-(10i64.pow(17))..10i64.pow(17)).prop_map(|n| n.to_string()),
                2 => "[a-z \\-/é\"\\\\😀]{0,12}".prop_map(|s| serde_json::Value::String(s).to_string()),
                1 => proptest::collection::vec("[a-z:/.é]{0,10}", 0..4)
                    .prop_map(|aud| serde_json::json!(aud).to_string()),
            ]
        };
        (
            prop::sample::select(vec!["RS256", "ES256", "HS512", "EdDSA"]),
            proptest::collection::btree_map(names(), value(), 0..3),
            proptest::collection::btree_map(names(), value(), 0..8),
            proptest::collection::vec(any::<u8>(), 1..300),
        )
            .prop_map(|(alg, header, claims, sig)| {
                let object = |m: &std::collections::BTreeMap<String, String>| {
                    m.iter()
                        .map(|(k, v)| format!("\"{k}\":{v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                let h = object(&header);
                let h = format!(
                    "{{\"alg\":\"{alg}\"{}{h}}}",
                    if h.is_empty() { "" } else { "," }
                );
                format!(
                    "{}.{}.{}",
                    b64(&h),
                    b64(&format!("{{{}}}", object(&claims))),
                    encode(&sig, Alphabet::UrlSafe)
                )
            })
    }

    /// Anything goes: odd members and values, duplicates, other segment counts, a nested
    /// token, stray characters.
    fn hostile_token() -> impl Strategy<Value = String> {
        let header = raw_object(
            Some(&[
                "\"RS256\"",
                "\"HS256\"",
                "\"ES256\"",
                "\"PS256\"",
                "\"EdDSA\"",
                "\"none\"",
                "\"NONE\"",
                "5",
                "\"a\\/b\"",
            ]),
            4,
        );
        let payload = prop_oneof![
            6 => raw_object(None, 7),
            1 => Just(String::new()),
            1 => "\\PC{0,20}",
        ];
        (
            header,
            payload,
            proptest::collection::vec(any::<u8>(), 0..40),
            0u8..16,
            any::<prop::sample::Index>(),
            "[.=+\n a-z\u{e9}]{1,3}",
        )
            .prop_map(|(h, p, sig, shape, at, junk)| {
                let (h, p, s) = (b64(&h), b64(&p), encode(&sig, Alphabet::UrlSafe));
                let mut t = match shape {
                    0 => format!("{h}.{p}"),
                    1 => format!("{h}.{p}.{s}.{s}.{s}"),
                    2 => format!("{h}.{}.{s}", b64(&format!("{h}.{p}.{s}"))),
                    _ => format!("{h}.{p}.{s}"),
                };
                if shape == 3 {
                    let i = at.index(t.len() + 1);
                    if t.is_char_boundary(i) {
                        t.insert_str(i, &junk);
                    }
                }
                t
            })
    }

    /// The generators must reach the fast path often, or the property tests below would
    /// only compare the full path with itself.
    #[test]
    fn generated_tokens_often_take_the_fast_path() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let strategy = token_text();
        let taken = (0..1000)
            .filter(|_| accepts(&strategy.new_tree(&mut runner).unwrap().current()))
            .count();
        assert!(
            taken >= 250,
            "only {taken} of 1000 generated tokens took the fast path"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Realistic tokens, alone and in batches: both paths give the same numbers and
        /// strings.
        #[test]
        fn fast_path_equals_full_path(tokens in proptest::collection::vec(token_text(), 1..4)) {
            fast_equals_full(&tokens.join("\n"))?;
        }

        /// Tokens built from JSON values, as issuers write them (the shape the fast path
        /// takes most).
        #[test]
        fn fast_path_equals_full_path_on_serialized_json(
            alg in prop::sample::select(vec!["RS256", "ES256", "none", "HS256"]),
            claims in proptest::collection::btree_map(member_name(), raw_value(), 0..10),
            aud in proptest::collection::vec("[a-z\u{e9}/]{0,6}", 0..3),
        ) {
            let mut body: Vec<String> = claims.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            body.push(format!("\"aud\":{}", serde_json::json!(aud)));
            let t = jws(&format!(r#"{{"alg":"{alg}","typ":"at+jwt"}}"#), &format!("{{{}}}", body.join(",")));
            fast_equals_full(&t)?;
        }

        /// Arbitrary text, and text made of the symbols tokens are made of.
        #[test]
        fn fast_path_equals_full_path_on_random_text(
            text in prop_oneof!["\\PC{0,300}", "[A-Za-z0-9_\\-.=\n ]{0,300}", "(eyJ[A-Za-z0-9_\\-]{0,40}\\.){0,5}[A-Za-z0-9_\\-\n]{0,20}"],
        ) {
            fast_equals_full(&text)?;
        }

        /// Bytes that are not UTF-8: each token as `from_utf8_lossy` reads it.
        #[test]
        fn bytes_read_as_lossy_text(bytes in proptest::collection::vec(prop_oneof![any::<u8>(), Just(b'.'), Just(b'\n'), Just(b'e')], 0..200)) {
            let mut out = Compact::default();
            out.summarize_into(&bytes, &mut CompactScratch::default());
            let full = Compact::summarize_joined_full(&String::from_utf8_lossy(&bytes));
            prop_assert!(same(&out, &full));
        }
    }
}
