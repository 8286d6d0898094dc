//! Report tests on captures built in code.

use super::*;
use crate::exchange::{Body, Headers, Request, Response};

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix_secs(1_795_255_200 + secs)
}

fn ex(index: usize, method: &str, url: &str, status: u16, secs: i64) -> Exchange {
    Exchange {
        index,
        started_at: Some(ts(secs)),
        request: Request {
            method: method.into(),
            url: url.into(),
            http_version: "h2".into(),
            ..Request::default()
        },
        response: Response {
            status,
            http_version: "h2".into(),
            ..Response::default()
        },
        resource_type: Some("fetch".into()),
        ..Exchange::default()
    }
}

const SECRET: &str = "opaque-Secret-Token-0123456789";

fn capture() -> Vec<Exchange> {
    let mut failing = ex(
        0,
        "GET",
        "https://api.example.com/v1/me?access_token=qs-Secret-987654321",
        401,
        0,
    );
    failing.request.headers = [("Authorization", format!("Bearer {SECRET}"))]
        .into_iter()
        .collect::<Headers>();
    failing.response.headers = [(
        "WWW-Authenticate",
        "Bearer error=\"invalid_token\", error_description=\"# injected\\n<img src=x>\"",
    )]
    .into_iter()
    .collect();
    let mut preflight = ex(1, "OPTIONS", "https://api.example.com/v1/orders", 401, 1);
    preflight.resource_type = Some("preflight".into());
    preflight.request.headers = [
        ("Origin", "https://app.example.com"),
        ("Access-Control-Request-Method", "POST"),
    ]
    .into_iter()
    .collect();
    let blocked = ex(2, "POST", "https://api.example.com/v1/orders", 0, 1);
    let redirect = {
        let mut r = ex(3, "GET", "https://app.example.com/api/me", 302, 2);
        r.response.redirect_url = Some("/login?next=%2Fapi%2Fme".into());
        r.request.headers = [("Accept", "application/json")].into_iter().collect();
        r
    };
    let login = ex(
        4,
        "GET",
        "https://app.example.com/login?next=%2Fapi%2Fme",
        200,
        2,
    );
    let healthy = ex(5, "GET", "https://cdn.example.net/app.js", 200, 3);
    let mut with_body = ex(6, "POST", "https://id.example.com/oauth/token", 400, 4);
    with_body.request.body = Some(Body {
        mime_type: "application/x-www-form-urlencoded".into(),
        text: "grant_type=refresh_token&refresh_token=rt-Secret-5555555555".into(),
        encoding: None,
    });
    with_body.response.body = Some(Body {
        mime_type: "application/json".into(),
        text: r#"{"error":"invalid_grant"}"#.into(),
        encoding: None,
    });
    vec![
        failing, preflight, blocked, redirect, login, healthy, with_body,
    ]
}

fn report() -> Report {
    build_from_exchanges(&capture(), &ReportOptions::default())
}

#[test]
fn environment_counts_and_origins() {
    let r = report();
    let e = &r.environment;
    assert_eq!(e.requests, 7);
    assert_eq!(e.auth_failures, 2);
    assert_eq!(e.first_request.as_deref(), Some("2026-11-21T10:00:00Z"));
    assert_eq!(e.last_request.as_deref(), Some("2026-11-21T10:00:04Z"));
    assert_eq!(e.span.as_deref(), Some("4 s"));
    let origins: Vec<(&str, usize, usize)> = e
        .origins
        .iter()
        .map(|o| (o.origin.as_str(), o.requests, o.auth_failures))
        .collect();
    assert_eq!(
        origins,
        [
            ("https://api.example.com", 3, 2),
            ("https://app.example.com", 2, 0),
            ("https://cdn.example.net", 1, 0),
            ("https://id.example.com", 1, 0),
        ]
    );
}

