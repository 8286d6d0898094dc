//! Client-side guidance and the panel's own actions: steps that quote the evidence.

use crate::exchange::UrlParts;

use super::{endpoint, hint, quote, Action, Fix, FixContext, Snippet};

fn origin(ctx: &FixContext<'_>) -> Option<String> {
    ctx.exchange
        .map(|e| UrlParts::parse(&e.request.url).origin())
}

/// `clear-site-cookies`, `clear-site-cache`, `hard-reload`.
pub(super) fn panel_action(id: &str, ctx: &FixContext<'_>) -> Option<Fix> {
    let where_ = origin(ctx).unwrap_or_else(|| "the inspected site".to_string());
    let fix = match id {
        "clear-site-cookies" => Fix::new("clear-site-cookies", "Clear site cookies")
            .action(Action::ClearSiteCookies)
            .step(format!(
                "Removes the cookies of the inspected page's origin and of {where_}; other sites keep theirs."
            ))
            .step("You will be logged out there; log in again, then repeat the request."),
        "clear-site-cache" => Fix::new("clear-site-cache", "Clear site cache")
            .action(Action::ClearSiteCache)
            .step(format!(
                "Removes the HTTP cache and Cache Storage of {where_}, so a stored 401/403 is not replayed."
            ))
            .step("Where the browser cannot clear one origin's cache, use Hard reload instead."),
        "hard-reload" => Fix::new("hard-reload", "Hard reload")
            .action(Action::HardReload)
            .step("Reloads the inspected page bypassing the cache (like Ctrl+Shift+R / Cmd+Shift+R)."),
        _ => return None,
    };
    Some(fix)
}

pub(super) fn refresh_token(ctx: &FixContext<'_>) -> Fix {
    let mut fix = Fix::new("refresh-token", "Get a fresh access token")
        .step("Use the refresh token (grant_type=refresh_token, RFC 6749 §6) or the SDK's silent renewal to get a new access token before calling the API again.")
        .step("Refresh proactively a little before `exp` (e.g. when less than 60 s remain), not only after a 401.")
        .step("Refresh once and share the result between parallel requests (single-flight), so rotated refresh tokens do not invalidate each other.");
    if let Some(ep) = endpoint(ctx) {
        fix = fix.step(format!("Then retry {ep} with the new token."));
    }
    fix.snippet(Snippet::new(
        "fetch (single-flight refresh)",
        "javascript",
        "let refreshing = null;\n\
         async function accessToken() {\n\
         \x20 if (tokenExpiresAt - Date.now() > 60_000) return token;\n\
         \x20 refreshing ??= refresh().finally(() => { refreshing = null; });\n\
         \x20 return refreshing;\n\
         }\n\
         async function refresh() {\n\
         \x20 const res = await fetch(TOKEN_URL, {\n\
         \x20   method: \"POST\",\n\
         \x20   headers: { \"content-type\": \"application/x-www-form-urlencoded\" },\n\
         \x20   body: new URLSearchParams({ grant_type: \"refresh_token\", refresh_token: refreshToken, client_id: CLIENT_ID }),\n\
         \x20 });\n\
         \x20 if (!res.ok) throw new Error(`refresh failed: ${res.status}`); // stop: log in again\n\
         \x20 const t = await res.json();\n\
         \x20 token = t.access_token; refreshToken = t.refresh_token ?? refreshToken;\n\
         \x20 tokenExpiresAt = Date.now() + t.expires_in * 1000;\n\
         \x20 return token;\n\
         }",
    ))
}

pub(super) fn relogin(ctx: &FixContext<'_>) -> Fix {
    let mut fix = Fix::new("relogin", "Log in again")
        .step("The session or refresh token can no longer be renewed (revoked, rotated, reused or expired): send the user through the login flow again.")
        .step("In the app, treat a failed refresh as final: clear the stored tokens and redirect to login instead of retrying.");
    if let Some(o) = origin(ctx) {
        fix = fix.step(format!(
            "To test by hand: clear the cookies for {o}, log in, then repeat the request."
        ));
    }
    fix
}

