//! NTLM and Kerberos tokens (`Negotiate` / `NTLM` schemes, RFC 4559): secrets are zeroed
//! byte for byte so that the message keeps its framing, type, flags and names — what the
//! recogniser in [`crate::challenge::negotiate`] reads — and loses its responses and tickets.

use crate::base64::{self, Alphabet};

use super::marker::{self, Secret};
use super::Redactor;

const NTLMSSP: &[u8] = b"NTLMSSP\0";
/// OID bodies (after the `06 len` DER header) of the mechanisms the recogniser knows.
const OIDS: &[&[u8]] = &[
    &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x02],
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02],
    &[0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02],
    &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a],
    &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e],
];
/// Kerberos token ids (RFC 4121 §4.1): AP-REQ, AP-REP, KRB-ERROR.
const TOK_IDS: &[[u8; 2]] = &[[0x01, 0x00], [0x02, 0x00], [0x03, 0x00]];

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let rest = haystack.get(from..)?;
    if needle.is_empty() || rest.len() < needle.len() {
        return None;
    }
    rest.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn u16le(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn u32le(b: &[u8], at: usize) -> Option<usize> {
    let v = u32::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]);
    usize::try_from(v).ok()
}

/// Byte ranges holding secrets.
fn secret_ranges(bytes: &[u8]) -> Vec<(usize, usize)> {
    let n = bytes.len();
    if let Some(at) = find(bytes, NTLMSSP, 0) {
        // MS-NLMP §2.2.1.3 AUTHENTICATE_MESSAGE: LM and NT responses (password-derived)
        // and the encrypted session key; NEGOTIATE and CHALLENGE carry none.
        if u32le(bytes, at + 8) != Some(3) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut first_payload = usize::MAX;
        for field in [12usize, 20, 28, 36, 44, 52] {
            let (Some(len), Some(off)) = (u16le(bytes, at + field), u32le(bytes, at + field + 4))
            else {
                continue;
            };
            if len > 0 {
                first_payload = first_payload.min(off);
            }
            if matches!(field, 12 | 20 | 52) && len > 0 {
                let start = at.saturating_add(off).min(n);
                out.push((start, start.saturating_add(len).min(n)));
            }
        }
        // With a version field and a MIC (payload starts at 88 or later), the MIC is keyed
        // by the session key.
        if first_payload != usize::MAX && first_payload >= 88 {
            out.push(((at + 72).min(n), (at + 88).min(n)));
        }
        return out;
    }
    let tok = OIDS.iter().find_map(|oid| {
        let mut from = 0;
        while let Some(p) = find(bytes, oid, from) {
            let after = p + oid.len();
            if TOK_IDS
                .iter()
                .any(|t| bytes.get(after..after + 2) == Some(t.as_slice()))
            {
                return Some(after + 2);
            }
            from = p + 1;
        }
        None
    });
    if let Some(end) = tok {
        // Kerberos: the ticket and authenticator follow the token id.
        return vec![(end.min(n), n)];
    }
    if matches!(bytes.first(), Some(0x60 | 0xa1)) {
        // SPNEGO framing: keep the header and the mechanism list, drop the mechanism token.
        let last_oid = OIDS
            .iter()
            .filter_map(|oid| {
                let mut from = 0;
                let mut end = None;
                while let Some(p) = find(bytes, oid, from) {
                    end = Some(p + oid.len());
                    from = p + 1;
                }
                end
            })
            .max()
            .unwrap_or(0);
        let keep = last_oid.max(16).min(n);
        return vec![(keep, n)];
    }
    vec![(0, n)]
}

