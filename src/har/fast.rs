//! The fast path of the entry reader: one pass over an entry's bytes into the same
//! [`RawEntry`] that serde builds, without the structural pre-scan.
//!
//! The general path reads an entry in three passes (the scanner finds its span and checks
//! the depth limit, UTF-8 is validated, serde deserialises it) and allocates a `String` for
//! every field on the way. This path reads it once: strings are found eight bytes at a time
//! and borrowed from the input until a kept field copies them, numbers are handed to
//! serde_json itself (so they convert exactly as on the general path), and unknown values
//! are skipped with the same rules as serde_json's `IgnoredAny`.
//!
//! It gives up (`None`) on anything it does not read exactly like the general path: bytes
//! that are not UTF-8, a `\u` escape of a surrogate, a container where a scalar belongs, a
//! duplicated field, malformed JSON, or nesting past the limit. The caller then reads the
//! entry on the general path, which also writes the diagnostics, so the outcome never
//! depends on which path read the entry. The property tests in this module hold the two
//! paths to that.

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::de::{IgnoredAny, Visitor};

use super::model::{
    Field, List, ListVisitor, Number, NumberVisitor, Obj, ObjVisitor, Present, RawCache,
    RawContent, RawEntry, RawFrame, RawInitiator, RawPair, RawPostData, RawRequest, RawResponse,
    RawStack, RawTimings, Text, TextVisitor,
};
use super::scan::{ENTRY_DEPTH, MAX_DEPTH};

/// Containers may open at nesting levels `0..LIMIT` below the entry (the entry itself is
/// level 0): the scanner's [`MAX_DEPTH`] counted from the top of the document.
const LIMIT: usize = MAX_DEPTH - ENTRY_DEPTH;

/// Reads the entry object starting at `start` (its `{`). Returns it and the offset just
/// past its `}`, or `None` when the general path must read it.
pub(crate) fn entry(bytes: &[u8], start: usize) -> Option<(RawEntry, usize)> {
    let mut p = Parser {
        b: bytes,
        pos: start,
    };
    if p.peek() != Some(b'{') {
        return None;
    }
    let raw = raw_entry(&mut p, 0)?;
    Some((raw, p.pos))
}

/// A cursor over the input. Every method returns `None` to give up.
struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

/// Marks field `bit` as seen; a second occurrence fails, as serde's derived visitors fail
/// on a duplicate field.
fn once(seen: &mut u32, bit: u32) -> Option<()> {
    let mask = 1u32 << bit;
    if *seen & mask != 0 {
        return None;
    }
    *seen |= mask;
    Some(())
}

/// Index of the first `"`, `\` or control byte at or after `i`, or `None` when the input
/// ends first ([`crate::json_text::string_stop`]).
fn special(b: &[u8], i: usize) -> Option<usize> {
    let at = crate::json_text::string_stop(b, i);
    (at < b.len()).then_some(at)
}

