//! Recognises what a `Negotiate` / `NTLM` / `Kerberos` token68 carries: an NTLM message
//! ([MS-NLMP §2.2.1](https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nlmp/907f519d-6217-45b1-b421-dca10fc8af0d)),
//! a SPNEGO token ([RFC 4178 §4.2](https://www.rfc-editor.org/rfc/rfc4178#section-4.2)),
//! or a raw Kerberos GSS-API token ([RFC 4121 §4.1](https://www.rfc-editor.org/rfc/rfc4121#section-4.1)),
//! as used by HTTP Negotiate ([RFC 4559](https://www.rfc-editor.org/rfc/rfc4559)).
//!
//! Shared by challenges (server tokens) and credentials (client tokens). It never shows
//! the LM/NT responses, session keys or tickets: only message types, flags and the names
//! an NTLM message carries (target, domain, user, workstation).
//!
//! The recogniser does not walk the whole ASN.1 tree: it checks the GSS-API framing and
//! then searches for the well-known byte patterns (mechanism OIDs, `NTLMSSP\0`, the
//! Kerberos token ids). Every search is linear and bounded by the token length.

use serde::Serialize;

use crate::base64::{self, Alphabet};
use crate::diagnostic::Diagnostic;

/// What the token is at the outermost level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// A bare NTLM message (`NTLMSSP\0…`), as `NTLM` and Negotiate-with-NTLM-fallback send.
    Ntlm,
    /// SPNEGO `negTokenInit` inside a GSS-API InitialContextToken (`0x60`): the client's first token.
    SpnegoInit,
    /// SPNEGO `negTokenResp` (`0xa1`): a continuation or the server's final token.
    SpnegoResponse,
    /// A raw Kerberos v5 GSS-API token (`0x60` + Kerberos OID).
    Kerberos,
    /// Nothing recognisable.
    Unknown,
}

/// SPNEGO `negState` ([RFC 4178 §4.2.2](https://www.rfc-editor.org/rfc/rfc4178#section-4.2.2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NegState {
    /// Authentication is complete.
    AcceptCompleted,
    /// More round trips are needed.
    AcceptIncomplete,
    /// The server rejected the offered mechanisms or token.
    Reject,
    /// A mechListMIC is requested.
    RequestMic,
}

/// The names and flags an NTLM message carries (never its responses or keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NtlmMessage {
    /// 1 = NEGOTIATE, 2 = CHALLENGE, 3 = AUTHENTICATE.
    pub message_type: u32,
    /// `negotiate`, `challenge`, `authenticate` or `unknown`.
    pub type_name: &'static str,
    /// NegotiateFlags, when present.
    pub flags: Option<u32>,
    /// Names of the set flags (MS-NLMP §2.2.2.5), e.g. `NEGOTIATE_UNICODE`.
    pub flag_names: Vec<&'static str>,
    /// Type 2: the server's authentication realm (domain or server name).
    pub target_name: Option<String>,
    /// Type 2: names from the TargetInfo AV pairs, e.g. `("dns-domain", "corp.example.com")`.
    pub target_info: Vec<(&'static str, String)>,
    /// Types 1 and 3: the client's domain.
    pub domain: Option<String>,
    /// Type 3: the user name.
    pub user: Option<String>,
    /// Types 1 and 3: the client's workstation name.
    pub workstation: Option<String>,
    /// Type 3: `NTLMv1`, `NTLMv2` or `anonymous`, from the NT response length only.
    pub response_kind: Option<&'static str>,
    /// Byte offset of `NTLMSSP\0` in the decoded token.
    pub offset: usize,
}

/// What a GSS-API / NTLM token carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GssToken {
    /// Outermost framing.
    pub kind: TokenKind,
    /// Mechanisms named in the token (SPNEGO offer or choice, Kerberos), in order of appearance.
    pub mechanisms: Vec<&'static str>,
    /// SPNEGO negState, for responses.
    pub neg_state: Option<NegState>,
    /// Kerberos message inside, if any: `AP-REQ`, `AP-REP` or `KRB-ERROR`.
    pub kerberos_message: Option<&'static str>,
    /// The NTLM message inside (bare or wrapped in SPNEGO).
    pub ntlm: Option<NtlmMessage>,
    /// Decoded length in bytes.
    pub byte_len: usize,
    /// One line in plain words.
    pub summary: String,
    /// Problems: base64 ones point into the token68 text; structural ones at the base64
    /// character that encodes the offending byte (`byte * 4 / 3`), or at the byte itself
    /// for [`recognize_bytes`].
    pub diagnostics: Vec<Diagnostic>,
}

