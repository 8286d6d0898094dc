//! Which software answered: the origin stack and any edge (CDN, WAF, gateway) in front.
//!
//! Server-side fixes are only useful in the dialect of the server that has to change, so
//! detection looks at every cheap signal a response carries: `Server`, `X-Powered-By`,
//! `Via`, vendor headers (`cf-ray`, `x-amzn-*`, `x-azure-ref`, …) and the error body shapes
//! frameworks produce by default. Detection is a guess: it never fails, it only narrows.

use crate::ascii::contains_ignore_case;
use serde::Serialize;

use crate::exchange::Response;

/// The software that generated a response at the origin (behind any edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stack {
    /// nginx or OpenResty.
    Nginx,
    /// Apache httpd.
    Apache,
    /// Microsoft IIS (usually hosting ASP.NET).
    Iis,
    /// Node.js Express (or another Node framework that says `X-Powered-By: Express`).
    Express,
    /// Spring Boot / Spring Security.
    Spring,
    /// ASP.NET Core (Kestrel) or classic ASP.NET.
    AspNet,
    /// Caddy.
    Caddy,
    /// Envoy (often a service-mesh sidecar or API gateway).
    Envoy,
}

impl Stack {
    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Stack::Nginx => "nginx",
            Stack::Apache => "Apache",
            Stack::Iis => "IIS",
            Stack::Express => "Express",
            Stack::Spring => "Spring",
            Stack::AspNet => "ASP.NET",
            Stack::Caddy => "Caddy",
            Stack::Envoy => "Envoy",
        }
    }
}

/// A CDN, WAF or gateway in front of the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Edge {
    /// Cloudflare (`Server: cloudflare`, `cf-ray`).
    Cloudflare,
    /// Amazon CloudFront (`X-Amz-Cf-Id`, `Via: … CloudFront`).
    CloudFront,
    /// Amazon API Gateway or an AWS load balancer (`x-amzn-RequestId`, `x-amzn-ErrorType`, `awselb`).
    Aws,
    /// Akamai (`AkamaiGHost`, "Reference #18.…" block pages).
    Akamai,
    /// Fastly (`X-Fastly-Request-ID`, `X-Served-By: cache-…`).
    Fastly,
    /// Varnish (`Via: … varnish`, `X-Varnish`).
    Varnish,
    /// Azure Front Door / Application Gateway (`X-Azure-Ref`).
    AzureFrontDoor,
    /// Imperva / Incapsula (`X-Iinfo`, "Incapsula incident ID").
    Imperva,
    /// F5 BIG-IP ASM ("The requested URL was rejected… support ID").
    F5,
}

impl Edge {
    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Edge::Cloudflare => "Cloudflare",
            Edge::CloudFront => "Amazon CloudFront",
            Edge::Aws => "AWS API Gateway / load balancer",
            Edge::Akamai => "Akamai",
            Edge::Fastly => "Fastly",
            Edge::Varnish => "Varnish",
            Edge::AzureFrontDoor => "Azure Front Door",
            Edge::Imperva => "Imperva",
            Edge::F5 => "F5 BIG-IP",
        }
    }
}

/// What detection found, with the header or body fragment that gave it away.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Detected {
    /// The origin stack, when recognisable.
    pub stack: Option<Stack>,
    /// The edge in front, when recognisable.
    pub edge: Option<Edge>,
    /// `(signal, value)` pairs that decided it, e.g. `("Server", "nginx/1.25.3")`; values are
    /// non-secret header values, cut to 80 characters.
    pub signals: Vec<(String, String)>,
}

/// How much of a body detection reads: framework error shapes sit at the start.
const BODY_SNIFF: usize = 4096;

fn cut(value: &str) -> String {
    value.chars().take(80).collect()
}

