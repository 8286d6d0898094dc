//! Whether a browser keeps a cookie and sends it back: expiry, domain and path matching,
//! `Secure`, `SameSite` and prefixes. Pure functions; "now" is always a parameter.

use std::fmt;

use serde::Serialize;

use crate::time::Timestamp;

use super::{Prefix, SameSite, SetCookie};

/// Browsers cap a cookie's lifetime at 400 days (RFC 6265bis §5.6.1–5.6.2,
/// <https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-5.6.1>).
pub const MAX_LIFETIME_SECS: i64 = 400 * 86_400;

/// When the cookie expires, for a `Set-Cookie` received at `received_at`; `None` for a
/// session cookie. `Max-Age` wins over `Expires` (RFC 6265 §5.3 step 3,
/// <https://www.rfc-editor.org/rfc/rfc6265#section-5.3>); a `Max-Age` of zero or less
/// expires it at once; lifetimes are capped at [`MAX_LIFETIME_SECS`].
pub fn expires_at(cookie: &SetCookie, received_at: Timestamp) -> Option<Timestamp> {
    let cap = Timestamp(received_at.0.saturating_add(MAX_LIFETIME_SECS * 1000));
    match (cookie.max_age, cookie.expires) {
        (Some(secs), _) if secs <= 0 => Some(received_at),
        (Some(secs), _) => Some(Timestamp(
            received_at
                .0
                .saturating_add(secs.min(MAX_LIFETIME_SECS) * 1000),
        )),
        (None, Some(t)) => Some(t.min(cap)),
        (None, None) => None,
    }
}

/// Whether this `Set-Cookie` deletes the cookie (a logout): `Max-Age` ≤ 0, or an `Expires`
/// not after the moment it was received.
pub fn is_deletion(cookie: &SetCookie, received_at: Timestamp) -> bool {
    expires_at(cookie, received_at).is_some_and(|t| t <= received_at)
}

/// Whether an IP literal (IPv4 dotted quad or bracketed / colon IPv6).
fn is_ip(host: &str) -> bool {
    host.contains(':')
        || host.starts_with('[')
        || (host.split('.').count() == 4
            && host
                .split('.')
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit())))
}

/// Domain matching, RFC 6265 §5.1.3 (<https://www.rfc-editor.org/rfc/rfc6265#section-5.1.3>):
/// equal (ignoring case), or `host` ends with `.` + `cookie_domain` and is not an IP
/// address. A leading dot on `cookie_domain` is ignored, as browsers do.
pub fn domain_matches(cookie_domain: &str, host: &str) -> bool {
    let domain = cookie_domain.strip_prefix('.').unwrap_or(cookie_domain);
    if domain.is_empty() {
        return false;
    }
    if host.eq_ignore_ascii_case(domain) {
        return true;
    }
    if is_ip(host) || host.len() <= domain.len() {
        return false;
    }
    let split = host.len() - domain.len();
    host.get(split..)
        .is_some_and(|tail| tail.eq_ignore_ascii_case(domain))
        && host.as_bytes().get(split.wrapping_sub(1)) == Some(&b'.')
}

/// Path matching, RFC 6265 §5.1.4 (<https://www.rfc-editor.org/rfc/rfc6265#section-5.1.4>):
/// equal, or `cookie_path` is a prefix of `request_path` ending at a `/` boundary.
/// `request_path` is the URL path without the query.
pub fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    if cookie_path == request_path {
        return true;
    }
    request_path.starts_with(cookie_path)
        && (cookie_path.ends_with('/')
            || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/'))
}

/// The default path of a cookie set by a response to `request_path` (RFC 6265 §5.1.4):
/// the directory of the path, or `/`.
pub fn default_path(request_path: &str) -> &str {
    if !request_path.starts_with('/') {
        return "/";
    }
    match request_path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => request_path.get(..i).unwrap_or("/"),
    }
}

/// The parts of a URL cookie rules look at. Build it from
/// [`crate::exchange::UrlParts`]: `CookieUrl { secure: u.is_secure(), host: u.host, path: u.path }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieUrl<'a> {
    /// Whether the scheme is `https` or `wss`.
    pub secure: bool,
    /// Host without port.
    pub host: &'a str,
    /// Path without query, `/` when empty.
    pub path: &'a str,
}

impl CookieUrl<'_> {
    /// Whether `Secure` cookies may be set and sent here: a secure scheme, or a loopback
    /// host, which browsers treat as a secure context (Chrome 89+, Firefox 75+; W3C Secure
    /// Contexts §3.2 "potentially trustworthy").
    pub fn is_trustworthy(&self) -> bool {
        let host = self.host.trim_end_matches('.').to_ascii_lowercase();
        self.secure
            || host == "localhost"
            || host.ends_with(".localhost")
            || host == "[::1]"
            || host == "::1"
            || (host.starts_with("127.") && is_ip(&host))
    }
}

