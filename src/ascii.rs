//! ASCII case-insensitive search, for the heuristics that look for known words in header
//! values and bodies (`Server: CloudFlare`, "Your API key here", a WAF block page).
//!
//! HTTP field names, scheme names and the vendor markers the rules look for are ASCII and
//! compared case-insensitively ([RFC 9110 §5.1](https://www.rfc-editor.org/rfc/rfc9110#section-5.1),
//! [§11.1](https://www.rfc-editor.org/rfc/rfc9110#section-11.1)); folding only ASCII keeps
//! byte offsets unchanged and never allocates.

/// Whether `haystack` contains `needle`, ignoring ASCII case. An empty needle is contained
/// in everything.
pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(first) = needle.first().map(u8::to_ascii_lowercase) else {
        return true;
    };
    // Compare whole windows only where the first byte matches: a 4 KiB body is searched for
    // a dozen needles on every failure, so the common case must be a plain byte scan.
    hay.iter().enumerate().any(|(i, b)| {
        b.to_ascii_lowercase() == first
            && hay
                .get(i..i + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

#[cfg(test)]
mod tests {
    use super::contains_ignore_case;
    use proptest::prelude::*;

    #[test]
    fn table() {
        for (hay, needle, want) in [
            ("Server: CloudFlare", "cloudflare", true),
            ("cloudflare", "CLOUDFLARE", true),
            ("cloudflar", "cloudflare", false),
            ("", "", true),
            ("abc", "", true),
            ("", "a", false),
            ("xxAttention Required!", "attention required", true),
            ("Ä attention", "ä attention", false), // only ASCII folds
            ("aaab", "aab", true),
        ] {
            assert_eq!(
                contains_ignore_case(hay, needle),
                want,
                "{hay:?} {needle:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn property_agrees_with_lowercasing_both_sides(hay in "[a-zA-Z ]{0,40}", needle in "[a-zA-Z]{0,4}") {
            let want = hay.to_ascii_lowercase().contains(&needle.to_ascii_lowercase());
            prop_assert_eq!(contains_ignore_case(&hay, &needle), want);
        }
    }
}