pub(super) fn send_credentials(ctx: &FixContext<'_>) -> Fix {
    let scheme = ctx.hint(hint::REQUIRED_SCHEME).unwrap_or("Bearer");
    let mut fix = Fix::new(
        "send-credentials",
        format!("Send {scheme} credentials with the request"),
    );
    if let Some(ep) = endpoint(ctx) {
        fix = fix.step(format!(
            "{ep} went out without credentials; the server asks for the {scheme} scheme."
        ));
    }
    fix.step(format!(
        "Add `Authorization: {scheme} …` where the request is made (an interceptor or the SDK's auth option), and check that it runs for this URL."
    ))
    .step("For cookie sessions across origins, pass `credentials: \"include\"` to fetch (`withCredentials = true` for XMLHttpRequest/axios) and have the server answer with `Access-Control-Allow-Credentials: true` and an explicit `Access-Control-Allow-Origin`.")
    .snippet(Snippet::new(
        "fetch",
        "javascript",
        format!(
            "await fetch(url, {{\n  headers: {{ Authorization: `{scheme} ${{token}}` }},\n  credentials: \"include\", // only when a cookie must travel cross-origin\n}});"
        ),
    ))
}

pub(super) fn fix_authorization_format(ctx: &FixContext<'_>) -> Fix {
    let mut fix = Fix::new("fix-authorization-format", "Send `Authorization: <scheme> <credentials>`")
        .step("RFC 9110 §11.6.2: the value is the scheme, one space, then the token — no quotes, no second scheme word, no line breaks or spaces inside the token.");
    if let Some(sent) = ctx
        .exchange
        .and_then(|e| e.request.headers.get("authorization"))
    {
        let masked = super::request::mask_authorization(sent);
        let fixed =
            super::request::mask_authorization(&super::request::normalize_authorization(sent));
        fix = fix.step(format!(
            "Sent {}; should be {}.",
            quote(&masked),
            quote(&fixed)
        ));
    }
    fix.step("Typical causes: string concatenation adding `Bearer ` twice, JSON.stringify on the token (adds quotes), or a token copied with a trailing newline.")
        .snippet(Snippet::new(
            "fetch",
            "javascript",
            "const token = raw.trim().replace(/^\"|\"$/g, \"\").replace(/^Bearer\\s+/i, \"\");\nheaders.set(\"Authorization\", `Bearer ${token}`);",
        ))
}

pub(super) fn request_scope(ctx: &FixContext<'_>) -> Fix {
    let missing = ctx.hint(hint::MISSING_SCOPES);
    let title = match missing {
        Some(m) => format!("Request the missing scopes: {m}"),
        None => "Request the scopes this API requires".to_string(),
    };
    let mut fix = Fix::new("request-scope", title);
    if let Some(m) = missing {
        fix = fix.step(format!("The token does not carry {}.", quote(m)));
    }
    fix.step("Add them to the `scope` parameter of the authorization request (RFC 6749 §3.3), and make sure the client is allowed to request them (consent, app registration, API permissions).")
        .step("Log in again (or re-consent): refreshing keeps the scopes originally granted (RFC 6749 §6).")
        .step("If the scopes are right but the server still refuses, it may expect them under another claim (`scp` vs `scope`) or another name: compare with the API's documentation.")
}

pub(super) fn use_correct_audience(ctx: &FixContext<'_>) -> Fix {
    let aud = ctx.hint(hint::TOKEN_AUDIENCE);
    let api = ctx
        .hint(hint::API_CALLED)
        .map(str::to_string)
        .or_else(|| origin(ctx));
    let mut fix = Fix::new(
        "use-correct-audience",
        "Request a token issued for this API",
    );
    match (aud, &api) {
        (Some(a), Some(b)) => {
            fix = fix.step(format!(
                "The token is for {} but the request went to {}.",
                quote(a),
                quote(b)
            ));
        }
        (None, Some(b)) => {
            fix = fix.step(format!("The token's audience does not name {}.", quote(b)));
        }
        _ => {}
    }
    fix.step("Request the token with the API's identifier: `audience` (Auth0), `resource` (RFC 8707, Azure AD v1) or the `api://…/.default` scope (Entra ID v2).")
        .step("If the app calls several APIs, keep one token per audience and pick by URL.")
        .step("On the server, check the expected audience setting (e.g. `spring.security.oauth2.resourceserver.jwt.audiences`, ASP.NET `ValidAudience`).")
}

