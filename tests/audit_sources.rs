//! Security audit as a test: the browser-facing sources never build HTML from strings or
//! evaluate code, and the extension asks for no more than the README justifies.
//!
//! The built manifests in `dist/` are checked again by the e2e suite after `make build`;
//! this test reads the sources so it runs without a build.

use std::fs;
use std::path::{Path, PathBuf};

/// APIs that turn strings into markup or code. Captured data must only reach the page as text.
const FORBIDDEN: &[&str] = &[
    "innerHTML",
    "outerHTML",
    "insertAdjacentHTML",
    "document.write",
    "eval(",
    "new Function",
    "set_inner_html",
    "set_outer_html",
    "insert_adjacent_html",
    "setHTMLUnsafe",
    "createContextualFragment",
];

/// Permissions the README's "Permissions" section justifies, one by one.
const JUSTIFIED_PERMISSIONS: &[&str] = &["browsingData"];

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "node_modules" || name == "artifacts" || name == "screenshots" {
            continue;
        }
        if path.is_dir() {
            files_under(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "js" | "mjs" | "html" | "css" | "json")
        ) {
            out.push(path);
        }
    }
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("//") || t.starts_with('*') || t.starts_with("/*")
}

#[test]
fn no_string_to_markup_or_code_apis_in_browser_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["extension", "www", "src/web", "src/demo"] {
        files_under(&root.join(dir), &mut files);
    }
    assert!(
        !files.is_empty(),
        "no browser sources found: the scan would pass vacuously"
    );
    let mut hits = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            // Comments may name the APIs to explain why they are not used.
            if is_comment(line) {
                continue;
            }
            for api in FORBIDDEN {
                if line.contains(api) {
                    hits.push(format!("{}:{}: {api}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "forbidden APIs found:\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_scan_catches_a_forbidden_api() {
    // Guards the scanner itself: a planted use must be reported.
    let line = "row.innerHTML = entry.url;";
    assert!(!is_comment(line));
    assert!(FORBIDDEN.iter().any(|api| line.contains(api)));
}

#[test]
fn manifest_source_requests_only_justified_permissions_and_a_strict_csp() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = fs::read_to_string(root.join("extension/manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let permissions: Vec<&str> = manifest["permissions"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str()).collect())
        .unwrap_or_default();
    for p in &permissions {
        assert!(
            JUSTIFIED_PERMISSIONS.contains(p),
            "permission {p} is not justified in the README"
        );
    }
    assert!(
        manifest.get("host_permissions").is_none(),
        "no host permissions"
    );
    assert!(
        manifest.get("optional_host_permissions").is_none(),
        "no optional host permissions"
    );
    assert!(
        manifest.get("content_scripts").is_none(),
        "no content scripts"
    );
    assert!(!text.contains("<all_urls>"));
    let csp = manifest["content_security_policy"]["extension_pages"]
        .as_str()
        .unwrap();
    assert_eq!(
        csp,
        "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'"
    );
    assert!(!text.contains("unsafe-inline") && !text.contains("'unsafe-eval'"));

    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    for p in JUSTIFIED_PERMISSIONS {
        assert!(
            readme.contains(&format!("`{p}`")),
            "README does not justify {p}"
        );
    }
}

#[test]
fn pages_load_no_inline_script_and_no_remote_resource() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("extension"), &mut files);
    files_under(&root.join("www"), &mut files);
    let pages: Vec<_> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(
        !pages.is_empty(),
        "no pages found: the scan would pass vacuously"
    );
    for page in pages {
        let html = fs::read_to_string(page).unwrap();
        let lower = html.to_ascii_lowercase();
        // Every <script> has a src: an inline script would need 'unsafe-inline'.
        for (i, _) in lower.match_indices("<script") {
            let tag_end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
            assert!(
                lower[i..tag_end].contains("src="),
                "{}: inline <script>",
                page.display()
            );
        }
        for handler in ["onclick=", "onload=", "onerror=", "javascript:"] {
            assert!(
                !lower.contains(handler),
                "{}: inline handler {handler}",
                page.display()
            );
        }
        for remote in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
            // A link the user may follow (`<a href>`, e.g. the rule catalogue's spec links)
            // loads nothing; every other remote href or src is a resource the page fetches.
            let loaded = lower.match_indices(remote).any(|(i, _)| {
                let tag = lower[..i].rfind('<').map_or("", |t| &lower[t..i]);
                !(remote.starts_with("href") && tag.starts_with("<a "))
            });
            assert!(!loaded, "{}: remote resource {remote}", page.display());
        }
    }
}
