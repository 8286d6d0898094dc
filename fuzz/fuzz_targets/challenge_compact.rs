//! Differential: the compact encoding's fast path (clean values read straight into words)
//! against the full parser for every value, on arbitrary bytes. Input: one or more field
//! values separated by `\n`, decoded as the wasm API decodes its input.
#![no_main]

use authlens::challenge::compact::Encoded;
use authlens_fuzz::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let joined = text(data);
    let fast = Encoded::parse_joined(&joined);
    let full = Encoded::parse_joined_full(&joined);
    assert_eq!(fast, full, "fast path and full parser differ on {joined:?}");
});
