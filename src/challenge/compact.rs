//! A compact encoding of parsed challenges for callers across a language boundary (the
//! batched wasm API): numbers that point into the caller's own string instead of new
//! strings, so a JavaScript caller slices only what it reads.
//!
//! Many field values go in as one string, separated by `\n` (a field value never contains
//! a line break: RFC 9110 §5.5), and come out as a flat list of `u32` words. Positions are
//! in UTF-16 code units, so `input.slice(start, start + len)` in JavaScript is the text:
//!
//! ```text
//! per value:      challenge_count, diagnostic_count, error_count, then per challenge:
//! per challenge:  scheme_start, scheme_len, token68_start, token68_len, param_count,
//!                 then per parameter:
//! per parameter:  name_start, name_len, value_start, value_len, flags
//! ```
//!
//! `token68_start` is [`NONE`] when the challenge has no token68. `flags` bit 0
//! ([`QUOTED`]) says the value was a quoted-string; bit 1 ([`UNESCAPED`]) says its
//! quoted-pairs were unescaped, so the value is not a slice of the input but of the side
//! string [`Encoded::strings`] (positions there, also in UTF-16 units). Everything else is
//! exactly [`ParsedChallenges`]: a test decodes the words back and compares.
//!
//! Most values are clean, and those are encoded by a fast path that reads their bytes
//! straight into the words without building the parse (`src/challenge/fast.rs`); any
//! other value goes through the full parser. The words are the same either way.

use std::borrow::Cow;

use super::fast;
use super::parse::{parse_challenge_field, ParsedChallenges};
use crate::diagnostic::Severity;

/// `token68_start` of a challenge without a token68.
pub const NONE: u32 = u32::MAX;
/// Parameter flag: the value was a quoted-string.
pub const QUOTED: u32 = 1;
/// Parameter flag: the value was unescaped and lives in [`Encoded::strings`].
pub const UNESCAPED: u32 = 2;

/// The encoding of a batch of field values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoded {
    /// The words (layout in the module docs).
    pub words: Vec<u32>,
    /// Unescaped quoted values, concatenated.
    pub strings: String,
    /// The length of `strings` in UTF-16 units: where the next value starts there,
    /// without walking the whole side string again for every unescaped value.
    pub(crate) strings_units: usize,
}

/// Converts UTF-8 byte offsets of one string into UTF-16 positions, walking forward (the
/// parser's positions come in order, so the whole value is walked about once).
struct Utf16<'a> {
    text: &'a str,
    ascii: bool,
    byte: usize,
    unit: usize,
}

impl<'a> Utf16<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            ascii: text.is_ascii(),
            byte: 0,
            unit: 0,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        if self.ascii {
            return byte;
        }
        if byte < self.byte {
            self.byte = 0;
            self.unit = 0;
        }
        let step = self
            .text
            .get(self.byte..byte)
            .map_or(0, |s| s.encode_utf16().count());
        self.byte = byte;
        self.unit += step;
        self.unit
    }
}

/// Where `part` lies in `whole`, when it is a slice of it.
fn span_in(whole: &str, part: &str) -> Option<(usize, usize)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len() && whole.is_char_boundary(start) && whole.is_char_boundary(end))
        .then_some((start, end))
}

