//! Shared pieces of the fuzz targets: input decoding, the invariants every target asserts,
//! and the grammar-valid challenge generator of the differential target.
//!
//! Fuzz targets *want* to panic on a broken invariant (that is how libFuzzer records a
//! crash), so this crate uses `assert!` freely; it is not part of the main build.

use std::borrow::Cow;

use arbitrary::{Result, Unstructured};
use authlens::diagnostic::Diagnostic;
use authlens::time::Timestamp;

/// A fixed reference instant (2024-06-01T00:00:00Z): "now" is always a parameter.
pub const NOW: Timestamp = Timestamp(1_717_200_000_000);

/// Header values are strings; invalid UTF-8 arrives as the replacement character, as a
/// browser's `Headers` object would give it to us.
pub fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Every diagnostic points inside (or just past the end of) the input it came from.
pub fn assert_offsets(diagnostics: &[Diagnostic], len: usize, what: &str) {
    for d in diagnostics {
        assert!(
            d.offset <= len,
            "{what}: diagnostic {} at offset {} beyond input length {len}",
            d.code,
            d.offset
        );
        assert!(!d.code.is_empty(), "{what}: empty diagnostic code");
        assert!(
            d.code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{what}: diagnostic code {:?} is not kebab-case",
            d.code
        );
    }
}

/// A string of the same length (in chars) as `secret` that shares none of its characters'
/// identity, used to tell a leaked secret from fixed wording that happens to contain it.
fn stand_in(secret: &str) -> String {
    let fill = if secret.chars().all(|c| c == 'Z') {
        'Y'
    } else {
        'Z'
    };
    secret.chars().map(|_| fill).collect()
}

/// Asserts that `render(secret)` does not show `secret` (at least 8 chars), unless the same
/// text shows up when a stand-in of the same length is rendered instead, i.e. it is part
/// of fixed wording, not a leak. `render` should serialize what users see (JSON, Debug).
pub fn assert_not_leaked(secret: &str, render: impl Fn(&str) -> String, what: &str) {
    if secret.chars().count() < 8 {
        return;
    }
    let escaped = serde_json::to_string(secret).unwrap_or_default();
    let needle = escaped.trim_matches('"');
    let shown = render(secret);
    if !(shown.contains(needle) || shown.contains(secret)) {
        return;
    }
    let other = render(&stand_in(secret));
    assert!(
        other.contains(needle) || other.contains(secret),
        "{what}: secret {secret:?} appears in user-facing output: {shown}"
    );
}

/// Splits fuzz input into up to `n` parts at `0xFF` bytes (never valid UTF-8, so the parts
/// themselves can still be any text).
pub fn split_parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    data.splitn(n, |&b| b == 0xFF).collect()
}

// ---------------------------------------------------------------------------------------
// Grammar-valid challenge generator (RFC 9110 §11): valid by construction, so the
// differential target compares the parser and the reference on inputs both must accept.
// ---------------------------------------------------------------------------------------

const TCHAR_EXTRA: &[u8] = b"!#$%&'*+-.^_`|~";
const T68_EXTRA: &[u8] = b"-._~+/";

fn pick(u: &mut Unstructured<'_>, set: &[u8]) -> Result<char> {
    Ok(char::from(*u.choose(set)?))
}

fn alnum(u: &mut Unstructured<'_>) -> Result<char> {
    let i = u.int_in_range(0u8..=61)?;
    Ok(char::from(match i {
        0..=9 => b'0' + i,
        10..=35 => b'a' + (i - 10),
        _ => b'A' + (i - 36),
    }))
}

fn token(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    let n = u.int_in_range(1usize..=10)?;
    for _ in 0..n {
        if u.ratio(1u8, 6)? {
            out.push(pick(u, TCHAR_EXTRA)?);
        } else {
            out.push(alnum(u)?);
        }
    }
    Ok(())
}

fn ows(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    for _ in 0..u.int_in_range(0u8..=2)? {
        out.push(if u.ratio(1u8, 4)? { '\t' } else { ' ' });
    }
    Ok(())
}

fn quoted_string(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    out.push('"');
    for _ in 0..u.int_in_range(0usize..=12)? {
        match u.int_in_range(0u8..=9)? {
            // quoted-pair: "\" ( HTAB / SP / VCHAR / obs-text )
            0 => {
                out.push('\\');
                out.push(match u.int_in_range(0u8..=3)? {
                    0 => '"',
                    1 => '\\',
                    2 => 'é',
                    _ => char::from(u.int_in_range(0x21u8..=0x7E)?),
                });
            }
            // obs-text (non-ASCII), allowed but warned about
            1 => out.push(*u.choose(&['é', 'ü', '€', '日'])?),
            2 => out.push(*u.choose(&[' ', '\t', ','])?),
            _ => {
                // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
                let b = u.int_in_range(0x21u8..=0x7E)?;
                out.push(if b == b'"' || b == b'\\' {
                    '='
                } else {
                    char::from(b)
                });
            }
        }
    }
    out.push('"');
    Ok(())
}

fn auth_param(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    token(u, out)?;
    ows(u, out)?;
    out.push('=');
    ows(u, out)?;
    if u.ratio(1u8, 2)? {
        quoted_string(u, out)
    } else {
        token(u, out)
    }
}

fn token68(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    for _ in 0..u.int_in_range(1usize..=24)? {
        if u.ratio(1u8, 8)? {
            out.push(pick(u, T68_EXTRA)?);
        } else {
            out.push(alnum(u)?);
        }
    }
    for _ in 0..u.int_in_range(0u8..=2)? {
        out.push('=');
    }
    Ok(())
}

/// `OWS "," OWS`, sometimes with extra empty list elements (RFC 9110 §5.6.1).
fn list_sep(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    ows(u, out)?;
    out.push(',');
    for _ in 0..u.int_in_range(0u8..=1)? {
        ows(u, out)?;
        out.push(',');
    }
    ows(u, out)
}

fn challenge(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    token(u, out)?;
    match u.int_in_range(0u8..=4)? {
        0 => Ok(()),
        1 => {
            out.push(' ');
            token68(u, out)
        }
        _ => {
            for _ in 0..u.int_in_range(1u8..=2)? {
                out.push(' ');
            }
            let n = u.int_in_range(1usize..=4)?;
            for i in 0..n {
                if i > 0 {
                    list_sep(u, out)?;
                }
                auth_param(u, out)?;
            }
            Ok(())
        }
    }
}

/// One `WWW-Authenticate` field value that RFC 9110's grammar accepts:
/// `1#challenge` with empty elements, OWS, token68 and quoted-pairs.
pub fn grammar_field(u: &mut Unstructured<'_>) -> Result<String> {
    let mut out = String::new();
    if u.ratio(1u8, 8)? {
        out.push(',');
        ows(u, &mut out)?;
    }
    let n = u.int_in_range(1usize..=4)?;
    for i in 0..n {
        if i > 0 {
            list_sep(u, &mut out)?;
        }
        challenge(u, &mut out)?;
    }
    if u.ratio(1u8, 8)? {
        list_sep(u, &mut out)?;
    }
    Ok(out)
}
