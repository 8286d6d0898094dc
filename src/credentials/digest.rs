//! Digest `Authorization` parameters (RFC 7616 §3.4), read from the shared auth-param
//! grammar. The `response` is a password-derived hash and is masked.

use serde::Serialize;

use super::{percent_decode, verdicts, Context, DecodedCredential, Kind};
use crate::challenge::CredentialsRef;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::exchange::{Request, UrlParts};
use crate::finding::Finding;
use crate::secret;

/// The parameters of a Digest credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DigestInfo {
    /// `username` (or the decoded `username*`, RFC 7616 §3.4.4).
    pub username: Option<String>,
    /// Whether `username` is a hash of the user name (`userhash=true`, RFC 7616 §3.4.4).
    pub userhash: bool,
    /// `realm`.
    pub realm: Option<String>,
    /// `uri`: the request target the response was computed for.
    pub uri: Option<String>,
    /// `algorithm` (default MD5).
    pub algorithm: Option<String>,
    /// `qop`.
    pub qop: Option<String>,
    /// `nc`, the nonce count (8 hex digits).
    pub nc: Option<String>,
    /// `cnonce`.
    pub cnonce: Option<String>,
    /// `nonce`, echoed from the challenge.
    pub nonce: Option<String>,
    /// `opaque`, echoed from the challenge.
    pub opaque: Option<String>,
    /// `response`, masked.
    pub response: Option<String>,
    /// Hex length of `response`.
    pub response_length: usize,
}

/// Hex digits a response has for each algorithm (RFC 7616 §3.2).
fn expected_hex_len(algorithm: &str) -> Option<usize> {
    let a = algorithm.to_ascii_uppercase();
    let base = a.strip_suffix("-SESS").unwrap_or(&a);
    match base {
        "MD5" => Some(32),
        "SHA-256" | "SHA-512-256" => Some(64),
        _ => None,
    }
}

/// Reads the Digest parameters; `request` (when known) lets `uri` be compared with the URL.
///
/// Codes: `digest-missing-param`, `digest-qop-without-nc`, `digest-bad-nc`,
/// `digest-response-length`, `digest-uri-mismatch`, `digest-unknown-algorithm`.
pub fn decode(
    cred: &CredentialsRef<'_>,
    request: Option<&Request>,
) -> (DigestInfo, Vec<Diagnostic>) {
    let mut d = Vec::new();
    let get = |n: &str| cred.param_value(n).map(str::to_string);
    let userhash = cred
        .param_value("userhash")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let username = get("username").or_else(|| cred.param_value("username*").map(decode_ext_value));
    let response = cred.param_value("response");
    let info = DigestInfo {
        username,
        userhash,
        realm: get("realm"),
        uri: get("uri"),
        algorithm: get("algorithm"),
        qop: get("qop"),
        nc: get("nc"),
        cnonce: get("cnonce"),
        nonce: get("nonce"),
        opaque: get("opaque"),
        response: response.map(secret::mask_all),
        response_length: response.map_or(0, str::len),
    };
    let at_scheme = cred.offset;
    for required in ["username", "realm", "nonce", "uri", "response"] {
        let present = cred.param(required).is_some()
            || (required == "username" && cred.param("username*").is_some());
        if !present {
            d.push(Diagnostic::error(
                "digest-missing-param",
                at_scheme,
                format!("the required '{required}' parameter is missing (rfc 7616 §3.4)"),
            ));
        }
    }
    if info.qop.is_some() && (info.nc.is_none() || info.cnonce.is_none()) {
        d.push(Diagnostic::error(
            "digest-qop-without-nc",
            cred.param("qop").map_or(at_scheme, |p| p.offset),
            "with 'qop' the client must send 'nc' and 'cnonce' too (rfc 7616 §3.4)",
        ));
    }
    if let Some(p) = cred.param("nc") {
        if p.value.len() != 8 || !p.value.bytes().all(|c| c.is_ascii_hexdigit()) {
            d.push(Diagnostic::error(
                "digest-bad-nc",
                p.offset,
                "'nc' must be exactly 8 hex digits, e.g. 00000001 (rfc 7616 §3.4)",
            ));
        }
    }
    let algorithm = info.algorithm.as_deref().unwrap_or("MD5");
    match (expected_hex_len(algorithm), cred.param("response")) {
        (Some(n), Some(p))
            if p.value.len() != n || !p.value.bytes().all(|c| c.is_ascii_hexdigit()) =>
        {
            d.push(Diagnostic::error(
                "digest-response-length",
                p.offset,
                format!(
                    "'response' should be {n} hex digits for {algorithm}, it has {} characters",
                    p.value.len()
                ),
            ));
        }
        (None, _) => d.push(Diagnostic::warning(
            "digest-unknown-algorithm",
            cred.param("algorithm").map_or(at_scheme, |p| p.offset),
            format!("unknown algorithm '{algorithm}' (rfc 7616 §3.2 defines MD5, SHA-256, SHA-512-256 and their -sess variants)"),
        )),
        _ => {}
    }
    if let (Some(req), Some(p)) = (request, cred.param("uri")) {
        let url = UrlParts::parse(&req.url);
        let target = match url.query {
            Some(q) => format!("{}?{q}", url.path),
            None => url.path.to_string(),
        };
        // Some clients send the absolute URL; RFC 7616 §3.4.6 compares the request-target.
        let matches = p.value == target
            || p.value == req.url
            || p.value.ends_with(&target) && p.value.contains("://");
        if !matches && !req.url.is_empty() {
            d.push(Diagnostic::error(
                "digest-uri-mismatch",
                p.offset,
                format!(
                    "'uri' is {:?} but the request went to {target:?}; the server rejects a response computed for another target (rfc 7616 §3.4.6)",
                    p.value
                ),
            ));
        }
    }
    d.sort_by_key(|x| x.offset);
    (info, d)
}

/// Decodes an RFC 8187 ext-value (`UTF-8''J%C3%A4s%C3%B8n`), lossily.
fn decode_ext_value(v: &str) -> String {
    percent_decode(v.splitn(3, '\'').nth(2).unwrap_or(v))
}

pub(super) fn fill(out: &mut DecodedCredential, cred: &CredentialsRef<'_>, ctx: &Context<'_>) {
    out.kind = Kind::Digest;
    let (info, diags) = decode(cred, ctx.request);
    if let Some(mismatch) = diags.iter().find(|d| d.code == "digest-uri-mismatch") {
        out.findings.push(
            Finding::new(
                "digest-uri-mismatch",
                Severity::Error,
                "Digest response computed for another URI",
                format!(
                    "{}. The server recomputes the response for the URI it received and rejects \
                     the mismatch; compute the Digest for the exact request-target.",
                    verdicts::capitalise(&mismatch.message)
                ),
            )
            .with_evidence("digest uri", info.uri.clone().unwrap_or_default())
            .with_ref(
                "RFC 7616 §3.4.6",
                "https://www.rfc-editor.org/rfc/rfc7616#section-3.4.6",
            ),
        );
    }
    out.diagnostics.extend(
        diags
            .into_iter()
            .filter(|d| d.code != "digest-uri-mismatch"),
    );
    out.username.clone_from(&info.username);
    out.digest = Some(info);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ext_value_is_decoded() {
        assert_eq!(
            decode_ext_value("UTF-8''J%C3%A4s%C3%B8n%20Doe"),
            "Jäsøn Doe"
        );
        assert_eq!(decode_ext_value("plain"), "plain");
        assert_eq!(decode_ext_value("UTF-8''%zz%"), "%zz%");
    }
}
