//! `authlens har`: analyse a HAR file — every auth-relevant exchange with its decoded
//! credentials, challenges and ranked findings.

use serde::Serialize;

use authlens::challenge::{self, Challenge};
use authlens::credentials::{self, Context, RequestCredential};
use authlens::diagnose::{self, Config, ExchangeReport, Summary};
use authlens::diagnostic::Diagnostic;
use authlens::exchange::Exchange;
use authlens::har::{self, HarDiagnostic, HarDocument, Sanitization, Software};
use authlens::redact::{self, RedactOptions};

use crate::style::Style;
use crate::{args, render, Failure};

pub const USAGE: &str = "authlens har [--json] [--all] [--leeway SECS] FILE
       authlens har --redact OUT.har [--no-claims] [--keep-bodies] FILE
  Analyse a HAR 1.2 file (Chrome, Firefox, Safari, Playwright exports): each auth-relevant
  exchange with its decoded credentials and challenges, and the diagnosis — ranked
  findings with evidence and fixes. Times come from the HAR, never from this machine.
  --all           include every exchange, not only auth-relevant ones
  --leeway SECS   clock-skew allowance for token times (default 60)
  --json          print {\"creator\",\"browser\",\"summary\",\"sanitization\",\"exchanges\":[…],\"diagnostics\":[…]}
  --redact OUT    write a redacted copy (valid HAR 1.2) instead: secrets become markers that
                  name what was removed and its length; the scheme, JWT header and claims
                  (exp, iat, nbf, aud, iss, scope, …), cookie names and attributes stay, so
                  the copy still diagnoses the same. Prints what was removed where.
  --no-claims     with --redact: drop JWT claims too
  --keep-bodies   with --redact: keep bodies (secrets in them still redacted)
  FILE '-' reads standard input. A file that is not HAR exits 1 naming the line and column.";

/// One exchange in the output.
#[derive(Serialize)]
struct ExchangeOut {
    #[serde(flatten)]
    report: ExchangeReport,
    credentials: Vec<RequestCredential>,
    challenges: Vec<Challenge>,
    challenge_diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct Output<'a> {
    creator: Option<&'a Software>,
    browser: Option<&'a Software>,
    entries: usize,
    summary: String,
    counts: &'a Summary,
    sanitization: Sanitization,
    exchanges: Vec<ExchangeOut>,
    diagnostics: &'a [HarDiagnostic],
}

fn is_relevant(out: &ExchangeOut, ex: &Exchange) -> bool {
    ex.is_auth_failure()
        || !out.report.findings.is_empty()
        || !out.credentials.is_empty()
        || !out.challenges.is_empty()
}

fn decode_exchange(ex: &Exchange, report: ExchangeReport, leeway: i64) -> ExchangeOut {
    let at = report
        .at
        .or(ex.started_at)
        .unwrap_or(authlens::time::Timestamp(0));
    let ctx = Context::new(at)
        .with_leeway(leeway)
        .with_request(&ex.request);
    let creds = credentials::from_request(&ex.request, &ctx);
    let www: Vec<&str> = ex.response.headers.get_all("www-authenticate").collect();
    let proxy: Vec<&str> = ex.response.headers.get_all("proxy-authenticate").collect();
    let mut challenges = Vec::new();
    let mut challenge_diagnostics = Vec::new();
    if !www.is_empty() {
        let p = challenge::parse_challenges(&www);
        challenges.extend(p.to_owned_challenges());
        challenge_diagnostics.extend(p.diagnostics);
    }
    if !proxy.is_empty() {
        let p = challenge::parse_proxy_challenges(&proxy);
        challenges.extend(p.to_owned_challenges());
        challenge_diagnostics.extend(p.diagnostics);
    }
    ExchangeOut {
        report,
        credentials: creds,
        challenges,
        challenge_diagnostics,
    }
}

pub fn read_input(path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Failure::Input(format!("cannot read standard input: {e}")))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| Failure::Input(format!("cannot read {path}: {e}")))
    }
}

pub fn load(path: &str) -> Result<HarDocument, Failure> {
    let bytes = read_input(path)?;
    har::parse_har(&bytes).map_err(|e| {
        Failure::Input(format!(
            "{path}:{}:{}: not a HAR file: {} ({})",
            e.line, e.column, e.message, e.code
        ))
    })
}