fn hex4(b: &[u8]) -> Option<u16> {
    let digits = std::str::from_utf8(b.get(..4)?).ok()?;
    if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16).ok()
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// JSON whitespace (RFC 8259 §2), as serde_json skips it.
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.peek()? == c {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b.get(self.pos..)?.starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    /// A string at the cursor, decoded like serde_json's `parse_str`. Surrogate escapes
    /// give up (serde pairs them or fails, and browsers write such characters raw).
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let b = self.b;
        let start = self.pos + 1;
        let mut at = special(b, start)?;
        if b.get(at) == Some(&b'"') {
            self.pos = at + 1;
            return std::str::from_utf8(b.get(start..at)?)
                .ok()
                .map(Cow::Borrowed);
        }
        let mut out = String::with_capacity(at - start + 16);
        let mut from = start;
        loop {
            out.push_str(std::str::from_utf8(b.get(from..at)?).ok()?);
            match b.get(at)? {
                b'"' => {
                    self.pos = at + 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let (c, len) = match b.get(at + 1)? {
                        b'"' => ('"', 2),
                        b'\\' => ('\\', 2),
                        b'/' => ('/', 2),
                        b'b' => ('\u{8}', 2),
                        b'f' => ('\u{c}', 2),
                        b'n' => ('\n', 2),
                        b'r' => ('\r', 2),
                        b't' => ('\t', 2),
                        b'u' => {
                            let unit = hex4(b.get(at + 2..)?)?;
                            (char::from_u32(u32::from(unit))?, 6)
                        }
                        _ => return None,
                    };
                    out.push(c);
                    from = at + len;
                    at = special(b, from)?;
                }
                // A raw control character, which JSON forbids in strings.
                _ => return None,
            }
        }
    }

    /// Skips a string like serde_json's `ignore_str`: escapes are checked for form only,
    /// and the bytes must be UTF-8 (or the general path would have had to say so).
    fn skip_string(&mut self) -> Option<()> {
        let b = self.b;
        let mut from = self.pos + 1;
        loop {
            let at = special(b, from)?;
            std::str::from_utf8(b.get(from..at)?).ok()?;
            match b.get(at)? {
                b'"' => {
                    self.pos = at + 1;
                    return Some(());
                }
                b'\\' => {
                    from = match b.get(at + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at + 2,
                        b'u' => {
                            hex4(b.get(at + 2..)?)?;
                            at + 6
                        }
                        _ => return None,
                    };
                }
                _ => return None,
            }
        }
    }

    /// A number token checked against the JSON grammar, as serde_json checks it.
    fn number_token(&mut self) -> Option<&'a [u8]> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > from
        };
        match self.peek()? {
            b'0' => {
                self.pos += 1;
                // Only one leading zero.
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return None;
                }
            }
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        self.b.get(start..self.pos)
    }

    /// Skips any value like serde_json's `ignore_value` (used for unknown fields, cookie
    /// objects and `cache` members): strict JSON, any depth up to the limit, no recursion.
    fn skip_value(&mut self, level: usize) -> Option<()> {
        // Bit n of `stack` is 1 when the n-th open container is an object.
        let mut stack: u128 = 0;
        let mut open: usize = 0;
        loop {
            self.ws();
            match self.peek()? {
                b'"' => self.skip_string()?,
                b'n' => self.literal(b"null")?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'-' | b'0'..=b'9' => {
                    self.number_token()?;
                }
                c @ (b'{' | b'[') => {
                    if level + open >= LIMIT || open >= 128 {
                        return None;
                    }
                    self.pos += 1;
                    let object = c == b'{';
                    if object {
                        stack |= 1u128 << open;
                    } else {
                        stack &= !(1u128 << open);
                    }
                    open += 1;
                    self.ws();
                    if self.peek()? == if object { b'}' } else { b']' } {
                        // Empty: closed at once, then handled like any finished value.
                        self.pos += 1;
                        open -= 1;
                    } else {
                        if object {
                            self.ignored_key()?;
                        }
                        continue;
                    }
                }
                _ => return None,
            }
            // After a value: close containers until one continues with a comma.
            loop {
                let Some(top) = open.checked_sub(1) else {
                    return Some(());
                };
                let object = stack & (1u128 << top) != 0;
                self.ws();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        if object {
                            self.ignored_key()?;
                        }
                        break;
                    }
                    b'}' if object => {
                        self.pos += 1;
                        open = top;
                    }
                    b']' if !object => {
                        self.pos += 1;
                        open = top;
                    }
                    _ => return None,
                }
            }
        }
    }

    fn ignored_key(&mut self) -> Option<()> {
        self.ws();
        if self.peek()? != b'"' {
            return None;
        }
        self.skip_string()?;
        self.eat(b':')
    }

    /// Walks the object at the cursor (opening at nesting `level`), calling `member` with
    /// each key and the cursor on its value (values sit at `level + 1`).
    fn object(
        &mut self,
        level: usize,
        mut member: impl FnMut(&mut Self, &str, usize) -> Option<()>,
    ) -> Option<()> {
        if level >= LIMIT || self.peek()? != b'{' {
            return None;
        }
        self.pos += 1;
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.ws();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.eat(b':')?;
            self.ws();
            member(self, &key, level + 1)?;
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Walks the array at the cursor, calling `element` with the cursor on each element.
    fn array(
        &mut self,
        level: usize,
        mut element: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        if level >= LIMIT || self.peek()? != b'[' {
            return None;
        }
        self.pos += 1;
        self.ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.ws();
            element(self, level + 1)?;
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A scalar at the cursor, shown to `visitor` the way serde_json's `deserialize_any`
    /// shows it (numbers go through serde_json itself). Containers give up.
    fn scalar<V: Visitor<'a>>(&mut self, visitor: V) -> Option<V::Value> {
        type E = serde_json::Error;
        match self.peek()? {
            b'"' => match self.string()? {
                Cow::Borrowed(s) => visitor.visit_str::<E>(s).ok(),
                Cow::Owned(s) => visitor.visit_string::<E>(s).ok(),
            },
            b'n' => {
                self.literal(b"null")?;
                visitor.visit_unit::<E>().ok()
            }
            b't' => {
                self.literal(b"true")?;
                visitor.visit_bool::<E>(true).ok()
            }
            b'f' => {
                self.literal(b"false")?;
                visitor.visit_bool::<E>(false).ok()
            }
            b'-' | b'0'..=b'9' => {
                let token = self.number_token()?;
                let mut de = serde_json::Deserializer::from_slice(token);
                serde::Deserializer::deserialize_any(&mut de, visitor).ok()
            }
            _ => None,
        }
    }

    /// A scalar where an object or array belongs, shown to `visitor` (an [`ObjVisitor`] or
    /// [`ListVisitor`], which only look at the JSON type). Numbers are still checked by
    /// serde_json, once, through [`NumberVisitor`]: out of range is an error either way.
    fn misplaced_scalar<V: Visitor<'a>>(&mut self, visitor: V) -> Option<V::Value> {
        type E = serde_json::Error;
        match self.peek()? {
            b'-' | b'0'..=b'9' => {
                self.number()?;
                visitor.visit_u64::<E>(0).ok()
            }
            _ => self.scalar(visitor),
        }
    }

    fn text(&mut self) -> Option<Text> {
        self.scalar(TextVisitor)
    }

    fn number(&mut self) -> Option<Number> {
        self.scalar(NumberVisitor)
    }

    /// An object field: `read` for an object, the general path's answer for a scalar.
    fn obj<T: serde::Deserialize<'a>>(
        &mut self,
        level: usize,
        read: impl FnOnce(&mut Self, usize) -> Option<T>,
    ) -> Option<Obj<T>> {
        match self.peek()? {
            b'{' => read(self, level).map(|v| Obj(Field::Value(v))),
            b'[' => None,
            _ => self.misplaced_scalar(ObjVisitor::<T>(PhantomData)),
        }
    }

    /// An array field: `read` for each element, the general path's answer for a scalar.
    /// `expected` sizes the vector for a typical array (it is converted and dropped).
    fn list<T: serde::Deserialize<'a>>(
        &mut self,
        level: usize,
        expected: usize,
        mut read: impl FnMut(&mut Self, usize) -> Option<T>,
    ) -> Option<List<T>> {
        match self.peek()? {
            b'[' => {
                let mut items = Vec::with_capacity(expected);
                self.array(level, |p, level| {
                    items.push(read(p, level)?);
                    Some(())
                })?;
                Some(List(Field::Value(items)))
            }
            b'{' => None,
            _ => self.misplaced_scalar(ListVisitor::<T>(PhantomData)),
        }
    }

    /// `{name, value}` pairs (headers, form parameters).
    fn pairs(&mut self, level: usize) -> Option<List<Obj<RawPair>>> {
        // Browsers send a dozen or so headers: one allocation instead of four growths.
        self.list(level, 16, |p, level| p.obj(level, raw_pair))
    }
}

