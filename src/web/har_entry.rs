//! TEMPORARY: HAR entry → [`Exchange`] for the panel until `crate::har` lands
//! (`har::entry_from_json`). Delete when switching.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::exchange::{Body, Exchange, Headers, Request, Response};
use crate::time::Timestamp;

fn s(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn headers(v: &Value) -> Headers {
    v.get("headers")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|h| (s(h, "name"), s(h, "value")))
                .collect::<Headers>()
        })
        .unwrap_or_default()
}

fn body(v: Option<&Value>) -> Option<Body> {
    let v = v?;
    let text = v.get("text").and_then(Value::as_str)?;
    Some(Body {
        mime_type: s(v, "mimeType"),
        text: text.to_owned(),
        encoding: v.get("encoding").and_then(Value::as_str).map(str::to_owned),
    })
}

/// Converts one HAR entry given as JSON text.
pub fn entry_from_json(json: &str, index: usize) -> Result<Exchange, Diagnostic> {
    let v: Value = serde_json::from_str(json).map_err(|e| {
        Diagnostic::error(
            "har-entry-not-json",
            e.column(),
            e.to_string().to_lowercase(),
        )
    })?;
    let req = v.get("request").cloned().unwrap_or_default();
    let res = v.get("response").cloned().unwrap_or_default();
    let redirect = s(&res, "redirectURL");
    Ok(Exchange {
        index,
        started_at: v
            .get("startedDateTime")
            .and_then(Value::as_str)
            .and_then(Timestamp::parse_rfc3339),
        time_ms: v.get("time").and_then(Value::as_f64),
        request: Request {
            method: s(&req, "method"),
            url: s(&req, "url"),
            http_version: s(&req, "httpVersion"),
            headers: headers(&req),
            body: body(req.get("postData")),
        },
        response: Response {
            status: res
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|n| u16::try_from(n).ok())
                .unwrap_or(0),
            status_text: s(&res, "statusText"),
            http_version: s(&res, "httpVersion"),
            headers: headers(&res),
            body: body(res.get("content")),
            redirect_url: (!redirect.is_empty()).then_some(redirect),
        },
        resource_type: v
            .get("_resourceType")
            .and_then(Value::as_str)
            .map(str::to_owned),
        from_cache: v
            .get("_fromCache")
            .and_then(Value::as_str)
            .map(str::to_owned),
        server_ip: v
            .get("serverIPAddress")
            .and_then(Value::as_str)
            .map(str::to_owned),
        initiator: v
            .get("_initiator")
            .and_then(|i| i.get("url"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}
