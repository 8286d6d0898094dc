//! The diagnosis engine on exchanges built in code: per-exchange rules, ranking and
//! suppression, flow rules with revisions, the summary line and the memory bound.

// Test helpers outside #[test] functions: a panic here is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use authlens::diagnose::{analyze_exchanges, Analyzer, Config, ExchangeReport, CATALOGUE};
use authlens::exchange::{Body, Exchange, Headers, Request, Response};
use authlens::finding::Severity;
use authlens::time::Timestamp;

/// A small builder so each case reads like the exchange it describes.
#[derive(Clone)]
struct B(Exchange);

const T0: &str = "2026-11-21T10:00:00.000Z";

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn at_secs(secs: i64) -> Timestamp {
    Timestamp(ts(T0).0 + secs * 1000)
}

fn req(method: &str, url: &str) -> B {
    B(Exchange {
        started_at: Some(ts(T0)),
        time_ms: Some(80.0),
        request: Request {
            method: method.into(),
            url: url.into(),
            http_version: "h2".into(),
            headers: Headers::new(),
            body: None,
        },
        response: Response {
            status: 200,
            status_text: "OK".into(),
            http_version: "h2".into(),
            ..Response::default()
        },
        resource_type: Some("fetch".into()),
        ..Exchange::default()
    })
}

fn get(url: &str) -> B {
    req("GET", url)
}

impl B {
    fn h(mut self, name: &str, value: &str) -> Self {
        self.0.request.headers.push(name, value);
        self
    }
    fn rh(mut self, name: &str, value: &str) -> Self {
        self.0.response.headers.push(name, value);
        self
    }
    fn status(mut self, s: u16) -> Self {
        self.0.response.status = s;
        self
    }
    fn body(mut self, mime: &str, text: &str) -> Self {
        self.0.response.body = Some(Body {
            mime_type: mime.into(),
            text: text.into(),
            encoding: None,
        });
        self
    }
    fn req_body(mut self, mime: &str, text: &str) -> Self {
        self.0.request.body = Some(Body {
            mime_type: mime.into(),
            text: text.into(),
            encoding: None,
        });
        self
    }
    fn at(mut self, secs: i64) -> Self {
        self.0.started_at = Some(at_secs(secs));
        self
    }
    fn date(self, secs: i64) -> Self {
        let d = at_secs(secs).to_http_date();
        self.rh("Date", &d)
    }
    fn rtype(mut self, t: &str) -> Self {
        self.0.resource_type = Some(t.into());
        self
    }
    fn cached(mut self, c: &str) -> Self {
        self.0.from_cache = Some(c.into());
        self
    }
    fn redirect(mut self, status: u16, to: &str) -> Self {
        self.0.response.status = status;
        self.0.response.redirect_url = Some(to.into());
        self.rh("Location", to)
    }
    fn bearer(self, token: &str) -> Self {
        let v = format!("Bearer {token}");
        self.h("Authorization", &v)
    }
    fn x(self) -> Exchange {
        self.0
    }
}

const TOKEN_A: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSIsImF1ZCI6Imh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLWE";
const TOKEN_B: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSIsImF1ZCI6Imh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIiwibiI6Mn0.c2lnbmF0dXJlLWI";
const API: &str = "https://api.example.com/v1/me";
const DPOP_AT: &str = "dpop-at-0123456789abcdefghijklmnop";

fn b64(s: &[u8]) -> String {
    authlens::base64::encode(s, authlens::base64::Alphabet::UrlSafe)
}

/// A JWS with the given header and claims and a dummy signature (nothing verifies signatures).
fn jwt(header: &str, claims: &str) -> String {
    format!(
        "{}.{}.{}",
        b64(header.as_bytes()),
        b64(claims.as_bytes()),
        b64(b"not-a-real-signature-0123456789")
    )
}

/// An access token for api.example.com, with `exp`/`iat` relative to T0 in seconds.
fn access_token(iat: i64, exp: i64, extra: &str) -> String {
    let t0 = at_secs(0).unix_secs();
    jwt(
        r#"{"alg":"RS256","typ":"at+jwt","kid":"k1"}"#,
        &format!(
            r#"{{"iss":"https://id.example.com","sub":"u1","aud":"https://api.example.com","iat":{},"exp":{}{extra}}}"#,
            t0 + iat,
            t0 + exp
        ),
    )
}

