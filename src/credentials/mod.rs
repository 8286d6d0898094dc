//! Everything a request carries to authenticate, decoded and judged.
//!
//! Floor 2: uses [`crate::jose`] for JWTs, [`crate::challenge`] for the RFC 9110 §11.4
//! credentials grammar (and its NTLM/Negotiate recogniser), [`crate::exchange`] for requests.
//!
//! * [`decode_authorization`] — one `Authorization` / `Proxy-Authorization` value: Bearer
//!   (JWS, JWE, or an opaque token identified by issuer prefix), Basic (RFC 7617), Digest
//!   (RFC 7616), DPoP (RFC 9449), Negotiate/NTLM, AWS SigV4, API-key schemes.
//! * [`decode_bare_token`] — a token without a scheme, as pasted into the CLI.
//! * [`from_request`] — every credential of a request: authorization headers, the DPoP proof,
//!   API-key headers, session cookies and cookies carrying JWTs (via [`crate::cookie`]), and
//!   tokens in the query string.
//!
//! Decoding never fails. Each [`DecodedCredential`] carries positioned [`Diagnostic`]s
//! (byte offsets into the header value) and verdicts as [`Finding`]s with stable ids:
//! `malformed-authorization`, `bearer-placeholder`, `token-expired`, `token-not-yet-valid`,
//! `alg-none` (from [`crate::jose::validate`]), `wrong-token-type` (a key or secret sent the
//! wrong way), `dpop-proof-invalid`, `dpop-proof-missing`, `dpop-bound-token-as-bearer`,
//! `digest-uri-mismatch`, `aws4-request-invalid`.
//!
//! Secrets are masked in everything serialized: tokens keep at most a known prefix and their
//! length, signatures and Digest responses only their length, and a Basic password is never
//! stored at all (only its length and emptiness). A short SHA-256 [`fingerprint`] lets callers
//! tell whether two requests sent the same token without seeing it.

mod aws4;
mod basic;
mod digest;
mod dpop;
mod families;
mod format;
mod negotiate;
mod request;
mod verdicts;

pub use aws4::{parse_amz_date, Aws4Info};
pub use basic::{BasicCharset, BasicInfo};
pub use digest::DigestInfo;
pub use dpop::{DpopProof, ProofContext, MAX_PROOF_AGE_SECS};
pub use families::{analyze as analyze_opaque, identify as identify_family, is_uuid};
pub use families::{FamilyMatch, OpaqueInfo, TokenAlphabet, Usage};
pub use format::{canonical_scheme, placeholder, token_after_scheme, PlaceholderKind, TokenText};
pub use request::{
    cookie_credentials, from_request, from_request_with, RepeatedParts, RequestCredential, Source,
    API_KEY_HEADERS, QUERY_TOKEN_PARAMS, SESSION_COOKIES,
};

use serde::Serialize;
use serde_json::Value;

use crate::base64::{self, Alphabet};
use crate::challenge;
use crate::diagnostic::Diagnostic;
use crate::exchange::Request;
use crate::finding::Finding;
use crate::jose::{self, ClaimsView};
use crate::secret;
use crate::time::Timestamp;

/// Every finding id the decoders here produce (with [`crate::jose::validate`]'s), as listed
/// in the module docs. Each is a rule of the diagnosis catalogue (tested there) and a
/// property test checks that decoding never produces another.
pub const FINDING_IDS: &[&str] = &[
    "malformed-authorization",
    "bearer-placeholder",
    "token-expired",
    "token-not-yet-valid",
    "alg-none",
    "wrong-token-type",
    "dpop-proof-invalid",
    "dpop-proof-missing",
    "dpop-bound-token-as-bearer",
    "digest-uri-mismatch",
    "aws4-request-invalid",
];

