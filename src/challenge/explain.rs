//! What a challenge means, in plain words with RFC links.
//!
//! Decoding stays in the parser; this module only interprets. Judgements are
//! [`Finding`]s with stable ids (listed on [`explain`]); "now" is never needed here, and the
//! response status and `DPoP-Nonce` header come in through [`ExplainContext`].

use serde::Serialize;

use super::negotiate::{self, GssToken, NegState, TokenKind};
use super::parse::{ChallengeRef, ParamRef, ParsedChallenges};
use super::vendor::{self, EntraHint, TokenRequest};
use crate::base64::{self, Alphabet};
use crate::finding::{Finding, Severity, SpecRef};
use crate::secret;

/// What the caller knows about the response that carried the challenge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExplainContext<'a> {
    /// The response status (401, 407, 403, …), to compare with what the error code expects.
    pub status: Option<u16>,
    /// The `DPoP-Nonce` response header, if any
    /// ([RFC 9449 §9](https://www.rfc-editor.org/rfc/rfc9449#section-9)).
    pub dpop_nonce: Option<&'a str>,
}

/// The schemes authlens knows the meaning of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SchemeKind {
    /// RFC 7617.
    Basic,
    /// RFC 6750.
    Bearer,
    /// RFC 7616.
    Digest,
    /// RFC 9449.
    Dpop,
    /// RFC 4559 (SPNEGO: Kerberos or NTLM).
    Negotiate,
    /// MS-NLMP.
    Ntlm,
    /// Raw Kerberos (rare over HTTP).
    Kerberos,
    /// RFC 7486.
    Hoba,
    /// RFC 8120 (experimental).
    Mutual,
    /// RFC 7804 (`SCRAM-SHA-1`, `SCRAM-SHA-256`).
    Scram,
    /// Anything else, shown generically.
    Other,
}

impl SchemeKind {
    /// The kind of a scheme name (ASCII case-insensitive).
    pub fn of(scheme: &str) -> Self {
        let s = scheme.to_ascii_lowercase();
        match s.as_str() {
            "basic" => Self::Basic,
            "bearer" => Self::Bearer,
            "digest" => Self::Digest,
            "dpop" => Self::Dpop,
            "negotiate" => Self::Negotiate,
            "ntlm" => Self::Ntlm,
            "kerberos" => Self::Kerberos,
            "hoba" => Self::Hoba,
            "mutual" => Self::Mutual,
            "scram-sha-1" | "scram-sha-256" => Self::Scram,
            _ => Self::Other,
        }
    }
}

/// One parameter and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamMeaning {
    /// Name as sent.
    pub name: String,
    /// Value as sent (unescaped). Challenge parameters carry no secrets.
    pub value: String,
    /// Plain-words meaning, specific to this value where useful.
    pub meaning: String,
    /// Whether the scheme (or a known vendor convention) defines this parameter.
    pub known: bool,
    /// Where it is defined.
    pub spec: Option<SpecRef>,
}

/// The token68 of a challenge (Negotiate / NTLM continuation tokens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token68Meaning {
    /// The token, masked.
    pub masked: String,
    /// What it carries, for Negotiate / NTLM / Kerberos.
    pub gss: Option<GssToken>,
}

/// A challenge explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Scheme as sent.
    pub scheme: String,
    /// Which scheme it is.
    pub kind: SchemeKind,
    /// Whether a proxy sent it (`Proxy-Authenticate`).
    pub proxy: bool,
    /// One or two sentences: what the server wants.
    pub summary: String,
    /// The scheme's definition.
    pub spec: Option<SpecRef>,
    /// Every parameter, in order.
    pub params: Vec<ParamMeaning>,
    /// The token68, if any.
    pub token68: Option<Token68Meaning>,
    /// For registry challenges: how to fetch the token.
    pub token_request: Option<TokenRequest>,
    /// For Entra ID challenges: where to get a token and for what.
    pub entra: Option<EntraHint>,
    /// Judgements (the server's stated error, risks, next steps).
    pub notes: Vec<Finding>,
}

const fn spec(title: &'static str, url: &'static str) -> SpecRef {
    SpecRef { title, url }
}

const RFC7617: SpecRef = spec(
    "RFC 7617 §2",
    "https://www.rfc-editor.org/rfc/rfc7617#section-2",
);
const RFC7617_CHARSET: SpecRef = spec(
    "RFC 7617 §2.1",
    "https://www.rfc-editor.org/rfc/rfc7617#section-2.1",
);
const RFC6750: SpecRef = spec(
    "RFC 6750 §3",
    "https://www.rfc-editor.org/rfc/rfc6750#section-3",
);
const RFC6750_ERRORS: SpecRef = spec(
    "RFC 6750 §3.1",
    "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
);
const RFC7616: SpecRef = spec(
    "RFC 7616 §3.3",
    "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
);
const RFC9449: SpecRef = spec(
    "RFC 9449 §7.1",
    "https://www.rfc-editor.org/rfc/rfc9449#section-7.1",
);
const RFC9449_NONCE: SpecRef = spec(
    "RFC 9449 §9",
    "https://www.rfc-editor.org/rfc/rfc9449#section-9",
);
const RFC4559: SpecRef = spec(
    "RFC 4559 §4",
    "https://www.rfc-editor.org/rfc/rfc4559#section-4",
);
const MS_NLMP: SpecRef = spec(
    "MS-NLMP",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nlmp/b38c36ed-2804-4868-a9ff-8dd3182128e4",
);
const RFC4121: SpecRef = spec("RFC 4121", "https://www.rfc-editor.org/rfc/rfc4121");
const RFC7486: SpecRef = spec(
    "RFC 7486 §3",
    "https://www.rfc-editor.org/rfc/rfc7486#section-3",
);
const RFC8120: SpecRef = spec(
    "RFC 8120 §4",
    "https://www.rfc-editor.org/rfc/rfc8120#section-4",
);
const RFC7804: SpecRef = spec(
    "RFC 7804 §5",
    "https://www.rfc-editor.org/rfc/rfc7804#section-5",
);
const RFC9110_PARAMS: SpecRef = spec(
    "RFC 9110 §11.2",
    "https://www.rfc-editor.org/rfc/rfc9110#section-11.2",
);
const RFC9110_PROXY: SpecRef = spec(
    "RFC 9110 §11.7.1",
    "https://www.rfc-editor.org/rfc/rfc9110#section-11.7.1",
);
const DOCKER_TOKEN: SpecRef = spec(
    "Docker registry token authentication",
    "https://distribution.github.io/distribution/spec/auth/token/",
);
const ENTRA_CLAIMS: SpecRef = spec(
    "Microsoft Entra claims challenges",
    "https://learn.microsoft.com/en-us/entra/identity-platform/claims-challenge",
);

