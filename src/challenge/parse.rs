//! The challenge-list parser of RFC 9110 §11 and the element machine it shares with the
//! credentials parser.
//!
//! One pass, left to right, no backtracking: every decision needs at most a bounded
//! look-ahead over a run of bytes that is then consumed, so each byte is inspected a
//! constant number of times.

use std::borrow::Cow;

use serde::Serialize;

use super::syntax::{is_tchar, is_token68_char, Cursor, Diagnostics};
use crate::diagnostic::{Diagnostic, Severity};

/// One `auth-param` (`name = value`), borrowed from the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamRef<'i> {
    /// Parameter name as sent (compare case-insensitively, RFC 9110 §11.2).
    pub name: &'i str,
    /// Value with quoted-pairs unescaped; borrowed unless unescaping was needed.
    pub value: Cow<'i, str>,
    /// Whether the value was sent as a quoted-string rather than a token.
    pub quoted: bool,
    /// Offset of the name (see [`ParsedChallenges`] for the offset space).
    pub offset: usize,
}

impl ParamRef<'_> {
    /// Whether the name is `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// The first parameter called `name` (ASCII case-insensitive).
pub(crate) fn find_param<'a, 'i>(
    params: &'a [ParamRef<'i>],
    name: &str,
) -> Option<&'a ParamRef<'i>> {
    params.iter().find(|p| p.is(name))
}

/// One challenge (`auth-scheme [ 1*SP ( token68 / #auth-param ) ]`), borrowed from the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChallengeRef<'i> {
    /// Scheme as sent (compare case-insensitively, RFC 9110 §11.1).
    pub scheme: &'i str,
    /// The `token68` form, e.g. a Negotiate blob. `None` when the challenge has params or nothing.
    pub token68: Option<&'i str>,
    /// Parameters in order, duplicates kept.
    pub params: Vec<ParamRef<'i>>,
    /// Offset of the scheme (see [`ParsedChallenges`] for the offset space).
    pub offset: usize,
    /// Index of the header field the challenge starts in.
    pub field: usize,
    /// Whether it came from `Proxy-Authenticate` (a proxy's challenge, status 407).
    pub proxy: bool,
}

impl<'i> ChallengeRef<'i> {
    /// Whether the scheme is `scheme`, ignoring ASCII case.
    pub fn is_scheme(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The first parameter called `name` (ASCII case-insensitive).
    pub fn param(&self, name: &str) -> Option<&ParamRef<'i>> {
        find_param(&self.params, name)
    }

    /// The value of the first parameter called `name`.
    pub fn param_value(&self, name: &str) -> Option<&str> {
        self.param(name).map(|p| p.value.as_ref())
    }

    /// Every parameter called `name`, in order (more than one is a duplicate).
    pub fn params_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a ParamRef<'i>> + 'a {
        self.params.iter().filter(move |p| p.is(name))
    }
}

/// The result of [`parse_challenges`]: every challenge that could be read plus diagnostics.
///
/// **Offsets.** All offsets (challenges, params, diagnostics) point into the field values
/// joined by `", "` — the combined value RFC 9110 §5.3 defines, and what browsers show.
/// Field `i` starts at [`ParsedChallenges::field_start`]`(i)`; use
/// [`ParsedChallenges::locate`] to turn an offset back into `(field index, offset in field)`.
/// With a single field the two spaces coincide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedChallenges<'i> {
    /// Challenges in order.
    pub challenges: Vec<ChallengeRef<'i>>,
    /// Problems found, in input order per kind, offsets into the joined value.
    pub diagnostics: Vec<Diagnostic>,
    /// Start offset of each field in the joined value.
    pub field_starts: Vec<usize>,
}

impl<'i> ParsedChallenges<'i> {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Offset of field `index` in the joined value.
    pub fn field_start(&self, index: usize) -> Option<usize> {
        self.field_starts.get(index).copied()
    }

    /// `(field index, offset within that field)` for an offset into the joined value.
    /// An offset inside a `", "` separator maps to the end of the preceding field.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let index = self
            .field_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.field_starts.get(index).copied().unwrap_or(0);
        (index, offset.saturating_sub(start))
    }

    /// The first challenge with scheme `scheme` (ASCII case-insensitive).
    pub fn find(&self, scheme: &str) -> Option<&ChallengeRef<'i>> {
        self.challenges.iter().find(|c| c.is_scheme(scheme))
    }
}

