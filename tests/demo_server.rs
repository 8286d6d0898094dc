//! The playground over real sockets: spawn on port 0, talk HTTP/1.1 with `TcpStream`,
//! drive every scenario the way the page does, and check statuses and key headers.

// Test code: a panic is a failing test, which is the point (as clippy.toml allows inside
// `#[test]` functions; the helpers here are test code too).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authlens::base64::{decode, Alphabet};
use authlens::demo::{self, DemoConfig, DemoHandle, SentBy, Target};
use authlens::time::Timestamp;
use serde_json::Value;

// ---- a tiny HTTP/1.1 client ------------------------------------------------------------

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    raw_head: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request on a fresh connection. `host` is the Host header (the server is
/// always reached at 127.0.0.1; `localhost:PORT` in Host plays the other origin).
fn request(
    port: u16,
    method: &str,
    target: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let _ = s.shutdown(Shutdown::Both);
    parse_response(&raw, method == "HEAD")
}

fn parse_response(raw: &[u8], head_only: bool) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut rest = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_string(), v.trim().to_string())
        })
        .collect();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked && !head_only {
        let mut body = Vec::new();
        let mut cur = &rest[..];
        loop {
            let eol = cur.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&cur[..eol]).unwrap().trim(), 16)
                .unwrap();
            cur = &cur[eol + 2..];
            if size == 0 {
                break;
            }
            body.extend_from_slice(&cur[..size]);
            cur = &cur[size + 2..];
        }
        rest = body;
    }
    if head_only {
        rest.clear();
    }
    Resp {
        status,
        headers,
        body: rest,
        raw_head: head,
    }
}

fn spawn() -> DemoHandle {
    spawn_with(PathBuf::from("/nonexistent/authlens-demo-www"))
}

