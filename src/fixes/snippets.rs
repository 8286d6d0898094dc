//! Server-side fixes with configuration snippets in the detected server's dialect.
//!
//! Every server fix offers nginx, Apache and Express (the three most common places a 401 is
//! produced or passed through), plus Spring or ASP.NET when the response says it came from
//! one; the detected dialect comes first and is marked. Values quoted from the capture
//! (origin, path, method) are reduced to safe characters before they go into a snippet, so
//! a hostile header cannot inject configuration.

use crate::exchange::UrlParts;

use super::server::{Detected, Edge, Stack};
use super::{endpoint, hint, quote, Fix, FixContext, Snippet};

/// Keeps characters that are safe inside any of the snippet languages' string literals.
fn clean(value: &str, extra: &[char], max: usize) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || extra.contains(c))
        .take(max)
        .collect()
}

struct Facts {
    origin: String,
    path: String,
    method: String,
    headers: String,
    detected: Detected,
}

fn facts(ctx: &FixContext<'_>) -> Facts {
    let ex = ctx.exchange;
    let req_h = |name: &str| ex.and_then(|e| e.request.headers.get(name));
    let origin = ctx
        .hint(hint::ORIGIN)
        .or_else(|| req_h("origin"))
        .map(|o| clean(o, &[':', '/', '.', '-', '[', ']'], 200))
        .filter(|o| !o.is_empty())
        .unwrap_or_else(|| "https://app.example.com".to_string());
    let path = ex
        .map(|e| {
            let p = UrlParts::parse(&e.request.url).path;
            // Configure the API's prefix, not one resource: keep the first path segment.
            let first = p.trim_start_matches('/').split('/').next().unwrap_or("");
            clean(&format!("/{first}"), &['/', '.', '-', '_', '~'], 100)
        })
        .filter(|p| p.len() > 1)
        .unwrap_or_else(|| "/api".to_string());
    let method = req_h("access-control-request-method")
        .map(|m| clean(m, &['-'], 20))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "GET, POST, PUT, PATCH, DELETE".to_string());
    let headers = req_h("access-control-request-headers")
        .map(|h| clean(h, &['-', ',', ' '], 200))
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "authorization, content-type".to_string());
    Facts {
        origin,
        path,
        method,
        headers,
        detected: ctx.detected(),
    }
}

