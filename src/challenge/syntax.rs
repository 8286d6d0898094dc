//! The lexemes of RFC 9110 §5.6 that challenges and credentials share: tokens, token68,
//! quoted-strings, optional whitespace.
//!
//! Everything works on bytes of a borrowed `&str` and only ever slices at ASCII
//! positions, so slices stay valid UTF-8 without re-checking. No function here allocates
//! unless a quoted-string needs unescaping.

use std::borrow::Cow;

use crate::diagnostic::Diagnostic;

const TCHAR: u8 = 1;
const TOKEN68: u8 = 2;

/// The class bits of every byte: every lexer loop tests one byte per step, and a table is
/// one load where the `matches!` chains were a dozen compares (a 1 KiB token68 is scanned
/// on every failing request).
// Evaluated at compile time only: an index out of range fails the build, and `get_mut` is
// not usable in a const block.
#[allow(clippy::indexing_slicing)]
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0usize;
    while i < 256 {
        let b = i as u8;
        let alnum = b.is_ascii_alphanumeric();
        if alnum
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            )
        {
            t[i] |= TCHAR;
        }
        if alnum || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/') {
            t[i] |= TOKEN68;
        }
        i += 1;
    }
    t
};

fn class(b: u8) -> u8 {
    CLASS.get(usize::from(b)).copied().unwrap_or(0)
}

/// `tchar` of [RFC 9110 §5.6.2](https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2).
#[inline]
pub fn is_tchar(b: u8) -> bool {
    class(b) & TCHAR != 0
}

/// A character of `token68` before its `=` padding
/// ([RFC 9110 §11.2](https://www.rfc-editor.org/rfc/rfc9110#section-11.2)); the same set
/// as RFC 6750 §2.1's `b64token`.
#[inline]
pub fn is_token68_char(b: u8) -> bool {
    class(b) & TOKEN68 != 0
}

/// Whether `s` is a `token` (`1*tchar`), i.e. can be sent without quotes.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// Whether `s` is a `token68`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
pub fn is_token68(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !body.is_empty() && body.bytes().all(is_token68_char)
}

/// Whether a byte may appear unescaped inside a quoted-string (`qdtext` minus obs-text,
/// which is handled separately because it is legal but worth a warning).
#[inline]
fn is_qdtext_ascii(b: u8) -> bool {
    b == b'\t' || b == b' ' || b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b)
}

/// Appends `value` as a quoted-string, escaping `"` and `\`.
///
/// Control characters (other than HTAB) cannot be represented in a quoted-string at all
/// ([RFC 9110 §5.6.4](https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4)); they are
/// replaced by a space so a printed value can never split a header (no CRLF injection).
pub fn push_quoted(out: &mut String, value: &str) {
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '\t' => out.push('\t'),
            c if c.is_control() && (c as u32) < 0x80 => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A quoted-string as read: its unescaped value and whether the closing quote was found.
pub(crate) struct Quoted<'i> {
    /// Content with quoted-pairs resolved and obs-folds replaced by a space.
    pub value: Cow<'i, str>,
    /// Content between the quotes, exactly as sent.
    pub raw: &'i str,
}

/// A read position in one header field value.
///
/// `base` is the offset of the field's first byte in the caller's offset space, so every
/// diagnostic it produces is already in that space.
pub(crate) struct Cursor<'i> {
    s: &'i str,
    pos: usize,
    base: usize,
}

impl<'i> Cursor<'i> {
    pub fn new(s: &'i str, base: usize) -> Self {
        Self { s, pos: 0, base }
    }

