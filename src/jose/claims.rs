//! The registered and commonly used claims of a decoded JWT, in display form.
//!
//! Times are shown both absolutely (UTC) and relative to a reference instant — the request's
//! start time in a HAR, `--at` on the CLI — because "expired 3 min before this request" is the
//! sentence a developer needs, and the machine's clock is not the request's clock.

use serde::Serialize;
use serde_json::Value;

use super::Decoded;
use crate::diagnostic::Diagnostic;
use crate::time::{describe_duration, describe_relative, Timestamp};

/// Values above this many seconds are almost certainly milliseconds (year 5138 and later).
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// One NumericDate claim (`exp`, `nbf`, `iat`; RFC 7519 §2) as an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeClaim {
    /// The claim name.
    pub claim: &'static str,
    /// The instant (Unix milliseconds).
    pub at: Timestamp,
    /// `2026-11-21 10:00:00 UTC`.
    pub utc: String,
    /// Relative to the reference instant: `3 min before`, `2 h after`, `at the same second as`.
    pub relative: String,
    /// `at − reference` in whole seconds (negative: before the reference).
    pub secs_from_reference: i64,
}

/// Registered claims (RFC 7519 §4.1), OAuth/OIDC extras (RFC 9068, RFC 8693, RFC 7800) and the
/// header fields that identify the token, ready to display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ClaimsView {
    /// The instant relative times are computed against.
    pub reference: Option<Timestamp>,
    /// Header `alg`.
    pub alg: Option<String>,
    /// Header `typ`.
    pub typ: Option<String>,
    /// Header `kid`.
    pub kid: Option<String>,
    /// Whether `typ` marks an OAuth JWT access token (`at+jwt`, RFC 9068 §2.1).
    pub access_token_jwt: bool,
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud`, always as a list (RFC 7519 §4.1.3 allows a string or an array).
    pub aud: Vec<String>,
    /// `azp` (OIDC authorized party).
    pub azp: Option<String>,
    /// `client_id` (RFC 9068 §2.2).
    pub client_id: Option<String>,
    /// `jti`.
    pub jti: Option<String>,
    /// `exp`.
    pub exp: Option<TimeClaim>,
    /// `nbf`.
    pub nbf: Option<TimeClaim>,
    /// `iat`.
    pub iat: Option<TimeClaim>,
    /// `exp − iat` in seconds.
    pub lifetime_secs: Option<i64>,
    /// `exp − iat` in words.
    pub lifetime: Option<String>,
    /// `scope` (space-separated string, RFC 8693 §4.2) or `scp` (string or array), as a list.
    pub scopes: Vec<String>,
    /// `roles`.
    pub roles: Vec<String>,
    /// `groups`.
    pub groups: Vec<String>,
    /// `cnf.jkt`: the DPoP key thumbprint the token is bound to (RFC 9449 §6.1).
    pub cnf_jkt: Option<String>,
    /// `cnf.x5t#S256`: the client certificate the token is bound to (RFC 8705 §3.1).
    pub cnf_x5t_s256: Option<String>,
    /// Claims of the wrong type or odd values. Offsets point at the payload segment of the
    /// token that carries the claims.
    pub diagnostics: Vec<Diagnostic>,
}

impl ClaimsView {
    /// Builds the view from `decoded` (the innermost token's claims, the outer header).
    pub fn new(decoded: &Decoded, reference: Timestamp) -> Self {
        let inner = decoded.innermost();
        let at = inner.segments.get(1).map_or(0, |s| s.offset);
        let mut view = ClaimsView {
            reference: Some(reference),
            alg: decoded.alg().map(str::to_string),
            typ: decoded.typ().map(str::to_string),
            kid: decoded.kid().map(str::to_string),
            ..ClaimsView::default()
        };
        view.access_token_jwt = view.typ.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt")
        });
        let Some(claims) = inner.claims.as_ref() else {
            return view;
        };
        let d = &mut view.diagnostics;
        view.iss = string_claim(claims, "iss", at, d);
        view.sub = string_claim(claims, "sub", at, d);
        view.azp = string_claim(claims, "azp", at, d);
        view.client_id = string_claim(claims, "client_id", at, d);
        view.jti = string_claim(claims, "jti", at, d);
        view.aud = list_claim(claims, "aud", at, d);
        view.exp = time_claim(claims, "exp", reference, at, d, None);
        view.nbf = time_claim(claims, "nbf", reference, at, d, None);
        // Issuers usually set `nbf` = `iat`: then the texts are the same, formatted once.
        view.iat = time_claim(claims, "iat", reference, at, d, view.nbf.as_ref());
        view.scopes = list_claim(claims, "scope", at, d);
        if view.scopes.is_empty() {
            view.scopes = list_claim(claims, "scp", at, d);
        }
        view.roles = list_claim(claims, "roles", at, d);
        view.groups = list_claim(claims, "groups", at, d);
        if let Some(cnf) = claims.get("cnf") {
            view.cnf_jkt = cnf.get("jkt").and_then(Value::as_str).map(str::to_string);
            view.cnf_x5t_s256 = cnf
                .get("x5t#S256")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        if let (Some(exp), Some(iat)) = (&view.exp, &view.iat) {
            let secs = exp.at.secs_since(iat.at);
            view.lifetime_secs = Some(secs);
            view.lifetime = Some(if secs < 0 {
                format!("negative: exp is {} before iat", describe_duration(secs))
            } else {
                describe_duration(secs)
            });
            if secs < 0 {
                view.diagnostics.push(Diagnostic::warning(
                    "exp-before-iat",
                    at,
                    "\"exp\" is earlier than \"iat\": the token was born expired",
                ));
            }
        }
        view
    }
}

