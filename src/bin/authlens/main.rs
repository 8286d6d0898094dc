//! The `authlens` command-line interface: decode challenges and credentials, analyse HAR
//! files, and serve the playground. `authlens help` lists the commands.
//!
//! Exit codes: 0 when the input was read (a malformed credential is a finding, not a
//! failure), 1 for unusable input (unreadable file, not a HAR), 2 for a usage error.

mod args;
mod demo;
mod style;

use std::process::ExitCode;

use style::Style;

const USAGE: &str = "authlens — explains HTTP 401s

Usage:
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

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let style = Style::detect();
    let (command, rest) = match argv.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    let (result, usage) = match command {
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

fn usage_for(topic: Option<&str>) -> &'static str {
    match topic {
        Some("demo") => demo::USAGE,
        _ => USAGE,
    }
}
