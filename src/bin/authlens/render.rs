//! Human output shared by the commands: findings, positioned diagnostics, claims.
//!
//! Every captured string passes through [`authlens::printable::escape_controls`] before it
//! reaches the terminal, so a header cannot smuggle escape sequences or bidi overrides.

use authlens::diagnostic::Diagnostic;
use authlens::finding::Finding;
use authlens::jose::ClaimsView;
use authlens::printable::escape_controls;

use crate::style::Style;

/// Captured text made safe for a terminal.
pub fn safe(s: &str) -> String {
    escape_controls(s).into_owned()
}

/// Prints findings, most important first as given.
pub fn findings(findings: &[Finding], style: Style, indent: &str) {
    for f in findings {
        println!(
            "{indent}{} {}  {}",
            style.severity(f.severity),
            style.bold(f.id),
            safe(&f.title)
        );
        if !f.detail.is_empty() {
            println!("{indent}    {}", safe(&f.detail));
        }
        for e in &f.evidence {
            println!(
                "{indent}    {} {}",
                style.dim(&format!("{}:", safe(&e.label))),
                safe(&e.value)
            );
        }
        if !f.fixes.is_empty() {
            println!("{indent}    {} {}", style.dim("fixes:"), f.fixes.join(", "));
        }
        for r in &f.refs {
            println!("{indent}    {} {} <{}>", style.dim("see"), r.title, r.url);
        }
    }
}

/// Prints diagnostics with a caret under the byte they point at in `input`.
pub fn diagnostics(input: &str, diags: &[Diagnostic], style: Style, indent: &str) {
    for d in diags {
        println!(
            "{indent}{} {} at byte {}: {}",
            style.severity(d.severity),
            style.bold(d.code),
            d.offset,
            safe(&d.message)
        );
        if let Some(line) = caret_line(input, d.offset) {
            println!("{indent}    {}", line.0);
            println!("{indent}    {}", line.1);
        }
    }
}

/// A window of at most 60 characters around `offset`, and the caret line under it.
fn caret_line(input: &str, offset: usize) -> Option<(String, String)> {
    if input.is_empty() || offset > input.len() {
        return None;
    }
    let mut start = offset.saturating_sub(30);
    while !input.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (offset + 30).min(input.len());
    while !input.is_char_boundary(end) {
        end += 1;
    }
    let before = safe(
        input
            .get(start..offset.min(input.len()))
            .unwrap_or_else(|| input.get(start..).unwrap_or("")),
    );
    let window = safe(input.get(start..end).unwrap_or(""));
    let pad = before.chars().count();
    Some((window, format!("{}^", " ".repeat(pad))))
}

/// Prints the claims that matter, with absolute and relative times.
pub fn claims(view: &ClaimsView, style: Style, reference_label: &str) {
    let row = |name: &str, value: String| println!("  {:<10} {}", style.dim(name), safe(&value));
    for t in [&view.iat, &view.nbf, &view.exp].into_iter().flatten() {
        row(
            t.claim,
            format!("{} ({} {reference_label})", t.utc, t.relative),
        );
    }
    if let Some(l) = &view.lifetime {
        row("lifetime", l.clone());
    }
    for (name, v) in [
        ("iss", &view.iss),
        ("sub", &view.sub),
        ("azp", &view.azp),
        ("client_id", &view.client_id),
        ("kid", &view.kid),
        ("typ", &view.typ),
    ] {
        if let Some(v) = v {
            row(name, v.clone());
        }
    }
    for (name, list) in [
        ("aud", &view.aud),
        ("scope", &view.scopes),
        ("roles", &view.roles),
        ("groups", &view.groups),
    ] {
        if !list.is_empty() {
            row(name, list.join(" "));
        }
    }
    if let Some(jkt) = &view.cnf_jkt {
        row("cnf.jkt", jkt.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_offset() {
        let (w, c) = caret_line("Basic realm=foo", 12).unwrap();
        assert_eq!(w, "Basic realm=foo");
        assert_eq!(c, "            ^");
    }

    #[test]
    fn caret_window_handles_multibyte_and_end() {
        assert!(caret_line("é\u{1b}x", 1).is_some());
        assert!(caret_line("abc", 3).is_some());
        assert!(caret_line("abc", 4).is_none());
    }
}