/// The status RFC 6750 §3.1 expects with a Bearer `error` code: `invalid_request` 400,
/// `invalid_token` 401, `insufficient_scope` 403. `None` for other codes.
pub fn bearer_error_expected_status(code: &str) -> Option<u16> {
    match code {
        "invalid_request" => Some(400),
        "invalid_token" => Some(401),
        "insufficient_scope" => Some(403),
        _ => None,
    }
}

/// The status expected with a DPoP `error` code at a resource server: the RFC 6750 codes,
/// plus `invalid_dpop_proof` and `use_dpop_nonce` with 401
/// ([RFC 9449 §7.1](https://www.rfc-editor.org/rfc/rfc9449#section-7.1), [§9](https://www.rfc-editor.org/rfc/rfc9449#section-9)).
pub fn dpop_error_expected_status(code: &str) -> Option<u16> {
    match code {
        "invalid_dpop_proof" | "use_dpop_nonce" => Some(401),
        other => bearer_error_expected_status(other),
    }
}

/// What a Bearer / DPoP `error` code means, in plain words. `None` for unregistered codes.
pub fn bearer_error_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_request" => {
            "the request is malformed: a parameter is missing or repeated, or the token was sent in more than one way (header, form body, query)"
        }
        "invalid_token" => {
            "the access token is expired, revoked, malformed or not valid for this server (wrong issuer, audience or signature); get a new token"
        }
        "insufficient_scope" => {
            "the token is valid but lacks the permissions this resource needs; request a token with the scope the server names"
        }
        "invalid_dpop_proof" => {
            "the DPoP proof JWT is missing or invalid: wrong htm/htu, stale iat, reused jti, bad signature, or ath not matching the token"
        }
        "use_dpop_nonce" => {
            "the server requires a nonce in the DPoP proof: retry once with the DPoP-Nonce response header's value as the proof's nonce claim"
        }
        "insufficient_claims" => {
            "Microsoft Entra ID claims challenge: the token lacks claims (e.g. MFA) the resource now requires; request a new token passing the claims parameter"
        }
        _ => return None,
    })
}

/// Explains every challenge of a parsed header.
pub fn explain_all(parsed: &ParsedChallenges<'_>, ctx: &ExplainContext<'_>) -> Vec<Explanation> {
    parsed.challenges.iter().map(|c| explain(c, ctx)).collect()
}

/// Explains one challenge.
///
/// Finding ids: `proxy-challenge`; `error-invalid-request`, `error-invalid-token`,
/// `error-insufficient-scope`, `error-insufficient-claims`, `error-unregistered`,
/// `error-status-mismatch`, `bearer-no-error` (Bearer and DPoP share RFC 6750's codes);
/// `dpop-use-nonce`, `dpop-nonce-header-missing`, `dpop-invalid-proof`;
/// `basic-charset-missing`, `basic-charset-invalid`;
/// `digest-stale`, `digest-md5`, `digest-unknown-algorithm`, `digest-qop-missing`,
/// `digest-nonce-missing`, `digest-realm-missing`, `digest-charset-invalid`;
/// `negotiate-offered`, `ntlm-handshake-in-progress`, `negotiate-rejected`;
/// `registry-token-required`, `entra-token-required`; `mutual-experimental`;
/// `unknown-scheme`.
pub fn explain(c: &ChallengeRef<'_>, ctx: &ExplainContext<'_>) -> Explanation {
    let kind = SchemeKind::of(c.scheme);
    let mut e = Explanation {
        scheme: c.scheme.to_string(),
        kind,
        proxy: c.proxy,
        summary: String::new(),
        spec: None,
        params: Vec::with_capacity(c.params.len()),
        token68: None,
        token_request: None,
        entra: None,
        notes: Vec::new(),
    };
    let registry = vendor::is_registry_challenge(c);
    for p in &c.params {
        e.params.push(param_meaning(kind, registry, p));
    }
    match kind {
        SchemeKind::Basic => basic(c, &mut e),
        SchemeKind::Bearer => bearer(c, ctx, &mut e),
        SchemeKind::Digest => digest(c, &mut e),
        SchemeKind::Dpop => dpop(c, ctx, &mut e),
        SchemeKind::Negotiate | SchemeKind::Ntlm | SchemeKind::Kerberos => gss(c, kind, &mut e),
        SchemeKind::Hoba => {
            e.spec = Some(RFC7486);
            e.summary = "HOBA: the client proves possession of a per-origin key pair by signing the server's challenge; there is no password".into();
        }
        SchemeKind::Mutual => {
            e.spec = Some(RFC8120);
            e.summary = "Mutual: password-based authentication in which the server also proves it knows the password, over several round trips".into();
            e.notes.push(
                Finding::new(
                    "mutual-experimental",
                    Severity::Info,
                    "Mutual is an experimental scheme",
                    "RFC 8120 is experimental: mainstream browsers and HTTP libraries do not implement it, so clients will ignore this challenge",
                )
                .with_ref(RFC8120.title, RFC8120.url),
            );
        }
        SchemeKind::Scram => {
            e.spec = Some(RFC7804);
            e.summary = format!(
                "{}: salted challenge-response; the password never crosses the wire and both sides prove knowledge of it (several round trips)",
                c.scheme
            );
        }
        SchemeKind::Other => {
            e.summary = format!(
                "unregistered or unknown scheme {:?}: its parameters are shown as sent",
                c.scheme
            );
            e.notes.push(
                Finding::new(
                    "unknown-scheme",
                    Severity::Info,
                    format!("unknown scheme {}", c.scheme),
                    "browsers ignore challenges with schemes they do not implement; only clients written for this API can answer it",
                )
                .with_evidence(label(c, "scheme"), c.scheme)
                .with_ref(
                    "IANA HTTP Authentication Scheme Registry",
                    "https://www.iana.org/assignments/http-authschemes/http-authschemes.xhtml",
                ),
            );
        }
    }
    if let Some(t) = c.token68 {
        if e.token68.is_none() {
            e.token68 = Some(Token68Meaning {
                masked: secret::mask(t),
                gss: None,
            });
        }
    }
    if c.proxy {
        e.summary = format!("proxy challenge (status 407): {}", e.summary);
        e.notes.push(
            Finding::new(
                "proxy-challenge",
                Severity::Info,
                "a proxy, not the origin server, wants credentials",
                format!(
                    "this challenge came in Proxy-Authenticate: answer it with a Proxy-Authorization header ({} scheme) for the proxy; an Authorization header goes to the origin and does not satisfy the proxy",
                    c.scheme
                ),
            )
            .with_evidence(label(c, "scheme"), c.scheme)
            .with_ref(RFC9110_PROXY.title, RFC9110_PROXY.url),
        );
    }
    e
}

