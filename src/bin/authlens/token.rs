//! `authlens token`: decode an `Authorization` value or a bare token and judge it.

use authlens::credentials::{self, Context};
use authlens::time::Timestamp;

use crate::style::Style;
use crate::{args, render, Failure};

pub const USAGE: &str = "authlens token [--json] [--at TIME] [--leeway SECS] [--charset NAME] VALUE
  Decode an Authorization value (`Bearer …`, `Basic …`, `Digest …`, `DPoP …`, …) or a bare
  token (JWS, JWE, opaque), and judge its times against TIME.
  --at TIME       reference instant: RFC 3339 (2026-11-21T10:00:00Z) or Unix seconds; default now
  --leeway SECS   clock-skew allowance for exp/nbf/iat (default 60)
  --charset NAME  the challenge's Basic charset, e.g. UTF-8 (RFC 7617 §2.1)
  --json          print {\"scheme\",\"kind\",\"header\",\"claims\",\"username\",\"issuer_hint\",\"findings\",…}
  VALUE '-' reads the value from standard input. Secrets are masked; a Basic password is never shown.";

/// Parses `--at`: RFC 3339 or (fractional) Unix seconds.
pub fn parse_instant(text: &str) -> Option<Timestamp> {
    Timestamp::parse_rfc3339(text).or_else(|| {
        text.trim()
            .parse::<f64>()
            .ok()
            .and_then(Timestamp::from_unix_secs_f64)
    })
}

/// The machine clock: the CLI is a face, so it may read it (the core never does).
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Timestamp(ms)
}

pub fn run(argv: &[String], style: Style) -> Result<(), Failure> {
    let a = args::parse(argv, &["at", "leeway", "charset"], &["json"])?;
    let value = match a.positionals.as_slice() {
        [v] if v == "-" => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| Failure::Input(format!("cannot read standard input: {e}")))?;
            s.trim_end_matches(['\r', '\n']).to_string()
        }
        [v] => v.clone(),
        [] => {
            return Err(Failure::Usage(
                "give one Authorization value or token".into(),
            ))
        }
        _ => {
            return Err(Failure::Usage(
                "give exactly one value (quote it: 'Bearer eyJ…')".into(),
            ))
        }
    };
    let at = match a.option("at") {
        Some(t) => parse_instant(t).ok_or_else(|| {
            Failure::Usage(format!("--at {t:?} is neither RFC 3339 nor Unix seconds"))
        })?,
        None => now(),
    };
    let mut ctx = Context::new(at);
    if let Some(l) = a.option("leeway") {
        ctx =
            ctx.with_leeway(l.parse().map_err(|_| {
                Failure::Usage(format!("--leeway {l:?} is not a number of seconds"))
            })?);
    }
    if let Some(c) = a.option("charset") {
        ctx = ctx.with_charset(c);
    }
    let decoded = credentials::decode_bare_token(&value, &ctx);
    if a.flag("json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&decoded).map_err(|e| Failure::Input(e.to_string()))?
        );
        return Ok(());
    }
    let scheme = if decoded.scheme.is_empty() {
        "(no scheme)".to_string()
    } else {
        render::safe(&decoded.scheme)
    };
    let kind = serde_json::to_value(decoded.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut line = format!("{} · {kind}", style.bold(&scheme));
    if let Some(h) = &decoded.issuer_hint {
        line.push_str(&format!(" · {}", render::safe(h)));
    }
    println!("{line}");
    if let Some(u) = &decoded.username {
        println!("  {:<10} {}", style.dim("username"), render::safe(u));
    }
    if let Some(b) = &decoded.basic {
        let pw = if b.password_empty {
            "empty".to_string()
        } else {
            format!("{} chars (never shown)", b.password_length)
        };
        println!("  {:<10} {pw}", style.dim("password"));
    }
    if let Some(d) = &decoded.digest {
        for (name, v) in [
            ("realm", &d.realm),
            ("uri", &d.uri),
            ("algorithm", &d.algorithm),
            ("qop", &d.qop),
            ("nc", &d.nc),
        ] {
            if let Some(v) = v {
                println!("  {:<10} {}", style.dim(name), render::safe(v));
            }
        }
    }
    if let Some(t) = &decoded.token {
        println!("  {:<10} {}", style.dim("token"), render::safe(&t.masked));
    }
    if let Some(h) = &decoded.header {
        println!(
            "  {:<10} {}",
            style.dim("header"),
            render::safe(&h.to_string())
        );
    }
    if let Some(view) = &decoded.claims_view {
        render::claims(view, style, "--at");
    }
    if let Some(c) = &decoded.claims {
        println!(
            "  {:<10} {}",
            style.dim("claims"),
            render::safe(&c.to_string())
        );
    }
    if !decoded.findings.is_empty() {
        println!("{}", style.bold("findings"));
        render::findings(&decoded.findings, style, "  ");
    }
    if !decoded.diagnostics.is_empty() {
        println!("{}", style.bold("diagnostics"));
        render::diagnostics(&value, &decoded.diagnostics, style, "  ");
    }
    Ok(())
}
