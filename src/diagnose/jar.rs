//! A bounded memory of `Set-Cookie`s seen in the log, for `cookie-not-sent`.
//!
//! Values are dropped on the way in (only attributes, the setter and the time are kept),
//! so the jar holds no secret. One entry per (name, domain, path) as browsers key them
//! (RFC 6265 §5.3 step 11); a deletion replaces the cookie, so a later failure can say
//! "logged out by entry N". Full jar: the oldest entry goes.

use std::collections::VecDeque;

use crate::cookie::{parse_set_cookie, SetCookie};
use crate::exchange::UrlParts;
use crate::time::Timestamp;

use super::facts::Facts;

/// One remembered cookie.
#[derive(Debug, Clone)]
pub struct JarEntry {
    /// Attributes as set; `value` emptied.
    pub cookie: SetCookie,
    /// Length of the value that was set (0 for a deletion with an empty value).
    pub value_len: usize,
    /// Whether the setting response was https (or loopback).
    pub set_secure: bool,
    /// Host of the setting response, lowercase.
    pub set_host: String,
    /// Path of the setting request.
    pub set_path: String,
    /// When it arrived.
    pub received_at: Timestamp,
    /// The exchange that set it.
    pub index: usize,
}

/// The bounded jar.
#[derive(Debug, Clone)]
pub struct Jar {
    entries: VecDeque<JarEntry>,
    capacity: usize,
}

impl Jar {
    /// An empty jar of at most `capacity` cookies (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Remembers the `Set-Cookie`s of the exchange in `f`.
    pub fn observe(&mut self, f: &Facts<'_>) {
        let Some(received_at) = f.at else {
            return;
        };
        for value in f.ex.response.headers.get_all("set-cookie") {
            let mut cookie = parse_set_cookie(value);
            if cookie.name.is_empty() {
                continue;
            }
            let value_len = cookie.value.chars().count();
            cookie.value = String::new();
            let entry = JarEntry {
                cookie,
                value_len,
                set_secure: f.url.is_secure(),
                set_host: f.url.host.to_ascii_lowercase(),
                set_path: f.url.path.chars().take(200).collect(),
                received_at,
                index: f.ex.index,
            };
            let key = |e: &JarEntry| {
                (
                    e.cookie.name.clone(),
                    e.cookie
                        .domain
                        .clone()
                        .unwrap_or_else(|| e.set_host.clone()),
                    e.cookie.path.clone(),
                )
            };
            let k = key(&entry);
            self.entries.retain(|e| key(e) != k);
            if self.entries.len() >= self.capacity {
                self.entries.pop_front();
            }
            self.entries.push_back(entry);
        }
    }

    /// Cookies, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &JarEntry> {
        self.entries.iter().rev()
    }

    /// Number of cookies held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The registrable-domain approximation used to decide "same site": the last two labels
/// (`api.example.com` → `example.com`). Wrong for multi-label public suffixes (`co.uk`),
/// which only makes the rule more cautious there.
pub fn site_of(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.starts_with('[') || host.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return host;
    }
    let labels: Vec<&str> = host.rsplitn(3, '.').collect();
    match labels.as_slice() {
        [tld, name, ..] => format!("{name}.{tld}"),
        _ => host,
    }
}

/// Whether `url` is on the same site as `host`.
pub fn same_site(url: &UrlParts<'_>, host: &str) -> bool {
    site_of(url.host) == site_of(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites() {
        assert_eq!(site_of("api.example.com"), "example.com");
        assert_eq!(site_of("example.com"), "example.com");
        assert_eq!(site_of("localhost"), "localhost");
        assert_eq!(site_of("127.0.0.1"), "127.0.0.1");
        assert_eq!(site_of("[::1]"), "[::1]");
    }
}
