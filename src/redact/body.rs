//! Request and response bodies: which are kept, and the secrets inside those that are.

use serde_json::{Map, Value};

use crate::base64::{self, Alphabet};
use crate::exchange::{Body, Exchange};

use super::json::{self, Scalar, Step};
use super::marker::{self, percent_encode, Secret};
use super::url::form_decode;
use super::{Redactor, OAUTH_PARAMS};

/// JSON bodies larger than this are not kept when bodies are not (the diagnosis reads
/// error bodies up to 64 KiB).
const MAX_JSON: usize = 64 * 1024;
/// How much of a text error body is kept: server and edge detection sniff the first 4 KiB.
const TEXT_PREFIX: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// `accessToken`, `access-token` and `access_token` are the same name.
fn normalise(key: &str) -> String {
    key.bytes()
        .filter(|c| *c != b'_' && *c != b'-')
        .map(|c| char::from(c.to_ascii_lowercase()))
        .collect()
}

/// [`BODY_SECRETS`] normalised, so each JSON key costs one normalisation.
const BODY_SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "clientsecret",
    "refreshtoken",
    "accesstoken",
    "idtoken",
    "code",
    "codeverifier",
    "assertion",
    "clientassertion",
    "subjecttoken",
    "actortoken",
    "devicecode",
    "token",
    "apikey",
    "apikey",
    "secret",
    "sessiontoken",
    "privatekey",
    "otp",
];

fn secret_key(key: &str, side: Side) -> Option<Secret> {
    let n = normalise(key);
    // In responses `code` is an error code (`{"error":{"code":401}}`), not a grant.
    if side == Side::Response && n == "code" {
        return None;
    }
    if key.len() > 40 || !BODY_SECRET_KEYS.contains(&n.as_str()) {
        return None;
    }
    Some(match n.as_str() {
        "password" | "passwd" | "otp" => Secret::Password,
        "clientsecret" | "assertion" | "clientassertion" | "codeverifier" | "secret"
        | "privatekey" => Secret::ClientSecret,
        "code" | "devicecode" => Secret::Code,
        "apikey" => Secret::Key,
        _ => Secret::Token,
    })
}

fn is_oauth_param(key: &str) -> bool {
    OAUTH_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(key))
}

