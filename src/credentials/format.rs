//! How a token68 credential was written: the mistakes that make a good token fail before the
//! server even decodes it, and placeholder values that were never a token.
//!
//! The RFC 9110 grammar itself is [`crate::challenge::parse_credentials`]; this module looks at
//! the same bytes with a debugging eye (`Bearer Bearer …`, quotes, stray whitespace, a trailing
//! `;`, `bearer` spelled in lower case) and says where each problem is.

use crate::ascii::contains_ignore_case;
use serde::Serialize;

use crate::diagnostic::Diagnostic;

/// The spelling servers expect for each well-known scheme (RFC 9110 §11.1 says schemes are
/// case-insensitive, but hand-written middleware often compares exactly).
const CANONICAL_SCHEMES: &[&str] = &["Basic", "Bearer", "Digest", "DPoP", "Negotiate", "NTLM"];

/// The canonical spelling of `scheme`, when it is a well-known one.
pub fn canonical_scheme(scheme: &str) -> Option<&'static str> {
    CANONICAL_SCHEMES
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(scheme))
}

/// A `scheme-case` warning when a well-known scheme is spelled unusually.
pub fn scheme_case(scheme: &str, offset: usize) -> Option<Diagnostic> {
    let canonical = canonical_scheme(scheme)?;
    (canonical != scheme).then(|| {
        Diagnostic::warning(
            "scheme-case",
            offset,
            format!(
                "'{scheme}' works by rfc 9110 §11.1 (schemes are case-insensitive) but some servers only accept '{canonical}'"
            ),
        )
    })
}

/// The token part of a token68 credential, cleaned up for decoding, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenText {
    /// The token as written (after the scheme and whitespace, trailing whitespace removed).
    pub raw: String,
    /// The token as it was probably meant: quotes, a repeated scheme, inner whitespace and
    /// trailing punctuation removed. Decoders run on this.
    pub cleaned: String,
    /// Offset of `raw` in the field value.
    pub offset: usize,
    /// Offset of `cleaned`'s first byte in the field value.
    pub cleaned_offset: usize,
    /// Format problems, positioned in the field value.
    pub diagnostics: Vec<Diagnostic>,
    /// Where bytes were dropped inside `cleaned`: (length of `cleaned` when the drop happened,
    /// total bytes dropped so far). Lets offsets into `cleaned` map back to the field value.
    gaps: Vec<(usize, usize)>,
}

impl TokenText {
    /// The field-value offset of byte `i` of `cleaned`.
    pub fn original_offset(&self, i: usize) -> usize {
        // Drops recorded at cleaned length ≤ i happened before byte i.
        let n = self.gaps.partition_point(|&(at, _)| at <= i);
        let dropped = n
            .checked_sub(1)
            .and_then(|k| self.gaps.get(k))
            .map_or(0, |&(_, total)| total);
        self.cleaned_offset + i + dropped
    }

    /// `d` (positioned in `cleaned`) moved to its place in the field value.
    pub fn locate(&self, mut d: Diagnostic) -> Diagnostic {
        d.offset = self.original_offset(d.offset);
        d
    }
}

/// RFC 6750 §2.1 `b64token` characters (`=` aside): the `token68` set.
fn is_b64token_char(c: u8) -> bool {
    crate::challenge::is_token68_char(c)
}

