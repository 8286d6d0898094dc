//! One HAR entry → one [`Exchange`] plus the HAR-only [`EntryMeta`].

use crate::diagnostic::Diagnostic;
use crate::exchange::{Body, Exchange, Header, Headers, Request, Response};
use crate::time::Timestamp;

use super::model::{
    Field, List, Number, Obj, RawEntry, RawInitiator, RawPair, RawRequest, RawResponse, Text,
};
use super::{EntryMeta, Timings};

/// Where diagnostics of one entry go, and where the entry starts in the file.
struct Ctx<'a> {
    base: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn wrong(&mut self, path: &str, found: &str, expected: &str) {
        self.diagnostics.push(Diagnostic::warning(
            "wrong-type",
            self.base,
            format!(
                "`{path}` is {} {found}, expected {expected}; ignored",
                article(found)
            ),
        ));
    }

    fn text(&mut self, field: Text, path: &str) -> Option<String> {
        match field.0 {
            Field::Value(v) => Some(v),
            Field::Missing => None,
            Field::Wrong(found) => {
                self.wrong(path, found, "a string");
                None
            }
        }
    }

    fn number(&mut self, field: Number, path: &str) -> Option<f64> {
        match field.0 {
            Field::Value(v) => Some(v),
            Field::Missing => None,
            Field::Wrong(found) => {
                self.wrong(path, found, "a number");
                None
            }
        }
    }

    fn obj<T>(&mut self, field: Obj<T>, path: &str) -> Option<T> {
        match field.0 {
            Field::Value(v) => Some(v),
            Field::Missing => None,
            Field::Wrong(found) => {
                self.wrong(path, found, "an object");
                None
            }
        }
    }

    fn list<T>(&mut self, field: List<T>, path: &str) -> Option<Vec<T>> {
        match field.0 {
            Field::Value(v) => Some(v),
            Field::Missing => None,
            Field::Wrong(found) => {
                self.wrong(path, found, "an array");
                None
            }
        }
    }

    /// Headers in order; HTTP/2 and HTTP/3 pseudo-headers (`:method`, `:authority`, …)
    /// go to `pseudo` because they are not header fields (RFC 9113 §8.3).
    fn headers(
        &mut self,
        field: List<Obj<RawPair>>,
        path: &str,
        pseudo: &mut Vec<Header>,
    ) -> Headers {
        let items = self.list(field, path).unwrap_or_default();
        // Sized once: growing by pushes reallocated three or four times per entry.
        let mut headers = Headers(Vec::with_capacity(items.len()));
        for (i, item) in items.into_iter().enumerate() {
            let pair = match item.0 {
                Field::Value(pair) => pair,
                Field::Missing | Field::Wrong(_) => {
                    self.diagnostics.push(Diagnostic::warning(
                        "header-not-object",
                        self.base,
                        format!("`{path}[{i}]` is not a {{name, value}} object; skipped"),
                    ));
                    continue;
                }
            };
            let Some(name) = self
                .text(pair.name, "header name")
                .filter(|n| !n.is_empty())
            else {
                self.diagnostics.push(Diagnostic::warning(
                    "header-without-name",
                    self.base,
                    format!("`{path}[{i}]` has no name; skipped"),
                ));
                continue;
            };
            let value = self.text(pair.value, "header value").unwrap_or_default();
            if name.starts_with(':') {
                pseudo.push(Header { name, value });
            } else if name.eq_ignore_ascii_case("set-cookie") && value.contains('\n') {
                // CDP joins repeated Set-Cookie fields with newlines; some exporters copy
                // that through. Each line is its own field (RFC 6265 §3).
                self.diagnostics.push(Diagnostic::info(
                    "set-cookie-split",
                    self.base,
                    format!("`{path}[{i}]` joins several set-cookie lines with newlines; split into one field each"),
                ));
                for line in value.split('\n') {
                    let line = line.trim_end_matches('\r');
                    if !line.trim().is_empty() {
                        headers.push(name.clone(), line);
                    }
                }
            } else {
                headers.push(name, value);
            }
        }
        headers
    }
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// HAR uses -1 for "not applicable"; those become `None`.
fn known(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite() && *v >= 0.0)
}

