//! `cors-preflight-unauthorized`: the OPTIONS preflight was answered 401/403.
//!
//! The [Fetch standard's CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch)
//! sends OPTIONS without credentials and requires an ok status (2xx); anything else fails
//! the real request before it is sent.

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, Facts};

/// Raised on a preflight answered 401 or 403.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.preflight || !(f.status == 401 || f.status == 403) {
        return;
    }
    let method = f.req("access-control-request-method").unwrap_or("?");
    let detail = format!(
        "The browser's preflight OPTIONS {}{} (asking to send {} from {}) got {}. Preflights never carry credentials, so authenticating OPTIONS always fails: the real request was never sent and the console shows a CORS error. Let OPTIONS through before the authentication layer and answer it with the CORS headers.",
        f.origin,
        clip(f.url.path, 120),
        clip(method, 20),
        clip(f.req("origin").unwrap_or("the page"), 100),
        f.status
    );
    let mut finding = make("cors-preflight-unauthorized", detail)
        .with_evidence(
            "request",
            format!("OPTIONS {}{}", f.origin, clip(f.url.path, 120)),
        )
        .with_evidence("response status", f.status.to_string())
        .with_evidence(
            "request header Access-Control-Request-Method",
            clip(method, 20),
        )
        .with_fix("allow-preflight")
        .with_fix("copy-curl");
    if let Some(o) = f.req("origin") {
        finding = finding.with_evidence(hint::ORIGIN, clip(o, 120));
    }
    if let Some(h) = f.req("access-control-request-headers") {
        finding = finding.with_evidence(
            "request header Access-Control-Request-Headers",
            clip(h, 120),
        );
    }
    if f.res("access-control-allow-origin").is_none() {
        finding = finding.with_evidence("response header Access-Control-Allow-Origin", "absent");
    }
    out.push(finding);
}
