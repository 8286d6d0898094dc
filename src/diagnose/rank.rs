//! Ranking and suppression: the most likely cause first, redundant generic findings gone.
//!
//! Order: severity (`error` causes, then `warning`, then `info`), then the catalogue's
//! documented priority within a severity. A specific finding removes the generic ones it
//! explains ([`super::catalogue::SUPPRESSES`]). Duplicates (the decoder and a server message
//! both saying "expired") merge into one finding with all the evidence.

use crate::finding::Finding;

use super::catalogue::{self, priority, suppressed_by};

fn merge(into: &mut Finding, from: Finding) {
    if from.severity < into.severity {
        into.severity = from.severity;
    }
    for e in from.evidence {
        if !into.evidence.contains(&e) {
            into.evidence.push(e);
        }
    }
    for f in from.fixes {
        if !into.fixes.contains(&f) {
            into.fixes.push(f);
        }
    }
    for r in from.refs {
        if !into.refs.contains(&r) {
            into.refs.push(r);
        }
    }
    for e in from.entries {
        if !into.entries.contains(&e) {
            into.entries.push(e);
        }
    }
}

/// Dedupes, suppresses, completes (entry index first, the catalogue's spec ref) and sorts.
pub fn finalize(findings: &mut Vec<Finding>, index: usize) {
    let mut merged: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings.drain(..) {
        match merged.iter_mut().find(|m| m.id == f.id) {
            Some(m) => merge(m, f),
            None => merged.push(f),
        }
    }
    let present: Vec<&'static str> = merged.iter().map(|f| f.id).collect();
    merged.retain(|f| !present.iter().any(|p| suppressed_by(p).contains(&f.id)));
    for f in &mut merged {
        let mut seen: Vec<&'static str> = Vec::with_capacity(f.fixes.len());
        f.fixes.retain(|x| {
            let fresh = !seen.contains(x);
            seen.push(x);
            fresh
        });
        if f.entries.first() != Some(&index) {
            f.entries.retain(|&e| e != index);
            f.entries.insert(0, index);
        }
        if let Some(rule) = catalogue::rule(f.id) {
            if !f.refs.iter().any(|r| r.url == rule.spec.url) {
                f.refs.push(rule.spec);
            }
        }
    }
    merged.sort_by_key(|f| (f.severity, priority(f.id)));
    *findings = merged;
}

/// Whether finding `a` outranks finding `b` (by severity and priority).
pub fn outranks(a: (&str, crate::finding::Severity), b: (&str, crate::finding::Severity)) -> bool {
    (a.1, priority(a.0)) < (b.1, priority(b.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn f(id: &'static str, sev: Severity) -> Finding {
        Finding::new(id, sev, id, "d")
    }

    fn ids(v: &[Finding]) -> Vec<&'static str> {
        v.iter().map(|f| f.id).collect()
    }

    #[test]
    fn severity_then_priority() {
        let mut v = vec![
            f("clock-skew", Severity::Warning),
            f("invalid-token", Severity::Error),
            f("token-in-url", Severity::Warning),
            f("edge-block", Severity::Error),
            f("token-refreshed", Severity::Info),
        ];
        finalize(&mut v, 3);
        assert_eq!(
            ids(&v),
            [
                "edge-block",
                "invalid-token",
                "clock-skew",
                "token-in-url",
                "token-refreshed"
            ]
        );
        assert!(v.iter().all(|f| f.entries.first() == Some(&3)));
        assert!(v.iter().all(|f| !f.refs.is_empty()));
    }

    #[test]
    fn specific_suppresses_generic() {
        let cases: &[(&[&'static str], &[&'static str])] = &[
            (&["invalid-token", "token-expired"], &["token-expired"]),
            (
                &[
                    "invalid-token",
                    "bearer-placeholder",
                    "malformed-authorization",
                ],
                &["bearer-placeholder"],
            ),
            (
                &[
                    "missing-challenge",
                    "cors-preflight-unauthorized",
                    "missing-credentials",
                ],
                &["cors-preflight-unauthorized"],
            ),
            (&["missing-challenge", "edge-block"], &["edge-block"]),
            (&["refresh-failed", "refresh-race"], &["refresh-race"]),
            (
                &["invalid-token", "clock-skew"],
                &["invalid-token", "clock-skew"],
            ),
        ];
        for (input, want) in cases {
            let mut v: Vec<Finding> = input
                .iter()
                .map(|id| {
                    let sev = catalogue::rule(id).map_or(Severity::Info, |r| r.severity);
                    f(id, sev)
                })
                .collect();
            finalize(&mut v, 0);
            assert_eq!(&ids(&v), want, "{input:?}");
        }
    }

    #[test]
    fn duplicates_merge_evidence_and_keep_the_worse_severity() {
        let mut v = vec![
            f("token-expired", Severity::Warning).with_evidence("claim exp", "a"),
            f("token-expired", Severity::Error)
                .with_evidence("error_description", "b")
                .with_fix("refresh-token"),
        ];
        finalize(&mut v, 0);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].severity, Severity::Error);
        assert_eq!(v[0].evidence.len(), 2);
        assert_eq!(v[0].fixes, ["refresh-token"]);
    }

    #[test]
    fn entries_keep_related_exchanges_after_the_own_index() {
        let mut v = vec![f("token-refreshed", Severity::Info)
            .with_entry(7)
            .with_entry(9)
            .with_entry(5)];
        finalize(&mut v, 9);
        assert_eq!(v[0].entries, [9, 7, 5]);
    }
}
