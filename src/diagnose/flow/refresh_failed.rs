//! `refresh-failed`: the token request itself failed.
//!
//! [RFC 6749 §5.2](https://www.rfc-editor.org/rfc/rfc6749#section-5.2): `invalid_grant`
//! means the refresh token is invalid, expired, revoked or was issued to another client;
//! with rotation ([RFC 9700 §4.14](https://www.rfc-editor.org/rfc/rfc9700#section-4.14)) a
//! reused refresh token also revokes the whole family. `invalid_client` is the client's own
//! authentication failing.

use crate::finding::Finding;

use super::super::rules::make;
use super::super::state::Record;
use super::{within, FlowState};

/// Raised on a failed refresh request, or a failed token request shortly after a 401.
pub fn check(cur: &Record, st: &FlowState<'_>, out: &mut Vec<Finding>) {
    let Some(t) = &cur.token else {
        return;
    };
    if !t.failed {
        return;
    }
    let span = st.span_ms();
    let trigger = st
        .window
        .newest_first()
        .take_while(|r| within(r.start, cur.start, span))
        .find(|r| r.status == 401 && r.token.is_none());
    if !t.refresh && trigger.is_none() {
        return;
    }
    let code = t.error.as_deref().unwrap_or("");
    let why = match code {
        "invalid_grant" => "invalid_grant: the refresh token is expired, revoked (logout, password change), was issued to another client, or was already used — with rotation, reusing one revokes the whole family.",
        "invalid_client" => "invalid_client: the client's own authentication failed (wrong client_id or secret, or the client is not allowed this grant). The refresh token may be fine.",
        "unauthorized_client" => "unauthorized_client: this client is not allowed to use the refresh_token grant.",
        _ if cur.status >= 500 => "the token endpoint failed with a server error: the refresh token may be fine; retry with backoff.",
        _ => "the token endpoint refused the refresh: the refresh token is expired, revoked or rotated.",
    };
    let reused = t.refresh_token.and_then(|rt| {
        st.window.newest_first().find(|r| {
            r.token
                .as_ref()
                .is_some_and(|o| o.refresh_token == Some(rt) && !o.failed)
        })
    });
    let mut detail = format!(
        "The refresh request (entry {}) failed with {}: {why}",
        cur.index, cur.status
    );
    if let Some(r) = reused {
        detail.push_str(&format!(
            " The same refresh token was already redeemed by entry {}: a rotated refresh token was reused.",
            r.index
        ));
    }
    detail.push_str(
        " The user has to log in again; the app should stop retrying and send them to login.",
    );
    let mut finding = make("refresh-failed", detail)
        .with_evidence("token request", cur.evidence_value())
        .with_fix("relogin")
        .with_fix("check-server-logs")
        .with_fix("copy-curl");
    if !code.is_empty() {
        finding = finding.with_evidence("error", code.to_string());
    }
    if let Some(r) = reused {
        finding = finding
            .with_evidence(
                format!("entry {} (same refresh token)", r.index),
                r.evidence_value(),
            )
            .with_entry(r.index);
    }
    if let Some(tr) = trigger {
        finding = finding
            .with_evidence(
                format!("entry {} (the 401 that triggered it)", tr.index),
                tr.evidence_value(),
            )
            .with_entry(tr.index);
    }
    out.push(finding);
}
