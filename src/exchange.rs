//! The normalised request/response pair every other module reads.
//!
//! An [`Exchange`] is what one HAR entry (or one live `chrome.devtools.network` entry)
//! becomes. Headers keep their order and duplicates, because RFC 9110 §5.3 lets a
//! recipient combine repeated fields only for list-based fields, and `Set-Cookie` never.

use std::borrow::Cow;

use serde::Serialize;

use crate::time::Timestamp;

/// One header field as sent on the wire (name case preserved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// Field name, case as captured: a static string for the common names
    /// ([`header_name`]), so the usual fields of a capture cost no allocation of their own.
    pub name: Cow<'static, str>,
    /// Field value, as captured.
    pub value: String,
}

/// An ordered multimap of header fields with case-insensitive lookup (RFC 9110 §5.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Headers(pub Vec<Header>);

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Appends a field, keeping earlier ones with the same name.
    pub fn push(&mut self, name: impl AsRef<str>, value: impl Into<String>) {
        let name = name.as_ref();
        self.0.push(Header {
            name: well_known_name(name).map_or_else(|| Cow::Owned(name.to_owned()), Cow::Borrowed),
            value: value.into(),
        });
    }

    /// All fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &Header> {
        self.0.iter()
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|h| same_name(&h.name, name))
            .map(|h| h.value.as_str())
    }

    /// Every value of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |h| same_name(&h.name, name))
            .map(|h| h.value.as_str())
    }

    /// Every field of `name` with its position among all fields.
    pub fn positions<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = (usize, &'a Header)> + 'a {
        self.0
            .iter()
            .enumerate()
            .filter(move |(_, h)| same_name(&h.name, name))
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(n, v)| Header {
                    name: header_name(n.into()),
                    value: v.into(),
                })
                .collect(),
        )
    }
}

/// `name` as a static string when it is a common header name in the case browsers
/// capture it (HTTP/2 and HTTP/3 lowercase, RFC 9113 §8.2.1; HTTP/1.1 as usually
/// written), otherwise owned. A capture repeats a few dozen names on every entry: a
/// 20k-entry HAR read ~16 names per entry, each its own allocation before this.
pub fn header_name(name: impl Into<Cow<'static, str>> + AsRef<str>) -> Cow<'static, str> {
    match well_known_name(name.as_ref()) {
        Some(known) => Cow::Borrowed(known),
        None => name.into(),
    }
}

/// The static copy of `name` when it is in [`WELL_KNOWN_NAMES`] (case-sensitive: the
/// captured case is kept).
pub fn well_known_name(name: &str) -> Option<&'static str> {
    // Open addressing over a table built at compile time: one or two probes. A binary
    // search over the list cost more per header than the allocation it saves.
    let b = name.as_bytes();
    let mut slot = name_hash(b);
    for _ in 0..NAME_SLOTS.len() {
        let index = *NAME_SLOTS.get(slot)?;
        let known = WELL_KNOWN_NAMES.get(usize::from(index).checked_sub(1)?)?;
        if known.as_bytes() == b {
            return Some(known);
        }
        slot = (slot + 1) % SLOT_COUNT;
    }
    None
}

/// Slots in [`NAME_SLOTS`].
const SLOT_COUNT: usize = 512;

/// Where a name's probe starts in [`NAME_SLOTS`]: from its length, first two and last bytes.
const fn name_hash(b: &[u8]) -> usize {
    let (first, second, last) = match b {
        [] => (0, 0, 0),
        [f] => (*f as usize, 0, *f as usize),
        [f, l] => (*f as usize, *l as usize, *l as usize),
        [f, s, .., l] => (*f as usize, *s as usize, *l as usize),
    };
    // Constants chosen by a search for the fewest probes over the table (two at most;
    // a test checks).
    let x = b.len().wrapping_mul(32291)
        ^ first.wrapping_mul(4047)
        ^ second.wrapping_mul(3055)
        ^ last.wrapping_mul(1015);
    (x ^ (x >> 7)) % SLOT_COUNT
}

/// [`WELL_KNOWN_NAMES`] as an open-addressing table: each slot holds a name's index plus
/// one, or 0 when empty. Four times the names, so probes stay short.
// Indexing is checked by the compiler here: the table is built at compile time, and an
// index out of bounds fails the build.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const NAME_SLOTS: [u16; SLOT_COUNT] = {
    let mut slots = [0u16; SLOT_COUNT];
    let mut i = 0;
    while i < WELL_KNOWN_NAMES.len() {
        let mut slot = name_hash(WELL_KNOWN_NAMES[i].as_bytes());
        while slots[slot] != 0 {
            slot = (slot + 1) % SLOT_COUNT;
        }
        slots[slot] = (i + 1) as u16;
        i += 1;
    }
    slots
};

