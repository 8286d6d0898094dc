//! Secret removal that keeps what debugging needs, for sharing a HAR or a report.
//!
//! Chrome's sanitized export drops `Authorization` and cookies entirely, so the receiver
//! cannot see which mechanism failed. Here every secret is replaced by a *marker* and the
//! metadata around it stays: the scheme, a JWT's header and (by default) an allowlist of its
//! claims, the token's length and family prefix, cookie names and attributes, error bodies.
//!
//! # Round-trip guarantee
//! A redacted value decodes as the same kind of credential with the same metadata, so
//! analysing the redacted capture ([`crate::diagnose`]) yields the same finding ids as
//! analysing the original (with the default [`RedactOptions`]). That shapes every choice:
//! - a JWS stays three base64url segments: the header as sent, the kept claims re-encoded,
//!   and a signature marker that is itself clean base64url;
//! - a Basic credential stays `base64(user-id ":" marker)`; an empty password stays empty;
//! - placeholders (`Bearer undefined`, `{{token}}`) are not secrets and stay as sent: they
//!   are the diagnosis;
//! - malformed values stay malformed the same way: the text around the token (`Bearer
//!   Bearer`, quotes, a trailing `;`, a `%20`) is kept, whitespace inside a token is put back
//!   at the same place, and a token with odd characters is *scrubbed* (letters and digits
//!   replaced, everything else kept where it was);
//! - the same secret gets the same marker everywhere and different secrets different
//!   markers, because the diagnosis compares credentials across requests;
//! - a value whose length or alphabet a check looks at (a Digest `response`, a SigV4
//!   signature, an AWS key ID, a key family of fixed length) gets a *shaped* marker of the
//!   same length and character class;
//! - a DPoP proof's `ath` is recomputed for the redacted access token when it matched the
//!   original one, so the binding check gives the same answer.
//!
//! # Marker format
//! `REDACTED-<what>-<length>chars-<id>`, e.g. `REDACTED-sig-43chars-0007`:
//! - `what` is one word: `sig`, `claims`, `payload`, `cek`, `iv`, `ciphertext`, `tag`,
//!   `password`, `token`, `key`, `cookie`, `response`, `signature`, `keyid`, `code`,
//!   `secret`, `privatekey`, `ath`, `gss`, `path`, `value`;
//! - `length` is the removed text's length in characters;
//! - `id` numbers distinct secrets in the document (the same secret, the same id); inside a
//!   JOSE segment it is zero-padded so the marker's length is a multiple of 4.
//!
//! Markers use only `A-Z a-z 0-9 -`: valid in a token68, base64url, a cookie value, a URL
//! and a JSON string. A known family prefix is kept in front (`ghp_REDACTED-token-40chars-3`).
//! Shaped markers are zeros ending in the id for hex (`000…07`) and `REDACTED000…7` for
//! alphanumeric values; scrubbed values keep their layout (`ab%2Bc d` → `RE%2BD A`).
//! A value that already contains `REDACTED-` is left alone, so redacting twice changes
//! nothing.
//!
//! # What is redacted
//! - `Authorization` / `Proxy-Authorization`: Bearer/DPoP/bare tokens (JWS signature and the
//!   claims not kept, JWE key/iv/ciphertext/tag, opaque tokens keeping a family prefix), the
//!   Basic password and a user-id that is an API key, Digest `response`, SigV4 `Signature`
//!   and access key ID, unknown schemes' parameters except the non-secret ones (`realm`,
//!   `nonce`, `uri`, `qop`, `nc`, `cnonce`, …), NTLM responses and Kerberos tickets (byte
//!   for byte, so the message still parses).
//! - `DPoP` proofs: the signature, private JWK members; `htu` like any URL; `ath` as above.
//! - `Cookie` / `Set-Cookie` values (names and attributes stay).
//! - API-key headers ([`crate::credentials::API_KEY_HEADERS`]) and headers whose name says
//!   secret (`…token…`, `…secret…`, `…password…`, `…session…`, `…signature…`,
//!   `…credential…`, `…api-key…`, `…-key`), request and response.
//! - URLs (request, `Referer`, `Location`, `Content-Location`, `redirectURL`, initiator,
//!   page titles, the `:path` pseudo-header, Digest `uri`, DPoP `htu`): the values of
//!   [`QUERY_SECRETS`] in the query and the fragment, a password in the userinfo, and path
//!   segments that are a JWT, a known token family or a long mixed-case random string.
//! - Bodies: JSON values under [`BODY_SECRETS`] keys (and `authorization`), any JSON string
//!   that is a JWT or a known token family, the same fields in form-encoded bodies.
//! - `Authentication-Info` `rspauth`.
//! - Everywhere else (other header values, kept bodies, comments): any JWT or known-family
//!   token, and — the safety net — every secret removed anywhere in the document, in its raw,
//!   percent-encoded, base64 and base64url forms.
//!
//! # Bodies
//! With [`RedactOptions::keep_bodies`] off (the default) only what the diagnosis reads stays:
//! - token-endpoint requests (a POST whose last path segment names a token or refresh, or
//!   whose body has `grant_type`): the OAuth parameters ([`OAUTH_PARAMS`]) with secrets as
//!   markers, other fields dropped;
//! - responses with status ≥ 400: a JSON body up to 64 KiB with secrets as markers; a text
//!   (HTML, plain) body's first 4 KiB, which server and edge detection sniff;
//! - token-endpoint JSON responses (`{"error":"invalid_grant"}`, `expires_in`, `scope`),
//!   tokens as markers.
//!
//! Everything else is dropped (its size stays in the HAR). With `keep_bodies` on every body
//! is kept, JSON and form bodies redacted field by field, other text by the safety net;
//! binary bodies are kept as captured.
//!
//! HAR `headersSize` is adjusted by what redaction changed, and `log.creator` keeps the
//! capturing tool (with a comment saying authlens redacted the file), so a redacted file is
//! judged sanitized or not exactly like the original ([`crate::har::sanitization`]).

