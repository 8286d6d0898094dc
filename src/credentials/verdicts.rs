//! Findings built from what decoding saw: format problems, placeholders, keys sent the wrong way.

use super::families::{FamilyMatch, Usage};
use super::format::PlaceholderKind;
use super::{DecodedCredential, Kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::finding::Finding;
use crate::secret;

const RFC9110_CREDENTIALS: (&str, &str) = (
    "RFC 9110 §11.4",
    "https://www.rfc-editor.org/rfc/rfc9110#section-11.4",
);
const RFC6750_HEADER: (&str, &str) = (
    "RFC 6750 §2.1",
    "https://www.rfc-editor.org/rfc/rfc6750#section-2.1",
);
const RFC7617_BASIC: (&str, &str) = (
    "RFC 7617 §2",
    "https://www.rfc-editor.org/rfc/rfc7617#section-2",
);
const RFC7616_DIGEST: (&str, &str) = (
    "RFC 7616 §3.4",
    "https://www.rfc-editor.org/rfc/rfc7616#section-3.4",
);

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `a`/`an` by the next word's first letter (good enough for issuer names).
fn article(next: &str, capital: bool) -> &'static str {
    let vowel = next
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    match (vowel, capital) {
        (true, true) => "An",
        (true, false) => "an",
        (false, true) => "A",
        (false, false) => "a",
    }
}

/// A `bearer-placeholder` finding; `shown` is what to quote (a placeholder is no secret, but a
/// Basic password is never quoted: callers pass a description instead).
pub(super) fn placeholder_finding(kind: PlaceholderKind, scheme: &str, shown: &str) -> Finding {
    let what = if scheme.is_empty() {
        "The credential".to_string()
    } else {
        format!("The {scheme} credential")
    };
    Finding::new(
        "bearer-placeholder",
        Severity::Error,
        format!("{what} is a placeholder, not a token: {shown}"),
        format!("{what} is {shown}. {}", kind.explain()),
    )
    .with_evidence("credential", shown)
    .with_fix("fix-authorization-format")
    .with_fix("relogin")
    .with_ref(RFC6750_HEADER.0, RFC6750_HEADER.1)
}

pub(super) fn wrong_token_type(f: &FamilyMatch, scheme: &str, masked: &str) -> Finding {
    let severity = match f.usage_kind {
        Usage::Header(_) | Usage::Basic(_) | Usage::Query(_) | Usage::Scheme(_) => {
            Severity::Warning
        }
        _ => Severity::Error,
    };
    Finding::new(
        "wrong-token-type",
        severity,
        format!(
            "{} {} {} sent as a {scheme} token",
            article(f.issuer, true),
            f.issuer,
            f.description
        ),
        format!(
            "This looks like {} {} {} ({masked}); it is {}.",
            article(f.issuer, false),
            f.issuer,
            f.description,
            f.usage
        ),
    )
    .with_evidence("token", masked)
    .with_evidence("recognised as", f.hint())
    .with_fix("fix-authorization-format")
}

/// The header value with its token masked: `Bearer Bearer …[3 chars]`.
fn shown_value(value: &str, out: &DecodedCredential) -> String {
    match &out.token {
        Some(t) => {
            let prefix: String = value
                .get(..t.offset)
                .unwrap_or("")
                .trim_start()
                .chars()
                .take(40)
                .collect();
            format!("{}{}", prefix.escape_debug(), t.masked)
        }
        None => secret::mask(value.trim()),
    }
}

/// Turns format diagnostics into one `malformed-authorization` finding (merged with one the
/// JOSE validator may have produced), ordered first.
pub(super) fn finish(out: &mut DecodedCredential, value: &str) {
    out.diagnostics.sort_by_key(|d| d.offset);
    out.diagnostics.dedup();
    let problems: Vec<&Diagnostic> = out
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .collect();
    let existing = out
        .findings
        .iter()
        .position(|f| f.id == "malformed-authorization");
    if problems.is_empty() {
        return;
    }
    let severity = if problems.iter().any(|d| d.severity == Severity::Error) {
        Severity::Error
    } else {
        Severity::Warning
    };
    let first = problems.first().map_or_else(String::new, |d| {
        format!("{} (at byte {})", d.message, d.offset)
    });
    let title = if severity == Severity::Error {
        "The credentials are malformed"
    } else {
        "The credentials work by the RFC but are written unusually"
    };
    let mut f = Finding::new(
        "malformed-authorization",
        severity,
        title,
        format!(
            "{}. {}",
            capitalise(&first),
            if severity == Severity::Error {
                "Servers reject credentials they cannot parse, usually with 401 and no further explanation. Send the credential exactly as issued: '<scheme> <token>' with one space in Authorization, the bare value in other headers, cookies and URLs."
            } else {
                "Most servers accept it, some compare exactly and reject it."
            }
        ),
    );
    f = f.with_evidence("value as sent", shown_value(value, out));
    for d in problems.iter().take(6) {
        f = f.with_evidence(
            format!("{} at byte {}", d.code, d.offset),
            d.message.clone(),
        );
    }
    f = f
        .with_fix("fix-authorization-format")
        .with_ref(RFC9110_CREDENTIALS.0, RFC9110_CREDENTIALS.1);
    match out.kind {
        Kind::Basic => f = f.with_ref(RFC7617_BASIC.0, RFC7617_BASIC.1),
        Kind::Digest => f = f.with_ref(RFC7616_DIGEST.0, RFC7616_DIGEST.1),
        Kind::Jws | Kind::Jwe | Kind::Opaque => f = f.with_ref(RFC6750_HEADER.0, RFC6750_HEADER.1),
        _ => {}
    }
    if let Some(i) = existing {
        // Keep one malformed-authorization: the format view, plus the JOSE evidence.
        let jose_finding = out.findings.remove(i);
        for e in jose_finding.evidence {
            if !f.evidence.iter().any(|x| x.label == e.label) {
                f.evidence.push(e);
            }
        }
        for r in jose_finding.refs {
            if !f.refs.contains(&r) {
                f.refs.push(r);
            }
        }
        f.severity = Severity::Error;
    }
    out.findings.insert(0, f);
}