/// The start of a textual body, or `""` for binary or base64-encoded ones.
pub fn body_prefix(response: &Response) -> &str {
    let Some(body) = &response.body else {
        return "";
    };
    if body.encoding.is_some() {
        return "";
    }
    let text = body.text.as_str();
    let mut end = text.len().min(BODY_SNIFF);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// Detects the origin stack and the edge from a response. Never fails.
pub fn detect(response: &Response) -> Detected {
    let mut d = Detected::default();
    let h = &response.headers;
    let note = |d: &mut Detected, signal: &str, value: &str| {
        if d.signals.len() < 6 {
            d.signals.push((signal.to_string(), cut(value)));
        }
    };

    // Edges first: their `Server` header hides the origin's, so the origin is then read
    // from `X-Powered-By` and body shapes only.
    let edge_headers: [(&str, Edge); 10] = [
        ("cf-ray", Edge::Cloudflare),
        ("x-amz-cf-id", Edge::CloudFront),
        ("x-amzn-errortype", Edge::Aws),
        ("x-amzn-requestid", Edge::Aws),
        ("x-amz-apigw-id", Edge::Aws),
        ("x-fastly-request-id", Edge::Fastly),
        ("x-azure-ref", Edge::AzureFrontDoor),
        ("x-iinfo", Edge::Imperva),
        ("x-varnish", Edge::Varnish),
        ("akamai-grn", Edge::Akamai),
    ];
    for (name, edge) in edge_headers {
        if let Some(v) = h.get(name) {
            d.edge = Some(edge);
            note(&mut d, name, v);
            break;
        }
    }
    let server = h.get("server").unwrap_or("");
    if d.edge.is_none() {
        let by_server: [(&str, Edge); 6] = [
            ("cloudflare", Edge::Cloudflare),
            ("akamaighost", Edge::Akamai),
            ("awselb", Edge::Aws),
            ("cloudfront", Edge::CloudFront),
            ("bigip", Edge::F5),
            ("varnish", Edge::Varnish),
        ];
        if let Some((_, edge)) = by_server
            .iter()
            .find(|(k, _)| contains_ignore_case(server, k))
        {
            d.edge = Some(*edge);
            note(&mut d, "Server", server);
        }
    }
    if d.edge.is_none() {
        for via in h.get_all("via") {
            let edge = if contains_ignore_case(via, "cloudfront") {
                Some(Edge::CloudFront)
            } else if contains_ignore_case(via, "varnish") {
                Some(Edge::Varnish)
            } else {
                None
            };
            if let Some(edge) = edge {
                d.edge = Some(edge);
                note(&mut d, "Via", via);
                break;
            }
        }
    }
    if d.edge.is_none() {
        if let Some(v) = h
            .get("x-served-by")
            .filter(|v| contains_ignore_case(v, "cache-"))
        {
            d.edge = Some(Edge::Fastly);
            note(&mut d, "X-Served-By", v);
        }
    }
    let body = body_prefix(response);
    if d.edge.is_none() {
        let by_body: [(&str, Edge); 4] = [
            ("Reference #", Edge::Akamai),
            ("Incapsula incident", Edge::Imperva),
            ("The requested URL was rejected", Edge::F5),
            ("Attention Required! | Cloudflare", Edge::Cloudflare),
        ];
        if let Some((k, edge)) = by_body.iter().find(|(k, _)| contains_ignore_case(body, k)) {
            d.edge = Some(*edge);
            note(&mut d, "body", k);
        }
    }

    let powered = h.get("x-powered-by").unwrap_or("");
    let stack = if contains_ignore_case(powered, "express")
        || contains_ignore_case(powered, "next.js")
    {
        Some((Stack::Express, "X-Powered-By", powered))
    } else if contains_ignore_case(powered, "asp.net") {
        Some((Stack::AspNet, "X-Powered-By", powered))
    } else if contains_ignore_case(server, "kestrel") {
        Some((Stack::AspNet, "Server", server))
    } else if h.contains("x-application-context")
        || (body.contains("\"timestamp\"")
            && body.contains("\"path\"")
            && body.contains("\"error\""))
        || h.get_all("www-authenticate")
            .any(|v| contains_ignore_case(v, "rfc6750#section-3.1"))
    {
        Some((
            Stack::Spring,
            "shape",
            "Spring Boot error body or Spring Security challenge",
        ))
    } else if body.contains("\"traceId\"") && contains_ignore_case(body, "rfc7235#section-3.1")
        || body.contains("\"traceId\"") && contains_ignore_case(body, "rfc9110#section-15.5.2")
    {
        Some((Stack::AspNet, "shape", "ASP.NET Core problem details"))
    } else if contains_ignore_case(server, "microsoft-iis") {
        Some((Stack::Iis, "Server", server))
    } else if contains_ignore_case(server, "nginx") || contains_ignore_case(server, "openresty") {
        Some((Stack::Nginx, "Server", server))
    } else if contains_ignore_case(server, "apache") {
        Some((Stack::Apache, "Server", server))
    } else if contains_ignore_case(server, "caddy") {
        Some((Stack::Caddy, "Server", server))
    } else if contains_ignore_case(server, "envoy") || h.contains("x-envoy-upstream-service-time") {
        Some((Stack::Envoy, "Server", server))
    } else if contains_ignore_case(body, "<center>nginx</center>") {
        Some((Stack::Nginx, "body", "<center>nginx</center>"))
    } else {
        None
    };
    if let Some((stack, signal, value)) = stack {
        d.stack = Some(stack);
        note(&mut d, signal, value);
    }
    d
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // tables of test cases
mod tests {
    use super::*;
    use crate::exchange::{Body, Headers};

    fn resp(headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status: 401,
            headers: headers.iter().copied().collect::<Headers>(),
            body: Some(Body {
                mime_type: "text/html".into(),
                text: body.into(),
                encoding: None,
            }),
            ..Response::default()
        }
    }

    #[test]
    fn detection_table() {
        let cases: &[(&[(&str, &str)], &str, Option<Stack>, Option<Edge>)] = &[
            (&[("Server", "nginx/1.25.3")], "", Some(Stack::Nginx), None),
            (&[("Server", "openresty")], "", Some(Stack::Nginx), None),
            (
                &[("Server", "Apache/2.4.58 (Debian)")],
                "",
                Some(Stack::Apache),
                None,
            ),
            (
                &[("Server", "Microsoft-IIS/10.0")],
                "",
                Some(Stack::Iis),
                None,
            ),
            (
                &[
                    ("Server", "Microsoft-IIS/10.0"),
                    ("X-Powered-By", "ASP.NET"),
                ],
                "",
                Some(Stack::AspNet),
                None,
            ),
            (&[("Server", "Kestrel")], "", Some(Stack::AspNet), None),
            (
                &[("X-Powered-By", "Express")],
                "",
                Some(Stack::Express),
                None,
            ),
            (
                &[],
                r#"{"timestamp":"2026-11-21T10:00:00.000+00:00","status":401,"error":"Unauthorized","path":"/api/me"}"#,
                Some(Stack::Spring),
                None,
            ),
            (
                &[],
                r#"{"type":"https://tools.ietf.org/html/rfc7235#section-3.1","title":"Unauthorized","status":401,"traceId":"00-ab-cd-00"}"#,
                Some(Stack::AspNet),
                None,
            ),
            (
                &[("Server", "cloudflare"), ("CF-RAY", "8e1f2a3b4c5d6e7f-FRA")],
                "<html>",
                None,
                Some(Edge::Cloudflare),
            ),
            (
                &[("x-amzn-ErrorType", "UnauthorizedException")],
                "",
                None,
                Some(Edge::Aws),
            ),
            (
                &[
                    ("Via", "1.1 abc.cloudfront.net (CloudFront)"),
                    ("Server", "nginx"),
                ],
                "",
                Some(Stack::Nginx),
                Some(Edge::CloudFront),
            ),
            (
                &[("Server", "AkamaiGHost")],
                "Reference #18.5f3c1002.1700000000.1a2b3c",
                None,
                Some(Edge::Akamai),
            ),
            (&[("Server", "gunicorn")], "", None, None),
            (&[], "", None, None),
        ];
        for (headers, body, stack, edge) in cases {
            let d = detect(&resp(headers, body));
            assert_eq!((d.stack, d.edge), (*stack, *edge), "{headers:?} {body}");
            if stack.is_some() || edge.is_some() {
                assert!(!d.signals.is_empty());
            }
        }
    }

    #[test]
    fn body_prefix_respects_char_boundaries() {
        let long = "é".repeat(5000);
        let r = resp(&[], &long);
        let p = body_prefix(&r);
        assert!(p.len() <= BODY_SNIFF);
        assert!(p.chars().all(|c| c == 'é'));
    }
}
