//! The `Set-Cookie` response header, parsed the way browsers do (RFC 6265bis §5.6,
//! <https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-5.6>).

use std::fmt;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::secret;
use crate::time::Timestamp;

use super::{check_name, check_value, MaskedCookie, MAX_NAME_VALUE_BYTES};

/// Attribute values longer than this are ignored by browsers (RFC 6265bis §5.6).
const MAX_ATTRIBUTE_VALUE_BYTES: usize = 1024;

/// The `SameSite` attribute (RFC 6265bis §4.1.2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SameSite {
    /// Sent only on same-site requests.
    Strict,
    /// Also sent on cross-site top-level navigations with a safe method (GET).
    Lax,
    /// Sent on cross-site requests too; browsers require `Secure` with it.
    None,
}

impl SameSite {
    /// The attribute value as written canonically: `Strict`, `Lax`, `None`.
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

/// Chrome's `Priority` attribute (used when evicting cookies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Priority {
    /// Evicted first.
    Low,
    /// The default.
    Medium,
    /// Evicted last.
    High,
}

/// A cookie name prefix with storage rules (RFC 6265bis §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Prefix {
    /// `__Secure-`: must be set with `Secure` from a secure origin.
    Secure,
    /// `__Host-`: `Secure`, `Path=/`, no `Domain`: locked to one host.
    Host,
}

impl Prefix {
    /// The prefix as written: `__Secure-` or `__Host-`.
    pub fn as_str(self) -> &'static str {
        match self {
            Prefix::Secure => "__Secure-",
            Prefix::Host => "__Host-",
        }
    }
}

/// An attribute authlens does not model, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribute {
    /// Name as written.
    pub name: String,
    /// Value, when there was an `=`.
    pub value: Option<String>,
    /// Byte offset in the header value.
    pub offset: usize,
}

/// A parsed `Set-Cookie` header. The value is a secret: `Debug` masks it and there is no
/// `Serialize`; use [`SetCookie::masked`] for display.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SetCookie {
    /// Cookie name, trimmed; empty for a nameless cookie.
    pub name: String,
    /// Cookie value, trimmed (quotes kept: browsers keep them).
    pub value: String,
    /// `Expires`, when present and readable.
    pub expires: Option<Timestamp>,
    /// `Max-Age` in seconds, when present and readable (saturated to the `i64` range).
    pub max_age: Option<i64>,
    /// `Domain`, lowercased, leading dot removed; `None` means a host-only cookie.
    pub domain: Option<String>,
    /// `Path`, when present and starting with `/`; `None` means the default path.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`, when present with a valid value.
    pub same_site: Option<SameSite>,
    /// `Partitioned` (CHIPS).
    pub partitioned: bool,
    /// `Priority`, when present with a valid value.
    pub priority: Option<Priority>,
    /// Attributes authlens does not model (`Version`, `Comment`, typos…), in order.
    pub unknown: Vec<Attribute>,
    /// Whether every browser discards this line whatever the context (control
    /// characters, no name and no value, over 4096 bytes).
    pub ignored: bool,
    /// Problems, with byte offsets into the header value.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Debug for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCookie")
            .field("name", &self.name)
            .field("value", &secret::mask(&self.value))
            .field("expires", &self.expires)
            .field("max_age", &self.max_age)
            .field("domain", &self.domain)
            .field("path", &self.path)
            .field("secure", &self.secure)
            .field("http_only", &self.http_only)
            .field("same_site", &self.same_site)
            .field("partitioned", &self.partitioned)
            .field("priority", &self.priority)
            .field("unknown", &self.unknown)
            .field("ignored", &self.ignored)
            .field("diagnostics", &self.diagnostics)
            .finish()
    }
}

/// A `Set-Cookie` for display: everything but the value, which is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetCookieView {
    /// Name and masked value.
    #[serde(flatten)]
    pub cookie: MaskedCookie,
    /// `Expires`.
    pub expires: Option<Timestamp>,
    /// `Max-Age` in seconds.
    pub max_age: Option<i64>,
    /// `Domain` (normalised).
    pub domain: Option<String>,
    /// `Path`.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite` as written, when valid.
    pub same_site: Option<SameSite>,
    /// `Partitioned`.
    pub partitioned: bool,
    /// `Priority`.
    pub priority: Option<Priority>,
    /// Names of unmodelled attributes.
    pub unknown: Vec<String>,
}

impl SetCookie {
    /// The display view (value masked).
    pub fn masked(&self) -> SetCookieView {
        SetCookieView {
            cookie: MaskedCookie::new(&self.name, &self.value),
            expires: self.expires,
            max_age: self.max_age,
            domain: self.domain.clone(),
            path: self.path.clone(),
            secure: self.secure,
            http_only: self.http_only,
            same_site: self.same_site,
            partitioned: self.partitioned,
            priority: self.priority,
            unknown: self.unknown.iter().map(|a| a.name.clone()).collect(),
        }
    }

    /// The `SameSite` browsers enforce: the attribute, or `Lax` when it is absent or
    /// invalid (Chrome and Edge since 2020; Firefox and Safari treat it as `None`).
    pub fn same_site_effective(&self) -> SameSite {
        self.same_site.unwrap_or(SameSite::Lax)
    }

