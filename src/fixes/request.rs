//! `copy-fetch` / `copy-curl`: the failing request rebuilt with the finding's fix applied.
//!
//! Like DevTools' "Copy as fetch / cURL", but the copy is the request as it *should* have
//! been sent (the `Authorization` header in the right form, `credentials: "include"`, the
//! token moved out of the URL, …). Secrets are masked unless the caller passes
//! `reveal: true`; a placeholder such as `<fresh access token>` stands where the user must
//! supply a value the capture cannot give.

use crate::exchange::{Exchange, UrlParts};
use crate::secret;

use super::{hint, Action, Fix, FixContext, Snippet};

/// Request headers that carry secrets: masked in copies unless revealed.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "dpop",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-amz-security-token",
    "ocp-apim-subscription-key",
    "x-goog-api-key",
    "private-token",
    "x-vault-token",
];

/// Query parameters and body fields that carry secrets.
const SECRET_FIELDS: &[&str] = &[
    "access_token",
    "id_token",
    "refresh_token",
    "token",
    "api_key",
    "apikey",
    "client_secret",
    "password",
    "code",
    "code_verifier",
    "assertion",
    "client_assertion",
    "sig",
];

/// Query parameters that are credentials and belong in `Authorization` instead (RFC 6750 §2.3).
const URL_TOKENS: &[&str] = &["access_token", "id_token", "token", "api_key", "apikey"];

/// Headers `fetch()` may not set (Fetch standard "forbidden request-header"), plus HTTP/2
/// pseudo-headers and hop-by-hop fields; curl computes most of them itself.
const NOT_COPIED: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "te",
    "trailer",
];
const FETCH_FORBIDDEN: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "origin",
    "referer",
    "via",
];

fn is_in(name: &str, list: &[&str]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// A request ready to print as fetch or curl.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// Method.
    pub method: String,
    /// URL (secret query values masked unless revealed).
    pub url: String,
    /// Headers in order, values masked unless revealed.
    pub headers: Vec<(String, String)>,
    /// Body text (secret fields masked unless revealed).
    pub body: Option<String>,
    /// Whether cookies must travel (`credentials: "include"`).
    pub include_credentials: bool,
    /// What was changed, for a leading comment; empty when copied as captured.
    pub changes: Vec<String>,
}

/// Masks the credential part of an `Authorization`-style value, keeping the scheme.
pub fn mask_authorization(value: &str) -> String {
    let value = value.trim();
    match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("basic") => {
            // Basic carries the password; nothing of it may show (RFC 7617 §2).
            format!("{scheme} {}", secret::mask_all(rest.trim()))
        }
        Some((scheme, rest)) if rest.contains('=') && rest.contains(',') => {
            // Digest / AWS4 style auth-params: keep names, mask values.
            let params: Vec<String> = rest
                .split(',')
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => format!("{}={}", k.trim(), secret::mask(v.trim())),
                    None => secret::mask(p.trim()),
                })
                .collect();
            format!("{scheme} {}", params.join(", "))
        }
        Some((scheme, rest)) => format!("{scheme} {}", secret::mask(rest.trim())),
        None => secret::mask(value),
    }
}

