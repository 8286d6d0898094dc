//! The fix catalogue: what to do about a finding, in the words and dialect that apply.
//!
//! A [`crate::finding::Finding`] names fixes by id (a contract, like rule ids). [`render`]
//! turns an id into a [`Fix`]: a title, human steps that quote the evidence, an optional
//! panel [`Action`], and [`Snippet`]s. Server-side snippets are chosen by the server
//! detected from the failing response ([`server::detect`]); client-side ones rebuild the
//! failing request with the fix applied ([`request`]).
//!
//! Evidence-specific text comes from the finding's evidence: a rule that wants a fix to
//! name, say, the missing scopes quotes them under the label [`hint::MISSING_SCOPES`], and
//! the fix reads the same label. One quote serves the user and the fix.

mod guidance;
mod os;
pub mod request;
pub mod server;
mod snippets;

use serde::Serialize;

use crate::exchange::Exchange;
use crate::finding::{Evidence, Finding};

pub use server::{detect, Detected, Edge, Stack};

/// Evidence labels that carry fix-specific values from a rule to its fixes.
pub mod hint {
    /// Space-separated scopes the token lacks.
    pub const MISSING_SCOPES: &str = "missing scopes";
    /// The token's `aud` claim (not secret).
    pub const TOKEN_AUDIENCE: &str = "claim aud";
    /// The API the request called (origin or resource URL).
    pub const API_CALLED: &str = "api called";
    /// A server-provided `DPoP-Nonce` value.
    pub const DPOP_NONCE: &str = "response header DPoP-Nonce";
    /// A Digest challenge's fresh `nonce`.
    pub const DIGEST_NONCE: &str = "challenge param nonce";
    /// The `Proxy-Authenticate` challenge.
    pub const PROXY_CHALLENGE: &str = "response header Proxy-Authenticate";
    /// A cookie name.
    pub const COOKIE: &str = "cookie";
    /// The attribute (or browser rule) that stopped a cookie, e.g. `Secure`.
    pub const COOKIE_ATTRIBUTE: &str = "attribute";
    /// The measured clock offset in seconds (signed: positive = server ahead).
    pub const CLOCK_OFFSET_SECS: &str = "clock offset (s)";
    /// The scheme the server asked for, e.g. `Bearer`.
    pub const REQUIRED_SCHEME: &str = "required scheme";
    /// The redirect hop, `from → to`.
    pub const REDIRECT: &str = "redirect";
    /// The request origin that needs CORS access.
    pub const ORIGIN: &str = "request header Origin";
}

/// A panel action. The engine only names it; the panel wires it (through its service worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Remove the cookies of the inspected site and the failing API's origin.
    ClearSiteCookies,
    /// Remove the HTTP cache and Cache Storage of those origins.
    ClearSiteCache,
    /// Reload the inspected page bypassing the cache.
    HardReload,
    /// Copy the first snippet (a `fetch` call) to the clipboard.
    CopyFetch,
    /// Copy the first snippet (a `curl` command) to the clipboard.
    CopyCurl,
}

/// A piece of code or configuration to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// What it is for, e.g. `nginx`, `Windows`, `curl`.
    pub label: String,
    /// Syntax name for highlighting: `nginx`, `apache`, `javascript`, `java`, `csharp`,
    /// `xml`, `shell`, `powershell`, `text`.
    pub lang: &'static str,
    /// The text.
    pub code: String,
    /// Whether it matches the detected server or the request's own platform (shown first).
    pub detected: bool,
}

impl Snippet {
    fn new(label: impl Into<String>, lang: &'static str, code: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            lang,
            code: code.into(),
            detected: false,
        }
    }
}

/// A rendered fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The fix id from [`CATALOGUE`].
    pub id: &'static str,
    /// One line.
    pub title: String,
    /// What to do, in order, with evidence-specific text.
    pub steps: Vec<String>,
    /// The panel action, when the fix is one.
    pub action: Option<Action>,
    /// Code or configuration, the detected server's first.
    pub snippets: Vec<Snippet>,
}

impl Fix {
    fn new(id: &'static str, title: impl Into<String>) -> Self {
        Self {
            id,
            title: title.into(),
            steps: Vec::new(),
            action: None,
            snippets: Vec::new(),
        }
    }

    fn step(mut self, text: impl Into<String>) -> Self {
        self.steps.push(text.into());
        self
    }

    fn action(mut self, action: Action) -> Self {
        self.action = Some(action);
        self
    }

    fn snippet(mut self, s: Snippet) -> Self {
        self.snippets.push(s);
        self
    }
}

/// Who acts on a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixKind {
    /// A button in the panel.
    Action,
    /// Something the developer does in the client or their environment.
    Client,
    /// A change on the server, proxy or edge.
    Server,
}

/// One catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FixInfo {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// Generic title (rendered fixes may be more specific).
    pub title: &'static str,
    /// Who acts.
    pub kind: FixKind,
}

const fn info(id: &'static str, title: &'static str, kind: FixKind) -> FixInfo {
    FixInfo { id, title, kind }
}

