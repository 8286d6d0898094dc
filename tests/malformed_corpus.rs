//! Hostile input, end to end: every case of `tests/malformed/cases.json` (headers, tokens,
//! cookies, HAR files and panel entries — truncated, wrong types, invalid UTF-8, NUL bytes,
//! control characters, markup, bidi overrides) plus huge inputs generated here (10 MB
//! header values, 100k HAR entries, JSON nested 100k levels deep).
//!
//! For each: no panic, at least one diagnostic with the expected code positioned inside
//! the input (and naming the right HAR entry), bounded time and output proportional to the
//! input. Set `MALFORMED_PRINT=1` to print what every case produced.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use authlens::challenge;
use authlens::cookie;
use authlens::credentials::{self, Context};
use authlens::diagnose::{analyze_exchanges, Analyzer, Config};
use authlens::har;
use authlens::jose;
use authlens::time::Timestamp;
use serde::Deserialize;

const NOW: Timestamp = Timestamp(1_717_200_000_000);
const MIB: usize = 1024 * 1024;

#[derive(Debug, Deserialize)]
struct Manifest {
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    parser: String,
    input: Option<String>,
    hex: Option<String>,
    file: Option<String>,
    expect: Vec<String>,
    #[serde(default)]
    any_of: bool,
    /// HAR only: the fatal `HarError` code.
    error: Option<String>,
    /// HAR only: the entry the expected diagnostics must name.
    entry: Option<usize>,
    #[serde(default)]
    proxy: bool,
    charset: Option<String>,
    /// HAR entry only: the entry must still load.
    #[serde(default)]
    ok: bool,
    /// Authorization only: verdicts (finding ids) that must appear. A value that is
    /// grammatical but empty (`Bearer`) is a verdict, not a parse problem.
    #[serde(default)]
    findings: Vec<String>,
}

/// One diagnostic, flattened across parsers.
#[derive(Debug)]
struct Found {
    code: String,
    offset: usize,
    entry: Option<usize>,
}

#[derive(Debug, Default)]
struct Outcome {
    found: Vec<Found>,
    /// Length of the input in the unit offsets count (bytes of the text or the file).
    len: usize,
    /// Size of what the parser returned, serialized: the memory it holds on to.
    output_bytes: usize,
    /// HAR: the file-level error, `(code, offset, line, column)`.
    fatal: Option<(String, usize, usize, usize)>,
    /// HAR entry: it loaded.
    loaded: bool,
    /// Authorization: finding ids.
    findings: Vec<String>,
}

fn json_len<T: serde::Serialize>(value: &T) -> usize {
    serde_json::to_string(value).map_or(0, |s| s.len())
}

