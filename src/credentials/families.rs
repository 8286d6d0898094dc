//! Opaque tokens: who issued them (by documented prefix and shape) and what they look like.
//!
//! The table is data, matched longest-prefix-first, so adding a family is one line. Prefixes
//! are the vendors' documented, stable ones (they exist precisely so secret scanners and
//! people can recognise them). A family also says how the credential is meant to be sent,
//! because "a valid key sent the wrong way" is a common cause of a 401.

use serde::Serialize;

use crate::secret;

/// How a family's credential is meant to be presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// As `Authorization: Bearer <token>`.
    Bearer,
    /// In a dedicated header (named), not as a Bearer token.
    Header(&'static str),
    /// Inside HTTP Basic credentials (how, in words).
    Basic(&'static str),
    /// In the URL query (how, in words).
    Query(&'static str),
    /// With an `Authorization` scheme other than Bearer (named).
    Scheme(&'static str),
    /// An AWS access key ID: requests are signed with SigV4, the ID alone authenticates nothing.
    SigV4,
    /// A publishable (public) key: identifies an account to client SDKs, authorises no server API.
    Publishable,
    /// A refresh token: exchanged at the token endpoint for an access token, never sent to APIs.
    Refresh,
    /// A client/app secret: sent to the token endpoint only.
    ClientSecret,
    /// A signing secret (webhooks): verifies signatures, never sent at all.
    SigningSecret,
}

impl Usage {
    /// Whether presenting it as `Authorization: Bearer` is how the issuer expects it.
    pub fn is_bearer(self) -> bool {
        matches!(self, Usage::Bearer)
    }

    /// How it should be sent, in words.
    pub fn describe(self) -> String {
        match self {
            Usage::Bearer => "sent as 'Authorization: Bearer <token>'".to_string(),
            Usage::Header(h) => format!("sent in the '{h}' header, not as a Bearer token"),
            Usage::Basic(how) => format!("sent inside HTTP Basic credentials: {how}"),
            Usage::Query(how) => format!("sent in the URL: {how}"),
            Usage::Scheme(s) => format!("sent as 'Authorization: {s} <token>'"),
            Usage::SigV4 => "an access key ID, not a token: AWS requests are signed with Signature Version 4 ('Authorization: AWS4-HMAC-SHA256 Credential=…') using the ID and its secret key".to_string(),
            Usage::Publishable => "a publishable key: safe to expose, it identifies the account to client-side SDKs and authorises no server API".to_string(),
            Usage::Refresh => "a refresh token: exchange it at the token endpoint (grant_type=refresh_token) for an access token; APIs do not accept it".to_string(),
            Usage::ClientSecret => "a client or app secret: it is sent to the token endpoint to obtain tokens, never to APIs".to_string(),
            Usage::SigningSecret => "a signing secret: it verifies webhook signatures and is never sent in a request".to_string(),
        }
    }
}

/// Extra shape rules beyond the prefix, so short prefixes (`SK`, `AC`, `00`) do not over-match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// At least this many characters in total.
    MinLen(usize),
    /// Exactly this many characters; after the prefix only these characters.
    Exact(usize, Chars),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chars {
    UpperAlnum,
    LowerHex,
    Base64Url,
}

impl Chars {
    fn accepts(self, c: u8) -> bool {
        match self {
            Chars::UpperAlnum => c.is_ascii_uppercase() || c.is_ascii_digit(),
            Chars::LowerHex => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
            Chars::Base64Url => c.is_ascii_alphanumeric() || c == b'-' || c == b'_',
        }
    }
}

/// One row of the family table.
#[derive(Debug, Clone, Copy)]
struct Family {
    id: &'static str,
    prefix: &'static str,
    issuer: &'static str,
    what: &'static str,
    usage: Usage,
    shape: Shape,
}

const fn fam(
    id: &'static str,
    prefix: &'static str,
    issuer: &'static str,
    what: &'static str,
    usage: Usage,
) -> Family {
    Family {
        id,
        prefix,
        issuer,
        what,
        usage,
        shape: Shape::MinLen(prefix.len() + 8),
    }
}

const fn exact(
    id: &'static str,
    prefix: &'static str,
    issuer: &'static str,
    what: &'static str,
    usage: Usage,
    len: usize,
    chars: Chars,
) -> Family {
    Family {
        id,
        prefix,
        issuer,
        what,
        usage,
        shape: Shape::Exact(len, chars),
    }
}

use Usage::*;

const FAMILIES: &[Family] = &[
    // GitHub: https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
    fam("github-fine-grained-pat", "github_pat_", "GitHub", "fine-grained personal access token", Bearer),
    fam("github-classic-pat", "ghp_", "GitHub", "classic personal access token", Bearer),
    fam("github-oauth", "gho_", "GitHub", "OAuth app user access token", Bearer),
    fam("github-app-user", "ghu_", "GitHub", "GitHub App user-to-server token", Bearer),
    fam("github-app-installation", "ghs_", "GitHub", "GitHub App installation (server-to-server) token, valid for 1 hour", Bearer),
    fam("github-refresh", "ghr_", "GitHub", "GitHub App refresh token", Refresh),
    // GitLab: https://docs.gitlab.com/ee/security/token_overview.html
    fam("gitlab-pat", "glpat-", "GitLab", "personal, project or group access token (Bearer or PRIVATE-TOKEN header)", Bearer),
    fam("gitlab-oauth-secret", "gloas-", "GitLab", "OAuth application secret", ClientSecret),
    fam("gitlab-deploy-token", "gldt-", "GitLab", "deploy token", Basic("deploy-token username as user-id, the token as password")),
    fam("gitlab-runner", "glrt-", "GitLab", "runner authentication token", Header("used by GitLab Runner only")),
    fam("gitlab-trigger", "glptt-", "GitLab", "pipeline trigger token", Query("the 'token' parameter of the pipeline trigger API")),
    fam("gitlab-job-token", "glcbt-", "GitLab", "CI/CD job token", Header("JOB-TOKEN")),
    // Google: https://cloud.google.com/docs/authentication
    fam("google-oauth-access", "ya29.", "Google", "OAuth 2.0 access token", Bearer),
    fam("google-api-key", "AIza", "Google", "API key", Header("X-Goog-Api-Key (or the key= query parameter)")),
    fam("google-oauth-refresh", "1//", "Google", "OAuth 2.0 refresh token", Refresh),
    fam("google-client-secret", "GOCSPX-", "Google", "OAuth client secret", ClientSecret),
    // Slack: https://api.slack.com/authentication/token-types
    fam("slack-bot", "xoxb-", "Slack", "bot token", Bearer),
    fam("slack-user", "xoxp-", "Slack", "user token", Bearer),
    fam("slack-workspace", "xoxa-", "Slack", "workspace app token (legacy)", Bearer),
    fam("slack-refresh", "xoxr-", "Slack", "refresh token", Refresh),
    fam("slack-rotating-user", "xoxe.xoxp-", "Slack", "rotating user token", Bearer),
    fam("slack-rotation-refresh", "xoxe-", "Slack", "token-rotation refresh token", Refresh),
    fam("slack-app-level", "xapp-", "Slack", "app-level token (Socket Mode and apps.connections.open only)", Bearer),
    fam("slack-browser-session", "xoxc-", "Slack", "browser session token (only works together with the 'd' cookie)", Bearer),
    // Stripe (Clerk uses the same sk_/pk_ shapes): https://stripe.com/docs/keys
    fam("stripe-secret-live", "sk_live_", "Stripe", "live-mode secret key", Bearer),
    fam("stripe-secret-test", "sk_test_", "Stripe", "test-mode secret key (sees only test-mode data)", Bearer),
    fam("stripe-restricted-live", "rk_live_", "Stripe", "live-mode restricted key", Bearer),
    fam("stripe-restricted-test", "rk_test_", "Stripe", "test-mode restricted key", Bearer),
    fam("stripe-publishable-live", "pk_live_", "Stripe", "live-mode publishable key", Publishable),
    fam("stripe-publishable-test", "pk_test_", "Stripe", "test-mode publishable key", Publishable),
    fam("stripe-webhook-secret", "whsec_", "Stripe", "webhook signing secret", SigningSecret),
    // AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
    exact("aws-access-key-id", "AKIA", "AWS", "long-term access key ID", SigV4, 20, Chars::UpperAlnum),
    exact("aws-temporary-access-key-id", "ASIA", "AWS", "temporary (STS) access key ID; also needs X-Amz-Security-Token", SigV4, 20, Chars::UpperAlnum),
    // OpenAI and compatible APIs, Anthropic, OpenRouter.
    fam("openai-project-key", "sk-proj-", "OpenAI", "project API key", Bearer),
    fam("openai-service-account-key", "sk-svcacct-", "OpenAI", "service account API key", Bearer),
    fam("openai-admin-key", "sk-admin-", "OpenAI", "admin API key (Administration API only)", Bearer),
    fam("anthropic-api-key", "sk-ant-api03-", "Anthropic", "API key", Header("x-api-key")),
    fam("anthropic-oauth", "sk-ant-oat01-", "Anthropic", "OAuth access token", Bearer),
    fam("openrouter-key", "sk-or-v1-", "OpenRouter", "API key", Bearer),
    fam("openai-style-key", "sk-", "OpenAI", "API key (legacy OpenAI format, also used by OpenAI-compatible APIs)", Bearer),
    // Package registries.
    fam("npm-token", "npm_", "npm", "access token", Bearer),
    fam("pypi-token", "pypi-", "PyPI", "API token", Basic("user-id '__token__', the token as password")),
    fam("docker-hub-pat", "dckr_pat_", "Docker Hub", "personal access token", Basic("your Docker ID as user-id and the token as password (docker login), then a registry Bearer token from auth.docker.io")),
    fam("jfrog-reference-token", "cmVmdGtuOjAxOj", "JFrog", "reference token", Bearer),
    // Commerce and messaging.
    fam("shopify-admin-token", "shpat_", "Shopify", "Admin API access token", Header("X-Shopify-Access-Token")),
    fam("shopify-custom-app-token", "shpca_", "Shopify", "custom app access token", Header("X-Shopify-Access-Token")),
    fam("shopify-private-app-password", "shppa_", "Shopify", "private app password", Header("X-Shopify-Access-Token")),
    fam("shopify-shared-secret", "shpss_", "Shopify", "app shared secret", ClientSecret),
    fam("sendgrid-key", "SG.", "SendGrid", "API key", Bearer),
    exact("twilio-api-key-sid", "SK", "Twilio", "API key SID", Basic("the SID as user-id and the API key secret as password"), 34, Chars::LowerHex),
    exact("twilio-account-sid", "AC", "Twilio", "Account SID", Basic("the Account SID as user-id and the auth token as password"), 34, Chars::LowerHex),
    exact("mailgun-key", "key-", "Mailgun", "API key", Basic("user-id 'api' and the key as password"), 36, Chars::LowerHex),
    fam("atlassian-api-token", "ATATT", "Atlassian", "API token", Basic("your account e-mail as user-id and the token as password")),
    fam("bitbucket-app-password", "ATBB", "Bitbucket", "app password", Basic("your username as user-id and the app password as password")),
    // Developer platforms.
    fam("huggingface-token", "hf_", "Hugging Face", "user access token", Bearer),
    fam("digitalocean-pat", "dop_v1_", "DigitalOcean", "personal access token", Bearer),
    fam("digitalocean-oauth", "doo_v1_", "DigitalOcean", "OAuth access token", Bearer),
    fam("digitalocean-refresh", "dor_v1_", "DigitalOcean", "OAuth refresh token", Refresh),
    exact("databricks-pat", "dapi", "Databricks", "personal access token", Bearer, 36, Chars::LowerHex),
    fam("figma-pat", "figd_", "Figma", "personal access token", Header("X-Figma-Token")),
    fam("linear-api-key", "lin_api_", "Linear", "personal API key", Scheme("<key> (the raw key, no scheme)")),
    fam("notion-integration-secret", "ntn_", "Notion", "integration token", Bearer),
    fam("notion-integration-secret-legacy", "secret_", "Notion", "integration token (legacy format)", Bearer),
    fam("postman-api-key", "PMAK-", "Postman", "API key", Header("X-API-Key")),
    fam("sentry-org-token", "sntrys_", "Sentry", "organization auth token", Bearer),
    fam("sentry-user-token", "sntryu_", "Sentry", "user auth token", Bearer),
    fam("grafana-service-account", "glsa_", "Grafana", "service account token", Bearer),
    fam("grafana-cloud-token", "glc_", "Grafana Cloud", "access policy token", Bearer),
    fam("vault-service-token", "hvs.", "HashiCorp Vault", "service token", Header("X-Vault-Token")),
    fam("vault-batch-token", "hvb.", "HashiCorp Vault", "batch token", Header("X-Vault-Token")),
    fam("doppler-service-token", "dp.st.", "Doppler", "service token", Bearer),
    fam("doppler-personal-token", "dp.pt.", "Doppler", "personal token", Bearer),
    fam("heroku-token", "HRKU-", "Heroku", "API token", Bearer),
    fam("supabase-pat", "sbp_", "Supabase", "personal access token (Management API)", Bearer),
    fam("supabase-secret-key", "sb_secret_", "Supabase", "secret API key", Header("apikey")),
    fam("supabase-publishable-key", "sb_publishable_", "Supabase", "publishable API key", Publishable),
    fam("square-access-token", "sq0atp-", "Square", "access token", Bearer),
    fam("facebook-access-token", "EAA", "Meta", "Graph API access token", Bearer),
    fam("mapbox-public-token", "pk.eyJ", "Mapbox", "public token", Publishable),
    fam("mapbox-secret-token", "sk.eyJ", "Mapbox", "secret token", Query("the access_token query parameter")),
    exact("okta-api-token", "00", "Okta", "API token", Scheme("SSWS"), 42, Chars::Base64Url),
];

/// The family a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyMatch {
    /// Stable kebab-case id, e.g. `github-classic-pat`.
    pub id: &'static str,
    /// Issuer, e.g. `GitHub`.
    pub issuer: &'static str,
    /// What it is, e.g. `classic personal access token`.
    pub description: &'static str,
    /// How it is meant to be sent, in words.
    pub usage: String,
    /// The known, non-secret prefix (kept when masking).
    pub prefix: &'static str,
    /// Whether it is meant to be sent as `Authorization: Bearer`.
    #[serde(skip)]
    pub usage_kind: Usage,
}

impl FamilyMatch {
    /// `GitHub classic personal access token`, for `issuer_hint`.
    pub fn hint(&self) -> String {
        format!("{} {}", self.issuer, self.description)
    }
}

fn shape_ok(f: &Family, token: &str) -> bool {
    match f.shape {
        Shape::MinLen(n) => token.len() >= n,
        Shape::Exact(n, chars) => {
            token.len() == n
                && token
                    .as_bytes()
                    .get(f.prefix.len()..)
                    .is_some_and(|rest| rest.iter().all(|&c| chars.accepts(c)))
        }
    }
}

/// The issuer family of `token` by documented prefix (longest match wins), or an Azure SAS.
pub fn identify(token: &str) -> Option<FamilyMatch> {
    let best = FAMILIES
        .iter()
        .filter(|f| token.starts_with(f.prefix) && shape_ok(f, token))
        .max_by_key(|f| f.prefix.len());
    if let Some(f) = best {
        return Some(FamilyMatch {
            id: f.id,
            issuer: f.issuer,
            description: f.what,
            usage: f.usage.describe(),
            prefix: f.prefix,
            usage_kind: f.usage,
        });
    }
    if is_azure_sas(token) {
        let usage = Query("append it to the resource URL as the query string");
        return Some(FamilyMatch {
            id: "azure-sas",
            issuer: "Azure",
            description: "Storage shared access signature (SAS)",
            usage: usage.describe(),
            prefix: "",
            usage_kind: usage,
        });
    }
    None
}

/// `sv=…&…sig=…`: a SAS is a query string, recognisable by its version and signature fields.
fn is_azure_sas(token: &str) -> bool {
    let t = token.trim_start_matches('?');
    let mut sv = false;
    let mut sig = false;
    for pair in t.split('&') {
        sv |= pair.starts_with("sv=");
        sig |= pair.starts_with("sig=");
    }
    sv && sig
}

/// The character set a token uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenAlphabet {
    /// `0-9a-f` (or upper case).
    Hex,
    /// `A-Za-z0-9-_`, no padding.
    Base64url,
    /// `A-Za-z0-9+/` with optional `=` padding.
    Base64,
    /// Anything else.
    Mixed,
}

/// Shape of an opaque token, when no family matched or in addition to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpaqueInfo {
    /// Length in characters.
    pub length: usize,
    /// Character set.
    pub alphabet: TokenAlphabet,
    /// Whether it is a UUID (`8-4-4-4-12` hex), e.g. an API key or a session id.
    pub uuid: bool,
    /// The token masked (known prefix kept).
    pub masked: String,
    /// The issuer family, when recognised.
    pub family: Option<FamilyMatch>,
}

