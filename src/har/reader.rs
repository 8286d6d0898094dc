//! The incremental HAR reader: locate `log.entries`, then hand out entries in batches.

use std::borrow::Cow;

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;
use crate::exchange::Exchange;
use crate::time::Timestamp;

use super::entry;
use super::fast;
use super::model::{Field, List, Obj, RawEntry, RawPage, RawSoftware, Text};
use super::scan::{
    describe_byte, line_col, LineCursor, ScanError, Scanner, Span, ENTRY_DEPTH, MAX_DEPTH,
};
use super::{EntryMeta, HarDiagnostic, HarDocument, HarError, Page, Software};

/// What one call to [`HarReader::next_batch`] produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// The exchanges decoded in this batch, in file order.
    pub exchanges: Vec<Exchange>,
    /// HAR-only details of each exchange, same order and length as `exchanges`.
    pub meta: Vec<EntryMeta>,
    /// What went wrong or looked odd, in file order.
    pub diagnostics: Vec<HarDiagnostic>,
    /// Bytes of the file consumed so far (for a progress bar).
    pub bytes_done: usize,
    /// Size of the file.
    pub total_bytes: usize,
    /// Whether the reader has reached the end; later calls return empty batches.
    pub done: bool,
}

/// Reads a HAR file a batch of entries at a time, so a UI can show progress and cancel
/// (drop the reader) between batches.
///
/// `B` is anything that holds the bytes: `&[u8]` for a one-shot parse, `Vec<u8>` when the
/// reader must own the file (e.g. across JavaScript calls).
#[derive(Debug)]
pub struct HarReader<B: AsRef<[u8]>> {
    bytes: B,
    st: State,
}

/// Everything but the bytes, so methods can borrow the bytes and the state separately.
#[derive(Debug)]
struct State {
    pos: usize,
    first: bool,
    done: bool,
    next_index: usize,
    header: HarDocument,
    pending: Vec<(Option<usize>, Diagnostic)>,
    cursor: LineCursor,
    /// Reading a bare array of entries ([`HarReader::entry_list`]), not a document.
    bare: bool,
}

/// What the walk of `log` stopped at.
enum LogStop {
    /// The `[` of `entries` (cursor after it).
    Entries,
    /// The end of `log`.
    End,
}

fn kind_of(byte: Option<u8>) -> &'static str {
    match byte {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "a number",
        Some(_) => "not json",
        None => "missing",
    }
}

fn har_error(
    bytes: &[u8],
    code: &'static str,
    offset: usize,
    message: impl Into<String>,
) -> HarError {
    let (line, column) = line_col(bytes, offset);
    HarError {
        code,
        message: message.into(),
        offset,
        line,
        column,
    }
}

fn scan_error(bytes: &[u8], e: ScanError) -> HarError {
    har_error(bytes, e.code, e.offset, e.message)
}

impl<B: AsRef<[u8]>> HarReader<B> {
    /// Finds `log.entries` and reads the log fields that come before it.
    ///
    /// # Errors
    /// When the input is not a HAR file at all: not a JSON object, malformed JSON before
    /// `entries`, no `log` object, or no `entries` array. The error names line and column.
    pub fn new(bytes: B) -> Result<Self, HarError> {
        let mut st = State {
            pos: 0,
            first: true,
            done: false,
            next_index: 0,
            header: HarDocument::default(),
            pending: Vec::new(),
            cursor: LineCursor::default(),
            bare: false,
        };
        st.locate_entries(bytes.as_ref())?;
        Ok(Self { bytes, st })
    }

    /// Reads a bare JSON array of entries, as `JSON.stringify(entries)` writes it for a
    /// batch of DevTools requests; entry indexes start at `first_index`. Each entry is read
    /// exactly as inside a file (same leniency, limits and diagnostics). Input that is not
    /// an array yields one `entries-not-array` error diagnostic and no entries.
    pub fn entry_list(bytes: B, first_index: usize) -> Self {
        let mut st = State {
            pos: 0,
            first: true,
            done: false,
            next_index: first_index,
            header: HarDocument::default(),
            pending: Vec::new(),
            cursor: LineCursor::default(),
            bare: true,
        };
        let mut sc = Scanner::new(bytes.as_ref(), 0);
        sc.skip_bom();
        sc.skip_ws();
        if sc.peek() == Some(b'[') {
            st.pos = sc.pos + 1;
        } else {
            st.pending.push((
                None,
                Diagnostic::error(
                    "entries-not-array",
                    sc.pos,
                    match sc.peek() {
                        None => "expected an array of entries, the input is empty".to_owned(),
                        b => format!("expected an array of entries, found {}", kind_of(b)),
                    },
                ),
            ));
            st.stop(bytes.as_ref().len());
        }
        Self { bytes, st }
    }

