//! AWS Signature Version 4 `Authorization` values:
//! `AWS4-HMAC-SHA256 Credential=AKIA…/20261121/us-east-1/s3/aws4_request,
//! SignedHeaders=host;x-amz-date, Signature=…`.
//!
//! The signature cannot be checked without the secret key, but most SigV4 failures are
//! visible without it: a credential scope dated another day than `X-Amz-Date`, a request
//! time outside the 15-minute window, a temporary key without its session token.

use serde::Serialize;

use super::{percent_decode, verdicts, Context, DecodedCredential, Kind};
use crate::challenge::CredentialsRef;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::exchange::Request;
use crate::finding::Finding;
use crate::secret;
use crate::time::{describe_duration, Timestamp};

/// How far `X-Amz-Date` may be from the server's clock before AWS answers
/// `RequestTimeTooSkewed` / `Signature expired`.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// The parts of a SigV4 credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Aws4Info {
    /// The access key ID, masked (`AKIA…[20 chars]`).
    pub access_key_id: String,
    /// `long-term` (AKIA), `temporary` (ASIA) or `unknown`.
    pub key_type: &'static str,
    /// Scope date, `YYYYMMDD`.
    pub date: Option<String>,
    /// Scope region, e.g. `us-east-1`.
    pub region: Option<String>,
    /// Scope service, e.g. `s3`.
    pub service: Option<String>,
    /// Signed header names, lower case.
    pub signed_headers: Vec<String>,
    /// The signature, masked.
    pub signature: Option<String>,
    /// The request's `X-Amz-Date`, when known.
    pub amz_date: Option<String>,
    /// `X-Amz-Date` (or `Date`) relative to the reference instant, in words.
    pub request_time_relative: Option<String>,
}

/// `YYYYMMDD'T'HHMMSS'Z'` (ISO 8601 basic format) → instant.
pub fn parse_amz_date(v: &str) -> Option<Timestamp> {
    let b = v.trim().as_bytes();
    if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        std::str::from_utf8(b.get(from..from + len)?)
            .ok()?
            .parse()
            .ok()
    };
    Timestamp::from_civil(
        num(0, 4)?,
        num(4, 2)?,
        num(6, 2)?,
        num(9, 2)?,
        num(11, 2)?,
        num(13, 2)?,
        0,
    )
}

/// Reads a SigV4 credential. Codes: `aws4-missing-param`, `aws4-bad-scope`,
/// `aws4-bad-signature`, `aws4-host-not-signed`, `aws4-scope-date-mismatch`,
/// `aws4-missing-date`, `aws4-request-time-skewed`, `aws4-missing-session-token`.
pub fn decode(
    cred: &CredentialsRef<'_>,
    request: Option<&Request>,
    at: Timestamp,
) -> (Aws4Info, Vec<Diagnostic>) {
    let mut d = Vec::new();
    let mut info = Aws4Info {
        key_type: "unknown",
        ..Aws4Info::default()
    };
    for required in ["Credential", "SignedHeaders", "Signature"] {
        if cred.param(required).is_none() {
            d.push(Diagnostic::error(
                "aws4-missing-param",
                cred.offset,
                format!("the '{required}' parameter is missing"),
            ));
        }
    }
    if let Some(p) = cred.param("Credential") {
        let scope: Vec<&str> = p.value.split('/').collect();
        let key = scope.first().copied().unwrap_or("");
        info.access_key_id = secret::mask_after_prefix(key, 4);
        info.key_type = if key.starts_with("AKIA") {
            "long-term"
        } else if key.starts_with("ASIA") {
            "temporary"
        } else {
            "unknown"
        };
        info.date = scope.get(1).map(|s| s.to_string());
        info.region = scope.get(2).map(|s| s.to_string());
        info.service = scope.get(3).map(|s| s.to_string());
        let date_ok = info
            .date
            .as_deref()
            .is_some_and(|s| s.len() == 8 && s.bytes().all(|c| c.is_ascii_digit()));
        if scope.len() != 5 || scope.get(4) != Some(&"aws4_request") || !date_ok {
            d.push(Diagnostic::error(
                "aws4-bad-scope",
                p.offset,
                "the credential scope must be <key id>/<yyyymmdd>/<region>/<service>/aws4_request",
            ));
        }
    }
    if let Some(p) = cred.param("SignedHeaders") {
        info.signed_headers = p
            .value
            .split(';')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        if !info.signed_headers.iter().any(|h| h == "host") {
            d.push(Diagnostic::error(
                "aws4-host-not-signed",
                p.offset,
                "'host' is not among the signed headers; sigv4 always signs it",
            ));
        }
    }
    if let Some(p) = cred.param("Signature") {
        info.signature = Some(secret::mask_all(&p.value));
        if p.value.len() != 64 || !p.value.bytes().all(|c| c.is_ascii_hexdigit()) {
            d.push(Diagnostic::error(
                "aws4-bad-signature",
                p.offset,
                format!(
                    "the signature should be 64 hex digits (hmac-sha256), it has {} characters",
                    p.value.len()
                ),
            ));
        }
    }
    if let Some(req) = request {
        check_request(&mut info, &mut d, cred, req, at);
    }
    d.sort_by_key(|x| x.offset);
    (info, d)
}

