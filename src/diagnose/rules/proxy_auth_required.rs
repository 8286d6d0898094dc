//! `proxy-auth-required`: a 407 from a proxy between the client and the server.
//!
//! [RFC 9110 §15.5.8](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.8): 407 is the
//! proxy's 401; its challenge is in `Proxy-Authenticate` and the answer goes in
//! `Proxy-Authorization` ([§11.7](https://www.rfc-editor.org/rfc/rfc9110#section-11.7)).

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// Chrome's errors for a 407 it would not show: from a server that is not the
/// configured proxy, or a proxy scheme it cannot answer.
const PROXY_NET_ERRORS: &[&str] = &[
    "ERR_UNEXPECTED_PROXY_AUTH",
    "ERR_PROXY_AUTH_UNSUPPORTED",
    "ERR_PROXY_AUTH_REQUESTED",
    "ERR_PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION",
];

/// A request without response that the browser failed for proxy authentication.
fn blocked_by_proxy_auth(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(err) = f
        .net_error
        .filter(|e| PROXY_NET_ERRORS.iter().any(|p| e.contains(p)))
    else {
        return;
    };
    out.push(
        make(
            "proxy-auth-required",
            format!(
                "{} failed with {}: a 407 Proxy Authentication Required came back and the browser would not answer it — from a server that is not the configured proxy, or with a scheme it cannot use. Something between the browser and the API (a proxy, firewall or VPN) wants credentials; the application never saw the request.",
                request_line(f),
                clip(err, 80)
            ),
        )
        .with_evidence("browser error", clip(err, 80))
        .with_fix("use-proxy-credentials")
        .with_ref("RFC 9110 §11.7", "https://www.rfc-editor.org/rfc/rfc9110#section-11.7"),
    );
}

/// Raised on every 407, and on a request the browser failed with a proxy-authentication
/// network error (Chrome shows such a 407 as status 0).
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status == 0 {
        blocked_by_proxy_auth(f, out);
        return;
    }
    if f.status != 407 {
        return;
    }
    let challenge = f.res("proxy-authenticate");
    let sent = f.req("proxy-authorization").is_some();
    let mut detail = format!(
        "{} was stopped by a proxy (407 Proxy Authentication Required) before it reached the server: a corporate proxy, firewall or VPN gateway wants credentials. The application is not involved.",
        request_line(f)
    );
    if sent {
        detail.push_str(" Proxy-Authorization was sent and rejected: the proxy credentials are wrong or use a scheme the proxy does not accept.");
    }
    if challenge.is_none() {
        detail.push_str(" The proxy sent no Proxy-Authenticate, which RFC 9110 §11.7.1 requires.");
    }
    let mut finding = make("proxy-auth-required", detail)
        .with_evidence("response status", "407")
        .with_fix("use-proxy-credentials");
    if let Some(c) = challenge {
        finding = finding.with_evidence(hint::PROXY_CHALLENGE, clip(c, 200));
        if let Some(realm) = f
            .proxy_challenges
            .as_ref()
            .and_then(|p| p.challenges.iter().find_map(|c| c.param_value("realm")))
        {
            finding = finding.with_evidence("proxy realm", clip(realm, 100));
        }
    }
    if sent {
        finding = finding.with_evidence("request header Proxy-Authorization", "sent (masked)");
    }
    out.push(finding.with_ref(
        "RFC 9110 §11.7",
        "https://www.rfc-editor.org/rfc/rfc9110#section-11.7",
    ));
}
