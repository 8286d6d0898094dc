//! Vendor conventions layered on the Bearer scheme: Docker / OCI registry token auth and
//! Microsoft Entra ID (Azure AD) resource challenges.

use serde::Serialize;

use super::parse::ChallengeRef;

/// How to fetch a registry token, derived from a Docker / OCI registry challenge
/// (`Bearer realm="https://auth.docker.io/token",service="…",scope="…"`), following the
/// [Docker token authentication spec](https://distribution.github.io/distribution/spec/auth/token/).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRequest {
    /// The exact GET URL: realm plus `service` and one `scope` query parameter per scope.
    pub url: String,
    /// A copy-paste `curl` line (credentials as placeholders).
    pub curl: String,
    /// What to do with the answer.
    pub note: String,
}

/// Whether a Bearer challenge follows the registry token convention: a realm URL plus a
/// `service` parameter.
pub fn is_registry_challenge(c: &ChallengeRef<'_>) -> bool {
    c.is_scheme("Bearer")
        && c.param("service").is_some()
        && c.param_value("realm").is_some_and(is_http_url)
}

fn is_http_url(s: &str) -> bool {
    let lower = s.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The token request for a registry challenge, or `None` if it is not one.
pub fn registry_token_request(c: &ChallengeRef<'_>) -> Option<TokenRequest> {
    if !is_registry_challenge(c) {
        return None;
    }
    let realm = c.param_value("realm")?;
    let service = c.param_value("service")?;
    let mut url = String::with_capacity(realm.len() + 64);
    url.push_str(realm);
    url.push(if realm.contains('?') { '&' } else { '?' });
    url.push_str("service=");
    push_query_value(&mut url, service);
    // A challenge may name several scopes separated by spaces; the token endpoint takes one
    // `scope` parameter each.
    for scope in c
        .params_named("scope")
        .flat_map(|p| p.value.split(' '))
        .filter(|s| !s.is_empty())
    {
        url.push_str("&scope=");
        push_query_value(&mut url, scope);
    }
    let curl = format!(
        "curl -fsS -u '<username>:<password-or-access-token>' {}",
        shell_quote(&url)
    );
    Some(TokenRequest {
        url,
        curl,
        note: "drop -u for anonymous pulls of public images; the json answer has \"token\" (or \"access_token\"): resend the request with 'Authorization: Bearer <token>'".to_string(),
    })
}

/// Percent-encodes a query value, keeping the characters RFC 3986 §3.4 allows unencoded
/// so `repository:a/b:pull,push` stays readable.
fn push_query_value(out: &mut String, value: &str) {
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/@!$()*,;".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Single-quotes for POSIX shells; the value came from a server and may contain anything.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// What a Microsoft Entra ID (Azure AD) challenge tells the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntraHint {
    /// The authority to get a token from (`authorization_uri`).
    pub authority: String,
    /// The tenant id or name taken from the authority's path, if any.
    pub tenant: Option<String>,
    /// The resource (audience) the token must be for (`resource_id` or `resource`).
    pub resource: Option<String>,
    /// The client id the server names (`client_id`).
    pub client_id: Option<String>,
}

/// Reads the Entra ID parameters of a Bearer challenge, if `authorization_uri` is present.
pub fn entra_hint(c: &ChallengeRef<'_>) -> Option<EntraHint> {
    let authority = c.param_value("authorization_uri")?.to_string();
    // https://login.microsoftonline.com/{tenant}/oauth2/authorize
    let tenant = authority
        .split_once("://")
        .and_then(|(_, rest)| rest.split('/').nth(1))
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("oauth2"))
        .map(str::to_string);
    let resource = c
        .param_value("resource_id")
        .or_else(|| c.param_value("resource"))
        .map(str::to_string);
    Some(EntraHint {
        authority,
        tenant,
        resource,
        client_id: c.param_value("client_id").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_challenge_field;
    use super::*;

    #[test]
    fn docker_hub_token_request() {
        let p = parse_challenge_field(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#,
        );
        let t = registry_token_request(&p.challenges[0]).unwrap();
        assert_eq!(
            t.url,
            "https://auth.docker.io/token?service=registry.docker.io&scope=repository:samalba/my-app:pull,push"
        );
        assert_eq!(
            t.curl,
            "curl -fsS -u '<username>:<password-or-access-token>' 'https://auth.docker.io/token?service=registry.docker.io&scope=repository:samalba/my-app:pull,push'"
        );
    }

    #[test]
    fn several_scopes_and_hostile_values_are_encoded() {
        let p = parse_challenge_field(
            r#"Bearer realm="https://r.example/token?x=1",service="a b&c",scope="repository:a:pull repository:b:pull""#,
        );
        let t = registry_token_request(&p.challenges[0]).unwrap();
        assert_eq!(
            t.url,
            "https://r.example/token?x=1&service=a%20b%26c&scope=repository:a:pull&scope=repository:b:pull"
        );
        let p = parse_challenge_field(r#"Bearer realm="https://x/'; rm -rf ~; '",service="s""#);
        let t = registry_token_request(&p.challenges[0]).unwrap();
        assert!(
            t.curl
                .ends_with(r"'https://x/'\''; rm -rf ~; '\''?service=s'"),
            "{}",
            t.curl
        );
    }

    #[test]
    fn not_a_registry_without_service_or_url() {
        for h in [
            r#"Bearer realm="https://x/token""#,
            r#"Bearer realm="example", service="s""#,
            r#"Basic realm="https://x", service="s""#,
        ] {
            let p = parse_challenge_field(h);
            assert!(registry_token_request(&p.challenges[0]).is_none(), "{h}");
        }
    }

    #[test]
    fn entra_authority_tenant_and_resource() {
        let p = parse_challenge_field(
            r#"Bearer authorization_uri="https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/authorize", resource_id="https://management.core.windows.net/", client_id="abc""#,
        );
        let h = entra_hint(&p.challenges[0]).unwrap();
        assert_eq!(h.tenant.as_deref(), Some("contoso.onmicrosoft.com"));
        assert_eq!(
            h.resource.as_deref(),
            Some("https://management.core.windows.net/")
        );
        assert_eq!(h.client_id.as_deref(), Some("abc"));
        let p = parse_challenge_field(r#"Bearer authorization_uri="https://login.windows.net/""#);
        assert_eq!(entra_hint(&p.challenges[0]).unwrap().tenant, None);
    }
}