/// Indexes of parameters whose name (ASCII case-insensitive) already appeared earlier.
///
/// Pairwise for the usual handful of params (no allocation beyond the result), sorted for
/// long hostile lists so the work stays `n log n`.
fn duplicate_params(params: &[ParamRef<'_>]) -> Vec<usize> {
    let mut dups = Vec::new();
    if params.len() <= 16 {
        for (i, p) in params.iter().enumerate() {
            if params.iter().take(i).any(|q| q.is(p.name)) {
                dups.push(i);
            }
        }
        return dups;
    }
    let folded = |p: &ParamRef<'_>| {
        p.name
            .bytes()
            .map(|b| b.to_ascii_lowercase())
            .collect::<Vec<u8>>()
    };
    let mut order: Vec<(Vec<u8>, usize)> = params
        .iter()
        .enumerate()
        .map(|(i, p)| (folded(p), i))
        .collect();
    order.sort_unstable();
    for pair in order.windows(2) {
        if let [(a, _), (b, later)] = pair {
            if a == b {
                dups.push(*later);
            }
        }
    }
    dups.sort_unstable();
    dups
}

/// Parses one or more `WWW-Authenticate` field values (in order) into challenges.
///
/// Never fails: see [`ParsedChallenges`] for offsets and [`super`] for the diagnostic codes
/// and grammar decisions. Several fields mean the same as their values joined by `", "`
/// (RFC 9110 §5.3), except that a quoted-string never continues into the next field.
pub fn parse_challenges<'i>(fields: &[&'i str]) -> ParsedChallenges<'i> {
    parse_fields(fields, false)
}

/// Like [`parse_challenges`] for `Proxy-Authenticate`: every challenge is marked `proxy`
/// ([RFC 9110 §11.7.1](https://www.rfc-editor.org/rfc/rfc9110#section-11.7.1)).
pub fn parse_proxy_challenges<'i>(fields: &[&'i str]) -> ParsedChallenges<'i> {
    parse_fields(fields, true)
}

/// Parses a single `WWW-Authenticate` field value.
pub fn parse_challenge_field(field: &str) -> ParsedChallenges<'_> {
    parse_fields(&[field], false)
}

fn parse_fields<'i>(fields: &[&'i str], proxy: bool) -> ParsedChallenges<'i> {
    let mut machine = Machine::new(Mode::Challenges, proxy);
    let mut field_starts = Vec::with_capacity(fields.len());
    let mut base = 0usize;
    for (index, field) in fields.iter().enumerate() {
        field_starts.push(base);
        machine.field(field, base, index);
        base = base.saturating_add(field.len()).saturating_add(2);
    }
    let (challenges, diagnostics) = machine.finish();
    ParsedChallenges {
        challenges,
        diagnostics,
        field_starts,
    }
}

/// Which grammar the element machine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `1#challenge` (WWW-Authenticate, Proxy-Authenticate).
    Challenges,
    /// `credentials` (Authorization, Proxy-Authorization): one item, no list.
    Credentials,
}

/// What may follow the current item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accept {
    /// No item yet.
    Nothing,
    /// `scheme` directly followed by `,` or the end: the item is complete.
    BareScheme,
    /// `scheme 1*SP token68`: the item is complete.
    Token68,
    /// `scheme 1*SP #auth-param`: further params belong to it.
    Params,
}

/// The element machine: consumes list elements across fields and builds items.
pub(crate) struct Machine<'i> {
    mode: Mode,
    proxy: bool,
    items: Vec<ChallengeRef<'i>>,
    diags: Diagnostics,
    accept: Accept,
}

impl<'i> Machine<'i> {
    pub fn new(mode: Mode, proxy: bool) -> Self {
        Self {
            mode,
            proxy,
            items: Vec::with_capacity(2),
            diags: Diagnostics::default(),
            accept: Accept::Nothing,
        }
    }

