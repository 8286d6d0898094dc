//! Every credential a request carried, with where it came from.
//!
//! Headers are read in order (duplicates kept: two `Authorization` fields are themselves a
//! bug), then the query string. The `DPoP` proof is checked against the request and against
//! the access token it accompanies (`ath`, `cnf.jkt`).

use serde::Serialize;

use super::{
    decode_api_key, decode_authorization, decode_bare_token, decode_dpop_proof, dpop, format,
    lex_scheme, percent_decode, Context, DecodedCredential, Kind,
};
use crate::diagnostic::Severity;
use crate::exchange::{Request, UrlParts};
use crate::finding::Finding;
use crate::{cookie, jose};

/// Request headers that carry an API key or token by vendor convention, with who uses them.
pub const API_KEY_HEADERS: &[(&str, &str)] = &[
    (
        "X-API-Key",
        "generic API key (AWS API Gateway, Anthropic, many SaaS APIs)",
    ),
    (
        "Api-Key",
        "generic API key (Azure OpenAI, Azure Cognitive Search)",
    ),
    ("X-Api-Token", "generic API token"),
    (
        "X-Auth-Token",
        "generic auth token (OpenStack Keystone, many frameworks)",
    ),
    ("X-Access-Token", "generic access token"),
    ("X-Auth-Key", "Cloudflare global API key (legacy)"),
    (
        "Ocp-Apim-Subscription-Key",
        "Azure API Management subscription key",
    ),
    ("X-Goog-Api-Key", "Google Cloud API key"),
    ("X-Functions-Key", "Azure Functions host/function key"),
    ("X-Shopify-Access-Token", "Shopify Admin API access token"),
    ("PRIVATE-TOKEN", "GitLab personal/project access token"),
    ("JOB-TOKEN", "GitLab CI/CD job token"),
    ("X-Vault-Token", "HashiCorp Vault token"),
    ("X-Figma-Token", "Figma personal access token"),
    ("X-RapidAPI-Key", "RapidAPI key"),
    ("X-Algolia-API-Key", "Algolia API key"),
    (
        "X-Amz-Security-Token",
        "AWS STS session token (accompanies a SigV4 signature)",
    ),
    ("X-JFrog-Art-Api", "JFrog Artifactory API key"),
    ("apikey", "Supabase / Kong API key"),
    ("X-Master-Key", "JSONBin master key"),
];

/// Query parameters that carry credentials (RFC 6750 §2.3 `access_token` and vendor ones).
pub const QUERY_TOKEN_PARAMS: &[(&str, &str)] = &[
    (
        "access_token",
        "OAuth access token in the URL (RFC 6750 §2.3, discouraged)",
    ),
    ("token", "token"),
    ("id_token", "OpenID Connect ID token"),
    ("api_key", "API key"),
    ("apikey", "API key"),
    ("api-key", "API key"),
    ("key", "API key (Google APIs use key=)"),
    (
        "code",
        "OAuth authorization code (single use, for the token endpoint only)",
    ),
    ("jwt", "JWT"),
    ("auth", "auth token"),
    ("refresh_token", "OAuth refresh token"),
    ("client_secret", "OAuth client secret"),
];

/// Cookie names that hold a session or token, by framework (a `*` suffix is a prefix match).
/// Any cookie whose value is a JWT is reported too, whatever its name.
pub const SESSION_COOKIES: &[(&str, &str)] = &[
    ("JSESSIONID", "Java servlet session"),
    ("PHPSESSID", "PHP session"),
    ("ASP.NET_SessionId", "ASP.NET session"),
    (
        ".AspNetCore.Cookies",
        "ASP.NET Core cookie authentication ticket",
    ),
    (".AspNetCore.Session", "ASP.NET Core session"),
    (".ASPXAUTH", "ASP.NET forms authentication ticket"),
    ("connect.sid", "Express (express-session) session"),
    ("laravel_session", "Laravel session"),
    ("remember_web_*", "Laravel remember-me"),
    ("_session_id", "Rails session"),
    ("sessionid", "Django session"),
    ("rack.session", "Rack session"),
    ("__session", "Firebase Hosting / generic session"),
    ("next-auth.session-token", "NextAuth.js session (a JWE)"),
    (
        "__Secure-next-auth.session-token",
        "NextAuth.js session (a JWE)",
    ),
    ("authjs.session-token", "Auth.js session (a JWE)"),
    ("__Secure-authjs.session-token", "Auth.js session (a JWE)"),
    ("appSession", "Auth0 SDK session"),
    ("KEYCLOAK_SESSION", "Keycloak SSO session"),
    ("KEYCLOAK_IDENTITY", "Keycloak identity token"),
    ("_oauth2_proxy", "oauth2-proxy session"),
    ("ory_kratos_session", "Ory Kratos session"),
    ("SSESS*", "Drupal session"),
    ("wordpress_logged_in_*", "WordPress login"),
    ("sb-access-token", "Supabase access token"),
    ("access_token", "access token"),
    ("id_token", "OpenID Connect ID token"),
    ("refresh_token", "refresh token"),
    ("jwt", "JWT"),
    ("token", "token"),
    ("auth_token", "auth token"),
];

