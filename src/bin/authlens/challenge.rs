//! `authlens challenge`: parse and explain `WWW-Authenticate` / `Proxy-Authenticate` values.

use serde::Serialize;

use authlens::challenge::{self, ExplainContext, Explanation, ParsedChallenges};

use crate::style::Style;
use crate::{args, render, Failure};

pub const USAGE: &str = "authlens challenge [--json] [--proxy] VALUE...
  Parse WWW-Authenticate field values (one VALUE per header field, in order; several fields
  concatenate as RFC 9110 §5.3 says) and explain every challenge and parameter.
  --proxy   the values came from Proxy-Authenticate (a 407)
  --json    print {\"challenges\":[…],\"diagnostics\":[…],\"explanations\":[…]}";

#[derive(Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    parsed: &'a ParsedChallenges<'a>,
    explanations: Vec<Explanation>,
}

pub fn run(argv: &[String], style: Style) -> Result<(), Failure> {
    let a = args::parse(argv, &[], &["json", "proxy"])?;
    if a.positionals.is_empty() {
        return Err(Failure::Usage("give at least one header value".into()));
    }
    let fields: Vec<&str> = a.positionals.iter().map(String::as_str).collect();
    let parsed = if a.flag("proxy") {
        challenge::parse_proxy_challenges(&fields)
    } else {
        challenge::parse_challenges(&fields)
    };
    let ctx = ExplainContext {
        status: Some(if a.flag("proxy") { 407 } else { 401 }),
        dpop_nonce: None,
    };
    let explanations = challenge::explain_all(&parsed, &ctx);
    if a.flag("json") {
        let out = Output {
            parsed: &parsed,
            explanations,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| Failure::Input(e.to_string()))?
        );
        return Ok(());
    }
    let joined = fields.join(", ");
    if parsed.challenges.is_empty() {
        println!("no challenge could be read");
    }
    for (i, (c, ex)) in parsed.challenges.iter().zip(&explanations).enumerate() {
        let who = if ex.proxy { " (proxy)" } else { "" };
        println!(
            "{} {}{who}",
            style.bold(&format!("{}.", i + 1)),
            style.bold(&render::safe(c.scheme))
        );
        println!("  {}", render::safe(&ex.summary));
        if let Some(spec) = &ex.spec {
            println!("  {} {} <{}>", style.dim("see"), spec.title, spec.url);
        }
        if let Some(t) = c.token68 {
            println!("  {:<12} {}", style.dim("token68"), render::safe(t));
        }
        for p in &ex.params {
            println!(
                "  {:<12} {}",
                style.dim(&render::safe(&p.name)),
                render::safe(&p.value)
            );
            if !p.meaning.is_empty() {
                println!("  {:<12} {}", "", style.dim(&render::safe(&p.meaning)));
            }
        }
        if let Some(req) = &ex.token_request {
            println!(
                "  {} {}",
                style.dim("get a token:"),
                render::safe(&req.curl)
            );
        }
        render::findings(&ex.notes, style, "  ");
    }
    if !parsed.diagnostics.is_empty() {
        println!("{}", style.bold("diagnostics"));
        render::diagnostics(&joined, &parsed.diagnostics, style, "  ");
    }
    Ok(())
}