/// Header names common enough in captures to keep one static copy of each (sorted by
/// length, then bytes, so a repeat is easy to spot; a test checks).
pub const WELL_KNOWN_NAMES: &[&str] = &[
    "te",
    "Age",
    "Via",
    "age",
    "via",
    "DPoP",
    "Date",
    "ETag",
    "Etag",
    "Host",
    "Vary",
    "date",
    "dpop",
    "etag",
    "host",
    "link",
    "vary",
    ":path",
    "Accept",
    "Cookie",
    "Origin",
    "Pragma",
    "Server",
    "accept",
    "cf-ray",
    "cookie",
    "origin",
    "pragma",
    "server",
    ":method",
    ":scheme",
    ":status",
    "Expires",
    "Referer",
    "alt-svc",
    "expires",
    "referer",
    "x-cache",
    "Location",
    "location",
    "priority",
    "X-Api-Key",
    "report-to",
    "sec-ch-ua",
    "x-api-key",
    ":authority",
    "Connection",
    "Keep-Alive",
    "Set-Cookie",
    "User-Agent",
    "connection",
    "keep-alive",
    "set-cookie",
    "user-agent",
    "x-amz-cf-id",
    "Content-Type",
    "X-Powered-By",
    "X-Request-ID",
    "X-Request-Id",
    "content-type",
    "x-amz-cf-pop",
    "x-csrf-token",
    "x-powered-by",
    "x-request-id",
    "Accept-Ranges",
    "Authorization",
    "Cache-Control",
    "If-None-Match",
    "Last-Modified",
    "accept-ranges",
    "authorization",
    "cache-control",
    "if-none-match",
    "last-modified",
    "server-timing",
    "Content-Length",
    "content-length",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
    "sec-fetch-user",
    "Accept-Encoding",
    "Accept-Language",
    "Referrer-Policy",
    "X-Frame-Options",
    "accept-encoding",
    "accept-language",
    "cf-cache-status",
    "referrer-policy",
    "x-forwarded-for",
    "x-frame-options",
    "Content-Encoding",
    "WWW-Authenticate",
    "Www-Authenticate",
    "X-Requested-With",
    "content-encoding",
    "content-language",
    "sec-ch-ua-mobile",
    "www-authenticate",
    "x-requested-with",
    "x-xss-protection",
    "If-Modified-Since",
    "Transfer-Encoding",
    "if-modified-since",
    "transfer-encoding",
    "Proxy-Authenticate",
    "proxy-authenticate",
    "sec-ch-ua-platform",
    "Proxy-Authorization",
    "proxy-authorization",
    "timing-allow-origin",
    "Access-Control-Max-Age",
    "X-Content-Type-Options",
    "access-control-max-age",
    "x-content-type-options",
    "Content-Security-Policy",
    "content-security-policy",
    "Strict-Transport-Security",
    "Upgrade-Insecure-Requests",
    "strict-transport-security",
    "upgrade-insecure-requests",
    "cross-origin-opener-policy",
    "Access-Control-Allow-Origin",
    "access-control-allow-origin",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Methods",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "cross-origin-resource-policy",
    "Access-Control-Expose-Headers",
    "Access-Control-Request-Method",
    "access-control-expose-headers",
    "access-control-request-method",
    "Access-Control-Request-Headers",
    "access-control-request-headers",
    "Access-Control-Allow-Credentials",
    "access-control-allow-credentials",
];

/// A message body as captured (HAR `postData` / `content`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Body {
    /// `mimeType` as captured, may be empty.
    pub mime_type: String,
    /// The text; for `encoding: "base64"` bodies, still encoded (see `encoding`).
    pub text: String,
    /// HAR `encoding`, e.g. `base64`.
    pub encoding: Option<String>,
}

/// The request half.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Request {
    /// Method, as captured (`GET`, `OPTIONS`, …).
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// `HTTP/1.1`, `h2`, `http/2.0`, … as captured.
    pub http_version: String,
    /// Header fields in order.
    pub headers: Headers,
    /// Request body, when captured.
    pub body: Option<Body>,
}

