//! SHA-256 (FIPS 180-4) for the two hashes JOSE debugging needs: the JWK thumbprint a
//! DPoP-bound token names in `cnf.jkt` (RFC 7638, RFC 9449 §6.1) and the `ath` access-token
//! hash in a DPoP proof (RFC 9449 §4.2). Not used for anything secret-dependent, so a plain
//! (not constant-time) implementation is fine; it avoids a dependency for ~60 lines.

use serde_json::Value;

use crate::base64::{self, Alphabet};

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// One round with the working variables named in place, so an unrolled group of eight
/// rounds never shuffles registers (the shuffle was a fifth of each round).
#[inline(always)]
#[allow(clippy::many_single_char_names, clippy::too_many_arguments)]
fn round(a: u32, b: u32, c: u32, d: &mut u32, e: u32, f: u32, g: u32, h: &mut u32, kw: u32) {
    let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
    let ch = (e & f) ^ (!e & g);
    let t1 = h.wrapping_add(s1).wrapping_add(ch).wrapping_add(kw);
    let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
    let maj = (a & b) ^ (a & c) ^ (b & c);
    *d = d.wrapping_add(t1);
    *h = t1.wrapping_add(s0.wrapping_add(maj));
}

/// FIPS 180-4 §6.2.2 on one 64-byte block.
#[allow(clippy::many_single_char_names)]
fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for (slot, word) in w.iter_mut().zip(block.chunks_exact(4)) {
        let mut bytes = [0u8; 4];
        bytes.copy_from_slice(word);
        *slot = u32::from_be_bytes(bytes);
    }
    for i in 16..64 {
        let at = |j: usize| w.get(j).copied().unwrap_or(0);
        let (w15, w2) = (at(i - 15), at(i - 2));
        let s0 = w15.rotate_right(7) ^ w15.rotate_right(18) ^ (w15 >> 3);
        let s1 = w2.rotate_right(17) ^ w2.rotate_right(19) ^ (w2 >> 10);
        let v = at(i - 16)
            .wrapping_add(s0)
            .wrapping_add(at(i - 7))
            .wrapping_add(s1);
        if let Some(slot) = w.get_mut(i) {
            *slot = v;
        }
    }
    let mut kw = [0u32; 64];
    for ((slot, k), wi) in kw.iter_mut().zip(K).zip(w) {
        *slot = k.wrapping_add(wi);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for r in kw.chunks_exact(8) {
        let at = |j: usize| r.get(j).copied().unwrap_or(0);
        round(a, b, c, &mut d, e, f, g, &mut h, at(0));
        round(h, a, b, &mut c, d, e, f, &mut g, at(1));
        round(g, h, a, &mut b, c, d, e, &mut f, at(2));
        round(f, g, h, &mut a, b, c, d, &mut e, at(3));
        round(e, f, g, &mut h, a, b, c, &mut d, at(4));
        round(d, e, f, &mut g, h, a, b, &mut c, at(5));
        round(c, d, e, &mut f, g, h, a, &mut b, at(6));
        round(b, c, d, &mut e, f, g, h, &mut a, at(7));
    }
    for (slot, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *slot = slot.wrapping_add(v);
    }
}

