//! The analyzer's bounded memory: a ring of recent exchanges and a small per-origin table.
//!
//! Flow rules look back over [`Window`] only, never over the whole history, and each
//! [`Record`] keeps hashes instead of header values, so no secret outlives the exchange it
//! came with. Both structures have a fixed capacity from [`super::Config`]; inserting is
//! O(1) amortized (eviction of the least recently used origin scans the small table only
//! when it is full).

use std::collections::{HashMap, VecDeque};

use crate::finding::Severity;

use super::facts::{hash, Facts, TokenRequest};

/// Flags a flow rule sets on a record so that it reports a pattern once.
pub mod flag {
    /// Part of a recognised 401 → refresh → retry flow.
    pub const REFRESHED: u8 = 1;
    /// Already reported in a refresh race.
    pub const RACE: u8 = 1 << 1;
    /// Already reported as inconsistent between backends.
    pub const INCONSISTENT: u8 = 1 << 2;
    /// Already tied to its preflight / actual request.
    pub const PREFLIGHT_TIED: u8 = 1 << 3;
    /// Already counted in a reported refresh loop.
    pub const LOOP: u8 = 1 << 4;
}

/// What the window remembers about one exchange: hashes, status and a secret-free label.
#[derive(Debug, Clone)]
pub struct Record {
    /// The exchange index.
    pub index: usize,
    /// Start, ms since the epoch.
    pub start: Option<i64>,
    /// Start + total time, ms.
    pub end: Option<i64>,
    /// Hash of the origin.
    pub origin: u64,
    /// Hash of (method, origin, path).
    pub endpoint: u64,
    /// Hash of the URL without fragment.
    pub url: u64,
    /// Hash of the uppercase method.
    pub method: u64,
    /// Status.
    pub status: u16,
    /// 401/403/407.
    pub failure: bool,
    /// 2xx or 304.
    pub success: bool,
    /// Hash of the credentials sent (`Authorization`, else `Cookie`), never the value.
    pub cred: Option<u64>,
    /// Whether `Authorization` was sent.
    pub has_authorization: bool,
    /// CORS preflight.
    pub preflight: bool,
    /// For a preflight: hash of `Access-Control-Request-Method`.
    pub acrm: Option<u64>,
    /// For a redirect: hash of the target URL and of its origin.
    pub redirect_to: Option<(u64, u64)>,
    /// Token-endpoint classification.
    pub token: Option<TokenRequest>,
    /// Hash of the backend identity headers, and the text for evidence.
    pub identity: Option<(u64, Box<str>)>,
    /// `GET https://host/path → 401`, query dropped (it can hold tokens).
    pub label: Box<str>,
    /// The top finding's id and severity (updated by revisions).
    pub top: Option<(&'static str, Severity)>,
    /// Counted in the summary's failures.
    pub counted: bool,
    /// Resolved by a later flow (e.g. refreshed and retried).
    pub resolved: bool,
    /// [`flag`] bits.
    pub flags: u8,
}

const LABEL_MAX: usize = 160;

impl Record {
    /// The record for the exchange described by `f`.
    pub fn new(f: &Facts<'_>) -> Self {
        let ex = f.ex;
        // Copied only when not uppercase already (every exchange has a record).
        let method: std::borrow::Cow<'_, str> =
            if ex.request.method.bytes().any(|b| b.is_ascii_lowercase()) {
                ex.request.method.to_ascii_uppercase().into()
            } else {
                ex.request.method.as_str().into()
            };
        let start = ex.started_at.map(|t| t.0);
        // HAR `time` is a float in ms; only its whole part matters for overlap checks.
        let end = match (start, ex.time_ms) {
            (Some(s), Some(t)) if (0.0..1e12).contains(&t) => {
                #[allow(clippy::cast_possible_truncation)]
                let t = t as i64;
                Some(s.saturating_add(t))
            }
            (s, _) => s,
        };
        let cred = f.auth_hash.or_else(|| f.req("cookie").map(hash));
        // `METHOD origin/path → status`, built in place: with the origin's, this `format!`
        // made `core::fmt` one of the engine's hottest paths (perf, 20k-entry HAR).
        // Sized exactly (" → " is 5 bytes, the status at most 8), so that the boxing below
        // does not reallocate.
        let status_len = match f.status {
            0 => "(failed)".len(),
            s => itoa::Buffer::new().format(s).len(),
        };
        let mut label = String::with_capacity(
            method.len() + 1 + f.origin.len() + f.url.path.len() + 5 + status_len,
        );
        label.push_str(&method);
        label.push(' ');
        label.push_str(&f.origin);
        label.push_str(f.url.path);
        label.push_str(" → ");
        if f.status == 0 {
            label.push_str("(failed)");
        } else {
            label.push_str(itoa::Buffer::new().format(f.status));
        }
        super::facts::truncate_chars(&mut label, LABEL_MAX);
        Self {
            index: ex.index,
            start,
            end,
            origin: hash(&f.origin),
            endpoint: hash(&(&*method, f.origin.as_str(), f.url.path)),
            url: f.url_key(),
            method: hash(&*method),
            status: f.status,
            failure: f.failure,
            success: (200..300).contains(&f.status) || f.status == 304,
            cred,
            has_authorization: f.authorization.is_some(),
            preflight: f.preflight,
            acrm: f
                .req("access-control-request-method")
                .map(|m| hash(&m.trim().to_ascii_uppercase())),
            redirect_to: f.redirect_target().map(|t| {
                let u = crate::exchange::UrlParts::parse(&t);
                (super::facts::url_key(&u), hash(&u.origin()))
            }),
            token: f.token_request.clone(),
            identity: f.identity().map(|t| (hash(&t), t.into_boxed_str())),
            label: label.into_boxed_str(),
            top: None,
            counted: false,
            resolved: false,
            flags: 0,
        }
    }

