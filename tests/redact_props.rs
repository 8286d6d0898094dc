//! Properties over generated exchanges: generated secrets, wherever they are placed, never
//! survive redaction in any encoding; the analysis of the redacted exchanges names the same
//! findings; redaction never panics on arbitrary header values, URLs and bodies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "redact_support.rs"]
mod support;

use authlens::exchange::{Body, Exchange, Headers, Request, Response};
use authlens::har::{parse_har, HarDocument};
use authlens::redact::{redact_document, redact_exchange, RedactOptions};
use proptest::prelude::*;

use support::*;

/// Where a generated secret goes.
#[derive(Debug, Clone)]
enum Place {
    BearerOpaque,
    BearerJwtSignature,
    BasicPassword,
    Cookie(String),
    SetCookie(String),
    ApiKey,
    Query(&'static str),
    Fragment,
    FormBody(&'static str),
    JsonRequest(&'static str),
    JsonResponse(&'static str),
    PathSegment,
    Userinfo,
    DigestResponse,
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        Just(Place::BearerOpaque),
        Just(Place::BearerJwtSignature),
        Just(Place::BasicPassword),
        "[a-z_]{1,10}".prop_map(Place::Cookie),
        "[a-z_]{1,10}".prop_map(Place::SetCookie),
        Just(Place::ApiKey),
        prop::sample::select(vec![
            "access_token",
            "token",
            "code",
            "api_key",
            "key",
            "sig",
            "client_secret",
            "refresh_token",
            "id_token",
            "password"
        ])
        .prop_map(Place::Query),
        Just(Place::Fragment),
        prop::sample::select(vec![
            "password",
            "client_secret",
            "refresh_token",
            "code",
            "code_verifier",
            "assertion"
        ])
        .prop_map(Place::FormBody),
        prop::sample::select(vec![
            "password",
            "client_secret",
            "refresh_token",
            "access_token",
            "client_assertion"
        ])
        .prop_map(Place::JsonRequest),
        prop::sample::select(vec!["access_token", "id_token", "refresh_token"])
            .prop_map(Place::JsonResponse),
        Just(Place::PathSegment),
        Just(Place::Userinfo),
        Just(Place::DigestResponse),
    ]
}

/// A secret that cannot be mistaken for a placeholder or appear by chance.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z][a-z]{3}[0-9]{3}[A-Z][A-Za-z0-9_-]{8,32}"
}

fn hex_secret() -> impl Strategy<Value = String> {
    "[0-9a-f]{32}"
}

fn exchange(index: usize, status: u16, placements: &[(Place, String)]) -> Exchange {
    let mut url = "https://api.example.com/v1/items".to_string();
    let mut query: Vec<String> = Vec::new();
    let mut fragment = None;
    let mut headers = Headers::new();
    let mut res_headers = Headers::new();
    let mut form: Vec<String> = Vec::new();
    let mut json_req = serde_json::Map::new();
    let mut json_res = serde_json::Map::new();
    for (place, s) in placements {
        match place {
            Place::BearerOpaque => headers.push("Authorization", format!("Bearer {s}")),
            Place::BearerJwtSignature => headers.push(
                "Authorization",
                format!(
                    "Bearer {}.{}.{s}",
                    b64u(br#"{"alg":"HS256"}"#),
                    b64u(br#"{"exp":1795255000,"aud":"api"}"#)
                ),
            ),
            Place::BasicPassword => {
                headers.push("Authorization", format!("Basic {}", b64(format!("user:{s}").as_bytes())))
            }
            Place::Cookie(name) => headers.push("Cookie", format!("{name}={s}; theme=dark")),
            Place::SetCookie(name) => {
                res_headers.push("Set-Cookie", format!("{name}={s}; Path=/; HttpOnly"))
            }
            Place::ApiKey => headers.push("X-API-Key", s.clone()),
            Place::Query(name) => query.push(format!("{name}={s}")),
            Place::Fragment => fragment = Some(format!("access_token={s}&token_type=bearer")),
            Place::FormBody(name) => form.push(format!("{name}={s}")),
            Place::JsonRequest(name) => {
                json_req.insert((*name).to_string(), s.clone().into());
            }
            Place::JsonResponse(name) => {
                json_res.insert((*name).to_string(), s.clone().into());
            }
            Place::PathSegment => url = format!("https://api.example.com/reset/{s}{s}"),
            Place::Userinfo => url = format!("https://user:{s}@api.example.com/v1/items"),
            Place::DigestResponse => headers.push(
                "Authorization",
                format!("Digest username=\"u\", realm=\"r\", uri=\"/v1/items\", nonce=\"n\", response=\"{s}\""),
            ),
        }
    }
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    let request_body = if !form.is_empty() {
        Some(Body {
            mime_type: "application/x-www-form-urlencoded".into(),
            text: format!("grant_type=refresh_token&{}", form.join("&")),
            encoding: None,
        })
    } else if !json_req.is_empty() {
        json_req.insert("grant_type".into(), "password".into());
        Some(Body {
            mime_type: "application/json".into(),
            text: serde_json::Value::Object(json_req).to_string(),
            encoding: None,
        })
    } else {
        None
    };
    let method = if request_body.is_some() {
        "POST"
    } else {
        "GET"
    };
    if request_body.is_some() {
        url = url.replace("/v1/items", "/oauth/token");
    }
    if status == 401 {
        res_headers.push("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }
    let response_body = (!json_res.is_empty()).then(|| Body {
        mime_type: "application/json".into(),
        text: serde_json::Value::Object(json_res).to_string(),
        encoding: None,
    });
    if let Some(f) = fragment {
        res_headers.push("Location", format!("https://app.example.com/cb#{f}"));
    }
    Exchange {
        index,
        started_at: Some(at_secs(index as i64)),
        request: Request {
            method: method.into(),
            url,
            http_version: "HTTP/1.1".into(),
            headers,
            body: request_body,
        },
        response: Response {
            status,
            http_version: "HTTP/1.1".into(),
            headers: res_headers,
            body: response_body,
            ..Response::default()
        },
        ..Exchange::default()
    }
}

fn capture() -> impl Strategy<Value = (Vec<Exchange>, Vec<String>)> {
    let one = (
        prop::sample::select(vec![200u16, 401, 403, 400]),
        prop::collection::vec((place(), secret(), hex_secret()), 1..4),
    );
    prop::collection::vec(one, 1..6).prop_map(|items| {
        let mut secrets = Vec::new();
        let exchanges = items
            .into_iter()
            .enumerate()
            .map(|(i, (status, ps))| {
                let placements: Vec<(Place, String)> = ps
                    .into_iter()
                    .map(|(p, s, h)| {
                        let s = if matches!(p, Place::DigestResponse) {
                            h
                        } else {
                            s
                        };
                        secrets.push(s.clone());
                        (p, s)
                    })
                    .collect();
                exchange(i, status, &placements)
            })
            .collect();
        (exchanges, secrets)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_secrets_never_survive((exchanges, secrets) in capture()) {
        let doc = HarDocument { exchanges, ..HarDocument::default() };
        for opts in [RedactOptions::default(), RedactOptions::default().with_bodies(true)] {
            let r = redact_document(&doc, &opts);
            let text = r.to_har() + &serde_json::to_string(&r.summary).unwrap();
            for s in &secrets {
                for e in encodings(s) {
                    prop_assert!(!text.contains(&e), "{} survived as {}", s, e);
                }
            }
        }
    }

    #[test]
    fn generated_captures_keep_their_findings((exchanges, _) in capture()) {
        let doc = HarDocument { exchanges: exchanges.clone(), ..HarDocument::default() };
        let r = redact_document(&doc, &RedactOptions::default());
        prop_assert_eq!(analyze(&exchanges), analyze(&r.document.exchanges));
        let back = parse_har(r.to_har().as_bytes()).unwrap();
        prop_assert_eq!(back.exchanges.len(), exchanges.len());
    }

    #[test]
    fn arbitrary_values_never_panic(
        name in "[A-Za-z-]{1,20}",
        value in "\\PC{0,200}",
        url in "\\PC{0,120}",
        body in "\\PC{0,300}",
        mime in prop::sample::select(vec!["application/json", "application/x-www-form-urlencoded", "text/html", ""]),
    ) {
        let mut headers = Headers::new();
        for n in [name.as_str(), "Authorization", "Cookie", "DPoP", "X-API-Key", "Referer"] {
            headers.push(n, value.clone());
        }
        let mut res_headers = Headers::new();
        for n in ["Set-Cookie", "Location", "Authentication-Info", name.as_str()] {
            res_headers.push(n, value.clone());
        }
        let b = Body { mime_type: mime.into(), text: body, encoding: None };
        let ex = Exchange {
            request: Request { method: "POST".into(), url, headers, body: Some(b.clone()), ..Request::default() },
            response: Response { status: 401, headers: res_headers, body: Some(b), ..Response::default() },
            ..Exchange::default()
        };
        for opts in [RedactOptions::default(), RedactOptions::default().with_bodies(true).with_claims(false)] {
            let (out, _) = redact_exchange(&ex, &opts);
            // Deterministic, and the header list keeps its names and order.
            prop_assert_eq!(&redact_exchange(&ex, &opts).0, &out);
            let names = |h: &Headers| h.iter().map(|x| x.name.clone()).collect::<Vec<_>>();
            prop_assert_eq!(names(&out.request.headers), names(&ex.request.headers));
            prop_assert_eq!(names(&out.response.headers), names(&ex.response.headers));
            let _ = redact_exchange(&out, &opts);
        }
    }
}
