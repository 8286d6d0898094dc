//! Shared helpers for the redaction and report tests (included with `#[path]`): fixture
//! discovery, a scenario capture covering every credential kind and flow, an independent
//! secret collector, and the "no secret in any encoding" check.
//!
//! The collector deliberately does not use `authlens::redact`: it reads secrets the way a
//! reviewer would (split the scheme, decode Basic, take the JWS signature, cookie values,
//! query values by name, body fields by name), so a redaction bug cannot hide itself.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use authlens::base64::{self, Alphabet};
use authlens::diagnose::{analyze_exchanges, analyze_har, Config};
use authlens::exchange::{Body, Exchange, Headers, Request, Response};
use authlens::finding::Severity;
use authlens::har::{self, EntryMeta, HarDocument};
use authlens::time::Timestamp;

/// Every `*.har` under `tests/fixtures/`, sorted.
pub fn fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "har") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut out,
    );
    out.sort();
    out
}

/// Finding ids and severities per entry, in rank order.
pub type Analysis = Vec<(usize, Vec<(&'static str, Severity)>)>;

/// Analyses `exchanges` with the default configuration.
pub fn analyze(exchanges: &[Exchange]) -> Analysis {
    analyze_exchanges(exchanges.to_vec(), Config::default())
        .into_iter()
        .map(|r| {
            (
                r.index,
                r.findings.iter().map(|f| (f.id, f.severity)).collect(),
            )
        })
        .collect()
}

/// Like [`analyze`] for a document, with its HAR details (browser network errors).
pub fn analyze_doc(doc: &HarDocument) -> Analysis {
    analyze_har(doc, Config::default())
        .reports
        .into_iter()
        .map(|r| {
            (
                r.index,
                r.findings.iter().map(|f| (f.id, f.severity)).collect(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Scenario capture
// ---------------------------------------------------------------------------------------

/// The reference start time of the scenario.
pub const T0: &str = "2026-11-21T10:00:00.000Z";

/// T0 plus `secs` seconds.
pub fn at_secs(secs: i64) -> Timestamp {
    Timestamp(Timestamp::parse_rfc3339(T0).unwrap().0 + secs * 1000)
}

/// Unpadded base64url.
pub fn b64u(s: &[u8]) -> String {
    base64::encode(s, Alphabet::UrlSafe)
}

/// Padded standard base64.
pub fn b64(s: &[u8]) -> String {
    base64::encode(s, Alphabet::Standard)
}

/// A JWS with a signature made of `sig_seed` (nothing verifies signatures).
pub fn jwt(header: &str, claims: &str, sig_seed: &str) -> String {
    format!(
        "{}.{}.{}",
        b64u(header.as_bytes()),
        b64u(claims.as_bytes()),
        b64u(format!("signature-bytes-{sig_seed}-0123456789abcdef").as_bytes())
    )
}

/// An access token for api.example.com with `iat`/`exp` relative to T0.
pub fn access_token(iat: i64, exp: i64, extra: &str, seed: &str) -> String {
    let t0 = at_secs(0).unix_secs();
    jwt(
        r#"{"alg":"RS256","typ":"at+jwt","kid":"k1"}"#,
        &format!(
            r#"{{"iss":"https://id.example.com","sub":"user-4711","email":"alice@example.com","aud":"https://api.example.com","iat":{},"exp":{}{extra}}}"#,
            t0 + iat,
            t0 + exp
        ),
        seed,
    )
}

/// The access token the DPoP proofs are bound to.
pub const DPOP_AT: &str = "dpop-at-0123456789abcdefghijklmnop";

/// A DPoP proof (RFC 9449 §4.2) for `method url` bound to `token`.
pub fn dpop_proof(method: &str, url: &str, iat: i64, token: &str) -> String {
    let ath = b64u(&authlens::jose::sha256(token.as_bytes()));
    jwt(
        r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}}"#,
        &format!(
            r#"{{"jti":"e1j3V_bKic8-LAEB","htm":"{method}","htu":"{url}","iat":{},"ath":"{ath}"}}"#,
            at_secs(iat).unix_secs()
        ),
        "dpop",
    )
}

/// A builder so each scenario entry reads like the exchange it describes.
#[derive(Clone)]
pub struct B(pub Exchange);

/// A request with a 200 response.
pub fn req(method: &str, url: &str) -> B {
    B(Exchange {
        started_at: Some(at_secs(0)),
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

/// A GET request with a 200 response.
pub fn get(url: &str) -> B {
    req("GET", url)
}

impl B {
    /// Adds a request header.
    pub fn h(mut self, name: &str, value: &str) -> Self {
        self.0.request.headers.push(name, value);
        self
    }
    /// Adds a response header.
    pub fn rh(mut self, name: &str, value: &str) -> Self {
        self.0.response.headers.push(name, value);
        self
    }
    /// Sets the status.
    pub fn status(mut self, s: u16) -> Self {
        self.0.response.status = s;
        self
    }
    /// Sets the response body.
    pub fn body(mut self, mime: &str, text: &str) -> Self {
        self.0.response.body = Some(Body {
            mime_type: mime.into(),
            text: text.into(),
            encoding: None,
        });
        self
    }
    /// Sets the request body.
    pub fn req_body(mut self, mime: &str, text: &str) -> Self {
        self.0.request.body = Some(Body {
            mime_type: mime.into(),
            text: text.into(),
            encoding: None,
        });
        self
    }
    /// Sets the start time to T0 + `secs`.
    pub fn at(mut self, secs: i64) -> Self {
        self.0.started_at = Some(at_secs(secs));
        self
    }
    /// Adds a `Date` response header at T0 + `secs`.
    pub fn date(self, secs: i64) -> Self {
        let d = at_secs(secs).to_http_date();
        self.rh("Date", &d)
    }
    /// Sets the resource type.
    pub fn rtype(mut self, t: &str) -> Self {
        self.0.resource_type = Some(t.into());
        self
    }
    /// Marks the response as served from a cache.
    pub fn cached(mut self, c: &str) -> Self {
        self.0.from_cache = Some(c.into());
        self
    }
    /// Makes the response a redirect to `to`.
    pub fn redirect(mut self, status: u16, to: &str) -> Self {
        self.0.response.status = status;
        self.0.response.redirect_url = Some(to.into());
        self.rh("Location", to)
    }
    /// Adds `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        let v = format!("Bearer {token}");
        self.h("Authorization", &v)
    }
    /// The exchange.
    pub fn x(self) -> Exchange {
        self.0
    }
}

const API: &str = "https://api.example.com/v1/me";

/// A capture with every credential kind, malformation and flow the rules know, timed so
/// that flows relate. Secrets are high-entropy so the search cannot hit by chance.
pub fn scenario() -> Vec<Exchange> {
    let tok_a = access_token(-60, 3000, "", "a1");
    let expired = access_token(-3900, -300, r#","scope":"orders:read""#, "exp1");
    let refreshed = access_token(0, 3600, "", "ref2");
    let future = access_token(600, 4200, "", "fut3");
    let scoped = access_token(-60, 3000, r#","scope":"orders:read profile""#, "sc4");
    let bound = access_token(
        -60,
        3000,
        r#","cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I","x5t#S256":"abc"}"#,
        "bnd5",
    );
    let jwe = format!(
        "{}.{}.{}.{}.{}",
        b64u(br#"{"alg":"RSA-OAEP","enc":"A256GCM","kid":"enc-1"}"#),
        b64u(b"encrypted-key-bytes-9f8e7d6c5b4a39281706"),
        b64u(b"iv-bytes-4d3c2b1a"),
        b64u(b"ciphertext-bytes-a1b2c3d4e5f6a7b8c9d0e1f2"),
        b64u(b"tag-bytes-0f1e2d3c")
    );
    let none = jwt(r#"{"alg":"none"}"#, r#"{"sub":"admin"}"#, "none");
    let none = none.rsplit_once('.').map(|(a, _)| format!("{a}.")).unwrap();
    let digest = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/reports?token=Qz9xW2vT7mK4pL8n\", nonce=\"old\", response=\"8ca523f5e9506fed4657c9700eebdbec\", qop=auth, nc=00000001, cnonce=\"0a4f113b\"";
    let aws = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
    let basic = format!("Basic {}", b64(b"alice:Tr0ub4dor&3-horse"));
    let basic_key = format!("Basic {}", b64(b"sk_live_4eC39HqLyjWDarjtT1zdp7dc:"));
    let mut list = vec![
        // Healthy and failing Bearer JWTs.
        get(API).bearer(&tok_a).date(0).x(),
        get(API)
            .bearer(&expired)
            .status(401)
            .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
            .at(1)
            .x(),
        req("POST", "https://id.example.com/oauth/token")
            .h("Content-Type", "application/x-www-form-urlencoded")
            .req_body(
                "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=rt-7Hq2Lx9Vb4Nm1Kp8Zs&client_id=spa&client_secret=cs-Wq3Er5Ty7Ui9Op1As",
            )
            .body(
                "application/json",
                &format!(r#"{{"access_token":"{refreshed}","refresh_token":"rt-Jk8Hg6Fd4Sa2Lm0Pq","expires_in":3600,"token_type":"Bearer"}}"#),
            )
            .at(2)
            .x(),
        get(API).bearer(&refreshed).at(3).x(),
        get(API)
            .bearer(&future)
            .status(401)
            .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
            .at(10)
            .x(),
        get("https://billing.example.com/v1/invoices")
            .bearer(&tok_a)
            .status(401)
            .rh("WWW-Authenticate", "Bearer error=\"invalid_token\"")
            .at(11)
            .x(),
        get(API)
            .bearer(&scoped)
            .status(403)
            .rh("WWW-Authenticate", "Bearer realm=\"api\", scope=\"orders:write\"")
            .at(12)
            .x(),
        get(API)
            .bearer(&bound)
            .status(401)
            .rh("WWW-Authenticate", "DPoP algs=\"ES256\", error=\"invalid_token\"")
            .at(13)
            .x(),
        get(API).bearer(&jwe).status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").at(14).x(),
        get(API).bearer(&none).at(15).x(),
        // Malformed and placeholder values.
        get(API).h("Authorization", &format!("Bearer Bearer {tok_a}")).status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").at(16).x(),
        get(API).h("Authorization", "Bearer undefined").status(401).rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").at(17).x(),
        get(API).h("Authorization", &format!("Bearer \"{tok_a}\";")).status(401).at(18).x(),
        get(API).h("Authorization", &format!("bearer {}\n", "opq-Zx81Lw37Rt55Yu02")).status(401).at(19).x(),
        get(API).h("Authorization", "Bearer ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78").status(401).at(20).x(),
        get(API).h("Authorization", "Bearer AKIAIOSFODNN7EXAMPLE").status(401).at(21).x(),
        get(API).h("Authorization", "Bearer abc%2Bdef%2Fghijk1234567").status(401).at(22).x(),
        get(API).h("Authorization", &tok_a).status(401).at(23).x(),
        // Basic, Digest, SigV4.
        get("https://api.example.com/basic").h("Authorization", &basic).status(401).rh("WWW-Authenticate", "Bearer realm=\"api\"").at(24).x(),
        get("http://legacy.example.com/api").h("Authorization", &basic).at(25).x(),
        get("https://api.stripe.com/v1/charges").h("Authorization", &basic_key).at(26).x(),
        get("https://intranet.example.com/reports?token=Qz9xW2vT7mK4pL8n")
            .h("Authorization", digest)
            .status(401)
            .rh("WWW-Authenticate", "Digest realm=\"http-auth@example.org\", qop=\"auth\", algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv\", opaque=\"FQhe\", stale=true")
            .at(27)
            .x(),
        get("https://bucket.s3.amazonaws.com/key")
            .h("Authorization", aws)
            .h("X-Amz-Date", "20261121T100000Z")
            .status(403)
            .at(28)
            .x(),
        // DPoP.
        get(API)
            .h("Authorization", &format!("DPoP {DPOP_AT}"))
            .h("DPoP", &dpop_proof("GET", API, 29, DPOP_AT))
            .status(401)
            .rh("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"")
            .rh("DPoP-Nonce", "eyJ7S_zG.eyJH0-Z.HX4w-7v")
            .at(29)
            .x(),
        get(API)
            .h("Authorization", &format!("DPoP {DPOP_AT}"))
            .h("DPoP", &dpop_proof("GET", API, 30, "another-token-000000000000"))
            .status(401)
            .rh("WWW-Authenticate", "DPoP error=\"invalid_dpop_proof\"")
            .at(30)
            .x(),
        // Cookies, API keys, query tokens.
        get("https://app.example.com/api/orders")
            .h("Cookie", "sid=s%3A9f8e7d6c5b4a39281706f5e4d3c2b1a0; theme=dark; jwt=")
            .status(401)
            .at(31)
            .x(),
        get("https://app.example.com/login")
            .rh("Set-Cookie", "session=Se55ion-Va1ue-77a8b9c0; Path=/; Secure; HttpOnly; SameSite=Lax")
            .at(32)
            .x(),
        get("https://app.example.com/api/orders")
            .h("Cookie", &format!("next-auth.session-token={expired}"))
            .status(401)
            .at(33)
            .x(),
        get("https://api.example.com/v1/data").h("X-API-Key", "key-Pz7Qx2Wv9Ls4Kd1Mj6").status(401).at(34).x(),
        get("https://api.example.com/v1/me?access_token=at-Vb5Nm8Qw2Er4Ty6Ui9").at(35).x(),
        get("https://app.example.com/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz").at(36).x(),
        // Edge, cache, preflight, proxy, redirects.
        get(API)
            .bearer(&tok_a)
            .status(403)
            .rh("Server", "cloudflare")
            .rh("CF-RAY", "8e1f2a3b4c5d6e7f-FRA")
            .rh("Content-Type", "text/html; charset=UTF-8")
            .body("text/html", "<!DOCTYPE html><title>Attention Required! | Cloudflare</title> Cloudflare Ray ID: 8e1f2a3b4c5d6e7f")
            .at(37)
            .x(),
        get(API).bearer(&tok_a).status(401).cached("disk").rh("WWW-Authenticate", "Bearer error=\"invalid_token\"").at(38).x(),
        req("OPTIONS", API)
            .rtype("preflight")
            .h("Origin", "https://app.example.com")
            .h("Access-Control-Request-Method", "GET")
            .h("Access-Control-Request-Headers", "authorization")
            .status(401)
            .at(39)
            .x(),
        get(API).status(407).rh("Proxy-Authenticate", "Basic realm=\"corp-proxy\"").at(40).x(),
        get("https://app.example.com/api/orders").h("Accept", "application/json").redirect(302, "/login?next=%2Fapi%2Forders").at(41).x(),
        get("https://api.example.com/v1/old").bearer(&tok_a).redirect(307, "https://other.example.net/v1/new?token=Rd1rEcT7oKen55").at(42).x(),
        get("https://other.example.net/v1/new?token=Rd1rEcT7oKen55").status(401).at(42).x(),
        get(API)
            .bearer(&tok_a)
            .status(401)
            .body("application/json", r#"{"error":"unauthorized","error_description":"No session","debug_token":"eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.ZGVidWctc2lnbmF0dXJlLTEyMzQ1Njc4"}"#)
            .at(43)
            .x(),
        // A failing refresh flow with a reused refresh token.
        req("POST", "https://id.example.com/oauth/token")
            .req_body("application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=rt-Jk8Hg6Fd4Sa2Lm0Pq")
            .body("application/json", r#"{"access_token":"at-Op0Iu9Yt8Re7Wq6","refresh_token":"rt-Mn5Bv4Cx3Za2Lk1","expires_in":600}"#)
            .at(44)
            .x(),
        req("POST", "https://id.example.com/oauth/token")
            .req_body("application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=rt-Jk8Hg6Fd4Sa2Lm0Pq")
            .status(400)
            .body("application/json", r#"{"error":"invalid_grant","error_description":"refresh token already used"}"#)
            .at(45)
            .x(),
    ];
    for (i, x) in list.iter_mut().enumerate() {
        x.index = i;
    }
    list
}

/// The scenario as a HAR document with metadata (header sizes, a `:path` pseudo-header).
pub fn scenario_document() -> HarDocument {
    let exchanges = scenario();
    let meta = exchanges
        .iter()
        .map(|x| EntryMeta {
            index: x.index,
            request_pseudo_headers: vec![authlens::exchange::Header {
                name: ":path".into(),
                value: {
                    let u = x.url();
                    match u.query {
                        Some(q) => format!("{}?{q}", u.path),
                        None => u.path.to_string(),
                    }
                },
            }],
            ..EntryMeta::default()
        })
        .collect();
    HarDocument {
        version: Some("1.2".into()),
        creator: Some(har::Software {
            name: "WebInspector".into(),
            version: "537.36".into(),
            comment: None,
        }),
        exchanges,
        meta,
        ..HarDocument::default()
    }
}

// ---------------------------------------------------------------------------------------
// Secret collection
// ---------------------------------------------------------------------------------------

const QUERY: &[&str] = &[
    "access_token",
    "token",
    "id_token",
    "refresh_token",
    "code",
    "api_key",
    "key",
    "sig",
    "client_secret",
    "password",
];
const BODY: &[&str] = &[
    "password",
    "client_secret",
    "refresh_token",
    "access_token",
    "id_token",
    "code",
    "code_verifier",
    "assertion",
    "client_assertion",
];
const KEY_HEADERS: &[&str] = &[
    "x-api-key",
    "api-key",
    "x-auth-token",
    "private-token",
    "x-goog-api-key",
];

fn pct_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_placeholder(v: &str) -> bool {
    authlens::credentials::placeholder(v).is_some()
}

/// The parts of a token that are secret: a JWS signature, a JWE's encrypted parts, or the
/// whole token.
fn token_secrets(t: &str, out: &mut Vec<String>) {
    let t = t.trim().trim_matches('"').trim_end_matches([';', ',']);
    if t.is_empty() || is_placeholder(t) {
        return;
    }
    let parts: Vec<&str> = t.split('.').collect();
    if parts.len() == 3 && parts[0].starts_with("eyJ") {
        out.push(parts[2].to_string());
    } else if parts.len() == 5 && parts[0].starts_with("eyJ") {
        out.extend(parts[1..].iter().map(|s| s.to_string()));
    } else {
        out.push(t.to_string());
    }
}

fn credentials_secrets(value: &str, out: &mut Vec<String>) {
    let v = value.trim();
    let (scheme, rest) = v.split_once(' ').unwrap_or(("", v));
    match scheme.to_ascii_lowercase().as_str() {
        "basic" => {
            let bytes = base64::decode(rest.trim(), Alphabet::Standard).bytes;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            match text.split_once(':') {
                Some((user, pass)) => {
                    if authlens::credentials::identify_family(user).is_some() {
                        out.push(user.to_string());
                    }
                    if pass.len() >= 6 {
                        out.push(pass.to_string());
                    }
                }
                None => out.push(text),
            }
        }
        "digest" | "aws4-hmac-sha256" => {
            for name in ["response=", "Signature="] {
                if let Some(i) = rest.find(name) {
                    let tail = rest[i + name.len()..].trim_start_matches('"');
                    let end = tail.find(['"', ',']).unwrap_or(tail.len());
                    out.push(tail[..end].to_string());
                }
            }
            if let Some(i) = rest.find("Credential=") {
                let tail = &rest[i + 11..];
                out.push(tail[..tail.find('/').unwrap_or(tail.len())].to_string());
            }
        }
        "" => token_secrets(v, out),
        _ => {
            let rest = rest.trim();
            let rest = rest.strip_prefix(scheme).map(str::trim).unwrap_or(rest);
            token_secrets(rest, out);
        }
    }
}

/// Every secret of `doc` of at least 6 characters (shorter values appear by chance).
pub fn secrets(doc: &HarDocument) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for x in &doc.exchanges {
        for h in x.request.headers.iter() {
            let n = h.name.to_ascii_lowercase();
            if n == "authorization" || n == "proxy-authorization" {
                credentials_secrets(&h.value, &mut out);
            } else if n == "dpop" {
                token_secrets(&h.value, &mut out);
            } else if n == "cookie" {
                for pair in authlens::cookie::parse_cookie_header(&h.value).pairs {
                    let v = pct_decode(pair.value.trim_matches('"'));
                    token_secrets(&v, &mut out);
                    out.push(pair.value.clone());
                }
            } else if KEY_HEADERS.contains(&n.as_str()) {
                token_secrets(&h.value, &mut out);
            }
        }
        for h in x.response.headers.get_all("set-cookie") {
            let c = authlens::cookie::parse_set_cookie(h);
            token_secrets(&c.value, &mut out);
        }
        for url in [
            Some(x.request.url.as_str()),
            x.response.redirect_url.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            let u = authlens::exchange::UrlParts::parse(url);
            for (k, v) in u.query_pairs() {
                if QUERY.iter().any(|q| q.eq_ignore_ascii_case(k)) {
                    token_secrets(&pct_decode(v), &mut out);
                }
            }
        }
        for body in [&x.request.body, &x.response.body].into_iter().flatten() {
            let text = &body.text;
            if let Ok(serde_json::Value::Object(o)) =
                serde_json::from_str::<serde_json::Value>(text)
            {
                for (k, v) in o {
                    if let Some(s) = v.as_str() {
                        if BODY.contains(&k.as_str()) || s.starts_with("eyJ") {
                            token_secrets(s, &mut out);
                        }
                    }
                }
            } else {
                for pair in text.split('&') {
                    if let Some((k, v)) = pair.split_once('=') {
                        if BODY.contains(&k) {
                            token_secrets(&pct_decode(v), &mut out);
                        }
                    }
                }
            }
        }
    }
    out.retain(|s| s.len() >= 6 && !is_placeholder(s));
    out.sort();
    out.dedup();
    out
}

/// `secret` as it could be written: raw, base64 (padded or not), base64url, percent-encoded.
pub fn encodings(secret: &str) -> Vec<String> {
    let mut v = vec![secret.to_string()];
    let std = b64(secret.as_bytes());
    v.push(std.trim_end_matches('=').to_string());
    v.push(b64u(secret.as_bytes()));
    let pct: String = secret
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    v.push(pct.clone());
    v.push(pct.to_lowercase());
    v.retain(|e| e.len() >= 6);
    v.sort();
    v.dedup();
    v
}

/// Panics naming the secret and the encoding found in `output`.
pub fn assert_no_secret(output: &str, secrets: &[String], what: &str) {
    for s in secrets {
        for e in encodings(s) {
            assert!(
                !output.contains(&e),
                "{what}: secret {s:?} found in the output as {e:?}"
            );
        }
    }
}