const NTLMSSP: &[u8] = b"NTLMSSP\0";

/// DER-encoded OIDs (tag, length, value) and the names we show.
const MECHANISMS: &[(&[u8], &str)] = &[
    // 1.3.6.1.5.5.2
    (&[0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02], "SPNEGO"),
    // 1.2.840.113554.1.2.2
    (
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02,
        ],
        "Kerberos",
    ),
    // 1.2.840.48018.1.2.2 (Microsoft's legacy Kerberos OID)
    (
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02,
        ],
        "Kerberos (Microsoft OID)",
    ),
    // 1.3.6.1.4.1.311.2.2.10
    (
        &[
            0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a,
        ],
        "NTLM",
    ),
    // 1.3.6.1.4.1.311.2.2.30
    (
        &[
            0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e,
        ],
        "NegoEx",
    ),
];

/// NegotiateFlags names (MS-NLMP §2.2.2.5), without the `NTLMSSP_` prefix.
const FLAGS: &[(u32, &str)] = &[
    (0x0000_0001, "NEGOTIATE_UNICODE"),
    (0x0000_0002, "NEGOTIATE_OEM"),
    (0x0000_0004, "REQUEST_TARGET"),
    (0x0000_0010, "NEGOTIATE_SIGN"),
    (0x0000_0020, "NEGOTIATE_SEAL"),
    (0x0000_0040, "NEGOTIATE_DATAGRAM"),
    (0x0000_0080, "NEGOTIATE_LM_KEY"),
    (0x0000_0200, "NEGOTIATE_NTLM"),
    (0x0000_0800, "ANONYMOUS"),
    (0x0000_1000, "NEGOTIATE_OEM_DOMAIN_SUPPLIED"),
    (0x0000_2000, "NEGOTIATE_OEM_WORKSTATION_SUPPLIED"),
    (0x0000_8000, "NEGOTIATE_ALWAYS_SIGN"),
    (0x0001_0000, "TARGET_TYPE_DOMAIN"),
    (0x0002_0000, "TARGET_TYPE_SERVER"),
    (0x0008_0000, "NEGOTIATE_EXTENDED_SESSIONSECURITY"),
    (0x0010_0000, "NEGOTIATE_IDENTIFY"),
    (0x0040_0000, "REQUEST_NON_NT_SESSION_KEY"),
    (0x0080_0000, "NEGOTIATE_TARGET_INFO"),
    (0x0200_0000, "NEGOTIATE_VERSION"),
    (0x2000_0000, "NEGOTIATE_128"),
    (0x4000_0000, "NEGOTIATE_KEY_EXCH"),
    (0x8000_0000, "NEGOTIATE_56"),
];

const FLAG_UNICODE: u32 = 0x0000_0001;
const FLAG_OEM_DOMAIN: u32 = 0x0000_1000;
const FLAG_OEM_WORKSTATION: u32 = 0x0000_2000;

/// Names longer than this are cut: they are for display, and a hostile buffer can be 64 KiB.
const MAX_NAME_CHARS: usize = 256;

/// Decodes a token68 (standard base64, RFC 4559 §4) and recognises it.
pub fn recognize_token68(token68: &str) -> GssToken {
    let decoded = base64::decode(token68, Alphabet::Standard);
    let mut token = recognize_bytes(&decoded.bytes);
    for d in &mut token.diagnostics {
        d.offset = d.offset.saturating_mul(4) / 3;
    }
    let mut diagnostics = decoded.diagnostics;
    diagnostics.append(&mut token.diagnostics);
    diagnostics.sort_by_key(|d| d.offset);
    token.diagnostics = diagnostics;
    token
}

