//! Everything the rules read about one exchange, decoded once.
//!
//! Rules never re-parse headers: the challenge lists, the `Authorization` grammar, the
//! JSON error body, the detected server and the token-endpoint classification are computed
//! here, lazily where they cost something and only matter for failures.

use std::hash::{Hash, Hasher};

use crate::challenge::{self, ParsedChallenges, ParsedCredentials};
use crate::credentials::{self, DecodedCredential};
use crate::exchange::{Exchange, UrlParts};
use crate::finding::Finding;
use crate::fixes::{self, Detected};
use crate::time::Timestamp;

use super::body::{self, ErrorBody};

/// A stable 64-bit hash, so the window can compare values without keeping them (tokens
/// are never stored, only their hash).
pub fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = WordHasher(0);
    value.hash(&mut h);
    h.finish()
}

/// A multiply-rotate hash over 8-byte words (the FxHash construction) with a final mix.
/// Why not `DefaultHasher`: SipHash cost ~2.5 instructions per byte, and every exchange
/// hashes its 1 KiB token and several URLs (a tenth of the engine's time). The values are
/// only compared with each other inside one analysis; a crafted collision can at worst
/// relate two unrelated exchanges in a flow finding.
struct WordHasher(u64);

impl WordHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in words.by_ref() {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.add(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            for (slot, x) in b.iter_mut().zip(rest) {
                *slot = *x;
            }
            // The length keeps "a" and "a\0" apart.
            self.add(u64::from_le_bytes(b) ^ (rest.len() as u64) << 59);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // murmur3's finaliser, so nearby inputs spread over all bits.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ x >> 33
    }
}

/// A token request (RFC 6749 §4/§6) recognised by path or `grant_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// `grant_type=refresh_token`, or a refresh-named endpoint.
    pub refresh: bool,
    /// Status 4xx/5xx or an OAuth error in the body.
    pub failed: bool,
    /// The OAuth error code (`invalid_grant`, `invalid_client`…), when the body had one.
    pub error: Option<String>,
    /// Hash of the refresh token sent, to spot reuse.
    pub refresh_token: Option<u64>,
}

/// Query parameters that carry credentials (RFC 6750 §2.3 and common API-key names).
pub const URL_CREDENTIALS: &[&str] = &[
    "access_token",
    "id_token",
    "refresh_token",
    "token",
    "auth_token",
    "api_key",
    "apikey",
    "api-key",
    "client_secret",
    "password",
    "jwt",
];

/// Request headers that carry API keys or tokens besides `Authorization`.
pub const API_KEY_HEADERS: &[&str] = &[
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "ocp-apim-subscription-key",
    "x-goog-api-key",
    "private-token",
    "x-vault-token",
    "x-amz-security-token",
];

/// Name fragments of session and auth cookies across common frameworks.
const SESSION_HINTS: &[&str] = &[
    "session",
    "sess",
    "sid",
    "auth",
    "token",
    "jwt",
    "login",
    "identity",
    "remember",
    "connect.sid",
    "jsessionid",
    "phpsessid",
    "asp.net_sessionid",
    ".aspnetcore.",
    "laravel",
    "access",
    "refresh",
    "sso",
    "saml",
    "oidc",
    "user",
    "__host-",
    "__secure-",
];

/// Analytics, consent and preference cookies that contain a session-like fragment.
const NOT_SESSION: &[&str] = &[
    "_ga",
    "_gid",
    "_gcl",
    "_fbp",
    "_hj",
    "ajs_",
    "amplitude",
    "mp_",
    "intercom",
    "optimizely",
    "__stripe",
    "csrf",
    "xsrf",
    "consent",
    "theme",
    "lang",
    "locale",
    "_pk_",
    "__utm",
];

/// Whether a cookie name looks like it carries a session or auth state.
pub fn is_session_cookie_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SESSION_HINTS.iter().any(|h| n.contains(h))
        && !NOT_SESSION
            .iter()
            .any(|x| n.starts_with(x) || n.contains(x))
}

/// Response headers that name the backend node.
/// Names all begin with `x-`, `v` or `s` ([`Facts::identity`] relies on it; a test checks).
const IDENTITY_HEADERS: &[&str] = &[
    "x-served-by",
    "x-backend",
    "x-backend-server",
    "x-upstream",
    "x-server",
    "x-instance",
    "x-instance-id",
    "x-pod",
    "x-pod-name",
    "x-node",
    "x-host",
    "x-hostname",
    "x-server-name",
    "via",
    "server",
];

