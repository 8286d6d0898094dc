//! From one request to one response, without sockets: routing, the scenario recipes,
//! templates, CORS and the headers every response carries.
//!
//! Everything here is a pure function of the request and an [`Env`] (the clock reading,
//! the port, the analyzer directory, the load balancer's counter), so the whole playground
//! can be tested without a server and property-tested on hostile input.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};

use crate::demo::files::{self, Refusal};
use crate::demo::scenario::{self, Recipe, Reply, Scenario, Step, TokenProfile, BURST, BURST_PATH};
use crate::demo::token::{self, random_hex};
use crate::exchange::{Headers, UrlParts};
use crate::time::Timestamp;

const PAGE_HTML: &str = include_str!("assets/playground.html");
const PAGE_JS: &str = include_str!("assets/playground.js");
const PAGE_CSS: &str = include_str!("assets/playground.css");

/// What the server sends for every response unless a reply says otherwise.
pub const SERVER_NAME: &str = "authlens-playground";

/// How many requests the page's burst control fires by default.
pub const BURST_DEFAULT_COUNT: u32 = 5000;

/// How many burst requests the page keeps in flight.
pub const BURST_CONCURRENCY: u32 = 6;

/// Every how many burst requests the page sends an expired token (so the list has 401s).
pub const BURST_EXPIRED_EVERY: u32 = 10;

/// Request bodies beyond this are cut (the server reads no more).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A request as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// Method as sent (`GET`).
    pub method: &'a str,
    /// Request target as sent (`/api/x?y=1`).
    pub target: &'a str,
    /// Header fields.
    pub headers: &'a Headers,
    /// Body, at most [`MAX_BODY_BYTES`].
    pub body: &'a [u8],
}

/// A response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Status code.
    pub status: u16,
    /// Header fields in order (`Content-Length` is the server's job).
    pub headers: Headers,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// What a response depends on besides the request.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// The server clock, read once per request.
    pub now: Timestamp,
    /// The port the server listens on.
    pub port: u16,
    /// The built analyzer served under `/analyzer/`.
    pub www_dir: &'a Path,
    /// The [`Recipe::Alternate`] load balancer's request counter.
    pub round_robin: &'a AtomicU64,
}

/// Answers one request.
pub fn handle(req: &Incoming<'_>, env: &Env<'_>) -> Outgoing {
    let ctx = Ctx::new(req, env);
    let mut out = route(req, &ctx, env);
    finish(&mut out, req, &ctx, env);
    out
}

/// Per-request values the templates and CORS need.
struct Ctx<'a> {
    path: String,
    query: &'a str,
    /// `http://host:port` as the client addressed us (validated), or the bind address.
    origin: String,
    other_origin: String,
    host_port: Option<u16>,
}

impl<'a> Ctx<'a> {
    fn new(req: &Incoming<'a>, env: &Env<'_>) -> Self {
        let (raw_path, query) = split_target(req.target);
        let path = String::from_utf8_lossy(&files::percent_decode(raw_path)).into_owned();
        let host = req
            .headers
            .get("host")
            .map(str::trim)
            .filter(|h| is_plausible_host(h))
            .unwrap_or("");
        let (name, host_port) = split_host(host);
        let port = host_port.unwrap_or(env.port);
        let name = if name.is_empty() { "127.0.0.1" } else { name };
        let other = if name.eq_ignore_ascii_case("localhost") {
            "127.0.0.1"
        } else {
            "localhost"
        };
        Ctx {
            path,
            query,
            origin: format!("http://{name}:{port}"),
            other_origin: format!("http://{other}:{port}"),
            host_port,
        }
    }
}

/// `(path, query)` of a request target in origin-form or absolute-form ([RFC 9112 §3.2](https://www.rfc-editor.org/rfc/rfc9112#section-3.2)).
fn split_target(target: &str) -> (&str, &str) {
    if target.starts_with('/') {
        let no_frag = target.split('#').next().unwrap_or("");
        no_frag.split_once('?').unwrap_or((no_frag, ""))
    } else if target.contains("://") {
        let u = UrlParts::parse(target);
        (u.path, u.query.unwrap_or(""))
    } else {
        ("", "")
    }
}

/// Host header values we are willing to echo into `Location` and CSP: a reg-name, IPv4 or
/// bracketed IPv6 with an optional port. Anything else could inject into those headers.
fn is_plausible_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

fn split_host(host: &str) -> (&str, Option<u16>) {
    if host.starts_with('[') {
        return match host.split_once(']') {
            Some((h, rest)) => (
                host.get(..h.len() + 1).unwrap_or(""),
                rest.strip_prefix(':').and_then(|p| p.parse().ok()),
            ),
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()),
        None => (host, None),
    }
}