    /// The log-level fields known so far (`version`, `creator`, `browser`, `pages`,
    /// `comment`); its exchanges and diagnostics stay empty, they come in batches. Fields
    /// written after `entries` are known once the reader is done.
    pub fn header(&self) -> &HarDocument {
        &self.st.header
    }

    /// Size of the input in bytes (for a progress bar).
    pub fn total_bytes(&self) -> usize {
        self.bytes.as_ref().len()
    }

    /// Whether every entry has been read.
    pub fn is_done(&self) -> bool {
        self.st.done
    }

    /// Reads up to `max_entries` entries (at least one). Bad entries count towards the
    /// limit, so every call does bounded work.
    pub fn next_batch(&mut self, max_entries: usize) -> Batch {
        self.st.next_batch(self.bytes.as_ref(), max_entries)
    }

    /// Reads every remaining entry into one document (header fields included).
    pub fn into_document(mut self) -> HarDocument {
        let mut exchanges = Vec::new();
        let mut meta = Vec::new();
        let mut diagnostics = Vec::new();
        while !self.st.done {
            let batch = self.next_batch(256);
            exchanges.extend(batch.exchanges);
            meta.extend(batch.meta);
            diagnostics.extend(batch.diagnostics);
        }
        let mut doc = self.st.header;
        doc.exchanges = exchanges;
        doc.meta = meta;
        doc.diagnostics = diagnostics;
        doc
    }
}

/// Most entries a batch reserves room for before reading.
const BATCH_ROOM: usize = 256;

impl State {
    fn locate_entries(&mut self, bytes: &[u8]) -> Result<(), HarError> {
        let mut sc = Scanner::new(bytes, 0);
        sc.skip_bom();
        sc.skip_ws();
        match sc.peek() {
            Some(b'{') => sc.pos += 1,
            None => return Err(har_error(bytes, "empty-file", sc.pos, "the file is empty")),
            other => {
                return Err(har_error(
                    bytes,
                    "not-har",
                    sc.pos,
                    format!(
                        "a har file is a json object, this starts with {}",
                        other.map_or_else(String::new, describe_byte)
                    ),
                ))
            }
        }
        let mut first = true;
        loop {
            match sc.next_member(first).map_err(|e| scan_error(bytes, e))? {
                None => {
                    return Err(har_error(
                        bytes,
                        "missing-log",
                        sc.pos.saturating_sub(1),
                        "no `log` object: this json is not a har file",
                    ))
                }
                Some((key, _)) if key == "log" => {
                    if sc.peek() != Some(b'{') {
                        return Err(har_error(
                            bytes,
                            "log-not-object",
                            sc.pos,
                            format!("`log` is {}, expected an object", kind_of(sc.peek())),
                        ));
                    }
                    sc.pos += 1;
                    break;
                }
                Some(_) => {
                    sc.skip_value(1).map_err(|e| scan_error(bytes, e))?;
                }
            }
            first = false;
        }
        let log_start = sc.pos;
        match self.walk_log(bytes, &mut sc, true) {
            Ok(LogStop::Entries) => {
                self.pos = sc.pos;
                Ok(())
            }
            Ok(LogStop::End) => Err(har_error(
                bytes,
                "missing-entries",
                log_start.saturating_sub(1),
                "`log` has no `entries` array",
            )),
            Err(e) => Err(e),
        }
    }

    /// Walks the members of `log`, storing the ones the document keeps. Before the
    /// entries (`first` = true at the `{`), a problem is fatal; after them it is not.
    fn walk_log(
        &mut self,
        bytes: &[u8],
        sc: &mut Scanner<'_>,
        mut first: bool,
    ) -> Result<LogStop, HarError> {
        let before_entries = first;
        loop {
            let Some((key, at)) = sc.next_member(first).map_err(|e| scan_error(bytes, e))? else {
                return Ok(LogStop::End);
            };
            first = false;
            if key == "entries" {
                if before_entries {
                    if sc.peek() == Some(b'[') {
                        sc.pos += 1;
                        return Ok(LogStop::Entries);
                    }
                    return Err(har_error(
                        bytes,
                        "entries-not-array",
                        sc.pos,
                        format!("`entries` is {}, expected an array", kind_of(sc.peek())),
                    ));
                }
                self.pending.push((
                    None,
                    Diagnostic::warning("duplicate-entries", at, "a second `entries` is ignored"),
                ));
            }
            let span = sc.skip_value(2).map_err(|e| scan_error(bytes, e))?;
            let value = bytes.get(span.start..span.end).unwrap_or_default();
            self.log_member(&key, span, value);
        }
    }

