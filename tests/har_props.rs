//! Property tests: the HAR reader never panics, whatever it is given.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::exchange::{Body, Exchange, Header, Headers, Request, Response};
use authlens::har::{
    entry_from_json, parse_entry, parse_entry_list, parse_har, write_exchanges, HarReader, Software,
};
use authlens::time::Timestamp;
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

/// One element of an entry list: an entry (with odd strings and types), or a value
/// that is not one.
fn list_element() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (any::<String>(), "[A-Z]{0,6}", 0u32..1000, any::<bool>(), any::<String>()).prop_map(
            |(url, method, status, as_text, header)| {
                let status = if as_text { format!("\"{status}\"") } else { status.to_string() };
                format!(
                    r#"{{"request": {{"url": {}, "method": "{method}", "headers": [{{"name": "x", "value": {}}}]}}, "response": {{"status": {status}}}}}"#,
                    serde_json::to_string(&url).unwrap(),
                    serde_json::to_string(&header).unwrap()
                )
            }
        ),
        1 => Just(r#"{"time": 1}"#.to_owned()),
        1 => Just("17".to_owned()),
        1 => Just(r#""text""#.to_owned()),
        1 => Just("[{}]".to_owned()),
        1 => Just("null".to_owned()),
    ]
}

fn non_empty() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("non-empty", |s| !s.is_empty())
}

fn headers() -> impl Strategy<Value = Headers> {
    proptest::collection::vec(
        (
            // Names are non-empty and not pseudo-headers (those live in EntryMeta).
            non_empty().prop_filter("not pseudo", |n| !n.starts_with(':')),
            any::<String>(),
        ),
        0..5,
    )
    .prop_map(|pairs| {
        Headers(
            pairs
                .into_iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
        )
    })
}

fn body() -> impl Strategy<Value = Option<Body>> {
    proptest::option::of(
        (
            any::<String>(),
            any::<String>(),
            proptest::option::of(any::<String>()),
        )
            .prop_map(|(mime_type, text, encoding)| Body {
                mime_type,
                text,
                encoding,
            }),
    )
}

fn exchange() -> impl Strategy<Value = Exchange> {
    (
        (
            0i64..4_000_000_000_000,
            0u32..10_000_000,
            "[A-Z]{1,7}",
            any::<String>(),
            any::<String>(),
            headers(),
            body(),
        ),
        (
            0u16..1000,
            any::<String>(),
            any::<String>(),
            headers(),
            body(),
            proptest::option::of(non_empty()),
        ),
        (
            proptest::option::of(non_empty()),
            proptest::option::of(non_empty()),
            proptest::option::of(non_empty()),
            proptest::option::of(non_empty()),
        ),
    )
        .prop_map(|(req, res, extras)| Exchange {
            index: 0,
            started_at: Some(Timestamp(req.0)),
            time_ms: Some(f64::from(req.1) / 100.0),
            request: Request {
                method: req.2,
                url: req.3,
                http_version: req.4,
                headers: req.5,
                body: req.6,
            },
            response: Response {
                status: res.0,
                status_text: res.1,
                http_version: res.2,
                headers: res.3,
                body: res.4,
                redirect_url: res.5,
            },
            resource_type: extras.0,
            from_cache: extras.1,
            server_ip: extras.2,
            initiator: extras.3,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_exchanges_round_trip(mut exchanges in proptest::collection::vec(exchange(), 0..5)) {
        for (i, x) in exchanges.iter_mut().enumerate() {
            x.index = i;
        }
        let creator = Software { name: "authlens".into(), version: "0".into(), comment: None };
        let text = write_exchanges(&exchanges, &creator);
        let doc = parse_har(text.as_bytes()).unwrap();
        prop_assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
        prop_assert_eq!(doc.exchanges, exchanges);
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_har(&bytes);
        let _ = parse_entry_list(&bytes, 0);
    }

    #[test]
    fn entry_list_equals_entries_read_one_by_one(elements in proptest::collection::vec(list_element(), 0..6)) {
        let list = format!("[{}]", elements.join(","));
        let batch = parse_entry_list(list.as_bytes(), 3);
        let one_by_one: Vec<_> = elements
            .iter()
            .enumerate()
            .filter_map(|(i, t)| parse_entry(t, 3 + i).ok())
            .collect();
        let exchanges: Vec<_> = one_by_one.iter().map(|p| p.exchange.clone()).collect();
        prop_assert_eq!(&batch.exchanges, &exchanges);
        prop_assert_eq!(batch.meta, one_by_one.into_iter().map(|p| p.meta).collect::<Vec<_>>());
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
