//! The playground: a local server whose buttons fail the way real APIs fail.
//!
//! `authlens demo` (and `make run`, and the e2e tests) start it on 127.0.0.1:8401. It
//! serves:
//!
//! - `/` (alias `/playground`): the scenario page, one button per [`Scenario`] plus
//!   "Run all" and a "Burst N requests" load generator. The page is static HTML plus
//!   `/playground.js`, with no inline script, under a `script-src 'self'` CSP;
//! - `/api/scenarios.json`: the scenario table as JSON (what each button sends, and the
//!   rule id the Auth panel should put first);
//! - `/api/login` (`profile=<name>`): tokens minted from the server clock, see
//!   [`TokenProfile`];
//! - `/api/<scenario>/…`: the scenario endpoints, routed by the table;
//! - `/api/burst/items`: the burst target (200, or 401 for an expired token);
//! - `/api/set-control-cookie`: sets a cookie the e2e test opens on the *other* loopback
//!   host, to check that clearing the playground's site data leaves it alone;
//! - `/analyzer/`: the built `www/` analyzer from [`DemoConfig::www_dir`].
//!
//! The cross-origin scenarios need no second server: `127.0.0.1:PORT` and
//! `localhost:PORT` are different origins (and sites) for the browser, so the page calls
//! whichever name it was not loaded from.
//!
//! ```no_run
//! let handle = authlens::demo::spawn(authlens::demo::DemoConfig::default())?;
//! println!("playground at {}", handle.url());
//! handle.wait()?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod files;
mod respond;
mod scenario;
mod server;
mod token;

pub use respond::{BURST_CONCURRENCY, BURST_DEFAULT_COUNT, SERVER_NAME};
pub use scenario::{
    scenarios, Credentials, Recipe, Reply, Scenario, SentBy, Step, Target, TokenProfile, BURST_PATH,
};
pub use server::{serve, spawn, DemoConfig, DemoHandle, DEFAULT_PORT};
