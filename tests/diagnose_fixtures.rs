//! Every rule against HAR captures shaped like Chrome and Firefox exports:
//! `tests/fixtures/rules/<rule-id>/positive.har` must raise the rule (as the top finding of
//! an exchange where the rule is the cause), `negative.har` — a near miss — must not.
//! `tests/fixtures/clean/clean.har`, several hundred healthy requests, must raise no
//! warning and no error. Fixtures are written by `tests/fixtures/gen_diagnose_fixtures.py`.

// Test helpers outside #[test] functions: a panic here is a failing test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use authlens::diagnose::{analyze_exchanges, Analyzer, Config, ExchangeReport, CATALOGUE};
use authlens::exchange::Exchange;
use authlens::finding::Severity;
use authlens::fixes::{self, FixContext};
use authlens::har::parse_har;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(path: &Path) -> Vec<Exchange> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = parse_har(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        doc.diagnostics
            .iter()
            .all(|d| d.diagnostic.severity != Severity::Error),
        "{}: {:?}",
        path.display(),
        doc.diagnostics
    );
    assert!(!doc.exchanges.is_empty(), "{}", path.display());
    doc.exchanges
}

fn analyze(path: &Path) -> (Vec<Exchange>, Vec<ExchangeReport>) {
    let exchanges = load(path);
    let reports = analyze_exchanges(exchanges.clone(), Config::default());
    (exchanges, reports)
}

