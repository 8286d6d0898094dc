//! One exchange: which header is what, the DPoP binding, bodies, and the HAR details.

use crate::credentials::{self, API_KEY_HEADERS};
use crate::exchange::{Exchange, Header, Headers, UrlParts};
use crate::har::EntryMeta;
use crate::jose;

use super::jose::Mode;
use super::marker::Secret;
use super::Redactor;

/// Fragments of header names that say the value is a secret.
const SECRET_NAME_PARTS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "api-key",
    "api_key",
    "session",
    "signature",
    "credential",
    "auth-key",
];

/// Headers kept verbatim: challenges and nonces are the server's words, not secrets, and
/// the diagnosis quotes them.
const VERBATIM: &[&str] = &["www-authenticate", "proxy-authenticate", "dpop-nonce"];

fn is_secret_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    API_KEY_HEADERS
        .iter()
        .any(|(h, _)| h.eq_ignore_ascii_case(name))
        || (SECRET_NAME_PARTS.iter().any(|p| n.contains(p))
            && !n.starts_with("access-control-")
            && !VERBATIM.contains(&n.as_str()))
        || n.ends_with("-key")
}

/// Bytes a header block takes on an HTTP/1.1 wire, the way HAR `headersSize` counts them.
fn wire_size(headers: &Headers) -> i64 {
    headers
        .iter()
        .map(|h| i64::try_from(h.name.len() + h.value.len() + 4).unwrap_or(i64::MAX))
        .sum()
}

fn request_line_size(ex: &Exchange) -> i64 {
    let url = UrlParts::parse(&ex.request.url);
    let target = url.path.len() + url.query.map_or(0, |q| q.len() + 1);
    i64::try_from(target).unwrap_or(0)
}

/// `headersSize` moved by what redaction changed, so that the size check of
/// [`crate::har::sanitization`] sees the same gap as before.
fn adjust(size: Option<f64>, delta: i64) -> Option<f64> {
    // Header sizes are small integers; the conversions below are exact for them.
    #[allow(clippy::cast_precision_loss)]
    let d = delta as f64;
    size.map(|s| if s > 0.0 { (s + d).max(0.0) } else { s })
}

impl Redactor {
    /// The structured pass over one exchange (no safety net yet).
    pub(super) fn exchange_structured(
        &mut self,
        ex: &Exchange,
        meta: Option<&EntryMeta>,
    ) -> (Exchange, Option<EntryMeta>) {
        let mut out = ex.clone();
        out.request.url = self.url_value(&ex.request.url, "request url", 0);
        out.request.headers = self.request_headers(&ex.request.headers);
        out.request.body = ex
            .request
            .body
            .as_ref()
            .and_then(|b| self.request_body(ex, b));
        out.response.headers = self.response_headers(&ex.response.headers);
        out.response.body = ex
            .response
            .body
            .as_ref()
            .and_then(|b| self.response_body(ex, b));
        out.response.redirect_url = ex
            .response
            .redirect_url
            .as_ref()
            .map(|u| self.url_value(u, "redirectURL", 0));
        out.initiator = ex
            .initiator
            .as_ref()
            .map(|u| self.url_value(u, "initiator", 0));
        let meta = meta.map(|m| self.meta(ex, &out, m));
        (out, meta)
    }

    fn request_headers(&mut self, headers: &Headers) -> Headers {
        let mut out: Vec<Header> = Vec::with_capacity(headers.len());
        let mut first_auth: Option<(String, String)> = None;
        let mut dpop_at: Vec<usize> = Vec::new();
        for h in headers.iter() {
            let name = h.name.to_ascii_lowercase();
            let loc = format!("request header {}", h.name);
            let value = match name.as_str() {
                "authorization" | "proxy-authorization" => {
                    let v = self.authorization_value(&h.value, &loc, 0);
                    if name == "authorization" && first_auth.is_none() {
                        first_auth = Some((h.value.clone(), v.clone()));
                    }
                    v
                }
                "cookie" => self.cookie_header(&h.value),
                "dpop" => {
                    dpop_at.push(out.len());
                    h.value.clone()
                }
                "referer" | "origin" => self.url_value(&h.value, &loc, 0),
                _ if is_secret_header(&name) => self.secret_header(&h.value, &h.name, &loc),
                _ => self.scrub_text(&h.value, &loc),
            };
            out.push(Header {
                name: h.name.clone(),
                value,
            });
        }
        // The proof's `ath` is the hash of the access token sent with it (RFC 9449 §4.2):
        // bind it to the redacted token when it was bound to the original one.
        let (ath_from, ath_to) = match &first_auth {
            Some((orig, new)) => (access_token(orig), access_token(new)),
            None => (None, None),
        };
        let mode = Mode::Proof {
            ath_from: ath_from.map(|t| jose::access_token_hash(&t)),
            ath_to: ath_to.map(|t| jose::access_token_hash(&t)),
        };
        for i in dpop_at {
            if let Some(h) = out.get_mut(i) {
                let v = self.dpop_value(&h.value, &mode);
                h.value = v;
            }
        }
        Headers(out)
    }