fn is_json(body: &Body, text: &str) -> bool {
    body.mime_type.to_ascii_lowercase().contains("json")
        || matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

fn is_form(body: &Body, text: &str) -> bool {
    body.mime_type
        .to_ascii_lowercase()
        .contains("x-www-form-urlencoded")
        || (!text.is_empty()
            && text.contains('=')
            && !text.contains(char::is_whitespace)
            && !is_json(body, text))
}

/// The body's text (base64 bodies decoded) and whether it was base64; `None` for binary.
fn body_text(body: &Body) -> Option<(String, bool)> {
    match body.encoding.as_deref() {
        Some(e) if e.eq_ignore_ascii_case("base64") => {
            let bytes = base64::decode(&body.text, Alphabet::Standard).bytes;
            String::from_utf8(bytes).ok().map(|t| (t, true))
        }
        _ => Some((body.text.clone(), false)),
    }
}

fn rewrap(body: &Body, text: String, b64: bool) -> Body {
    Body {
        mime_type: body.mime_type.clone(),
        text: if b64 {
            base64::encode(text.as_bytes(), Alphabet::Standard)
        } else {
            text
        },
        encoding: body.encoding.clone(),
    }
}

/// A POST to a token endpoint (RFC 6749 §3.2): the last path segment names a token or a
/// refresh, or the body carries `grant_type`.
fn is_token_request(ex: &Exchange, text: Option<&str>) -> bool {
    ex.request.posts_to_token_path() || text.is_some_and(|t| t.contains("grant_type"))
}

fn cut_at_char_boundary(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

impl Redactor {
    /// The request body to export, `None` to drop it.
    pub(super) fn request_body(&mut self, ex: &Exchange, body: &Body) -> Option<Body> {
        let Some((text, b64)) = body_text(body) else {
            return self.binary(body, "request body");
        };
        if self.opts.keep_bodies {
            let out = self.redact_body_text(body, &text, Side::Request, "request body");
            return Some(rewrap(body, out, b64));
        }
        if is_token_request(ex, Some(&text)) {
            if let Some(out) = self.token_request_body(body, &text) {
                return Some(rewrap(body, out, b64));
            }
        }
        self.drop_body(body, "request body", text.len())
    }

    /// The response body to export, `None` to drop it.
    pub(super) fn response_body(&mut self, ex: &Exchange, body: &Body) -> Option<Body> {
        let Some((text, b64)) = body_text(body) else {
            return self.binary(body, "response body");
        };
        if self.opts.keep_bodies {
            let out = self.redact_body_text(body, &text, Side::Response, "response body");
            return Some(rewrap(body, out, b64));
        }
        let status = ex.response.status;
        let token_endpoint =
            is_token_request(ex, ex.request.body.as_ref().map(|b| b.text.as_str()));
        if is_json(body, &text) && text.len() <= MAX_JSON && (status >= 400 || token_endpoint) {
            if let Ok(out) = self.json_body(&text, Side::Response, "response body") {
                return Some(rewrap(body, out, b64));
            }
        }
        if status >= 400 && !is_json(body, &text) {
            let prefix = cut_at_char_boundary(&text, TEXT_PREFIX);
            if prefix.len() < text.len() {
                self.note_dropped(
                    "response body",
                    format!("body after the first {TEXT_PREFIX} bytes"),
                    text.len() - prefix.len(),
                );
            }
            let out = self.scrub_text(prefix, "response body");
            return Some(rewrap(body, out, b64));
        }
        self.drop_body(body, "response body", text.len())
    }

    fn binary(&mut self, body: &Body, location: &str) -> Option<Body> {
        if self.opts.keep_bodies {
            return Some(body.clone());
        }
        self.drop_body(body, location, body.text.len())
    }

    fn drop_body(&mut self, body: &Body, location: &str, len: usize) -> Option<Body> {
        if len > 0 {
            self.summary.bodies_dropped += 1;
            let mime = if body.mime_type.is_empty() {
                "unknown type".to_string()
            } else {
                body.mime_type.chars().take(60).collect()
            };
            self.note_dropped(location, format!("body ({mime})"), len);
        }
        None
    }

    /// Any body, field by field when it is JSON or a form, by the text rules otherwise.
    fn redact_body_text(&mut self, body: &Body, text: &str, side: Side, location: &str) -> String {
        if is_json(body, text) {
            if let Ok(out) = self.json_body(text, side, location) {
                return out;
            }
        }
        if is_form(body, text) {
            return self.form_body(text, side, location, false);
        }
        self.scrub_text(text, location)
    }

    /// A token request with only the OAuth parameters and the secrets (as markers).
    fn token_request_body(&mut self, body: &Body, text: &str) -> Option<String> {
        let location = "request body";
        if is_json(body, text) {
            let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
                return None;
            };
            let mut out = Map::new();
            for (k, v) in map {
                let path = [Step::Key(k.clone())];
                if secret_key(&k, Side::Request).is_some() {
                    let nv = match &v {
                        Value::String(s) => self
                            .json_scalar(&path, Scalar::Str(s), Side::Request, location)
                            .map_or(v.clone(), Value::String),
                        Value::Number(n) => self
                            .json_scalar(
                                &path,
                                Scalar::Num(&n.to_string()),
                                Side::Request,
                                location,
                            )
                            .map_or(v.clone(), Value::String),
                        _ => v.clone(),
                    };
                    out.insert(k, nv);
                } else if is_oauth_param(&k) {
                    out.insert(k, v);
                } else {
                    self.note_dropped(
                        &format!("{location} $.{k}"),
                        "non-OAuth field",
                        v.to_string().len(),
                    );
                }
            }
            return Some(Value::Object(out).to_string());
        }
        if is_form(body, text) {
            return Some(self.form_body(text, Side::Request, location, true));
        }
        None
    }

    fn json_body(&mut self, text: &str, side: Side, location: &str) -> Result<String, ()> {
        json::rewrite(text, |path, v| self.json_scalar(path, v, side, location))
    }

    /// The replacement for one JSON scalar, `None` to keep it.
    fn json_scalar(
        &mut self,
        path: &[Step],
        v: Scalar<'_>,
        side: Side,
        location: &str,
    ) -> Option<String> {
        let key = json::nearest_key(path).unwrap_or("");
        let loc = format!("{location} {}", json::describe(path));
        if key.eq_ignore_ascii_case("authorization") {
            if let Scalar::Str(s) = v {
                let out = self.authorization_value(s, &loc, 1);
                return (out != s).then_some(out);
            }
        }
        match (secret_key(key, side), v) {
            (Some(what), Scalar::Str(s)) => {
                let out = self.token(s, what, &loc);
                (out != s).then_some(out)
            }
            (Some(what), Scalar::Num(n)) => {
                let id = self.reg.id(n);
                self.note(&loc, what.describe(), n.len());
                Some(marker::descriptive(what, n.len(), id))
            }
            (None, Scalar::Str(s)) => {
                let out = if s.starts_with("https://") || s.starts_with("http://") {
                    self.url_value(s, &loc, 1)
                } else {
                    self.scrub_text(s, &loc)
                };
                (out != s).then_some(out)
            }
            (None, Scalar::Num(_)) => None,
        }
    }

    /// `a=1&b=2`: secret fields become markers; with `only_oauth`, other non-OAuth fields go.
    fn form_body(&mut self, text: &str, side: Side, location: &str, only_oauth: bool) -> String {
        let mut kept: Vec<String> = Vec::new();
        for pair in text.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let name = form_decode(k);
            let loc = format!("{location} {}", name.chars().take(60).collect::<String>());
            let secret = secret_key(&name, side);
            if only_oauth && secret.is_none() && !is_oauth_param(&name) {
                if !pair.is_empty() {
                    self.note_dropped(&loc, "non-OAuth field", v.len());
                }
                continue;
            }
            let value = form_decode(v);
            let new = match secret {
                _ if name.eq_ignore_ascii_case("authorization") => {
                    self.authorization_value(&value, &loc, 1)
                }
                Some(what) => self.token(&value, what, &loc),
                None => self.scrub_text(&value, &loc),
            };
            if new == value {
                kept.push(pair.to_string());
            } else {
                kept.push(format!("{k}={}", percent_encode(&new)));
            }
        }
        kept.join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RedactOptions, BODY_SECRETS};
    use super::*;
    use crate::exchange::{Request, Response};

    #[test]
    fn normalised_secret_keys_match_the_list() {
        let n: Vec<String> = BODY_SECRETS.iter().map(|s| normalise(s)).collect();
        assert_eq!(n, BODY_SECRET_KEYS);
        assert_eq!(normalise("refreshToken"), "refreshtoken");
        assert_eq!(
            secret_key("Refresh-Token", Side::Request),
            Some(Secret::Token)
        );
        assert_eq!(secret_key("code", Side::Response), None);
    }

    fn ex(method: &str, url: &str, status: u16) -> Exchange {
        Exchange {
            request: Request {
                method: method.into(),
                url: url.into(),
                ..Request::default()
            },
            response: Response {
                status,
                ..Response::default()
            },
            ..Exchange::default()
        }
    }

    fn body(mime: &str, text: &str) -> Body {
        Body {
            mime_type: mime.into(),
            text: text.into(),
            encoding: None,
        }
    }

    #[test]
    fn token_request_keeps_oauth_params_and_marks_secrets() {
        let mut r = Redactor::new(RedactOptions::default());
        let x = ex("POST", "https://id.example.com/oauth/token", 400);
        let b = body(
            "application/x-www-form-urlencoded",
            "grant_type=refresh_token&refresh_token=rt-0123456789&client_id=app&username=alice",
        );
        let out = r.request_body(&x, &b).unwrap().text;
        assert_eq!(
            out,
            "grant_type=refresh_token&refresh_token=REDACTED-token-13chars-1&client_id=app"
        );
        let j = body(
            "application/json",
            r#"{"refresh_token":"rt-0123456789","extra":"x"}"#,
        );
        let out = r.request_body(&x, &j).unwrap().text;
        assert_eq!(out, r#"{"refresh_token":"REDACTED-token-13chars-1"}"#);
    }

    #[test]
    fn response_bodies_kept_only_when_the_diagnosis_reads_them() {
        let mut r = Redactor::new(RedactOptions::default());
        let err = body(
            "application/json",
            "{\n  \"error\": \"invalid_grant\",\n  \"code\": 400 }",
        );
        let x = ex("POST", "https://id.example.com/oauth/token", 400);
        assert_eq!(r.response_body(&x, &err).unwrap().text, err.text);
        let ok = body(
            "application/json",
            r#"{"access_token":"opaque-at-0123456789","expires_in":3600,"token_type":"Bearer"}"#,
        );
        let x = ex("POST", "https://id.example.com/oauth/token", 200);
        assert_eq!(
            r.response_body(&x, &ok).unwrap().text,
            r#"{"access_token":"REDACTED-token-20chars-1","expires_in":3600,"token_type":"Bearer"}"#
        );
        let page = body("text/html", "<html>hello</html>");
        assert!(r
            .response_body(&ex("GET", "https://x/", 200), &page)
            .is_none());
        assert!(r
            .response_body(&ex("GET", "https://x/", 403), &page)
            .is_some());
        assert_eq!(r.summary().bodies_dropped, 1);
    }

    #[test]
    fn keep_bodies_redacts_json_fields_and_embedded_tokens() {
        let mut r = Redactor::new(RedactOptions::default().with_bodies(true));
        let b = body(
            "application/json",
            r#"{"user":{"password":"hunter22!","note":"key ghp_0123456789abcdefghij0123456789abcdef"}, "n":1}"#,
        );
        let out = r
            .request_body(&ex("POST", "https://x/login", 200), &b)
            .unwrap()
            .text;
        assert!(!out.contains("hunter22"), "{out}");
        assert!(!out.contains("0123456789abcdefghij"), "{out}");
        assert!(out.contains("\"n\":1"), "{out}");
        assert!(out.contains("ghp_REDACTED-token-"), "{out}");
    }
}