impl Request {
    /// Whether this is a POST whose last path segment names a token or refresh endpoint
    /// (`/oauth/token`, `/oauth2/v2.0/token`, `/auth/refresh`), CSRF-token endpoints
    /// excepted. OAuth token requests ([RFC 6749 §3.2](https://www.rfc-editor.org/rfc/rfc6749#section-3.2))
    /// also announce themselves with `grant_type` in the body, which callers that read the
    /// body check too. The one place this heuristic lives: the diagnosis, the redactor and
    /// the report's flows must agree on what a token request is.
    pub fn posts_to_token_path(&self) -> bool {
        if !self.method.eq_ignore_ascii_case("POST") {
            return false;
        }
        let last = UrlParts::parse(&self.url)
            .path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        (last.contains("token") || last.contains("refresh"))
            && !last.contains("csrf")
            && !last.contains("xsrf")
    }
}

/// The response half.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Response {
    /// Status code; 0 when the request never got one (blocked, CORS failure, aborted).
    pub status: u16,
    /// Reason phrase as captured.
    pub status_text: String,
    /// `HTTP/1.1`, `h2`, … as captured.
    pub http_version: String,
    /// Header fields in order.
    pub headers: Headers,
    /// Response body, when captured.
    pub body: Option<Body>,
    /// HAR `redirectURL` (or `Location`), when non-empty.
    pub redirect_url: Option<String>,
}

/// One request/response pair with the browser's extras.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Exchange {
    /// Position in the capture (HAR entry index, or arrival order in the panel).
    pub index: usize,
    /// When the request started (HAR `startedDateTime`).
    pub started_at: Option<Timestamp>,
    /// Total time in milliseconds (HAR `time`), when known.
    pub time_ms: Option<f64>,
    /// The request.
    pub request: Request,
    /// The response.
    pub response: Response,
    /// Chrome `_resourceType`: `document`, `fetch`, `xhr`, `preflight`, `script`, …
    pub resource_type: Option<String>,
    /// Chrome `_fromCache` (`memory` / `disk`), or Firefox's cache marker.
    pub from_cache: Option<String>,
    /// `serverIPAddress`.
    pub server_ip: Option<String>,
    /// Chrome `_initiator.url` (or the first stack frame's URL), when known.
    pub initiator: Option<String>,
}

impl Exchange {
    /// Whether the response is an authentication or authorization failure (401, 403, 407).
    pub fn is_auth_failure(&self) -> bool {
        matches!(self.response.status, 401 | 403 | 407)
    }

    /// The request URL split into parts.
    pub fn url(&self) -> UrlParts<'_> {
        UrlParts::parse(&self.request.url)
    }
}

/// A lenient split of an absolute URL. Not a validator: it never fails, it just leaves
/// parts empty, which is what diagnosis needs from captured (possibly odd) URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Lowercase-insensitive scheme as written (`https`), empty when absent.
    pub scheme: &'a str,
    /// Host as written, without userinfo and port; IPv6 keeps its brackets.
    pub host: &'a str,
    /// Port as written, when present.
    pub port: Option<&'a str>,
    /// Path, `/` when absent.
    pub path: &'a str,
    /// Query without `?`, when present.
    pub query: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    /// Splits `url`; never fails.
    pub fn parse(url: &'a str) -> Self {
        let url = url.trim();
        let (scheme, rest) = match url.find("://") {
            Some(i) => (url.get(..i).unwrap_or(""), url.get(i + 3..).unwrap_or("")),
            None => ("", url),
        };
        let rest = rest.split('#').next().unwrap_or("");
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let hostport = authority.rsplit('@').next().unwrap_or("");
        let (host, port) = if hostport.starts_with('[') {
            match hostport.find(']') {
                Some(i) => {
                    let (h, p) = hostport.split_at(i + 1);
                    (h, p.strip_prefix(':'))
                }
                None => (hostport, None),
            }
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        let (path, query) = match tail.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (tail, None),
        };
        Self {
            scheme,
            host,
            port,
            path: if path.is_empty() { "/" } else { path },
            query,
        }
    }

    /// The port, explicit or the scheme's default.
    pub fn effective_port(&self) -> Option<u16> {
        match self.port.and_then(|p| p.parse().ok()) {
            Some(p) => Some(p),
            None if self.scheme.eq_ignore_ascii_case("https")
                || self.scheme.eq_ignore_ascii_case("wss") =>
            {
                Some(443)
            }
            None if self.scheme.eq_ignore_ascii_case("http")
                || self.scheme.eq_ignore_ascii_case("ws") =>
            {
                Some(80)
            }
            None => None,
        }
    }

    /// The origin (RFC 6454) serialised in lowercase: `https://api.example.com:8443`, default port omitted.
    pub fn origin(&self) -> String {
        // Built in place rather than with `format!`: the diagnosis asks for the origin of
        // every exchange, and `core::fmt` was one of its hottest paths (perf).
        let port = self.effective_port();
        let mut out = String::with_capacity(self.scheme.len() + self.host.len() + 9);
        push_ascii_lowercase(&mut out, self.scheme);
        let default = match port {
            Some(443) => out == "https",
            Some(80) => out == "http",
            _ => false,
        };
        out.push_str("://");
        push_ascii_lowercase(&mut out, self.host);
        if let Some(p) = port.filter(|_| !default) {
            out.push(':');
            out.push_str(itoa::Buffer::new().format(p));
        }
        out
    }

    /// Whether two URLs are same-origin (scheme, host and port all equal).
    pub fn same_origin(&self, other: &UrlParts<'_>) -> bool {
        self.scheme.eq_ignore_ascii_case(other.scheme)
            && self.host.eq_ignore_ascii_case(other.host)
            && self.effective_port() == other.effective_port()
    }

    /// Whether the scheme is a secure one (`https`, `wss`).
    pub fn is_secure(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("https") || self.scheme.eq_ignore_ascii_case("wss")
    }

    /// Query parameters as raw (still percent-encoded) `(name, value)` pairs.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
    }
}