    fn log_member(&mut self, key: &str, span: Span, value: &[u8]) {
        match key {
            "version" => {
                if let Some(t) = self.deserialize::<Text>(span, value, "version") {
                    self.header.version = t.0.value();
                }
            }
            "creator" | "browser" => {
                let software = self
                    .deserialize::<Obj<RawSoftware>>(span, value, key)
                    .and_then(|o| o.0.value())
                    .map(|s| Software {
                        name: s.name.0.value().unwrap_or_default(),
                        version: s.version.0.value().unwrap_or_default(),
                        comment: s.comment.0.value(),
                    });
                if key == "creator" {
                    self.header.creator = software;
                } else {
                    self.header.browser = software;
                }
            }
            "pages" => {
                let pages = self
                    .deserialize::<List<Obj<RawPage>>>(span, value, "pages")
                    .map(|l| l.0);
                if let Some(Field::Wrong(found)) = &pages {
                    self.pending.push((
                        None,
                        Diagnostic::warning(
                            "wrong-type",
                            span.start,
                            format!("`pages` is {found}, expected an array; ignored"),
                        ),
                    ));
                }
                let pages = pages.and_then(Field::value).unwrap_or_default();
                self.header.pages = pages
                    .into_iter()
                    .filter_map(|p| p.0.value())
                    .map(|p| {
                        let timings = p.page_timings.0.value();
                        let (on_content_load, on_load) = timings
                            .map(|t| (t.on_content_load.0.value(), t.on_load.0.value()))
                            .unwrap_or_default();
                        Page {
                            id: p.id.0.value().unwrap_or_default(),
                            title: p.title.0.value().unwrap_or_default(),
                            started_at: p
                                .started_date_time
                                .0
                                .value()
                                .and_then(|s| Timestamp::parse_rfc3339(&s)),
                            on_content_load_ms: on_content_load.filter(|v| *v >= 0.0),
                            on_load_ms: on_load.filter(|v| *v >= 0.0),
                        }
                    })
                    .collect();
            }
            "comment" => {
                if let Some(t) = self.deserialize::<Text>(span, value, "comment") {
                    self.header.comment = t.0.value();
                }
            }
            _ => {}
        }
    }