/// Recognises decoded token bytes. Diagnostic offsets are byte offsets.
pub fn recognize_bytes(bytes: &[u8]) -> GssToken {
    let mut token = GssToken {
        kind: TokenKind::Unknown,
        mechanisms: Vec::new(),
        neg_state: None,
        kerberos_message: None,
        ntlm: None,
        byte_len: bytes.len(),
        summary: String::new(),
        diagnostics: Vec::new(),
    };
    match bytes.first() {
        _ if bytes.starts_with(NTLMSSP) => token.kind = TokenKind::Ntlm,
        Some(0x60) => {
            check_der_length(bytes, &mut token.diagnostics);
            token.mechanisms = mechanisms_in(bytes);
            // The OID right after the 0x60 header decides the framing.
            let inner = der_header_len(bytes)
                .and_then(|h| bytes.get(h..))
                .unwrap_or(&[]);
            token.kind = if starts_with_mech(inner, "SPNEGO") {
                TokenKind::SpnegoInit
            } else if starts_with_mech(inner, "Kerberos")
                || starts_with_mech(inner, "Kerberos (Microsoft OID)")
            {
                TokenKind::Kerberos
            } else {
                TokenKind::Unknown
            };
            token.mechanisms.retain(|m| *m != "SPNEGO");
        }
        Some(0xa1) => {
            check_der_length(bytes, &mut token.diagnostics);
            token.kind = TokenKind::SpnegoResponse;
            token.mechanisms = mechanisms_in(bytes);
            token.neg_state = neg_state(bytes);
        }
        _ => {}
    }
    // Search even unknown framings: some servers wrap NTLM in non-standard ways, and the
    // signature is unambiguous.
    if let Some(at) = find(bytes, NTLMSSP) {
        token.ntlm = Some(parse_ntlm(bytes, at, &mut token.diagnostics));
    }
    token.kerberos_message = kerberos_message(bytes);
    if token.kind == TokenKind::Unknown && token.ntlm.is_none() && token.kerberos_message.is_none()
    {
        token.diagnostics.push(Diagnostic::info(
            "gss-unrecognized",
            0,
            if bytes.is_empty() {
                "the token decodes to nothing".to_string()
            } else {
                format!(
                    "not an ntlm, spnego or kerberos token (first byte 0x{:02x})",
                    bytes.first().copied().unwrap_or(0)
                )
            },
        ));
    }
    token.summary = summary(&token);
    token
}

fn starts_with_mech(bytes: &[u8], name: &str) -> bool {
    MECHANISMS
        .iter()
        .any(|(oid, n)| *n == name && bytes.starts_with(oid))
}

/// Length of a DER tag + length header at the start of `bytes`.
fn der_header_len(bytes: &[u8]) -> Option<usize> {
    let first = *bytes.get(1)?;
    if first < 0x80 {
        Some(2)
    } else {
        let n = usize::from(first & 0x7f);
        (n <= 4).then_some(2 + n)
    }
}

