//! authlens explains HTTP authentication failures.
//!
//! The crate is a pure core (no browser API, the clock is always a parameter) plus, on
//! `wasm32` only, the browser glue in [`web`]. Data flows one way, floor by floor:
//!
//! | floor | modules | what they hold |
//! |---|---|---|
//! | 0 | [`ascii`], [`base64`], [`diagnostic`], [`finding`], [`json_text`], [`printable`], [`secret`], [`time`] | vocabulary every floor shares |
//! | 1 | [`exchange`], [`challenge`], [`jose`], [`cookie`] | the request/response model and the grammars |
//! | 2 | [`credentials`], [`curl`], [`har`], [`fixes`] | decoding what was sent; cURL and HAR import; the fix catalogue |
//! | 3 | [`diagnose`], [`redact`] | from exchanges to ranked findings; secret removal |
//! | 4 | [`report`] | Markdown / JSON reports |
//!
//! A module only uses modules on lower floors. The faces (the CLI in `main.rs`, the
//! playground in [`demo`], the panel and analyzer in [`web`]) use the public API only.

pub mod ascii;
pub mod base64;
pub mod diagnostic;
pub mod finding;
pub mod json_text;
pub mod printable;
pub mod secret;
pub mod time;

pub mod challenge;
pub mod cookie;
pub mod exchange;
pub mod jose;

pub mod credentials;
pub mod curl;
pub mod fixes;
pub mod har;

pub mod diagnose;
pub mod redact;

pub mod report;

#[cfg(not(target_arch = "wasm32"))]
pub mod demo;

#[cfg(target_arch = "wasm32")]
pub mod web;
