//! The playground's scenarios through the diagnosis engine, end to end without a browser.
//!
//! The test starts `authlens demo` on a free port, then plays each scenario the way the
//! playground page and Chromium would: log in for a token, fetch each step with its
//! credentials mode, send a CORS preflight before a cross-origin request with non-simple
//! headers, follow redirects (dropping `Authorization` on a cross-origin hop), keep the
//! session cookie, and turn a 407 into Chrome's status 0 with `net::ERR_UNEXPECTED_PROXY_AUTH`.
//! Every exchange goes through one [`Analyzer`], as the panel's live stream would; the
//! scenario's `expected_finding` must be the top finding of an exchange its key step made.

// Test helpers outside #[test] functions: a panic here is a failing test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use authlens::cookie::parse_set_cookie;
use authlens::demo::{self, Credentials, DemoConfig, Scenario, SentBy, Target};
use authlens::diagnose::{Analyzer, Config, ExchangeReport};
use authlens::exchange::{Body, Exchange, Headers, Request, Response, UrlParts};
use authlens::finding::Severity;
use authlens::har::EntryMeta;
use authlens::time::Timestamp;

struct Reply {
    status: u16,
    headers: Headers,
    body: String,
}

fn now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    Timestamp(i64::try_from(ms).unwrap())
}

