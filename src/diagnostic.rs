//! Positioned parse diagnostics, shared by every parser.
//!
//! Parsers never fail outright: they return what they could decode plus a list of
//! [`Diagnostic`]s. Each one has a stable, kebab-case `code` (a contract, like a lint
//! name), a lowercase human message, and the byte offset in the input it points at.

use serde::Serialize;

/// How bad a diagnostic or finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input (or the exchange) is broken; for findings: the cause of the failure.
    Error,
    /// Works by luck, or breaks in some clients; for findings: a likely cause or a risk.
    Warning,
    /// Context worth knowing.
    Info,
}

impl Severity {
    /// The lowercase name used in JSON and in the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One positioned diagnostic produced by a parser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Stable kebab-case identifier, e.g. `unterminated-quoted-string`.
    pub code: &'static str,
    /// Lowercase, human-readable explanation.
    pub message: String,
    /// Byte offset into the parsed input (for HAR files: into the file).
    pub offset: usize,
}

impl Diagnostic {
    /// An error at `offset`.
    pub fn error(code: &'static str, offset: usize, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            offset,
        }
    }

    /// A warning at `offset`.
    pub fn warning(code: &'static str, offset: usize, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code,
            message: message.into(),
            offset,
        }
    }

    /// An informational note at `offset`.
    pub fn info(code: &'static str, offset: usize, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Info,
            code,
            message: message.into(),
            offset,
        }
    }

    /// The same diagnostic moved by `base` bytes, for a parser that ran on a slice of a larger input.
    #[must_use]
    pub fn shifted(mut self, base: usize) -> Self {
        self.offset = self.offset.saturating_add(base);
        self
    }
}
