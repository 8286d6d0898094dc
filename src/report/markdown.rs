//! GitHub-flavoured Markdown for a [`Report`].
//!
//! Every value that comes from the capture (URLs, evidence, server messages) is either put
//! in a code span with a fence longer than any backtick run inside it, or escaped, and cut
//! to a bounded length: a hostile `error_description` cannot add headings, links or HTML
//! to the ticket it is pasted into.

use std::fmt::Write as _;

use crate::finding::Severity;

use super::{FailureReport, FindingReport, Report};

/// Longest value quoted in a code span.
const MAX_CODE: usize = 300;
/// Longest prose quoted from the capture.
const MAX_TEXT: usize = 1000;

/// Collapses control characters (newlines included) to spaces and cuts to `max` characters.
fn clean(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

/// An inline code span holding `s` literally (CommonMark §6.1: a fence of N backticks ends
/// only at a run of exactly N).
pub(super) fn code(s: &str) -> String {
    let s = clean(s, MAX_CODE);
    if s.is_empty() {
        return "` `".to_string();
    }
    let mut longest = 0usize;
    let mut run = 0usize;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    // Padding keeps a leading or trailing backtick from joining the fence.
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Prose with the Markdown- and HTML-significant characters escaped (CommonMark §2.4):
/// emphasis, code, links, HTML, tables, and block markers at the start of the text.
/// Parentheses stay as they are: with `[` escaped they cannot form a link.
pub(super) fn text(s: &str) -> String {
    let s = clean(s, MAX_TEXT);
    let mut out = String::with_capacity(s.len() + 8);
    // A block marker at the start (heading, list, quote, setext underline) is escaped at
    // its punctuation: `\#`, `\-`, `1\.`.
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim_start();
    let marker_at = if trimmed.starts_with(['#', '+', '-', '=', '>']) {
        Some(lead)
    } else {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0
            && trimmed
                .get(digits..)
                .is_some_and(|t| t.starts_with(['.', ')'])))
        .then_some(lead + digits)
    };
    for (i, c) in s.char_indices() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&'
        ) || marker_at == Some(i)
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn finding(out: &mut String, f: &FindingReport, snippets: bool) {
    let _ = writeln!(
        out,
        "**{}** ({}): {}\n",
        code(f.id),
        severity(f.severity),
        text(&f.title)
    );
    if !f.detail.is_empty() {
        let _ = writeln!(out, "{}\n", text(&f.detail));
    }
    if !f.evidence.is_empty() {
        out.push_str("Evidence:\n\n");
        for e in f.evidence.iter().take(12) {
            let _ = writeln!(out, "- {}: {}", text(&e.label), code(&e.value));
        }
        out.push('\n');
    }
    for (i, fix) in f.fixes.iter().enumerate() {
        let _ = writeln!(out, "Fix: **{}** ({})\n", text(&fix.title), code(fix.id));
        for (n, step) in fix.steps.iter().take(10).enumerate() {
            let _ = writeln!(out, "{}. {}", n + 1, text(step));
        }
        out.push('\n');
        if snippets && i == 0 {
            if let Some(s) = fix.snippets.first() {
                let body: String = s.code.chars().take(4000).collect();
                let longest = longest_run(&body, '`').max(2);
                let fence = "`".repeat(longest + 1);
                let _ = writeln!(out, "{}:\n", text(&s.label));
                let _ = writeln!(out, "{fence}{}\n{body}\n{fence}\n", s.lang);
            }
        }
    }
    if !f.refs.is_empty() {
        let refs: Vec<String> = f
            .refs
            .iter()
            .map(|r| format!("[{}]({})", text(r.title), r.url))
            .collect();
        let _ = writeln!(out, "Spec: {}\n", refs.join(", "));
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut longest, mut run) = (0usize, 0usize);
    for x in s.chars() {
        if x == c {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

fn failure(out: &mut String, n: usize, f: &FailureReport, snippets: bool) {
    let status = if f.status == 0 {
        "no response".to_string()
    } else {
        f.status.to_string()
    };
    let _ = writeln!(
        out,
        "### {n}. {} → {status} (entry {})\n",
        code(&format!("{} {}", f.method, f.url)),
        f.entry
    );
    let mut facts: Vec<String> = Vec::new();
    if let Some(t) = &f.started {
        facts.push(format!("started {}", code(t)));
    }
    match &f.scheme_sent {
        Some(s) => facts.push(format!("credentials sent: {}", code(s))),
        None => facts.push("no credentials sent".to_string()),
    }
    if f.recovered {
        facts.push("the app recovered (see the flows)".to_string());
    }
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    match &f.top {
        Some(top) => finding(out, top, snippets),
        None => out.push_str("No finding explains this failure; the server's logs will.\n\n"),
    }
    if !f.others.is_empty() {
        out.push_str("Other findings:\n\n");
        for o in &f.others {
            let _ = writeln!(
                out,
                "- {} ({}): {}",
                code(o.id),
                severity(o.severity),
                text(&o.title)
            );
        }
        out.push('\n');
    }
}

/// Renders the report.
pub(super) fn render(r: &Report) -> String {
    let mut out = String::new();
    let env = &r.environment;
    let _ = writeln!(out, "# {}\n", text(&r.title));
    let _ = writeln!(out, "> {}\n", text(&r.summary.line));

    out.push_str("## Environment\n\n| | |\n|---|---|\n");
    let tool = |t: &Option<super::Tool>| {
        t.as_ref().map_or_else(
            || "unknown".to_string(),
            |t| format!("{} {}", code(&t.name), code(&t.version)),
        )
    };
    let _ = writeln!(out, "| HAR written by | {} |", tool(&env.creator));
    if env.browser.is_some() {
        let _ = writeln!(out, "| Browser | {} |", tool(&env.browser));
    }
    match (&env.first_request, &env.last_request) {
        (Some(a), Some(b)) => {
            let span = env.span.as_deref().unwrap_or("");
            let _ = writeln!(
                out,
                "| Time span | {} → {} ({}) |",
                code(a),
                code(b),
                text(span)
            );
        }
        _ => out.push_str("| Time span | unknown |\n"),
    }
    let _ = writeln!(
        out,
        "| Requests | {} ({} answered 401/403/407) |",
        env.requests, env.auth_failures
    );
    let origins: Vec<String> = env
        .origins
        .iter()
        .take(12)
        .map(|o| {
            let fail = if o.auth_failures > 0 {
                format!(", {} failed", o.auth_failures)
            } else {
                String::new()
            };
            format!("{} ({}{fail})", code(&o.origin), o.requests)
        })
        .collect();
    let more = env.origins.len().saturating_sub(12);
    let _ = writeln!(
        out,
        "| Origins | {}{} |",
        origins.join(", "),
        if more > 0 {
            format!(", {more} more")
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "| Credentials in the file | {} |\n",
        if env.sanitized {
            "removed at export (sanitized HAR)"
        } else {
            "present (redacted in this report)"
        }
    );
    if let Some(advice) = &env.sanitization_advice {
        let _ = writeln!(out, "> **Sanitized export.** {}\n", text(advice));
    }

    let _ = writeln!(out, "## Failing requests\n");
    if r.failures.is_empty() {
        out.push_str("No request failed authentication or authorization.\n\n");
    }
    for (i, f) in r.failures.iter().enumerate() {
        failure(&mut out, i + 1, f, r.snippets);
    }
    if r.failures_omitted > 0 {
        let _ = writeln!(out, "… and {} more failing requests.\n", r.failures_omitted);
    }

    if !r.flows.is_empty() {
        out.push_str("## Flows\n\n");
        for f in &r.flows {
            let _ = writeln!(out, "{}:\n", text(f.kind));
            let body = f.lines.join("\n");
            let fence = "`".repeat(longest_run(&body, '`').max(2) + 1);
            let _ = writeln!(out, "{fence}text\n{body}\n{fence}\n");
        }
        if r.flows_omitted > 0 {
            let _ = writeln!(out, "… and {} more flows.\n", r.flows_omitted);
        }
    }

    out.push_str("## Redaction\n\n");
    let _ = writeln!(
        out,
        "Secrets were replaced by `REDACTED-<what>-<length>chars-<id>` markers before this report was made; what is shown is what debugging needs. {}.\n",
        text(&r.redaction.line)
    );
    out.push_str("---\nGenerated by authlens.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn values_cannot_break_out(s in "\\PC{0,400}|[`<>#*\\[\\]|\n\r]{0,40}") {
            let c = code(&s);
            prop_assert!(!c.contains('\n') && !c.contains('\r'));
            let fence_len = c.chars().take_while(|&x| x == '`').count();
            prop_assert!(fence_len >= 1 && c.ends_with(&"`".repeat(fence_len)));
            // No run of exactly the fence length inside: the span ends where it should.
            let inner = &c[fence_len..c.len() - fence_len];
            let longest = inner.split(|x| x != '`').map(str::len).max().unwrap_or(0);
            prop_assert!(longest < fence_len);
            let t = text(&s);
            prop_assert!(!t.contains('\n'));
            for (i, ch) in t.char_indices() {
                if matches!(ch, '<' | '[' | '`' | '|') {
                    prop_assert!(t[..i].ends_with('\\'), "{t}");
                }
            }
        }
    }

    #[test]
    fn code_spans_hold_backticks_and_newlines() {
        let cases = [
            ("abc", "`abc`"),
            ("a`b", "``a`b``"),
            ("`x", "`` `x ``"),
            ("a\nb", "`a b`"),
            ("", "` `"),
        ];
        for (input, want) in cases {
            assert_eq!(code(input), want, "{input:?}");
        }
    }

    #[test]
    fn text_escapes_markup() {
        let cases = [
            (
                "# <script>alert(1)</script> [x](y) | *b*\nnext",
                "\\# \\<script\\>alert(1)\\</script\\> \\[x\\](y) \\| \\*b\\* next",
            ),
            ("1. item", "1\\. item"),
            ("12) item", "12\\) item"),
            ("- item", "\\- item"),
            ("grant_type & more", "grant\\_type \\& more"),
            ("plain words (ok)", "plain words (ok)"),
        ];
        for (input, want) in cases {
            assert_eq!(text(input), want, "{input:?}");
        }
        assert!(text(&"x".repeat(5000)).chars().count() <= MAX_TEXT + 1);
    }
}
