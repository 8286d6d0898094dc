//! The diagnosis engine: from exchanges to ranked findings with evidence and fixes.
//!
//! One path for everything: the live panel and a bulk HAR import both feed an
//! [`Analyzer`] one [`Exchange`] at a time. Each [`Analyzer::push`] returns an [`Update`]:
//! the [`ExchangeReport`] for that exchange (findings ranked, the most likely cause first)
//! plus [`Revision`]s — flow findings that attach to earlier exchanges still in the window
//! (a 401 later recognised as part of a healthy refresh, a preflight tied to the request
//! it blocked), so a UI can update those rows.
//!
//! State is bounded ([`Config::window`] recent exchanges as secret-free records, at most
//! [`Config::max_origins`] per-origin histories) and each push costs O(1) amortized:
//! flow rules look back over the window, never over the history. The reference time is
//! the exchange's own (`startedDateTime`, else the response `Date`), never the machine's.
//!
//! Rules and their ids are listed in [`CATALOGUE`]; each lives in its own file under
//! `rules/` (per exchange) or `flow/` (across exchanges) with its spec reference.

mod body;
mod catalogue;
mod engine;
mod facts;
mod flow;
mod jar;
mod rank;
mod rules;
mod state;
mod summary;

use serde::Serialize;

use crate::exchange::Exchange;
use crate::finding::Finding;
use crate::fixes::{self, Fix, FixContext};
use crate::har::{EntryMeta, HarDocument};
use crate::time::Timestamp;

pub use catalogue::{priority, rule, suppressed_by, Kind, RuleInfo, CATALOGUE, SUPPRESSES};
pub use engine::Analyzer;
pub use facts::is_preflight;
pub use summary::Summary;

/// Analysis settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Config {
    /// Tolerance for `exp`/`nbf`/`iat` checks, in seconds (RFC 7519 §4.1.4 allows "some
    /// small leeway").
    pub leeway_secs: i64,
    /// Exchanges kept for flow rules.
    pub window: usize,
    /// Origins tracked for the spike rule (least recently used evicted).
    pub max_origins: usize,
    /// Cookies remembered from `Set-Cookie` for `cookie-not-sent`.
    pub max_cookies: usize,
    /// A response `Date` further than this from the request start is clock skew.
    pub skew_threshold_secs: i64,
    /// How far back in time flow rules relate exchanges (refresh, retry, loop).
    pub flow_span_secs: i64,
    /// The capture had its credentials removed at export (Chrome's sanitized HAR drops
    /// `Authorization` and `Cookie`): the absence of credentials is then no evidence, so
    /// `missing-credentials` and `cookie-not-sent` stay silent. [`analyze_har`] sets it
    /// from [`crate::har::sanitization`].
    pub credentials_removed_at_export: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            leeway_secs: 60,
            window: 256,
            max_origins: 64,
            max_cookies: 128,
            skew_threshold_secs: 60,
            flow_span_secs: 120,
            credentials_removed_at_export: false,
        }
    }
}

/// The findings for one exchange.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeReport {
    /// The exchange index (HAR entry index, or arrival order in the panel).
    pub index: usize,
    /// Request method.
    pub method: String,
    /// Request URL with credential query values masked.
    pub url: String,
    /// Response status (0: no response).
    pub status: u16,
    /// 401, 403 or 407.
    pub auth_failure: bool,
    /// The credential scheme sent: the `Authorization` scheme (`Bearer`, `Basic`, …),
    /// else `cookie`, `api-key` or `query`; `None` when nothing was sent.
    pub scheme_sent: Option<String>,
    /// The reference instant the rules used.
    pub at: Option<Timestamp>,
    /// Findings, ranked: the most likely cause first.
    pub findings: Vec<Finding>,
}

impl ExchangeReport {
    /// The most likely cause (or the most important context), if any.
    pub fn top(&self) -> Option<&Finding> {
        self.findings.first()
    }

    /// Whether a finding with `id` is present.
    pub fn has(&self, id: &str) -> bool {
        self.findings.iter().any(|f| f.id == id)
    }

    /// Applies a revision addressed to this exchange (others are ignored) and re-ranks.
    pub fn apply(&mut self, revision: &Revision) {
        if revision.index != self.index {
            return;
        }
        if revision.resolves {
            // The app recovered: its causes are folded into the revision's finding; risks stay.
            self.findings.retain(|f| {
                f.severity == crate::finding::Severity::Info
                    || catalogue::rule(f.id).is_some_and(|r| r.kind != Kind::Cause)
            });
        }
        self.findings.push(revision.finding.clone());
        rank::finalize(&mut self.findings, self.index);
    }