fn mask_cookie_header(value: &str) -> String {
    value
        .split(';')
        .map(|pair| match pair.split_once('=') {
            Some((name, v)) => format!("{}={}", name.trim(), secret::mask(v.trim())),
            None => secret::mask(pair.trim()),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn mask_header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("proxy-authorization")
    {
        mask_authorization(value)
    } else if name.eq_ignore_ascii_case("cookie") {
        mask_cookie_header(value)
    } else if is_in(name, SECRET_HEADERS) {
        secret::mask(value)
    } else {
        value.to_string()
    }
}

/// `a=1&access_token=…` with secret values masked, optionally dropping URL tokens.
fn rewrite_query(query: &str, reveal: bool, drop_tokens: bool) -> String {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = p.split_once('=').map_or(*p, |(n, _)| n);
            !(drop_tokens && is_in(name, URL_TOKENS))
        })
        .map(|p| match p.split_once('=') {
            Some((n, v)) if !reveal && is_in(n, SECRET_FIELDS) => {
                format!("{n}={}", secret::mask(v))
            }
            _ => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn rewrite_url(url: &str, reveal: bool, drop_tokens: bool, force_https: bool) -> String {
    let base = url.split('#').next().unwrap_or(url);
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (base, None),
    };
    let head = match head.get(..7) {
        Some(p) if force_https && p.eq_ignore_ascii_case("http://") => {
            format!("https://{}", head.get(7..).unwrap_or(""))
        }
        _ => head.to_string(),
    };
    match query.map(|q| rewrite_query(q, reveal, drop_tokens)) {
        Some(q) if !q.is_empty() => format!("{head}?{q}"),
        _ => head,
    }
}

fn mask_json(value: &mut serde_json::Value, depth: usize) {
    if depth > 32 {
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_in(k, SECRET_FIELDS) {
                    if let serde_json::Value::String(s) = v {
                        *s = secret::mask(s);
                    }
                } else {
                    mask_json(v, depth + 1);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| mask_json(v, depth + 1)),
        _ => {}
    }
}

fn masked_body(ex: &Exchange, reveal: bool) -> Option<String> {
    let body = ex.request.body.as_ref()?;
    if body.text.is_empty() {
        return None;
    }
    if reveal || body.encoding.is_some() {
        return Some(body.text.clone());
    }
    let mime = body.mime_type.to_ascii_lowercase();
    if mime.contains("x-www-form-urlencoded") {
        return Some(rewrite_query(&body.text, false, false));
    }
    if mime.contains("json") {
        if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&body.text) {
            mask_json(&mut v, 0);
            return Some(v.to_string());
        }
    }
    Some(body.text.clone())
}

/// `Bearer  Bearer "tok en"` → `Bearer token`: repeated scheme words, quotes and inner
/// whitespace removed. Not a parser: it only tidies what the decoder already flagged.
pub fn normalize_authorization(value: &str) -> String {
    let mut words = value.split_whitespace();
    let Some(first) = words.next() else {
        return String::new();
    };
    let rest: Vec<&str> = words.collect();
    let looks_like_scheme = first
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-');
    if !looks_like_scheme || rest.is_empty() {
        // A bare token: RFC 6750 §2.1 puts it after "Bearer".
        let token = first.trim_matches(|c| c == '"' || c == '\'');
        return format!("Bearer {token}");
    }
    let scheme = match first.to_ascii_lowercase().as_str() {
        "bearer" => "Bearer".to_string(),
        "basic" => "Basic".to_string(),
        "dpop" => "DPoP".to_string(),
        "digest" => "Digest".to_string(),
        _ => first.to_string(),
    };
    let token: String = rest
        .iter()
        .skip_while(|w| w.eq_ignore_ascii_case(first))
        .copied()
        .collect::<Vec<_>>()
        .concat();
    let token = token.trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == ';');
    format!("{scheme} {token}")
}

fn placeholder_for(scheme: &str) -> String {
    if scheme.eq_ignore_ascii_case("basic") {
        "Basic <base64 of username:password>".to_string()
    } else if scheme.eq_ignore_ascii_case("dpop") {
        "DPoP <fresh DPoP-bound access token>".to_string()
    } else {
        format!("{scheme} <fresh access token>")
    }
}