fn spawn_with(www_dir: PathBuf) -> DemoHandle {
    let h = demo::spawn(DemoConfig {
        port: 0,
        www_dir,
        ..DemoConfig::default()
    })
    .unwrap();
    assert_ne!(h.port(), 0);
    h
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn claims(jwt: &str, segment: usize) -> Value {
    let seg = jwt.split('.').nth(segment).unwrap();
    serde_json::from_slice(&decode(seg, Alphabet::UrlSafe).bytes).unwrap()
}

// ---- a driver that does what playground.js does ----------------------------------------

/// One exchange of a run, as the browser would log it.
#[derive(Debug)]
struct Hop {
    method: String,
    target: String,
    host: String,
    sent_auth: Option<String>,
    resp: Resp,
}

struct Run {
    hops: Vec<Hop>,
    /// Index in `hops` of each table step (preflight-blocked steps point at the preflight).
    step_hops: HashMap<usize, usize>,
    token: Option<Value>,
}

impl Run {
    fn key(&self, sc: &demo::Scenario) -> &Hop {
        &self.hops[self.step_hops[&sc.expect_step]]
    }

    fn statuses(&self) -> Vec<u16> {
        self.hops.iter().map(|h| h.resp.status).collect()
    }
}

fn fill(t: &str, vars: &HashMap<&str, String>) -> String {
    let mut out = t.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Runs a scenario like the page: mint the token, send the page's steps, follow
/// redirects the way Fetch does (dropping Authorization across origins), and stop at a
/// failed CORS preflight. Cookies are kept in a per-host jar.
fn drive(port: u16, sc: &demo::Scenario) -> Run {
    let same = format!("127.0.0.1:{port}");
    let other = format!("localhost:{port}");
    let mut vars: HashMap<&str, String> = HashMap::new();
    let mut token = None;
    let mut jar: HashMap<String, String> = HashMap::new();
    if let Some(profile) = sc.token {
        let first = sc.steps[0];
        let htu = format!("http://{same}{}", first.path);
        let body = format!("profile={}&htu={htu}&htm={}", profile.name(), first.method);
        let r = request(
            port,
            "POST",
            "/api/login",
            &same,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 200, "{}: login {}", sc.id, r.text());
        let v = r.json();
        vars.insert("token", v["access_token"].as_str().unwrap().to_string());
        vars.insert(
            "refresh_token",
            v["refresh_token"].as_str().unwrap().to_string(),
        );
        if let Some(p) = v["dpop_proof"].as_str() {
            vars.insert("dpop_proof", p.to_string());
        }
        token = Some(v);
    }
    let mut hops = Vec::new();
    let mut step_hops = HashMap::new();
    let mut i = 0;
    while i < sc.steps.len() {
        let st = sc.steps[i];
        assert_eq!(st.sent_by, SentBy::Page, "{}: step {i}", sc.id);
        let host = if st.target == Target::SameOrigin {
            same.clone()
        } else {
            other.clone()
        };
        let mut target = st.path.to_string();
        if !st.query.is_empty() {
            target.push('?');
            target.push_str(&fill(st.query, &vars));
        }
        let mut headers: Vec<(String, String)> = st
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), fill(v, &vars)))
            .collect();
        let body = st.body.map(|(ct, b)| {
            headers.push(("Content-Type".into(), ct.into()));
            fill(b, &vars)
        });
        if st.target == Target::OtherOrigin {
            headers.push(("Origin".into(), format!("http://{same}")));
            // Authorization is not CORS-safelisted: the browser asks first.
            let pre = request(
                port,
                "OPTIONS",
                &target,
                &host,
                &[
                    ("Origin", &format!("http://{same}")),
                    ("Access-Control-Request-Method", st.method),
                    ("Access-Control-Request-Headers", "authorization"),
                ],
                b"",
            );
            let ok = (200..300).contains(&pre.status);
            hops.push(Hop {
                method: "OPTIONS".into(),
                target: target.clone(),
                host: host.clone(),
                sent_auth: None,
                resp: pre,
            });
            if !ok {
                step_hops.insert(i, hops.len() - 1);
                i += 1;
                continue;
            }
        }
        if st.credentials != demo::Credentials::Omit {
            if let Some(c) = jar.get(&host) {
                headers.push(("Cookie".into(), c.clone()));
            }
        }
        let send_headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let resp = request(
            port,
            st.method,
            &target,
            &host,
            &send_headers,
            body.as_deref().unwrap_or("").as_bytes(),
        );
        absorb_cookies(&mut jar, &host, &resp);
        if let Ok(v) = serde_json::from_slice::<Value>(&resp.body) {
            if let Some(t) = v["access_token"].as_str() {
                vars.insert("token", t.to_string());
            }
            if let Some(t) = v["refresh_token"].as_str() {
                vars.insert("refresh_token", t.to_string());
            }
        }
        let auth = headers
            .iter()
            .find(|(n, _)| n == "Authorization")
            .map(|(_, v)| v.clone());
        let status = resp.status;
        let location = resp.header("location").map(str::to_string);
        hops.push(Hop {
            method: st.method.into(),
            target,
            host: host.clone(),
            sent_auth: auth.clone(),
            resp,
        });
        step_hops.insert(i, hops.len() - 1);
        i += 1;
        // Follow a redirect into the next (redirect-reached) step, as fetch does.
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let next = sc.steps.get(i).expect("redirect without a table step");
            assert_eq!(next.sent_by, SentBy::Redirect);
            let loc = location.unwrap();
            let (next_host, next_target) = match loc.strip_prefix("http://") {
                Some(rest) => {
                    let (h, p) = rest.split_once('/').unwrap();
                    (h.to_string(), format!("/{p}"))
                }
                None => (host.clone(), loc.clone()),
            };
            assert!(next_target.starts_with(next.path), "{loc} vs {}", next.path);
            let cross = next_host != host;
            let mut h2: Vec<(&str, &str)> = Vec::new();
            let auth2 = if cross { None } else { auth.clone() };
            if let Some(a) = &auth2 {
                h2.push(("Authorization", a));
            }
            let origin = format!("http://{host}");
            if cross {
                h2.push(("Origin", &origin));
            }
            let resp = request(port, "GET", &next_target, &next_host, &h2, b"");
            hops.push(Hop {
                method: "GET".into(),
                target: next_target,
                host: next_host,
                sent_auth: auth2,
                resp,
            });
            step_hops.insert(i, hops.len() - 1);
            i += 1;
        }
    }
    Run {
        hops,
        step_hops,
        token,
    }
}

