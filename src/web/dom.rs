//! The element builder: the only way the views create DOM.
//!
//! Captured data (header values, tokens, URLs, bodies) is hostile. The builder writes it
//! only through `textContent` and attribute *values*, never through the HTML parser, so
//! `<img src=x onerror=…>` in a header stays literal text. There is deliberately no
//! `inner_html` anywhere in `web/`. Attribute *names* are `&'static str`: they come from
//! our code, never from a capture.
//!
//! Event listeners belong to the element tree that declared them: building with
//! [`El::into_view`] hands them to a [`View`], and dropping the view (for instance when a
//! [`Slot`] shows another one) removes them, so re-rendering the detail pane does not leak
//! closures.

use std::borrow::Cow;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlElement};

thread_local! {
    static DOCUMENT: Option<Document> = web_sys::window().and_then(|w| w.document());
}

/// Captured text as it may be shown: bidi overrides, zero-width and control characters
/// become visible `\u{…}` escapes ([`crate::printable::escape_controls`]), so a header
/// cannot reorder what the user reads (`files/\u{202E}gpj.exe`). Line breaks survive:
/// bodies and pretty-printed JSON are multi-line, and a DOM text node cannot be abused
/// by them the way a terminal can.
pub fn shown(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| !matches!(c, '\n' | '\r') && crate::printable::is_unsafe_char(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for piece in text.split_inclusive(['\n', '\r']) {
        let line = piece.strip_suffix(['\n', '\r']).unwrap_or(piece);
        out.push_str(&crate::printable::escape_controls(line));
        out.push_str(piece.get(line.len()..).unwrap_or_default());
    }
    Cow::Owned(out)
}

/// The page's document, when there is one (there is none in a worker).
pub fn document() -> Option<Document> {
    DOCUMENT.with(Clone::clone)
}

/// Creates a detached `tag` element.
///
/// Element creation only fails for an invalid tag name or without a document; tags are
/// literals from our code and the faces run in pages. Rather than panic on that impossible
/// path, the fallback is a plain JS object typed as an element: any later DOM call on it
/// throws a JS `TypeError`, which the panel's error bar reports.
fn create(tag: &'static str) -> Element {
    match document().map(|d| d.create_element(tag)) {
        Some(Ok(e)) => e,
        _ => js_sys::Object::new().unchecked_into(),
    }
}

/// The SVG namespace, for [`svg`] elements.
pub const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Starts building an SVG element (`svg`, `line`, `text`, `polyline`…), with the same
/// text-only guarantees as [`el`].
pub fn svg(tag: &'static str) -> El {
    let node = match document().map(|d| d.create_element_ns(Some(SVG_NS), tag)) {
        Some(Ok(e)) => e,
        _ => js_sys::Object::new().unchecked_into(),
    };
    El {
        node,
        listeners: Vec::new(),
    }
}

/// Starts building a `tag` element: `el("div").class("row").text(&s).child(...)`.
pub fn el(tag: &'static str) -> El {
    El {
        node: create(tag),
        listeners: Vec::new(),
    }
}

/// An element under construction, with the listeners declared on it and its children.
#[must_use = "an El does nothing until it is attached or turned into a View"]
pub struct El {
    node: Element,
    listeners: Vec<EventListener>,
}

impl El {
    /// Wraps an existing element, to attach children or listeners to it.
    pub fn wrap(node: Element) -> Self {
        Self {
            node,
            listeners: Vec::new(),
        }
    }

    /// Adds a class.
    pub fn class(self, class: &str) -> Self {
        let _ = self.node.class_list().add_1(class);
        self
    }

    /// Adds a class when `on` holds.
    pub fn class_if(self, on: bool, class: &str) -> Self {
        if on {
            self.class(class)
        } else {
            self
        }
    }

    /// Sets an attribute; the value may be captured data (it is never parsed as markup).
    /// Tooltips and accessible names are read by people, so they get [`shown`] too.
    pub fn attr(self, name: &'static str, value: &str) -> Self {
        let value = match name {
            "title" | "aria-label" => shown(value),
            _ => Cow::Borrowed(value),
        };
        let _ = self.node.set_attribute(name, &value);
        self
    }

    /// Sets an attribute when `value` is present.
    pub fn attr_opt(self, name: &'static str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    /// Sets a boolean attribute (`hidden`, `disabled`, `checked`…) when `on` holds.
    pub fn flag(self, name: &'static str, on: bool) -> Self {
        if on {
            self.attr(name, "")
        } else {
            self
        }
    }

    /// Replaces the content with `text`, as text.
    pub fn text(self, text: &str) -> Self {
        self.node.set_text_content(Some(&shown(text)));
        self
    }

    /// Appends a child, taking over its listeners.
    pub fn child(mut self, child: El) -> Self {
        let _ = self.node.append_child(&child.node);
        self.listeners.extend(child.listeners);
        self
    }

    /// Appends a child when there is one.
    pub fn child_opt(self, child: Option<El>) -> Self {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    /// Appends children in order.
    pub fn children(self, children: impl IntoIterator<Item = El>) -> Self {
        children.into_iter().fold(self, El::child)
    }

    /// Appends a text node (for mixed inline content).
    pub fn text_node(self, text: &str) -> Self {
        if let Some(doc) = document() {
            let _ = self.node.append_child(&doc.create_text_node(&shown(text)));
        }
        self
    }

    /// Listens for `event` on this element for as long as the element's view lives.
    pub fn on(mut self, event: &'static str, handler: impl FnMut(&Event) + 'static) -> Self {
        self.listeners
            .push(EventListener::new(&self.node, event, handler));
        self
    }

    /// The element being built.
    pub fn node(&self) -> &Element {
        &self.node
    }

    /// Finishes into a [`View`] that owns the listeners.
    pub fn into_view(self) -> View {
        View {
            root: self.node,
            _listeners: self.listeners,
        }
    }

    /// Finishes an element that lives as long as the page (toolbars, the app shell): its
    /// listeners are never removed.
    pub fn into_static(self) -> Element {
        for l in self.listeners {
            l.forget();
        }
        self.node
    }

    /// Finishes an element that has no listeners (list rows, cells). Any listener that was
    /// declared anyway is removed, which is why rows use delegation on their container.
    pub fn into_element(self) -> Element {
        self.node
    }
}

/// A built element tree and the listeners it declared.
pub struct View {
    root: Element,
    _listeners: Vec<EventListener>,
}

impl View {
    /// The root element.
    pub fn root(&self) -> &Element {
        &self.root
    }
}

/// A place in the page that shows one [`View`] at a time (a detail pane, a tab body).
pub struct Slot {
    host: Element,
    current: Option<View>,
}

impl Slot {
    /// A slot rendering into `host` (whose existing children it will replace).
    pub fn new(host: Element) -> Self {
        Self {
            host,
            current: None,
        }
    }

    /// The host element.
    pub fn host(&self) -> &Element {
        &self.host
    }

    /// Shows `view` instead of the current one, dropping the old listeners.
    pub fn show(&mut self, view: View) {
        self.host.replace_children_with_node_1(view.root());
        self.current = Some(view);
    }

    /// Empties the slot.
    pub fn clear(&mut self) {
        self.host.replace_children_with_node_0();
        self.current = None;
    }

    /// Whether something is shown.
    pub fn is_empty(&self) -> bool {
        self.current.is_none()
    }
}

/// Replaces an existing element's content with `text`, as text.
pub fn set_text(node: &Element, text: &str) {
    node.set_text_content(Some(&shown(text)));
}

/// Adds or removes a class.
pub fn toggle_class(node: &Element, class: &str, on: bool) {
    let _ = node.class_list().toggle_with_force(class, on);
}

/// Sets or removes a boolean attribute such as `hidden` or `aria-pressed`-style flags.
pub fn set_flag(node: &Element, name: &str, on: bool) {
    let _ = node.toggle_attribute_with_force(name, on);
}

/// Sets an attribute on an existing element.
pub fn set_attr(node: &Element, name: &str, value: &str) {
    let _ = node.set_attribute(name, value);
}

/// Sets one inline style property through the CSSOM (allowed under a strict CSP, unlike a
/// `style` attribute).
pub fn set_style(node: &Element, property: &str, value: &str) {
    if let Some(h) = node.dyn_ref::<HtmlElement>() {
        let _ = h.style().set_property(property, value);
    }
}

/// Moves keyboard focus to `node` when it can take it.
pub fn focus(node: &Element) {
    if let Some(h) = node.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    }
}

/// The nearest ancestor-or-self of the event's target matching `selector`.
pub fn closest_target(event: &Event, selector: &str) -> Option<Element> {
    event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest(selector).ok().flatten())
}

/// The value of the `<input>`/`<textarea>` that fired `event`.
pub fn event_value(event: &Event) -> String {
    let target = event.target();
    if let Some(i) = target
        .as_ref()
        .and_then(|t| t.dyn_ref::<web_sys::HtmlInputElement>())
    {
        return i.value();
    }
    target
        .as_ref()
        .and_then(|t| t.dyn_ref::<web_sys::HtmlTextAreaElement>())
        .map(|t| t.value())
        .unwrap_or_default()
}

/// Whether the `<input type=checkbox>` that fired `event` is checked.
pub fn event_checked(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

/// Sets a User Timing mark (`performance.mark`); without a window, nothing. Marks carry
/// no data: they time the page's own milestones for `make bench` and for anyone profiling
/// it in the Performance panel.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
