//! A deliberately plain recogniser of RFC 9110 §11's challenge grammar, for differential
//! testing and fuzzing against the real parser. Not for production use: it allocates per
//! character, gives no diagnostics and rejects anything not exactly grammatical.
//!
//! It works differently from the real parser on purpose: first split the field into list
//! elements at commas outside quoted-strings, then classify each element on its own with
//! small recognisers written straight from the ABNF, then fold the elements into challenges.
//!
//! ```text
//! WWW-Authenticate = 1#challenge                                  ; RFC 9110 §11.6.1
//! challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]    ; §11.3
//! auth-param  = token BWS "=" BWS ( token / quoted-string )       ; §11.2
//! token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//! ```

/// A challenge as the reference sees it: `(scheme, token68, [(name, value, quoted)])`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefChallenge {
    /// Scheme as sent.
    pub scheme: String,
    /// token68, if the challenge has one.
    pub token68: Option<String>,
    /// `(name, unescaped value, was quoted)` in order.
    pub params: Vec<(String, String, bool)>,
}

/// One list element, classified.
enum Element {
    Empty,
    Param(String, String, bool),
    /// A scheme; `open` when `1*SP` followed it, so auth-params may follow.
    Scheme(String, bool),
    SchemeToken68(String, String),
    SchemeParam(String, (String, String, bool)),
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn is_t68(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~+/".contains(c)
}

fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Splits at commas outside quoted-strings; `None` for an unterminated quoted-string.
fn split_elements(chars: &[char]) -> Option<Vec<Vec<char>>> {
    let mut out = vec![Vec::new()];
    let mut quoted = false;
    let mut escaped = false;
    for &c in chars {
        if let Some(cur) = out.last_mut() {
            if quoted {
                cur.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    quoted = false;
                }
                continue;
            }
            match c {
                ',' => out.push(Vec::new()),
                '"' => {
                    quoted = true;
                    cur.push(c);
                }
                _ => cur.push(c),
            }
        }
    }
    if quoted {
        None
    } else {
        Some(out)
    }
}

/// `token` at `s[i..]`: returns the end index.
fn token_end(s: &[char], i: usize) -> usize {
    let mut j = i;
    while s.get(j).copied().is_some_and(is_tchar) {
        j += 1;
    }
    j
}

fn skip_ows(s: &[char], mut i: usize) -> usize {
    while s.get(i).copied().is_some_and(is_ows) {
        i += 1;
    }
    i
}

/// A quoted-string at `s[i]`; returns (value, end index).
fn quoted_string(s: &[char], i: usize) -> Option<(String, usize)> {
    if s.get(i) != Some(&'"') {
        return None;
    }
    let mut value = String::new();
    let mut j = i + 1;
    loop {
        let c = *s.get(j)?;
        match c {
            '"' => return Some((value, j + 1)),
            '\\' => {
                let n = *s.get(j + 1)?;
                let ok = n == '\t' || n == ' ' || ('\x21'..='\x7e').contains(&n) || n >= '\u{80}';
                if !ok {
                    return None;
                }
                value.push(n);
                j += 2;
            }
            c if c == '\t' || c == ' ' || (c > ' ' && c != '\x7f' && c != '"') => {
                value.push(c);
                j += 1;
            }
            _ => return None,
        }
    }
}

/// An auth-param spanning all of `s[i..]` (trailing OWS allowed).
fn auth_param(s: &[char], i: usize) -> Option<(String, String, bool)> {
    let name_end = token_end(s, i);
    if name_end == i {
        return None;
    }
    let eq = skip_ows(s, name_end);
    if s.get(eq) != Some(&'=') {
        return None;
    }
    let v = skip_ows(s, eq + 1);
    let (value, end, quoted) = if s.get(v) == Some(&'"') {
        let (value, end) = quoted_string(s, v)?;
        (value, end, true)
    } else {
        let end = token_end(s, v);
        if end == v {
            return None;
        }
        (s.get(v..end)?.iter().collect(), end, false)
    };
    if skip_ows(s, end) != s.len() {
        return None;
    }
    Some((s.get(i..name_end)?.iter().collect(), value, quoted))
}

/// A token68 spanning all of `s[i..]` (trailing OWS allowed).
fn token68(s: &[char], i: usize) -> Option<String> {
    let mut j = i;
    while s.get(j).copied().is_some_and(is_t68) {
        j += 1;
    }
    if j == i {
        return None;
    }
    while s.get(j) == Some(&'=') {
        j += 1;
    }
    if skip_ows(s, j) != s.len() {
        return None;
    }
    Some(s.get(i..j)?.iter().collect())
}

