//! Differential: the batch fast path of `jose::Compact` (`summarize_into`, straight from
//! bytes) against the full path (`Compact::summarize_joined_full`, every token through
//! `jose::summarize`), which must give the same numbers (bit for bit) and strings.
//! Input: a mode byte, then the data: raw bytes (`\n` separates tokens; invalid UTF-8 is
//! read lossily by both), or tokens separated by `0xFE` whose segments (`0xFF`-separated,
//! at most three) are base64url-encoded, so the JSON scanner is reached.
#![no_main]

use authlens::base64::{self, Alphabet};
use authlens::jose::{Compact, CompactScratch};
use authlens_fuzz::split_parts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let joined: Vec<u8> = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        rest.split(|&b| b == 0xFE)
            .map(|token| {
                split_parts(token, 3)
                    .iter()
                    .map(|p| base64::encode(p, Alphabet::UrlSafe))
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes()
    };
    let mut fast = Compact::default();
    fast.summarize_into(&joined, &mut CompactScratch::default());
    let full = Compact::summarize_joined_full(&String::from_utf8_lossy(&joined));
    assert_eq!(fast.strings, full.strings, "strings differ");
    let bits = |c: &Compact| c.numbers.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&fast), bits(&full), "numbers differ: {fast:?} vs {full:?}");
});