/// Decoded facts about one exchange.
pub struct Facts<'a> {
    /// The exchange.
    pub ex: &'a Exchange,
    /// Its URL.
    pub url: UrlParts<'a>,
    /// Its origin, lowercase.
    pub origin: String,
    /// Response status.
    pub status: u16,
    /// 401, 403 or 407.
    pub failure: bool,
    /// The reference instant: `startedDateTime`, else the response `Date`.
    pub at: Option<Timestamp>,
    /// The response `Date`.
    pub date: Option<Timestamp>,
    /// A CORS preflight (Chrome `_resourceType: preflight`, or OPTIONS with
    /// `Access-Control-Request-Method`).
    pub preflight: bool,
    /// The `Authorization` value.
    pub authorization: Option<&'a str>,
    /// [`hash`] of the `Authorization` value (the window and the cache compare tokens by it).
    pub auth_hash: Option<u64>,
    /// `Authorization` parsed by the RFC 9110 grammar.
    pub credentials: Option<ParsedCredentials<'a>>,
    /// `WWW-Authenticate`, parsed.
    pub challenges: Option<ParsedChallenges<'a>>,
    /// `Proxy-Authenticate`, parsed.
    pub proxy_challenges: Option<ParsedChallenges<'a>>,
    /// The JSON error body, for failures and token requests.
    pub error_body: Option<ErrorBody>,
    /// Origin stack and edge, for failures.
    pub detected: Detected,
    /// Token-endpoint classification.
    pub token_request: Option<TokenRequest>,
    /// Credentials decoded by [`crate::credentials`] with their location (`request header
    /// Authorization`, `cookie session`, …), for failures.
    pub decoded: Vec<(String, DecodedCredential)>,
    /// For other exchanges: the time-independent verdicts on `Authorization` (enough for
    /// the risk rules), from the [`CredentialCache`].
    pub auth_verdicts: Vec<Finding>,
    /// The browser's network error for a request without response (Chrome `_error`, e.g.
    /// `net::ERR_UNEXPECTED_PROXY_AUTH`), when the caller passed the HAR entry's metadata.
    pub net_error: Option<&'a str>,
}

/// Recently seen `Authorization` and `Cookie` values, decoded once: an app sends the same
/// token and the same session cookie on every call until it refreshes them, and a failing
/// app retries with them, so decoding each value once is enough. Looked up by the value's
/// hash and confirmed by the value itself: the hash is fast, not collision-resistant, and a
/// crafted collision must never hand one token another token's verdicts. What depends on the request time (the claims view,
/// `token-expired`, `token-not-yet-valid`) is recomputed per request by
/// [`credentials::rejudge_at`]. Two bounded FIFOs of [`CredentialCache::CAPACITY`]
/// entries: a lookup scans at most that many keys, so each exchange costs O(1).
#[derive(Debug, Clone, Default)]
pub struct CredentialCache {
    entries: std::collections::VecDeque<CachedCredential>,
    cookies: std::collections::VecDeque<CachedCookies>,
}

/// The credential-carrying cookies of one `Cookie` value; `None` until the value repeats.
#[derive(Debug, Clone)]
struct CachedCookies {
    key: u64,
    /// The `Cookie` value, compared on a hash hit.
    value: Box<str>,
    credentials: Option<Vec<(String, DecodedCredential)>>,
}

/// The engine's [`credentials::RepeatedParts`]: the cache, the request's instant, and the
/// grammar parse of its first `Authorization` value (reused by the decoder).
struct Cached<'c, 'p> {
    cache: &'c mut CredentialCache,
    at: Option<Timestamp>,
    authorization: Option<(&'p str, u64, &'p ParsedCredentials<'p>)>,
}

impl credentials::RepeatedParts for Cached<'_, '_> {
    fn authorization(&mut self, value: &str, ctx: &credentials::Context<'_>) -> DecodedCredential {
        match self
            .authorization
            .filter(|(v, _, _)| std::ptr::eq(*v, value))
        {
            Some((_, key, parsed)) => self.cache.decode(key, value, Some(parsed), ctx, self.at),
            None => self.cache.decode(hash(value), value, None, ctx, self.at),
        }
    }

    fn cookies(
        &mut self,
        value: &str,
        ctx: &credentials::Context<'_>,
    ) -> Vec<(String, DecodedCredential)> {
        self.cache.cookies(hash(value), value, ctx, self.at)
    }
}

#[derive(Debug, Clone)]
struct CachedCredential {
    key: u64,
    /// The `Authorization` value, compared on a hash hit.
    value: Box<str>,
    /// The value decoded with the request that first sent it. Kept from a request that
    /// worked (moved, nothing to copy), or from the second failure that sent it: tokens sent
    /// once are not copied into the cache.
    credential: Option<DecodedCredential>,
    /// Its verdicts without the time verdicts: what the rules read for requests that worked.
    timeless: Vec<Finding>,
}

impl CredentialCache {
    /// Entries kept.
    pub const CAPACITY: usize = 16;

    /// Number of entries held (both kinds); at most twice [`CredentialCache::CAPACITY`].
    pub fn len(&self) -> usize {
        self.entries.len() + self.cookies.len()
    }

    /// The credentials of `value` (a `Cookie` field) for the request in `ctx`: from the
    /// cache and moved to `at` when the value was seen before.
    fn cookies(
        &mut self,
        key: u64,
        value: &str,
        ctx: &credentials::Context<'_>,
        at: Option<Timestamp>,
    ) -> Vec<(String, DecodedCredential)> {
        match self
            .cookies
            .iter_mut()
            .find(|e| e.key == key && *e.value == *value)
        {
            Some(CachedCookies {
                credentials: Some(cached),
                ..
            }) => {
                let mut out = cached.clone();
                for (_, c) in &mut out {
                    credentials::rejudge_at(c, at, ctx.leeway_secs);
                }
                out
            }
            Some(e) => {
                let out = credentials::cookie_credentials(value, ctx);
                e.credentials = Some(out.clone());
                out
            }
            None => {
                let out = credentials::cookie_credentials(value, ctx);
                if out.iter().all(|(_, c)| credentials::request_independent(c)) {
                    self.cookies.push_back(CachedCookies {
                        key,
                        value: value.into(),
                        credentials: None,
                    });
                    if self.cookies.len() > Self::CAPACITY {
                        self.cookies.pop_front();
                    }
                }
                out
            }
        }
    }

