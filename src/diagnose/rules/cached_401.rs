//! `cached-401`: the failure came from a cache, or is cacheable.
//!
//! [RFC 9111 §3](https://www.rfc-editor.org/rfc/rfc9111#section-3): a response with explicit
//! freshness (`public`, `max-age`, `s-maxage`, `Expires`) may be stored even when it is a
//! 401; [§4.1](https://www.rfc-editor.org/rfc/rfc9111#section-4.1): without `Vary` naming
//! the credential header, a cache serves it to every caller. A replayed failure survives a
//! fresh login until it expires.

use crate::finding::{Finding, Severity};

use super::{clip, make, request_line, Facts};

const HIT_HEADERS: &[&str] = &[
    "x-cache",
    "x-cache-status",
    "cf-cache-status",
    "x-proxy-cache",
    "x-drupal-cache",
    "x-varnish-cache",
    "x-fastcgi-cache",
];

fn has_token(list: &str, token: &str) -> bool {
    list.split(',').any(|t| {
        let t = t.trim();
        t.eq_ignore_ascii_case(token)
            || t.split_once('=')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(token))
    })
}

fn directive_secs(cc: &str, name: &str) -> Option<i64> {
    cc.split(',').find_map(|d| {
        let (k, v) = d.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').parse().ok())
            .flatten()
    })
}

/// Evidence that this response was served from a cache.
fn served_from_cache(f: &Facts<'_>) -> Vec<(String, String)> {
    let mut ev = Vec::new();
    if let Some(c) = f.ex.from_cache.as_deref().filter(|c| !c.is_empty()) {
        ev.push(("_fromCache".to_string(), clip(c, 20)));
    }
    if let Some(age) = f
        .res("age")
        .filter(|a| a.trim().parse::<u64>().is_ok_and(|n| n > 0))
    {
        ev.push(("response header Age".to_string(), clip(age, 20)));
    }
    for h in HIT_HEADERS {
        if let Some(v) = f.res(h) {
            let upper = v.to_ascii_uppercase();
            if upper.contains("HIT") && !upper.contains("MISS, MISS") {
                ev.push((format!("response header {h}"), clip(v, 60)));
            }
        }
    }
    ev
}

fn shared_hit(ev: &[(String, String)]) -> bool {
    ev.iter().any(|(l, _)| l.starts_with("response header"))
}

/// Why the response may be stored, if it may.
fn cacheable(f: &Facts<'_>) -> Option<String> {
    let cc = f.res("cache-control").unwrap_or("");
    if has_token(cc, "no-store") {
        return None;
    }
    let explicit = has_token(cc, "public")
        || directive_secs(cc, "max-age").is_some_and(|s| s > 0)
        || directive_secs(cc, "s-maxage").is_some_and(|s| s > 0);
    let expires_later = match (
        f.res("expires")
            .and_then(crate::time::Timestamp::parse_http_date),
        f.date.or(f.at),
    ) {
        (Some(e), Some(now)) => e > now && !has_token(cc, "no-cache"),
        _ => false,
    };
    if !(explicit || expires_later) {
        return None;
    }
    let vary =
        f.ex.response
            .headers
            .get_all("vary")
            .collect::<Vec<_>>()
            .join(",");
    let keyed = has_token(&vary, "*")
        || f.authorization.is_some() && has_token(&vary, "authorization")
        || f.authorization.is_none() && f.req("cookie").is_some() && has_token(&vary, "cookie");
    if keyed {
        return None;
    }
    Some(if cc.is_empty() {
        format!("Expires: {}", clip(f.res("expires").unwrap_or(""), 60))
    } else {
        format!("Cache-Control: {}", clip(cc, 100))
    })
}

/// Raised on a 401/403 served from a cache (error) or cacheable without `no-store` or a
/// `Vary` on the credentials (warning).
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !(f.status == 401 || f.status == 403) || f.preflight {
        return;
    }
    let hits = served_from_cache(f);
    let storable = cacheable(f);
    if hits.is_empty() && storable.is_none() {
        return;
    }
    let mut finding = if hits.is_empty() {
        let mut fi = make(
            "cached-401",
            format!(
                "The {} to {} may be stored by the browser or a shared cache and replayed after the user logs in again: it has explicit freshness and no `Cache-Control: no-store`, and its `Vary` does not name the credentials.",
                f.status,
                request_line(f)
            ),
        );
        fi.severity = Severity::Warning;
        fi.title = "The auth failure can be cached".to_string();
        fi.with_fix("no-store-auth-responses")
            .with_fix("vary-authorization")
    } else {
        let shared = shared_hit(&hits);
        let mut fi = make(
            "cached-401",
            format!(
                "The {} for {} came from {}, not from the server: whatever was fixed since (a new login, a new token) is not seen until the entry expires.",
                f.status,
                request_line(f),
                if shared { "a shared cache (CDN or proxy)" } else { "the browser cache" }
            ),
        )
        .with_fix("clear-site-cache")
        .with_fix("hard-reload");
        if shared {
            fi = fi.with_fix("purge-cdn-cache");
        }
        fi.with_fix("no-store-auth-responses")
    };
    for (l, v) in hits {
        finding = finding.with_evidence(l, v);
    }
    if let Some(s) = storable {
        finding = finding.with_evidence("why it is storable", s);
    }
    out.push(finding.with_ref(
        "RFC 9111 §4.1",
        "https://www.rfc-editor.org/rfc/rfc9111#section-4.1",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_parsing() {
        assert!(has_token("public, max-age=600", "public"));
        assert!(has_token("no-store", "no-store"));
        assert!(!has_token("no-store-ish", "no-store"));
        assert_eq!(directive_secs("private, max-age=600", "max-age"), Some(600));
        assert_eq!(directive_secs("max-age=\"60\"", "max-age"), Some(60));
        assert_eq!(directive_secs("max-age=x", "max-age"), None);
        assert!(has_token("Accept-Encoding, Authorization", "authorization"));
    }
}
