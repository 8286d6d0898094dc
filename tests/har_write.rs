//! HAR writing: required fields, round-trips through the reader, extras kept, secrets
//! only where the exchanges put them.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::exchange::{Body, Exchange, Headers, Request, Response};
use authlens::har::{parse_har, write_exchanges, write_har, HarDocument, Software};
use authlens::time::Timestamp;
use serde_json::Value;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/har/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn authlens() -> Software {
    Software {
        name: "authlens".to_string(),
        version: "0.1.0".to_string(),
        comment: None,
    }
}

const FIXTURES: [&str; 5] = [
    "chrome.har",
    "chrome-sanitized.har",
    "firefox.har",
    "safari.har",
    "playwright.har",
];

/// Checks every field HAR 1.2 requires, with its JSON type.
fn assert_valid_har(text: &str) {
    let v: Value = serde_json::from_str(text).unwrap();
    let log = &v["log"];
    assert_eq!(log["version"], "1.2");
    assert!(log["creator"]["name"].is_string() && log["creator"]["version"].is_string());
    assert!(log["pages"].is_array());
    for page in log["pages"].as_array().unwrap() {
        for key in ["startedDateTime", "id", "title"] {
            assert!(page[key].is_string(), "page.{key}");
        }
        assert!(page["pageTimings"].is_object());
    }
    for (i, e) in log["entries"].as_array().unwrap().iter().enumerate() {
        let at = |k: &str| format!("entry {i}: {k}");
        assert!(
            e["startedDateTime"].is_string(),
            "{}",
            at("startedDateTime")
        );
        assert!(e["time"].as_f64().unwrap() >= 0.0, "{}", at("time"));
        assert!(e["cache"].is_object(), "{}", at("cache"));
        let req = &e["request"];
        for key in ["method", "url", "httpVersion"] {
            assert!(req[key].is_string(), "{}", at(key));
        }
        for key in ["cookies", "headers", "queryString"] {
            assert!(req[key].is_array(), "{}", at(key));
        }
        for key in ["headersSize", "bodySize"] {
            assert!(req[key].is_number(), "{}", at(key));
        }
        let res = &e["response"];
        assert!(res["status"].is_u64(), "{}", at("status"));
        for key in ["statusText", "httpVersion", "redirectURL"] {
            assert!(res[key].is_string(), "{}", at(key));
        }
        for key in ["cookies", "headers"] {
            assert!(res[key].is_array(), "{}", at(key));
        }
        for key in ["headersSize", "bodySize"] {
            assert!(res[key].is_number(), "{}", at(key));
        }
        assert!(res["content"]["size"].is_number(), "{}", at("content.size"));
        assert!(
            res["content"]["mimeType"].is_string(),
            "{}",
            at("content.mimeType")
        );
        // Required; -1 is kept where the source exporter wrote it (Playwright does).
        for key in ["send", "wait", "receive"] {
            assert!(e["timings"][key].as_f64().unwrap() >= -1.0, "{}", at(key));
        }
        for list in [
            &req["headers"],
            &res["headers"],
            &req["cookies"],
            &res["cookies"],
        ] {
            for pair in list.as_array().unwrap() {
                assert!(
                    pair["name"].is_string() && pair["value"].is_string(),
                    "{}",
                    at("pair")
                );
            }
        }
    }
}

#[test]
fn fixtures_round_trip_through_the_writer() {
    for name in FIXTURES {
        let first = parse_har(&fixture(name)).unwrap();
        let text = write_har(&first, &authlens());
        assert_valid_har(&text);
        let second = parse_har(text.as_bytes()).unwrap();
        assert!(
            second.diagnostics.is_empty(),
            "{name}: {:?}",
            second.diagnostics
        );
        assert_eq!(second.exchanges, first.exchanges, "{name}");
        assert_eq!(second.meta, first.meta, "{name}");
        assert_eq!(second.pages, first.pages, "{name}");
        assert_eq!(second.browser, first.browser, "{name}");
        assert_eq!(second.creator, Some(authlens()), "{name}");
        // A second pass is byte-identical: the writer is deterministic.
        assert_eq!(write_har(&second, &authlens()), text, "{name}");
    }
}

