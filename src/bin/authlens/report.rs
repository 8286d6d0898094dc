//! `authlens report`: a one-page, redacted report of a HAR's auth failures for a bug ticket.

use authlens::report::{self, ReportOptions};

use crate::style::Style;
use crate::{args, har, Failure};

pub const USAGE: &str = "authlens report [--json] [--title TEXT] [--leeway SECS] FILE.har
  Markdown (paste into an issue tracker) or JSON: the environment (browser, time span,
  origins), each failing exchange with its top finding, evidence and fix, and the flows as
  sequence lines. Everything is redacted by the same rules as `authlens har --redact`.
  --json          print the JSON report (schema authlens-report/1) instead of Markdown
  --title TEXT    the report's heading";

pub fn run(argv: &[String], _style: Style) -> Result<(), Failure> {
    let a = args::parse(argv, &["title", "leeway"], &["json"])?;
    let [path] = a.positionals.as_slice() else {
        return Err(Failure::Usage("give exactly one HAR file".into()));
    };
    let mut options = ReportOptions {
        title: a.option("title").map(str::to_string),
        ..ReportOptions::default()
    };
    if let Some(l) = a.option("leeway") {
        options.config.leeway_secs = l
            .parse()
            .map_err(|_| Failure::Usage(format!("--leeway {l:?} is not a number of seconds")))?;
    }
    let doc = har::load(path)?;
    let built = report::build(&doc, &options);
    // Markdown is meant to be pasted elsewhere as-is, so it is not styled for the terminal;
    // it contains only redacted, escaped text.
    if a.flag("json") {
        println!("{}", built.to_json());
    } else {
        print!("{}", built.to_markdown());
    }
    Ok(())
}