    fn deserialize<T: DeserializeOwned>(
        &mut self,
        span: Span,
        value: &[u8],
        what: &str,
    ) -> Option<T> {
        let (text, _) = utf8(value);
        match serde_json::from_str::<T>(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.pending.push((
                    None,
                    Diagnostic::warning(
                        "invalid-log-field",
                        span.start + original_offset(value, offset_in(&text, &e)),
                        format!("`{what}` could not be read: {}", serde_message(&e)),
                    ),
                ));
                None
            }
        }
    }

    /// Reads up to `max_entries` entries (at least one). Bad entries count towards the
    /// limit, so every call does bounded work.
    fn next_batch(&mut self, bytes: &[u8], max_entries: usize) -> Batch {
        let mut found: Vec<(Option<usize>, Diagnostic)> = std::mem::take(&mut self.pending);
        let mut budget = max_entries.max(1);
        // Sized up front: exchanges are large, and growing the vectors 1, 2, 4 … 64 copied
        // each batch's exchanges several times (~2% of a browser import, CPU profile).
        // Bounded, since `max_entries` is the caller's and may be huge.
        let room = budget.min(BATCH_ROOM);
        let mut batch = Batch {
            exchanges: Vec::with_capacity(room),
            meta: Vec::with_capacity(room),
            ..Batch::default()
        };
        while budget > 0 && !self.done {
            budget -= 1;
            self.step(bytes, &mut batch, &mut found);
        }
        if self.done {
            // Diagnostics of log fields written after `entries`.
            found.append(&mut self.pending);
        }
        found.sort_by_key(|(_, d)| d.offset);
        batch.diagnostics = found
            .into_iter()
            .map(|(entry, diagnostic)| {
                let (line, column) = self.cursor.locate(bytes, diagnostic.offset);
                HarDiagnostic {
                    entry,
                    line,
                    column,
                    diagnostic,
                }
            })
            .collect();
        batch.bytes_done = if self.done { bytes.len() } else { self.pos };
        batch.total_bytes = bytes.len();
        batch.done = self.done;
        batch
    }

    /// Reads one element of the entries array, or its end.
    fn step(
        &mut self,
        bytes: &[u8],
        batch: &mut Batch,
        found: &mut Vec<(Option<usize>, Diagnostic)>,
    ) {
        let mut sc = Scanner::new(bytes, self.pos);
        sc.skip_ws();
        match sc.peek() {
            Some(b']') => {
                sc.pos += 1;
                self.finish(bytes, sc.pos, found);
                return;
            }
            Some(b',') if !self.first => {
                sc.pos += 1;
                sc.skip_ws();
            }
            None => {
                found.push((
                    None,
                    Diagnostic::error(
                        "truncated-file",
                        sc.pos,
                        format!(
                            "the file ends inside `entries` after {} entries",
                            self.next_index
                        ),
                    ),
                ));
                self.stop(bytes.len());
                return;
            }
            Some(_) if self.first => {}
            Some(b) => {
                found.push((
                    None,
                    Diagnostic::error(
                        "invalid-json",
                        sc.pos,
                        format!(
                            "expected ',' or ']' after entry {}, found {}; reading stops here",
                            self.next_index.saturating_sub(1),
                            describe_byte(b)
                        ),
                    ),
                ));
                self.stop(bytes.len());
                return;
            }
        }
        self.first = false;
        let index = self.next_index;
        self.next_index += 1;
        let start = sc.pos;
        let is_object = sc.peek() == Some(b'{');
        if is_object {
            if let Some((raw, end)) = fast::entry(bytes, start) {
                self.pos = end;
                let mut diagnostics = Vec::new();
                match entry::convert(raw, index, start, &mut diagnostics) {
                    Ok((exchange, meta)) => {
                        batch.exchanges.push(exchange);
                        batch.meta.push(meta);
                    }
                    Err(d) => diagnostics.push(d),
                }
                found.extend(diagnostics.into_iter().map(|d| (Some(index), d)));
                return;
            }
        }
        // The general path: the entry's span, its UTF-8, then serde.
        match sc.skip_value(ENTRY_DEPTH) {
            Ok(span) if is_object => {
                self.pos = sc.pos;
                let raw = bytes.get(span.start..span.end).unwrap_or_default();
                let mut diagnostics = Vec::new();
                let (text, bad_utf8) = utf8(raw);
                if let Some(at) = bad_utf8 {
                    diagnostics.push(Diagnostic::warning(
                        "invalid-utf8",
                        span.start + at,
                        format!(
                            "entry {index} contains bytes that are not utf-8; replaced with U+FFFD"
                        ),
                    ));
                }
                let checked = diagnostics.len();
                match parse_text(&text, index, span.start, &mut diagnostics) {
                    Ok((exchange, meta)) => {
                        batch.exchanges.push(exchange);
                        batch.meta.push(meta);
                    }
                    Err(d) => diagnostics.push(d),
                }
                if bad_utf8.is_some() {
                    // Offsets point into the lossy text; the file has the original bytes.
                    for d in diagnostics.iter_mut().skip(checked) {
                        let lossy = d.offset.saturating_sub(span.start);
                        d.offset = span.start + original_offset(raw, lossy);
                    }
                }
                found.extend(diagnostics.into_iter().map(|d| (Some(index), d)));
            }
            Ok(_) => {
                self.pos = sc.pos;
                found.push((
                    Some(index),
                    Diagnostic::error(
                        "entry-not-object",
                        start,
                        format!(
                            "entry {index} is {}, expected an object",
                            kind_of(bytes.get(start).copied())
                        ),
                    ),
                ));
            }
            Err(e) if e.code == "nesting-too-deep" && sc.pos > start => {
                // The scanner counted its way to the end of the entry: skip just this one.
                self.pos = sc.pos;
                found.push((
                    Some(index),
                    Diagnostic::error(e.code, e.offset, format!("entry {index}: {}", e.message)),
                ));
            }
            Err(e) => {
                found.push((
                    Some(index),
                    Diagnostic::error(
                        e.code,
                        e.offset,
                        format!("entry {index}: {}; reading stops here", e.message),
                    ),
                ));
                self.stop(bytes.len());
            }
        }
    }

    fn stop(&mut self, end: usize) {
        self.done = true;
        self.pos = end;
    }

    /// After `entries`: the rest of `log` (pages may come later), then the end of the file.
    fn finish(&mut self, bytes: &[u8], pos: usize, found: &mut Vec<(Option<usize>, Diagnostic)>) {
        let mut sc = Scanner::new(bytes, pos);
        let bare = self.bare;
        let rest_of_log = |st: &mut Self, sc: &mut Scanner<'_>| {
            if bare {
                return Ok(());
            }
            st.walk_log(bytes, sc, false)?;
            let mut first = false;
            while sc
                .next_member(first)
                .map_err(|e| scan_error(bytes, e))?
                .is_some()
            {
                sc.skip_value(1).map_err(|e| scan_error(bytes, e))?;
                first = false;
            }
            Ok(())
        };
        let result = rest_of_log(self, &mut sc).and_then(|()| {
            sc.skip_ws();
            match sc.peek() {
                None => Ok(()),
                Some(b) => Err(har_error(
                    bytes,
                    "trailing-data",
                    sc.pos,
                    format!(
                        "unexpected {} after the end of the {}",
                        describe_byte(b),
                        if bare { "entry list" } else { "har document" }
                    ),
                )),
            }
        });
        if let Err(e) = result {
            found.push((
                None,
                Diagnostic::warning(
                    e.code,
                    e.offset,
                    format!("after the entries: {}", e.message),
                ),
            ));
        }
        self.done = true;
        self.pos = bytes.len();
    }
}

