//! The `authlens` command-line interface: decode challenges and credentials, analyse HAR
//! files, and serve the playground. `authlens help` lists the commands.
//!
//! Exit codes: 0 when the input was read (a malformed credential is a finding, not a
//! failure), 1 for unusable input (unreadable file, not a HAR), 2 for a usage error.

// The CLI is native only. `cargo test --target wasm32-unknown-unknown` still builds every
// binary of the package, so on wasm32 this file compiles to an empty `main`.
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
mod challenge;
#[cfg(not(target_arch = "wasm32"))]
mod demo;
#[cfg(not(target_arch = "wasm32"))]
mod har;
#[cfg(not(target_arch = "wasm32"))]
mod render;
#[cfg(not(target_arch = "wasm32"))]
mod report;
#[cfg(not(target_arch = "wasm32"))]
mod style;
#[cfg(not(target_arch = "wasm32"))]
mod token;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
use style::Style;

const USAGE: &str = "authlens — explains HTTP 401s

Usage:
  authlens challenge [--json] [--proxy] VALUE...   parse and explain WWW-Authenticate
  authlens token [--json] [--at TIME] VALUE        decode and judge a credential
  authlens har [--json] [--all] FILE               analyse a HAR file
  authlens har --redact OUT.har FILE               write a redacted, shareable copy
  authlens report [--json] FILE.har                a redacted report for a bug ticket
  authlens demo [--port N] [--www DIR] [--extension DIR] [--launch]
  authlens help

Run `authlens help COMMAND` for a command's options.";

/// How a command failed.
pub enum Failure {
    /// The command line was wrong: exit 2 with the usage.
    Usage(String),
    /// The input could not be used: exit 1.
    Input(String),
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Usage(s)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let style = Style::detect();
    let (command, rest) = match argv.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    let (result, usage) = match command {
        "challenge" => (challenge::run(rest, style), challenge::USAGE),
        "token" => (token::run(rest, style), token::USAGE),
        "har" => (har::run(rest, style), har::USAGE),
        "report" => (report::run(rest, style), report::USAGE),
        "demo" => (demo::run(rest, style), demo::USAGE),
        "help" | "--help" | "-h" => {
            let topic = rest.first().map(String::as_str);
            println!("{}", usage_for(topic));
            return ExitCode::SUCCESS;
        }
        "--version" | "-V" => {
            println!("authlens {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        other => (
            Err(Failure::Usage(format!("unknown command {other:?}"))),
            USAGE,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("authlens: {msg}\n\n{usage}");
            ExitCode::from(2)
        }
        Err(Failure::Input(msg)) => {
            eprintln!("authlens: {msg}");
            ExitCode::from(1)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn usage_for(topic: Option<&str>) -> &'static str {
    match topic {
        Some("challenge") => challenge::USAGE,
        Some("token") => token::USAGE,
        Some("har") => har::USAGE,
        Some("report") => report::USAGE,
        Some("demo") => demo::USAGE,
        _ => USAGE,
    }
}
