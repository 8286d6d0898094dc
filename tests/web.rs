//! The browser-side view layer, tested in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]
// Test code: a panic is a failing test, which is the point (clippy's test exemptions do
// not see `#[wasm_bindgen_test]` functions or their helpers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use authlens::diagnose::{Analyzer, Config, ExchangeReport};
use authlens::exchange::{Exchange, Headers, Request, Response};
use authlens::finding::{Finding, Severity};
use authlens::time::Timestamp;
use authlens::web::dom::{self, el};
use authlens::web::filter::{Query, RowFacts, TermKind};
use authlens::web::list::{Keyed, Rows, VirtualList};
use authlens::web::store::Log;
use authlens::web::views::flow::{buckets, sequence, spikes, Bucket};
use authlens::web::views::lifetime::{geometry, LifetimeState};
use authlens::web::views::secrets;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn body() -> Element {
    dom::document().unwrap().body().unwrap().into()
}

// ---- element builder ------------------------------------------------------------------

#[wasm_bindgen_test]
fn builder_sets_captured_markup_as_text_never_html() {
    let hostile = [
        r#"<img src=x onerror="window.__pwned=1">"#,
        "<script>window.__pwned=1</script>",
        r#""><svg onload=alert(1)>"#,
        "Bearer realm=\"<b>x</b>\"",
    ];
    for input in hostile {
        let node = el("div")
            .attr("title", input)
            .child(el("span").text(input))
            .into_element();
        body().append_child(&node).unwrap();
        let span = node.first_element_child().unwrap();
        assert_eq!(
            span.text_content().unwrap(),
            input,
            "text is kept literally"
        );
        assert_eq!(
            span.child_element_count(),
            0,
            "no element parsed out of {input}"
        );
        assert_eq!(node.get_attribute("title").unwrap(), input);
        assert_eq!(node.child_element_count(), 1);
        assert!(
            node.inner_html().contains("&lt;"),
            "markup is escaped when serialised: {}",
            node.inner_html()
        );
        node.remove();
    }
    let pwned = js_sys::Reflect::get(&js_sys::global(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined(), "no handler ran");
}

#[wasm_bindgen_test]
fn builder_nests_children_in_order_with_classes() {
    let node = el("ul")
        .class("a")
        .class_if(false, "never")
        .class_if(true, "b")
        .children(["1", "2", "3"].iter().map(|t| el("li").text(t)))
        .into_element();
    assert_eq!(node.class_name(), "a b");
    assert_eq!(node.text_content().unwrap(), "123");
    assert_eq!(node.child_element_count(), 3);
}

#[wasm_bindgen_test]
fn dropping_a_view_removes_its_listeners() {
    use std::cell::Cell;
    use std::rc::Rc;
    let clicks = Rc::new(Cell::new(0));
    let c = clicks.clone();
    let view = el("button")
        .on("click", move |_| c.set(c.get() + 1))
        .into_view();
    let button: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(view.root().clone());
    button.click();
    assert_eq!(clicks.get(), 1);
    drop(view);
    button.click();
    assert_eq!(clicks.get(), 1, "the listener went with the view");
}

// ---- keyed list -----------------------------------------------------------------------

fn keyed_children(container: &Element) -> Vec<(String, Element)> {
    let mut out = Vec::new();
    let mut cur = container.first_element_child();
    while let Some(node) = cur {
        out.push((node.text_content().unwrap(), node.clone()));
        cur = node.next_element_sibling();
    }
    out
}

fn render_key(k: &u32) -> Element {
    el("div").text(&k.to_string()).into_element()
}

#[wasm_bindgen_test]
fn keyed_push_renders_only_the_new_row_and_keeps_existing_nodes() {
    let mut list = Keyed::new(el("div").into_element());
    let first = list.update(&[1, 2, 3], render_key);
    assert_eq!(first.created, 3);
    let before = keyed_children(list.container());
    let stats = list.update(&[1, 2, 3, 4], render_key);
    assert_eq!((stats.created, stats.removed, stats.moved), (1, 0, 0));
    let after = keyed_children(list.container());
    let texts: Vec<_> = after.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(texts, ["1", "2", "3", "4"]);
    for ((_, old), (_, new)) in before.iter().zip(after.iter()) {
        assert!(
            old.is_same_node(Some(new)),
            "existing rows are the same DOM nodes"
        );
    }
}

#[wasm_bindgen_test]
fn keyed_reorder_and_removal_reuse_nodes() {
    let mut list = Keyed::new(el("div").into_element());
    list.update(&[1, 2, 3, 4], render_key);
    let node3 = list.get(&3).unwrap().clone();
    let stats = list.update(&[3, 1, 4], render_key);
    assert_eq!(stats.created, 0);
    assert_eq!(stats.removed, 1);
    let texts: Vec<_> = keyed_children(list.container())
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(texts, ["3", "1", "4"]);
    assert!(list.get(&3).unwrap().is_same_node(Some(&node3)));
    assert!(list.get(&2).is_none());
}

#[wasm_bindgen_test]
fn keyed_table_of_transitions_always_matches_the_keys() {
    let cases: &[(&[u32], &[u32])] = &[
        (&[], &[1, 2]),
        (&[1, 2], &[]),
        (&[1, 2, 3], &[3, 2, 1]),
        (&[1, 2, 3], &[2]),
        (&[5, 6], &[1, 5, 2, 6, 3]),
        (&[1, 2, 3, 4, 5], &[5, 1, 4, 2, 3]),
    ];
    for (from, to) in cases {
        let mut list = Keyed::new(el("div").into_element());
        list.update(from, render_key);
        let stats = list.update(to, render_key);
        let texts: Vec<String> = keyed_children(list.container())
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        let want: Vec<String> = to.iter().map(u32::to_string).collect();
        assert_eq!(texts, want, "{from:?} -> {to:?}");
        let new = to.iter().filter(|k| !from.contains(k)).count();
        assert_eq!(stats.created, new, "{from:?} -> {to:?}");
        assert_eq!(list.len(), to.len());
    }
}

// ---- virtualized list -----------------------------------------------------------------

struct Numbers(usize);

impl Rows for Numbers {
    fn len(&self) -> usize {
        self.0
    }
    fn key(&self, index: usize) -> u64 {
        index as u64
    }
    fn render(&self, index: usize) -> Element {
        el("div")
            .class("row")
            .attr("data-key", &index.to_string())
            .text(&format!("row {index}"))
            .into_element()
    }
}

fn mounted_list(height_px: u32) -> VirtualList {
    let list = VirtualList::new(20.0);
    dom::set_style(list.element(), "height", &format!("{height_px}px"));
    dom::set_style(list.element(), "overflow", "auto");
    dom::set_style(list.element(), "display", "block");
    body().append_child(list.element()).unwrap();
    list
}

fn rendered_rows(list: &VirtualList) -> Vec<usize> {
    let nodes = list.element().query_selector_all("[data-key]").unwrap();
    (0..nodes.length())
        .map(|i| {
            let e: Element = wasm_bindgen::JsCast::unchecked_into(nodes.get(i).unwrap());
            e.get_attribute("data-key").unwrap().parse().unwrap()
        })
        .collect()
}

#[wasm_bindgen_test]
fn virtual_list_of_100k_rows_renders_only_the_visible_ones() {
    let rows = Numbers(100_000);
    let mut list = mounted_list(200);
    list.refresh(&rows);
    let shown = rendered_rows(&list);
    // 200 px / 20 px = 10 visible, +1 partial, + overscan below; nothing near 100k.
    assert!(!shown.is_empty());
    assert!(shown.len() <= 30, "rendered {} rows", shown.len());
    assert_eq!(shown.first(), Some(&0));
    let spacer = list.element().first_element_child().unwrap();
    let height = spacer
        .dyn_ref_html()
        .style()
        .get_property_value("height")
        .unwrap();
    // Chromium serialises big lengths in exponent form ("2e+06px").
    let px: f64 = height.trim_end_matches("px").parse().unwrap();
    assert_eq!(px, 2_000_000.0, "the scrollbar spans all rows");

    list.element().set_scroll_top(50_000 * 20);
    list.refresh(&rows);
    let shown = rendered_rows(&list);
    assert!(shown.len() <= 30, "rendered {} rows", shown.len());
    assert!(shown.contains(&50_000), "row 50000 is in view: {shown:?}");
    assert!(
        shown.iter().all(|i| (49_990..50_030).contains(i)),
        "{shown:?}"
    );
    list.element().remove();
}

trait DynRefHtml {
    fn dyn_ref_html(&self) -> &web_sys::HtmlElement;
}

impl DynRefHtml for Element {
    fn dyn_ref_html(&self) -> &web_sys::HtmlElement {
        wasm_bindgen::JsCast::unchecked_ref(self)
    }
}

#[wasm_bindgen_test]
fn virtual_list_append_renders_only_the_new_row() {
    let mut list = mounted_list(400);
    let first = list.refresh(&Numbers(5));
    assert_eq!(first.created, 5);
    let before: Vec<Element> = (0..5).map(|k| list.row(k).unwrap().clone()).collect();
    let stats = list.refresh(&Numbers(6));
    assert_eq!((stats.created, stats.removed), (1, 0));
    for (k, old) in before.iter().enumerate() {
        assert!(list.row(k as u64).unwrap().is_same_node(Some(old)));
    }
    list.element().remove();
}

#[wasm_bindgen_test]
fn virtual_list_scrolling_reuses_rows_that_stay_in_view() {
    let rows = Numbers(1_000);
    let mut list = mounted_list(200);
    list.refresh(&rows);
    let kept = list.row(15).unwrap().clone();
    list.element().set_scroll_top(5 * 20);
    let stats = list.refresh(&rows);
    assert!(stats.created <= 6, "only rows entering the view: {stats:?}");
    assert!(list.row(15).unwrap().is_same_node(Some(&kept)));
    list.element().remove();
}

#[wasm_bindgen_test]
fn virtual_list_follows_new_rows_only_from_the_end() {
    let mut list = mounted_list(200);
    list.refresh(&Numbers(100));
    // At the end: appended rows scroll into view, and the list's own scroll is no move.
    list.element().set_scroll_top(100 * 20);
    list.refresh(&Numbers(100));
    list.refresh_following(&Numbers(150));
    assert_eq!(list.element().scroll_top(), 150 * 20 - 200);
    assert!(rendered_rows(&list).contains(&149));
    assert!(!list.view_changed(), "its own following is not a move");
    // Scrolled away from the end: the view stays where the reader put it.
    list.element().set_scroll_top(0);
    assert!(list.view_changed(), "a scroll by the reader is a move");
    list.refresh(&Numbers(150));
    list.refresh_following(&Numbers(200));
    assert_eq!(list.element().scroll_top(), 0);
    let shown = rendered_rows(&list);
    assert!(shown.contains(&0) && !shown.contains(&199), "{shown:?}");
    list.element().remove();
}

// ---- filter ---------------------------------------------------------------------------

fn expired() -> Vec<Finding> {
    vec![Finding::new(
        "token-expired",
        Severity::Error,
        "The access token expired",
        "",
    )]
}

fn facts<'a>(
    url: &'a str,
    host: &'a str,
    method: &'a str,
    status: u16,
    findings: &'a [Finding],
) -> RowFacts<'a> {
    RowFacts {
        url,
        host,
        method,
        status,
        scheme: Some("bearer"),
        findings,
        resource_type: "fetch",
    }
}