/// Declared content length of the outermost DER element.
fn der_length(bytes: &[u8]) -> Option<usize> {
    let first = *bytes.get(1)?;
    if first < 0x80 {
        return Some(usize::from(first));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    bytes.get(2..2 + n)?.iter().try_fold(0usize, |acc, &b| {
        acc.checked_mul(256)?.checked_add(usize::from(b))
    })
}

fn check_der_length(bytes: &[u8], diags: &mut Vec<Diagnostic>) {
    match (der_header_len(bytes), der_length(bytes)) {
        (Some(h), Some(len)) if h.saturating_add(len) > bytes.len() => {
            diags.push(Diagnostic::warning(
                "gss-truncated",
                bytes.len(),
                format!(
                "the token declares {} bytes but has {}: it was cut (header size limit? proxy?)",
                h.saturating_add(len),
                bytes.len()
            ),
            ))
        }
        (Some(_), Some(_)) => {}
        _ => diags.push(Diagnostic::warning(
            "gss-truncated",
            1,
            "the token's asn.1 length is missing or malformed",
        )),
    }
}

/// Byte offset of the first occurrence of `needle`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn mechanisms_in(bytes: &[u8]) -> Vec<&'static str> {
    let mut found: Vec<(usize, &'static str)> = MECHANISMS
        .iter()
        .filter_map(|(oid, name)| find(bytes, oid).map(|at| (at, *name)))
        .collect();
    found.sort_unstable();
    found.into_iter().map(|(_, name)| name).collect()
}

/// `negState` is the first field of negTokenResp: `a1 L 30 L a0 03 0a 01 NN`.
fn neg_state(bytes: &[u8]) -> Option<NegState> {
    let head = bytes.get(..bytes.len().min(16))?;
    let at = find(head, &[0xa0, 0x03, 0x0a, 0x01])?;
    match head.get(at + 4)? {
        0 => Some(NegState::AcceptCompleted),
        1 => Some(NegState::AcceptIncomplete),
        2 => Some(NegState::Reject),
        3 => Some(NegState::RequestMic),
        _ => None,
    }
}

/// A Kerberos OID followed by a TOK_ID (RFC 4121 §4.1).
fn kerberos_message(bytes: &[u8]) -> Option<&'static str> {
    MECHANISMS
        .iter()
        .filter(|(_, name)| name.starts_with("Kerberos"))
        .find_map(|(oid, _)| {
            // The OID also appears in SPNEGO's mechanism list; only the occurrence that
            // frames a Kerberos token is followed by a TOK_ID.
            bytes
                .windows(oid.len() + 2)
                .find_map(|w| match w.strip_prefix(*oid)? {
                    [0x01, 0x00] => Some("AP-REQ"),
                    [0x02, 0x00] => Some("AP-REP"),
                    [0x03, 0x00] => Some("KRB-ERROR"),
                    _ => None,
                })
        })
}

fn u16le(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

/// A security buffer (`len u16, maxlen u16, offset u32`) at `field` of `msg`.
fn sec_buffer(msg: &[u8], field: usize) -> Result<&[u8], usize> {
    let len = usize::from(u16le(msg, field).ok_or(field)?);
    let off = usize::try_from(u32le(msg, field + 4).ok_or(field)?).map_err(|_| field)?;
    if len == 0 {
        return Ok(&[]);
    }
    msg.get(off..off.saturating_add(len)).ok_or(field)
}

fn decode_name(raw: &[u8], unicode: bool) -> String {
    let text: String = if unicode {
        char::decode_utf16(raw.chunks_exact(2).map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        }))
        .map(|r| r.unwrap_or('\u{fffd}'))
        .take(MAX_NAME_CHARS)
        .collect()
    } else {
        // OEM code pages differ per machine; ASCII is what matters for names.
        raw.iter()
            .take(MAX_NAME_CHARS)
            .map(|&b| {
                if b.is_ascii() {
                    char::from(b)
                } else {
                    '\u{fffd}'
                }
            })
            .collect()
    };
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

