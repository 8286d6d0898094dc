//! The typed messages between the panel and the background service worker.
//!
//! DevTools pages cannot call `chrome.browsingData` themselves, so browser actions go
//! panel → `chrome.runtime.sendMessage` → worker. Each message is one variant here,
//! serialised with a `type` tag; `extension/background.js` has the matching `switch`.
//! Every reply is `{ok, error?, …}`.

use serde::{Deserialize, Serialize};

/// A request from the panel to the background worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum WorkerRequest {
    /// Remove site data for `origins` with `chrome.browsingData.remove({origins}, …)`
    /// (Firefox: `hostnames`, which covers cookies only).
    #[serde(rename_all = "camelCase")]
    ClearSiteData {
        /// Origins such as `http://127.0.0.1:8401`.
        origins: Vec<String>,
        /// Remove cookies.
        cookies: bool,
        /// Remove Cache Storage (the service-worker caches).
        cache_storage: bool,
        /// Remove the HTTP cache, where the browser can filter it by origin.
        cache: bool,
    },
}

/// The worker's reply to any [`WorkerRequest`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct WorkerReply {
    /// Whether the action ran.
    pub ok: bool,
    /// Why it did not, when `ok` is false.
    #[serde(default)]
    pub error: Option<String>,
    /// Data types actually removed, e.g. `["cookies", "cacheStorage"]`.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Data types the browser could not remove per site, with the reason.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
}

/// A data type the worker left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Skipped {
    /// The data type, e.g. `cache`.
    #[serde(rename = "dataType", default)]
    pub data_type: String,
    /// Why, lowercase.
    #[serde(default)]
    pub reason: String,
}
