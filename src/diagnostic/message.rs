//! Every kind of problem laman reports about its input, as data: the typed
//! `Message` with its stable code and default severity. No words here.

use std::path::PathBuf;

use serde::Serialize;

use super::{Bilingual, RuleFinding, Severity};

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
    /// It includes itself, or its macros call themselves (directly or
    /// not): includes and macro calls nested deeper than `max`.
    Recursion { max: usize },
    /// Nested deeper than laman renders.
    Depth { max: usize },
    /// A `range` longer than laman renders.
    Range { max: usize },
    /// Its output grew past the limit.
    Size { max_bytes: usize },
    /// It took more steps of the template machine than the limit (its
    /// loops ran too long, whether they wrote anything or not).
    Steps { max: u64 },
    /// The template file is larger than laman parses.
    FileSize { max_bytes: usize },
}

/// What is wrong with a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateProblem {
    /// Written another way than `YYYY-MM-DD` (`12/05/2026`, `5 Mei 2026`).
    Format,
    /// Written `YYYY-MM-DD`, but no such day (`2026-02-30`).
    NoSuchDay,
}

/// Every problem laman can report, as data. Its words are in `crate::text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Message {
    /// TOML that does not parse: the parser's words (`detail`) and the key
    /// of the line, when the line has one.
    TomlSyntax {
        file: FileKind,
        key: Option<String>,
        detail: String,
    },
    /// YAML that does not parse.
    YamlSyntax { key: Option<String>, detail: String },
    /// A key the schema does not know.
    UnknownKey {
        file: FileKind,
        key: String,
        expected: Vec<String>,
    },
    /// A value of the wrong type.
    WrongType {
        file: FileKind,
        key: Option<String>,
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
    /// The subdomain decree register of laman.toml (`[[decree]]`) or a
    /// reference to it is wrong.
    DecreeRegister {
        /// The decree number as written.
        number: String,
        /// What is wrong.
        fault: super::decree::RegisterFault,
    },
    /// `jenis = "…"` names no page kind.
    #[serde(rename = "unknown-jenis")]
    UnknownPageKind {
        /// The kind as written.
        #[serde(rename = "jenis")]
        kind: String,
        /// The nearest known kind.
        suggestion: Option<String>,
    },
    /// A date written another way than `YYYY-MM-DD`, or a day that does
    /// not exist; with the same day in `YYYY-MM-DD` when it can be told.
    InvalidDate {
        file: FileKind,
        key: Option<String>,
        value: String,
        problem: DateProblem,
        suggestion: Option<String>,
    },
    /// A whole number written with `Rp`, thousands dots or quotes
    /// (`Rp 50.000`, `50.000`, `"50000"`): the digits it means.
    NumberFormat {
        file: FileKind,
        key: Option<String>,
        value: String,
        suggestion: String,
    },
    /// Curly quotes “…” (a word processor's) where TOML needs straight ones.
    CurlyQuotes { file: FileKind, key: Option<String> },
    /// A string opened with a quote that its line never closes; located at
    /// the opening quote.
    UnclosedString { file: FileKind, key: Option<String> },
    /// The same key twice in one table: both lines.
    DuplicateKey {
        file: FileKind,
        key: String,
        first_line: usize,
        second_line: usize,
    },
    /// A tab in the indentation of YAML front matter.
    YamlTab,
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
    /// A link target in site.toml or front matter data (`peta_url`, a menu
    /// `url`…) whose scheme runs script.
    UnsafeUrl { field: String, scheme: String },
    /// A scaffold's `ISI: …` placeholder still in place: in which file,
    /// for which key (none in a page's text), and the placeholder itself.
    Placeholder {
        file: FileKind,
        key: Option<String>,
        text: String,
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
    /// A laman.toml `[hosting]` address that is no address of its family
    /// (`ipv4` or `ipv6`).
    NotAnAddress { key: String, value: String },
    /// `sites/<slug>` has no site.toml.
    MissingSiteToml,
    /// The zone file of `laman conformance --zone-file` (an RFC 1035
    /// master file) does not parse: the parser's words.
    ZoneFileSyntax { detail: String },
    /// A content rule's finding.
    Rule {
        /// Rule ID of the catalogue.
        rule: &'static str,
        /// What it found.
        finding: RuleFinding,
    },
    /// What a conformance check observed on a served host (the nightly job).
    Observed {
        /// Check ID of spec/conformance-checks.md (`TLS004`).
        check: &'static str,
        /// What it means, in both languages.
        text: Bilingual,
        /// A new failure that a second connection did not see again.
        unconfirmed: bool,
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
            | InvalidDate {
                file: FileKind::FrontMatter,
                ..
            }
            | NumberFormat {
                file: FileKind::FrontMatter,
                ..
            }
            | CurlyQuotes {
                file: FileKind::FrontMatter,
                ..
            }
            | UnclosedString {
                file: FileKind::FrontMatter,
                ..
            }
            | DuplicateKey {
                file: FileKind::FrontMatter,
                ..
            }
            | YamlTab
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
            | UnknownPageKind { .. }
            | UnclosedFrontMatter { .. } => "META-002",
            TomlSyntax { .. }
            | InvalidDate { .. }
            | NumberFormat { .. }
            | CurlyQuotes { .. }
            | UnclosedString { .. }
            | DuplicateKey { .. }
            | UnknownKey { .. }
            | WrongType { .. }
            | MissingKey { .. }
            | InvalidValue { .. }
            | UnknownProfile { .. }
            | NotAnAddress { .. }
            | DecreeRegister { .. }
            | MissingSiteToml => "KONFIG-001",
            ZoneFileSyntax { .. } => "ZONA-001",
            NotUtf8 | Unreadable { .. } => "SUMBER-001",
            NotUtf8FileName => "SUMBER-002",
            SymlinkOutside { .. } => "SUMBER-003",
            TemplateMissing { .. } => "TEMA-001",
            TemplateBroken { .. } => "TEMA-002",
            DuplicateOutput { .. } => "KELUARAN-001",
            UnsafePath { .. } => "KELUARAN-002",
            ExecutableStatic { .. } => "KELUARAN-003",
            UnsafeHtml { .. } => "HTML-001",
            Placeholder { .. } => "ISIAN-001",
            UnsafeUrl { .. } => "HTML-002",
            TemplateOverrideNotAllowed => "TEMA-003",
            TemplateLimit { .. } => "TEMA-004",
            BrokenInternalLink { .. } => "TAUTAN-001",
            InvalidSubdomain { .. } | ReservedSubdomain { .. } => "DOMAIN-007",
            DuplicateSubdomain { .. } => "REGISTRI-001",
            Rule { rule, .. } => rule,
            Observed { check, .. } => check,
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
}