/// A count or position as a word (saturating: positions past 4 GiB are out of reach).
pub(crate) fn word(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Encoded {
    /// Parses every `\n`-separated value of `joined` as one `WWW-Authenticate` field and
    /// encodes the results in order.
    ///
    /// Each value is read by the fast path (`src/challenge/fast.rs`) when it is clean,
    /// otherwise by the full parser; the words are the same either way
    /// ([`Encoded::parse_joined_full`]).
    pub fn parse_joined(joined: &str) -> Self {
        let mut out = Encoded::default();
        out.parse_joined_into(joined);
        out
    }

    /// [`Encoded::parse_joined`] into `self`, replacing what it held but keeping its
    /// buffers, so a caller that parses batch after batch does not allocate per batch.
    pub fn parse_joined_into(&mut self, joined: &str) {
        self.words.clear();
        self.strings.clear();
        self.strings_units = 0;
        self.words.reserve(joined.len() / 4 + 8);
        let mut start = 0usize;
        let mut base = 0usize;
        loop {
            let rest = joined.get(start..).unwrap_or("");
            let len = match fast::push_value(self, rest, base) {
                // The fast path reads ASCII only: bytes are UTF-16 units.
                Some(len) => {
                    base += len + 1;
                    len
                }
                None => {
                    let len = rest.find('\n').unwrap_or(rest.len());
                    let value = rest.get(..len).unwrap_or("");
                    self.push(value, base, &parse_challenge_field(value));
                    base += value.encode_utf16().count() + 1;
                    len
                }
            };
            start += len;
            if start >= joined.len() {
                break;
            }
            start += 1; // the `\n`
        }
    }

    /// [`Encoded::parse_joined`] with the full parser for every value: the reference the
    /// fast path is tested against.
    pub fn parse_joined_full(joined: &str) -> Self {
        let mut out = Encoded {
            words: Vec::with_capacity(joined.len() / 4 + 8),
            ..Encoded::default()
        };
        let mut base = 0usize;
        for value in joined.split('\n') {
            out.push(value, base, &parse_challenge_field(value));
            base += value.encode_utf16().count() + 1;
        }
        out
    }

    /// Appends `parsed` (parsed from `value`, which starts at UTF-16 position `base` of the
    /// caller's string).
    pub fn push(&mut self, value: &str, base: usize, parsed: &ParsedChallenges<'_>) {
        let mut pos = Utf16::new(value);
        let mut span = |part: &str| {
            span_in(value, part).map(|(s, e)| {
                let s16 = pos.at(s);
                (word(base + s16), word(pos.at(e) - s16))
            })
        };
        let errors = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        self.words.extend([
            word(parsed.challenges.len()),
            word(parsed.diagnostics.len()),
            word(errors),
        ]);
        for c in &parsed.challenges {
            let (s, l) = span(c.scheme).unwrap_or((NONE, 0));
            let (ts, tl) = c.token68.and_then(&mut span).unwrap_or((NONE, 0));
            self.words.extend([s, l, ts, tl, word(c.params.len())]);
            for p in &c.params {
                let (ns, nl) = span(p.name).unwrap_or((NONE, 0));
                let quoted = if p.quoted { QUOTED } else { 0 };
                let borrowed = match &p.value {
                    Cow::Borrowed(v) => span(v),
                    Cow::Owned(_) => None,
                };
                let (vs, vl, flags) = match borrowed {
                    Some((vs, vl)) => (vs, vl, quoted),
                    None => {
                        let start = self.strings_units;
                        let units = p.value.encode_utf16().count();
                        self.strings.push_str(&p.value);
                        self.strings_units += units;
                        (word(start), word(units), quoted | UNESCAPED)
                    }
                };
                self.words.extend([ns, nl, vs, vl, flags]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::Challenge;
    use proptest::prelude::*;

    /// One value as a caller sees it: (scheme, token68, params (name, value, quoted)) per
    /// challenge, and the diagnostic count.
    type Value = (
        Vec<(String, Option<String>, Vec<(String, String, bool)>)>,
        u32,
    );

    /// What a JavaScript caller does with the words: slice the strings back out.
    fn decode(joined: &str, e: &Encoded) -> Vec<Value> {
        let units: Vec<u16> = joined.encode_utf16().collect();
        let side: Vec<u16> = e.strings.encode_utf16().collect();
        let slice = |from: &[u16], s: u32, l: u32| {
            String::from_utf16(&from[s as usize..(s + l) as usize]).unwrap()
        };
        let mut w = e.words.iter().copied();
        let mut next = || w.next().unwrap();
        let mut values = Vec::new();
        for _ in joined.split('\n') {
            let (n, diags, _errors) = (next(), next(), next());
            let mut cs = Vec::new();
            for _ in 0..n {
                let (s, l, ts, tl, np) = (next(), next(), next(), next(), next());
                let token68 = (ts != NONE).then(|| slice(&units, ts, tl));
                let mut params = Vec::new();
                for _ in 0..np {
                    let (ns, nl, vs, vl, flags) = (next(), next(), next(), next(), next());
                    let from = if flags & UNESCAPED != 0 {
                        &side
                    } else {
                        &units
                    };
                    params.push((
                        slice(&units, ns, nl),
                        slice(from, vs, vl),
                        flags & QUOTED != 0,
                    ));
                }
                cs.push((slice(&units, s, l), token68, params));
            }
            values.push((cs, diags));
        }
        assert!(w.next().is_none(), "trailing words");
        values
    }

    fn owned(values: &[&str]) -> Vec<Value> {
        values
            .iter()
            .map(|v| {
                let parsed = parse_challenge_field(v);
                let cs = parsed
                    .to_owned_challenges()
                    .into_iter()
                    .map(|c: Challenge| {
                        let ps = c
                            .params
                            .into_iter()
                            .map(|p| (p.name, p.value, p.quoted))
                            .collect();
                        (c.scheme, c.token68, ps)
                    })
                    .collect();
                (cs, parsed.diagnostics.len() as u32)
            })
            .collect()
    }

    #[test]
    fn round_trips_through_the_words() {
        let values = [
            r#"Bearer realm="api", error="invalid_token", error_description="The token \"expired\"""#,
            "Negotiate, NTLM, Basic realm=\"CONTOSO\"",
            "Négociation realm=\"café\", x=y",
            "Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXegDTAL==",
            "",
            "Basic realm=\"a\" charset=\"b\"",
            "DPoP algs=\"ES256 PS256\", Bearer realm=\"api\"",
        ];
        let joined = values.join("\n");
        let e = Encoded::parse_joined(&joined);
        assert_eq!(decode(&joined, &e), owned(&values));
        assert!(
            e.strings.contains("\"expired\""),
            "unescaped values go to the side"
        );
    }

    #[test]
    fn conformance_table_round_trips() {
        let table: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/conformance/challenges.json")).unwrap();
        let values: Vec<String> = table["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| {
                let fields = c["fields"].as_array()?;
                (fields.len() == 1)
                    .then(|| fields[0].as_str().map(str::to_string))
                    .flatten()
            })
            .filter(|v| !v.contains('\n'))
            .collect();
        assert!(values.len() > 40);
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let joined = refs.join("\n");
        assert_eq!(
            decode(&joined, &Encoded::parse_joined(&joined)),
            owned(&refs)
        );
    }

    proptest! {
        /// Any values, any characters (line breaks aside): the words give back the parse.
        #[test]
        fn encoding_is_the_parse(values in proptest::collection::vec("[ -~éü\"\\\\,=\t]{0,40}", 1..5)) {
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let joined = refs.join("\n");
            prop_assert_eq!(decode(&joined, &Encoded::parse_joined(&joined)), owned(&refs));
        }
    }
}
