//! Keyed list updates and the virtualized list.
//!
//! [`Keyed`] reconciles a container's children with an ordered list of keys: nodes whose
//! key stays are reused (never re-created), new keys are rendered, gone keys are removed,
//! and only out-of-place nodes are moved. [`VirtualList`] puts only the rows in view (plus
//! a little overscan) in the DOM, with a spacer giving the scrollbar its full height, so a
//! capture of 100k requests costs about as much DOM as one of 50.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::ops::Range;

use web_sys::Element;

use super::dom::{el, set_style};

/// What one [`Keyed::update`] did, for tests and for cheap instrumentation.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpdateStats {
    /// Rows rendered because their key was new.
    pub created: usize,
    /// Rows removed because their key is gone.
    pub removed: usize,
    /// Existing rows moved to a new position.
    pub moved: usize,
}

/// A container whose children are identified by keys.
pub struct Keyed<K> {
    container: Element,
    nodes: HashMap<K, Element>,
}

impl<K: Eq + Hash + Clone> Keyed<K> {
    /// Manages the children of `container`; it must hold nothing else.
    pub fn new(container: Element) -> Self {
        Self {
            container,
            nodes: HashMap::new(),
        }
    }

    /// The container element.
    pub fn container(&self) -> &Element {
        &self.container
    }

    /// Makes the children exactly `keys`, in order, rendering only keys not seen before.
    ///
    /// Work is linear in `keys.len()` plus the number of removed nodes; the DOM is touched
    /// only for created, removed and moved nodes.
    pub fn update(&mut self, keys: &[K], mut render: impl FnMut(&K) -> Element) -> UpdateStats {
        let mut stats = UpdateStats::default();
        let wanted: HashSet<&K> = keys.iter().collect();
        let container = &self.container;
        self.nodes.retain(|k, node| {
            let keep = wanted.contains(k);
            if !keep {
                node.remove();
                stats.removed += 1;
            }
            keep
        });
        // Invariant: before key i, the first i children are keys[..i] and `cursor` is child i.
        let mut cursor = container.first_element_child();
        for key in keys {
            let node = match self.nodes.get(key) {
                Some(n) => n.clone(),
                None => {
                    let n = render(key);
                    self.nodes.insert(key.clone(), n.clone());
                    stats.created += 1;
                    n
                }
            };
            if cursor.as_ref().is_some_and(|c| c.is_same_node(Some(&node))) {
                cursor = node.next_element_sibling();
            } else {
                let was_attached = node.parent_node().is_some();
                let _ = container.insert_before(&node, cursor.as_ref().map(|c| c.as_ref()));
                if was_attached {
                    stats.moved += 1;
                }
            }
        }
        stats
    }

    /// The node shown for `key`, if it is rendered.
    pub fn get(&self, key: &K) -> Option<&Element> {
        self.nodes.get(key)
    }

    /// Re-renders `key` in place if it is shown (its data changed).
    pub fn replace(&mut self, key: &K, node: Element) {
        if let Some(old) = self.nodes.get_mut(key) {
            let _ = old.replace_with_with_node_1(&node);
            *old = node;
        }
    }

    /// Removes every child.
    pub fn clear(&mut self) {
        for node in self.nodes.values() {
            node.remove();
        }
        self.nodes.clear();
    }

    /// How many nodes are rendered.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether nothing is rendered.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// The data behind a [`VirtualList`]: how many rows, their stable keys, how to draw one.
pub trait Rows {
    /// Number of rows.
    fn len(&self) -> usize;
    /// Whether there are no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A key that stays with the row's data when rows before it are filtered out.
    fn key(&self, index: usize) -> u64;
    /// Draws row `index` (no listeners: the list's owner delegates events).
    fn render(&self, index: usize) -> Element;
}

/// A scrolling list of fixed-height rows that keeps only the visible ones in the DOM.
///
/// ```text
/// viewport (overflow: auto, the scroll container)
///   spacer (height = rows × row height)
///     window (translated to the first rendered row)
///       row, row, … (only those in view, plus overscan)
/// ```
pub struct VirtualList {
    viewport: Element,
    spacer: Element,
    window: Element,
    rows: Keyed<u64>,
    row_height: f64,
    overscan: usize,
    range: Range<usize>,
    len: usize,
    /// Scroll position and viewport height the last refresh drew for.
    drawn_view: (f64, f64),
}

/// Height used before the viewport is laid out (detached or hidden), so a first render
/// still produces a screenful.
const FALLBACK_VIEWPORT_PX: f64 = 1200.0;

impl VirtualList {
    /// A list whose rows are `row_height` CSS pixels tall.
    pub fn new(row_height: f64) -> Self {
        let window = el("div").class("vlist-window").attr("role", "rowgroup");
        let window_node = window.node().clone();
        let spacer = el("div").class("vlist-spacer").child(window);
        let spacer_node = spacer.node().clone();
        let viewport = el("div")
            .class("vlist")
            .attr("tabindex", "0")
            .child(spacer)
            .into_element();
        Self {
            viewport,
            spacer: spacer_node,
            rows: Keyed::new(window_node.clone()),
            window: window_node,
            row_height: row_height.max(1.0),
            overscan: 8,
            range: 0..0,
            len: 0,
            drawn_view: (0.0, 0.0),
        }
    }

