//! Property tests for the challenge and credentials parsers: hostile input never panics and
//! stays linear; printed challenges parse back; the parser agrees with the plain reference
//! recogniser on grammar-valid input.

// Test helpers may unwrap and index: a panic there is a failing test (as in clippy.toml).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{Duration, Instant};

use authlens::challenge::compact::Encoded;
use authlens::challenge::{
    challenges_to_header_value, is_token, parse_challenge_field, parse_challenges,
    parse_credentials, reference, Challenge, Param, ParsedChallenges,
};
use authlens::diagnostic::Severity;
use proptest::prelude::*;

/// A generated challenge: what it is, independent of how it is written.
#[derive(Debug, Clone)]
enum Kind {
    Bare,
    Token68(String),
    Params(Vec<(String, String, bool)>),
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,8}"
}

fn token68() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~+/-]{1,12}={0,2}"
}

/// `(value, quoted)`: tokens may go either way, anything else must be quoted.
fn value() -> impl Strategy<Value = (String, bool)> {
    prop_oneof![
        (token(), any::<bool>()),
        "[ -~\t\u{a0}-\u{17f}é€]{0,12}".prop_map(|v| (v, true)),
    ]
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Bare),
        token68().prop_map(Kind::Token68),
        proptest::collection::vec((token(), value()).prop_map(|(n, (v, q))| (n, v, q)), 0..5)
            .prop_map(Kind::Params),
    ]
}

fn ows() -> impl Strategy<Value = String> {
    "[ \t]{0,2}"
}