#[wasm_bindgen_test]
fn filter_parses_fields_negation_and_quotes() {
    let q =
        Query::parse(r#"status:401 -method:OPTIONS "two words" domain:*.example.com rule: x:y"#);
    let kinds: Vec<(bool, TermKind)> = q.terms.into_iter().map(|t| (t.negated, t.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (false, TermKind::Status("401".into())),
            (true, TermKind::Method("options".into())),
            (false, TermKind::Text("two words".into())),
            (false, TermKind::Domain("*.example.com".into())),
            (false, TermKind::Text("x:y".into())),
        ]
    );
    assert!(Query::parse("   ").is_empty());
    assert!(Query::parse("-").terms.len() == 1, "a lone dash is text");
}

#[wasm_bindgen_test]
fn filter_matches_table() {
    let findings = expired();
    let row = facts(
        "https://api.example.com/v1/me",
        "api.example.com",
        "GET",
        401,
        &findings,
    );
    let cases = [
        ("", true),
        ("status:401", true),
        ("status:4", true),
        ("status:403", false),
        ("-status:401", false),
        ("domain:example", true),
        ("domain:*.example.com", true),
        ("domain:*.api.example.com", false),
        ("method:get", true),
        ("method:post", false),
        ("scheme:Bearer", true),
        ("scheme:basic", false),
        ("rule:token-expired", true),
        ("rule:alg-none", false),
        ("type:fetch", true),
        ("v1/ME", true),
        ("expired", true),
        ("status:401 method:post", false),
        ("status:401 -method:post", true),
    ];
    for (input, want) in cases {
        assert_eq!(Query::parse(input).matches(&row), want, "{input}");
    }
}

#[wasm_bindgen_test]
fn filter_parse_never_panics_on_odd_input() {
    for input in [
        "\"",
        "-\"",
        "::::",
        "-:",
        "status:\u{0}",
        "é:é",
        "\"\"\"",
        "- - -",
    ] {
        let q = Query::parse(input);
        let _ = q.matches(&facts("", "", "", 0, &[]));
    }
}

// ---- log ------------------------------------------------------------------------------

fn exchange(url: &str, status: u16, auth: Option<&str>) -> Exchange {
    let mut headers = Headers::new();
    if let Some(a) = auth {
        headers.push("Authorization", a);
    }
    Exchange {
        request: Request {
            method: "GET".into(),
            url: url.into(),
            headers,
            ..Request::default()
        },
        response: Response {
            status,
            ..Response::default()
        },
        ..Exchange::default()
    }
}

fn analysed(analyzer: &mut Analyzer, x: &Exchange) -> ExchangeReport {
    analyzer.push_ref(x).report
}

#[wasm_bindgen_test]
fn log_is_bounded_and_counts_what_it_dropped() {
    let mut log = Log::new(3);
    let mut analyzer = Analyzer::new(Config::default());
    for i in 0..5u16 {
        let mut x = exchange("https://a/x", if i % 2 == 0 { 401 } else { 200 }, None);
        x.index = usize::from(i);
        let report = analysed(&mut analyzer, &x);
        log.push(x, report);
    }
    assert_eq!(log.find_index(4), Some(4));
    assert_eq!(log.find_index(0), None, "dropped");
    assert_eq!(log.len(), 3);
    assert_eq!(log.dropped(), 2);
    assert!(log.get(0).is_none() && log.get(1).is_none());
    assert_eq!(log.visible(), &[2, 3, 4]);
    assert_eq!(log.failures(), 2, "entries 2 and 4 are 401s");
}

#[wasm_bindgen_test]
fn full_log_keeps_visible_ids_exact_across_lazy_compaction() {
    // A full log drops its oldest visible id on every push; the front of the vector is
    // compacted lazily (it was `Vec::remove(0)`, O(capacity) per push), and the visible
    // ids must stay exact across compactions.
    let mut log = Log::new(4);
    let mut analyzer = Analyzer::new(Config::default());
    for i in 0..40u16 {
        let mut x = exchange("https://a/x", if i % 3 == 0 { 401 } else { 200 }, None);
        x.index = usize::from(i);
        let report = analysed(&mut analyzer, &x);
        log.push(x, report);
        let kept: Vec<u64> = log.iter().map(|e| e.id).collect();
        assert_eq!(log.visible(), kept.as_slice(), "after push {i}");
        let last = kept.last().copied().unwrap();
        assert_eq!(log.position(last), Some(kept.len() - 1));
    }
    log.set_filter(Query::default(), true);
    assert_eq!(
        log.visible(),
        &[36, 39],
        "auth failures among the kept 36..=39"
    );
    for i in 40..50u16 {
        let mut x = exchange("https://a/x", 401, None);
        x.index = usize::from(i);
        let report = analysed(&mut analyzer, &x);
        log.push(x, report);
    }
    assert_eq!(log.visible(), &[46, 47, 48, 49]);
}

#[wasm_bindgen_test]
fn log_filter_and_auth_only() {
    let mut log = Log::new(100);
    let mut analyzer = Analyzer::new(Config::default());
    for (url, status, auth) in [
        ("https://api.test/a", 401, Some("Bearer abc")),
        ("https://api.test/b", 200, Some("Basic dXNlcjpwdw==")),
        ("https://cdn.test/c", 403, None),
    ] {
        let x = exchange(url, status, auth);
        let report = analysed(&mut analyzer, &x);
        log.push(x, report);
    }
    log.set_filter(Query::default(), true);
    assert_eq!(log.visible(), &[0, 2]);
    log.set_filter(Query::parse("scheme:basic"), false);
    assert_eq!(log.visible(), &[1]);
    log.set_filter(Query::parse("domain:api"), true);
    assert_eq!(log.visible(), &[0]);
    // New entries are filtered as they arrive.
    let x = exchange("https://api.test/d", 407, None);
    let report = analysed(&mut analyzer, &x);
    let pushed = log.push(x, report);
    assert!(pushed.visible);
    assert_eq!(log.position(pushed.id), Some(1));
}

#[wasm_bindgen_test]
fn log_filter_by_rule_uses_the_diagnosis() {
    let mut log = Log::new(10);
    let mut analyzer = Analyzer::new(Config::default());
    for (i, challenge) in [None, Some(r#"Bearer error="invalid_token""#)]
        .into_iter()
        .enumerate()
    {
        let mut x = exchange(
            "https://api.test/me",
            401,
            Some("Bearer abcdefghijklmnopqrstu"),
        );
        x.index = i;
        if let Some(c) = challenge {
            x.response.headers.push("WWW-Authenticate", c);
        }
        let report = analysed(&mut analyzer, &x);
        log.push(x, report);
    }
    let ids = |id: u64| -> Vec<&str> {
        log.get(id)
            .unwrap()
            .report
            .findings
            .iter()
            .map(|f| f.id)
            .collect()
    };
    assert!(ids(0).contains(&"missing-challenge"), "{:?}", ids(0));
    assert!(!ids(1).contains(&"missing-challenge"), "{:?}", ids(1));
    log.set_filter(Query::parse("rule:missing-challenge"), false);
    assert_eq!(log.visible(), &[0]);
    log.set_filter(Query::parse("-rule:missing-challenge"), false);
    assert_eq!(log.visible(), &[1]);
}

// ---- lifetime bar ---------------------------------------------------------------------

#[wasm_bindgen_test]
fn lifetime_geometry_table() {
    // (iat, nbf, exp, leeway) relative to the request → state, request left of/inside/right of the segment
    let cases = [
        (Some(-3600), None, Some(-300), 60, LifetimeState::Expired),
        (Some(-3600), None, Some(-30), 60, LifetimeState::Valid),
        (Some(-600), None, Some(3000), 0, LifetimeState::Valid),
        (Some(600), None, Some(4200), 60, LifetimeState::NotYetValid),
        (
            Some(-60),
            Some(300),
            Some(3900),
            60,
            LifetimeState::NotYetValid,
        ),
        (None, None, Some(-10), 0, LifetimeState::Expired),
    ];
    for (iat, nbf, exp, leeway, state) in cases {
        let g = geometry(iat, nbf, exp, leeway).unwrap();
        assert_eq!(g.state, state, "{iat:?} {nbf:?} {exp:?}");
        for pct in [g.start_pct, g.end_pct, g.request_pct] {
            assert!((0.0..=100.0).contains(&pct), "{pct} in range");
        }
        assert!(g.start_pct <= g.end_pct);
        match state {
            LifetimeState::Expired => assert!(g.request_pct > g.end_pct),
            LifetimeState::NotYetValid => assert!(g.request_pct < g.start_pct),
            LifetimeState::Valid => {
                assert!(g.start_pct <= g.request_pct && g.request_pct <= g.end_pct + 5.0)
            }
        }
    }
    assert!(
        geometry(Some(-10), None, None, 0).is_none(),
        "no exp, no bar"
    );
}

#[wasm_bindgen_test]
fn property_lifetime_geometry_stays_on_the_bar() {
    use proptest::prelude::*;
    let t = proptest::option::of(-10_000_000i64..10_000_000);
    run_property(
        (t.clone(), t.clone(), t, 0i64..600),
        |(iat, nbf, exp, leeway)| {
            if let Some(g) = geometry(iat, nbf, exp, leeway) {
                for pct in [g.start_pct, g.end_pct, g.request_pct] {
                    prop_assert!(pct.is_finite() && (0.0..=100.0).contains(&pct));
                }
            } else {
                prop_assert!(exp.is_none());
            }
            Ok(())
        },
    );
}

// ---- flow ----------------------------------------------------------------------------

#[wasm_bindgen_test]
fn flow_buckets_split_the_span_and_count_failures() {
    let t = |s: i64| Timestamp(s * 1000);
    // Slices are half-open: [0 s, 5 s) and [5 s, 10 s].
    let samples = [(t(0), true), (t(4), false), (t(9), true), (t(10), true)];
    let b = buckets(&samples, 2);
    assert_eq!(
        b,
        vec![
            Bucket {
                total: 2,
                failures: 1
            },
            Bucket {
                total: 2,
                failures: 2
            }
        ]
    );
    assert_eq!(buckets(&[], 4), vec![Bucket::default(); 4]);
    assert_eq!(
        buckets(&[(t(3), true)], 3)
            .iter()
            .map(|b| b.total)
            .sum::<usize>(),
        1
    );
}

#[wasm_bindgen_test]
fn flow_spikes_need_a_real_outlier() {
    let quiet = |f| Bucket {
        total: 10,
        failures: f,
    };
    let mut b = vec![
        quiet(0),
        quiet(1),
        quiet(0),
        quiet(1),
        quiet(0),
        quiet(1),
        quiet(0),
        quiet(1),
    ];
    assert!(spikes(&b).is_empty());
    b.push(quiet(9));
    assert_eq!(spikes(&b), vec![8]);
    // Uniformly high is not a spike.
    assert!(spikes(&[quiet(5), quiet(5), quiet(5), quiet(5)]).is_empty());
}

#[wasm_bindgen_test]
fn flow_sequence_lanes_follow_origins_in_order_of_use() {
    let mut log = Log::new(10);
    let mut analyzer = Analyzer::new(Config::default());
    for (i, url) in [
        "https://app.test/",
        "https://api.test/me",
        "https://app.test/x",
    ]
    .into_iter()
    .enumerate()
    {
        let mut x = exchange(url, 200, None);
        x.index = i;
        let report = analysed(&mut analyzer, &x);
        log.push(x, report);
    }
    // Nothing links these: the diagram holds the selected exchange alone.
    let seq = sequence(&log, 1);
    assert_eq!(seq.lanes, vec!["https://api.test".to_owned()]);
    assert_eq!(seq.steps.len(), 1);
    assert!(seq.steps[0].selected);
    assert_eq!(seq.steps[0].request, "GET /me");
}

/// Regression (e2e, session 5): DevTools delivered a CORS preflight after the GET it
/// cleared, and the Flow tab drew the GET first. Chrome also starts the GET's clock
/// before the preflight's (at `fetch()`), so start times would not fix it either.
#[wasm_bindgen_test]
fn flow_steps_follow_completion_when_the_preflight_arrives_late() {
    let mut log = Log::new(10);
    let at = |ms: i64| Some(Timestamp(1_717_200_000_000 + ms));
    let mut get = exchange("https://api.test/data", 401, None);
    get.index = 0;
    get.started_at = at(100);
    get.time_ms = Some(40.0);
    let mut preflight = exchange("https://api.test/data", 401, None);
    preflight.request.method = "OPTIONS".into();
    preflight.resource_type = Some("preflight".into());
    preflight.index = 1;
    preflight.started_at = at(110);
    preflight.time_ms = Some(30.0);
    let mut linked = Finding::new("cors-preflight-unauthorized", Severity::Error, "t", "d");
    linked.entries = vec![0, 1];
    let mut analyzer = Analyzer::new(Config::default());
    // A real report, with the link under test in place of whatever the rules found.
    let mut report = |x: &Exchange, findings: Vec<Finding>| {
        let mut r = analysed(&mut analyzer, x);
        r.findings = findings;
        r
    };
    let r = report(&get, vec![linked.clone()]);
    log.push(get.clone(), r);
    let r = report(&preflight, Vec::new());
    log.push(preflight.clone(), r);
    let order = |seq: &authlens::web::views::flow::Sequence| {
        seq.steps
            .iter()
            .map(|s| s.request.clone())
            .collect::<Vec<_>>()
    };
    // Both completed at 140 ms: the preflight goes first.
    assert_eq!(order(&sequence(&log, 0)), ["OPTIONS /data", "GET /data"]);
    // A step without a time: arrival order stands (the preflight arrived first here; a sort
    // that put missing times first would show the GET first).
    let mut log = Log::new(10);
    let mut untimed = get;
    untimed.started_at = None;
    untimed.time_ms = None;
    let r = report(&preflight, Vec::new());
    log.push(preflight, r);
    let r = report(&untimed, vec![linked]);
    let id = log.push(untimed, r).id;
    assert_eq!(order(&sequence(&log, id)), ["OPTIONS /data", "GET /data"]);
}

// ---- masking --------------------------------------------------------------------------

#[wasm_bindgen_test]
fn secrets_are_masked_for_display() {
    let cases = [
        (
            "Authorization",
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30.signature",
            "Bearer eyJh…[34 chars]",
        ),
        (
            "Authorization",
            "Basic dXNlcjpodW50ZXIy",
            "Basic …[16 chars]",
        ),
        (
            "Cookie",
            "sid=abcdef; theme=dark",
            "sid=…[6 chars]; theme=…[4 chars]",
        ),
        (
            "Set-Cookie",
            "sid=0123456789abcdef0123; Path=/; HttpOnly",
            "sid=0123…[20 chars]; Path=/; HttpOnly",
        ),
        ("X-Api-Key", "k", "…[1 chars]"),
        ("Content-Type", "application/json", "application/json"),
    ];
    for (name, value, want) in cases {
        assert_eq!(secrets::header_value(name, value), want, "{name}");
    }
    assert_eq!(
        secrets::url("https://u:hunter2@x.test/cb?state=1&access_token=abcdefgh#id_token=zz"),
        "https://u:…[7 chars]@x.test/cb?state=1&access_token=…[8 chars]#id_token=…[2 chars]"
    );
}

// ---- properties -----------------------------------------------------------------------

fn run_property<S: proptest::strategy::Strategy>(
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), proptest::test_runner::TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 128,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    });
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

#[wasm_bindgen_test]
fn property_filter_parse_never_panics_and_free_words_match_their_url() {
    use proptest::prelude::*;
    run_property(any::<String>(), |input| {
        let q = Query::parse(&input);
        let _ = q.matches(&facts(&input, &input, &input, 401, &[]));
        prop_assert!(q.terms.len() <= input.split_whitespace().count() + 1);
        Ok(())
    });
    run_property("[a-z0-9/._]{1,20}", |word| {
        let url = format!("https://h.test/{word}");
        prop_assert!(Query::parse(&word).matches(&facts(&url, "h.test", "GET", 200, &[])));
        let negated = format!("-{}", word);
        prop_assert!(!Query::parse(&negated).matches(&facts(&url, "h.test", "GET", 200, &[])));
        Ok(())
    });
}

#[wasm_bindgen_test]
fn property_keyed_update_always_yields_the_keys_in_order() {
    use proptest::prelude::*;
    let unique = |v: Vec<u32>| {
        let mut seen = std::collections::HashSet::new();
        v.into_iter()
            .filter(|k| seen.insert(*k))
            .collect::<Vec<_>>()
    };
    let lists = proptest::collection::vec(proptest::collection::vec(0u32..24, 0..16), 1..6);
    run_property(lists, move |steps| {
        let mut list = Keyed::new(el("div").into_element());
        for step in steps {
            let keys = unique(step);
            list.update(&keys, render_key);
            let texts: Vec<String> = keyed_children(list.container())
                .into_iter()
                .map(|(t, _)| t)
                .collect();
            let want: Vec<String> = keys.iter().map(u32::to_string).collect();
            prop_assert_eq!(texts, want);
        }
        Ok(())
    });
}

#[wasm_bindgen_test]
fn property_masked_header_values_never_contain_the_secret() {
    use proptest::prelude::*;
    run_property("[A-Za-z0-9+/=._-]{16,80}", |secret| {
        for (name, value) in [
            ("Authorization", format!("Bearer {secret}")),
            ("Authorization", format!("Basic {secret}")),
            ("Cookie", format!("sid={secret}")),
            ("Set-Cookie", format!("sid={secret}; Path=/")),
            ("X-Api-Key", secret.clone()),
        ] {
            let shown = secrets::header_value(name, &value);
            prop_assert!(!shown.contains(&secret), "{} leaked: {}", name, shown);
        }
        Ok(())
    });
}

// ---- toolbar summary line, rule links ---------------------------------------------

fn mounted_app() -> (authlens::web::app::App, Element) {
    let host = el("div").into_element();
    body().append_child(&host).unwrap();
    let app = authlens::web::app::App::mount(authlens::web::app::Host::Page, &host);
    (app, host)
}

#[wasm_bindgen_test]
fn toolbar_summary_line_is_the_engines_live_and_updated_in_place() {
    use authlens::web::app::Msg;
    let (app, host) = mounted_app();
    let line = host
        .query_selector(".toolbar .summary-line")
        .unwrap()
        .unwrap();
    assert_eq!(line.get_attribute("role").as_deref(), Some("status"));
    assert_eq!(line.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(line.get_attribute("aria-atomic").as_deref(), Some("true"));
    let text = || {
        line.query_selector(".summary-text")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert_eq!(text(), "no auth failures");
    assert!(!line.class_list().contains("has-failures"));

    // The same exchanges through a separate engine give the line the toolbar must show.
    let mut reference = Analyzer::new(Config::default());
    let batches = [
        vec![
            exchange("https://api.test/a", 200, Some("Bearer abc")),
            exchange("https://api.test/b", 401, None),
        ],
        vec![exchange(
            "https://api.test/c",
            401,
            Some("Bearer undefined"),
        )],
    ];
    for batch in batches {
        for x in &batch {
            reference.push_ref(x);
        }
        app.dispatch(Msg::Imported(
            batch.into_iter().map(|x| (x, None)).collect(),
        ));
        // Arrivals are drawn at the next animation frame; `Draw` is that frame, now.
        app.dispatch(Msg::Draw);
        let want = reference.summary_line();
        assert_eq!(text(), want);
        assert_eq!(line.get_attribute("title").as_deref(), Some(want.as_str()));
    }
    assert!(text().starts_with("2 auth failures: "), "{}", text());
    assert!(line.class_list().contains("has-failures"));
    // Updated in place: the live region is the same node, so it is not re-announced whole.
    assert!(host
        .query_selector(".toolbar .summary-line")
        .unwrap()
        .unwrap()
        .is_same_node(Some(&line)));
    app.dispatch(Msg::Clear);
    assert_eq!(text(), "no auth failures");
    host.remove();
}

#[wasm_bindgen_test]
fn rule_labels_link_to_the_catalogue_page_and_unknown_ids_stay_text() {
    use authlens::web::views::findings::{render_note, RULES_PAGE};
    let known = Finding::new("token-expired", Severity::Error, "expired", "");
    let node = render_note(&known).into_element();
    let link = node.query_selector("a.rule-link").unwrap().unwrap();
    assert_eq!(
        link.get_attribute("href").unwrap(),
        format!("{RULES_PAGE}#token-expired")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(link.text_content().unwrap(), "token-expired");
    assert!(
        node.query_selector(".rule-about .rule-info")
            .unwrap()
            .is_some(),
        "the entry can also be read in place"
    );
    let unknown = Finding::new("not-a-catalogued-rule", Severity::Info, "x", "");
    let node = render_note(&unknown).into_element();
    assert!(node.query_selector("a").unwrap().is_none(), "no link");
    assert_eq!(
        node.query_selector("code.rule-id")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "not-a-catalogued-rule"
    );
}

#[wasm_bindgen_test]
fn a_report_that_could_not_be_copied_is_offered_with_a_button() {
    use authlens::web::app::Msg;
    let (app, host) = mounted_app();
    app.dispatch(Msg::CopyReady(
        "The report of 3 requests is ready".into(),
        "# report".into(),
    ));
    let bar = host.query_selector(".copy-ready").unwrap().unwrap();
    assert!(bar.text_content().unwrap().contains("is ready"));
    assert!(bar.query_selector("button.copy-report").unwrap().is_some());
    app.dispatch(Msg::Dismiss);
    assert!(host.query_selector(".copy-ready").unwrap().is_none());
    // Loading and exporting have a bar each, hidden until work runs.
    let bars = host.query_selector_all(".progress").unwrap();
    assert_eq!(bars.length(), 2, "one bar for loading, one for exports");
    assert!(host
        .query_selector(".progress-export[hidden]")
        .unwrap()
        .is_some());
    host.remove();
}

/// What a script does before an `*_input` call: writes `text` straight into wasm memory
/// through a view over `input_buffer` (as `TextEncoder.encodeInto` would); returns the bytes
/// written.
fn encode_into_input(text: &str) -> usize {
    use authlens::web::bench_api;
    use wasm_bindgen::JsCast;
    let room = text.len() * 3;
    let at = bench_api::input_buffer(room).unwrap_or_else(|_| panic!("no room for {room} bytes"));
    let memory: js_sys::WebAssembly::Memory = bench_api::wasm_memory().unchecked_into();
    let view = js_sys::Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        at as u32,
        room as u32,
    );
    let bytes = text.as_bytes();
    view.subarray(0, bytes.len() as u32).copy_from(bytes);
    bytes.len()
}

#[wasm_bindgen_test]
fn input_buffer_calls_match_the_string_argument_calls() {
    use authlens::web::bench_api;
    let encode = encode_into_input;
    let same = |a: &js_sys::Array, b: &js_sys::Array| {
        let words = |x: &js_sys::Array| format!("{:?}", js_sys::Array::from(&x.get(0)).to_vec());
        assert_eq!(words(a), words(b));
        assert_eq!(a.get(1).as_string(), b.get(1).as_string());
    };
    let challenges =
        "Bearer realm=\"é\\\"x\", error=\"invalid_token\"\nBasic realm=\"a\", Digest nonce=1";
    same(
        &bench_api::parse_challenges_compact_input(encode(challenges)),
        &bench_api::parse_challenges_compact(challenges),
    );
    let tokens = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIiwiZXhwIjoxfQ.c2ln\nnot-a-token";
    same(
        &bench_api::decode_jwt_compact_input(encode(tokens)),
        &bench_api::decode_jwt_compact(tokens),
    );
    // Fewer bytes than were reserved: only those are read.
    let text = "Basic realm=\"x\"";
    let n = encode(text);
    same(
        &bench_api::parse_challenges_compact_input(n - 4),
        &bench_api::parse_challenges_compact(&text[..n - 4]),
    );
    assert_eq!(&text[..n - 4], "Basic realm");
}

#[wasm_bindgen_test]
fn jwt_fields_input_leaves_the_full_paths_numbers_in_memory() {
    use authlens::web::bench_api;
    use wasm_bindgen::JsCast;
    let tokens = [
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIiwiZXhwIjoxfQ.c2ln",
        "not-a-token",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.",
        // {"alg":"ES256","kid":"clé"} . {"iss":"ïss","aud":["x"],"iat":-0}
        "eyJhbGciOiJFUzI1NiIsImtpZCI6ImNsw6kifQ.eyJpc3MiOiLDr3NzIiwiYXVkIjpbIngiXSwiaWF0IjotMH0.c2ln",
    ]
    .join("\n");
    let want = authlens::jose::Compact::summarize_joined_full(&tokens);
    let at = bench_api::input_buffer(tokens.len()).unwrap_or_else(|_| panic!("no room"));
    let memory: js_sys::WebAssembly::Memory = bench_api::wasm_memory().unchecked_into();
    js_sys::Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        at as u32,
        tokens.len() as u32,
    )
    .copy_from(tokens.as_bytes());
    let strings = bench_api::decode_jwt_fields_input(tokens.len());
    let numbers = js_sys::Float64Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        bench_api::jwt_fields_numbers() as u32,
        want.numbers.len() as u32,
    )
    .to_vec();
    assert_eq!(strings, want.strings);
    let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&numbers), bits(&want.numbers));
    assert_eq!(numbers[0..3], [0.0, 0.0, 2.0]);
}