/// Orders `candidates` (label, stack, lang, code) for the detected stack: nginx, Apache and
/// Express always; Spring and ASP.NET only when detected (IIS counts as ASP.NET).
fn pick(detected: &Detected, candidates: Vec<(Stack, &'static str, String)>) -> Vec<Snippet> {
    let det = match detected.stack {
        Some(Stack::Iis) => Some(Stack::AspNet),
        s => s,
    };
    let mut out: Vec<Snippet> = candidates
        .into_iter()
        .filter(|(stack, _, _)| {
            matches!(stack, Stack::Nginx | Stack::Apache | Stack::Express) || Some(*stack) == det
        })
        .map(|(stack, lang, code)| Snippet {
            label: stack.name().to_string(),
            lang,
            code,
            detected: Some(stack) == det,
        })
        .collect();
    // Stable: the detected one first, the rest in the catalogue's order.
    out.sort_by_key(|s| !s.detected);
    out
}

fn server_step(d: &Detected) -> Option<String> {
    let stack = d.stack.map(Stack::name);
    let edge = d.edge.map(Edge::name);
    match (stack, edge) {
        (Some(s), Some(e)) => Some(format!("Detected {s} behind {e}.")),
        (Some(s), None) => Some(format!("Detected {s} from the response headers.")),
        (None, Some(e)) => Some(format!("Detected {e} in front of the application.")),
        (None, None) => None,
    }
}

fn with_server(mut fix: Fix, d: &Detected) -> Fix {
    if let Some(s) = server_step(d) {
        fix = fix.step(s);
    }
    fix
}

pub(super) fn allow_preflight(ctx: &FixContext<'_>) -> Fix {
    let f = facts(ctx);
    let (o, p, m, h) = (&f.origin, &f.path, &f.method, &f.headers);
    let fix = Fix::new("allow-preflight", format!("Answer OPTIONS preflights on {p} before authentication"))
        .step(format!(
            "A CORS preflight never carries credentials (Fetch standard, CORS-preflight fetch), so authentication must not run on OPTIONS: answer it with 204 and the CORS headers for {o}."
        ))
        .step(format!("The preflight asked for method {} and headers {}.", quote(m), quote(h)));
    let candidates = vec![
        (
            Stack::Nginx,
            "nginx",
            format!(
                "location {p}/ {{\n    if ($request_method = OPTIONS) {{\n        add_header Access-Control-Allow-Origin \"{o}\" always;\n        add_header Access-Control-Allow-Methods \"{m}\" always;\n        add_header Access-Control-Allow-Headers \"{h}\" always;\n        add_header Access-Control-Allow-Credentials \"true\" always;\n        add_header Access-Control-Max-Age 600 always;\n        add_header Vary Origin always;\n        return 204;\n    }}\n    # auth_request / proxy_pass for the real methods below\n}}"
            ),
        ),
        (
            Stack::Apache,
            "apache",
            format!(
                "<Location \"{p}/\">\n    # Let preflights through without credentials\n    <If \"%{{REQUEST_METHOD}} == 'OPTIONS'\">\n        Require all granted\n    </If>\n    Header always set Access-Control-Allow-Origin \"{o}\"\n    Header always set Access-Control-Allow-Methods \"{m}\"\n    Header always set Access-Control-Allow-Headers \"{h}\"\n    Header always set Access-Control-Allow-Credentials \"true\"\n    Header always merge Vary Origin\n</Location>\nRewriteEngine On\nRewriteCond %{{REQUEST_METHOD}} OPTIONS\nRewriteRule ^{p}/ - [R=204,L]"
            ),
        ),
        (
            Stack::Express,
            "javascript",
            format!(
                "const cors = require(\"cors\");\nconst corsOptions = {{ origin: \"{o}\", credentials: true, allowedHeaders: \"{h}\" }};\n// Before the auth middleware, so OPTIONS never reaches it:\napp.options(\"{p}/*\", cors(corsOptions));\napp.use(\"{p}\", cors(corsOptions), requireAuth);"
            ),
        ),
        (
            Stack::Spring,
            "java",
            format!(
                "http\n    .cors(Customizer.withDefaults())   // uses the CorsConfigurationSource bean\n    .authorizeHttpRequests(a -> a\n        .requestMatchers(HttpMethod.OPTIONS, \"{p}/**\").permitAll()\n        .anyRequest().authenticated());\n// CorsConfiguration: setAllowedOrigins(List.of(\"{o}\")), setAllowCredentials(true)"
            ),
        ),
        (
            Stack::AspNet,
            "csharp",
            format!(
                "builder.Services.AddCors(o => o.AddPolicy(\"api\", p => p\n    .WithOrigins(\"{o}\").AllowCredentials()\n    .WithHeaders(\"{h}\").WithMethods(\"{m}\")));\n// Order matters: CORS before authentication\napp.UseCors(\"api\");\napp.UseAuthentication();\napp.UseAuthorization();"
            ),
        ),
    ];
    let snippets = pick(&f.detected, candidates);
    let mut fix = with_server(fix, &f.detected);
    fix.snippets = snippets;
    fix
}

pub(super) fn add_www_authenticate(ctx: &FixContext<'_>) -> Fix {
    let f = facts(ctx);
    let p = &f.path;
    let fix = Fix::new("add-www-authenticate", "Send a WWW-Authenticate challenge with every 401")
        .step("RFC 9110 §15.5.2: a 401 response MUST carry `WWW-Authenticate`. Clients, proxies and tools (authlens included) use it to tell an expired token from a wrong scheme.")
        .step("For OAuth bearer tokens use RFC 6750 §3: `Bearer realm=\"api\", error=\"invalid_token\", error_description=\"…\"`. If the API is not meant to be challenged by browsers, keep the 401 and still send the header (a non-Basic scheme does not trigger a login dialog).");
    let challenge = "Bearer realm=\\\"api\\\", error=\\\"invalid_token\\\"";
    let candidates = vec![
        (
            Stack::Nginx,
            "nginx",
            format!(
                "location {p}/ {{\n    auth_request /_auth;\n    error_page 401 = @unauthorized;\n}}\nlocation @unauthorized {{\n    add_header WWW-Authenticate 'Bearer realm=\"api\", error=\"invalid_token\"' always;\n    return 401;\n}}"
            ),
        ),
        (
            Stack::Apache,
            "apache",
            format!(
                "<Location \"{p}/\">\n    Header always set WWW-Authenticate \"{challenge}\" \"expr=%{{REQUEST_STATUS}} == 401\"\n</Location>"
            ),
        ),
        (
            Stack::Express,
            "javascript",
            "function unauthorized(res, description) {\n  res.set(\"WWW-Authenticate\", `Bearer realm=\"api\", error=\"invalid_token\", error_description=\"${description}\"`);\n  res.set(\"Cache-Control\", \"no-store\");\n  return res.status(401).json({ error: \"invalid_token\", error_description: description });\n}".to_string(),
        ),
        (
            Stack::Spring,
            "java",
            "http.oauth2ResourceServer(o -> o\n    .jwt(Customizer.withDefaults())\n    // adds `WWW-Authenticate: Bearer error=...` to every 401\n    .authenticationEntryPoint(new BearerTokenAuthenticationEntryPoint()));".to_string(),
        ),
        (
            Stack::AspNet,
            "csharp",
            "// JwtBearer sends WWW-Authenticate by default; a custom OnChallenge that calls\n// context.HandleResponse() removes it. Keep it:\noptions.Events = new JwtBearerEvents {\n    OnChallenge = context => {\n        // do not call context.HandleResponse() here\n        return Task.CompletedTask;\n    }\n};".to_string(),
        ),
    ];
    let snippets = pick(&f.detected, candidates);
    let mut fix = with_server(fix, &f.detected);
    fix.snippets = snippets;
    fix
}

pub(super) fn no_store(ctx: &FixContext<'_>) -> Fix {
    let f = facts(ctx);
    let p = &f.path;
    let fix = Fix::new("no-store-auth-responses", "Mark 401 and 403 responses `Cache-Control: no-store`")
        .step("A cached auth failure is replayed to the user after they log in (RFC 9111 §3: a 401 without explicit freshness is not stored, but `public`, `max-age` or `s-maxage` make it cacheable).")
        .step("Send `Cache-Control: no-store` on every 401/403 and on responses that depend on the caller's identity; purge what is already cached.");
    let candidates = vec![
        (
            Stack::Nginx,
            "nginx",
            format!(
                "map $status $auth_no_store {{\n    401 \"no-store\";\n    403 \"no-store\";\n    default \"\";\n}}\nlocation {p}/ {{\n    add_header Cache-Control $auth_no_store always;\n    proxy_no_cache $http_authorization;   # never store per-user answers\n}}"
            ),
        ),
        (
            Stack::Apache,
            "apache",
            "Header always set Cache-Control \"no-store\" \"expr=%{REQUEST_STATUS} in {'401', '403'}\"".to_string(),
        ),
        (
            Stack::Express,
            "javascript",
            "app.use((req, res, next) => {\n  const writeHead = res.writeHead;\n  res.writeHead = function (status, ...rest) {\n    if (status === 401 || status === 403) res.setHeader(\"Cache-Control\", \"no-store\");\n    return writeHead.call(this, status, ...rest);\n  };\n  next();\n});".to_string(),
        ),
        (
            Stack::Spring,
            "java",
            "// Spring Security sends no-cache headers by default; make sure they are not disabled:\nhttp.headers(h -> h.cacheControl(Customizer.withDefaults()));".to_string(),
        ),
        (
            Stack::AspNet,
            "csharp",
            "app.Use(async (ctx, next) => {\n    ctx.Response.OnStarting(() => {\n        if (ctx.Response.StatusCode is 401 or 403)\n            ctx.Response.Headers.CacheControl = \"no-store\";\n        return Task.CompletedTask;\n    });\n    await next();\n});".to_string(),
        ),
    ];
    let snippets = pick(&f.detected, candidates);
    let mut fix = with_server(fix, &f.detected);
    fix.snippets = snippets;
    fix
}

pub(super) fn vary_authorization(ctx: &FixContext<'_>) -> Fix {
    let f = facts(ctx);
    let p = &f.path;
    let fix = Fix::new("vary-authorization", "Add `Vary: Authorization, Cookie` to per-user responses")
        .step("A shared cache keys responses on the URL only unless `Vary` names the request headers they depend on (RFC 9111 §4.1): without it one user's 401 (or 200) is served to another.")
        .step("Better still for auth failures: `Cache-Control: no-store`. Use `Vary` for cacheable responses that depend on who asks.");
    let candidates = vec![
        (
            Stack::Nginx,
            "nginx",
            format!(
                "location {p}/ {{\n    add_header Vary \"Authorization, Cookie\" always;\n    proxy_cache_bypass $http_authorization $cookie_session;\n}}"
            ),
        ),
        (
            Stack::Apache,
            "apache",
            format!("<Location \"{p}/\">\n    Header always merge Vary \"Authorization, Cookie\"\n</Location>"),
        ),
        (
            Stack::Express,
            "javascript",
            format!("app.use(\"{p}\", (req, res, next) => {{\n  res.vary(\"Authorization\");\n  res.vary(\"Cookie\");\n  next();\n}});"),
        ),
        (
            Stack::Spring,
            "java",
            "@Bean\nFilterRegistrationBean<OncePerRequestFilter> varyAuthorization() {\n    return new FilterRegistrationBean<>(new OncePerRequestFilter() {\n        protected void doFilterInternal(HttpServletRequest q, HttpServletResponse r, FilterChain c)\n                throws ServletException, IOException {\n            r.addHeader(\"Vary\", \"Authorization, Cookie\");\n            c.doFilter(q, r);\n        }\n    });\n}".to_string(),
        ),
        (
            Stack::AspNet,
            "csharp",
            "app.Use(async (ctx, next) => {\n    ctx.Response.Headers.Append(\"Vary\", \"Authorization, Cookie\");\n    await next();\n});".to_string(),
        ),
    ];
    let snippets = pick(&f.detected, candidates);
    let mut fix = with_server(fix, &f.detected);
    fix.snippets = snippets;
    fix
}

pub(super) fn purge_cdn_cache(ctx: &FixContext<'_>) -> Fix {
    let f = facts(ctx);
    let url = ctx
        .exchange
        .map(|e| {
            let u = UrlParts::parse(&e.request.url);
            clean(
                &format!("{}{}", u.origin(), u.path),
                &[':', '/', '.', '-', '_', '~', '%'],
                300,
            )
        })
        .unwrap_or_else(|| "https://api.example.com/path".to_string());
    let path = UrlParts::parse(&url).path.to_string();
    let mut fix = Fix::new(
        "purge-cdn-cache",
        "Purge the cached 401/403 from the cache that served it",
    )
    .step(format!(
        "Purge {} from every cache layer in front of the app, then retry.",
        quote(&url)
    ));
    if let Some(s) = server_step(&f.detected) {
        fix = fix.step(s);
    }
    let mut snippets = vec![
        (
            Some(Edge::Cloudflare),
            "Cloudflare",
            "shell",
            format!(
                "curl -X POST \"https://api.cloudflare.com/client/v4/zones/$ZONE_ID/purge_cache\" \\\n  -H \"Authorization: Bearer $CF_API_TOKEN\" -H \"Content-Type: application/json\" \\\n  --data '{{\"files\":[\"{url}\"]}}'"
            ),
        ),
        (
            Some(Edge::CloudFront),
            "CloudFront",
            "shell",
            format!("aws cloudfront create-invalidation --distribution-id \"$DISTRIBUTION_ID\" --paths '{path}'"),
        ),
        (
            Some(Edge::Fastly),
            "Fastly",
            "shell",
            format!("fastly purge --service-id \"$SERVICE_ID\" --url '{url}'"),
        ),
        (
            Some(Edge::Akamai),
            "Akamai",
            "shell",
            format!("akamai purge invalidate '{url}'"),
        ),
        (
            Some(Edge::Varnish),
            "Varnish",
            "shell",
            format!("varnishadm \"ban req.url == {path}\""),
        ),
        (
            None,
            "nginx proxy_cache",
            "shell",
            "# nginx has no purge command without the cache_purge module:\n# remove the cache files (proxy_cache_path) or restart with an empty cache\nsudo find /var/cache/nginx -type f -delete && sudo nginx -s reload".to_string(),
        ),
    ]
    .into_iter()
    .map(|(edge, label, lang, code)| Snippet {
        label: label.to_string(),
        lang,
        code,
        detected: edge.is_some() && edge == f.detected.edge,
    })
    .collect::<Vec<_>>();
    snippets.sort_by_key(|s| !s.detected);
    fix.snippets = snippets;
    fix.step("Then stop it recurring: `Cache-Control: no-store` on auth failures (see no-store-auth-responses).")
}

pub(super) fn use_403(ctx: &FixContext<'_>) -> Fix {
    let f = facts(ctx);
    let p = &f.path;
    let fix = Fix::new("use-403", "Answer 403 when the caller is known but not allowed")
        .step("401 means \"who are you?\" (send credentials); 403 means \"I know who you are, and no\" (RFC 9110 §15.5.2, §15.5.4). RFC 6750 §3.1 puts `insufficient_scope` on 403.")
        .step("Clients refresh or re-login on 401; answering 401 for a permission problem sends them into useless refresh loops.");
    let candidates = vec![
        (
            Stack::Nginx,
            "nginx",
            format!(
                "# auth_request passes 401 and 403 from the auth service through; make the\n# auth service answer 403 for \"authenticated but not allowed\".\nlocation {p}/ {{\n    auth_request /_auth;\n    error_page 403 = @forbidden;\n}}\nlocation @forbidden {{\n    add_header WWW-Authenticate 'Bearer error=\"insufficient_scope\"' always;\n    return 403;\n}}"
            ),
        ),
        (
            Stack::Apache,
            "apache",
            format!("<Location \"{p}/\">\n    # send 403 instead of re-challenging an authenticated user\n    AuthzSendForbiddenOnFailure On\n</Location>"),
        ),
        (
            Stack::Express,
            "javascript",
            "function requireScope(scope) {\n  return (req, res, next) => {\n    if (!req.auth) return res.status(401).set(\"WWW-Authenticate\", 'Bearer realm=\"api\"').end();\n    if (!req.auth.scopes.includes(scope))\n      return res.status(403)\n        .set(\"WWW-Authenticate\", `Bearer error=\"insufficient_scope\", scope=\"${scope}\"`)\n        .json({ error: \"insufficient_scope\" });\n    next();\n  };\n}".to_string(),
        ),
        (
            Stack::Spring,
            "java",
            "http.oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()))\n    .exceptionHandling(e -> e\n        .accessDeniedHandler(new BearerTokenAccessDeniedHandler()));   // 403 + insufficient_scope".to_string(),
        ),
        (
            Stack::AspNet,
            "csharp",
            "// In a controller: Forbid() answers 403, Challenge() answers 401.\nif (!User.HasClaim(\"scope\", \"orders:write\")) return Forbid();".to_string(),
        ),
    ];
    let snippets = pick(&f.detected, candidates);
    let mut fix = with_server(fix, &f.detected);
    fix.snippets = snippets;
    fix
}

pub(super) fn check_server_logs(ctx: &FixContext<'_>) -> Fix {
    let f = facts(ctx);
    let path = ctx
        .exchange
        .map(|e| {
            clean(
                UrlParts::parse(&e.request.url).path,
                &['/', '.', '-', '_', '~'],
                120,
            )
        })
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "/api".to_string());
    let when = ctx
        .exchange
        .and_then(|e| e.started_at)
        .map(crate::time::Timestamp::to_utc_string);
    let mut fix = Fix::new(
        "check-server-logs",
        "Read the server's log lines for this request",
    );
    fix = match (endpoint(ctx), when) {
        (Some(ep), Some(w)) => fix.step(format!("Look for {ep} at {w}.")),
        (Some(ep), None) => fix.step(format!("Look for {ep}.")),
        _ => fix,
    };
    fix = fix.step("The response rarely says why; the server's log does (signature key not found, issuer mismatch, expired, policy denied).");
    let request_id = ctx.exchange.and_then(|e| {
        [
            "x-request-id",
            "x-correlation-id",
            "cf-ray",
            "x-amzn-requestid",
            "x-amz-cf-id",
            "traceparent",
        ]
        .iter()
        .find_map(|n| {
            e.response
                .headers
                .get(n)
                .map(|v| (*n, clean(v, &['-', '_', '.'], 80)))
        })
    });
    if let Some((name, id)) = &request_id {
        fix = fix.step(format!("Search the logs for the response's {name} `{id}`."));
    }
    let grep = request_id.map(|(_, id)| id).unwrap_or(path);
    let stack = match f.detected.stack {
        Some(Stack::Iis) => Some(Stack::AspNet),
        s => s,
    };
    let mut snippets = vec![
        (
            Some(Stack::Nginx),
            "nginx",
            "shell",
            format!("sudo grep -F '{grep}' /var/log/nginx/access.log | tail -n 20\nsudo tail -n 100 /var/log/nginx/error.log"),
        ),
        (
            Some(Stack::Apache),
            "Apache",
            "shell",
            format!("sudo grep -F '{grep}' /var/log/apache2/access.log | tail -n 20   # RHEL: /var/log/httpd/access_log\nsudo tail -n 100 /var/log/apache2/error.log"),
        ),
        (
            Some(Stack::AspNet),
            "IIS / ASP.NET",
            "powershell",
            format!("# IIS logs sc-status and sc-substatus (401.1 bad credentials, 401.2 no scheme enabled, …)\nGet-ChildItem C:\\inetpub\\logs\\LogFiles\\W3SVC* -Filter *.log | Sort-Object LastWriteTime | Select-Object -Last 1 | Get-Content -Tail 2000 | Select-String '{grep}'\n# ASP.NET Core: set \"Microsoft.AspNetCore.Authentication\": \"Debug\" under Logging:LogLevel in appsettings.json"),
        ),
        (
            Some(Stack::Express),
            "Express / Node",
            "shell",
            format!("# Node apps log to stdout: the process manager keeps it\npm2 logs --lines 200 | grep -F '{grep}'\njournalctl -u my-api --since '-1h' | grep -F '{grep}'\n# express-jwt / passport: log err.message in the error handler to see why"),
        ),
        (
            Some(Stack::Spring),
            "Spring",
            "text",
            "# application.properties: show why Spring Security rejected the token\nlogging.level.org.springframework.security=DEBUG\nlogging.level.org.springframework.security.oauth2=TRACE".to_string(),
        ),
        (
            None,
            "Kubernetes",
            "shell",
            format!("kubectl logs deploy/my-api --since=1h | grep -F '{grep}'"),
        ),
    ]
    .into_iter()
    .filter(|(s, _, _, _)| {
        matches!(s, Some(Stack::Nginx | Stack::Apache | Stack::AspNet) | None) || *s == stack
    })
    .map(|(s, label, lang, code)| Snippet {
        label: label.to_string(),
        lang,
        code,
        detected: s.is_some() && s == stack,
    })
    .collect::<Vec<_>>();
    snippets.sort_by_key(|s| !s.detected);
    fix.snippets = snippets;
    if let Some(s) = server_step(&f.detected) {
        fix = fix.step(s);
    }
    fix
}

