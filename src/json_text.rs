//! Byte scanning shared by the hand-written JSON readers: the single-pass HAR entry reader
//! (`har::fast`) and the batched JWT summary (`jose::fast`).
//!
//! Inside a JSON string only three kinds of byte need a second look
//! ([RFC 8259 §7](https://www.rfc-editor.org/rfc/rfc8259#section-7)): the closing `"`, the
//! `\` that starts an escape, and a control character, which must not appear raw. Strings
//! (header values, tokens, bodies, claims) are most of what both readers read.

/// Index of the first `"`, `\` or control byte (below 0x20) at or after `from`; when there
/// is none, the end of `b` (or `from`, past the end).
///
/// Eight bytes at a time. In each word, the lowest flagged byte is exact (a borrow only
/// runs upward), so its position comes from one bit count.
#[inline]
pub fn string_stop(b: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(&chunk) = b.get(i..i + 8).and_then(|c| <&[u8; 8]>::try_from(c).ok()) {
        let x = u64::from_le_bytes(chunk);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        // A byte is zero (or below 0x20) exactly when these set its high bit, counting from
        // the lowest byte up to the first such byte.
        let hits = ((quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (x.wrapping_sub(ONES * 0x20) & !x))
            & HIGH;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let rest = b.get(i..).unwrap_or_default();
    i + rest
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::string_stop;
    use proptest::prelude::*;

    fn byte_by_byte(b: &[u8], from: usize) -> usize {
        b.iter()
            .enumerate()
            .skip(from)
            .find(|(_, &c)| c == b'"' || c == b'\\' || c < 0x20)
            .map_or(b.len().max(from), |(i, _)| i)
    }

    #[test]
    fn finds_the_first_quote_backslash_or_control_byte() {
        let cases: [(&[u8], usize, usize); 9] = [
            (b"abcdefghijklmnop\"", 0, 16),
            (b"abcdefg\\", 0, 7),
            (b"abcdefghij\x1fk", 0, 10),
            (b"\"", 0, 0),
            ("éééééééééé\"".as_bytes(), 0, 20),
            (b"abcdefghijklmnopqrstuvwxyz", 0, 26),
            (b"", 0, 0),
            (b"\"abcdefghij\"", 1, 11),
            (b"abc", 7, 7),
        ];
        for (bytes, from, want) in cases {
            assert_eq!(string_stop(bytes, from), want, "{bytes:?} from {from}");
        }
    }

    proptest! {
        /// The word-at-a-time scan stops where a byte-by-byte one does, on any bytes (high
        /// bytes and borrows across a word included).
        #[test]
        fn agrees_with_a_byte_loop(
            b in proptest::collection::vec(
                prop_oneof![4 => 0x20u8..0x7f, 1 => any::<u8>(), 1 => Just(b'"'), 1 => Just(0x1f)],
                0..80,
            ),
            from in 0usize..90,
        ) {
            prop_assert_eq!(string_stop(&b, from), byte_by_byte(&b, from));
        }
    }
}