mod authorization;
mod body;
mod cookie;
mod exchange;
mod gss;
mod jose;
mod json;
mod marker;
mod token;
mod url;

use serde::{Deserialize, Serialize};

use crate::exchange::Exchange;
use crate::har::{EntryMeta, HarDiagnostic, HarDocument, Software};

pub use marker::{Secret, MARKER_PREFIX};

/// JWT claims kept by default: what the diagnosis and a reader need (times, audience, issuer,
/// scopes, the DPoP binding), none of the personal ones (`sub`, `email`, names). `cnf` keeps
/// only `jkt`.
pub const DEFAULT_CLAIMS: &[&str] = &[
    "iss",
    "aud",
    "exp",
    "nbf",
    "iat",
    "scope",
    "scp",
    "roles",
    "azp",
    "client_id",
    "typ",
    "token_use",
    "cnf",
    "jti",
    "auth_time",
    "acr",
    "amr",
    "ver",
    "tid",
    "appid",
];

/// Query and fragment parameters whose values are secrets (compared case-insensitively).
pub const QUERY_SECRETS: &[&str] = &[
    "access_token",
    "token",
    "id_token",
    "refresh_token",
    "code",
    "api_key",
    "apikey",
    "api-key",
    "key",
    "sig",
    "signature",
    "client_secret",
    "client_assertion",
    "assertion",
    "code_verifier",
    "password",
    "passwd",
    "secret",
    "jwt",
    "auth",
    "auth_token",
    "session",
    "session_token",
    "sessionid",
    "x-amz-signature",
    "x-amz-security-token",
    "x-amz-credential",
    "x-goog-signature",
    "x-goog-credential",
];

/// JSON keys and form fields whose values are secrets (compared case-insensitively, also in
/// camelCase: `accessToken`, `refreshToken`…).
pub const BODY_SECRETS: &[&str] = &[
    "password",
    "passwd",
    "client_secret",
    "refresh_token",
    "access_token",
    "id_token",
    "code",
    "code_verifier",
    "assertion",
    "client_assertion",
    "subject_token",
    "actor_token",
    "device_code",
    "token",
    "api_key",
    "apikey",
    "secret",
    "session_token",
    "private_key",
    "otp",
];

/// The OAuth token-request parameters kept (besides secrets, kept as markers) when bodies
/// are not: enough to see the grant and the client.
pub const OAUTH_PARAMS: &[&str] = &[
    "grant_type",
    "client_id",
    "scope",
    "redirect_uri",
    "audience",
    "resource",
    "response_type",
    "code_challenge_method",
    "requested_token_type",
    "subject_token_type",
    "actor_token_type",
    "token_type_hint",
    "client_assertion_type",
];

/// What to keep. Deserializes from a partial object (`{"keep_bodies": true}`), missing
/// fields taking their defaults, for the UI's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RedactOptions {
    /// Keep the allowlisted JWT claims ([`RedactOptions::claims`]); off replaces the whole
    /// payload with a marker (then time and audience findings cannot be reproduced).
    pub keep_claims: bool,
    /// The claims kept when `keep_claims` is on. Default: [`DEFAULT_CLAIMS`].
    pub claims: Vec<String>,
    /// Keep every body (redacted) instead of only those the diagnosis reads.
    pub keep_bodies: bool,
}

