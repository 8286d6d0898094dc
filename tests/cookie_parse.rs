//! Cookie and Set-Cookie parsing: RFC 6265 / 6265bis examples and hostile input.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::cookie::{
    parse_cookie_header, parse_set_cookie, Prefix, Priority, SameSite, SetCookie,
};
use authlens::diagnostic::Severity;
use authlens::time::Timestamp;

fn codes(c: &SetCookie) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn rfc_6265_section_3_1_examples() {
    let sid = parse_set_cookie("SID=31d4d96e407aad42; Path=/; Secure; HttpOnly");
    assert_eq!(
        (sid.name.as_str(), sid.value.as_str()),
        ("SID", "31d4d96e407aad42")
    );
    assert_eq!(sid.path.as_deref(), Some("/"));
    assert!(sid.secure && sid.http_only);
    assert_eq!(sid.domain, None);
    assert!(codes(&sid).is_empty());

    let lang = parse_set_cookie("lang=en-US; Path=/; Domain=example.com");
    assert_eq!(lang.value, "en-US");
    assert_eq!(lang.domain.as_deref(), Some("example.com"));
    assert!(!lang.secure);
    assert!(codes(&lang).is_empty());

    let expires = parse_set_cookie("lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT");
    assert_eq!(
        expires.expires,
        Some(Timestamp::from_unix_secs(1_623_233_894))
    );

    let delete = parse_set_cookie("lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(delete.value, "");
    assert_eq!(delete.expires, Some(Timestamp(784_111_777_000)));
    assert!(!delete.ignored);

    let header = parse_cookie_header("SID=31d4d96e407aad42; lang=en-US");
    let pairs: Vec<_> = header
        .pairs
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str(), p.offset))
        .collect();
    assert_eq!(
        pairs,
        vec![("SID", "31d4d96e407aad42", 0), ("lang", "en-US", 22)]
    );
    assert!(header.diagnostics.is_empty());
    assert_eq!(header.get("lang"), Some("en-US"));
}

#[test]
fn cookie_header_diagnostics_table() {
    // (header, expected codes with offsets, number of pairs)
    type Case = (&'static str, Vec<(&'static str, usize)>, usize);
    let cases: Vec<Case> = vec![
        ("a=1; b=2;", vec![], 2),
        ("", vec![], 0),
        ("a=1;; b=2", vec![("empty-pair", 4)], 2),
        ("; a=1", vec![("empty-pair", 0)], 1),
        ("a=1;b=2", vec![("missing-space", 4)], 2),
        ("a=1; flag", vec![("missing-equals", 5)], 2),
        ("=v", vec![("empty-name", 0)], 1),
        ("sid=1; sid=2", vec![("duplicate-name", 7)], 2),
        ("a=\"quoted\"", vec![("quoted-value", 2)], 1),
        ("a=x y", vec![("invalid-value-char", 3)], 1),
        ("a=\u{e9}t\u{e9}", vec![("non-ascii", 2)], 1),
        ("a b=1", vec![("invalid-name-char", 1)], 1),
        ("a=1\u{7}", vec![("control-character", 3)], 1),
        (
            "a=\"in\"side\"",
            vec![("quoted-value", 2), ("invalid-value-char", 5)],
            1,
        ),
    ];
    for (input, expected, pairs) in cases {
        let parsed = parse_cookie_header(input);
        let got: Vec<_> = parsed
            .diagnostics
            .iter()
            .map(|d| (d.code, d.offset))
            .collect();
        assert_eq!(got, expected, "{input:?}");
        assert_eq!(parsed.pairs.len(), pairs, "{input:?}");
    }
}

#[test]
fn cookie_header_keeps_duplicates_in_order_and_nameless_cookies() {
    let h = parse_cookie_header("session=old; theme=dark; session=new; orphan");
    assert_eq!(h.get_all("session").collect::<Vec<_>>(), vec!["old", "new"]);
    assert_eq!(h.get("session"), Some("old"));
    let last = h.pairs.last().unwrap();
    assert_eq!((last.name.as_str(), last.value.as_str()), ("", "orphan"));
}

#[test]
fn huge_cookie_header_is_flagged() {
    let big = format!("blob={}", "x".repeat(9000));
    let h = parse_cookie_header(&big);
    let got: Vec<_> = h.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(got, vec!["header-too-large", "cookie-too-large"]);
}

