//! Findings as data: one `Diagnostic` type for every problem laman reports
//! about its input (a broken front matter, a dangling `@/` link, an invalid
//! subdomain …). A diagnostic carries a stable code, a severity, a location
//! and a typed `Message`; the text of a message exists in Bahasa Indonesia
//! and English and is chosen only when the CLI renders it.
//!
//! This module must not print and must not decide exit codes.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Goes into the compliance report only.
    Info,
    /// Reported, does not block publishing.
    Warning,
    /// Blocks publishing of the site it belongs to.
    Error,
}

impl Severity {
    /// The word a person reads in front of the message.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Error, Lang::Id) => "galat",
            (Severity::Warning, Lang::Id) => "peringatan",
            (Severity::Info, Lang::Id) => "info",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Info, Lang::En) => "info",
        }
    }
}

/// Where a finding is: a file relative to the project root, and a 1-based
/// line and column when the problem has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Path as shown to the user (relative to the project root when possible).
    pub path: PathBuf,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub column: Option<usize>,
}

impl Location {
    /// A whole file, no position.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
        }
    }

    /// A position in a file.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// The position of byte `offset` in `text`.
    pub fn at_offset(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let (line, column) = line_col(text, offset);
        Location::at(path, line, column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
/// An offset past the end, or inside a character, is clamped.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
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
    /// What the rule requires (content rules: the catalogue's `cek`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<std::sync::Arc<str>>,
    /// Why the severity differs from the catalogue's (profile or laman.toml citation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_reason: Option<String>,
}

/// One legal basis of a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// Source ID of the catalogue (`UU-25-2009`).
    pub source: String,
    /// Short name: `Undang-Undang Nomor 25 Tahun 2009`.
    pub name: String,
    /// Article: `Pasal 21`.
    pub article: String,
    /// `V` (seen), `S` (secondary source) or `R` (recalled, not yet verified).
    pub verification: crate::rules::catalogue::Verification,
}

impl Citation {
    /// `Undang-Undang Nomor 25 Tahun 2009 Pasal 21`, with "(belum diverifikasi)"
    /// / "(not yet verified)" for an R citation.
    pub fn text(&self, lang: Lang) -> String {
        use crate::rules::catalogue::Verification;
        let mark = match (self.verification, lang) {
            (Verification::R, Lang::Id) => " (belum diverifikasi)",
            (Verification::R, Lang::En) => " (not yet verified)",
            (Verification::S, Lang::Id) => " (sumber sekunder)",
            (Verification::S, Lang::En) => " (secondary source)",
            (Verification::V, _) => "",
        };
        let article = if self.article.starts_with(|c: char| c.is_ascii_digit()) {
            format!("Pasal {}", self.article)
        } else {
            self.article.clone()
        };
        format!("{} {article}{mark}", self.name)
    }
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
            requirement: None,
            severity_reason: None,
        }
    }

    /// The message text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.message.text(lang)
    }

    /// What to do about it, in `lang` (for a content rule: what it requires).
    pub fn hint(&self, lang: Lang) -> Option<String> {
        self.message
            .hint(lang)
            .or_else(|| self.requirement.as_deref().map(str::to_string))
    }

    /// Whether this finding is about the input itself (it cannot be built
    /// correctly), as opposed to a content rule about what the law requires.
    /// Raw HTML that the sanitizer removed is not: the page is written
    /// without it (so the editor can preview), and the error still blocks
    /// publishing, as a content rule's does.
    pub fn is_input_error(&self) -> bool {
        self.severity == Severity::Error
            && !matches!(
                *self.message,
                Message::Rule { .. } | Message::UnsafeHtml { .. }
            )
    }
}

/// Which configuration file a config problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// `laman.toml`.
    Regency,
    /// `sites/<slug>/site.toml`.
    Site,
    /// Front matter of a page.
    FrontMatter,
}

/// Which bound a site template ran into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TemplateLimitKind {
    /// It includes itself, or its macros call themselves (directly or not).
    Recursion { cycle: Vec<String> },
    /// Nested deeper than laman renders.
    Depth { max: usize },
    /// A `range` longer than laman renders.
    Range { max: usize },
    /// Its output grew past the limit.
    Size { max_bytes: usize },
    /// It rendered longer than the limit.
    Time { max_ms: u64 },
    /// The template file is larger than laman parses.
    FileSize { max_bytes: usize },
}

