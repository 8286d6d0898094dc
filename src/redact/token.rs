//! Bare token values (a cookie, a query value, an API-key header, a JSON string): JOSE,
//! a known family, an opaque string, or a placeholder that is no secret at all.

use crate::credentials::{self, placeholder};
use crate::jose;

use super::marker::{self, Secret, MARKER_PREFIX};
use super::Redactor;

/// Characters of a well-formed token: base64, base64url, token68, and the separators of
/// known families (`ya29.`, `1//`, `xoxb-`).
fn is_clean_token(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._~+/=".contains(&c))
}

/// Whether `value` is (or contains) a marker, so redacting twice changes nothing.
pub(super) fn is_marker(value: &str) -> bool {
    value.contains("REDACTED-") || value.starts_with(MARKER_PREFIX)
}

/// Characters that make up a run in free text: a JWT, a token of a known family.
fn is_run_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~+/".contains(&c)
}

impl Redactor {
    /// Redacts one token value seen at `location`. `what` names it in markers when it is
    /// opaque.
    pub(super) fn token(&mut self, value: &str, what: Secret, location: &str) -> String {
        self.token_with(value, what, location, is_clean_token)
    }

    /// Like [`Redactor::token`], with `clean` deciding which values are well-formed (a
    /// cookie value may hold `%` escapes; a header token may not).
    pub(super) fn token_with(
        &mut self,
        value: &str,
        what: Secret,
        location: &str,
        clean: fn(&str) -> bool,
    ) -> String {
        if value.is_empty() || is_marker(value) || placeholder(value).is_some() {
            return value.to_string();
        }
        let trimmed = value.trim();
        if trimmed.len() != value.len() && !trimmed.is_empty() && clean(trimmed) {
            // Surrounding blanks are layout, not part of the token.
            let at = value.len() - value.trim_start().len();
            let inner = self.token_with(trimmed, what, location, clean);
            return format!(
                "{}{inner}{}",
                value.get(..at).unwrap_or(""),
                value.get(at + trimmed.len()..).unwrap_or("")
            );
        }
        if jose::looks_like_jose(value) || (value.contains('.') && jose::starts_like_jose(value)) {
            return self.jose_token(value, location, 0);
        }
        if let Some(m) = self.reg.marker_of(value) {
            let m = m.to_string();
            self.note(location, what.describe(), value.chars().count());
            return m;
        }
        if let Some(f) = credentials::identify_family(value) {
            if f.id == "azure-sas" {
                return self.query_string(value, location, 0);
            }
            if !f.prefix.is_empty() && clean(value) {
                return self.family_marker(value, f.id, f.prefix, what, location);
            }
        }
        let id = self.reg.id(value);
        let len = value.chars().count();
        let out = if clean(value) {
            marker::descriptive(what, len, id)
        } else {
            marker::scrub(value, id)
        };
        self.note(location, what.describe(), len);
        self.reg.remember(value, &out);
        self.reg.set_marker(value, &out);
        out
    }

    /// A token of a known family: the prefix stays, and the marker must still be recognised
    /// as the same family (its usage decides `wrong-token-type`), so fixed-length families
    /// get a shaped marker.
    pub(super) fn family_marker(
        &mut self,
        value: &str,
        family: &str,
        prefix: &str,
        what: Secret,
        location: &str,
    ) -> String {
        if let Some(m) = self.reg.marker_of(value) {
            let m = m.to_string();
            self.note(
                location,
                format!("{} ({family})", what.describe()),
                value.chars().count(),
            );
            return m;
        }
        let id = self.reg.id(value);
        let len = value.chars().count();
        let rest = value.get(prefix.len()..).unwrap_or("");
        let same = |m: &str| credentials::identify_family(m).is_some_and(|f| f.id == family);
        let descriptive = format!("{prefix}{}", marker::descriptive(what, len, id));
        let out = if same(&descriptive) {
            descriptive
        } else {
            match marker::shaped(rest, id).map(|s| format!("{prefix}{s}")) {
                Some(s) if same(&s) => s,
                _ => descriptive,
            }
        };
        self.note(location, format!("{} ({family})", what.describe()), len);
        self.reg.remember(value, &out);
        self.reg.set_marker(value, &out);
        out
    }

    /// Replaces JWTs and known-family tokens inside free text (a header value, a body, a
    /// comment), leaving everything else as it is. Linear: the text is cut into runs of
    /// token characters and only runs of 16+ characters are looked at.
    pub(super) fn scrub_text(&mut self, text: &str, location: &str) -> String {
        let bytes = text.as_bytes();
        let mut out: Option<String> = None;
        let mut last = 0usize;
        let mut i = 0usize;
        while i < bytes.len() {
            if !bytes.get(i).copied().is_some_and(is_run_char) {
                i += 1;
                continue;
            }
            let start = i;
            while bytes.get(i).copied().is_some_and(is_run_char) {
                i += 1;
            }
            // A sentence may end right after a token.
            let mut end = i;
            while end > start && bytes.get(end - 1) == Some(&b'.') {
                end -= 1;
            }
            let Some(run) = text.get(start..end) else {
                continue;
            };
            if run.len() < 16 || is_marker(run) {
                continue;
            }
            let replacement = if jose::looks_like_jose(run) {
                Some(self.jose_token(run, location, 0))
            } else {
                match credentials::identify_family(run) {
                    Some(f) if f.prefix.len() >= 3 && f.id != "azure-sas" => {
                        Some(self.family_marker(run, f.id, f.prefix, Secret::Token, location))
                    }
                    _ => None,
                }
            };
            if let Some(rep) = replacement {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(text.get(last..start).unwrap_or(""));
                o.push_str(&rep);
                last = end;
            }
        }
        match out {
            Some(mut o) => {
                o.push_str(text.get(last..).unwrap_or(""));
                o
            }
            None => text.to_string(),
        }
    }
}
