//! `preflight-then-failure` (context): ties a failed preflight to the request it blocked.
//!
//! The [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch) must
//! succeed before the actual request is sent; when it fails, the actual request shows up
//! with no response (status 0), as the console's "CORS error".

use crate::finding::{Finding, Severity};

use super::super::rules::make;
use super::super::state::{flag, Record};
use super::super::Revision;
use super::FlowState;

/// How far apart (ms) a preflight and its request may start.
const NEAR_MS: u64 = 10_000;

fn near(a: &Record, b: &Record) -> bool {
    match (a.start, b.start) {
        (Some(x), Some(y)) => x.abs_diff(y) <= NEAR_MS,
        _ => true,
    }
}

fn failed_preflight(r: &Record) -> bool {
    r.preflight && !(200..300).contains(&r.status)
}

fn blocked_request(r: &Record) -> bool {
    !r.preflight && r.status == 0
}

fn pair(preflight: &Record, request: &Record) -> bool {
    preflight.url == request.url
        && preflight.acrm.is_none_or(|m| m == request.method)
        && near(preflight, request)
}

fn finding(preflight: &Record, request: &Record) -> Finding {
    let status = if preflight.status == 0 {
        "no response".to_string()
    } else {
        preflight.status.to_string()
    };
    let mut f = make(
        "preflight-then-failure",
        format!(
            "The preflight (entry {}) failed with {status}, so the browser never sent the actual request (entry {}); the console reports it as a CORS error. Fix the preflight and this request will run.",
            preflight.index, request.index
        ),
    )
    .with_evidence(format!("entry {} (preflight)", preflight.index), preflight.evidence_value())
    .with_evidence(format!("entry {} (blocked request)", request.index), request.evidence_value())
    .with_fix("allow-preflight");
    f.severity = Severity::Info;
    f
}

/// Raised on a status-0 request after its failed preflight, or on a failed preflight after
/// its status-0 request (captures do not always keep the order); the other side gets a
/// revision.
pub fn check(
    cur: &mut Record,
    st: &mut FlowState<'_>,
    out: &mut Vec<Finding>,
    revisions: &mut Vec<Revision>,
) {
    let looking_for_preflight = blocked_request(cur);
    if !looking_for_preflight && !failed_preflight(cur) {
        return;
    }
    let other = st.window.newest_first().take(32).find(|r| {
        !r.has(flag::PREFLIGHT_TIED)
            && if looking_for_preflight {
                failed_preflight(r) && pair(r, cur)
            } else {
                blocked_request(r) && pair(cur, r)
            }
    });
    let Some(other) = other.cloned() else {
        return;
    };
    let (p, q) = if looking_for_preflight {
        (&other, &*cur)
    } else {
        (&*cur, &other)
    };
    let found = finding(p, q);
    out.push(found.clone().with_entry(cur.index).with_entry(other.index));
    revisions.push(Revision {
        index: other.index,
        finding: found.with_entry(other.index).with_entry(cur.index),
        resolves: false,
    });
    if let Some(r) = st.window.get_mut(other.index) {
        r.flags |= flag::PREFLIGHT_TIED;
    }
    cur.flags |= flag::PREFLIGHT_TIED;
}