/// The text of `bytes`, lossily decoded, and where the first invalid byte was.
pub(crate) fn utf8(bytes: &[u8]) -> (Cow<'_, str>, Option<usize>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(e) => (String::from_utf8_lossy(bytes), Some(e.valid_up_to())),
    }
}

/// Maps an offset into the lossy decoding of `bytes` back into `bytes`: each invalid
/// sequence became one U+FFFD (3 bytes), so offsets after it drift (found by fuzzing:
/// `invalid-json` pointed past the end of the file).
pub(crate) fn original_offset(bytes: &[u8], lossy: usize) -> usize {
    let (mut orig, mut text) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid().len();
        if lossy <= text + valid {
            return orig + (lossy - text);
        }
        text += valid;
        orig += valid;
        let invalid = chunk.invalid().len();
        if invalid > 0 {
            if lossy < text + 3 {
                return orig;
            }
            text += 3;
            orig += invalid;
        }
    }
    orig.min(bytes.len())
}

/// The byte offset in `text` that a serde_json error points at.
fn offset_in(text: &str, e: &serde_json::Error) -> usize {
    let line_start = if e.line() <= 1 {
        0
    } else {
        text.bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .nth(e.line() - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    line_start
        .saturating_add(e.column().saturating_sub(1))
        .min(text.len())
}

/// serde_json's message without its own (entry-relative) position.
fn serde_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full.get(..i).unwrap_or(&full).to_string(),
        None => full,
    }
}

/// Parses one entry's JSON text; `base` is where it starts in the file.
pub(crate) fn parse_text(
    text: &str,
    index: usize,
    base: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(Exchange, EntryMeta), Diagnostic> {
    let start = text.len() - text.trim_start().len();
    if text.as_bytes().get(start) != Some(&b'{') {
        return Err(Diagnostic::error(
            "entry-not-object",
            base + start,
            format!(
                "entry {index} is {}, expected an object",
                kind_of(text.as_bytes().get(start).copied())
            ),
        ));
    }
    match serde_json::from_str::<RawEntry>(text) {
        Ok(raw) => entry::convert(raw, index, base, diagnostics),
        Err(e) => {
            let message = serde_message(&e);
            let code = if message.contains("recursion limit") {
                "nesting-too-deep"
            } else if e.is_data() {
                "invalid-entry"
            } else if e.is_eof() {
                "truncated-entry"
            } else {
                "invalid-json"
            };
            let message = if code == "nesting-too-deep" {
                format!("entry {index}: json nests deeper than {MAX_DEPTH} levels")
            } else {
                format!("entry {index}: {message}")
            };
            // serde_json points at the last byte it read; "ends too early" belongs at the end.
            let at = if e.is_eof() {
                text.len()
            } else {
                offset_in(text, &e)
            };
            Err(Diagnostic::error(code, base + at, message))
        }
    }
}
