//! `WWW-Authenticate` / `Proxy-Authenticate` / `Authorization` grammar on arbitrary bytes.
//! Input: one or more field values separated by `\n`.
#![no_main]

use authlens::challenge::{self, challenges_to_header_value, ExplainContext};
use authlens_fuzz::{assert_offsets, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let fields: Vec<&str> = input.split('\n').collect();
    // Offsets are into the fields joined by ", " (RFC 9110 §5.3).
    let joined_len =
        fields.iter().map(|f| f.len()).sum::<usize>() + 2 * fields.len().saturating_sub(1);

    let parsed = challenge::parse_challenges(&fields);
    assert_offsets(&parsed.diagnostics, joined_len, "parse_challenges");
    assert_eq!(parsed.field_starts.len(), fields.len());
    for c in &parsed.challenges {
        assert!(!c.scheme.is_empty(), "challenge with an empty scheme");
        assert!(c.offset <= joined_len);
        for p in &c.params {
            assert!(p.offset <= joined_len);
        }
    }
    for d in &parsed.diagnostics {
        let (field, at) = parsed.locate(d.offset);
        let len = fields.get(field).map_or(0, |f| f.len());
        assert!(
            at <= len,
            "locate({}) = ({field}, {at}) beyond the field",
            d.offset
        );
    }
    let _ = challenge::explain_all(&parsed, &ExplainContext::default());

    // Print → parse: what the printer writes is clean and reads back the same.
    if !parsed.has_errors() {
        let owned = parsed.to_owned_challenges();
        let printed = challenges_to_header_value(&owned);
        let again = challenge::parse_challenge_field(&printed);
        assert!(
            !again.has_errors(),
            "printed {printed:?} does not parse cleanly: {:?}",
            again.diagnostics
        );
        let strip = |cs: Vec<challenge::Challenge>| {
            cs.into_iter()
                .map(|c| {
                    let params: Vec<(String, String)> =
                        c.params.into_iter().map(|p| (p.name, p.value)).collect();
                    (c.scheme, c.token68, params)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(owned),
            strip(again.to_owned_challenges()),
            "round trip via {printed:?}"
        );
    }

    let proxy = challenge::parse_proxy_challenges(&fields);
    assert_eq!(proxy.challenges.len(), parsed.challenges.len());

    if let Some(first) = fields.first() {
        let creds = challenge::parse_credentials(first);
        assert_offsets(&creds.diagnostics, first.len(), "parse_credentials");
    }
});