/// Appends `s` with ASCII letters lowercased (other characters as they are).
fn push_ascii_lowercase(out: &mut String, s: &str) {
    let start = out.len();
    out.push_str(s);
    if let Some(added) = out.get_mut(start..) {
        added.make_ascii_lowercase();
    }
}

/// Case-insensitive field-name equality (RFC 9110 §5.1). Length and first byte go first:
/// lookups run for every exchange against every header, and most names differ there.
fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len()
        && a.first().map(u8::to_ascii_lowercase) == b.first().map(u8::to_ascii_lowercase)
        && a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`well_known_name`] binary-searches the table.
    #[test]
    fn well_known_names_are_sorted_by_length_then_bytes_without_repeats() {
        for pair in WELL_KNOWN_NAMES.windows(2) {
            let [a, b] = pair else { unreachable!() };
            assert!(
                (a.len(), a.as_bytes()) < (b.len(), b.as_bytes()),
                "{a} before {b}"
            );
        }
        for name in WELL_KNOWN_NAMES {
            assert_eq!(well_known_name(name), Some(*name));
        }
    }

    /// The lookup is meant to cost less than the allocation it saves: two probes at most.
    #[test]
    fn well_known_names_are_found_within_two_probes() {
        let mut longest = 0;
        for (i, name) in WELL_KNOWN_NAMES.iter().enumerate() {
            let mut slot = name_hash(name.as_bytes());
            let mut probes = 1;
            while usize::from(NAME_SLOTS[slot]) != i + 1 {
                slot = (slot + 1) % SLOT_COUNT;
                probes += 1;
            }
            longest = longest.max(probes);
        }
        assert!(longest <= 2, "{longest} probes");
    }

    #[test]
    fn header_names_keep_their_case_and_borrow_only_exact_matches() {
        let cases = [
            ("authorization", true),
            ("Authorization", true),
            ("AUTHORIZATION", false),
            ("x-custom-thing", false),
            ("", false),
            ("authorizatio", false),
            ("authorizationn", false),
            ("é", false),
        ];
        for (name, borrowed) in cases {
            let got = header_name(name.to_owned());
            assert_eq!(got, name);
            assert_eq!(matches!(got, Cow::Borrowed(_)), borrowed, "{name}");
            let mut headers = Headers::new();
            headers.push(name, "v");
            assert_eq!(headers.0.first().map(|h| h.name.as_ref()), Some(name));
            assert_eq!(
                headers
                    .0
                    .first()
                    .map(|h| matches!(h.name, Cow::Borrowed(_))),
                Some(borrowed)
            );
        }
    }

    /// `origin` is built by hand (no `format!`): the cases `format!` used to decide.
    #[test]
    fn origins_serialise_like_rfc_6454() {
        let cases = [
            ("https://Example.COM/x", "https://example.com"),
            ("HTTPS://example.com:443/x", "https://example.com"),
            ("http://example.com:80", "http://example.com"),
            ("http://example.com:443/", "http://example.com:443"),
            ("https://example.com:8443/a?b", "https://example.com:8443"),
            ("wss://example.com/socket", "wss://example.com:443"),
            ("ftp://example.com/f", "ftp://example.com"),
            ("https://bücher.example/", "https://bücher.example"),
            ("https://[::1]:65535/", "https://[::1]:65535"),
        ];
        for (url, want) in cases {
            assert_eq!(UrlParts::parse(url).origin(), want, "{url}");
        }
    }

    #[test]
    fn header_names_compare_ignoring_ascii_case_only() {
        let cases = [
            ("Authorization", "authorization", true),
            ("AUTHORIZATION", "authorization", true),
            ("authorization", "authorizatio", false),
            ("Cache-Control", "authorization", false), // same length, other first byte
            ("xuthorization", "authorization", false),
            ("authorizatioN", "authorization", true),
            ("", "", true),
            ("", "a", false),
            ("É", "é", false), // not ASCII: RFC 9110 field names are tokens
        ];
        for (a, b, want) in cases {
            assert_eq!(same_name(a, b), want, "{a} vs {b}");
            assert_eq!(same_name(b, a), want, "{b} vs {a}");
        }
    }

    #[test]
    fn header_lookup_is_case_insensitive_and_keeps_duplicates() {
        let h: Headers = [
            ("WWW-Authenticate", "Basic realm=\"a\""),
            ("www-authenticate", "Bearer"),
        ]
        .into_iter()
        .collect();
        assert_eq!(h.get("www-authenticate"), Some("Basic realm=\"a\""));
        assert_eq!(h.get_all("WWW-AUTHENTICATE").count(), 2);
        assert!(!h.contains("authorization"));
    }

    #[test]
    fn url_parts_table() {
        let cases = [
            (
                "https://api.example.com/v1/me?x=1#f",
                "https",
                "api.example.com",
                None,
                "/v1/me",
                Some("x=1"),
            ),
            (
                "http://user:pw@localhost:8401",
                "http",
                "localhost",
                Some("8401"),
                "/",
                None,
            ),
            (
                "https://[::1]:8443/a",
                "https",
                "[::1]",
                Some("8443"),
                "/a",
                None,
            ),
            ("not a url", "", "not a url", None, "/", None),
            ("", "", "", None, "/", None),
        ];
        for (url, scheme, host, port, path, query) in cases {
            let p = UrlParts::parse(url);
            assert_eq!(
                (p.scheme, p.host, p.port, p.path, p.query),
                (scheme, host, port, path, query),
                "{url}"
            );
        }
    }

    #[test]
    fn origins_compare_with_default_ports() {
        let a = UrlParts::parse("https://Example.com/a");
        let b = UrlParts::parse("https://example.com:443/b");
        let c = UrlParts::parse("http://example.com/");
        assert!(a.same_origin(&b));
        assert!(!a.same_origin(&c));
        assert_eq!(b.origin(), "https://example.com");
        assert_eq!(
            UrlParts::parse("http://localhost:8401/x").origin(),
            "http://localhost:8401"
        );
    }

    #[test]
    fn token_paths_table() {
        let cases = [
            ("POST", "https://id.example.com/oauth/token", true),
            (
                "post",
                "https://login.microsoftonline.com/t/oauth2/v2.0/token/",
                true,
            ),
            ("POST", "https://api.example.com/auth/refresh?x=1", true),
            ("GET", "https://id.example.com/oauth/token", false),
            ("POST", "https://app.example.com/api/csrf-token", false),
            ("POST", "https://api.example.com/v1/orders", false),
        ];
        for (method, url, expected) in cases {
            let r = Request {
                method: method.into(),
                url: url.into(),
                ..Request::default()
            };
            assert_eq!(r.posts_to_token_path(), expected, "{method} {url}");
        }
    }

    #[test]
    fn query_pairs_are_split() {
        let p = UrlParts::parse("https://x/cb?access_token=abc&state=1&flag");
        let pairs: Vec<_> = p.query_pairs().collect();
        assert_eq!(
            pairs,
            vec![("access_token", "abc"), ("state", "1"), ("flag", "")]
        );
    }
}
