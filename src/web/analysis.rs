//! The one incremental analysis path shared by live capture and bulk HAR import: each
//! exchange is summarised once, when it arrives, into what the list and the filter need.

use crate::exchange::Exchange;
use crate::finding::Severity;

/// The most important finding on a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopFinding {
    /// Rule id, e.g. `token-expired`.
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One line.
    pub title: String,
}

/// What the list shows and filters on for one exchange.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The authentication scheme the request carried, lowercase (`bearer`, `basic`,
    /// `cookie`…).
    pub scheme: Option<String>,
    /// Ids of every finding on the exchange.
    pub rules: Vec<&'static str>,
    /// The first-ranked finding.
    pub top: Option<TopFinding>,
}

/// The scheme token of an `Authorization`-style value (RFC 9110 §11.4: the credentials
/// start with the auth-scheme token), lowercase.
fn scheme_of(value: &str) -> Option<String> {
    let token = value.split_ascii_whitespace().next()?;
    Some(token.to_ascii_lowercase())
}

/// Summarises one exchange.
pub fn summarize(exchange: &Exchange) -> Summary {
    let headers = &exchange.request.headers;
    let scheme = headers
        .get("authorization")
        .or_else(|| headers.get("proxy-authorization"))
        .and_then(scheme_of)
        .or_else(|| headers.contains("cookie").then(|| "cookie".to_owned()));
    Summary {
        scheme,
        rules: Vec::new(),
        top: None,
    }
}