fn route(req: &Incoming<'_>, ctx: &Ctx<'_>, env: &Env<'_>) -> Outgoing {
    let method = req.method.to_ascii_uppercase();
    let path = ctx.path.as_str();
    if path.is_empty() {
        return json_error(400, "bad_request", "unsupported request target");
    }
    let is_read = method == "GET" || method == "HEAD";
    let is_preflight = method == "OPTIONS" && req.headers.contains("access-control-request-method");
    match path {
        "/" | "/playground" | "/playground/" if is_read => page(ctx),
        "/playground.js" if is_read => asset("text/javascript; charset=utf-8", PAGE_JS.as_bytes()),
        "/playground.css" if is_read => asset("text/css; charset=utf-8", PAGE_CSS.as_bytes()),
        "/favicon.ico" if is_read => bare(204),
        "/api/scenarios.json" if is_read => json_out(200, &scenarios_json()),
        "/api/login" if is_read || method == "POST" => login(req, ctx, env),
        "/api/set-control-cookie" if is_read => control_cookie(),
        "/analyzer" if is_read => redirect(308, "/analyzer/"),
        _ if path == BURST_PATH && is_read => recipe(&BURST, req, ctx, env),
        _ if path.starts_with("/analyzer/") && is_read => {
            match path_after(req.target, "/analyzer/") {
                Some(rel) => analyzer(env.www_dir, rel),
                None => json_error(400, "bad_path", "path refused"),
            }
        }
        _ => match scenario::find_step(&method, path) {
            Some((_, step))
                if is_preflight && !matches!(step.recipe, Recipe::PreflightDenied { .. }) =>
            {
                preflight_ok()
            }
            Some((_, step)) => recipe(&step.recipe, req, ctx, env),
            None if is_preflight => preflight_ok(),
            None if method == "OPTIONS" => bare(204),
            None if scenario::path_exists(path) => {
                let mut out = json_error(405, "method_not_allowed", "method not allowed");
                out.headers.push("Allow", allowed_methods(path));
                out
            }
            None => json_error(404, "not_found", "no such endpoint"),
        },
    }
}

/// The raw (still percent-encoded) rest of the target after `prefix`, without the query,
/// so [`files::safe_join`] decodes exactly once. `None` when the raw target spells the
/// prefix with escapes (browsers never do): refusing is simpler than guessing.
fn path_after<'t>(target: &'t str, prefix: &str) -> Option<&'t str> {
    split_target(target).0.strip_prefix(prefix)
}

fn allowed_methods(path: &str) -> String {
    let mut methods: Vec<&str> = scenario::scenarios()
        .iter()
        .flat_map(|sc| sc.steps.iter())
        .filter(|st| st.path == path)
        .map(|st| st.method)
        .collect();
    methods.sort_unstable();
    methods.dedup();
    methods.push("OPTIONS");
    methods.join(", ")
}

// ---- fixed routes ----------------------------------------------------------------------

fn page(ctx: &Ctx<'_>) -> Outgoing {
    let mut out = asset("text/html; charset=utf-8", PAGE_HTML.as_bytes());
    // No inline script or style anywhere on the page, so this CSP costs nothing and proves
    // it; connect-src names the other loopback origin the cross-origin scenarios call.
    out.headers.push(
        "Content-Security-Policy",
        format!(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
             connect-src 'self' {}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ctx.other_origin
        ),
    );
    out.headers.push("Referrer-Policy", "no-referrer");
    out
}

fn asset(content_type: &str, body: &[u8]) -> Outgoing {
    let mut headers = Headers::new();
    headers.push("Content-Type", content_type);
    headers.push("Cache-Control", "no-cache");
    Outgoing {
        status: 200,
        headers,
        body: body.to_vec(),
    }
}

fn bare(status: u16) -> Outgoing {
    Outgoing {
        status,
        headers: Headers::new(),
        body: Vec::new(),
    }
}

fn redirect(status: u16, location: &str) -> Outgoing {
    let mut out = bare(status);
    out.headers.push("Location", location);
    out
}

fn json_out(status: u16, v: &Value) -> Outgoing {
    let mut headers = Headers::new();
    headers.push("Content-Type", "application/json");
    Outgoing {
        status,
        headers,
        body: v.to_string().into_bytes(),
    }
}