    fn find(&self, key: u64, value: &str) -> Option<&CachedCredential> {
        self.entries
            .iter()
            .find(|e| e.key == key && *e.value == *value)
    }

    fn find_mut(&mut self, key: u64, value: &str) -> Option<&mut CachedCredential> {
        self.entries
            .iter_mut()
            .find(|e| e.key == key && *e.value == *value)
    }

    fn timeless(credential: &DecodedCredential) -> Vec<Finding> {
        credential
            .findings
            .iter()
            .filter(|f| !TIME_VERDICTS.contains(&f.id))
            .cloned()
            .collect()
    }

    /// Keeps an entry for `key` (evicting the oldest when full) with `credential`'s
    /// verdicts, and with the credential itself when `keep`, unless its decoding read the
    /// request (Digest `uri`, SigV4): another request with the same value would be judged
    /// differently.
    fn remember(&mut self, key: u64, value: &str, credential: DecodedCredential, keep: bool) {
        if !credentials::request_independent(&credential) {
            return;
        }
        if self.entries.len() >= Self::CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(CachedCredential {
            key,
            value: value.into(),
            timeless: Self::timeless(&credential),
            credential: keep.then_some(credential),
        });
    }

    /// The time-independent verdicts on `value`, for a request that worked.
    fn verdicts(&mut self, key: u64, value: &str, ex: &Exchange, leeway_secs: i64) -> Vec<Finding> {
        if self.find(key, value).is_none() {
            let ctx = engine_context(ex.started_at.unwrap_or(Timestamp(0)), leeway_secs)
                .with_request(&ex.request);
            let credential = credentials::decode_authorization(value, &ctx);
            if !credentials::request_independent(&credential) {
                return Self::timeless(&credential);
            }
            self.remember(key, value, credential, true);
        }
        self.find(key, value)
            .map(|e| e.timeless.clone())
            .unwrap_or_default()
    }

    /// `value` decoded for the request in `ctx` (whose instant is `at`, or 0 when `at` is
    /// `None`): from the cache and moved to `at` when the value was seen before.
    fn decode(
        &mut self,
        key: u64,
        value: &str,
        parsed: Option<&ParsedCredentials<'_>>,
        ctx: &credentials::Context<'_>,
        at: Option<Timestamp>,
    ) -> DecodedCredential {
        let decode_new = || match parsed {
            Some(p) => credentials::decode_authorization_parsed(value, p, ctx),
            None => credentials::decode_authorization(value, ctx),
        };
        match self.find_mut(key, value) {
            Some(CachedCredential {
                credential: Some(c),
                ..
            }) => {
                let mut c = c.clone();
                credentials::rejudge_at(&mut c, at, ctx.leeway_secs);
                c
            }
            Some(e) => {
                // Seen once before: worth keeping now.
                let c = decode_new();
                e.credential = Some(c.clone());
                c
            }
            None => {
                let c = decode_new();
                if credentials::request_independent(&c) {
                    // Remember the value was seen; the credential is copied on a repeat.
                    self.entries.push_back(CachedCredential {
                        key,
                        value: value.into(),
                        timeless: Self::timeless(&c),
                        credential: None,
                    });
                    if self.entries.len() > Self::CAPACITY {
                        self.entries.pop_front();
                    }
                }
                c
            }
        }
    }
}

/// The decoding context the engine uses: no token fingerprints (the engine compares
/// tokens by [`hash`], and nothing it reports shows a fingerprint).
fn engine_context(at: Timestamp, leeway_secs: i64) -> credentials::Context<'static> {
    credentials::Context::new(at)
        .with_leeway(leeway_secs)
        .without_fingerprint()
}

fn header<'a>(ex: &'a Exchange, name: &str) -> Option<&'a str> {
    ex.request.headers.get(name)
}

/// Whether the request looks like a CORS preflight.
pub fn is_preflight(ex: &Exchange) -> bool {
    ex.resource_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("preflight"))
        || ex.request.method.eq_ignore_ascii_case("OPTIONS")
            && ex.request.headers.contains("access-control-request-method")
}

