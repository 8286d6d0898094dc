//! Credential decoding: `credentials::decode_authorization` on arbitrary values, Basic
//! credentials built from an arbitrary user and password (the password must never be
//! shown), and `credentials::from_request` on an arbitrary request.
//! Input: a mode byte, then the data.
#![no_main]

use authlens::base64::{self, Alphabet};
use authlens::credentials::{self, Context};
use authlens::exchange::Request;
use authlens::time::Timestamp;
use authlens_fuzz::{assert_not_leaked, assert_offsets, split_parts, text, NOW};
use libfuzzer_sys::fuzz_target;

fn ctx(flags: u8) -> Context<'static> {
    let mut ctx = Context::new(Timestamp(NOW.0 + i64::from(flags & 0x0F) * 86_400_000))
        .proxy(flags & 0x10 != 0);
    if flags & 0x20 != 0 {
        ctx = ctx.with_charset("UTF-8");
    }
    if flags & 0x40 != 0 {
        ctx = ctx.with_leeway(0);
    }
    ctx
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let ctx = ctx(mode);
    match mode >> 7 {
        0 if mode & 0x08 == 0 => {
            // Any Authorization value.
            let value = text(rest);
            let decoded = credentials::decode_authorization(&value, &ctx);
            assert_offsets(&decoded.diagnostics, value.len(), "decode_authorization");
            let shown = json(&decoded);
            // A bearer token (long enough to be masked) is never shown whole.
            if let Some(token) = value.strip_prefix("Bearer ") {
                if token.len() >= 16
                    && token
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b))
                {
                    assert!(
                        !shown.contains(token),
                        "bearer token shown unmasked: {shown}"
                    );
                }
            }
            let bare = credentials::decode_bare_token(&value, &ctx);
            assert_offsets(&bare.diagnostics, value.len(), "decode_bare_token");
            let _ = json(&bare);
        }
        0 => {
            // Basic user:pass — the password is never output, only its length.
            let parts = split_parts(rest, 2);
            let user = text(parts.first().copied().unwrap_or_default()).replace(':', "");
            let pass = text(parts.get(1).copied().unwrap_or_default()).into_owned();
            let render = |p: &str| {
                let b64 = base64::encode(format!("{user}:{p}").as_bytes(), Alphabet::Standard);
                let decoded = credentials::decode_authorization(&format!("Basic {b64}"), &ctx);
                assert_offsets(&decoded.diagnostics, 6 + b64.len(), "basic");
                format!("{}\n{:?}", json(&decoded), decoded.findings)
            };
            assert_not_leaked(&pass, render, "basic password");
        }
        _ => {
            // A whole request: URL, then `name: value` lines.
            let parts = split_parts(rest, 2);
            let url = text(parts.first().copied().unwrap_or_default()).into_owned();
            let head = text(parts.get(1).copied().unwrap_or_default());
            let mut req = Request {
                method: "GET".into(),
                url,
                http_version: "HTTP/1.1".into(),
                ..Request::default()
            };
            for line in head.split('\n') {
                let (name, value) = line.split_once(':').unwrap_or((line, ""));
                req.headers.push(name.trim(), value.trim_start());
            }
            let found = credentials::from_request(&req, &ctx);
            let longest = req
                .url
                .len()
                .max(req.headers.iter().map(|h| h.value.len()).max().unwrap_or(0));
            for c in &found {
                assert_offsets(&c.credential.diagnostics, longest, "from_request");
            }
            let _ = json(&found);
        }
    }
});
