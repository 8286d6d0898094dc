//! The README's catalogues are generated from the code, so they cannot drift: the rule
//! catalogue, the fix catalogue and the playground scenarios. The rule catalogue is also
//! generated as a static page, `extension/rules.html`, shipped in the extension and the
//! analyzer: the panel links each finding's rule id to its anchor there (`rules.html#<id>`),
//! because an extension knows no repository URL and must not need the network.
//!
//! When a catalogue changes, run `UPDATE_README=1 cargo test --test readme` and commit.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;

use authlens::diagnose::{Kind, CATALOGUE as RULES};
use authlens::fixes::{FixKind, CATALOGUE as FIXES};

fn rules_section() -> String {
    let mut s = String::new();
    for r in RULES {
        let kind = match r.kind {
            Kind::Cause => "cause",
            Kind::Risk => "risk",
            Kind::Context => "context",
        };
        let scope = if r.flow { "flow rule" } else { "per exchange" };
        writeln!(s, "### `{}`\n", r.id).unwrap();
        writeln!(
            s,
            "**{}** · {kind} · {scope} — {}\n",
            r.severity.as_str(),
            r.title
        )
        .unwrap();
        writeln!(s, "{}\n", r.description).unwrap();
        writeln!(s, "Spec: [{}]({})\n", r.spec.title, r.spec.url).unwrap();
    }
    s
}

fn fixes_section() -> String {
    let mut s = String::from("| id | fix | who acts |\n|---|---|---|\n");
    for f in FIXES {
        let who = match f.kind {
            FixKind::Action => "a button in the panel",
            FixKind::Client => "you, in the client or your machine",
            FixKind::Server => "the server, proxy or edge (snippets per detected server)",
        };
        writeln!(s, "| `{}` | {} | {who} |", f.id, f.title).unwrap();
    }
    s
}

fn scenarios_section() -> String {
    let mut s =
        String::from("| scenario | what it does | the panel's top finding |\n|---|---|---|\n");
    for sc in authlens::demo::scenarios() {
        let expected = sc
            .expected_finding
            .map_or("none (healthy)".to_string(), |f| format!("[`{f}`](#{f})"));
        writeln!(
            s,
            "| `{}` | {} | {expected} |",
            sc.id,
            sc.title.replace('|', "\\|")
        )
        .unwrap();
    }
    s
}

/// Escapes text for HTML element content and double-quoted attribute values.
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A catalogue sentence as HTML: escaped, with the README's `code` spans as `<code>`.
fn html_inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            write!(out, "<code>{}</code>", html_escape(part)).unwrap();
        } else {
            out.push_str(&html_escape(part));
        }
    }
    out
}