pub(super) fn retry_with_nonce(ctx: &FixContext<'_>) -> Fix {
    let mut fix = Fix::new(
        "retry-with-nonce",
        "Retry with the nonce the server just sent",
    );
    if let Some(n) = ctx.hint(hint::DPOP_NONCE) {
        fix = fix
            .step(format!(
                "Build a new DPoP proof whose `nonce` claim is {} and retry the same request (RFC 9449 §8, §9).",
                quote(n)
            ))
            .step("Keep using the latest `DPoP-Nonce` from each response; servers rotate it.");
    } else if let Some(n) = ctx.hint(hint::DIGEST_NONCE) {
        fix = fix
            .step(format!(
                "The password was right; only the nonce expired (`stale=true`). Recompute the Digest response with nonce {} and retry, without asking the user again (RFC 7616 §3.3).",
                quote(n)
            ));
    } else {
        fix = fix.step("Take the fresh nonce from the response (`DPoP-Nonce` header, or Digest `nonce` with `stale=true`) and retry once with it.");
    }
    fix.step("Retry once only: a second failure with a fresh nonce is a different problem.")
}

pub(super) fn use_proxy_credentials(ctx: &FixContext<'_>) -> Fix {
    let mut fix = Fix::new(
        "use-proxy-credentials",
        "Authenticate to the proxy, not to the API",
    );
    if let Some(c) = ctx.hint(hint::PROXY_CHALLENGE) {
        fix = fix.step(format!("The proxy asked: {}.", quote(c)));
    }
    fix.step("A 407 comes from a proxy between you and the server (corporate proxy, firewall, VPN gateway); the API never saw the request.")
        .step("Browser: sign in to the proxy when prompted, or ask IT for the PAC/proxy settings. Command line: pass the proxy credentials explicitly.")
        .step("Credentials for the proxy go in `Proxy-Authorization`; never put them in `Authorization` (RFC 9110 §11.7).")
        .snippet(Snippet::new(
            "curl",
            "shell",
            "curl --proxy http://proxy.corp.example:8080 --proxy-user \"$USER\" --proxy-anyauth https://api.example.com/",
        ))
        .snippet(Snippet::new(
            "environment",
            "shell",
            "export HTTPS_PROXY=http://proxy.corp.example:8080\nexport NO_PROXY=localhost,127.0.0.1,.internal.example",
        ))
}

pub(super) fn fix_cookie_attributes(ctx: &FixContext<'_>) -> Fix {
    let cookie = ctx.hint(hint::COOKIE).unwrap_or("the session cookie");
    let attr = ctx.hint(hint::COOKIE_ATTRIBUTE);
    let title = match attr {
        Some(a) => format!("Fix `{a}` on {cookie}"),
        None => format!("Fix the attributes of {cookie}"),
    };
    let mut fix = Fix::new("fix-cookie-attributes", title);
    let lower = attr.map(str::to_ascii_lowercase).unwrap_or_default();
    let advice = if lower.contains("samesite=none")
        || lower.contains("secure") && lower.contains("samesite")
    {
        "Send `SameSite=None; Secure` together: browsers drop `SameSite=None` cookies without `Secure` (RFC 6265bis §5.6.7)."
    } else if lower.contains("secure") {
        "A `Secure` cookie is only sent over https: serve the site and the API over https (localhost counts as secure in Chromium)."
    } else if lower.contains("domain") {
        "Set `Domain` to the parent domain shared by the page and the API (e.g. `Domain=example.com`), or omit it to bind the cookie to the host that set it."
    } else if lower.contains("path") {
        "Widen `Path` (usually `Path=/`) so the cookie covers the API's path."
    } else if lower.contains("max-age") || lower.contains("expires") {
        "The cookie was deleted or had expired: a logout or a too-short lifetime. Log in again and check the session lifetime settings."
    } else if lower.contains("samesite") {
        "`SameSite=Lax`/`Strict` cookies do not travel on cross-site subresource requests: use `SameSite=None; Secure` (and CHIPS `Partitioned` if it is a third-party context), or serve the API from the same site."
    } else if lower.contains("credentials") {
        "Cross-origin fetch sends cookies only with `credentials: \"include\"`, and the response must allow it (`Access-Control-Allow-Credentials: true`, explicit origin)."
    } else if lower.contains("third-party") {
        "The browser blocks third-party cookies here: move the API under the site's own domain, or use `Partitioned` (CHIPS) cookies or tokens instead."
    } else {
        "Compare the cookie's `Domain`, `Path`, `Secure`, `SameSite` and lifetime with the request that lacked it."
    };
    fix = fix.step(advice);
    fix.step("Check it in DevTools › Application › Cookies, and the request's Cookies tab (filtered-out cookies show the reason on hover).")
        .snippet(Snippet::new(
            "Set-Cookie",
            "text",
            format!(
                "Set-Cookie: {}=<value>; Path=/; Secure; HttpOnly; SameSite=None; Partitioned",
                if cookie.contains(' ') { "session" } else { cookie }
            ),
        ))
}

