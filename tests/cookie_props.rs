//! Property tests for the cookie parsers: never panic, offsets in range, round-trips.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::cookie::{
    domain_matches, parse_cookie_header, parse_set_cookie, path_matches, would_send, CookieUrl,
    SameSite, SetOn, SiteContext,
};
use authlens::time::Timestamp;
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_!#$%&'*+.^`|~-]{1,12}"
}

fn value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'()*+./:<=>?@\\[\\]^_`{|}~-]{0,24}"
}

proptest! {
    #[test]
    fn cookie_header_never_panics(input in any::<String>()) {
        let parsed = parse_cookie_header(&input);
        for d in &parsed.diagnostics {
            prop_assert!(d.offset <= input.len());
        }
        for p in &parsed.pairs {
            prop_assert!(input.is_char_boundary(p.offset));
        }
    }

    #[test]
    fn set_cookie_never_panics(input in any::<String>()) {
        let c = parse_set_cookie(&input);
        for d in &c.diagnostics {
            prop_assert!(d.offset <= input.len());
        }
        let _ = c.masked();
        let url = CookieUrl { secure: true, host: "example.com", path: "/" };
        let set_on = SetOn { url, received_at: Timestamp(0) };
        let _ = would_send(&c, set_on, url, SiteContext::cross_site_subresource(), Timestamp(1));
    }

    #[test]
    fn cookie_like_text_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just(";".to_string()), Just("=".to_string()), Just(" ".to_string()),
            Just("\"".to_string()), Just("Expires=".to_string()), Just("Max-Age=".to_string()),
            Just("Domain=.".to_string()), Just("SameSite=".to_string()), Just("__Host-".to_string()),
            "[a-zA-Z0-9,:-]{0,6}",
        ],
        0..40,
    )) {
        let text = parts.concat();
        let _ = parse_set_cookie(&text);
        let _ = parse_cookie_header(&text);
    }

    #[test]
    fn cookie_header_round_trips(pairs in proptest::collection::vec((name(), value()), 1..8)) {
        let header = pairs
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let parsed = parse_cookie_header(&header);
        let got: Vec<_> = parsed.pairs.iter().map(|p| (p.name.clone(), p.value.clone())).collect();
        prop_assert_eq!(got, pairs);
        for d in &parsed.diagnostics {
            // Only duplicates can be reported for well-formed pairs.
            prop_assert_eq!(d.code, "duplicate-name");
        }
    }

    #[test]
    fn set_cookie_round_trips(
        n in name(),
        v in value(),
        max_age in proptest::option::of(-10i64..100_000_000),
        domain in proptest::option::of("[a-z]{1,8}(\\.[a-z]{2,5}){1,2}"),
        path in proptest::option::of("(/[a-z0-9]{0,6}){1,3}"),
        secure in any::<bool>(),
        http_only in any::<bool>(),
        same_site in proptest::option::of(prop_oneof![Just(SameSite::Strict), Just(SameSite::Lax), Just(SameSite::None)]),
    ) {
        let mut header = format!("{n}={v}");
        if let Some(m) = max_age { header.push_str(&format!("; Max-Age={m}")); }
        if let Some(d) = &domain { header.push_str(&format!("; Domain={d}")); }
        if let Some(p) = &path { header.push_str(&format!("; Path={p}")); }
        if secure { header.push_str("; Secure"); }
        if http_only { header.push_str("; HttpOnly"); }
        if let Some(s) = same_site { header.push_str(&format!("; SameSite={}", s.as_str())); }
        let c = parse_set_cookie(&header);
        prop_assert_eq!(&c.name, &n);
        prop_assert_eq!(&c.value, &v);
        prop_assert_eq!(c.max_age, max_age);
        prop_assert_eq!(&c.domain, &domain);
        prop_assert_eq!(&c.path, &path);
        prop_assert_eq!((c.secure, c.http_only, c.same_site), (secure, http_only, same_site));
        prop_assert!(!c.ignored);
    }

    #[test]
    fn domain_and_path_matching_are_reflexive(host in "[a-z]{1,8}(\\.[a-z]{1,8}){0,3}", sub in "[a-z]{1,8}", path in "(/[a-z]{0,5}){1,4}") {
        prop_assert!(domain_matches(&host, &host));
        let child = format!("{sub}.{host}");
        prop_assert!(domain_matches(&host, &child));
        prop_assert!(!domain_matches(&child, &host));
        prop_assert!(path_matches(&path, &path));
        prop_assert!(path_matches("/", &path));
    }
}
