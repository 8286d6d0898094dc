//! `refresh-race`: several refresh requests in flight at once.
//!
//! With refresh-token rotation ([RFC 9700 §4.14](https://www.rfc-editor.org/rfc/rfc9700#section-4.14))
//! each refresh token is single-use: parallel refreshes with the same token mean all but
//! one fail (and some servers revoke the family). Refreshing must be single-flight.

use crate::finding::{Finding, Severity};

use super::super::rules::make;
use super::super::state::{flag, Record};
use super::super::Revision;
use super::FlowState;

/// Requests starting within this many ms of each other count as parallel when no timing
/// says they overlapped.
const NEAR_MS: u64 = 1000;

/// Whether two requests were in flight at the same time: their [start, end] intervals
/// intersect; without a duration, starting within [`NEAR_MS`] counts. Sequential requests
/// (one ends before the next starts, as in a refresh loop) never overlap.
fn overlaps(a: &Record, b: &Record) -> bool {
    match (a.start, b.start) {
        (Some(sa), Some(sb)) => match (a.end.filter(|e| *e > sa), b.end.filter(|e| *e > sb)) {
            (Some(ea), Some(eb)) => sa < eb && sb < ea,
            _ => sa.abs_diff(sb) <= NEAR_MS,
        },
        _ => false,
    }
}

/// Raised on a refresh request that overlaps other refreshes to the same endpoint.
pub fn check(
    cur: &mut Record,
    st: &mut FlowState<'_>,
    out: &mut Vec<Finding>,
    revisions: &mut Vec<Revision>,
) {
    let Some(t) = &cur.token else {
        return;
    };
    if !t.refresh {
        return;
    }
    let same_token = t.refresh_token;
    let others: Vec<Record> = st
        .window
        .newest_first()
        .take(32)
        .filter(|r| {
            r.endpoint == cur.endpoint
                && r.token.as_ref().is_some_and(|o| o.refresh)
                && (overlaps(r, cur)
                    || same_token.is_some()
                        && r.token.as_ref().and_then(|o| o.refresh_token) == same_token
                        && r.start.is_none())
        })
        .cloned()
        .collect();
    if others.is_empty() {
        return;
    }
    let any_failed = t.failed
        || others
            .iter()
            .any(|r| r.token.as_ref().is_some_and(|o| o.failed));
    let shared = same_token.is_some()
        && others
            .iter()
            .any(|r| r.token.as_ref().and_then(|o| o.refresh_token) == same_token);
    let n = others.len() + 1;
    let mut detail =
        format!("{n} refresh requests ran in parallel against the same token endpoint");
    if shared {
        detail.push_str(", using the same refresh token");
    }
    if any_failed {
        detail.push_str(". With refresh-token rotation the first one to arrive invalidates the token the others carry, so they fail with invalid_grant (and some servers revoke the whole token family, logging the user out).");
    } else {
        detail.push_str(". They all succeeded this time, but with refresh-token rotation they would invalidate each other.");
    }
    detail.push_str(" Make refresh single-flight: one refresh in progress, shared by every caller that needs a token.");
    let mut base = make("refresh-race", detail)
        .with_fix("refresh-token")
        .with_fix("relogin");
    if !any_failed {
        base.severity = Severity::Warning;
    }
    for r in &others {
        base = base.with_evidence(
            format!("entry {} (parallel refresh)", r.index),
            r.evidence_value(),
        );
    }
    let mut mine = base.clone().with_entry(cur.index);
    if !t.failed {
        mine.severity = Severity::Info;
    }
    for r in &others {
        mine = mine.with_entry(r.index);
    }
    out.push(mine);
    for r in &others {
        if r.has(flag::RACE) {
            continue;
        }
        let mut theirs = base.clone().with_entry(r.index).with_entry(cur.index);
        if !r.token.as_ref().is_some_and(|o| o.failed) {
            // A refresh that worked is part of the race, not a failure.
            theirs.severity = Severity::Info;
        }
        revisions.push(Revision {
            index: r.index,
            finding: theirs,
            resolves: false,
        });
        if let Some(w) = st.window.get_mut(r.index) {
            w.flags |= flag::RACE;
        }
    }
    cur.flags |= flag::RACE;
}
