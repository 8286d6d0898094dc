//! The views shared by the DevTools panel and the `www/` analyzer. They only read the
//! model and build DOM through [`super::dom`]; where exchanges come from is the host's
//! business.

pub mod challenge;
pub mod credentials;
pub mod detail;
pub mod diagnosis;
pub mod findings;
pub mod flow;
pub mod format;
pub mod headers;
pub mod lifetime;
pub mod rows;
pub mod secrets;