/// Rebuilds the exchange's request with the fix for `ctx.finding_id` applied.
pub fn rebuild(ctx: &FixContext<'_>) -> Option<Rebuilt> {
    let ex = ctx.exchange?;
    let reveal = ctx.reveal;
    let finding = ctx.finding_id.unwrap_or("");
    let mut out = Rebuilt {
        method: if ex.request.method.is_empty() {
            "GET".to_string()
        } else {
            ex.request.method.clone()
        },
        ..Rebuilt::default()
    };
    let force_https = finding == "basic-over-http";
    let drop_tokens = finding == "token-in-url";
    out.url = rewrite_url(&ex.request.url, reveal, drop_tokens, force_https);
    if force_https {
        out.changes.push("switched the URL to https".into());
    }
    let sent_scheme = ex
        .request
        .headers
        .get("authorization")
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_string);
    let mut authorization: Option<String> = None;
    for h in ex.request.headers.iter() {
        if h.name.starts_with(':') || is_in(&h.name, NOT_COPIED) {
            continue;
        }
        if h.name.eq_ignore_ascii_case("authorization") {
            authorization = Some(h.value.clone());
            continue;
        }
        let basic_proxy = h.name.eq_ignore_ascii_case("proxy-authorization")
            && h.value
                .trim_start()
                .get(..6)
                .is_some_and(|s| s.eq_ignore_ascii_case("basic "));
        let value = if reveal && !basic_proxy {
            h.value.clone()
        } else {
            mask_header(&h.name, &h.value)
        };
        out.headers.push((h.name.clone(), value));
    }

    let fresh_token = matches!(
        finding,
        "bearer-placeholder"
            | "token-expired"
            | "token-not-yet-valid"
            | "invalid-token"
            | "audience-mismatch"
            | "insufficient-scope"
            | "alg-none"
            | "refresh-failed"
            | "refresh-loop"
            | "refresh-race"
            | "clock-skew"
    );
    let new_auth = match finding {
        "malformed-authorization" => authorization.as_deref().map(|a| {
            out.changes
                .push("rebuilt Authorization as `<scheme> <token>`".into());
            normalize_authorization(a)
        }),
        "token-in-url" => {
            let token = ex
                .url()
                .query_pairs()
                .find(|(n, _)| is_in(n, URL_TOKENS))
                .map(|(_, v)| v.to_string());
            out.changes
                .push("moved the token from the URL into Authorization (RFC 6750 §2.1)".into());
            token
                .map(|t| format!("Bearer {t}"))
                .or(authorization.clone())
        }
        "missing-credentials" | "scheme-mismatch" | "authorization-stripped-on-redirect" => {
            let scheme = ctx
                .hint(hint::REQUIRED_SCHEME)
                .map(str::to_string)
                .or(sent_scheme.clone())
                .unwrap_or_else(|| "Bearer".to_string());
            out.changes
                .push(format!("added Authorization with the {scheme} scheme"));
            Some(placeholder_for(&scheme))
        }
        _ if fresh_token => {
            let scheme = sent_scheme.clone().unwrap_or_else(|| "Bearer".to_string());
            out.changes
                .push("replaced the token with a fresh one".into());
            Some(placeholder_for(&scheme))
        }
        _ => authorization.clone(),
    };
    if let Some(a) = new_auth {
        let basic = a
            .trim_start()
            .get(..6)
            .is_some_and(|s| s.eq_ignore_ascii_case("basic "));
        // A placeholder has nothing to hide; a captured value is masked unless revealed,
        // except a Basic password, which authlens never outputs (even revealed).
        let shown = if a.contains('<') {
            a
        } else if basic {
            if reveal {
                out.changes.push(
                    "the Basic credentials stay masked: authlens never outputs a password".into(),
                );
            }
            "Basic <base64 of username:password>".to_string()
        } else if reveal {
            a
        } else {
            mask_authorization(&a)
        };
        out.headers.insert(0, ("Authorization".to_string(), shown));
    }
    if finding == "dpop-nonce-required" {
        let nonce = ctx
            .hint(hint::DPOP_NONCE)
            .unwrap_or("<DPoP-Nonce from the response>");
        out.headers.retain(|(n, _)| !n.eq_ignore_ascii_case("dpop"));
        out.headers.push((
            "DPoP".to_string(),
            format!("<new proof JWT with \"nonce\": \"{nonce}\">"),
        ));
        out.changes
            .push("a new DPoP proof carrying the server's nonce (RFC 9449 §8)".into());
    }
    if finding == "cookie-not-sent" || finding == "missing-credentials" {
        out.include_credentials = true;
        if finding == "cookie-not-sent" {
            out.changes
                .push("credentials: \"include\" so the session cookie travels".into());
        }
    }
    out.body = masked_body(ex, reveal);
    Some(out)
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Prints a rebuilt request as a `fetch()` call, in DevTools' "Copy as fetch" layout.
pub fn to_fetch(r: &Rebuilt) -> String {
    let mut s = String::new();
    for c in &r.changes {
        s.push_str(&format!("// authlens: {c}\n"));
    }
    s.push_str(&format!("fetch({}, {{\n", js_string(&r.url)));
    let headers: Vec<&(String, String)> = r
        .headers
        .iter()
        .filter(|(n, _)| !is_in(n, FETCH_FORBIDDEN) && !n.to_ascii_lowercase().starts_with("sec-"))
        .collect();
    s.push_str("  \"headers\": {");
    for (i, (n, v)) in headers.iter().enumerate() {
        let comma = if i + 1 < headers.len() { "," } else { "" };
        s.push_str(&format!(
            "\n    {}: {}{comma}",
            js_string(&n.to_ascii_lowercase()),
            js_string(v)
        ));
    }
    s.push_str(if headers.is_empty() {
        "},\n"
    } else {
        "\n  },\n"
    });
    if let Some(body) = &r.body {
        s.push_str(&format!("  \"body\": {},\n", js_string(body)));
    }
    s.push_str(&format!("  \"method\": {},\n", js_string(&r.method)));
    let creds = if r.include_credentials {
        "include"
    } else {
        "same-origin"
    };
    s.push_str(&format!("  \"credentials\": \"{creds}\"\n}});"));
    s
}