fn absorb_cookies(jar: &mut HashMap<String, String>, host: &str, resp: &Resp) {
    for sc in resp.headers_named("set-cookie") {
        let (pair, attrs) = sc.split_once(';').unwrap_or((sc, ""));
        let (name, value) = pair.split_once('=').unwrap();
        let gone = attrs.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
        assert_eq!(name.trim(), "session");
        if gone {
            jar.remove(host);
        } else {
            jar.insert(
                host.to_string(),
                format!("{}={}", name.trim(), value.trim()),
            );
        }
    }
}

// ---- what each scenario must look like on the wire --------------------------------------

enum Check {
    Has(&'static str, &'static str),
    Is(&'static str, &'static str),
    Absent(&'static str),
    Body(&'static str),
}

use Check::*;

/// Status of the key exchange plus header/body checks, written independently of the table.
fn expectations() -> Vec<(&'static str, u16, Vec<Check>)> {
    vec![
        (
            "expired-jwt",
            401,
            vec![
                Has("www-authenticate", r#"Bearer realm="playground""#),
                Has("www-authenticate", r#"error="invalid_token""#),
                Has("www-authenticate", "expired"),
            ],
        ),
        (
            "missing-challenge",
            401,
            vec![
                Absent("www-authenticate"),
                Is("content-type", "application/json"),
                Body(r#""error":{"code":"unauthenticated""#),
            ],
        ),
        (
            "insufficient-scope",
            403,
            vec![
                Has("www-authenticate", r#"error="insufficient_scope""#),
                Has("www-authenticate", r#"scope="write""#),
            ],
        ),
        (
            "cors-preflight-401",
            401,
            vec![
                Has("www-authenticate", "Bearer"),
                Is("access-control-allow-origin", "ORIGIN"),
            ],
        ),
        (
            "digest-stale",
            401,
            vec![
                Has("www-authenticate", "Digest "),
                Has("www-authenticate", "stale=true"),
                Has("www-authenticate", r#"algorithm=SHA-256"#),
            ],
        ),
        (
            "cacheable-401",
            401,
            vec![
                Is("cache-control", "public, max-age=600"),
                Absent("vary"),
                Has("www-authenticate", "Bearer"),
            ],
        ),
        (
            "cookie-logout",
            401,
            vec![Has("www-authenticate", "Cookie"), Body("not_authenticated")],
        ),
        (
            "bearer-undefined",
            401,
            vec![Has("www-authenticate", r#"error="invalid_token""#)],
        ),
        (
            "redirect-drops-auth",
            401,
            vec![
                Is("www-authenticate", r#"Bearer realm="playground""#),
                Is("access-control-allow-origin", "ORIGIN"),
                Has("access-control-expose-headers", "WWW-Authenticate"),
            ],
        ),
        ("healthy", 200, vec![Body(r#""id":"user-42""#)]),
        (
            "proxy-auth",
            407,
            vec![
                Is("proxy-authenticate", r#"Basic realm="corp-proxy""#),
                Absent("www-authenticate"),
            ],
        ),
        (
            "dpop-nonce",
            401,
            vec![
                Has("www-authenticate", "DPoP "),
                Has("www-authenticate", r#"error="use_dpop_nonce""#),
                Has("dpop-nonce", ""),
            ],
        ),
        (
            "audience-mismatch",
            401,
            vec![Has(
                "www-authenticate",
                r#"error_description="The audience 'https://other.example' is invalid""#,
            )],
        ),
        (
            "not-yet-valid",
            401,
            vec![Has("www-authenticate", "not yet valid")],
        ),
        (
            "clock-skew",
            401,
            vec![Has("www-authenticate", r#"error="invalid_token""#)],
        ),
        (
            "scheme-mismatch",
            401,
            vec![Is("www-authenticate", r#"Bearer realm="playground""#)],
        ),
        (
            "malformed-authorization",
            401,
            vec![Has("www-authenticate", "malformed")],
        ),
        ("token-in-url", 200, vec![Body("rows")]),
        (
            "login-redirect",
            302,
            vec![Is(
                "location",
                "/login?next=%2Fapi%2Flogin-redirect%2Faccount",
            )],
        ),
        (
            "edge-block",
            403,
            vec![
                Is("server", "cloudflare"),
                Has("cf-ray", "-FRA"),
                Has("content-type", "text/html"),
                Body("Sorry, you have been blocked"),
            ],
        ),
        ("refresh-ok", 200, vec![Body(r#""fresh":true"#)]),
        (
            "refresh-loop",
            401,
            vec![Has("www-authenticate", "signature key was not found")],
        ),
        (
            "refresh-failed",
            400,
            vec![Body(r#""error":"invalid_grant""#)],
        ),
        (
            "forbidden",
            403,
            vec![Absent("www-authenticate"), Body("project 42")],
        ),
        (
            "inconsistent-backends",
            401,
            vec![Is("x-served-by", "api-2")],
        ),
        (
            "alg-none",
            401,
            vec![Has("www-authenticate", "Unsigned tokens")],
        ),
        (
            "xss",
            401,
            vec![
                Has(
                    "www-authenticate",
                    r#"realm="<img src=x onerror=alert(1)>""#,
                ),
                Is("x-'&ltimg&gt'", "<svg onload=window.__authlens_xss=5>"),
                Body("<script>window.__authlens_xss=1</script>"),
            ],
        ),
    ]
}

#[test]
fn every_scenario_behaves_as_documented() {
    let h = spawn();
    let port = h.port();
    let origin = format!("http://127.0.0.1:{port}");
    let table = expectations();
    // The table and this list must cover the same scenarios, so a new scenario needs a test.
    let mut ids: Vec<&str> = demo::scenarios().iter().map(|s| s.id).collect();
    let mut tested: Vec<&str> = table.iter().map(|(id, _, _)| *id).collect();
    ids.sort_unstable();
    tested.sort_unstable();
    assert_eq!(ids, tested);
    for (id, status, checks) in &table {
        let sc = demo::scenarios().iter().find(|s| s.id == *id).unwrap();
        let run = drive(port, sc);
        let key = &run.key(sc).resp;
        assert_eq!(
            key.status,
            *status,
            "{id}: {:?}\n{}",
            run.statuses(),
            key.text()
        );
        for c in checks {
            match c {
                Has(name, part) => {
                    let v = key
                        .header(name)
                        .unwrap_or_else(|| panic!("{id}: no {name}\n{}", key.raw_head));
                    assert!(v.contains(part), "{id}: {name}: {v} lacks {part}");
                }
                Is(name, want) => {
                    let want = if *want == "ORIGIN" {
                        origin.as_str()
                    } else {
                        want
                    };
                    assert_eq!(
                        key.header(name),
                        Some(want),
                        "{id}: {name}\n{}",
                        key.raw_head
                    );
                }
                Absent(name) => assert_eq!(key.header(name), None, "{id}: {name}"),
                Body(part) => assert!(key.text().contains(part), "{id}: {}", key.text()),
            }
        }
        // Every response is dated and signed by the playground, except the edge's own.
        for hop in &run.hops {
            let date = hop.resp.header("date").expect("Date");
            let t = Timestamp::parse_http_date(date).expect("IMF-fixdate");
            let off = t.unix_secs() - now_secs();
            if *id == "clock-skew" && hop.method == "GET" {
                assert!((540..=660).contains(&off), "{id}: Date off by {off}s");
            } else {
                assert!(off.abs() <= 60, "{id}: Date off by {off}s");
            }
            let server = hop.resp.header("server");
            if *id == "edge-block" && hop.method == "GET" {
                assert_eq!(server, Some("cloudflare"));
            } else {
                assert_eq!(server, Some(demo::SERVER_NAME), "{id}");
            }
        }
    }
}

fn scenario(id: &str) -> &'static demo::Scenario {
    demo::scenarios().iter().find(|s| s.id == id).unwrap()
}

#[test]
fn minted_tokens_match_their_stories() {
    let h = spawn();
    let now = now_secs();
    type ClaimCheck = fn(&Value, i64) -> bool;
    let table: &[(&str, &str, ClaimCheck)] = &[
        (
            "expired-jwt",
            "exp = now - 5 min, iat = now - 65 min",
            |c, now| {
                (c["exp"].as_i64().unwrap() - (now - 300)).abs() <= 5
                    && (c["iat"].as_i64().unwrap() - (now - 3900)).abs() <= 5
            },
        ),
        ("insufficient-scope", "scope read", |c, _| {
            c["scope"] == "read"
        }),
        ("audience-mismatch", "aud other.example", |c, _| {
            c["aud"] == "https://other.example"
        }),
        ("not-yet-valid", "nbf in the future", |c, now| {
            c["nbf"].as_i64().unwrap() > now + 500
        }),
        ("clock-skew", "exp within 10 min", |c, now| {
            let exp = c["exp"].as_i64().unwrap();
            exp > now && exp < now + 600
        }),
        ("healthy", "aud is the API origin", |c, _| {
            c["aud"].as_str().unwrap().starts_with("http://127.0.0.1:")
        }),
        ("xss", "markup in claims", |c, _| {
            c["name"] == "<script>window.__authlens_xss=1</script>"
                && c["nickname"] == "\"><svg onload=window.__authlens_xss=2>"
        }),
    ];
    for (id, what, ok) in table {
        let run = drive(h.port(), scenario(id));
        let tok = run.token.as_ref().unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            ok(&claims(&tok, 1), now),
            "{id}: {what}: {}",
            claims(&tok, 1)
        );
    }
    let none = drive(h.port(), scenario("alg-none"));
    let tok = none.token.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(claims(&tok, 0)["alg"], "none");
    assert!(tok.ends_with('.'));
    let dpop = drive(h.port(), scenario("dpop-nonce"));
    let proof = dpop.token.unwrap()["dpop_proof"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(claims(&proof, 0)["typ"], "dpop+jwt");
    assert_eq!(
        claims(&proof, 1)["htu"],
        format!("http://127.0.0.1:{}/api/dpop-nonce/account", h.port())
    );
}

#[test]
fn flows_produce_their_sequences() {
    let h = spawn();
    let table: &[(&str, &[u16])] = &[
        ("refresh-ok", &[401, 200, 200]),
        ("refresh-loop", &[401, 200, 401, 200, 401, 200, 401]),
        ("refresh-failed", &[401, 400]),
        ("inconsistent-backends", &[200, 401, 200, 401]),
        ("cookie-logout", &[200, 200, 200, 401]),
        ("redirect-drops-auth", &[307, 401]),
        ("login-redirect", &[302, 200]),
        ("cors-preflight-401", &[401]),
    ];
    for (id, want) in table {
        let run = drive(h.port(), scenario(id));
        assert_eq!(run.statuses(), *want, "{id}");
    }
    // The refresh token endpoint was asked with grant_type=refresh_token and answered no-store.
    let run = drive(h.port(), scenario("refresh-ok"));
    assert_eq!(run.hops[1].method, "POST");
    assert_eq!(run.hops[1].resp.header("cache-control"), Some("no-store"));
    // Inconsistent backends: different identities for the same request.
    let run = drive(h.port(), scenario("inconsistent-backends"));
    let served: Vec<&str> = run
        .hops
        .iter()
        .map(|h| h.resp.header("x-served-by").unwrap())
        .collect();
    assert_eq!(served, ["api-1", "api-2", "api-1", "api-2"]);
}

#[test]
fn cookie_session_sets_then_clears_the_cookie() {
    let h = spawn();
    let run = drive(h.port(), scenario("cookie-logout"));
    let login = run.hops[0].resp.header("set-cookie").unwrap();
    assert!(login.starts_with("session=s_"), "{login}");
    for attr in ["Path=/", "HttpOnly", "SameSite=Lax"] {
        assert!(login.contains(attr), "{login}");
    }
    assert!(!login.contains("Domain"), "host-only cookie: {login}");
    let logout = run.hops[2].resp.header("set-cookie").unwrap();
    assert!(logout.starts_with("session=;"), "{logout}");
    assert!(logout.contains("Max-Age=0"), "{logout}");
    // /me with the cookie succeeded, without it failed.
    assert_eq!(run.hops[1].resp.status, 200);
    assert_eq!(run.hops[3].resp.status, 401);
}

#[test]
fn cross_origin_redirect_loses_authorization() {
    let h = spawn();
    let run = drive(h.port(), scenario("redirect-drops-auth"));
    let first = &run.hops[0];
    assert!(first.sent_auth.as_deref().unwrap().starts_with("Bearer ey"));
    assert_eq!(
        first.resp.header("location"),
        Some(
            format!(
                "http://localhost:{}/api/redirect-drops-auth/target",
                h.port()
            )
            .as_str()
        )
    );
    let second = &run.hops[1];
    assert_eq!(second.host, format!("localhost:{}", h.port()));
    assert_eq!(second.target, "/api/redirect-drops-auth/target");
    assert_eq!(second.sent_auth, None);
    // Had the browser kept the header, the target would have accepted the token.
    let resp = request(
        h.port(),
        "GET",
        "/api/redirect-drops-auth/target",
        &second.host,
        &[("Authorization", first.sent_auth.as_deref().unwrap())],
        b"",
    );
    assert_eq!(resp.status, 200);
}

#[test]
fn xss_scenario_emits_hostile_header_names_verbatim() {
    let h = spawn();
    let run = drive(h.port(), scenario("xss"));
    let head = &run.key(scenario("xss")).resp.raw_head;
    assert!(
        head.contains("\r\nx-\"><img: <img src=x onerror=window.__authlens_xss=4>"),
        "{head}"
    );
    assert!(head.contains("\r\nx-'&ltimg&gt': "), "{head}");
}

#[test]
fn scenario_list_endpoint_matches_the_table() {
    let h = spawn();
    let r = request(
        h.port(),
        "GET",
        "/api/scenarios.json",
        "127.0.0.1",
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v = r.json();
    let list = v["scenarios"].as_array().unwrap();
    assert_eq!(list.len(), demo::scenarios().len());
    for (json, sc) in list.iter().zip(demo::scenarios()) {
        assert_eq!(json["id"], sc.id);
        assert_eq!(json["title"], sc.title);
        assert_eq!(json["expected_finding"].as_str(), sc.expected_finding);
        assert_eq!(json["steps"].as_array().unwrap().len(), sc.steps.len());
        assert_eq!(json["expect_step"], sc.expect_step);
    }
    // The issue-2 and issue-4 failure modes are all there, each with its rule.
    let findings: Vec<&str> = list
        .iter()
        .filter_map(|s| s["expected_finding"].as_str())
        .collect();
    for rule in [
        "token-expired",
        "missing-challenge",
        "insufficient-scope",
        "cors-preflight-unauthorized",
        "digest-stale-nonce",
        "cached-401",
        "cookie-not-sent",
        "bearer-placeholder",
        "authorization-stripped-on-redirect",
        "proxy-auth-required",
        "dpop-nonce-required",
        "audience-mismatch",
        "token-not-yet-valid",
        "clock-skew",
        "scheme-mismatch",
        "malformed-authorization",
        "token-in-url",
        "login-redirect",
        "edge-block",
        "token-refreshed",
        "refresh-loop",
        "refresh-failed",
        "forbidden-not-unauthorized",
        "inconsistent-backends",
        "alg-none",
    ] {
        assert!(findings.contains(&rule), "no scenario for {rule}");
    }
    assert_eq!(v["burst"]["path"], demo::BURST_PATH);
    assert_eq!(v["burst"]["default_count"], 5000);
}

#[test]
fn page_script_and_control_cookie() {
    let h = spawn();
    for path in ["/", "/playground"] {
        let r = request(h.port(), "GET", path, "127.0.0.1", &[], b"");
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        let csp = r.header("content-security-policy").unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(r
            .text()
            .contains(r#"<script src="/playground.js" defer></script>"#));
    }
    let js = request(h.port(), "GET", "/playground.js", "127.0.0.1", &[], b"");
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(js.text().contains("/api/scenarios.json"));
    let css = request(h.port(), "GET", "/playground.css", "127.0.0.1", &[], b"");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    let c = request(
        h.port(),
        "GET",
        "/api/set-control-cookie",
        &format!("localhost:{}", h.port()),
        &[],
        b"",
    );
    assert_eq!(c.status, 200);
    let cookie = c.header("set-cookie").unwrap();
    assert!(cookie.starts_with("authlens_control="), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[test]
fn burst_endpoint_mixes_200_and_401() {
    let h = spawn();
    let login = |p: &str| {
        let r = request(
            h.port(),
            "POST",
            "/api/login",
            "127.0.0.1",
            &[],
            format!("profile={p}").as_bytes(),
        );
        r.json()["access_token"].as_str().unwrap().to_string()
    };
    let (valid, expired) = (login("valid"), login("expired"));
    let ok = request(
        h.port(),
        "GET",
        &format!("{}?i=1", demo::BURST_PATH),
        "127.0.0.1",
        &[("Authorization", &format!("Bearer {valid}"))],
        b"",
    );
    assert_eq!(ok.status, 200);
    let no = request(
        h.port(),
        "GET",
        &format!("{}?i=0", demo::BURST_PATH),
        "127.0.0.1",
        &[("Authorization", &format!("Bearer {expired}"))],
        b"",
    );
    assert_eq!(no.status, 401);
}

#[test]
fn concurrent_requests_are_all_answered() {
    let h = spawn();
    let port = h.port();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                let mut statuses = Vec::new();
                for i in 0..40 {
                    let target = format!("/api/inconsistent-backends/me?attempt={}", t * 40 + i);
                    statuses.push(request(port, "GET", &target, "127.0.0.1", &[], b"").status);
                }
                statuses
            })
        })
        .collect();
    let all: Vec<u16> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert_eq!(all.len(), 320);
    assert_eq!(all.iter().filter(|s| **s == 200).count(), 160);
    assert_eq!(all.iter().filter(|s| **s == 401).count(), 160);
}

#[test]
fn keep_alive_connection_serves_several_requests() {
    let h = spawn();
    let mut s = TcpStream::connect(("127.0.0.1", h.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let req = "GET /api/healthy/me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    s.write_all(req.repeat(3).as_bytes()).unwrap();
    s.write_all(b"GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert_eq!(raw.matches("HTTP/1.1 401").count(), 3, "{raw}");
    assert_eq!(raw.matches("HTTP/1.1 204").count(), 1, "{raw}");
}

// ---- static files -----------------------------------------------------------------------

fn www_fixture() -> PathBuf {
    let base = std::env::temp_dir().join(format!("authlens-demo-test-{}", std::process::id()));
    let www = base.join("www");
    std::fs::create_dir_all(www.join("pkg")).unwrap();
    std::fs::write(base.join("secret.txt"), "TOP-SECRET-OUTSIDE-WWW").unwrap();
    std::fs::write(
        www.join("index.html"),
        "<!doctype html><title>analyzer</title>",
    )
    .unwrap();
    std::fs::write(www.join("app.js"), "export const x = 1;").unwrap();
    std::fs::write(www.join("style.css"), "body{}").unwrap();
    std::fs::write(www.join("pkg").join("authlens_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    www
}

#[test]
fn analyzer_files_have_their_mime_types() {
    let h = spawn_with(www_fixture());
    let table: &[(&str, &str, &[u8])] = &[
        (
            "/analyzer/",
            "text/html; charset=utf-8",
            b"<!doctype html><title>analyzer</title>",
        ),
        (
            "/analyzer/index.html",
            "text/html; charset=utf-8",
            b"<!doctype html><title>analyzer</title>",
        ),
        (
            "/analyzer/app.js",
            "text/javascript; charset=utf-8",
            b"export const x = 1;",
        ),
        ("/analyzer/style.css", "text/css; charset=utf-8", b"body{}"),
        (
            "/analyzer/pkg/authlens_bg.wasm",
            "application/wasm",
            b"\0asm\x01\0\0\0",
        ),
        (
            "/analyzer/app.js?v=3",
            "text/javascript; charset=utf-8",
            b"export const x = 1;",
        ),
    ];
    for (path, mime, body) in table {
        let r = request(h.port(), "GET", path, "127.0.0.1", &[], b"");
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(*mime), "{path}");
        assert_eq!(r.body, *body, "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    let r = request(h.port(), "GET", "/analyzer", "127.0.0.1", &[], b"");
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some("/analyzer/"));
    let r = request(
        h.port(),
        "GET",
        "/analyzer/missing.js",
        "127.0.0.1",
        &[],
        b"",
    );
    assert_eq!(r.status, 404);
    let r = request(h.port(), "HEAD", "/analyzer/app.js", "127.0.0.1", &[], b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("19"));
}

#[test]
fn directory_traversal_is_refused() {
    let h = spawn_with(www_fixture());
    for target in [
        "/../Cargo.toml",
        "/../../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/analyzer/../secret.txt",
        "/analyzer/../../Cargo.toml",
        "/analyzer/%2e%2e/secret.txt",
        "/analyzer/%2E%2E%2Fsecret.txt",
        "/analyzer/..%2fsecret.txt",
        "/analyzer/..%5csecret.txt",
        "/analyzer/pkg/../../secret.txt",
        "/analyzer/%252e%252e/secret.txt",
        "/analyzer//../secret.txt",
        "/analyzer/.%2e/secret.txt",
        "/%61nalyzer/%2e%2e/secret.txt",
        "http://127.0.0.1/analyzer/../secret.txt",
    ] {
        let r = request(h.port(), "GET", target, "127.0.0.1", &[], b"");
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: {} {}",
            r.status,
            r.text()
        );
        assert!(!r.text().contains("TOP-SECRET"), "{target}");
        assert!(!r.text().contains("[package]"), "{target}");
    }
}

#[test]
fn missing_analyzer_build_says_how_to_build_it() {
    let h = spawn();
    let r = request(h.port(), "GET", "/analyzer/", "127.0.0.1", &[], b"");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("make build"), "{}", r.text());
}

// ---- lifecycle --------------------------------------------------------------------------

#[test]
fn stop_closes_the_socket_and_busy_ports_are_reported() {
    let h = spawn();
    let port = h.port();
    let busy = demo::spawn(DemoConfig {
        port,
        ..DemoConfig::default()
    });
    assert_eq!(busy.unwrap_err().kind(), std::io::ErrorKind::AddrInUse);
    assert!(h.url().starts_with("http://127.0.0.1:"));
    h.stop();
    // The listener is gone: connecting fails, or the connection is closed unanswered.
    let answered = TcpStream::connect(("127.0.0.1", port))
        .ok()
        .and_then(|mut s| {
            s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
            let mut buf = [0u8; 16];
            match s.read(&mut buf) {
                Ok(n) if n > 0 => Some(()),
                _ => None,
            }
        });
    assert!(answered.is_none(), "server still answers after stop");
}
