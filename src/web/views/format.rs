//! How numbers and times read in the UI (DevTools conventions: `123 ms`, `1.24 s`).

use crate::time::Timestamp;

/// A request duration for the Time column; `—` when unknown.
pub fn duration(ms: Option<f64>) -> String {
    match ms {
        Some(ms) if ms.is_finite() && ms >= 0.0 => {
            if ms < 1.0 {
                "<1 ms".to_owned()
            } else if ms < 1000.0 {
                format!("{} ms", ms.round())
            } else if ms < 60_000.0 {
                format!("{:.2} s", ms / 1000.0)
            } else {
                format!("{:.1} min", ms / 60_000.0)
            }
        }
        _ => "—".to_owned(),
    }
}

/// A count with its noun, singular or plural: `1 request`, `3 requests`.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

/// A byte count for progress text: `512 B`, `12.3 KB`, `40.1 MB`.
pub fn bytes(n: usize) -> String {
    let n = n as f64;
    if n < 1000.0 {
        format!("{n} B")
    } else if n < 1_000_000.0 {
        format!("{:.1} KB", n / 1000.0)
    } else {
        format!("{:.1} MB", n / 1_000_000.0)
    }
}

/// A timestamp in the user's locale (what a user reads first).
pub fn local_time(t: Timestamp) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.0 as f64));
    String::from(date.to_locale_string("default", &js_sys::Object::new().into()))
}

/// A timestamp in UTC (shown on hover, and what logs and tokens use).
pub fn utc_time(t: Timestamp) -> String {
    t.to_utc_string()
}

/// The status column's text: the code, or `(failed)` when the request got no response.
pub fn status(code: u16) -> String {
    if code == 0 {
        "(failed)".to_owned()
    } else {
        code.to_string()
    }
}

/// The standard reason phrase for the statuses authlens cares about (RFC 9110 §15).
pub fn auth_status_meaning(code: u16) -> Option<&'static str> {
    match code {
        401 => Some("Unauthorized: authentication failed or missing"),
        403 => Some("Forbidden: authenticated but not allowed"),
        407 => Some("Proxy Authentication Required"),
        _ => None,
    }
}
