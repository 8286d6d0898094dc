//! A `curl` command line → the [`Request`] it would send.
//!
//! Developers share failing requests as "Copy as cURL" (Chrome, Firefox, Postman, API
//! docs). Pasting one into the analyzer shows every credential it carries, decoded. The
//! parser understands POSIX shell quoting (`'…'`, `"…"`, `$'…'`, backslashes, line
//! continuations) and Chrome's "Copy as cURL (cmd)" escaping (`^"…^"`), and the curl
//! options that shape the request: headers, method, body, `-u`, `--oauth2-bearer`,
//! cookies, referer and user agent. Options that only change curl's own behaviour are
//! skipped; unknown ones are reported, never fatal.
//!
//! Diagnostic codes: `unterminated-quote`, `not-a-curl-command`, `missing-url`,
//! `missing-option-value`, `unknown-option`, `cookie-file`, `cmd-escaping`,
//! `auth-needs-challenge` (Digest, NTLM and Negotiate answers need the server's challenge).

use crate::base64::{self, Alphabet};
use crate::diagnostic::Diagnostic;
use crate::exchange::{Body, Headers, Request};

/// What a curl command would send, plus what was odd about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedCurl {
    /// The request (method, URL, headers, body).
    pub request: Request,
    /// Problems, with byte offsets into the command as pasted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether `text` looks like a curl command (so a paste box can route it here).
pub fn looks_like_curl(text: &str) -> bool {
    let t = text.trim_start();
    t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("curl "))
        || t.get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("curl.exe "))
}

/// One shell word and where it started.
struct Word {
    text: String,
    offset: usize,
}

/// Splits a POSIX shell command line into words. Never fails: an unterminated quote ends
/// the word at the end of input with a diagnostic.
fn split_words(input: &str, diags: &mut Vec<Diagnostic>) -> Vec<Word> {
    let mut words = Vec::new();
    let mut chars = input.char_indices().peekable();
    let mut current: Option<Word> = None;
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if let Some(w) = current.take() {
                    words.push(w);
                }
            }
            '\\' => match chars.next() {
                // A line continuation joins lines; it is not part of any word.
                Some((_, '\n')) => {}
                Some((_, '\r')) if chars.peek().is_some_and(|&(_, c)| c == '\n') => {
                    chars.next();
                }
                Some((_, '\r')) => {}
                Some((_, next)) => current
                    .get_or_insert(Word {
                        text: String::new(),
                        offset: i,
                    })
                    .text
                    .push(next),
                None => {}
            },
            '\'' => {
                let w = current.get_or_insert(Word {
                    text: String::new(),
                    offset: i,
                });
                let mut closed = false;
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        closed = true;
                        break;
                    }
                    w.text.push(q);
                }
                if !closed {
                    diags.push(Diagnostic::error(
                        "unterminated-quote",
                        i,
                        "single quote is never closed",
                    ));
                }
            }
            '"' => {
                let w = current.get_or_insert(Word {
                    text: String::new(),
                    offset: i,
                });
                let mut closed = false;
                while let Some((_, q)) = chars.next() {
                    match q {
                        '"' => {
                            closed = true;
                            break;
                        }
                        // Inside double quotes a backslash escapes only these (POSIX 2.2.3).
                        '\\' => match chars.peek().map(|&(_, n)| n) {
                            Some(n @ ('"' | '\\' | '$' | '`')) => {
                                w.text.push(n);
                                chars.next();
                            }
                            Some('\n') => {
                                chars.next();
                            }
                            _ => w.text.push('\\'),
                        },
                        _ => w.text.push(q),
                    }
                }
                if !closed {
                    diags.push(Diagnostic::error(
                        "unterminated-quote",
                        i,
                        "double quote is never closed",
                    ));
                }
            }
            '$' if chars.peek().is_some_and(|&(_, n)| n == '\'') => {
                chars.next();
                let w = current.get_or_insert(Word {
                    text: String::new(),
                    offset: i,
                });
                if !ansi_c_quoted(&mut chars, &mut w.text) {
                    diags.push(Diagnostic::error(
                        "unterminated-quote",
                        i,
                        "$'…' quote is never closed",
                    ));
                }
            }
            _ => current
                .get_or_insert(Word {
                    text: String::new(),
                    offset: i,
                })
                .text
                .push(c),
        }
    }
    if let Some(w) = current.take() {
        words.push(w);
    }
    words
}

