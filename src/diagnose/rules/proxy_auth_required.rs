//! `proxy-auth-required`: a 407 from a proxy between the client and the server.
//!
//! [RFC 9110 §15.5.8](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.8): 407 is the
//! proxy's 401; its challenge is in `Proxy-Authenticate` and the answer goes in
//! `Proxy-Authorization` ([§11.7](https://www.rfc-editor.org/rfc/rfc9110#section-11.7)).

use crate::finding::Finding;
use crate::fixes::hint;

use super::{clip, make, request_line, Facts};

/// Raised on every 407.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
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