/// Evidence label for a part of this challenge.
fn label(c: &ChallengeRef<'_>, what: &str) -> String {
    let header = if c.proxy {
        "Proxy-Authenticate"
    } else {
        "WWW-Authenticate"
    };
    format!("{header} {} {what}", c.scheme)
}

fn param_meaning(kind: SchemeKind, registry: bool, p: &ParamRef<'_>) -> ParamMeaning {
    let name = p.name.to_ascii_lowercase();
    let value = p.value.as_ref();
    let known = |meaning: String, spec: SpecRef| (meaning, true, Some(spec));
    let (meaning, is_known, spec) = match (kind, name.as_str()) {
        (_, "realm") if registry => known(
            "the token server: GET this URL with service and scope to obtain a bearer token".into(),
            DOCKER_TOKEN,
        ),
        (_, "service") if registry => known(
            "the registry's name as the token server knows it; pass it as the service query parameter".into(),
            DOCKER_TOKEN,
        ),
        (_, "scope") if registry => known(
            format!("the access needed, as type:name:actions ({}); pass it as the scope query parameter", describe_registry_scope(value)),
            DOCKER_TOKEN,
        ),
        (SchemeKind::Basic, "realm") => known(
            "names the protection space; browsers show it in the login prompt and reuse credentials for the same realm".into(),
            RFC7617,
        ),
        (SchemeKind::Basic, "charset") => known(
            if value.eq_ignore_ascii_case("utf-8") {
                "the server expects user-id and password encoded as UTF-8 before base64".into()
            } else {
                format!("{value:?} is not allowed: the only permitted value is \"UTF-8\"")
            },
            RFC7617_CHARSET,
        ),
        (SchemeKind::Bearer | SchemeKind::Dpop, "realm") => known(
            "names the protection space; informational for token clients".into(),
            if kind == SchemeKind::Dpop { RFC9449 } else { RFC6750 },
        ),
        (SchemeKind::Bearer | SchemeKind::Dpop, "scope") => known(
            format!(
                "space-separated scopes the resource needs: {}",
                value.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
            ),
            if kind == SchemeKind::Dpop { RFC9449 } else { RFC6750 },
        ),
        (SchemeKind::Bearer | SchemeKind::Dpop, "error") => known(
            bearer_error_meaning(value).map_or_else(
                || format!("{value:?} is not a registered error code; read error_description"),
                str::to_string,
            ),
            if matches!(value, "invalid_dpop_proof" | "use_dpop_nonce") {
                RFC9449
            } else {
                RFC6750_ERRORS
            },
        ),
        (SchemeKind::Bearer | SchemeKind::Dpop, "error_description") => known(
            "human-readable detail from the server, usually the most precise hint (not meant for end users)".into(),
            RFC6750,
        ),
        (SchemeKind::Bearer | SchemeKind::Dpop, "error_uri") => known(
            "a page the server points to for more about the error".into(),
            RFC6750,
        ),
        (SchemeKind::Dpop, "algs") => known(
            format!(
                "JWS algorithms the server accepts for DPoP proofs: {}; the proof's alg header must be one of them",
                value.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
            ),
            RFC9449,
        ),
        (SchemeKind::Bearer, "authorization_uri") => known(
            "Microsoft Entra ID: the authority to request a token from (its path names the tenant)".into(),
            ENTRA_CLAIMS,
        ),
        (SchemeKind::Bearer, "resource_id" | "resource") => known(
            "Microsoft Entra ID: the resource (token audience) the token must be issued for".into(),
            ENTRA_CLAIMS,
        ),
        (SchemeKind::Bearer, "client_id") => known(
            "Microsoft Entra ID: the application id of the protected resource".into(),
            ENTRA_CLAIMS,
        ),
        (SchemeKind::Bearer, "claims") => known(
            match decode_claims(value) {
                Some(json) => format!("Microsoft Entra ID claims challenge, decoded: {json}; pass it as the claims parameter of the next token request"),
                None => "Microsoft Entra ID claims challenge (base64 json); pass it as the claims parameter of the next token request".into(),
            },
            ENTRA_CLAIMS,
        ),
        (SchemeKind::Digest, "realm") => known(
            "names the protection space and is hashed into the response; usernames/passwords are per realm".into(),
            RFC7616,
        ),
        (SchemeKind::Digest, "domain") => known(
            "space-separated URIs that share this protection space (the client may send credentials there preemptively)".into(),
            RFC7616,
        ),
        (SchemeKind::Digest, "nonce") => known(
            "server-chosen value the client hashes into its response; it expires, and then the server answers stale=true".into(),
            RFC7616,
        ),
        (SchemeKind::Digest, "opaque") => known(
            "server data the client must return unchanged in the Authorization header".into(),
            RFC7616,
        ),
        (SchemeKind::Digest, "stale") => known(
            if value.eq_ignore_ascii_case("true") {
                "true: the previous request's nonce expired but its credentials were right; retry with the new nonce without asking the user again".into()
            } else {
                "false (or absent): a rejection means the credentials themselves are wrong".into()
            },
            RFC7616,
        ),
        (SchemeKind::Digest, "algorithm") => known(describe_digest_algorithm(value), RFC7616),
        (SchemeKind::Digest, "qop") => known(
            format!(
                "quality of protection offered: {}",
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|q| match q {
                        "auth" => "auth (authentication only)",
                        "auth-int" => "auth-int (also hashes the request body)",
                        _ => "an unknown value",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RFC7616,
        ),
        (SchemeKind::Digest, "charset") => known(
            if value.eq_ignore_ascii_case("utf-8") {
                "usernames and passwords are hashed as UTF-8".into()
            } else {
                format!("{value:?} is not allowed: the only permitted value is \"UTF-8\"")
            },
            RFC7616,
        ),
        (SchemeKind::Digest, "userhash") => known(
            if value.eq_ignore_ascii_case("true") {
                "true: the server accepts a hashed username, so the client may hide the username".into()
            } else {
                "false: the username is sent in clear".into()
            },
            RFC7616,
        ),
        (SchemeKind::Hoba, "challenge") => known(
            "the nonce (base64url) the client must sign with its origin key".into(),
            RFC7486,
        ),
        (SchemeKind::Hoba, "max-age") => known(
            format!("the challenge is valid for {value} seconds"),
            RFC7486,
        ),
        (SchemeKind::Hoba, "realm") => known("names the protection space".into(), RFC7486),
        (SchemeKind::Mutual, n) => match mutual_param(n, value) {
            Some(m) => known(m, RFC8120),
            None => unknown_param(kind),
        },
        (SchemeKind::Scram, "realm") => known("names the protection space".into(), RFC7804),
        (SchemeKind::Scram, "data") => known(
            "a base64 SCRAM message (server-first or server-final) the client continues from".into(),
            RFC7804,
        ),
        (SchemeKind::Scram, "sid") => known(
            "the SCRAM session id the client must echo in its next message".into(),
            RFC7804,
        ),
        (SchemeKind::Scram, "sr") => known(
            "server nonce for quick re-authentication without a full exchange".into(),
            RFC7804,
        ),
        (SchemeKind::Scram, "ttl") => known(
            format!("the re-authentication nonce is valid for {value} seconds"),
            RFC7804,
        ),
        (SchemeKind::Scram, "stale") => known(
            "the re-authentication nonce expired: start a full SCRAM exchange".into(),
            RFC7804,
        ),
        _ => unknown_param(kind),
    };
    ParamMeaning {
        name: p.name.to_string(),
        value: value.to_string(),
        meaning,
        known: is_known,
        spec,
    }
}

fn unknown_param(kind: SchemeKind) -> (String, bool, Option<SpecRef>) {
    let meaning = if kind == SchemeKind::Other {
        "defined by this scheme or vendor; authlens does not know it".to_string()
    } else {
        "not defined for this scheme; clients ignore unknown parameters".to_string()
    };
    (meaning, false, Some(RFC9110_PARAMS))
}

fn mutual_param(name: &str, value: &str) -> Option<String> {
    Some(match name {
        "version" => format!("protocol version {value}"),
        "algorithm" => format!("key-exchange algorithm {value}"),
        "validation" => format!(
            "how the client binds the exchange to the host: {value} (host, tls-server-end-point or tls-unique)"
        ),
        "auth-scope" => "the host or domain the authentication is valid for".into(),
        "realm" => "names the protection space".into(),
        "reason" => format!(
            "why authentication is needed: {}",
            match value {
                "initial" => "no credentials were sent",
                "stale-session" => "the session expired; re-authenticate",
                "auth-failed" => "the password or user was wrong",
                "reauth-needed" => "the server wants a fresh authentication",
                "invalid-parameters" => "the client's message was malformed",
                _ => "an unregistered reason",
            }
        ),
        "sid" => "session id for the exchange".into(),
        "ks1" | "vks" | "nc-max" | "nc-window" | "time" | "path" | "distance" => {
            format!("protocol value {name} (key exchange or session limits)")
        }
        _ => return None,
    })
}

fn describe_registry_scope(scope: &str) -> String {
    let parts: Vec<String> = scope
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|s| {
            // type:name:actions, where the name itself may contain ':' (a port in a host).
            let mut it = s.splitn(2, ':');
            let ty = it.next().unwrap_or("");
            let rest = it.next().unwrap_or("");
            match rest.rsplit_once(':') {
                Some((name, actions)) => format!("{actions} on {ty} {name}"),
                None => s.to_string(),
            }
        })
        .collect();
    parts.join("; ")
}

fn describe_digest_algorithm(value: &str) -> String {
    let upper = value.to_ascii_uppercase();
    let (base, sess) = match upper.strip_suffix("-SESS") {
        Some(b) => (b, true),
        None => (upper.as_str(), false),
    };
    let hash = match base {
        "MD5" => "MD5 (kept for backward compatibility; weak)",
        "SHA-256" => "SHA-256",
        "SHA-512-256" => "SHA-512/256",
        _ => return format!("{value:?} is not a registered digest algorithm (MD5, SHA-256, SHA-512-256, each also as -sess)"),
    };
    if sess {
        format!("{hash}, session variant: the client nonce is hashed into the key once per session")
    } else {
        format!("{hash}: response = H(H(user:realm:password):nonce:nc:cnonce:qop:H(method:uri))")
    }
}

fn decode_claims(value: &str) -> Option<String> {
    let d = base64::decode(value, Alphabet::Standard);
    if d.has_errors() {
        return None;
    }
    let text = String::from_utf8(d.bytes).ok()?;
    serde_json::from_str::<serde_json::Value>(&text).ok()?;
    Some(text)
}

fn basic(c: &ChallengeRef<'_>, e: &mut Explanation) {
    e.spec = Some(RFC7617);
    e.summary = match c.param_value("realm") {
        Some(realm) => format!("Basic: send 'Authorization: Basic base64(user:password)' for realm {realm:?}; the password is only base64-encoded, so this needs https"),
        None => "Basic: send 'Authorization: Basic base64(user:password)'; the password is only base64-encoded, so this needs https".into(),
    };
    match c.param_value("charset") {
        None => e.notes.push(
            Finding::new(
                "basic-charset-missing",
                Severity::Info,
                "no charset: non-ascii credentials are ambiguous",
                "without charset=\"UTF-8\" clients encode non-ascii user names and passwords differently (utf-8 or latin-1); an ascii-only password is unaffected",
            )
            .with_ref(RFC7617_CHARSET.title, RFC7617_CHARSET.url),
        ),
        Some(cs) if !cs.eq_ignore_ascii_case("utf-8") => e.notes.push(
            Finding::new(
                "basic-charset-invalid",
                Severity::Warning,
                "invalid Basic charset",
                format!("charset={cs:?} is not allowed; the only permitted value is \"UTF-8\", and clients ignore anything else"),
            )
            .with_evidence(label(c, "charset"), cs)
            .with_ref(RFC7617_CHARSET.title, RFC7617_CHARSET.url),
        ),
        Some(_) => {}
    }
}

/// Error-code findings shared by Bearer and DPoP.
fn oauth_error(c: &ChallengeRef<'_>, ctx: &ExplainContext<'_>, e: &mut Explanation) {
    let is_dpop = c.is_scheme("DPoP");
    let Some(code) = c.param_value("error") else {
        e.notes.push(
            Finding::new(
                "bearer-no-error",
                Severity::Info,
                "no error code: the request carried no usable token",
                "a challenge without error means the request lacked authentication (rfc 6750 §3.1); send 'Authorization: ".to_string() + c.scheme + " <token>'",
            )
            .with_ref(RFC6750_ERRORS.title, RFC6750_ERRORS.url),
        );
        return;
    };
    let description = c.param_value("error_description");
    let (id, severity) = match code {
        "invalid_request" => ("error-invalid-request", Severity::Error),
        "invalid_token" => ("error-invalid-token", Severity::Error),
        "insufficient_scope" => ("error-insufficient-scope", Severity::Error),
        "insufficient_claims" => ("error-insufficient-claims", Severity::Error),
        "use_dpop_nonce" | "invalid_dpop_proof" if is_dpop => ("", Severity::Error),
        _ => ("error-unregistered", Severity::Warning),
    };
    if !id.is_empty() {
        let mut detail = bearer_error_meaning(code)
            .unwrap_or("the server sent an error code outside the registry; its error_description is the best hint")
            .to_string();
        if code == "insufficient_scope" {
            if let Some(scope) = c.param_value("scope") {
                detail.push_str(&format!(" (needed: {scope})"));
            }
        }
        let mut f = Finding::new(id, severity, format!("server says {code}"), detail)
            .with_evidence(label(c, "error"), code);
        if let Some(d) = description {
            f = f.with_evidence(label(c, "error_description"), d);
        }
        if let Some(u) = c.param_value("error_uri") {
            f = f.with_evidence(label(c, "error_uri"), u);
        }
        let r = if code == "insufficient_claims" {
            ENTRA_CLAIMS
        } else {
            RFC6750_ERRORS
        };
        e.notes.push(f.with_ref(r.title, r.url));
    }
    let expected = if is_dpop {
        dpop_error_expected_status(code)
    } else {
        bearer_error_expected_status(code)
    };
    if let (Some(want), Some(got)) = (expected, ctx.status) {
        if want != got {
            e.notes.push(
                Finding::new(
                    "error-status-mismatch",
                    Severity::Warning,
                    format!("{code} came with status {got}, expected {want}"),
                    format!("{} pairs {code} with {want}; clients that branch on the status (refresh on 401, re-consent on 403) may take the wrong path", if is_dpop { "rfc 9449" } else { "rfc 6750 §3.1" }),
                )
                .with_evidence("response status", got.to_string())
                .with_evidence(label(c, "error"), code)
                .with_ref(RFC6750_ERRORS.title, RFC6750_ERRORS.url),
            );
        }
    }
}

fn bearer(c: &ChallengeRef<'_>, ctx: &ExplainContext<'_>, e: &mut Explanation) {
    e.spec = Some(RFC6750);
    e.summary = "Bearer: send 'Authorization: Bearer <access token>'".into();
    if let Some(code) = c.param_value("error") {
        e.summary
            .push_str(&format!("; the server rejected the token: {code}"));
    }
    oauth_error(c, ctx, e);
    if let Some(t) = vendor::registry_token_request(c) {
        e.summary = format!(
            "container registry token auth: fetch a token from {} and resend with 'Authorization: Bearer <token>'",
            c.param_value("realm").unwrap_or("the realm")
        );
        e.notes.push(
            Finding::new(
                "registry-token-required",
                Severity::Info,
                "get a registry token first",
                format!("the registry delegates auth to a token server: GET {} (with your registry credentials for private repositories) and use the returned token", t.url),
            )
            .with_evidence("token request", t.curl.clone())
            .with_ref(DOCKER_TOKEN.title, DOCKER_TOKEN.url),
        );
        e.token_request = Some(t);
    }
    if let Some(h) = vendor::entra_hint(c) {
        let mut detail = format!("acquire a token from {}", h.authority);
        if let Some(r) = &h.resource {
            detail.push_str(&format!(
                " for resource {r} (scope {}/.default with the v2 endpoint)",
                r.trim_end_matches('/')
            ));
        }
        let mut f = Finding::new(
            "entra-token-required",
            Severity::Info,
            "Microsoft Entra ID protects this resource",
            detail,
        )
        .with_evidence(label(c, "authorization_uri"), h.authority.clone());
        if let Some(t) = &h.tenant {
            f = f.with_evidence("tenant", t.clone());
        }
        e.notes
            .push(f.with_ref(ENTRA_CLAIMS.title, ENTRA_CLAIMS.url));
        e.entra = Some(h);
    }
}

fn dpop(c: &ChallengeRef<'_>, ctx: &ExplainContext<'_>, e: &mut Explanation) {
    e.spec = Some(RFC9449);
    e.summary = "DPoP: send 'Authorization: DPoP <access token>' plus a 'DPoP' header holding a proof JWT signed with the key the token is bound to".into();
    if let Some(algs) = c.param_value("algs") {
        e.summary.push_str(&format!(" (accepted algs: {algs})"));
    }
    let code = c.param_value("error");
    match code {
        Some("use_dpop_nonce") => {
            let mut f = Finding::new(
                "dpop-use-nonce",
                Severity::Error,
                "server requires a DPoP nonce",
                match ctx.dpop_nonce {
                    Some(_) => "retry once with a new proof whose nonce claim is the DPoP-Nonce response header's value; this round trip is normal the first time".to_string(),
                    None => "the proof must carry the server's nonce, but the response has no DPoP-Nonce header to take it from".to_string(),
                },
            )
            .with_evidence(label(c, "error"), "use_dpop_nonce")
            .with_ref(RFC9449_NONCE.title, RFC9449_NONCE.url);
            if let Some(n) = ctx.dpop_nonce {
                f = f.with_evidence("response header DPoP-Nonce", n);
            }
            e.notes.push(f);
            if ctx.dpop_nonce.is_none() {
                e.notes.push(
                    Finding::new(
                        "dpop-nonce-header-missing",
                        Severity::Warning,
                        "use_dpop_nonce without a DPoP-Nonce header",
                        "rfc 9449 §9 requires the DPoP-Nonce header with this error; without it (or if cors hides it: Access-Control-Expose-Headers must list DPoP-Nonce) the client cannot comply",
                    )
                    .with_ref(RFC9449_NONCE.title, RFC9449_NONCE.url),
                );
            }
        }
        Some("invalid_dpop_proof") => {
            let mut f = Finding::new(
                "dpop-invalid-proof",
                Severity::Error,
                "server rejected the DPoP proof",
                bearer_error_meaning("invalid_dpop_proof").unwrap_or_default(),
            )
            .with_evidence(label(c, "error"), "invalid_dpop_proof")
            .with_ref(RFC9449.title, RFC9449.url);
            if let Some(d) = c.param_value("error_description") {
                f = f.with_evidence(label(c, "error_description"), d);
            }
            e.notes.push(f);
        }
        _ => {}
    }
    oauth_error(c, ctx, e);
}

fn digest(c: &ChallengeRef<'_>, e: &mut Explanation) {
    e.spec = Some(RFC7616);
    let alg = c.param_value("algorithm").unwrap_or("MD5");
    e.summary = format!(
        "Digest: prove knowledge of the password by hashing it with the server's nonce ({alg}); the password itself is never sent"
    );
    let push = |e: &mut Explanation, id, sev, title: &str, detail: String| {
        e.notes
            .push(Finding::new(id, sev, title, detail).with_ref(RFC7616.title, RFC7616.url));
    };
    if c.param_value("stale")
        .is_some_and(|s| s.eq_ignore_ascii_case("true"))
    {
        push(
            e,
            "digest-stale",
            Severity::Info,
            "nonce expired, credentials were fine",
            "stale=true: the client should retry with the new nonce without prompting; a client that prompts or gives up here has a bug".into(),
        );
    }
    if c.param("realm").is_none() {
        push(
            e,
            "digest-realm-missing",
            Severity::Error,
            "Digest challenge without realm",
            "realm is required and hashed into the response; clients cannot answer without it"
                .into(),
        );
    }
    if c.param("nonce").is_none() {
        push(
            e,
            "digest-nonce-missing",
            Severity::Error,
            "Digest challenge without nonce",
            "nonce is required; clients cannot compute a response without it".into(),
        );
    }
    if c.param("qop").is_none() {
        push(
            e,
            "digest-qop-missing",
            Severity::Warning,
            "no qop: legacy RFC 2069 mode",
            "rfc 7616 requires qop; without it clients fall back to the rfc 2069 computation, which has no client nonce and no replay protection".into(),
        );
    }
    let upper = alg.to_ascii_uppercase();
    let base = upper.strip_suffix("-SESS").unwrap_or(&upper);
    match base {
        "MD5" => push(
            e,
            "digest-md5",
            Severity::Info,
            "MD5 digest",
            "md5 is kept only for backward compatibility; offer a SHA-256 challenge first and keep MD5 as a fallback for old clients".into(),
        ),
        "SHA-256" | "SHA-512-256" => {}
        _ => push(
            e,
            "digest-unknown-algorithm",
            Severity::Warning,
            "unknown Digest algorithm",
            format!("algorithm={alg:?} is not registered; clients skip this challenge"),
        ),
    }
    if let Some(cs) = c.param_value("charset") {
        if !cs.eq_ignore_ascii_case("utf-8") {
            push(
                e,
                "digest-charset-invalid",
                Severity::Warning,
                "invalid Digest charset",
                format!("charset={cs:?}: the only permitted value is \"UTF-8\""),
            );
        }
    }
}

fn gss(c: &ChallengeRef<'_>, kind: SchemeKind, e: &mut Explanation) {
    e.spec = Some(match kind {
        SchemeKind::Ntlm => MS_NLMP,
        SchemeKind::Kerberos => RFC4121,
        _ => RFC4559,
    });
    let Some(t) = c.token68 else {
        e.summary = match kind {
            SchemeKind::Ntlm => "NTLM: the client starts a three-message handshake (negotiate, challenge, authenticate) that must stay on one keep-alive connection".into(),
            SchemeKind::Kerberos => "Kerberos: the client sends a Kerberos ticket for this service".into(),
            _ => "Negotiate (SPNEGO): the client sends a Kerberos ticket for HTTP/<host> if it has one, otherwise falls back to NTLM".into(),
        };
        e.notes.push(
            Finding::new(
                "negotiate-offered",
                Severity::Info,
                format!("server offers {}", c.scheme),
                "browsers only answer Negotiate/NTLM for hosts they trust for integrated auth (intranet zone, AuthServerAllowlist); Kerberos also needs an SPN HTTP/<host> for the exact host name and a ticket, or the client silently falls back to NTLM or gives up".to_string(),
            )
            .with_evidence(label(c, "scheme"), c.scheme)
            .with_ref(RFC4559.title, RFC4559.url),
        );
        return;
    };
    let g = negotiate::recognize_token68(t);
    e.summary = format!("{}: continuation token: {}", c.scheme, g.summary);
    if g.ntlm.as_ref().is_some_and(|n| n.message_type == 2) {
        e.notes.push(
            Finding::new(
                "ntlm-handshake-in-progress",
                Severity::Info,
                "NTLM challenge (type 2): the handshake is mid-way",
                "this 401 is step two of three: the client must answer with a type 3 message on the same tcp connection; proxies, load balancers or http/2 that do not keep the connection break ntlm and cause endless 401s",
            )
            .with_evidence(label(c, "token"), g.summary.clone())
            .with_ref(MS_NLMP.title, MS_NLMP.url),
        );
    }
    if g.neg_state == Some(NegState::Reject) {
        e.notes.push(
            Finding::new(
                "negotiate-rejected",
                Severity::Error,
                "the server rejected the Negotiate token",
                "spnego negState=reject: the server could not use any mechanism the client offered (clock skew, wrong SPN, or a ticket for another service)",
            )
            .with_evidence(label(c, "token"), g.summary.clone())
            .with_ref(RFC4559.title, RFC4559.url),
        );
    }
    if g.kind == TokenKind::Unknown && g.ntlm.is_none() {
        e.summary = format!("{}: continuation token of an unrecognised format", c.scheme);
    }
    e.token68 = Some(Token68Meaning {
        masked: secret::mask(t),
        gss: Some(g),
    });
}

#[cfg(test)]
mod tests {
    use super::super::parse::{parse_challenge_field, parse_proxy_challenges};
    use super::*;

    fn one(h: &str, ctx: &ExplainContext<'_>) -> Explanation {
        let p = parse_challenge_field(h);
        explain(&p.challenges[0], ctx)
    }

    fn ids(e: &Explanation) -> Vec<&'static str> {
        e.notes.iter().map(|f| f.id).collect()
    }

    #[test]
    fn bearer_error_statuses_follow_rfc_6750() {
        let table = [
            ("invalid_request", Some(400)),
            ("invalid_token", Some(401)),
            ("insufficient_scope", Some(403)),
            ("use_dpop_nonce", None),
            ("whatever", None),
        ];
        for (code, status) in table {
            assert_eq!(bearer_error_expected_status(code), status, "{code}");
        }
        assert_eq!(dpop_error_expected_status("use_dpop_nonce"), Some(401));
        assert_eq!(dpop_error_expected_status("insufficient_scope"), Some(403));
    }

    #[test]
    fn finding_ids_per_challenge() {
        let none = ExplainContext::default();
        let s401 = ExplainContext {
            status: Some(401),
            ..ExplainContext::default()
        };
        let cases: [(&str, &ExplainContext<'_>, &[&str]); 12] = [
            (r#"Basic realm="x", charset="UTF-8""#, &none, &[]),
            (r#"Basic realm="x""#, &none, &["basic-charset-missing"]),
            (
                r#"Basic realm="x", charset="latin1""#,
                &none,
                &["basic-charset-invalid"],
            ),
            (r#"Bearer realm="example""#, &none, &["bearer-no-error"]),
            (
                r#"Bearer error="insufficient_scope", scope="read""#,
                &s401,
                &["error-insufficient-scope", "error-status-mismatch"],
            ),
            (
                r#"Bearer error="invalid_token""#,
                &s401,
                &["error-invalid-token"],
            ),
            (r#"Bearer error="nope""#, &none, &["error-unregistered"]),
            (
                r#"DPoP error="use_dpop_nonce""#,
                &none,
                &["dpop-use-nonce", "dpop-nonce-header-missing"],
            ),
            (
                r#"Digest realm="r", nonce="n", qop="auth", algorithm=MD5, stale=TRUE"#,
                &none,
                &["digest-stale", "digest-md5"],
            ),
            (
                r#"Digest realm="r", nonce="n", algorithm=SHA-1"#,
                &none,
                &["digest-qop-missing", "digest-unknown-algorithm"],
            ),
            ("Negotiate", &none, &["negotiate-offered"]),
            ("Mutual realm=\"x\"", &none, &["mutual-experimental"]),
        ];
        for (h, ctx, want) in cases {
            assert_eq!(ids(&one(h, ctx)), want, "{h}");
        }
    }

    #[test]
    fn insufficient_scope_names_the_needed_scope() {
        let e = one(
            r#"Bearer realm="example", error="insufficient_scope", scope="read write""#,
            &ExplainContext::default(),
        );
        assert!(e.notes[0].detail.contains("needed: read write"));
        let scope = e.params.iter().find(|p| p.name == "scope").unwrap();
        assert!(scope.meaning.contains("read, write"), "{}", scope.meaning);
    }

    #[test]
    fn dpop_nonce_from_the_response_is_evidence() {
        let ctx = ExplainContext {
            status: Some(401),
            dpop_nonce: Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
        };
        let e = one(
            r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
            &ctx,
        );
        assert_eq!(ids(&e), ["dpop-use-nonce"]);
        assert!(e.notes[0]
            .evidence
            .iter()
            .any(|ev| ev.value == "eyJ7S_zG.eyJH0-Z.HX4w-7v"));
    }

    #[test]
    fn digest_algorithms_including_sess() {
        for (alg, needle) in [
            ("MD5", "MD5"),
            ("MD5-sess", "session variant"),
            ("SHA-256", "SHA-256"),
            ("SHA-256-sess", "session variant"),
            ("SHA-512-256", "SHA-512/256"),
            ("SHA-512-256-sess", "session variant"),
            ("SHA-1", "not a registered"),
        ] {
            assert!(describe_digest_algorithm(alg).contains(needle), "{alg}");
        }
    }

    #[test]
    fn registry_challenge_gets_a_token_request() {
        let e = one(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#,
            &ExplainContext::default(),
        );
        assert!(e.token_request.is_some());
        assert!(ids(&e).contains(&"registry-token-required"));
        let scope = e.params.iter().find(|p| p.name == "scope").unwrap();
        assert!(
            scope
                .meaning
                .contains("pull,push on repository samalba/my-app"),
            "{}",
            scope.meaning
        );
    }

    #[test]
    fn ntlm_type_2_is_explained_and_masked() {
        // A minimal type 2 with target "CORP" (unicode).
        let mut m = b"NTLMSSP\0".to_vec();
        m.extend(2u32.to_le_bytes());
        m.extend([8, 0, 8, 0, 32, 0, 0, 0]);
        m.extend(1u32.to_le_bytes());
        m.extend([0; 8]);
        m.extend("CORP".encode_utf16().flat_map(u16::to_le_bytes));
        let token = base64::encode(&m, Alphabet::Standard);
        let e = one(&format!("NTLM {token}"), &ExplainContext::default());
        assert_eq!(ids(&e), ["ntlm-handshake-in-progress"]);
        let t = e.token68.unwrap();
        assert!(!t.masked.contains(&token[8..]));
        assert_eq!(
            t.gss.unwrap().ntlm.unwrap().target_name.as_deref(),
            Some("CORP")
        );
    }

    #[test]
    fn proxy_challenges_say_so() {
        let p = parse_proxy_challenges(&[r#"Basic realm="proxy", charset="UTF-8""#]);
        let e = explain(&p.challenges[0], &ExplainContext::default());
        assert!(e.proxy);
        assert!(e.summary.starts_with("proxy challenge"));
        assert_eq!(ids(&e), ["proxy-challenge"]);
        assert!(e.notes[0].evidence[0]
            .label
            .starts_with("Proxy-Authenticate"));
    }

    #[test]
    fn unknown_params_and_schemes_are_kept() {
        let e = one(r#"Newauth realm="x", foo=bar"#, &ExplainContext::default());
        assert_eq!(e.kind, SchemeKind::Other);
        assert_eq!(e.params.len(), 2);
        assert!(!e.params[1].known);
        let e = one(r#"Basic realm="x", foo=bar"#, &ExplainContext::default());
        assert!(e.params[0].known && !e.params[1].known);
    }

    #[test]
    fn entra_claims_challenge_is_decoded() {
        let claims = base64::encode(
            br#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#,
            Alphabet::Standard,
        );
        let e = one(
            &format!(
                r#"Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{claims}""#
            ),
            &ExplainContext::default(),
        );
        assert!(ids(&e).contains(&"error-insufficient-claims"));
        assert!(ids(&e).contains(&"entra-token-required"));
        let p = e.params.iter().find(|p| p.name == "claims").unwrap();
        assert!(p.meaning.contains("\"acrs\""), "{}", p.meaning);
    }
}
