//! `cookie-not-sent`: the session cookie set earlier did not travel with the failing request.
//!
//! [RFC 6265 §5.4](https://www.rfc-editor.org/rfc/rfc6265#section-5.4) (and 6265bis §5.8.3)
//! decide which cookies a request carries; [`crate::cookie::would_send`] applies them to the
//! `Set-Cookie` remembered in the jar and names the first reason it would not be sent.
//! When the attributes allow it, the remaining causes are the request's credentials mode
//! (cross-origin `fetch` without `credentials: "include"`) or third-party cookie blocking.

use crate::cookie::{
    parse_cookie_header, would_send, CookieUrl, NotSentReason, SameSite, SetOn, SiteContext,
};
use crate::finding::Finding;
use crate::fixes::hint;

use super::super::engine::Ctx;
use super::super::facts::is_session_cookie_name;
use super::super::jar::{same_site, JarEntry};
use super::{clip, make, request_line, Facts};

/// The attribute (or browser rule) to name for a reason.
fn attribute(reason: NotSentReason, e: &JarEntry) -> String {
    match reason {
        NotSentReason::Malformed => "the Set-Cookie syntax".into(),
        NotSentReason::SameSiteNoneWithoutSecure => "SameSite=None without Secure".into(),
        NotSentReason::PartitionedWithoutSecure => "Partitioned without Secure".into(),
        NotSentReason::SecureSetOverHttp => "Secure (set over http)".into(),
        NotSentReason::PrefixViolation { prefix } => format!("the {} prefix", prefix.as_str()),
        NotSentReason::DomainNotMatchingSetter | NotSentReason::DomainMismatch => {
            match &e.cookie.domain {
                Some(d) => format!("Domain={d}"),
                None => "Domain (host-only cookie)".into(),
            }
        }
        NotSentReason::Expired => match e.cookie.max_age {
            Some(m) if m <= 0 => format!("Max-Age={m}"),
            _ => "Expires".into(),
        },
        NotSentReason::SecureOverHttp => "Secure".into(),
        NotSentReason::PathMismatch => {
            format!("Path={}", e.cookie.path.as_deref().unwrap_or("(default)"))
        }
        NotSentReason::SameSiteStrictCrossSite => "SameSite=Strict".into(),
        NotSentReason::SameSiteLaxCrossSiteSubresource { by_default }
        | NotSentReason::SameSiteLaxCrossSiteUnsafeMethod { by_default } => {
            if by_default {
                "SameSite (missing, so Lax by default)".into()
            } else {
                "SameSite=Lax".into()
            }
        }
    }
}

fn site_context(f: &Facts<'_>) -> SiteContext {
    let navigation =
        f.ex.resource_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("document"))
            || f.req("sec-fetch-mode")
                .is_some_and(|m| m.eq_ignore_ascii_case("navigate"));
    let cross = match f.req("sec-fetch-site") {
        Some(s) => s.eq_ignore_ascii_case("cross-site"),
        None => f
            .req("origin")
            .or_else(|| f.req("referer"))
            .map(crate::exchange::UrlParts::parse)
            .is_some_and(|o| !o.host.is_empty() && !same_site(&o, f.url.host)),
    };
    if !cross {
        SiteContext::same_site()
    } else if navigation {
        SiteContext::cross_site_navigation(&f.ex.request.method)
    } else {
        SiteContext::cross_site_subresource()
    }
}

/// Whether the request is cross-origin from the page that made it.
fn cross_origin(f: &Facts<'_>) -> bool {
    f.req("origin")
        .map(crate::exchange::UrlParts::parse)
        .is_some_and(|o| !o.host.is_empty() && o.origin() != f.origin)
        || f.req("sec-fetch-site")
            .is_some_and(|s| !s.eq_ignore_ascii_case("same-origin"))
}

