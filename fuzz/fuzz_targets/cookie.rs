//! Cookies: `Cookie` and `Set-Cookie` parsing on arbitrary values, masked views (values never
//! shown), and `would_send` on arbitrary URLs, site contexts and times.
//! Input: `Cookie` value, `Set-Cookie` value, setting URL, request URL, flags — separated by `0xFF`.
#![no_main]

use authlens::cookie::{self, CookieUrl, MaskedCookie, SetOn, SiteContext};
use authlens::exchange::UrlParts;
use authlens::time::Timestamp;
use authlens_fuzz::{assert_not_leaked, assert_offsets, split_parts, text, NOW};
use libfuzzer_sys::fuzz_target;

fn cookie_url<'a>(u: &UrlParts<'a>) -> CookieUrl<'a> {
    CookieUrl {
        secure: u.is_secure(),
        host: u.host,
        path: u.path,
    }
}

fuzz_target!(|data: &[u8]| {
    let parts = split_parts(data, 5);
    let part = |i: usize| text(parts.get(i).copied().unwrap_or_default());
    let (header, set, set_url, req_url) = (part(0), part(1), part(2), part(3));
    let flags = parts.get(4).and_then(|p| p.first()).copied().unwrap_or(0);

    let jar = cookie::parse_cookie_header(&header);
    assert_offsets(&jar.diagnostics, header.len(), "parse_cookie_header");
    for p in &jar.pairs {
        assert_not_leaked(
            &p.value,
            |v| serde_json::to_string(&MaskedCookie::new(&p.name, v)).unwrap_or_default(),
            "cookie value",
        );
    }
    let _ = jar.masked();

    let sc = cookie::parse_set_cookie(&set);
    assert_offsets(&sc.diagnostics, set.len(), "parse_set_cookie");
    assert_not_leaked(
        &sc.value,
        |v| {
            let mut c = sc.clone();
            c.value = v.to_string();
            format!(
                "{c:?}\n{}",
                serde_json::to_string(&c.masked()).unwrap_or_default()
            )
        },
        "set-cookie value",
    );
    let _ = sc.prefix_violation();

    let set_parts = UrlParts::parse(&set_url);
    let req_parts = UrlParts::parse(&req_url);
    let site = match flags % 4 {
        0 => SiteContext::same_site(),
        1 => SiteContext::cross_site_subresource(),
        2 => SiteContext::cross_site_navigation("GET"),
        _ => SiteContext::cross_site_navigation("POST"),
    };
    let received_at = NOW;
    let now = Timestamp(NOW.0 + i64::from(flags >> 2) * 3_600_000);
    let verdict = cookie::would_send(
        &sc,
        SetOn {
            url: cookie_url(&set_parts),
            received_at,
        },
        cookie_url(&req_parts),
        site,
        now,
    );
    if let Err(reason) = verdict {
        assert!(!reason.code().is_empty());
        assert!(!reason.message().is_empty());
    }
    let _ = cookie::expires_at(&sc, received_at);
    let _ = cookie::is_deletion(&sc, received_at);
});
