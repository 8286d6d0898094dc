//! Findings: what authlens concludes, with evidence.
//!
//! Decoders (a token's verdicts) and the diagnosis engine both produce [`Finding`]s.
//! `id`s are a public contract, documented in the README's rule catalogue.

use serde::Serialize;

pub use crate::diagnostic::Severity;

/// A link to the spec section that decides the behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpecRef {
    /// Short label, e.g. `RFC 6750 §3.1`.
    pub title: &'static str,
    /// Where to read it.
    pub url: &'static str,
}

/// One piece of evidence, quoted from the exchange with secrets already masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Where it comes from, e.g. `request header Authorization`, `claim exp`, `entry 12`.
    pub label: String,
    /// The quoted value, masked.
    pub value: String,
}

impl Evidence {
    /// Evidence from a label and an already-masked value.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// A conclusion about a credential, a challenge or an exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case id, e.g. `token-expired`.
    pub id: &'static str,
    /// `error` is a cause, `warning` a likely cause or a risk, `info` context.
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// Plain-English explanation that uses the evidence.
    pub detail: String,
    /// What supports it, secrets masked.
    pub evidence: Vec<Evidence>,
    /// Ids from the fix catalogue ([`crate::fixes`]), best first. Serialized as
    /// `[{"id": "…"}]` so renderers can add fields without breaking the JSON contract.
    #[serde(serialize_with = "fix_refs")]
    pub fixes: Vec<&'static str>,
    /// Spec sections.
    pub refs: Vec<SpecRef>,
    /// HAR entry indexes involved (the exchange itself first), empty for a lone credential.
    pub entries: Vec<usize>,
}

fn fix_refs<S: serde::Serializer>(fixes: &[&'static str], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    #[derive(Serialize)]
    struct FixRef<'a> {
        id: &'a str,
    }
    let mut seq = s.serialize_seq(Some(fixes.len()))?;
    for id in fixes {
        seq.serialize_element(&FixRef { id })?;
    }
    seq.end()
}

impl Finding {
    /// A finding with no evidence, fixes, refs or entries yet.
    pub fn new(
        id: &'static str,
        severity: Severity,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            id,
            severity,
            title: title.into(),
            detail: detail.into(),
            evidence: Vec::new(),
            fixes: Vec::new(),
            refs: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// Adds a piece of evidence.
    #[must_use]
    pub fn with_evidence(mut self, label: impl Into<String>, value: impl Into<String>) -> Self {
        self.evidence.push(Evidence::new(label, value));
        self
    }

    /// Adds a fix id.
    #[must_use]
    pub fn with_fix(mut self, fix: &'static str) -> Self {
        self.fixes.push(fix);
        self
    }

    /// Adds a spec reference.
    #[must_use]
    pub fn with_ref(mut self, title: &'static str, url: &'static str) -> Self {
        self.refs.push(SpecRef { title, url });
        self
    }

    /// Adds an entry index.
    #[must_use]
    pub fn with_entry(mut self, index: usize) -> Self {
        self.entries.push(index);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_serialize_as_objects_with_an_id() {
        let f = Finding::new("token-expired", Severity::Error, "t", "d").with_fix("refresh-token");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["fixes"], serde_json::json!([{"id": "refresh-token"}]));
        assert_eq!(json["severity"], "error");
    }
}
