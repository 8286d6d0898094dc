//! The request-list filter: DevTools-like syntax, parsed once per keystroke, matched per row.
//!
//! `status:401 domain:api -method:options scheme:bearer rule:token-expired free text`
//!
//! - Whitespace separates terms; all terms must match (AND).
//! - A leading `-` negates a term.
//! - `key:value` with a known key is a field match; anything else is free text,
//!   matched case-insensitively against the URL (without its query, which may hold
//!   tokens the list never shows), the method, the status and the top finding.
//! - `"double quotes"` keep spaces inside one term.
//!
//! Parsing never fails and is linear in the input.

use crate::finding::Finding;

/// One filter term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Whether the term was written with a leading `-`.
    pub negated: bool,
    /// What it matches.
    pub kind: TermKind,
}

/// What a [`Term`] compares against. Values are stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermKind {
    /// Free text anywhere in the row's searchable text.
    Text(String),
    /// `status:` — a prefix of the status code, so `status:4` matches every 4xx.
    Status(String),
    /// `domain:` — a substring of the host; `*.example.com` matches subdomains only.
    Domain(String),
    /// `method:` — the method, exactly.
    Method(String),
    /// `scheme:` — the authentication scheme sent (`bearer`, `basic`, `cookie`…), exactly.
    Scheme(String),
    /// `rule:` — a finding id present on the row, exactly.
    Rule(String),
    /// `type:` — the resource type (`fetch`, `xhr`, `document`, `preflight`…), exactly.
    Type(String),
}

/// What the filter can see of one row.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowFacts<'a> {
    /// The URL without query or fragment.
    pub url: &'a str,
    /// The host.
    pub host: &'a str,
    /// The method.
    pub method: &'a str,
    /// The status code (0 when none).
    pub status: u16,
    /// The authentication scheme sent, lowercase.
    pub scheme: Option<&'a str>,
    /// The row's findings, ranked.
    pub findings: &'a [Finding],
    /// The resource type, lowercase.
    pub resource_type: &'a str,
}

/// A parsed filter. The empty query matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Terms, all of which must match.
    pub terms: Vec<Term>,
}

/// Splits on ASCII whitespace, honouring double quotes (which are dropped).
fn tokens(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in input.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The field a `key:` selects.
fn field(key: &str) -> Option<fn(String) -> TermKind> {
    Some(match key {
        "status" | "status-code" => TermKind::Status,
        "domain" | "host" => TermKind::Domain,
        "method" => TermKind::Method,
        "scheme" => TermKind::Scheme,
        "rule" => TermKind::Rule,
        "type" | "resource-type" => TermKind::Type,
        _ => return None,
    })
}

impl Query {
    /// Parses `input`; never fails (unknown keys are free text).
    pub fn parse(input: &str) -> Self {
        let terms = tokens(input)
            .into_iter()
            .filter_map(|token| {
                let (negated, body) = match token.strip_prefix('-') {
                    Some(rest) if !rest.is_empty() => (true, rest),
                    _ => (false, token.as_str()),
                };
                let lower = body.to_lowercase();
                let kind = match lower.split_once(':') {
                    Some((key, value)) => match (field(key), value.is_empty()) {
                        // `status:` alone is a term being typed: it filters nothing yet.
                        (Some(_), true) => return None,
                        (Some(make), false) => make(value.to_owned()),
                        (None, _) => TermKind::Text(lower.clone()),
                    },
                    None => TermKind::Text(lower.clone()),
                };
                Some(Term { negated, kind })
            })
            .collect();
        Self { terms }
    }

    /// Whether there is nothing to filter on.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether a row passes every term.
    pub fn matches(&self, row: &RowFacts<'_>) -> bool {
        self.terms.iter().all(|t| t.matches(row) != t.negated)
    }
}

fn contains_ignore_case(haystack: &str, needle_lower: &str) -> bool {
    haystack.to_lowercase().contains(needle_lower)
}

impl Term {
    /// Whether the (un-negated) term matches the row.
    fn matches(&self, row: &RowFacts<'_>) -> bool {
        match &self.kind {
            TermKind::Text(t) => {
                contains_ignore_case(row.url, t)
                    || row.method.eq_ignore_ascii_case(t)
                    || row.status.to_string() == *t
                    || row
                        .findings
                        .first()
                        .is_some_and(|f| contains_ignore_case(&f.title, t))
            }
            TermKind::Status(s) => row.status.to_string().starts_with(s.as_str()),
            TermKind::Domain(d) => match d.strip_prefix("*.") {
                Some(suffix) => {
                    let host = row.host.to_lowercase();
                    host.len() > suffix.len() && host.ends_with(&format!(".{suffix}"))
                }
                None => contains_ignore_case(row.host, d),
            },
            TermKind::Method(m) => row.method.eq_ignore_ascii_case(m),
            TermKind::Scheme(s) => row.scheme.is_some_and(|x| x.eq_ignore_ascii_case(s)),
            TermKind::Rule(r) => row.findings.iter().any(|f| f.id.eq_ignore_ascii_case(r)),
            TermKind::Type(t) => row.resource_type.eq_ignore_ascii_case(t),
        }
    }
}