fn form_value<'b>(text: &'b str, name: &str) -> Option<&'b str> {
    text.split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn classify_token_request(ex: &Exchange, error_body: Option<&ErrorBody>) -> Option<TokenRequest> {
    if !ex.request.method.eq_ignore_ascii_case("POST") {
        return None;
    }
    let url = ex.url();
    let path_says_token = ex.request.posts_to_token_path();
    let last_says_refresh = url
        .path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .contains("refresh");
    let mut grant: Option<String> = url
        .query_pairs()
        .find(|(k, _)| k.eq_ignore_ascii_case("grant_type"))
        .map(|(_, v)| v.to_string());
    let mut refresh_token: Option<u64> = None;
    if let Some(b) = &ex.request.body {
        let mime = b.mime_type.to_ascii_lowercase();
        if let Some(text) = body::text(b) {
            if mime.contains("json") || text.trim_start().starts_with('{') {
                if let Ok(serde_json::Value::Object(o)) =
                    serde_json::from_str::<serde_json::Value>(&text)
                {
                    if let Some(g) = o.get("grant_type").and_then(|v| v.as_str()) {
                        grant = Some(g.to_string());
                    }
                    let rt = o
                        .get("refresh_token")
                        .or_else(|| o.get("refreshToken"))
                        .and_then(|v| v.as_str());
                    refresh_token = rt.map(hash);
                }
            } else {
                if let Some(g) = form_value(&text, "grant_type") {
                    grant = Some(g.to_string());
                }
                refresh_token = form_value(&text, "refresh_token").map(hash);
            }
        }
    }
    if !path_says_token && grant.is_none() {
        return None;
    }
    let refresh = grant
        .as_deref()
        .is_some_and(|g| g.eq_ignore_ascii_case("refresh_token"))
        || last_says_refresh
        || refresh_token.is_some();
    let error = error_body
        .filter(|b| b.shape == body::Shape::OAuth)
        .and_then(|b| b.code.clone());
    let status = ex.response.status;
    let failed = (400..=599).contains(&status) || error.is_some() && status != 200;
    Some(TokenRequest {
        refresh,
        failed,
        error,
        refresh_token,
    })
}

/// Verdicts that depend on "now": meaningless without a reference instant.
const TIME_VERDICTS: &[&str] = &["token-expired", "token-not-yet-valid"];

/// Every credential of `ex`; `authorization` is the first `Authorization` value with its
/// grammar parse, which the decoder reuses.
fn decode<'p>(
    ex: &Exchange,
    at: Option<Timestamp>,
    leeway_secs: i64,
    cache: &mut CredentialCache,
    authorization: Option<(&'p str, u64, &'p ParsedCredentials<'p>)>,
) -> Vec<(String, DecodedCredential)> {
    let ctx = engine_context(at.unwrap_or(Timestamp(0)), leeway_secs);
    let mut parts = Cached {
        cache,
        at,
        authorization,
    };
    let mut out: Vec<(String, DecodedCredential)> =
        credentials::from_request_with(&ex.request, &ctx, &mut parts)
            .into_iter()
            .map(|c| (c.location, c.credential))
            .collect();
    if at.is_none() {
        for (_, c) in &mut out {
            c.findings.retain(|f| !TIME_VERDICTS.contains(&f.id));
        }
    }
    out
}

impl<'a> Facts<'a> {
    /// Decodes what the rules need from `ex`, judging token times with `leeway_secs`.
    #[cfg(test)]
    pub fn new(ex: &'a Exchange, leeway_secs: i64) -> Self {
        Self::with_cache(ex, leeway_secs, &mut CredentialCache::default(), None)
    }

    /// Like [`Facts::new`], reusing `cache` for the `Authorization` of successful requests,
    /// with the browser's network error when known.
    pub fn with_cache(
        ex: &'a Exchange,
        leeway_secs: i64,
        cache: &mut CredentialCache,
        net_error: Option<&'a str>,
    ) -> Self {
        let url = ex.url();
        let status = ex.response.status;
        let failure = ex.is_auth_failure();
        let is_post = ex.request.method.eq_ignore_ascii_case("POST");
        // The Date only matters as the reference time when there is no start time, and for
        // the rules that look at failures and token requests (skew, cache freshness).
        let date = if ex.started_at.is_none() || failure || status >= 400 || is_post {
            ex.response
                .headers
                .get("date")
                .and_then(Timestamp::parse_http_date)
        } else {
            None
        };
        let authorization = header(ex, "authorization");
        // The grammar's diagnostics feed rules about failures; for requests that worked,
        // the cached decoder verdicts cover format problems.
        let credentials = authorization
            .filter(|_| failure)
            .map(challenge::parse_credentials);
        let www: Vec<&str> = ex.response.headers.get_all("www-authenticate").collect();
        let challenges = (!www.is_empty()).then(|| challenge::parse_challenges(&www));
        let proxy: Vec<&str> = ex.response.headers.get_all("proxy-authenticate").collect();
        let proxy_challenges =
            (!proxy.is_empty()).then(|| challenge::parse_proxy_challenges(&proxy));
        let wants_body = failure || status >= 400 || ex.request.method.eq_ignore_ascii_case("POST");
        let error_body = if wants_body {
            ex.response.body.as_ref().and_then(body::parse)
        } else {
            None
        };
        let detected = if failure || status >= 400 {
            fixes::detect(&ex.response)
        } else {
            Detected::default()
        };
        let token_request = classify_token_request(ex, error_body.as_ref());
        let at = ex.started_at.or(date);
        let auth_hash = authorization.map(hash);
        let decoded = if failure {
            let parsed = authorization.zip(auth_hash).zip(credentials.as_ref());
            decode(
                ex,
                at,
                leeway_secs,
                cache,
                parsed.map(|((v, k), p)| (v, k, p)),
            )
        } else {
            Vec::new()
        };
        let auth_verdicts = match (authorization, auth_hash) {
            (Some(v), Some(key)) if !failure => cache.verdicts(key, v, ex, leeway_secs),
            _ => Vec::new(),
        };
        Self {
            ex,
            origin: url.origin(),
            url,
            status,
            failure,
            at,
            date,
            preflight: is_preflight(ex),
            authorization,
            auth_hash,
            credentials,
            challenges,
            proxy_challenges,
            error_body,
            detected,
            token_request,
            decoded,
            auth_verdicts,
            net_error: net_error.filter(|e| !e.is_empty()),
        }
    }

