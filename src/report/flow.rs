//! Related exchanges as text sequence diagrams: redirect chains, a preflight and its request,
//! 401 → token refresh → retry, and whatever flow findings tie together.
//!
//! Relating is bounded: each exchange looks at most [`LOOKAHEAD`] entries ahead, so the cost
//! is linear in the capture.

use std::collections::HashMap;

use serde::Serialize;

use crate::challenge;
use crate::diagnose::ExchangeReport;
use crate::exchange::{Exchange, UrlParts};

/// How far ahead a redirect target, a preflighted request or a retry is looked for.
pub const LOOKAHEAD: usize = 20;
/// Longest path shown on a line.
const MAX_PATH: usize = 60;
/// Longest host shown on a line.
const MAX_HOST: usize = 40;

/// One step of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowStep {
    /// HAR entry index.
    pub entry: usize,
    /// Host the request went to.
    pub host: String,
    /// Request method.
    pub method: String,
    /// Path and (redacted) query, cut.
    pub path: String,
    /// Response status (0: no response).
    pub status: u16,
    /// What came back: the OAuth error, the redirect target, the top finding.
    pub note: String,
}

/// A group of related exchanges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    /// `redirect`, `preflight`, `refresh` or `related` (tied by a flow finding).
    pub kind: &'static str,
    /// The steps in capture order.
    pub steps: Vec<FlowStep>,
    /// The steps as aligned text lines: `#3  browser → api.example.com  GET /v1/me  ← 401 …`.
    pub lines: Vec<String>,
}

#[derive(Debug)]
struct Groups {
    parent: Vec<usize>,
    kinds: HashMap<usize, &'static str>,
}

impl Groups {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            kinds: HashMap::new(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        // Iterative with path halving: no recursion on hostile input.
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            let gp = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = gp;
            }
            i = gp;
        }
        i
    }

    fn union(&mut self, a: usize, b: usize, kind: &'static str) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (ka, kb) = (self.kinds.remove(&ra), self.kinds.remove(&rb));
        // The first specific kind (redirect, preflight, refresh) wins over `related`.
        let k = [ka, kb, Some(kind)]
            .into_iter()
            .flatten()
            .find(|k| *k != "related")
            .unwrap_or("related");
        if ra != rb {
            if let Some(slot) = self.parent.get_mut(rb) {
                *slot = ra;
            }
        }
        self.kinds.insert(ra, k);
    }
}

/// Lowercase URL without fragment, for matching a request to a redirect target.
fn url_key(url: &str) -> String {
    url.split('#')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Origin and path, lowercase, query and fragment dropped.
fn path_key(url: &str) -> String {
    let u = UrlParts::parse(url);
    format!("{}{}", u.origin(), u.path.to_ascii_lowercase())
}

/// Resolves a `Location` against the request URL (RFC 3986 §5.2, the common forms).
fn resolve(base: &str, location: &str) -> String {
    let loc = location.trim();
    if loc.contains("://") {
        return loc.to_string();
    }
    let b = UrlParts::parse(base);
    if let Some(rest) = loc.strip_prefix("//") {
        return format!("{}://{rest}", b.scheme.to_ascii_lowercase());
    }
    let origin = b.origin();
    if loc.starts_with('/') {
        return format!("{origin}{loc}");
    }
    if loc.starts_with('?') {
        return format!("{origin}{}{loc}", b.path);
    }
    let dir = b.path.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{origin}{dir}/{loc}")
}

fn is_preflight(x: &Exchange) -> bool {
    x.resource_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("preflight"))
        || (x.request.method.eq_ignore_ascii_case("OPTIONS")
            && x.request.headers.contains("access-control-request-method"))
}

fn is_token_request(x: &Exchange) -> bool {
    x.request.posts_to_token_path()
}

fn redirect_target(x: &Exchange) -> Option<String> {
    if !(300..400).contains(&x.response.status) {
        return None;
    }
    let loc = x
        .response
        .redirect_url
        .as_deref()
        .filter(|l| !l.is_empty())
        .or_else(|| x.response.headers.get("location"))?;
    Some(resolve(&x.request.url, loc))
}

fn cut(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() || c == '`' { ' ' } else { c })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

/// The OAuth `error` of a small JSON error body (RFC 6749 §5.2), e.g. `invalid_grant`.
fn body_error(x: &Exchange) -> Option<String> {
    let body = x.response.body.as_ref()?;
    if x.response.status < 400 || body.text.len() > 64 * 1024 || body.encoding.is_some() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&body.text).ok()?;
    v.get("error")?.as_str().map(|e| cut(e, 40))
}

