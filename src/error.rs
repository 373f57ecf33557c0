//! The library's error type: what stops laman from running at all, and its
//! words (English in `Display`, both languages through `Localize`).
//! A problem *in the content* is a `Diagnostic`, not an `Error`.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Lang};
use crate::text::Localize;

/// Could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// laman.toml is missing a valid form; the diagnostic says where.
    #[error("{}: {}", .0.location, .0.text(Lang::En))]
    Config(Box<Diagnostic>),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// There is no laman.toml in the project folder: not a project (yet).
    #[error("laman.toml not found in {} — run `laman init --profile PROFILE` (cianjur, pangandaran, purwakarta, limapuluhkota, bogor, nasional) or `-C DIR`", .0.display())]
    NoProject(PathBuf),
    /// A new site's name cannot be its subdomain (the message says why).
    #[error("{}", .0.text(Lang::En))]
    SiteName(Box<crate::diagnostic::Message>),
    /// A new page's path that leaves the site's content/ folder.
    #[error("{0}: the path must stay below content/")]
    PagePath(String),
    /// A site named on the command line does not exist.
    #[error("no site `{0}` under sites/")]
    UnknownSite(String),
    /// The theme could not be loaded at all.
    #[error("theme: {0}")]
    Theme(String),
    /// A scaffold target exists already.
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    /// Another laman process is writing this output folder (a build, or
    /// a publish between its build and its release).
    #[error("{}: another laman is writing this output ({})", path.display(), holder.as_deref().unwrap_or("unknown"))]
    Busy {
        /// The lock file beside the output folder.
        path: PathBuf,
        /// What the holder wrote into it.
        holder: Option<String>,
    },
    /// An argument was not acceptable.
    #[error("{0}")]
    Usage(String),
    /// The writer refused a path that would leave the output folder (the
    /// second check of the trust boundary; the first is at the input).
    #[error("refused to write outside the output folder: {path:?} ({problem:?})")]
    UnsafeOutput {
        /// The path as asked.
        path: String,
        /// Why it was refused.
        problem: crate::trust::paths::PathProblem,
    },
}

impl Error {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl Localize for Error {
    /// The error in `lang` without a severity word (the CLI adds it). The
    /// English text is `Display`; a config error is its diagnostic's text.
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Error::NoProject(dir), Lang::Id) => format!(
                "laman.toml tidak ditemukan di {} — jalankan `laman init --profile PROFIL` (cianjur, pangandaran, purwakarta, limapuluhkota, bogor, nasional) atau `-C DIR`",
                dir.display()
            ),
            (Error::SiteName(m), lang) => match m.hint(lang) {
                Some(h) => format!("{} — {h}", m.text(lang)),
                None => m.text(lang),
            },
            (Error::PagePath(p), Lang::Id) => {
                format!("{p}: jalurnya harus tetap di dalam folder content/")
            }
            (Error::UnknownSite(s), Lang::Id) => format!("tidak ada situs `{s}` di sites/"),
            (Error::Exists(p), Lang::Id) => format!("{} sudah ada; tidak ditimpa", p.display()),
            (Error::Busy { path, holder }, Lang::Id) => format!(
                "{}: laman lain sedang menulis keluaran ini ({}); tunggu sampai selesai",
                path.display(),
                holder.as_deref().unwrap_or("tidak diketahui")
            ),
            (Error::Config(d), lang) => format!("{}: {}", d.location, d.text(lang)),
            (other, _) => other.to_string(),
        }
    }
}
