use super::*;

#[test]
fn lex_scheme_table() {
    let cases = [
        ("Bearer abc", ("Bearer", 0)),
        ("  Basic x", ("Basic", 2)),
        ("Bearer%20abc", ("Bearer", 0)),
        ("bearer%20abc", ("bearer", 0)),
        ("AWS4-HMAC-SHA256 Credential=x", ("AWS4-HMAC-SHA256", 0)),
        ("Bearer: abc", ("Bearer", 0)),
        ("\"abc\"", ("", 0)),
        ("", ("", 0)),
    ];
    for (value, expected) in cases {
        assert_eq!(lex_scheme(value), expected, "{value:?}");
    }
}

#[test]
fn classify_table() {
    let cases = [
        ("Bearer", SchemeClass::Bearer),
        ("BEARER", SchemeClass::Bearer),
        ("DPoP", SchemeClass::Dpop),
        ("Basic", SchemeClass::Basic),
        ("Digest", SchemeClass::Digest),
        ("Negotiate", SchemeClass::Negotiate),
        ("Kerberos", SchemeClass::Negotiate),
        ("NTLM", SchemeClass::Ntlm),
        ("aws4-hmac-sha256", SchemeClass::Aws4),
        ("token", SchemeClass::ApiKey),
        ("SSWS", SchemeClass::ApiKey),
        ("JWT", SchemeClass::Other),
    ];
    for (scheme, class) in cases {
        assert_eq!(classify(scheme), class, "{scheme}");
    }
}

#[test]
fn percent_decode_table() {
    let cases = [
        ("abc", "abc"),
        ("a%20b", "a b"),
        ("a+b", "a+b"),
        ("%3D%3d", "=="),
        ("%zz%", "%zz%"),
        ("%", "%"),
        ("%C3%A4", "ä"),
        ("%FF", "\u{fffd}"),
    ];
    for (input, expected) in cases {
        assert_eq!(percent_decode(input), expected, "{input}");
    }
}

#[test]
fn fingerprint_is_stable_and_short() {
    let a = fingerprint("token-a");
    assert_eq!(a.len(), 12);
    assert_eq!(a, fingerprint("token-a"));
    assert_ne!(a, fingerprint("token-b"));
    // The first 9 bytes of SHA-256("abc"), base64url: ba7816bf8f01cfea41.
    assert_eq!(fingerprint("abc"), "ungWv48Bz-pB");
}

#[test]
fn context_charset_hint() {
    let at = Timestamp(0);
    assert!(Context::new(at).with_charset("UTF-8").utf8());
    assert!(Context::new(at).with_charset("\"utf-8\"").utf8());
    assert!(!Context::new(at).with_charset("ISO-8859-1").utf8());
    assert!(!Context::new(at).utf8());
}
