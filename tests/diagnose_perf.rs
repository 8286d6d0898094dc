//! Throughput of the analyzer on a 20k-exchange capture built from the clean fixture
//! (realistic headers, JWTs on every API call, preflights, redirects, a refresh flow),
//! with every rule and flow rule on. Ignored by default (timing is meaningless in debug):
//!
//!     cargo test --release --test diagnose_perf -- --ignored --nocapture

// Test helpers outside #[test] functions: a panic here is a failing test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Instant;

use authlens::diagnose::{Analyzer, Config};
use authlens::exchange::Exchange;
use authlens::har::parse_har;
use authlens::time::Timestamp;

fn capture(n: usize) -> Vec<Exchange> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/clean/clean.har"
    );
    let doc = parse_har(&std::fs::read(path).unwrap()).unwrap();
    let base = doc.exchanges;
    let span = 3_600_000i64;
    (0..n)
        .map(|i| {
            let mut ex = base[i % base.len()].clone();
            ex.index = i;
            let round = i64::try_from(i / base.len()).unwrap();
            ex.started_at = ex.started_at.map(|t| Timestamp(t.0 + round * span));
            for h in &mut ex.response.headers.0 {
                if h.name.eq_ignore_ascii_case("date") {
                    if let Some(d) = Timestamp::parse_http_date(&h.value) {
                        h.value = Timestamp(d.0 + round * span).to_http_date();
                    }
                }
            }
            ex
        })
        .collect()
}

#[test]
#[ignore = "timing; run with --release"]
fn twenty_thousand_exchanges_throughput() {
    let list = capture(20_000);
    // Best of five fresh runs: the machine is shared, the best run is the code's speed.
    let mut best = f64::MAX;
    let mut line = String::new();
    let mut findings = 0usize;
    for _ in 0..5 {
        let mut an = Analyzer::new(Config::default());
        let start = Instant::now();
        findings = 0;
        for ex in &list {
            findings += an.push_ref(ex).report.findings.len();
        }
        best = best.min(start.elapsed().as_secs_f64());
        line = an.summary_line();
    }
    let rate = list.len() as f64 / best;
    println!(
        "analysed {} exchanges in {:.1} ms: {:.0} exchanges/s ({findings} findings; {line})",
        list.len(),
        best * 1000.0,
        rate
    );
    assert!(rate > 100_000.0, "{rate:.0} exchanges/s");
}