fn step(x: &Exchange, report: Option<&ExchangeReport>, seen: &mut Vec<&'static str>) -> FlowStep {
    let url = x.url();
    let path = match url.query {
        Some(q) => format!("{}?{q}", url.path),
        None => url.path.to_string(),
    };
    let mut note: Vec<String> = Vec::new();
    let www: Vec<&str> = x.response.headers.get_all("www-authenticate").collect();
    if !www.is_empty() {
        let parsed = challenge::parse_challenges(&www);
        if let Some(e) = parsed
            .challenges
            .iter()
            .find_map(|c| c.param_value("error"))
        {
            note.push(cut(e, 40));
        }
    } else if let Some(e) = body_error(x) {
        note.push(e);
    }
    if let Some(t) = redirect_target(x) {
        let u = UrlParts::parse(&t);
        let same_host = u.host.eq_ignore_ascii_case(url.host);
        note.push(if same_host {
            format!("→ {}", cut(u.path, 40))
        } else {
            format!("→ {}{}", cut(u.host, MAX_HOST), cut(u.path, 40))
        });
    }
    if let Some(top) = report.and_then(ExchangeReport::top) {
        // A finding shared by several steps is spelled out once.
        if seen.contains(&top.id) {
            note.push(top.id.to_string());
        } else {
            seen.push(top.id);
            note.push(format!("{}: {}", top.id, cut(&top.title, 80)));
        }
    }
    FlowStep {
        entry: x.index,
        host: cut(url.host, MAX_HOST),
        method: cut(&x.request.method, 10),
        path: cut(&path, MAX_PATH),
        status: x.response.status,
        note: note.join(" · "),
    }
}

fn lines(steps: &[FlowStep]) -> Vec<String> {
    let host_w = steps
        .iter()
        .map(|s| s.host.chars().count())
        .max()
        .unwrap_or(0);
    let req_w = steps
        .iter()
        .map(|s| s.method.chars().count() + 1 + s.path.chars().count())
        .max()
        .unwrap_or(0);
    steps
        .iter()
        .map(|s| {
            let req = format!("{} {}", s.method, s.path);
            let status = if s.status == 0 {
                "(no response)".to_string()
            } else {
                s.status.to_string()
            };
            let line = format!(
                "#{:<4} browser → {:<host_w$}  {:<req_w$}  ← {status} {}",
                s.entry, s.host, req, s.note
            );
            line.trim_end().to_string()
        })
        .collect()
}

/// The flows of a capture: groups of two or more related exchanges that include a failure
/// or a finding, in capture order. Built in steps of a bounded number of exchanges, for a
/// caller that yields between them (a 20k-entry capture takes tens of milliseconds in a
/// browser); `reports` are matched to `exchanges` by index. The builder keeps
/// positions, not references, so its owner may hold the capture alongside it; every call
/// must pass the same `exchanges` and `reports`.
#[derive(Debug)]
pub struct FlowBuilder {
    /// Position in `exchanges` of each entry index.
    pos: HashMap<usize, usize>,
    /// Position in `reports` of each entry index.
    report_pos: HashMap<usize, usize>,
    groups: Groups,
    /// Reports linked so far (by their findings' entries), then exchanges scanned.
    linked: usize,
    scanned: usize,
}

impl FlowBuilder {
    /// Indexes the capture (one pass over both lists).
    pub fn new(exchanges: &[Exchange], reports: &[ExchangeReport]) -> Self {
        Self {
            pos: exchanges
                .iter()
                .enumerate()
                .map(|(p, x)| (x.index, p))
                .collect(),
            report_pos: reports
                .iter()
                .enumerate()
                .map(|(p, r)| (r.index, p))
                .collect(),
            groups: Groups::new(exchanges.len()),
            linked: 0,
            scanned: 0,
        }
    }

    /// Relates up to `budget` more reports or exchanges; returns whether any are left.
    pub fn step(
        &mut self,
        exchanges: &[Exchange],
        reports: &[ExchangeReport],
        budget: usize,
    ) -> bool {
        let g = &mut self.groups;
        let pos = &self.pos;
        if self.linked < reports.len() {
            let end = self.linked.saturating_add(budget).min(reports.len());
            for r in reports.get(self.linked..end).unwrap_or_default() {
                let Some(&a) = pos.get(&r.index) else {
                    continue;
                };
                for f in r.findings.iter().filter(|f| f.entries.len() > 1) {
                    for e in f.entries.iter().take(32) {
                        if let Some(&b) = pos.get(e) {
                            g.union(a, b, "related");
                        }
                    }
                }
            }
            self.linked = end;
            return true;
        }
        let end = self.scanned.saturating_add(budget).min(exchanges.len());
        for (i, x) in exchanges.iter().enumerate().take(end).skip(self.scanned) {
            relate(exchanges, i, x, g);
        }
        self.scanned = end;
        end < exchanges.len()
    }