fn quote(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        if c == '"' || c == '\\' {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// A list separator: `OWS "," OWS`, sometimes with empty elements in it.
fn sep() -> impl Strategy<Value = String> {
    (ows(), 1..3usize, ows()).prop_map(|(a, commas, b)| {
        let mut s = a;
        for i in 0..commas {
            if i > 0 {
                s.push(' ');
            }
            s.push(',');
        }
        s + &b
    })
}

/// Grammar-valid field values written with varied whitespace and empty list elements,
/// plus the structure they must parse into.
fn valid_field() -> impl Strategy<Value = (String, Vec<(String, Kind)>)> {
    (
        proptest::collection::vec((token(), kind()), 1..4),
        proptest::collection::vec((sep(), ows(), ows(), 1..3usize), 24),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(challenges, seps, leading, trailing)| {
            let mut seps = seps.into_iter().cycle();
            let mut next = move || {
                seps.next()
                    .unwrap_or((", ".into(), "".into(), "".into(), 1))
            };
            let mut out = String::new();
            if leading {
                out.push_str(", ");
            }
            for (i, (scheme, kind)) in challenges.iter().enumerate() {
                if i > 0 {
                    out.push_str(&next().0);
                }
                out.push_str(scheme);
                match kind {
                    Kind::Bare => {}
                    Kind::Token68(t) => {
                        let (_, _, after, spaces) = next();
                        out.push_str(&" ".repeat(spaces));
                        out.push_str(t);
                        out.push_str(&after);
                    }
                    Kind::Params(params) => {
                        let (_, _, _, spaces) = next();
                        out.push_str(&" ".repeat(spaces));
                        for (j, (n, v, q)) in params.iter().enumerate() {
                            let (s, bws1, bws2, _) = next();
                            if j > 0 {
                                out.push_str(&s);
                            }
                            out.push_str(n);
                            out.push_str(&bws1);
                            out.push('=');
                            out.push_str(&bws2);
                            if *q {
                                out.push_str(&quote(v));
                            } else {
                                out.push_str(v);
                            }
                        }
                    }
                }
            }
            if trailing {
                out.push_str(" ,");
            }
            (out, challenges)
        })
}

type Shape = Vec<(String, Option<String>, Vec<(String, String, bool)>)>;

fn shape_of(p: &ParsedChallenges<'_>) -> Shape {
    p.challenges
        .iter()
        .map(|c| {
            (
                c.scheme.to_string(),
                c.token68.map(str::to_string),
                c.params
                    .iter()
                    .map(|p| (p.name.to_string(), p.value.to_string(), p.quoted))
                    .collect(),
            )
        })
        .collect()
}

fn expected_shape(challenges: &[(String, Kind)]) -> Shape {
    challenges
        .iter()
        .map(|(scheme, kind)| match kind {
            Kind::Bare => (scheme.clone(), None, vec![]),
            Kind::Token68(t) => (scheme.clone(), Some(t.clone()), vec![]),
            Kind::Params(p) => (scheme.clone(), None, p.clone()),
        })
        .collect()
}

fn reference_shape(r: &[reference::RefChallenge]) -> Shape {
    r.iter()
        .map(|c| (c.scheme.clone(), c.token68.clone(), c.params.clone()))
        .collect()
}

fn errors(p: &ParsedChallenges<'_>) -> Vec<&'static str> {
    p.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code)
        .collect()
}

/// Owned challenges that are valid to print: token schemes and names, token68 or params.
fn owned_challenge() -> impl Strategy<Value = Challenge> {
    (token(), kind(), any::<bool>()).prop_map(|(scheme, kind, proxy)| {
        let mut c = Challenge::new(scheme);
        c.proxy = proxy;
        match kind {
            Kind::Bare => {}
            Kind::Token68(t) => c.token68 = Some(t),
            Kind::Params(ps) => {
                for (n, v, q) in ps {
                    c = c.with_param(if q {
                        Param::quoted(n, v)
                    } else {
                        Param::new(n, v)
                    });
                }
            }
        }
        c
    })
}

/// Near-miss inputs: grammar fragments glued at random, so many are valid and many are
/// one character away from valid.
fn fragments() -> impl Strategy<Value = String> {
    const PIECES: [&str; 21] = [
        "Basic", "Bearer", "a", " ", " ", ",", ", ", "realm", "=", "==", "\"x\"", "\"a,b\"",
        "\"\\\"\"", "abc", "/", "\t", "\"", "\\", "é", "!", "\"é\"",
    ];
    proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,400}") {
        let p = parse_challenge_field(&s);
        for d in &p.diagnostics {
            prop_assert!(d.offset <= s.len());
        }
        let c = parse_credentials(&s);
        for d in &c.diagnostics {
            prop_assert!(d.offset <= s.len());
        }
    }

    #[test]
    fn never_panics_on_control_characters_and_fields(
        fields in proptest::collection::vec("[\\x00-\\x1f\\x7f\" \\\\,=a-zA-Z0-9é/]{0,60}", 0..4)
    ) {
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        let p = parse_challenges(&refs);
        let total: usize = fields.iter().map(|f| f.len() + 2).sum();
        for d in &p.diagnostics {
            prop_assert!(d.offset <= total);
        }
        for c in &p.challenges {
            let (field, within) = p.locate(c.offset);
            prop_assert_eq!(field, c.field);
            prop_assert!(fields[field].get(within..).is_some_and(|rest| rest.starts_with(c.scheme)));
        }
    }

    #[test]
    fn never_panics_on_8kb_inputs(s in "[\\x00-\\x7f\u{80}-\u{10ffff}]{8000,8200}") {
        let p = parse_challenge_field(&s);
        prop_assert!(p.diagnostics.len() <= 65);
        let _ = parse_credentials(&s);
    }

    #[test]
    fn grammar_valid_input_parses_exactly((field, challenges) in valid_field()) {
        let p = parse_challenge_field(&field);
        prop_assert_eq!(errors(&p), Vec::<&str>::new(), "{:?}: {:?}", field, p.diagnostics);
        prop_assert_eq!(shape_of(&p), expected_shape(&challenges), "{:?}", field);
    }

    #[test]
    fn parser_agrees_with_reference_on_valid_input((field, _) in valid_field()) {
        let r = reference::parse(&field);
        prop_assert!(r.is_some(), "reference rejected {:?}", field);
        let p = parse_challenge_field(&field);
        prop_assert_eq!(shape_of(&p), reference_shape(&r.unwrap_or_default()));
    }

    #[test]
    fn parser_and_reference_agree_on_near_misses(s in fragments()) {
        prop_assert_eq!(reference::differential(&s), Ok(()));
    }

    #[test]
    fn parser_and_reference_agree_on_arbitrary_text(s in "[ -~\t\r\n\u{80}-\u{10ffff}]{0,60}") {
        prop_assert_eq!(reference::differential(&s), Ok(()));
    }

    #[test]
    fn split_fields_parse_like_the_joined_value(
        (field, challenges) in valid_field(),
        cut in 0usize..4,
    ) {
        // Cut the value at a top-level comma between challenges: the same challenges result.
        let joined = parse_challenge_field(&field);
        let commas: Vec<usize> = joined.challenges.iter().skip(1).map(|c| c.offset).collect();
        if let Some(&at) = commas.get(cut % commas.len().max(1)) {
            let before = field[..at].trim_end_matches([' ', '\t', ',']);
            let after = &field[at..];
            let p = parse_challenges(&[before, after]);
            prop_assert_eq!(shape_of(&p), expected_shape(&challenges));
        }
    }

    #[test]
    fn printed_challenges_parse_back(list in proptest::collection::vec(owned_challenge(), 1..4)) {
        let printed = challenges_to_header_value(&list);
        let p = parse_challenge_field(&printed);
        prop_assert_eq!(errors(&p), Vec::<&str>::new(), "{:?}", printed);
        let back = p.to_owned_challenges();
        prop_assert_eq!(back.len(), list.len());
        for (b, c) in back.iter().zip(&list) {
            prop_assert_eq!(&b.scheme, &c.scheme);
            prop_assert_eq!(&b.token68, &c.token68);
            let got: Vec<_> = b.params.iter().map(|p| (&p.name, &p.value, p.quoted)).collect();
            let want: Vec<_> = c
                .params
                .iter()
                .map(|p| (&p.name, &p.value, p.quoted || !is_token(&p.value)))
                .collect();
            prop_assert_eq!(got, want);
        }
        // And printing again is stable.
        prop_assert_eq!(challenges_to_header_value(&back), printed);
    }
}