fn dechunk(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(pos) = rest.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..pos]).unwrap_or("0").trim(), 16)
                .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = pos + 2;
        out.extend_from_slice(&rest[start..(start + size).min(rest.len())]);
        rest = &rest[(start + size + 2).min(rest.len())..];
    }
    out
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`).
fn send(port: u16, method: &str, url: &str, headers: &Headers, body: &str) -> Reply {
    let u = UrlParts::parse(url);
    let target = match u.query {
        Some(q) => format!("{}?{q}", u.path),
        None => u.path.to_string(),
    };
    let mut head = format!("{method} {target} HTTP/1.1\r\n");
    for h in headers.iter() {
        head.push_str(&format!("{}: {}\r\n", h.name, h.value));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut s = TcpStream::connect((IpAddr::V4(Ipv4Addr::LOCALHOST), port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut res_headers = Headers::new();
    for l in lines {
        if let Some((n, v)) = l.split_once(':') {
            res_headers.push(n.trim(), v.trim());
        }
    }
    let mut bytes = raw[split + 4..].to_vec();
    if res_headers
        .get("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        bytes = dechunk(&bytes);
    }
    Reply {
        status,
        headers: res_headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// What the page keeps between steps.
#[derive(Default)]
struct Page {
    token: String,
    refresh_token: String,
    dpop_proof: String,
    /// Cookies of the page's own origin (name, value).
    cookies: Vec<(String, String)>,
}

impl Page {
    fn fill(&self, template: &str) -> String {
        template
            .replace("{token}", &self.token)
            .replace("{refresh_token}", &self.refresh_token)
            .replace("{dpop_proof}", &self.dpop_proof)
    }

    fn absorb(&mut self, body: &str) {
        let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(body)
        else {
            return;
        };
        let get = |k: &str| o.get(k).and_then(|v| v.as_str()).map(str::to_string);
        if let Some(t) = get("access_token") {
            self.token = t;
        }
        if let Some(t) = get("refresh_token") {
            self.refresh_token = t;
        }
        if let Some(t) = get("dpop_proof") {
            self.dpop_proof = t;
        }
    }

    fn store_cookies(&mut self, headers: &Headers) {
        for v in headers.get_all("set-cookie") {
            let c = parse_set_cookie(v);
            self.cookies.retain(|(n, _)| *n != c.name);
            if !c.value.is_empty() && c.max_age.is_none_or(|m| m > 0) {
                self.cookies.push((c.name.clone(), c.value.clone()));
            }
        }
    }
}

/// The capture so far, fed to the analyzer as it grows (like the panel).
struct Capture {
    analyzer: Analyzer,
    reports: Vec<ExchangeReport>,
}

impl Capture {
    fn record(&mut self, mut ex: Exchange, error: Option<&str>) -> usize {
        ex.index = self.reports.len();
        let meta = error.map(|e| EntryMeta {
            index: ex.index,
            error: Some(e.to_string()),
            ..EntryMeta::default()
        });
        let update = self.analyzer.push_entry(&ex, meta.as_ref());
        for rev in &update.revisions {
            if let Some(r) = self.reports.get_mut(rev.index) {
                r.apply(rev);
            }
        }
        self.reports.push(update.report);
        ex.index
    }
}

// A HAR entry has this many parts; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn exchange(
    method: &str,
    url: &str,
    req: Headers,
    body: &str,
    rtype: &str,
    started: Timestamp,
    took: Duration,
    reply: Option<&Reply>,
) -> Exchange {
    let mut ex = Exchange {
        started_at: Some(started),
        time_ms: Some(took.as_secs_f64() * 1000.0),
        request: Request {
            method: method.to_string(),
            url: url.to_string(),
            http_version: "HTTP/1.1".into(),
            headers: req,
            body: (!body.is_empty()).then(|| Body {
                mime_type: String::new(),
                text: body.to_string(),
                encoding: None,
            }),
        },
        resource_type: Some(rtype.into()),
        server_ip: Some("127.0.0.1".into()),
        ..Exchange::default()
    };
    if let Some(r) = reply {
        let location = r.headers.get("location").map(|l| resolve(url, l));
        ex.response = Response {
            status: r.status,
            status_text: String::new(),
            http_version: "HTTP/1.1".into(),
            headers: r.headers.clone(),
            body: Some(Body {
                mime_type: r
                    .headers
                    .get("content-type")
                    .unwrap_or("")
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                text: r.body.clone(),
                encoding: None,
            }),
            redirect_url: location,
        };
    }
    ex
}

fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let u = UrlParts::parse(base);
    format!(
        "{}{}",
        u.origin(),
        if location.starts_with('/') {
            location.to_string()
        } else {
            format!("/{location}")
        }
    )
}

/// CORS-safelisted request headers (Fetch standard); anything else needs a preflight.
fn non_simple(headers: &Headers) -> Vec<String> {
    let mut names: Vec<String> = headers
        .iter()
        .map(|h| h.name.to_ascii_lowercase())
        .filter(|n| {
            !matches!(
                n.as_str(),
                "accept" | "accept-language" | "content-language" | "host" | "origin" | "cookie"
            )
        })
        .filter(|n| n != "content-type")
        .collect();
    if headers.get("content-type").is_some_and(|t| {
        ![
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "text/plain",
        ]
        .iter()
        .any(|s| t.starts_with(s))
    }) {
        names.push("content-type".into());
    }
    names.sort();
    names
}

/// One `fetch` of the page: preflight, redirects, the browser's quirks. Returns the
/// indexes of the exchanges it produced, in order.
fn fetch(
    port: u16,
    page_origin: &str,
    step: &demo::Step,
    page: &mut Page,
    cap: &mut Capture,
) -> Vec<usize> {
    let other = format!("http://localhost:{port}");
    let mut url = match step.target {
        Target::SameOrigin => format!("{page_origin}{}", step.path),
        Target::OtherOrigin => format!("{other}{}", step.path),
    };
    if !step.query.is_empty() {
        url = format!("{url}?{}", page.fill(step.query));
    }
    let mut method = step.method.to_string();
    let mut headers = Headers::new();
    headers.push("Accept", "*/*");
    for (n, v) in step.headers {
        headers.push(*n, page.fill(v));
    }
    let mut body = String::new();
    if let Some((ct, text)) = step.body {
        headers.push("Content-Type", ct);
        body = page.fill(text);
    }
    let mut made = Vec::new();
    for _hop in 0..5 {
        let u = UrlParts::parse(&url);
        let cross = u.origin() != page_origin;
        let mut req = Headers::new();
        req.push("Host", format!("{}:{port}", u.host));
        for h in headers.iter() {
            req.push(h.name.clone(), h.value.clone());
        }
        if cross {
            req.push("Origin", page_origin);
        }
        let send_cookies = match step.credentials {
            Credentials::Omit => false,
            Credentials::SameOrigin => !cross,
            Credentials::Include => true,
        };
        if send_cookies && !page.cookies.is_empty() && u.host == "127.0.0.1" {
            let c: Vec<String> = page
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            req.push("Cookie", c.join("; "));
        }
        let extra = non_simple(&headers);
        let simple_method = matches!(method.as_str(), "GET" | "HEAD" | "POST");
        if cross && (!extra.is_empty() || !simple_method) {
            let mut pre = Headers::new();
            pre.push("Host", format!("{}:{port}", u.host));
            pre.push("Accept", "*/*");
            pre.push("Access-Control-Request-Method", method.clone());
            if !extra.is_empty() {
                pre.push("Access-Control-Request-Headers", extra.join(","));
            }
            pre.push("Origin", page_origin);
            let started = now();
            let t = Instant::now();
            let r = send(port, "OPTIONS", &url, &pre, "");
            made.push(cap.record(
                exchange(
                    "OPTIONS",
                    &url,
                    pre,
                    "",
                    "preflight",
                    started,
                    t.elapsed(),
                    Some(&r),
                ),
                None,
            ));
            let allowed = (200..300).contains(&r.status)
                && r.headers
                    .get("access-control-allow-origin")
                    .is_some_and(|o| o == "*" || o == page_origin);
            if !allowed {
                made.push(cap.record(
                    exchange(
                        &method,
                        &url,
                        req,
                        &body,
                        "fetch",
                        now(),
                        Duration::ZERO,
                        None,
                    ),
                    Some("net::ERR_FAILED"),
                ));
                return made;
            }
        }
        let started = now();
        let t = Instant::now();
        let r = send(port, &method, &url, &req, &body);
        if r.status == 407 {
            // Chromium refuses a 407 from a server that is not its proxy (see the scenario).
            made.push(cap.record(
                exchange(
                    &method,
                    &url,
                    req,
                    &body,
                    "fetch",
                    started,
                    t.elapsed(),
                    None,
                ),
                Some("net::ERR_UNEXPECTED_PROXY_AUTH"),
            ));
            return made;
        }
        made.push(cap.record(
            exchange(
                &method,
                &url,
                req,
                &body,
                "fetch",
                started,
                t.elapsed(),
                Some(&r),
            ),
            None,
        ));
        if u.host == "127.0.0.1" {
            page.store_cookies(&r.headers);
        }
        match (r.status, r.headers.get("location")) {
            (301 | 302 | 303 | 307 | 308, Some(loc)) => {
                let next = resolve(&url, loc);
                if UrlParts::parse(&next).origin() != u.origin() {
                    // Fetch standard, HTTP-redirect fetch: Authorization does not cross origins.
                    headers
                        .0
                        .retain(|h| !h.name.eq_ignore_ascii_case("authorization"));
                }
                if r.status == 303 || (matches!(r.status, 301 | 302) && method == "POST") {
                    method = "GET".into();
                    body.clear();
                    headers
                        .0
                        .retain(|h| !h.name.eq_ignore_ascii_case("content-type"));
                }
                url = next;
            }
            _ => {
                page.absorb(&r.body);
                return made;
            }
        }
    }
    made
}

fn login(port: u16, origin: &str, sc: &Scenario, page: &mut Page, cap: &mut Capture) {
    let Some(profile) = sc.token else { return };
    let mut form = format!("profile={}", profile.name());
    if profile.name() == "dpop" {
        let first = sc.steps.iter().find(|s| s.sent_by == SentBy::Page).unwrap();
        let htu = match first.target {
            Target::SameOrigin => format!("{origin}{}", first.path),
            Target::OtherOrigin => format!("http://localhost:{port}{}", first.path),
        };
        form.push_str(&format!(
            "&htu={}&htm={}",
            htu.replace(':', "%3A").replace('/', "%2F"),
            first.method
        ));
    }
    let mut h = Headers::new();
    h.push("Host", format!("127.0.0.1:{port}"));
    h.push(
        "Content-Type",
        "application/x-www-form-urlencoded;charset=UTF-8",
    );
    let url = format!("{origin}/api/login");
    let started = now();
    let t = Instant::now();
    let r = send(port, "POST", &url, &h, &form);
    assert_eq!(r.status, 200, "login for {}: {}", sc.id, r.body);
    cap.record(
        exchange(
            "POST",
            &url,
            h,
            &form,
            "fetch",
            started,
            t.elapsed(),
            Some(&r),
        ),
        None,
    );
    page.absorb(&r.body);
}

fn describe(reports: &[ExchangeReport], idx: &[usize]) -> String {
    idx.iter()
        .filter_map(|i| reports.get(*i))
        .map(|r| {
            let ids: Vec<String> = r
                .findings
                .iter()
                .map(|f| format!("{}({})", f.id, f.severity.as_str()))
                .collect();
            let top = r
                .top()
                .map(|f| format!("\n        top: {} — {}", f.title, f.detail))
                .unwrap_or_default();
            format!(
                "    #{} {} {} → {}: {}{top}",
                r.index,
                r.method,
                r.url,
                r.status,
                ids.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn playground_scenarios_get_their_expected_top_finding() {
    let handle = demo::spawn(DemoConfig {
        port: 0,
        www_dir: std::env::temp_dir().join("authlens-no-www"),
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
    })
    .unwrap();
    let port = handle.port();
    let origin = format!("http://127.0.0.1:{port}");
    let mut cap = Capture {
        analyzer: Analyzer::new(Config::default()),
        reports: Vec::new(),
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for sc in demo::scenarios() {
        let mut page = Page::default();
        login(port, &origin, sc, &mut page, &mut cap);
        let mut by_step: Vec<Vec<usize>> = vec![Vec::new(); sc.steps.len()];
        let mut all: Vec<usize> = Vec::new();
        for (i, step) in sc.steps.iter().enumerate() {
            if step.sent_by != SentBy::Page {
                continue;
            }
            let made = fetch(port, &origin, step, &mut page, &mut cap);
            by_step[i].clone_from(&made);
            all.extend(made);
        }
        // The key step's exchanges are those of the page fetch that reached it.
        let mut key = sc.expect_step.min(sc.steps.len().saturating_sub(1));
        while key > 0 && sc.steps[key].sent_by != SentBy::Page {
            key -= 1;
        }
        let exchanges = &by_step[key];
        match sc.expected_finding {
            Some(expected) => {
                checked += 1;
                let hit = exchanges
                    .iter()
                    .any(|i| cap.reports[*i].top().is_some_and(|f| f.id == expected));
                if !hit {
                    failures.push(format!(
                        "{} expected {expected} on top:\n{}",
                        sc.id,
                        describe(&cap.reports, &all)
                    ));
                }
            }
            None => {
                let noisy = all.iter().any(|i| {
                    cap.reports[*i]
                        .findings
                        .iter()
                        .any(|f| f.severity != Severity::Info)
                });
                if noisy {
                    failures.push(format!(
                        "{} should be clean:\n{}",
                        sc.id,
                        describe(&cap.reports, &all)
                    ));
                }
            }
        }
    }
    handle.stop();
    assert!(
        checked >= 6,
        "only {checked} scenarios with an expected finding"
    );
    assert!(
        failures.is_empty(),
        "{} scenario(s) off:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