    /// A `DPoP` header value: the proof token with blanks around it kept.
    fn dpop_value(&mut self, value: &str, mode: &Mode) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() || super::token::is_marker(trimmed) {
            return value.to_string();
        }
        let new = if jose::starts_like_jose(trimmed) {
            self.jose_with(trimmed, "request header DPoP", 0, mode)
        } else {
            self.token(trimmed, Secret::Token, "request header DPoP")
        };
        let at = value.len() - value.trim_start().len();
        format!(
            "{}{new}{}",
            value.get(..at).unwrap_or(""),
            value.get(at + trimmed.len()..).unwrap_or("")
        )
    }

    /// An API-key or other secret-named header: a scheme-prefixed value is redacted like
    /// `Authorization`, anything else as one token.
    fn secret_header(&mut self, value: &str, name: &str, location: &str) -> String {
        let (scheme, _) = credentials::lex_scheme(value);
        let after = value.trim_start().get(scheme.len()..).unwrap_or("");
        let known = matches!(
            scheme.to_ascii_lowercase().as_str(),
            "bearer" | "basic" | "dpop" | "token" | "digest"
        );
        if known && after.starts_with([' ', '\t']) {
            return self.authorization_value(value, location, 0);
        }
        let what = if name.to_ascii_lowercase().contains("key") {
            Secret::Key
        } else {
            Secret::Token
        };
        self.token(value, what, location)
    }

    fn response_headers(&mut self, headers: &Headers) -> Headers {
        let out = headers
            .iter()
            .map(|h| {
                let name = h.name.to_ascii_lowercase();
                let loc = format!("response header {}", h.name);
                let value = match name.as_str() {
                    "set-cookie" => self.set_cookie(&h.value),
                    "location" | "content-location" => self.url_value(&h.value, &loc, 0),
                    "authentication-info" | "proxy-authentication-info" => {
                        super::authorization::rewrite_param_list(&h.value, |n, v| {
                            self.param_value(n, v, &loc)
                        })
                    }
                    _ if VERBATIM.contains(&name.as_str()) => h.value.clone(),
                    _ if is_secret_header(&name) => self.secret_header(&h.value, &h.name, &loc),
                    _ => self.scrub_text(&h.value, &loc),
                };
                Header {
                    name: h.name.clone(),
                    value,
                }
            })
            .collect();
        Headers(out)
    }

    /// The HAR details: the `:path` pseudo-header like the URL, comments like text, and the
    /// header sizes moved by what changed.
    fn meta(&mut self, before: &Exchange, after: &Exchange, meta: &EntryMeta) -> EntryMeta {
        let mut m = meta.clone();
        for h in &mut m.request_pseudo_headers {
            if h.name == ":path" {
                h.value = self.url_value(&h.value, "request header :path", 0);
            }
        }
        m.comment = m
            .comment
            .as_ref()
            .map(|c| self.scrub_text(c, "entry comment"));
        let req_delta = wire_size(&after.request.headers) - wire_size(&before.request.headers)
            + request_line_size(after)
            - request_line_size(before);
        let res_delta = wire_size(&after.response.headers) - wire_size(&before.response.headers);
        m.request_headers_size = adjust(m.request_headers_size, req_delta);
        m.response_headers_size = adjust(m.response_headers_size, res_delta);
        if before.response.body.is_some() && after.response.body.is_none() {
            // The body text is gone; its type still tells what the server answered.
            m.content_mime_type = before
                .response
                .body
                .as_ref()
                .map(|b| b.mime_type.clone())
                .or(m.content_mime_type);
        }
        m
    }

    /// The safety net over every text field of an already redacted exchange.
    pub(super) fn net_exchange(&mut self, ex: &mut Exchange, meta: Option<&mut EntryMeta>) {
        if self.reg.is_empty() {
            return;
        }
        let before_req = wire_size(&ex.request.headers) + request_line_size(ex);
        let before_res = wire_size(&ex.response.headers);
        ex.request.url = self.net_text(&ex.request.url, "request url");
        for h in &mut ex.request.headers.0 {
            let loc = format!("request header {}", h.name);
            h.value = self.net_text(&h.value, &loc);
        }
        for h in &mut ex.response.headers.0 {
            let loc = format!("response header {}", h.name);
            h.value = self.net_text(&h.value, &loc);
        }
        if let Some(b) = ex.request.body.as_mut() {
            b.text = self.net_text(&b.text, "request body");
        }
        if let Some(b) = ex.response.body.as_mut() {
            b.text = self.net_text(&b.text, "response body");
        }
        if let Some(u) = ex.response.redirect_url.as_mut() {
            *u = self.net_text(u, "redirectURL");
        }
        if let Some(u) = ex.initiator.as_mut() {
            *u = self.net_text(u, "initiator");
        }
        if let Some(m) = meta {
            for h in m
                .request_pseudo_headers
                .iter_mut()
                .chain(m.response_pseudo_headers.iter_mut())
            {
                h.value = self.net_text(&h.value, "pseudo-header");
            }
            if let Some(c) = m.comment.as_mut() {
                *c = self.net_text(c, "entry comment");
            }
            if let Some(e) = m.error.as_mut() {
                *e = self.net_text(e, "entry error");
            }
            let req_delta = wire_size(&ex.request.headers) + request_line_size(ex) - before_req;
            let res_delta = wire_size(&ex.response.headers) - before_res;
            m.request_headers_size = adjust(m.request_headers_size, req_delta);
            m.response_headers_size = adjust(m.response_headers_size, res_delta);
        }
    }
}

/// The access token of an `Authorization` value, as the DPoP check reads it.
fn access_token(value: &str) -> Option<String> {
    let (scheme, at) = credentials::lex_scheme(value);
    let text = credentials::token_after_scheme(value, scheme, at, false);
    (!text.cleaned.is_empty()).then_some(text.cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_header_names() {
        for yes in [
            "X-API-Key",
            "x-auth-token",
            "X-CSRF-Token",
            "Ocp-Apim-Subscription-Key",
            "X-Session-Id",
            "X-Hub-Signature-256",
            "PRIVATE-TOKEN",
        ] {
            assert!(is_secret_header(yes), "{yes}");
        }
        for no in [
            "Accept",
            "Content-Type",
            "Access-Control-Allow-Credentials",
            "WWW-Authenticate",
            "DPoP-Nonce",
            "User-Agent",
        ] {
            assert!(!is_secret_header(no), "{no}");
        }
    }
}
