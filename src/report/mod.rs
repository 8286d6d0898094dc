//! One-page reports for a bug ticket: Markdown to paste into an issue tracker, and JSON.
//!
//! [`build`] redacts the capture first ([`crate::redact`], same rules as the redacted HAR)
//! and analyses the *redacted* exchanges ([`crate::diagnose`]), so nothing in a report —
//! URLs, evidence, fix snippets — can hold a raw secret. The round-trip guarantee of the
//! redactor means the findings are the ones the original capture gives.
//!
//! A report has:
//! - the environment: who wrote the HAR, the browser, the time span, the origins, request and
//!   failure counts, and whether the file looks like a sanitized export (with how to export
//!   with credentials, [`crate::har::sanitization`]);
//! - the failing exchanges (401/403/407, and others whose top finding is an error), each
//!   with its top finding, evidence and rendered fixes ([`crate::fixes`]), other findings
//!   listed briefly;
//! - flows as text sequence lines (redirect chains, preflight → request, 401 → refresh →
//!   retry, exchanges tied by a flow finding);
//! - what the redaction removed.
//!
//! # JSON shape
//! `serde_json::to_string(&report)` gives this object (stable; new fields may be added):
//!
//! ```text
//! {
//!   "schema": "authlens-report/1",
//!   "title": string,
//!   "environment": {
//!     "creator": {"name", "version"} | null, "browser": {"name", "version"} | null,
//!     "first_request": rfc3339 | null, "last_request": rfc3339 | null, "span": string | null,
//!     "requests": n, "auth_failures": n,
//!     "origins": [{"origin", "requests", "auth_failures"}],
//!     "sanitized": bool, "sanitization_advice": string | null,
//!     "sanitization_evidence": [{"label", "value"}]
//!   },
//!   "summary": {"line": string, "failures": n, "recovered": n, "unexplained": n,
//!               "by_top": [{"id", "count"}]},
//!   "failures": [{
//!     "entry": n, "method", "url", "status": n, "started": rfc3339 | null,
//!     "scheme_sent": string | null, "recovered": bool,
//!     "top": {"id", "severity", "title", "detail", "evidence": [{"label", "value"}],
//!             "refs": [{"title", "url"}],
//!             "fixes": [{"id", "title", "steps": [..], "action", "snippets": [{"label", "lang", "code", "detected"}]}]} | null,
//!     "others": [{"id", "severity", "title"}]
//!   }],
//!   "failures_omitted": n,
//!   "flows": [{"kind", "steps": [{"entry", "host", "method", "path", "status", "note"}], "lines": [..]}],
//!   "flows_omitted": n,
//!   "redaction": {"line": string, "secrets": n, "counts": [{"what", "count"}], "bodies_dropped": n}
//! }
//! ```

mod flow;
mod markdown;

use serde::Serialize;

use crate::diagnose::{self, Analysis, Config, ExchangeReport};
use crate::exchange::Exchange;
use crate::finding::{Evidence, Finding, Severity, SpecRef};
use crate::fixes::{self, Fix, FixContext};
use crate::har::{self, HarDocument, Software};
use crate::redact::{self, RedactOptions, Redacted};
use crate::time::{describe_duration, Timestamp};

pub use flow::{Flow, FlowBuilder, FlowStep, LOOKAHEAD};

/// The JSON `schema` value; bumped only for incompatible changes.
pub const SCHEMA: &str = "authlens-report/1";

/// What goes into a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// How the capture is redacted first.
    pub redact: RedactOptions,
    /// Analysis settings.
    pub config: Config,
    /// Heading; default `authlens report`.
    pub title: Option<String>,
    /// Failing exchanges listed at most (the rest are counted).
    pub max_failures: usize,
    /// Flows shown at most.
    pub max_flows: usize,
    /// Steps per flow at most.
    pub max_flow_steps: usize,
    /// Include the first code snippet of the top fix in Markdown.
    pub snippets: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            redact: RedactOptions::default(),
            config: Config::default(),
            title: None,
            max_failures: 25,
            max_flows: 10,
            max_flow_steps: 12,
            snippets: true,
        }
    }
}

/// `log.creator` / `log.browser`, without the comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
}

/// Requests and failures of one origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginCount {
    /// `https://api.example.com`.
    pub origin: String,
    /// Requests to it.
    pub requests: usize,
    /// 401/403/407 answers from it.
    pub auth_failures: usize,
}