    /// Renders every fix of every finding for this report's exchange (`exchange` must be
    /// the one the report is about); secrets masked unless `reveal`.
    pub fn render_fixes(&self, exchange: &Exchange, reveal: bool) -> Vec<(&'static str, Vec<Fix>)> {
        self.findings
            .iter()
            .map(|f| {
                let ctx = FixContext::for_finding(f, Some(exchange)).with_reveal(reveal);
                let rendered = f
                    .fixes
                    .iter()
                    .filter_map(|id| fixes::render(id, &ctx))
                    .collect();
                (f.id, rendered)
            })
            .collect()
    }
}

/// A flow finding for an earlier exchange still in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    /// The earlier exchange's index.
    pub index: usize,
    /// The finding to add to it.
    pub finding: Finding,
    /// The earlier failure was handled by the app (e.g. refreshed and retried): its cause
    /// findings are folded into `finding` and it no longer counts as a failure.
    pub resolves: bool,
}

/// What one push produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Update {
    /// The pushed exchange's report.
    pub report: ExchangeReport,
    /// Findings for earlier exchanges.
    pub revisions: Vec<Revision>,
}

/// A whole capture analysed: every report with its revisions applied, and the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// One report per exchange, in input order.
    pub reports: Vec<ExchangeReport>,
    /// The toolbar summary over the whole capture.
    pub summary: Summary,
}

/// Analyses a whole capture (the CLI's `authlens har`, reports): one report per exchange,
/// in order, with every revision applied, plus the summary.
pub fn analyze<I>(exchanges: I, config: Config) -> Analysis
where
    I: IntoIterator<Item = Exchange>,
{
    let mut c = Collector::new(config);
    for e in exchanges {
        c.push(&e, None);
    }
    c.finish()
}

/// Like [`analyze`] for a parsed HAR file, using each entry's metadata (the browser's
/// network errors, such as Chrome's status-0 `net::ERR_UNEXPECTED_PROXY_AUTH`) too.
pub fn analyze_har(doc: &HarDocument, config: Config) -> Analysis {
    let mut c = Collector::for_har(doc, config);
    for e in &doc.exchanges {
        c.push(e, doc.meta_for(e.index));
    }
    c.finish()
}

/// [`analyze`] / [`analyze_har`] an exchange at a time, for a caller that must yield
/// between slices of a big capture (the panel's report export): the same reports, with
/// every revision applied to the report it revises.
#[derive(Debug)]
pub struct Collector {
    analyzer: Analyzer,
    reports: Vec<ExchangeReport>,
    // Indexes are usually 0..n in order; a map keeps revisions right when they are not.
    position: std::collections::HashMap<usize, usize>,
}

impl Collector {
    /// A collector analysing with `config`.
    pub fn new(config: Config) -> Self {
        Self {
            analyzer: Analyzer::new(config),
            reports: Vec::new(),
            position: std::collections::HashMap::new(),
        }
    }

    /// A collector for the exchanges of `doc`, configured as [`analyze_har`] does: a
    /// sanitized export's missing credentials are not reported as missing.
    pub fn for_har(doc: &HarDocument, mut config: Config) -> Self {
        config.credentials_removed_at_export |= crate::har::sanitization(doc).likely_sanitized;
        Self::new(config)
    }

    /// Analyses the next exchange.
    pub fn push(&mut self, ex: &Exchange, meta: Option<&EntryMeta>) {
        let update = self.analyzer.push_entry(ex, meta);
        for rev in &update.revisions {
            if let Some(r) = self
                .position
                .get(&rev.index)
                .and_then(|&p| self.reports.get_mut(p))
            {
                r.apply(rev);
            }
        }
        self.position
            .insert(update.report.index, self.reports.len());
        self.reports.push(update.report);
    }

    /// Exchanges analysed so far.
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// Whether nothing was analysed yet.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Every report, and the summary.
    pub fn finish(self) -> Analysis {
        Analysis {
            summary: self.analyzer.summary().clone(),
            reports: self.reports,
        }
    }
}

/// [`analyze`] without the summary.
pub fn analyze_exchanges<I>(exchanges: I, config: Config) -> Vec<ExchangeReport>
where
    I: IntoIterator<Item = Exchange>,
{
    analyze(exchanges, config).reports
}
