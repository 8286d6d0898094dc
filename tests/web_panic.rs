//! The panic hook in a test-only build: a deliberately failing path must leave the error
//! bar, with how to recover, instead of a blank panel.
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_panic`.
//!
//! A binary of its own because a wasm32 panic aborts: the instance traps and its panic
//! count never goes back to zero, so every later test in the same instance would run
//! "while panicking" (no hook changes, poisoned mutexes). Here nothing runs after it.
#![cfg(target_arch = "wasm32")]
// Test code: the deliberate panics are the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::web::dom;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn body() -> Element {
    dom::document().unwrap().body().unwrap().into()
}

/// Runs `f` the way the browser runs an event handler: called from JS, so a wasm trap
/// becomes an exception there. The Promise constructor catches what its executor throws,
/// which turns the trap into a rejection this test can await.
async fn run_until_trap(f: impl FnOnce() + 'static) -> Option<String> {
    let mut f = Some(f);
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(f) = f.take() {
            f();
        }
        let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .err()
        .map(|e| {
            js_sys::JSON::stringify(&js_sys::Reflect::get(&e, &"message".into()).unwrap())
                .map(String::from)
                .unwrap_or_default()
        })
}

#[wasm_bindgen_test]
async fn a_panic_shows_the_error_bar_with_how_to_recover() {
    // The module's start function, as the panel runs it on load.
    authlens::web::start();
    body().set_class_name("panel");

    // A deliberately failing path, built only into this test binary. On wasm32 a panic
    // aborts: the hook runs, then the instance traps.
    let trap = run_until_trap(|| {
        let v: Vec<u8> = Vec::new();
        let i = v.len() + 3;
        let _ = v[i];
    })
    .await;
    assert!(trap.is_some(), "the panic trapped");
    let bars = body().query_selector_all(".error-bar").unwrap();
    assert_eq!(bars.length(), 1);
    let bar = body().query_selector(".error-bar").unwrap().unwrap();
    assert_eq!(bar.get_attribute("role").as_deref(), Some("alert"));
    let text = bar.text_content().unwrap();
    assert!(text.contains("authlens crashed"), "{text}");
    assert!(text.contains("index out of bounds"), "the message: {text}");
    assert!(text.contains("reopen DevTools"), "how to recover: {text}");

    // A second panic (a trapped instance keeps its borrows, so one crash can cause more)
    // counts on the same bar instead of stacking bars.
    let trap = run_until_trap(|| {
        let cell = std::cell::RefCell::new(0);
        let _held = cell.borrow_mut();
        let _again = cell.borrow_mut();
    })
    .await;
    assert!(trap.is_some());
    assert_eq!(body().query_selector_all(".error-bar").unwrap().length(), 1);
    assert_eq!(bar.get_attribute("data-more").as_deref(), Some("1"));
    assert!(
        !bar.text_content().unwrap().contains("already"),
        "the first message (the cause) is kept"
    );

    // The analyzer page says what fits there.
    bar.remove();
    body().set_class_name("www");
    assert!(run_until_trap(|| panic!("deliberate")).await.is_some());
    let advice = body()
        .query_selector(".error-bar .error-advice")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(advice.contains("reload it"), "{advice}");
}