/// What decoding is relative to.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The reference instant ("now" of the request: HAR `startedDateTime`, CLI `--at`).
    pub at: Timestamp,
    /// Clock-skew leeway for time claims, seconds.
    pub leeway_secs: i64,
    /// The `charset` the challenge announced for Basic (RFC 7617 §2.1), e.g. `UTF-8`.
    pub charset: Option<&'a str>,
    /// Whether the value came from `Proxy-Authorization`.
    pub proxy: bool,
    /// The request, for checks that need it (Digest `uri`, DPoP `htm`/`htu`, `X-Amz-Date`).
    pub request: Option<&'a Request>,
    /// Whether to compute [`DecodedCredential::fingerprint`] (a SHA-256 of the token: a
    /// third of decoding a 1 KiB JWT); on by default.
    pub fingerprint: bool,
}

impl<'a> Context<'a> {
    /// A context at `at` with the default leeway ([`jose::DEFAULT_LEEWAY_SECS`]).
    pub fn new(at: Timestamp) -> Self {
        Self {
            at,
            leeway_secs: jose::DEFAULT_LEEWAY_SECS,
            charset: None,
            proxy: false,
            request: None,
            fingerprint: true,
        }
    }

    /// Leaves [`DecodedCredential::fingerprint`] empty, for callers that compare tokens
    /// their own way (the diagnosis engine).
    #[must_use]
    pub fn without_fingerprint(mut self) -> Self {
        self.fingerprint = false;
        self
    }

    /// Sets the leeway.
    #[must_use]
    pub fn with_leeway(mut self, secs: i64) -> Self {
        self.leeway_secs = secs;
        self
    }

    /// Sets the Basic charset hint from the challenge.
    #[must_use]
    pub fn with_charset(mut self, charset: &'a str) -> Self {
        self.charset = Some(charset);
        self
    }

    /// Marks the value as `Proxy-Authorization`.
    #[must_use]
    pub fn proxy(mut self, proxy: bool) -> Self {
        self.proxy = proxy;
        self
    }

    /// Attaches the request.
    #[must_use]
    pub fn with_request(mut self, request: &'a Request) -> Self {
        self.request = Some(request);
        self
    }

    fn utf8(&self) -> bool {
        self.charset.is_some_and(|c| {
            c.trim_matches('"').eq_ignore_ascii_case("utf-8")
                || c.trim_matches('"').eq_ignore_ascii_case("utf8")
        })
    }
}

/// The credential's form (the CLI `token --json` contract's `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A compact JWS (a signed JWT).
    Jws,
    /// A compact JWE (an encrypted JWT).
    Jwe,
    /// An opaque token (family and shape in `opaque`).
    Opaque,
    /// HTTP Basic.
    Basic,
    /// HTTP Digest.
    Digest,
    /// A DPoP proof (the `DPoP` header). A `DPoP`-scheme access token has the kind of its form.
    Dpop,
    /// SPNEGO / Kerberos.
    Negotiate,
    /// NTLM.
    Ntlm,
    /// AWS Signature Version 4.
    Aws4,
    /// An API key (API-key header or scheme).
    Apikey,
    /// Anything else, including placeholders.
    Unknown,
}

/// The token as sent, masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenSummary {
    /// Masked (known prefix kept).
    pub masked: String,
    /// Length in characters.
    pub length: usize,
    /// Byte offset of the token in the header value.
    pub offset: usize,
}

/// The structure of a JOSE token, without the header and claims (shown at the top level).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JoseSummary {
    /// `jws`, `jwe` or `malformed`.
    pub form: jose::Form,
    /// Number of `.`-separated segments.
    pub segment_count: usize,
    /// JWS signature size (masked).
    pub signature: Option<jose::Signature>,
    /// JWE part sizes.
    pub encrypted: Option<jose::Encrypted>,
    /// JWS payload size and whether it is JSON.
    pub payload: Option<jose::Payload>,
    /// Headers of nested tokens, outermost first (`cty: JWT`).
    pub nested_headers: Vec<Value>,
}

