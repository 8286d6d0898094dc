//! The in-memory request log behind the list: bounded, filterable, append-mostly.
//!
//! Ids are assigned in arrival order and never reused, so the filtered view is a sorted
//! `Vec<u64>`: pushing appends, dropping the oldest pops from the front, and finding a
//! row's position is a binary search. Nothing here touches the DOM.

use std::collections::VecDeque;

use crate::diagnose::{Analyzer, ExchangeReport, Revision};
use crate::exchange::Exchange;
use crate::har::EntryMeta;

use super::filter::{Query, RowFacts};

/// Default bound on the live log: older exchanges are dropped (and counted) beyond it.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Bound for the analyzer page, which holds one user-chosen HAR file.
pub const IMPORT_CAPACITY: usize = 200_000;

/// One captured exchange and its diagnosis.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Arrival-order id, unique for the life of the log.
    pub id: u64,
    /// The exchange.
    pub exchange: Exchange,
    /// Its findings, ranked (updated when a later exchange revises them).
    pub report: ExchangeReport,
}

impl Entry {
    /// What the filter can see of this entry.
    pub fn facts(&self) -> RowFacts<'_> {
        let url = &self.exchange.request.url;
        let end = url.find(['?', '#']).unwrap_or(url.len());
        RowFacts {
            url: url.get(..end).unwrap_or(url),
            host: self.exchange.url().host,
            method: &self.exchange.request.method,
            status: self.exchange.response.status,
            scheme: self.report.scheme_sent.as_deref(),
            findings: &self.report.findings,
            resource_type: self.exchange.resource_type.as_deref().unwrap_or(""),
        }
    }
}

/// What [`Log::push`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    /// The new entry's id.
    pub id: u64,
    /// Whether it passes the current filter.
    pub visible: bool,
    /// Entries dropped from the front to stay within capacity.
    pub dropped: usize,
}

/// The bounded log plus the current filter and its result.
#[derive(Debug)]
pub struct Log {
    entries: VecDeque<Entry>,
    next_id: u64,
    capacity: usize,
    dropped: usize,
    failures: usize,
    query: Query,
    auth_only: bool,
    /// Ids passing the filter; the first `visible_head` are dropped entries not yet
    /// compacted away.
    visible: Vec<u64>,
    visible_head: usize,
}