pub(super) fn avoid_cross_origin_redirect(ctx: &FixContext<'_>) -> Fix {
    let mut fix = Fix::new(
        "avoid-cross-origin-redirect",
        "Call the final URL directly, or re-send credentials after the redirect",
    );
    if let Some(r) = ctx.hint(hint::REDIRECT) {
        fix = fix.step(format!("The hop {} crossed origins.", quote(r)));
    }
    fix.step("Browsers drop `Authorization` when a redirect leaves the origin (Fetch standard, “HTTP-redirect fetch”); curl does the same unless `--location-trusted`.")
        .step("Point the client at the final URL (fix the base URL, trailing slash or http→https mismatch that causes the redirect), or follow redirects manually (`redirect: \"manual\"`) and re-attach the header only for origins you trust.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Severity};

    #[test]
    fn cookie_advice_names_the_attribute() {
        let cases = [
            ("SameSite=None without Secure", "SameSite=None; Secure"),
            ("Secure", "only sent over https"),
            ("Domain", "parent domain"),
            ("Path", "Widen `Path`"),
            ("Max-Age=0", "deleted or had expired"),
            ("credentials mode", "credentials: \\\"include\\\""),
        ];
        for (attr, expect) in cases {
            let f = Finding::new("cookie-not-sent", Severity::Error, "t", "d")
                .with_evidence(hint::COOKIE, "sid")
                .with_evidence(hint::COOKIE_ATTRIBUTE, attr);
            let fix = fix_cookie_attributes(&FixContext::for_finding(&f, None));
            let json = serde_json::to_string(&fix).unwrap();
            assert!(json.contains(expect), "{attr}: {json}");
            assert!(
                fix.title.contains(attr) && fix.title.contains("sid"),
                "{}",
                fix.title
            );
        }
    }

    #[test]
    fn nonce_is_quoted_for_dpop_and_digest() {
        let f = Finding::new("x", Severity::Warning, "t", "d")
            .with_evidence(hint::DPOP_NONCE, "eyJ7S_zG");
        let fix = retry_with_nonce(&FixContext::for_finding(&f, None));
        assert!(fix.steps[0].contains("`eyJ7S_zG`") && fix.steps[0].contains("RFC 9449"));
        let f = Finding::new("x", Severity::Warning, "t", "d")
            .with_evidence(hint::DIGEST_NONCE, "7ypf/xlj9");
        let fix = retry_with_nonce(&FixContext::for_finding(&f, None));
        assert!(fix.steps[0].contains("`7ypf/xlj9`") && fix.steps[0].contains("stale=true"));
    }

    #[test]
    fn audience_names_both_sides() {
        let f = Finding::new("audience-mismatch", Severity::Error, "t", "d")
            .with_evidence(hint::TOKEN_AUDIENCE, "https://other.example")
            .with_evidence(hint::API_CALLED, "https://api.example.com");
        let fix = use_correct_audience(&FixContext::for_finding(&f, None));
        assert!(
            fix.steps[0].contains("https://other.example")
                && fix.steps[0].contains("https://api.example.com")
        );
    }
}
