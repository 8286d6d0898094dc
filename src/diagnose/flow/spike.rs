//! `401-spike`: the auth-failure rate of an origin jumps after a healthy period.
//!
//! Per origin, the analyzer keeps the last 64 outcomes as bits. A spike is at least 5
//! failures in the last 8 requests after at most 1 in the 24 before — the "deployment,
//! secret rotation or missing environment variable" signature. Reported once per spike;
//! it re-arms when 8 requests in a row succeed.

use crate::finding::Finding;
use crate::time::Timestamp;

use super::super::facts::Facts;
use super::super::rules::make;
use super::super::state::Record;
use super::FlowState;

const RECENT: u64 = 0xFF;
const BEFORE: u64 = 0x00FF_FFFF;

/// Updates the origin's history; raised on the failure that completes a spike.
pub fn check(f: &Facts<'_>, cur: &Record, st: &mut FlowState<'_>, out: &mut Vec<Finding>) {
    if cur.preflight {
        return;
    }
    let o = st.origins.entry(cur.origin, st.seq);
    o.bits = (o.bits << 1) | u64::from(cur.failure);
    o.seen = o.seen.saturating_add(1).min(64);
    if let Some(slot) = o.ring.get_mut(o.ring_pos % 8) {
        *slot = (cur.index, cur.start);
    }
    o.ring_pos = (o.ring_pos + 1) % 8;
    let recent = (o.bits & RECENT).count_ones();
    let before = ((o.bits >> 8) & BEFORE).count_ones();
    if o.spike_open {
        if recent == 0 {
            o.spike_open = false;
        }
        return;
    }
    if !(cur.failure && o.seen >= 32 && recent >= 5 && before <= 1) {
        return;
    }
    o.spike_open = true;
    // The oldest failure among the last 8: bit k is the outcome k pushes ago.
    let oldest_fail_age = (0..8u32).rev().find(|k| o.bits >> k & 1 == 1).unwrap_or(0);
    let slot = (o.ring_pos + 8 - 1 - (oldest_fail_age as usize % 8)) % 8;
    let (start_index, start_ms) = o.ring.get(slot).copied().unwrap_or((cur.index, cur.start));
    let when = start_ms
        .map(|ms| format!(" at {}", Timestamp(ms).to_utc_string()))
        .unwrap_or_default();
    out.push(
        make(
            "401-spike",
            format!(
                "Auth failures on {} jumped: {recent} of the last 8 requests failed, after {} of the 24 before succeeded. The jump started with entry {start_index}{when}. This is the pattern of a deployment, a secret or key rotation, or a missing environment variable on the server.",
                f.origin,
                24 - before
            ),
        )
        .with_evidence("failures in the last 8 requests", recent.to_string())
        .with_evidence("failures in the 24 before", before.to_string())
        .with_evidence("started at", format!("entry {start_index}{when}"))
        .with_entry(start_index)
        .with_fix("check-server-logs"),
    );
}