    /// The flows, at most `max_flows` of at most `max_steps` steps, and how many flows
    /// were left out (relating whatever was not stepped through yet).
    pub fn finish(
        mut self,
        exchanges: &[Exchange],
        reports: &[ExchangeReport],
        max_flows: usize,
        max_steps: usize,
    ) -> (Vec<Flow>, usize) {
        while self.step(exchanges, reports, usize::MAX) {}
        let n = exchanges.len();
        let mut g = self.groups;
        let report_of = |index: usize| self.report_pos.get(&index).and_then(|&p| reports.get(p));
        // Most exchanges are alone: count group sizes first, then collect only real
        // groups (a map of 20k one-element vectors costs more than the whole scan).
        let roots: Vec<usize> = (0..n).map(|i| g.find(i)).collect();
        let mut sizes = vec![0u32; n];
        for &r in &roots {
            if let Some(s) = sizes.get_mut(r) {
                *s += 1;
            }
        }
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, &root) in roots.iter().enumerate() {
            if sizes.get(root).is_some_and(|&s| s > 1) {
                members.entry(root).or_default().push(i);
            }
        }
        let interesting = |p: usize| {
            exchanges.get(p).is_some_and(|x| {
                x.is_auth_failure() || report_of(x.index).is_some_and(|r| !r.findings.is_empty())
            })
        };
        let mut groups: Vec<(usize, Vec<usize>)> = members
            .into_iter()
            .filter(|(_, m)| m.len() > 1 && m.iter().any(|&p| interesting(p)))
            .collect();
        groups.sort_by_key(|(_, m)| m.first().copied().unwrap_or(0));
        let total = groups.len();
        let out = groups
            .into_iter()
            .take(max_flows)
            .map(|(root, m)| {
                let mut seen = Vec::new();
                let steps: Vec<FlowStep> = m
                    .iter()
                    .take(max_steps)
                    .filter_map(|&p| exchanges.get(p))
                    .map(|x| step(x, report_of(x.index), &mut seen))
                    .collect();
                let mut lines = lines(&steps);
                if m.len() > max_steps {
                    lines.push(format!("… {} more", m.len() - max_steps));
                }
                Flow {
                    kind: g.kinds.get(&root).copied().unwrap_or("related"),
                    steps,
                    lines,
                }
            })
            .collect();
        (out, total.saturating_sub(max_flows))
    }
}

/// Relates exchange `i` to what follows it within [`LOOKAHEAD`]: its redirect's target,
/// the request its preflight cleared, the refresh and retry after its 401.
fn relate(exchanges: &[Exchange], i: usize, x: &Exchange, g: &mut Groups) {
    let ahead = || exchanges.iter().enumerate().skip(i + 1).take(LOOKAHEAD);
    if let Some(target) = redirect_target(x) {
        let key = url_key(&target);
        if let Some((j, _)) = ahead().find(|(_, y)| url_key(&y.request.url) == key) {
            g.union(i, j, "redirect");
        }
    }
    if is_preflight(x) {
        let method = x
            .request
            .headers
            .get("access-control-request-method")
            .unwrap_or("")
            .trim()
            .to_string();
        let key = url_key(&x.request.url);
        let same_path = path_key(&x.request.url);
        let candidate = |y: &Exchange| {
            !is_preflight(y)
                && (method.is_empty() || y.request.method.eq_ignore_ascii_case(&method))
        };
        // The exact URL first; some exporters drop the query from the preflight.
        let found = ahead()
            .find(|(_, y)| candidate(y) && url_key(&y.request.url) == key)
            .or_else(|| {
                ahead().find(|(_, y)| candidate(y) && path_key(&y.request.url) == same_path)
            });
        if let Some((j, _)) = found {
            g.union(i, j, "preflight");
        }
    }
    if x.response.status == 401 && !is_token_request(x) {
        let key = url_key(&x.request.url);
        if let Some((t, _)) = ahead().find(|(_, y)| is_token_request(y)) {
            let retry = exchanges
                .iter()
                .enumerate()
                .skip(t + 1)
                .take(LOOKAHEAD)
                .find(|(_, y)| {
                    url_key(&y.request.url) == key
                        && y.request.method.eq_ignore_ascii_case(&x.request.method)
                });
            if let Some((r, _)) = retry {
                g.union(i, t, "refresh");
                g.union(i, r, "refresh");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_table() {
        let base = "https://api.example.com/v1/me?x=1";
        let cases = [
            ("https://o.example/a", "https://o.example/a"),
            ("//cdn.example/b", "https://cdn.example/b"),
            ("/login?next=%2F", "https://api.example.com/login?next=%2F"),
            ("other", "https://api.example.com/v1/other"),
            ("?p=2", "https://api.example.com/v1/me?p=2"),
        ];
        for (loc, want) in cases {
            assert_eq!(resolve(base, loc), want, "{loc}");
        }
    }

    #[test]
    fn union_find_keeps_the_specific_kind() {
        let mut g = Groups::new(4);
        g.union(0, 1, "related");
        g.union(1, 2, "refresh");
        g.union(3, 2, "related");
        let root = g.find(3);
        assert_eq!(g.find(0), root);
        assert_eq!(g.kinds.get(&root), Some(&"refresh"));
    }
}