/// Bash's `$'…'` (ANSI-C quoting), as Chrome uses for values with control characters.
fn ansi_c_quoted(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    out: &mut String,
) -> bool {
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' => return true,
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return false;
                };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    'x' | 'u' | 'U' => {
                        let max = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut code = 0u32;
                        let mut n = 0;
                        while n < max {
                            match chars.peek().and_then(|&(_, h)| h.to_digit(16)) {
                                Some(d) => {
                                    code = code * 16 + d;
                                    chars.next();
                                    n += 1;
                                }
                                None => break,
                            }
                        }
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    other => out.push(other),
                }
            }
            _ => out.push(c),
        }
    }
    false
}

/// Undoes Windows cmd escaping as Chrome writes it ("Copy as cURL (cmd)"): `^` escapes the
/// next character and `^` + newline continues the line. What remains is double-quoted words
/// with `\"` for a literal quote, which the POSIX splitter reads the same way curl's argv
/// does. Offsets then refer to the converted text, which is close enough to find a word.
fn from_cmd(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\r') => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            Some('\n') => out.push(' '),
            Some(n) => out.push(n),
            None => {}
        }
    }
    out
}

/// Chrome's cmd copies start `curl ^"` and continue lines with ` ^`.
fn is_cmd_style(command: &str) -> bool {
    let t = command.trim_start();
    t.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("curl ^\""))
        || command.contains(" ^\n")
        || command.contains(" ^\r\n")
}

/// Options that take a value and do not change what is sent.
const SKIP_WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-w",
    "--write-out",
    "--cacert",
    "--capath",
    "--cert",
    "-E",
    "--key",
    "--resolve",
    "--retry",
    "--retry-delay",
    "-c",
    "--cookie-jar",
    "-x",
    "--proxy",
    "--proxy-user",
    "-U",
    "--limit-rate",
    "-r",
    "--range",
    "--interface",
    "--dns-servers",
    "--max-redirs",
    "-K",
    "--config",
    "--connect-to",
    "--unix-socket",
    "--trace",
    "--trace-ascii",
    "-D",
    "--dump-header",
];

/// Options without a value that do not change what is sent.
const SKIP_FLAGS: &[&str] = &[
    "--compressed",
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-i",
    "--include",
    "-v",
    "--verbose",
    "-k",
    "--insecure",
    "-L",
    "--location",
    "--http1.0",
    "--http1.1",
    "--http2",
    "--http2-prior-knowledge",
    "--http3",
    "-f",
    "--fail",
    "--fail-with-body",
    "-N",
    "--no-buffer",
    "-#",
    "--progress-bar",
    "-g",
    "--globoff",
    "--location-trusted",
    "-O",
    "--remote-name",
    "-J",
    "--remote-header-name",
    "--raw",
    "--tr-encoding",
    "-n",
    "--netrc",
    "--anyauth",
    "--path-as-is",
    "-4",
    "-6",
    "--ipv4",
    "--ipv6",
];

