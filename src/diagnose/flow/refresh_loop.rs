//! `refresh-loop`: 401 → refresh → 401, again and again.
//!
//! The client refreshes ([RFC 6749 §6](https://www.rfc-editor.org/rfc/rfc6749#section-6))
//! but the new token is rejected too, and nothing stops it retrying. Three cycles within
//! the flow span, with no success in between, make a loop.

use crate::finding::Finding;

use super::super::facts::Facts;
use super::super::rules::make;
use super::super::state::{flag, Record};
use super::{within, FlowState};

/// Cycles that make a loop.
const CYCLES: usize = 3;

/// Raised on a 401 that completes the third 401 → refresh → 401 cycle on its origin.
pub fn check(f: &Facts<'_>, cur: &mut Record, st: &FlowState<'_>, out: &mut Vec<Finding>) {
    if cur.status != 401 || cur.preflight || cur.token.is_some() {
        return;
    }
    let span = st.span_ms();
    let (mut cycles, mut pending, mut saw_401) = (0usize, false, false);
    let mut involved: Vec<usize> = Vec::new();
    for r in st.window.oldest_first() {
        if !within(r.start, cur.start, span) {
            continue;
        }
        if r.token.is_some() {
            if saw_401 {
                pending = true;
                saw_401 = false;
                involved.push(r.index);
            }
        } else if r.origin == cur.origin && r.status == 401 && !r.preflight {
            if pending {
                cycles += 1;
                pending = false;
            }
            saw_401 = true;
            involved.push(r.index);
        } else if r.origin == cur.origin && r.success {
            cycles = 0;
            pending = false;
            saw_401 = false;
            involved.clear();
        }
    }
    if pending {
        cycles += 1;
    }
    if cycles < CYCLES {
        return;
    }
    let first = involved.first().copied().unwrap_or(cur.index);
    let mut finding = make(
        "refresh-loop",
        format!(
            "{cycles} cycles of 401 → token refresh → 401 on {} since entry {first}, with no success in between: the refreshed token is rejected too, and the client keeps retrying. Add a stop condition (one refresh per request, then log in again) with backoff, then find why the new token fails: wrong audience or scopes requested, a signing key the API does not know, or a skewed clock.",
            f.origin
        ),
    )
    .with_evidence("cycles", cycles.to_string())
    .with_evidence("api origin", f.origin.clone())
    .with_fix("refresh-token")
    .with_fix("relogin")
    .with_fix("check-server-logs");
    for i in involved.iter().rev().take(12) {
        finding = finding.with_entry(*i);
    }
    cur.flags |= flag::LOOP;
    out.push(finding);
}