/// What a cookie name says about its value, from [`SESSION_COOKIES`] or the name's words.
fn session_cookie(name: &str) -> Option<String> {
    let known = SESSION_COOKIES
        .iter()
        .find(|(n, _)| match n.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => *n == name,
        });
    if let Some((_, what)) = known {
        return Some((*what).to_string());
    }
    let lower = name.to_ascii_lowercase();
    ["session", "token", "auth", "jwt", "sid"]
        .iter()
        .any(|w| lower.contains(w))
        .then(|| "session or token cookie (by its name)".to_string())
}

/// Where a credential was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Source {
    /// A request header (name as sent, position among all headers).
    Header {
        /// Header name as sent.
        name: String,
        /// Position among the request's header fields.
        index: usize,
    },
    /// A cookie of the `Cookie` header.
    Cookie {
        /// Cookie name.
        name: String,
        /// Position of the `Cookie` field among the request's header fields.
        index: usize,
    },
    /// A query-string parameter.
    Query {
        /// Parameter name (decoded).
        name: String,
    },
}

impl Source {
    /// `request header Authorization`, `cookie session`, `query parameter access_token`.
    pub fn describe(&self) -> String {
        match self {
            Source::Header { name, .. } => format!("request header {name}"),
            Source::Cookie { name, .. } => format!("cookie {name}"),
            Source::Query { name } => format!("query parameter {name}"),
        }
    }
}

/// One credential of a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestCredential {
    /// Where it came from.
    pub source: Source,
    /// [`Source::describe`], for display.
    pub location: String,
    /// What it decodes to.
    pub credential: DecodedCredential,
}

impl RequestCredential {
    fn new(source: Source, credential: DecodedCredential) -> Self {
        Self {
            location: source.describe(),
            source,
            credential,
        }
    }
}

fn api_key_header(name: &str) -> bool {
    API_KEY_HEADERS
        .iter()
        .any(|(h, _)| h.eq_ignore_ascii_case(name))
}

/// Every credential `req` carried, in header order, then query parameters. `ctx.request` is
/// set to `req`; `ctx.proxy` is set per header.
pub fn from_request(req: &Request, ctx: &Context<'_>) -> Vec<RequestCredential> {
    from_request_with(req, ctx, &mut Fresh)
}

