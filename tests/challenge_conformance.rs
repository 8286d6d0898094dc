//! WWW-Authenticate conformance table: RFC worked examples, browser-conformance-style edge
//! cases and real vendor headers.
//!
//! The table itself lives in `tests/conformance/challenges.json` so other tools (the JS
//! benchmark) read the very same cases; this test is its Rust reader.

// Test helpers may unwrap and index: a panic there is a failing test (as in clippy.toml).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashSet;

use authlens::challenge::{parse_challenges, reference};
use authlens::diagnostic::Severity;
use serde_json::Value;

const TABLE: &str = include_str!("conformance/challenges.json");

struct Case {
    name: String,
    fields: Vec<String>,
    valid: bool,
    challenges: Vec<Value>,
    diagnostics: Vec<String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn cases() -> Vec<Case> {
    let doc: Value = serde_json::from_str(TABLE).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().to_string(),
            fields: strings(&c["fields"]),
            valid: c["valid"].as_bool().unwrap(),
            challenges: c["challenges"].as_array().unwrap().clone(),
            diagnostics: strings(&c["diagnostics"]),
        })
        .collect()
}

/// Only the contract fields: scheme, token68, params' name and value.
fn contract(challenge: &Value) -> Value {
    let params: Vec<Value> = challenge["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| serde_json::json!({"name": p["name"], "value": p["value"]}))
        .collect();
    serde_json::json!({
        "scheme": challenge["scheme"],
        "token68": challenge["token68"],
        "params": params,
    })
}

#[test]
fn table_is_well_formed() {
    let all = cases();
    assert!(all.len() >= 60, "only {} cases", all.len());
    let names: HashSet<&str> = all.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), all.len(), "case names must be unique");
    assert!(all.iter().any(|c| c.valid) && all.iter().any(|c| !c.valid));
}

#[test]
fn parser_recovers_the_expected_challenges() {
    let mut failures = Vec::new();
    for case in cases() {
        let fields: Vec<&str> = case.fields.iter().map(String::as_str).collect();
        let parsed = parse_challenges(&fields);
        let got: Vec<Value> = parsed
            .to_owned_challenges()
            .iter()
            .map(|c| contract(&serde_json::to_value(c).unwrap()))
            .collect();
        let want: Vec<Value> = case.challenges.iter().map(contract).collect();
        if got != want {
            failures.push(format!(
                "{}: challenges\n  got  {}\n  want {}",
                case.name,
                Value::from(got),
                Value::from(want)
            ));
        }
        let codes: Vec<&str> = parsed.diagnostics.iter().map(|d| d.code).collect();
        if codes != case.diagnostics {
            failures.push(format!(
                "{}: diagnostics got {codes:?} want {:?}",
                case.name, case.diagnostics
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn validity_matches_the_reference_grammar_and_the_diagnostics() {
    for case in cases() {
        let joined = case.fields.join(", ");
        assert_eq!(
            reference::parse(&joined).is_some(),
            case.valid,
            "{}: reference grammar disagrees with the table",
            case.name
        );
        let fields: Vec<&str> = case.fields.iter().map(String::as_str).collect();
        let parsed = parse_challenges(&fields);
        let has_errors = parsed
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        if case.valid {
            assert!(
                !has_errors,
                "{}: valid input got errors {:?}",
                case.name, parsed.diagnostics
            );
        }
    }
}

/// `(scheme, token68, [(name, value)])`.
type RefShape = (String, Option<String>, Vec<(String, String)>);

#[test]
fn valid_cases_parse_identically_in_the_reference() {
    for case in cases().iter().filter(|c| c.valid) {
        let got = reference::parse(&case.fields.join(", ")).unwrap();
        let want: Vec<RefShape> = case
            .challenges
            .iter()
            .map(|c| {
                (
                    c["scheme"].as_str().unwrap().to_string(),
                    c["token68"].as_str().map(str::to_string),
                    c["params"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| {
                            (
                                p["name"].as_str().unwrap().to_string(),
                                p["value"].as_str().unwrap().to_string(),
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        let got: Vec<_> = got
            .into_iter()
            .map(|c| {
                let params = c.params.into_iter().map(|(n, v, _)| (n, v)).collect();
                (c.scheme, c.token68, params)
            })
            .collect();
        assert_eq!(got, want, "{}", case.name);
    }
}

#[test]
fn diagnostic_offsets_land_inside_the_input() {
    for case in cases() {
        let fields: Vec<&str> = case.fields.iter().map(String::as_str).collect();
        let parsed = parse_challenges(&fields);
        for d in &parsed.diagnostics {
            let (field, within) = parsed.locate(d.offset);
            assert!(
                within <= case.fields[field].len(),
                "{}: {} at {} is outside field {field}",
                case.name,
                d.code,
                d.offset
            );
        }
    }
}