impl JoseSummary {
    /// Takes `d` apart without copying: the summary, the outer header and the claims that
    /// matter (the innermost token's, [`jose::Decoded::effective_claims`]).
    fn split(mut d: jose::Decoded) -> (Self, Option<Value>, Option<Value>) {
        let header = d.header.take();
        let mut claims = d.claims.take();
        let mut nested_headers = Vec::new();
        let mut next = d.nested.take();
        while let Some(mut n) = next {
            nested_headers.push(n.header.take().unwrap_or(Value::Null));
            claims = n.claims.take();
            next = n.nested.take();
        }
        let summary = Self {
            form: d.form,
            segment_count: d.segment_count,
            signature: d.signature,
            encrypted: d.encrypted,
            payload: d.payload,
            nested_headers,
        };
        (summary, header, claims)
    }
}

/// One decoded credential, serialized as the CLI `token --json` contract:
/// `scheme`, `kind`, `header`, `claims`, `username`, `issuer_hint`, `findings` always present,
/// the other fields only when they apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedCredential {
    /// The scheme as written (`Bearer`, `bearer`, `Basic`…); empty for a bare token.
    pub scheme: String,
    /// The credential's form.
    pub kind: Kind,
    /// JOSE protected header.
    pub header: Option<Value>,
    /// JWT claims (of the innermost token when nested).
    pub claims: Option<Value>,
    /// Basic or Digest user name (masked when it is itself a key).
    pub username: Option<String>,
    /// Who issued it: an opaque token's family, a JWT's `iss`, an API key's vendor.
    pub issuer_hint: Option<String>,
    /// Verdicts.
    pub findings: Vec<Finding>,
    /// Positioned problems (offsets into the header value).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    /// Whether it came from `Proxy-Authorization`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub proxy: bool,
    /// The token, masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenSummary>,
    /// Short SHA-256 fingerprint of the token, to compare tokens across requests unseen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// A placeholder instead of a credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlaceholderKind>,
    /// JWT claims in display form, times relative to the context instant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_view: Option<ClaimsView>,
    /// JOSE structure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jose: Option<JoseSummary>,
    /// Opaque token shape and family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opaque: Option<OpaqueInfo>,
    /// Basic details (no password).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic: Option<BasicInfo>,
    /// Digest parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<DigestInfo>,
    /// SigV4 parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws4: Option<Aws4Info>,
    /// DPoP proof fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpop: Option<DpopProof>,
    /// NTLM / SPNEGO / Kerberos token details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negotiate: Option<challenge::negotiate::GssToken>,
}

impl DecodedCredential {
    fn new(scheme: &str, kind: Kind, proxy: bool) -> Self {
        Self {
            scheme: scheme.to_string(),
            kind,
            header: None,
            claims: None,
            username: None,
            issuer_hint: None,
            findings: Vec::new(),
            diagnostics: Vec::new(),
            proxy,
            token: None,
            fingerprint: None,
            placeholder: None,
            claims_view: None,
            jose: None,
            opaque: None,
            basic: None,
            digest: None,
            aws4: None,
            dpop: None,
            negotiate: None,
        }
    }

    /// The first finding with `id`.
    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.id == id)
    }

    /// The token's `cnf.jkt` (DPoP key binding), when it is a JWT with one.
    pub fn cnf_jkt(&self) -> Option<&str> {
        self.claims.as_ref()?.get("cnf")?.get("jkt")?.as_str()
    }
}

/// Whether `cred` was decoded without looking at the request: then decoding the same value
/// for another request gives the same result up to the reference instant ([`rejudge_at`]).
/// Digest (`uri`) and SigV4 (`X-Amz-Date`, the signed headers) read the request.
pub fn request_independent(cred: &DecodedCredential) -> bool {
    cred.digest.is_none() && cred.aws4.is_none() && cred.dpop.is_none()
}

