//! A linear-time structural JSON scanner.
//!
//! The HAR reader does not build a tree of the whole file: it walks the top of the
//! document (`{"log": {"entries": [ … ]}}`) with this scanner and hands each entry's
//! byte span to serde on its own. That keeps one broken entry from spoiling the rest, and
//! lets the UI process a 40 MB export in chunks.
//!
//! The scanner never recurses and never allocates per byte: skipping a value is a loop
//! over the bytes with a bracket stack packed into a `u128` (one bit per level, which is
//! also the depth limit). Strings are skipped by jumping from quote to quote. It checks
//! structure (brackets match, strings terminate) but not the grammar inside a value; serde
//! does that when the span is deserialised.

use std::borrow::Cow;

/// Deepest nesting accepted, counted from the top of the document. serde_json refuses
/// anything deeper than 128 levels too, so a span that passes here also passes there.
pub(crate) const MAX_DEPTH: usize = 128;

/// Nesting of an entry in a file: document → `log` → `entries` → entry. Entries read on
/// their own (the panel's) are held to the same limit.
pub(crate) const ENTRY_DEPTH: usize = 3;

/// A structural error with the byte offset it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanError {
    /// Kebab-case code, reused as the diagnostic or error code.
    pub code: &'static str,
    /// Byte offset into the scanned input.
    pub offset: usize,
    /// Lowercase explanation.
    pub message: String,
}

impl ScanError {
    fn new(code: &'static str, offset: usize, message: impl Into<String>) -> Self {
        Self {
            code,
            offset,
            message: message.into(),
        }
    }
}

/// Where a skipped value lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    /// Offset of the first byte of the value.
    pub start: usize,
    /// Offset just past its last byte.
    pub end: usize,
}

/// A cursor over JSON bytes.
#[derive(Debug, Clone)]
pub(crate) struct Scanner<'a> {
    bytes: &'a [u8],
    /// Current byte offset.
    pub pos: usize,
}

/// Describes a byte for a message: printable ASCII as itself, anything else in hex.
pub(crate) fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", char::from(b))
    } else {
        format!("byte 0x{b:02x}")
    }
}

impl<'a> Scanner<'a> {
    /// A scanner at `pos`.
    pub fn new(bytes: &'a [u8], pos: usize) -> Self {
        Self { bytes, pos }
    }

    /// The byte at the cursor.
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips JSON whitespace (RFC 8259 §2).
    pub fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips a UTF-8 byte order mark, which some exporters (and Windows editors) write.
    pub fn skip_bom(&mut self) {
        if self
            .bytes
            .get(self.pos..)
            .is_some_and(|b| b.starts_with(b"\xEF\xBB\xBF"))
        {
            self.pos += 3;
        }
    }

    fn unexpected(&self, expected: &str) -> ScanError {
        match self.peek() {
            Some(b) => ScanError::new(
                "invalid-json",
                self.pos,
                format!("expected {expected}, found {}", describe_byte(b)),
            ),
            None => ScanError::new(
                "truncated-file",
                self.pos,
                format!("file ends where {expected} was expected"),
            ),
        }
    }

    /// Consumes `byte` after optional whitespace.
    pub fn expect(&mut self, byte: u8, expected: &str) -> Result<(), ScanError> {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// Skips a string whose opening quote is at the cursor; returns the span of its raw
    /// contents (without the quotes).
    pub fn string(&mut self) -> Result<Span, ScanError> {
        let open = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string"));
        }
        let start = open + 1;
        let mut i = start;
        loop {
            let rest = self.bytes.get(i..).unwrap_or_default();
            match rest.iter().position(|&b| b == b'"' || b == b'\\') {
                Some(k) => {
                    let at = i + k;
                    if self.bytes.get(at) == Some(&b'"') {
                        self.pos = at + 1;
                        return Ok(Span { start, end: at });
                    }
                    // A backslash escapes exactly one byte; `\u` digits need no special case.
                    i = at + 2;
                }
                None => {
                    self.pos = self.bytes.len();
                    return Err(ScanError::new(
                        "truncated-file",
                        open,
                        "string is never closed",
                    ));
                }
            }
        }
    }