fn parse_ntlm(bytes: &[u8], at: usize, diags: &mut Vec<Diagnostic>) -> NtlmMessage {
    let msg = bytes.get(at..).unwrap_or(&[]);
    let message_type = u32le(msg, 8).unwrap_or(0);
    let mut m = NtlmMessage {
        message_type,
        type_name: match message_type {
            1 => "negotiate",
            2 => "challenge",
            3 => "authenticate",
            _ => "unknown",
        },
        flags: None,
        flag_names: Vec::new(),
        target_name: None,
        target_info: Vec::new(),
        domain: None,
        user: None,
        workstation: None,
        response_kind: None,
        offset: at,
    };
    let mut truncated = |field: usize, what: &str| {
        diags.push(Diagnostic::warning(
            "ntlm-truncated",
            // The field itself may lie past the end of a cut message; point at the end
            // then (found by fuzzing: the offset ran past the header value).
            at + field.min(msg.len()),
            format!(
                "the ntlm {what} field points outside the message; the token was cut or is corrupt"
            ),
        ));
    };
    let mut name = |field: usize, unicode: bool, what: &str| match sec_buffer(msg, field) {
        Ok([]) => None,
        Ok(raw) => Some(decode_name(raw, unicode)),
        Err(f) => {
            truncated(f, what);
            None
        }
    };
    match message_type {
        1 => {
            let flags = u32le(msg, 12);
            m.flags = flags;
            let f = flags.unwrap_or(0);
            if f & FLAG_OEM_DOMAIN != 0 {
                m.domain = name(16, false, "domain");
            }
            if f & FLAG_OEM_WORKSTATION != 0 {
                m.workstation = name(24, false, "workstation");
            }
        }
        2 => {
            m.flags = u32le(msg, 20);
            let unicode = m.flags.unwrap_or(FLAG_UNICODE) & FLAG_UNICODE != 0;
            m.target_name = name(12, unicode, "target name");
            if msg.len() >= 48 {
                match sec_buffer(msg, 40) {
                    Ok(info) => m.target_info = av_pairs(info),
                    Err(f) => truncated(f, "target info"),
                }
            }
        }
        3 => {
            m.flags = u32le(msg, 60);
            let unicode = m.flags.unwrap_or(FLAG_UNICODE) & FLAG_UNICODE != 0;
            m.domain = name(28, unicode, "domain");
            m.user = name(36, unicode, "user");
            m.workstation = name(44, unicode, "workstation");
            m.response_kind = u16le(msg, 20).map(|nt_len| match nt_len {
                0 => "anonymous",
                24 => "NTLMv1",
                _ => "NTLMv2",
            });
        }
        other => diags.push(Diagnostic::warning(
            "ntlm-unknown-type",
            at + 8,
            format!("ntlm message type {other} is not 1, 2 or 3"),
        )),
    }
    if m.flags.is_none() && (1..=3).contains(&message_type) {
        diags.push(Diagnostic::warning(
            "ntlm-truncated",
            at + msg.len(),
            "the ntlm message is too short to hold its flags",
        ));
    }
    if let Some(f) = m.flags {
        m.flag_names = FLAGS
            .iter()
            .filter(|(bit, _)| f & bit != 0)
            .map(|(_, n)| *n)
            .collect();
    }
    m
}

/// TargetInfo AV pairs (MS-NLMP §2.2.2.1): the NetBIOS / DNS names, always UTF-16LE.
fn av_pairs(info: &[u8]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut at = 0usize;
    // Each pair is at least 4 bytes, so the loop runs at most len/4 times.
    while let (Some(id), Some(len)) = (u16le(info, at), u16le(info, at + 2)) {
        let len = usize::from(len);
        let value = info.get(at + 4..at + 4 + len);
        let label = match id {
            0 => break,
            1 => Some("netbios-computer"),
            2 => Some("netbios-domain"),
            3 => Some("dns-computer"),
            4 => Some("dns-domain"),
            5 => Some("dns-tree"),
            _ => None,
        };
        match (label, value) {
            (Some(label), Some(v)) => out.push((label, decode_name(v, true))),
            (_, None) => break,
            _ => {}
        }
        at += 4 + len;
    }
    out
}