/// How the request relates to the site of the top-level page (RFC 6265bis §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SiteContext {
    /// Whether the request is cross-site (e.g. `Sec-Fetch-Site: cross-site`).
    pub cross_site: bool,
    /// Whether it is a top-level navigation (the address bar changes).
    pub top_level_navigation: bool,
    /// Whether the method is safe (`GET`, `HEAD`, `OPTIONS`, `TRACE`).
    pub safe_method: bool,
}

impl SiteContext {
    /// A same-site request.
    pub fn same_site() -> Self {
        Self {
            cross_site: false,
            top_level_navigation: false,
            safe_method: true,
        }
    }

    /// A cross-site `fetch`, XHR, image, iframe, … .
    pub fn cross_site_subresource() -> Self {
        Self {
            cross_site: true,
            top_level_navigation: false,
            safe_method: true,
        }
    }

    /// A cross-site top-level navigation with `method`.
    pub fn cross_site_navigation(method: &str) -> Self {
        Self {
            cross_site: true,
            top_level_navigation: true,
            safe_method: ["GET", "HEAD", "OPTIONS", "TRACE"]
                .iter()
                .any(|m| m.eq_ignore_ascii_case(method)),
        }
    }
}

/// Why a browser would not send a cookie on a request. The first group is decided when
/// the `Set-Cookie` arrives (the cookie is never stored), the second when sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum NotSentReason {
    /// Control characters, no name and value, or over 4096 bytes: the line is ignored.
    Malformed,
    /// `SameSite=None` without `Secure` is rejected (RFC 6265bis §5.7).
    SameSiteNoneWithoutSecure,
    /// `Partitioned` without `Secure` is rejected by Chrome (CHIPS).
    PartitionedWithoutSecure,
    /// A `Secure` cookie set by an `http:` response is rejected (RFC 6265bis §5.7).
    SecureSetOverHttp,
    /// `__Secure-` / `__Host-` rules are broken (RFC 6265bis §4.1.3).
    PrefixViolation {
        /// Which prefix.
        prefix: Prefix,
    },
    /// `Domain` does not cover the host that set it (RFC 6265 §5.3 step 6).
    DomainNotMatchingSetter,
    /// Expired (or deleted) before the request.
    Expired,
    /// A `Secure` cookie is not sent over `http:` (RFC 6265 §5.4).
    SecureOverHttp,
    /// The request host is not the cookie's host (host-only) or under its `Domain`.
    DomainMismatch,
    /// The request path is outside the cookie's `Path`.
    PathMismatch,
    /// `SameSite=Strict` cookies are not sent on any cross-site request.
    SameSiteStrictCrossSite,
    /// `SameSite=Lax` cookies are not sent on cross-site subresource requests.
    SameSiteLaxCrossSiteSubresource {
        /// Whether `Lax` is the browser default (no valid `SameSite` attribute).
        by_default: bool,
    },
    /// `SameSite=Lax` cookies are not sent on cross-site navigations with an unsafe
    /// method (a cross-site form `POST`).
    SameSiteLaxCrossSiteUnsafeMethod {
        /// Whether `Lax` is the browser default (no valid `SameSite` attribute).
        by_default: bool,
    },
}

impl NotSentReason {
    /// Stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            NotSentReason::Malformed => "malformed",
            NotSentReason::SameSiteNoneWithoutSecure => "same-site-none-without-secure",
            NotSentReason::PartitionedWithoutSecure => "partitioned-without-secure",
            NotSentReason::SecureSetOverHttp => "secure-set-over-http",
            NotSentReason::PrefixViolation { .. } => "prefix-violation",
            NotSentReason::DomainNotMatchingSetter => "domain-not-matching-setter",
            NotSentReason::Expired => "expired",
            NotSentReason::SecureOverHttp => "secure-over-http",
            NotSentReason::DomainMismatch => "domain-mismatch",
            NotSentReason::PathMismatch => "path-mismatch",
            NotSentReason::SameSiteStrictCrossSite => "same-site-strict-cross-site",
            NotSentReason::SameSiteLaxCrossSiteSubresource { .. } => {
                "same-site-lax-cross-site-subresource"
            }
            NotSentReason::SameSiteLaxCrossSiteUnsafeMethod { .. } => {
                "same-site-lax-cross-site-unsafe-method"
            }
        }
    }

    /// Lowercase explanation.
    pub fn message(self) -> &'static str {
        match self {
            NotSentReason::Malformed => "the set-cookie header is malformed and browsers ignore it",
            NotSentReason::SameSiteNoneWithoutSecure => {
                "samesite=none without secure: the browser rejected the cookie"
            }
            NotSentReason::PartitionedWithoutSecure => {
                "partitioned without secure: the browser rejected the cookie"
            }
            NotSentReason::SecureSetOverHttp => {
                "a secure cookie was set over plain http: the browser rejected it"
            }
            NotSentReason::PrefixViolation {
                prefix: Prefix::Secure,
            } => "the __Secure- prefix requires the secure attribute: the browser rejected the cookie",
            NotSentReason::PrefixViolation {
                prefix: Prefix::Host,
            } => "the __Host- prefix requires secure, path=/ and no domain: the browser rejected the cookie",
            NotSentReason::DomainNotMatchingSetter => {
                "the domain attribute does not cover the host that set the cookie: the browser rejected it"
            }
            NotSentReason::Expired => "the cookie had expired (or was deleted) before this request",
            NotSentReason::SecureOverHttp => "a secure cookie is never sent over plain http",
            NotSentReason::DomainMismatch => "the request host is outside the cookie's domain",
            NotSentReason::PathMismatch => "the request path is outside the cookie's path",
            NotSentReason::SameSiteStrictCrossSite => {
                "samesite=strict cookies are not sent on cross-site requests"
            }
            NotSentReason::SameSiteLaxCrossSiteSubresource { by_default: false } => {
                "samesite=lax cookies are not sent on cross-site fetch/xhr/subresource requests"
            }
            NotSentReason::SameSiteLaxCrossSiteSubresource { by_default: true } => {
                "without a samesite attribute the browser treats the cookie as lax, which is not sent on cross-site fetch/xhr/subresource requests"
            }
            NotSentReason::SameSiteLaxCrossSiteUnsafeMethod { by_default: false } => {
                "samesite=lax cookies are not sent on cross-site post navigations"
            }
            NotSentReason::SameSiteLaxCrossSiteUnsafeMethod { by_default: true } => {
                "without a samesite attribute the browser treats the cookie as lax, which is not sent on cross-site post navigations"
            }
        }
    }

    /// Whether the browser never stored the cookie (decided when it was set).
    pub fn rejected_when_set(self) -> bool {
        matches!(
            self,
            NotSentReason::Malformed
                | NotSentReason::SameSiteNoneWithoutSecure
                | NotSentReason::PartitionedWithoutSecure
                | NotSentReason::SecureSetOverHttp
                | NotSentReason::PrefixViolation { .. }
                | NotSentReason::DomainNotMatchingSetter
        )
    }
}