    /// Offset of the current position in the caller's offset space.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Offset of byte `pos` of this field in the caller's offset space.
    pub fn offset_of(&self, pos: usize) -> usize {
        self.base + pos
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.s.len());
    }

    #[inline]
    pub fn at(&self, pos: usize) -> Option<u8> {
        self.s.as_bytes().get(pos).copied()
    }

    #[inline]
    pub fn peek(&self) -> Option<u8> {
        self.at(self.pos)
    }

    #[inline]
    pub fn bump(&mut self) {
        if self.pos < self.s.len() {
            self.pos += 1;
        }
    }

    pub fn slice(&self, from: usize, to: usize) -> &'i str {
        self.s.get(from..to).unwrap_or("")
    }

    /// The character at byte `pos`, for messages.
    pub fn char_at(&self, pos: usize) -> char {
        self.s
            .get(pos..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('\u{fffd}')
    }

    /// End of the run of bytes satisfying `pred` that starts at `from`.
    #[inline]
    pub fn run_end(&self, from: usize, pred: impl Fn(u8) -> bool) -> usize {
        self.s.as_bytes().get(from..).map_or(from, |rest| {
            from + rest.iter().take_while(|&&b| pred(b)).count()
        })
    }

    /// Length of an obs-fold (`CRLF` or a lenient bare `LF`, then SP/HTAB) starting at `pos`.
    fn fold_len(&self, pos: usize) -> Option<usize> {
        let nl = match (self.at(pos), self.at(pos + 1)) {
            (Some(b'\r'), Some(b'\n')) => 2,
            (Some(b'\n'), _) => 1,
            _ => return None,
        };
        matches!(self.at(pos + nl), Some(b' ' | b'\t')).then_some(nl)
    }

    /// Where optional whitespace starting at `from` ends (obs-folds included), without moving.
    pub fn ows_end(&self, from: usize) -> usize {
        let mut i = from;
        loop {
            match self.at(i) {
                Some(b' ' | b'\t') => i += 1,
                _ => match self.fold_len(i) {
                    Some(n) => i += n,
                    None => return i,
                },
            }
        }
    }

    /// Skips OWS ([RFC 9110 §5.6.3](https://www.rfc-editor.org/rfc/rfc9110#section-5.6.3)).
    /// Returns whether anything was skipped and whether a tab was among it.
    ///
    /// An obs-fold is treated as whitespace, as RFC 9112 §5.2 tells recipients to do, with
    /// a warning because HTTP/2, HTTP/3 and `fetch()` reject it.
    pub fn skip_ows(&mut self, diags: &mut Diagnostics) -> (bool, bool) {
        let start = self.pos;
        let mut tab = false;
        loop {
            match self.peek() {
                Some(b' ') => self.pos += 1,
                Some(b'\t') => {
                    tab = true;
                    self.pos += 1;
                }
                _ => match self.fold_len(self.pos) {
                    Some(n) => {
                        diags.push(obs_fold(self.offset()));
                        self.pos += n;
                    }
                    None => return (self.pos > start, tab),
                },
            }
        }
    }

    /// Reads `1*tchar` (possibly empty) and moves past it.
    pub fn token(&mut self) -> &'i str {
        let start = self.pos;
        self.pos = self.run_end(start, is_tchar);
        self.slice(start, self.pos)
    }

    /// Skips to the next `,` outside a quoted-string (or the end): the recovery point
    /// after an error, so one bad element never hides the following ones.
    pub fn recover(&mut self) {
        let mut in_quotes = false;
        while let Some(b) = self.peek() {
            match b {
                b'"' => in_quotes = !in_quotes,
                b'\\' if in_quotes => self.bump(),
                b',' if !in_quotes => return,
                _ => {}
            }
            self.bump();
        }
    }

    /// Reads a quoted-string; the cursor must be on the opening `"`.
    ///
    /// A missing closing quote is an error and the value runs to the end of the field;
    /// it never swallows the next field.
    pub fn quoted(&mut self, diags: &mut Diagnostics) -> Quoted<'i> {
        let open = self.pos;
        let start = open + 1;
        let mut i = start;
        let mut owned: Option<String> = None;
        let mut seg = start;
        let (mut warned_ctl, mut warned_non_ascii) = (false, false);
        let close = loop {
            // Fast path: plain qdtext needs no per-byte decision.
            i = self.run_end(i, |b| {
                ((0x20..0x7f).contains(&b) && b != b'"' && b != b'\\') || b == b'\t'
            });
            match self.at(i) {
                None => {
                    diags.push(Diagnostic::error(
                        "unterminated-quoted-string",
                        self.offset_of(open),
                        "quoted-string is never closed; its value runs to the end of the field",
                    ));
                    break None;
                }
                Some(b'"') => break Some(i),
                Some(b'\\') => {
                    let buf = owned.get_or_insert_with(String::new);
                    buf.push_str(self.slice(seg, i));
                    let Some(ch) = self.s.get(i + 1..).and_then(|r| r.chars().next()) else {
                        diags.push(Diagnostic::error(
                            "unterminated-quoted-string",
                            self.offset_of(open),
                            "quoted-string ends in a lone backslash and is never closed",
                        ));
                        i += 1;
                        seg = i;
                        break None;
                    };
                    if ch.is_ascii_control() && ch != '\t' && !warned_ctl {
                        warned_ctl = true;
                        diags.push(Diagnostic::error(
                            "illegal-character",
                            self.offset_of(i + 1),
                            format!(
                                "control character {ch:?} cannot be escaped in a quoted-string"
                            ),
                        ));
                    }
                    buf.push(ch);
                    i += 1 + ch.len_utf8();
                    seg = i;
                }
                Some(b'\r' | b'\n') if self.fold_len(i).is_some() => {
                    let n = self.fold_len(i).unwrap_or(1);
                    diags.push(obs_fold(self.offset_of(i)));
                    let buf = owned.get_or_insert_with(String::new);
                    buf.push_str(self.slice(seg, i));
                    buf.push(' ');
                    i += n;
                    seg = i;
                }
                Some(b) if b >= 0x80 => {
                    if !warned_non_ascii {
                        warned_non_ascii = true;
                        diags.push(non_ascii(self.offset_of(i), self.char_at(i)));
                    }
                    i += 1;
                }
                Some(b) => {
                    if !is_qdtext_ascii(b) && !warned_ctl {
                        warned_ctl = true;
                        diags.push(Diagnostic::error(
                            "illegal-character",
                            self.offset_of(i),
                            format!(
                                "control character {:?} is not allowed in a quoted-string",
                                char::from(b)
                            ),
                        ));
                    }
                    i += 1;
                }
            }
        };
        let end = close.unwrap_or(i.min(self.s.len()));
        let value = match owned {
            Some(mut buf) => {
                buf.push_str(self.slice(seg.min(end), end));
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(self.slice(start, end)),
        };
        self.pos = close.map_or(self.s.len(), |c| c + 1);
        Quoted {
            value,
            raw: self.slice(start.min(end), end),
        }
    }
}

