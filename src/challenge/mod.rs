//! Authentication challenges (`WWW-Authenticate`, `Proxy-Authenticate`) and the
//! credentials grammar (`Authorization`, `Proxy-Authorization`) of
//! [RFC 9110 §11](https://www.rfc-editor.org/rfc/rfc9110#section-11), plus what each
//! scheme's parameters mean.
//!
//! Floor 1: uses only floor-0 modules.
//!
//! # Parsing
//!
//! [`parse_challenges`] reads one or more field values into borrowed [`ChallengeRef`]s;
//! [`parse_credentials`] reads one `Authorization` value into a [`CredentialsRef`]. Both are
//! lenient: they return everything they could read plus positioned [`Diagnostic`]s, and
//! after an error they skip to the next `,` outside a quoted-string and carry on. They never
//! panic, never recurse, and look at each byte a bounded number of times.
//!
//! Grammar decisions, where RFC 9110's ABNF needs a choice:
//!
//! * **token68 vs auth-param** after `scheme 1*SP` is decided by one scan of the token68
//!   character run and its `=` padding: a token68 if the run reaches `,` or the end
//!   (`Negotiate abc==`, `Bearer abc=` — an auth-param needs a value after `=`), if it has
//!   two or more `=`, or if whitespace and then something other than `=` follows
//!   (`Negotiate abc def`: token68 `abc`, then a `token68-trailing` error). Otherwise it is an
//!   auth-param (`realm=x`, `realm = "x"`, `a= b`).
//! * **A new challenge vs another auth-param** at the start of a list element: a token
//!   followed by optional whitespace and `=` is an auth-param; a token followed by `,` or the
//!   end is a challenge with no parameters; a token followed by a space and anything else
//!   starts a challenge.
//! * **`Basic , realm="a"`** is valid (`1*SP` then `#auth-param` with an empty first
//!   element), so `realm` belongs to Basic. **`Basic, realm="a"`** is not (the comma right
//!   after the scheme ends the challenge, and `realm="a"` cannot start one): it is reported as
//!   `param-without-scheme` and, to keep the information, attached to Basic anyway.
//! * **`Bearer abc=, realm=x`**: `abc=` is a token68 (it has no value, so it is not an
//!   auth-param), and `realm=x` is then `param-after-token68`, attached to Bearer.
//! * Parameters before any scheme are reported and dropped.
//! * A missing comma between elements (`realm="a" charset="b"`) is an error
//!   (`missing-comma`) but parsing continues at the next element, so nothing is lost.
//! * An unquoted value runs to the next `,` or whitespace, so `realm=https://x/y` keeps the
//!   whole URL (with an `illegal-character` error at `:`).
//! * Several fields behave like their values joined with `", "` (RFC 9110 §5.3), except that a
//!   quoted-string never runs on into the next field. Offsets are into that joined value.
//! * Tabs count as whitespace everywhere (a `tab-after-scheme` warning where `1*SP` is
//!   required); an obs-fold (CRLF + SP/HTAB) counts as whitespace with an `obs-fold` warning,
//!   and inside a quoted-string becomes one space.
//!
//! # Diagnostic codes
//!
//! Errors: `empty-field-value`, `unterminated-quoted-string`, `illegal-character`,
//! `unexpected-quoted-string`, `param-without-scheme`, `param-after-token68`,
//! `missing-parameter-value`, `missing-comma`, `token68-trailing`, `quoted-token68`;
//! for credentials also `missing-scheme`, `multiple-credentials`, `unexpected-comma`.
//!
//! Warnings: `duplicate-parameter` (RFC 9110 §11.2), `basic-realm-token`,
//! `basic-missing-realm` (RFC 7617 §2), `non-ascii`, `obs-fold`, `tab-after-scheme`;
//! for credentials `empty-credentials`. Info: `too-many-diagnostics` (the list is capped).
//!
//! # Semantics
//!
//! [`explain`] turns a challenge into plain words with RFC links: per-parameter meaning,
//! notes as [`Finding`](crate::finding::Finding)s, and for registries the exact token
//! request. [`negotiate`] recognises NTLM / SPNEGO / Kerberos blobs and is shared with the
//! credentials module.
//!
//! # Testing hooks
//!
//! [`reference`] is a deliberately plain recogniser of the same grammar;
//! `reference::differential(input)` compares it with the real parser and is the whole body
//! of a differential fuzz target. A plain fuzz target is `parse_challenges(&[input])` /
//! `parse_credentials(input)`. [`compact::Encoded::parse_joined_full`] encodes with the full
//! parser only, the reference for the compact encoding's fast path (the `challenge_compact`
//! fuzz target compares the two). The conformance table shared with other tools is
//! `tests/conformance/challenges.json`.
//!
//! [`Diagnostic`]: crate::diagnostic::Diagnostic

pub mod compact;
mod credentials;
mod explain;
mod fast;
pub mod negotiate;
mod owned;
mod parse;
#[doc(hidden)]
pub mod reference;
mod syntax;
mod vendor;

pub use credentials::{parse_credentials, CredentialsRef, ParsedCredentials};
pub use explain::{
    bearer_error_expected_status, bearer_error_meaning, dpop_error_expected_status, explain,
    explain_all, ExplainContext, Explanation, ParamMeaning, SchemeKind, Token68Meaning,
};
pub use owned::{challenges_to_header_value, Challenge, Param};
pub use parse::{
    parse_challenge_field, parse_challenges, parse_proxy_challenges, ChallengeRef, ParamRef,
    ParsedChallenges,
};
pub use syntax::{is_tchar, is_token, is_token68, is_token68_char, push_quoted};
pub use vendor::{
    entra_hint, is_registry_challenge, registry_token_request, EntraHint, TokenRequest,
};
