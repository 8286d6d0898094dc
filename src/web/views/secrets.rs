//! What the UI masks when it shows captured data (secrets are masked by default; the user
//! can reveal them for the current view).

use crate::cookie;
use crate::fixes::request::mask_authorization;
use crate::secret::{mask, mask_all};

/// Header fields whose values are credentials or carry them.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-amz-security-token",
    "x-csrf-token",
    "x-xsrf-token",
    "dpop",
];

/// Query parameters that carry secrets (OAuth 2.0 implicit and code flows, signed URLs).
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "id_token",
    "refresh_token",
    "token",
    "code",
    "code_verifier",
    "client_secret",
    "password",
    "api_key",
    "apikey",
    "key",
    "sig",
    "signature",
    "x-amz-signature",
    "x-amz-security-token",
];

/// Whether a header's value is masked by default.
pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// A header value as shown by default: credentials masked, their structure kept (scheme,
/// Digest parameter names, cookie names and attributes). A Basic password is never shown,
/// not even its prefix. The masking itself is the core's ([`mask_authorization`],
/// [`cookie`]); this module only decides which fields get it.
pub fn header_value(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "authorization" | "proxy-authorization" => mask_authorization(value),
        "cookie" => cookie::parse_cookie_header(value)
            .masked()
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect::<Vec<_>>()
            .join("; "),
        "set-cookie" => {
            // Only the first pair is the cookie; the attributes are not secret and matter.
            let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
            let masked = match pair.split_once('=') {
                Some((n, v)) => {
                    let m = cookie::MaskedCookie::new(n.trim(), v.trim());
                    format!("{}={}", m.name, m.value)
                }
                None => mask(pair.trim()),
            };
            if attributes.is_empty() {
                masked
            } else {
                format!("{masked};{attributes}")
            }
        }
        _ if is_secret_header(&lower) => mask(value),
        _ => value.to_owned(),
    }
}

/// A URL as shown by default: values of token-carrying query parameters and any userinfo
/// password masked.
pub fn url(url: &str) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let base = mask_userinfo(base);
    let mut out = base;
    if let Some(q) = query {
        out.push('?');
        out.push_str(&mask_params(q, '&'));
    }
    if let Some(f) = fragment {
        out.push('#');
        // Implicit-flow tokens arrive in the fragment as `access_token=…&…`.
        out.push_str(&mask_params(f, '&'));
    }
    out
}

fn mask_userinfo(base: &str) -> String {
    let Some((scheme, rest)) = base.split_once("://") else {
        return base.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let shown = if userinfo.contains(':') {
                format!(
                    "{user}:{}",
                    mask_all(userinfo.get(user.len() + 1..).unwrap_or(""))
                )
            } else {
                user.to_owned()
            };
            format!("{scheme}://{shown}@{host}{path}")
        }
        None => base.to_owned(),
    }
}

fn mask_params(query: &str, sep: char) -> String {
    query
        .split(sep)
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if SECRET_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(k)) => {
                format!("{k}={}", mask(v))
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(&sep.to_string())
}
