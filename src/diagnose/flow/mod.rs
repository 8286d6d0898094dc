//! Flow rules: patterns across exchanges, looked for in the bounded window.
//!
//! Each rule reads the current exchange's [`Record`] and looks back over the window
//! (never further), bounded in time by [`Config::flow_span_secs`]. A rule may attach a
//! finding to the current exchange, and [`Revision`]s to earlier ones still in the window.

mod inconsistent_backends;
mod preflight_then_failure;
mod refresh_failed;
mod refresh_loop;
mod refresh_race;
mod spike;
mod token_refreshed;

use crate::finding::Finding;

use super::facts::Facts;
use super::state::{Origins, Record, Window};
use super::{Config, Revision};

/// Mutable state the flow rules read and mark.
pub struct FlowState<'a> {
    /// Settings.
    pub config: &'a Config,
    /// Recent exchanges (the current one not yet included).
    pub window: &'a mut Window,
    /// Per-origin histories.
    pub origins: &'a mut Origins,
    /// The push sequence number.
    pub seq: u64,
}

impl FlowState<'_> {
    /// The flow span in ms.
    fn span_ms(&self) -> i64 {
        self.config.flow_span_secs.saturating_mul(1000)
    }
}

/// Whether `earlier` started at most `span` ms before `later` (unknown times: assume yes,
/// the window bounds it anyway).
fn within(earlier: Option<i64>, later: Option<i64>, span: i64) -> bool {
    match (earlier, later) {
        (Some(a), Some(b)) => b.saturating_sub(a) <= span,
        _ => true,
    }
}

/// One flow rule.
type FlowRule =
    fn(&Facts<'_>, &mut Record, &mut FlowState<'_>, &mut Vec<Finding>, &mut Vec<Revision>);

/// Every flow rule, in order: a table called through an opaque pointer so that each stays a
/// wasm function of its own, for the reason given at `rules::RULES` (V8 optimises small
/// functions in ms, one merged function in hundreds of ms).
const FLOW_RULES: &[FlowRule] = &[
    |f, current, st, out, _| spike::check(f, current, st, out),
    |_, current, st, out, _| refresh_failed::check(current, st, out),
    |_, current, st, out, revisions| refresh_race::check(current, st, out, revisions),
    |_, current, st, out, revisions| token_refreshed::check(current, st, out, revisions),
    |f, current, st, out, _| refresh_loop::check(f, current, st, out),
    |_, current, st, out, revisions| inconsistent_backends::check(current, st, out, revisions),
    |_, current, st, out, revisions| preflight_then_failure::check(current, st, out, revisions),
];

/// Runs every flow rule for the exchange in `f` (its record is `current`).
pub fn run(
    f: &Facts<'_>,
    current: &mut Record,
    st: &mut FlowState<'_>,
    out: &mut Vec<Finding>,
    revisions: &mut Vec<Revision>,
) {
    for rule in std::hint::black_box(FLOW_RULES) {
        rule(f, current, st, out, revisions);
    }
}