    /// The scroll container, to mount and to listen on (`scroll`, `click`, `keydown`).
    pub fn element(&self) -> &Element {
        &self.viewport
    }

    /// Rows currently in the DOM.
    pub fn rendered_range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// The rendered node for `key`, if it is in view.
    pub fn row(&self, key: u64) -> Option<&Element> {
        self.rows.get(&key)
    }

    /// Re-draws one row in place if it is in view (its data changed).
    pub fn replace_row(&mut self, key: u64, node: Element) {
        self.rows.replace(&key, node);
    }

    /// Number of rows at the last refresh.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list had no rows at the last refresh.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn viewport_height(&self) -> f64 {
        match f64::from(self.viewport.client_height()) {
            h if h > 0.0 => h,
            _ => FALLBACK_VIEWPORT_PX,
        }
    }

    /// Whether the view is scrolled to (within a row of) the end: new rows should follow.
    pub fn is_at_end(&self) -> bool {
        self.at_end(
            f64::from(self.viewport.scroll_top()),
            self.viewport_height(),
        )
    }

    /// Whether a view at `top` showing `height` pixels reaches the last row as rendered
    /// at the last refresh (not the rows added since: they are below what was shown).
    fn at_end(&self, top: f64, height: f64) -> bool {
        let total = self.len as f64 * self.row_height;
        top + height >= total - self.row_height
    }

    /// Brings up to date with `rows` (after a scroll, a resize, new or filtered rows).
    /// Only rows entering the view are rendered; rows staying in view keep their nodes.
    pub fn refresh(&mut self, rows: &dyn Rows) -> UpdateStats {
        self.refresh_with(rows, false)
    }

    /// Like [`VirtualList::refresh`], but when the view showed the last row and rows were
    /// appended, it scrolls to the new end, the way a network log follows live traffic.
    ///
    /// Layout is read once (scroll position and viewport height, before any write) and
    /// the window is drawn for the position it sets, so one call forces at most one
    /// layout; reading `scrollTop` again after writing it would force a second one.
    pub fn refresh_following(&mut self, rows: &dyn Rows) -> UpdateStats {
        self.refresh_with(rows, true)
    }

    /// Whether the view moved or resized since the last refresh: a `scroll` event from the
    /// list's own following (it sets `scrollTop`) is not a move and needs no redraw.
    pub fn view_changed(&self) -> bool {
        let (top, height) = self.drawn_view;
        (f64::from(self.viewport.scroll_top()) - top).abs() > 1.0
            || (self.viewport_height() - height).abs() > 0.5
    }

    fn refresh_with(&mut self, rows: &dyn Rows, follow: bool) -> UpdateStats {
        let len = rows.len();
        let mut top = f64::from(self.viewport.scroll_top()).max(0.0);
        let height = self.viewport_height();
        let follows = follow && len > self.len && self.at_end(top, height);
        if len != self.len {
            self.len = len;
            set_style(
                &self.spacer,
                "height",
                &format!("{}px", len as f64 * self.row_height),
            );
        }
        if follows {
            top = (len as f64 * self.row_height - height).max(0.0).ceil();
            self.viewport.set_scroll_top(top as i32);
        }
        self.drawn_view = (top, height);
        let first_visible = (top / self.row_height).floor() as usize;
        let visible = (height / self.row_height).ceil() as usize + 1;
        let start = first_visible.saturating_sub(self.overscan).min(len);
        let end = first_visible
            .saturating_add(visible)
            .saturating_add(self.overscan)
            .min(len);
        if start != self.range.start || self.range.is_empty() {
            set_style(
                &self.window,
                "transform",
                &format!("translateY({}px)", start as f64 * self.row_height),
            );
        }
        self.range = start..end;
        let keys: Vec<u64> = (start..end).map(|i| rows.key(i)).collect();
        let index_of: HashMap<u64, usize> = keys
            .iter()
            .enumerate()
            .map(|(offset, k)| (*k, start + offset))
            .collect();
        self.rows.update(&keys, |k| match index_of.get(k) {
            Some(i) => rows.render(*i),
            None => el("div").into_element(),
        })
    }

    /// Scrolls the least amount that shows row `index` entirely.
    pub fn scroll_into_view(&self, index: usize) {
        let row_top = index as f64 * self.row_height;
        let row_bottom = row_top + self.row_height;
        let top = f64::from(self.viewport.scroll_top());
        let height = self.viewport_height();
        if row_top < top {
            self.viewport.set_scroll_top(row_top as i32);
        } else if row_bottom > top + height {
            self.viewport
                .set_scroll_top((row_bottom - height).ceil() as i32);
        }
    }

    /// Drops every rendered row and scrolls to the top.
    pub fn reset(&mut self) {
        self.rows.clear();
        self.range = 0..0;
        self.drawn_view = (0.0, self.drawn_view.1);
        self.viewport.set_scroll_top(0);
    }

    /// How many rows fit in the viewport (for Page Up / Page Down).
    pub fn page_rows(&self) -> usize {
        ((self.viewport_height() / self.row_height).floor() as usize).max(1)
    }
}
