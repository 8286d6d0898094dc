//! Property tests: the HAR reader never panics, whatever it is given.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::har::{entry_from_json, parse_har, HarReader};
use proptest::prelude::*;

fn chrome() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/har/chrome.har"
    ))
    .unwrap()
}

/// JSON-ish text built from the characters that matter to the scanner.
fn jsonish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just("\"log\":".to_string()),
            Just("\"entries\":".to_string()),
            Just("\"request\":".to_string()),
            Just("\"headers\":".to_string()),
            Just("{\"name\":\"a\",\"value\":\"b\"}".to_string()),
            Just("null".to_string()),
            Just("-1.5e3".to_string()),
            "[a-z ]{0,3}",
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_har(&bytes);
    }

    #[test]
    fn jsonish_text_never_panics(text in jsonish()) {
        let wrapped = format!("{{\"log\": {{\"entries\": [{text}]}}}}");
        let _ = parse_har(wrapped.as_bytes());
        let _ = parse_har(text.as_bytes());
        let _ = entry_from_json(&text, 0);
    }

    #[test]
    fn mutated_export_never_panics_and_batches_agree(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        batch in 1usize..4,
    ) {
        let mut bytes = chrome();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1).max(1));
        if let Ok(doc) = parse_har(&bytes) {
            // Batch size never changes what is read.
            let mut reader = HarReader::new(bytes.as_slice()).unwrap();
            let mut exchanges = Vec::new();
            let mut diagnostics = Vec::new();
            let mut last = 0;
            while !reader.is_done() {
                let b = reader.next_batch(batch);
                prop_assert!(b.bytes_done >= last && b.bytes_done <= b.total_bytes);
                last = b.bytes_done;
                exchanges.extend(b.exchanges);
                diagnostics.extend(b.diagnostics);
            }
            prop_assert_eq!(exchanges, doc.exchanges);
            prop_assert_eq!(diagnostics.len(), doc.diagnostics.len());
            for d in &doc.diagnostics {
                prop_assert!(d.diagnostic.offset <= bytes.len());
                prop_assert!(d.line >= 1 && d.column >= 1);
            }
        }
    }
}