/// Prints a rebuilt request as a `curl` command for a POSIX shell.
pub fn to_curl(r: &Rebuilt) -> String {
    let mut s = String::new();
    for c in &r.changes {
        s.push_str(&format!("# authlens: {c}\n"));
    }
    s.push_str(&format!("curl {}", shell_quote(&r.url)));
    if r.method != "GET" {
        s.push_str(&format!(" \\\n  -X {}", shell_quote(&r.method)));
    }
    for (n, v) in &r.headers {
        s.push_str(&format!(" \\\n  -H {}", shell_quote(&format!("{n}: {v}"))));
    }
    if let Some(body) = &r.body {
        s.push_str(&format!(" \\\n  --data-raw {}", shell_quote(body)));
    }
    s
}

fn describe(ctx: &FixContext<'_>) -> String {
    match ctx.exchange {
        Some(ex) => {
            let url = UrlParts::parse(&ex.request.url);
            format!("{} {}{}", ex.request.method, url.origin(), url.path)
        }
        None => "the failing request".to_string(),
    }
}

fn copy(ctx: &FixContext<'_>, id: &'static str, action: Action, curl: bool) -> Fix {
    let what = if curl { "cURL" } else { "fetch" };
    let mut fix = Fix::new(id, format!("Copy as {what} with the fix applied"))
        .action(action)
        .step(format!("Copies {} as a {what} command.", describe(ctx)));
    match rebuild(ctx) {
        Some(r) => {
            for c in &r.changes {
                fix = fix.step(format!("Changed: {c}."));
            }
            fix = fix.step(if ctx.reveal {
                "Secrets are included as captured: do not paste this into tickets or chats."
            } else {
                "Secrets are masked; replace the masked values or placeholders before running it."
            });
            let code = if curl { to_curl(&r) } else { to_fetch(&r) };
            let lang = if curl { "shell" } else { "javascript" };
            fix.snippet(Snippet {
                detected: true,
                ..Snippet::new(what, lang, code)
            })
        }
        None => fix.step("Select a request in the list to copy it."),
    }
}

/// The `copy-fetch` fix.
pub fn copy_fetch(ctx: &FixContext<'_>) -> Fix {
    copy(ctx, "copy-fetch", Action::CopyFetch, false)
}