fn push(out: &mut Outcome, diags: &[authlens::diagnostic::Diagnostic]) {
    out.found.extend(diags.iter().map(|d| Found {
        code: d.code.to_string(),
        offset: d.offset,
        entry: None,
    }));
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn bytes_of(case: &Case) -> Vec<u8> {
    if let Some(t) = &case.input {
        return t.as_bytes().to_vec();
    }
    if let Some(h) = &case.hex {
        return hex(h);
    }
    let file = case.file.as_ref().expect("input, hex or file");
    let path = format!("{}/tests/malformed/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs one parser the way the product does: header values arrive as text (invalid UTF-8
/// already replaced), HAR files as bytes.
fn run(parser: &str, bytes: &[u8], proxy: bool, charset: Option<&str>) -> Outcome {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Outcome {
        len: text.len(),
        ..Outcome::default()
    };
    match parser {
        "challenge" => {
            let fields = [text.as_ref()];
            let parsed = if proxy {
                challenge::parse_proxy_challenges(&fields)
            } else {
                challenge::parse_challenges(&fields)
            };
            let _ = challenge::explain_all(&parsed, &challenge::ExplainContext::default());
            out.output_bytes = json_len(&parsed);
            push(&mut out, &parsed.diagnostics);
        }
        "authorization" => {
            let mut ctx = Context::new(NOW).proxy(proxy);
            if let Some(c) = charset {
                ctx = ctx.with_charset(c);
            }
            let decoded = credentials::decode_authorization(&text, &ctx);
            out.output_bytes = json_len(&decoded);
            out.findings = decoded.findings.iter().map(|f| f.id.to_string()).collect();
            push(&mut out, &decoded.diagnostics);
        }
        "jwt" => {
            let decoded = jose::decode(&text);
            let _ = jose::validate(&decoded, NOW, 60);
            out.output_bytes = json_len(&decoded);
            let mut d = Some(&decoded);
            while let Some(level) = d {
                // A nested token's offsets are its own; check the outer ones only.
                if std::ptr::eq(level, &decoded) {
                    push(&mut out, &level.diagnostics);
                } else {
                    out.found.extend(level.diagnostics.iter().map(|x| Found {
                        code: x.code.to_string(),
                        offset: 0,
                        entry: None,
                    }));
                }
                d = level.nested.as_deref();
            }
        }
        "cookie" => {
            let jar = cookie::parse_cookie_header(&text);
            out.output_bytes = json_len(&jar.masked()) + json_len(&jar.diagnostics);
            push(&mut out, &jar.diagnostics);
        }
        "set-cookie" => {
            let sc = cookie::parse_set_cookie(&text);
            out.output_bytes = json_len(&sc.masked()) + json_len(&sc.diagnostics);
            push(&mut out, &sc.diagnostics);
        }
        "har" => {
            out.len = bytes.len();
            match har::parse_har(bytes) {
                Ok(doc) => {
                    out.output_bytes = json_len(&doc);
                    out.found.extend(doc.diagnostics.iter().map(|d| Found {
                        code: d.diagnostic.code.to_string(),
                        offset: d.diagnostic.offset,
                        entry: d.entry,
                    }));
                    // Whatever loaded goes through the whole analysis too.
                    let reports = analyze_exchanges(doc.exchanges, Config::default());
                    out.output_bytes += json_len(&reports);
                }
                Err(e) => out.fatal = Some((e.code.to_string(), e.offset, e.line, e.column)),
            }
        }
        "har-entry" => match har::parse_entry(&text, 0) {
            Ok(p) => {
                out.loaded = true;
                out.output_bytes = json_len(&p.exchange);
                let mut analyzer = Analyzer::new(Config::default());
                let _ = analyzer.push_ref(&p.exchange);
                push(&mut out, &p.diagnostics);
            }
            Err(d) => push(&mut out, &[d]),
        },
        other => panic!("unknown parser {other:?}"),
    }
    out
}

fn manifest() -> Manifest {
    let path = format!("{}/tests/malformed/cases.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Checks one case; returns what is wrong with it, if anything.
fn check(case: &Case) -> Result<(), String> {
    let bytes = bytes_of(case);
    let started = Instant::now();
    let out = catch_unwind(AssertUnwindSafe(|| {
        run(&case.parser, &bytes, case.proxy, case.charset.as_deref())
    }))
    .map_err(|_| "panicked".to_string())?;
    let took = started.elapsed();
    if std::env::var_os("MALFORMED_PRINT").is_some() {
        let codes: Vec<String> = out
            .found
            .iter()
            .map(|f| {
                format!(
                    "{}@{}{}",
                    f.code,
                    f.offset,
                    f.entry.map_or(String::new(), |e| format!("#{e}"))
                )
            })
            .collect();
        eprintln!(
            "{:<12} {:<36} {:?} {:?}",
            case.parser, case.name, out.fatal, codes
        );
    }
    // Debug build, shared machine: generous, but a blow-up on a few hundred bytes shows.
    if took > Duration::from_secs(1) {
        return Err(format!("took {took:?}"));
    }
    let bound = 64 * out.len + 64 * 1024;
    if out.output_bytes > bound {
        return Err(format!(
            "output of {} bytes for {} bytes of input (bound {bound})",
            out.output_bytes, out.len
        ));
    }
    if let Some(f) = out.found.iter().find(|f| f.offset > out.len) {
        return Err(format!(
            "{} at offset {} beyond {}",
            f.code, f.offset, out.len
        ));
    }
    if let Some(code) = &case.error {
        return match &out.fatal {
            Some((c, offset, line, column)) if c == code => {
                if *offset > out.len || *line == 0 || *column == 0 {
                    Err(format!("{c} badly positioned: {offset} {line}:{column}"))
                } else {
                    Ok(())
                }
            }
            other => Err(format!("expected fatal {code}, got {other:?}")),
        };
    }
    if let Some(fatal) = &out.fatal {
        return Err(format!("unexpected fatal {fatal:?}"));
    }
    if case.ok && !out.loaded {
        return Err("the entry did not load".into());
    }
    if let Some(id) = case.findings.iter().find(|id| !out.findings.contains(id)) {
        return Err(format!("expected finding {id}, got {:?}", out.findings));
    }
    if case.expect.is_empty() {
        return if case.findings.is_empty() {
            Err("a case must expect at least one diagnostic or finding".into())
        } else {
            Ok(())
        };
    }
    let has = |code: &String| {
        out.found
            .iter()
            .any(|f| &f.code == code && case.entry.is_none_or(|e| f.entry == Some(e)))
    };
    let ok = if case.any_of {
        case.expect.iter().any(has)
    } else {
        case.expect.iter().all(has)
    };
    if ok {
        Ok(())
    } else {
        let got: Vec<(&str, Option<usize>)> = out
            .found
            .iter()
            .map(|f| (f.code.as_str(), f.entry))
            .collect();
        Err(format!(
            "expected {:?}{} (entry {:?}), got {got:?}",
            case.expect,
            if case.any_of { " (any)" } else { "" },
            case.entry
        ))
    }
}

#[test]
fn corpus_has_at_least_200_cases_over_every_parser() {
    let m = manifest();
    assert!(m.cases.len() >= 200, "only {} cases", m.cases.len());
    for parser in [
        "challenge",
        "authorization",
        "jwt",
        "cookie",
        "set-cookie",
        "har",
        "har-entry",
    ] {
        let n = m.cases.iter().filter(|c| c.parser == parser).count();
        assert!(n >= 5, "{parser}: only {n} cases");
    }
    let mut names: Vec<(&str, &str)> = m
        .cases
        .iter()
        .map(|c| (c.parser.as_str(), c.name.as_str()))
        .collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate case names");
}

#[test]
fn every_malformed_input_gives_a_positioned_diagnostic() {
    let m = manifest();
    let failures: Vec<String> = m
        .cases
        .iter()
        .filter_map(|c| {
            check(c)
                .err()
                .map(|e| format!("{} {}: {e}", c.parser, c.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        m.cases.len(),
        failures.join("\n")
    );
}

/// The 10 MB cases below must each finish within this, in a debug build.
const HUGE_BUDGET: Duration = Duration::from_secs(3);

fn timed<T>(what: &str, budget: Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    assert!(took < budget, "{what}: took {took:?} (budget {budget:?})");
    out
}

fn expect_code(diags: &[authlens::diagnostic::Diagnostic], code: &str, len: usize) {
    assert!(
        diags.iter().any(|d| d.code == code),
        "no {code} in {:?}",
        diags.iter().map(|d| d.code).collect::<Vec<_>>()
    );
    assert!(diags.iter().all(|d| d.offset <= len));
}

#[test]
fn ten_megabyte_challenge_values() {
    // An unterminated quoted-string running to the end.
    let value = format!("Basic realm=\"{}", "a".repeat(10 * MIB));
    let parsed = timed("unterminated 10 MB", HUGE_BUDGET, || {
        challenge::parse_challenge_field(&value)
    });
    expect_code(
        &parsed.diagnostics,
        "unterminated-quoted-string",
        value.len(),
    );
    assert!(json_len(&parsed) < 2 * value.len() + 64 * 1024);

    // Two million parameters, all duplicates: the diagnostic list is capped.
    let value = format!("Bearer {}", "a=b, ".repeat(2 * MIB));
    // Two million parameter records are built and sorted for duplicates: n log n.
    let parsed = timed("2M duplicate params", Duration::from_secs(15), || {
        challenge::parse_challenge_field(&value)
    });
    expect_code(&parsed.diagnostics, "duplicate-parameter", value.len());
    assert!(
        parsed.diagnostics.len() <= 100,
        "{} diagnostics",
        parsed.diagnostics.len()
    );

    // Ten million illegal characters: one diagnostic per run, not per byte.
    let value = format!("Basic realm=x{}", "\u{1}".repeat(10 * MIB));
    let parsed = timed("10 MB control characters", HUGE_BUDGET, || {
        challenge::parse_challenge_field(&value)
    });
    expect_code(&parsed.diagnostics, "illegal-character", value.len());
    assert!(parsed.diagnostics.len() <= 100);
}

#[test]
fn ten_megabyte_authorization_and_tokens() {
    let ctx = Context::new(NOW);
    let value = format!("Bearer {}", "A".repeat(10 * MIB));
    // Decoding hashes the whole token (its fingerprint); SHA-256 in an unoptimised build
    // runs at ~1-2 MB/s, ~40 ms for 10 MB in release. Linearity is checked below.
    let budget = if cfg!(debug_assertions) {
        Duration::from_secs(40)
    } else {
        HUGE_BUDGET
    };
    let decoded = timed("10 MB bearer", budget, || {
        credentials::decode_authorization(&value, &ctx)
    });
    assert!(decoded.diagnostics.iter().all(|d| d.offset <= value.len()));
    assert!(
        json_len(&decoded) < 64 * 1024,
        "the token must not be echoed"
    );

    let value = format!("Basic {}", "QUFB".repeat(10 * MIB / 4));
    let decoded = timed("10 MB basic", budget, || {
        credentials::decode_authorization(&value, &ctx)
    });
    expect_code(&decoded.diagnostics, "basic-missing-colon", value.len());
    assert!(
        json_len(&decoded) < 64 * 1024,
        "the user name is not echoed whole"
    );

    let token = format!("{}.{}.{}", "e".repeat(5 * MIB), "x".repeat(5 * MIB), "s");
    let decoded = timed("10 MB jwt", HUGE_BUDGET, || jose::decode(&token));
    expect_code(&decoded.diagnostics, "token-too-large", token.len());
    assert!(json_len(&decoded) < 64 * 1024);
}

#[test]
fn ten_megabyte_cookies() {
    let value = format!("a={}", "x".repeat(10 * MIB));
    let jar = timed("10 MB cookie", HUGE_BUDGET, || {
        cookie::parse_cookie_header(&value)
    });
    expect_code(&jar.diagnostics, "header-too-large", value.len());
    expect_code(&jar.diagnostics, "cookie-too-large", value.len());
    assert!(
        json_len(&jar.masked()) < 1024,
        "masked view holds the length, not the value"
    );

    // 200k pairs, all the same name: one duplicate-name each (the cookie parser does not
    // cap its diagnostics), so memory stays proportional to the input.
    let value = "c=1; ".repeat(200 * 1024);
    let jar = timed("200k cookies", HUGE_BUDGET, || {
        cookie::parse_cookie_header(&value)
    });
    expect_code(&jar.diagnostics, "duplicate-name", value.len());
    assert!(jar.diagnostics.len() <= 200 * 1024 + 2);
    assert!(json_len(&jar.diagnostics) + json_len(&jar.masked()) < 64 * value.len());

    let value = format!("a=1; Path=/{}", "p".repeat(10 * MIB));
    let sc = timed("10 MB set-cookie", HUGE_BUDGET, || {
        cookie::parse_set_cookie(&value)
    });
    expect_code(&sc.diagnostics, "attribute-too-long", value.len());
}

/// A compact Chrome-like entry; `i` varies the URL, time and status.
fn entry_json(i: usize) -> String {
    let status = [200, 401, 403, 304][i % 4];
    format!(
        r#"{{"startedDateTime":"2024-06-01T00:{:02}:{:02}.000Z","time":3,"request":{{"method":"GET","url":"https://api.example/v1/items/{i}","httpVersion":"h2","headers":[{{"name":"Authorization","value":"Bearer tok{i}"}}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0}},"response":{{"status":{status},"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{{"size":0,"mimeType":"application/json"}},"redirectURL":"","headersSize":-1,"bodySize":0}},"cache":{{}},"timings":{{"send":0,"wait":2,"receive":1}}}}"#,
        (i / 60) % 60,
        i % 60
    )
}

#[test]
fn har_with_100k_entries_one_of_them_broken() {
    const N: usize = 100_000;
    let mut file = String::from(r#"{"log":{"version":"1.2","entries":["#);
    for i in 0..N {
        if i > 0 {
            file.push(',');
        }
        if i == N - 1 {
            // The last entry has a status of the wrong type.
            let e = entry_json(i);
            let at = e.find(r#""status":"#).unwrap() + 9;
            file.push_str(&format!("{}\"x\"{}", &e[..at], &e[at + 3..]));
        } else {
            file.push_str(&entry_json(i));
        }
    }
    file.push_str("]}}");
    let bytes = file.as_bytes();
    let doc = timed("100k entries", Duration::from_secs(60), || {
        har::parse_har(bytes).unwrap()
    });
    assert_eq!(doc.exchanges.len(), N);
    let bad = doc
        .diagnostics
        .iter()
        .find(|d| d.entry == Some(N - 1))
        .expect("a diagnostic for the last entry");
    assert_eq!(bad.diagnostic.code, "wrong-type");
    assert!(bad.diagnostic.offset > bytes.len() - 600 && bad.diagnostic.offset < bytes.len());
    assert_eq!(bad.line, 1);
    // Memory: what is kept is proportional to the file.
    assert!(json_len(&doc.exchanges) < 4 * bytes.len());

    let mut analyzer = Analyzer::new(Config::default());
    timed("analyse 100k", Duration::from_secs(120), || {
        for ex in &doc.exchanges {
            let _ = analyzer.push_ref(ex);
        }
    });
    assert!(analyzer.retained() <= analyzer.retained_bound());
}

#[test]
fn json_nested_100k_levels() {
    const DEPTH: usize = 100_000;
    let deep = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));

    // Before `entries`: the file cannot be read, and says where.
    let file = format!(r#"{{"log":{{"x":{deep},"entries":[]}}}}"#);
    let err = timed("deep log", HUGE_BUDGET, || har::parse_har(file.as_bytes())).unwrap_err();
    assert_eq!(err.code, "nesting-too-deep");
    assert!(
        err.offset < 200,
        "points at where it got too deep: {}",
        err.offset
    );

    // Inside one entry: that entry is skipped, the next one loads.
    let file = format!(
        r#"{{"log":{{"entries":[{{"cache":{deep}}},{}]}}}}"#,
        entry_json(1)
    );
    let doc = timed("deep entry", HUGE_BUDGET, || {
        har::parse_har(file.as_bytes())
    })
    .unwrap();
    assert_eq!(doc.exchanges.len(), 1);
    let d = doc.diagnostics.iter().find(|d| d.entry == Some(0)).unwrap();
    assert_eq!(d.diagnostic.code, "nesting-too-deep");
    assert!(d.diagnostic.offset < 1000);

    // As an entry the panel receives.
    let json = format!(r#"{{"request":{deep}}}"#);
    let err = timed("deep panel entry", HUGE_BUDGET, || {
        har::parse_entry(&json, 7)
    })
    .unwrap_err();
    assert_eq!(err.code, "nesting-too-deep");
    assert!(err.offset <= json.len());

    // As a JWT payload (within the token size limit).
    let payload = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let token = format!(
        "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
        authlens::base64::encode(payload.as_bytes(), authlens::base64::Alphabet::UrlSafe)
    );
    let decoded = timed("deep jwt payload", HUGE_BUDGET, || jose::decode(&token));
    expect_code(&decoded.diagnostics, "payload-not-json", token.len());
}

/// Fastest of seven runs: the least disturbed by other tests and processes sharing the CPU.
fn best_time(f: &dyn Fn()) -> Duration {
    (0..7)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .min()
        .unwrap()
}

/// Work per byte is bounded: eight times the input takes about eight times as long, not
/// sixty-four. Patterns chosen to provoke backtracking or rescans.
#[test]
fn work_grows_linearly_with_input() {
    type Parse = fn(&str);
    let patterns: [(&str, &str, Parse); 6] = [
        ("challenge", "a=\"\\\\\", ", |s| {
            let _ = challenge::parse_challenge_field(s);
        }),
        ("challenge", "B x=\"", |s| {
            let _ = challenge::parse_challenge_field(s);
        }),
        ("credentials", "Bearer a b,", |s| {
            let _ = credentials::decode_authorization(s, &Context::new(NOW));
        }),
        ("cookie", "a=\"; ", |s| {
            let _ = cookie::parse_cookie_header(s);
        }),
        ("set-cookie", "; Path=/", |s| {
            let _ = cookie::parse_set_cookie(s);
        }),
        ("jwt", "a.", |s| {
            let _ = jose::decode(s);
        }),
    ];
    for (what, unit, parse) in patterns {
        let small = unit.repeat(16 * 1024 / unit.len());
        let large = unit.repeat(128 * 1024 / unit.len());
        let t_small = best_time(&|| parse(&small));
        let t_large = best_time(&|| parse(&large));
        // Linear: ×8. Quadratic: ×64. Allow noise on a shared machine.
        assert!(
            t_large < t_small * 24 + Duration::from_millis(20),
            "{what} {unit:?}: {t_small:?} for 16 KiB, {t_large:?} for 128 KiB"
        );
    }
}
