//! The `authlens` binary as a user runs it: exit codes, JSON contracts, safe output.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::{Command, Output};

fn authlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run authlens")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// RFC 7519 §3.1's example JWT: exp 1300819380.
const RFC7519_JWT: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

#[test]
fn challenge_json_follows_the_contract() {
    let o = authlens(&[
        "challenge",
        "--json",
        r#"Basic realm="foo", Bearer realm="a\"b", scope="x,y""#,
        "Negotiate abc==",
    ]);
    assert!(o.status.success());
    let v = json(&o);
    let ch = v["challenges"].as_array().unwrap();
    assert_eq!(ch.len(), 3);
    assert_eq!(ch[0]["scheme"], "Basic");
    assert!(ch[0]["token68"].is_null());
    assert_eq!(ch[0]["params"][0]["name"], "realm");
    assert_eq!(ch[0]["params"][0]["value"], "foo");
    assert_eq!(ch[1]["params"][0]["value"], "a\"b", "quoted-pair unescaped");
    assert_eq!(
        ch[1]["params"][1]["value"], "x,y",
        "comma inside a quoted value"
    );
    assert_eq!(ch[2]["token68"], "abc==");
    assert!(v["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn challenge_diagnostics_carry_severity_code_and_offset() {
    let o = authlens(&["challenge", "--json", r#"Basic realm="unterminated"#]);
    assert!(
        o.status.success(),
        "a malformed header is a finding, not a failure"
    );
    let d = &json(&o)["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "unterminated-quoted-string");
    assert_eq!(d["offset"], 12);
    assert!(d["message"]
        .as_str()
        .unwrap()
        .chars()
        .next()
        .unwrap()
        .is_lowercase());
}

#[test]
fn proxy_flag_marks_the_proxys_challenge() {
    let o = authlens(&["challenge", "--json", "--proxy", r#"Basic realm="corp""#]);
    assert_eq!(json(&o)["challenges"][0]["proxy"], true);
}

#[test]
fn token_json_judges_against_the_given_instant() {
    let o = authlens(&[
        "token",
        "--json",
        "--at",
        "2011-03-22T18:50:00Z",
        RFC7519_JWT,
    ]);
    assert!(o.status.success());
    let v = json(&o);
    assert_eq!(v["kind"], "jws");
    assert_eq!(v["header"]["alg"], "HS256");
    assert_eq!(v["claims"]["iss"], "joe");
    let f = &v["findings"][0];
    assert_eq!(f["id"], "token-expired");
    assert_eq!(f["severity"], "error");
    assert!(
        f["fixes"][0]["id"].is_string(),
        "fixes are objects with an id: {f}"
    );
    assert!(
        !stdout(&o).contains("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "signature is masked"
    );

    // The same token one minute before expiry: no verdict. Unix seconds work too.
    let o = authlens(&["token", "--json", "--at", "1300819320", RFC7519_JWT]);
    assert!(json(&o)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["id"] != "token-expired"));
}

#[test]
fn basic_password_is_never_printed() {
    for args in [
        &["token", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="][..],
        &["token", "--json", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="],
    ] {
        let o = authlens(args);
        let out = stdout(&o);
        assert!(out.contains("Aladdin"), "{out}");
        assert!(
            !out.contains("open sesame") && !out.contains("open%20sesame"),
            "{out}"
        );
        assert!(
            !out.contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ"),
            "the encoded pair would reveal it: {out}"
        );
    }
}

#[test]
fn placeholder_bearer_is_a_finding_with_exit_zero() {
    let o = authlens(&["token", "--json", "Bearer undefined"]);
    assert!(o.status.success());
    assert_eq!(json(&o)["findings"][0]["id"], "bearer-placeholder");
}

#[test]
fn terminal_escapes_in_captured_text_are_neutralised() {
    let o = authlens(&["challenge", "Basic realm=\"\u{1b}[31mred\u{202e}txt\""]);
    let out = stdout(&o);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(out.contains("\\u{001B}[31mred\\u{202E}txt"), "{out}");
}

#[test]
fn usage_errors_exit_two_and_unusable_input_exits_one() {
    assert_eq!(authlens(&["nonsense"]).status.code(), Some(2));
    assert_eq!(authlens(&["token"]).status.code(), Some(2));
    assert_eq!(
        authlens(&["token", "--at", "yesterday", "x"]).status.code(),
        Some(2)
    );
    assert_eq!(
        authlens(&["challenge", "--bogus", "x"]).status.code(),
        Some(2)
    );
    assert!(authlens(&["help"]).status.success());
}

#[test]
fn har_json_reports_findings_per_exchange_with_the_summary() {
    let o = authlens(&[
        "har",
        "--json",
        "tests/fixtures/rules/token-expired/positive.har",
    ]);
    assert!(o.status.success());
    let v = json(&o);
    assert_eq!(v["summary"], "1 auth failure: 1 × token-expired");
    let failing: Vec<&serde_json::Value> = v["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["auth_failure"] == true)
        .collect();
    assert_eq!(failing.len(), 1);
    let e = failing[0];
    assert_eq!(e["status"], 401);
    assert_eq!(e["findings"][0]["id"], "token-expired");
    assert!(e["findings"][0]["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["id"].is_string()));
    assert_eq!(e["challenges"][0]["scheme"], "Bearer");
    assert_eq!(e["credentials"][0]["credential"]["kind"], "jws");
}

#[test]
fn a_file_that_is_not_har_exits_one_naming_line_and_column() {
    let o = authlens(&["har", "tests/fixtures/har/broken-entries-not-array.har"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("broken-entries-not-array.har:8:16"), "{err}");
    assert_eq!(
        authlens(&["har", "no/such/file.har"]).status.code(),
        Some(1)
    );
}

#[test]
fn one_bad_entry_does_not_stop_the_others() {
    let o = authlens(&[
        "har",
        "--json",
        "--all",
        "tests/fixtures/har/broken-wrong-types.har",
    ]);
    assert!(o.status.success());
    let v = json(&o);
    assert!(
        v["exchanges"].as_array().unwrap().len() >= 2,
        "the good entries are analysed"
    );
    let d = &v["diagnostics"][0];
    assert!(
        d["entry"].is_u64() && d["line"].is_u64() && d["column"].is_u64(),
        "{d}"
    );
}

#[test]
fn sanitized_har_is_called_out_and_not_reported_as_missing_credentials() {
    let o = authlens(&["har", "tests/fixtures/har/chrome-sanitized.har"]);
    assert!(stdout(&o).contains("looks sanitized"), "{}", stdout(&o));
    let v = json(&authlens(&[
        "har",
        "--json",
        "tests/fixtures/har/chrome-sanitized.har",
    ]));
    assert_eq!(v["sanitization"]["likely_sanitized"], true);
    for e in v["exchanges"].as_array().unwrap() {
        for f in e["findings"].as_array().unwrap() {
            assert_ne!(
                f["id"], "missing-credentials",
                "the export removed them; the request had them"
            );
            assert_ne!(f["id"], "cookie-not-sent");
        }
    }
}

#[test]
fn har_redact_writes_a_har_that_diagnoses_the_same_without_the_secret() {
    let src = "tests/fixtures/rules/token-expired/positive.har";
    let out = std::env::temp_dir().join(format!("authlens-cli-redact-{}.har", std::process::id()));
    let o = authlens(&["har", "--redact", out.to_str().unwrap(), src]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("JWS signature"),
        "the summary says what was removed: {}",
        stdout(&o)
    );
    let original = json(&authlens(&["har", "--json", src]));
    let redacted = json(&authlens(&["har", "--json", out.to_str().unwrap()]));
    assert_eq!(original["summary"], redacted["summary"]);
    // The signature of the fixture's token must be gone from the file.
    let har: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(src).unwrap()).unwrap();
    let auth = har["log"]["entries"][1]["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| {
            h["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("authorization")
        })
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    let signature = auth.rsplit('.').next().unwrap();
    assert!(signature.len() > 20);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(!written.contains(signature));
    let _ = std::fs::remove_file(out);
}

#[test]
fn report_markdown_names_the_failure_and_the_fix() {
    let o = authlens(&["report", "tests/fixtures/rules/token-expired/positive.har"]);
    assert!(o.status.success());
    let md = stdout(&o);
    assert!(md.starts_with("# "), "{md}");
    assert!(
        md.contains("token-expired") && md.contains("refresh-token"),
        "{md}"
    );
    let j = json(&authlens(&[
        "report",
        "--json",
        "tests/fixtures/rules/token-expired/positive.har",
    ]));
    assert!(j.is_object());
}
