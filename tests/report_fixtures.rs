//! Reports on the HAR fixtures and the scenario capture: Markdown snapshot-style assertions,
//! the JSON contract, and no secret of the capture anywhere in either.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "redact_support.rs"]
mod support;

use authlens::har::parse_har;
use authlens::report::{build, ReportOptions, SCHEMA};

use support::*;

fn fixture(name: &str) -> authlens::har::HarDocument {
    let path = format!("{}/tests/fixtures/har/{name}", env!("CARGO_MANIFEST_DIR"));
    parse_har(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn chrome_fixture_markdown() {
    let doc = fixture("chrome.har");
    let md = build(&doc, &ReportOptions::default()).to_markdown();
    let expected = [
        "# authlens report\n",
        "> 1 auth failure: 1 × token-expired\n",
        "| HAR written by | `WebInspector` `537.36` |",
        "| Requests | 5 (1 answered 401/403/407) |",
        "`https://api.example.com` (2, 1 failed)",
        "| Credentials in the file | present (redacted in this report) |",
        "### 1. `GET https://api.example.com/v1/me?include=roles` → 401 (entry 2)",
        "credentials sent: `Bearer`",
        "**`token-expired`** (error): The token had expired",
        "- challenge param error\\_description: `The access token expired`",
        "Fix: **Get a fresh access token** (`refresh-token`)",
        "Fix: **Log in again** (`relogin`)",
        "## Redaction",
    ];
    for e in expected {
        assert!(md.contains(e), "missing {e:?} in\n{md}");
    }
    assert_no_secret(&md, &secrets(&doc), "chrome.har markdown");
}

#[test]
fn sanitized_fixture_explains_the_export() {
    let doc = fixture("chrome-sanitized.har");
    let r = build(&doc, &ReportOptions::default());
    assert!(r.environment.sanitized);
    let md = r.to_markdown();
    assert!(
        md.contains("| Credentials in the file | removed at export (sanitized HAR) |"),
        "{md}"
    );
    assert!(md.contains("> **Sanitized export.**"), "{md}");
    assert!(md.contains("Export HAR (with sensitive data)"), "{md}");
}

#[test]
fn every_fixture_reports_without_secrets() {
    let mut n = 0;
    for path in fixtures() {
        let Ok(doc) = parse_har(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let r = build(&doc, &ReportOptions::default());
        let md = r.to_markdown();
        let json = r.to_json();
        let secrets = secrets(&doc);
        let name = path.display().to_string();
        assert_no_secret(&md, &secrets, &name);
        assert_no_secret(&json, &secrets, &name);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["schema"], SCHEMA, "{name}");
        for key in ["environment", "summary", "failures", "flows", "redaction"] {
            assert!(v.get(key).is_some(), "{name}: {key}");
        }
        assert_eq!(v["environment"]["requests"], doc.exchanges.len(), "{name}");
        n += 1;
    }
    assert!(n >= 5);
}

#[test]
fn scenario_report_has_flows_and_no_secret() {
    let doc = scenario_document();
    let r = build(&doc, &ReportOptions::default());
    let md = r.to_markdown();
    assert_no_secret(&md, &secrets(&doc), "scenario markdown");
    assert_no_secret(&r.to_json(), &secrets(&doc), "scenario json");
    let refresh = r
        .flows
        .iter()
        .find(|f| f.kind == "refresh")
        .expect("a refresh flow");
    assert_eq!(
        refresh.steps.iter().map(|s| s.entry).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(
        refresh.lines[0].starts_with("#1    browser → api.example.com  GET /v1/me"),
        "{:?}",
        refresh.lines
    );
    assert!(
        refresh.lines[0].contains("← 401 invalid_token · token-refreshed"),
        "{:?}",
        refresh.lines
    );
    assert!(
        refresh.lines[1].contains("POST /oauth/token"),
        "{:?}",
        refresh.lines
    );
    assert!(md.contains("## Flows\n\nrefresh:\n\n```text\n#1 "), "{md}");
    let redirect = r
        .flows
        .iter()
        .find(|f| f.kind == "redirect")
        .expect("a redirect flow");
    assert!(
        redirect.lines[0].contains("← 307 → other.example.net/v1/new"),
        "{:?}",
        redirect.lines
    );
    // The failing requests are listed with their top finding and in capture order.
    let tops: Vec<(usize, &str)> = r
        .failures
        .iter()
        .filter_map(|f| f.top.as_ref().map(|t| (f.entry, t.id)))
        .collect();
    assert!(tops.contains(&(5, "audience-mismatch")), "{tops:?}");
    assert!(tops.contains(&(9, "alg-none")), "{tops:?}");
    assert!(tops.windows(2).all(|w| w[0].0 < w[1].0));
}