/// Where the capture comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Environment {
    /// The tool that wrote the HAR.
    pub creator: Option<Tool>,
    /// The browser it watched.
    pub browser: Option<Tool>,
    /// First `startedDateTime`, RFC 3339.
    pub first_request: Option<String>,
    /// Last `startedDateTime`, RFC 3339.
    pub last_request: Option<String>,
    /// The time between them in words.
    pub span: Option<String>,
    /// Exchanges in the capture.
    pub requests: usize,
    /// 401/403/407 responses.
    pub auth_failures: usize,
    /// Origins by number of requests (most first).
    pub origins: Vec<OriginCount>,
    /// Whether the file looks like a sanitized export (credentials removed by the browser).
    pub sanitized: bool,
    /// How to export with credentials, when it does.
    pub sanitization_advice: Option<String>,
    /// Why it looks (or does not look) sanitized.
    pub sanitization_evidence: Vec<Evidence>,
}

/// `(top finding id, count)` for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopCount {
    /// Finding id.
    pub id: &'static str,
    /// Failures it is the top finding of.
    pub count: usize,
}

/// The toolbar line and its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `3 auth failures: 2 × token-expired, 1 × cors-preflight-unauthorized`.
    pub line: String,
    /// Failures still failing.
    pub failures: usize,
    /// Failures a later flow recovered from.
    pub recovered: usize,
    /// Failures without a finding.
    pub unexplained: usize,
    /// Failures by top finding.
    pub by_top: Vec<TopCount>,
}

/// A finding in full, with its fixes rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingReport {
    /// Stable id.
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// Explanation.
    pub detail: String,
    /// Evidence (from the redacted capture).
    pub evidence: Vec<Evidence>,
    /// Spec references.
    pub refs: Vec<SpecRef>,
    /// Fixes, rendered for this exchange.
    pub fixes: Vec<Fix>,
}

/// A finding in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingBrief {
    /// Stable id.
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One line.
    pub title: String,
}

/// One failing exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureReport {
    /// HAR entry index.
    pub entry: usize,
    /// Request method.
    pub method: String,
    /// Redacted URL.
    pub url: String,
    /// Response status.
    pub status: u16,
    /// `startedDateTime`, RFC 3339.
    pub started: Option<String>,
    /// The credential scheme sent (`Bearer`, `cookie`, …), if any.
    pub scheme_sent: Option<String>,
    /// A later flow recovered from it (e.g. refreshed the token and retried).
    pub recovered: bool,
    /// The most likely cause.
    pub top: Option<FindingReport>,
    /// The other findings.
    pub others: Vec<FindingBrief>,
}

/// `(what, count)` of the redaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhatCount {
    /// What was removed.
    pub what: String,
    /// How many times.
    pub count: usize,
}

/// What the redaction removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedactionOverview {
    /// `12 secrets removed: …`.
    pub line: String,
    /// Secrets replaced by markers.
    pub secrets: usize,
    /// Counts by what (secrets and dropped data).
    pub counts: Vec<WhatCount>,
    /// Bodies left out.
    pub bodies_dropped: usize,
}

/// A report; render it with [`Report::to_markdown`] or serialize it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// Heading.
    pub title: String,
    /// Where the capture comes from.
    pub environment: Environment,
    /// The failure counts.
    pub summary: Summary,
    /// The failing exchanges, in capture order.
    pub failures: Vec<FailureReport>,
    /// Failing exchanges not listed (beyond [`ReportOptions::max_failures`]).
    pub failures_omitted: usize,
    /// Related exchanges as sequence lines.
    pub flows: Vec<Flow>,
    /// Flows not shown.
    pub flows_omitted: usize,
    /// What the redaction removed.
    pub redaction: RedactionOverview,
    /// Markdown options kept for rendering.
    #[serde(skip)]
    snippets: bool,
}