impl Default for RedactOptions {
    fn default() -> Self {
        Self {
            keep_claims: true,
            claims: DEFAULT_CLAIMS.iter().map(|c| (*c).to_string()).collect(),
            keep_bodies: false,
        }
    }
}

impl RedactOptions {
    /// Also keeps `claim` (e.g. `sub` for a capture that stays in the team).
    #[must_use]
    pub fn keep_claim(mut self, claim: &str) -> Self {
        if !self.claims.iter().any(|c| c == claim) {
            self.claims.push(claim.to_string());
        }
        self
    }

    /// Sets [`RedactOptions::keep_claims`].
    #[must_use]
    pub fn with_claims(mut self, keep: bool) -> Self {
        self.keep_claims = keep;
        self
    }

    /// Sets [`RedactOptions::keep_bodies`].
    #[must_use]
    pub fn with_bodies(mut self, keep: bool) -> Self {
        self.keep_bodies = keep;
        self
    }
}

/// Whether a removal took out a secret or data left out because it is not needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Removal {
    /// A secret replaced by a marker.
    Secret,
    /// Data left out (a body, a form field, JWT claims not on the allowlist).
    Dropped,
}

/// One removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedactionItem {
    /// A secret or dropped data.
    pub kind: Removal,
    /// HAR entry index; `None` for document-level text (pages, comments).
    pub entry: Option<usize>,
    /// Where: `request header Authorization`, `cookie session`, `query access_token`,
    /// `response body $.refresh_token`, …
    pub location: String,
    /// What: `JWS signature`, `password`, `JWT claims (sub, email)`, `body (text/html)`, …
    pub what: String,
    /// Length of what was removed, in characters (bytes for bodies and NTLM/Kerberos data).
    pub length: usize,
}

/// Everything removed, for the user to review before sharing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RedactionSummary {
    /// Each removal, in document order.
    pub items: Vec<RedactionItem>,
    /// Bodies dropped because [`RedactOptions::keep_bodies`] was off.
    pub bodies_dropped: usize,
    /// Secrets found again by the safety net outside their structured place.
    pub net_hits: usize,
}

impl RedactionSummary {
    /// `(what, count)` in first-seen order, for a one-line overview.
    pub fn counts(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for item in &self.items {
            match out.iter_mut().find(|(w, _)| *w == item.what) {
                Some((_, n)) => *n += 1,
                None => out.push((item.what.clone(), 1)),
            }
        }
        out
    }