impl ClaimsView {
    /// The same view relative to another instant: only the relative times depend on it
    /// (what a cached decoding needs for the next request with the same token).
    pub fn rebase(&mut self, reference: Timestamp) {
        self.reference = Some(reference);
        for t in [&mut self.exp, &mut self.nbf, &mut self.iat]
            .into_iter()
            .flatten()
        {
            t.relative = describe_relative(t.at, reference);
            t.secs_from_reference = t.at.secs_since(reference);
        }
    }
}

fn string_claim(claims: &Value, name: &str, at: usize, d: &mut Vec<Diagnostic>) -> Option<String> {
    match claims.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => {
            d.push(Diagnostic::warning(
                "claim-not-string",
                at,
                format!("\"{name}\" should be a string but is {}", type_name(other)),
            ));
            Some(other.to_string())
        }
    }
}

/// A string (split on whitespace) or an array of strings, as OAuth servers send both.
fn list_claim(claims: &Value, name: &str, at: usize, d: &mut Vec<Diagnostic>) -> Vec<String> {
    match claims.get(name) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if name == "aud" => vec![s.clone()],
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => {
                    d.push(Diagnostic::warning(
                        "claim-not-string",
                        at,
                        format!(
                            "an item of \"{name}\" should be a string but is {}",
                            type_name(other)
                        ),
                    ));
                    other.to_string()
                }
            })
            .collect(),
        Some(other) => {
            d.push(Diagnostic::warning(
                "claim-not-string",
                at,
                format!(
                    "\"{name}\" should be a string or an array of strings but is {}",
                    type_name(other)
                ),
            ));
            vec![other.to_string()]
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a NumericDate: integer seconds per RFC 7519 §2, tolerating what issuers really send.
fn time_claim(
    claims: &Value,
    name: &'static str,
    reference: Timestamp,
    at: usize,
    d: &mut Vec<Diagnostic>,
    same_instant: Option<&TimeClaim>,
) -> Option<TimeClaim> {
    let value = claims.get(name)?;
    let instant = match value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(Timestamp::from_unix_secs(i))
            } else if n.as_f64().is_none_or(|f| f.fract() == 0.0) {
                n.as_f64().and_then(Timestamp::from_unix_secs_f64)
            } else {
                d.push(Diagnostic::info(
                    "numeric-date-fractional",
                    at,
                    format!("\"{name}\" has a fraction; RFC 7519 §2 allows it but some libraries reject non-integers"),
                ));
                n.as_f64().and_then(Timestamp::from_unix_secs_f64)
            }
        }
        Value::String(s) => {
            let parsed = s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(Timestamp::from_unix_secs_f64)
                .or_else(|| Timestamp::parse_rfc3339(s));
            if parsed.is_some() {
                d.push(Diagnostic::warning(
                    "numeric-date-string",
                    at,
                    format!("\"{name}\" is a string; RFC 7519 §2 requires a JSON number of seconds and most libraries reject strings"),
                ));
            } else {
                d.push(Diagnostic::error(
                    "numeric-date-invalid",
                    at,
                    format!("\"{name}\" is not a date: {}", crate::secret::mask(s)),
                ));
                return None;
            }
            parsed
        }
        Value::Null => return None,
        other => {
            d.push(Diagnostic::error(
                "numeric-date-invalid",
                at,
                format!(
                    "\"{name}\" should be a number of seconds but is {}",
                    type_name(other)
                ),
            ));
            return None;
        }
    };
    let Some(instant) = instant else {
        d.push(Diagnostic::error(
            "numeric-date-out-of-range",
            at,
            format!("\"{name}\" is out of any plausible range"),
        ));
        return None;
    };
    if instant.unix_secs().abs() >= MILLIS_THRESHOLD {
        d.push(Diagnostic::warning(
            "numeric-date-millis",
            at,
            format!("\"{name}\" looks like milliseconds; NumericDate is seconds (RFC 7519 §2), so servers read it as a date thousands of years away"),
        ));
    }
    let (utc, relative) = match same_instant.filter(|t| t.at == instant) {
        Some(t) => (t.utc.clone(), t.relative.clone()),
        None => (
            instant.to_utc_string(),
            describe_relative(instant, reference),
        ),
    };
    Some(TimeClaim {
        claim: name,
        at: instant,
        utc,
        relative,
        secs_from_reference: instant.secs_since(reference),
    })
}
