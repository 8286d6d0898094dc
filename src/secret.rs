//! Masking of secret values for display, evidence and exports.
//!
//! Secrets are masked by default everywhere. A masked value keeps what helps debugging
//! (a short, non-secret prefix and the length) and drops the rest.

/// The marker that stands for removed characters.
pub const ELLIPSIS: char = '…';

/// Masks a secret: keeps at most the first 4 characters when the value is long enough that
/// they cannot give it away (16+ characters), then the length.
///
/// `mask("eyJhbGciOiJIUzI1NiJ9.e30.sig")` → `eyJh…[28 chars]`.
pub fn mask(secret: &str) -> String {
    let len = secret.chars().count();
    if len >= 16 {
        let prefix: String = secret.chars().take(4).collect();
        format!("{prefix}{ELLIPSIS}[{len} chars]")
    } else {
        format!("{ELLIPSIS}[{len} chars]")
    }
}

/// Masks everything: only the length remains. For passwords and signatures.
pub fn mask_all(secret: &str) -> String {
    format!("{ELLIPSIS}[{} chars]", secret.chars().count())
}

/// Masks a secret but keeps a known, non-secret prefix such as `ghp_` or `sk_live_`.
pub fn mask_after_prefix(secret: &str, prefix_len: usize) -> String {
    let len = secret.chars().count();
    let prefix: String = secret.chars().take(prefix_len.min(len)).collect();
    format!("{prefix}{ELLIPSIS}[{len} chars]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_secret_keeps_four_chars_and_length() {
        assert_eq!(mask("eyJhbGciOiJIUzI1NiJ9.e30.sig"), "eyJh…[28 chars]");
    }

    #[test]
    fn short_secret_keeps_only_length() {
        assert_eq!(mask("hunter2"), "…[7 chars]");
        assert_eq!(mask_all("open sesame"), "…[11 chars]");
    }

    #[test]
    fn prefix_is_kept_for_known_families() {
        assert_eq!(
            mask_after_prefix("ghp_abcdefghijklmnop", 4),
            "ghp_…[20 chars]"
        );
        assert_eq!(mask_after_prefix("ab", 4), "ab…[2 chars]");
    }

    #[test]
    fn multibyte_secret_does_not_panic() {
        assert_eq!(mask("ééééééééééééééééé"), "éééé…[17 chars]");
    }
}
