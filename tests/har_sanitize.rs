//! Sanitized-export detection, both ways.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::exchange::{Exchange, Request, Response};
use authlens::har::{parse_har, sanitization, HarDocument, SanitizationSignal, Software};

fn parse(name: &str) -> HarDocument {
    let path = format!("{}/tests/fixtures/har/{name}", env!("CARGO_MANIFEST_DIR"));
    parse_har(&std::fs::read(path).unwrap()).unwrap()
}

fn kinds(signals: &[SanitizationSignal]) -> Vec<&'static str> {
    signals
        .iter()
        .map(|s| match s {
            SanitizationSignal::CredentialHeaderPresent { .. } => "credential",
            SanitizationSignal::ChromeCreator => "chrome",
            SanitizationSignal::AuthFailuresWithoutCredentials { .. } => "auth-failures",
            SanitizationSignal::HeadersSizeMismatch { .. } => "size",
            SanitizationSignal::CookiesArrayWithoutHeader { .. } => "cookies-array",
            SanitizationSignal::RetrySucceeded { .. } => "retry",
        })
        .collect()
}

#[test]
fn full_exports_are_not_sanitized() {
    for name in ["chrome.har", "firefox.har", "safari.har", "playwright.har"] {
        let s = sanitization(&parse(name));
        assert!(!s.likely_sanitized, "{name}: {s:?}");
        assert_eq!(kinds(&s.signals), vec!["credential"], "{name}");
        assert_eq!(s.evidence.len(), 1);
    }
    let s = sanitization(&parse("chrome.har"));
    assert_eq!(
        s.signals[0],
        SanitizationSignal::CredentialHeaderPresent {
            entry: 0,
            header: "Cookie"
        }
    );
}

#[test]
fn chrome_sanitized_export_is_detected_with_evidence() {
    let s = sanitization(&parse("chrome-sanitized.har"));
    assert!(s.likely_sanitized);
    // Entry 3's response lost two Set-Cookie lines, which its headersSize still counts.
    assert_eq!(kinds(&s.signals), vec!["size", "chrome", "auth-failures"]);
    match &s.signals[0] {
        SanitizationSignal::HeadersSizeMismatch {
            entry,
            side,
            missing_bytes,
        } => {
            assert_eq!((*entry, *side), (3, "response"));
            assert!(*missing_bytes > 100, "{missing_bytes}");
        }
        other => panic!("{other:?}"),
    }
    assert!(s.evidence[2]
        .value
        .contains("no request in the file carries"));
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.contains("\"signal\":\"headers-size-mismatch\""),
        "{json}"
    );
}

#[test]
fn weak_signals_need_each_other() {
    // Chrome creator plus a 401 without any credential: likely sanitized.
    let mut doc = parse("chrome-sanitized.har");
    doc.meta.iter_mut().for_each(|m| {
        m.request_headers_size = None;
        m.response_headers_size = None;
    });
    let s = sanitization(&doc);
    assert!(s.likely_sanitized);
    assert_eq!(kinds(&s.signals), vec!["chrome", "auth-failures"]);

    // The same file from Firefox: "nothing was sent" is the better explanation.
    doc.creator = Some(Software {
        name: "Firefox".into(),
        version: "135.0".into(),
        comment: None,
    });
    let s = sanitization(&doc);
    assert!(!s.likely_sanitized);
    assert_eq!(kinds(&s.signals), vec!["auth-failures"]);

    // Chrome without any authentication failure: nothing to worry about.
    doc.creator = Some(Software {
        name: "WebInspector".into(),
        version: "537.36".into(),
        comment: None,
    });
    doc.exchanges.retain(|x| !x.is_auth_failure());
    let s = sanitization(&doc);
    assert!(!s.likely_sanitized);
    assert_eq!(kinds(&s.signals), vec!["chrome"]);
}

#[test]
fn firefox_401_without_credentials_is_not_flagged() {
    let mut doc = parse("firefox.har");
    // Drop the retry that carried `Authorization`.
    doc.exchanges.retain(|x| x.index != 1);
    let s = sanitization(&doc);
    assert!(!s.likely_sanitized, "{s:?}");
    assert_eq!(kinds(&s.signals), vec!["auth-failures"]);
}

fn exchange(index: usize, status: u16, headers: &[(&str, &str)]) -> Exchange {
    Exchange {
        index,
        request: Request {
            method: "GET".into(),
            url: "https://api.example.com/me".into(),
            http_version: "h2".into(),
            headers: headers.iter().copied().collect(),
            body: None,
        },
        response: Response {
            status,
            ..Response::default()
        },
        ..Exchange::default()
    }
}

#[test]
fn retry_that_succeeds_invisibly_is_a_strong_signal() {
    let doc = HarDocument {
        exchanges: vec![
            exchange(0, 401, &[("Accept", "application/json")]),
            exchange(1, 200, &[("Accept", "application/json")]),
        ],
        ..HarDocument::default()
    };
    let s = sanitization(&doc);
    assert!(s.likely_sanitized);
    assert_eq!(
        s.signals[0],
        SanitizationSignal::RetrySucceeded {
            failed_entry: 0,
            succeeded_entry: 1
        }
    );

    // A retry that adds a header explains its own success.
    let doc = HarDocument {
        exchanges: vec![
            exchange(0, 401, &[("Accept", "application/json")]),
            exchange(
                1,
                200,
                &[("Accept", "application/json"), ("X-Api-Key", "k")],
            ),
        ],
        ..HarDocument::default()
    };
    assert!(!sanitization(&doc).likely_sanitized);
}

#[test]
fn cookies_array_without_header_is_a_strong_signal() {
    let mut doc = parse("chrome-sanitized.har");
    doc.creator = None;
    doc.meta.iter_mut().for_each(|m| {
        m.request_headers_size = None;
        m.response_headers_size = None;
    });
    assert!(!sanitization(&doc).likely_sanitized);
    doc.meta[0].request_cookie_count = Some(2);
    let s = sanitization(&doc);
    assert!(s.likely_sanitized);
    assert_eq!(
        s.signals[0],
        SanitizationSignal::CookiesArrayWithoutHeader { entry: 0 }
    );
}
