//! Native benchmarks of the core (divan): challenge parsing, credential and JWT decoding,
//! cookie parsing, HAR import and the diagnosis engine. `cargo bench --bench native`.
//! Inputs come from `tests/bench/gen.mjs` (see `inputs.rs`).

// A benchmark binary: failing loudly on missing inputs is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod inputs;

use std::sync::LazyLock;

use authlens::challenge;
use authlens::cookie;
use authlens::credentials::{self, Context};
use authlens::diagnose::{Analyzer, Config};
use authlens::exchange::Exchange;
use authlens::har;
use authlens::jose;
use authlens::time::Timestamp;
use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};

static INPUTS: LazyLock<inputs::Inputs> = LazyLock::new(inputs::inputs);
static HAR: LazyLock<Vec<u8>> = LazyLock::new(inputs::har_bytes);
static EXCHANGES: LazyLock<Vec<Exchange>> = LazyLock::new(inputs::exchanges);
const AT: Timestamp = Timestamp(1_717_232_400_000);

fn main() {
    if !inputs::measuring() {
        println!("native: benchmarks run with `cargo bench --bench native` (make bench)");
        return;
    }
    divan::main();
}

fn each<'a>(b: Bencher, values: &'a [String], f: impl Fn(&'a str) + Sync) {
    let bytes: usize = values.iter().map(String::len).sum();
    b.counter(ItemsCount::new(values.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| {
            for v in values {
                f(black_box(v));
            }
        });
}

mod challenge_parse {
    use super::*;

    #[divan::bench]
    fn typical(b: Bencher) {
        each(b, &INPUTS.challenge_typical, |v| {
            black_box(challenge::parse_challenge_field(v));
        });
    }

    #[divan::bench]
    fn multi_challenge(b: Bencher) {
        each(b, &INPUTS.challenge_multi, |v| {
            black_box(challenge::parse_challenge_field(v));
        });
    }

    #[divan::bench]
    fn pathological_8k(b: Bencher) {
        each(b, &INPUTS.challenge8k, |v| {
            black_box(challenge::parse_challenge_field(v));
        });
    }

    /// The compact spans encoding (the wasm compact API's core), per call of all values.
    #[divan::bench]
    fn typical_compact_batch(b: Bencher) {
        let joined = INPUTS.challenge_typical.join("\n");
        b.counter(ItemsCount::new(INPUTS.challenge_typical.len()))
            .bench(|| {
                black_box(challenge::compact::Encoded::parse_joined(black_box(
                    &joined,
                )))
            });
    }

    #[divan::bench]
    fn typical_explained(b: Bencher) {
        each(b, &INPUTS.challenge_typical, |v| {
            let parsed = challenge::parse_challenge_field(v);
            black_box(challenge::explain_all(
                &parsed,
                &challenge::ExplainContext::default(),
            ));
        });
    }
}

mod jwt_decode {
    use super::*;

    #[divan::bench]
    fn jose_1k(b: Bencher) {
        each(b, &INPUTS.jwt1k, |v| {
            black_box(jose::decode(v));
        });
    }

    #[divan::bench]
    fn jose_8k(b: Bencher) {
        each(b, &INPUTS.jwt8k, |v| {
            black_box(jose::decode(v));
        });
    }

    /// The batched first-glance fields (the wasm compact API's core), per call of 64 tokens.
    #[divan::bench]
    fn summary_1k_batch(b: Bencher) {
        let joined = INPUTS.jwt1k.join("\n");
        b.counter(ItemsCount::new(INPUTS.jwt1k.len()))
            .bench(|| black_box(jose::Compact::summarize_joined(black_box(&joined))));
    }

    #[divan::bench]
    fn authorization_bearer_1k(b: Bencher) {
        let values: Vec<String> = INPUTS.jwt1k.iter().map(|t| format!("Bearer {t}")).collect();
        let ctx = Context::new(AT);
        each(b, &values, |v| {
            black_box(credentials::decode_authorization(v, &ctx));
        });
    }

    #[divan::bench]
    fn authorization_bearer_8k(b: Bencher) {
        let values: Vec<String> = INPUTS.jwt8k.iter().map(|t| format!("Bearer {t}")).collect();
        let ctx = Context::new(AT);
        each(b, &values, |v| {
            black_box(credentials::decode_authorization(v, &ctx));
        });
    }
}

mod cookie_parse {
    use super::*;

    #[divan::bench]
    fn cookie_header(b: Bencher) {
        each(b, &INPUTS.cookie, |v| {
            black_box(cookie::parse_cookie_header(v));
        });
    }

    #[divan::bench]
    fn set_cookie(b: Bencher) {
        each(b, &INPUTS.set_cookie, |v| {
            black_box(cookie::parse_set_cookie(v));
        });
    }
}

mod har_20k {
    use super::*;

    #[divan::bench(sample_count = 5, sample_size = 1)]
    fn parse(b: Bencher) {
        b.counter(BytesCount::new(HAR.len()))
            .bench(|| black_box(har::parse_har(black_box(&HAR)).unwrap()));
    }

    /// All rules on (the default configuration), flow rules included.
    #[divan::bench(sample_count = 5, sample_size = 1)]
    fn analyse(b: Bencher) {
        let exchanges = &*EXCHANGES;
        b.counter(ItemsCount::new(exchanges.len())).bench(|| {
            let mut analyzer = Analyzer::new(Config::default());
            for ex in exchanges {
                black_box(analyzer.push_ref(ex));
            }
        });
    }
}