/// Reads the token after `scheme` (which starts at `scheme_offset` in `value`).
///
/// Codes: `scheme-colon`, `duplicate-scheme`, `quoted-token`, `trailing-punctuation`,
/// `newline-in-token`, `whitespace-in-token`, `percent-encoded-token`, `invalid-token-char`
/// (RFC 6750 §2.1 `b64token`; only when `b64token` is set, as for Bearer and DPoP).
pub fn token_after_scheme(
    value: &str,
    scheme: &str,
    scheme_offset: usize,
    b64token: bool,
) -> TokenText {
    let mut diagnostics = Vec::new();
    let mut pos = scheme_offset.saturating_add(scheme.len());
    let rest = |p: usize| value.get(p..).unwrap_or("");
    if rest(pos).starts_with(':') {
        diagnostics.push(Diagnostic::error(
            "scheme-colon",
            pos,
            format!("'{scheme}:' has a colon; the scheme is followed by a space only"),
        ));
        pos += 1;
    }
    if rest(pos).starts_with("%20") {
        diagnostics.push(Diagnostic::error(
            "percent-encoded-token",
            pos,
            "the space after the scheme is percent-encoded ('%20'): the header was url-encoded",
        ));
        pos += 3;
    }
    pos += rest(pos).len() - rest(pos).trim_start().len();
    let offset = pos;
    // Only blanks are trimmed: a trailing line break is itself a bug worth reporting.
    let raw = rest(pos).trim_end_matches([' ', '\t']).to_string();
    let mut start = 0usize;
    let mut end = raw.len();
    // `Bearer Bearer x`: the client added the scheme to a value that already had it.
    if !scheme.is_empty() {
        if let Some(head) = raw.get(..scheme.len()) {
            let after = raw.get(scheme.len()..).unwrap_or("");
            if head.eq_ignore_ascii_case(scheme)
                && after.starts_with(|c: char| c.is_whitespace() || c == ':')
            {
                diagnostics.push(Diagnostic::error(
                    "duplicate-scheme",
                    offset,
                    format!("'{scheme}' appears twice: the value already contained the scheme"),
                ));
                start = scheme.len();
                let tail = raw.get(start..).unwrap_or("");
                start += tail.len() - tail.trim_start_matches([':', ' ', '\t']).len();
            }
        }
    }
    // Quotes around the token: ASCII or the typographic ones a word processor inserts.
    let inner = raw.get(start..end).unwrap_or("");
    for (open, close) in [('"', '"'), ('\'', '\''), ('“', '”'), ('‘', '’')] {
        if inner.starts_with(open) {
            diagnostics.push(Diagnostic::error(
                "quoted-token",
                offset + start,
                "the token is in quotes; a token68 is sent bare (rfc 9110 §11.4)",
            ));
            start += open.len_utf8();
            if raw.get(start..end).is_some_and(|s| s.ends_with(close)) && end > start {
                end -= close.len_utf8();
            }
            break;
        }
    }
    while end > start {
        let last = raw.as_bytes().get(end - 1).copied();
        match last {
            Some(c @ (b',' | b';')) => {
                diagnostics.push(Diagnostic::error(
                    "trailing-punctuation",
                    offset + end - 1,
                    format!(
                        "a trailing '{}' after the token: servers read it as part of the token",
                        char::from(c)
                    ),
                ));
                end -= 1;
                let t = raw.get(start..end).unwrap_or("");
                end = start + t.trim_end_matches([' ', '\t']).len();
            }
            _ => break,
        }
    }
    let body = raw.get(start..end).unwrap_or("");
    // The common case, a well-formed token68, has nothing for the loop below to drop or
    // report: copy it at once (the loop costs ~100 instructions per byte).
    if body.trim_end_matches('=').bytes().all(is_b64token_char) {
        diagnostics.sort_by_key(|d| d.offset);
        return TokenText {
            cleaned: body.to_string(),
            raw,
            offset,
            cleaned_offset: offset + start,
            diagnostics,
            gaps: Vec::new(),
        };
    }
    let mut cleaned = String::with_capacity(body.len());
    let (mut saw_newline, mut saw_space, mut saw_percent, mut saw_invalid) =
        (false, false, false, false);
    let bytes = body.as_bytes();
    let mut padding_started = false;
    let mut gaps: Vec<(usize, usize)> = Vec::new();
    let mut dropped = 0usize;
    for (i, ch) in body.char_indices() {
        let at = offset + start + i;
        if matches!(ch, '\r' | '\n' | ' ' | '\t') {
            dropped += ch.len_utf8();
            gaps.push((cleaned.len(), dropped));
        }
        match ch {
            '\r' | '\n' => {
                if !saw_newline {
                    saw_newline = true;
                    diagnostics.push(Diagnostic::error(
                        "newline-in-token",
                        at,
                        "a line break inside the token: it was copied across lines or read from a file with its newline",
                    ));
                }
                continue;
            }
            ' ' | '\t' => {
                if !saw_space {
                    saw_space = true;
                    diagnostics.push(Diagnostic::error(
                        "whitespace-in-token",
                        at,
                        "whitespace inside the token: servers see only the part before it",
                    ));
                }
                continue;
            }
            _ => {}
        }
        cleaned.push(ch);
        if ch == '%'
            && !saw_percent
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            saw_percent = true;
            diagnostics.push(Diagnostic::warning(
                "percent-encoded-token",
                at,
                "percent-encoding inside the token: it was url-encoded once too often",
            ));
        }
        if b64token && !saw_invalid {
            let ok = match ch {
                '=' => {
                    padding_started = true;
                    true
                }
                c if c.is_ascii() => {
                    // `b64token` allows '=' only as trailing padding.
                    !padding_started && is_b64token_char(c as u8)
                }
                _ => false,
            };
            if !ok {
                saw_invalid = true;
                diagnostics.push(Diagnostic::error(
                    "invalid-token-char",
                    at,
                    format!("{ch:?} cannot appear in a bearer token (rfc 6750 §2.1 b64token)"),
                ));
            }
        }
    }
    diagnostics.sort_by_key(|d| d.offset);
    TokenText {
        raw,
        cleaned,
        offset,
        cleaned_offset: offset + start,
        diagnostics,
        gaps,
    }
}

