//! The `credentials` grammar of `Authorization` / `Proxy-Authorization`
//! ([RFC 9110 §11.4](https://www.rfc-editor.org/rfc/rfc9110#section-11.4)):
//! `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, one per field, same lexer as challenges.
//!
//! Only the grammar lives here; what the credentials *mean* (Basic user, JWT claims, Digest
//! response) is the `credentials` module's job.

use std::fmt;

use super::parse::{find_param, ChallengeRef, Machine, Mode, ParamRef};
use super::syntax::is_token68;
use crate::diagnostic::{Diagnostic, Severity};
use crate::secret;

/// One parsed `credentials` value, borrowed from the header.
///
/// Deliberately not `Serialize`, and its `Debug` masks the token68: it holds a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialsRef<'i> {
    /// Scheme as sent; empty when the value has no scheme (a bare token, see `missing-scheme`).
    pub scheme: &'i str,
    /// The `token68` form (Basic, Bearer, Negotiate…); a secret.
    pub token68: Option<&'i str>,
    /// Parameters in order, duplicates kept (Digest, DPoP-less schemes with params…).
    pub params: Vec<ParamRef<'i>>,
    /// Offset of the scheme (or of the bare token) in the field value.
    pub offset: usize,
}

impl<'i> CredentialsRef<'i> {
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
}

impl fmt::Debug for CredentialsRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|p| p.name).collect();
        f.debug_struct("CredentialsRef")
            .field("scheme", &self.scheme)
            .field("token68", &self.token68.map(secret::mask))
            .field("params", &names)
            .field("offset", &self.offset)
            .finish()
    }
}

/// The result of [`parse_credentials`]; offsets are byte offsets into the field value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCredentials<'i> {
    /// The credentials, if a scheme or a bare token could be found.
    pub credentials: Option<CredentialsRef<'i>>,
    /// Problems found, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedCredentials<'_> {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Schemes that are plausible on their own, so a lone word that is one of them is a scheme
/// without credentials rather than a token without a scheme.
const KNOWN_SCHEMES: &[&str] = &[
    "basic",
    "bearer",
    "digest",
    "dpop",
    "negotiate",
    "ntlm",
    "kerberos",
    "hoba",
    "mutual",
    "scram-sha-1",
    "scram-sha-256",
    "vapid",
    "privatetoken",
    "gnap",
    "oauth",
    "token",
    "apikey",
    "aws4-hmac-sha256",
    "hawk",
];