/// Every fix id. A contract: the README and the panel list these.
pub const CATALOGUE: &[FixInfo] = &[
    info("clear-site-cookies", "Clear site cookies", FixKind::Action),
    info("clear-site-cache", "Clear site cache", FixKind::Action),
    info("hard-reload", "Hard reload", FixKind::Action),
    info("copy-fetch", "Copy as fetch (fixed)", FixKind::Action),
    info("copy-curl", "Copy as cURL (fixed)", FixKind::Action),
    info("refresh-token", "Refresh the access token", FixKind::Client),
    info("relogin", "Log in again", FixKind::Client),
    info("sync-clock", "Synchronise the clock", FixKind::Client),
    info(
        "send-credentials",
        "Send credentials with the request",
        FixKind::Client,
    ),
    info(
        "fix-authorization-format",
        "Fix the Authorization header format",
        FixKind::Client,
    ),
    info(
        "request-scope",
        "Request the missing scopes",
        FixKind::Client,
    ),
    info(
        "use-correct-audience",
        "Request a token for this API",
        FixKind::Client,
    ),
    info(
        "retry-with-nonce",
        "Retry with the server's nonce",
        FixKind::Client,
    ),
    info(
        "use-proxy-credentials",
        "Authenticate to the proxy",
        FixKind::Client,
    ),
    info(
        "fix-cookie-attributes",
        "Fix the cookie's attributes",
        FixKind::Server,
    ),
    info(
        "avoid-cross-origin-redirect",
        "Avoid the cross-origin redirect",
        FixKind::Client,
    ),
    info(
        "allow-preflight",
        "Let CORS preflights through without credentials",
        FixKind::Server,
    ),
    info(
        "add-www-authenticate",
        "Send WWW-Authenticate with every 401",
        FixKind::Server,
    ),
    info(
        "no-store-auth-responses",
        "Mark auth failures Cache-Control: no-store",
        FixKind::Server,
    ),
    info(
        "vary-authorization",
        "Vary cached responses on Authorization",
        FixKind::Server,
    ),
    info(
        "purge-cdn-cache",
        "Purge the cached failure",
        FixKind::Server,
    ),
    info(
        "use-403",
        "Answer 403 for authorization failures",
        FixKind::Server,
    ),
    info(
        "check-server-logs",
        "Read the server's logs for this request",
        FixKind::Server,
    ),
    info("flush-dns", "Flush the DNS cache", FixKind::Client),
    info("edge-rules", "Check the CDN / WAF rules", FixKind::Server),
];

/// What [`render`] knows about the situation.
#[derive(Debug, Clone, Default)]
pub struct FixContext<'a> {
    /// The failing exchange, when there is one.
    pub exchange: Option<&'a Exchange>,
    /// The finding the fix is for (`copy-fetch` applies that finding's fix).
    pub finding_id: Option<&'a str>,
    /// The finding's evidence (masked), read through [`hint`] labels.
    pub evidence: &'a [Evidence],
    /// Overrides server detection (normally read from the exchange's response).
    pub detected: Option<Detected>,
    /// Output secrets as captured instead of masked. Only when the user asked.
    pub reveal: bool,
}

impl<'a> FixContext<'a> {
    /// A context for `finding` on `exchange`.
    pub fn for_finding(finding: &'a Finding, exchange: Option<&'a Exchange>) -> Self {
        Self {
            exchange,
            finding_id: Some(finding.id),
            evidence: &finding.evidence,
            detected: None,
            reveal: false,
        }
    }

    /// A context with only an exchange.
    pub fn for_exchange(exchange: &'a Exchange) -> Self {
        Self {
            exchange: Some(exchange),
            ..Self::default()
        }
    }

    /// The same context with secrets revealed or masked.
    #[must_use]
    pub fn with_reveal(mut self, reveal: bool) -> Self {
        self.reveal = reveal;
        self
    }

    /// The value quoted under `label` in the evidence.
    pub fn hint(&self, label: &str) -> Option<&'a str> {
        self.evidence
            .iter()
            .find(|e| e.label == label)
            .map(|e| e.value.as_str())
    }

    /// The detected server: the override, else detection on the exchange's response.
    pub fn detected(&self) -> Detected {
        match (&self.detected, self.exchange) {
            (Some(d), _) => d.clone(),
            (None, Some(ex)) => server::detect(&ex.response),
            (None, None) => Detected::default(),
        }
    }
}