    /// Decoder verdicts with `id`, with the credential's location.
    pub fn verdicts<'s>(
        &'s self,
        id: &'s str,
    ) -> impl Iterator<Item = (&'s str, &'s Finding)> + 's {
        let decoded = self.decoded.iter().flat_map(move |(loc, c)| {
            c.findings
                .iter()
                .filter(move |f| f.id == id)
                .map(move |f| (loc.as_str(), f))
        });
        let cached = self
            .auth_verdicts
            .iter()
            .filter(move |f| f.id == id)
            .map(|f| ("request header Authorization", f));
        decoded.chain(cached)
    }

    /// The decoded `Authorization` credential.
    pub fn authorization_decoded(&self) -> Option<&DecodedCredential> {
        self.decoded
            .iter()
            .find(|(loc, c)| !c.proxy && loc.eq_ignore_ascii_case("request header authorization"))
            .map(|(_, c)| c)
    }

    /// The scheme sent in `Authorization`, as written (empty for a bare token).
    pub fn scheme(&self) -> Option<&'a str> {
        match &self.credentials {
            Some(parsed) => parsed.credentials.as_ref().map(|c| c.scheme),
            // Not parsed (a request that worked): the first word is the scheme, or there is
            // none when the value is a single word (a bare token).
            None => self.authorization.map(|v| {
                let v = v.trim_start();
                match v.split_once([' ', '\t']) {
                    Some((scheme, _)) => scheme,
                    None => "",
                }
            }),
        }
    }

    /// A request header.
    pub fn req(&self, name: &str) -> Option<&'a str> {
        header(self.ex, name)
    }

    /// A response header.
    pub fn res(&self, name: &str) -> Option<&'a str> {
        self.ex.response.headers.get(name)
    }

    /// The first challenge parameter `name` over all `WWW-Authenticate` challenges.
    pub fn challenge_param(&self, name: &str) -> Option<&str> {
        self.challenges
            .as_ref()?
            .challenges
            .iter()
            .find_map(|c| c.param_value(name))
    }

    /// The OAuth error code: the challenge's `error`, else the body's OAuth `error`.
    pub fn error_code(&self) -> Option<&str> {
        self.challenge_param("error").or_else(|| {
            self.error_body
                .as_ref()
                .filter(|b| b.shape == body::Shape::OAuth)
                .and_then(|b| b.code.as_deref())
        })
    }

    /// The server's explanation: `error_description`, else the body's message.
    pub fn error_description(&self) -> Option<&str> {
        self.challenge_param("error_description")
            .or_else(|| self.error_body.as_ref().and_then(|b| b.message.as_deref()))
    }

    /// The server's explanation in lowercase, for keyword checks ("expired", "audience").
    pub fn description_lower(&self) -> String {
        self.error_description().unwrap_or("").to_ascii_lowercase()
    }

    /// Whether the request carried any credential: `Authorization`, an API-key header, a
    /// plausible session cookie, or a token in the URL.
    pub fn carries_any_credential(&self) -> bool {
        self.authorization.is_some()
            || self.req("proxy-authorization").is_some()
            || self.session_cookie().is_some()
            || API_KEY_HEADERS.iter().any(|h| self.req(h).is_some())
            || self.url_credential().is_some()
    }

    /// The name of the first cookie sent that looks like a session or auth cookie.
    pub fn session_cookie(&self) -> Option<String> {
        let header = self.req("cookie")?;
        crate::cookie::parse_cookie_header(header)
            .pairs
            .into_iter()
            .find(|p| is_session_cookie_name(&p.name))
            .map(|p| p.name)
    }

    /// The first credential-carrying query parameter `(name, value)`.
    pub fn url_credential(&self) -> Option<(&'a str, &'a str)> {
        self.url.query_pairs().find(|(k, v)| {
            !v.is_empty() && URL_CREDENTIALS.iter().any(|n| n.eq_ignore_ascii_case(k))
        })
    }

    /// Whether the host is a loopback name or address (http is fine there).
    pub fn is_loopback(&self) -> bool {
        let host = self.url.host.to_ascii_lowercase();
        host == "localhost"
            || host.ends_with(".localhost")
            || host.starts_with("127.")
            || host == "[::1]"
    }

    /// The backend identity headers, `name: value; …`, cut to 160 characters.
    pub fn identity(&self) -> Option<String> {
        const MAX: usize = 160;
        let mut text = String::new();
        // One pass over the response headers (each exchange has a record, so this runs for
        // all of them): the first value of each identity header, shown in list order.
        let mut found: [Option<&str>; IDENTITY_HEADERS.len()] = [None; IDENTITY_HEADERS.len()];
        for h in self.ex.response.headers.iter() {
            // Every identity header starts with `x-`, `v` or `s`: most names are ruled out
            // by their first byte, without comparing them with the fifteen.
            if !matches!(
                h.name.as_bytes().first().map(u8::to_ascii_lowercase),
                Some(b'x' | b'v' | b's')
            ) {
                continue;
            }
            let slot = IDENTITY_HEADERS
                .iter()
                .position(|n| n.eq_ignore_ascii_case(&h.name))
                .and_then(|i| found.get_mut(i));
            if let Some(slot @ None) = slot {
                *slot = Some(h.value.as_str());
            }
        }
        let ip = self.ex.server_ip.as_deref().map(|ip| ("server ip", ip));
        let parts = || {
            IDENTITY_HEADERS
                .iter()
                .zip(found)
                .filter_map(|(n, v)| v.map(|v| (*n, v)))
                .chain(ip)
        };
        // Sized once (at most the cut plus the part that crossed it): grown push by push,
        // this was ~5 allocations for every exchange with a server address.
        let mut room = 0;
        for (n, v) in parts() {
            room += if room == 0 { 0 } else { 2 } + n.len() + 2 + v.len();
            if room >= MAX {
                break;
            }
        }
        text.reserve_exact(room);
        for (n, v) in parts() {
            if !text.is_empty() {
                text.push_str("; ");
            }
            text.push_str(n);
            text.push_str(": ");
            text.push_str(v);
            if text.len() >= MAX {
                break;
            }
        }
        if text.is_empty() {
            return None;
        }
        truncate_chars(&mut text, MAX);
        Some(text)
    }

    /// The URL without fragment, for matching hops and retries.
    pub fn url_key(&self) -> u64 {
        url_key_of(&self.origin, &self.url)
    }

    /// The resolved redirect target (`redirectURL` or `Location`), for 3xx responses.
    pub fn redirect_target(&self) -> Option<String> {
        if !(300..400).contains(&self.status) {
            return None;
        }
        let loc = self
            .ex
            .response
            .redirect_url
            .as_deref()
            .filter(|l| !l.is_empty())
            .or_else(|| self.res("location"))?;
        Some(resolve(&self.url, loc))
    }
}

