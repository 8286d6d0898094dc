//! The extension APIs the panel uses, as `#[wasm_bindgen]` imports, and thin async
//! wrappers over their callback style.
//!
//! Everything is imported with `catch`: the same wasm also runs in the `www/` page (no
//! `chrome` global) and in Firefox (where some members differ), so a missing API is an
//! `Err`, never a trap. See
//! <https://developer.chrome.com/docs/extensions/reference/api/devtools/network> and
//! <https://developer.chrome.com/docs/extensions/reference/api/devtools/inspectedWindow>.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::messages::{WorkerReply, WorkerRequest};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["chrome", "devtools", "network"], js_name = getHAR)]
    fn get_har_raw(callback: &Function) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "devtools", "network", "onRequestFinished"], js_name = addListener)]
    fn on_request_finished_raw(callback: &Function) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "devtools", "network", "onNavigated"], js_name = addListener)]
    fn on_navigated_raw(callback: &Function) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "devtools", "inspectedWindow"], js_name = reload)]
    fn reload_raw(options: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "devtools", "inspectedWindow"], js_name = eval)]
    fn eval_raw(expression: &str, callback: &Function) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "runtime"], js_name = sendMessage)]
    fn send_message_raw(message: &JsValue) -> Result<JsValue, JsValue>;

    /// A HAR entry as DevTools hands it over: plain HAR 1.2 data plus `getContent`.
    pub type HarEntry;

    #[wasm_bindgen(catch, method, js_name = getContent)]
    fn get_content_raw(this: &HarEntry, callback: &Function) -> Result<(), JsValue>;
}

fn message(err: &JsValue) -> String {
    err.as_string()
        .or_else(|| {
            Reflect::get(err, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// Reads a dotted property path from the global object, `None` when any step is missing.
fn global_path(path: &[&str]) -> Option<JsValue> {
    let mut value: JsValue = js_sys::global().into();
    for key in path {
        if value.is_undefined() || value.is_null() {
            return None;
        }
        value = Reflect::get(&value, &JsValue::from_str(key)).ok()?;
    }
    (!value.is_undefined()).then_some(value)
}

/// Whether the page runs as a DevTools extension page (the `chrome.devtools` API exists).
pub fn in_devtools() -> bool {
    global_path(&["chrome", "devtools", "network"]).is_some()
}

/// `chrome.devtools.panels.themeName`: `"default"`, `"dark"` (or Firefox's `"light"`).
pub fn theme_name() -> Option<String> {
    global_path(&["chrome", "devtools", "panels", "themeName"]).and_then(|v| v.as_string())
}

/// `chrome.devtools.inspectedWindow.tabId`.
pub fn inspected_tab_id() -> Option<f64> {
    global_path(&["chrome", "devtools", "inspectedWindow", "tabId"]).and_then(|v| v.as_f64())
}

/// The HAR log so far (`getHAR`): resolves to the `log` object, whose `entries` array
/// holds [`HarEntry`] values. DevTools is asked at the call, not when the future is first
/// polled, so the caller can do other work while DevTools prepares the log.
pub fn har_log() -> impl std::future::Future<Output = Result<JsValue, String>> {
    let promise = Promise::new(&mut |resolve, reject| {
        let cb = Closure::once_into_js(move |log: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &log);
        });
        if let Err(e) = get_har_raw(cb.unchecked_ref()) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    async move { JsFuture::from(promise).await.map_err(|e| message(&e)) }
}

/// Calls `handler` with every request DevTools finishes, for the life of the page.
pub fn on_request_finished(handler: impl FnMut(HarEntry) + 'static) -> Result<(), String> {
    let cb = Closure::<dyn FnMut(HarEntry)>::new(handler);
    let result = on_request_finished_raw(cb.as_ref().unchecked_ref()).map_err(|e| message(&e));
    cb.forget();
    result
}

/// Calls `handler` with the new URL whenever the inspected page navigates.
pub fn on_navigated(handler: impl FnMut(String) + 'static) -> Result<(), String> {
    let mut handler = handler;
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |url: JsValue| {
        handler(url.as_string().unwrap_or_default())
    });
    let result = on_navigated_raw(cb.as_ref().unchecked_ref()).map_err(|e| message(&e));
    cb.forget();
    result
}

/// Reloads the inspected page; `ignore_cache` is a hard reload.
pub fn reload(ignore_cache: bool) -> Result<(), String> {
    let options = js_sys::Object::new();
    let _ = Reflect::set(
        &options,
        &JsValue::from_str("ignoreCache"),
        &JsValue::from_bool(ignore_cache),
    );
    reload_raw(&options).map_err(|e| message(&e))
}

/// The inspected page's `location.origin`.
pub async fn inspected_origin() -> Result<String, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let on_reply = reject.clone();
        let cb = Closure::once_into_js(move |result: JsValue, exception: JsValue| {
            if exception.is_undefined() || exception.is_null() {
                let _ = resolve.call1(&JsValue::NULL, &result);
            } else {
                let _ = on_reply.call1(&JsValue::NULL, &exception);
            }
        });
        if let Err(e) = eval_raw("location.origin", cb.unchecked_ref()) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let value = JsFuture::from(promise).await.map_err(|e| message(&e))?;
    value
        .as_string()
        .ok_or_else(|| "inspected page has no origin".to_owned())
}

impl HarEntry {
    /// The response body as DevTools kept it: `(text, encoding)` (`encoding` is `base64`
    /// for binary bodies).
    pub async fn content(&self) -> Result<(String, Option<String>), String> {
        let promise = Promise::new(&mut |resolve, reject| {
            let cb = Closure::once_into_js(move |content: JsValue, encoding: JsValue| {
                let pair = js_sys::Array::of2(&content, &encoding);
                let _ = resolve.call1(&JsValue::NULL, &pair);
            });
            if let Err(e) = self.get_content_raw(cb.unchecked_ref()) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        });
        let pair: js_sys::Array = JsFuture::from(promise)
            .await
            .map_err(|e| message(&e))?
            .unchecked_into();
        Ok((
            pair.get(0).as_string().unwrap_or_default(),
            pair.get(1).as_string(),
        ))
    }
}

/// Sends a typed request to the background service worker and waits for its reply.
pub async fn send(request: &WorkerRequest) -> Result<WorkerReply, String> {
    let js = serde_wasm_bindgen::to_value(request).map_err(|e| e.to_string())?;
    let sent = send_message_raw(&js).map_err(|e| message(&e))?;
    let reply = match sent.dyn_into::<Promise>() {
        Ok(p) => JsFuture::from(p).await.map_err(|e| message(&e))?,
        Err(v) => v,
    };
    if reply.is_undefined() {
        return Err("no reply from the background worker".to_owned());
    }
    serde_wasm_bindgen::from_value(reply).map_err(|e| format!("malformed reply: {e}"))
}
