//! The fast path of the compact encoding ([`super::compact`]): one pass over a value's
//! bytes straight into the words, with no [`ChallengeRef`](super::ChallengeRef), no
//! diagnostics and no allocation (unless a quoted value has escapes).
//!
//! The batched API spends most of its time in the full parser, which builds every
//! challenge, parameter and diagnostic as objects before the encoder flattens them into
//! numbers. Nearly every value a server sends is clean, and for a clean value those objects
//! carry nothing the words do not: no diagnostics, every span a slice of the input.
//!
//! It reads exactly the values the full parser reads without a single diagnostic (not
//! even a warning), in this common shape of
//! [RFC 9110 §11](https://www.rfc-editor.org/rfc/rfc9110#section-11): ASCII only;
//! token schemes; `token68`; `name=token` and `name="quoted"` parameters, quoted-pairs
//! included; commas, empty list elements, spaces and tabs. It declines (`None`, with the
//! output left as it was) on anything else: non-ASCII or control bytes, a tab after a
//! scheme, anything the full parser reports (errors, `duplicate-parameter`, a Basic
//! challenge without a quoted realm) and challenges with more than [`MAX_PARAMS`]
//! parameters. The caller then reads that one value with the full parser, so the words
//! never depend on which path read a value; the tests below hold the two equal.
//!
//! Every decision is the full parser's (`parse.rs`), made on the same bytes: the comments
//! name the branch each one mirrors.

use super::compact::{word, Encoded, QUOTED, UNESCAPED};
use super::syntax::{is_tchar, is_token68_char};

/// The end of a value. The fast path reads from the value's start to the end of the
/// batch and stops at the first `\n`, which no field value contains (RFC 9110 §5.5) and
/// which is none of the bytes a lexeme may hold, so the separator needs no search of its
/// own and reads like the end of the value in every decision below.
const END: u8 = b'\n';

/// More parameters than this in one challenge go to the full parser: the duplicate check
/// here is pairwise, which stays linear only for a bounded count (the full parser sorts).
const MAX_PARAMS: usize = 16;

/// The byte at `i`, or [`END`] past the end.
#[inline]
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(END)
}

/// End of the run of bytes satisfying `pred` that starts at `from`.
#[inline]
fn run_end(b: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> usize {
    b.get(from..).map_or(from, |rest| {
        from + rest.iter().take_while(|&&c| pred(c)).count()
    })
}

/// End of optional whitespace (RFC 9110 §5.6.3). No obs-fold: it needs a line break,
/// which ends the value here.
#[inline]
fn ows_end(b: &[u8], from: usize) -> usize {
    run_end(b, from, |c| c == b' ' || c == b'\t')
}

/// Bytes a quoted-string may hold without a second look: `qdtext` without obs-text
/// (RFC 9110 §5.6.4), the same set as the full parser's quoted-string run.
#[inline]
fn is_plain_qdtext(c: u8) -> bool {
    ((0x20..0x7f).contains(&c) && c != b'"' && c != b'\\') || c == b'\t'
}

/// End of the run of plain qdtext from `from`. Eight bytes at a time: quoted values
/// (realms, URLs, descriptions, nonces) are most of a challenge's bytes.
fn qdtext_end(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(bytes);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let del = x ^ (ONES * 0x7f);
        // A byte below 0x20 (tab included: the byte loop below takes it), a zero byte of
        // the xors (a `"`, `\` or DEL), or one with its high bit set (non-ASCII) shows as a
        // high bit here; exact as to whether there is one, not where.
        let hits = (x.wrapping_sub(ONES * 0x20) & !x)
            | (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (del.wrapping_sub(ONES) & !del)
            | x;
        if hits & HIGH != 0 {
            break;
        }
        i += 8;
    }
    run_end(b, i, is_plain_qdtext)
}

/// What may follow the current element: the full parser's `Accept`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accept {
    /// No challenge yet.
    Nothing,
    /// `scheme` directly followed by `,` or the end.
    BareScheme,
    /// `scheme 1*SP token68`.
    Token68,
    /// `scheme 1*SP #auth-param`.
    Params,
}

/// The challenge being read: where its words start and what its closing checks need.
#[derive(Clone, Copy)]
struct Item {
    /// Index of its `scheme_start` word.
    word: usize,
    /// Its scheme, as byte positions in the value.
    scheme: (usize, usize),
    /// Its parameters so far.
    params: usize,
}