/// Parses a curl command line. Never fails; see [`ParsedCurl::diagnostics`].
pub fn parse_curl(command: &str) -> ParsedCurl {
    let mut diags = Vec::new();
    let cmd_style = is_cmd_style(command);
    let converted;
    let source = if cmd_style {
        diags.push(Diagnostic::info(
            "cmd-escaping",
            0,
            "windows cmd escaping (^) was undone; offsets refer to the converted command",
        ));
        converted = from_cmd(command);
        converted.as_str()
    } else {
        command
    };
    let words = split_words(source, &mut diags);
    let mut out = ParsedCurl::default();
    let mut it = words.into_iter().peekable();
    match it.next() {
        Some(w)
            if w.text.eq_ignore_ascii_case("curl") || w.text.eq_ignore_ascii_case("curl.exe") => {}
        Some(w) => {
            diags.push(Diagnostic::error(
                "not-a-curl-command",
                w.offset,
                "the command does not start with curl",
            ));
        }
        None => {
            diags.push(Diagnostic::error("not-a-curl-command", 0, "empty command"));
        }
    }
    let mut headers = Headers::new();
    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut data: Vec<String> = Vec::new();
    let mut get = false;
    let mut auth_scheme = "basic";
    let mut user: Option<(String, usize)> = None;
    while let Some(w) = it.next() {
        let (name, inline) = split_option(&w.text);
        let mut value = |diags: &mut Vec<Diagnostic>| -> Option<String> {
            if let Some(v) = &inline {
                return Some(v.clone());
            }
            match it.next() {
                Some(v) => Some(v.text),
                None => {
                    diags.push(Diagnostic::error(
                        "missing-option-value",
                        w.offset,
                        format!("{name} needs a value"),
                    ));
                    None
                }
            }
        };
        match name.as_str() {
            "-H" | "--header" | "--proxy-header" => {
                if let Some(v) = value(&mut diags) {
                    if name == "--proxy-header" {
                        continue;
                    }
                    match v.split_once(':') {
                        Some((n, val)) => headers.push(n.trim(), val.trim()),
                        // `-H "X-Empty;"` sends an empty header; `-H "Host:"` removes one.
                        None => headers.push(v.trim_end_matches(';').trim(), ""),
                    }
                }
            }
            "-X" | "--request" => method = value(&mut diags),
            "-I" | "--head" => method = Some("HEAD".into()),
            "-G" | "--get" => get = true,
            "-u" | "--user" => user = value(&mut diags).map(|v| (v, w.offset)),
            "--basic" => auth_scheme = "basic",
            "--digest" => auth_scheme = "Digest",
            "--ntlm" => auth_scheme = "NTLM",
            "--negotiate" => auth_scheme = "Negotiate",
            "--oauth2-bearer" => {
                if let Some(t) = value(&mut diags) {
                    headers.push("Authorization", format!("Bearer {t}"));
                }
            }
            "-b" | "--cookie" => {
                if let Some(v) = value(&mut diags) {
                    if v.contains('=') {
                        headers.push("Cookie", v);
                    } else {
                        diags.push(Diagnostic::warning(
                            "cookie-file",
                            w.offset,
                            format!("-b {v:?} names a cookie file, which this page cannot read"),
                        ));
                    }
                }
            }
            "-A" | "--user-agent" => {
                if let Some(v) = value(&mut diags) {
                    headers.push("User-Agent", v);
                }
            }
            "-e" | "--referer" => {
                if let Some(v) = value(&mut diags) {
                    headers.push("Referer", v);
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii"
            | "--data-urlencode" => {
                if let Some(v) = value(&mut diags) {
                    data.push(v);
                }
            }
            "--json" => {
                if let Some(v) = value(&mut diags) {
                    data.push(v);
                    headers.push("Content-Type", "application/json");
                    headers.push("Accept", "application/json");
                }
            }
            "--url" => url = value(&mut diags),
            n if SKIP_WITH_VALUE.contains(&n) => {
                let _ = value(&mut diags);
            }
            n if SKIP_FLAGS.contains(&n) => {}
            n if n.starts_with('-') && n.len() > 1 => {
                // Bundled short flags (`-sSL`) are all behaviour flags; anything else is unknown.
                let bundled = !n.starts_with("--")
                    && n.chars().skip(1).all(|c| "sSLkivfgNOJn46#".contains(c));
                if !bundled {
                    diags.push(Diagnostic::warning(
                        "unknown-option",
                        w.offset,
                        format!("option {n} is not understood; it was skipped"),
                    ));
                }
            }
            _ => {
                if url.is_none() {
                    url = Some(w.text);
                }
            }
        }
    }
    if let Some((u, offset)) = user {
        let (name, password) = u.split_once(':').unwrap_or((u.as_str(), ""));
        if auth_scheme == "basic" {
            let pair = format!("{name}:{password}");
            headers.push(
                "Authorization",
                format!(
                    "Basic {}",
                    base64::encode(pair.as_bytes(), Alphabet::Standard)
                ),
            );
        } else {
            diags.push(Diagnostic::info(
                "auth-needs-challenge",
                offset,
                format!("with {auth_scheme}, curl answers the server's challenge with user {name:?}; the header it sends depends on that challenge"),
            ));
        }
    }
    let mut url = url.unwrap_or_else(|| {
        diags.push(Diagnostic::error(
            "missing-url",
            command.len(),
            "no URL in the command",
        ));
        String::new()
    });
    let body_text = data.join("&");
    let has_body = !data.is_empty() && !get;
    if get && !data.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&body_text);
    }
    let method = method.unwrap_or_else(|| {
        if has_body {
            "POST".into()
        } else {
            "GET".into()
        }
    });
    let body = has_body.then(|| Body {
        mime_type: headers
            .get("content-type")
            .unwrap_or("application/x-www-form-urlencoded")
            .to_string(),
        text: body_text,
        encoding: None,
    });
    out.request = Request {
        method,
        url,
        http_version: "HTTP/1.1".into(),
        headers,
        body,
    };
    out.diagnostics = diags;
    out
}

