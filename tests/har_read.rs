//! HAR reading: browser dialects, broken files, the incremental reader, single entries.

// Helpers outside #[test] functions may fail loudly too: this whole crate is a test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::diagnostic::Severity;
use authlens::har::{
    entry_from_json, parse_entry, parse_entry_list, parse_har, HarDocument, HarReader,
};
use authlens::time::Timestamp;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/har/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> HarDocument {
    parse_har(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn codes(doc: &HarDocument) -> Vec<(Option<usize>, &'static str)> {
    doc.diagnostics
        .iter()
        .map(|d| (d.entry, d.diagnostic.code))
        .collect()
}

#[test]
fn chrome_export() {
    let doc = parse("chrome.har");
    assert_eq!(codes(&doc), vec![]);
    assert_eq!(doc.version.as_deref(), Some("1.2"));
    let creator = doc.creator.as_ref().unwrap();
    assert_eq!(
        (creator.name.as_str(), creator.version.as_str()),
        ("WebInspector", "537.36")
    );
    assert_eq!(doc.pages.len(), 1);
    assert_eq!(doc.pages[0].id, "page_1");
    assert_eq!(doc.pages[0].on_load_ms, Some(688.31));
    assert_eq!(doc.exchanges.len(), 5);
    assert_eq!(doc.meta.len(), 5);

    let summary: Vec<_> = doc
        .exchanges
        .iter()
        .map(|x| {
            (
                x.index,
                x.request.method.as_str(),
                x.response.status,
                x.resource_type.as_deref(),
                x.from_cache.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (0, "GET", 200, Some("document"), None),
            (1, "OPTIONS", 204, Some("preflight"), None),
            (2, "GET", 401, Some("fetch"), None),
            (3, "POST", 200, Some("fetch"), None),
            (4, "GET", 200, Some("image"), Some("memory")),
        ]
    );

    let nav = &doc.exchanges[0];
    assert_eq!(
        nav.started_at,
        Timestamp::parse_rfc3339("2026-03-02T09:14:05.118Z")
    );
    assert_eq!(nav.time_ms, Some(131.74));
    assert_eq!(nav.server_ip.as_deref(), Some("203.0.113.10"));
    // Pseudo-headers are set aside, in order; real headers keep order and case.
    let pseudo: Vec<_> = doc.meta[0]
        .request_pseudo_headers
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(pseudo, vec![":authority", ":method", ":path", ":scheme"]);
    assert!(!nav.request.headers.iter().any(|h| h.name.starts_with(':')));
    assert_eq!(nav.request.headers.0[0].name, "accept");
    assert_eq!(
        nav.request.headers.get("Cookie"),
        Some("sid=s%3A9f8e7d6c5b4a39281706f5e4d3c2b1a0; theme=dark")
    );
    assert_eq!(doc.meta[0].request_cookie_count, Some(2));
    assert_eq!(doc.meta[0].timings.ssl, Some(18.4));
    assert_eq!(doc.meta[0].priority.as_deref(), Some("VeryHigh"));
    assert_eq!(doc.meta[0].connection.as_deref(), Some("418822"));

    // The preflight names its initiator URL directly.
    assert_eq!(
        doc.exchanges[1].initiator.as_deref(),
        Some("https://app.example.com/static/js/main.4f1c2e.js")
    );
    assert_eq!(doc.meta[1].initiator_type.as_deref(), Some("preflight"));
    assert_eq!(doc.meta[1].timings.dns, None);
    assert_eq!(doc.exchanges[1].response.body, None);
    assert_eq!(doc.meta[1].content_mime_type.as_deref(), Some("x-unknown"));

    // The 401: the initiator comes from the async parent stack (the top frame has no URL).
    let failed = &doc.exchanges[2];
    assert!(failed.is_auth_failure());
    assert_eq!(
        failed.initiator.as_deref(),
        Some("https://app.example.com/static/js/main.4f1c2e.js")
    );
    assert!(failed
        .response
        .headers
        .get("WWW-Authenticate")
        .unwrap()
        .contains("invalid_token"));
    assert_eq!(failed.server_ip.as_deref(), Some("[2001:db8::2]"));

    // Form post and two Set-Cookie fields kept apart.
    let token = &doc.exchanges[3];
    let body = token.request.body.as_ref().unwrap();
    assert_eq!(body.mime_type, "application/x-www-form-urlencoded");
    assert!(body.text.starts_with("grant_type=refresh_token&"));
    assert_eq!(token.response.headers.get_all("set-cookie").count(), 2);
    assert_eq!(doc.meta[3].request_headers_size, Some(182.0));

    // Base64 content stays encoded.
    let image = doc.exchanges[4].response.body.as_ref().unwrap();
    assert_eq!(image.encoding.as_deref(), Some("base64"));
    assert!(image.text.starts_with("iVBORw0KGgo"));
    assert_eq!(doc.exchanges[4].server_ip, None);
    assert_eq!(doc.exchanges[4].request.http_version, "");
}

#[test]
fn firefox_export() {
    let doc = parse("firefox.har");
    assert_eq!(codes(&doc), vec![]);
    assert_eq!(doc.browser.as_ref().unwrap().version, "135.0");
    assert_eq!(doc.pages[0].on_load_ms, None);
    let first = &doc.exchanges[0];
    // +01:00 offsets are honoured.
    assert_eq!(
        first.started_at,
        Timestamp::parse_rfc3339("2026-03-02T09:20:11.402Z")
    );
    assert_eq!(first.time_ms, Some(2.0));
    assert_eq!(first.resource_type, None);
    assert_eq!(first.response.status, 401);
    assert_eq!(first.response.status_text, "Unauthorized");
    assert_eq!(doc.meta[0].security_state.as_deref(), Some("insecure"));
    assert_eq!(doc.meta[0].connection.as_deref(), Some("8401"));
    assert_eq!(doc.meta[0].request_headers_size, Some(256.0));
    assert_eq!(
        doc.exchanges[1].request.headers.get("authorization"),
        Some("Basic YWRtaW46")
    );
    // An empty body text is still a captured body.
    assert_eq!(
        doc.exchanges[1]
            .response
            .body
            .as_ref()
            .map(|b| b.text.as_str()),
        Some("")
    );
    // `cache.afterRequest: null` is Firefox's "served from cache".
    assert_eq!(doc.exchanges[2].from_cache.as_deref(), Some("cache"));
    assert_eq!(doc.exchanges[1].from_cache, None);
    assert_eq!(doc.exchanges[2].response.body, None);
    assert_eq!(doc.meta[2].timings.blocked, None);
    assert_eq!(doc.meta[2].timings.wait, Some(0.0));
}

#[test]
fn safari_export() {
    let doc = parse("safari.har");
    assert_eq!(codes(&doc), vec![]);
    assert_eq!(doc.creator.as_ref().unwrap().name, "WebKit Web Inspector");
    let account = &doc.exchanges[0];
    assert_eq!(account.response.status, 403);
    assert_eq!(account.request.http_version, "h2");
    assert_eq!(account.from_cache, None);
    assert_eq!(doc.meta[0].fetch_type.as_deref(), Some("Network Load"));
    assert_eq!(doc.meta[0].priority.as_deref(), Some("high"));
    assert_eq!(doc.meta[0].timings.connect, None);
    assert_eq!(doc.meta[0].timings.wait, Some(181.9));
    // Safari's `_fetchType` says where the response came from.
    assert_eq!(doc.exchanges[1].from_cache.as_deref(), Some("disk"));
    assert_eq!(doc.meta[1].content_size, Some(3204.0));
}

#[test]
fn playwright_export() {
    let doc = parse("playwright.har");
    assert_eq!(codes(&doc), vec![]);
    assert_eq!(doc.browser.as_ref().unwrap().name, "chromium");
    let post = &doc.exchanges[0];
    assert_eq!(post.request.method, "POST");
    assert_eq!(
        post.request.body.as_ref().map(|b| b.text.as_str()),
        Some("{\"sku\":\"A-1009\",\"qty\":2}")
    );
    assert_eq!(post.response.status, 401);
    assert_eq!(post.time_ms, Some(47.126));
    let meta = &doc.meta[0];
    assert_eq!(meta.server_port, Some(5173));
    assert_eq!(meta.monotonic_time, Some(188_213.448));
    assert_eq!(
        meta.frameref.as_deref(),
        Some("frame@0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f")
    );
    assert_eq!(meta.transfer_size, Some(298.0));
    // A connection failure: status -1 in Playwright, 0 here, with the reason kept.
    assert_eq!(doc.exchanges[1].response.status, 0);
    assert_eq!(
        doc.meta[1].error.as_deref(),
        Some("net::ERR_CONNECTION_REFUSED")
    );
    assert_eq!(doc.exchanges[1].server_ip, None);
}

#[test]
fn truncated_file_keeps_complete_entries() {
    let bytes = fixture("broken-truncated.har");
    let doc = parse_har(&bytes).unwrap();
    assert_eq!(doc.exchanges.len(), 2);
    assert_eq!(codes(&doc), vec![(Some(2), "truncated-file")]);
    let d = &doc.diagnostics[0];
    assert_eq!(d.diagnostic.severity, Severity::Error);
    // The diagnostic points at the string the file ends in (the URL of entry 2).
    assert_eq!(bytes[d.diagnostic.offset], b'"');
    assert!(bytes[d.diagnostic.offset..].starts_with(b"\"https://api.example"));
    let before = &bytes[..d.diagnostic.offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    assert_eq!(d.line, line);
    assert_eq!(line, 105);
    assert_eq!(d.column, 18);
}

#[test]
fn entries_not_an_array_is_an_error_with_position() {
    let err = parse_har(&fixture("broken-entries-not-array.har")).unwrap_err();
    assert_eq!(err.code, "entries-not-array");
    assert_eq!((err.line, err.column), (8, 16));
    assert!(err.message.contains("an object"), "{}", err.message);
    assert!(err.to_string().contains("line 8, column 16"));
}

#[test]
fn wrong_types_are_tolerated_or_isolated() {
    let doc = parse("broken-wrong-types.har");
    let indexes: Vec<_> = doc.exchanges.iter().map(|x| x.index).collect();
    // Entry 2 has a string for `request`: it alone is dropped.
    assert_eq!(indexes, vec![0, 1, 3]);
    let tolerant = &doc.exchanges[1];
    assert_eq!(tolerant.response.status, 401);
    assert_eq!(tolerant.time_ms, Some(12.5));
    assert_eq!(tolerant.resource_type, None);
    assert_eq!(
        tolerant.response.headers.get("www-authenticate"),
        Some("Bearer")
    );
    let found = codes(&doc);
    assert!(found.contains(&(Some(1), "header-not-object")), "{found:?}");
    assert!(found.contains(&(Some(1), "wrong-type")), "{found:?}");
    assert!(found.contains(&(Some(2), "missing-request")), "{found:?}");
    assert!(
        found.iter().all(|(e, _)| matches!(e, Some(1 | 2))),
        "{found:?}"
    );
    let missing = doc
        .diagnostics
        .iter()
        .find(|d| d.diagnostic.code == "missing-request")
        .unwrap();
    assert_eq!(missing.diagnostic.severity, Severity::Error);
    assert!(missing.line > 1);
    // Numbers-as-strings are accepted silently; only real type mismatches are reported.
    let wrong: Vec<_> = doc
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.code == "wrong-type")
        .map(|d| d.diagnostic.message.as_str())
        .collect();
    assert_eq!(wrong.len(), 3, "{wrong:?}");
    assert!(wrong
        .iter()
        .any(|m| m.contains("`_resourceType` is an object")));
    assert!(wrong.iter().any(|m| m.contains("`timings` is a string")));
    assert!(wrong.iter().any(|m| m.contains("`request` is a string")));
}

#[test]
fn invalid_utf8_is_replaced_and_reported_at_the_byte() {
    let bytes = fixture("broken-invalid-utf8.har");
    let bad = bytes.iter().position(|&b| b == 0xff).unwrap();
    let doc = parse_har(&bytes).unwrap();
    assert_eq!(doc.exchanges.len(), 2);
    assert_eq!(codes(&doc), vec![(Some(0), "invalid-utf8")]);
    assert_eq!(doc.diagnostics[0].diagnostic.offset, bad);
    assert_eq!(
        doc.exchanges[0].request.headers.get("accept"),
        Some("application/json; x=\u{fffd}\u{fffd}")
    );
}

#[test]
fn deeply_nested_entry_is_skipped_alone() {
    let doc = parse("broken-deeply-nested.har");
    let indexes: Vec<_> = doc.exchanges.iter().map(|x| x.index).collect();
    assert_eq!(indexes, vec![0, 2]);
    assert_eq!(codes(&doc), vec![(Some(1), "nesting-too-deep")]);
}

#[test]
fn not_har_errors_table() {
    let cases: [(&[u8], &str, (usize, usize)); 10] = [
        (b"", "empty-file", (1, 1)),
        (b"   \n ", "empty-file", (2, 2)),
        (b"[1, 2]", "not-har", (1, 1)),
        (b"\n\n  <html>", "not-har", (3, 3)),
        (b"{\"foo\": 1}", "missing-log", (1, 10)),
        (b"{\"log\": []}", "log-not-object", (1, 9)),
        (
            b"{\"log\": {\"version\": \"1.2\"}}",
            "missing-entries",
            (1, 9),
        ),
        (b"{\"log\": {\"version\" \"1.2\"}}", "invalid-json", (1, 20)),
        (b"{\"log\": {\"pages\": [{]}", "mismatched-bracket", (1, 21)),
        (
            b"{\"log\": {\"creator\": {\"name\": \"x",
            "truncated-file",
            (1, 30),
        ),
    ];
    for (input, code, (line, column)) in cases {
        let err = parse_har(input).unwrap_err();
        assert_eq!(
            (err.code, err.line, err.column),
            (code, line, column),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn odd_but_readable_documents() {
    // BOM, `entries` before `pages`, and members after `log`.
    let text = "\u{feff}{\"log\": {\"entries\": [], \"pages\": [{\"id\": \"p\"}], \"creator\": {\"name\": \"x\"}}, \"extra\": true}";
    let doc = parse_har(text.as_bytes()).unwrap();
    assert_eq!(doc.pages.len(), 1);
    assert_eq!(doc.creator.unwrap().name, "x");
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);

    // A non-object entry is skipped; trailing garbage is only a warning.
    let doc = parse_har(br#"{"log": {"entries": [42, {"request": {"url": "u"}}]}} xyz"#).unwrap();
    assert_eq!(doc.exchanges.len(), 1);
    assert_eq!(doc.exchanges[0].index, 1);
    assert_eq!(
        codes(&doc),
        vec![
            (Some(0), "entry-not-object"),
            (Some(1), "missing-response"),
            (None, "trailing-data")
        ]
    );

    // A missing comma between entries stops reading with a positioned error.
    let doc = parse_har(br#"{"log": {"entries": [{"request": {}} {"request": {}}]}}"#).unwrap();
    assert_eq!(doc.exchanges.len(), 1);
    assert_eq!(codes(&doc).last(), Some(&(None, "invalid-json")));
}

#[test]
fn batches_report_progress_and_match_the_one_shot_parse() {
    let bytes = fixture("chrome.har");
    let whole = parse_har(&bytes).unwrap();
    let mut reader = HarReader::new(bytes.as_slice()).unwrap();
    assert_eq!(
        reader.header().creator.as_ref().unwrap().name,
        "WebInspector"
    );
    let mut seen = Vec::new();
    let mut progress = Vec::new();
    loop {
        let batch = reader.next_batch(2);
        assert_eq!(batch.total_bytes, bytes.len());
        assert!(batch.exchanges.len() <= 2);
        assert_eq!(batch.exchanges.len(), batch.meta.len());
        progress.push(batch.bytes_done);
        seen.extend(batch.exchanges);
        if batch.done {
            break;
        }
    }
    assert!(reader.is_done());
    assert_eq!(seen, whole.exchanges);
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert_eq!(progress.last(), Some(&bytes.len()));
    assert_eq!(progress.len(), 3);
    // After the end, batches are empty.
    let after = reader.next_batch(10);
    assert!(after.done && after.exchanges.is_empty() && after.diagnostics.is_empty());
    // An owning reader works the same.
    let owned = HarReader::new(bytes.clone()).unwrap().into_document();
    assert_eq!(owned, whole);
}

#[test]
fn single_entry_from_devtools() {
    let json = r#"{"startedDateTime":"2026-03-02T09:14:05.447Z","time":38.5,
        "request":{"method":"GET","url":"https://api.example.com/v1/me","httpVersion":"http/2.0",
          "headers":[{"name":":method","value":"GET"},{"name":"authorization","value":"Bearer abc"}]},
        "response":{"status":401,"statusText":"","headers":[{"name":"www-authenticate","value":"Bearer"}],
          "content":{"size":0,"mimeType":""}},
        "_resourceType":"fetch"}"#;
    let x = entry_from_json(json, 7).unwrap();
    assert_eq!(x.index, 7);
    assert_eq!(x.response.status, 401);
    assert_eq!(x.request.headers.len(), 1);
    assert_eq!(x.resource_type.as_deref(), Some("fetch"));
    let parsed = parse_entry(json, 7).unwrap();
    assert_eq!(parsed.meta.request_pseudo_headers.len(), 1);
    assert!(parsed.diagnostics.is_empty());

    let bad = [
        ("", "entry-not-object", 0),
        ("[1]", "entry-not-object", 0),
        ("{\"request\": ", "truncated-entry", 12),
        ("{\"request\": {}} x", "invalid-json", 16),
        ("{\"time\": 1}", "missing-request", 0),
        (
            "{\"time\": 1, \"time\": 2, \"request\": {}}",
            "invalid-entry",
            17,
        ),
    ];
    for (json, code, offset) in bad {
        let d = entry_from_json(json, 0).unwrap_err();
        assert_eq!((d.code, d.offset), (code, offset), "{json}");
    }
    let deep = format!("{{\"request\": {}1{}}}", "[".repeat(500), "]".repeat(500));
    assert_eq!(
        entry_from_json(&deep, 0).unwrap_err().code,
        "nesting-too-deep"
    );
}

#[test]
fn started_date_time_and_status_problems_are_warnings() {
    let json = r#"{"startedDateTime": "yesterday", "request": {"url": "https://x/"},
        "response": {"status": 1234.5}}"#;
    let parsed = parse_entry(json, 0).unwrap();
    let found: Vec<_> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(found, vec!["invalid-started-date-time", "invalid-status"]);
    assert_eq!(parsed.exchange.started_at, None);
    assert_eq!(parsed.exchange.response.status, 0);
}

#[test]
fn regression_newline_joined_set_cookie_is_split() {
    let json = r#"{"request": {"url": "https://x/"}, "response": {"status": 200, "headers": [
        {"name": "set-cookie", "value": "a=1; Path=/\nb=2; Secure\r\n"},
        {"name": "x-other", "value": "one\ntwo"}]}}"#;
    let parsed = parse_entry(json, 0).unwrap();
    let values: Vec<_> = parsed
        .exchange
        .response
        .headers
        .get_all("Set-Cookie")
        .collect();
    assert_eq!(values, vec!["a=1; Path=/", "b=2; Secure"]);
    assert_eq!(
        parsed.exchange.response.headers.get("x-other"),
        Some("one\ntwo")
    );
    let found: Vec<_> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(found, vec!["set-cookie-split"]);
}

#[test]
fn regression_entry_from_json_enforces_the_depth_limit() {
    // serde_json skips ignored values iteratively, without its recursion limit, so the
    // single-entry path must apply the scanner's limit itself.
    let deep = format!(
        "{{\"_x\": {}1{}, \"request\": {{}}}}",
        "[".repeat(300),
        "]".repeat(300)
    );
    let d = entry_from_json(&deep, 4).unwrap_err();
    assert_eq!(d.code, "nesting-too-deep");
    assert!(d.message.starts_with("entry 4:"), "{}", d.message);
}

#[test]
fn entry_list_reads_each_entry_as_parse_entry_does() {
    // The entries of the Chrome fixture, as the panel hands a batch to wasm.
    let doc: serde_json::Value = serde_json::from_slice(&fixture("chrome.har")).unwrap();
    let entries = doc["log"]["entries"].as_array().unwrap();
    let list = serde_json::to_string(entries).unwrap();
    let batch = parse_entry_list(list.as_bytes(), 40);
    assert!(batch.done);
    assert!(batch.diagnostics.is_empty(), "{:?}", batch.diagnostics);
    assert_eq!(batch.exchanges.len(), entries.len());
    for (i, e) in entries.iter().enumerate() {
        let one = parse_entry(&serde_json::to_string(e).unwrap(), 40 + i).unwrap();
        assert_eq!(batch.exchanges[i], one.exchange);
        assert_eq!(batch.meta[i], one.meta);
    }
}

#[test]
fn entry_list_problems_table() {
    let ok = r#"{"request": {"url": "https://x/"}, "response": {"status": 200}}"#;
    // (list, indexes read, diagnostics as (entry, code))
    type Case = (String, Vec<usize>, Vec<(Option<usize>, &'static str)>);
    let cases: Vec<Case> = vec![
        // A bad element keeps its index; the others load.
        (
            format!("[{ok}, 5, {ok}]"),
            vec![10, 12],
            vec![(Some(11), "entry-not-object")],
        ),
        (
            format!(r#"[{ok}, {{"time": 1}}]"#),
            vec![10],
            vec![(Some(11), "missing-request")],
        ),
        (format!(" \n[{ok}]\n "), vec![10], vec![]),
        ("[]".to_owned(), vec![], vec![]),
        (format!("[{ok}] x"), vec![10], vec![(None, "trailing-data")]),
        (
            format!("[{ok}, {ok}"),
            vec![10, 11],
            vec![(None, "truncated-file")],
        ),
        (
            format!("{{\"entries\": [{ok}]}}"),
            vec![],
            vec![(None, "entries-not-array")],
        ),
        ("".to_owned(), vec![], vec![(None, "entries-not-array")]),
    ];
    for (json, indexes, codes) in cases {
        let batch = parse_entry_list(json.as_bytes(), 10);
        let got: Vec<usize> = batch.exchanges.iter().map(|x| x.index).collect();
        assert_eq!(got, indexes, "{json}");
        let found: Vec<(Option<usize>, &str)> = batch
            .diagnostics
            .iter()
            .map(|d| (d.entry, d.diagnostic.code))
            .collect();
        assert_eq!(found, codes, "{json}");
        assert!(batch.done, "{json}");
        assert_eq!(batch.meta.len(), batch.exchanges.len());
    }
}