/// The `copy-curl` fix.
pub fn copy_curl(ctx: &FixContext<'_>) -> Fix {
    copy(ctx, "copy-curl", Action::CopyCurl, true)
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // tables of test cases
mod tests {
    use super::*;
    use crate::exchange::{Body, Request};
    use crate::finding::{Finding, Severity};

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

    fn ex(url: &str, headers: &[(&str, &str)]) -> Exchange {
        Exchange {
            request: Request {
                method: "GET".into(),
                url: url.into(),
                headers: headers.iter().copied().collect(),
                ..Request::default()
            },
            ..Exchange::default()
        }
    }

    fn ctx_for<'a>(f: &'a Finding, e: &'a Exchange) -> FixContext<'a> {
        FixContext::for_finding(f, Some(e))
    }

    #[test]
    fn secrets_are_masked_unless_revealed() {
        let e = ex(
            "https://api.example.com/me?access_token=abcdefghijklmnopqrstuvwxyz&x=1",
            &[
                ("Authorization", &format!("Bearer {JWT}")),
                ("Cookie", "session=s3cr3ts3cr3ts3cr3t; theme=dark"),
                ("X-API-Key", "key-1234567890abcdef"),
                ("Accept", "application/json"),
            ],
        );
        let f = Finding::new("other", Severity::Info, "t", "d");
        let masked = to_curl(&rebuild(&ctx_for(&f, &e)).unwrap());
        for secret in [
            JWT,
            "s3cr3ts3cr3ts3cr3t",
            "key-1234567890abcdef",
            "abcdefghijklmnopqrstuvwxyz",
        ] {
            assert!(!masked.contains(secret), "{secret} leaked: {masked}");
        }
        assert!(masked.contains("Authorization: Bearer eyJh…"), "{masked}");
        assert!(masked.contains("Accept: application/json"));
        let revealed = to_curl(&rebuild(&ctx_for(&f, &e).with_reveal(true)).unwrap());
        assert!(revealed.contains(JWT));
        assert!(revealed.contains("s3cr3ts3cr3ts3cr3t"));
    }

    #[test]
    fn basic_password_never_shows_even_partially_or_revealed() {
        // "Aladdin:open sesame" from RFC 7617 §2.
        let e = ex(
            "https://x/",
            &[
                ("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
                ("Proxy-Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            ],
        );
        let f = Finding::new("other", Severity::Info, "t", "d");
        for reveal in [false, true] {
            let r = rebuild(&ctx_for(&f, &e).with_reveal(reveal)).unwrap();
            for c in [to_fetch(&r), to_curl(&r)] {
                assert!(!c.contains("QWxh"), "{c}");
                assert!(!c.contains("open sesame"), "{c}");
                assert!(c.contains("Basic <base64 of username:password>"), "{c}");
            }
        }
    }

    #[test]
    fn fix_applied_per_finding() {
        let bad = format!("Bearer Bearer \"{JWT}\"");
        let e = ex("https://api.example.com/me", &[("Authorization", &bad)]);
        let cases: &[(&str, &[(&str, &str)], &str)] = &[
            (
                "malformed-authorization",
                &[],
                "authorization\": \"Bearer eyJh…[",
            ),
            ("token-expired", &[], "\"Bearer <fresh access token>\""),
            ("bearer-placeholder", &[], "\"Bearer <fresh access token>\""),
            ("cookie-not-sent", &[], "\"credentials\": \"include\""),
            (
                "scheme-mismatch",
                &[(hint::REQUIRED_SCHEME, "Basic")],
                "\"Basic <base64 of username:password>\"",
            ),
            (
                "dpop-nonce-required",
                &[(hint::DPOP_NONCE, "eyJ7S_zG.eyJH0-Z.HX4w-7v")],
                "\"nonce\\\": \\\"eyJ7S_zG.eyJH0-Z.HX4w-7v\\\"",
            ),
        ];
        for (id, evidence, expect) in cases {
            let mut f = Finding::new(id, Severity::Error, "t", "d");
            for (l, v) in *evidence {
                f = f.with_evidence(*l, *v);
            }
            let code = to_fetch(&rebuild(&ctx_for(&f, &e)).unwrap());
            assert!(code.contains(expect), "{id}: {code}");
            assert!(
                code.contains("// authlens:"),
                "{id} names its change: {code}"
            );
        }
    }

    #[test]
    fn normalize_table() {
        let cases = [
            ("Bearer Bearer abc", "Bearer abc"),
            ("bearer \"abc\"", "Bearer abc"),
            ("Bearer ab c", "Bearer abc"),
            ("abc.def.ghi", "Bearer abc.def.ghi"),
            ("Bearer abc,", "Bearer abc"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_authorization(input), want, "{input}");
        }
    }

    #[test]
    fn token_moves_from_url_to_header_and_http_upgrades() {
        let e = ex("http://api.example.com/me?access_token=tok123&page=2", &[]);
        let f = Finding::new("token-in-url", Severity::Warning, "t", "d");
        let r = rebuild(&ctx_for(&f, &e).with_reveal(true)).unwrap();
        assert_eq!(r.url, "http://api.example.com/me?page=2");
        assert_eq!(r.headers.first().unwrap().1, "Bearer tok123");
        let f = Finding::new("basic-over-http", Severity::Warning, "t", "d");
        let r = rebuild(&ctx_for(&f, &e)).unwrap();
        assert!(
            r.url.starts_with("https://api.example.com/me?"),
            "{}",
            r.url
        );
        assert!(!r.url.contains("tok123"));
    }

    #[test]
    fn bodies_mask_secret_fields() {
        let mut e = ex("https://auth.example.com/oauth/token", &[]);
        e.request.method = "POST".into();
        e.request.body = Some(Body {
            mime_type: "application/x-www-form-urlencoded".into(),
            text: "grant_type=refresh_token&refresh_token=rt-0123456789abcdefXYZ&client_id=web"
                .into(),
            encoding: None,
        });
        let f = Finding::new("refresh-failed", Severity::Error, "t", "d");
        let curl = to_curl(&rebuild(&ctx_for(&f, &e)).unwrap());
        assert!(!curl.contains("rt-0123456789abcdefXYZ"), "{curl}");
        assert!(curl.contains("grant_type=refresh_token"));
        assert!(curl.contains("-X 'POST'"));
        e.request.body = Some(Body {
            mime_type: "application/json".into(),
            text: r#"{"user":{"name":"a","password":"hunter2hunter2"}}"#.into(),
            encoding: None,
        });
        let fetch = to_fetch(&rebuild(&ctx_for(&f, &e)).unwrap());
        assert!(!fetch.contains("hunter2hunter2"), "{fetch}");
    }

    #[test]
    fn hostile_values_stay_quoted() {
        let e = ex(
            "https://x/'; rm -rf / #",
            &[("X-Note", "'$(id)'\"</script>")],
        );
        let f = Finding::new("other", Severity::Info, "t", "d");
        let r = rebuild(&ctx_for(&f, &e)).unwrap();
        let curl = to_curl(&r);
        assert!(curl.contains("'https://x/'\\''; rm -rf / '"), "{curl}");
        let fetch = to_fetch(&r);
        assert!(fetch.contains(r#""'$(id)'\"</script>""#), "{fetch}");
    }

    #[test]
    fn pseudo_and_forbidden_headers_are_dropped() {
        let e = ex(
            "https://x/",
            &[
                (":authority", "x"),
                ("Host", "x"),
                ("Origin", "https://app"),
                ("Accept", "*/*"),
            ],
        );
        let f = Finding::new("other", Severity::Info, "t", "d");
        let r = rebuild(&ctx_for(&f, &e)).unwrap();
        assert!(r
            .headers
            .iter()
            .all(|(n, _)| n != ":authority" && n != "Host"));
        let fetch = to_fetch(&r);
        assert!(!fetch.contains("\"origin\":"), "{fetch}");
        assert!(to_curl(&r).contains("Origin: https://app"));
    }
}