#[test]
fn chrome_extras_and_http2_pseudo_headers_are_written() {
    let doc = parse_har(&fixture("chrome.har")).unwrap();
    let v: Value = serde_json::from_str(&write_har(&doc, &authlens())).unwrap();
    let e = &v["log"]["entries"][2];
    assert_eq!(e["_resourceType"], "fetch");
    assert_eq!(e["_priority"], "High");
    assert_eq!(e["_initiator"]["type"], "script");
    assert_eq!(
        e["_initiator"]["url"],
        "https://app.example.com/static/js/main.4f1c2e.js"
    );
    assert_eq!(e["pageref"], "page_1");
    assert_eq!(e["request"]["headers"][0]["name"], ":authority");
    assert_eq!(e["request"]["queryString"][0]["name"], "include");
    assert_eq!(e["response"]["_transferSize"], 301.0);
    assert_eq!(v["log"]["entries"][4]["_fromCache"], "memory");
    assert_eq!(
        v["log"]["entries"][4]["response"]["content"]["encoding"],
        "base64"
    );
    // Cookies arrays are rebuilt from the headers.
    let token = &v["log"]["entries"][3]["response"]["cookies"];
    assert_eq!(token.as_array().unwrap().len(), 2);
    assert_eq!(token[0]["name"], "refresh");
    assert_eq!(token[0]["path"], "/oauth");
    assert_eq!(token[0]["sameSite"], "Strict");
    assert_eq!(token[0]["httpOnly"], true);
    let nav = &v["log"]["entries"][0]["request"]["cookies"];
    assert_eq!(nav.as_array().unwrap().len(), 2);
    assert_eq!(nav[1]["value"], "dark");
}

#[test]
fn redacted_exchanges_leave_no_secret_behind() {
    let mut doc = parse_har(&fixture("chrome.har")).unwrap();
    let secrets = [
        "eyJhbGciOiJSUzI1NiIs",
        "9f8e7d6c5b4a39281706",
        "rt_6a7b8c9d0e1f",
    ];
    let original = write_har(&doc, &authlens());
    for s in secrets {
        assert!(
            original.contains(s),
            "{s} should be in the unredacted export"
        );
    }
    for x in &mut doc.exchanges {
        for h in x
            .request
            .headers
            .0
            .iter_mut()
            .chain(x.response.headers.0.iter_mut())
        {
            if ["authorization", "cookie", "set-cookie"]
                .contains(&h.name.to_ascii_lowercase().as_str())
            {
                h.value = "REDACTED=1".to_string();
            }
        }
    }
    let redacted = write_har(&doc, &authlens());
    for s in secrets {
        assert!(!redacted.contains(s), "{s} leaked");
    }
    assert_valid_har(&redacted);
}

#[test]
fn bare_exchanges_are_written_with_defaults() {
    let x = Exchange {
        index: 0,
        started_at: Some(Timestamp(1_772_442_845_123)),
        time_ms: Some(12.5),
        request: Request {
            method: "POST".into(),
            url: "http://localhost:8401/login?next=%2Fhome".into(),
            http_version: "HTTP/1.1".into(),
            headers: [("Content-Type", "application/json")].into_iter().collect(),
            body: Some(Body {
                mime_type: "application/json".into(),
                text: "{\"user\":\"ann\"}".into(),
                encoding: None,
            }),
        },
        response: Response {
            status: 401,
            status_text: "Unauthorized".into(),
            http_version: "HTTP/1.1".into(),
            headers: [("WWW-Authenticate", "Basic realm=\"x\"")]
                .into_iter()
                .collect(),
            body: None,
            redirect_url: None,
        },
        resource_type: Some("xhr".into()),
        ..Exchange::default()
    };
    let text = write_exchanges(std::slice::from_ref(&x), &authlens());
    assert_valid_har(&text);
    let v: Value = serde_json::from_str(&text).unwrap();
    let e = &v["log"]["entries"][0];
    assert_eq!(e["request"]["bodySize"], 14.0);
    assert_eq!(e["request"]["queryString"][0]["value"], "%2Fhome");
    assert_eq!(e["timings"]["wait"], 12.5);
    assert_eq!(e["timings"]["dns"], -1.0);
    assert!(v["log"].get("browser").is_none());
    let back = parse_har(text.as_bytes()).unwrap();
    assert_eq!(back.exchanges, vec![x]);
}

#[test]
fn unknown_time_and_start_become_har_defaults() {
    // HAR requires both; documented lossy spots of the writer.
    let x = Exchange {
        request: Request {
            url: "https://x/".into(),
            ..Request::default()
        },
        ..Exchange::default()
    };
    let back = parse_har(write_exchanges(&[x], &authlens()).as_bytes()).unwrap();
    assert_eq!(back.exchanges[0].time_ms, Some(0.0));
    assert_eq!(back.exchanges[0].started_at, Some(Timestamp(0)));
    assert_eq!(back.exchanges[0].request.headers, Headers::new());
}

#[test]
fn empty_document_is_valid_har() {
    let text = write_har(&HarDocument::default(), &authlens());
    assert_valid_har(&text);
    assert!(parse_har(text.as_bytes()).unwrap().exchanges.is_empty());
}
