//! Property tests: any sequence of arbitrary (hostile) exchanges never panics the analyzer,
//! its retained state stays within the configured bound, every emitted id is catalogued,
//! findings are ranked, and every fix they name renders.

// Test helpers outside #[test] functions: a panic here is a failing test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use authlens::diagnose::{priority, Analyzer, Config, CATALOGUE};
use authlens::exchange::{Body, Exchange, Headers, Request, Response};
use authlens::fixes::{self, FixContext};
use authlens::time::Timestamp;
use proptest::prelude::*;

const JWT_EXPIRED: &str = "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsImlhdCI6MTcwMDAwMDAwMCwiYXVkIjoiaHR0cHM6Ly9vdGhlci5leGFtcGxlIiwic2NvcGUiOiJhIGIifQ.c2ln";
const JWT_NONE: &str = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ -~]{0,40}",
        2 => "\\PC{0,60}",
        1 => any::<String>(),
        1 => Just(String::new()),
    ]
}

fn header_value(name: &'static str) -> BoxedStrategy<String> {
    match name {
        "authorization" => prop_oneof![
            Just(format!("Bearer {JWT_EXPIRED}")),
            Just(format!("Bearer {JWT_NONE}")),
            Just("Bearer undefined".to_string()),
            Just("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".to_string()),
            Just(format!("Bearer Bearer \"{JWT_EXPIRED}\"")),
            Just("Digest username=\"u\", response=\"x\"".to_string()),
            Just("DPoP abc".to_string()),
            text().prop_map(|t| format!("Bearer {t}")),
            text(),
        ]
        .boxed(),
        "www-authenticate" | "proxy-authenticate" => prop_oneof![
            Just("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"The access token expired\"".to_string()),
            Just("Bearer error=\"insufficient_scope\", scope=\"a b c\"".to_string()),
            Just("Digest realm=\"r\", nonce=\"n\", stale=true".to_string()),
            Just("DPoP error=\"use_dpop_nonce\"".to_string()),
            Just("Basic realm=\"unterminated".to_string()),
            text(),
        ]
        .boxed(),
        "set-cookie" => prop_oneof![
            Just("sid=abc; Path=/; HttpOnly; SameSite=None".to_string()),
            Just("session=; Max-Age=0; Path=/".to_string()),
            Just("__Host-sid=x; Secure; Path=/app; Domain=example.com".to_string()),
            text(),
        ]
        .boxed(),
        "cookie" => prop_oneof![Just("sid=abc; _ga=1".to_string()), text()].boxed(),
        "date" => prop_oneof![
            Just("Sat, 21 Nov 2026 10:00:00 GMT".to_string()),
            Just("Sat, 21 Nov 2026 10:30:00 GMT".to_string()),
            text(),
        ]
        .boxed(),
        "location" => prop_oneof![
            Just("/login?next=%2F".to_string()),
            Just("https://other.example/x".to_string()),
            Just("//cdn.example/y".to_string()),
            text(),
        ]
        .boxed(),
        "cache-control" => prop_oneof![Just("public, max-age=600".to_string()), Just("max-age=-1".to_string()), text()].boxed(),
        _ => text().boxed(),
    }
}

const NAMES: &[&str] = &[
    "authorization",
    "www-authenticate",
    "proxy-authenticate",
    "set-cookie",
    "cookie",
    "date",
    "location",
    "cache-control",
    "age",
    "x-cache",
    "x-served-by",
    "server",
    "cf-ray",
    "x-amzn-errortype",
    "dpop",
    "dpop-nonce",
    "origin",
    "access-control-request-method",
    "sec-fetch-site",
    "vary",
    "x-api-key",
];

fn headers() -> impl Strategy<Value = Headers> {
    prop::collection::vec(prop::sample::select(NAMES), 0..8).prop_flat_map(|names| {
        names
            .into_iter()
            .map(|n| header_value(n).prop_map(move |v| (n, v)))
            .collect::<Vec<_>>()
            .prop_map(|pairs| pairs.into_iter().collect::<Headers>())
    })
}

fn body() -> impl Strategy<Value = Option<Body>> {
    prop::option::of(
        (
            prop_oneof![
                Just("application/json".to_string()),
                Just("text/html".to_string()),
                text()
            ],
            prop_oneof![
                Just(r#"{"error":"invalid_grant"}"#.to_string()),
                Just(r#"{"error":{"code":1,"message":"m"}}"#.to_string()),
                Just("<html>Attention Required! | Cloudflare Ray ID</html>".to_string()),
                Just("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_string()),
                text(),
            ],
            prop::option::of(prop_oneof![Just("base64".to_string()), text()]),
        )
            .prop_map(|(mime_type, text, encoding)| Body {
                mime_type,
                text,
                encoding,
            }),
    )
}

fn url() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["https://", "http://", "", "wss://", "https://user:pw@"][..]),
        prop::sample::select(
            &[
                "api.example.com",
                "app.example.com",
                "127.0.0.1:8401",
                "[::1]",
                "id.example.com",
                "x",
            ][..],
        ),
        prop::sample::select(&["/v1/me", "/oauth/token", "/login", "/", "/auth/refresh", ""][..]),
        prop::option::of(prop_oneof![
            Just("access_token=abcdefghijklmnopq".to_string()),
            Just("grant_type=refresh_token".to_string()),
            text()
        ]),
    )
        .prop_map(|(s, h, p, q)| match q {
            Some(q) => format!("{s}{h}{p}?{q}"),
            None => format!("{s}{h}{p}"),
        })
}