/// The rule catalogue as a self-contained static page: one `id="<rule id>"` anchor per
/// rule, no script, only its own stylesheet (it passes the extension's CSP and the
/// analyzer's), so the panel's rule labels can link to it without any network.
fn rules_page() -> String {
    let mut s = String::from(
        "<!doctype html>\n\
         <!-- Generated from src/diagnose/catalogue.rs by tests/readme.rs; do not edit. \
         Regenerate with: UPDATE_README=1 cargo test --test readme -->\n\
         <html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>authlens rule catalogue</title>\n\
         <link rel=\"stylesheet\" href=\"authlens.css\">\n</head>\n\
         <body class=\"rules-page\">\n<header class=\"rules-header\">\n\
         <h1>authlens rule catalogue</h1>\n\
         <p>Every finding carries a stable rule id, like a lint code. Severities: \
         <strong>error</strong> — the cause of the failure; <strong>warning</strong> — a likely \
         cause or a risk; <strong>info</strong> — context, or a healthy flow recognised. \
         Ranking puts causes before risks before context; a more specific cause suppresses \
         a generic one.</p>\n<nav class=\"rules-index\" aria-label=\"Rules\">\n<ul>\n",
    );
    for r in RULES {
        writeln!(
            s,
            "<li><a href=\"#{id}\"><code>{id}</code></a></li>",
            id = html_escape(r.id)
        )
        .unwrap();
    }
    s.push_str("</ul>\n</nav>\n</header>\n<main>\n");
    for r in RULES {
        let kind = match r.kind {
            Kind::Cause => "cause",
            Kind::Risk => "risk",
            Kind::Context => "context",
        };
        let scope = if r.flow { "flow rule" } else { "per exchange" };
        let severity = r.severity.as_str();
        let id = html_escape(r.id);
        writeln!(s, "<section class=\"rule\" id=\"{id}\">").unwrap();
        writeln!(s, "<h2><a href=\"#{id}\"><code>{id}</code></a></h2>").unwrap();
        writeln!(
            s,
            "<p class=\"rule-meta\"><strong class=\"rule-severity sev-{severity}\">{severity}</strong> · {kind} · {scope} — {}</p>",
            html_inline(r.title)
        )
        .unwrap();
        writeln!(s, "<p>{}</p>", html_inline(r.description)).unwrap();
        writeln!(
            s,
            "<p>Spec: <a href=\"{}\" target=\"_blank\" rel=\"noreferrer noopener\">{}</a></p>",
            html_escape(r.spec.url),
            html_escape(r.spec.title)
        )
        .unwrap();
        s.push_str("</section>\n");
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

fn sync(readme: &mut String, name: &str, body: &str) -> bool {
    let begin = format!("<!-- BEGIN GENERATED: {name} -->\n");
    let end = format!("<!-- END GENERATED: {name} -->");
    let start = readme
        .find(&begin)
        .unwrap_or_else(|| panic!("README lacks the marker {begin}"))
        + begin.len();
    let stop = readme[start..]
        .find(&end)
        .unwrap_or_else(|| panic!("README lacks the marker {end}"))
        + start;
    if &readme[start..stop] == body {
        return true;
    }
    readme.replace_range(start..stop, body);
    false
}

#[test]
fn readme_catalogues_match_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let mut readme = std::fs::read_to_string(path).unwrap();
    let mut current = true;
    current &= sync(&mut readme, "rules", &rules_section());
    current &= sync(&mut readme, "fixes", &fixes_section());
    current &= sync(&mut readme, "scenarios", &scenarios_section());
    if !current {
        rewrite_or_fail(path, &readme, "README catalogues are");
    }
}

/// A generated file that is out of date: rewritten under `UPDATE_README`, else a failure
/// that says how to regenerate it.
fn rewrite_or_fail(path: &str, want: &str, what: &str) {
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(path, want).unwrap();
    } else {
        panic!("{what} out of date: run `UPDATE_README=1 cargo test --test readme`");
    }
}

#[test]
fn rules_page_matches_the_catalogue() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/extension/rules.html");
    let want = rules_page();
    if std::fs::read_to_string(path).ok().as_deref() == Some(want.as_str()) {
        return;
    }
    rewrite_or_fail(path, &want, "extension/rules.html is");
}

#[test]
fn rules_page_has_one_anchor_per_rule_and_no_script() {
    let page = rules_page();
    for r in RULES {
        assert_eq!(
            page.matches(&format!(" id=\"{}\"", r.id)).count(),
            1,
            "anchor for {}",
            r.id
        );
    }
    assert!(!page.to_ascii_lowercase().contains("<script"));
    // Catalogue text is escaped, and its `code` spans become <code>.
    assert!(page.contains("<code>${token}</code>"), "inline code");
    assert_eq!(
        html_inline("a <b> & `c<d>`"),
        "a &lt;b&gt; &amp; <code>c&lt;d&gt;</code>"
    );
}

#[test]
fn every_rule_and_fix_id_is_kebab_case_and_unique() {
    let mut seen = std::collections::HashSet::new();
    for id in RULES.iter().map(|r| r.id).chain(FIXES.iter().map(|f| f.id)) {
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{id}"
        );
        assert!(seen.insert(id), "duplicate id {id}");
    }
}
