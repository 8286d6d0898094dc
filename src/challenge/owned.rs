//! Owned challenges: the CLI / JSON contract and the printer.
//!
//! JSON shape (a contract; fields may be added, never removed or renamed):
//! `{"scheme":"Basic","token68":null,"params":[{"name":"realm","value":"foo","quoted":true,"offset":13}],"offset":0,"proxy":false}`.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use super::parse::{ChallengeRef, ParamRef, ParsedChallenges};
use super::syntax::{is_token, push_quoted};

/// An owned auth-param.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    /// Name as sent.
    pub name: String,
    /// Unescaped value.
    pub value: String,
    /// Whether it was (or should be printed as) a quoted-string.
    pub quoted: bool,
    /// Offset of the name in the parsed input.
    pub offset: usize,
}

impl Param {
    /// A parameter to print; quoted only if the value is not a token.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            quoted: false,
            offset: 0,
        }
    }

    /// A parameter that is always printed as a quoted-string (e.g. Basic `realm`).
    pub fn quoted(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            quoted: true,
            ..Self::new(name, value)
        }
    }
}

/// An owned challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Challenge {
    /// Scheme as sent.
    pub scheme: String,
    /// The token68 form, if any.
    pub token68: Option<String>,
    /// Parameters in order, duplicates kept.
    pub params: Vec<Param>,
    /// Offset of the scheme in the parsed input.
    pub offset: usize,
    /// Whether it is a proxy's challenge (`Proxy-Authenticate`).
    pub proxy: bool,
}

impl Challenge {
    /// A challenge with no token68 and no parameters yet.
    pub fn new(scheme: impl Into<String>) -> Self {
        Self {
            scheme: scheme.into(),
            token68: None,
            params: Vec::new(),
            offset: 0,
            proxy: false,
        }
    }

    /// Adds a parameter.
    #[must_use]
    pub fn with_param(mut self, param: Param) -> Self {
        self.params.push(param);
        self
    }

    /// The value of the first parameter called `name` (ASCII case-insensitive).
    pub fn param_value(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.value.as_str())
    }

    /// A borrowed view, for APIs such as [`super::explain`] that take [`ChallengeRef`].
    pub fn to_ref(&self) -> ChallengeRef<'_> {
        ChallengeRef {
            scheme: &self.scheme,
            token68: self.token68.as_deref(),
            params: self
                .params
                .iter()
                .map(|p| ParamRef {
                    name: &p.name,
                    value: Cow::Borrowed(&p.value),
                    quoted: p.quoted,
                    offset: p.offset,
                })
                .collect(),
            offset: self.offset,
            field: 0,
            proxy: self.proxy,
        }
    }

    /// The challenge as a header field value, e.g. `Basic realm="foo"`.
    ///
    /// Values are printed as tokens when they are tokens and were not quoted, otherwise as
    /// quoted-strings with `"` and `\` escaped, so the output parses back to the same
    /// challenge. Control characters cannot appear in a field value and print as spaces.
    pub fn to_header_value(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(self.scheme.len() + 16 * (self.params.len() + 1));
        out.push_str(&self.scheme);
        let mut sep = " ";
        if let Some(t) = &self.token68 {
            out.push(' ');
            out.push_str(t);
            sep = ", ";
        }
        for (i, p) in self.params.iter().enumerate() {
            out.push_str(if i == 0 { sep } else { ", " });
            out.push_str(&p.name);
            out.push('=');
            if p.quoted || !is_token(&p.value) {
                push_quoted(&mut out, &p.value);
            } else {
                out.push_str(&p.value);
            }
        }
        f.write_str(&out)
    }
}

/// Several challenges as one field value, joined by `", "`.
pub fn challenges_to_header_value(challenges: &[Challenge]) -> String {
    let parts: Vec<String> = challenges.iter().map(Challenge::to_header_value).collect();
    parts.join(", ")
}

impl ParamRef<'_> {
    /// An owned copy.
    pub fn to_owned_param(&self) -> Param {
        Param {
            name: self.name.to_string(),
            value: self.value.to_string(),
            quoted: self.quoted,
            offset: self.offset,
        }
    }
}

impl ChallengeRef<'_> {
    /// An owned copy.
    pub fn to_owned_challenge(&self) -> Challenge {
        Challenge {
            scheme: self.scheme.to_string(),
            token68: self.token68.map(str::to_string),
            params: self.params.iter().map(ParamRef::to_owned_param).collect(),
            offset: self.offset,
            proxy: self.proxy,
        }
    }
}

impl ParsedChallenges<'_> {
    /// Owned copies of every challenge.
    pub fn to_owned_challenges(&self) -> Vec<Challenge> {
        self.challenges
            .iter()
            .map(ChallengeRef::to_owned_challenge)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_challenge_field;
    use super::*;

    #[test]
    fn json_shape_is_the_cli_contract() {
        let c = parse_challenge_field(r#"Basic realm="foo""#).to_owned_challenges();
        let v = serde_json::to_value(&c[0]).unwrap();
        assert_eq!(v["scheme"], "Basic");
        assert_eq!(v["token68"], serde_json::Value::Null);
        assert_eq!(v["params"][0]["name"], "realm");
        assert_eq!(v["params"][0]["value"], "foo");
        assert_eq!(v["params"][0]["quoted"], true);
        assert_eq!(v["proxy"], false);
    }

    #[test]
    fn printer_quotes_only_when_needed() {
        let cases = [
            (
                Challenge::new("Basic").with_param(Param::quoted("realm", "x")),
                r#"Basic realm="x""#,
            ),
            (
                Challenge::new("Bearer")
                    .with_param(Param::new("error", "invalid_token"))
                    .with_param(Param::new("scope", "a b"))
                    .with_param(Param::new("e", "")),
                r#"Bearer error=invalid_token, scope="a b", e="""#,
            ),
            (
                Challenge {
                    token68: Some("abc==".into()),
                    ..Challenge::new("Negotiate")
                },
                "Negotiate abc==",
            ),
            (Challenge::new("NTLM"), "NTLM"),
            (
                Challenge::new("X").with_param(Param::new("q", "say \"hi\" \\o/")),
                r#"X q="say \"hi\" \\o/""#,
            ),
        ];
        for (challenge, expected) in cases {
            assert_eq!(challenge.to_header_value(), expected);
            let back = parse_challenge_field(expected);
            assert!(
                back.diagnostics.is_empty(),
                "{expected}: {:?}",
                back.diagnostics
            );
            let again = &back.to_owned_challenges()[0];
            assert_eq!(again.scheme, challenge.scheme);
            assert_eq!(again.token68, challenge.token68);
            let values: Vec<_> = again.params.iter().map(|p| (&p.name, &p.value)).collect();
            let want: Vec<_> = challenge
                .params
                .iter()
                .map(|p| (&p.name, &p.value))
                .collect();
            assert_eq!(values, want);
        }
    }

    #[test]
    fn printer_cannot_inject_a_header() {
        let c = Challenge::new("Basic").with_param(Param::new("realm", "x\r\nSet-Cookie: a=b"));
        assert!(!c.to_header_value().contains('\n'));
        assert!(!c.to_header_value().contains('\r'));
    }

    #[test]
    fn to_ref_round_trips() {
        let c = Challenge::new("Basic").with_param(Param::quoted("realm", "x"));
        assert_eq!(c.to_ref().to_owned_challenge(), c);
    }
}
