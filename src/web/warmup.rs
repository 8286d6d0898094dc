//! Warming up the analyzer while it waits for a file, so that a user's first import runs
//! the engine's optimised code rather than its baseline code.
//!
//! Browsers compile a wasm function first with a fast baseline compiler (V8: Liftoff) and
//! recompile it with the optimising one (V8: TurboFan) only once it has run enough, on a
//! background thread. A 40 MB import in a fresh tab is over before most of the functions it
//! needs have been optimised: it ran at 2.6–3.9× `JSON.parse`, against ~1.8× for the same
//! import once the tab had done one (README, Performance). Nothing a page can set moves
//! that threshold, but running the import's own code over a small HAR does: the functions
//! cross it while the user is still choosing a file, and the engine optimises them in the
//! background. Measured on the bench HAR: a file chosen 2 s after the page loaded imports
//! like a tab's later imports, and even a file given at the load event imports at ~2×
//! instead of 2.9–3.9× (what is left of the warm-up when it is cancelled still counts).
//!
//! The warm-up runs exactly what an import runs per entry ([`HarReader`] over an owned
//! buffer, then [`Log::push_analysed`]) on throwaway state: it
//! draws nothing, keeps nothing and makes no request. Its input is the browser captures
//! that the HAR reader's tests use (Chrome, Firefox, Playwright, Safari), read
//! [`PASSES`] times. It runs in slices like an import and yields to input between them;
//! it registers in the page's import slot, so opening or pasting a HAR cancels it.

use std::cell::RefCell;
use std::rc::Rc;

use crate::diagnose::{Analyzer, Config};
use crate::har::HarReader;

use super::slice::{self, Job};
use super::store::Log;

/// The captures read on each pass, 12 entries: successful requests with cookies and
/// `Set-Cookie`, a CORS preflight, 401s with Bearer (JWT), Basic and DPoP credentials and
/// challenges, a 401 without credentials, a 403 with a cookie, and a request that got no
/// response — so each step of an import, rules included, runs on them.
const CORPUS: [&[u8]; 4] = [
    include_bytes!("../../tests/fixtures/har/chrome.har"),
    include_bytes!("../../tests/fixtures/har/firefox.har"),
    include_bytes!("../../tests/fixtures/har/playwright.har"),
    include_bytes!("../../tests/fixtures/har/safari.har"),
];

/// Passes over [`CORPUS`]: 7,200 entries, 0.3–0.8 s of the page's thread in 20 ms slices
/// (the `authlens:warmed` mark comes 0.36–0.88 s after navigation). Chosen by measurement
/// on the bench HAR, importing 2 s after the page loaded: 250 passes left that import at
/// 1.70–2.05× `JSON.parse`, 600 at 1.72–1.80×, the range of a tab's later imports.
pub const PASSES: usize = 600;

/// Entries read between two looks at the clock, as in an import.
const BATCH_ENTRIES: usize = 64;

/// What a finished warm-up did (the wasm tests check it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Done {
    /// Entries read and analysed.
    pub entries: usize,
    /// HAR diagnostics met (none expected: the corpus is well-formed).
    pub problems: usize,
}

/// Starts a warm-up of `passes` passes in slices and puts its job in `slot`, where the
/// next import finds and cancels it; meant for a page's start, when the slot is empty.
/// `done` runs once, after the last pass (not when cancelled).
pub fn start(slot: &Rc<RefCell<Option<Job>>>, passes: usize, done: impl FnOnce(Done) + 'static) {
    let mut state = Warm {
        passes,
        ..Warm::default()
    };
    let mut done = Some(done);
    let job = slice::run_sliced(move |deadline| loop {
        if state.step() {
            if let Some(done) = done.take() {
                done(state.total);
            }
            return false;
        }
        if deadline.passed() {
            return true;
        }
    });
    *slot.borrow_mut() = Some(job);
}

/// Where the warm-up is: which pass, which capture, and the reader and state of that one.
#[derive(Default)]
struct Warm {
    passes: usize,
    pass: usize,
    capture: usize,
    current: Option<(HarReader<Vec<u8>>, Analyzer, Log)>,
    /// Ids of revised entries, which only the app's list redraws; reused between batches.
    revised: Vec<u64>,
    total: Done,
}

impl Warm {
    /// Reads and analyses one batch; `true` once every pass is done.
    fn step(&mut self) -> bool {
        if self.pass >= self.passes {
            return true;
        }
        let Some((reader, analyzer, log)) = &mut self.current else {
            let Some(bytes) = CORPUS.get(self.capture) else {
                self.capture = 0;
                self.pass += 1;
                return self.pass >= self.passes;
            };
            // Owned bytes, like an import's: the reader is generic over its buffer, and
            // the import's instance is the one to warm.
            match HarReader::new(bytes.to_vec()) {
                Ok(reader) => {
                    self.current = Some((reader, Analyzer::new(Config::default()), Log::new(64)))
                }
                Err(_) => {
                    self.total.problems += 1;
                    self.capture += 1;
                }
            }
            return false;
        };
        let batch = reader.next_batch(BATCH_ENTRIES);
        self.total.entries += batch.exchanges.len();
        self.total.problems += batch.diagnostics.len();
        let mut meta = batch.meta.into_iter();
        for exchange in batch.exchanges {
            log.push_analysed(analyzer, exchange, meta.next().as_ref(), &mut self.revised);
        }
        self.revised.clear();
        if batch.done {
            self.current = None;
            self.capture += 1;
        }
        false
    }
}