impl Redactor {
    /// Redacts a Negotiate / NTLM / Kerberos token68.
    pub(super) fn gss(&mut self, token: &str, location: &str) -> String {
        if token.is_empty() || super::token::is_marker(token) {
            return token.to_string();
        }
        let d = base64::decode(token, Alphabet::Standard);
        let clean = token
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='));
        let id = self.reg.id(token);
        if d.has_errors() || !clean {
            let out = marker::scrub(token, id);
            self.note(location, Secret::GssSecret.describe(), token.len());
            self.reg.remember(token, &out);
            return out;
        }
        let mut bytes = d.bytes;
        let mut removed = 0usize;
        let label = format!("{}{id}", marker::MARKER_PREFIX);
        for (i, (start, end)) in secret_ranges(&bytes).into_iter().enumerate() {
            let Some(region) = bytes.get_mut(start..end) else {
                continue;
            };
            region.fill(0);
            removed += region.len();
            if i == 0 {
                // Tell tokens apart (and say what happened) where the region has room.
                for (b, l) in region.iter_mut().zip(label.bytes()) {
                    *b = l;
                }
            }
        }
        if removed == 0 {
            return token.to_string();
        }
        let mut out = base64::encode(&bytes, Alphabet::Standard);
        if !token.ends_with('=') {
            out = out.trim_end_matches('=').to_string();
        }
        self.note(location, Secret::GssSecret.describe(), removed);
        self.reg.remember(token, &out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::negotiate::recognize_token68;

    fn ntlm_type3(nt_len: usize) -> Vec<u8> {
        // Header (64 bytes + 8 version) then payload: domain, user, workstation, lm, nt.
        let domain = "CORP"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>();
        let user = "alice"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>();
        let ws = "PC1"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>();
        let lm = vec![0xAAu8; 24];
        let nt = vec![0xBBu8; nt_len];
        let mut msg = Vec::new();
        msg.extend_from_slice(NTLMSSP);
        msg.extend_from_slice(&3u32.to_le_bytes());
        let mut off = 72u32;
        let mut buf = |m: &mut Vec<u8>, len: usize| {
            m.extend_from_slice(&(len as u16).to_le_bytes());
            m.extend_from_slice(&(len as u16).to_le_bytes());
            m.extend_from_slice(&off.to_le_bytes());
            off += len as u32;
        };
        // Order of fields: lm(12) nt(20) domain(28) user(36) ws(44) key(52).
        let lens = [lm.len(), nt.len(), domain.len(), user.len(), ws.len(), 0];
        // Payload order below must follow the offsets: lm, nt, domain, user, ws.
        for l in lens {
            buf(&mut msg, l);
        }
        msg.extend_from_slice(&0x0000_0201u32.to_le_bytes()); // flags: unicode
        msg.extend_from_slice(&[0u8; 8]); // version
        for part in [&lm, &nt, &domain, &user, &ws] {
            msg.extend_from_slice(part);
        }
        msg
    }

    #[test]
    fn ntlm_type3_keeps_names_and_loses_responses() {
        let raw = ntlm_type3(24);
        let token = base64::encode(&raw, Alphabet::Standard);
        let mut r = Redactor::new(super::super::RedactOptions::default());
        let out = r.gss(&token, "request header Authorization");
        assert_ne!(out, token);
        let bytes = base64::decode(&out, Alphabet::Standard).bytes;
        assert_eq!(bytes.len(), raw.len());
        assert!(!bytes.windows(4).any(|w| w == [0xAA; 4] || w == [0xBB; 4]));
        let before = recognize_token68(&token);
        let after = recognize_token68(&out);
        let (b, a) = (before.ntlm.unwrap(), after.ntlm.unwrap());
        assert_eq!(
            (a.message_type, a.user.clone(), a.domain.clone()),
            (3, b.user, b.domain)
        );
        assert_eq!(a.response_kind, b.response_kind);
        assert_eq!(before.diagnostics, after.diagnostics);
    }

    #[test]
    fn kerberos_ticket_is_zeroed_after_the_token_id() {
        let mut raw = vec![0x60, 0x30, 0x06, 0x09];
        raw.extend_from_slice(OIDS[1]);
        raw.extend_from_slice(&[0x01, 0x00]);
        raw.extend(std::iter::repeat_n(0xCCu8, 37));
        let token = base64::encode(&raw, Alphabet::Standard);
        let mut r = Redactor::new(super::super::RedactOptions::default());
        let out = r.gss(&token, "x");
        let before = recognize_token68(&token);
        let after = recognize_token68(&out);
        assert_eq!(before.kerberos_message, after.kerberos_message);
        assert_eq!(before.kind, after.kind);
        assert!(!base64::decode(&out, Alphabet::Standard)
            .bytes
            .contains(&0xCC));
    }

    #[test]
    fn ntlm_negotiate_has_nothing_to_remove() {
        let mut raw = NTLMSSP.to_vec();
        raw.extend_from_slice(&1u32.to_le_bytes());
        raw.extend_from_slice(&[0u8; 24]);
        let token = base64::encode(&raw, Alphabet::Standard);
        let mut r = Redactor::new(super::super::RedactOptions::default());
        assert_eq!(r.gss(&token, "x"), token);
    }
}