/// Converts a deserialised entry. Fails only when there is no request to speak of.
pub(crate) fn convert(
    raw: RawEntry,
    index: usize,
    base: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(Exchange, EntryMeta), Diagnostic> {
    let mut ctx = Ctx { base, diagnostics };
    let Some(raw_request) = ctx.obj(raw.request, "request") else {
        return Err(Diagnostic::error(
            "missing-request",
            base,
            format!("entry {index} has no `request` object"),
        ));
    };
    let mut meta = EntryMeta {
        index,
        ..EntryMeta::default()
    };

    let started_text = ctx.text(raw.started_date_time, "startedDateTime");
    let started_at = started_text.as_deref().and_then(|s| {
        let t = Timestamp::parse_rfc3339(s);
        if t.is_none() {
            ctx.diagnostics.push(Diagnostic::warning(
                "invalid-started-date-time",
                base,
                format!("`startedDateTime` {s:?} is not an rfc 3339 date-time"),
            ));
        }
        t
    });
    let time_ms = known(ctx.number(raw.time, "time"));

    let request = convert_request(&mut ctx, raw_request, &mut meta);
    let response = match ctx.obj(raw.response, "response") {
        Some(r) => convert_response(&mut ctx, r, &mut meta),
        None => {
            ctx.diagnostics.push(Diagnostic::warning(
                "missing-response",
                base,
                format!("entry {index} has no `response` object; treated as status 0"),
            ));
            Response::default()
        }
    };

    meta.pageref = ctx.text(raw.pageref, "pageref");
    meta.connection = ctx.text(raw.connection, "connection");
    meta.comment = ctx.text(raw.comment, "comment");
    meta.priority = ctx.text(raw.priority, "_priority");
    meta.security_state = ctx.text(raw.security_state, "_securityState");
    meta.fetch_type = ctx.text(raw.fetch_type, "_fetchType");
    meta.monotonic_time = ctx.number(raw.monotonic_time, "_monotonicTime");
    meta.frameref = ctx.text(raw.frameref, "_frameref");
    meta.server_port = ctx
        .number(raw.server_port, "_serverPort")
        .filter(|p| p.fract() == 0.0 && (0.0..=65535.0).contains(p))
        // In range by the filter above.
        .map(|p| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let port = p as u16;
            port
        });
    if let Some(t) = ctx.obj(raw.timings, "timings") {
        meta.timings = Timings {
            blocked: known(ctx.number(t.blocked, "timings.blocked")),
            dns: known(ctx.number(t.dns, "timings.dns")),
            connect: known(ctx.number(t.connect, "timings.connect")),
            ssl: known(ctx.number(t.ssl, "timings.ssl")),
            send: known(ctx.number(t.send, "timings.send")),
            wait: known(ctx.number(t.wait, "timings.wait")),
            receive: known(ctx.number(t.receive, "timings.receive")),
        };
    }

    let initiator = ctx
        .obj(raw.initiator, "_initiator")
        .and_then(|i| initiator_url(&mut ctx, i, &mut meta));
    let cache = ctx.obj(raw.cache, "cache");
    let from_cache = ctx
        .text(raw.from_cache, "_fromCache")
        .filter(|s| !s.is_empty())
        .or_else(|| match meta.fetch_type.as_deref() {
            // Safari says where a response came from in `_fetchType`.
            Some("Memory Cache") => Some("memory".to_string()),
            Some("Disk Cache") => Some("disk".to_string()),
            _ => None,
        })
        // Firefox writes `cache.afterRequest` (possibly `null`) only for cached responses.
        .or_else(|| {
            cache
                .filter(|c| c.after_request.0)
                .map(|_| "cache".to_string())
        });

    let exchange = Exchange {
        index,
        started_at,
        time_ms,
        request,
        response,
        resource_type: ctx
            .text(raw.resource_type, "_resourceType")
            .filter(|s| !s.is_empty()),
        from_cache,
        server_ip: ctx
            .text(raw.server_ip_address, "serverIPAddress")
            .filter(|s| !s.is_empty()),
        initiator,
    };
    Ok((exchange, meta))
}