impl Report {
    /// The report as Markdown (GitHub-flavoured), every value from the redacted capture and
    /// escaped so that a hostile header cannot inject markup.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        // A tree of strings and numbers always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

const SANITIZED_ADVICE: &str = "Chrome removed Authorization, Cookie and Set-Cookie when this HAR was exported (its default \"sanitized\" export since Chrome 130), so the credentials the requests carried are not in the file and a missing credential may not be the cause. To export with them: DevTools → Settings (gear) → Preferences → Network → enable \"Allow to generate HAR with sensitive data\", then use \"Export HAR (with sensitive data)\" in the Network panel. Share the result only after redacting it (authlens har --redact OUT.har FILE.har).";

fn tool(s: Option<&Software>) -> Option<Tool> {
    s.map(|s| Tool {
        name: s.name.chars().take(80).collect(),
        version: s.version.chars().take(40).collect(),
    })
}

fn environment(doc: &HarDocument) -> Environment {
    let mut tally = Tally::default();
    for x in &doc.exchanges {
        tally.add(x);
    }
    tally.finish(doc)
}

/// The environment's counts, an exchange at a time.
#[derive(Debug, Default)]
struct Tally {
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    origins: Vec<OriginCount>,
    requests: usize,
    auth_failures: usize,
}

impl Tally {
    fn add(&mut self, x: &Exchange) {
        if let Some(t) = x.started_at {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        let origin = x.url().origin();
        let failure = usize::from(x.is_auth_failure());
        self.requests += 1;
        self.auth_failures += failure;
        if let Some(o) = self.origins.iter_mut().find(|o| o.origin == origin) {
            o.requests += 1;
            o.auth_failures += failure;
        } else if self.origins.len() < 64 {
            // Bounded: a hostile file with a million origins still makes a short report.
            self.origins.push(OriginCount {
                origin,
                requests: 1,
                auth_failures: failure,
            });
        }
    }

    fn finish(self, doc: &HarDocument) -> Environment {
        let Tally {
            first,
            last,
            mut origins,
            requests,
            auth_failures,
        } = self;
        origins.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.origin.cmp(&b.origin)));
        let s = har::sanitization(doc);
        Environment {
            creator: tool(doc.creator.as_ref()),
            browser: tool(doc.browser.as_ref()),
            first_request: first.map(Timestamp::to_rfc3339),
            last_request: last.map(Timestamp::to_rfc3339),
            span: match (first, last) {
                (Some(a), Some(b)) => Some(describe_duration(b.secs_since(a))),
                _ => None,
            },
            requests,
            auth_failures,
            origins,
            sanitized: s.likely_sanitized,
            sanitization_advice: s.likely_sanitized.then(|| SANITIZED_ADVICE.to_string()),
            sanitization_evidence: s.evidence,
        }
    }
}

fn finding_report(f: &Finding, x: Option<&Exchange>) -> FindingReport {
    let ctx = FixContext::for_finding(f, x);
    FindingReport {
        id: f.id,
        severity: f.severity,
        title: f.title.clone(),
        detail: f.detail.clone(),
        evidence: f.evidence.clone(),
        refs: f.refs.clone(),
        fixes: f
            .fixes
            .iter()
            .filter_map(|id| fixes::render(id, &ctx))
            .collect(),
    }
}

/// Whether an exchange belongs in the failure list: an auth failure, or an error cause.
fn is_listed(r: &ExchangeReport) -> bool {
    r.auth_failure || r.top().is_some_and(|t| t.severity == Severity::Error)
}

/// Whether a listed failure was handled by the app (a later flow finding resolved it).
fn is_recovered(r: &ExchangeReport) -> bool {
    r.auth_failure
        && r.top().is_some_and(|t| {
            t.severity == Severity::Info
                && diagnose::rule(t.id).is_some_and(|i| i.kind == diagnose::Kind::Context)
        })
}

/// The engine's toolbar summary, as serialized.
fn summary(s: &diagnose::Summary) -> Summary {
    Summary {
        line: s.line(),
        failures: s.failures,
        recovered: s.recovered,
        unexplained: s.unexplained,
        by_top: s
            .by_top
            .iter()
            .map(|(id, count)| TopCount { id, count: *count })
            .collect(),
    }
}

/// Builds the report of a HAR document: redacts it, analyses the redacted exchanges, and
/// collects environment, failures, flows and the redaction summary.
pub fn build(doc: &HarDocument, opts: &ReportOptions) -> Report {
    let redacted = redact::redact_document(doc, &opts.redact);
    // The HAR details matter: a browser network error explains some status-0 failures.
    let analysis = diagnose::analyze_har(&redacted.document, opts.config.clone());
    assemble(redacted, analysis, opts)
}

/// The last step of [`build`], for a caller that redacted (with `opts.redact`) and
/// analysed the redacted document (as [`diagnose::analyze_har`] with `opts.config`) a
/// slice at a time itself, e.g. with [`redact::DocumentRedaction`] and
/// [`diagnose::Collector`]. [`Assembly`] does it in steps.
pub fn assemble(redacted: Redacted, analysis: Analysis, opts: &ReportOptions) -> Report {
    let mut steps = Assembly::new(redacted, analysis, opts.clone());
    while steps.step() {}
    steps.finish()
}

/// [`assemble`] in steps (the environment's counts, then the flows' relating, a few
/// thousand exchanges at a time), for a caller that yields between them: on a 20k-entry capture a whole
/// pass takes tens of milliseconds in a browser.
#[derive(Debug)]
pub struct Assembly {
    redacted: Redacted,
    analysis: Analysis,
    opts: ReportOptions,
    tally: Tally,
    tallied: usize,
    environment: Option<Environment>,
    relating: Option<FlowBuilder>,
    flows: Option<(Vec<Flow>, usize)>,
}