    /// Consumes one field value whose first byte sits at `base` in the offset space.
    pub fn field(&mut self, field: &'i str, base: usize, index: usize) {
        let mut c = Cursor::new(field, base);
        c.skip_ows(&mut self.diags);
        if c.peek().is_none() {
            self.diags.push(Diagnostic::error(
                "empty-field-value",
                base,
                match self.mode {
                    Mode::Challenges => {
                        "empty field value: a challenge header needs at least one challenge"
                    }
                    Mode::Credentials => "empty field value: no scheme and no credentials",
                },
            ));
            return;
        }
        let mut any = false;
        loop {
            c.skip_ows(&mut self.diags);
            match c.peek() {
                None => break,
                Some(b',') => {
                    if self.mode == Mode::Credentials && self.accept != Accept::Params {
                        self.diags.push(Diagnostic::error(
                            "unexpected-comma",
                            c.offset(),
                            "unexpected ',': credentials are a single scheme with its token or parameters",
                        ));
                    }
                    c.bump();
                }
                Some(_) => {
                    any = true;
                    self.element(&mut c, index);
                    self.after_element(&mut c);
                }
            }
        }
        if !any {
            self.diags.push(Diagnostic::error(
                "empty-field-value",
                base,
                "the field holds only commas and whitespace, no challenge",
            ));
        }
    }

    /// Checks what follows a complete element: `,`, the end, or (an error) something else.
    fn after_element(&mut self, c: &mut Cursor<'i>) {
        c.skip_ows(&mut self.diags);
        match c.peek() {
            None | Some(b',') => {}
            Some(_) if self.accept == Accept::Token68 => {
                self.diags.push(Diagnostic::error(
                    "token68-trailing",
                    c.offset(),
                    format!(
                        "unexpected {:?} after the token68 value; a token68 cannot contain spaces",
                        c.char_at(c.pos())
                    ),
                ));
                c.recover();
            }
            Some(_) => {
                // A forgotten comma (`realm="a" charset="b"`) is common: say so, then read
                // on from here so the next parameter or challenge is not lost.
                self.diags.push(Diagnostic::error(
                    "missing-comma",
                    c.offset(),
                    format!("expected ',' before {:?}", c.char_at(c.pos())),
                ));
            }
        }
    }

    /// One non-empty list element: a challenge start or an auth-param.
    fn element(&mut self, c: &mut Cursor<'i>, field: usize) {
        let start = c.pos();
        let name = c.token();
        if name.is_empty() {
            self.unexpected(c, "a scheme or a parameter name");
            return;
        }
        let after_name = c.pos();
        let first_is_tab = c.peek() == Some(b'\t');
        let (ws, tab) = c.skip_ows(&mut self.diags);
        match c.peek() {
            Some(b'=') => self.param(c, name, start),
            None | Some(b',') => {
                // `Basic , realm="a"` is `scheme 1*SP #auth-param` with an empty first
                // element, so params may follow; `Basic, realm="a"` ends the challenge.
                if first_is_tab {
                    self.tab_after_scheme(c.offset_of(after_name));
                }
                self.start_item(name, c.offset_of(start), field);
                self.accept = if ws {
                    Accept::Params
                } else {
                    Accept::BareScheme
                };
            }
            Some(_) if ws => {
                if tab {
                    self.tab_after_scheme(c.offset_of(after_name));
                }
                self.start_item(name, c.offset_of(start), field);
                self.accept = Accept::Params;
                self.after_scheme(c);
            }
            Some(_) => {
                self.unexpected(c, "a token character");
            }
        }
    }

    fn tab_after_scheme(&mut self, offset: usize) {
        self.diags.push(Diagnostic::warning(
            "tab-after-scheme",
            offset,
            "a tab separates the scheme from what follows; the grammar requires spaces only",
        ));
    }

    /// Reports the byte under the cursor as out of place and skips to the next comma.
    fn unexpected(&mut self, c: &mut Cursor<'i>, expected: &str) {
        let (code, message) = match c.peek() {
            Some(b'"') => (
                "unexpected-quoted-string",
                format!("a quoted-string where {expected} must start"),
            ),
            Some(b'=') => (
                "illegal-character",
                format!("'=' where {expected} must start"),
            ),
            _ => (
                "illegal-character",
                format!(
                    "{:?} is not allowed here; expected {expected}",
                    c.char_at(c.pos())
                ),
            ),
        };
        self.diags
            .push(Diagnostic::error(code, c.offset(), message));
        c.recover();
    }

