//! Serving the built analyzer (`dist/www`) under `/analyzer/`.
//!
//! The request path is untrusted: it is percent-decoded once, split into segments, and any
//! segment that could climb out of the root (`..`, `.`, a backslash, a drive letter, NUL)
//! refuses the whole request. The resolved file is then canonicalized and must still lie
//! under the canonical root, which also catches symlinks pointing outside.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this are not served (the analyzer's wasm is well under 10 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a static path was not served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The path tries to leave the root or is not valid UTF-8 after decoding (400).
    BadPath,
    /// Nothing there (404).
    NotFound,
    /// Bigger than [`MAX_FILE_BYTES`]: it exists but is not served (403).
    TooLarge,
}

/// Percent-decodes `s` ([RFC 3986 §2.1](https://www.rfc-editor.org/rfc/rfc3986#section-2.1)). Malformed escapes stay literal, as browsers do.
pub fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
            if let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) {
                // Two hex digits make at most 0xff.
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'%'));
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// The path of a file under `root` for the URL path `rel` (what follows `/analyzer/`),
/// without touching the file system.
pub fn safe_join(root: &Path, rel: &str) -> Result<PathBuf, Refusal> {
    let decoded = String::from_utf8(percent_decode(rel)).map_err(|_| Refusal::BadPath)?;
    let mut path = root.to_path_buf();
    // Splitting after decoding makes `%2f` a separator and `%2e%2e` a `..`, so neither
    // can smuggle a parent reference past the segment check.
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        let hostile = seg == "."
            || seg == ".."
            || seg.starts_with('.')
            || seg.contains(['\\', ':', '\0'])
            || seg.chars().any(char::is_control);
        if hostile {
            return Err(Refusal::BadPath);
        }
        path.push(seg);
    }
    Ok(path)
}

/// Reads the file for `rel` under `root` (a directory serves its `index.html`).
pub fn load(root: &Path, rel: &str) -> Result<(PathBuf, Vec<u8>), Refusal> {
    let mut path = safe_join(root, rel)?;
    if path.is_dir() {
        path.push("index.html");
    }
    let canon_root = fs::canonicalize(root).map_err(|_| Refusal::NotFound)?;
    let canon = fs::canonicalize(&path).map_err(|_| Refusal::NotFound)?;
    if !canon.starts_with(&canon_root) {
        return Err(Refusal::BadPath);
    }
    let file = fs::File::open(&canon).map_err(|_| Refusal::NotFound)?;
    let meta = file.metadata().map_err(|_| Refusal::NotFound)?;
    if !meta.is_file() {
        return Err(Refusal::NotFound);
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge);
    }
    let mut buf = Vec::new();
    file.take(MAX_FILE_BYTES)
        .read_to_end(&mut buf)
        .map_err(|_| Refusal::NotFound)?;
    Ok((canon, buf))
}

/// The `Content-Type` for a file name. WebAssembly must be `application/wasm` or
/// `WebAssembly.instantiateStreaming` refuses it; JavaScript modules need a JavaScript
/// MIME type or the browser will not run them.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" | "md" => "text/plain; charset=utf-8",
        "har" => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn temp_root(name: &str) -> PathBuf {
        let base =
            std::env::temp_dir().join(format!("authlens-demo-files-{name}-{}", std::process::id()));
        let www = base.join("www");
        fs::create_dir_all(www.join("pkg")).unwrap();
        fs::write(base.join("secret.txt"), "TOP-SECRET").unwrap();
        fs::write(www.join("index.html"), "<h1>analyzer</h1>").unwrap();
        fs::write(www.join("pkg").join("authlens_bg.wasm"), b"\0asm").unwrap();
        www
    }

    #[test]
    fn percent_decoding() {
        let table: &[(&str, &[u8])] = &[
            ("abc", b"abc"),
            ("%2e%2E", b".."),
            ("a%2fb", b"a/b"),
            ("%", b"%"),
            ("%4", b"%4"),
            ("%zz", b"%zz"),
            ("%ff", b"\xff"),
            ("100%25", b"100%"),
        ];
        for (input, want) in table {
            assert_eq!(percent_decode(input), *want, "{input}");
        }
    }

    #[test]
    fn traversal_is_refused() {
        let root = Path::new("/srv/www");
        for rel in [
            "..",
            "../Cargo.toml",
            "a/../../x",
            "%2e%2e/secret.txt",
            "%2E%2e%2fsecret.txt",
            "..%2fsecret.txt",
            "..%5csecret.txt",
            "a\\..\\b",
            "./index.html",
            ".git/config",
            "C:/windows",
            "x%00.html",
            "%ff",
        ] {
            assert_eq!(safe_join(root, rel), Err(Refusal::BadPath), "{rel}");
        }
    }

    #[test]
    fn ordinary_paths_join() {
        let root = Path::new("/srv/www");
        let table: &[(&str, &str)] = &[
            ("", "/srv/www"),
            ("index.html", "/srv/www/index.html"),
            ("pkg//a.js", "/srv/www/pkg/a.js"),
            ("a%20b.css", "/srv/www/a b.css"),
        ];
        for (rel, want) in table {
            assert_eq!(safe_join(root, rel).unwrap(), PathBuf::from(want), "{rel}");
        }
    }

    #[test]
    fn load_serves_files_and_index_but_not_the_parent() {
        let www = temp_root("load");
        let (p, body) = load(&www, "").unwrap();
        assert!(p.ends_with("index.html"));
        assert_eq!(body, b"<h1>analyzer</h1>");
        let (_, wasm) = load(&www, "pkg/authlens_bg.wasm").unwrap();
        assert_eq!(wasm, b"\0asm");
        assert_eq!(load(&www, "../secret.txt"), Err(Refusal::BadPath));
        assert_eq!(load(&www, "missing.js"), Err(Refusal::NotFound));
        assert_eq!(
            load(&www.join("nope"), "index.html"),
            Err(Refusal::NotFound)
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_out_of_the_root_is_refused() {
        let www = temp_root("symlink");
        let link = www.join("escape.txt");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(www.parent().unwrap().join("secret.txt"), &link).unwrap();
        assert_eq!(load(&www, "escape.txt"), Err(Refusal::BadPath));
    }

    #[test]
    fn mime_types() {
        let table: &[(&str, &str)] = &[
            ("a/index.html", "text/html; charset=utf-8"),
            ("pkg/authlens.js", "text/javascript; charset=utf-8"),
            ("pkg/authlens_bg.wasm", "application/wasm"),
            ("STYLE.CSS", "text/css; charset=utf-8"),
            ("x.json", "application/json"),
            ("logo.svg", "image/svg+xml"),
            ("Makefile", "application/octet-stream"),
        ];
        for (name, want) in table {
            assert_eq!(mime_type(Path::new(name)), *want, "{name}");
        }
    }

    proptest! {
        #[test]
        fn joined_paths_never_climb(rel in "[a-z./%25e2fE5c\\\\]{0,40}") {
            let root = Path::new("/srv/www");
            if let Ok(p) = safe_join(root, &rel) {
                prop_assert!(p.starts_with(root));
                prop_assert!(p.components().all(|c| !matches!(c, std::path::Component::ParentDir)));
            }
        }

        #[test]
        fn percent_decode_never_panics(s in ".{0,100}") {
            let out = percent_decode(&s);
            prop_assert!(out.len() <= s.len());
        }
    }
}