    /// The name prefix, matched case-insensitively as RFC 6265bis now requires (so that
    /// `__host-` cannot slip past a server that lowercases names).
    pub fn prefix(&self) -> Option<Prefix> {
        let starts = |p: &str| {
            self.name
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
        };
        if starts(Prefix::Host.as_str()) {
            Some(Prefix::Host)
        } else if starts(Prefix::Secure.as_str()) {
            Some(Prefix::Secure)
        } else {
            None
        }
    }

    /// What breaks the prefix rules (RFC 6265bis §4.1.3), as a lowercase sentence.
    pub fn prefix_violation(&self) -> Option<&'static str> {
        match self.prefix()? {
            Prefix::Secure if !self.secure => {
                Some("a __Secure- cookie must have the secure attribute")
            }
            Prefix::Host if !self.secure => Some("a __Host- cookie must have the secure attribute"),
            Prefix::Host if self.domain.is_some() => {
                Some("a __Host- cookie must not have a domain attribute")
            }
            Prefix::Host if self.path.as_deref() != Some("/") => {
                Some("a __Host- cookie must have path=/")
            }
            _ => None,
        }
    }
}

fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// Parses a `Set-Cookie` header value. Never fails: see [`SetCookie::diagnostics`] and
/// [`SetCookie::ignored`].
///
/// Codes: `control-character`, `missing-equals`, `empty-cookie`, `cookie-too-large`,
/// `invalid-name-char`, `invalid-value-char`, `quoted-value`, `non-ascii`,
/// `invalid-expires`, `invalid-max-age`, `empty-domain`, `invalid-domain`, `invalid-path`,
/// `invalid-same-site`, `invalid-priority`, `attribute-value-ignored`,
/// `attribute-too-long`, `duplicate-attribute`, `unknown-attribute`,
/// `same-site-none-without-secure`, `partitioned-without-secure`, `prefix-violation`.
pub fn parse_set_cookie(header: &str) -> SetCookie {
    let mut c = SetCookie::default();
    // RFC 6265bis §5.6 step 1: control characters other than HTAB void the whole line.
    if let Some(at) = header
        .bytes()
        .position(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        c.ignored = true;
        c.diagnostics.push(Diagnostic::error(
            "control-character",
            at,
            "control character in set-cookie: browsers ignore the whole header",
        ));
    }
    let (pair, attributes) = header.split_once(';').unwrap_or((header, ""));
    let pair_lead = pair.len() - pair.trim_start_matches([' ', '\t']).len();
    let (name, value, value_offset) = match pair.split_once('=') {
        Some((n, v)) => {
            let v_lead = v.len() - v.trim_start_matches([' ', '\t']).len();
            (trim_wsp(n), trim_wsp(v), n.len() + 1 + v_lead)
        }
        None => {
            c.diagnostics.push(Diagnostic::warning(
                "missing-equals",
                pair_lead,
                "no '=' in the cookie pair: browsers store a cookie with an empty name (rfc 6265 said to ignore it)",
            ));
            ("", trim_wsp(pair), pair_lead)
        }
    };
    if name.is_empty() && value.is_empty() {
        c.ignored = true;
        c.diagnostics.push(Diagnostic::error(
            "empty-cookie",
            pair_lead,
            "the cookie has neither a name nor a value: browsers ignore it",
        ));
    }
    if name.len() + value.len() > MAX_NAME_VALUE_BYTES {
        c.ignored = true;
        c.diagnostics.push(Diagnostic::error(
            "cookie-too-large",
            pair_lead,
            format!(
                "name and value are {} bytes: browsers ignore cookies over 4096 bytes",
                name.len() + value.len()
            ),
        ));
    }
    check_name(name, pair_lead, &mut c.diagnostics);
    check_value(value, value_offset, &mut c.diagnostics);
    c.name = name.to_string();
    c.value = value.to_string();

    let mut seen: u16 = 0;
    let mut offset = pair.len() + 1;
    for av in attributes.split(';') {
        let at = offset + (av.len() - av.trim_start_matches([' ', '\t']).len());
        offset += av.len() + 1;
        let (raw_name, raw_value) = match av.split_once('=') {
            Some((n, v)) => (trim_wsp(n), Some(trim_wsp(v))),
            None => (trim_wsp(av), None),
        };
        if raw_name.is_empty() {
            continue;
        }
        if raw_value.is_some_and(|v| v.len() > MAX_ATTRIBUTE_VALUE_BYTES) {
            c.diagnostics.push(Diagnostic::warning(
                "attribute-too-long",
                at,
                format!("the {raw_name} value is over 1024 bytes: browsers ignore the attribute"),
            ));
            continue;
        }
        let lower = raw_name.to_ascii_lowercase();
        let bit = match lower.as_str() {
            "expires" => 1,
            "max-age" => 2,
            "domain" => 4,
            "path" => 8,
            "secure" => 16,
            "httponly" => 32,
            "samesite" => 64,
            "partitioned" => 128,
            "priority" => 256,
            _ => 0,
        };
        if bit != 0 {
            if seen & bit != 0 {
                c.diagnostics.push(Diagnostic::info(
                    "duplicate-attribute",
                    at,
                    format!("{raw_name} appears more than once; browsers use the last one"),
                ));
            }
            seen |= bit;
        }
        let value = raw_value.unwrap_or("");
        match lower.as_str() {
            "expires" => match Timestamp::parse_http_date(value) {
                Some(t) => c.expires = Some(t),
                None => c.diagnostics.push(Diagnostic::warning(
                    "invalid-expires",
                    at,
                    format!("expires {value:?} is not a date browsers understand; the attribute is ignored"),
                )),
            },
            "max-age" => match parse_max_age(value) {
                Some(secs) => c.max_age = Some(secs),
                None => c.diagnostics.push(Diagnostic::warning(
                    "invalid-max-age",
                    at,
                    format!("max-age {value:?} is not an integer; the attribute is ignored"),
                )),
            },
            "domain" => domain_attribute(&mut c, value, at),
            "path" => {
                if value.starts_with('/') {
                    c.path = Some(value.to_string());
                } else {
                    c.path = None;
                    c.diagnostics.push(Diagnostic::warning(
                        "invalid-path",
                        at,
                        format!("path {value:?} does not start with '/'; browsers use the default path (the request's directory)"),
                    ));
                }
            }
            "secure" | "httponly" | "partitioned" => {
                if raw_value.is_some() {
                    c.diagnostics.push(Diagnostic::info(
                        "attribute-value-ignored",
                        at,
                        format!("{raw_name} takes no value; \"{raw_name}={value}\" still turns it on"),
                    ));
                }
                match lower.as_str() {
                    "secure" => c.secure = true,
                    "httponly" => c.http_only = true,
                    _ => c.partitioned = true,
                }
            }
            "samesite" => {
                c.same_site = match value.to_ascii_lowercase().as_str() {
                    "strict" => Some(SameSite::Strict),
                    "lax" => Some(SameSite::Lax),
                    "none" => Some(SameSite::None),
                    _ => {
                        c.diagnostics.push(Diagnostic::warning(
                            "invalid-same-site",
                            at,
                            format!("samesite {value:?} is not strict, lax or none; browsers ignore it and apply their default (lax in chrome and edge)"),
                        ));
                        None
                    }
                };
            }
            "priority" => {
                c.priority = match value.to_ascii_lowercase().as_str() {
                    "low" => Some(Priority::Low),
                    "medium" => Some(Priority::Medium),
                    "high" => Some(Priority::High),
                    _ => {
                        c.diagnostics.push(Diagnostic::warning(
                            "invalid-priority",
                            at,
                            format!("priority {value:?} is not low, medium or high; ignored"),
                        ));
                        None
                    }
                };
            }
            _ => {
                c.diagnostics.push(Diagnostic::info(
                    "unknown-attribute",
                    at,
                    format!("unknown attribute {raw_name:?}; browsers ignore it"),
                ));
                c.unknown.push(Attribute {
                    name: raw_name.to_string(),
                    value: raw_value.map(str::to_string),
                    offset: at,
                });
            }
        }
    }
    context_free_checks(&mut c);
    c
}