    /// Reads an object key at the cursor (after whitespace), unescaping only when needed.
    pub fn key(&mut self) -> Result<(Cow<'a, str>, usize), ScanError> {
        self.skip_ws();
        let at = self.pos;
        let span = self.string()?;
        let raw = self.bytes.get(span.start..span.end).unwrap_or_default();
        let key = if raw.contains(&b'\\') {
            let quoted = self.bytes.get(at..self.pos).unwrap_or_default();
            Cow::Owned(serde_json::from_slice::<String>(quoted).unwrap_or_default())
        } else {
            String::from_utf8_lossy(raw)
        };
        Ok((key, at))
    }

    /// Moves to the next member of an object whose `{` (when `first`) or previous member
    /// has been consumed. Returns the key and its offset, with the cursor after the `:`,
    /// or `None` after the closing `}`.
    pub fn next_member(&mut self, first: bool) -> Result<Option<(Cow<'a, str>, usize)>, ScanError> {
        self.skip_ws();
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                return Ok(None);
            }
            Some(b',') if !first => self.pos += 1,
            _ if first => {}
            _ => return Err(self.unexpected("',' or '}'")),
        }
        let key = self.key()?;
        self.expect(b':', "':'")?;
        self.skip_ws();
        Ok(Some(key))
    }

    /// Skips one value starting at the cursor (after whitespace). `depth` is the nesting
    /// level the value sits at (the top-level value is at 0).
    pub fn skip_value(&mut self, depth: usize) -> Result<Span, ScanError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            None => Err(self.unexpected("a value")),
            Some(b'"') => {
                self.string()?;
                Ok(Span {
                    start,
                    end: self.pos,
                })
            }
            Some(b'{' | b'[') => self.skip_container(depth),
            Some(b) if b.is_ascii_alphanumeric() || b == b'-' => {
                // A literal or number; serde checks its grammar later.
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
                {
                    self.pos += 1;
                }
                Ok(Span {
                    start,
                    end: self.pos,
                })
            }
            Some(_) => Err(self.unexpected("a value")),
        }
    }

    /// Skips an object or array. Past the depth limit it keeps counting brackets (without
    /// checking their kinds) to find the end, then reports `nesting-too-deep` with the
    /// cursor after the value, so a caller can skip just that value.
    fn skip_container(&mut self, depth: usize) -> Result<Span, ScanError> {
        let start = self.pos;
        // Bit n of `stack` is 1 when level n (relative to this value) is an object.
        let mut stack: u128 = 0;
        let mut level: usize = 0;
        let budget = MAX_DEPTH.saturating_sub(depth);
        let mut too_deep_at = None;
        loop {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            let Some(k) = rest
                .iter()
                .position(|&b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))
            else {
                self.pos = self.bytes.len();
                return Err(ScanError::new(
                    "truncated-file",
                    start,
                    "file ends inside this value (it is never closed)",
                ));
            };
            self.pos += k;
            let Some(byte) = self.peek() else {
                continue;
            };
            match byte {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    if level >= budget && too_deep_at.is_none() {
                        too_deep_at = Some(self.pos);
                    }
                    if level < 128 {
                        if byte == b'{' {
                            stack |= 1u128 << level;
                        } else {
                            stack &= !(1u128 << level);
                        }
                    }
                    level += 1;
                    self.pos += 1;
                }
                close => {
                    let Some(top) = level.checked_sub(1) else {
                        return Err(self.unexpected("a value"));
                    };
                    if top < 128 {
                        let is_object = stack & (1u128 << top) != 0;
                        if is_object != (close == b'}') {
                            let want = if is_object { "'}'" } else { "']'" };
                            return Err(ScanError::new(
                                "mismatched-bracket",
                                self.pos,
                                format!("expected {want}, found {}", describe_byte(close)),
                            ));
                        }
                    }
                    level = top;
                    self.pos += 1;
                    if level == 0 {
                        return match too_deep_at {
                            Some(at) => Err(ScanError::new(
                                "nesting-too-deep",
                                at,
                                format!("json nests deeper than {MAX_DEPTH} levels"),
                            )),
                            None => Ok(Span {
                                start,
                                end: self.pos,
                            }),
                        };
                    }
                }
            }
        }
    }
}