fn raw_entry(p: &mut Parser<'_>, level: usize) -> Option<RawEntry> {
    let mut e = RawEntry::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "pageref" => {
                once(&mut seen, 0)?;
                e.pageref = p.text()?;
            }
            "startedDateTime" => {
                once(&mut seen, 1)?;
                e.started_date_time = p.text()?;
            }
            "time" => {
                once(&mut seen, 2)?;
                e.time = p.number()?;
            }
            "request" => {
                once(&mut seen, 3)?;
                e.request = p.obj(level, raw_request)?;
            }
            "response" => {
                once(&mut seen, 4)?;
                e.response = p.obj(level, raw_response)?;
            }
            "cache" => {
                once(&mut seen, 5)?;
                e.cache = p.obj(level, raw_cache)?;
            }
            "timings" => {
                once(&mut seen, 6)?;
                e.timings = p.obj(level, raw_timings)?;
            }
            "serverIPAddress" => {
                once(&mut seen, 7)?;
                e.server_ip_address = p.text()?;
            }
            "connection" => {
                once(&mut seen, 8)?;
                e.connection = p.text()?;
            }
            "comment" => {
                once(&mut seen, 9)?;
                e.comment = p.text()?;
            }
            "_resourceType" => {
                once(&mut seen, 10)?;
                e.resource_type = p.text()?;
            }
            "_fromCache" => {
                once(&mut seen, 11)?;
                e.from_cache = p.text()?;
            }
            "_initiator" => {
                once(&mut seen, 12)?;
                e.initiator = p.obj(level, raw_initiator)?;
            }
            "_priority" => {
                once(&mut seen, 13)?;
                e.priority = p.text()?;
            }
            "_securityState" => {
                once(&mut seen, 14)?;
                e.security_state = p.text()?;
            }
            "_fetchType" => {
                once(&mut seen, 15)?;
                e.fetch_type = p.text()?;
            }
            "_monotonicTime" => {
                once(&mut seen, 16)?;
                e.monotonic_time = p.number()?;
            }
            "_frameref" => {
                once(&mut seen, 17)?;
                e.frameref = p.text()?;
            }
            "_serverPort" => {
                once(&mut seen, 18)?;
                e.server_port = p.number()?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(e)
}

fn raw_request(p: &mut Parser<'_>, level: usize) -> Option<RawRequest> {
    let mut r = RawRequest::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "method" => {
                once(&mut seen, 0)?;
                r.method = p.text()?;
            }
            "url" => {
                once(&mut seen, 1)?;
                r.url = p.text()?;
            }
            "httpVersion" => {
                once(&mut seen, 2)?;
                r.http_version = p.text()?;
            }
            "headers" => {
                once(&mut seen, 3)?;
                r.headers = p.pairs(level)?;
            }
            "cookies" => {
                once(&mut seen, 4)?;
                r.cookies = p.list(level, 0, |p, level| {
                    p.skip_value(level).map(|()| IgnoredAny)
                })?;
            }
            "postData" => {
                once(&mut seen, 5)?;
                r.post_data = p.obj(level, raw_post_data)?;
            }
            "headersSize" => {
                once(&mut seen, 6)?;
                r.headers_size = p.number()?;
            }
            "bodySize" => {
                once(&mut seen, 7)?;
                r.body_size = p.number()?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(r)
}

fn raw_response(p: &mut Parser<'_>, level: usize) -> Option<RawResponse> {
    let mut r = RawResponse::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "status" => {
                once(&mut seen, 0)?;
                r.status = p.number()?;
            }
            "statusText" => {
                once(&mut seen, 1)?;
                r.status_text = p.text()?;
            }
            "httpVersion" => {
                once(&mut seen, 2)?;
                r.http_version = p.text()?;
            }
            "headers" => {
                once(&mut seen, 3)?;
                r.headers = p.pairs(level)?;
            }
            "cookies" => {
                once(&mut seen, 4)?;
                r.cookies = p.list(level, 0, |p, level| {
                    p.skip_value(level).map(|()| IgnoredAny)
                })?;
            }
            "content" => {
                once(&mut seen, 5)?;
                r.content = p.obj(level, raw_content)?;
            }
            "redirectURL" => {
                once(&mut seen, 6)?;
                r.redirect_url = p.text()?;
            }
            "headersSize" => {
                once(&mut seen, 7)?;
                r.headers_size = p.number()?;
            }
            "bodySize" => {
                once(&mut seen, 8)?;
                r.body_size = p.number()?;
            }
            "_transferSize" => {
                once(&mut seen, 9)?;
                r.transfer_size = p.number()?;
            }
            "_error" => {
                once(&mut seen, 10)?;
                r.error = p.text()?;
            }
            "_failureText" => {
                once(&mut seen, 11)?;
                r.failure_text = p.text()?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(r)
}

fn raw_pair(p: &mut Parser<'_>, level: usize) -> Option<RawPair> {
    let mut pair = RawPair::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "name" => {
                once(&mut seen, 0)?;
                pair.name = p.text()?;
            }
            "value" => {
                once(&mut seen, 1)?;
                pair.value = p.text()?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(pair)
}

fn raw_post_data(p: &mut Parser<'_>, level: usize) -> Option<RawPostData> {
    let mut d = RawPostData::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "mimeType" => {
                once(&mut seen, 0)?;
                d.mime_type = p.text()?;
            }
            "text" => {
                once(&mut seen, 1)?;
                d.text = p.text()?;
            }
            "params" => {
                once(&mut seen, 2)?;
                d.params = p.pairs(level)?;
            }
            "encoding" => {
                once(&mut seen, 3)?;
                d.encoding = p.text()?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(d)
}

fn raw_content(p: &mut Parser<'_>, level: usize) -> Option<RawContent> {
    let mut c = RawContent::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "size" => {
                once(&mut seen, 0)?;
                c.size = p.number()?;
            }
            "compression" => {
                once(&mut seen, 1)?;
                c.compression = p.number()?;
            }
            "mimeType" => {
                once(&mut seen, 2)?;
                c.mime_type = p.text()?;
            }
            "text" => {
                once(&mut seen, 3)?;
                c.text = p.text()?;
            }
            "encoding" => {
                once(&mut seen, 4)?;
                c.encoding = p.text()?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(c)
}

fn raw_cache(p: &mut Parser<'_>, level: usize) -> Option<RawCache> {
    let mut c = RawCache::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "beforeRequest" => {
                once(&mut seen, 0)?;
                p.skip_value(level)?;
                c.before_request = Present(true);
            }
            "afterRequest" => {
                once(&mut seen, 1)?;
                p.skip_value(level)?;
                c.after_request = Present(true);
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(c)
}

fn raw_timings(p: &mut Parser<'_>, level: usize) -> Option<RawTimings> {
    let mut t = RawTimings::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        let (bit, slot) = match key {
            "blocked" => (0, &mut t.blocked),
            "dns" => (1, &mut t.dns),
            "connect" => (2, &mut t.connect),
            "ssl" => (3, &mut t.ssl),
            "send" => (4, &mut t.send),
            "wait" => (5, &mut t.wait),
            "receive" => (6, &mut t.receive),
            _ => return p.skip_value(level),
        };
        once(&mut seen, bit)?;
        *slot = p.number()?;
        Some(())
    })?;
    Some(t)
}

fn raw_initiator(p: &mut Parser<'_>, level: usize) -> Option<RawInitiator> {
    let mut i = RawInitiator::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "type" => {
                once(&mut seen, 0)?;
                i.kind = p.text()?;
            }
            "url" => {
                once(&mut seen, 1)?;
                i.url = p.text()?;
            }
            "stack" => {
                once(&mut seen, 2)?;
                i.stack = p.obj(level, raw_stack)?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(i)
}

/// `_initiator.stack`, whose `parent` chain recurses; [`Parser::object`] stops it at the
/// nesting limit, so the recursion is bounded.
fn raw_stack(p: &mut Parser<'_>, level: usize) -> Option<RawStack> {
    let mut s = RawStack::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "callFrames" => {
                once(&mut seen, 0)?;
                s.call_frames = p.list(level, 0, |p, level| p.obj(level, raw_frame))?;
            }
            "parent" => {
                once(&mut seen, 1)?;
                s.parent = p.obj(level, |p, level| raw_stack(p, level).map(Box::new))?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(s)
}

fn raw_frame(p: &mut Parser<'_>, level: usize) -> Option<RawFrame> {
    let mut f = RawFrame::default();
    let mut seen = 0u32;
    p.object(level, |p, key, level| {
        match key {
            "url" => {
                once(&mut seen, 0)?;
                f.url = p.text()?;
            }
            _ => p.skip_value(level)?,
        }
        Some(())
    })?;
    Some(f)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{parse_entry_fast, parse_entry_general, parse_har, ParsedEntry};
    use super::*;
    use crate::diagnostic::Diagnostic;

    type Outcome = Result<ParsedEntry, Diagnostic>;

    /// Both paths on one entry; the fast one may decline.
    fn both(json: &str) -> (Option<Outcome>, Outcome) {
        (parse_entry_fast(json, 7), parse_entry_general(json, 7))
    }

    /// The fast path must read `json`, and agree with the general path.
    fn agrees(json: &str) {
        let (fast, general) = both(json);
        let fast = fast.unwrap_or_else(|| panic!("the fast path declined {json}"));
        assert_eq!(fast, general, "{json}");
    }

    /// The fast path must decline `json` (the general path decides).
    fn declines(json: &str) {
        assert!(parse_entry_fast(json, 7).is_none(), "{json}");
    }

    const REQ: &str = r#""request": {"method": "GET", "url": "https://x/"}"#;

    #[test]
    fn agrees_on_dialects_and_lenient_fields_table() {
        let cases = [
            // Chrome-like, every field the reader keeps.
            r#"{"_initiator": {"type": "script", "stack": {"callFrames": [], "parent": {"callFrames": [{"functionName": "f", "url": "https://app/x.js", "lineNumber": 3}]}}},
                "_priority": "High", "_resourceType": "fetch", "cache": {}, "connection": "1234",
                "pageref": "page_1", "request": {"method": "POST", "url": "https://api/t?x=1", "httpVersion": "http/2.0",
                "headers": [{"name": ":authority", "value": "api"}, {"name": "authorization", "value": "Bearer a.b.c"}],
                "queryString": [{"name": "x", "value": "1"}], "cookies": [{"name": "s", "value": "v", "expires": null}],
                "headersSize": -1, "bodySize": 12, "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "a=1&b=2", "params": [{"name": "a", "value": "1"}]}},
                "response": {"status": 401, "statusText": "", "httpVersion": "http/2.0",
                "headers": [{"name": "www-authenticate", "value": "Bearer realm=\"api\", error=\"invalid_token\""}, {"name": "set-cookie", "value": "a=1\nb=2"}],
                "cookies": [], "content": {"size": 20, "mimeType": "application/json", "compression": 3, "text": "{\"error\":\"invalid_token\"}"},
                "redirectURL": "", "headersSize": -1, "bodySize": 20, "_transferSize": 320, "_error": null},
                "serverIPAddress": "203.0.113.10", "startedDateTime": "2024-06-01T09:00:00.123Z", "time": 12.5,
                "timings": {"blocked": 1.5, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 10, "receive": 1, "_blocked_queueing": 0.5}}"#,
            // Firefox: integer time, cache marker, security state.
            r#"{"startedDateTime": "2024-06-01T09:00:00+02:00", "time": 12, "cache": {"afterRequest": null},
                "_securityState": "secure", "request": {"method": "GET", "url": "https://x/", "headers": []},
                "response": {"status": 200, "content": {"mimeType": "text/html", "size": 0}}}"#,
            // Safari and Playwright extras.
            r#"{"_fetchType": "Memory Cache", "_monotonicTime": 1234.5, "_frameref": "f1", "_serverPort": 443,
                "request": {"method": "GET", "url": "https://x/"}, "response": {"status": -1, "_failureText": "net::ERR_FAILED"}}"#,
            // Lenient scalars: numbers as strings, numbers and booleans as text, null.
            r#"{"time": "17", "connection": 443, "comment": true, "pageref": null, "_serverPort": 70000,
                "request": {"method": "GET", "url": "https://x/", "bodySize": "12.5", "headersSize": "abc"},
                "response": {"status": "200", "statusText": 1.5e3, "headers": null, "cookies": "none"}}"#,
            // Wrong scalar types for objects and lists.
            r#"{"request": {"url": "https://x/", "headers": "h", "postData": 5, "cookies": false},
                "response": "nope", "timings": true, "cache": "c", "_initiator": 1}"#,
            // Escapes, unicode, an escaped key, empty strings.
            r#"{"request": {"url": "https://x/\u00e9\n\t\"q\"\\\/", "method": "", "headers": [{"name": "x-\u0041", "value": "é€😀 \u0000"}]},
                "re\u0073ponse": {"status": 204}}"#,
            // Unknown fields of every shape, nested.
            r#"{"_x": {"a": [1, 2.5, -0, 1e2, {"b": [true, false, null, "s\"\u12ab"]}], "c": {}}, "_y": [], "_z": [[[[]]]],
                "request": {"method": "GET", "url": "https://x/", "_u": {"v": 1E+2}}, "_w": "\ud800"}"#,
            // Not a response: missing-response warning; no request: missing-request error.
            r#"{"request": {"url": "https://x/"}}"#,
            r#"{"response": {"status": 200}}"#,
            r#"  {"request": {}}  "#,
            "{}",
        ];
        for json in cases {
            agrees(json);
        }
    }

    #[test]
    fn declines_what_it_does_not_read_like_serde_table() {
        let cases = [
            // Duplicate fields are a serde error.
            format!(r#"{{{REQ}, {REQ}}}"#),
            format!(r#"{{{REQ}, "response": {{"status": 200, "status": 201}}}}"#),
            // Surrogate escapes: serde pairs or rejects them.
            format!(r#"{{{REQ}, "comment": "\ud83d\ude00"}}"#),
            format!(r#"{{{REQ}, "comment": "\ud800"}}"#),
            // A container where a scalar belongs.
            format!(r#"{{{REQ}, "time": [1]}}"#),
            format!(r#"{{{REQ}, "comment": {{"a": 1}}}}"#),
            format!(r#"{{{REQ}, "cache": []}}"#),
            format!(r#"{{{REQ}, "response": {{"headers": {{}}}}}}"#),
            // Malformed JSON.
            format!(r#"{{{REQ},}}"#),
            format!(r#"{{{REQ}, "_x": [1,]}}"#),
            format!(r#"{{{REQ}, "_x": 01}}"#),
            format!(r#"{{{REQ}, "_x": 1.}}"#),
            format!(r#"{{{REQ}, "_x": "a\qb"}}"#),
            format!(r#"{{{REQ}, "_x": "a{}b"}}"#, '\u{1}'),
            format!(r#"{{{REQ}, "_x": tru}}"#),
            format!(r#"{{{REQ}}} x"#),
            format!(r#"{{{REQ}"#),
            // Out of range for a number field (serde's error).
            format!(r#"{{{REQ}, "time": 1e400}}"#),
            // Not an object.
            "[1]".to_owned(),
        ];
        for json in &cases {
            declines(json);
        }
    }

    #[test]
    fn nesting_limit_matches_the_scanner() {
        // A container may open at level LIMIT - 1 below the entry, not at LIMIT.
        let nest = |levels: usize| {
            format!(
                r#"{{{REQ}, "_x": {}1{}}}"#,
                "[".repeat(levels),
                "]".repeat(levels)
            )
        };
        agrees(&nest(LIMIT - 1));
        declines(&nest(LIMIT));
        assert_eq!(
            parse_entry_general(&nest(LIMIT), 0).map(|_| ()),
            Err(Diagnostic::error(
                "nesting-too-deep",
                "{".len() + REQ.len() + r#", "_x": "#.len() + LIMIT - 1,
                "entry 0: json nests deeper than 128 levels"
            ))
        );
        // The parent chain of an initiator stack recurses: the same limit holds there.
        let chain = |levels: usize| {
            format!(
                r#"{{{REQ}, "_initiator": {{"stack": {}{{}}{}}}}}"#,
                r#"{"parent": "#.repeat(levels),
                "}".repeat(levels)
            )
        };
        agrees(&chain(LIMIT - 3));
        declines(&chain(LIMIT - 2));
    }

    #[test]
    fn special_finds_the_first_quote_backslash_or_control_byte() {
        let cases: [(&[u8], Option<usize>); 7] = [
            (b"abcdefghijklmnop\"", Some(16)),
            (b"abcdefg\\", Some(7)),
            (b"abcdefghij\x1fk", Some(10)),
            (b"\"", Some(0)),
            ("éééééééééé\"".as_bytes(), Some(20)),
            (b"abcdefghijklmnopqrstuvwxyz", None),
            (b"", None),
        ];
        for (bytes, want) in cases {
            assert_eq!(special(bytes, 0), want, "{bytes:?}");
        }
        assert_eq!(special(b"\"abcdefghij\"", 1), Some(11));
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/har/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// The entries of a file as JSON texts (fixtures are well-formed up to `entries`).
    fn entry_texts(bytes: &[u8]) -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        v["log"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect()
    }

    #[test]
    fn every_fixture_entry_takes_the_fast_path_and_agrees() {
        for name in [
            "chrome.har",
            "chrome-sanitized.har",
            "firefox.har",
            "safari.har",
            "playwright.har",
        ] {
            let texts = entry_texts(&fixture(name));
            assert!(!texts.is_empty(), "{name}");
            for text in texts {
                agrees(&text);
            }
        }
    }

    #[test]
    fn a_file_reads_the_same_on_both_paths() {
        // parse_har takes the fast path for these entries; each must equal its general
        // reading on its own (the file path only adds the base offset).
        let texts = entry_texts(&fixture("chrome.har"));
        let file = format!(r#"{{"log": {{"entries": [{}]}}}}"#, texts.join(",\n"));
        let doc = parse_har(file.as_bytes()).unwrap();
        assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
        for (i, text) in texts.iter().enumerate() {
            let general = parse_entry_general(text, i).unwrap();
            assert_eq!(doc.exchanges[i], general.exchange);
            assert_eq!(doc.meta[i], general.meta);
        }
    }

    // ---- property: whenever the fast path answers, it answers like the general path ----
    //
    // Generated entries come in two kinds. `clean` ones hold only what the fast path must
    // read itself (every field, lenient scalars, escapes, unknown fields), so it has to
    // answer for them; the others may also hold what it declines (duplicates, surrogate
    // escapes, malformed JSON, containers where scalars belong).

    /// String literals: plain text and escapes; `clean` leaves out the ones it declines.
    fn string_literal(clean: bool) -> BoxedStrategy<String> {
        let good = prop_oneof![
            12 => "[a-zA-Z0-9 :/;=.,_-]{1,12}",
            1 => Just(r#"\""#.to_owned()),
            1 => Just(r"\\".to_owned()),
            1 => Just(r"\/".to_owned()),
            1 => Just(r"\n\r\t\b\f".to_owned()),
            1 => Just(r"\u00e9\u0000\u20AC".to_owned()),
            1 => Just("é€😀".to_owned()),
        ];
        let part = if clean {
            good.boxed()
        } else {
            // Rare enough that some unclean entries are still readable.
            prop_oneof![
                400 => good,
                1 => Just(r"\ud83d\ude00".to_owned()),
                1 => Just(r"\ud800".to_owned()),
                1 => Just(r"\udc00".to_owned()),
                1 => Just(r"\x".to_owned()),
                1 => Just(r"\u12g4".to_owned()),
                1 => Just("\u{1}".to_owned()),
            ]
            .boxed()
        };
        proptest::collection::vec(part, 0..4)
            .prop_map(|parts| format!("\"{}\"", parts.concat()))
            .boxed()
    }

    fn number_literal(clean: bool) -> BoxedStrategy<String> {
        let good = prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            (-1e9f64..1e9).prop_map(|f| f.to_string()),
            (0u32..1000, 0u32..1000, -30i32..30).prop_map(|(a, b, e)| format!("{a}.{b}e{e}")),
            Just("-0".to_owned()),
            Just("1E+2".to_owned()),
            Just("18446744073709551616".to_owned()),
        ];
        if clean {
            return good.boxed();
        }
        prop_oneof![
            100 => good,
            1 => Just("1e400".to_owned()),
            1 => Just("01".to_owned()),
            1 => Just("1.".to_owned()),
            1 => Just("-".to_owned()),
        ]
        .boxed()
    }

    fn scalar(clean: bool) -> BoxedStrategy<String> {
        prop_oneof![
            3 => string_literal(clean),
            2 => number_literal(clean),
            1 => Just("null".to_owned()),
            1 => Just("true".to_owned()),
            1 => Just("false".to_owned()),
        ]
        .boxed()
    }

    /// Any value, nested a few levels.
    fn value(clean: bool) -> BoxedStrategy<String> {
        scalar(clean)
            .prop_recursive(3, 24, 4, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..4)
                        .prop_map(|items| format!("[{}]", items.join(", "))),
                    proptest::collection::vec(("[a-z_]{1,6}", inner), 0..4).prop_map(|members| {
                        let members: Vec<String> = members
                            .into_iter()
                            .map(|(k, v)| format!("\"{k}\": {v}"))
                            .collect();
                        format!("{{{}}}", members.join(", "))
                    }),
                ]
            })
            .boxed()
    }

    /// An object from `members` (each present or not), plus unknown members; unclean
    /// objects may repeat a member and use keys that collide with known ones.
    fn object(
        members: Vec<(&'static str, BoxedStrategy<String>)>,
        clean: bool,
    ) -> BoxedStrategy<String> {
        let known: Vec<BoxedStrategy<Option<(&'static str, String)>>> = members
            .into_iter()
            .map(|(k, v)| proptest::option::weighted(0.7, v.prop_map(move |v| (k, v))).boxed())
            .collect();
        let unknown_key = if clean {
            "_x[a-z]{1,4}"
        } else {
            "_?[a-z]{1,5}"
        };
        (
            known,
            proptest::collection::vec((unknown_key, value(clean)), 0..2),
            proptest::bool::weighted(if clean { 0.0 } else { 0.01 }),
        )
            .prop_map(|(known, unknown, dup)| {
                let mut members: Vec<String> = known
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| format!("\"{k}\": {v}"))
                    .collect();
                members.extend(unknown.into_iter().map(|(k, v)| format!("\"{k}\":{v}")));
                if dup && !members.is_empty() {
                    let first = members[0].clone();
                    members.push(first);
                }
                format!("{{ {} }}", members.join(",\n "))
            })
            .boxed()
    }

    /// Mostly the expected shape, sometimes another: a scalar when clean, anything not.
    fn typed(expected: BoxedStrategy<String>, clean: bool) -> BoxedStrategy<String> {
        let other = if clean { scalar(true) } else { value(false) };
        prop_oneof![60 => expected, 1 => other].boxed()
    }

    fn text(clean: bool) -> BoxedStrategy<String> {
        typed(
            prop_oneof![4 => string_literal(clean), 1 => scalar(clean)].boxed(),
            clean,
        )
    }

    fn number(clean: bool) -> BoxedStrategy<String> {
        typed(
            prop_oneof![4 => number_literal(clean), 1 => scalar(clean)].boxed(),
            clean,
        )
    }

    fn list(item: BoxedStrategy<String>, clean: bool) -> BoxedStrategy<String> {
        let items = proptest::collection::vec(item, 0..4)
            .prop_map(|items| format!("[{}]", items.join(",")))
            .boxed();
        typed(items, clean)
    }

    fn pair(clean: bool) -> BoxedStrategy<String> {
        typed(
            object(vec![("name", text(clean)), ("value", text(clean))], clean),
            clean,
        )
    }

    fn entry_json(clean: bool) -> BoxedStrategy<String> {
        let c = clean;
        let request = object(
            vec![
                ("method", text(c)),
                ("url", text(c)),
                ("httpVersion", text(c)),
                ("headers", list(pair(c), c)),
                ("cookies", list(value(c), c)),
                (
                    "postData",
                    typed(
                        object(
                            vec![
                                ("mimeType", text(c)),
                                ("text", text(c)),
                                ("params", list(pair(c), c)),
                                ("encoding", text(c)),
                            ],
                            c,
                        ),
                        c,
                    ),
                ),
                ("headersSize", number(c)),
                ("bodySize", number(c)),
            ],
            c,
        );
        let content = object(
            vec![
                ("size", number(c)),
                ("compression", number(c)),
                ("mimeType", text(c)),
                ("text", text(c)),
                ("encoding", text(c)),
            ],
            c,
        );
        let response = object(
            vec![
                ("status", number(c)),
                ("statusText", text(c)),
                ("httpVersion", text(c)),
                ("headers", list(pair(c), c)),
                ("cookies", list(value(c), c)),
                ("content", typed(content, c)),
                ("redirectURL", text(c)),
                ("headersSize", number(c)),
                ("bodySize", number(c)),
                ("_transferSize", number(c)),
                ("_error", text(c)),
                ("_failureText", text(c)),
            ],
            c,
        );
        let frame = typed(object(vec![("url", text(c))], c), c);
        let parent = typed(object(vec![("callFrames", list(frame.clone(), c))], c), c);
        let stack = typed(
            object(vec![("callFrames", list(frame, c)), ("parent", parent)], c),
            c,
        );
        let cache = object(
            vec![("beforeRequest", value(c)), ("afterRequest", value(c))],
            c,
        );
        let timings = object(
            [
                "blocked", "dns", "connect", "ssl", "send", "wait", "receive",
            ]
            .into_iter()
            .map(|k| (k, number(c)))
            .collect(),
            c,
        );
        let initiator = object(
            vec![("type", text(c)), ("url", text(c)), ("stack", stack)],
            c,
        );
        object(
            vec![
                ("pageref", text(c)),
                ("startedDateTime", text(c)),
                ("time", number(c)),
                ("request", typed(request, c)),
                ("response", typed(response, c)),
                ("cache", typed(cache, c)),
                ("timings", typed(timings, c)),
                ("serverIPAddress", text(c)),
                ("connection", text(c)),
                ("comment", text(c)),
                ("_resourceType", text(c)),
                ("_fromCache", text(c)),
                ("_initiator", typed(initiator, c)),
                ("_priority", text(c)),
                ("_securityState", text(c)),
                ("_fetchType", text(c)),
                ("_monotonicTime", number(c)),
                ("_frameref", text(c)),
                ("_serverPort", number(c)),
            ],
            c,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn fast_path_reads_clean_entries_like_the_general_path(json in entry_json(true)) {
            let (fast, general) = both(&json);
            prop_assert!(fast.is_some(), "the fast path declined a clean entry: {}", json);
            prop_assert_eq!(fast, Some(general), "{}", json);
        }

        #[test]
        fn fast_path_answers_like_the_general_path_or_declines(json in entry_json(false)) {
            let (fast, general) = both(&json);
            if let Some(fast) = fast {
                prop_assert_eq!(fast, general, "{}", json);
            }
        }

        #[test]
        fn fast_path_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256), at in 0usize..8) {
            let _ = entry(&bytes, at);
        }
    }
}