#[test]
fn set_cookie_attributes_table() {
    let c = parse_set_cookie(
        " id = a3fWa ; Max-Age=2592000; Domain=.Example.COM; path=/app; secure; HTTPONLY; SameSite=lax; Partitioned; Priority=High; Version=1",
    );
    assert_eq!((c.name.as_str(), c.value.as_str()), ("id", "a3fWa"));
    assert_eq!(c.max_age, Some(2_592_000));
    assert_eq!(c.domain.as_deref(), Some("example.com"));
    assert_eq!(c.path.as_deref(), Some("/app"));
    assert!(c.secure && c.http_only && c.partitioned);
    assert_eq!(c.same_site, Some(SameSite::Lax));
    assert_eq!(c.priority, Some(Priority::High));
    assert_eq!(c.unknown.len(), 1);
    assert_eq!(c.unknown[0].name, "Version");
    assert_eq!(c.unknown[0].value.as_deref(), Some("1"));
    assert_eq!(codes(&c), vec!["unknown-attribute"]);
}

#[test]
fn set_cookie_diagnostics_table() {
    // (header, codes, ignored)
    let cases: Vec<(&str, Vec<&str>, bool)> = vec![
        ("a=b; Expires=tomorrow", vec!["invalid-expires"], false),
        ("a=b; Max-Age=1h", vec!["invalid-max-age"], false),
        ("a=b; Max-Age=+5", vec!["invalid-max-age"], false),
        ("a=b; Max-Age=", vec!["invalid-max-age"], false),
        ("a=b; Domain=", vec!["empty-domain"], false),
        (
            "a=b; Domain=https://example.com",
            vec!["invalid-domain"],
            false,
        ),
        ("a=b; Path=app", vec!["invalid-path"], false),
        ("a=b; SameSite=Relaxed", vec!["invalid-same-site"], false),
        ("a=b; Priority=urgent", vec!["invalid-priority"], false),
        ("a=b; Secure=false", vec!["attribute-value-ignored"], false),
        ("a=b; Path=/a; Path=/b", vec!["duplicate-attribute"], false),
        (
            "a=b; SameSite=None",
            vec!["same-site-none-without-secure"],
            false,
        ),
        (
            "a=b; Partitioned",
            vec!["partitioned-without-secure"],
            false,
        ),
        ("token", vec!["missing-equals"], false),
        ("=", vec!["empty-cookie"], true),
        (
            "a=b\u{0}c",
            vec!["control-character", "control-character"],
            true,
        ),
        (
            "a=b; Comment=x\ny",
            vec!["control-character", "unknown-attribute"],
            true,
        ),
        ("na me=v", vec!["invalid-name-char"], false),
        ("n=\"v\"", vec!["quoted-value"], false),
        ("a=b; HttpOnly; Secure; SameSite=None", vec![], false),
    ];
    for (input, expected, ignored) in cases {
        let c = parse_set_cookie(input);
        assert_eq!(codes(&c), expected, "{input:?}");
        assert_eq!(c.ignored, ignored, "{input:?}");
    }
}

#[test]
fn set_cookie_offsets_point_at_the_problem() {
    let input = "a=b; Path=/; Max-Age=soon";
    let c = parse_set_cookie(input);
    let d = &c.diagnostics[0];
    assert_eq!(d.code, "invalid-max-age");
    assert_eq!(&input[d.offset..], "Max-Age=soon");
    let input = "na\u{e9}me=v";
    let c = parse_set_cookie(input);
    assert_eq!(
        (c.diagnostics[0].code, c.diagnostics[0].offset),
        ("non-ascii", 2)
    );
}

#[test]
fn expires_browser_variants_and_last_wins() {
    let cases = [
        ("Wed, 09 Jun 2021 10:18:14 GMT", 1_623_233_894),
        ("Wednesday, 09-Jun-21 10:18:14 GMT", 1_623_233_894),
        ("Wed, 09-Jun-2021 10:18:14 GMT", 1_623_233_894),
        ("Wed Jun  9 10:18:14 2021", 1_623_233_894),
    ];
    for (date, secs) in cases {
        let c = parse_set_cookie(&format!("a=b; expires={date}"));
        assert_eq!(c.expires, Some(Timestamp::from_unix_secs(secs)), "{date}");
        assert!(c.diagnostics.is_empty(), "{date}");
    }
    let c = parse_set_cookie("a=b; Max-Age=10; Max-Age=-1");
    assert_eq!(c.max_age, Some(-1));
    let c = parse_set_cookie("a=b; Max-Age=99999999999999999999999");
    assert_eq!(c.max_age, Some(i64::MAX));
}