/// Turns byte offsets into 1-based line and column numbers for messages.
///
/// Columns count characters (UTF-8 scalar values), as editors do. Offsets are usually
/// asked for in increasing order, so the cursor only moves forward and the total work is
/// linear in the file size; an earlier offset restarts from the beginning.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineCursor {
    offset: usize,
    line: usize,
    column: usize,
}

impl Default for LineCursor {
    fn default() -> Self {
        Self {
            offset: 0,
            line: 1,
            column: 1,
        }
    }
}

impl LineCursor {
    /// Line and column of `offset` in `bytes` (an offset past the end is clamped).
    pub fn locate(&mut self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(bytes.len());
        if offset < self.offset {
            *self = Self::default();
        }
        for &b in bytes.get(self.offset..offset).unwrap_or_default() {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                // Continuation bytes belong to the previous character.
                self.column += 1;
            }
        }
        self.offset = offset;
        (self.line, self.column)
    }
}

/// Line and column of `offset`, for a one-off message.
pub(crate) fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    LineCursor::default().locate(bytes, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(input: &str) -> Result<Span, ScanError> {
        Scanner::new(input.as_bytes(), 0).skip_value(0)
    }

    #[test]
    fn skips_values_table() {
        let cases = [
            (r#""a\"b" rest"#, 6),
            (r#"{"a": [1, {"b": "}"}]} x"#, 22),
            ("[] ,", 2),
            ("-12.5e+3,", 8),
            ("true]", 4),
            (r#"{"\\": "\\"}"#, 12),
        ];
        for (input, end) in cases {
            assert_eq!(skip(input).map(|s| s.end), Ok(end), "{input}");
        }
    }

    #[test]
    fn structural_errors_table() {
        let cases = [
            (r#"{"a": [}"#, "mismatched-bracket", 7),
            (r#"{"a": "b"#, "truncated-file", 6),
            ("[[[", "truncated-file", 0),
            ("]", "invalid-json", 0),
            ("", "truncated-file", 0),
        ];
        for (input, code, offset) in cases {
            let err = skip(input).unwrap_err();
            assert_eq!((err.code, err.offset), (code, offset), "{input}");
        }
    }

    #[test]
    fn depth_limit_is_enforced_without_recursion() {
        let deep = format!("{}{} x", "[".repeat(100_000), "]".repeat(100_000));
        let mut s = Scanner::new(deep.as_bytes(), 0);
        let err = s.skip_value(0).unwrap_err();
        assert_eq!(err.code, "nesting-too-deep");
        assert_eq!(err.offset, MAX_DEPTH);
        // The cursor is after the value, so the caller can go on.
        assert_eq!(s.pos, 200_000);
        assert_eq!(
            skip(&"[".repeat(100_000)).unwrap_err().code,
            "truncated-file"
        );
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(skip(&ok).is_ok());
        let nested = format!("{}{}", "[".repeat(10), "]".repeat(10));
        assert!(Scanner::new(nested.as_bytes(), 0)
            .skip_value(MAX_DEPTH - 5)
            .is_err());
    }

    #[test]
    fn members_are_walked_with_escaped_keys() {
        let input = br#"{ "a\u0062" : 1 , "c": {"x": 2} }"#;
        let mut s = Scanner::new(input, 0);
        s.expect(b'{', "'{'").unwrap();
        let (k, _) = s.next_member(true).unwrap().unwrap();
        assert_eq!(k, "ab");
        s.skip_value(1).unwrap();
        let (k, at) = s.next_member(false).unwrap().unwrap();
        assert_eq!((k.as_ref(), at), ("c", 18));
        s.skip_value(1).unwrap();
        assert_eq!(s.next_member(false).unwrap(), None);
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\néé x\n";
        assert_eq!(line_col(text.as_bytes(), 0), (1, 1));
        assert_eq!(line_col(text.as_bytes(), 3), (2, 1));
        // "éé " is 5 bytes and 3 characters.
        assert_eq!(line_col(text.as_bytes(), 8), (2, 4));
        let mut cursor = LineCursor::default();
        assert_eq!(cursor.locate(text.as_bytes(), 8), (2, 4));
        assert_eq!(cursor.locate(text.as_bytes(), 1), (1, 2));
        assert_eq!(cursor.locate(text.as_bytes(), 999), (3, 1));
    }
}