pub(super) fn edge_rules(ctx: &FixContext<'_>) -> Fix {
    let f = facts(ctx);
    let ray = ctx.exchange.and_then(|e| e.response.headers.get("cf-ray"));
    let mut fix = Fix::new(
        "edge-rules",
        "Check the CDN / WAF / gateway rules, not the app",
    );
    let step = match f.detected.edge {
        Some(Edge::Cloudflare) => match ray {
            Some(r) => format!(
                "Cloudflare answered. In the dashboard open Security › Events and filter by Ray ID `{}`: it names the WAF rule, rate limit, bot check or Access policy that blocked the request.",
                clean(r, &['-'], 40)
            ),
            None => "Cloudflare answered: check Security › Events (WAF rules, rate limits, bot fight mode) and Zero Trust › Access policies.".to_string(),
        },
        Some(Edge::Aws) => {
            let kind = ctx
                .exchange
                .and_then(|e| e.response.headers.get("x-amzn-errortype"))
                .map(|k| clean(k, &[':', '.', '-', '_'], 60))
                .unwrap_or_default();
            let hint = if kind.starts_with("MissingAuthenticationToken") {
                " `MissingAuthenticationTokenException` usually means a wrong path, method or stage, not a missing token."
            } else {
                ""
            };
            format!("AWS API Gateway / ALB answered (x-amzn-ErrorType `{kind}`).{hint} Check the authorizer (Lambda/Cognito/IAM), its identity source and TTL cache, the resource policy, and WAF logs.")
        }
        Some(Edge::Akamai) => "Akamai answered: look up the \"Reference #\" in Control Center (Diagnostic tools › Error translator) to see which rule fired.".to_string(),
        Some(Edge::AzureFrontDoor) => "Azure Front Door answered: search the WAF logs (FrontDoorWebApplicationFirewallLog) for the X-Azure-Ref value.".to_string(),
        Some(Edge::Imperva) => "Imperva answered: look up the incident ID in the Imperva console (Security events).".to_string(),
        Some(Edge::F5) => "An F5 BIG-IP ASM policy rejected the request: give the support ID to the network team.".to_string(),
        Some(e) => format!("{} answered: check its access rules and the headers it forwards.", e.name()),
        None => "Check the CDN, WAF, API gateway or ingress in front of the app: the response did not come from the application.".to_string(),
    };
    fix = fix.step(step);
    fix.step("Common edge causes: a WAF rule matching the token or a header, bot protection on API calls, geo/IP allow-lists, an auth layer (Access, authorizer) with its own policy, or the gateway not forwarding `Authorization`.")
        .step("Reproduce with `copy-curl` from the same network and compare with a direct call to the origin if you can reach it.")
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // tables of test cases
mod tests {
    use super::*;
    use crate::exchange::{Exchange, Headers, Request, Response};

    fn ex(server: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            request: Request {
                method: "OPTIONS".into(),
                url: "https://api.example.com/v1/orders/42".into(),
                headers: [
                    ("Origin", "https://app.example.com"),
                    ("Access-Control-Request-Method", "DELETE"),
                    ("Access-Control-Request-Headers", "authorization,x-trace"),
                ]
                .into_iter()
                .collect::<Headers>(),
                ..Request::default()
            },
            response: Response {
                status: 401,
                headers: server.iter().copied().collect(),
                body: Some(crate::exchange::Body {
                    mime_type: "application/json".into(),
                    text: body.into(),
                    encoding: None,
                }),
                ..Response::default()
            },
            ..Exchange::default()
        }
    }

    type Render = fn(&FixContext<'_>) -> Fix;

    #[test]
    fn server_snippets_follow_detection() {
        let fixes: [(&str, Render); 5] = [
            ("allow-preflight", allow_preflight),
            ("add-www-authenticate", add_www_authenticate),
            ("no-store-auth-responses", no_store),
            ("vary-authorization", vary_authorization),
            ("use-403", use_403),
        ];
        let servers: &[(&[(&str, &str)], &str, &str, &[&str])] = &[
            (
                &[("Server", "nginx/1.25")],
                "",
                "nginx",
                &["nginx", "Apache", "Express"],
            ),
            (
                &[("Server", "Apache/2.4")],
                "",
                "Apache",
                &["Apache", "nginx", "Express"],
            ),
            (
                &[("X-Powered-By", "Express")],
                "",
                "Express",
                &["Express", "nginx", "Apache"],
            ),
            (
                &[],
                r#"{"timestamp":"x","status":401,"error":"Unauthorized","path":"/v1"}"#,
                "Spring",
                &["Spring", "nginx", "Apache", "Express"],
            ),
            (
                &[("Server", "Kestrel")],
                "",
                "ASP.NET",
                &["ASP.NET", "nginx", "Apache", "Express"],
            ),
            (
                &[("Server", "Microsoft-IIS/10.0")],
                "",
                "ASP.NET",
                &["ASP.NET", "nginx", "Apache", "Express"],
            ),
            (
                &[("Server", "gunicorn")],
                "",
                "",
                &["nginx", "Apache", "Express"],
            ),
        ];
        for (id, render) in fixes {
            for (headers, body, first, labels) in servers {
                let e = ex(headers, body);
                let fix = render(&FixContext::for_exchange(&e));
                let got: Vec<&str> = fix.snippets.iter().map(|s| s.label.as_str()).collect();
                assert_eq!(&got, labels, "{id} with {headers:?}");
                let detected: Vec<&str> = fix
                    .snippets
                    .iter()
                    .filter(|s| s.detected)
                    .map(|s| s.label.as_str())
                    .collect();
                if first.is_empty() {
                    assert!(detected.is_empty(), "{id}");
                } else {
                    assert_eq!(detected, [*first], "{id}");
                }
            }
        }
    }

    #[test]
    fn preflight_snippet_quotes_the_request() {
        let e = ex(&[("Server", "nginx")], "");
        let fix = allow_preflight(&FixContext::for_exchange(&e));
        let nginx = &fix.snippets[0].code;
        assert!(nginx.contains("location /v1/"), "{nginx}");
        assert!(nginx.contains("\"https://app.example.com\""));
        assert!(nginx.contains("\"DELETE\""));
        assert!(nginx.contains("authorization,x-trace"));
    }

    #[test]
    fn hostile_origin_cannot_inject_configuration() {
        let mut e = ex(&[("Server", "nginx")], "");
        e.request.headers = [("Origin", "https://x\"; return 200; #\n}")]
            .into_iter()
            .collect();
        let fix = allow_preflight(&FixContext::for_exchange(&e));
        for s in &fix.snippets {
            assert!(!s.code.contains("return 200"), "{}", s.code);
        }
    }

    #[test]
    fn logs_command_per_server() {
        let cases: &[(&[(&str, &str)], &str, &str)] = &[
            (&[("Server", "nginx")], "nginx", "/var/log/nginx/"),
            (&[("Server", "Apache")], "Apache", "/var/log/apache2/"),
            (
                &[("Server", "Microsoft-IIS/10.0")],
                "IIS / ASP.NET",
                "inetpub\\logs",
            ),
            (&[("X-Powered-By", "Express")], "Express / Node", "pm2 logs"),
            (&[], "Spring", "org.springframework.security=DEBUG"),
        ];
        for (headers, label, expect) in cases {
            let body = if headers.is_empty() {
                r#"{"timestamp":"x","status":401,"error":"Unauthorized","path":"/v1"}"#
            } else {
                ""
            };
            let e = ex(headers, body);
            let fix = check_server_logs(&FixContext::for_exchange(&e));
            let first = &fix.snippets[0];
            assert_eq!(&first.label, label);
            assert!(first.detected);
            assert!(first.code.contains(expect), "{}", first.code);
        }
        let e = ex(&[("Server", "nginx"), ("X-Request-Id", "req-7f3a")], "");
        let fix = check_server_logs(&FixContext::for_exchange(&e));
        assert!(fix.snippets[0].code.contains("grep -F 'req-7f3a'"));
    }

    #[test]
    fn purge_and_edge_follow_the_edge() {
        let e = ex(
            &[("Server", "cloudflare"), ("CF-RAY", "8e1f2a3b4c5d6e7f-FRA")],
            "",
        );
        let fix = purge_cdn_cache(&FixContext::for_exchange(&e));
        assert_eq!(fix.snippets[0].label, "Cloudflare");
        assert!(fix.snippets[0]
            .code
            .contains("https://api.example.com/v1/orders/42"));
        let fix = edge_rules(&FixContext::for_exchange(&e));
        assert!(fix.steps[0].contains("8e1f2a3b4c5d6e7f-FRA"));
        let e = ex(
            &[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
            "",
        );
        let fix = edge_rules(&FixContext::for_exchange(&e));
        assert!(fix.steps[0].contains("wrong path"), "{:?}", fix.steps);
    }
}
