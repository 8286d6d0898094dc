//! HTTP Basic credentials (RFC 7617): the user-id is shown, the password never is — only its
//! length and whether it is empty, which is what debugging needs ("the password was empty").

use serde::Serialize;

use super::families;
use super::format::TokenText;
use super::format::{placeholder, PlaceholderKind};
use super::{verdicts, Context, DecodedCredential, Kind};
use crate::base64::{self, Alphabet};
use crate::diagnostic::Diagnostic;
use crate::secret;

/// How the decoded bytes were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BasicCharset {
    /// Plain ASCII: every charset agrees.
    Ascii,
    /// UTF-8, as announced by the challenge's `charset="UTF-8"` (RFC 7617 §2.1) or detected.
    Utf8,
    /// Not UTF-8: decoded as ISO-8859-1, the historical default.
    Latin1,
}

/// What a Basic credential holds. Contains no password: it is never stored, so it cannot leak
/// through `Debug`, `Serialize` or a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasicInfo {
    /// The user-id (masked when it is itself an API key, as Stripe and Mailgun use it).
    pub username: String,
    /// Whether the user-id is empty.
    pub username_empty: bool,
    /// Password length in characters.
    pub password_length: usize,
    /// Whether the password is empty.
    pub password_empty: bool,
    /// How the bytes were decoded.
    pub charset: BasicCharset,
    /// The family of a user-id that is really an API key (Stripe `sk_live_…:`, Twilio `SK…`).
    pub username_family: Option<families::FamilyMatch>,
    /// A placeholder user-id or password (`undefined:undefined`).
    pub placeholder: Option<PlaceholderKind>,
    /// Where the placeholder is: `user-id`, `password`, `user-id and password`.
    pub placeholder_in: Option<&'static str>,
}

/// Decodes a Basic token68 at `offset` in the field value.
///
/// `utf8_announced`: the challenge said `charset="UTF-8"`. Codes: the `base64-*` codes,
/// `basic-missing-colon`, `basic-invalid-utf8`, `basic-non-ascii`, `basic-latin1`,
/// `basic-control-char`, `basic-empty-username`.
pub fn decode(token: &str, offset: usize, utf8_announced: bool) -> (BasicInfo, Vec<Diagnostic>) {
    let decoded = base64::decode(token, Alphabet::Standard);
    let mut diagnostics: Vec<Diagnostic> = decoded
        .diagnostics
        .into_iter()
        .map(|d| d.shifted(offset))
        .collect();
    let bytes = decoded.bytes;
    let (text, charset) = to_text(&bytes, utf8_announced, offset, &mut diagnostics);
    let (user, password) = match text.split_once(':') {
        Some((u, p)) => (u, p),
        None => {
            if !bytes.is_empty() {
                diagnostics.push(Diagnostic::error(
                    "basic-missing-colon",
                    offset,
                    "the decoded value has no ':' between user-id and password (rfc 7617 §2); \
                     the value was probably encoded without it, or is not basic credentials",
                ));
            }
            (text.as_str(), "")
        }
    };
    if user.is_empty() && !bytes.is_empty() {
        diagnostics.push(Diagnostic::warning(
            "basic-empty-username",
            offset,
            "the user-id is empty",
        ));
    }
    if user.chars().chain(password.chars()).any(char::is_control) {
        diagnostics.push(Diagnostic::warning(
            "basic-control-char",
            offset,
            "the user-id or password contains control characters, which rfc 7617 §2 forbids \
             (often a trailing newline from a file or `echo`)",
        ));
    }
    let username_family = families::identify(user);
    let username = match &username_family {
        Some(f) if !f.prefix.is_empty() => secret::mask_after_prefix(user, f.prefix.len()),
        Some(_) => secret::mask(user),
        // Without a ':' nobody can tell a user-id from a password (or a key encoded alone),
        // so the value is treated as the secret it may be.
        None if !text.contains(':') => secret::mask(user),
        None => user.to_string(),
    };
    let (placeholder, placeholder_in) = match (placeholder(user), placeholder(password)) {
        (Some(PlaceholderKind::Empty), Some(PlaceholderKind::Empty)) => {
            (Some(PlaceholderKind::Empty), Some("user-id and password"))
        }
        (Some(k), _) if k != PlaceholderKind::Empty => (Some(k), Some("user-id")),
        // A password may legitimately be a word like "secret"; only missing values count.
        (_, Some(k)) if k != PlaceholderKind::Empty && k != PlaceholderKind::Example => {
            (Some(k), Some("password"))
        }
        _ => (None, None),
    };
    if placeholder.is_some() {
        // The placeholder explains an empty user-id better than a separate warning.
        diagnostics.retain(|d| d.code != "basic-empty-username");
    }
    let info = BasicInfo {
        username,
        username_empty: user.is_empty(),
        password_length: password.chars().count(),
        password_empty: password.is_empty(),
        charset,
        username_family,
        placeholder,
        placeholder_in,
    };
    diagnostics.sort_by_key(|d| d.offset);
    (info, diagnostics)
}