impl Default for Log {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl Log {
    /// An empty log keeping at most `capacity` exchanges (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            next_id: 0,
            capacity: capacity.max(1),
            dropped: 0,
            failures: 0,
            query: Query::default(),
            auth_only: false,
            visible: Vec::new(),
            visible_head: 0,
        }
    }

    fn passes(&self, entry: &Entry) -> bool {
        (!self.auth_only || entry.exchange.is_auth_failure()) && self.query.matches(&entry.facts())
    }

    /// Appends an exchange, dropping the oldest beyond capacity.
    pub fn push(&mut self, exchange: Exchange, report: ExchangeReport) -> Pushed {
        let id = self.next_id;
        self.next_id += 1;
        let entry = Entry {
            id,
            exchange,
            report,
        };
        if entry.exchange.is_auth_failure() {
            self.failures += 1;
        }
        let visible = self.passes(&entry);
        if visible {
            self.visible.push(id);
        }
        self.entries.push_back(entry);
        let mut dropped = 0;
        while self.entries.len() > self.capacity {
            if let Some(old) = self.entries.pop_front() {
                dropped += 1;
                if old.exchange.is_auth_failure() {
                    self.failures = self.failures.saturating_sub(1);
                }
                if self.visible().first() == Some(&old.id) {
                    self.drop_first_visible();
                }
            }
        }
        self.dropped += dropped;
        Pushed {
            id,
            visible,
            dropped,
        }
    }

    /// The entry with `id`, if still kept.
    pub fn get(&self, id: u64) -> Option<&Entry> {
        let first = self.entries.front()?.id;
        let offset = usize::try_from(id.checked_sub(first)?).ok()?;
        self.entries.get(offset)
    }

    /// The id of the entry whose exchange has `index` (exchange indexes grow with arrival,
    /// so this is a binary search; a linear scan covers captures that break the order).
    pub fn find_index(&self, index: usize) -> Option<u64> {
        match self
            .entries
            .binary_search_by_key(&index, |e| e.exchange.index)
        {
            Ok(i) => self.entries.get(i).map(|e| e.id),
            Err(_) => self
                .entries
                .iter()
                .rev()
                .find(|e| e.exchange.index == index)
                .map(|e| e.id),
        }
    }

    /// Applies a later finding to an earlier exchange; returns the entry's id and whether
    /// it still passes the filter, or `None` when the entry is gone.
    pub fn apply(&mut self, revision: &Revision) -> Option<u64> {
        let id = self.find_index(revision.index)?;
        let first = self.entries.front()?.id;
        let offset = usize::try_from(id.checked_sub(first)?).ok()?;
        let entry = self.entries.get_mut(offset)?;
        entry.report.apply(revision);
        Some(id)
    }

    /// Analyses `exchange` (with its HAR entry's metadata, if any) and appends it with its
    /// report, then applies the revisions it caused to earlier entries, adding their ids to
    /// `revised`. The one way exchanges reach the log, whether captured, imported or run by
    /// the analyzer's warm-up ([`super::warmup`]), which must run this very code.
    pub fn push_analysed(
        &mut self,
        analyzer: &mut Analyzer,
        exchange: Exchange,
        meta: Option<&EntryMeta>,
        revised: &mut Vec<u64>,
    ) {
        let update = analyzer.push_entry(&exchange, meta);
        self.push(exchange, update.report);
        for revision in &update.revisions {
            if let Some(id) = self.apply(revision) {
                revised.push(id);
            }
        }
    }

    /// Entries the findings of `id` involve (a preflight, redirect hops, the refresh and
    /// the retry), without `id` itself.
    pub fn related(&self, id: u64) -> Vec<u64> {
        let Some(entry) = self.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<u64> = entry
            .report
            .findings
            .iter()
            .flat_map(|f| f.entries.iter())
            .filter_map(|index| self.find_index(*index))
            .filter(|other| *other != id)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Forgets the oldest visible id. A full log drops one entry per push, and shifting
    /// the whole vector each time made a push O(capacity): the front is compacted only
    /// once half the vector is dropped ids, so a drop is O(1) amortised.
    fn drop_first_visible(&mut self) {
        self.visible_head += 1;
        if self.visible_head * 2 >= self.visible.len() {
            self.visible.drain(..self.visible_head);
            self.visible_head = 0;
        }
    }

    /// Replaces the filter and recomputes the visible rows.
    pub fn set_filter(&mut self, query: Query, auth_only: bool) {
        self.query = query;
        self.auth_only = auth_only;
        let visible = self
            .entries
            .iter()
            .filter(|e| self.passes(e))
            .map(|e| e.id)
            .collect();
        self.visible = visible;
        self.visible_head = 0;
    }

    /// Whether only auth failures are shown.
    pub fn auth_only(&self) -> bool {
        self.auth_only
    }

    /// Ids passing the filter, oldest first.
    pub fn visible(&self) -> &[u64] {
        self.visible.get(self.visible_head..).unwrap_or_default()
    }

    /// Position of `id` among the visible rows.
    pub fn position(&self, id: u64) -> Option<usize> {
        self.visible().binary_search(&id).ok()
    }

    /// Forgets every entry (ids keep increasing, so old keys never alias new rows).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.visible.clear();
        self.visible_head = 0;
        self.failures = 0;
        self.dropped = 0;
    }

    /// Makes room for `additional` more entries (within capacity), so that a bulk load
    /// does not grow the log step by step: an entry is a large value, and each doubling
    /// copied every entry so far (~3% of a 20k-entry import in Chromium, CPU profile).
    pub fn reserve(&mut self, additional: usize) {
        let room = additional.min(self.capacity.saturating_sub(self.entries.len()));
        self.entries.reserve(room);
    }

    /// Entries kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Kept entries with a 401, 403 or 407.
    pub fn failures(&self) -> usize {
        self.failures
    }

    /// Entries dropped because of the capacity bound since the last clear.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The capacity bound.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// All kept entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.entries.iter()
    }
}
