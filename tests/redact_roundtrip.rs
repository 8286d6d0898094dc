//! The round-trip guarantee: redacting a capture, then analysing it, gives the same finding
//! ids per entry as analysing the original; and no secret of the original appears in the
//! redacted HAR, in any encoding.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "redact_support.rs"]
mod support;

use authlens::har::{self, parse_har};
use authlens::redact::{redact_document, RedactOptions};

use support::*;

fn check_roundtrip(name: &str, doc: &har::HarDocument) {
    let redacted = redact_document(doc, &RedactOptions::default());
    let before = analyze_doc(doc);
    let after = analyze_doc(&redacted.document);
    assert_eq!(before.len(), after.len(), "{name}");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "{name}: entry {} finding ids differ", b.0);
    }
    // The written file re-imports and still gives the same findings.
    let text = redacted.to_har();
    let back = parse_har(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
    // The capturing tool stays, so a sanitized Chrome export is still recognised as one.
    assert_eq!(
        har::sanitization(&back).likely_sanitized,
        har::sanitization(doc).likely_sanitized,
        "{name}: sanitization verdict"
    );
    if let Some(c) = &doc.creator {
        let bc = back.creator.as_ref().unwrap();
        assert_eq!((&bc.name, &bc.version), (&c.name, &c.version), "{name}");
        assert!(
            bc.comment
                .as_deref()
                .unwrap_or("")
                .contains("redacted by authlens"),
            "{name}"
        );
    }
    // Entries are renumbered by position on re-import: compare the findings in order.
    let reimported: Vec<_> = analyze_doc(&back).into_iter().map(|(_, f)| f).collect();
    let expected: Vec<_> = before.into_iter().map(|(_, f)| f).collect();
    assert_eq!(
        expected, reimported,
        "{name}: after write_har and parse_har"
    );
    let secrets = secrets(doc);
    assert_no_secret(&text, &secrets, name);
    assert_no_secret(
        &serde_json::to_string(&redacted.summary).unwrap(),
        &secrets,
        name,
    );
}

#[test]
fn every_fixture_round_trips() {
    let mut n = 0;
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(doc) = parse_har(&bytes) else {
            continue;
        };
        check_roundtrip(&path.display().to_string(), &doc);
        n += 1;
    }
    assert!(n >= 5, "only {n} fixtures read");
}

#[test]
fn scenario_round_trips() {
    let doc = scenario_document();
    let ids: usize = analyze(&doc.exchanges).iter().map(|(_, f)| f.len()).sum();
    assert!(
        ids > 40,
        "the scenario should exercise many rules, got {ids} findings"
    );
    check_roundtrip("scenario", &doc);
}
