//! `clock-skew`: the server's clock and the client's disagree.
//!
//! The response `Date` ([RFC 9110 §6.6.1](https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1))
//! is the server's clock when it answered; the HAR `startedDateTime` is the client's.
//! A difference beyond the request's own duration is skew, and makes valid tokens look
//! expired or not yet valid.

use crate::finding::{Finding, Severity};
use crate::fixes::hint;
use crate::time::describe_duration;
use crate::time::Timestamp;

use super::super::engine::Ctx;
use super::{make, request_line, Facts};

/// The measured offset in ms (positive: server ahead), or `None` when the Date is consistent.
pub fn offset_ms(f: &Facts<'_>) -> Option<i64> {
    let (Some(start), Some(date)) = (f.ex.started_at, f.date) else {
        return None;
    };
    // A cached or revalidated response carries the Date of the original response.
    let cached = f.ex.from_cache.as_deref().is_some_and(|c| !c.is_empty())
        || f.res("age").is_some()
        || f.status == 304;
    if cached {
        return None;
    }
    let took =
        f.ex.time_ms
            .filter(|t| t.is_finite() && *t >= 0.0 && *t < 1e9)
            .unwrap_or(0.0);
    #[allow(clippy::cast_possible_truncation)]
    let took = took as i64;
    // Date has one-second resolution: allow a second on either side.
    let lower = start.0.saturating_sub(1000);
    let upper = start.0.saturating_add(took).saturating_add(1000);
    if date.0 < lower {
        Some(date.0.saturating_sub(lower))
    } else if date.0 > upper {
        Some(date.0.saturating_sub(upper))
    } else {
        Some(0)
    }
}

/// The token-side measure: `iat` (or `nbf`) in the future by more than the leeway only
/// makes sense if the issuer's clock is ahead of this machine's.
fn from_claims(f: &Facts<'_>, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(view) = f
        .authorization_decoded()
        .and_then(|c| c.claims_view.as_ref())
    else {
        return;
    };
    let ahead = [view.iat.as_ref(), view.nbf.as_ref()]
        .into_iter()
        .flatten()
        .map(|t| (t.secs_from_reference, t.claim, t.utc.clone()))
        .filter(|(s, _, _)| *s > cx.config.leeway_secs)
        .max_by_key(|(s, _, _)| *s);
    let Some((secs, claim, utc)) = ahead else {
        return;
    };
    out.push(
        make(
            "clock-skew",
            format!(
                "The token's {claim} is {} after the request time: it was issued \"in the future\", which only happens when the issuer's clock is ahead of this machine's (or this one is behind). Synchronise the clocks.",
                describe_duration(secs)
            ),
        )
        .with_evidence(format!("claim {claim}"), utc)
        .with_evidence(hint::CLOCK_OFFSET_SECS, secs.to_string())
        .with_fix("sync-clock"),
    );
}

/// Raised on an auth failure or a token request whose `Date` is off by more than the
/// threshold, and on a failure whose token was issued in the future.
pub fn check(f: &Facts<'_>, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !(f.failure || f.token_request.is_some()) {
        return;
    }
    if f.failure {
        from_claims(f, cx, out);
    }
    let Some(off) = offset_ms(f) else {
        return;
    };
    let secs = off / 1000;
    if secs.unsigned_abs() <= cx.config.skew_threshold_secs.unsigned_abs() {
        return;
    }
    let dir = if secs > 0 { "ahead of" } else { "behind" };
    let mut finding = make(
        "clock-skew",
        format!(
            "The server's Date for {} is {} {dir} the browser's clock at the time of the request. With skew like this, tokens look expired or not yet valid on one side. Synchronise the clock of the machine that is off, then get a new token.",
            request_line(f),
            describe_duration(secs)
        ),
    )
    .with_evidence("response header Date", f.date.map(Timestamp::to_utc_string).unwrap_or_default())
    .with_evidence("request startedDateTime", f.ex.started_at.map(Timestamp::to_utc_string).unwrap_or_default())
    .with_evidence(hint::CLOCK_OFFSET_SECS, secs.to_string())
    .with_fix("sync-clock");
    if let Some(why) = skew_invalidates_token(f, off, cx.config.leeway_secs) {
        // The skew is the cause: promote it, and it explains the server's generic
        // invalid_token (the invalid-token rule ran before this one).
        finding.severity = Severity::Error;
        finding.title = "Clock skew made the server reject the token".to_string();
        finding.detail.push(' ');
        finding.detail.push_str(&why);
        out.retain(|x| x.id != "invalid-token");
    }
    out.push(finding);
}

/// Whether the token, valid by the browser's clock, is invalid by the server's (the
/// request time moved by the measured offset): the skew then explains the rejection.
fn skew_invalidates_token(f: &Facts<'_>, offset_ms: i64, leeway_secs: i64) -> Option<String> {
    let at = f.at?;
    let view = f.authorization_decoded()?.claims_view.as_ref()?;
    let server_now = Timestamp(at.0.saturating_add(offset_ms));
    let leeway_ms = leeway_secs.max(0).saturating_mul(1000);
    if let Some(exp) = &view.exp {
        if exp.at > at && exp.at.0.saturating_add(leeway_ms) <= server_now.0 {
            return Some(format!(
                "By the browser's clock the token is valid until {}, but by the server's clock it expired {} before the request.",
                exp.utc,
                describe_duration(server_now.secs_since(exp.at))
            ));
        }
    }
    for t in [view.nbf.as_ref(), view.iat.as_ref()].into_iter().flatten() {
        if t.at <= at && t.at.0 > server_now.0.saturating_add(leeway_ms) {
            return Some(format!(
                "By the server's clock the token's {} ({}) is still {} in the future.",
                t.claim,
                t.utc,
                describe_duration(t.at.secs_since(server_now))
            ));
        }
    }
    None
}
