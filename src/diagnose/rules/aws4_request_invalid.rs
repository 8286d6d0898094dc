//! `aws4-request-invalid`: a Signature Version 4 request that AWS rejects before looking at
//! the signature: a credential scope dated another day than `X-Amz-Date`, a signing time
//! more than 15 minutes off, no signing time, or a temporary key without its session token.
//!
//! [AWS SigV4](https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
//! defines the scope and the time checks.

use crate::finding::Finding;

use super::{adopt_decoder_verdict, Facts};

/// Raised for each request-level SigV4 problem the decoder found.
pub fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    adopt_decoder_verdict(f, "aws4-request-invalid", &[], out);
}
