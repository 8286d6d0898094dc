//! Making captured text safe to show.
//!
//! Captured headers and tokens may carry control characters (terminal escape sequences,
//! NUL, CR/LF) and Unicode bidi overrides that make displayed text lie about its content
//! ("Trojan Source", CVE-2021-42574). Every face shows captured text through
//! [`escape_controls`], so such characters appear as visible `\u{…}` escapes.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal or a page as-is.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c,
            // Bidi embeddings, overrides and isolates (Unicode TR9).
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
            // Zero-width characters that hide differences between two tokens.
            | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
            // Line and paragraph separators break single-line displays.
            | '\u{2028}' | '\u{2029}')
}

/// Replaces control, bidi and zero-width characters with visible `\u{XXXX}` escapes
/// (tab stays a tab). Borrows when nothing needs escaping, which is the common case.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\t' && is_unsafe_char(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if c != '\t' && is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_and_bidi_tricks() {
        let cases = [
            ("plain value", "plain value"),
            ("\x1b[31mred", "\\u{001B}[31mred"),
            ("a\r\nInjected: 1", "a\\u{000D}\\u{000A}Injected: 1"),
            ("admin\u{202E}nimda", "admin\\u{202E}nimda"),
            ("tok\u{200B}en", "tok\\u{200B}en"),
            ("tab\tkept", "tab\tkept"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_controls(input), expected, "{input:?}");
        }
    }

    #[test]
    fn borrows_when_clean() {
        assert!(matches!(escape_controls("Bearer abc"), Cow::Borrowed(_)));
    }
}
