//! Cookie policy: expiry, deletion, domain and path matching, would_send.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::cookie::{
    default_path, domain_matches, expires_at, is_deletion, parse_set_cookie, path_matches,
    would_send, CookieUrl, NotSentReason, Prefix, SetOn, SiteContext, MAX_LIFETIME_SECS,
};
use authlens::time::Timestamp;

const T0: Timestamp = Timestamp(1_772_442_845_000); // 2026-03-02 09:14:05 UTC

fn secs(s: i64) -> Timestamp {
    Timestamp(T0.0 + s * 1000)
}

#[test]
fn expiry_table() {
    // (header, expires_at relative to T0 in seconds (None = session), is_deletion)
    let cases = [
        ("a=b", None, false),
        ("a=b; Max-Age=60", Some(60), false),
        ("a=b; Max-Age=0", Some(0), true),
        ("a=b; Max-Age=-1", Some(0), true),
        // Max-Age wins over Expires, whichever comes first (RFC 6265 §5.3).
        (
            "a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60",
            Some(60),
            false,
        ),
        (
            "a=b; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            Some(60),
            false,
        ),
        (
            "a=b; Expires=Mon, 02 Mar 2026 10:14:05 GMT",
            Some(3600),
            false,
        ),
        ("a=b; Expires=Mon, 02 Mar 2026 09:14:05 GMT", Some(0), true),
        // The 400-day cap.
        ("a=b; Max-Age=999999999", Some(MAX_LIFETIME_SECS), false),
        (
            "a=b; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
            Some(MAX_LIFETIME_SECS),
            false,
        ),
        // An unreadable Expires makes a session cookie, not a deletion.
        ("a=b; Expires=0", None, false),
    ];
    for (header, at, deletion) in cases {
        let c = parse_set_cookie(header);
        assert_eq!(expires_at(&c, T0), at.map(secs), "{header}");
        assert_eq!(is_deletion(&c, T0), deletion, "{header}");
    }
    let past = parse_set_cookie("a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(expires_at(&past, T0), Some(Timestamp(0)));
    assert!(is_deletion(&past, T0));
}

#[test]
fn domain_match_table_rfc_6265_section_5_1_3() {
    let cases = [
        ("example.com", "example.com", true),
        ("example.com", "EXAMPLE.com", true),
        (".example.com", "www.example.com", true),
        ("example.com", "a.b.example.com", true),
        ("example.com", "badexample.com", false),
        ("www.example.com", "example.com", false),
        ("example.com", "example.com.evil.net", false),
        ("0.0.1", "192.168.0.1", false),
        ("192.168.0.1", "192.168.0.1", true),
        ("", "example.com", false),
        ("com", "example.com", true),
    ];
    for (domain, host, expected) in cases {
        assert_eq!(domain_matches(domain, host), expected, "{domain} vs {host}");
    }
}

#[test]
fn path_match_table_rfc_6265_section_5_1_4() {
    let cases = [
        ("/", "/", true),
        ("/", "/anything", true),
        ("/api", "/api", true),
        ("/api", "/api/v1", true),
        ("/api/", "/api/v1", true),
        ("/api", "/apiary", false),
        ("/api/v1", "/api", false),
        ("/API", "/api", false),
    ];
    for (cookie, request, expected) in cases {
        assert_eq!(
            path_matches(cookie, request),
            expected,
            "{cookie} vs {request}"
        );
    }
    let defaults = [
        ("/", "/"),
        ("", "/"),
        ("/login", "/"),
        ("/oauth/token", "/oauth"),
        ("/a/b/c/", "/a/b/c"),
        ("weird", "/"),
    ];
    for (path, expected) in defaults {
        assert_eq!(default_path(path), expected, "{path}");
    }
}

fn https<'a>(host: &'a str, path: &'a str) -> CookieUrl<'a> {
    CookieUrl {
        secure: true,
        host,
        path,
    }
}

fn http<'a>(host: &'a str, path: &'a str) -> CookieUrl<'a> {
    CookieUrl {
        secure: false,
        host,
        path,
    }
}

#[test]
fn would_send_table() {
    let app = https("app.example.com", "/login");
    let same = SiteContext::same_site();
    let xhr = SiteContext::cross_site_subresource();
    let nav_get = SiteContext::cross_site_navigation("GET");
    let nav_post = SiteContext::cross_site_navigation("post");
    type Case<'a> = (
        &'a str,
        CookieUrl<'a>,
        CookieUrl<'a>,
        SiteContext,
        i64,
        Result<(), NotSentReason>,
    );
    let cases: Vec<Case> = vec![
        (
            "sid=1; Path=/; Secure; HttpOnly",
            app,
            https("app.example.com", "/api"),
            same,
            10,
            Ok(()),
        ),
        (
            "sid=1; Secure",
            app,
            https("app.example.com", "/"),
            same,
            10,
            Ok(()),
        ),
        // Set-time rejections.
        (
            "sid=1; SameSite=None",
            app,
            app,
            same,
            10,
            Err(NotSentReason::SameSiteNoneWithoutSecure),
        ),
        (
            "sid=1; Partitioned",
            app,
            app,
            same,
            10,
            Err(NotSentReason::PartitionedWithoutSecure),
        ),
        (
            "sid=1; Secure",
            http("app.example.com", "/"),
            app,
            same,
            10,
            Err(NotSentReason::SecureSetOverHttp),
        ),
        (
            "__Host-sid=1; Secure",
            app,
            app,
            same,
            10,
            Err(NotSentReason::PrefixViolation {
                prefix: Prefix::Host,
            }),
        ),
        (
            "__Secure-sid=1",
            app,
            app,
            same,
            10,
            Err(NotSentReason::PrefixViolation {
                prefix: Prefix::Secure,
            }),
        ),
        (
            "sid=1; Domain=other.com",
            app,
            app,
            same,
            10,
            Err(NotSentReason::DomainNotMatchingSetter),
        ),
        ("=", app, app, same, 10, Err(NotSentReason::Malformed)),
        // Expiry.
        ("sid=1; Max-Age=60", app, app, same, 59, Ok(())),
        (
            "sid=1; Max-Age=60",
            app,
            app,
            same,
            60,
            Err(NotSentReason::Expired),
        ),
        (
            "sid=; Max-Age=0",
            app,
            app,
            same,
            0,
            Err(NotSentReason::Expired),
        ),
        // Send-time.
        (
            "sid=1; Secure",
            app,
            http("app.example.com", "/"),
            same,
            10,
            Err(NotSentReason::SecureOverHttp),
        ),
        (
            "sid=1",
            app,
            https("api.example.com", "/"),
            same,
            10,
            Err(NotSentReason::DomainMismatch),
        ),
        (
            "sid=1; Domain=example.com",
            app,
            https("api.example.com", "/"),
            same,
            10,
            Ok(()),
        ),
        (
            "sid=1; Path=/admin",
            app,
            https("app.example.com", "/api"),
            same,
            10,
            Err(NotSentReason::PathMismatch),
        ),
        // Default path of /login is /, of /oauth/token is /oauth.
        (
            "sid=1",
            https("app.example.com", "/oauth/token"),
            https("app.example.com", "/api"),
            same,
            10,
            Err(NotSentReason::PathMismatch),
        ),
        (
            "sid=1",
            https("app.example.com", "/oauth/token"),
            https("app.example.com", "/oauth/authorize"),
            same,
            10,
            Ok(()),
        ),
        // SameSite (RFC 6265bis §5.8.3).
        (
            "sid=1; SameSite=Strict",
            app,
            app,
            nav_get,
            10,
            Err(NotSentReason::SameSiteStrictCrossSite),
        ),
        (
            "sid=1; SameSite=Lax",
            app,
            app,
            xhr,
            10,
            Err(NotSentReason::SameSiteLaxCrossSiteSubresource { by_default: false }),
        ),
        (
            "sid=1",
            app,
            app,
            xhr,
            10,
            Err(NotSentReason::SameSiteLaxCrossSiteSubresource { by_default: true }),
        ),
        ("sid=1; SameSite=Lax", app, app, nav_get, 10, Ok(())),
        (
            "sid=1; SameSite=Lax",
            app,
            app,
            nav_post,
            10,
            Err(NotSentReason::SameSiteLaxCrossSiteUnsafeMethod { by_default: false }),
        ),
        ("sid=1; SameSite=None; Secure", app, app, xhr, 10, Ok(())),
        ("sid=1; SameSite=Strict", app, app, same, 10, Ok(())),
        // Loopback is a secure context for cookies.
        (
            "sid=1; Secure",
            http("localhost", "/"),
            http("localhost", "/api"),
            same,
            10,
            Ok(()),
        ),
        (
            "sid=1; Secure",
            http("127.0.0.1", "/"),
            http("127.0.0.1", "/"),
            same,
            10,
            Ok(()),
        ),
        (
            "sid=1; Secure",
            http("dev.localhost", "/"),
            http("dev.localhost", "/"),
            same,
            10,
            Ok(()),
        ),
    ];
    for (header, set_url, request, site, at, expected) in cases {
        let cookie = parse_set_cookie(header);
        let set_on = SetOn {
            url: set_url,
            received_at: T0,
        };
        assert_eq!(
            would_send(&cookie, set_on, request, site, secs(at)),
            expected,
            "{header} set on {set_url:?}, sent to {request:?} ({site:?})"
        );
    }
}

