//! Per-exchange rules: each file is one rule id, with its spec reference.
//!
//! A rule reads [`Facts`] (and, for the few that look back, the window in [`Ctx`]) and
//! pushes at most a few findings. Ranking, suppression, entry indexes and the catalogue's
//! spec link are added afterwards by [`super::rank`], so a rule says only what it knows.

mod alg_none;
mod audience_mismatch;
mod authorization_stripped_on_redirect;
mod aws4_request_invalid;
mod basic_over_http;
mod bearer_placeholder;
mod cached_401;
mod clock_skew;
mod cookie_not_sent;
mod cors_preflight_unauthorized;
mod digest_stale_nonce;
mod digest_uri_mismatch;
mod dpop_bound_token_as_bearer;
mod dpop_nonce_required;
mod dpop_proof_invalid;
mod dpop_proof_missing;
mod edge_block;
mod forbidden_not_unauthorized;
mod insufficient_scope;
mod invalid_request;
mod invalid_token;
mod login_redirect;
mod malformed_authorization;
mod malformed_challenge;
mod missing_challenge;
mod missing_credentials;
mod proxy_auth_required;
mod scheme_mismatch;
mod token_expired;
mod token_in_url;
mod token_not_yet_valid;
mod wrong_token_type;

use crate::finding::{Finding, Severity};

use super::catalogue;
use super::engine::Ctx;
use super::facts::Facts;

/// One per-exchange rule.
type Rule = fn(&Facts<'_>, &Ctx<'_>, &mut Vec<Finding>);

/// Every per-exchange rule, in the order their findings are listed before ranking.
///
/// A table, called through a pointer the optimiser cannot see through, rather than a run
/// of direct calls: the optimisers inline every function that has a single caller, which
/// merged the ~30 rules into one function (83 KB of wasm; 41 KB from LLVM alone, since
/// `make build`'s `wasm-opt -ocimfs 200` stops wasm-opt's share). V8 runs a page's wasm in
/// its baseline tier first and optimises hot functions on a background thread; that one
/// took it ~400 ms (Chromium, `--trace-wasm-compilation-times`), so a HAR import in a fresh
/// page ran the engine unoptimised for most of its length. Each rule is now a function of
/// its own that V8 optimises in a few ms. An indirect call per rule costs nothing
/// measurable.
const RULES: &[Rule] = &[
    |f, _, out| proxy_auth_required::check(f, out),
    |f, _, out| edge_block::check(f, out),
    |f, _, out| cors_preflight_unauthorized::check(f, out),
    |f, _, out| cached_401::check(f, out),
    |f, cx, out| authorization_stripped_on_redirect::check(f, cx, out),
    |f, _, out| bearer_placeholder::check(f, out),
    // A sanitized export removed the credentials: their absence proves nothing.
    |f, cx, out| {
        if !cx.config.credentials_removed_at_export {
            cookie_not_sent::check(f, cx, out)
        }
    },
    |f, cx, out| {
        if !cx.config.credentials_removed_at_export {
            missing_credentials::check(f, out)
        }
    },
    |f, _, out| wrong_token_type::check(f, out),
    |f, _, out| dpop_proof_missing::check(f, out),
    |f, _, out| dpop_bound_token_as_bearer::check(f, out),
    |f, _, out| malformed_authorization::check(f, out),
    |f, _, out| dpop_proof_invalid::check(f, out),
    |f, _, out| digest_uri_mismatch::check(f, out),
    |f, _, out| aws4_request_invalid::check(f, out),
    |f, _, out| alg_none::check(f, out),
    |f, _, out| token_expired::check(f, out),
    |f, _, out| token_not_yet_valid::check(f, out),
    |f, _, out| audience_mismatch::check(f, out),
    |f, _, out| scheme_mismatch::check(f, out),
    |f, _, out| insufficient_scope::check(f, out),
    |f, _, out| dpop_nonce_required::check(f, out),
    |f, _, out| digest_stale_nonce::check(f, out),
    |f, _, out| invalid_token::check(f, out),
    |f, _, out| invalid_request::check(f, out),
    |f, _, out| forbidden_not_unauthorized::check(f, out),
    |f, _, out| login_redirect::check(f, out),
    |f, cx, out| clock_skew::check(f, cx, out),
    |f, _, out| missing_challenge::check(f, out),
    |f, _, out| malformed_challenge::check(f, out),
    |f, _, out| basic_over_http::check(f, out),
    |f, _, out| token_in_url::check(f, out),
];

/// Runs every per-exchange rule.
pub fn run(f: &Facts<'_>, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for rule in std::hint::black_box(RULES) {
        rule(f, cx, out);
    }
}

/// Adopts the credentials decoder's verdicts `id` (the decoder and the engine share the
/// id, so `authlens token` and the panel name the problem as the report does): as decoded
/// on a failure; lowered on a request that worked (an error becomes a warning, a warning
/// such as a lower-case scheme becomes info). `fixes` are added to the decoder's.
pub fn adopt_decoder_verdict(
    f: &Facts<'_>,
    id: &str,
    fixes: &[&'static str],
    out: &mut Vec<Finding>,
) {
    for (loc, v) in f.verdicts(id) {
        let mut finding = v.clone().with_evidence("credential", loc.to_string());
        if !f.failure {
            finding.severity = match finding.severity {
                Severity::Error => Severity::Warning,
                _ => Severity::Info,
            };
        }
        for fix in std::iter::once(&"fix-authorization-format").chain(fixes) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// A finding for rule `id` with the catalogue's severity and title.
pub fn make(id: &'static str, detail: impl Into<String>) -> Finding {
    let (severity, title) =
        catalogue::rule(id).map_or((Severity::Info, id), |r| (r.severity, r.title));
    Finding::new(id, severity, title, detail)
}

/// A captured value cut to `max` characters, control characters removed, for quoting a
/// non-secret value (a challenge, an error message) in evidence and details.
pub fn clip(value: &str, max: usize) -> String {
    // Most values are short printable ASCII: nothing to cut or drop.
    if value.len() <= max && value.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return value.to_string();
    }
    let mut s: String = value
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect();
    if value.chars().count() > max {
        s.push(crate::secret::ELLIPSIS);
    }
    s
}

/// `GET /v1/me` for details.
pub fn request_line(f: &Facts<'_>) -> String {
    format!(
        "{} {}{}",
        clip(&f.ex.request.method, 16),
        f.origin,
        clip(f.url.path, 120)
    )
}