#[test]
fn same_site_values_and_default() {
    let cases = [
        (
            "a=b; SameSite=Strict",
            Some(SameSite::Strict),
            SameSite::Strict,
        ),
        ("a=b; SameSite=lax", Some(SameSite::Lax), SameSite::Lax),
        (
            "a=b; SameSite=NONE; Secure",
            Some(SameSite::None),
            SameSite::None,
        ),
        ("a=b", None, SameSite::Lax),
        ("a=b; SameSite=bogus", None, SameSite::Lax),
        ("a=b; SameSite", None, SameSite::Lax),
    ];
    for (input, parsed, effective) in cases {
        let c = parse_set_cookie(input);
        assert_eq!(c.same_site, parsed, "{input}");
        assert_eq!(c.same_site_effective(), effective, "{input}");
    }
}

#[test]
fn rfc_6265bis_prefix_examples() {
    // RFC 6265bis §4.1.3.1 and §4.1.3.2.
    let cases = [
        (
            "__Secure-SID=12345; Domain=site.example",
            Some(Prefix::Secure),
            false,
        ),
        (
            "__Secure-SID=12345; Secure; Domain=site.example",
            Some(Prefix::Secure),
            true,
        ),
        ("__Host-SID=12345", Some(Prefix::Host), false),
        ("__Host-SID=12345; Secure", Some(Prefix::Host), false),
        (
            "__Host-SID=12345; Domain=site.example",
            Some(Prefix::Host),
            false,
        ),
        (
            "__Host-SID=12345; Domain=site.example; Path=/",
            Some(Prefix::Host),
            false,
        ),
        (
            "__Host-SID=12345; Secure; Domain=site.example; Path=/",
            Some(Prefix::Host),
            false,
        ),
        ("__Host-SID=12345; Secure; Path=/", Some(Prefix::Host), true),
        ("__host-sid=12345; Path=/", Some(Prefix::Host), false),
        ("_Host-SID=1", None, true),
    ];
    for (input, prefix, ok) in cases {
        let c = parse_set_cookie(input);
        assert_eq!(c.prefix(), prefix, "{input}");
        assert_eq!(c.prefix_violation().is_none(), ok, "{input}");
        let flagged = c.diagnostics.iter().any(|d| d.code == "prefix-violation");
        assert_eq!(flagged, !ok, "{input}");
    }
}

#[test]
fn secrets_are_masked_in_debug_and_views() {
    let secret = "s3cr3t-session-value-0123456789";
    let c = parse_set_cookie(&format!("sid={secret}; Secure; HttpOnly; Path=/"));
    assert!(!format!("{c:?}").contains(secret));
    let view = c.masked();
    assert_eq!(view.cookie.name, "sid");
    assert_eq!(view.cookie.length, secret.len());
    assert_eq!(view.cookie.value, "s3cr…[31 chars]");
    let json = serde_json::to_string(&view).unwrap();
    assert!(!json.contains(secret), "{json}");
    assert!(json.contains("\"http_only\":true"));

    let h = parse_cookie_header(&format!("sid={secret}; theme=dark"));
    assert!(!format!("{h:?}").contains(secret));
    let masked = serde_json::to_string(&h.masked()).unwrap();
    assert!(!masked.contains(secret), "{masked}");
    assert!(masked.contains("\"length\":4"));
}

#[test]
fn errors_are_errors_and_hints_are_not() {
    let c = parse_set_cookie("a=b; SameSite=None");
    assert_eq!(c.diagnostics[0].severity, Severity::Error);
    let c = parse_set_cookie("a=b; Foo");
    assert_eq!(c.diagnostics[0].severity, Severity::Info);
}

#[test]
fn regression_attribute_values_over_1024_bytes_are_ignored() {
    let c = parse_set_cookie(&format!("a=b; Path=/{}", "p".repeat(1100)));
    assert_eq!(c.path, None);
    assert_eq!(codes(&c), vec!["attribute-too-long"]);
}
