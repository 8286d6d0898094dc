//! The `Cookie` request header (RFC 6265 §4.2, <https://www.rfc-editor.org/rfc/rfc6265#section-4.2>).

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::secret;

use super::{check_name, check_value, MAX_NAME_VALUE_BYTES};

/// One `name=value` pair as the browser sent it. The value is a secret: `Debug` masks it
/// and there is no `Serialize`; use [`CookiePair::masked`] for display.
#[derive(Clone, PartialEq, Eq)]
pub struct CookiePair {
    /// Name, trimmed; empty for a nameless cookie (a pair without `=`).
    pub name: String,
    /// Value as sent (quotes included, they are part of the value).
    pub value: String,
    /// Byte offset of the pair in the header value.
    pub offset: usize,
}

impl CookiePair {
    /// The display view: name, masked value and length.
    pub fn masked(&self) -> MaskedCookie {
        MaskedCookie::new(&self.name, &self.value)
    }
}

impl fmt::Debug for CookiePair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookiePair")
            .field("name", &self.name)
            .field("value", &secret::mask(&self.value))
            .field("offset", &self.offset)
            .finish()
    }
}

/// A cookie for display: the value masked, with its length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedCookie {
    /// Cookie name (names are not secret).
    pub name: String,
    /// The value masked with [`secret::mask`].
    pub value: String,
    /// Length of the real value in characters.
    pub length: usize,
}

impl MaskedCookie {
    /// Masks `value`.
    pub fn new(name: &str, value: &str) -> Self {
        Self {
            name: name.to_string(),
            value: secret::mask(value),
            length: value.chars().count(),
        }
    }
}

/// A parsed `Cookie` header: every pair in order, duplicates kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieHeader {
    /// The pairs, in order. Duplicated names are all kept: servers disagree on which wins.
    pub pairs: Vec<CookiePair>,
    /// Problems, with byte offsets into the header value.
    pub diagnostics: Vec<Diagnostic>,
}

impl CookieHeader {
    /// The first value sent for `name` (case-sensitive, as cookie names are).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }

    /// Every value sent for `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |p| p.name == name)
            .map(|p| p.value.as_str())
    }

    /// The display view of every pair.
    pub fn masked(&self) -> Vec<MaskedCookie> {
        self.pairs.iter().map(CookiePair::masked).collect()
    }
}

/// Servers commonly cap a request header line at 8 KiB (nginx, Apache, Node's default).
const LARGE_HEADER_BYTES: usize = 8192;

/// Parses a `Cookie` header value. Never fails: see [`CookieHeader::diagnostics`].
///
/// The grammar is `cookie-pair *( ";" SP cookie-pair )` (RFC 6265 §4.2.1); servers split on
/// `;` and trim, so that is what this does, reporting where the header leaves the grammar.
/// Codes: `empty-pair`, `missing-space`, `missing-equals`, `empty-name`, `duplicate-name`,
/// `control-character`, `invalid-name-char`, `invalid-value-char`, `quoted-value`,
/// `non-ascii`, `cookie-too-large`, `header-too-large`.
pub fn parse_cookie_header(value: &str) -> CookieHeader {
    let mut out = CookieHeader::default();
    if value.len() > LARGE_HEADER_BYTES {
        out.diagnostics.push(Diagnostic::warning(
            "header-too-large",
            0,
            format!(
                "the cookie header is {} bytes; many servers reject request headers over 8 kib",
                value.len()
            ),
        ));
    }
    let mut start = 0;
    let mut seen: HashSet<&str> = HashSet::new();
    let mut segments = value.split(';').peekable();
    while let Some(segment) = segments.next() {
        let seg_start = start;
        start += segment.len() + 1;
        let is_last = segments.peek().is_none();
        let lead = segment.len() - segment.trim_start_matches([' ', '\t']).len();
        let trimmed = segment.trim_matches([' ', '\t']);
        let offset = seg_start + lead;
        if trimmed.is_empty() {
            // A trailing `;` is common and harmless; an empty pair in the middle is not.
            let trailing = is_last && seg_start > 0;
            if !trailing && !value.trim().is_empty() {
                out.diagnostics.push(Diagnostic::warning(
                    "empty-pair",
                    offset,
                    "empty cookie pair between two ';'",
                ));
            }
            continue;
        }
        if seg_start > 0 && lead == 0 {
            out.diagnostics.push(Diagnostic::info(
                "missing-space",
                offset,
                "pairs should be separated by \"; \" (rfc 6265 §4.2.1); most servers accept ';' alone",
            ));
        }
        let (name, value_part, value_offset) = match trimmed.split_once('=') {
            Some((n, v)) => {
                let n_trim = n.trim_end_matches([' ', '\t']);
                let v_lead = v.len() - v.trim_start_matches([' ', '\t']).len();
                (
                    n_trim,
                    v.trim_start_matches([' ', '\t']),
                    offset + n.len() + 1 + v_lead,
                )
            }
            None => {
                out.diagnostics.push(Diagnostic::warning(
                    "missing-equals",
                    offset,
                    "cookie pair without '=': browsers send nameless cookies like this, and servers disagree on whether it is a name or a value",
                ));
                ("", trimmed, offset)
            }
        };
        if name.is_empty() && trimmed.contains('=') {
            out.diagnostics.push(Diagnostic::warning(
                "empty-name",
                offset,
                "cookie pair with an empty name",
            ));
        }
        check_name(name, offset, &mut out.diagnostics);
        check_value(value_part, value_offset, &mut out.diagnostics);
        if name.len() + value_part.len() > MAX_NAME_VALUE_BYTES {
            out.diagnostics.push(Diagnostic::warning(
                "cookie-too-large",
                offset,
                format!(
                    "cookie {name:?} is {} bytes; browsers refuse to store cookies over 4096 bytes",
                    name.len() + value_part.len()
                ),
            ));
        }
        if !name.is_empty() && !seen.insert(name) {
            out.diagnostics.push(Diagnostic::warning(
                "duplicate-name",
                offset,
                format!(
                    "cookie {name:?} is sent more than once (different paths or domains); servers usually read only the first"
                ),
            ));
        }
        out.pairs.push(CookiePair {
            name: name.to_string(),
            value: value_part.to_string(),
            offset,
        });
    }
    out
}