/// How [`from_request_with`] decodes the parts of a request that repeat from request to
/// request (an app sends the same token and the same session cookie every time), so a
/// caller can serve them from a cache and move them to the request's instant with
/// [`super::rejudge_at`]. Each method is given the context [`from_request`] would use.
pub trait RepeatedParts {
    /// One `Authorization` value, as [`decode_authorization`] decodes it.
    fn authorization(&mut self, value: &str, ctx: &Context<'_>) -> DecodedCredential;
    /// One `Cookie` field value, as [`cookie_credentials`] decodes it.
    fn cookies(&mut self, value: &str, ctx: &Context<'_>) -> Vec<(String, DecodedCredential)>;
}

/// [`RepeatedParts`] that decodes every time.
struct Fresh;

impl RepeatedParts for Fresh {
    fn authorization(&mut self, value: &str, ctx: &Context<'_>) -> DecodedCredential {
        decode_authorization(value, ctx)
    }

    fn cookies(&mut self, value: &str, ctx: &Context<'_>) -> Vec<(String, DecodedCredential)> {
        cookie_credentials(value, ctx)
    }
}

/// [`from_request`], with `parts` decoding the `Authorization` and `Cookie` values.
/// `Proxy-Authorization`, API-key headers, the DPoP proof and the query are always decoded
/// afresh.
pub fn from_request_with(
    req: &Request,
    ctx: &Context<'_>,
    parts: &mut dyn RepeatedParts,
) -> Vec<RequestCredential> {
    let ctx = ctx.with_request(req);
    let mut out = Vec::new();
    let mut auth_values: Vec<(usize, &str)> = Vec::new();
    let mut dpop_headers: Vec<(usize, &str)> = Vec::new();
    for (index, h) in req.headers.iter().enumerate() {
        let name = h.name.as_str();
        if name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("proxy-authorization")
        {
            let proxy = name.eq_ignore_ascii_case("proxy-authorization");
            let mut cred = if proxy {
                decode_authorization(&h.value, &ctx.proxy(true))
            } else {
                parts.authorization(&h.value, &ctx.proxy(false))
            };
            if !proxy {
                if !auth_values.is_empty() {
                    cred.findings.insert(0, duplicate_header_finding(name));
                }
                auth_values.push((out.len(), h.value.as_str()));
            }
            out.push(RequestCredential::new(
                Source::Header {
                    name: name.to_string(),
                    index,
                },
                cred,
            ));
        } else if name.eq_ignore_ascii_case("dpop") {
            dpop_headers.push((index, h.value.as_str()));
        } else if name.eq_ignore_ascii_case("cookie") {
            for (name, credential) in parts.cookies(&h.value, &ctx) {
                out.push(RequestCredential::new(
                    Source::Cookie { name, index },
                    credential,
                ));
            }
        } else if api_key_header(name) {
            out.push(RequestCredential::new(
                Source::Header {
                    name: name.to_string(),
                    index,
                },
                decode_api_key(&h.value, &ctx),
            ));
        }
    }
    add_dpop(&mut out, &auth_values, &dpop_headers, &ctx);
    add_query(&mut out, req, &ctx);
    out
}

/// The cookies of one `Cookie` field value that carry credentials (a JWT, or a session
/// cookie by name, [`SESSION_COOKIES`]), decoded, with their names, in order.
pub fn cookie_credentials(value: &str, ctx: &Context<'_>) -> Vec<(String, DecodedCredential)> {
    let mut out = Vec::new();
    let parsed = cookie::parse_cookie_header(value);
    for pair in &parsed.pairs {
        let raw = pair.value.trim_matches('"');
        let decoded = if raw.contains('%') {
            percent_decode(raw)
        } else {
            raw.to_string()
        };
        let is_jwt = jose::looks_like_jose(&decoded);
        let hint = session_cookie(&pair.name);
        if !is_jwt && hint.is_none() || decoded.is_empty() {
            continue;
        }
        let mut cred = decode_bare_token(&decoded, ctx);
        if !is_jwt {
            // A session id is opaque by design; only its shape and the framework are known.
            cred.kind = Kind::Opaque;
        }
        if cred.issuer_hint.is_none() {
            cred.issuer_hint = hint;
        }
        out.push((pair.name.clone(), cred));
    }
    out
}

fn duplicate_header_finding(name: &str) -> Finding {
    Finding::new(
        "malformed-authorization",
        Severity::Error,
        "The request has more than one Authorization header",
        "Authorization is not a list field: a request carries one set of credentials. With two \
         fields, servers and proxies pick one at random or join them with a comma and reject the \
         result. Set the header once (check interceptors that add it a second time).",
    )
    .with_evidence("header", name)
    .with_fix("fix-authorization-format")
    .with_ref(
        "RFC 9110 §11.6.2",
        "https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2",
    )
}

fn add_dpop(
    out: &mut Vec<RequestCredential>,
    auth_values: &[(usize, &str)],
    dpop_headers: &[(usize, &str)],
    ctx: &Context<'_>,
) {
    let auth = auth_values.first().copied();
    let scheme_is_dpop = auth
        .and_then(|(i, _)| out.get(i))
        .is_some_and(|c| c.credential.scheme.eq_ignore_ascii_case("dpop"));
    let jkt = auth
        .and_then(|(i, _)| out.get(i))
        .and_then(|c| c.credential.cnf_jkt())
        .map(str::to_string);
    // The access token only matters to a proof's `ath` (RFC 9449 §4.3): cleaned only then.
    let token = auth
        .filter(|_| scheme_is_dpop && !dpop_headers.is_empty())
        .map(|(_, value)| {
            let (scheme, at) = lex_scheme(value);
            format::token_after_scheme(value, scheme, at, false).cleaned
        });
    if let (Some((i, _)), Some(jkt)) = (auth, jkt.as_deref()) {
        if let Some(c) = out.get_mut(i) {
            if c.credential.scheme.eq_ignore_ascii_case("bearer") {
                c.credential.findings.push(dpop::bound_token_as_bearer(jkt));
            }
        }
    }
    if scheme_is_dpop && dpop_headers.is_empty() {
        if let Some(c) = auth.and_then(|(i, _)| out.get_mut(i)) {
            c.credential.findings.push(dpop::missing_proof());
        }
    }
    for (n, (index, value)) in dpop_headers.iter().enumerate() {
        let access = if scheme_is_dpop {
            token.as_deref()
        } else {
            None
        };
        let mut cred = decode_dpop_proof(value, ctx, access, jkt.as_deref());
        if n > 0 {
            cred.findings.insert(
                0,
                Finding::new(
                    "dpop-proof-invalid",
                    Severity::Error,
                    "More than one DPoP header",
                    "A request carries exactly one DPoP proof (RFC 9449 §4.3 step 1); servers reject several.",
                )
                .with_ref(
                    "RFC 9449 §4.3",
                    "https://www.rfc-editor.org/rfc/rfc9449#section-4.3",
                ),
            );
        }
        out.push(RequestCredential::new(
            Source::Header {
                name: "DPoP".to_string(),
                index: *index,
            },
            cred,
        ));
    }
}

fn add_query(out: &mut Vec<RequestCredential>, req: &Request, ctx: &Context<'_>) {
    let url = UrlParts::parse(&req.url);
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect();
    let has = |n: &str| pairs.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    // An Azure SAS is the whole query; report it once, at its signature.
    if has("sv") && has("sig") {
        let sas: Vec<String> = url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
        let mut cred = decode_bare_token(&sas.join("&"), ctx);
        cred.kind = Kind::Apikey;
        out.push(RequestCredential::new(
            Source::Query {
                name: "sig".to_string(),
            },
            cred,
        ));
    }
    if has("X-Amz-Signature") {
        let mut cred = DecodedCredential::new("", Kind::Aws4, false);
        cred.issuer_hint = Some("AWS Signature Version 4 presigned URL".to_string());
        if let Some((_, v)) = pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("X-Amz-Credential"))
        {
            let key = v.split('/').next().unwrap_or("");
            cred.aws4 = Some(super::Aws4Info {
                access_key_id: crate::secret::mask_after_prefix(key, 4),
                key_type: if key.starts_with("ASIA") {
                    "temporary"
                } else if key.starts_with("AKIA") {
                    "long-term"
                } else {
                    "unknown"
                },
                date: v.split('/').nth(1).map(str::to_string),
                region: v.split('/').nth(2).map(str::to_string),
                service: v.split('/').nth(3).map(str::to_string),
                ..super::Aws4Info::default()
            });
        }
        out.push(RequestCredential::new(
            Source::Query {
                name: "X-Amz-Signature".to_string(),
            },
            cred,
        ));
    }
    for (name, value) in &pairs {
        let Some((param, _)) = QUERY_TOKEN_PARAMS
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let mut cred = if param.contains("key") {
            decode_api_key(value, ctx)
        } else {
            decode_bare_token(value, ctx)
        };
        if *param == "code" && cred.kind == Kind::Opaque {
            cred.issuer_hint.get_or_insert_with(|| {
                "OAuth authorization code (single use, exchanged at the token endpoint)".to_string()
            });
        }
        out.push(RequestCredential::new(
            Source::Query { name: name.clone() },
            cred,
        ));
    }
}
