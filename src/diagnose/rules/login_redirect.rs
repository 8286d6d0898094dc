//! `login-redirect`: a redirect to a login page where an API should answer 401.
//!
//! [RFC 9110 §15.5.2](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2): missing or
//! invalid credentials are a 401 with a challenge. A 302/303 to `/login` makes `fetch`
//! follow it and return the login page's HTML with status 200: the failure is disguised.

use crate::exchange::UrlParts;
use crate::finding::{Finding, Severity};

use super::{clip, make, request_line, Facts};

const LOGIN_SEGMENTS: &[&str] = &[
    "login",
    "signin",
    "sign-in",
    "sign_in",
    "logon",
    "log-in",
    "authenticate",
    "sso",
    "saml",
    "saml2",
    "wp-login.php",
    "login.php",
    "login.aspx",
    "login.jsp",
    "authorize",
];

fn is_login_url(target: &str) -> bool {
    let u = UrlParts::parse(target);
    let path = u.path.to_ascii_lowercase();
    path.split('/')
        .filter(|s| !s.is_empty())
        .any(|seg| LOGIN_SEGMENTS.contains(&seg))
}

fn api_like(f: &Facts<'_>) -> bool {
    let rt =
        f.ex.resource_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
    if rt == "fetch" || rt == "xhr" {
        return true;
    }
    if rt == "document" {
        return false;
    }
    let accept = f.req("accept").unwrap_or("").to_ascii_lowercase();
    accept.contains("application/json") && !accept.contains("text/html")
        || f.req("x-requested-with").is_some()
        || f.url.path.starts_with("/api/")
        || f.url.path.starts_with("/graphql")
}

/// Raised on a 3xx whose target is a login page: warning for API calls, info for page
/// navigations (where a login redirect is the normal answer).
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !matches!(f.status, 301 | 302 | 303 | 307 | 308) || is_login_url(f.ex.request.url.as_str()) {
        return;
    }
    let Some(target) = f.redirect_target() else {
        return;
    };
    if !is_login_url(&target) {
        return;
    }
    let shown = {
        let u = UrlParts::parse(&target);
        format!("{}{}", u.origin(), clip(u.path, 120))
    };
    let api = api_like(f);
    let detail = if api {
        format!(
            "{} answered {} to the login page {shown} instead of 401. fetch/XHR follow the redirect and receive the login page's HTML with status 200, so the app sees a parse error, not an auth failure. The session is missing or expired; and an API should answer 401 with WWW-Authenticate.",
            request_line(f),
            f.status
        )
    } else {
        format!(
            "The page navigation {} was redirected to the login page {shown}: the session is missing or expired. Normal for pages; noted for context.",
            request_line(f)
        )
    };
    let mut finding = make("login-redirect", detail)
        .with_evidence("response status", f.status.to_string())
        .with_evidence("redirect target", shown)
        .with_fix("relogin")
        .with_fix("add-www-authenticate")
        .with_fix("check-server-logs");
    if !api {
        finding.severity = Severity::Info;
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use super::is_login_url;

    #[test]
    fn login_urls() {
        for yes in [
            "https://app.example.com/login?next=%2Fapi",
            "https://id.example.com/u/login",
            "https://app.example.com/Account/Login?ReturnUrl=%2F",
            "https://app.example.com/users/sign_in",
            "https://blog.example.com/wp-login.php",
            "https://login.example.com/oauth2/authorize?client_id=x",
        ] {
            assert!(is_login_url(yes), "{yes}");
        }
        for no in [
            "https://app.example.com/api/logins-count",
            "https://cdn.example.com/app.js",
            "https://x/blog/login-tips",
        ] {
            assert!(!is_login_url(no), "{no}");
        }
        assert!(!is_login_url("https://app.example.com/v2/orders"));
        // Regression (playground): a path segment that merely starts with "login".
        assert!(!is_login_url(
            "http://127.0.0.1:8401/api/login-redirect/account"
        ));
    }
}