impl fmt::Display for NotSentReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Where and when a `Set-Cookie` arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetOn<'a> {
    /// The URL of the response that carried the `Set-Cookie`.
    pub url: CookieUrl<'a>,
    /// When it was received (the response time), the base of `Max-Age`.
    pub received_at: Timestamp,
}

/// Whether a browser would send `cookie`, set as described by `set_on`, with a request to
/// `request` in `site` context at `now`; otherwise the first reason it would not, checking
/// storage rules first (RFC 6265bis §5.7) and then retrieval rules (§5.8.3,
/// <https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-5.8.3>).
///
/// # Errors
/// The [`NotSentReason`].
///
/// Not modelled: third-party cookie blocking (Safari, Firefox strict mode, Chrome with
/// third-party cookies disabled) and Chrome's two-minute "Lax+POST" allowance for cookies
/// without `SameSite`.
pub fn would_send(
    cookie: &SetCookie,
    set_on: SetOn<'_>,
    request: CookieUrl<'_>,
    site: SiteContext,
    now: Timestamp,
) -> Result<(), NotSentReason> {
    if cookie.ignored {
        return Err(NotSentReason::Malformed);
    }
    if cookie.same_site == Some(SameSite::None) && !cookie.secure {
        return Err(NotSentReason::SameSiteNoneWithoutSecure);
    }
    if cookie.partitioned && !cookie.secure {
        return Err(NotSentReason::PartitionedWithoutSecure);
    }
    if cookie.secure && !set_on.url.is_trustworthy() {
        return Err(NotSentReason::SecureSetOverHttp);
    }
    if let (Some(prefix), Some(_)) = (cookie.prefix(), cookie.prefix_violation()) {
        return Err(NotSentReason::PrefixViolation { prefix });
    }
    if let Some(domain) = &cookie.domain {
        if !domain_matches(domain, set_on.url.host) {
            return Err(NotSentReason::DomainNotMatchingSetter);
        }
    }
    if expires_at(cookie, set_on.received_at).is_some_and(|t| t <= now) {
        return Err(NotSentReason::Expired);
    }
    if cookie.secure && !request.is_trustworthy() {
        return Err(NotSentReason::SecureOverHttp);
    }
    let host_ok = match &cookie.domain {
        Some(domain) => domain_matches(domain, request.host),
        None => request.host.eq_ignore_ascii_case(set_on.url.host),
    };
    if !host_ok {
        return Err(NotSentReason::DomainMismatch);
    }
    let path = cookie
        .path
        .as_deref()
        .unwrap_or_else(|| default_path(set_on.url.path));
    if !path_matches(path, request.path) {
        return Err(NotSentReason::PathMismatch);
    }
    if site.cross_site {
        let by_default = cookie.same_site.is_none();
        match cookie.same_site_effective() {
            SameSite::Strict => return Err(NotSentReason::SameSiteStrictCrossSite),
            SameSite::Lax if !site.top_level_navigation => {
                return Err(NotSentReason::SameSiteLaxCrossSiteSubresource { by_default })
            }
            SameSite::Lax if !site.safe_method => {
                return Err(NotSentReason::SameSiteLaxCrossSiteUnsafeMethod { by_default })
            }
            SameSite::Lax | SameSite::None => {}
        }
    }
    Ok(())
}
