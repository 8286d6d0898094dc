//! Verdicts on a decoded token, separate from decoding (as in `jsonwebtoken`'s `Validation`).
//!
//! Only what can be judged without keys: time claims against a given instant, `alg: none`,
//! and broken structure. Signatures are never checked.

use super::{ClaimsView, Decoded, TimeClaim};
use crate::diagnostic::{Diagnostic, Severity};
use crate::finding::Finding;
use crate::time::{describe_duration, Timestamp};

/// The clock-skew allowance most libraries default to (jsonwebtoken, Microsoft.IdentityModel
/// uses 5 min, Spring 60 s).
pub const DEFAULT_LEEWAY_SECS: i64 = 60;

const RFC7519_EXP: (&str, &str) = (
    "RFC 7519 §4.1.4",
    "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4",
);
const RFC7519_NBF: (&str, &str) = (
    "RFC 7519 §4.1.5",
    "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.5",
);
const RFC7519_IAT: (&str, &str) = (
    "RFC 7519 §4.1.6",
    "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.6",
);
const RFC7519_VALIDATE: (&str, &str) = (
    "RFC 7519 §7.2",
    "https://www.rfc-editor.org/rfc/rfc7519#section-7.2",
);
const RFC7515_COMPACT: (&str, &str) = (
    "RFC 7515 §7.1",
    "https://www.rfc-editor.org/rfc/rfc7515#section-7.1",
);
const RFC7518_NONE: (&str, &str) = (
    "RFC 7518 §3.6",
    "https://www.rfc-editor.org/rfc/rfc7518#section-3.6",
);
const RFC8725_ALGS: (&str, &str) = (
    "RFC 8725 §3.1",
    "https://www.rfc-editor.org/rfc/rfc8725#section-3.1",
);

/// Judges `decoded` at instant `at`, allowing `leeway_secs` of clock skew.
///
/// Finding ids: `malformed-authorization` (the structure is broken), `alg-none`,
/// `token-expired` (error beyond the leeway; a warning when only strict servers would reject
/// it), `token-not-yet-valid` (`nbf` or `iat` in the future beyond the leeway).
pub fn validate(decoded: &Decoded, at: Timestamp, leeway_secs: i64) -> Vec<Finding> {
    validate_view(decoded, &decoded.claims_view(at), at, leeway_secs)
}

/// [`validate`] with the claims view the caller already built for `at` (building it twice
/// was a third of judging a token).
pub fn validate_view(
    decoded: &Decoded,
    view: &ClaimsView,
    at: Timestamp,
    leeway_secs: i64,
) -> Vec<Finding> {
    let mut findings = structural_verdicts(decoded, view);
    findings.extend(time_verdicts(view, at, leeway_secs));
    findings
}

/// The verdicts that do not depend on the reference instant: `malformed-authorization` and
/// `alg-none`. Together with [`time_verdicts`] they are [`validate`]'s, in the same order.
pub fn structural_verdicts(decoded: &Decoded, view: &ClaimsView) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(f) = malformed(decoded, view) {
        findings.push(f);
    }
    if decoded.is_unsecured() || decoded.innermost().is_unsecured() {
        findings.push(
            Finding::new(
                "alg-none",
                Severity::Error,
                "The token is unsigned (\"alg\": \"none\")",
                "The header says \"alg\": \"none\": the token carries no signature, so anyone could have \
                 written it. Servers must reject unsecured tokens unless configured otherwise, and a \
                 client holding one got it from a test tool or a misconfigured issuer. Get a signed \
                 token from the real issuer.",
            )
            .with_evidence("header alg", decoded.alg().unwrap_or("none"))
            .with_fix("relogin")
            .with_ref(RFC7518_NONE.0, RFC7518_NONE.1)
            .with_ref(RFC8725_ALGS.0, RFC8725_ALGS.1),
        );
    }
    findings
}

/// Ids of the verdicts [`time_verdicts`] produces: the only ones that change with "now".
pub const TIME_VERDICT_IDS: &[&str] = &["token-expired", "token-not-yet-valid"];

/// The verdicts that depend on the reference instant `at` (a `view` built for any instant
/// will do: only its absolute times are read): `token-expired`, `token-not-yet-valid`.
pub fn time_verdicts(view: &ClaimsView, at: Timestamp, leeway_secs: i64) -> Vec<Finding> {
    let leeway = leeway_secs.max(0);
    let mut findings = Vec::new();
    if let Some(exp) = &view.exp {
        if let Some(f) = expired(exp, at, leeway) {
            findings.push(f);
        }
    }
    if let Some(f) = not_yet_valid(view, at, leeway) {
        findings.push(f);
    }
    findings
}

