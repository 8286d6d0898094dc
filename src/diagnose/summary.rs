//! The toolbar line: how many auth failures, and what caused them.

use serde::Serialize;

use super::catalogue::priority;

/// Failure counts by top finding, over everything pushed (bounded by the number of rules).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Exchanges analysed.
    pub exchanges: usize,
    /// Auth failures still unexplained or explained (recovered ones excluded).
    pub failures: usize,
    /// Failures a later flow recovered from (401 → refresh → retry).
    pub recovered: usize,
    /// `(top finding id, count)`, most frequent first.
    pub by_top: Vec<(&'static str, usize)>,
    /// Failures without any finding.
    pub unexplained: usize,
}

impl Summary {
    pub(crate) fn add(&mut self, top: Option<&'static str>) {
        self.failures += 1;
        match top {
            Some(id) => match self.by_top.iter_mut().find(|(t, _)| *t == id) {
                Some((_, n)) => *n += 1,
                None => self.by_top.push((id, 1)),
            },
            None => self.unexplained += 1,
        }
        self.sort();
    }

    pub(crate) fn remove(&mut self, top: Option<&'static str>) {
        self.failures = self.failures.saturating_sub(1);
        match top {
            Some(id) => {
                if let Some((_, n)) = self.by_top.iter_mut().find(|(t, _)| *t == id) {
                    *n = n.saturating_sub(1);
                }
                self.by_top.retain(|(_, n)| *n > 0);
            }
            None => self.unexplained = self.unexplained.saturating_sub(1),
        }
        self.sort();
    }

    fn sort(&mut self) {
        self.by_top
            .sort_by(|a, b| b.1.cmp(&a.1).then(priority(a.0).cmp(&priority(b.0))));
    }

    /// `3 auth failures: 2 × token-expired, 1 × cors-preflight-unauthorized`, with the
    /// recovered count appended when there is one; `no auth failures` otherwise.
    pub fn line(&self) -> String {
        const SHOWN: usize = 4;
        let mut s = match self.failures {
            0 => "no auth failures".to_string(),
            1 => "1 auth failure".to_string(),
            n => format!("{n} auth failures"),
        };
        let mut parts: Vec<String> = self
            .by_top
            .iter()
            .take(SHOWN)
            .map(|(id, n)| format!("{n} × {id}"))
            .collect();
        let hidden: usize = self.by_top.iter().skip(SHOWN).map(|(_, n)| n).sum();
        if hidden > 0 {
            parts.push(format!("{hidden} × other"));
        }
        if self.unexplained > 0 {
            parts.push(format!("{} × unexplained", self.unexplained));
        }
        if !parts.is_empty() {
            s.push_str(": ");
            s.push_str(&parts.join(", "));
        }
        if self.recovered > 0 {
            s.push_str(&format!(" ({} recovered by refresh)", self.recovered));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_table() {
        let cases: &[(&[Option<&'static str>], usize, &str)] = &[
            (&[], 0, "no auth failures"),
            (&[], 2, "no auth failures (2 recovered by refresh)"),
            (&[Some("missing-challenge")], 0, "1 auth failure: 1 × missing-challenge"),
            (
                &[Some("cors-preflight-unauthorized"), Some("token-expired"), Some("token-expired")],
                0,
                "3 auth failures: 2 × token-expired, 1 × cors-preflight-unauthorized",
            ),
            (
                &[Some("edge-block"), Some("token-expired"), None],
                1,
                "3 auth failures: 1 × edge-block, 1 × token-expired, 1 × unexplained (1 recovered by refresh)",
            ),
            (
                &[Some("a1"), Some("edge-block"), Some("cached-401"), Some("token-expired"), Some("invalid-token"), Some("missing-challenge")],
                0,
                "6 auth failures: 1 × edge-block, 1 × cached-401, 1 × token-expired, 1 × invalid-token, 2 × other",
            ),
        ];
        for (tops, recovered, want) in cases {
            let mut s = Summary::default();
            for t in *tops {
                s.add(*t);
            }
            s.recovered = *recovered;
            assert_eq!(s.line(), *want);
        }
    }

    #[test]
    fn remove_undoes_add() {
        let mut s = Summary::default();
        s.add(Some("token-expired"));
        s.add(None);
        s.remove(Some("token-expired"));
        s.remove(None);
        assert_eq!(s, Summary::default());
        s.remove(Some("never-added"));
        assert_eq!(s.failures, 0);
    }
}