fn describe(reports: &[ExchangeReport]) -> String {
    reports
        .iter()
        .map(|r| {
            let ids: Vec<String> = r
                .findings
                .iter()
                .map(|f| format!("{}({})", f.id, f.severity.as_str()))
                .collect();
            format!(
                "  #{} {} {} → {}: {}",
                r.index,
                r.method,
                r.url,
                r.status,
                ids.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(rule, the positive capture has an exchange whose top finding is this rule)`. Risks and
/// context that sit beside a cause (a spike of 401s that each have their own cause) are
/// only required to be present.
const TABLE: &[(&str, bool)] = &[
    ("missing-credentials", true),
    ("bearer-placeholder", true),
    ("malformed-authorization", true),
    ("token-expired", true),
    ("token-not-yet-valid", true),
    ("clock-skew", true),
    ("audience-mismatch", true),
    ("insufficient-scope", true),
    ("invalid-token", true),
    ("invalid-request", true),
    ("scheme-mismatch", true),
    ("missing-challenge", true),
    ("malformed-challenge", true),
    ("proxy-auth-required", true),
    ("digest-stale-nonce", true),
    ("dpop-nonce-required", true),
    ("cors-preflight-unauthorized", true),
    ("authorization-stripped-on-redirect", true),
    ("cookie-not-sent", true),
    ("cached-401", true),
    ("forbidden-not-unauthorized", true),
    ("basic-over-http", true),
    ("token-in-url", true),
    ("alg-none", true),
    ("login-redirect", true),
    ("edge-block", true),
    ("token-refreshed", true),
    ("refresh-loop", true),
    ("refresh-failed", true),
    ("refresh-race", true),
    ("401-spike", false),
    ("inconsistent-backends", true),
    ("preflight-then-failure", true),
    ("wrong-token-type", true),
    ("dpop-proof-missing", true),
    ("dpop-bound-token-as-bearer", true),
    ("dpop-proof-invalid", true),
    ("digest-uri-mismatch", true),
    ("aws4-request-invalid", true),
];

#[test]
fn every_catalogued_rule_has_fixtures_and_a_table_row() {
    for rule in CATALOGUE {
        let dir = fixtures().join("rules").join(rule.id);
        for f in ["positive.har", "negative.har"] {
            assert!(dir.join(f).is_file(), "missing {}/{f}", rule.id);
        }
        assert!(
            TABLE.iter().any(|(id, _)| *id == rule.id),
            "{} not in TABLE",
            rule.id
        );
    }
    assert_eq!(TABLE.len(), CATALOGUE.len());
}

#[test]
fn positive_fixtures_raise_their_rule() {
    let mut failures = Vec::new();
    for (rule, top) in TABLE {
        let path = fixtures().join("rules").join(rule).join("positive.har");
        let (_, reports) = analyze(&path);
        let ok = if *top {
            reports
                .iter()
                .any(|r| r.top().is_some_and(|f| f.id == *rule))
        } else {
            reports.iter().any(|r| r.has(rule))
        };
        if !ok {
            failures.push(format!("{rule} (top: {top}):\n{}", describe(&reports)));
        }
    }
    assert!(
        failures.is_empty(),
        "positive fixtures without their rule:\n{}",
        failures.join("\n")
    );
}

#[test]
fn negative_fixtures_do_not_raise_their_rule() {
    let mut failures = Vec::new();
    for (rule, _) in TABLE {
        let path = fixtures().join("rules").join(rule).join("negative.har");
        let (_, reports) = analyze(&path);
        if reports.iter().any(|r| r.has(rule)) {
            failures.push(format!("{rule}:\n{}", describe(&reports)));
        }
    }
    assert!(
        failures.is_empty(),
        "negative fixtures raising their rule:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_emitted_finding_is_catalogued_and_its_fixes_render() {
    for (rule, _) in TABLE {
        for kind in ["positive.har", "negative.har"] {
            let path = fixtures().join("rules").join(rule).join(kind);
            let (exchanges, reports) = analyze(&path);
            for (ex, report) in exchanges.iter().zip(&reports) {
                assert_eq!(ex.index, report.index);
                for f in &report.findings {
                    assert!(
                        CATALOGUE.iter().any(|c| c.id == f.id),
                        "{rule}/{kind}: {} not catalogued",
                        f.id
                    );
                    assert_eq!(f.entries.first(), Some(&report.index));
                    for id in &f.fixes {
                        let ctx = FixContext::for_finding(f, Some(ex));
                        let fix = fixes::render(id, &ctx).unwrap_or_else(|| {
                            panic!("{rule}/{kind}: fix {id} of {} does not render", f.id)
                        });
                        assert!(!fix.steps.is_empty());
                    }
                }
            }
        }
    }
}

#[test]
fn clean_capture_has_no_warning_or_error() {
    let path = fixtures().join("clean/clean.har");
    let (exchanges, reports) = analyze(&path);
    assert!(exchanges.len() >= 300, "only {} entries", exchanges.len());
    let noisy: Vec<&ExchangeReport> = reports
        .iter()
        .filter(|r| r.findings.iter().any(|f| f.severity != Severity::Info))
        .collect();
    assert!(
        noisy.is_empty(),
        "healthy traffic raised warnings/errors:\n{}",
        describe(&noisy.into_iter().cloned().collect::<Vec<_>>())
    );
    // The one expired token is recovered by refresh, recognised and drawn, not flagged.
    let refreshed: Vec<usize> = reports
        .iter()
        .filter(|r| r.has("token-refreshed"))
        .map(|r| r.index)
        .collect();
    assert_eq!(refreshed.len(), 3, "401, refresh and retry: {refreshed:?}");
    let the_401 = reports.iter().find(|r| r.status == 401).unwrap();
    let ids: Vec<&str> = the_401.findings.iter().map(|f| f.id).collect();
    assert_eq!(ids, ["token-refreshed"]);

    let mut an = Analyzer::new(Config::default());
    for ex in exchanges {
        an.push(ex);
    }
    assert_eq!(
        an.summary_line(),
        "no auth failures (1 recovered by refresh)"
    );
}

#[test]
fn reports_serialize_without_secrets() {
    // Every token in the fixtures is a JWT or a session id; none may appear whole in a report.
    for (rule, _) in TABLE {
        let path = fixtures().join("rules").join(rule).join("positive.har");
        let (exchanges, reports) = analyze(&path);
        let json = serde_json::to_string(&reports).unwrap();
        for ex in &exchanges {
            for h in ex.request.headers.iter() {
                if h.name.eq_ignore_ascii_case("authorization")
                    || h.name.eq_ignore_ascii_case("cookie")
                {
                    let secret = h.value.split_whitespace().last().unwrap_or("");
                    if secret.len() >= 16 {
                        assert!(!json.contains(secret), "{rule}: {} leaked", h.name);
                    }
                }
            }
        }
    }
}