/// A batch for the compact encoding: values joined by `\n`, each grammar-valid (most
/// take the fast path), a near miss, or arbitrary text (non-ASCII, escapes, controls).
fn batch() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        3 => valid_field().prop_map(|(field, _)| field),
        2 => fragments(),
        1 => "[ -~\t\r\u{80}-\u{10ffff}]{0,40}",
        1 => Just(String::new()),
    ];
    proptest::collection::vec(value, 1..6).prop_map(|values| values.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The compact encoding reads clean values on its fast path and the rest with the full
    /// parser; the words and the side string must be exactly the full parser's.
    #[test]
    fn compact_fast_path_is_the_full_parse(joined in batch()) {
        prop_assert_eq!(Encoded::parse_joined(&joined), Encoded::parse_joined_full(&joined));
    }

    /// Arbitrary bytes, decoded as the wasm API decodes its input.
    #[test]
    fn compact_fast_path_is_the_full_parse_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let joined = String::from_utf8_lossy(&bytes);
        prop_assert_eq!(Encoded::parse_joined(&joined), Encoded::parse_joined_full(&joined));
    }

    /// Reusing an encoding's buffers gives the same words as a fresh one.
    #[test]
    fn compact_reuse_is_a_fresh_parse(first in batch(), second in batch()) {
        let mut reused = Encoded::parse_joined(&first);
        reused.parse_joined_into(&second);
        prop_assert_eq!(reused, Encoded::parse_joined_full(&second));
    }
}

/// The compact encoding over hostile batches: one huge value of escaped parameters (the
/// side string once grew by re-counting itself per value), many short lines, long runs.
#[test]
fn adversarial_batches_stay_linear() {
    let n = 200_000;
    let inputs = [
        format!("X {}", "b=\"\\\\\\\"\", ".repeat(n / 8)),
        "X a=\"\\\"\"\n".repeat(n / 10),
        "Basic realm=\"x\"\n".repeat(n / 16),
        "\n".repeat(n),
        format!("X a=\"{}\"", "b".repeat(n)),
        format!("X {}", "b=c, ".repeat(n / 5)),
        format!("Negotiate {}", "a".repeat(n)),
    ];
    for input in &inputs {
        let start = Instant::now();
        let e = Encoded::parse_joined(input);
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(3),
            "{} bytes took {took:?} ({} words)",
            input.len(),
            e.words.len()
        );
    }
}

/// Inputs built to trip quadratic behaviour (long runs the look-ahead scans, many params
/// for the duplicate check, unterminated quotes, escapes) must stay fast even in debug.
#[test]
fn adversarial_inputs_stay_linear() {
    let n = 200_000;
    let inputs = [
        "a=".repeat(n / 2),
        "\"".repeat(n),
        "\\\"".repeat(n / 2),
        "A ".repeat(n / 2),
        format!("X {}", "b=c, ".repeat(n / 5)),
        format!("X {}", "b=\"\\\\\\\"\", ".repeat(n / 8)),
        "=".repeat(n),
        ",".repeat(n),
        format!("Negotiate {}", "a".repeat(n)),
        format!("Negotiate {} x", "a".repeat(n)),
        "\r\n ".repeat(n / 3),
        format!("X a=\"{}", "é".repeat(n / 2)),
        format!(
            "X {}",
            (0..n / 8)
                .map(|i| format!("p{}=1,", i % 1000))
                .collect::<String>()
        ),
    ];
    for input in &inputs {
        let start = Instant::now();
        let p = parse_challenge_field(input);
        let c = parse_credentials(input);
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(3),
            "{} bytes took {took:?} ({} challenges, {} diagnostics)",
            input.len(),
            p.challenges.len(),
            c.diagnostics.len()
        );
    }
}

/// Rough per-parse cost of a typical 200-byte challenge. Not a benchmark (those come later);
/// run once with `cargo test --release --test challenge_properties -- --ignored --nocapture`.
#[test]
#[ignore = "timing only; meaningful in release builds"]
fn typical_challenge_parse_time() {
    let header = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push", error="invalid_token", error_description="The access token expired""#;
    let rounds = 50_000u32;
    let mut best = Duration::MAX;
    let mut params = 0usize;
    // The best of several batches: other processes share the machine.
    for _ in 0..8 {
        let start = Instant::now();
        for _ in 0..rounds {
            let p = parse_challenge_field(std::hint::black_box(header));
            params += p.challenges.iter().map(|c| c.params.len()).sum::<usize>();
        }
        best = best.min(start.elapsed() / rounds);
    }
    eprintln!("{} bytes: {best:?} per parse", header.len());
    assert_eq!(params, 5 * 8 * rounds as usize);
}
