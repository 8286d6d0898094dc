//! `inconsistent-backends`: same endpoint, same credentials, different answers per node.
//!
//! When the same credentials on the same endpoint succeed and fail (a failure followed by a
//! success rules out expiry), and the failing responses name different backends (`Server`,
//! `Via`, `X-Served-By`, `X-Backend`, server IP) than the succeeding ones, a load balancer
//! is routing to a node with stale keys or configuration.
//! [RFC 9110 §15.5.2](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2).

use crate::finding::{Finding, Severity};

use super::super::rules::make;
use super::super::state::{flag, Record};
use super::super::Revision;
use super::FlowState;

/// Raised on a success or 401 that completes the pattern; earlier failures get revisions.
pub fn check(
    cur: &mut Record,
    st: &mut FlowState<'_>,
    out: &mut Vec<Finding>,
    revisions: &mut Vec<Revision>,
) {
    if !(cur.success || cur.status == 401)
        || cur.preflight
        || cur.cred.is_none()
        || cur.identity.is_none()
    {
        return;
    }
    // A success only matters if this endpoint and credential failed recently.
    if cur.success
        && !st
            .window
            .recent_unauthorized()
            .any(|r| r.endpoint == cur.endpoint && r.cred == cur.cred)
    {
        return;
    }
    let mut seq: Vec<&Record> = st
        .window
        .oldest_first()
        .filter(|r| {
            r.endpoint == cur.endpoint
                && r.cred == cur.cred
                && r.identity.is_some()
                && (r.success || r.status == 401)
        })
        .collect();
    seq.push(cur);
    let first_fail = seq.iter().position(|r| r.status == 401);
    let fail_then_success = first_fail.is_some_and(|p| seq.iter().skip(p).any(|r| r.success));
    if !fail_then_success {
        return;
    }
    let id = |r: &&Record| r.identity.as_ref().map(|(h, _)| *h);
    let fail_ids: Vec<u64> = seq
        .iter()
        .filter(|r| r.status == 401)
        .filter_map(id)
        .collect();
    let ok_ids: Vec<u64> = seq.iter().filter(|r| r.success).filter_map(id).collect();
    if fail_ids.is_empty() || ok_ids.is_empty() || fail_ids.iter().any(|f| ok_ids.contains(f)) {
        return;
    }
    let text = |want_fail: bool| {
        seq.iter()
            .find(|r| {
                if want_fail {
                    r.status == 401
                } else {
                    r.success
                }
            })
            .and_then(|r| r.identity.as_ref().map(|(_, t)| t.to_string()))
            .unwrap_or_default()
    };
    let fails = seq.iter().filter(|r| r.status == 401).count();
    let oks = seq.iter().filter(|r| r.success).count();
    let base = make(
        "inconsistent-backends",
        format!(
            "The same endpoint with the same credentials succeeded {oks} time(s) and failed {fails} time(s), and the failures came from a different backend than the successes. A load balancer is sending part of the traffic to a node with stale signing keys, an old configuration or a missing secret. Compare the nodes, redeploy or drain the bad one."
        ),
    )
    .with_evidence("failing backend", text(true))
    .with_evidence("succeeding backend", text(false))
    .with_fix("check-server-logs")
    .with_fix("flush-dns");
    let targets: Vec<usize> = seq
        .iter()
        .filter(|r| r.status == 401 && r.index != cur.index && !r.has(flag::INCONSISTENT))
        .map(|r| r.index)
        .collect();
    let mut mine = base.clone();
    for r in seq.iter().rev().take(12) {
        mine = mine.with_entry(r.index);
    }
    if cur.success {
        mine.severity = Severity::Info;
    }
    out.push(mine);
    for i in targets {
        revisions.push(Revision {
            index: i,
            finding: base.clone().with_entry(i).with_entry(cur.index),
            resolves: false,
        });
        if let Some(r) = st.window.get_mut(i) {
            r.flags |= flag::INCONSISTENT;
        }
    }
    cur.flags |= flag::INCONSISTENT;
}