/// Cuts `s` to at most `max` bytes at a character boundary.
pub fn truncate_chars(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

/// Hash of a URL's origin, path and query (fragment dropped), for matching.
pub fn url_key(url: &UrlParts<'_>) -> u64 {
    url_key_of(&url.origin(), url)
}

/// [`url_key`] with the origin already computed (it is a new string each time).
fn url_key_of(origin: &str, url: &UrlParts<'_>) -> u64 {
    hash(&(origin, url.path, url.query.unwrap_or("")))
}

/// Resolves a `Location` value against the request URL (RFC 3986 §5.2, the common cases).
pub fn resolve(base: &UrlParts<'_>, location: &str) -> String {
    let loc = location.trim();
    if loc.contains("://") {
        return loc.to_string();
    }
    if let Some(rest) = loc.strip_prefix("//") {
        return format!("{}://{rest}", base.scheme.to_ascii_lowercase());
    }
    let origin = base.origin();
    if loc.starts_with('/') {
        return format!("{origin}{loc}");
    }
    if loc.starts_with('?') {
        return format!("{origin}{}{loc}", base.path);
    }
    let dir = base.path.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{origin}{dir}/{loc}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::{Body, Request, Response};

    /// [`Facts::identity`] skips headers by their first byte.
    #[test]
    fn identity_headers_start_as_the_prefilter_expects() {
        for name in IDENTITY_HEADERS {
            assert!(
                matches!(name.as_bytes().first(), Some(b'x' | b'v' | b's')),
                "{name}"
            );
        }
    }

    fn post(url: &str, mime: &str, body: &str, status: u16) -> Exchange {
        Exchange {
            request: Request {
                method: "POST".into(),
                url: url.into(),
                body: Some(Body {
                    mime_type: mime.into(),
                    text: body.into(),
                    encoding: None,
                }),
                ..Request::default()
            },
            response: Response {
                status,
                body: Some(Body {
                    mime_type: "application/json".into(),
                    text: if status == 400 {
                        r#"{"error":"invalid_grant"}"#.into()
                    } else {
                        "{}".into()
                    },
                    encoding: None,
                }),
                ..Response::default()
            },
            ..Exchange::default()
        }
    }

    #[test]
    fn token_requests_table() {
        let form = "application/x-www-form-urlencoded";
        let cases = [
            (
                post(
                    "https://id.example.com/oauth/token",
                    form,
                    "grant_type=refresh_token&refresh_token=r1",
                    200,
                ),
                Some((true, false)),
            ),
            (
                post(
                    "https://id.example.com/oauth2/v2.0/token",
                    form,
                    "grant_type=authorization_code&code=c",
                    200,
                ),
                Some((false, false)),
            ),
            (
                post(
                    "https://api.example.com/auth/refresh",
                    "application/json",
                    "{}",
                    401,
                ),
                Some((true, true)),
            ),
            (
                post(
                    "https://x.supabase.co/auth/v1/token?grant_type=refresh_token",
                    "application/json",
                    r#"{"refresh_token":"r"}"#,
                    400,
                ),
                Some((true, true)),
            ),
            (
                post(
                    "https://api.example.com/v1/orders",
                    "application/json",
                    r#"{"item":1}"#,
                    200,
                ),
                None,
            ),
        ];
        for (ex, want) in cases {
            let f = Facts::new(&ex, 60);
            assert_eq!(
                f.token_request.as_ref().map(|t| (t.refresh, t.failed)),
                want,
                "{}",
                ex.request.url
            );
        }
        let ex = post(
            "https://id.example.com/oauth/token",
            form,
            "grant_type=refresh_token&refresh_token=r1",
            400,
        );
        let t = Facts::new(&ex, 60).token_request.unwrap();
        assert_eq!(t.error.as_deref(), Some("invalid_grant"));
        assert_eq!(t.refresh_token, Some(hash("r1")));
    }

    /// A request to the API at `at_secs` with `authorization`, answered `status` (a 401
    /// carries an `invalid_token` challenge).
    fn api_call(index: usize, at_secs: i64, authorization: &str, status: u16) -> Exchange {
        let mut ex = Exchange {
            index,
            started_at: Some(Timestamp::from_unix_secs(at_secs)),
            request: Request {
                method: "GET".into(),
                url: "https://api.example.com/v1/me".into(),
                ..Request::default()
            },
            response: Response {
                status,
                ..Response::default()
            },
            ..Exchange::default()
        };
        ex.request.headers.push("Authorization", authorization);
        if status == 401 {
            ex.response.headers.push(
                "WWW-Authenticate",
                "Bearer realm=\"api\", error=\"invalid_token\"",
            );
        }
        ex
    }

    fn bearer(exp: i64) -> String {
        let token = crate::jose::encode_jws(
            &serde_json::json!({"alg": "RS256", "typ": "at+jwt", "kid": "k1"}),
            &serde_json::json!({
                "iss": "https://login.example.com/", "sub": "u1", "aud": "https://api.example.com",
                "iat": exp - 3600, "nbf": exp - 3600, "exp": exp, "scope": "read",
            }),
            &[7; 256],
        );
        format!("Bearer {token}")
    }

    /// The decoded credentials of `ex` with a cache warmed by `earlier` exchanges, and with
    /// a cold one.
    fn warm_and_cold(earlier: &[Exchange], ex: &Exchange) -> (Facts<'static>, Facts<'static>) {
        let ex: &'static Exchange = Box::leak(Box::new(ex.clone()));
        let mut cache = CredentialCache::default();
        for e in earlier {
            let _ = Facts::with_cache(e, 60, &mut cache, None);
        }
        assert!(cache.len() > 0, "the earlier exchanges filled the cache");
        let warm = Facts::with_cache(ex, 60, &mut cache, None);
        let cold = Facts::with_cache(ex, 60, &mut CredentialCache::default(), None);
        (warm, cold)
    }

    #[test]
    fn credential_cache_gives_the_same_decoding_as_a_cold_decode() {
        const EXP: i64 = 1_717_232_400;
        let auth = bearer(EXP);
        // The token works at first, then expires between requests: the cached decoding must
        // be judged again at each request's own time.
        let ok = api_call(0, EXP - 600, &auth, 200);
        let failures = [
            api_call(1, EXP + 30, &auth, 401),   // within the leeway: a warning
            api_call(2, EXP + 4000, &auth, 401), // long expired: an error
            api_call(3, EXP - 7200, &auth, 401), // before nbf/iat: not yet valid
        ];
        for (i, ex) in failures.iter().enumerate() {
            let mut earlier = vec![ok.clone()];
            earlier.extend(failures.iter().take(i).cloned());
            let (warm, cold) = warm_and_cold(&earlier, ex);
            assert!(!cold.decoded.is_empty());
            assert_eq!(warm.decoded, cold.decoded, "exchange {}", ex.index);
            assert_eq!(warm.auth_verdicts, cold.auth_verdicts);
        }
        // The same cached token, judged at three instants.
        let (warm, _) = warm_and_cold(std::slice::from_ref(&ok), &failures[0]);
        let expired = warm.verdicts("token-expired").next().expect("expired");
        assert!(expired.1.title.contains("30 s"), "{}", expired.1.title);
        assert_eq!(expired.1.severity, crate::finding::Severity::Warning);
        let (warm, _) = warm_and_cold(&[ok.clone(), failures[0].clone()], &failures[1]);
        let expired = warm.verdicts("token-expired").next().expect("expired");
        assert!(expired.1.title.contains("1 h 6 min"), "{}", expired.1.title);
        assert_eq!(expired.1.severity, crate::finding::Severity::Error);
        let (warm, _) = warm_and_cold(&failures[..2], &failures[2]);
        assert!(warm.verdicts("token-expired").next().is_none());
        assert!(warm.verdicts("token-not-yet-valid").next().is_some());
        // A request that worked reads the time-independent verdicts only, cached or not.
        let (warm, cold) = warm_and_cold(&failures, &ok);
        assert_eq!(warm.auth_verdicts, cold.auth_verdicts);
        assert!(warm.decoded.is_empty());
    }

    #[test]
    fn cookie_credentials_are_cached_and_judged_at_each_request() {
        const EXP: i64 = 1_717_232_400;
        let jwt = bearer(EXP).replacen("Bearer ", "", 1);
        let cookie = format!("theme=dark; session=s%3A0123456789abcdef; id_token={jwt}");
        let call = |index, at| {
            let mut ex = api_call(index, at, "x", 401);
            ex.request.headers = crate::exchange::Headers::default();
            ex.request.headers.push("Cookie", cookie.as_str());
            ex
        };
        let exchanges = [call(0, EXP - 600), call(1, EXP + 30), call(2, EXP + 4000)];
        let mut cache = CredentialCache::default();
        for ex in &exchanges {
            let warm = Facts::with_cache(ex, 60, &mut cache, None);
            let cold = Facts::with_cache(ex, 60, &mut CredentialCache::default(), None);
            assert_eq!(warm.decoded.len(), 2, "session and id_token");
            assert_eq!(warm.decoded, cold.decoded, "exchange {}", ex.index);
        }
        assert_eq!(cache.len(), 1, "one Cookie value, cached");
        let last = Facts::with_cache(&exchanges[2], 60, &mut cache, None);
        let (loc, expired) = last.verdicts("token-expired").next().expect("expired");
        assert_eq!(loc, "cookie id_token");
        assert!(expired.title.contains("1 h 6 min"), "{}", expired.title);
    }

    #[test]
    fn credential_cache_skips_values_judged_against_the_request() {
        // Digest checks `uri` against the request line: two requests with the same value
        // are judged differently, so the value is never served from the cache.
        let digest = "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/v1/me\", response=\"00112233445566778899aabbccddeeff\"";
        let first = api_call(0, 1_717_232_400, digest, 401);
        let mut other = api_call(1, 1_717_232_460, digest, 401);
        other.request.url = "https://api.example.com/v1/other".into();
        let mut cache = CredentialCache::default();
        let _ = Facts::with_cache(&first, 60, &mut cache, None);
        assert_eq!(cache.len(), 0);
        let warm = Facts::with_cache(&other, 60, &mut cache, None);
        let cold = Facts::with_cache(&other, 60, &mut CredentialCache::default(), None);
        assert_eq!(warm.decoded, cold.decoded);
        assert!(warm.verdicts("digest-uri-mismatch").next().is_some());
    }

    #[test]
    fn regression_hash_collision_never_serves_another_tokens_decoding() {
        // The cache's hash is fast, not collision-resistant: force two values onto one key
        // and check the second is decoded as itself, not served the first one's result.
        let ctx = engine_context(Timestamp(1_717_232_400_000), 60);
        let mut cache = CredentialCache::default();
        let first = bearer(1_717_232_400 + 3600);
        let second = "Basic dXNlcjpwYXNz";
        for _ in 0..2 {
            let _ = cache.decode(42, &first, None, &ctx, None);
        }
        let got = cache.decode(42, second, None, &ctx, None);
        assert_eq!(got, credentials::decode_authorization(second, &ctx));
        assert_eq!(got.scheme, "Basic");
        // The same for the verdicts of requests that worked: a placeholder after a clean
        // token on the same key still gets its own verdict.
        let ok = api_call(0, 1_717_232_400, &first, 200);
        assert!(cache.verdicts(7, &first, &ok, 60).is_empty());
        let placeholder = api_call(1, 1_717_232_400, "Bearer undefined", 200);
        let verdicts = cache.verdicts(7, "Bearer undefined", &placeholder, 60);
        assert!(!verdicts.is_empty(), "the placeholder is judged as itself");
    }

    #[test]
    fn credential_cache_is_bounded() {
        let mut cache = CredentialCache::default();
        for i in 0..3 * CredentialCache::CAPACITY {
            let ex = api_call(i, 1_717_232_400, &bearer(1_717_232_400 + i as i64), 200);
            let _ = Facts::with_cache(&ex, 60, &mut cache, None);
            assert!(cache.len() <= CredentialCache::CAPACITY);
        }
        assert_eq!(cache.len(), CredentialCache::CAPACITY);
    }

    #[test]
    fn resolve_table() {
        let base = UrlParts::parse("https://api.example.com/v1/me?x=1");
        let cases = [
            ("https://other.example/a", "https://other.example/a"),
            ("//cdn.example/b", "https://cdn.example/b"),
            (
                "/login?next=%2Fv1",
                "https://api.example.com/login?next=%2Fv1",
            ),
            ("other", "https://api.example.com/v1/other"),
            ("?page=2", "https://api.example.com/v1/me?page=2"),
        ];
        for (loc, want) in cases {
            assert_eq!(resolve(&base, loc), want, "{loc}");
        }
    }

    #[test]
    fn session_cookie_names() {
        for yes in [
            "session",
            "connect.sid",
            "JSESSIONID",
            "PHPSESSID",
            "__Host-sid",
            ".AspNetCore.Cookies",
            "sb-access-token",
            "auth_token",
            "laravel_session",
        ] {
            assert!(is_session_cookie_name(yes), "{yes}");
        }
        for no in [
            "_ga",
            "_gid",
            "theme",
            "intercom-session-abc",
            "csrftoken",
            "XSRF-TOKEN",
            "cookie_consent",
            "lang",
        ] {
            assert!(!is_session_cookie_name(no), "{no}");
        }
    }

    #[test]
    fn preflight_detection() {
        let mut ex = Exchange::default();
        ex.request.method = "OPTIONS".into();
        assert!(!is_preflight(&ex));
        ex.request
            .headers
            .push("Access-Control-Request-Method", "GET");
        assert!(is_preflight(&ex));
        let ex = Exchange {
            resource_type: Some("preflight".into()),
            ..Exchange::default()
        };
        assert!(is_preflight(&ex));
    }
}