/// Every problem laman can report, as data. The text is made by `text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Message {
    /// TOML that does not parse.
    TomlSyntax { file: FileKind, detail: String },
    /// YAML that does not parse.
    YamlSyntax { detail: String },
    /// A key the schema does not know.
    UnknownKey {
        file: FileKind,
        key: String,
        expected: Vec<String>,
    },
    /// A value of the wrong type.
    WrongType {
        file: FileKind,
        found: String,
        expected: String,
    },
    /// A required key is missing.
    MissingKey { file: FileKind, key: String },
    /// A value outside the allowed set.
    InvalidValue {
        file: FileKind,
        value: String,
        allowed: Vec<String>,
    },
    /// `jenis = "…"` names no page kind.
    UnknownJenis {
        jenis: String,
        suggestion: Option<String>,
    },
    /// A date that does not parse or does not exist.
    InvalidDate { value: String },
    /// Front matter opened with `+++`/`---` but never closed.
    UnclosedFrontMatter { delimiter: String },
    /// File content is not UTF-8.
    NotUtf8,
    /// File name is not UTF-8 (shown lossily).
    NotUtf8FileName,
    /// A file could not be read.
    Unreadable { detail: String },
    /// A symlink that leads outside the site folder.
    SymlinkOutside { target: String },
    /// A template named by a page or the theme does not exist.
    TemplateMissing { name: String },
    /// A template that does not parse or fails to render.
    TemplateBroken { name: String, detail: String },
    /// Two sources write the same output file.
    DuplicateOutput { output: String, other: PathBuf },
    /// An `@/…` link whose target page does not exist.
    BrokenInternalLink { target: String },
    /// An output path from editor input (an alias, a static file name)
    /// that would leave the site's folder or carries `_redirects` syntax.
    UnsafePath {
        path: String,
        problem: crate::trust::paths::PathProblem,
    },
    /// A static file a browser would run, without Diskominfo's permission.
    ExecutableStatic {
        path: String,
        executable: crate::trust::statics::Executable,
    },
    /// Raw HTML (or a Markdown link) that the sanitizer removes.
    UnsafeHtml {
        problem: crate::trust::html::HtmlProblem,
    },
    /// A site's `templates/` folder without Diskominfo's permission.
    TemplateOverrideNotAllowed,
    /// A site template that recurses, or would render without bound.
    TemplateLimit {
        name: String,
        limit: TemplateLimitKind,
    },
    /// A subdomain label that is not a valid RFC 1123 host label.
    InvalidSubdomain { label: String },
    /// A subdomain label reserved for regency-wide services.
    ReservedSubdomain { label: String },
    /// Two sites (or a site and a `[[subdomain]]`) claim the same label.
    DuplicateSubdomain { label: String, other: PathBuf },
    /// A profile name that laman does not know.
    UnknownProfile { profile: String },
    /// `sites/<slug>` has no site.toml.
    MissingSiteToml,
    /// A content rule's finding.
    Rule {
        /// Rule ID of the catalogue.
        rule: &'static str,
        /// What it found.
        finding: crate::rules::findings::RuleFinding,
    },
}

impl Message {
    /// The stable code of this kind of finding (docs/diagnostics.md).
    pub fn code(&self) -> &'static str {
        use Message::*;
        match self {
            TomlSyntax {
                file: FileKind::FrontMatter,
                ..
            }
            | YamlSyntax { .. }
            | UnknownKey {
                file: FileKind::FrontMatter,
                ..
            }
            | WrongType {
                file: FileKind::FrontMatter,
                ..
            }
            | MissingKey {
                file: FileKind::FrontMatter,
                ..
            }
            | InvalidValue {
                file: FileKind::FrontMatter,
                ..
            }
            | UnknownJenis { .. }
            | InvalidDate { .. }
            | UnclosedFrontMatter { .. } => "META-002",
            TomlSyntax { .. }
            | UnknownKey { .. }
            | WrongType { .. }
            | MissingKey { .. }
            | InvalidValue { .. }
            | UnknownProfile { .. }
            | MissingSiteToml => "KONFIG-001",
            NotUtf8 | Unreadable { .. } => "SUMBER-001",
            NotUtf8FileName => "SUMBER-002",
            SymlinkOutside { .. } => "SUMBER-003",
            TemplateMissing { .. } => "TEMA-001",
            TemplateBroken { .. } => "TEMA-002",
            DuplicateOutput { .. } => "KELUARAN-001",
            UnsafePath { .. } => "KELUARAN-002",
            ExecutableStatic { .. } => "KELUARAN-003",
            UnsafeHtml { .. } => "HTML-001",
            TemplateOverrideNotAllowed => "TEMA-003",
            TemplateLimit { .. } => "TEMA-004",
            BrokenInternalLink { .. } => "TAUTAN-001",
            InvalidSubdomain { .. } | ReservedSubdomain { .. } => "DOMAIN-007",
            DuplicateSubdomain { .. } => "REGISTRI-001",
            Rule { rule, .. } => rule,
        }
    }

    /// Severity before any profile override. Every input problem the build
    /// meets is an error: it stops the affected site from being written;
    /// only harmless HTML that the sanitizer drops is a warning.
    pub fn default_severity(&self) -> Severity {
        match self {
            // Harmless markup that is only dropped (its text stays).
            Message::UnsafeHtml { problem } if !problem.is_dangerous() => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        crate::messages::text(self, lang)
    }

    /// What to do, in `lang`.
    pub fn hint(&self, lang: Lang) -> Option<String> {
        crate::messages::hint(self, lang)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a\nbé=c\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (2, 1));
        // 'é' is two bytes; '=' is the third character of line 2.
        assert_eq!(line_col(text, 5), (2, 3));
        // Inside a multibyte character: clamped back to its start.
        assert_eq!(line_col(text, 4), (2, 2));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn location_displays_like_a_compiler() {
        let l = Location::at("sites/dinkes/content/a.md", 4, 1);
        assert_eq!(l.to_string(), "sites/dinkes/content/a.md:4:1");
        assert_eq!(Location::file("x.toml").to_string(), "x.toml");
    }
}