/// What kind of placeholder a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaceholderKind {
    /// Nothing at all.
    Empty,
    /// `undefined`, `null`, `NaN`, `None`, `nil`: a missing value stringified.
    MissingValue,
    /// `[object Object]`: an object stringified instead of its token field.
    ObjectString,
    /// `${token}`, `{{token}}`, `<token>`, `%TOKEN%`, `{token}`: a template never filled in.
    Template,
    /// `$TOKEN`, `process.env.TOKEN`: an environment variable never expanded.
    EnvVar,
    /// `your_token_here`, `YOUR_API_KEY`, `string`, `xxx`: an example value from docs or Swagger.
    Example,
    /// `****`, `eyJh…[28 chars]`: a masked value copied from a UI or log.
    Masked,
}

impl PlaceholderKind {
    /// Why this happens, in one sentence.
    pub fn explain(self) -> &'static str {
        match self {
            PlaceholderKind::Empty => "The credential is empty: the code that builds the header ran before a token was available, or read it from the wrong place.",
            PlaceholderKind::MissingValue => "This is how JavaScript (or Python, Go, Ruby) prints a missing value: the token variable was not set when the header was built — typically read before login completed, from the wrong storage key, or from an expired session.",
            PlaceholderKind::ObjectString => "An object was turned into a string instead of one of its fields: send the token field (e.g. response.access_token), not the whole response.",
            PlaceholderKind::Template => "A template placeholder was sent literally: the variable was never substituted (Postman/Insomnia environment not selected, a typo in the variable name, or a missing template engine pass).",
            PlaceholderKind::EnvVar => "An environment variable name was sent literally: the shell or tool did not expand it (single quotes around it, or the variable is not set).",
            PlaceholderKind::Example => "This is an example value from documentation or an API explorer (Swagger UI pre-fills 'string'), not a real credential.",
            PlaceholderKind::Masked => "This is a masked value copied from a UI, a log or a report, not the real credential.",
        }
    }
}

const MISSING_WORDS: &[&str] = &["undefined", "null", "nil", "none", "nan", "(null)"];

const EXAMPLE_WORDS: &[&str] = &[
    "your_token_here",
    "your-token-here",
    "yourtokenhere",
    "your_token",
    "your-token",
    "yourtoken",
    "your_access_token",
    "your_api_key",
    "your-api-key",
    "yourapikey",
    "your_key_here",
    "api_key",
    "apikey",
    "access_token",
    "accesstoken",
    "token",
    "jwt",
    "bearer",
    "string",
    "changeme",
    "change_me",
    "replace_me",
    "replaceme",
    "placeholder",
    "secret",
    "xxx",
    "false",
    "true",
];

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b' '))
}

/// Longest value the "your … here" example-phrase heuristics look at.
const PHRASE_MAX: usize = 64;