/// Parses an `Authorization` / `Proxy-Authorization` field value.
///
/// Diagnostic codes (besides the shared ones listed in [`super`]): `missing-scheme` (a bare
/// token such as a JWT without `Bearer `, kept as the token68 with an empty scheme),
/// `empty-credentials` (a scheme and nothing else), `multiple-credentials` (a second
/// scheme: the field holds exactly one), `unexpected-comma`, `quoted-token68`.
pub fn parse_credentials(value: &str) -> ParsedCredentials<'_> {
    let trimmed = value.trim_matches([' ', '\t']);
    let lead = value.len() - value.trim_start_matches([' ', '\t']).len();
    if !trimmed.is_empty()
        && is_token68(trimmed)
        && !KNOWN_SCHEMES
            .iter()
            .any(|s| trimmed.eq_ignore_ascii_case(s))
    {
        // RFC 9110 §11.4 requires a scheme; a lone token68 is almost always a token pasted
        // without `Bearer `/`Basic `, so keep it where decoders will look for it.
        return ParsedCredentials {
            credentials: Some(CredentialsRef {
                scheme: "",
                token68: Some(trimmed),
                params: Vec::new(),
                offset: lead,
            }),
            diagnostics: vec![Diagnostic::error(
                "missing-scheme",
                lead,
                "no auth-scheme: the value is a bare token; servers expect e.g. 'Bearer <token>' (rfc 9110 §11.4)",
            )],
        };
    }
    let mut machine = Machine::new(Mode::Credentials, false);
    machine.field(value, 0, 0);
    let (items, mut diagnostics) = machine.finish();
    let mut items = items.into_iter();
    let credentials = items.next().map(|first: ChallengeRef<'_>| CredentialsRef {
        scheme: first.scheme,
        token68: first.token68,
        params: first.params,
        offset: first.offset,
    });
    for extra in items {
        diagnostics.push(Diagnostic::error(
            "multiple-credentials",
            extra.offset,
            format!(
                "a second scheme {:?}: an authorization field carries exactly one set of credentials",
                extra.scheme
            ),
        ));
    }
    if let Some(c) = &credentials {
        if c.token68.is_none() && c.params.is_empty() {
            diagnostics.push(Diagnostic::warning(
                "empty-credentials",
                c.offset,
                format!("scheme {:?} without any credentials after it", c.scheme),
            ));
        }
    }
    diagnostics.sort_by_key(|d| d.offset);
    ParsedCredentials {
        credentials,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(p: &ParsedCredentials<'_>) -> Vec<&'static str> {
        p.diagnostics.iter().map(|d| d.code).collect()
    }

    /// (input, scheme, token68, params, diagnostic codes)
    type Case = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Vec<(&'static str, &'static str)>,
        Vec<&'static str>,
    );

    #[test]
    fn credentials_table() {
        let cases: Vec<Case> = vec![
            (
                "Basic dXNlcjpwYXNz",
                "Basic",
                Some("dXNlcjpwYXNz"),
                vec![],
                vec![],
            ),
            (
                "Bearer abc.def.ghi",
                "Bearer",
                Some("abc.def.ghi"),
                vec![],
                vec![],
            ),
            (
                "Negotiate YIIB+g==",
                "Negotiate",
                Some("YIIB+g=="),
                vec![],
                vec![],
            ),
            (
                r#"Digest username="Mufasa", realm="http-auth@example.org", nc=00000001"#,
                "Digest",
                None,
                vec![
                    ("username", "Mufasa"),
                    ("realm", "http-auth@example.org"),
                    ("nc", "00000001"),
                ],
                vec![],
            ),
            (
                "eyJhbGciOiJIUzI1NiJ9.e30.sig",
                "",
                Some("eyJhbGciOiJIUzI1NiJ9.e30.sig"),
                vec![],
                vec!["missing-scheme"],
            ),
            ("Bearer", "Bearer", None, vec![], vec!["empty-credentials"]),
            (
                r#"Bearer "abc""#,
                "Bearer",
                Some("abc"),
                vec![],
                vec!["quoted-token68"],
            ),
            (
                "Basic abc, Bearer xyz",
                "Basic",
                Some("abc"),
                vec![],
                vec!["unexpected-comma", "multiple-credentials"],
            ),
            (
                "Basic dXNl cjpw",
                "Basic",
                Some("dXNl"),
                vec![],
                vec!["token68-trailing"],
            ),
            ("  Bearer  abc  ", "Bearer", Some("abc"), vec![], vec![]),
            ("Digest , a=b", "Digest", None, vec![("a", "b")], vec![]),
        ];
        for (input, scheme, token68, params, expected_codes) in cases {
            let p = parse_credentials(input);
            let c = p.credentials.as_ref().unwrap();
            assert_eq!(c.scheme, scheme, "{input}");
            assert_eq!(c.token68, token68, "{input}");
            let got: Vec<(&str, &str)> = c
                .params
                .iter()
                .map(|p| (p.name, p.value.as_ref()))
                .collect();
            assert_eq!(got, params, "{input}");
            assert_eq!(codes(&p), expected_codes, "{input}: {:?}", p.diagnostics);
        }
    }

    #[test]
    fn rfc_7616_authorization_example() {
        // RFC 7616 §3.9.1, as printed (folded lines) and as sent on one line.
        let folded = "Digest username=\"Mufasa\",\r\n    realm=\"http-auth@example.org\",\r\n    uri=\"/dir/index.html\",\r\n    algorithm=MD5,\r\n    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n    nc=00000001,\r\n    cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n    qop=auth,\r\n    response=\"8ca523f5e9506fed4657c9700eebdbec\",\r\n    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        let one_line = folded.replace("\r\n   ", "");
        for (input, folds) in [(folded, 9), (one_line.as_str(), 0)] {
            let p = parse_credentials(input);
            let c = p.credentials.as_ref().unwrap();
            assert!(c.is_scheme("digest"));
            assert_eq!(c.params.len(), 10);
            assert_eq!(c.param_value("username"), Some("Mufasa"));
            assert_eq!(c.param_value("NC"), Some("00000001"));
            assert_eq!(c.param_value("qop"), Some("auth"));
            assert!(!c.param("qop").unwrap().quoted);
            assert_eq!(
                c.param_value("response"),
                Some("8ca523f5e9506fed4657c9700eebdbec")
            );
            assert_eq!(
                p.diagnostics
                    .iter()
                    .filter(|d| d.code == "obs-fold")
                    .count(),
                folds
            );
            assert!(!p.has_errors(), "{:?}", p.diagnostics);
        }
    }

    #[test]
    fn empty_value_has_no_credentials() {
        let p = parse_credentials("  ");
        assert!(p.credentials.is_none());
        assert_eq!(codes(&p), ["empty-field-value"]);
    }

    #[test]
    fn debug_masks_the_token() {
        let p = parse_credentials("Bearer abcdefghijklmnopqrstuvwxyz");
        let shown = format!("{:?}", p.credentials.unwrap());
        assert!(!shown.contains("abcdefghijklmnop"), "{shown}");
        assert!(shown.contains("[26 chars]"));
    }
}