/// Classifies an opaque token.
pub fn analyze(token: &str) -> OpaqueInfo {
    let family = identify(token);
    let masked = match &family {
        Some(f) if !f.prefix.is_empty() => secret::mask_after_prefix(token, f.prefix.len()),
        _ => secret::mask(token),
    };
    OpaqueInfo {
        length: token.chars().count(),
        alphabet: alphabet(token),
        uuid: is_uuid(token),
        masked,
        family,
    }
}

fn alphabet(token: &str) -> TokenAlphabet {
    let b = token.as_bytes();
    if is_uuid(token) {
        return TokenAlphabet::Hex;
    }
    if !b.is_empty() && b.iter().all(u8::is_ascii_hexdigit) {
        return TokenAlphabet::Hex;
    }
    let url = |c: &u8| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_';
    if !b.is_empty() && b.iter().all(url) {
        return TokenAlphabet::Base64url;
    }
    let body = token.trim_end_matches('=');
    let pads = token.len() - body.len();
    let std = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    if !body.is_empty() && pads <= 2 && body.as_bytes().iter().all(std) {
        return TokenAlphabet::Base64;
    }
    TokenAlphabet::Mixed
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex.
pub fn is_uuid(token: &str) -> bool {
    let groups: Vec<&str> = token.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8usize, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut ids: Vec<&str> = FAMILIES.iter().map(|f| f.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "duplicate family id");
        for id in ids {
            assert!(
                id.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'),
                "{id}"
            );
        }
    }

    #[test]
    fn at_least_twelve_issuers() {
        let mut issuers: Vec<&str> = FAMILIES.iter().map(|f| f.issuer).collect();
        issuers.sort_unstable();
        issuers.dedup();
        assert!(issuers.len() >= 12, "{issuers:?}");
    }

    #[test]
    fn alphabet_table() {
        let cases = [
            ("deadbeef0123", TokenAlphabet::Hex),
            ("abcXYZ-_09", TokenAlphabet::Base64url),
            ("abc+/XYZ==", TokenAlphabet::Base64),
            ("abc.def~", TokenAlphabet::Mixed),
            ("", TokenAlphabet::Mixed),
        ];
        for (t, a) in cases {
            assert_eq!(alphabet(t), a, "{t}");
        }
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567-e89b-12d3-a456-42661417400"));
        assert!(!is_uuid("123e4567e89b12d3a456426614174000"));
    }
}
