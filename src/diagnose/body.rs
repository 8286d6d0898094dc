//! JSON error bodies: the four shapes APIs use to say why they refused.
//!
//! - OAuth (RFC 6749 §5.2, RFC 6750 §3): `{"error":"invalid_token","error_description":"…"}`
//! - Problem details (RFC 9457): `{"type":…,"title":…,"status":…,"detail":…}`
//! - Nested (Google, Azure, many gateways): `{"error":{"code":…,"message":…}}`
//! - Plain (GitHub, Express apps): `{"message":"…"}`
//!
//! serde_json limits nesting to 128 levels, and the body is cut before parsing, so a
//! hostile body costs bounded work.

use crate::base64::{self, Alphabet};
use crate::exchange::Body;

/// Bodies larger than this are not parsed (error bodies are small).
const MAX_BODY: usize = 64 * 1024;
/// Quoted text is cut to this many characters.
const MAX_QUOTE: usize = 300;

/// Which shape the body had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `{"error": "…", "error_description": "…"}`.
    OAuth,
    /// RFC 9457 problem details.
    Problem,
    /// `{"error": {"code": …, "message": …}}`.
    Nested,
    /// `{"message": "…"}`.
    Message,
}

impl Shape {
    /// Human name for evidence labels.
    pub fn name(self) -> &'static str {
        match self {
            Shape::OAuth => "OAuth error",
            Shape::Problem => "problem details (RFC 9457)",
            Shape::Nested => "error object",
            Shape::Message => "message",
        }
    }
}

/// What an error body said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    /// The shape recognised.
    pub shape: Shape,
    /// A machine code (`invalid_grant`, `UNAUTHENTICATED`, a problem `type`), when present.
    pub code: Option<String>,
    /// The human message (`error_description`, `detail`, `title`, `message`), when present.
    pub message: Option<String>,
}

impl ErrorBody {
    /// A one-line quote for evidence: `invalid_token: The access token expired`.
    pub fn quote(&self) -> String {
        let text = match (&self.code, &self.message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => String::new(),
        };
        cut(&text)
    }

    /// The message and code together, lowercase, for keyword checks.
    pub fn text_lower(&self) -> String {
        format!(
            "{} {}",
            self.code.as_deref().unwrap_or(""),
            self.message.as_deref().unwrap_or("")
        )
        .to_ascii_lowercase()
    }
}

fn cut(s: &str) -> String {
    let mut out: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUOTE)
        .collect();
    if s.chars().count() > MAX_QUOTE {
        out.push(crate::secret::ELLIPSIS);
    }
    out
}

fn as_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(cut(s)),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The body's text, base64-decoded when HAR stored it so.
pub fn text(body: &Body) -> Option<std::borrow::Cow<'_, str>> {
    if body.text.len() > MAX_BODY * 2 {
        return None;
    }
    match body.encoding.as_deref() {
        Some(e) if e.eq_ignore_ascii_case("base64") => {
            let bytes = base64::decode(&body.text, Alphabet::Standard).bytes;
            String::from_utf8(bytes).ok().map(std::borrow::Cow::Owned)
        }
        _ => Some(std::borrow::Cow::Borrowed(body.text.as_str())),
    }
}

/// Parses an error body of one of the four shapes; `None` for anything else.
pub fn parse(body: &Body) -> Option<ErrorBody> {
    let text = text(body)?;
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') || trimmed.len() > MAX_BODY {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    let obj = value.as_object()?;
    let field = |name: &str| obj.get(name).and_then(as_text);
    if let Some(serde_json::Value::Object(inner)) = obj.get("error") {
        let code = inner
            .get("code")
            .and_then(as_text)
            .or_else(|| inner.get("status").and_then(as_text));
        let message = inner.get("message").and_then(as_text);
        return Some(ErrorBody {
            shape: Shape::Nested,
            code,
            message,
        });
    }
    if let Some(code) = field("error") {
        return Some(ErrorBody {
            shape: Shape::OAuth,
            code: Some(code),
            message: field("error_description").or_else(|| field("message")),
        });
    }
    let problem = obj.contains_key("title")
        && (obj.contains_key("status") || obj.contains_key("type"))
        || obj.contains_key("type") && obj.contains_key("detail");
    if problem {
        return Some(ErrorBody {
            shape: Shape::Problem,
            code: field("type").filter(|t| t != "about:blank"),
            message: field("detail").or_else(|| field("title")),
        });
    }
    field("message").map(|m| ErrorBody {
        shape: Shape::Message,
        code: field("code"),
        message: Some(m),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Body {
        Body {
            mime_type: "application/json".into(),
            text: text.into(),
            encoding: None,
        }
    }

    #[test]
    fn shapes_table() {
        let cases = [
            (
                r#"{"error":"invalid_token","error_description":"The access token expired"}"#,
                Some((Shape::OAuth, "invalid_token: The access token expired")),
            ),
            (
                r#"{"type":"https://example.com/probs/unauthenticated","title":"Unauthorized","status":401,"detail":"Token missing"}"#,
                Some((
                    Shape::Problem,
                    "https://example.com/probs/unauthenticated: Token missing",
                )),
            ),
            (
                r#"{"type":"about:blank","title":"Unauthorized","status":401}"#,
                Some((Shape::Problem, "Unauthorized")),
            ),
            (
                r#"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#,
                Some((
                    Shape::Nested,
                    "401: Request had invalid authentication credentials.",
                )),
            ),
            (
                r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
                Some((Shape::Message, "Bad credentials")),
            ),
            (r#"{"ok":false}"#, None),
            ("<html>Unauthorized</html>", None),
            ("[1,2]", None),
            ("{", None),
            ("", None),
        ];
        for (text, want) in cases {
            let got = parse(&body(text)).map(|b| (b.shape, b.quote()));
            let want = want.map(|(s, q)| (s, q.to_string()));
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn base64_bodies_are_decoded() {
        let b = Body {
            mime_type: "application/json".into(),
            text: crate::base64::encode(br#"{"error":"invalid_grant"}"#, Alphabet::Standard),
            encoding: Some("base64".into()),
        };
        assert_eq!(parse(&b).and_then(|e| e.code), Some("invalid_grant".into()));
    }

    #[test]
    fn deep_nesting_and_long_messages_are_bounded() {
        let deep = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
        assert_eq!(parse(&body(&deep)), None);
        let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(10_000));
        let q = parse(&body(&long)).unwrap().quote();
        assert!(q.chars().count() <= MAX_QUOTE + 1);
    }
}