fn exchange() -> impl Strategy<Value = Exchange> {
    (
        (
            prop::sample::select(&["GET", "POST", "OPTIONS", "PUT", "", "get"][..]),
            url(),
            headers(),
            body(),
        ),
        (
            prop_oneof![
                prop::sample::select(
                    &[0u16, 200, 204, 301, 302, 304, 307, 400, 401, 403, 407, 500][..]
                ),
                any::<u16>()
            ],
            headers(),
            body(),
            prop::option::of(url()),
        ),
        (
            prop::option::of(prop_oneof![
                (1_795_000_000_000i64..1_796_000_000_000i64).boxed(),
                any::<i64>().boxed(),
            ]),
            prop::option::of(prop_oneof![
                Just(f64::NAN),
                Just(f64::INFINITY),
                Just(-1.0),
                0.0f64..5000.0
            ]),
            prop::option::of(prop::sample::select(
                &["fetch", "xhr", "preflight", "document", "script"][..],
            )),
            prop::option::of(prop::sample::select(&["disk", "memory", ""][..])),
            prop::option::of("[0-9.]{1,15}"),
        ),
    )
        .prop_map(
            |(
                (method, url, req_h, req_b),
                (status, res_h, res_b, redirect),
                (start, time, rt, cache, ip),
            )| Exchange {
                index: 0,
                started_at: start.map(Timestamp),
                time_ms: time,
                request: Request {
                    method: method.to_string(),
                    url,
                    http_version: "h2".into(),
                    headers: req_h,
                    body: req_b,
                },
                response: Response {
                    status,
                    status_text: String::new(),
                    http_version: "h2".into(),
                    headers: res_h,
                    body: res_b,
                    redirect_url: redirect,
                },
                resource_type: rt.map(str::to_string),
                from_cache: cache.map(str::to_string),
                server_ip: ip,
                initiator: None,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_sequences_never_panic_and_stay_bounded(list in prop::collection::vec(exchange(), 1..80)) {
        let config = Config { window: 8, max_origins: 3, max_cookies: 4, ..Config::default() };
        let mut an = Analyzer::new(config);
        for (i, mut ex) in list.into_iter().enumerate() {
            // Indexes as a UI would give them, with the odd duplicate.
            ex.index = if i % 17 == 16 { i - 1 } else { i };
            let update = an.push(ex.clone());
            prop_assert!(an.retained() <= an.retained_bound());
            let report = &update.report;
            let mut last = None;
            for f in &report.findings {
                prop_assert!(CATALOGUE.iter().any(|c| c.id == f.id), "{} not catalogued", f.id);
                prop_assert_eq!(f.entries.first(), Some(&report.index));
                let key = (f.severity, priority(f.id));
                if let Some(prev) = last {
                    prop_assert!(prev <= key, "findings out of rank order");
                }
                last = Some(key);
                for id in &f.fixes {
                    let ctx = FixContext::for_finding(f, Some(&ex));
                    prop_assert!(fixes::render(id, &ctx).is_some(), "{} does not render", id);
                }
            }
            for r in &update.revisions {
                prop_assert!(CATALOGUE.iter().any(|c| c.id == r.finding.id));
                prop_assert!(r.index <= i, "revision for a future exchange");
            }
            let _ = an.summary_line();
        }
    }

    #[test]
    fn fixes_render_for_arbitrary_exchanges(ex in exchange(), reveal in any::<bool>()) {
        for info in fixes::CATALOGUE {
            let ctx = FixContext::for_exchange(&ex).with_reveal(reveal);
            let fix = fixes::render(info.id, &ctx);
            prop_assert!(fix.is_some());
            prop_assert!(serde_json::to_string(&fix).is_ok());
        }
    }
}

#[test]
fn huge_capture_keeps_memory_flat() {
    // 20k exchanges over 500 origins, 50 cookies set, 100 tokens and 100 Cookie values with
    // a small config: every structure fills up and stays at its bound.
    let config = Config {
        window: 32,
        max_origins: 16,
        max_cookies: 8,
        ..Config::default()
    };
    let mut an = Analyzer::new(config);
    for i in 0..20_000usize {
        let mut ex = Exchange {
            index: i,
            ..Exchange::default()
        };
        ex.request.method = "GET".into();
        ex.request.url = format!("https://h{}.example.com/v1/x", i % 500);
        ex.response.status = if i % 7 == 0 { 401 } else { 200 };
        ex.response
            .headers
            .push("Set-Cookie", format!("sid{}=v; Path=/", i % 50));
        ex.request
            .headers
            .push("Authorization", format!("Bearer opaque-token-{}", i % 100));
        ex.request
            .headers
            .push("Cookie", format!("session=s{}", i % 100));
        ex.started_at = Some(Timestamp(1_795_255_200_000 + i as i64 * 10));
        an.push(ex);
        assert!(an.retained() <= an.retained_bound());
    }
    assert_eq!(an.retained(), an.retained_bound());
}
