//! Time-sliced work: big backfills and HAR imports run in slices of a few milliseconds,
//! yielding to the event loop in between, so DevTools and the page never freeze.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Longest stretch of work before yielding, in ms (well under the 50 ms of a long task).
pub const SLICE_BUDGET_MS: f64 = 12.0;

/// When the current slice must stop.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(f64);

impl Deadline {
    /// A deadline `budget_ms` from now.
    pub fn in_ms(budget_ms: f64) -> Self {
        Self(now() + budget_ms)
    }

    /// Whether the slice's time is up.
    pub fn passed(&self) -> bool {
        now() >= self.0
    }
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// A running sliced job; cancelling stops it before its next slice.
#[derive(Debug, Clone, Default)]
pub struct Job {
    cancelled: Rc<Cell<bool>>,
}

impl Job {
    /// Stops the job before its next slice.
    pub fn cancel(&self) {
        self.cancelled.set(true);
    }

    /// Whether [`Job::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }
}

type Work = Rc<RefCell<Box<dyn FnMut(&Deadline) -> bool>>>;

fn schedule(work: Work, job: Job) {
    gloo_timers::callback::Timeout::new(0, move || {
        if job.is_cancelled() {
            return;
        }
        let more = (work.borrow_mut())(&Deadline::in_ms(SLICE_BUDGET_MS));
        if more {
            schedule(work, job);
        }
    })
    .forget();
}

/// Runs `work` once per slice, starting on the next turn of the event loop, until it
/// returns `false` (nothing left) or the job is cancelled. `work` should check
/// [`Deadline::passed`] between units of work.
pub fn run_sliced(work: impl FnMut(&Deadline) -> bool + 'static) -> Job {
    let job = Job::default();
    schedule(Rc::new(RefCell::new(Box::new(work))), job.clone());
    job
}
