//! `token-refreshed` (info): 401 → token refresh → successful retry, the healthy flow.
//!
//! [RFC 6749 §6](https://www.rfc-editor.org/rfc/rfc6749#section-6): a client uses its
//! refresh token to get a new access token when the old one stops working. Recognising it
//! keeps a handled 401 from being reported as a failure: the revision folds the 401's
//! causes into this finding.

use crate::finding::{Finding, Severity};

use super::super::catalogue;
use super::super::state::{flag, Record};
use super::super::Revision;
use super::{within, FlowState};

fn finding(failed: &Record, token: &Record, retry: &Record) -> Finding {
    let cause = failed
        .top
        .map(|(id, _)| format!(" (it failed with {id})"))
        .unwrap_or_default();
    Finding::new(
        "token-refreshed",
        Severity::Info,
        catalogue::rule("token-refreshed").map_or("", |r| r.title),
        format!(
            "Entry {} got a 401{cause}; entry {} refreshed the token and entry {} retried with the new one and succeeded. The app handled the expiry as intended.",
            failed.index, token.index, retry.index
        ),
    )
    .with_evidence(format!("entry {} (401)", failed.index), failed.evidence_value())
    .with_evidence(format!("entry {} (token request)", token.index), token.evidence_value())
    .with_evidence(format!("entry {} (retry)", retry.index), retry.evidence_value())
}

/// Raised on a success that retries a 401'd endpoint with new credentials after a
/// successful token request; resolves the 401.
pub fn check(
    cur: &mut Record,
    st: &mut FlowState<'_>,
    out: &mut Vec<Finding>,
    revisions: &mut Vec<Revision>,
) {
    if !cur.success || cur.preflight || cur.token.is_some() {
        return;
    }
    let span = st.span_ms();
    // Cheap pre-checks on the window's indexes: a successful token request and a 401 on
    // this endpoint, both recent. Most successes stop here.
    let token_ok = st
        .window
        .recent_tokens()
        .take_while(|r| within(r.start, cur.start, span))
        .any(|r| r.token.as_ref().is_some_and(|t| !t.failed));
    let endpoint_401 = st
        .window
        .recent_unauthorized()
        .take_while(|r| within(r.start, cur.start, span))
        .any(|r| r.endpoint == cur.endpoint && !r.has(flag::REFRESHED));
    if !(token_ok && endpoint_401) {
        return;
    }
    let mut token: Option<usize> = None;
    let mut failed: Option<usize> = None;
    for r in st.window.newest_first() {
        if !within(r.start, cur.start, span) {
            break;
        }
        if r.endpoint == cur.endpoint && r.success {
            // The endpoint already worked since: this is not a retry.
            break;
        }
        match token {
            None => {
                if let Some(t) = &r.token {
                    if t.failed {
                        return;
                    }
                    token = Some(r.index);
                }
            }
            Some(_) => {
                if r.endpoint == cur.endpoint
                    && r.status == 401
                    && r.cred != cur.cred
                    && !r.has(flag::REFRESHED)
                {
                    failed = Some(r.index);
                    break;
                }
            }
        }
    }
    let (Some(ti), Some(fi)) = (token, failed) else {
        return;
    };
    let (Some(t), Some(fr)) = (st.window.get(ti).cloned(), st.window.get(fi).cloned()) else {
        return;
    };
    let found = finding(&fr, &t, cur);
    out.push(
        found
            .clone()
            .with_entry(cur.index)
            .with_entry(t.index)
            .with_entry(fr.index),
    );
    revisions.push(Revision {
        index: fr.index,
        finding: found
            .clone()
            .with_entry(fr.index)
            .with_entry(t.index)
            .with_entry(cur.index),
        resolves: true,
    });
    revisions.push(Revision {
        index: t.index,
        finding: found
            .with_entry(t.index)
            .with_entry(fr.index)
            .with_entry(cur.index),
        resolves: false,
    });
    for i in [fi, ti] {
        if let Some(r) = st.window.get_mut(i) {
            r.flags |= flag::REFRESHED;
        }
    }
    cur.flags |= flag::REFRESHED;
}