#[test]
fn failures_are_auth_failures_and_error_causes() {
    let r = report();
    let entries: Vec<usize> = r.failures.iter().map(|f| f.entry).collect();
    assert!(entries.contains(&0) && entries.contains(&1), "{entries:?}");
    assert!(!entries.contains(&5), "a healthy request is not a failure");
    let first = &r.failures[0];
    assert_eq!(first.status, 401);
    assert!(!first.url.contains("qs-Secret-987654321"), "{}", first.url);
    let top = first.top.as_ref().unwrap();
    assert!(!top.fixes.is_empty());
    assert!(top.fixes.iter().all(|f| !f.title.is_empty()));
    let limited = build_from_exchanges(
        &capture(),
        &ReportOptions {
            max_failures: 1,
            ..ReportOptions::default()
        },
    );
    assert_eq!(limited.failures.len(), 1);
    assert_eq!(limited.failures_omitted, r.failures.len() - 1);
    assert!(limited.to_markdown().contains("more failing requests"));
}

#[test]
fn flows_tie_preflights_and_redirects() {
    let r = report();
    let kinds: Vec<(&str, Vec<usize>)> = r
        .flows
        .iter()
        .map(|f| (f.kind, f.steps.iter().map(|s| s.entry).collect()))
        .collect();
    let preflight = kinds.iter().find(|(k, _)| *k == "preflight").unwrap();
    assert!(preflight.1.starts_with(&[1, 2]), "{kinds:?}");
    assert!(kinds.contains(&("redirect", vec![3, 4])), "{kinds:?}");
    let redirect = r.flows.iter().find(|f| f.kind == "redirect").unwrap();
    assert!(
        redirect.lines[0].contains("browser → app.example.com"),
        "{:?}",
        redirect.lines
    );
    assert!(
        redirect.lines[0].contains("← 302 → /login"),
        "{:?}",
        redirect.lines
    );
}

#[test]
fn markdown_is_redacted_and_cannot_be_injected() {
    let md = report().to_markdown();
    for secret in [SECRET, "qs-Secret-987654321", "rt-Secret-5555555555"] {
        assert!(!md.contains(secret), "{secret} in\n{md}");
    }
    assert!(md.starts_with("# authlens report\n"));
    assert!(!md.contains("\n# injected"), "{md}");
    // The server's text is either escaped or inside a code span.
    for line in md.lines().filter(|l| l.contains("<img")) {
        let at = line.find("<img").unwrap();
        let before = &line[..at];
        assert!(
            before.ends_with('\\') || before.contains('`'),
            "unescaped HTML: {line}"
        );
    }
    assert!(md.contains("\\<img"), "{md}");
    for heading in [
        "## Environment",
        "## Failing requests",
        "## Flows",
        "## Redaction",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
}

#[test]
fn json_has_the_documented_keys() {
    let v: serde_json::Value = serde_json::from_str(&report().to_json()).unwrap();
    for key in [
        "schema",
        "title",
        "environment",
        "summary",
        "failures",
        "failures_omitted",
        "flows",
        "flows_omitted",
        "redaction",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["schema"], SCHEMA);
    let f = &v["failures"][0];
    for key in [
        "entry",
        "method",
        "url",
        "status",
        "started",
        "scheme_sent",
        "recovered",
        "top",
        "others",
    ] {
        assert!(f.get(key).is_some(), "failure.{key}");
    }
    for key in [
        "id", "severity", "title", "detail", "evidence", "refs", "fixes",
    ] {
        assert!(f["top"].get(key).is_some(), "top.{key}");
    }
    let s = &v["flows"][0]["steps"][0];
    for key in ["entry", "host", "method", "path", "status", "note"] {
        assert!(s.get(key).is_some(), "step.{key}");
    }
}

#[test]
fn sanitized_capture_says_how_to_export() {
    let mut doc = HarDocument {
        creator: Some(Software {
            name: "WebInspector".into(),
            version: "537.36".into(),
            comment: None,
        }),
        ..HarDocument::default()
    };
    let mut x = ex(0, "GET", "https://api.example.com/v1/me", 401, 0);
    x.response.headers = [("WWW-Authenticate", "Bearer")].into_iter().collect();
    doc.exchanges.push(x);
    let r = build(&doc, &ReportOptions::default());
    assert!(r.environment.sanitized);
    let md = r.to_markdown();
    assert!(
        md.contains("Allow to generate HAR with sensitive data"),
        "{md}"
    );
    assert!(md.contains("removed at export"), "{md}");
}

#[test]
fn empty_capture_still_reports() {
    let r = build(&HarDocument::default(), &ReportOptions::default());
    assert_eq!(r.summary.line, "no auth failures");
    assert!(r.failures.is_empty() && r.flows.is_empty());
    let md = r.to_markdown();
    assert!(md.contains("No request failed"), "{md}");
    assert!(md.contains("| Time span | unknown |"), "{md}");
}

#[test]
fn assembled_from_slices_equals_build() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut checked = 0;
    for rule in std::fs::read_dir(dir).unwrap() {
        let path = rule.unwrap().path().join("positive.har");
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let doc = crate::har::parse_har(&bytes).unwrap();
        let opts = ReportOptions::default();
        let mut staged = redact::DocumentRedaction::new(&opts.redact);
        for x in &doc.exchanges {
            staged.push(x, doc.meta_for(x.index));
        }
        while staged.net(2) > 0 {}
        let redacted = staged.finish(&doc);
        let rdoc = &redacted.document;
        let mut collector = diagnose::Collector::for_har(rdoc, opts.config.clone());
        for x in &rdoc.exchanges {
            collector.push(x, rdoc.meta_for(x.index));
        }
        let mut steps = Assembly::new(redacted, collector.finish(), opts.clone());
        let mut passes = 0;
        while steps.step() {
            passes += 1;
        }
        // The environment, indexing for the flows, relating reports, then exchanges.
        assert_eq!(passes, 3);
        let sliced = steps.finish();
        assert_eq!(sliced, build(&doc, &opts), "{}", path.display());
        checked += 1;
    }
    assert!(checked > 20, "{checked} fixtures");
}