#[test]
fn reasons_have_stable_codes_and_lowercase_messages() {
    let reasons = [
        NotSentReason::Malformed,
        NotSentReason::SameSiteNoneWithoutSecure,
        NotSentReason::PartitionedWithoutSecure,
        NotSentReason::SecureSetOverHttp,
        NotSentReason::PrefixViolation {
            prefix: Prefix::Secure,
        },
        NotSentReason::PrefixViolation {
            prefix: Prefix::Host,
        },
        NotSentReason::DomainNotMatchingSetter,
        NotSentReason::Expired,
        NotSentReason::SecureOverHttp,
        NotSentReason::DomainMismatch,
        NotSentReason::PathMismatch,
        NotSentReason::SameSiteStrictCrossSite,
        NotSentReason::SameSiteLaxCrossSiteSubresource { by_default: true },
        NotSentReason::SameSiteLaxCrossSiteUnsafeMethod { by_default: false },
    ];
    for r in reasons {
        let code = r.code();
        assert!(
            code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{code}"
        );
        let message = r.to_string();
        assert!(!message.is_empty());
        assert!(message.starts_with(|c: char| c.is_lowercase()), "{message}");
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(json["code"], code);
    }
    assert!(NotSentReason::SecureSetOverHttp.rejected_when_set());
    assert!(!NotSentReason::PathMismatch.rejected_when_set());
}