#[wasm_bindgen_test]
fn compact_view_reads_like_the_copied_words() {
    use authlens::web::bench_api;
    use wasm_bindgen::JsCast;
    let encode = encode_into_input;
    // The view's head and words, read the way a script reads them: through memory.
    let read_view = |head: usize| -> (Vec<u32>, u32) {
        let memory: js_sys::WebAssembly::Memory = bench_api::wasm_memory().unchecked_into();
        let u32s = js_sys::Uint32Array::new(&memory.buffer());
        let at = head as u32 / 4;
        let (words_at, count, units) = (
            u32s.get_index(at),
            u32s.get_index(at + 1),
            u32s.get_index(at + 2),
        );
        let words = u32s.subarray(words_at / 4, words_at / 4 + count).to_vec();
        (words, units)
    };
    // Clean values (fast path), escapes (side string), non-ASCII and broken values (full
    // parser), an empty value: the view holds what the copying call returns.
    for text in [
        "Bearer realm=\"api\", error=\"invalid_token\"\nNegotiate, NTLM, Basic realm=\"x\"",
        "Newauth title=\"Login to \\\"apps\\\"\"\nBasic realm=\"caf\u{e9}\\\"\"\n\nBearer realm=x y",
        "",
    ] {
        let copied = bench_api::parse_challenges_compact(text);
        let words = js_sys::Uint32Array::from(copied.get(0)).to_vec();
        let strings = copied.get(1).as_string().unwrap();
        let (view_words, units) = read_view(bench_api::parse_challenges_compact_view(encode(text)));
        assert_eq!(view_words, words, "{text:?}");
        assert_eq!(units as usize, strings.encode_utf16().count(), "{text:?}");
        assert_eq!(bench_api::challenge_strings(), strings, "{text:?}");
    }
}