fn obs_fold(offset: usize) -> Diagnostic {
    Diagnostic::warning(
        "obs-fold",
        offset,
        "line folding (crlf + whitespace) is obsolete (rfc 9112 §5.2); http/2, http/3 and fetch() reject it",
    )
}

pub(crate) fn non_ascii(offset: usize, ch: char) -> Diagnostic {
    Diagnostic::warning(
        "non-ascii",
        offset,
        format!("non-ascii character {ch:?}; its encoding is not defined for this header, so clients decode it differently"),
    )
}

/// Cap on diagnostics per parse: hostile input cannot make the output grow without bound
/// in anything but the input's own size, and past this many the first ones explain it.
const MAX_DIAGNOSTICS: usize = 64;

/// A bounded diagnostic list.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    list: Vec<Diagnostic>,
    dropped: bool,
    has_error: bool,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        let is_error = d.severity == crate::diagnostic::Severity::Error;
        if self.list.len() < MAX_DIAGNOSTICS || (is_error && !self.has_error) {
            // The first error is kept even past the cap: sixty-four warnings must not make
            // a broken value look clean (found by fuzzing: non-ASCII warnings filled the
            // list, the control character's error was dropped, `has_errors()` said no).
            self.has_error |= is_error;
            self.list.push(d);
        } else if !self.dropped {
            self.dropped = true;
            self.list.push(Diagnostic::info(
                "too-many-diagnostics",
                d.offset,
                format!("more than {MAX_DIAGNOSTICS} problems; the rest are not listed"),
            ));
        }
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_classes_follow_the_abnf() {
        for b in 0..=255u8 {
            let alnum = b.is_ascii_alphanumeric();
            assert_eq!(is_tchar(b), alnum || b"!#$%&'*+-.^_`|~".contains(&b), "{b}");
            assert_eq!(is_token68_char(b), alnum || b"-._~+/".contains(&b), "{b}");
        }
    }

    #[test]
    fn character_classes_follow_rfc_9110() {
        assert!(is_token("Basic"));
        assert!(is_token("SCRAM-SHA-256"));
        assert!(!is_token(""));
        assert!(!is_token("a b"));
        assert!(!is_token("a/b"));
        assert!(is_token68("abc=="));
        assert!(is_token68("a/b+c"));
        assert!(!is_token68("=="));
        assert!(!is_token68("a=b"));
    }

    #[test]
    fn quoted_string_unescapes_and_borrows_when_it_can() {
        let mut d = Diagnostics::default();
        let mut c = Cursor::new(r#""plain" rest"#, 0);
        let q = c.quoted(&mut d);
        assert!(matches!(q.value, Cow::Borrowed("plain")));
        assert_eq!(c.pos(), 7);
        let mut c = Cursor::new(r#""a\"b\\c""#, 0);
        let q = c.quoted(&mut d);
        assert_eq!(q.value, r#"a"b\c"#);
        assert_eq!(q.raw, r#"a\"b\\c"#);
        assert!(d.into_vec().is_empty());
    }

    #[test]
    fn printer_escapes_and_neutralises_control_characters() {
        let mut s = String::new();
        push_quoted(&mut s, "a\"b\\c\r\nd");
        assert_eq!(s, r#""a\"b\\c  d""#);
    }
}
