//! Findings as data, the ground floor of laman: one `Diagnostic` type for
//! every problem laman reports about its input (a broken front matter, a
//! dangling `@/` link, an invalid subdomain, a content rule's finding …).
//! A diagnostic carries a stable code, a severity, a location and a typed
//! `Message`; the words of a message, in Bahasa Indonesia and English, are
//! in `crate::text`, which depends on this module and never the reverse.
//!
//! This module holds data only: it must not print, must not decide exit
//! codes, and must not name the rules engine, conformance or the words
//! (the test at the end keeps it so).

mod cause;
mod citation;
pub mod decree;
mod location;
mod message;
mod rule;

use serde::{Deserialize, Serialize};

pub use cause::link_causes;
pub use citation::{Bilingual, Citation, Nature, Sanction, SanctionKind, Verification};
pub use location::{Location, Snippet, line_col};
pub use message::{DateProblem, FileKind, Message, TemplateLimitKind};
pub use rule::RuleFinding;

/// Language of user-facing text. Editors read Indonesian; `--lang en` for others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Lang {
    /// Bahasa Indonesia (default).
    #[default]
    Id,
    /// English.
    En,
}

/// How much a finding matters. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Goes into the compliance report only.
    Info,
    /// Reported, does not block publishing.
    Warning,
    /// Blocks publishing of the site it belongs to.
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable ID, e.g. `META-002`; see docs/diagnostics.md.
    pub code: &'static str,
    /// Severity after profile overrides.
    pub severity: Severity,
    /// Where.
    pub location: Location,
    /// What, as data (boxed: a diagnostic travels in `Result`s).
    pub message: Box<Message>,
    /// Legal basis (content rules only); shared by every finding of a rule.
    #[serde(skip_serializing_if = "<[Citation]>::is_empty")]
    pub basis: std::sync::Arc<[Citation]>,
    /// The sanctions the regency's regulation attaches to the duty
    /// (content rules only; empty when none); shared like `basis`.
    #[serde(skip_serializing_if = "<[Sanction]>::is_empty")]
    pub sanctions: std::sync::Arc<[Sanction]>,
    /// What the rule requires (content rules: the catalogue's `cek` and `cek_en`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<std::sync::Arc<Bilingual>>,
    /// What an editor should do (content rules: the catalogue's `saran`
    /// and `saran_en`); the `saran` line of a finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<std::sync::Arc<Bilingual>>,
    /// The source line the problem is on, shown with a caret under the column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Snippet>,
    /// The problem this one follows from (a link to a page that did not
    /// parse follows from the page's error): shown under its cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<Location>,
    /// Why the severity differs from the catalogue's (profile or laman.toml citation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_reason: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at the default severity of its message.
    pub fn new(location: Location, message: Message) -> Self {
        Diagnostic {
            code: message.code(),
            severity: message.default_severity(),
            location,
            message: Box::new(message),
            basis: std::sync::Arc::from([]),
            sanctions: std::sync::Arc::from([]),
            requirement: None,
            advice: None,
            snippet: None,
            caused_by: None,
            severity_reason: None,
        }
    }

    /// The same diagnostic showing its line of `text` (the whole file its
    /// location is in), with `width` characters underlined from the column.
    pub fn with_source(mut self, text: &str, width: usize) -> Self {
        self.snippet = self
            .location
            .line
            .and_then(|n| Snippet::of_line(text, n, width));
        self
    }

    /// Whether this finding holds its site back from `laman publish`: an
    /// error, except OPS-001 as measured from publish.log (a backup that
    /// failed, is missing or old). Backups follow a publish and go to
    /// Diskominfo's destinations: holding the sites back would only stop
    /// the backup that would fix it (#11 item 4).
    pub fn blocks_publishing(&self) -> bool {
        self.severity == Severity::Error
            && !matches!(
                &*self.message,
                Message::Rule {
                    finding: RuleFinding::BackupFailed { .. }
                        | RuleFinding::BackupNone
                        | RuleFinding::BackupStale { .. }
                        | RuleFinding::BackupWrongPlace { .. },
                    ..
                }
            )
    }

    /// Whether this finding is about the input itself (it cannot be built
    /// correctly), as opposed to a content rule about what the law requires.
    /// Raw HTML that the sanitizer removed is not: the page is written
    /// without it (so the editor can preview), and the error still blocks
    /// publishing, as a content rule's does. Nor is a scaffold placeholder
    /// left unfilled: a new site previews with its blanks.
    pub fn is_input_error(&self) -> bool {
        self.severity == Severity::Error
            && !matches!(
                *self.message,
                Message::Rule { .. } | Message::UnsafeHtml { .. } | Message::Placeholder { .. }
            )
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Error-level findings.
    pub errors: usize,
    /// Warning-level findings.
    pub warnings: usize,
    /// Info-level findings.
    pub infos: usize,
}

impl Tally {
    /// Counts `diagnostics`.
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut t = Tally::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }

    /// Adds the counts of `other`.
    pub fn add(&mut self, other: Tally) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
    }
}

#[cfg(test)]
mod tests {
    /// The ground floor stays ground: nothing under src/diagnostic/ may use
    /// the modules that build on it. Only `crate::trust` (the problem kinds
    /// a message carries, below this module) and itself are allowed.
    #[test]
    fn diagnostic_is_a_leaf() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagnostic");
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).expect("src/diagnostic") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("read");
            // The code, not its comments, and not this test (which names them).
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            files += 1;
            for forbidden in [
                "crate::rules",
                "crate::conformance",
                "crate::messages",
                "crate::text",
            ] {
                assert!(
                    !code.contains(forbidden),
                    "{} names {forbidden}",
                    path.display()
                );
            }
            for (at, _) in code.match_indices("crate::") {
                let rest = &code[at + "crate::".len()..];
                assert!(
                    rest.starts_with("trust::") || rest.starts_with("diagnostic::"),
                    "{} names crate::{}",
                    path.display(),
                    rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or_default()
                );
            }
        }
        assert!(files >= 5, "read {files} files");
    }
}
