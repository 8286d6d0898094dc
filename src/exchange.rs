//! The normalised request/response pair every other module reads.
//!
//! An [`Exchange`] is what one HAR entry (or one live `chrome.devtools.network` entry)
//! becomes. Headers keep their order and duplicates, because RFC 9110 §5.3 lets a
//! recipient combine repeated fields only for list-based fields, and `Set-Cookie` never.

use serde::Serialize;

use crate::time::Timestamp;

/// One header field as sent on the wire (name case preserved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// Field name, case as captured.
    pub name: String,
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
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push(Header {
            name: name.into(),
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
                    name: n.into(),
                    value: v.into(),
                })
                .collect(),
        )
    }
}

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