    /// Whether `flag` is set.
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// `entry 12: GET https://api/x → 401`, for evidence.
    pub fn evidence_value(&self) -> String {
        self.label.to_string()
    }
}

/// The last `capacity` exchanges, oldest first, with two small indexes (recent token
/// requests and recent 401s) so flow rules can skip their look-back in O(1) when the
/// pattern they look for cannot be there.
#[derive(Debug, Clone)]
pub struct Window {
    records: VecDeque<Record>,
    capacity: usize,
    /// Push number of `records[0]`.
    base: u64,
    /// Push numbers of recent token requests, newest last.
    tokens: VecDeque<u64>,
    /// Push numbers of recent 401s, newest last.
    unauthorized: VecDeque<u64>,
}

/// Entries kept in each of the window's indexes.
const INDEX_CAPACITY: usize = 32;

impl Window {
    /// An empty window holding at most `capacity` records (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            records: VecDeque::with_capacity(capacity.min(4096)),
            capacity,
            base: 0,
            tokens: VecDeque::new(),
            unauthorized: VecDeque::new(),
        }
    }

    /// Adds a record, dropping the oldest when full; returns the dropped one.
    pub fn push(&mut self, r: Record) -> Option<Record> {
        let dropped = if self.records.len() >= self.capacity {
            self.base = self.base.wrapping_add(1);
            self.records.pop_front()
        } else {
            None
        };
        let seq = self.base.wrapping_add(self.records.len() as u64);
        for (ring, hit) in [
            (&mut self.tokens, r.token.is_some()),
            (&mut self.unauthorized, r.status == 401),
        ] {
            if hit {
                if ring.len() >= INDEX_CAPACITY {
                    ring.pop_front();
                }
                ring.push_back(seq);
            }
        }
        self.records.push_back(r);
        dropped
    }

    fn by_seq(&self, seq: u64) -> Option<&Record> {
        let pos = usize::try_from(seq.checked_sub(self.base)?).ok()?;
        self.records.get(pos)
    }

    /// Recent token requests still in the window, newest first.
    pub fn recent_tokens(&self) -> impl Iterator<Item = &Record> {
        self.tokens.iter().rev().filter_map(|s| self.by_seq(*s))
    }

    /// Recent 401s still in the window, newest first.
    pub fn recent_unauthorized(&self) -> impl Iterator<Item = &Record> {
        self.unauthorized
            .iter()
            .rev()
            .filter_map(|s| self.by_seq(*s))
    }

    /// Records, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Record> {
        self.records.iter().rev()
    }

    /// Records, oldest first.
    pub fn oldest_first(&self) -> impl Iterator<Item = &Record> {
        self.records.iter()
    }

    /// The record for exchange `index`, if still in the window.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut Record> {
        self.records.iter_mut().rev().find(|r| r.index == index)
    }

    /// The record for exchange `index`, if still in the window.
    pub fn get(&self, index: usize) -> Option<&Record> {
        self.records.iter().rev().find(|r| r.index == index)
    }

    /// Number of records held.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Outcome history of one origin, for the spike rule.