fn convert_request(ctx: &mut Ctx<'_>, raw: RawRequest, meta: &mut EntryMeta) -> Request {
    let url = ctx.text(raw.url, "request.url").unwrap_or_else(|| {
        ctx.diagnostics.push(Diagnostic::warning(
            "missing-url",
            ctx.base,
            "`request.url` is missing",
        ));
        String::new()
    });
    let headers = ctx.headers(
        raw.headers,
        "request.headers",
        &mut meta.request_pseudo_headers,
    );
    meta.request_cookie_count = ctx.list(raw.cookies, "request.cookies").map(|c| c.len());
    meta.request_headers_size = ctx.number(raw.headers_size, "request.headersSize");
    meta.request_body_size = ctx.number(raw.body_size, "request.bodySize");
    let body = ctx.obj(raw.post_data, "request.postData").map(|p| {
        let text = ctx.text(p.text, "request.postData.text");
        let params = ctx.list(p.params, "request.postData.params");
        // Some exporters give only the parsed form; rebuild the urlencoded text from it.
        let text = text.unwrap_or_else(|| {
            params
                .into_iter()
                .flatten()
                .filter_map(|p| p.0.value())
                .map(|p| {
                    let name = p.name.0.value().unwrap_or_default();
                    let value = p.value.0.value().unwrap_or_default();
                    format!("{name}={value}")
                })
                .collect::<Vec<_>>()
                .join("&")
        });
        Body {
            mime_type: ctx
                .text(p.mime_type, "request.postData.mimeType")
                .unwrap_or_default(),
            text,
            encoding: ctx.text(p.encoding, "request.postData.encoding"),
        }
    });
    Request {
        method: ctx.text(raw.method, "request.method").unwrap_or_default(),
        url,
        http_version: ctx
            .text(raw.http_version, "request.httpVersion")
            .unwrap_or_default(),
        headers,
        body,
    }
}

fn convert_response(ctx: &mut Ctx<'_>, raw: RawResponse, meta: &mut EntryMeta) -> Response {
    let status = match ctx.number(raw.status, "response.status") {
        Some(s) if s.fract() == 0.0 && (0.0..=999.0).contains(&s) => {
            // In range by the guard above.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let code = s as u16;
            code
        }
        // Playwright writes -1 for a request that never got a response.
        Some(-1.0) => 0,
        Some(s) => {
            ctx.diagnostics.push(Diagnostic::warning(
                "invalid-status",
                ctx.base,
                format!("`response.status` {s} is not a status code; treated as 0"),
            ));
            0
        }
        None => 0,
    };
    let headers = ctx.headers(
        raw.headers,
        "response.headers",
        &mut meta.response_pseudo_headers,
    );
    meta.response_cookie_count = ctx.list(raw.cookies, "response.cookies").map(|c| c.len());
    meta.response_headers_size = ctx.number(raw.headers_size, "response.headersSize");
    meta.response_body_size = ctx.number(raw.body_size, "response.bodySize");
    meta.transfer_size = ctx.number(raw.transfer_size, "response._transferSize");
    meta.error = ctx
        .text(raw.error, "response._error")
        .or_else(|| ctx.text(raw.failure_text, "response._failureText"))
        .filter(|e| !e.is_empty());
    let body = ctx.obj(raw.content, "response.content").and_then(|c| {
        meta.content_size = ctx.number(c.size, "response.content.size");
        meta.content_compression = ctx.number(c.compression, "response.content.compression");
        let mime_type = ctx
            .text(c.mime_type, "response.content.mimeType")
            .unwrap_or_default();
        let encoding = ctx.text(c.encoding, "response.content.encoding");
        match ctx.text(c.text, "response.content.text") {
            Some(text) => Some(Body {
                mime_type,
                text,
                encoding,
            }),
            None => {
                meta.content_mime_type = Some(mime_type);
                None
            }
        }
    });
    Response {
        status,
        status_text: ctx
            .text(raw.status_text, "response.statusText")
            .unwrap_or_default(),
        http_version: ctx
            .text(raw.http_version, "response.httpVersion")
            .unwrap_or_default(),
        headers,
        body,
        redirect_url: ctx
            .text(raw.redirect_url, "response.redirectURL")
            .filter(|u| !u.is_empty()),
    }
}

/// `_initiator.url`, else the first frame URL of the (possibly async) stack.
fn initiator_url(ctx: &mut Ctx<'_>, raw: RawInitiator, meta: &mut EntryMeta) -> Option<String> {
    meta.initiator_type = ctx.text(raw.kind, "_initiator.type");
    if let Some(url) = ctx
        .text(raw.url, "_initiator.url")
        .filter(|u| !u.is_empty())
    {
        return Some(url);
    }
    // A loop, not recursion: the chain is as long as serde's depth limit allowed.
    let mut stack = raw.stack.0.value().map(Box::new);
    while let Some(s) = stack {
        let s = *s;
        let found = s
            .call_frames
            .0
            .value()
            .into_iter()
            .flatten()
            .filter_map(|f| f.0.value())
            .filter_map(|f| f.url.0.value())
            .find(|u| !u.is_empty());
        if found.is_some() {
            return found;
        }
        stack = s.parent.0.value();
    }
    None
}