fn to_text(
    bytes: &[u8],
    utf8_announced: bool,
    offset: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, BasicCharset) {
    if bytes.is_ascii() {
        return (
            String::from_utf8_lossy(bytes).into_owned(),
            BasicCharset::Ascii,
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            if !utf8_announced {
                diagnostics.push(Diagnostic::warning(
                    "basic-non-ascii",
                    offset,
                    "non-ascii user-id or password but the challenge did not announce \
                     charset=\"UTF-8\": the server may decode it as ISO-8859-1 and reject it \
                     (rfc 7617 §2.1)",
                ));
            }
            (s.to_string(), BasicCharset::Utf8)
        }
        Err(_) if utf8_announced => {
            diagnostics.push(Diagnostic::error(
                "basic-invalid-utf8",
                offset,
                "the server asked for UTF-8 (charset=\"UTF-8\") but the credentials are not \
                 valid UTF-8 (the client encoded them as ISO-8859-1?)",
            ));
            (
                String::from_utf8_lossy(bytes).into_owned(),
                BasicCharset::Utf8,
            )
        }
        Err(_) => {
            diagnostics.push(Diagnostic::info(
                "basic-latin1",
                offset,
                "not UTF-8: decoded as ISO-8859-1; servers expecting UTF-8 will reject it",
            ));
            (
                bytes.iter().map(|&b| char::from(b)).collect(),
                BasicCharset::Latin1,
            )
        }
    }
}

pub(super) fn fill(out: &mut DecodedCredential, text: &TokenText, ctx: &Context<'_>) {
    out.kind = Kind::Basic;
    if text.cleaned.is_empty() {
        out.placeholder = Some(PlaceholderKind::Empty);
        out.findings.push(verdicts::placeholder_finding(
            PlaceholderKind::Empty,
            &out.scheme,
            "(empty)",
        ));
        return;
    }
    let (info, diags) = decode(&text.cleaned, 0, ctx.utf8());
    let diags: Vec<Diagnostic> = diags.into_iter().map(|d| text.locate(d)).collect();
    out.diagnostics.extend(diags);
    out.username = Some(info.username.clone());
    if let Some(f) = &info.username_family {
        out.issuer_hint = Some(f.hint());
    }
    if let Some(kind) = info.placeholder {
        out.placeholder = Some(kind);
        // Never the password itself: only which part is the placeholder.
        let shown = match info.placeholder_in {
            Some("password") => format!(
                "user-id {:?} with a placeholder password ({} chars)",
                info.username, info.password_length
            ),
            Some("user-id") => format!("user-id {:?}", info.username),
            _ => "empty user-id and password".to_string(),
        };
        out.findings
            .push(verdicts::placeholder_finding(kind, &out.scheme, &shown));
    }
    // The token is base64 of the password: mask it entirely.
    if let Some(t) = out.token.as_mut() {
        t.masked = secret::mask_all(&text.cleaned);
    }
    out.basic = Some(info);
}