    fn start_item(&mut self, scheme: &'i str, offset: usize, field: usize) {
        self.close_item();
        self.items.push(ChallengeRef {
            scheme,
            token68: None,
            params: Vec::new(),
            offset,
            field,
            proxy: self.proxy,
        });
    }

    /// What follows `scheme 1*SP`: a token68 or the first auth-param.
    ///
    /// Look-ahead without backtracking: scan the token68 character run, its `=` padding
    /// and any whitespace once. It is a token68 when that run reaches `,` or the end
    /// (`Negotiate abc==`, `Bearer abc=`); when it has two or more `=` (no auth-param has);
    /// or when it is followed by whitespace and then not `=` (`Negotiate abc def`: a token68
    /// with trailing garbage). Otherwise it is an auth-param (`realm="x"`, `a= b`).
    fn after_scheme(&mut self, c: &mut Cursor<'i>) {
        let start = c.pos();
        let run = c.run_end(start, is_token68_char);
        let pad = c.run_end(run, |b| b == b'=');
        let next_pos = c.ows_end(pad);
        let next = c.at(next_pos);
        let is_token68 = run > start
            && (matches!(next, None | Some(b','))
                || pad - run >= 2
                || (pad == run && next_pos > run && next != Some(b'=')));
        if is_token68 {
            self.set_token68(c.slice(start, pad));
            c.set_pos(pad);
            return;
        }
        if c.peek() == Some(b'"') {
            let q = c.quoted(&mut self.diags);
            let end = c.ows_end(c.pos());
            if matches!(c.at(end), None | Some(b',')) {
                self.diags.push(Diagnostic::error(
                    "quoted-token68",
                    c.offset_of(start),
                    "token68 must not be quoted; many servers reject the quotes as part of the value",
                ));
                self.set_token68(q.raw);
            } else {
                self.diags.push(Diagnostic::error(
                    "unexpected-quoted-string",
                    c.offset_of(start),
                    "a quoted-string where a token68 or a parameter name must start",
                ));
                c.recover();
            }
            return;
        }
        let name = c.token();
        if name.is_empty() {
            self.unexpected(c, "a token68 or a parameter name");
            return;
        }
        c.skip_ows(&mut self.diags);
        if c.peek() == Some(b'=') {
            self.param(c, name, start);
        } else {
            self.diags.push(Diagnostic::error(
                "illegal-character",
                c.offset(),
                format!(
                    "{:?} after {name:?}: expected '=' (a parameter) or a token68",
                    c.char_at(c.pos())
                ),
            ));
            c.recover();
        }
    }

    fn set_token68(&mut self, token: &'i str) {
        if let Some(item) = self.items.last_mut() {
            item.token68 = Some(token);
        }
        self.accept = Accept::Token68;
    }