/// Raised on a 401/403 when a session-like cookie set earlier in the log for this site
/// was not in the request's `Cookie` header.
pub fn check(f: &Facts<'_>, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !(f.status == 401 || f.status == 403) || f.preflight {
        return;
    }
    // A request that authenticates another way (a token, an API key) does not depend on
    // the session cookie; its absence explains nothing there.
    if f.authorization.is_some()
        || f.req("proxy-authorization").is_some()
        || super::super::facts::API_KEY_HEADERS
            .iter()
            .any(|h| f.req(h).is_some())
        || f.url_credential().is_some()
    {
        return;
    }
    let Some(now) = f.at else {
        return;
    };
    let sent = f.req("cookie").map(parse_cookie_header).unwrap_or_default();
    let request = CookieUrl {
        secure: f.url.is_secure(),
        host: f.url.host,
        path: f.url.path,
    };
    let site = site_context(f);
    let candidate = cx.jar.newest_first().find(|e| {
        (is_session_cookie_name(&e.cookie.name) || e.cookie.http_only)
            && same_site(&f.url, &e.set_host)
            && sent.get(&e.cookie.name).is_none()
            && e.received_at <= now
    });
    let Some(e) = candidate else {
        return;
    };
    let set_on = SetOn {
        url: CookieUrl {
            secure: e.set_secure,
            host: &e.set_host,
            path: &e.set_path,
        },
        received_at: e.received_at,
    };
    let name = clip(&e.cookie.name, 80);
    let (attr, why, fixes): (String, String, &[&'static str]) = match would_send(&e.cookie, set_on, request, site, now) {
        Err(reason) => {
            let fixes: &[&'static str] = if reason == NotSentReason::Expired {
                &["relogin", "fix-cookie-attributes"]
            } else {
                &["fix-cookie-attributes", "clear-site-cookies"]
            };
            let mut why = reason.message().to_string();
            if reason == NotSentReason::Expired && e.cookie.max_age.is_some_and(|m| m <= 0) {
                why = format!("entry {} deleted it with Max-Age=0: a logout (or a session reset by the server)", e.index);
            }
            (attribute(reason, e), why, fixes)
        }
        Ok(()) if cross_origin(f) && site.cross_site && e.cookie.same_site_effective() == SameSite::None => (
            "third-party cookies".into(),
            "the attributes allow it, so either the request was made without credentials: \"include\", or the browser blocks third-party cookies here (Safari, Firefox strict mode, Chrome with third-party cookies off)".into(),
            &["copy-fetch", "fix-cookie-attributes"],
        ),
        Ok(()) if cross_origin(f) => (
            "credentials mode".into(),
            "the attributes allow it, but a cross-origin fetch/XHR sends cookies only with credentials: \"include\" (withCredentials for XHR/axios), and the response must allow it with Access-Control-Allow-Credentials: true".into(),
            &["copy-fetch", "fix-cookie-attributes"],
        ),
        Ok(()) => (
            "the cookie store".into(),
            "the attributes allow it: the cookie was removed since (by script, DevTools, clearing site data or the browser's tracking protection) or set in another browser profile".into(),
            &["relogin", "clear-site-cookies"],
        ),
    };
    let mut finding = make(
        "cookie-not-sent",
        format!(
            "The session cookie `{name}` set by entry {} was not sent with {}: {why}.",
            e.index,
            request_line(f)
        ),
    )
    .with_evidence(hint::COOKIE, name.clone())
    .with_evidence(hint::COOKIE_ATTRIBUTE, attr)
    .with_evidence(
        format!("set by entry {}", e.index),
        format!(
            "Set-Cookie: {name}=…[{} chars]; {}",
            e.value_len,
            describe(e)
        ),
    )
    .with_evidence(
        "request header Cookie",
        if sent.pairs.is_empty() {
            "absent".to_string()
        } else {
            names(&sent)
        },
    )
    .with_entry(e.index);
    for fx in fixes {
        finding = finding.with_fix(fx);
    }
    out.push(finding);
}

fn names(h: &crate::cookie::CookieHeader) -> String {
    let n: Vec<&str> = h.pairs.iter().take(8).map(|p| p.name.as_str()).collect();
    format!("{} (values masked)", n.join("; "))
}

fn describe(e: &JarEntry) -> String {
    let c = &e.cookie;
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = &c.domain {
        parts.push(format!("Domain={d}"));
    }
    if let Some(p) = &c.path {
        parts.push(format!("Path={p}"));
    }
    if let Some(m) = c.max_age {
        parts.push(format!("Max-Age={m}"));
    }
    if let Some(x) = c.expires {
        parts.push(format!("Expires={}", x.to_http_date()));
    }
    if c.secure {
        parts.push("Secure".into());
    }
    if c.http_only {
        parts.push("HttpOnly".into());
    }
    if let Some(s) = c.same_site {
        parts.push(format!("SameSite={}", s.as_str()));
    }
    if c.partitioned {
        parts.push("Partitioned".into());
    }
    parts.join("; ")
}