fn json_error(status: u16, error: &str, description: &str) -> Outgoing {
    json_out(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

fn preflight_ok() -> Outgoing {
    let mut out = bare(204);
    out.headers.push(
        "Access-Control-Allow-Methods",
        "GET, POST, PUT, DELETE, OPTIONS",
    );
    out.headers.push(
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type, DPoP",
    );
    // Preflights are part of what the panel shows; do not let the browser cache them away.
    out.headers.push("Access-Control-Max-Age", "0");
    out
}

fn control_cookie() -> Outgoing {
    let mut out = json_out(200, &json!({"control": "set"}));
    // The e2e test opens this on the *other* loopback host as a top-level navigation: a
    // cookie that clearing the playground origin's site data must leave alone.
    out.headers.push(
        "Set-Cookie",
        "authlens_control=keep; Path=/; Max-Age=86400; SameSite=Lax",
    );
    out
}

fn analyzer(root: &Path, rel: &str) -> Outgoing {
    match files::load(root, rel) {
        Ok((path, body)) => {
            let mut out = asset(files::mime_type(&path), &body);
            // The extension pages' policy (MV3): a page that works here works in the panel.
            out.headers.push(
                "Content-Security-Policy",
                "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
            );
            out
        }
        Err(Refusal::BadPath) => json_error(400, "bad_path", "path refused"),
        Err(Refusal::TooLarge) => json_error(403, "too_large", "file too large to serve"),
        Err(Refusal::NotFound) => {
            let hint = if root.is_dir() {
                "no such file in the analyzer directory".to_string()
            } else {
                format!(
                    "analyzer not built: {} does not exist (run `make build`)",
                    root.display()
                )
            };
            json_error(404, "not_found", &hint)
        }
    }
}

fn login(req: &Incoming<'_>, ctx: &Ctx<'_>, env: &Env<'_>) -> Outgoing {
    let mut params = form_pairs(ctx.query);
    params.extend(form_pairs(&String::from_utf8_lossy(req.body)));
    let get = |k: &str| {
        params
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    let Some(profile) = get("profile").and_then(TokenProfile::from_name) else {
        return json_error(400, "invalid_request", "unknown or missing profile");
    };
    let htu = get("htu")
        .filter(|u| {
            (u.starts_with("http://") || u.starts_with("https://"))
                && u.len() <= 512
                && !u.chars().any(char::is_control)
        })
        .map_or_else(|| format!("{}/", ctx.origin), str::to_string);
    let htm = get("htm")
        .filter(|m| !m.is_empty() && m.len() <= 10 && m.bytes().all(|b| b.is_ascii_uppercase()))
        .unwrap_or("GET");
    let issued = token::mint(profile, env.now, &ctx.origin, &htu, htm);
    let mut out = json_out(200, &issued.to_json());
    out.headers.push("Pragma", "no-cache");
    out
}

// ---- recipes ---------------------------------------------------------------------------

fn recipe(r: &Recipe, req: &Incoming<'_>, ctx: &Ctx<'_>, env: &Env<'_>) -> Outgoing {
    match r {
        Recipe::Fixed(reply) => render(reply, ctx, env),
        Recipe::TokenGate { ok, rejected } => {
            let current =
                presented_token(req, ctx).is_some_and(|t| token::check(&t, env.now).is_ok());
            render(if current { ok } else { rejected }, ctx, env)
        }
        Recipe::SessionGate { ok, rejected } => render(
            if has_session(req.headers) {
                ok
            } else {
                rejected
            },
            ctx,
            env,
        ),
        Recipe::Alternate([first, second]) => {
            let n = form_pairs(ctx.query)
                .into_iter()
                .find(|(k, _)| k == "attempt")
                .and_then(|(_, v)| v.parse::<u64>().ok())
                .unwrap_or_else(|| env.round_robin.fetch_add(1, Ordering::Relaxed) + 1);
            render(if n % 2 == 1 { first } else { second }, ctx, env)
        }
        Recipe::PreflightDenied { preflight, actual } => {
            if req.method.eq_ignore_ascii_case("OPTIONS") {
                render(preflight, ctx, env)
            } else {
                render(actual, ctx, env)
            }
        }
        Recipe::Refresh(profile) => refresh(*profile, req, ctx, env),
    }
}

/// [RFC 6749 §6](https://www.rfc-editor.org/rfc/rfc6749#section-6) refresh request; errors per [§5.2](https://www.rfc-editor.org/rfc/rfc6749#section-5.2).
fn refresh(profile: TokenProfile, req: &Incoming<'_>, ctx: &Ctx<'_>, env: &Env<'_>) -> Outgoing {
    let params = form_pairs(&String::from_utf8_lossy(req.body));
    let get = |k: &str| {
        params
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    let mut out = match (get("grant_type"), get("refresh_token")) {
        (Some("refresh_token"), Some(rt)) if !rt.is_empty() => {
            let issued = token::mint(profile, env.now, &ctx.origin, "", "GET");
            json_out(200, &issued.to_json())
        }
        (Some("refresh_token"), _) => {
            json_error(400, "invalid_request", "refresh_token is missing")
        }
        (Some(_), _) => json_error(
            400,
            "unsupported_grant_type",
            "only refresh_token is supported here",
        ),
        (None, _) => json_error(400, "invalid_request", "grant_type is missing"),
    };
    out.headers.push("Pragma", "no-cache");
    out
}

/// The token the request presents: `Authorization: Bearer|DPoP <token>` ([RFC 6750 §2.1](https://www.rfc-editor.org/rfc/rfc6750#section-2.1),
/// [RFC 9449 §7.1](https://www.rfc-editor.org/rfc/rfc9449#section-7.1)) or `?access_token=` ([RFC 6750 §2.3](https://www.rfc-editor.org/rfc/rfc6750#section-2.3)).
fn presented_token(req: &Incoming<'_>, ctx: &Ctx<'_>) -> Option<String> {
    let from_header = req.headers.get("authorization").and_then(|v| {
        let (scheme, rest) = v.trim().split_once(' ')?;
        let ok = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop");
        ok.then(|| rest.trim().to_string())
    });
    from_header.or_else(|| {
        form_pairs(ctx.query)
            .into_iter()
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v)
    })
}

fn has_session(headers: &Headers) -> bool {
    headers.get_all("cookie").any(|line| {
        line.split(';')
            .filter_map(|c| c.trim().split_once('='))
            .any(|(name, value)| name.trim() == "session" && !value.trim().is_empty())
    })
}

/// `name=value&…` pairs, `+` as space and percent-decoded (the WHATWG
/// `application/x-www-form-urlencoded` parser). Empty names are dropped.
pub fn form_pairs(s: &str) -> Vec<(String, String)> {
    let decode = |x: &str| {
        String::from_utf8_lossy(&files::percent_decode(&x.replace('+', " "))).into_owned()
    };
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn render(reply: &Reply, ctx: &Ctx<'_>, env: &Env<'_>) -> Outgoing {
    let mut headers = Headers::new();
    for (name, value) in reply.headers {
        headers.push(*name, expand(value, ctx));
    }
    let body = expand(reply.body, ctx).into_bytes();
    if !body.is_empty() {
        headers.push("Content-Type", reply.content_type);
    }
    let date = Timestamp(
        env.now
            .0
            .saturating_add(reply.date_offset_secs.saturating_mul(1000)),
    );
    headers.push("Date", date.to_http_date());
    Outgoing {
        status: reply.status,
        headers,
        body,
    }
}

/// Fills `{name}` placeholders for the known names; other braces (JSON) stay as they are.
fn expand(template: &str, ctx: &Ctx<'_>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        out.push_str(before);
        let after = from_brace.get(1..).unwrap_or("");
        let name_len = after
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
            .count();
        let name = after.get(..name_len).unwrap_or("");
        let closed = after.get(name_len..name_len + 1) == Some("}");
        let value = if closed { var(name, ctx) } else { None };
        match value {
            Some(v) => {
                out.push_str(&v);
                rest = after.get(name_len + 1..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn var(name: &str, ctx: &Ctx<'_>) -> Option<String> {
    Some(match name {
        "nonce" => random_hex(16),
        "session" => format!("s_{}", random_hex(16)),
        "ray" => random_hex(8),
        "origin" => ctx.origin.clone(),
        "other_origin" => ctx.other_origin.clone(),
        "next" => {
            let full = if ctx.query.is_empty() {
                ctx.path.clone()
            } else {
                format!("{}?{}", ctx.path, ctx.query)
            };
            percent_encode_component(&full)
        }
        _ => return None,
    })
}

/// Percent-encodes everything but [RFC 3986 §2.3](https://www.rfc-editor.org/rfc/rfc3986#section-2.3) unreserved characters.
fn percent_encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Headers every response carries: `Date`, `Server`, a cache policy, `nosniff`, and CORS
/// for the other loopback origin.
fn finish(out: &mut Outgoing, req: &Incoming<'_>, ctx: &Ctx<'_>, env: &Env<'_>) {
    if !out.headers.contains("date") {
        out.headers.push("Date", env.now.to_http_date());
    }
    if !out.headers.contains("server") {
        out.headers.push("Server", SERVER_NAME);
    }
    if !out.headers.contains("cache-control") {
        // [RFC 6749 §5.1](https://www.rfc-editor.org/rfc/rfc6749#section-5.1) wants no-store on token responses; an API that is not about
        // caching should not be cacheable either, or every scenario would look like
        // `cached-401`.
        out.headers.push("Cache-Control", "no-store");
    }
    out.headers.push("X-Content-Type-Options", "nosniff");
    if let Some(origin) = req
        .headers
        .get("origin")
        .filter(|o| allowed_origin(o, ctx, env))
    {
        out.headers
            .push("Access-Control-Allow-Origin", origin.to_string());
        out.headers.push("Access-Control-Allow-Credentials", "true");
        out.headers.push(
            "Access-Control-Expose-Headers",
            "WWW-Authenticate, DPoP-Nonce, X-Served-By, Date, Location",
        );
        out.headers.push("Vary", "Origin");
    }
}

/// CORS is granted only to this server's own loopback origins (either name, same port),
/// never to arbitrary sites: the tokens are fake, but the habit should not be.
fn allowed_origin(origin: &str, ctx: &Ctx<'_>, env: &Env<'_>) -> bool {
    let u = UrlParts::parse(origin);
    let loopback = ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .any(|h| u.host.eq_ignore_ascii_case(h));
    let port = u.port.and_then(|p| p.parse::<u16>().ok());
    u.scheme == "http"
        && loopback
        && u.path == "/"
        && u.query.is_none()
        && port.is_some()
        && (port == Some(env.port) || port == ctx.host_port)
}

// ---- scenarios.json --------------------------------------------------------------------

fn scenarios_json() -> Value {
    let list: Vec<Value> = scenario::scenarios().iter().map(scenario_json).collect();
    json!({
        "scenarios": list,
        "login": "/api/login",
        "burst": {
            "path": BURST_PATH,
            "default_count": BURST_DEFAULT_COUNT,
            "concurrency": BURST_CONCURRENCY,
            "expired_every": BURST_EXPIRED_EVERY,
        },
        "placeholders": ["{token}", "{refresh_token}", "{dpop_proof}"],
    })
}

fn scenario_json(sc: &Scenario) -> Value {
    json!({
        "id": sc.id,
        "title": sc.title,
        "description": sc.description,
        "expected_finding": sc.expected_finding,
        "token": sc.token,
        "expect_step": sc.expect_step,
        "steps": sc.steps.iter().map(step_json).collect::<Vec<_>>(),
    })
}

fn step_json(st: &Step) -> Value {
    let headers: Vec<Value> = st.headers.iter().map(|(n, v)| json!([n, v])).collect();
    json!({
        "method": st.method,
        "path": st.path,
        "query": st.query,
        "target": st.target,
        "headers": headers,
        "body": st.body.map(|(ct, text)| json!({"content_type": ct, "text": text})),
        "credentials": st.credentials,
        "sent_by": st.sent_by,
        "status": st.recipe.fixed_status(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;

    const NOW: Timestamp = Timestamp(1_800_000_000_000);

    fn run(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Outgoing {
        let rr = AtomicU64::new(0);
        run_with(&rr, method, target, headers, body)
    }

    fn run_with(
        rr: &AtomicU64,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Outgoing {
        let mut h: Headers = headers.iter().copied().collect();
        if !h.contains("host") {
            h.push("Host", "127.0.0.1:8401");
        }
        let www = PathBuf::from("/nonexistent-authlens-www");
        let env = Env {
            now: NOW,
            port: 8401,
            www_dir: &www,
            round_robin: rr,
        };
        handle(
            &Incoming {
                method,
                target,
                headers: &h,
                body: body.as_bytes(),
            },
            &env,
        )
    }

    fn header<'a>(out: &'a Outgoing, name: &str) -> Option<&'a str> {
        out.headers.get(name)
    }

    fn body_json(out: &Outgoing) -> Value {
        serde_json::from_slice(&out.body).unwrap()
    }

    fn login_token(profile: &str) -> Value {
        body_json(&run(
            "POST",
            "/api/login",
            &[],
            &format!("profile={profile}"),
        ))
    }

    #[test]
    fn expand_fills_known_placeholders_only() {
        let h: Headers = [("Host", "localhost:9000")].into_iter().collect();
        let rr = AtomicU64::new(0);
        let www = PathBuf::new();
        let env = Env {
            now: NOW,
            port: 1,
            www_dir: &www,
            round_robin: &rr,
        };
        let req = Incoming {
            method: "GET",
            target: "/a b?x=1",
            headers: &h,
            body: b"",
        };
        let ctx = Ctx::new(&req, &env);
        let table: &[(&str, &str)] = &[
            ("{origin}", "http://localhost:9000"),
            ("{other_origin}/x", "http://127.0.0.1:9000/x"),
            (r#"{"error":"x"}"#, r#"{"error":"x"}"#),
            ("{unknown}", "{unknown}"),
            ("{", "{"),
            ("{{origin}}", "{http://localhost:9000}"),
            ("{next}", "%2Fa%20b%3Fx%3D1"),
            ("é{origin", "é{origin"),
        ];
        for (t, want) in table {
            assert_eq!(expand(t, &ctx), *want, "{t}");
        }
        assert_eq!(expand("{nonce}", &ctx).len(), 32);
        assert_ne!(expand("{nonce}", &ctx), expand("{nonce}", &ctx));
    }

    #[test]
    fn host_parsing() {
        let table: &[(&str, (&str, Option<u16>))] = &[
            ("127.0.0.1:8401", ("127.0.0.1", Some(8401))),
            ("localhost", ("localhost", None)),
            ("[::1]:80", ("[::1]", Some(80))),
            ("[::1]", ("[::1]", None)),
            ("host:notaport", ("host", None)),
        ];
        for (h, want) in table {
            assert_eq!(split_host(h), *want, "{h}");
        }
        assert!(!is_plausible_host("evil\"><x"));
        assert!(!is_plausible_host("a b"));
        assert!(is_plausible_host("localhost:8401"));
    }

    #[test]
    fn form_pairs_decode() {
        assert_eq!(
            form_pairs("a=1&b=x+y&c=%41&&=skip&d"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "A".into()),
                ("d".into(), String::new()),
            ]
        );
    }

    #[test]
    fn every_response_has_date_server_and_nosniff() {
        for (m, t) in [
            ("GET", "/"),
            ("GET", "/api/healthy/me"),
            ("GET", "/nope"),
            ("GET", "/api/scenarios.json"),
        ] {
            let out = run(m, t, &[], "");
            assert_eq!(header(&out, "server"), Some(SERVER_NAME), "{t}");
            assert_eq!(
                header(&out, "date").and_then(Timestamp::parse_http_date),
                Some(NOW),
                "{t}"
            );
            assert_eq!(header(&out, "x-content-type-options"), Some("nosniff"));
        }
    }

    #[test]
    fn page_has_no_inline_script_and_a_strict_csp() {
        let out = run("GET", "/", &[], "");
        assert_eq!(out.status, 200);
        let csp = header(&out, "content-security-policy").unwrap();
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(
            csp.contains("connect-src 'self' http://localhost:8401"),
            "{csp}"
        );
        let html = String::from_utf8(out.body).unwrap().to_ascii_lowercase();
        // Every <script> has a src and an empty body; no inline handlers or styles.
        for chunk in html.split("<script").skip(1) {
            let (tag, rest) = chunk.split_once('>').unwrap();
            assert!(tag.contains("src=\"/playground.js\""), "{tag}");
            assert!(rest.starts_with("</script>"), "inline script: {rest}");
        }
        assert!(!html.contains(" onclick") && !html.contains(" onload"));
        assert!(!html.contains("style=") && !html.contains("<style"));
        assert!(html.contains("/analyzer/"));
        assert_eq!(
            run("GET", "/playground", &[], "").body,
            run("GET", "/", &[], "").body
        );
        let js = run("GET", "/playground.js", &[], "");
        assert_eq!(
            header(&js, "content-type"),
            Some("text/javascript; charset=utf-8")
        );
        // That the script never parses HTML from strings is checked for every browser-facing
        // source, this one included, by tests/audit_sources.rs.
    }

    #[test]
    fn scenarios_json_lists_the_table() {
        let out = run("GET", "/api/scenarios.json", &[], "");
        assert_eq!(header(&out, "content-type"), Some("application/json"));
        let v = body_json(&out);
        let list = v["scenarios"].as_array().unwrap();
        assert_eq!(list.len(), scenario::scenarios().len());
        let expired = list.iter().find(|s| s["id"] == "expired-jwt").unwrap();
        assert_eq!(expired["expected_finding"], "token-expired");
        assert_eq!(expired["token"], "expired");
        assert_eq!(expired["steps"][0]["headers"][0][1], "Bearer {token}");
        assert_eq!(expired["steps"][0]["target"], "same-origin");
        let healthy = list.iter().find(|s| s["id"] == "healthy").unwrap();
        assert!(healthy["expected_finding"].is_null());
        let cors = list
            .iter()
            .find(|s| s["id"] == "cors-preflight-401")
            .unwrap();
        assert_eq!(cors["steps"][0]["target"], "other-origin");
        assert_eq!(cors["steps"][0]["status"], 401);
        let redirect = list
            .iter()
            .find(|s| s["id"] == "redirect-drops-auth")
            .unwrap();
        assert_eq!(redirect["steps"][1]["sent_by"], "redirect");
        assert_eq!(v["burst"]["default_count"], 5000);
    }

    #[test]
    fn login_mints_each_profile() {
        for p in TokenProfile::ALL {
            let v = login_token(p.name());
            let tok = v["access_token"].as_str().unwrap();
            assert_eq!(tok.split('.').count(), 3, "{p:?}");
            assert!(v["refresh_token"].as_str().unwrap().starts_with("rt_"));
        }
        // The audience is the origin the page talks to.
        let v = body_json(&run(
            "GET",
            "/api/login?profile=valid",
            &[("Host", "localhost:8401")],
            "",
        ));
        let claims = crate::base64::decode(
            v["access_token"]
                .as_str()
                .unwrap()
                .split('.')
                .nth(1)
                .unwrap(),
            crate::base64::Alphabet::UrlSafe,
        );
        let c: Value = serde_json::from_slice(&claims.bytes).unwrap();
        assert_eq!(c["aud"], "http://localhost:8401");
        let bad = run("POST", "/api/login", &[], "profile=root");
        assert_eq!(bad.status, 400);
        assert_eq!(body_json(&bad)["error"], "invalid_request");
        let d = login_token("dpop");
        assert_eq!(d["token_type"], "DPoP");
        assert!(d["dpop_proof"].is_string());
    }

    #[test]
    fn token_gate_admits_current_tokens_only() {
        let valid = login_token("valid")["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let expired = login_token("expired")["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let table: &[(&str, String, u16)] = &[
            ("/api/healthy/me", format!("Bearer {valid}"), 200),
            ("/api/healthy/me", format!("bearer {valid}"), 200),
            ("/api/healthy/me", format!("DPoP {valid}"), 200),
            ("/api/healthy/me", format!("Bearer {expired}"), 401),
            ("/api/healthy/me", "Bearer undefined".into(), 401),
            ("/api/healthy/me", String::new(), 401),
            ("/api/expired-jwt/me", format!("Bearer {expired}"), 401),
            ("/api/forbidden/projects/42", format!("Bearer {valid}"), 403),
            (
                "/api/forbidden/projects/42",
                format!("Bearer {expired}"),
                401,
            ),
        ];
        for (path, auth, want) in table {
            let h: Vec<(&str, &str)> = if auth.is_empty() {
                vec![]
            } else {
                vec![("Authorization", auth.as_str())]
            };
            assert_eq!(run("GET", path, &h, "").status, *want, "{path} {auth}");
        }
        let q = run(
            "GET",
            &format!("/api/token-in-url/export?access_token={valid}"),
            &[],
            "",
        );
        assert_eq!(q.status, 200);
    }

    #[test]
    fn refresh_endpoint_follows_rfc_6749() {
        let table: &[(&str, u16, Option<&str>)] = &[
            ("grant_type=refresh_token&refresh_token=rt_1", 200, None),
            ("grant_type=refresh_token", 400, Some("invalid_request")),
            (
                "grant_type=refresh_token&refresh_token=",
                400,
                Some("invalid_request"),
            ),
            (
                "grant_type=password&username=a",
                400,
                Some("unsupported_grant_type"),
            ),
            ("", 400, Some("invalid_request")),
        ];
        for (body, status, err) in table {
            let out = run("POST", "/api/refresh-ok/token", &[], body);
            assert_eq!(out.status, *status, "{body}");
            assert_eq!(header(&out, "cache-control"), Some("no-store"));
            let v = body_json(&out);
            match err {
                Some(e) => assert_eq!(v["error"], *e, "{body}"),
                None => assert!(v["access_token"].is_string()),
            }
        }
    }

    #[test]
    fn session_gate_reads_the_cookie() {
        let table: &[(&str, u16)] = &[
            ("session=s_abc", 200),
            ("theme=dark; session=s_abc", 200),
            ("session=", 401),
            ("xsession=s_abc", 401),
            ("", 401),
        ];
        for (cookie, want) in table {
            let h: Vec<(&str, &str)> = if cookie.is_empty() {
                vec![]
            } else {
                vec![("Cookie", *cookie)]
            };
            assert_eq!(
                run("GET", "/api/cookie-logout/me", &h, "").status,
                *want,
                "{cookie}"
            );
        }
    }

    #[test]
    fn alternate_follows_attempt_then_counter() {
        let rr = AtomicU64::new(0);
        let statuses: Vec<u16> = (1..=4)
            .map(|i| {
                run_with(
                    &rr,
                    "GET",
                    &format!("/api/inconsistent-backends/me?attempt={i}"),
                    &[],
                    "",
                )
                .status
            })
            .collect();
        assert_eq!(statuses, [200, 401, 200, 401]);
        let served: Vec<String> = (0..4)
            .map(|_| {
                let out = run_with(&rr, "GET", "/api/inconsistent-backends/me", &[], "");
                header(&out, "x-served-by").unwrap().to_string()
            })
            .collect();
        assert_eq!(served, ["api-1", "api-2", "api-1", "api-2"]);
    }

    #[test]
    fn preflights() {
        let pre = [
            ("Origin", "http://127.0.0.1:8401"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
            ("Host", "localhost:8401"),
        ];
        let denied = run("OPTIONS", "/api/cors-preflight-401/data", &pre, "");
        assert_eq!(denied.status, 401);
        assert!(header(&denied, "www-authenticate").is_some());
        let ok = run("OPTIONS", "/api/healthy/me", &pre, "");
        assert_eq!(ok.status, 204);
        assert!(header(&ok, "access-control-allow-headers")
            .unwrap()
            .contains("Authorization"));
        assert_eq!(
            header(&ok, "access-control-allow-origin"),
            Some("http://127.0.0.1:8401")
        );
        // The actual request, which browsers never get to send, would succeed.
        assert_eq!(
            run("GET", "/api/cors-preflight-401/data", &[], "").status,
            200
        );
    }

    #[test]
    fn cors_is_for_our_loopback_origins_only() {
        let table: &[(&str, bool)] = &[
            ("http://127.0.0.1:8401", true),
            ("http://localhost:8401", true),
            ("http://[::1]:8401", true),
            ("http://localhost:8402", false),
            ("https://localhost:8401", false),
            ("http://evil.example:8401", false),
            ("http://localhost", false),
            ("null", false),
        ];
        for (origin, allowed) in table {
            let out = run("GET", "/api/healthy/me", &[("Origin", *origin)], "");
            assert_eq!(
                header(&out, "access-control-allow-origin").is_some(),
                *allowed,
                "{origin}"
            );
        }
    }

    #[test]
    fn redirects_point_where_the_scenarios_say() {
        let out = run(
            "GET",
            "/api/redirect-drops-auth/start",
            &[("Host", "127.0.0.1:8401")],
            "",
        );
        assert_eq!(out.status, 307);
        assert_eq!(
            header(&out, "location"),
            Some("http://localhost:8401/api/redirect-drops-auth/target")
        );
        let out = run(
            "GET",
            "/api/redirect-drops-auth/start",
            &[("Host", "localhost:9")],
            "",
        );
        assert_eq!(
            header(&out, "location"),
            Some("http://127.0.0.1:9/api/redirect-drops-auth/target")
        );
        // A hostile Host header is not echoed.
        let out = run(
            "GET",
            "/api/redirect-drops-auth/start",
            &[("Host", "x\"><script>")],
            "",
        );
        assert_eq!(
            header(&out, "location"),
            Some("http://localhost:8401/api/redirect-drops-auth/target")
        );
        let out = run("GET", "/api/login-redirect/account", &[], "");
        assert_eq!(out.status, 302);
        assert_eq!(
            header(&out, "location"),
            Some("/login?next=%2Fapi%2Flogin-redirect%2Faccount")
        );
        assert_eq!(run("GET", "/login", &[], "").status, 200);
    }

    #[test]
    fn clock_skew_reply_dates_ten_minutes_ahead() {
        let out = run("GET", "/api/clock-skew/me", &[], "");
        let date = Timestamp::parse_http_date(header(&out, "date").unwrap()).unwrap();
        assert_eq!(date.secs_since(NOW), 600);
        assert_eq!(out.headers.get_all("date").count(), 1);
    }

    #[test]
    fn unknown_routes_and_methods() {
        assert_eq!(run("GET", "/nope", &[], "").status, 404);
        let out = run("DELETE", "/api/healthy/me", &[], "");
        assert_eq!(out.status, 405);
        assert_eq!(header(&out, "allow"), Some("GET, OPTIONS"));
        assert_eq!(run("GET", "*", &[], "").status, 400);
        assert_eq!(run("OPTIONS", "/nope", &[], "").status, 204);
        assert_eq!(
            run("GET", "http://127.0.0.1:8401/api/healthy/me", &[], "").status,
            401
        );
    }

    #[test]
    fn head_on_a_post_only_route_is_405_not_the_post_recipe() {
        // HEAD used to match any method, so it ran the token endpoint's recipe.
        let out = run("HEAD", "/api/refresh-ok/token", &[], "");
        assert_eq!(out.status, 405);
        assert_eq!(header(&out, "allow"), Some("POST, OPTIONS"));
        assert_eq!(run("HEAD", "/api/healthy/me", &[], "").status, 401);
    }

    #[test]
    fn analyzer_without_build_explains() {
        let out = run("GET", "/analyzer/", &[], "");
        assert_eq!(out.status, 404);
        assert!(String::from_utf8_lossy(&out.body).contains("make build"));
        assert_eq!(run("GET", "/analyzer", &[], "").status, 308);
        assert_eq!(run("GET", "/analyzer/../Cargo.toml", &[], "").status, 400);
        assert_eq!(
            run("GET", "/analyzer/%2e%2e/Cargo.toml", &[], "").status,
            400
        );
    }

    #[test]
    fn path_after_handles_escaped_prefixes() {
        assert_eq!(path_after("/analyzer/a.js?x", "/analyzer/"), Some("a.js"));
        assert_eq!(path_after("/%61nalyzer/%2e%2e/x", "/analyzer/"), None);
        assert_eq!(path_after("/analyzer%2f..%2fx", "/analyzer/"), None);
        assert_eq!(
            run("GET", "/%61nalyzer/%2e%2e/Cargo.toml", &[], "").status,
            400
        );
    }

    proptest! {
        #[test]
        fn handle_never_panics(
            method in "[A-Z]{0,8}",
            target in "[ -~]{0,80}",
            name in "[!-~]{1,20}",
            value in "[ -~]{0,80}",
            body in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let rr = AtomicU64::new(0);
            let h: Headers = [(name.as_str(), value.as_str())].into_iter().collect();
            let www = PathBuf::from("/nonexistent-authlens-www");
            let env = Env { now: NOW, port: 8401, www_dir: &www, round_robin: &rr };
            let out = handle(&Incoming { method: &method, target: &target, headers: &h, body: &body }, &env);
            prop_assert!((100..600).contains(&out.status));
            for hd in out.headers.iter() {
                prop_assert!(!hd.value.contains(['\r', '\n']), "{}: {}", hd.name, hd.value);
            }
        }

        #[test]
        fn every_step_path_answers_without_panicking(idx in 0usize..200, auth in "[ -~]{0,60}", cookie in "[ -~]{0,60}") {
            let steps: Vec<&Step> = scenario::scenarios().iter().flat_map(|s| s.steps.iter()).collect();
            let st = steps[idx % steps.len()];
            let out = run(st.method, st.path, &[("Authorization", &auth), ("Cookie", &cookie)], "grant_type=refresh_token&refresh_token=x");
            prop_assert!((100..600).contains(&out.status));
        }
    }
}
