//! The incremental analyzer behind [`super::Analyzer`].

use crate::exchange::Exchange;
use crate::finding::{Finding, Severity};
use crate::har::EntryMeta;
use crate::secret;

use super::catalogue::{self, Kind};
use super::facts::{CredentialCache, Facts, API_KEY_HEADERS, URL_CREDENTIALS};
use super::jar::Jar;
use super::state::{Origins, Record, Window};
use super::summary::Summary;
use super::{flow, rank, rules, Config, ExchangeReport, Revision, Update};

/// Everything a rule may read besides the exchange itself.
pub struct Ctx<'a> {
    /// Settings.
    pub config: &'a Config,
    /// Recent exchanges (the pushed one not yet included).
    pub window: &'a Window,
    /// Cookies set earlier in the log.
    pub jar: &'a Jar,
}

/// Incremental, bounded analysis of a stream of exchanges. See [`super`].
#[derive(Debug, Clone)]
pub struct Analyzer {
    config: Config,
    window: Window,
    origins: Origins,
    jar: Jar,
    verdicts: CredentialCache,
    summary: Summary,
    seq: u64,
}

fn counts_as_failure(f: &Facts<'_>, top: Option<&Finding>) -> bool {
    f.failure
        || top.is_some_and(|t| {
            t.severity <= Severity::Warning
                && catalogue::rule(t.id).is_some_and(|r| r.kind == Kind::Cause)
        })
}

fn scheme_sent(f: &Facts<'_>) -> Option<String> {
    if let Some(s) = f.scheme() {
        let s: String = s.chars().take(32).collect();
        return Some(if s.is_empty() {
            "(none)".to_string()
        } else {
            s
        });
    }
    if f.req("cookie").is_some_and(|c| !c.trim().is_empty()) {
        return Some("cookie".into());
    }
    if API_KEY_HEADERS.iter().any(|h| f.req(h).is_some()) {
        return Some("api-key".into());
    }
    f.url_credential().map(|_| "query".into())
}

/// The URL with credential query values masked, for display.
fn display_url(url: &str) -> String {
    let head = url.split('#').next().unwrap_or(url);
    match head.split_once('?') {
        Some((path, query)) => {
            let q: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, v)) if URL_CREDENTIALS.iter().any(|n| n.eq_ignore_ascii_case(k)) => {
                        format!("{k}={}", secret::mask(v))
                    }
                    _ => p.to_string(),
                })
                .collect();
            format!("{path}?{}", q.join("&"))
        }
        None => head.to_string(),
    }
}

impl Analyzer {
    /// A fresh analyzer.
    pub fn new(config: Config) -> Self {
        Self {
            window: Window::new(config.window),
            origins: Origins::new(config.max_origins),
            jar: Jar::new(config.max_cookies),
            verdicts: CredentialCache::default(),
            config,
            summary: Summary::default(),
            seq: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Analyses the next exchange.
    pub fn push(&mut self, ex: Exchange) -> Update {
        self.push_ref(&ex)
    }

    /// Analyses the next exchange without taking it (nothing of it is kept but hashes and,
    /// in the bounded credential cache, the masked decodings of its `Authorization` and
    /// `Cookie` values: never a token itself).
    pub fn push_ref(&mut self, ex: &Exchange) -> Update {
        self.push_entry(ex, None)
    }

    /// Analyses the next exchange with its HAR entry's metadata ([`crate::har::parse_entry`]
    /// gives both): the browser's network error (`_error`) of a request that got no
    /// response explains some failures, e.g. Chrome's `net::ERR_UNEXPECTED_PROXY_AUTH`.
    pub fn push_entry(&mut self, ex: &Exchange, meta: Option<&EntryMeta>) -> Update {
        self.seq = self.seq.wrapping_add(1);
        let net_error = meta.and_then(|m| m.error.as_deref());
        let f = Facts::with_cache(ex, self.config.leeway_secs, &mut self.verdicts, net_error);
        let mut findings: Vec<Finding> = Vec::new();
        {
            let cx = Ctx {
                config: &self.config,
                window: &self.window,
                jar: &self.jar,
            };
            rules::run(&f, &cx, &mut findings);
        }
        let mut record = Record::new(&f);
        let mut revisions: Vec<Revision> = Vec::new();
        flow::run(
            &f,
            &mut record,
            &mut flow::FlowState {
                config: &self.config,
                window: &mut self.window,
                origins: &mut self.origins,
                seq: self.seq,
            },
            &mut findings,
            &mut revisions,
        );
        rank::finalize(&mut findings, ex.index);

        let top = findings.first();
        record.top = top.map(|t| (t.id, t.severity));
        record.counted = counts_as_failure(&f, top);
        if record.counted {
            self.summary.add(top.map(|t| t.id));
        }
        self.summary.exchanges += 1;
        for rev in &revisions {
            self.revise(rev);
        }
        self.window.push(record);
        self.jar.observe(&f);

        Update {
            report: ExchangeReport {
                index: ex.index,
                method: ex.request.method.chars().take(32).collect(),
                url: display_url(&ex.request.url),
                status: f.status,
                auth_failure: f.failure,
                scheme_sent: scheme_sent(&f),
                at: f.at,
                findings,
            },
            revisions,
        }
    }

    /// Keeps the summary and the window's tops in step with a revision.
    fn revise(&mut self, rev: &Revision) {
        let Some(r) = self.window.get_mut(rev.index) else {
            return;
        };
        let new = (rev.finding.id, rev.finding.severity);
        if rev.resolves {
            if r.counted && !r.resolved {
                self.summary.remove(r.top.map(|t| t.0));
                self.summary.recovered += 1;
            }
            r.resolved = true;
            r.top = Some(new);
            return;
        }
        if r.resolved {
            return;
        }
        let better = r.top.is_none_or(|old| {
            rank::outranks(new, old) || catalogue::suppressed_by(new.0).contains(&old.0)
        });
        if !better {
            return;
        }
        let is_cause = rev.finding.severity <= Severity::Warning
            && catalogue::rule(new.0).is_some_and(|i| i.kind == Kind::Cause);
        if r.counted {
            self.summary.remove(r.top.map(|t| t.0));
            self.summary.add(Some(new.0));
        } else if is_cause {
            r.counted = true;
            self.summary.add(Some(new.0));
        }
        r.top = Some(new);
    }

    /// Failure counts for the toolbar.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The toolbar line, e.g. `3 auth failures: 2 × token-expired, 1 × cors-preflight-unauthorized`.
    pub fn summary_line(&self) -> String {
        self.summary.line()
    }

    /// How many items the analyzer retains (window records + origin histories + remembered
    /// cookies + cached credential decodings); never more than [`Analyzer::retained_bound`].
    pub fn retained(&self) -> usize {
        self.window.len() + self.origins.len() + self.jar.len() + self.verdicts.len()
    }

    /// The most [`Analyzer::retained`] can be, from the [`Config`].
    pub fn retained_bound(&self) -> usize {
        self.window.capacity()
            + self.config.max_origins.max(1)
            + self.config.max_cookies.max(1)
            + 2 * CredentialCache::CAPACITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_url_masks_credentials_only() {
        assert_eq!(
            display_url("https://x/cb?access_token=abcdefghijklmnopqrstu&state=1#frag"),
            "https://x/cb?access_token=abcd…[21 chars]&state=1"
        );
        assert_eq!(display_url("https://x/a?b=c"), "https://x/a?b=c");
    }
}