fn check_request(
    info: &mut Aws4Info,
    d: &mut Vec<Diagnostic>,
    cred: &CredentialsRef<'_>,
    req: &Request,
    at: Timestamp,
) {
    let amz = req
        .headers
        .get("x-amz-date")
        .map(str::to_string)
        .or_else(|| {
            // Presigned-style parameters can also carry the date.
            crate::exchange::UrlParts::parse(&req.url)
                .query_pairs()
                .find(|(k, _)| k.eq_ignore_ascii_case("X-Amz-Date"))
                .map(|(_, v)| percent_decode(v))
        });
    let when = amz
        .as_deref()
        .and_then(parse_amz_date)
        .or_else(|| req.headers.get("date").and_then(Timestamp::parse_http_date));
    info.amz_date.clone_from(&amz);
    match (&amz, &info.date) {
        (Some(a), Some(scope)) if a.get(..8) != Some(scope.as_str()) => d.push(Diagnostic::error(
            "aws4-scope-date-mismatch",
            cred.param("Credential").map_or(cred.offset, |p| p.offset),
            format!(
                "the credential scope date {scope} differs from X-Amz-Date {a}: the signature was computed for another day (or another clock)"
            ),
        )),
        (None, _) if when.is_none() => d.push(Diagnostic::error(
            "aws4-missing-date",
            cred.offset,
            "the request has neither X-Amz-Date nor Date; sigv4 needs the signing time",
        )),
        _ => {}
    }
    if let Some(t) = when {
        let skew = t.secs_since(at);
        info.request_time_relative = Some(crate::time::describe_relative(t, at));
        if skew.abs() > MAX_SKEW_SECS {
            d.push(Diagnostic::error(
                "aws4-request-time-skewed",
                cred.offset,
                format!(
                    "the signing time is {} {} the request was observed; aws rejects signatures more than 15 min off (RequestTimeTooSkewed)",
                    describe_duration(skew),
                    if skew < 0 { "before" } else { "after" }
                ),
            ));
        }
    }
    let has_session_token = req.headers.contains("x-amz-security-token")
        || crate::exchange::UrlParts::parse(&req.url)
            .query_pairs()
            .any(|(k, _)| k.eq_ignore_ascii_case("X-Amz-Security-Token"));
    if info.key_type == "temporary" && !has_session_token {
        d.push(Diagnostic::error(
            "aws4-missing-session-token",
            cred.offset,
            "an ASIA… key is temporary (sts) and needs its session token in X-Amz-Security-Token",
        ));
    }
}

pub(super) fn fill(out: &mut DecodedCredential, cred: &CredentialsRef<'_>, ctx: &Context<'_>) {
    out.kind = Kind::Aws4;
    out.issuer_hint = Some("AWS Signature Version 4".to_string());
    let (info, diags) = decode(cred, ctx.request, ctx.at);
    const REQUEST_LEVEL: &[&str] = &[
        "aws4-scope-date-mismatch",
        "aws4-request-time-skewed",
        "aws4-missing-session-token",
        "aws4-missing-date",
    ];
    for d in diags.iter().filter(|d| REQUEST_LEVEL.contains(&d.code)) {
        let mut f = Finding::new(
            "aws4-request-invalid",
            Severity::Error,
            match d.code {
                "aws4-scope-date-mismatch" => {
                    "SigV4 credential scope dated another day than X-Amz-Date"
                }
                "aws4-request-time-skewed" => "SigV4 signing time more than 15 minutes off",
                "aws4-missing-session-token" => "Temporary AWS key without its session token",
                _ => "SigV4 request without a signing time",
            },
            verdicts::capitalise(&d.message),
        )
        .with_evidence(
            "credential scope date",
            info.date.clone().unwrap_or_default(),
        )
        .with_evidence("X-Amz-Date", info.amz_date.clone().unwrap_or_default())
        .with_ref(
            "AWS SigV4",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html",
        );
        if d.code == "aws4-request-time-skewed" {
            f = f.with_fix("sync-clock");
        }
        out.findings.push(f);
    }
    out.diagnostics.extend(
        diags
            .into_iter()
            .filter(|d| !REQUEST_LEVEL.contains(&d.code)),
    );
    out.aws4 = Some(info);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_date_table() {
        assert_eq!(
            parse_amz_date("20261121T100000Z"),
            Some(Timestamp(1_795_255_200_000))
        );
        assert_eq!(parse_amz_date("2026-11-21T10:00:00Z"), None);
        assert_eq!(parse_amz_date("20261321T100000Z"), None);
        assert_eq!(parse_amz_date(""), None);
    }
}