fn evidence_time(t: &TimeClaim) -> String {
    format!("{} ({})", t.at.unix_secs(), t.utc)
}

fn expired(exp: &TimeClaim, at: Timestamp, leeway: i64) -> Option<Finding> {
    let ago = at.secs_since(exp.at);
    if ago < 0 {
        return None;
    }
    let ago_words = describe_duration(ago);
    let (severity, title, detail) = if ago >= leeway {
        (
            Severity::Error,
            format!("Token expired {ago_words} before this request"),
            format!(
                "\"exp\" is {}, {ago_words} before the request at {} (beyond the {leeway} s \
                 clock-skew leeway). The server rejects it, usually with 401 and \
                 error=\"invalid_token\". Refresh the access token (or sign in again) and retry.",
                exp.utc,
                at.to_utc_string()
            ),
        )
    } else {
        (
            Severity::Warning,
            format!("Token expired {ago_words} before this request, within the {leeway} s leeway"),
            format!(
                "\"exp\" is {}, {ago_words} before the request at {}. Servers that allow \
                 {leeway} s of clock skew still accept it; servers with no leeway reject it. \
                 Refresh tokens a little before they expire.",
                exp.utc,
                at.to_utc_string()
            ),
        )
    };
    Some(
        Finding::new("token-expired", severity, title, detail)
            .with_evidence("claim exp", evidence_time(exp))
            .with_evidence("request time", at.to_utc_string())
            .with_fix("refresh-token")
            .with_fix("relogin")
            .with_ref(RFC7519_EXP.0, RFC7519_EXP.1),
    )
}

fn not_yet_valid(view: &ClaimsView, at: Timestamp, leeway: i64) -> Option<Finding> {
    let future = |t: &Option<TimeClaim>| {
        t.clone()
            .filter(|t| t.at.secs_since(at) > leeway)
            .map(|t| (t.at.secs_since(at), t))
    };
    let nbf = future(&view.nbf);
    let iat = future(&view.iat);
    let (ahead, first) = match (&nbf, &iat) {
        (Some(n), _) => n.clone(),
        (None, Some(i)) => i.clone(),
        (None, None) => return None,
    };
    let mut f = Finding::new(
        "token-not-yet-valid",
        Severity::Error,
        format!(
            "Token not valid until {} after this request",
            describe_duration(ahead)
        ),
        format!(
            "\"{}\" is {}, {} after the request at {} (beyond the {leeway} s leeway). A token \
             from the future almost always means clock skew: the issuer's or this machine's \
             clock is off. Synchronise the clocks (NTP); raising the server's leeway hides it.",
            first.claim,
            first.utc,
            describe_duration(ahead),
            at.to_utc_string()
        ),
    );
    if let Some((_, t)) = &nbf {
        f = f
            .with_evidence("claim nbf", evidence_time(t))
            .with_ref(RFC7519_NBF.0, RFC7519_NBF.1);
    }
    if let Some((_, t)) = &iat {
        f = f
            .with_evidence("claim iat", evidence_time(t))
            .with_ref(RFC7519_IAT.0, RFC7519_IAT.1);
    }
    Some(
        f.with_evidence("request time", at.to_utc_string())
            .with_fix("sync-clock"),
    )
}

fn malformed(decoded: &Decoded, view: &ClaimsView) -> Option<Finding> {
    let mut errors: Vec<&Diagnostic> = Vec::new();
    let mut d = Some(decoded);
    while let Some(cur) = d {
        errors.extend(
            cur.diagnostics
                .iter()
                .filter(|x| x.severity == Severity::Error),
        );
        d = cur.nested.as_deref();
    }
    errors.extend(
        view.diagnostics
            .iter()
            .filter(|x| x.severity == Severity::Error),
    );
    let first = errors.first()?;
    let mut f = Finding::new(
        "malformed-authorization",
        Severity::Error,
        "The token is malformed",
        format!(
            "The token does not parse as a compact JWS/JWE: {} (at byte {}). Servers reject it \
             before looking at its claims. Send the token exactly as issued.",
            first.message, first.offset
        ),
    );
    for e in errors.iter().take(5) {
        f = f.with_evidence(
            format!("{} at byte {}", e.code, e.offset),
            e.message.clone(),
        );
    }
    Some(
        f.with_fix("fix-authorization-format")
            .with_ref(RFC7515_COMPACT.0, RFC7515_COMPACT.1)
            .with_ref(RFC7519_VALIDATE.0, RFC7519_VALIDATE.1),
    )
}
