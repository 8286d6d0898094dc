//! HAR import and analysis: `har::parse_har` on arbitrary bytes, the batched reader (must
//! agree with the one-shot parse), the panel's one-entry path, then the diagnosis
//! `Analyzer` over every exchange with all rules on.
#![no_main]

use authlens::diagnose::{Analyzer, Config};
use authlens::har::{self, HarReader};
use authlens_fuzz::{assert_offsets, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let len = data.len();
    // The panel receives entries one at a time as JSON text.
    match har::parse_entry(&text(data), 0) {
        Ok(p) => assert_offsets(&p.diagnostics, text(data).len(), "parse_entry"),
        Err(d) => assert!(
            d.offset <= text(data).len(),
            "parse_entry error beyond input"
        ),
    }

    let doc = match har::parse_har(data) {
        Ok(doc) => doc,
        Err(e) => {
            assert!(
                e.offset <= len,
                "har error {} at {} beyond {len}",
                e.code,
                e.offset
            );
            assert!(e.line >= 1 && e.column >= 1);
            return;
        }
    };
    assert_eq!(doc.exchanges.len(), doc.meta.len());
    let mut previous = None;
    for (ex, meta) in doc.exchanges.iter().zip(&doc.meta) {
        assert_eq!(ex.index, meta.index);
        assert!(
            previous.is_none_or(|p| p < ex.index),
            "entry indexes not increasing"
        );
        previous = Some(ex.index);
    }
    for d in &doc.diagnostics {
        assert!(
            d.diagnostic.offset <= len,
            "har diagnostic {} at {} beyond {len}",
            d.diagnostic.code,
            d.diagnostic.offset
        );
        assert!(d.line >= 1 && d.column >= 1);
    }

    // Batches of 2 read exactly what the one-shot parse read.
    if let Ok(mut reader) = HarReader::new(data) {
        let (mut n, mut diags) = (0, 0);
        for _ in 0..=len {
            let batch = reader.next_batch(2);
            assert!(batch.exchanges.len() <= 2);
            assert!(batch.bytes_done <= batch.total_bytes);
            n += batch.exchanges.len();
            diags += batch.diagnostics.len();
            if batch.done {
                break;
            }
        }
        assert!(
            reader.is_done(),
            "reader did not finish within one batch per byte"
        );
        assert_eq!(n, doc.exchanges.len());
        assert_eq!(diags, doc.diagnostics.len());
    }

    // Tokens that appear exactly once in the file (so only in their header) must not
    // appear in the analysis output.
    let secrets: Vec<&str> = doc
        .exchanges
        .iter()
        .flat_map(|ex| ex.request.headers.get_all("authorization"))
        .filter_map(|v| v.strip_prefix("Bearer "))
        .filter(|t| {
            t.len() >= 16
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        })
        .filter(|t| text(data).matches(*t).count() == 1)
        .collect();

    let mut analyzer = Analyzer::new(Config::default());
    let mut out = String::new();
    for ex in &doc.exchanges {
        let update = analyzer.push_ref(ex);
        assert_eq!(update.report.index, ex.index);
        for r in &update.revisions {
            assert!(r.index <= ex.index, "revision for a future exchange");
        }
        assert!(analyzer.retained() <= analyzer.retained_bound());
        if !secrets.is_empty() {
            out.push_str(&serde_json::to_string(&update).unwrap_or_default());
        }
    }
    let _ = analyzer.summary_line();
    for s in secrets {
        assert!(
            !out.contains(s),
            "bearer token {s:?} shown in analysis output"
        );
    }
});