#[test]
fn assembly_counts_a_big_capture_in_several_steps() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "har"))
        .unwrap();
    let clean = crate::har::parse_har(&std::fs::read(path).unwrap()).unwrap();
    let mut doc = HarDocument::default();
    while doc.exchanges.len() <= TALLY_STEP {
        for x in &clean.exchanges {
            let mut x = x.clone();
            x.index = doc.exchanges.len();
            doc.exchanges.push(x);
        }
    }
    let opts = ReportOptions::default();
    let redacted = redact::redact_document(&doc, &opts.redact);
    let analysis = diagnose::analyze_har(&redacted.document, opts.config.clone());
    let whole = build(&doc, &opts);
    let mut steps = Assembly::new(redacted, analysis, opts);
    let mut passes = 0;
    while steps.step() {
        passes += 1;
    }
    let chunks = doc.exchanges.len().div_ceil(TALLY_STEP);
    assert_eq!(passes, chunks + 1 + 2 * chunks - 1);
    assert_eq!(steps.finish(), whole);
}

#[test]
fn a_report_built_in_place_keeps_its_inputs_for_freeing_later() {
    let doc = &HarDocument {
        exchanges: capture(),
        ..HarDocument::default()
    };
    let name = "capture()";
    let opts = ReportOptions::default();
    let redacted = redact::redact_document(doc, &opts.redact);
    let analysis = diagnose::analyze_har(&redacted.document, opts.config.clone());
    let mut steps = Assembly::new(redacted.clone(), analysis.clone(), opts.clone());
    assert_eq!(steps.report(), build(doc, &opts), "{name}");
    let (kept, kept_analysis) = steps.into_inputs();
    assert_eq!(kept, redacted, "{name}");
    assert_eq!(
        kept_analysis.reports.len(),
        analysis.reports.len(),
        "{name}"
    );
}