/// Whether `value` starts with `prefix` (ASCII lowercase), ignoring ASCII case.
fn starts_with_ci(value: &str, prefix: &str) -> bool {
    value
        .as_bytes()
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether `value` is a placeholder rather than a credential.
// Case-insensitive comparisons work on the value as is: every request with a credential
// passes through here, and a lowercase copy of a 1 KiB token cost more than the checks.
pub fn placeholder(value: &str) -> Option<PlaceholderKind> {
    let v = value.trim();
    if v.is_empty() {
        return Some(PlaceholderKind::Empty);
    }
    let is = |w: &&str| v.eq_ignore_ascii_case(w);
    if MISSING_WORDS.iter().any(is) {
        return Some(PlaceholderKind::MissingValue);
    }
    if starts_with_ci(v, "[object ") && v.ends_with(']') {
        return Some(PlaceholderKind::ObjectString);
    }
    let wrapped = |open: &str, close: &str| {
        v.len() > open.len() + close.len()
            && v.starts_with(open)
            && v.ends_with(close)
            && v.get(open.len()..v.len() - close.len())
                .is_some_and(|inner| is_ident(inner.trim()))
    };
    if wrapped("${", "}")
        || wrapped("{{", "}}")
        || wrapped("<", ">")
        || wrapped("%", "%")
        || wrapped("{", "}")
        || wrapped("[", "]")
        || wrapped("$(", ")")
    {
        return Some(PlaceholderKind::Template);
    }
    if let Some(name) = v.strip_prefix('$') {
        if !name.is_empty()
            && name
                .bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
        {
            return Some(PlaceholderKind::EnvVar);
        }
    }
    if starts_with_ci(v, "process.env.") || starts_with_ci(v, "os.environ") {
        return Some(PlaceholderKind::EnvVar);
    }
    // "your … here" phrases are short; in a long value the letters are a coincidence (a
    // base64 JWT can spell "your" and "here" by chance).
    let phrase = v.len() <= PHRASE_MAX;
    if EXAMPLE_WORDS.iter().any(is)
        || phrase
            && (starts_with_ci(v, "your")
                && (contains_ignore_case(v, "token") || contains_ignore_case(v, "key"))
                || contains_ignore_case(v, "your") && contains_ignore_case(v, "here"))
    {
        return Some(PlaceholderKind::Example);
    }
    let first = v.chars().next();
    let all_same = first.is_some_and(|f| v.chars().all(|c| c == f));
    if v.contains('…')
        || (all_same && matches!(first, Some('*' | '•' | 'x' | 'X' | '.' | '#')))
        || v.contains('*') && v.contains("***")
        || v.contains('[') && contains_ignore_case(v, "[redacted")
    {
        return Some(PlaceholderKind::Masked);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_table() {
        let cases = [
            ("", Some(PlaceholderKind::Empty)),
            ("undefined", Some(PlaceholderKind::MissingValue)),
            ("null", Some(PlaceholderKind::MissingValue)),
            ("NaN", Some(PlaceholderKind::MissingValue)),
            ("[object Object]", Some(PlaceholderKind::ObjectString)),
            ("${token}", Some(PlaceholderKind::Template)),
            ("{{token}}", Some(PlaceholderKind::Template)),
            ("{{ access_token }}", Some(PlaceholderKind::Template)),
            ("<token>", Some(PlaceholderKind::Template)),
            ("<your access token>", Some(PlaceholderKind::Template)),
            ("%TOKEN%", Some(PlaceholderKind::Template)),
            ("$TOKEN", Some(PlaceholderKind::EnvVar)),
            ("process.env.API_TOKEN", Some(PlaceholderKind::EnvVar)),
            ("your_token_here", Some(PlaceholderKind::Example)),
            ("YOUR_API_KEY", Some(PlaceholderKind::Example)),
            ("string", Some(PlaceholderKind::Example)),
            ("********", Some(PlaceholderKind::Masked)),
            ("eyJh…[28 chars]", Some(PlaceholderKind::Masked)),
            ("abc123def456", None),
            ("mF_9.B5f-4.1JqM", None),
            ("eyJhbGciOiJIUzI1NiJ9.e30.sig", None),
            ("tokenized-value-123", None),
        ];
        for (v, expected) in cases {
            assert_eq!(placeholder(v), expected, "{v:?}");
        }
    }

    #[test]
    fn offsets_map_back_across_removed_whitespace() {
        // "Bearer ab cd\n ef": cleaned "abcdef" starts at 7; 'c' was at 10, 'e' at 14.
        let t = token_after_scheme("Bearer ab cd\n ef", "Bearer", 0, true);
        assert_eq!(t.cleaned, "abcdef");
        let expected = [7, 8, 10, 11, 14, 15, 16];
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(t.original_offset(i), *want, "byte {i}");
        }
        let plain = token_after_scheme("Bearer abc", "Bearer", 0, true);
        assert_eq!(plain.original_offset(2), 9);
    }

    #[test]
    fn scheme_case_table() {
        assert!(scheme_case("Bearer", 0).is_none());
        assert!(scheme_case("DPoP", 0).is_none());
        assert_eq!(scheme_case("bearer", 3).unwrap().offset, 3);
        assert_eq!(scheme_case("BEARER", 0).unwrap().code, "scheme-case");
        assert!(scheme_case("dpop", 0).is_some());
        assert!(scheme_case("Custom", 0).is_none());
    }
}