pub fn run(argv: &[String], style: Style) -> Result<(), Failure> {
    let a = args::parse(
        argv,
        &["leeway", "redact"],
        &["json", "all", "no-claims", "keep-bodies"],
    )?;
    let [path] = a.positionals.as_slice() else {
        return Err(Failure::Usage("give exactly one HAR file".into()));
    };
    if let Some(out) = a.option("redact") {
        return redact(
            path,
            out,
            !a.flag("no-claims"),
            a.flag("keep-bodies"),
            a.flag("json"),
            style,
        );
    }
    let mut config = Config::default();
    if let Some(l) = a.option("leeway") {
        config.leeway_secs = l
            .parse()
            .map_err(|_| Failure::Usage(format!("--leeway {l:?} is not a number of seconds")))?;
    }
    let doc = load(path)?;
    let leeway = config.leeway_secs;
    let analysis = diagnose::analyze_har(&doc, config);
    let summary_line = analysis.summary.line();
    let exchanges: Vec<ExchangeOut> = doc
        .exchanges
        .iter()
        .zip(analysis.reports)
        .map(|(ex, report)| (ex, decode_exchange(ex, report, leeway)))
        .filter(|(ex, out)| a.flag("all") || is_relevant(out, ex))
        .map(|(_, out)| out)
        .collect();
    let sanitization = har::sanitization(&doc);
    if a.flag("json") {
        let out = Output {
            creator: doc.creator.as_ref(),
            browser: doc.browser.as_ref(),
            entries: doc.exchanges.len(),
            summary: summary_line,
            counts: &analysis.summary,
            sanitization,
            exchanges,
            diagnostics: &doc.diagnostics,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| Failure::Input(e.to_string()))?
        );
        return Ok(());
    }
    print_human(&doc, &summary_line, &sanitization, &exchanges, style);
    Ok(())
}

fn print_human(
    doc: &HarDocument,
    summary: &str,
    sanitization: &Sanitization,
    exchanges: &[ExchangeOut],
    style: Style,
) {
    let source = doc
        .browser
        .as_ref()
        .or(doc.creator.as_ref())
        .map(|s| format!("{} {}", render::safe(&s.name), render::safe(&s.version)))
        .unwrap_or_else(|| "unknown creator".into());
    println!(
        "{} · {} entries · {}",
        source,
        doc.exchanges.len(),
        style.bold(summary)
    );
    if sanitization.likely_sanitized {
        println!(
            "{} this HAR looks sanitized: Authorization and Cookie headers were removed at export, so credential evidence is missing.",
            style.severity(authlens::diagnostic::Severity::Warning)
        );
        println!("  Chrome: DevTools → Network → ⚙ → \"Allow to generate HAR with sensitive data\", then \"Export HAR (with sensitive data)\".");
    }
    for out in exchanges {
        let r = &out.report;
        let status = if r.status == 0 {
            "(no response)".to_string()
        } else {
            r.status.to_string()
        };
        let badge = if r.auth_failure {
            style.severity(authlens::diagnostic::Severity::Error)
        } else {
            String::new()
        };
        println!();
        println!(
            "{} {} {} → {} {} {}",
            style.bold(&format!("#{}", r.index)),
            render::safe(&r.method),
            render::safe(&r.url),
            style.bold(&status),
            badge,
            style.dim(r.scheme_sent.as_deref().unwrap_or("no credentials"))
        );
        render::findings(&r.findings, style, "  ");
    }
    if !doc.diagnostics.is_empty() {
        println!();
        println!("{}", style.bold("HAR diagnostics"));
        for d in &doc.diagnostics {
            let entry = d.entry.map(|e| format!("entry {e}, ")).unwrap_or_default();
            println!(
                "  {} {} ({entry}line {}, column {}): {}",
                style.severity(d.diagnostic.severity),
                d.diagnostic.code,
                d.line,
                d.column,
                render::safe(&d.diagnostic.message)
            );
        }
    }
}

fn redact(
    path: &str,
    out: &str,
    keep_claims: bool,
    keep_bodies: bool,
    json: bool,
    style: Style,
) -> Result<(), Failure> {
    let doc = load(path)?;
    let options = RedactOptions {
        keep_claims,
        keep_bodies,
        ..RedactOptions::default()
    };
    let redacted = redact::redact_document(&doc, &options);
    std::fs::write(out, redacted.to_har())
        .map_err(|e| Failure::Input(format!("cannot write {out}: {e}")))?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&redacted.summary)
                .map_err(|e| Failure::Input(e.to_string()))?
        );
        return Ok(());
    }
    println!(
        "{} → {}: {}",
        render::safe(path),
        render::safe(out),
        style.bold(&redacted.summary.line())
    );
    for item in &redacted.summary.items {
        let entry = item.entry.map(|e| format!("#{e} ")).unwrap_or_default();
        println!(
            "  {entry}{}: {} ({} chars)",
            render::safe(&item.location),
            render::safe(&item.what),
            item.length
        );
    }
    Ok(())
}