/// Renders fix `id` for the situation in `ctx`; `None` for an unknown id.
pub fn render(id: &str, ctx: &FixContext<'_>) -> Option<Fix> {
    let fix = match id {
        "clear-site-cookies" | "clear-site-cache" | "hard-reload" => {
            guidance::panel_action(id, ctx)?
        }
        "copy-fetch" => request::copy_fetch(ctx),
        "copy-curl" => request::copy_curl(ctx),
        "refresh-token" => guidance::refresh_token(ctx),
        "relogin" => guidance::relogin(ctx),
        "sync-clock" => os::sync_clock(ctx),
        "send-credentials" => guidance::send_credentials(ctx),
        "fix-authorization-format" => guidance::fix_authorization_format(ctx),
        "request-scope" => guidance::request_scope(ctx),
        "use-correct-audience" => guidance::use_correct_audience(ctx),
        "retry-with-nonce" => guidance::retry_with_nonce(ctx),
        "use-proxy-credentials" => guidance::use_proxy_credentials(ctx),
        "fix-cookie-attributes" => guidance::fix_cookie_attributes(ctx),
        "avoid-cross-origin-redirect" => guidance::avoid_cross_origin_redirect(ctx),
        "allow-preflight" => snippets::allow_preflight(ctx),
        "add-www-authenticate" => snippets::add_www_authenticate(ctx),
        "no-store-auth-responses" => snippets::no_store(ctx),
        "vary-authorization" => snippets::vary_authorization(ctx),
        "purge-cdn-cache" => snippets::purge_cdn_cache(ctx),
        "use-403" => snippets::use_403(ctx),
        "check-server-logs" => snippets::check_server_logs(ctx),
        "flush-dns" => os::flush_dns(),
        "edge-rules" => snippets::edge_rules(ctx),
        _ => return None,
    };
    Some(fix)
}

/// Whether `id` is in the [`CATALOGUE`].
pub fn is_known(id: &str) -> bool {
    CATALOGUE.iter().any(|f| f.id == id)
}

/// The path of the exchange's URL, for text that names the endpoint.
fn endpoint(ctx: &FixContext<'_>) -> Option<String> {
    let ex = ctx.exchange?;
    let url = ex.url();
    Some(format!("{} {}", ex.request.method, url.path))
}

/// Quotes a value for the text of a step, cut so that a hostile value cannot flood the UI.
fn quote(value: &str) -> String {
    let mut s: String = value.chars().take(200).collect();
    if value.chars().count() > 200 {
        s.push(crate::secret::ELLIPSIS);
    }
    format!("`{s}`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::{Headers, Request, Response};

    fn ex(status: u16, res_headers: &[(&str, &str)]) -> Exchange {
        Exchange {
            request: Request {
                method: "GET".into(),
                url: "https://api.example.com/v1/me".into(),
                headers: [(
                    "Authorization",
                    "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
                )]
                .into_iter()
                .collect::<Headers>(),
                ..Request::default()
            },
            response: Response {
                status,
                headers: res_headers.iter().copied().collect(),
                ..Response::default()
            },
            ..Exchange::default()
        }
    }

    #[test]
    fn every_catalogue_id_renders_with_and_without_context() {
        let e = ex(401, &[("Server", "nginx")]);
        for info in CATALOGUE {
            let bare = render(info.id, &FixContext::default());
            let with = render(info.id, &FixContext::for_exchange(&e));
            for fix in [bare, with] {
                let fix = fix.unwrap_or_else(|| panic!("{} does not render", info.id));
                assert_eq!(fix.id, info.id);
                assert!(!fix.title.is_empty(), "{}", info.id);
                assert!(!fix.steps.is_empty(), "{} has no steps", info.id);
                assert!(serde_json::to_string(&fix).is_ok());
            }
        }
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            assert!(a
                .id
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'));
            assert!(
                CATALOGUE.iter().skip(i + 1).all(|b| b.id != a.id),
                "{}",
                a.id
            );
        }
        assert_eq!(CATALOGUE.len(), 25);
    }

    #[test]
    fn unknown_id_does_not_render() {
        assert!(render("make-it-work", &FixContext::default()).is_none());
        assert!(!is_known("make-it-work"));
    }

    #[test]
    fn actions_are_named_for_panel_fixes() {
        let cases = [
            ("clear-site-cookies", Action::ClearSiteCookies),
            ("clear-site-cache", Action::ClearSiteCache),
            ("hard-reload", Action::HardReload),
            ("copy-fetch", Action::CopyFetch),
            ("copy-curl", Action::CopyCurl),
        ];
        let e = ex(401, &[]);
        for (id, action) in cases {
            let fix = render(id, &FixContext::for_exchange(&e)).unwrap();
            assert_eq!(fix.action, Some(action), "{id}");
        }
        let json = serde_json::to_string(&render("hard-reload", &FixContext::default())).unwrap();
        assert!(json.contains("\"action\":\"hard-reload\""), "{json}");
    }

    #[test]
    fn hints_are_read_from_evidence() {
        let f = Finding::new(
            "insufficient-scope",
            crate::finding::Severity::Error,
            "t",
            "d",
        )
        .with_evidence(hint::MISSING_SCOPES, "write admin");
        let ctx = FixContext::for_finding(&f, None);
        assert_eq!(ctx.hint(hint::MISSING_SCOPES), Some("write admin"));
        let fix = render("request-scope", &ctx).unwrap();
        assert!(
            fix.steps.iter().any(|s| s.contains("write admin")),
            "{fix:?}"
        );
    }
}
