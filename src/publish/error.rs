//! Why a publish or rollback could not run, with its words in both languages.

use std::path::PathBuf;

use crate::diagnostic::Lang;
use crate::error::Error;
use crate::text::Localize;

/// Could not publish (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// laman.toml, the build or a file system step failed.
    #[error(transparent)]
    Laman(#[from] Error),
    /// `--target` names no `[publish.targets.<name>]`.
    #[error("no publish target `{name}` in laman.toml (known: {})", known.join(", "))]
    UnknownTarget {
        /// Name asked for.
        name: String,
        /// Names configured.
        known: Vec<String>,
    },
    /// Several targets and none chosen.
    #[error("several publish targets ({}); choose one with --target or [publish] target", known.join(", "))]
    NoDefaultTarget {
        /// Names configured.
        known: Vec<String>,
    },
    /// Another publish holds the lock.
    #[error("{}: another publish is running ({})", path.display(), holder.as_deref().unwrap_or("unknown"))]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// What the holder wrote into it (who, pid, since).
        holder: Option<String>,
    },
    /// Nothing to roll back to.
    #[error("no earlier release to roll back to in {}", root.display())]
    NothingToRollBack {
        /// Deploy root or state folder.
        root: PathBuf,
    },
    /// `--to ID` names no release.
    #[error("no release `{id}` (known: {})", known.join(", "))]
    UnknownRelease {
        /// Asked for.
        id: String,
        /// Releases present.
        known: Vec<String>,
    },
    /// The health check failed after the switch; the switch was undone.
    #[error("health check of release {release} failed, switched back to {}: {}", restored.as_deref().unwrap_or("(nothing)"), failures.join("; "))]
    HealthFailed {
        /// The release that failed.
        release: String,
        /// What `current` points to again.
        restored: Option<String>,
        /// One line per failing host.
        failures: Vec<String>,
    },
    /// The health check failed and switching back failed too: the release
    /// that failed its check is live.
    #[error("health check of release {release} failed and switching back to {} failed ({restore}): release {release} is live: {}", previous.as_deref().unwrap_or("(nothing)"), failures.join("; "))]
    HealthFailedLive {
        /// The release that failed and is live.
        release: String,
        /// What was live before.
        previous: Option<String>,
        /// Why the switch back failed.
        restore: String,
        /// One line per failing host.
        failures: Vec<String>,
    },
    /// The deploy tool could not be started at all.
    #[error("cannot run `{command}`: {detail}")]
    Tool {
        /// Executable.
        command: String,
        /// OS error.
        detail: String,
    },
    /// `publish.log` could not be written (a full disk, a read-only
    /// target); `happened` says what is live, so the operator knows.
    #[error("{}: the publish log could not be written ({source}); {}", path.display(), happened.english())]
    Unlogged {
        /// The log file.
        path: PathBuf,
        /// Why the write failed.
        source: std::io::Error,
        /// What had happened on disk.
        happened: Happened,
    },
    /// The profile's regulation keeps sites in the Pusat Data and laman.toml
    /// records no (valid) decree approving this target (#11 item 3).
    #[error("target `{target}` hosts outside the Pusat Data, which {article} does not allow without an approving decree; {}", match future { Some(d) => format!("the decree in [publish.targets.{target}] approval is dated {d}, after today"), None => format!("record it as [publish.targets.{target}] approval = {{ number, date, issuer }}, or publish to a `dir` target") })]
    HostingNotAllowed {
        /// Target name.
        target: String,
        /// The article (regulation title and Pasal).
        article: String,
        /// The decree's date when it is after today.
        future: Option<chrono::NaiveDate>,
    },
    /// A Netlify rollback call failed.
    #[error("netlify restore of {host} failed: {detail}")]
    Restore {
        /// Host.
        host: String,
        /// Output of the CLI.
        detail: String,
    },
}

/// What a publish had done when its log could not be written.
#[derive(Debug)]
pub enum Happened {
    /// This release is live.
    Live(String),
    /// Nothing new went live, because of this error.
    NotLive(Box<PublishError>),
    /// The publish stopped before the switch, since the switch could not
    /// be recorded; nothing new went live.
    Stopped,
}