#[derive(Debug, Clone, Default)]
pub struct OriginState {
    /// Push sequence number of the last exchange seen (for LRU eviction).
    pub last_seq: u64,
    /// Last 64 outcomes, bit 0 the newest; 1 = auth failure.
    pub bits: u64,
    /// How many outcomes are in `bits` (saturates at 64).
    pub seen: u8,
    /// The last 8 exchanges `(index, start ms)`, newest at `ring_pos - 1`.
    pub ring: [(usize, Option<i64>); 8],
    /// Next slot in `ring`.
    pub ring_pos: usize,
    /// A spike was reported and has not calmed down yet.
    pub spike_open: bool,
}

/// A bounded map from origin hash to [`OriginState`], evicting the least recently used.
#[derive(Debug, Clone)]
pub struct Origins {
    map: HashMap<u64, OriginState>,
    capacity: usize,
}

impl Origins {
    /// An empty table of at most `capacity` origins (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            map: HashMap::new(),
            capacity: capacity.max(1),
        }
    }

    /// The state of `origin`, created (evicting the least recently used) if needed.
    pub fn entry(&mut self, origin: u64, seq: u64) -> &mut OriginState {
        if !self.map.contains_key(&origin) && self.map.len() >= self.capacity {
            if let Some(oldest) = self
                .map
                .iter()
                .min_by_key(|(_, s)| s.last_seq)
                .map(|(k, _)| *k)
            {
                self.map.remove(&oldest);
            }
        }
        let s = self.map.entry(origin).or_default();
        s.last_seq = seq;
        s
    }

    /// Number of origins held.
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_evict_least_recently_used() {
        let mut o = Origins::new(2);
        o.entry(1, 1);
        o.entry(2, 2);
        o.entry(1, 3);
        o.entry(3, 4);
        assert_eq!(o.len(), 2);
        assert!(o.map.contains_key(&1) && o.map.contains_key(&3));
    }

    /// The label is built by hand (no `format!`); what it says is unchanged.
    #[test]
    fn record_labels_name_method_origin_path_and_status() {
        let ex = |method: &str, url: &str, status: u16| {
            let mut ex = crate::exchange::Exchange::default();
            ex.request.method = method.into();
            ex.request.url = url.into();
            ex.response.status = status;
            ex
        };
        let cases = [
            (
                ex("get", "https://API.example/x?token=s", 401),
                "GET https://api.example/x → 401",
            ),
            (
                ex("POST", "http://h:8080/t", 0),
                "POST http://h:8080/t → (failed)",
            ),
            (ex("Delete", "https://h/", 204), "DELETE https://h/ → 204"),
        ];
        for (ex, want) in cases {
            let f = Facts::new(&ex, 60);
            assert_eq!(&*Record::new(&f).label, want);
        }
    }

    #[test]
    fn window_drops_oldest() {
        let ex = crate::exchange::Exchange::default();
        let f = Facts::new(&ex, 60);
        let mut w = Window::new(2);
        for i in 0..5 {
            let mut r = Record::new(&f);
            r.index = i;
            let dropped = w.push(r);
            assert_eq!(dropped.map(|d| d.index), i.checked_sub(2));
        }
        assert_eq!(w.len(), 2);
        assert_eq!(
            w.newest_first().map(|r| r.index).collect::<Vec<_>>(),
            [4, 3]
        );
        assert!(w.get(2).is_none());
    }
}