// Regression: input_buffer(len) trusted its caller's `len`, and a script asking for more
// than memory holds aborted the whole module (an allocation failure under panic=abort).
#[wasm_bindgen_test]
fn input_buffer_refuses_an_impossible_size_and_keeps_working() {
    use authlens::web::bench_api;
    let before = encode_into_input("Bearer realm=\"a\"");
    assert!(bench_api::input_buffer(usize::MAX).is_err());
    assert!(bench_api::input_buffer(usize::MAX / 2 + 1).is_err());
    // The buffer and the module still work, and the input still reads back.
    let written = encode_into_input("Bearer realm=\"a\"");
    assert_eq!(written, before);
    let words =
        js_sys::Uint32Array::from(bench_api::parse_challenges_compact_input(written).get(0))
            .to_vec();
    let want =
        js_sys::Uint32Array::from(bench_api::parse_challenges_compact("Bearer realm=\"a\"").get(0))
            .to_vec();
    assert_eq!(words, want);
}

// ---- warm-up ----------------------------------------------------------------------------

/// A promise and the function that resolves it, to await a callback.
fn signal() -> (js_sys::Promise, js_sys::Function) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |r, _| resolve = Some(r));
    (promise, resolve.unwrap())
}

/// Resolves after `ms` on the page's timer (a few turns of the event loop).
async fn sleep(ms: i32) {
    let (promise, resolve) = signal();
    web_sys::window()
        .unwrap()
        .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
        .unwrap();
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn warm_up_reads_every_entry_of_every_pass_without_a_problem() {
    use authlens::web::warmup;
    let slot = std::rc::Rc::new(std::cell::RefCell::new(None));
    let result = std::rc::Rc::new(std::cell::Cell::new(None));
    let (promise, resolve) = signal();
    let seen = result.clone();
    warmup::start(&slot, 3, move |done| {
        seen.set(Some(done));
        resolve.call0(&wasm_bindgen::JsValue::NULL).unwrap();
    });
    assert!(slot.borrow().is_some(), "the job waits in the import slot");
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    // 12 entries a pass: a corpus capture that stopped reading (an edited fixture) shows.
    assert_eq!(
        result.get(),
        Some(warmup::Done {
            entries: 36,
            problems: 0
        })
    );
}

#[wasm_bindgen_test]
async fn warm_up_cancelled_from_its_slot_stops_and_never_reports() {
    use authlens::web::warmup;
    let slot = std::rc::Rc::new(std::cell::RefCell::new(None));
    let called = std::rc::Rc::new(std::cell::Cell::new(false));
    let seen = called.clone();
    // Two passes finish well within the wait below unless the job stops.
    warmup::start(&slot, 2, move |_| seen.set(true));
    // What an import does with the slot (src/web/import.rs).
    let job: authlens::web::slice::Job = slot.borrow_mut().take().unwrap();
    job.cancel();
    sleep(400).await;
    assert!(!called.get(), "a cancelled warm-up ran on to its end");
}

// ---- import size ------------------------------------------------------------------------

#[wasm_bindgen_test]
fn import_refuses_a_file_too_big_for_wasm_memory_with_the_reason_and_the_cli() {
    use authlens::web::import::{refuse_size, MAX_IMPORT_BYTES};
    // The bench's 43.6 MB HAR, and the largest file taken.
    assert_eq!(refuse_size(43_567_193.0), None);
    assert_eq!(refuse_size(MAX_IMPORT_BYTES), None);
    // Past it, and past what a wasm32 `usize` holds (the size is a JS number).
    let why = refuse_size(MAX_IMPORT_BYTES + 1.0).unwrap();
    assert!(
        why.starts_with("This file is 1.6 GB: the page can hold HAR files up to 1.6 GB"),
        "{why}"
    );
    let why = refuse_size(6e9).unwrap();
    assert!(why.starts_with("This file is 6.0 GB:"), "{why}");
    assert!(why.ends_with("authlens har FILE."), "{why}");
}
