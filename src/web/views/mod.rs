//! The views shared by the DevTools panel and the `www/` analyzer. They only read the
//! model and build DOM through [`super::dom`]; where exchanges come from is the host's
//! business.

pub mod detail;
pub mod format;
pub mod headers;
pub mod rows;
pub mod secrets;