/// The SHA-256 digest of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut blocks = data.chunks_exact(64);
    for block in blocks.by_ref() {
        if let Ok(block) = <&[u8; 64]>::try_from(block) {
            compress(&mut h, block);
        }
    }
    // The final one or two blocks: the rest, 0x80, zeros, the bit length (FIPS 180-4 §5.1.1).
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    let len = if rest.len() < 56 { 64 } else { 128 };
    for (slot, b) in tail.iter_mut().zip(rest.iter().chain(&[0x80])) {
        *slot = *b;
    }
    if let Some(slot) = tail.get_mut(len - 8..len) {
        slot.copy_from_slice(&bit_len.to_be_bytes());
    }
    for block in tail.get(..len).unwrap_or(&[]).chunks_exact(64) {
        if let Ok(block) = <&[u8; 64]>::try_from(block) {
            compress(&mut h, block);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// The `ath` value for `access_token`: base64url(SHA-256(ASCII token)) (RFC 9449 §4.2).
pub fn access_token_hash(access_token: &str) -> String {
    base64::encode(&sha256(access_token.as_bytes()), Alphabet::UrlSafe)
}

/// The RFC 7638 SHA-256 thumbprint of a public JWK, as `cnf.jkt` carries it (RFC 9449 §6.1).
///
/// Only the required members, in lexicographic order, without whitespace (RFC 7638 §3.2):
/// `EC` → `crv`,`kty`,`x`,`y`; `RSA` → `e`,`kty`,`n`; `OKP` → `crv`,`kty`,`x`; `oct` → `k`,`kty`.
/// `None` when the key type is unknown or a required member is missing or not a string.
pub fn jwk_thumbprint(jwk: &Value) -> Option<String> {
    let kty = jwk.get("kty")?.as_str()?;
    let members: &[&str] = match kty {
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        "OKP" => &["crv", "kty", "x"],
        "oct" => &["k", "kty"],
        _ => return None,
    };
    let mut canonical = String::from("{");
    for (i, name) in members.iter().enumerate() {
        let value = jwk.get(*name)?.as_str()?;
        if i > 0 {
            canonical.push(',');
        }
        // serde_json escapes exactly as RFC 7638 §3.3 requires (JSON string, no extra spaces).
        canonical.push_str(&Value::String((*name).to_string()).to_string());
        canonical.push(':');
        canonical.push_str(&Value::String(value.to_string()).to_string());
    }
    canonical.push('}');
    Some(base64::encode(
        &sha256(canonical.as_bytes()),
        Alphabet::UrlSafe,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Several full blocks before the padding, over non-repeating bytes: the regression
    /// table for the unrolled compression. Digests from Python's `hashlib` over bytes
    /// `(7i + 3) mod 256`.
    #[test]
    fn multi_block_inputs() {
        let cases = [
            (
                55,
                "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b",
            ),
            (
                63,
                "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055",
            ),
            (
                64,
                "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241",
            ),
            (
                65,
                "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e",
            ),
            (
                119,
                "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e",
            ),
            (
                120,
                "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5",
            ),
            (
                640,
                "71e7205daee27db1b3057d8527a3cd8097991bd6b94e6fa3c70cb28cf9d20eed",
            ),
            (
                1000,
                "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371",
            ),
        ];
        for (n, expected) in cases {
            let data: Vec<u8> = (0..n).map(|i: usize| ((i * 7 + 3) % 256) as u8).collect();
            assert_eq!(hex(&sha256(&data)), expected, "{n} bytes");
        }
    }

    #[test]
    fn fips_180_vectors() {
        let cases = [
            (
                "",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(hex(&sha256(input.as_bytes())), expected, "{input:?}");
        }
    }

    #[test]
    fn block_boundaries() {
        // 55, 56, 63, 64 and 65 bytes hit every padding branch.
        let known = [
            (
                55,
                "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            ),
            (
                56,
                "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            ),
            (
                63,
                "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            ),
            (
                64,
                "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            ),
            (
                65,
                "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
            ),
        ];
        for (n, expected) in known {
            assert_eq!(hex(&sha256(&vec![b'a'; n])), expected, "{n} x 'a'");
        }
    }

    #[test]
    fn rfc_9449_ath_example() {
        assert_eq!(
            access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }

    #[test]
    fn rfc_9449_jwk_thumbprint_example() {
        let jwk = serde_json::json!({
            "kty": "EC",
            "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
            "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
            "crv": "P-256"
        });
        assert_eq!(
            jwk_thumbprint(&jwk).as_deref(),
            Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
        );
    }

    #[test]
    fn thumbprint_needs_required_members() {
        assert_eq!(jwk_thumbprint(&serde_json::json!({"kty": "EC"})), None);
        assert_eq!(jwk_thumbprint(&serde_json::json!({"kty": "XYZ"})), None);
        assert_eq!(jwk_thumbprint(&serde_json::json!([1, 2])), None);
    }
}