/// Exchanges the environment counts, or the flows relate, per [`Assembly::step`].
const TALLY_STEP: usize = 2048;

impl Assembly {
    /// Starts assembling the report of `redacted`, analysed as `analysis`.
    pub fn new(redacted: Redacted, analysis: Analysis, opts: ReportOptions) -> Self {
        Self {
            redacted,
            analysis,
            opts,
            tally: Tally::default(),
            tallied: 0,
            environment: None,
            relating: None,
            flows: None,
        }
    }

    /// Runs the next step (a few thousand exchanges of the environment's counts or of the
    /// flows); returns whether another one is left before [`Assembly::finish`].
    pub fn step(&mut self) -> bool {
        let rdoc = &self.redacted.document;
        if self.environment.is_none() {
            let end = self.tallied.saturating_add(TALLY_STEP);
            for x in rdoc.exchanges.iter().take(end).skip(self.tallied) {
                self.tally.add(x);
            }
            self.tallied = end;
            if end >= rdoc.exchanges.len() {
                self.environment = Some(std::mem::take(&mut self.tally).finish(rdoc));
            }
        } else if self.flows.is_none() {
            let reports = &self.analysis.reports;
            match self.relating.take() {
                None => {
                    self.relating = Some(FlowBuilder::new(&rdoc.exchanges, reports));
                }
                Some(mut b) => {
                    if b.step(&rdoc.exchanges, reports, TALLY_STEP) {
                        self.relating = Some(b);
                    } else {
                        self.flows = Some(b.finish(
                            &rdoc.exchanges,
                            reports,
                            self.opts.max_flows,
                            self.opts.max_flow_steps,
                        ));
                    }
                }
            }
        }
        self.flows.is_none()
    }

    /// The report (running any pass not run yet).
    pub fn finish(mut self) -> Report {
        self.report()
    }

    /// [`Assembly::finish`] that keeps the inputs, for a caller that frees them a slice at
    /// a time afterwards ([`Assembly::into_inputs`]): tens of thousands of exchanges take
    /// longer to free than a slice may last. Call it once; a second call has no flows.
    pub fn report(&mut self) -> Report {
        while self.step() {}
        let (redacted, analysis, opts) = (&self.redacted, &self.analysis, &self.opts);
        let rdoc = &redacted.document;
        let listed: Vec<&ExchangeReport> =
            analysis.reports.iter().filter(|r| is_listed(r)).collect();
        let failures = listed
            .iter()
            .take(opts.max_failures)
            .map(|r| {
                let x = rdoc.exchanges.iter().find(|x| x.index == r.index);
                FailureReport {
                    entry: r.index,
                    method: r.method.clone(),
                    url: x.map_or_else(|| r.url.clone(), |x| x.request.url.clone()),
                    status: r.status,
                    started: x.and_then(|x| x.started_at).map(Timestamp::to_rfc3339),
                    scheme_sent: r.scheme_sent.clone(),
                    recovered: is_recovered(r),
                    top: r.top().map(|f| finding_report(f, x)),
                    others: r
                        .findings
                        .iter()
                        .skip(1)
                        .map(|f| FindingBrief {
                            id: f.id,
                            severity: f.severity,
                            title: f.title.clone(),
                        })
                        .collect(),
                }
            })
            .collect();
        let (flows, flows_omitted) = self.flows.take().unwrap_or_default();
        Report {
            schema: SCHEMA,
            title: opts
                .title
                .clone()
                .unwrap_or_else(|| "authlens report".to_string()),
            environment: self.environment.take().unwrap_or_else(|| environment(rdoc)),
            summary: summary(&analysis.summary),
            failures,
            failures_omitted: listed.len().saturating_sub(opts.max_failures),
            flows,
            flows_omitted,
            redaction: RedactionOverview {
                line: redacted.summary.line(),
                secrets: redacted.summary.secrets(),
                counts: redacted
                    .summary
                    .counts()
                    .into_iter()
                    .map(|(what, count)| WhatCount { what, count })
                    .collect(),
                bodies_dropped: redacted.summary.bodies_dropped,
            },
            snippets: opts.snippets,
        }
    }

    /// The redacted capture and its analysis the report was built from.
    pub fn into_inputs(self) -> (Redacted, Analysis) {
        (self.redacted, self.analysis)
    }
}

/// Builds the report of bare exchanges (the DevTools panel's live capture).
pub fn build_from_exchanges(exchanges: &[Exchange], opts: &ReportOptions) -> Report {
    let doc = HarDocument {
        exchanges: exchanges.to_vec(),
        ..HarDocument::default()
    };
    build(&doc, opts)
}

#[cfg(test)]
mod tests;
