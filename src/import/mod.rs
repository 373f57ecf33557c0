//! `laman impor wordpress`: moving an agency's WordPress site into
//! `sites/SLUG/` and leaving the infection behind (docs/impor.md).
//!
//! Stages: [`wxr`] reads the export (no DTD, no entity expansion, UTF-8
//! only); [`disinfect`] quarantines injected items with the conformance
//! check's own detection and the editor HTML sanitizer; [`convert`] turns
//! HTML into Markdown; [`plan`] decides every file; this module writes
//! them, atomically, never outside `sites/SLUG/`, and never over a file an
//! editor changed since the last import (the manifest
//! `impor/wordpress.json` remembers what the import wrote); [`report`]
//! says what happened.

pub mod convert;
pub mod disinfect;
pub mod plan;
pub mod report;
pub mod taxonomy;
pub mod wxr;

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::trust::html::HtmlPolicy;
use crate::trust::paths::{PathProblem, check_relative, leads_out};
use plan::{Settings, Source};
pub use report::Report;

/// The folder below `sites/SLUG/` that holds the manifest and the report.
pub const DIR: &str = "impor";
/// The manifest: path → SHA-256 of what the last import wrote.
pub const MANIFEST: &str = "impor/wordpress.json";

/// Why an import could not run.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The export could not be read.
    #[error("{path}: {source}")]
    Export {
        /// The file.
        path: PathBuf,
        /// Why.
        source: wxr::WxrError,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// `sites/SLUG/` does not exist (make it with `laman new site`).
    #[error("no site `{0}` under sites/ (make it first with `laman new site {0}`)")]
    UnknownSite(String),
    /// A write would leave `sites/SLUG/`.
    #[error("refused to write {path:?} ({problem:?})")]
    Unsafe {
        /// The path.
        path: String,
        /// Why.
        problem: PathProblem,
    },
    /// `--terima` named an ID that is not quarantined.
    #[error("--terima {0}: no quarantined item has this ID")]
    NotQuarantined(u64),
}

fn io(path: &Path, source: std::io::Error) -> ImportError {
    ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The import to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Project folder.
    pub root: PathBuf,
    /// The export file.
    pub export: PathBuf,
    /// The site (folder name under `sites/`).
    pub site: String,
    /// The old site's `wp-content/uploads`.
    pub uploads: Option<PathBuf>,
    /// Write nothing.
    pub dry_run: bool,
    /// Quarantined items to take anyway.
    pub accept: Vec<u64>,
    /// Now, in the old site's local time (future-dated posts).
    pub now: NaiveDateTime,
    /// `[allow] iframe_hosts` of the regency.
    pub iframe_hosts: Vec<String>,
}