    /// Secrets replaced (the items of kind [`Removal::Secret`]).
    pub fn secrets(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.kind == Removal::Secret)
            .count()
    }

    /// `12 secrets removed: 4 × JWS signature, 3 × cookie value, …; 2 bodies dropped`, the
    /// most frequent first.
    pub fn line(&self) -> String {
        let mut s = match self.secrets() {
            0 => "no secrets found".to_string(),
            1 => "1 secret removed".to_string(),
            n => format!("{n} secrets removed"),
        };
        let mut counts: Vec<(String, usize)> = Vec::new();
        for item in self.items.iter().filter(|i| i.kind == Removal::Secret) {
            match counts.iter_mut().find(|(w, _)| *w == item.what) {
                Some((_, n)) => *n += 1,
                None => counts.push((item.what.clone(), 1)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        let parts: Vec<String> = counts
            .iter()
            .take(6)
            .map(|(w, c)| format!("{c} × {w}"))
            .collect();
        if !parts.is_empty() {
            s.push_str(": ");
            s.push_str(&parts.join(", "));
        }
        if counts.len() > 6 {
            s.push_str(", …");
        }
        if self.bodies_dropped > 0 {
            s.push_str(&format!("; {} bodies dropped", self.bodies_dropped));
        }
        s
    }
}

/// A redacted document and what was removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Redacted {
    /// The document with every secret replaced; write it with [`Redacted::to_har`].
    pub document: HarDocument,
    /// What was removed, where.
    pub summary: RedactionSummary,
}

impl Redacted {
    /// HAR 1.2 text of the redacted document ([`crate::har::write_har`]) with
    /// [`creator_for`] as `log.creator`.
    pub fn to_har(&self) -> String {
        crate::har::write_har(&self.document, &creator_for(self.document.creator.as_ref()))
    }
}

const REDACTED_NOTE: &str = "redacted by authlens: secrets replaced by REDACTED-… markers";

/// `log.creator` of a redacted file: the capturing tool is kept (it tells the reader, and
/// [`crate::har::sanitization`], which exporter produced the entries) with a comment saying
/// authlens redacted it; authlens itself when the original named none.
pub fn creator_for(original: Option<&Software>) -> Software {
    match original {
        Some(s) if !s.name.is_empty() => Software {
            name: s.name.clone(),
            version: s.version.clone(),
            comment: Some(format!(
                "{REDACTED_NOTE} ({} {})",
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION")
            )),
        },
        _ => Software {
            name: "authlens".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            comment: Some(REDACTED_NOTE.to_string()),
        },
    }
}

/// Stateful redaction: markers stay consistent over every exchange given to the same
/// `Redactor`, so a live capture (the DevTools panel) can be redacted entry by entry.
///
/// Secrets are kept in memory only to recognise them again; nothing of them is output.
#[derive(Debug)]
pub struct Redactor {
    opts: RedactOptions,
    reg: marker::Registry,
    summary: RedactionSummary,
    entry: Option<usize>,
}

impl Redactor {
    /// A redactor with `opts`.
    pub fn new(opts: RedactOptions) -> Self {
        Self {
            opts,
            reg: marker::Registry::default(),
            summary: RedactionSummary::default(),
            entry: None,
        }
    }

    /// The options.
    pub fn options(&self) -> &RedactOptions {
        &self.opts
    }

    /// Redacts one exchange (and its HAR details, when given). The safety net covers the
    /// secrets seen so far, this exchange's included.
    pub fn exchange(
        &mut self,
        ex: &Exchange,
        meta: Option<&EntryMeta>,
    ) -> (Exchange, Option<EntryMeta>) {
        self.entry = Some(ex.index);
        let (mut out, mut meta_out) = self.exchange_structured(ex, meta);
        self.net_exchange(&mut out, meta_out.as_mut());
        self.entry = None;
        (out, meta_out)
    }

    /// Redacts an `Authorization` / `Proxy-Authorization` value on its own (e.g. to show or
    /// copy it safely).
    pub fn authorization(&mut self, value: &str) -> String {
        self.authorization_value(value, "Authorization", 0)
    }

    /// Redacts a URL: secret query/fragment values, userinfo password, token-like path
    /// segments.
    pub fn url(&mut self, url: &str) -> String {
        self.url_value(url, "url", 0)
    }

    /// Redacts free text: JWTs and known-family tokens, then every secret seen so far.
    pub fn text(&mut self, text: &str) -> String {
        let t = self.scrub_text(text, "text");
        self.net_text(&t, "text")
    }

    /// What was removed so far.
    pub fn summary(&self) -> &RedactionSummary {
        &self.summary
    }

    /// Ends the redaction, returning what was removed.
    pub fn finish(self) -> RedactionSummary {
        self.summary
    }

    fn note(&mut self, location: &str, what: impl Into<String>, length: usize) {
        self.record(Removal::Secret, location, what, length);
    }

    fn note_dropped(&mut self, location: &str, what: impl Into<String>, length: usize) {
        self.record(Removal::Dropped, location, what, length);
    }

    fn record(&mut self, kind: Removal, location: &str, what: impl Into<String>, length: usize) {
        self.summary.items.push(RedactionItem {
            kind,
            entry: self.entry,
            location: location.to_string(),
            what: what.into(),
            length,
        });
    }

    /// Runs the safety net over `text`, counting hits.
    fn net_text(&mut self, text: &str, location: &str) -> String {
        if self.reg.is_empty() {
            return text.to_string();
        }
        match self.reg.net().replace(text) {
            Some((out, n)) => {
                self.summary.net_hits += n;
                self.note(location, "secret found again (safety net)", n);
                out
            }
            None => text.to_string(),
        }
    }
}

/// Redacts a whole HAR document with consistent markers. Two passes: structured removal
/// entry by entry, then the safety net over every text field with everything learnt.
pub fn redact_document(doc: &HarDocument, opts: &RedactOptions) -> Redacted {
    let mut steps = DocumentRedaction::new(opts);
    for ex in &doc.exchanges {
        steps.push(ex, doc.meta_for(ex.index));
    }
    steps.finish(doc)
}

/// [`redact_document`] in steps, for a caller that must yield between slices of a big
/// capture (the panel's export): [`DocumentRedaction::push`] every exchange (the
/// structured pass), then [`DocumentRedaction::net`] a few at a time (the safety net, with
/// every secret learnt from all of them), then [`DocumentRedaction::finish`]. The result
/// is the same as [`redact_document`]'s.
#[derive(Debug)]
pub struct DocumentRedaction {
    r: Redactor,
    pairs: Vec<(Exchange, Option<EntryMeta>)>,
    netted: usize,
}

impl DocumentRedaction {
    /// Starts a redaction with `opts`.
    pub fn new(opts: &RedactOptions) -> Self {
        Self {
            r: Redactor::new(opts.clone()),
            pairs: Vec::new(),
            netted: 0,
        }
    }

    /// The structured pass over the next exchange. Push every exchange before the first
    /// [`DocumentRedaction::net`]: the net only knows the secrets pushed before it ran.
    pub fn push(&mut self, ex: &Exchange, meta: Option<&EntryMeta>) {
        self.r.entry = Some(ex.index);
        let pair = self.r.exchange_structured(ex, meta);
        self.pairs.push(pair);
        self.r.entry = None;
    }

    /// Exchanges pushed so far.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Runs the safety net over up to `max` more exchanges; returns how many still wait.
    pub fn net(&mut self, max: usize) -> usize {
        let end = self.netted.saturating_add(max).min(self.pairs.len());
        if let Some(pending) = self.pairs.get_mut(self.netted..end) {
            for (x, m) in pending {
                self.r.entry = Some(x.index);
                self.r.net_exchange(x, m.as_mut());
            }
        }
        self.r.entry = None;
        self.netted = end;
        self.pairs.len() - end
    }

    /// The exchanges redacted so far, with their HAR details, without finishing: what an
    /// abandoned (cancelled) redaction holds, for a caller that frees it a slice at a time.
    pub fn into_pairs(self) -> Vec<(Exchange, Option<EntryMeta>)> {
        self.pairs
    }

    /// Nets what is left, then redacts the document's own fields (pages, comment, tools,
    /// diagnostics) from `doc`; `doc.exchanges` is not read again.
    pub fn finish(mut self, doc: &HarDocument) -> Redacted {
        self.net(usize::MAX);
        let mut r = self.r;
        let mut exchanges = Vec::with_capacity(self.pairs.len());
        let mut metas = Vec::with_capacity(self.pairs.len());
        for (x, m) in self.pairs {
            exchanges.push(x);
            metas.extend(m);
        }
        let pages = doc
            .pages
            .iter()
            .map(|p| {
                let mut p = p.clone();
                p.title = r.url_value(&p.title, "page title", 0);
                p.title = r.net_text(&p.title, "page title");
                p
            })
            .collect();
        let comment = doc.comment.as_ref().map(|c| {
            let c = r.scrub_text(c, "log.comment");
            r.net_text(&c, "log.comment")
        });
        let software = |r: &mut Redactor, s: &Software| {
            let mut s = s.clone();
            s.comment = s
                .comment
                .as_ref()
                .map(|c| r.net_text(c, "software comment"));
            s
        };
        let creator = doc.creator.as_ref().map(|s| software(&mut r, s));
        let browser = doc.browser.as_ref().map(|s| software(&mut r, s));
        let diagnostics: Vec<HarDiagnostic> = doc
            .diagnostics
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d.diagnostic.message = r.net_text(&d.diagnostic.message, "har diagnostic");
                d
            })
            .collect();
        Redacted {
            document: HarDocument {
                version: doc.version.clone(),
                creator,
                browser,
                pages,
                comment,
                exchanges,
                meta: metas,
                diagnostics,
            },
            summary: r.finish(),
        }
    }
}

/// Redacts bare exchanges (no HAR details) with consistent markers.
pub fn redact_exchanges(
    exchanges: &[Exchange],
    opts: &RedactOptions,
) -> (Vec<Exchange>, RedactionSummary) {
    let doc = HarDocument {
        exchanges: exchanges.to_vec(),
        ..HarDocument::default()
    };
    let r = redact_document(&doc, opts);
    (r.document.exchanges, r.summary)
}

/// Redacts a single exchange.
pub fn redact_exchange(ex: &Exchange, opts: &RedactOptions) -> (Exchange, RedactionSummary) {
    let mut r = Redactor::new(opts.clone());
    let (x, _) = r.exchange(ex, None);
    (x, r.finish())
}

/// Redacts an `Authorization` value on its own, with the default options.
pub fn redact_authorization(value: &str) -> String {
    Redactor::new(RedactOptions::default()).authorization(value)
}

/// Redacts a URL on its own (query/fragment secrets, userinfo password, token-like path
/// segments).
pub fn redact_url(url: &str) -> String {
    Redactor::new(RedactOptions::default()).url(url)
}

#[cfg(test)]
mod tests;