/// `--header=value` / `-XPOST` → (`--header`, Some(value)) / (`-X`, Some(`POST`)).
fn split_option(word: &str) -> (String, Option<String>) {
    if let Some(rest) = word.strip_prefix("--") {
        return match rest.split_once('=') {
            Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
            None => (word.to_string(), None),
        };
    }
    let mut chars = word.chars();
    if chars.next() == Some('-') {
        if let Some(flag) = chars.next() {
            let rest: String = chars.collect();
            // Only value-taking short options glue their value (`-XPOST`, `-HAccept:x`).
            if !rest.is_empty() && "XHudbAeox".contains(flag) {
                return (format!("-{flag}"), Some(rest));
            }
        }
    }
    (word.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn codes(p: &ParsedCurl) -> Vec<&'static str> {
        p.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn chrome_bash_copy() {
        let cmd = "curl 'https://api.example.com/v1/me' \\\n  -H 'accept: application/json' \\\n  -H 'authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' \\\n  -b 'session=abc; theme=dark' \\\n  --compressed";
        let p = parse_curl(cmd);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.request.method, "GET");
        assert_eq!(p.request.url, "https://api.example.com/v1/me");
        assert_eq!(
            p.request.headers.get("Authorization"),
            Some("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")
        );
        assert_eq!(
            p.request.headers.get("cookie"),
            Some("session=abc; theme=dark")
        );
    }

    #[test]
    fn chrome_cmd_copy() {
        let cmd = "curl ^\"https://api.example.com/v1/me^\" ^\n  -H ^\"authorization: Bearer abc^\" ^\n  -H ^\"x-json: ^{^\\^\"a^\\^\":1^}^\"";
        let p = parse_curl(cmd);
        assert_eq!(codes(&p), ["cmd-escaping"]);
        assert_eq!(p.request.url, "https://api.example.com/v1/me");
        assert_eq!(p.request.headers.get("authorization"), Some("Bearer abc"));
    }

    #[test]
    fn options_table() {
        type Case<'a> = (&'a str, &'a str, &'a str, Option<(&'a str, &'a str)>);
        let cases: [Case<'_>; 8] = [
            (
                "curl -u Aladdin:'open sesame' https://x/",
                "GET",
                "https://x/",
                Some(("authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")),
            ),
            (
                "curl --oauth2-bearer tok https://x/",
                "GET",
                "https://x/",
                Some(("authorization", "Bearer tok")),
            ),
            ("curl -XDELETE https://x/a", "DELETE", "https://x/a", None),
            (
                "curl -d grant_type=refresh_token -d refresh_token=r https://id/token",
                "POST",
                "https://id/token",
                None,
            ),
            ("curl -G -d q=1 https://x/s", "GET", "https://x/s?q=1", None),
            ("curl --url=https://x/u -I", "HEAD", "https://x/u", None),
            (
                "curl -sSL -H \"X-Api-Key: k\\\"q\" https://x/",
                "GET",
                "https://x/",
                Some(("x-api-key", "k\"q")),
            ),
            (
                "curl $'https://x/\\x41' -A ua",
                "GET",
                "https://x/A",
                Some(("user-agent", "ua")),
            ),
        ];
        for (cmd, method, url, header) in cases {
            let p = parse_curl(cmd);
            assert_eq!(
                (p.request.method.as_str(), p.request.url.as_str()),
                (method, url),
                "{cmd}"
            );
            if let Some((n, v)) = header {
                assert_eq!(p.request.headers.get(n), Some(v), "{cmd}");
            }
        }
        let body =
            parse_curl("curl -d grant_type=refresh_token -d refresh_token=r https://id/token")
                .request
                .body
                .unwrap();
        assert_eq!(body.text, "grant_type=refresh_token&refresh_token=r");
    }

    #[test]
    fn problems_are_positioned() {
        let p = parse_curl("curl 'https://x/ -H 'a: b'");
        assert!(
            codes(&p).contains(&"unknown-option") || codes(&p).contains(&"unterminated-quote"),
            "{:?}",
            p.diagnostics
        );
        let p = parse_curl("wget https://x/");
        assert_eq!(p.diagnostics[0].code, "not-a-curl-command");
        let p = parse_curl("curl -H");
        assert_eq!(codes(&p), ["missing-option-value", "missing-url"]);
        assert_eq!(p.diagnostics[0].offset, 5);
        let p = parse_curl("curl --frobnicate https://x/");
        assert_eq!(codes(&p), ["unknown-option"]);
        let p = parse_curl("curl --digest -u u:p https://x/");
        assert_eq!(codes(&p), ["auth-needs-challenge"]);
        assert!(p.request.headers.get("authorization").is_none());
    }

    #[test]
    fn recognises_curl_pastes() {
        assert!(looks_like_curl("  curl 'https://x'"));
        assert!(looks_like_curl("CURL.EXE https://x"));
        assert!(!looks_like_curl("Bearer curl"));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,400}") {
            let p = parse_curl(&format!("curl {s}"));
            for d in &p.diagnostics {
                prop_assert!(d.offset <= s.len() + 5 + 2 * s.len());
            }
        }

        #[test]
        fn single_quoted_header_values_survive(v in "[ -&(-~]{0,60}") {
            let p = parse_curl(&format!("curl -H 'X-T: {v}' https://x/"));
            prop_assert_eq!(p.request.headers.get("x-t"), Some(v.trim()));
        }
    }
}