/// A DPoP proof (RFC 9449 §4.2) for `method url` at T0 + `iat` bound to `DPOP_AT`.
fn dpop_proof(method: &str, url: &str, iat: i64) -> String {
    let ath = b64(&authlens::jose::sha256(DPOP_AT.as_bytes()));
    jwt(
        r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}}"#,
        &format!(
            r#"{{"jti":"e1j3V_bKic8-LAEB","htm":"{method}","htu":"{url}","iat":{},"ath":"{ath}"}}"#,
            at_secs(iat).unix_secs()
        ),
    )
}

fn run(list: Vec<Exchange>) -> Vec<ExchangeReport> {
    let list = list
        .into_iter()
        .enumerate()
        .map(|(i, mut e)| {
            e.index = i;
            e
        })
        .collect::<Vec<_>>();
    analyze_exchanges(list, Config::default())
}

fn one(ex: Exchange) -> ExchangeReport {
    run(vec![ex]).remove(0)
}

fn ids(r: &ExchangeReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.id).collect()
}

#[test]
fn per_exchange_rules_table() {
    // (name, exchange, expected top finding, ids that must be absent)
    let cases: Vec<(&str, Exchange, Option<&str>, &[&str])> = vec![
        (
            "missing credentials, challenge names Bearer",
            get(API).status(401).rh("WWW-Authenticate", "Bearer realm=\"api\"").x(),
            Some("missing-credentials"),
            &["missing-challenge"],
        ),
        (
            "401 without challenge quotes the OAuth body",
            get(API)
                .bearer(TOKEN_A)
                .status(401)
                .body("application/json", r#"{"error":"unauthorized","error_description":"No session"}"#)
                .x(),
            Some("missing-challenge"),
            &["missing-credentials"],
        ),
        (
            "expired per error_description, invalid_token suppressed",
            get(API)
                .bearer(TOKEN_A)
                .status(401)
                .rh("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"The access token expired\"")
                .x(),
            Some("token-expired"),
            &["invalid-token", "missing-challenge"],
        ),
        (
            "invalid_token with a key hint",
            get(API)
                .bearer(TOKEN_A)
                .status(401)
                .rh("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"IDX10503: Signature validation failed. The signature key was not found.\"")
                .x(),
            Some("invalid-token"),
            &[],
        ),
        (
            "audience named by the server",
            get(API)
                .bearer(TOKEN_A)
                .status(401)
                .rh("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"The audience 'https://other.example' is invalid\"")
                .x(),
            Some("audience-mismatch"),
            &["invalid-token"],
        ),
        (
            "insufficient_scope on 403",
            get(API)
                .bearer(TOKEN_A)
                .status(403)
                .rh("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"orders:write\"")
                .x(),
            Some("insufficient-scope"),
            &["forbidden-not-unauthorized"],
        ),
        (
            "insufficient_scope on 401 also flags the status",
            get(API)
                .bearer(TOKEN_A)
                .status(401)
                .rh("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"write\"")
                .x(),
            Some("insufficient-scope"),
            &[],
        ),
        (
            "invalid_request",
            get(API).bearer(TOKEN_A).status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_request\"").x(),
            Some("invalid-request"),
            &[],
        ),
        (
            "Basic sent, Bearer required",
            get(API)
                .h("Authorization", "Basic dXNlcjpwYXNz")
                .status(401)
                .rh("WWW-Authenticate", "Bearer realm=\"api\"")
                .x(),
            Some("scheme-mismatch"),
            &["missing-credentials"],
        ),
        (
            "Bearer sent, scheme offered matches",
            get(API).bearer(TOKEN_A).status(401).rh("WWW-Authenticate", "DPoP algs=\"ES256\", Bearer realm=\"api\"").x(),
            None,
            &["scheme-mismatch"],
        ),
        (
            "malformed challenge",
            get(API).bearer(TOKEN_A).status(401).rh("WWW-Authenticate", "Bearer realm=\"api").x(),
            Some("malformed-challenge"),
            &[],
        ),
        (
            "407 from a proxy",
            get(API).status(407).rh("Proxy-Authenticate", "Basic realm=\"corp-proxy\"").x(),
            Some("proxy-auth-required"),
            &["missing-challenge", "missing-credentials"],
        ),
        (
            "Digest stale nonce",
            get("https://intranet.example.com/reports")
                .h("Authorization", "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/reports\", nonce=\"old\", response=\"8ca523f5e9506fed4657c9700eebdbec\"")
                .status(401)
                .rh("WWW-Authenticate", "Digest realm=\"http-auth@example.org\", qop=\"auth\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe\", stale=true")
                .x(),
            Some("digest-stale-nonce"),
            &[],
        ),
        (
            "DPoP nonce required",
            get(API)
                .h("Authorization", &format!("DPoP {DPOP_AT}"))
                .h("DPoP", &dpop_proof("GET", API, 0))
                .status(401)
                .rh("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"")
                .rh("DPoP-Nonce", "eyJ7S_zG.eyJH0-Z.HX4w-7v")
                .x(),
            Some("dpop-nonce-required"),
            &[],
        ),
        (
            "preflight answered 401",
            req("OPTIONS", API)
                .rtype("preflight")
                .h("Origin", "https://app.example.com")
                .h("Access-Control-Request-Method", "GET")
                .h("Access-Control-Request-Headers", "authorization")
                .status(401)
                .x(),
            Some("cors-preflight-unauthorized"),
            &["missing-credentials", "missing-challenge"],
        ),
        (
            "401 from the disk cache",
            get(API).bearer(TOKEN_A).status(401).cached("disk").rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").x(),
            Some("cached-401"),
            &[],
        ),
        (
            "403 with valid-looking credentials",
            get("https://api.example.com/v1/admin/users").bearer(TOKEN_A).status(403).body("application/json", r#"{"message":"Forbidden"}"#).x(),
            Some("forbidden-not-unauthorized"),
            &[],
        ),
        (
            "Cloudflare block page",
            get(API)
                .bearer(TOKEN_A)
                .status(403)
                .rh("Server", "cloudflare")
                .rh("CF-RAY", "8e1f2a3b4c5d6e7f-FRA")
                .rh("Content-Type", "text/html; charset=UTF-8")
                .body("text/html", "<!DOCTYPE html><title>Attention Required! | Cloudflare</title> Cloudflare Ray ID: 8e1f2a3b4c5d6e7f")
                .x(),
            Some("edge-block"),
            &["forbidden-not-unauthorized"],
        ),
        (
            "fetch redirected to the login page",
            get("https://app.example.com/api/orders").h("Accept", "application/json").redirect(302, "/login?next=%2Fapi%2Forders").x(),
            Some("login-redirect"),
            &[],
        ),
        (
            "token in the query string",
            get("https://api.example.com/v1/me?access_token=abcdefghijklmnopqrstuvwxyz").x(),
            Some("token-in-url"),
            &[],
        ),
        (
            "Basic over http",
            get("http://legacy.example.com/api").h("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").x(),
            Some("basic-over-http"),
            &[],
        ),
        (
            "http on loopback is fine",
            get("http://127.0.0.1:8401/api").h("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").x(),
            None,
            &["basic-over-http"],
        ),
        (
            "clock skew of ten minutes on a 401",
            get(API).bearer(TOKEN_A).status(401).date(600).rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").x(),
            Some("invalid-token"),
            &[],
        ),
        (
            "malformed Authorization (Bearer Bearer)",
            get(API).h("Authorization", &format!("Bearer Bearer {TOKEN_A}")).status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").x(),
            Some("malformed-authorization"),
            &["invalid-token"],
        ),
        (
            "expired JWT (decoded), server says invalid_token",
            get(API)
                .bearer(&access_token(-3900, -300, ""))
                .status(401)
                .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .x(),
            Some("token-expired"),
            &["invalid-token"],
        ),
        (
            "token from the future",
            get(API).bearer(&access_token(600, 4200, "")).status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").x(),
            Some("token-not-yet-valid"),
            &["invalid-token"],
        ),
        (
            "aud claim names another API",
            get("https://billing.example.com/v1/invoices").bearer(&access_token(-60, 3000, "")).status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").x(),
            Some("audience-mismatch"),
            &["invalid-token"],
        ),
        (
            "token scopes lack the challenge scope",
            get(API)
                .bearer(&access_token(-60, 3000, r#","scope":"orders:read profile""#))
                .status(403)
                .rh("WWW-Authenticate", "Bearer realm=\"api\", scope=\"orders:write\"")
                .x(),
            Some("insufficient-scope"),
            &["forbidden-not-unauthorized"],
        ),
        (
            "Bearer undefined",
            get(API).h("Authorization", "Bearer undefined").status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").x(),
            Some("bearer-placeholder"),
            &["invalid-token", "malformed-authorization", "missing-credentials"],
        ),
        (
            "unsecured JWT accepted",
            get(API).bearer(&jwt(r#"{"alg":"none"}"#, r#"{"sub":"admin"}"#)).x(),
            Some("alg-none"),
            &[],
        ),
        (
            "DPoP-bound token sent as Bearer",
            get(API)
                .bearer(&access_token(-60, 3000, r#","cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}"#))
                .status(401)
                .rh("WWW-Authenticate", "DPoP algs=\"ES256\", error=\"invalid_token\"")
                .x(),
            Some("scheme-mismatch"),
            &["invalid-token"],
        ),
        (
            "healthy 200 with a valid token",
            get(API).bearer(&access_token(-60, 3000, "")).date(0).x(),
            None,
            &[],
        ),
        (
            "healthy 200",
            get(API).bearer(TOKEN_A).date(0).x(),
            None,
            &[],
        ),
    ];
    for (name, ex, top, absent) in cases {
        let r = one(ex);
        assert_eq!(r.top().map(|f| f.id), top, "{name}: {:?}", ids(&r));
        for a in absent {
            assert!(!r.has(a), "{name}: {a} should be absent, got {:?}", ids(&r));
        }
        for f in &r.findings {
            assert_eq!(f.entries.first(), Some(&r.index), "{name}: {}", f.id);
            assert!(!f.refs.is_empty(), "{name}: {} has no spec ref", f.id);
            assert!(
                !f.detail.is_empty() && !f.title.is_empty(),
                "{name}: {}",
                f.id
            );
        }
    }
}

#[test]
fn decoded_token_times_are_relative_to_the_request() {
    let r = one(get(API)
        .bearer(&access_token(-3900, -300, ""))
        .status(401)
        .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .x());
    let f = r.top().unwrap();
    assert_eq!(f.id, "token-expired");
    assert!(f.title.contains("5 min before"), "{}", f.title);
    assert!(
        f.fixes.starts_with(&["refresh-token", "relogin"]),
        "{:?}",
        f.fixes
    );
    // Within the leeway on a failure: a warning, not the cause.
    let r = one(get(API)
        .bearer(&access_token(-3630, -30, ""))
        .status(401)
        .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .x());
    assert_eq!(r.top().unwrap().id, "token-expired");
    assert_eq!(r.top().unwrap().severity, Severity::Warning);
    // A token from the future also measures the skew.
    let r = one(get(API)
        .bearer(&access_token(600, 4200, ""))
        .status(401)
        .x());
    let skew = r
        .findings
        .iter()
        .find(|f| f.id == "clock-skew")
        .expect("clock-skew from iat");
    assert!(
        skew.evidence
            .iter()
            .any(|e| e.label == "clock offset (s)" && e.value == "600"),
        "{:?}",
        skew.evidence
    );
}

#[test]
fn clock_skew_is_measured_and_reported() {
    let r = one(get(API)
        .bearer(TOKEN_A)
        .status(401)
        .date(-600)
        .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .x());
    let skew = r
        .findings
        .iter()
        .find(|f| f.id == "clock-skew")
        .expect("clock-skew");
    assert_eq!(skew.severity, Severity::Warning);
    let offset = skew
        .evidence
        .iter()
        .find(|e| e.label == "clock offset (s)")
        .unwrap();
    assert_eq!(
        offset.value, "-599",
        "one second of Date resolution is allowed"
    );
    assert!(skew.detail.contains("9 min 59 s behind"), "{}", skew.detail);
    // The same Date within the request's own duration is no skew.
    let r = one(get(API)
        .bearer(TOKEN_A)
        .status(401)
        .date(0)
        .rh("WWW-Authenticate", "Bearer")
        .x());
    assert!(!r.has("clock-skew"));
}

#[test]
fn missing_challenge_quotes_each_body_shape() {
    let bodies = [
        (
            r#"{"error":"invalid_token","error_description":"expired"}"#,
            "OAuth error",
        ),
        (
            r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Token missing"}"#,
            "problem details",
        ),
        (
            r#"{"error":{"code":"UNAUTHENTICATED","message":"Request had invalid credentials."}}"#,
            "error object",
        ),
        (r#"{"message":"Bad credentials"}"#, "message"),
    ];
    for (b, shape) in bodies {
        let r = one(get(API)
            .bearer(TOKEN_A)
            .status(401)
            .body("application/json", b)
            .x());
        let f = r
            .findings
            .iter()
            .find(|f| f.id == "missing-challenge")
            .expect(b);
        assert!(
            f.evidence.iter().any(|e| e.label.contains(shape)),
            "{b}: {:?}",
            f.evidence
        );
    }
}

#[test]
fn cacheable_401_is_a_warning_and_vary_or_no_store_silence_it() {
    let base = || {
        get(API)
            .bearer(TOKEN_A)
            .status(401)
            .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
    };
    let r = one(base().rh("Cache-Control", "public, max-age=600").x());
    let f = r.findings.iter().find(|f| f.id == "cached-401").unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.fixes.contains(&"no-store-auth-responses"));
    assert!(!one(base()
        .rh("Cache-Control", "public, max-age=600, no-store")
        .x())
    .has("cached-401"));
    assert!(!one(base()
        .rh("Cache-Control", "max-age=600")
        .rh("Vary", "Accept, Authorization")
        .x())
    .has("cached-401"));
    let hit = one(base().rh("CF-Cache-Status", "HIT").rh("Age", "42").x());
    let f = hit.findings.iter().find(|f| f.id == "cached-401").unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert!(f.fixes.contains(&"purge-cdn-cache"));
}

#[test]
fn secrets_never_appear_in_findings() {
    let secret_tok = "sk_live_51H8abcdefghijklmnopqrstuvwxyz0123456789";
    let cases = vec![
        get(&format!("http://shop.example.com/api?api_key={secret_tok}"))
            .h("Authorization", &format!("Bearer {secret_tok}"))
            .status(401)
            .x(),
        get("http://legacy.example.com/api")
            .h("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
            .status(401)
            .rh("WWW-Authenticate", "Bearer")
            .x(),
        get(API)
            .h("Authorization", &format!("Bearer Bearer {secret_tok}"))
            .status(401)
            .x(),
    ];
    for r in run(cases) {
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains(secret_tok), "{json}");
        assert!(!json.contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ"), "{json}");
        assert!(!json.contains("open sesame"), "{json}");
    }
}

#[test]
fn healthy_refresh_flow_is_recognised_and_resolved() {
    let list = vec![
        get(API).bearer(TOKEN_A).at(0).x(),
        get(API)
            .bearer(TOKEN_A)
            .at(300)
            .status(401)
            .rh(
                "WWW-Authenticate",
                "Bearer error=\"invalid_token\", error_description=\"The access token expired\"",
            )
            .x(),
        req("POST", "https://id.example.com/oauth/token")
            .at(301)
            .req_body(
                "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=rt-1&client_id=web",
            )
            .body(
                "application/json",
                r#"{"access_token":"x","token_type":"Bearer","expires_in":300}"#,
            )
            .x(),
        get(API).bearer(TOKEN_B).at(302).x(),
    ];
    let mut an = Analyzer::new(Config::default());
    let mut updates = Vec::new();
    for (i, mut e) in list.clone().into_iter().enumerate() {
        e.index = i;
        updates.push(an.push(e));
    }
    // Live: the 401 first shows its cause, then the retry revises it.
    assert_eq!(updates[1].report.top().unwrap().id, "token-expired");
    assert_eq!(an.summary().recovered, 1);
    assert_eq!(an.summary().failures, 0);
    assert_eq!(
        an.summary_line(),
        "no auth failures (1 recovered by refresh)"
    );
    let revised: Vec<usize> = updates[3].revisions.iter().map(|r| r.index).collect();
    assert_eq!(revised, [1, 2]);
    assert!(updates[3].revisions[0].resolves);

    let reports = run(list);
    assert_eq!(ids(&reports[1]), ["token-refreshed"]);
    assert_eq!(reports[1].findings[0].entries, [1, 2, 3]);
    assert_eq!(ids(&reports[3]), ["token-refreshed"]);
    for r in &reports {
        assert!(
            r.findings.iter().all(|f| f.severity == Severity::Info),
            "{:?}",
            ids(r)
        );
    }
}

fn refresh(at: i64, status: u16, rt: &str) -> Exchange {
    let body = if status == 200 {
        r#"{"access_token":"n","refresh_token":"r2","expires_in":300}"#
    } else {
        r#"{"error":"invalid_grant","error_description":"Token has been revoked"}"#
    };
    req("POST", "https://id.example.com/oauth/token")
        .at(at)
        .req_body(
            "application/x-www-form-urlencoded",
            &format!("grant_type=refresh_token&refresh_token={rt}"),
        )
        .status(status)
        .body("application/json", body)
        .x()
}

fn unauthorized(at: i64, token: &str) -> Exchange {
    get(API)
        .bearer(token)
        .at(at)
        .status(401)
        .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .x()
}

#[test]
fn refresh_loop_after_three_cycles() {
    let mut list = Vec::new();
    for c in 0..4 {
        list.push(unauthorized(c * 3, TOKEN_A));
        list.push(refresh(c * 3 + 1, 200, &format!("rt-{c}")));
    }
    list.push(unauthorized(13, TOKEN_B));
    let reports = run(list);
    let first_loop = reports
        .iter()
        .position(|r| r.has("refresh-loop"))
        .expect("loop found");
    assert_eq!(first_loop, 6, "third 401 after the third refresh");
    assert_eq!(reports[6].top().unwrap().id, "refresh-loop");
    assert!(reports[8].has("refresh-loop"));
    assert!(!reports[2].has("refresh-loop"));
}

#[test]
fn refresh_failed_and_refresh_race() {
    let reports = run(vec![unauthorized(0, TOKEN_A), refresh(1, 400, "rt-1")]);
    let f = reports[1].top().unwrap();
    assert_eq!(f.id, "refresh-failed");
    assert!(f.detail.contains("invalid_grant"));
    assert_eq!(f.entries, [1, 0]);

    let mut a = refresh(1, 200, "rt-1");
    a.time_ms = Some(400.0);
    let mut b = refresh(1, 400, "rt-1");
    b.started_at = Some(Timestamp(at_secs(1).0 + 50));
    let reports = run(vec![unauthorized(0, TOKEN_A), a, b]);
    assert_eq!(reports[2].top().unwrap().id, "refresh-race");
    assert!(
        !reports[2].has("refresh-failed"),
        "race suppresses the generic failure"
    );
    assert!(reports[1].has("refresh-race"));
    assert_eq!(
        reports[1].findings[0].severity,
        Severity::Info,
        "the winner only takes part"
    );

    // Refreshes minutes apart are not a race.
    let reports = run(vec![refresh(0, 200, "rt-1"), refresh(200, 200, "rt-2")]);
    assert!(reports.iter().all(|r| !r.has("refresh-race")));
}

#[test]
fn spike_after_a_healthy_period() {
    let mut list: Vec<Exchange> = (0..30)
        .map(|i| get(API).bearer(TOKEN_A).at(i).x())
        .collect();
    for i in 30..36 {
        list.push(unauthorized(i, TOKEN_A));
    }
    let reports = run(list);
    let at: Vec<usize> = reports
        .iter()
        .filter(|r| r.has("401-spike"))
        .map(|r| r.index)
        .collect();
    assert_eq!(at, [34], "reported once, on the fifth failure");
    let f = reports[34]
        .findings
        .iter()
        .find(|f| f.id == "401-spike")
        .unwrap();
    assert!(f.detail.contains("started with entry 30"), "{}", f.detail);

    // Failures from the start are not a spike.
    let reports = run((0..40).map(|i| unauthorized(i, TOKEN_A)).collect());
    assert!(reports.iter().all(|r| !r.has("401-spike")));
}

#[test]
fn inconsistent_backends_between_nodes() {
    let node = |at: i64, ok: bool, name: &str| {
        let b = get(API).bearer(TOKEN_A).at(at).rh("X-Served-By", name);
        if ok {
            b.x()
        } else {
            b.status(401)
                .rh(
                    "WWW-Authenticate",
                    "Bearer error=\"invalid_token\", error_description=\"signature key not found\"",
                )
                .x()
        }
    };
    let reports = run(vec![
        node(0, true, "node-a"),
        node(1, false, "node-b"),
        node(2, true, "node-a"),
        node(3, false, "node-b"),
    ]);
    assert!(
        reports[1].has("inconsistent-backends"),
        "{:?}",
        ids(&reports[1])
    );
    assert_eq!(reports[1].top().unwrap().id, "inconsistent-backends");
    assert_eq!(reports[3].top().unwrap().id, "inconsistent-backends");
    // Expiry (success then failures on the same node) is not inconsistency.
    let reports = run(vec![
        node(0, true, "node-a"),
        node(1, false, "node-a"),
        node(2, false, "node-a"),
    ]);
    assert!(reports.iter().all(|r| !r.has("inconsistent-backends")));
}

#[test]
fn preflight_tied_to_blocked_request() {
    let pre = req("OPTIONS", API)
        .rtype("preflight")
        .h("Origin", "https://app.example.com")
        .h("Access-Control-Request-Method", "GET")
        .status(401)
        .x();
    let blocked = get(API).bearer(TOKEN_A).status(0).x();
    let reports = run(vec![pre, blocked]);
    assert_eq!(reports[0].top().unwrap().id, "cors-preflight-unauthorized");
    assert!(reports[0].has("preflight-then-failure"));
    assert_eq!(reports[1].top().unwrap().id, "preflight-then-failure");
    assert_eq!(reports[1].top().unwrap().entries, [1, 0]);
}

#[test]
fn authorization_stripped_by_cross_origin_redirect() {
    let hop = get("https://api.example.com/v1/files/1")
        .bearer(TOKEN_A)
        .redirect(307, "https://files.example.net/1")
        .x();
    let next = get("https://files.example.net/1")
        .status(401)
        .rh("WWW-Authenticate", "Bearer realm=\"files\"")
        .x();
    let reports = run(vec![hop.clone(), next.clone()]);
    assert_eq!(
        reports[1].top().unwrap().id,
        "authorization-stripped-on-redirect"
    );
    assert!(!reports[1].has("missing-credentials"));
    // Same-origin redirects keep Authorization: no finding.
    let hop = get("https://api.example.com/v1/files/1")
        .bearer(TOKEN_A)
        .redirect(307, "https://api.example.com/v1/files/one")
        .x();
    let next = get("https://api.example.com/v1/files/one").status(401).x();
    let reports = run(vec![hop, next]);
    assert!(!reports[1].has("authorization-stripped-on-redirect"));
}

#[test]
fn summary_line_counts_top_findings() {
    let mut an = Analyzer::new(Config::default());
    let list = vec![
        unauthorized(0, TOKEN_A),
        get(API).bearer(TOKEN_A).status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"Jwt expired at 2026-11-21T09:55:00Z\"").x(),
        get(API).bearer(TOKEN_A).status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"token expired\"").x(),
        req("OPTIONS", API).rtype("preflight").h("Access-Control-Request-Method", "PUT").status(403).x(),
        get(API).bearer(TOKEN_A).x(),
    ];
    for (i, mut e) in list.into_iter().enumerate() {
        e.index = i;
        an.push(e);
    }
    assert_eq!(
        an.summary_line(),
        "4 auth failures: 2 × token-expired, 1 × cors-preflight-unauthorized, 1 × invalid-token"
    );
}

#[test]
fn every_emitted_id_and_fix_is_catalogued() {
    let all = vec![
        get(API).status(401).x(),
        unauthorized(0, TOKEN_A),
        refresh(1, 400, "r"),
        get(API)
            .bearer(TOKEN_A)
            .status(403)
            .rh("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")
            .x(),
    ];
    for r in run(all) {
        for f in &r.findings {
            assert!(
                CATALOGUE.iter().any(|c| c.id == f.id),
                "{} not catalogued",
                f.id
            );
            for fix in &f.fixes {
                assert!(
                    authlens::fixes::is_known(fix),
                    "{fix} (from {}) not in the fix catalogue",
                    f.id
                );
            }
        }
    }
}

#[test]
fn memory_stays_bounded() {
    let config = Config {
        window: 16,
        max_origins: 4,
        ..Config::default()
    };
    let mut an = Analyzer::new(config);
    for i in 0..2000 {
        let mut e = get(&format!("https://h{}.example.com/x", i % 50))
            .status(if i % 3 == 0 { 401 } else { 200 })
            .x();
        e.index = i;
        an.push(e);
        assert!(an.retained() <= an.retained_bound());
    }
    assert_eq!(an.retained(), 16 + 4);
}

#[test]
fn fixes_render_for_every_finding_of_a_report() {
    let ex = get(API)
        .bearer(TOKEN_A)
        .status(401)
        .rh("Server", "nginx/1.25.3")
        .rh(
            "WWW-Authenticate",
            "Bearer error=\"invalid_token\", error_description=\"The access token expired\"",
        )
        .x();
    let report = one(ex.clone());
    let rendered = report.render_fixes(&ex, false);
    let (id, fixes) = &rendered[0];
    assert_eq!(*id, "token-expired");
    let names: Vec<&str> = fixes.iter().map(|f| f.id).collect();
    assert_eq!(names, ["refresh-token", "relogin", "copy-curl"]);
    let curl = &fixes[2].snippets[0].code;
    assert!(curl.contains("Bearer <fresh access token>"), "{curl}");
    assert!(!curl.contains(TOKEN_A));
}

#[test]
fn cookie_not_sent_names_the_attribute() {
    let login = |set: &str| {
        req("POST", "https://app.example.com/login")
            .at(0)
            .rtype("document")
            .rh("Set-Cookie", set)
            .redirect(303, "/")
            .x()
    };
    let failing = |url: &str, extra: &[(&str, &str)]| {
        let mut b = get(url)
            .at(10)
            .status(401)
            .body("application/json", r#"{"message":"not logged in"}"#);
        for (n, v) in extra {
            b = b.h(n, v);
        }
        b.x()
    };
    // (Set-Cookie, failing request, expected attribute, a word of the detail)
    let cases: Vec<(&str, Exchange, &str, &str)> = vec![
        (
            "session=abc123; Path=/; HttpOnly; SameSite=Lax",
            get("https://app.example.com/logout")
                .at(5)
                .rh("Set-Cookie", "session=; Path=/; Max-Age=0")
                .x(),
            "Max-Age=0",
            "logout",
        ),
        (
            "session=abc123; Path=/; HttpOnly; SameSite=None",
            failing(
                "https://api.example.com/v1/me",
                &[("Origin", "https://app.example.com")],
            ),
            "SameSite=None without Secure",
            "samesite=none without secure",
        ),
        (
            "session=abc123; Path=/app; Secure; HttpOnly",
            failing("https://app.example.com/api/me", &[]),
            "Path=/app",
            "path",
        ),
        (
            "session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax",
            failing("http://app.example.com/api/me", &[]),
            "Secure",
            "plain http",
        ),
        (
            "session=abc123; Domain=app.example.com; Path=/; Secure; HttpOnly; SameSite=None",
            failing(
                "https://api.example.com/v1/me",
                &[
                    ("Origin", "https://app.example.com"),
                    ("Sec-Fetch-Site", "same-site"),
                ],
            ),
            "Domain=app.example.com",
            "domain",
        ),
        (
            "session=abc123; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax",
            failing(
                "https://api.example.com/v1/me",
                &[
                    ("Origin", "https://app.example.com"),
                    ("Sec-Fetch-Site", "same-site"),
                ],
            ),
            "credentials mode",
            "credentials: \"include\"",
        ),
    ];
    for (set, second, attr, word) in cases {
        let mut list = vec![login(set), second];
        if list[1].response.status != 401 {
            list.push(failing("https://app.example.com/api/me", &[]));
        }
        let reports = run(list);
        let last = reports.last().unwrap();
        assert_eq!(
            last.top().map(|f| f.id),
            Some("cookie-not-sent"),
            "{set}: {:?}",
            ids(last)
        );
        let f = last.top().unwrap();
        let a = f.evidence.iter().find(|e| e.label == "attribute").unwrap();
        assert_eq!(a.value, attr, "{set}");
        assert!(
            f.detail.to_lowercase().contains(&word.to_lowercase()),
            "{set}: {}",
            f.detail
        );
        assert!(
            !serde_json::to_string(f).unwrap().contains("abc123"),
            "cookie value leaked"
        );
        assert!(
            f.entries.len() >= 2 && f.entries[1] < last.index,
            "links the entry that set it"
        );
    }
    // The cookie was sent: no finding, and the request is not "missing credentials".
    let reports = run(vec![
        login("session=abc123; Path=/; Secure; HttpOnly"),
        failing(
            "https://app.example.com/api/me",
            &[("Cookie", "session=abc123")],
        ),
    ]);
    assert!(!reports[1].has("cookie-not-sent") && !reports[1].has("missing-credentials"));
    // Only analytics cookies sent: missing credentials.
    let r = one(failing(
        "https://app.example.com/api/me",
        &[("Cookie", "_ga=GA1.2.3; theme=dark")],
    ));
    assert_eq!(r.top().unwrap().id, "missing-credentials");
}
