//! The README's catalogues are generated from the code, so they cannot drift: the rule
//! catalogue (the panel links each finding's rule id to its entry here), the fix
//! catalogue and the playground scenarios.
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
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(path, readme).unwrap();
        } else {
            panic!(
                "README catalogues are out of date: run `UPDATE_README=1 cargo test --test readme`"
            );
        }
    }
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