fn summary(t: &GssToken) -> String {
    let mut s = match t.kind {
        TokenKind::Ntlm => "bare ntlm message".to_string(),
        TokenKind::SpnegoInit => "spnego negTokenInit (client's first Negotiate token)".to_string(),
        TokenKind::SpnegoResponse => match t.neg_state {
            Some(NegState::AcceptCompleted) => "spnego negTokenResp: accept-completed".to_string(),
            Some(NegState::AcceptIncomplete) => {
                "spnego negTokenResp: accept-incomplete (another round trip follows)".to_string()
            }
            Some(NegState::Reject) => "spnego negTokenResp: reject".to_string(),
            Some(NegState::RequestMic) => "spnego negTokenResp: request-mic".to_string(),
            None => "spnego negTokenResp".to_string(),
        },
        TokenKind::Kerberos => "raw kerberos gss-api token".to_string(),
        TokenKind::Unknown => "unrecognised token".to_string(),
    };
    if !t.mechanisms.is_empty() {
        s.push_str(&format!("; mechanisms: {}", t.mechanisms.join(", ")));
    }
    if let Some(k) = t.kerberos_message {
        s.push_str(&format!("; kerberos {k}"));
    }
    if let Some(n) = &t.ntlm {
        s.push_str(&format!("; ntlm type {} ({})", n.message_type, n.type_name));
        if let Some(target) = &n.target_name {
            s.push_str(&format!(", target {target:?}"));
        }
        match (&n.domain, &n.user) {
            (Some(d), Some(u)) => s.push_str(&format!(", user {d}\\{u}")),
            (None, Some(u)) => s.push_str(&format!(", user {u}")),
            _ => {}
        }
        if let Some(w) = &n.workstation {
            s.push_str(&format!(", workstation {w:?}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sec(len: u16, off: u32) -> Vec<u8> {
        let mut v = len.to_le_bytes().to_vec();
        v.extend(len.to_le_bytes());
        v.extend(off.to_le_bytes());
        v
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// A type 3 message with domain CORP, user alice, workstation WS1 and a 24-byte NT response.
    fn type3() -> Vec<u8> {
        let (d, u, w) = (utf16("CORP"), utf16("alice"), utf16("WS1"));
        let mut m = NTLMSSP.to_vec();
        m.extend(3u32.to_le_bytes());
        let base = 64u32;
        let nt = vec![0xaa; 24];
        m.extend(sec(0, base)); // LM
        m.extend(sec(24, base)); // NT
        m.extend(sec(d.len() as u16, base + 24));
        m.extend(sec(u.len() as u16, base + 24 + d.len() as u32));
        m.extend(sec(w.len() as u16, base + 24 + (d.len() + u.len()) as u32));
        m.extend(sec(0, 0)); // session key
        m.extend((FLAG_UNICODE | 0x0008_0000).to_le_bytes());
        assert_eq!(m.len(), 64);
        m.extend(nt);
        m.extend(d);
        m.extend(u);
        m.extend(w);
        m
    }

    fn type2() -> Vec<u8> {
        let target = utf16("CORP");
        let mut info = Vec::new();
        for (id, v) in [(2u16, "CORP"), (4, "corp.example.com")] {
            let v = utf16(v);
            info.extend(id.to_le_bytes());
            info.extend((v.len() as u16).to_le_bytes());
            info.extend(v);
        }
        info.extend([0, 0, 0, 0]);
        let mut m = NTLMSSP.to_vec();
        m.extend(2u32.to_le_bytes());
        m.extend(sec(target.len() as u16, 48));
        m.extend((FLAG_UNICODE | 0x0001_0000 | 0x0080_0000).to_le_bytes());
        m.extend([1, 2, 3, 4, 5, 6, 7, 8]); // server challenge
        m.extend([0; 8]);
        m.extend(sec(info.len() as u16, 48 + target.len() as u32));
        assert_eq!(m.len(), 48);
        m.extend(target);
        m.extend(info);
        m
    }

    #[test]
    fn ntlm_type_1_from_curl() {
        // `curl --ntlm` sends this exact type 1 message.
        let t = recognize_token68("TlRMTVNTUAABAAAABoIIAAAAAAAAAAAAAAAAAAAAAAA=");
        assert_eq!(t.kind, TokenKind::Ntlm);
        let n = t.ntlm.unwrap();
        assert_eq!(n.message_type, 1);
        assert_eq!(n.flags, Some(0x0008_8206));
        assert!(n.flag_names.contains(&"NEGOTIATE_NTLM"));
        assert!(n.flag_names.contains(&"NEGOTIATE_OEM"));
        assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    }

    #[test]
    fn ntlm_type_2_shows_target_and_names() {
        let t = recognize_bytes(&type2());
        let n = t.ntlm.unwrap();
        assert_eq!(n.type_name, "challenge");
        assert_eq!(n.target_name.as_deref(), Some("CORP"));
        assert_eq!(
            n.target_info,
            vec![
                ("netbios-domain", "CORP".to_string()),
                ("dns-domain", "corp.example.com".to_string())
            ]
        );
        assert!(n.flag_names.contains(&"TARGET_TYPE_DOMAIN"));
        assert!(t.summary.contains("target \"CORP\""), "{}", t.summary);
    }

    #[test]
    fn ntlm_type_3_shows_names_never_responses() {
        let bytes = type3();
        let t = recognize_token68(&base64::encode(&bytes, Alphabet::Standard));
        let n = t.ntlm.clone().unwrap();
        assert_eq!(n.domain.as_deref(), Some("CORP"));
        assert_eq!(n.user.as_deref(), Some("alice"));
        assert_eq!(n.workstation.as_deref(), Some("WS1"));
        assert_eq!(n.response_kind, Some("NTLMv1"));
        let json = serde_json::to_string(&t).unwrap();
        assert!(!json.contains("aaaa"), "{json}");
        assert!(t.summary.contains("CORP\\alice"));
    }

    #[test]
    fn truncated_ntlm_buffers_are_reported_not_trusted() {
        let mut bytes = type3();
        bytes.truncate(70);
        let t = recognize_bytes(&bytes);
        assert!(t.diagnostics.iter().any(|d| d.code == "ntlm-truncated"));
        assert_eq!(t.ntlm.unwrap().user, None);
    }

    #[test]
    fn spnego_init_with_kerberos_and_ntlm() {
        // 0x60 len, SPNEGO OID, a0 … mechTypes [Kerberos(MS), Kerberos, NTLM], mechToken with krb5 AP-REQ.
        let mut inner = vec![0xa0, 0x30, 0x30, 0x2e, 0xa0, 0x2a, 0x30, 0x28];
        for (oid, _) in MECHANISMS.iter().skip(1).take(3) {
            inner.extend(*oid);
        }
        inner.extend([
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01, 0x00, 0x6e,
        ]);
        let mut token = vec![0x60, (inner.len() + 8) as u8];
        token.extend(MECHANISMS[0].0);
        token.extend(inner);
        let t = recognize_bytes(&token);
        assert_eq!(t.kind, TokenKind::SpnegoInit);
        assert_eq!(
            t.mechanisms,
            vec!["Kerberos", "Kerberos (Microsoft OID)", "NTLM"]
        );
        assert_eq!(t.kerberos_message, Some("AP-REQ"));
        assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    }

    #[test]
    fn spnego_response_with_ntlm_challenge() {
        let ntlm = type2();
        let mut token = vec![0xa1, 0x81, 0x00, 0x30, 0x00, 0xa0, 0x03, 0x0a, 0x01, 0x01];
        token.extend(MECHANISMS[3].0);
        token.extend([0xa2, 0x00, 0x04, 0x00]);
        token.extend(&ntlm);
        let len = token.len() - 3;
        token[2] = len as u8;
        let t = recognize_bytes(&token);
        assert_eq!(t.kind, TokenKind::SpnegoResponse);
        assert_eq!(t.neg_state, Some(NegState::AcceptIncomplete));
        assert_eq!(t.mechanisms, vec!["NTLM"]);
        assert_eq!(t.ntlm.unwrap().message_type, 2);
    }

    #[test]
    fn truncated_gss_header_is_reported() {
        let t = recognize_bytes(&[0x60, 0x82, 0x10, 0x00, 0x06]);
        assert!(t.diagnostics.iter().any(|d| d.code == "gss-truncated"));
    }

    #[test]
    fn unknown_and_empty_tokens() {
        assert_eq!(recognize_token68("").kind, TokenKind::Unknown);
        let t = recognize_token68("aGVsbG8=");
        assert_eq!(t.kind, TokenKind::Unknown);
        assert!(t.diagnostics.iter().any(|d| d.code == "gss-unrecognized"));
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(mut bytes in proptest::collection::vec(any::<u8>(), 0..400), prefix in 0usize..4) {
            let heads: [&[u8]; 4] = [b"", NTLMSSP, &[0x60], &[0xa1]];
            let mut v = heads[prefix].to_vec();
            v.append(&mut bytes);
            let t = recognize_bytes(&v);
            prop_assert_eq!(t.byte_len, v.len());
        }

        #[test]
        fn never_panics_on_mutated_ntlm(at in 0usize..120, byte in any::<u8>(), cut in 0usize..140) {
            let mut m = type3();
            if let Some(b) = m.get_mut(at) {
                *b = byte;
            }
            m.truncate(cut);
            let _ = recognize_bytes(&m);
        }
    }
}