    /// An auth-param whose name starts at `start`; the cursor is on `=`.
    fn param(&mut self, c: &mut Cursor<'i>, name: &'i str, start: usize) {
        c.bump();
        c.skip_ows(&mut self.diags);
        let (value, quoted) = match c.peek() {
            Some(b'"') => (c.quoted(&mut self.diags).value, true),
            None | Some(b',') => {
                self.diags.push(Diagnostic::error(
                    "missing-parameter-value",
                    c.offset(),
                    format!("parameter {name:?} has '=' but no value; use \"\" for an empty value"),
                ));
                (Cow::Borrowed(""), false)
            }
            Some(_) => {
                // Read the whole unquoted run, not just its token prefix: a server that
                // forgot the quotes around `https://…` still meant the whole URL.
                let from = c.pos();
                let to = c.run_end(from, |b| {
                    !matches!(b, b',' | b' ' | b'\t' | b'\r' | b'\n' | b'"')
                });
                let to = if to == from { from + 1 } else { to };
                if let Some(bad) = (from..to).find(|&i| c.at(i).is_some_and(|b| !is_tchar(b))) {
                    self.diags.push(Diagnostic::error(
                        "illegal-character",
                        c.offset_of(bad),
                        format!(
                            "{:?} is not allowed in an unquoted value; quote the value of {name:?}",
                            c.char_at(bad)
                        ),
                    ));
                }
                // The run stops only at ASCII delimiters or the end (the `from + 1` case is
                // a bare CR/LF), so `to` is a character boundary.
                c.set_pos(to);
                (Cow::Borrowed(c.slice(from, to)), false)
            }
        };
        let param = ParamRef {
            name,
            value,
            quoted,
            offset: c.offset_of(start),
        };
        match self.accept {
            Accept::Params => {}
            Accept::Nothing => {
                let (code, message) = match self.mode {
                    Mode::Challenges => (
                        "param-without-scheme",
                        format!("parameter {name:?} appears before any auth-scheme and is ignored"),
                    ),
                    Mode::Credentials => (
                        "missing-scheme",
                        format!("parameter {name:?} appears before any auth-scheme and is ignored"),
                    ),
                };
                self.diags
                    .push(Diagnostic::error(code, param.offset, message));
                return;
            }
            Accept::BareScheme => {
                let message = match self.mode {
                    Mode::Challenges => format!(
                        "parameter {name:?} appears where a new challenge must start: a ',' directly after the scheme ends the challenge (rfc 9110 §11.1); kept with the preceding challenge"
                    ),
                    Mode::Credentials => format!(
                        "parameter {name:?} follows a ',' directly after the scheme; the scheme must be followed by a space"
                    ),
                };
                self.diags.push(Diagnostic::error(
                    "param-without-scheme",
                    param.offset,
                    message,
                ));
            }
            Accept::Token68 => {
                self.diags.push(Diagnostic::error(
                    "param-after-token68",
                    param.offset,
                    format!("parameter {name:?} follows a token68; a challenge has either a token68 or parameters"),
                ));
            }
        }
        if let Some(item) = self.items.last_mut() {
            // Typical challenges have up to ~6 params: one allocation instead of regrowing.
            if item.params.capacity() == 0 {
                item.params.reserve_exact(6);
            }
            item.params.push(param);
        }
        self.accept = Accept::Params;
    }

    /// Per-item checks that need the whole item.
    fn close_item(&mut self) {
        let Some(item) = self.items.last() else {
            return;
        };
        for i in duplicate_params(&item.params) {
            if let Some(p) = item.params.get(i) {
                self.diags.push(Diagnostic::warning(
                    "duplicate-parameter",
                    p.offset,
                    format!(
                        "parameter {:?} appears more than once; rfc 9110 §11.2 forbids it and clients pick different copies",
                        p.name
                    ),
                ));
            }
        }
        if self.mode == Mode::Challenges && item.is_scheme("Basic") {
            match item.param("realm") {
                None => self.diags.push(Diagnostic::warning(
                    "basic-missing-realm",
                    item.offset,
                    "basic challenge without realm; rfc 7617 §2 requires one and some clients ignore the challenge",
                )),
                Some(p) if !p.quoted => self.diags.push(Diagnostic::warning(
                    "basic-realm-token",
                    p.offset,
                    "basic realm sent as a token; rfc 7617 §2 requires a quoted-string and some clients reject it",
                )),
                Some(_) => {}
            }
        }
    }