/// One value being read into `out`.
struct Value<'a> {
    /// The batch from the value's first byte on.
    s: &'a str,
    /// UTF-16 position of the value's first byte in the caller's string.
    base: usize,
    out: &'a mut Encoded,
}

/// Appends the words of the value at the start of `rest` (up to its first `\n` or its
/// end) to `out` and returns the value's length in bytes, or declines with `None` and
/// leaves `out` as it was. `base` is where the value starts in the caller's string, in
/// UTF-16 units; the value is ASCII when this succeeds, so its length is the same in both.
pub(crate) fn push_value(out: &mut Encoded, rest: &str, base: usize) -> Option<usize> {
    let mark = (out.words.len(), out.strings.len(), out.strings_units);
    // The closing checks read parameter names back from their words, which hold
    // positions only up to 4 GiB.
    if base.saturating_add(rest.len()) >= u32::MAX as usize {
        return None;
    }
    let read = Value { s: rest, base, out }.read();
    if read.is_none() {
        out.words.truncate(mark.0);
        out.strings.truncate(mark.1);
        out.strings_units = mark.2;
    }
    read
}

impl Value<'_> {
    fn pos(&self, i: usize) -> u32 {
        word(self.base + i)
    }

    /// Appends five words. From a slice on purpose: `extend` from an array compiled to a
    /// call that copies with `memory.copy`, which V8 runs out of line; a slice of a known
    /// length is copied with plain stores.
    #[inline]
    fn put(&mut self, w: [u32; 5]) {
        self.out.words.extend_from_slice(&w);
    }

    /// The full parser's `Machine::field` and `after_element`.
    fn read(&mut self) -> Option<usize> {
        let b = self.s.as_bytes();
        let mut i = ows_end(b, 0);
        if at(b, i) == END {
            return None; // empty-field-value
        }
        let head = self.out.words.len();
        self.out.words.extend_from_slice(&[0; 3]);
        let mut count = 0u32;
        let mut accept = Accept::Nothing;
        let mut item: Option<Item> = None;
        loop {
            i = ows_end(b, i);
            match at(b, i) {
                END => break,
                b',' => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            // `element`: a token, then `=` (a parameter) or a challenge start.
            let start = i;
            let name_end = run_end(b, start, is_tchar);
            if name_end == start {
                return None; // illegal-character, unexpected-quoted-string
            }
            let j = ows_end(b, name_end);
            let next = at(b, j);
            if next == b'=' {
                let current = item.as_mut().filter(|_| accept == Accept::Params)?;
                i = self.param(current, start, name_end, j)?;
            } else {
                let ws = j > name_end;
                // A tab in the whitespace when the spaces alone end before it (not
                // `contains`, a call into `memchr` for a byte or two).
                if run_end(b, name_end, |c| c == b' ') < j {
                    return None; // tab-after-scheme (declined on any tab there)
                }
                let bare = next == END || next == b',';
                if !bare && !ws {
                    return None; // illegal-character
                }
                if let Some(done) = item {
                    self.close(done)?;
                }
                let first = self.out.words.len();
                self.put([
                    self.pos(start),
                    word(name_end - start),
                    super::compact::NONE,
                    0,
                    0,
                ]);
                count += 1;
                let mut current = Item {
                    word: first,
                    scheme: (start, name_end),
                    params: 0,
                };
                if bare {
                    accept = if ws {
                        Accept::Params
                    } else {
                        Accept::BareScheme
                    };
                    i = j;
                } else {
                    (i, accept) = self.after_scheme(&mut current, j)?;
                }
                item = Some(current);
            }
            i = ows_end(b, i);
            if !matches!(at(b, i), END | b',') {
                return None; // missing-comma, token68-trailing
            }
        }
        if let Some(done) = item {
            self.close(done)?;
        }
        if count == 0 {
            return None; // empty-field-value: only commas and whitespace
        }
        *self.out.words.get_mut(head)? = count;
        Some(i)
    }

    /// The full parser's `after_scheme`: a token68 or the first parameter, from `start`.
    fn after_scheme(&mut self, item: &mut Item, start: usize) -> Option<(usize, Accept)> {
        let b = self.s.as_bytes();
        let run = run_end(b, start, is_token68_char);
        let pad = run_end(b, run, |c| c == b'=');
        let next_pos = ows_end(b, pad);
        let next = at(b, next_pos);
        let is_token68 = run > start
            && (next == END
                || next == b','
                || pad - run >= 2
                || (pad == run && next_pos > run && next != b'='));
        if is_token68 {
            *self.out.words.get_mut(item.word + 2)? = self.pos(start);
            *self.out.words.get_mut(item.word + 3)? = word(pad - start);
            return Some((pad, Accept::Token68));
        }
        let name_end = run_end(b, start, is_tchar);
        if name_end == start {
            return None; // quoted-token68, unexpected-quoted-string, illegal-character
        }
        let eq = ows_end(b, name_end);
        if at(b, eq) != b'=' {
            return None; // illegal-character
        }
        Some((self.param(item, start, name_end, eq)?, Accept::Params))
    }

    /// The full parser's `param`: the name is `start..name_end`, `eq` its `=`. Returns
    /// where the value ends.
    fn param(
        &mut self,
        item: &mut Item,
        start: usize,
        name_end: usize,
        eq: usize,
    ) -> Option<usize> {
        let b = self.s.as_bytes();
        if item.params >= MAX_PARAMS {
            return None;
        }
        let from = ows_end(b, eq + 1);
        let (value_start, value_len, flags, end) = match at(b, from) {
            b'"' => {
                let close = qdtext_end(b, from + 1);
                match at(b, close) {
                    b'"' => (
                        self.pos(from + 1),
                        word(close - from - 1),
                        QUOTED,
                        close + 1,
                    ),
                    b'\\' => {
                        let (s, l, end) = self.unescape(from + 1, close)?;
                        (s, l, QUOTED | UNESCAPED, end)
                    }
                    _ => return None, // unterminated, control or non-ASCII byte
                }
            }
            END | b',' => return None, // missing-parameter-value
            _ => {
                // Unquoted: the full parser reads the run up to `,`, whitespace, `"` or
                // the end and reports any non-tchar in it, so a clean one is a tchar run
                // ending there (a `"` right after would be a missing comma).
                let to = run_end(b, from, is_tchar);
                if to == from || !matches!(at(b, to), END | b',' | b' ' | b'\t') {
                    return None; // illegal-character, missing-comma
                }
                (self.pos(from), word(to - from), 0, to)
            }
        };
        item.params += 1;
        self.put([
            self.pos(start),
            word(name_end - start),
            value_start,
            value_len,
            flags,
        ]);
        Some(end)
    }

    /// A quoted value with quoted-pairs: its content from `from`, the first `\` at `i`.
    /// Appends the unescaped value to the side string; returns its position and length
    /// there and where the quoted-string ends.
    fn unescape(&mut self, from: usize, mut i: usize) -> Option<(u32, u32, usize)> {
        let b = self.s.as_bytes();
        let begin = self.out.strings.len();
        let mut seg = from;
        loop {
            match at(b, i) {
                b'"' => break,
                b'\\' => {
                    // Any escaped byte but a control character is taken as is (RFC 9110
                    // §5.6.4); a control character is an error, a non-ASCII one is left
                    // to the full parser with the rest of non-ASCII input.
                    let escaped = at(b, i + 1);
                    if !(is_plain_qdtext(escaped) || escaped == b'"' || escaped == b'\\') {
                        return None;
                    }
                    self.out.strings.push_str(self.s.get(seg..i)?);
                    self.out.strings.push(char::from(escaped));
                    seg = i + 2;
                    i = qdtext_end(b, seg);
                }
                _ => return None,
            }
        }
        self.out.strings.push_str(self.s.get(seg..i)?);
        // ASCII only, so UTF-16 units are bytes.
        let len = self.out.strings.len() - begin;
        let start = self.out.strings_units;
        self.out.strings_units += len;
        Some((word(start), word(len), i + 1))
    }

    /// The full parser's `close_item`: a challenge it would warn about is declined.
    fn close(&mut self, item: Item) -> Option<()> {
        let b = self.s.as_bytes();
        let base = self.base;
        let words = &mut self.out.words;
        *words.get_mut(item.word + 4)? = word(item.params);
        // The parameters' words: name_start, name_len, value_start, value_len, flags.
        let params = words.get(item.word + 5..)?;
        let name = |k: usize| {
            let start = usize::try_from(*params.get(5 * k)?)
                .ok()?
                .checked_sub(base)?;
            let len = usize::try_from(*params.get(5 * k + 1)?).ok()?;
            b.get(start..start + len)
        };
        // duplicate-parameter (RFC 9110 §11.2): pairwise over at most MAX_PARAMS.
        for k in 1..item.params {
            let later = name(k)?;
            for earlier in 0..k {
                let earlier = name(earlier)?;
                // Lengths first: most names differ in length, and that needs no call.
                if earlier.len() == later.len() && earlier.eq_ignore_ascii_case(later) {
                    return None;
                }
            }
        }
        // basic-missing-realm, basic-realm-token (RFC 7617 §2).
        let scheme = b.get(item.scheme.0..item.scheme.1)?;
        if scheme.len() == 5 && scheme.eq_ignore_ascii_case(b"Basic") {
            let realm = (0..item.params)
                .find(|&k| name(k).is_some_and(|n| n.eq_ignore_ascii_case(b"realm")))?;
            if params.get(5 * realm + 4)? & QUOTED == 0 {
                return None;
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The fast path on a whole batch, declining per value, against the full parser.
    fn both(joined: &str) -> (Encoded, Encoded) {
        (
            Encoded::parse_joined(joined),
            Encoded::parse_joined_full(joined),
        )
    }

    fn agrees(joined: &str) {
        let (fast, full) = both(joined);
        assert_eq!(fast, full, "{joined:?}");
    }

    /// Whether the fast path reads the single value `value` itself.
    fn fast_reads(value: &str) -> bool {
        let mut out = Encoded::default();
        let read = push_value(&mut out, value, 0);
        if read.is_none() {
            assert_eq!(out, Encoded::default(), "a decline leaves nothing behind");
        }
        read.is_some()
    }

    #[test]
    fn reads_clean_values_table() {
        let cases = [
            r#"Bearer realm="api.example.com", error="invalid_token", error_description="The access token expired""#,
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#,
            r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v""#,
            r#"Basic realm="Corporate Intranet", charset="UTF-8""#,
            r#"Negotiate, NTLM, Basic realm="CONTOSO""#,
            r#"DPoP algs="ES256 PS256", Bearer realm="api""#,
            r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#,
            r#"Basic realm="a\\b\ c""#,
            "Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXegDTAL==",
            "Negotiate abc==, Basic realm=\"x\"",
            "Bearer abc=",
            "Foo a=, Bar",
            r#"Basic , realm="a""#,
            r#",Basic realm="a""#,
            "X a=b,,,c=d",
            "  Bearer  ,  ",
            "Foo a= b",
            "Bearer realm = \"a b\" , scope=x",
            "Bearer x=\"\"",
            "Bearer x=\"a\tb\"",
            "Bearer a=b,\tc=d",
        ];
        for value in cases {
            assert!(fast_reads(value), "declined {value:?}");
            agrees(value);
        }
    }

    #[test]
    fn declines_what_the_full_parser_reports_or_reads_differently_table() {
        let cases = [
            "",                                   // empty-field-value
            " , ,",                               // empty-field-value
            r#"Basic, realm="x""#,                // param-without-scheme
            r#"realm="x", Basic realm="y""#,      // param-without-scheme
            "Bearer abc=, realm=x",               // param-after-token68
            r#"Basic realm="x" charset="UTF-8""#, // missing-comma
            r#"Basic realm="x"#,                  // unterminated-quoted-string
            r#"Basic realm="x\"#,                 // lone backslash
            "Basic realm=\"a\\\u{1}\"",           // escaped control character
            "Basic realm=\"a\u{1}\"",             // control character
            "Basic realm=\"a\u{7f}\"",            // DEL
            "Bearer realm=https://a/b",           // illegal-character
            "Bearer realm=a\"b\"",                // missing-comma
            "Negotiate abc def",                  // token68-trailing
            "Negotiate \"abc==\"",                // quoted-token68
            "Foo x=y, a=, Bar",                   // missing-parameter-value
            "Foo\tx=y",                           // tab-after-scheme
            "Foo \tx=y",                          // a tab after the scheme
            "Bearer\t,",                          // tab-after-scheme
            r#"Basic realm="a", REALM="b""#,      // duplicate-parameter
            "Basic realm=x",                      // basic-realm-token
            "Basic",                              // basic-missing-realm
            "Basic abc==",                        // basic-missing-realm
            "B\u{e4}sic realm=\"x\"",             // non-ASCII scheme
            "Basic realm=\"caf\u{e9}\"",          // non-ascii
            "Basic realm=\"a\\\u{e9}\"",          // escaped non-ASCII
            "Basic realm=\"a\"\r",                // a carriage return
            "=x",                                 // no name
            "Bearer a/b=c",                       // neither token68 nor param
        ];
        for value in cases {
            assert!(!fast_reads(value), "read {value:?}");
            agrees(value);
        }
        // More than MAX_PARAMS parameters: the full parser's sorted duplicate check.
        let many: Vec<String> = (0..=MAX_PARAMS).map(|k| format!("p{k}=v")).collect();
        let value = format!("Bearer {}", many.join(", "));
        assert!(!fast_reads(&value));
        agrees(&value);
        let value = format!("Bearer {}", many.get(..MAX_PARAMS).unwrap().join(", "));
        assert!(fast_reads(&value));
        agrees(&value);
    }

    #[test]
    fn a_declined_value_does_not_disturb_its_neighbours() {
        agrees(
            "Bearer realm=\"a\"\nBasic realm=\"caf\u{e9}\"\nBearer realm=\"b\\\"c\"\n\nNegotiate",
        );
        agrees("Basic realm=\"x\\\"y\"\nBasic realm=\"\u{e9}\\\"\"\nDigest realm=\"q\\\\\"");
        agrees("\n\n");
        agrees("Bearer\n");
        agrees("\u{1F600}\nBearer realm=\"after an astral character\"");
    }

    #[test]
    fn qdtext_end_matches_the_byte_loop() {
        let mut bytes: Vec<u8> = b"abcdefghijklmnopqrstuvwxyz ABCDEFGH".to_vec();
        for stop in [b'"', b'\\', 0x7f, 0x80, 0x1f, 0x00, b'\n', 0xff] {
            for k in 0..bytes.len() {
                let saved = bytes[k];
                bytes[k] = stop;
                assert_eq!(qdtext_end(&bytes, 0), k, "{stop:#x} at {k}");
                bytes[k] = saved;
            }
        }
        assert_eq!(qdtext_end(b"a\tb", 0), 3, "a tab is qdtext");
        assert_eq!(qdtext_end(b"\t\t\t\t\t\t\t\t\t\t", 0), 10);
    }

    #[test]
    fn conformance_table_agrees() {
        let table: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/conformance/challenges.json")).unwrap();
        let mut read = 0;
        for case in table["cases"].as_array().unwrap() {
            for field in case["fields"].as_array().unwrap() {
                let field = field.as_str().unwrap();
                agrees(field);
                read += usize::from(!field.contains('\n') && fast_reads(field));
            }
        }
        assert!(read > 30, "the fast path reads most of the table ({read})");
    }

    /// Challenge-like text: the grammar's pieces and the bytes that trip it, in any order.
    fn challengeish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[A-Za-z][A-Za-z0-9-]{0,6}",
            2 => Just(" ".to_string()),
            2 => Just(", ".to_string()),
            2 => Just("=".to_string()),
            1 => Just("==".to_string()),
            3 => "\"[ -~]{0,8}\"",
            1 => "\"[a-z\\\\\"]{0,6}\"",
            1 => "[A-Za-z0-9+/._~-]{1,10}={0,2}",
            1 => prop_oneof![
                Just("\t"), Just("\\"), Just("\""), Just(","), Just("é"), Just("\u{1}"),
                Just("\r"), Just("\n"), Just("realm"), Just("Basic "), Just("\u{1F600}"),
            ]
            .prop_map(str::to_string),
        ];
        proptest::collection::vec(piece, 0..16).prop_map(|ps| ps.concat())
    }

    /// Clean values: no scheme is Basic, names are distinct, tabs only inside quotes; the
    /// fast path must read every one of them itself (and agree).
    fn clean_value() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,8}",
            "[ -~\t]{0,12}".prop_map(|v| {
                let escaped: String = v
                    .chars()
                    .flat_map(|c| match c {
                        '"' | '\\' => vec!['\\', c],
                        c => vec![c],
                    })
                    .collect();
                format!("\"{escaped}\"")
            }),
        ];
        let challenge = (
            "X[A-Za-z0-9-]{0,6}",
            prop_oneof![
                Just(String::new()),
                "[A-Za-z0-9+/._~-]{1,12}={0,2}".prop_map(|t| format!(" {t}")),
                proptest::collection::vec(value, 1..5).prop_map(|vs| {
                    let ps: Vec<String> = vs
                        .iter()
                        .enumerate()
                        .map(|(k, v)| format!("p{k} = {v}"))
                        .collect();
                    format!(" {}", ps.join(" ,, "))
                }),
            ],
        )
            .prop_map(|(scheme, rest)| scheme + &rest);
        proptest::collection::vec(challenge, 1..4).prop_map(|cs| cs.join(", "))
    }

    /// Values on the edge of what the fast path reads: few scheme and parameter names (so
    /// Basic challenges, missing or token realms and duplicates are frequent), token,
    /// quoted and escaped values, token68s, and separators with tabs and empty elements.
    fn edgy_value() -> impl Strategy<Value = String> {
        let scheme = proptest::sample::select(vec!["Basic", "basic", "Bearer", "X", "Digest"]);
        let name = proptest::sample::select(vec!["realm", "REALM", "charset", "a", "b"]);
        let value = prop_oneof![
            proptest::sample::select(vec!["x", "UTF-8", "a.b", "", "=", "a/b"])
                .prop_map(str::to_string),
            "[ -~\t]{0,6}".prop_map(|v| format!("\"{v}\"")),
            proptest::sample::select(vec!["\"a\\\"b\"", "\"\\\\\"", "\"\\\"", "\"caf\u{e9}\""])
                .prop_map(str::to_string),
        ];
        let sep = proptest::sample::select(vec![", ", ",", " , ", ",, ", ",\t", " ", "\t,"]);
        let param = (
            name,
            proptest::sample::select(vec!["=", " = ", "= "]),
            value,
        )
            .prop_map(|(n, eq, v)| format!("{n}{eq}{v}"));
        let rest = prop_oneof![
            Just(String::new()),
            proptest::sample::select(vec![" abc", " abc=", " abc==", " a/b+c=", " \"abc\""])
                .prop_map(str::to_string),
            (
                proptest::sample::select(vec![" ", "  ", "\t", " \t"]),
                proptest::collection::vec((param, sep.clone()), 1..5),
            )
                .prop_map(|(ws, ps)| {
                    let mut out = ws.to_string();
                    for (k, (p, sep)) in ps.iter().enumerate() {
                        if k > 0 {
                            out.push_str(sep);
                        }
                        out.push_str(p);
                    }
                    out
                }),
        ];
        proptest::collection::vec(((scheme, rest), sep), 1..4).prop_map(|cs| {
            let mut out = String::new();
            for (k, ((scheme, rest), sep)) in cs.iter().enumerate() {
                if k > 0 {
                    out.push_str(sep);
                }
                out.push_str(scheme);
                out.push_str(rest);
            }
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Values on the edge: whatever the fast path does with them, the words are the
        /// full path's.
        #[test]
        fn fast_path_is_the_full_path_on_the_edge(values in proptest::collection::vec(edgy_value(), 1..4)) {
            let joined = values.join("\n");
            let (fast, full) = both(&joined);
            prop_assert_eq!(fast, full);
        }

        /// Clean values take the fast path, and it writes the full path's words.
        #[test]
        fn fast_path_reads_clean_values(values in proptest::collection::vec(clean_value(), 1..4)) {
            for v in &values {
                prop_assert!(fast_reads(v), "declined {:?}", v);
            }
            let joined = values.join("\n");
            let (fast, full) = both(&joined);
            prop_assert_eq!(fast, full);
        }

        /// Challenge-like batches: the fast path's words and strings are the full path's.
        #[test]
        fn fast_path_is_the_full_path(values in proptest::collection::vec(challengeish(), 1..5)) {
            let joined = values.join("\n");
            let (fast, full) = both(&joined);
            prop_assert_eq!(fast, full);
        }

        /// Any characters, line breaks (value separators) included.
        #[test]
        fn fast_path_is_the_full_path_on_any_text(joined in "(?s).{0,80}") {
            let (fast, full) = both(&joined);
            prop_assert_eq!(fast, full);
        }

        /// Any text of the bytes that matter, more densely.
        #[test]
        fn fast_path_is_the_full_path_on_dense_text(joined in "[ -~éü\"\\\\,=\t\n\r]{0,60}") {
            let (fast, full) = both(&joined);
            prop_assert_eq!(fast, full);
        }
    }
}
