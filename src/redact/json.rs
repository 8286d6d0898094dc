//! Rewrites string (and number) values inside JSON text in place, keeping every other byte —
//! key order, whitespace, escapes — as captured, so a redacted body reads like the original.
//!
//! Recursive descent over RFC 8259 JSON with a depth limit (the same 128 levels as
//! `serde_json`), linear in the input; anything that is not JSON is an error and the caller
//! falls back to text rules.

/// Deeper documents are refused.
pub const MAX_DEPTH: usize = 128;

/// One step of the path to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// A scalar value offered to the callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar<'a> {
    /// A string, unescaped.
    Str(&'a str),
    /// A number, as written.
    Num(&'a str),
}

/// The nearest member name on the path (an array element inherits its array's name).
pub fn nearest_key(path: &[Step]) -> Option<&str> {
    path.iter().rev().find_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    })
}

/// `$.a.b[0]`, cut to 100 characters.
pub fn describe(path: &[Step]) -> String {
    let mut s = String::from("$");
    for step in path {
        match step {
            Step::Key(k) => {
                s.push('.');
                s.extend(k.chars().take(40));
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
        if s.len() > 100 {
            s.push('…');
            break;
        }
    }
    s
}

struct Parser<'a, F> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    path: Vec<Step>,
    edits: Vec<(usize, usize, String)>,
    f: F,
}

impl<F: FnMut(&[Step], Scalar<'_>) -> Option<String>> Parser<'_, F> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), ()> {
        if depth > MAX_DEPTH {
            return Err(());
        }
        self.ws();
        match self.b.get(self.i).copied() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let start = self.i;
                let text = self.string()?;
                if let Some(rep) = (self.f)(&self.path, Scalar::Str(&text)) {
                    self.edits.push((start, self.i, quote(&rep)));
                }
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while matches!(
                    self.b.get(self.i),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.i += 1;
                }
                let num = self.s.get(start..self.i).unwrap_or("");
                if let Some(rep) = (self.f)(&self.path, Scalar::Num(num)) {
                    self.edits.push((start, self.i, quote(&rep)));
                }
                Ok(())
            }
            Some(b't' | b'f' | b'n') => {
                let start = self.i;
                while self.b.get(self.i).is_some_and(u8::is_ascii_alphabetic) {
                    self.i += 1;
                }
                match self.s.get(start..self.i) {
                    Some("true" | "false" | "null") => Ok(()),
                    _ => Err(()),
                }
            }
            _ => Err(()),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), ()> {
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(());
            }
            let key = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(());
            }
            self.i += 1;
            self.path.push(Step::Key(key));
            self.value(depth + 1)?;
            self.path.pop();
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), ()> {
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(());
        }
        let mut n = 0usize;
        loop {
            self.path.push(Step::Index(n));
            self.value(depth + 1)?;
            self.path.pop();
            n += 1;
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(()),
            }
        }
    }

    /// Reads a string literal at `self.i` (on the opening quote) and unescapes it.
    fn string(&mut self) -> Result<String, ()> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' {
                    break;
                }
                self.i += 1;
            }
            out.push_str(self.s.get(start..self.i).ok_or(())?);
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.b.get(self.i + 1).copied().ok_or(())?;
                    self.i += 2;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hex = self.s.get(self.i..self.i + 4).ok_or(())?;
                            let cp = u32::from_str_radix(hex, 16).map_err(|_| ())?;
                            self.i += 4;
                            // Surrogate halves do not pair up here; they only need to be
                            // recognisable, not exact, for the secret checks.
                            out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(()),
                    }
                }
                _ => return Err(()),
            }
        }
    }
}

/// A JSON string literal for `s`.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Calls `f` on every string and number value of the JSON document `text`, with its path;
/// where it returns `Some(replacement)`, the value becomes that string.
///
/// # Errors
/// `Err(())` when `text` is not one JSON value (or nests deeper than [`MAX_DEPTH`]).
pub fn rewrite(
    text: &str,
    f: impl FnMut(&[Step], Scalar<'_>) -> Option<String>,
) -> Result<String, ()> {
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        i: 0,
        path: Vec::new(),
        edits: Vec::new(),
        f,
    };
    p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(());
    }
    if p.edits.is_empty() {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for (start, end, rep) in p.edits {
        out.push_str(text.get(last..start).unwrap_or(""));
        out.push_str(&rep);
        last = end;
    }
    out.push_str(text.get(last..).unwrap_or(""));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rewrites_in_place_keeping_layout() {
        let text = "{ \"a\" : \"x\",\n \"t\": [\"s\\u0065c\", 12],\"n\":null }";
        let out = rewrite(text, |path, v| match (nearest_key(path), v) {
            (Some("t"), Scalar::Str(s)) => Some(format!("<{s}>")),
            (Some("t"), Scalar::Num(n)) => Some(format!("#{n}")),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            out,
            "{ \"a\" : \"x\",\n \"t\": [\"<sec>\", \"#12\"],\"n\":null }"
        );
    }

    #[test]
    fn paths_are_described() {
        let mut seen = Vec::new();
        rewrite(r#"{"a":{"b":[1,{"c":"d"}]}}"#, |p, _| {
            seen.push(describe(p));
            None
        })
        .unwrap();
        assert_eq!(seen, vec!["$.a.b[0]", "$.a.b[1].c"]);
    }

    #[test]
    fn not_json_is_an_error() {
        for bad in [
            "",
            "{",
            "{\"a\":}",
            "[1,]x",
            "tru",
            "{\"a\" 1}",
            "\"\\x\"",
            "{} {}",
        ] {
            assert!(rewrite(bad, |_, _| None).is_err(), "{bad:?}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(rewrite(&deep, |_, _| None).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = rewrite(&s, |_, _| Some("x".into()));
        }

        #[test]
        fn identity_on_serde_json_output(v in proptest::collection::vec(("[a-z]{1,5}", "\\PC{0,10}"), 0..6)) {
            let map: serde_json::Map<String, serde_json::Value> =
                v.into_iter().map(|(k, s)| (k, serde_json::Value::String(s))).collect();
            let text = serde_json::Value::Object(map.clone()).to_string();
            prop_assert_eq!(rewrite(&text, |_, _| None), Ok(text.clone()));
            let all = rewrite(&text, |_, _| Some("R".into())).unwrap();
            let parsed: serde_json::Value = serde_json::from_str(&all).unwrap();
            for (k, _) in map {
                prop_assert_eq!(parsed.get(&k).and_then(|x| x.as_str()), Some("R"));
            }
        }
    }
}