/// `Max-Age` per RFC 6265 §5.2.2: an optional `-` then digits only.
fn parse_max_age(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits to fit saturates, as browsers clamp.
    let magnitude = digits.parse::<i64>().unwrap_or(i64::MAX);
    Some(if value.starts_with('-') {
        -magnitude
    } else {
        magnitude
    })
}

fn domain_attribute(c: &mut SetCookie, value: &str, at: usize) {
    // RFC 6265 §5.2.3: an empty value is ignored; a leading dot is dropped.
    if value.is_empty() {
        c.diagnostics.push(Diagnostic::warning(
            "empty-domain",
            at,
            "domain has no value; browsers ignore the attribute (host-only cookie)",
        ));
        return;
    }
    let domain = value
        .strip_prefix('.')
        .unwrap_or(value)
        .to_ascii_lowercase();
    if domain.is_empty() || (domain.contains(['/', ':', ' ', '@', '*']) && !domain.starts_with('['))
    {
        c.diagnostics.push(Diagnostic::warning(
            "invalid-domain",
            at,
            format!("domain {value:?} is not a host name (no scheme, port, path or wildcard); browsers reject the cookie"),
        ));
    }
    c.domain = Some(domain);
}

/// Checks that do not depend on where the cookie was set or sent.
fn context_free_checks(c: &mut SetCookie) {
    if c.same_site == Some(SameSite::None) && !c.secure {
        c.diagnostics.push(Diagnostic::error(
            "same-site-none-without-secure",
            0,
            "samesite=none without secure: browsers reject the cookie",
        ));
    }
    if c.partitioned && !c.secure {
        c.diagnostics.push(Diagnostic::error(
            "partitioned-without-secure",
            0,
            "partitioned without secure: chrome rejects the cookie",
        ));
    }
    if let Some(problem) = c.prefix_violation() {
        c.diagnostics.push(Diagnostic::error(
            "prefix-violation",
            0,
            format!("{problem}; browsers reject the cookie"),
        ));
    }
}