/// Moves a credential decoded at another instant to `at` (`None`: no reference instant,
/// so no time verdicts): the JWT claims view and the time verdicts (`token-expired`,
/// `token-not-yet-valid`) are recomputed, everything else is independent of time. Decoding
/// the value again at `at` gives the same result (tested), at a fraction of the cost.
pub fn rejudge_at(cred: &mut DecodedCredential, at: Option<Timestamp>, leeway_secs: i64) {
    cred.findings
        .retain(|f| !jose::TIME_VERDICT_IDS.contains(&f.id));
    let Some(view) = cred.claims_view.as_mut() else {
        return;
    };
    view.rebase(at.unwrap_or(Timestamp(0)));
    if let Some(at) = at {
        cred.findings
            .extend(jose::time_verdicts(view, at, leeway_secs));
    }
}

/// A short, stable, non-reversible fingerprint of a high-entropy token: 12 base64url
/// characters of its SHA-256. Equal tokens have equal fingerprints.
pub fn fingerprint(token: &str) -> String {
    let digest = jose::sha256(token.as_bytes());
    base64::encode(digest.get(..9).unwrap_or(&digest), Alphabet::UrlSafe)
}

/// Percent-decodes (RFC 3986 §2.1) lossily; `+` stays `+` (tokens are not form text).
pub(crate) fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (c, hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Schemes whose credentials are one token68 (or one opaque string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SchemeClass {
    Bearer,
    Dpop,
    Basic,
    Digest,
    Negotiate,
    Ntlm,
    Aws4,
    ApiKey,
    Other,
}

/// Schemes that carry an API key (vendor conventions: GitHub `token`, Okta `SSWS`, Azure
/// Service Bus `SharedAccessSignature`, Django REST / DRF `Token`, `Api-Key`, `apikey`).
const API_KEY_SCHEMES: &[&str] = &[
    "token",
    "apikey",
    "api-key",
    "api_key",
    "x-api-key",
    "key",
    "ssws",
    "sharedaccesssignature",
    "sharedaccesskey",
];

fn classify(scheme: &str) -> SchemeClass {
    let s = scheme.to_ascii_lowercase();
    match s.as_str() {
        "bearer" => SchemeClass::Bearer,
        "dpop" => SchemeClass::Dpop,
        "basic" => SchemeClass::Basic,
        "digest" => SchemeClass::Digest,
        "negotiate" | "kerberos" => SchemeClass::Negotiate,
        "ntlm" => SchemeClass::Ntlm,
        "aws4-hmac-sha256" => SchemeClass::Aws4,
        _ if API_KEY_SCHEMES.contains(&s.as_str()) => SchemeClass::ApiKey,
        _ => SchemeClass::Other,
    }
}

/// The leading `auth-scheme` token (RFC 9110 §11.1) and its offset; a known scheme glued to
/// its token by `%20` is cut there.
pub fn lex_scheme(value: &str) -> (&str, usize) {
    let start = value.len() - value.trim_start().len();
    let rest = value.get(start..).unwrap_or("");
    let end = rest
        .bytes()
        .position(|b| !challenge::is_tchar(b))
        .unwrap_or(rest.len());
    let run = rest.get(..end).unwrap_or("");
    for known in ["Bearer", "Basic", "DPoP", "Token"] {
        if let (Some(head), Some(tail)) = (run.get(..known.len()), run.get(known.len()..)) {
            if head.eq_ignore_ascii_case(known) && tail.starts_with("%20") {
                return (head, start);
            }
        }
    }
    (run, start)
}

/// Grammar diagnostics worth keeping next to the token-level ones (the token-level checks
/// explain the rest more precisely).
const GRAMMAR_KEEP: &[&str] = &[
    "missing-scheme",
    "multiple-credentials",
    "tab-after-scheme",
    "obs-fold",
    "empty-field-value",
];

/// Decodes one `Authorization` (or, with `ctx.proxy`, `Proxy-Authorization`) field value.
pub fn decode_authorization(value: &str, ctx: &Context<'_>) -> DecodedCredential {
    decode_authorization_parsed(value, &challenge::parse_credentials(value), ctx)
}

/// [`decode_authorization`] for a caller that already has `value` parsed by
/// [`challenge::parse_credentials`] (the diagnosis engine parses it for its own rules).
pub fn decode_authorization_parsed(
    value: &str,
    parsed: &challenge::ParsedCredentials<'_>,
    ctx: &Context<'_>,
) -> DecodedCredential {
    let (scheme, scheme_at) = lex_scheme(value);
    let bare = parsed
        .credentials
        .as_ref()
        .is_some_and(|c| c.scheme.is_empty())
        || (scheme.is_empty() && !value.trim().is_empty());
    if bare {
        return decode_bare_in_authorization(value, &parsed.diagnostics, ctx);
    }
    let class = classify(scheme);
    let mut out = match class {
        SchemeClass::Digest | SchemeClass::Aws4 => {
            let mut out = DecodedCredential::new(scheme, Kind::Unknown, ctx.proxy);
            out.diagnostics.extend(
                parsed
                    .diagnostics
                    .iter()
                    // SigV4 is not RFC 9110 syntax (`/` and `;` in unquoted values) yet works.
                    .filter(|d| class != SchemeClass::Aws4 || d.code != "illegal-character")
                    .cloned(),
            );
            match parsed.credentials.as_ref() {
                Some(cred) if class == SchemeClass::Digest => digest::fill(&mut out, cred, ctx),
                Some(cred) => aws4::fill(&mut out, cred, ctx),
                None => {}
            }
            out
        }
        _ => {
            let mut out = DecodedCredential::new(scheme, Kind::Unknown, ctx.proxy);
            out.diagnostics.extend(
                parsed
                    .diagnostics
                    .iter()
                    .filter(|d| GRAMMAR_KEEP.contains(&d.code))
                    .cloned(),
            );
            let b64token = matches!(class, SchemeClass::Bearer | SchemeClass::Dpop);
            let mut text = format::token_after_scheme(value, scheme, scheme_at, b64token);
            // A second scheme in the same field: decode only the first credentials.
            if let Some(multi) = parsed
                .diagnostics
                .iter()
                .find(|d| d.code == "multiple-credentials")
            {
                let cut = value
                    .get(..multi.offset)
                    .and_then(|v| v.rfind(','))
                    .unwrap_or(multi.offset);
                text = format::token_after_scheme(
                    value.get(..cut).unwrap_or(value),
                    scheme,
                    scheme_at,
                    b64token,
                );
            }
            out.diagnostics.extend(text.diagnostics.iter().cloned());
            decode_token68_scheme(&mut out, class, &text, ctx);
            out
        }
    };
    if let Some(d) = format::scheme_case(scheme, scheme_at) {
        out.diagnostics.push(d);
    }
    verdicts::finish(&mut out, value);
    out
}

/// A value without a scheme in an `Authorization` header (`missing-scheme`).
fn decode_bare_in_authorization(
    value: &str,
    grammar: &[Diagnostic],
    ctx: &Context<'_>,
) -> DecodedCredential {
    let mut out = DecodedCredential::new("", Kind::Unknown, ctx.proxy);
    let text = format::token_after_scheme(value, "", 0, false);
    if !grammar.iter().any(|d| d.code == "missing-scheme") {
        out.diagnostics.push(Diagnostic::error(
            "missing-scheme",
            text.offset,
            "no auth-scheme: the value is a bare token; servers expect e.g. 'Bearer <token>' (rfc 9110 §11.4)",
        ));
    }
    out.diagnostics.extend(
        grammar
            .iter()
            .filter(|d| GRAMMAR_KEEP.contains(&d.code))
            .cloned(),
    );
    out.diagnostics.extend(text.diagnostics.iter().cloned());
    decode_token68_scheme(&mut out, SchemeClass::Other, &text, ctx);
    verdicts::finish(&mut out, value);
    out
}

/// Decodes a token given without a scheme (the CLI's `authlens token <value>`): guesses JWS,
/// JWE, Basic-looking base64, or an opaque token and its family. A value that does start with
/// a scheme (`Bearer …`) or with `Authorization:` is decoded as a header value instead.
pub fn decode_bare_token(token: &str, ctx: &Context<'_>) -> DecodedCredential {
    let trimmed = token.trim();
    for name in ["authorization:", "proxy-authorization:"] {
        if let Some(head) = trimmed.get(..name.len()) {
            if head.eq_ignore_ascii_case(name) {
                let rest = trimmed.get(name.len()..).unwrap_or("");
                let ctx = ctx.proxy(name.starts_with("proxy"));
                return decode_authorization(rest, &ctx);
            }
        }
    }
    let (scheme, _) = lex_scheme(trimmed);
    let after = trimmed.get(scheme.len()..).unwrap_or("");
    if classify(scheme) != SchemeClass::Other
        && (after.starts_with([' ', '\t']) || after.starts_with("%20"))
    {
        return decode_authorization(trimmed, ctx);
    }
    let mut out = DecodedCredential::new("", Kind::Unknown, ctx.proxy);
    let text = format::token_after_scheme(token, "", 0, false);
    out.diagnostics.extend(text.diagnostics.iter().cloned());
    if basic_looking(&text.cleaned) {
        decode_token68_scheme(&mut out, SchemeClass::Basic, &text, ctx);
        out.scheme = String::new();
    } else {
        decode_token68_scheme(&mut out, SchemeClass::Other, &text, ctx);
    }
    verdicts::finish(&mut out, token);
    out
}

/// Decodes the value of an API-key header (`X-API-Key`, …): a JWT is decoded and judged, any
/// other value is an `apikey` with its family.
pub fn decode_api_key(value: &str, ctx: &Context<'_>) -> DecodedCredential {
    let mut out = DecodedCredential::new("", Kind::Apikey, ctx.proxy);
    let text = format::token_after_scheme(value, "", 0, false);
    out.diagnostics.extend(text.diagnostics.iter().cloned());
    decode_token68_scheme(&mut out, SchemeClass::ApiKey, &text, ctx);
    verdicts::finish(&mut out, value);
    out
}

/// Decodes a `DPoP` proof header value and checks it against the request (RFC 9449 §4.3).
/// `access_token` is the token sent with the `DPoP` scheme, `token_jkt` its `cnf.jkt`.
pub fn decode_dpop_proof(
    value: &str,
    ctx: &Context<'_>,
    access_token: Option<&str>,
    token_jkt: Option<&str>,
) -> DecodedCredential {
    let mut out = DecodedCredential::new("", Kind::Dpop, false);
    let text = format::token_after_scheme(value, "", 0, true);
    out.diagnostics.extend(text.diagnostics.iter().cloned());
    let decoded = jose::decode(&text.cleaned);
    out.diagnostics
        .extend(decoded.diagnostics.iter().map(|d| text.locate(d.clone())));
    let pctx = ProofContext {
        method: ctx.request.map(|r| r.method.as_str()),
        url: ctx.request.map(|r| r.url.as_str()),
        access_token,
        token_jkt,
        at: ctx.at,
        leeway_secs: ctx.leeway_secs,
    };
    let (proof, findings) = dpop::check(&decoded, &pctx);
    out.findings.extend(findings);
    out.token = Some(TokenSummary {
        masked: secret::mask(&text.cleaned),
        length: text.cleaned.chars().count(),
        offset: text.cleaned_offset,
    });
    // A proof's own claims (not a nested token's), as dpop::check read them.
    out.claims.clone_from(&decoded.claims);
    out.claims_view = Some(decoded.claims_view(ctx.at));
    let (summary, header, _) = JoseSummary::split(decoded);
    out.header = header;
    out.jose = Some(summary);
    out.dpop = Some(proof);
    out.diagnostics.sort_by_key(|d| d.offset);
    // Not an Authorization value: structure problems are a dpop-proof-invalid, not a
    // malformed-authorization.
    if let Some(f) = dpop::malformed(&out.diagnostics, &out.findings) {
        out.findings.insert(0, f);
    }
    out
}

/// Whether a bare token is base64 of printable `user:password`.
fn basic_looking(token: &str) -> bool {
    if token.len() < 4 || jose::looks_like_jose(token) || families::identify(token).is_some() {
        return false;
    }
    let d = base64::decode(token, Alphabet::Standard);
    if d.has_errors()
        || d.diagnostics
            .iter()
            .any(|x| x.code == "base64-wrong-alphabet")
    {
        return false;
    }
    std::str::from_utf8(&d.bytes)
        .is_ok_and(|text| text.contains(':') && !text.chars().any(char::is_control))
}

fn decode_token68_scheme(
    out: &mut DecodedCredential,
    class: SchemeClass,
    text: &format::TokenText,
    ctx: &Context<'_>,
) {
    let token = text.cleaned.as_str();
    out.token = Some(TokenSummary {
        masked: secret::mask(token),
        length: token.chars().count(),
        offset: text.cleaned_offset,
    });
    if class == SchemeClass::Basic {
        basic::fill(out, text, ctx);
        return;
    }
    if matches!(class, SchemeClass::Negotiate | SchemeClass::Ntlm) {
        negotiate::fill(out, class, text);
        return;
    }
    // `[object Object]` has a space in it: look at the token as written, too.
    let as_written = text.raw.trim_end_matches([',', ';']);
    let found = format::placeholder(as_written)
        .map(|k| (k, as_written))
        .or_else(|| {
            (token != as_written)
                .then(|| format::placeholder(token).map(|k| (k, token)))
                .flatten()
        });
    if let Some((kind, shown)) = found {
        out.placeholder = Some(kind);
        // The placeholder explains the odd characters; don't also call them format errors.
        out.diagnostics
            .retain(|d| !matches!(d.code, "whitespace-in-token" | "invalid-token-char"));
        let quoted = if shown.is_empty() {
            "(empty)".to_string()
        } else if shown.chars().count() <= 40 {
            format!("{shown:?}")
        } else {
            secret::mask(shown)
        };
        out.findings
            .push(verdicts::placeholder_finding(kind, &out.scheme, &quoted));
        return;
    }
    if ctx.fingerprint {
        out.fingerprint = Some(fingerprint(token));
    }
    if jose::looks_like_jose(token) || (token.contains('.') && jose::starts_like_jose(token)) {
        decode_jose_token(out, text, ctx);
        return;
    }
    let info = families::analyze(token);
    if let Some(t) = out.token.as_mut() {
        t.masked.clone_from(&info.masked);
    }
    if let Some(f) = &info.family {
        out.issuer_hint = Some(f.hint());
        if matches!(
            class,
            SchemeClass::Bearer | SchemeClass::Dpop | SchemeClass::Other
        ) && !out.scheme.is_empty()
            && !f.usage_kind.is_bearer()
        {
            out.findings
                .push(verdicts::wrong_token_type(f, &out.scheme, &info.masked));
        }
    }
    out.kind = if class == SchemeClass::ApiKey {
        Kind::Apikey
    } else if class == SchemeClass::Other && !out.scheme.is_empty() && info.family.is_none() {
        Kind::Unknown
    } else {
        Kind::Opaque
    };
    out.opaque = Some(info);
}

fn decode_jose_token(out: &mut DecodedCredential, text: &format::TokenText, ctx: &Context<'_>) {
    let decoded = jose::decode(&text.cleaned);
    out.diagnostics
        .extend(decoded.diagnostics.iter().map(|d| text.locate(d.clone())));
    out.kind = match decoded.form {
        jose::Form::Jwe => Kind::Jwe,
        _ => Kind::Jws,
    };
    let view = decoded.claims_view(ctx.at);
    out.issuer_hint.clone_from(&view.iss);
    out.findings.extend(jose::validate_view(
        &decoded,
        &view,
        ctx.at,
        ctx.leeway_secs,
    ));
    let (summary, header, claims) = JoseSummary::split(decoded);
    (out.header, out.claims) = (header, claims);
    out.jose = Some(summary);
    out.claims_view = Some(view);
}

#[cfg(test)]
mod tests;