    /// Ends parsing.
    pub fn finish(mut self) -> (Vec<ChallengeRef<'i>>, Vec<Diagnostic>) {
        self.close_item();
        let mut diags = self.diags.into_vec();
        // Stable by offset so consumers see problems in reading order.
        diags.sort_by_key(|d| d.offset);
        (self.items, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Shape = (String, Option<String>, Vec<(String, String)>);

    fn shape(p: &ParsedChallenges<'_>) -> Vec<Shape> {
        p.challenges
            .iter()
            .map(|c| {
                (
                    c.scheme.to_string(),
                    c.token68.map(str::to_string),
                    c.params
                        .iter()
                        .map(|p| (p.name.to_string(), p.value.to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    fn ch(scheme: &str, token68: Option<&str>, params: &[(&str, &str)]) -> Shape {
        (
            scheme.into(),
            token68.map(Into::into),
            params
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn codes(p: &ParsedChallenges<'_>) -> Vec<&'static str> {
        p.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn grammar_table() {
        let cases: Vec<(&str, Vec<Shape>, Vec<&str>)> = vec![
            (
                r#"Basic realm="x""#,
                vec![ch("Basic", None, &[("realm", "x")])],
                vec![],
            ),
            (
                r#"Negotiate abc==, Basic realm="x""#,
                vec![
                    ch("Negotiate", Some("abc=="), &[]),
                    ch("Basic", None, &[("realm", "x")]),
                ],
                vec![],
            ),
            (
                r#"Basic , realm="a""#,
                vec![ch("Basic", None, &[("realm", "a")])],
                vec![],
            ),
            (
                r#",Basic realm="a""#,
                vec![ch("Basic", None, &[("realm", "a")])],
                vec![],
            ),
            (
                "X a=b,,,c=d",
                vec![ch("X", None, &[("a", "b"), ("c", "d")])],
                vec![],
            ),
            (
                r#"Basic, realm="x""#,
                vec![ch("Basic", None, &[("realm", "x")])],
                vec!["param-without-scheme"],
            ),
            (
                "Bearer abc=, realm=x",
                vec![ch("Bearer", Some("abc="), &[("realm", "x")])],
                vec!["param-after-token68"],
            ),
            (
                "Bearer realm = \"a b\" , scope=x",
                vec![ch("Bearer", None, &[("realm", "a b"), ("scope", "x")])],
                vec![],
            ),
            (
                r#"Bearer scope="repository:a/b:pull,push""#,
                vec![ch("Bearer", None, &[("scope", "repository:a/b:pull,push")])],
                vec![],
            ),
            (
                r#"Basic realm="a\"b\\c""#,
                vec![ch("Basic", None, &[("realm", "a\"b\\c")])],
                vec![],
            ),
            ("Negotiate", vec![ch("Negotiate", None, &[])], vec![]),
            (
                "Negotiate, NTLM",
                vec![ch("Negotiate", None, &[]), ch("NTLM", None, &[])],
                vec![],
            ),
            ("Foo a= b", vec![ch("Foo", None, &[("a", "b")])], vec![]),
            (
                "Negotiate abc def",
                vec![ch("Negotiate", Some("abc"), &[])],
                vec!["token68-trailing"],
            ),
            (
                r#"Basic realm="x" charset="UTF-8""#,
                vec![ch("Basic", None, &[("realm", "x"), ("charset", "UTF-8")])],
                vec!["missing-comma"],
            ),
            (
                r#"Basic realm="x"#,
                vec![ch("Basic", None, &[("realm", "x")])],
                vec!["unterminated-quoted-string"],
            ),
            ("", vec![], vec!["empty-field-value"]),
            (" , ,", vec![], vec!["empty-field-value"]),
            (
                r#"realm="x", Basic realm="y""#,
                vec![ch("Basic", None, &[("realm", "y")])],
                vec!["param-without-scheme"],
            ),
            (
                r#"Basic realm="a", realm="b""#,
                vec![ch("Basic", None, &[("realm", "a"), ("realm", "b")])],
                vec!["duplicate-parameter"],
            ),
            (
                "Basic realm=x",
                vec![ch("Basic", None, &[("realm", "x")])],
                vec!["basic-realm-token"],
            ),
            (
                "Basic",
                vec![ch("Basic", None, &[])],
                vec!["basic-missing-realm"],
            ),
            (
                "Bearer realm=https://a/b, error=x",
                vec![ch(
                    "Bearer",
                    None,
                    &[("realm", "https://a/b"), ("error", "x")],
                )],
                vec!["illegal-character"],
            ),
            (
                "B\u{e4}sic realm=\"x\", Bearer",
                vec![ch("Bearer", None, &[])],
                vec!["illegal-character"],
            ),
            (
                "Basic realm=\"caf\u{e9}\"",
                vec![ch("Basic", None, &[("realm", "caf\u{e9}")])],
                vec!["non-ascii"],
            ),
            (
                "Basic\r\n realm=\"a\r\n b\"",
                vec![ch("Basic", None, &[("realm", "a  b")])],
                vec!["obs-fold", "obs-fold"],
            ),
            (
                "Negotiate \"abc==\"",
                vec![ch("Negotiate", Some("abc=="), &[])],
                vec!["quoted-token68"],
            ),
            (
                "Foo a=, Bar",
                vec![ch("Foo", Some("a="), &[]), ch("Bar", None, &[])],
                vec![],
            ),
            (
                "Foo x=y, a=, Bar",
                vec![
                    ch("Foo", None, &[("x", "y"), ("a", "")]),
                    ch("Bar", None, &[]),
                ],
                vec!["missing-parameter-value"],
            ),
            (
                "Foo\tx=y",
                vec![ch("Foo", None, &[("x", "y")])],
                vec!["tab-after-scheme"],
            ),
        ];
        for (input, expected, expected_codes) in cases {
            let p = parse_challenge_field(input);
            assert_eq!(shape(&p), expected, "{input:?}");
            assert_eq!(codes(&p), expected_codes, "{input:?}: {:?}", p.diagnostics);
        }
    }

    #[test]
    fn diagnostic_offsets_point_at_the_problem() {
        let cases = [
            (r#"Basic realm="x"#, "unterminated-quoted-string", 12),
            (r#"Basic, realm="x""#, "param-without-scheme", 7),
            ("Bearer realm=https://a", "illegal-character", 18),
            (r#"Basic realm="a", REALM="b""#, "duplicate-parameter", 17),
            ("Negotiate abc def", "token68-trailing", 14),
        ];
        for (input, code, offset) in cases {
            let p = parse_challenge_field(input);
            let d = p.diagnostics.iter().find(|d| d.code == code).unwrap();
            assert_eq!(d.offset, offset, "{input}");
        }
    }

    #[test]
    fn several_fields_share_one_offset_space() {
        let p = parse_challenges(&[r#"Basic realm="a""#, "Bearer realm=x charset=y"]);
        assert_eq!(p.challenges.len(), 2);
        assert_eq!(p.challenges[1].offset, 17);
        assert_eq!(p.challenges[1].field, 1);
        assert_eq!(p.field_starts, vec![0, 17]);
        let d = p
            .diagnostics
            .iter()
            .find(|d| d.code == "missing-comma")
            .unwrap();
        assert_eq!(p.locate(d.offset), (1, 15));
        assert_eq!(p.locate(0), (0, 0));
    }

    #[test]
    fn unterminated_quote_does_not_swallow_the_next_field() {
        let p = parse_challenges(&[r#"Basic realm="a"#, r#"Bearer realm="b""#]);
        assert_eq!(p.challenges.len(), 2);
        assert_eq!(p.challenges[1].param_value("realm"), Some("b"));
    }

    #[test]
    fn params_may_continue_in_the_next_field() {
        let p = parse_challenges(&[r#"Basic realm="a""#, r#"charset="UTF-8""#]);
        assert_eq!(p.challenges.len(), 1);
        assert_eq!(p.challenges[0].param_value("CHARSET"), Some("UTF-8"));
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn names_are_case_insensitive_and_values_borrow() {
        let p = parse_challenge_field(r#"bAsIc ReAlM="x", Charset=UTF-8"#);
        let c = &p.challenges[0];
        assert!(c.is_scheme("Basic"));
        assert_eq!(c.param_value("realm"), Some("x"));
        assert!(matches!(c.param("realm").unwrap().value, Cow::Borrowed(_)));
        assert_eq!(c.params_named("CHARSET").count(), 1);
    }

    #[test]
    fn proxy_challenges_are_marked() {
        let p = parse_proxy_challenges(&[r#"Basic realm="proxy""#]);
        assert!(p.challenges[0].proxy);
        assert!(!parse_challenge_field(r#"Basic realm="x""#).challenges[0].proxy);
    }

    #[test]
    fn diagnostics_are_capped() {
        let input = "=,".repeat(500);
        let p = parse_challenge_field(&input);
        assert!(p.diagnostics.len() <= 65);
        assert!(p
            .diagnostics
            .iter()
            .any(|d| d.code == "too-many-diagnostics"));
    }
}