/// Runs an import; returns its report.
pub fn wordpress(opts: &Options) -> Result<Report, ImportError> {
    if let Err(problem) = check_relative(&opts.site).and_then(|()| {
        if opts.site.contains('/') {
            Err(PathProblem::Syntax('/'))
        } else {
            Ok(())
        }
    }) {
        return Err(ImportError::Unsafe {
            path: opts.site.clone(),
            problem,
        });
    }
    let site_dir = opts.root.join("sites").join(&opts.site);
    if !site_dir.is_dir() {
        return Err(ImportError::UnknownSite(opts.site.clone()));
    }
    let bytes = std::fs::read(&opts.export).map_err(|e| io(&opts.export, e))?;
    let export = wxr::parse(&bytes).map_err(|source| ImportError::Export {
        path: opts.export.clone(),
        source,
    })?;
    let policy = HtmlPolicy::new(&opts.iframe_hosts);
    let settings = Settings {
        site: &opts.site,
        uploads: opts.uploads.as_deref(),
        accept: &opts.accept,
        now: opts.now,
        policy: &policy,
    };
    let mut planned = plan::plan(&export, &settings);
    for id in &opts.accept {
        if !planned.report.quarantined.iter().any(|q| q.id == *id) {
            return Err(ImportError::NotQuarantined(*id));
        }
    }
    planned.report.dry_run = opts.dry_run;
    planned.report.required = plan::required(&site_dir, &opts.site, &planned.writes);

    let manifest_path = site_dir.join(MANIFEST);
    let mut manifest: BTreeMap<String, String> = match std::fs::read(&manifest_path) {
        Ok(b) => serde_json::from_slice(&b).unwrap_or_default(),
        Err(_) => BTreeMap::new(),
    };
    // Every target is checked before the first write, so a refused path
    // stops the import with nothing written. Folders already seen to be
    // real folders are not looked at again (25,000 files share a few
    // hundred folders).
    let mut dirs: HashSet<PathBuf> = HashSet::new();
    for rel in planned.writes.iter().map(|w| w.rel.as_str()).chain([
        MANIFEST,
        "impor/impor-laporan.json",
        "impor/impor-laporan.html",
    ]) {
        check_target(&site_dir, rel, &mut dirs)?;
    }
    let report = &mut planned.report;
    for w in &planned.writes {
        let target = site_dir.join(&w.rel);
        let new = match &w.source {
            Source::Text(t) => t.as_bytes().to_vec(),
            Source::Copy(from) => std::fs::read(from).map_err(|e| io(from, e))?,
        };
        let new_sum = crate::output::hex(&Sha256::digest(&new));
        let current = std::fs::read(&target).ok();
        let verdict = match (&current, manifest.get(&w.rel)) {
            (Some(c), _) if *c == new => Verdict::Unchanged,
            (Some(c), Some(sum)) if crate::output::hex(&Sha256::digest(c)) == *sum => {
                Verdict::Write
            }
            (Some(_), _) => Verdict::Conflict("diubah sejak impor terakhir"),
            (None, Some(_)) => Verdict::Conflict("dihapus editor sejak impor terakhir"),
            (None, None) => Verdict::Write,
        };
        match verdict {
            Verdict::Unchanged => {
                report.counts.unchanged += 1;
                manifest.insert(w.rel.clone(), new_sum);
            }
            Verdict::Write => {
                report.counts.written += 1;
                if !opts.dry_run {
                    write_atomic(&site_dir, &w.rel, &new, &mut dirs)?;
                }
                manifest.insert(w.rel.clone(), new_sum);
            }
            Verdict::Conflict(why) => {
                report.counts.conflicts += 1;
                report.conflicts.push(format!("{} ({why})", w.rel));
            }
        }
    }
    if !opts.dry_run {
        let m = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
        write_atomic(&site_dir, MANIFEST, m.as_bytes(), &mut dirs)?;
        write_atomic(
            &site_dir,
            "impor/impor-laporan.json",
            report.to_json().as_bytes(),
            &mut dirs,
        )?;
        write_atomic(
            &site_dir,
            "impor/impor-laporan.html",
            report.to_html().as_bytes(),
            &mut dirs,
        )?;
    }
    Ok(planned.report)
}

/// `rel` is a safe relative path, and each part of it that exists below
/// `site_dir` is a real folder (the last a real file), not a symlink.
fn check_target(
    site_dir: &Path,
    rel: &str,
    dirs: &mut HashSet<PathBuf>,
) -> Result<(), ImportError> {
    let unsafe_path = |problem| ImportError::Unsafe {
        path: rel.to_string(),
        problem,
    };
    check_relative(rel).map_err(unsafe_path)?;
    if leads_out(site_dir, rel.split('/'), dirs) {
        return Err(unsafe_path(PathProblem::ParentDir));
    }
    Ok(())
}

enum Verdict {
    Unchanged,
    Write,
    Conflict(&'static str),
}

/// Writes `site_dir/rel` through a temporary file in the same folder and a
/// rename, so a reader (`laman serve`) never sees half a file. Every
/// folder on the way must be a real folder inside `site_dir`: a symlink
/// planted in the site cannot carry the write elsewhere.
fn write_atomic(
    site_dir: &Path,
    rel: &str,
    bytes: &[u8],
    dirs: &mut HashSet<PathBuf>,
) -> Result<(), ImportError> {
    check_target(site_dir, rel, dirs)?;
    let mut dir = site_dir.to_path_buf();
    let segments: Vec<&str> = rel.split('/').collect();
    let (name, folders) = segments.split_last().ok_or(ImportError::Unsafe {
        path: rel.to_string(),
        problem: PathProblem::Empty,
    })?;
    for seg in folders {
        dir.push(seg);
        if dirs.contains(&dir) {
            continue;
        }
        // Not there yet (check_target stops at the first missing part):
        // created here, a real folder, as `create_dir` does not follow
        // a symlink planted since (it fails on any existing entry).
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                dirs.insert(dir.clone());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                check_target(site_dir, rel, dirs)?;
                dirs.insert(dir.clone());
            }
            Err(e) => return Err(io(&dir, e)),
        }
    }
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.impor-{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
    // No fsync: the rename is what keeps readers from half a file, and an
    // import cut by a power loss is re-run (it is idempotent); an fsync per
    // file made 25,000 files take 90 s instead of seconds.
    f.write_all(bytes).map_err(|e| io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, &target).map_err(|e| io(&target, e))
}
