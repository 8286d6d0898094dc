//! `authorization-stripped-on-redirect`: a cross-origin redirect dropped `Authorization`.
//!
//! The [Fetch standard's HTTP-redirect fetch](https://fetch.spec.whatwg.org/#http-redirect-fetch)
//! removes `Authorization` when a redirect changes origin, so the follow-up request arrives
//! without credentials. The rule looks back in the window for the hop that led here.

use crate::finding::Finding;
use crate::fixes::hint;

use super::super::engine::Ctx;
use super::super::facts::hash;
use super::{make, request_line, Facts};

/// Raised on a 401/403 without `Authorization` whose URL is the target of a recent
/// cross-origin redirect from a request that had it.
pub fn check(f: &Facts<'_>, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !(f.status == 401 || f.status == 403) || f.authorization.is_some() || f.preflight {
        return;
    }
    let here = f.url_key();
    let origin = hash(&f.origin);
    let hop = cx.window.newest_first().take(64).find(|r| {
        r.has_authorization
            && r.redirect_to
                .is_some_and(|(url, o)| url == here && o == origin && r.origin != origin)
    });
    let Some(hop) = hop else {
        return;
    };
    let detail = format!(
        "Entry {} carried Authorization and was redirected ({}) to another origin; the browser followed the redirect and, as the Fetch standard requires, dropped Authorization, so {} went out without credentials. Call the final URL directly (fix the base URL, a missing trailing slash or an http→https hop), or re-attach the header after a manual redirect.",
        hop.index,
        hop.status,
        request_line(f)
    );
    out.push(
        make("authorization-stripped-on-redirect", detail)
            .with_evidence(
                format!("entry {} (redirect)", hop.index),
                hop.evidence_value(),
            )
            .with_evidence(
                hint::REDIRECT,
                format!(
                    "{} → {}",
                    hop.label.split(' ').nth(1).unwrap_or(""),
                    f.origin
                ),
            )
            .with_evidence("request header Authorization", "absent after the redirect")
            .with_entry(hop.index)
            .with_fix("avoid-cross-origin-redirect")
            .with_fix("copy-fetch"),
    );
}
