//! Time-sliced work: big backfills and HAR imports run in slices of a few milliseconds,
//! yielding to the event loop in between, so DevTools and the page never freeze.
//!
//! Slices are chained through `scheduler.postTask` where the browser has it (Chromium),
//! else through a `MessageChannel`, never `setTimeout(0)`: browsers clamp nested timeouts
//! to 4 ms (HTML §8.6 "timer initialisation steps", nesting level above 5), which cost a
//! 4 ms pause per slice — a quarter of a 12 ms slice — on a 40 MB import. A port message
//! travels through the browser's IPC even to its own page (Chromium: idle main thread
//! between slices, ~40 ms per 40 MB import); a posted task goes straight to the page's
//! scheduler. Either way each slice is a task of its own, so the browser still renders
//! and handles input between slices.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Longest stretch of work before yielding, in ms. Well under the 50 ms of a long task
/// (the deadline is checked between units of a few ms each), and long enough that the
/// per-slice costs (a task, a frame of rendering) stay a small share of a big import.
pub const SLICE_BUDGET_MS: f64 = 20.0;

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

type Task = Box<dyn FnOnce()>;

/// One `MessageChannel` for the page: each posted message runs the oldest queued task.
struct Yielder {
    port: web_sys::MessagePort,
    queue: Rc<RefCell<VecDeque<Task>>>,
    /// Kept alive as the port's `onmessage`.
    _on_message: Closure<dyn FnMut()>,
}

impl Yielder {
    fn new() -> Option<Self> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let queue: Rc<RefCell<VecDeque<Task>>> = Rc::default();
        let on_message = {
            let queue = queue.clone();
            Closure::<dyn FnMut()>::new(move || {
                // Popped before running, so a task may queue the next one.
                let task = queue.borrow_mut().pop_front();
                if let Some(task) = task {
                    task();
                }
            })
        };
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Self {
            port: channel.port2(),
            queue,
            _on_message: on_message,
        })
    }
}

thread_local! {
    static YIELDER: Option<Yielder> = Yielder::new();
}

/// `scheduler.postTask`, when the browser has it
/// (<https://wicg.github.io/scheduling-apis/#dom-scheduler-posttask>).
fn post_task() -> Option<(JsValue, js_sys::Function)> {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok()?;
    let post = js_sys::Reflect::get(&scheduler, &"postTask".into()).ok()?;
    Some((scheduler, post.dyn_into().ok()?))
}

thread_local! {
    static POST_TASK: Option<(JsValue, js_sys::Function)> = post_task();
}

/// Runs `task` in a task of its own, after the browser had its turn (render, input).
fn yield_then(task: impl FnOnce() + 'static) {
    let mut task: Task = Box::new(task);
    let posted = POST_TASK.with(|post| {
        post.as_ref()
            .map(|(scheduler, post)| (scheduler.clone(), post.clone()))
    });
    if let Some((scheduler, post)) = posted {
        // Shared so that the task can be taken back if posting throws.
        let slot: Rc<RefCell<Option<Task>>> = Rc::new(RefCell::new(Some(task)));
        let run = slot.clone();
        let callback = Closure::once_into_js(move || {
            let task = run.borrow_mut().take();
            if let Some(task) = task {
                task();
            }
        });
        // The returned promise rejects only when the task is aborted, which never happens.
        if post.call1(&scheduler, &callback).is_ok() {
            return;
        }
        let Some(back) = slot.borrow_mut().take() else {
            return;
        };
        task = back;
    }
    let rejected = YIELDER.with(|y| match y {
        Some(y) => {
            y.queue.borrow_mut().push_back(task);
            if y.port.post_message(&JsValue::NULL).is_ok() {
                None
            } else {
                y.queue.borrow_mut().pop_back()
            }
        }
        None => Some(task),
    });
    if let Some(task) = rejected {
        gloo_timers::callback::Timeout::new(0, task).forget();
    }
}

fn schedule(work: Work, job: Job) {
    yield_then(move || {
        if job.is_cancelled() {
            return;
        }
        let more = (work.borrow_mut())(&Deadline::in_ms(SLICE_BUDGET_MS));
        if more {
            schedule(work, job);
        }
    });
}

/// Runs `work` once per slice, starting on the next turn of the event loop, until it
/// returns `false` (nothing left) or the job is cancelled. `work` should check
/// [`Deadline::passed`] between units of work.
pub fn run_sliced(work: impl FnMut(&Deadline) -> bool + 'static) -> Job {
    let job = Job::default();
    schedule(Rc::new(RefCell::new(Box::new(work))), job.clone());
    job
}