impl Happened {
    fn english(&self) -> String {
        match self {
            Happened::Live(id) => format!("release {id} is live"),
            Happened::NotLive(e) => format!("nothing new went live: {e}"),
            Happened::Stopped => {
                "the publish stopped before the switch; nothing new went live".into()
            }
        }
    }
}

impl PublishError {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        PublishError::Laman(Error::io(path, source))
    }

    /// The laman.toml finding, when this is a config error (printed like a compiler).
    pub fn config_diagnostic(&self) -> Option<&crate::diagnostic::Diagnostic> {
        match self {
            PublishError::Laman(Error::Config(d)) => Some(d),
            _ => None,
        }
    }
}

impl Localize for PublishError {
    /// The message in `lang` (the English one is `Display`).
    fn text(&self, lang: Lang) -> String {
        use PublishError::*;
        if let Laman(e) = self {
            return e.text(lang);
        }
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Laman(e) => e.text(lang),
            UnknownTarget { name, known } => format!(
                "tidak ada target terbit `{name}` di laman.toml (yang ada: {}); periksa [publish.targets.…] atau --target",
                known.join(", ")
            ),
            NoDefaultTarget { known } => format!(
                "ada beberapa target terbit ({}); pilih satu dengan --target atau `target = \"…\"` di [publish]",
                known.join(", ")
            ),
            Locked { path, holder } => format!(
                "{}: penerbitan lain sedang berjalan ({}); tunggu sampai selesai",
                path.display(),
                holder.as_deref().unwrap_or("tidak diketahui")
            ),
            NothingToRollBack { root } => format!(
                "tidak ada rilis sebelumnya untuk dikembalikan di {}",
                root.display()
            ),
            UnknownRelease { id, known } => {
                format!("tidak ada rilis `{id}` (yang ada: {})", known.join(", "))
            }
            HealthFailed {
                release,
                restored,
                failures,
            } => format!(
                "pemeriksaan kesehatan rilis {release} gagal, dikembalikan ke {}: {}",
                restored.as_deref().unwrap_or("(tidak ada)"),
                failures.join("; ")
            ),
            HealthFailedLive {
                release,
                previous,
                restore,
                failures,
            } => format!(
                "pemeriksaan kesehatan rilis {release} gagal dan pengembalian ke {} juga gagal ({restore}): rilis {release} yang tayang: {}",
                previous.as_deref().unwrap_or("(tidak ada)"),
                failures.join("; ")
            ),
            Tool { command, detail } => format!(
                "tidak dapat menjalankan `{command}`: {detail}; pasang Netlify CLI (npm install -g netlify-cli) atau atur `command`"
            ),
            HostingNotAllowed {
                target,
                article,
                future,
            } => format!(
                "target `{target}` menempatkan situs di luar Pusat Data, yang tidak dibolehkan {article} tanpa keputusan persetujuan; {}",
                match future {
                    Some(d) => format!(
                        "keputusan di [publish.targets.{target}] approval bertanggal {d}, setelah hari ini"
                    ),
                    None => format!(
                        "catat keputusannya sebagai [publish.targets.{target}] approval = {{ number, date, issuer }}, atau terbitkan ke target `dir`"
                    ),
                }
            ),
            Restore { host, detail } => {
                format!("pemulihan deploy Netlify untuk {host} gagal: {detail}")
            }
            Unlogged {
                path,
                source,
                happened,
            } => format!(
                "{}: catatan penerbitan tidak dapat ditulis ({source}); {}",
                path.display(),
                match happened {
                    Happened::Live(id) => format!("rilis {id} sudah tayang"),
                    Happened::NotLive(e) => format!("tidak ada yang baru tayang: {}", e.text(lang)),
                    Happened::Stopped =>
                        "penerbitan berhenti sebelum peralihan; tidak ada yang baru tayang".into(),
                }
            ),
        }
    }
}
