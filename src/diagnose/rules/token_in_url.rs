//! `token-in-url`: a credential in the query string.
//!
//! [RFC 6750 §2.3](https://www.rfc-editor.org/rfc/rfc6750#section-2.3): the URI query
//! method "SHOULD NOT be used" — the token ends up in server and proxy logs, browser
//! history and the `Referer` of the next request.

use crate::finding::Finding;
use crate::secret;

use super::{clip, make, Facts};

/// Raised on any exchange with a credential-named query parameter.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some((name, value)) = f.url_credential() else {
        return;
    };
    let name = clip(name, 40);
    out.push(
        make(
            "token-in-url",
            format!(
                "The URL carries `{name}=` in its query string. It leaks into server and proxy logs, browser history and the Referer header of the next request. Send it in the Authorization header instead."
            ),
        )
        .with_evidence(format!("query parameter {name}"), secret::mask(value))
        .with_fix("copy-fetch"),
    );
}