fn classify(e: &[char]) -> Option<Element> {
    let start = skip_ows(e, 0);
    if start == e.len() {
        return Some(Element::Empty);
    }
    if let Some(p) = auth_param(e, start) {
        return Some(Element::Param(p.0, p.1, p.2));
    }
    let scheme_end = token_end(e, start);
    if scheme_end == start {
        return None;
    }
    let scheme: String = e.get(start..scheme_end)?.iter().collect();
    let mut rest = scheme_end;
    while e.get(rest) == Some(&' ') {
        rest += 1;
    }
    if rest == scheme_end {
        // No `1*SP`: only trailing OWS may follow.
        return (skip_ows(e, rest) == e.len()).then_some(Element::Scheme(scheme, false));
    }
    if skip_ows(e, rest) == e.len() {
        return Some(Element::Scheme(scheme, true));
    }
    if let Some(t) = token68(e, rest) {
        return Some(Element::SchemeToken68(scheme, t));
    }
    auth_param(e, rest).map(|p| Element::SchemeParam(scheme, p))
}

/// Recognises a `WWW-Authenticate` field value; `None` if it is not exactly grammatical.
pub fn parse(field_value: &str) -> Option<Vec<RefChallenge>> {
    let chars: Vec<char> = field_value.chars().collect();
    let mut out: Vec<RefChallenge> = Vec::new();
    let mut open = false;
    for element in split_elements(&chars)? {
        match classify(&element)? {
            Element::Empty => {}
            Element::Param(n, v, q) => {
                if !open {
                    return None;
                }
                out.last_mut()?.params.push((n, v, q));
            }
            Element::Scheme(scheme, params_may_follow) => {
                out.push(RefChallenge {
                    scheme,
                    token68: None,
                    params: Vec::new(),
                });
                open = params_may_follow;
            }
            Element::SchemeToken68(scheme, t) => {
                out.push(RefChallenge {
                    scheme,
                    token68: Some(t),
                    params: Vec::new(),
                });
                open = false;
            }
            Element::SchemeParam(scheme, p) => {
                out.push(RefChallenge {
                    scheme,
                    token68: None,
                    params: vec![p],
                });
                open = true;
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Compares the real parser with this reference on one field value — the body of a
/// differential fuzz target (`differential(s).unwrap()` on every input).
///
/// The two must agree both ways: when the reference accepts, the parser reports no error and
/// yields the same challenges; when the parser reports no error and none of its deliberate
/// leniencies (`tab-after-scheme`, `obs-fold`), the reference accepts. `Err` describes the
/// disagreement.
pub fn differential(field_value: &str) -> Result<(), String> {
    let parsed = super::parse::parse_challenge_field(field_value);
    let errors: Vec<&str> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.code)
        .collect();
    match parse(field_value) {
        Some(reference) => {
            if !errors.is_empty() {
                return Err(format!(
                    "{field_value:?}: grammatical, but the parser reports {errors:?}"
                ));
            }
            let got: Vec<RefChallenge> = parsed
                .challenges
                .iter()
                .map(|c| RefChallenge {
                    scheme: c.scheme.to_string(),
                    token68: c.token68.map(str::to_string),
                    params: c
                        .params
                        .iter()
                        .map(|p| (p.name.to_string(), p.value.to_string(), p.quoted))
                        .collect(),
                })
                .collect();
            if got != reference {
                return Err(format!(
                    "{field_value:?}: parser {got:?} but reference {reference:?}"
                ));
            }
        }
        None => {
            let lax = ["tab-after-scheme", "obs-fold"];
            if errors.is_empty() && !parsed.diagnostics.iter().any(|d| lax.contains(&d.code)) {
                return Err(format!(
                    "{field_value:?}: not grammatical, but the parser reports no error"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects_like_the_abnf() {
        let accepted = [
            r#"Basic realm="x""#,
            r#"Basic , realm="a""#,
            "Negotiate abc==, Basic realm=x",
            "A b=c,,, d=e",
            "Foo a= b",
            "Foo a=",
        ];
        for input in accepted {
            assert!(parse(input).is_some(), "{input}");
        }
        let rejected = [
            "",
            ", ,",
            r#"Basic, realm="x""#,
            "Bearer abc=, realm=x",
            r#"Basic realm="x"#,
            "Basic realm=x y",
            "Basic\trealm=x",
            "realm=x",
        ];
        for input in rejected {
            assert!(parse(input).is_none(), "{input}");
        }
    }

    #[test]
    fn differential_agrees_on_both_kinds() {
        for input in [
            r#"Basic realm="x""#,
            r#"Basic, realm="x""#,
            "",
            "Basic\trealm=x",
            "a b c",
        ] {
            assert_eq!(differential(input), Ok(()), "{input}");
        }
    }
}
