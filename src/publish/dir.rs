//! The `dir` target: immutable release folders and a `current` symlink.
//!
//! ```text
//! DIR/current -> releases/<id>        switched by rename(2) of a new link
//! DIR/releases/<id>/sites.json         that release's manifest
//! DIR/releases/<id>/<fqdn>/…           files (+ .gz/.br siblings)
//! DIR/publish.lock, DIR/publish.log
//! ```
//!
//! A release is built under `releases/.tmp-<id>`, synced, and renamed into
//! place before `current` moves, so a publish killed at any point leaves
//! `current` on a complete release. A publish that fails removes its own
//! `.tmp-*` folder (and a release it could not switch to) on the way out;
//! what a killed one left is removed by the next publish or rollback
//! (under the lock, every one of them is stale).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::evidence::EvidenceFile;
use super::gate::{self, HostAction};
use super::journal::{self, LogEntry, LogResult};
use super::{
    Happened, Outcome, PublishError, PublishOptions, PublishReport, RollbackOptions,
    RollbackReport, Target, compress, health, pause,
};
use crate::build::BuildReport;
use crate::output::{self, FileEntry, HostManifest, MANIFEST, Manifest};

/// Name of the symlink to the live release.
pub const CURRENT: &str = "current";
/// Folder of the releases.
pub const RELEASES: &str = "releases";
/// Releases kept by default.
pub const DEFAULT_KEEP: usize = 5;

/// The release `current` points to, if it is a complete one.
pub fn current(root: &Path) -> Option<String> {
    let link = std::fs::read_link(root.join(CURRENT)).ok()?;
    let id = link.file_name()?.to_str()?.to_string();
    root.join(RELEASES)
        .join(&id)
        .join(MANIFEST)
        .is_file()
        .then_some(id)
}

fn seq(id: &str) -> u64 {
    id.split('-')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Complete releases (with their sites.json), oldest first.
pub fn releases(root: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(root.join(RELEASES)) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.') && root.join(RELEASES).join(n).join(MANIFEST).is_file())
        .collect();
    v.sort_by(|a, b| (seq(a), a).cmp(&(seq(b), b)));
    v
}

/// The release a publish builds on: the one `current` leads to, else
/// (`current` removed by hand, or pointing nowhere) the newest complete
/// release, one whose manifest reads and names its own folder. Blocked
/// sites are carried from it, so a missing link never drops a site that
/// `releases/` still holds.
pub fn base(root: &Path) -> Option<(String, Manifest)> {
    if let Some(id) = current(root) {
        if let Some(m) = manifest(root, &id) {
            return Some((id, m));
        }
    }
    releases(root).into_iter().rev().find_map(|id| {
        manifest(root, &id)
            .filter(|m| m.release == id)
            .map(|m| (id, m))
    })
}

/// The manifest of release `id`.
pub fn manifest(root: &Path, id: &str) -> Option<Manifest> {
    output::read_manifest(&root.join(RELEASES).join(id))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |e| PublishError::io(path, e)
}

fn fsync_dir(dir: &Path) -> Result<(), PublishError> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io(dir))
}

/// Removes what killed publishes left behind (call under the lock).
fn remove_leftovers(root: &Path) {
    for dir in [root.to_path_buf(), root.join(RELEASES)] {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(".tmp-") {
                let _ = std::fs::remove_dir_all(e.path());
            } else if name.starts_with(".current.tmp-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Points `current` at `releases/<id>`: a new relative symlink at a
/// temporary name, renamed over `current`, then the folder is synced.
pub fn switch(root: &Path, id: &str) -> Result<(), PublishError> {
    let tmp = root.join(format!(".current.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(Path::new(RELEASES).join(id), &tmp).map_err(io(&tmp))?;
    pause::at("link");
    let cur = root.join(CURRENT);
    std::fs::rename(&tmp, &cur).map_err(io(&cur))?;
    fsync_dir(root)
}

/// Writes `bytes` to `path` and fsyncs it. Concurrent fsyncs (rayon)
/// share journal commits; unchanged files are hard links and need none.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let mut f = std::fs::File::create(path).map_err(io(path))?;
    std::io::Write::write_all(&mut f, bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Hard-links `from` to `to`, copying when linking is not possible.
fn link_or_copy(from: &Path, to: &Path) -> Result<(), PublishError> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).map(|_| ()).map_err(io(to))
}

fn parent_dirs(dir: &Path, files: &[FileEntry]) -> Result<(), PublishError> {
    let mut made = std::collections::HashSet::new();
    for f in files {
        let p = dir.join(&f.path);
        if let Some(parent) = p.parent() {
            if made.insert(parent.to_path_buf()) {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
        }
    }
    Ok(())
}

/// Writes one host's new build into the release folder: unchanged files
/// (same SHA-256 as live) and their siblings are hard-linked from the live
/// release, the others copied from public/ with fresh siblings.
fn write_host(
    dest: &Path,
    built: &HostManifest,
    public: &Path,
    live: Option<(&Path, &HostManifest)>,
) -> Result<(), PublishError> {
    let live_sha: HashMap<&str, &str> = live
        .map(|(_, h)| {
            h.files
                .iter()
                .map(|f| (f.path.as_str(), f.sha256.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let listed: std::collections::HashSet<&str> =
        built.files.iter().map(|f| f.path.as_str()).collect();
    parent_dirs(dest, &built.files)?;
    built.files.par_iter().try_for_each(|f| {
        let to = dest.join(&f.path);
        let siblings = compress::wanted(&f.path, f.size)
            && !listed.contains(format!("{}.gz", f.path).as_str())
            && !listed.contains(format!("{}.br", f.path).as_str());
        if let (Some((live_dir, _)), Some(s)) = (live, live_sha.get(f.path.as_str())) {
            if *s == f.sha256 {
                let from = live_dir.join(&f.path);
                link_or_copy(&from, &to)?;
                if siblings {
                    for ext in ["gz", "br"] {
                        let sib = PathBuf::from(format!("{}.{ext}", from.display()));
                        if sib.is_file() {
                            link_or_copy(&sib, Path::new(&format!("{}.{ext}", to.display())))?;
                        }
                    }
                }
                return Ok(());
            }
        }
        let src = public.join(&f.path);
        let bytes = std::fs::read(&src).map_err(io(&src))?;
        write_synced(&to, &bytes)?;
        if siblings {
            if let Some(gz) = compress::gzip(&bytes) {
                let p = format!("{}.gz", to.display());
                write_synced(Path::new(&p), &gz)?;
            }
            if let Some(br) = compress::brotli(&bytes) {
                let p = format!("{}.br", to.display());
                write_synced(Path::new(&p), &br)?;
            }
        }
        Ok(())
    })
}

/// Hard-links every file of a live host folder (a blocked site keeps it).
fn carry_host(from: &Path, to: &Path) -> Result<(), PublishError> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(|e| PublishError::io(from, std::io::Error::other(e)))?;
        let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).map_err(io(&dest))?;
        } else if entry.file_type().is_file() {
            link_or_copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

fn next_id(root: &Path, content: &str) -> String {
    let n = releases(root).iter().map(|r| seq(r)).max().unwrap_or(0) + 1;
    format!("{n:06}-{content}")
}

/// Assembles `releases/<id>` from the plan; returns its manifest. On
/// failure the temporary folder is removed before returning: on a full
/// disk it is what fills it, and the log entry that follows needs room.
fn make_release(
    root: &Path,
    plans: &[gate::HostPlan],
    built: &Manifest,
    public: &Path,
    live: Option<&(String, Manifest)>,
    stamp: &str,
    evidence: &[(String, Vec<u8>)],
) -> Result<(Manifest, Vec<EvidenceFile>), PublishError> {
    let rel_dir = root.join(RELEASES);
    std::fs::create_dir_all(&rel_dir).map_err(io(&rel_dir))?;
    let tmp = rel_dir.join(format!(".tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let made = assemble(root, &tmp, plans, built, public, live, stamp, evidence);
    if made.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    made
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    root: &Path,
    tmp: &Path,
    plans: &[gate::HostPlan],
    built: &Manifest,
    public: &Path,
    live: Option<&(String, Manifest)>,
    stamp: &str,
    evidence: &[(String, Vec<u8>)],
) -> Result<(Manifest, Vec<EvidenceFile>), PublishError> {
    let rel_dir = root.join(RELEASES);
    std::fs::create_dir(tmp).map_err(io(tmp))?;
    let live_dir = live.map(|(id, _)| rel_dir.join(id));
    let live_host = |h: &str| live.and_then(|(_, m)| m.hosts.iter().find(|x| x.host == h));
    let mut hosts = Vec::new();
    let mut first = true;
    for p in plans {
        match p.action {
            HostAction::Publish => {
                let Some(b) = built.hosts.iter().find(|h| h.host == p.host) else {
                    continue;
                };
                let old = live_dir
                    .as_ref()
                    .zip(live_host(&p.host))
                    .map(|(d, h)| (d.join(&h.host), h));
                let old = old.as_ref().map(|(d, h)| (d.as_path(), *h));
                write_host(&tmp.join(&p.host), b, &public.join(&p.host), old)?;
                hosts.push(b.clone());
            }
            HostAction::Blocked => {
                if let (Some(d), Some(h)) = (&live_dir, live_host(&p.host)) {
                    carry_host(&d.join(&h.host), &tmp.join(&h.host))?;
                    let mut h = h.clone();
                    h.status = crate::output::HostStatus::Kept;
                    hosts.push(h);
                }
            }
            HostAction::BlockedNew | HostAction::Removed | HostAction::LeftLive => continue,
        }
        if first {
            pause::at("copy");
            first = false;
        }
    }
    // OPS-002: the report of this check (and the newest conformance
    // report) travel inside the release, never served (`.laman` is no host).
    let listed = super::evidence::write(tmp, evidence)?;
    let mut m = Manifest::new(
        stamp,
        built.generated.clone(),
        built.domain.clone(),
        hosts,
        built.other_hosts.clone(),
    );
    m.release = next_id(root, &m.release);
    let path = tmp.join(MANIFEST);
    let mut json = serde_json::to_vec_pretty(&m)
        .map_err(|e| PublishError::io(&path, std::io::Error::other(e)))?;
    json.push(b'\n');
    write_synced(&path, &json)?;
    // New files were fsync'd as they were written; links and folders are
    // metadata, made durable with the journal commit of the folder fsyncs
    // below (before `current` can point here).
    fsync_dir(tmp)?;
    pause::at("synced");
    let dest = rel_dir.join(&m.release);
    std::fs::rename(tmp, &dest).map_err(io(&dest))?;
    fsync_dir(&rel_dir)?;
    pause::at("release");
    Ok((m, listed))
}

/// Removes the oldest releases beyond `keep`, never `protect`ed ones.
/// Each is first renamed to a `.tmp-` name, so a half-removed release is
/// never taken for a complete one.
pub fn prune(root: &Path, keep: usize, protect: &[Option<&str>]) -> Vec<String> {
    let all = releases(root);
    let cut = all.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for id in &all[..cut] {
        if protect.contains(&Some(id.as_str())) {
            continue;
        }
        let from = root.join(RELEASES).join(id);
        let aside = root.join(RELEASES).join(format!(".tmp-del-{id}"));
        if std::fs::rename(&from, &aside).is_ok() {
            let _ = std::fs::remove_dir_all(&aside);
            removed.push(id.clone());
        }
    }
    removed
}

/// Health after a switch: every file of every host present through
/// `current` with its manifest size, then the HTTP check when configured.
fn check(target: &Target, root: &Path, m: &Manifest) -> Vec<String> {
    let cur = root.join(CURRENT);
    let mut failures = Vec::new();
    if output::read_manifest(&cur).is_none_or(|c| c.release != m.release) {
        failures.push(format!("{CURRENT} does not lead to {}", m.release));
        return failures;
    }
    for h in &m.hosts {
        let bad = h.files.iter().find(|f| {
            std::fs::metadata(cur.join(&h.host).join(&f.path)).map_or(true, |md| md.len() != f.size)
        });
        if let Some(f) = bad {
            failures.push(format!("{}: {} missing or wrong size", h.host, f.path));
        }
    }
    if failures.is_empty() {
        if let Some(h) = health::HttpCheck::from_settings(&target.settings, &target.path) {
            let hosts: Vec<&str> = m.hosts.iter().map(|h| h.host.as_str()).collect();
            failures.extend(h.run(&hosts));
        }
    }
    failures
}

/// Gate, release, switch, health check (undone on failure), prune, log.
///
/// The log says what happened, never more: an entry `switching` is written
/// before `current` moves (if it cannot be written, nothing moves), and
/// one with the outcome after. A failure lists nothing as published, and
/// its leftovers are removed before its entry is written, so a full disk
/// has room for it again; a log that still cannot be written is an error
/// that says what is live.
pub fn publish(
    target: &Target,
    report: &BuildReport,
    opts: &PublishOptions,
    evidence: &[(String, Vec<u8>)],
) -> Result<PublishReport, PublishError> {
    let root = &target.path;
    let built = super::built_manifest(report)?;
    let live_id = current(root);
    let live = base(root);
    let plans = gate::plan(report, &built, live.as_ref().map(|(_, m)| m));
    let mut rep = PublishReport {
        target: target.name.clone(),
        kind: target.kind(),
        release: None,
        previous: live_id.clone(),
        hosts: plans,
        deploys: Vec::new(),
        pruned: Vec::new(),
        outcome: Outcome::Planned,
        build_release: report.release.clone(),
        evidence: Vec::new(),
        backups: Vec::new(),
        backup_findings: Vec::new(),
        history: None,
    };
    if opts.dry_run {
        return Ok(rep);
    }
    let blocked = rep.blocked().next().is_some();
    remove_leftovers(root);
    let mut log = LogEntry::new(&opts.who, opts.now, "publish", target);
    log.previous = live_id.clone();
    log.base = live
        .as_ref()
        .map(|(id, _)| id.clone())
        .filter(|id| live_id.as_ref() != Some(id));
    log.blocked = rep.blocked().map(|p| p.host.clone()).collect();
    let stamp = opts.now.format("%Y%m%dT%H%M%SZ").to_string();
    let m = match make_release(
        root,
        &rep.hosts,
        &built,
        &report.out.clone(),
        live.as_ref(),
        &stamp,
        evidence,
    ) {
        Ok((m, listed)) => {
            log.evidence = listed.clone();
            rep.evidence = listed;
            m
        }
        Err(e) => return Err(failed(root, &mut log, e, None)),
    };
    log.release = Some(m.release.clone());
    log.result = LogResult::Switching;
    if let Err((path, source)) = journal::write(root, &log) {
        // Nothing is live that the log does not know of.
        drop_release(root, &m.release);
        return Err(PublishError::Unlogged {
            path,
            source,
            happened: Happened::Stopped,
        });
    }
    if let Err(e) = switch(root, &m.release) {
        return Err(failed(root, &mut log, e, Some(&m.release)));
    }
    pause::at("switched");
    let failures = check(target, root, &m);
    if !failures.is_empty() {
        let switched_back = match &live_id {
            Some(id) => switch(root, id).map(|()| Some(id.clone())),
            None => std::fs::remove_file(root.join(CURRENT))
                .map(|()| None)
                .map_err(|e| PublishError::io(root.join(CURRENT), e)),
        };
        log.result = LogResult::HealthFailed;
        log.error = Some(failures.join("; "));
        let err = match switched_back {
            Ok(restored) => PublishError::HealthFailed {
                release: m.release,
                restored,
                failures,
            },
            // The switch back failed too (a full disk, a read-only
            // folder): the release that failed its check is what is live,
            // and the log says so rather than ending at `switching`.
            Err(e) if current(root).as_deref() == Some(m.release.as_str()) => {
                log.published = rep.published().map(|p| p.host.clone()).collect();
                let restore = e.to_string();
                log.error = Some(format!(
                    "{}; switching back to {} failed: {restore}",
                    failures.join("; "),
                    live_id.as_deref().unwrap_or("(nothing)")
                ));
                PublishError::HealthFailedLive {
                    release: m.release,
                    previous: live_id.clone(),
                    restore,
                    failures,
                }
            }
            // The rename went through and only the sync failed: `current`
            // is back where it was.
            Err(_) => PublishError::HealthFailed {
                release: m.release,
                restored: current(root),
                failures,
            },
        };
        return Err(match journal::write(root, &log) {
            Ok(()) => err,
            Err((path, source)) => PublishError::Unlogged {
                path,
                source,
                happened: Happened::NotLive(Box::new(err)),
            },
        });
    }
    let keep = opts
        .keep
        .or(target.settings.keep)
        .unwrap_or(DEFAULT_KEEP)
        .max(1);
    rep.pruned = prune(
        root,
        keep,
        &[Some(&m.release), live_id.as_deref(), log.base.as_deref()],
    );
    rep.release = Some(m.release.clone());
    rep.outcome = if blocked {
        Outcome::PartlyBlocked
    } else {
        Outcome::Published
    };
    log.published = rep.published().map(|p| p.host.clone()).collect();
    log.removed = rep.removed().map(|p| p.host.clone()).collect();
    log.result = if blocked {
        LogResult::PartlyBlocked
    } else {
        LogResult::Published
    };
    journal::write(root, &log).map_err(|(path, source)| PublishError::Unlogged {
        path,
        source,
        happened: Happened::Live(m.release),
    })?;
    Ok(rep)
}

/// Removes a release that never went live (a failed switch).
fn drop_release(root: &Path, id: &str) {
    if current(root).as_deref() == Some(id) {
        return;
    }
    let from = root.join(RELEASES).join(id);
    let aside = root.join(RELEASES).join(format!(".tmp-del-{id}"));
    if std::fs::rename(&from, &aside).is_ok() {
        let _ = std::fs::remove_dir_all(&aside);
    }
}

/// The way out of a publish that failed before anything went live:
/// leftovers removed first (they may be what filled the disk), then the
/// `failed` entry; when even that cannot be written, both are reported.
fn failed(root: &Path, log: &mut LogEntry, e: PublishError, release: Option<&str>) -> PublishError {
    if let Some(id) = release {
        drop_release(root, id);
    }
    remove_leftovers(root);
    log.published.clear();
    log.result = LogResult::Failed;
    log.error = Some(e.to_string());
    match journal::write(root, log) {
        Ok(()) => e,
        Err((path, source)) => PublishError::Unlogged {
            path,
            source,
            happened: Happened::NotLive(Box::new(e)),
        },
    }
}

/// Switches `current` back (to `--to ID` or the release before the live
/// one), checks the files, and logs it. Nothing is rebuilt or removed.
pub fn rollback(target: &Target, opts: &RollbackOptions) -> Result<RollbackReport, PublishError> {
    let root = &target.path;
    remove_leftovers(root);
    let all = releases(root);
    let live = current(root);
    let to = match &opts.to {
        Some(id) if all.contains(id) => id.clone(),
        Some(id) => {
            return Err(PublishError::UnknownRelease {
                id: id.clone(),
                known: all,
            });
        }
        None => {
            let before = match &live {
                Some(l) => all.iter().take_while(|r| *r != l).last(),
                None => all.last(),
            };
            before
                .cloned()
                .ok_or_else(|| PublishError::NothingToRollBack { root: root.clone() })?
        }
    };
    let mut log = LogEntry::new(&opts.who, opts.now, "rollback", target);
    log.previous = live.clone();
    log.release = Some(to.clone());
    switch(root, &to)?;
    let m = manifest(root, &to)
        .ok_or_else(|| PublishError::NothingToRollBack { root: root.clone() })?;
    log.published = m.hosts.iter().map(|h| h.host.clone()).collect();
    let failures = check(target, root, &m);
    if !failures.is_empty() {
        if let Some(l) = &live {
            switch(root, l)?;
        }
        log.result = LogResult::HealthFailed;
        log.error = Some(failures.join("; "));
        journal::append(root, &log)?;
        return Err(PublishError::HealthFailed {
            release: to,
            restored: live,
            failures,
        });
    }
    log.result = LogResult::RolledBack;
    journal::append(root, &log)?;
    Ok(RollbackReport {
        target: target.name.clone(),
        from: live,
        to,
        restored: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    //! The dir target on real folders: no server, no binary. The suite's
    //! publish tests drive the same code through `laman publish`; these
    //! reach every branch in milliseconds, so mutation testing can use them.
    use super::*;
    use crate::build::{SiteReport, SiteStatus};
    use crate::diagnostic::{Diagnostic, FileKind, Location, Message};
    use crate::output::HostStatus;
    use crate::publish::{Outcome, journal::LogResult};
    use chrono::{DateTime, Utc};
    use sha2::{Digest, Sha256};
    use std::os::unix::fs::MetadataExt;

    /// A page long enough to get `.gz`/`.br` siblings.
    fn page(text: &str) -> Vec<u8> {
        format!(
            "<!doctype html><title>{text}</title>{}",
            "<p>isi halaman</p>".repeat(100)
        )
        .into_bytes()
    }

    /// A site of a build: slug, files (path, bytes), whether it has an error.
    type Site<'a> = (&'a str, &'a [(&'a str, &'a [u8])], bool);

    struct Project {
        tmp: tempfile::TempDir,
        target: Target,
    }

    impl Project {
        fn new() -> Self {
            let tmp = tempfile::tempdir().expect("tempdir");
            let settings = toml::from_str("kind = \"dir\"").expect("settings");
            let target = Target {
                name: "lokal".into(),
                settings,
                path: tmp.path().join("deploy"),
            };
            Project { tmp, target }
        }

        fn root(&self) -> &Path {
            &self.target.path
        }

        /// A build of `sites` (slug, files, has an error) into public/.
        fn build(&self, sites: &[Site<'_>]) -> BuildReport {
            let out = self.tmp.path().join("public");
            let _ = std::fs::remove_dir_all(&out);
            let mut hosts = Vec::new();
            let mut reports = Vec::new();
            for (slug, files, broken) in sites {
                let host = format!("{slug}.contoh.go.id");
                let mut entries = Vec::new();
                for (path, bytes) in *files {
                    let p = out.join(&host).join(path);
                    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
                    std::fs::write(&p, bytes).expect("write");
                    entries.push(FileEntry {
                        path: (*path).into(),
                        size: bytes.len() as u64,
                        sha256: output::hex(&Sha256::digest(bytes)),
                    });
                }
                hosts.push(HostManifest {
                    host: host.clone(),
                    site: (*slug).into(),
                    status: HostStatus::Built,
                    files: entries,
                });
                let diagnostics = if *broken {
                    vec![Diagnostic::new(
                        Location::at(format!("sites/{slug}/site.toml"), 1, 1),
                        Message::TomlSyntax {
                            file: FileKind::FrontMatter,
                            key: None,
                            detail: "x".into(),
                        },
                    )]
                } else {
                    Vec::new()
                };
                reports.push(SiteReport {
                    slug: (*slug).into(),
                    host: Some(host),
                    status: SiteStatus::Built,
                    pages: 1,
                    remembered: 0,
                    markdown: 0,
                    files: files.len(),
                    bytes: 1,
                    elapsed: std::time::Duration::ZERO,
                    diagnostics,
                });
            }
            let manifest =
                Manifest::new("b", String::new(), "contoh.go.id".into(), hosts, Vec::new());
            BuildReport {
                release: manifest.release.clone(),
                out,
                sites: reports,
                diagnostics: Vec::new(),
                elapsed: std::time::Duration::ZERO,
                today: chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("date"),
                profile: crate::profile::Profile::Cianjur,
                manifest,
            }
        }

        fn opts(&self, minute: u32, keep: Option<usize>, dry_run: bool) -> PublishOptions {
            PublishOptions {
                root: self.tmp.path().into(),
                target: None,
                dry_run,
                who: "uji".into(),
                now: at(minute),
                keep,
            }
        }

        fn publish(&self, report: &BuildReport, minute: u32) -> PublishReport {
            publish(&self.target, report, &self.opts(minute, None, false), &[]).expect("publish")
        }

        fn rollback(&self, to: Option<&str>) -> Result<RollbackReport, PublishError> {
            rollback(
                &self.target,
                &RollbackOptions {
                    root: self.tmp.path().into(),
                    target: None,
                    to: to.map(str::to_string),
                    who: "uji".into(),
                    now: at(59),
                },
            )
        }

        /// A file as `current` serves it.
        fn live(&self, host: &str, path: &str) -> Option<Vec<u8>> {
            std::fs::read(
                self.root()
                    .join(CURRENT)
                    .join(format!("{host}.contoh.go.id"))
                    .join(path),
            )
            .ok()
        }

        fn file(&self, release: &str, host: &str, path: &str) -> PathBuf {
            self.root()
                .join(RELEASES)
                .join(release)
                .join(format!("{host}.contoh.go.id"))
                .join(path)
        }

        fn log(&self) -> Vec<LogEntry> {
            journal::read(self.root())
        }
    }

    fn at(minute: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2026-12-03T10:{minute:02}:00Z"))
            .expect("time")
            .into()
    }

    fn hosts(v: &[String]) -> Vec<&str> {
        v.iter()
            .map(|h| h.trim_end_matches(".contoh.go.id"))
            .collect()
    }

    #[test]
    fn a_publish_makes_a_complete_release_and_logs_before_and_after_the_switch() {
        let p = Project::new();
        let index = page("Beranda");
        let small: &[u8] = b"kecil";
        // At most 1 KiB: no siblings, however well it would compress.
        let short = vec![b'a'; 1024];
        // A file that comes with its own `.gz` gets no siblings made for it.
        let data = "{\"layanan\": []}".repeat(100).into_bytes();
        let own_gz: &[u8] = b"milik editor";
        let logo = vec![7u8; 4096];
        let report = p.build(&[
            (
                "dinkes",
                &[
                    ("index.html", &index),
                    ("a/b/kecil.txt", small),
                    ("pendek.txt", &short),
                    ("data.json", &data),
                    ("data.json.gz", own_gz),
                    ("logo.png", &logo),
                ],
                false,
            ),
            ("dukcapil", &[("index.html", &page("Dukcapil"))], false),
        ]);
        // A dry run changes nothing.
        let dry = publish(&p.target, &report, &p.opts(0, None, true), &[]).expect("plan");
        assert_eq!(dry.outcome, Outcome::Planned);
        assert!(!p.root().exists());

        let evidence = [("periksa.json".to_string(), b"{}".to_vec())];
        let rep = publish(&p.target, &report, &p.opts(1, None, false), &evidence).expect("publish");
        let id = rep.release.clone().expect("a release");
        assert!(id.starts_with("000001-20261203T100100Z-"), "{id}");
        assert_eq!(rep.outcome, Outcome::Published);
        assert_eq!(rep.previous, None);
        assert_eq!(current(p.root()).as_deref(), Some(id.as_str()));
        assert_eq!(releases(p.root()), std::slice::from_ref(&id));
        // `current` is a relative link, so the deploy folder can move.
        assert_eq!(
            std::fs::read_link(p.root().join(CURRENT)).expect("link"),
            Path::new(RELEASES).join(&id)
        );
        assert_eq!(p.live("dinkes", "index.html").as_deref(), Some(&index[..]));
        assert_eq!(p.live("dinkes", "a/b/kecil.txt").as_deref(), Some(small));
        // Siblings for a large page, none for a small file.
        let gz = p.live("dinkes", "index.html.gz").expect("gz sibling");
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain)
            .expect("gunzip");
        assert_eq!(plain, index);
        assert!(p.live("dinkes", "index.html.br").is_some());
        assert!(p.live("dinkes", "a/b/kecil.txt.gz").is_none());
        assert!(p.live("dinkes", "pendek.txt.gz").is_none());
        assert!(p.live("dinkes", "data.json.br").is_none());
        assert_eq!(p.live("dinkes", "data.json.gz").as_deref(), Some(own_gz));
        assert!(p.live("dinkes", "logo.png.gz").is_none());
        // The manifest and the evidence travel with the release.
        let m = manifest(p.root(), &id).expect("manifest");
        assert_eq!(m.release, id);
        assert_eq!(m.hosts.len(), 2);
        assert_eq!(rep.evidence.len(), 1);
        assert_eq!(
            std::fs::read(
                p.root()
                    .join(RELEASES)
                    .join(&id)
                    .join(&rep.evidence[0].path)
            )
            .expect("evidence"),
            b"{}"
        );
        // Two log entries: `switching` before, the outcome after.
        let log = p.log();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].result, LogResult::Switching);
        assert!(log[0].published.is_empty());
        assert_eq!(log[1].result, LogResult::Published);
        assert_eq!(log[1].release.as_deref(), Some(id.as_str()));
        assert_eq!(hosts(&log[1].published), ["dinkes", "dukcapil"]);
        assert_eq!(log[1].evidence, rep.evidence);
        assert_eq!(log[1].base, None);
    }

    #[test]
    fn unchanged_files_are_linked_blocked_sites_kept_and_removed_sites_dropped() {
        let p = Project::new();
        let (old, same, new) = (page("Lama"), page("Sama"), page("Baru"));
        let first = p.publish(
            &p.build(&[
                (
                    "dinkes",
                    &[("index.html", &old), ("sama.html", &same)],
                    false,
                ),
                ("dukcapil", &[("index.html", &old)], false),
                ("bappeda", &[("index.html", &old)], false),
            ]),
            1,
        );
        let r1 = first.release.expect("first");
        // dinkes changes a page; dukcapil is broken; bappeda's folder is
        // gone; disdik is new but broken.
        let rep = p.publish(
            &p.build(&[
                (
                    "dinkes",
                    &[("index.html", &new), ("sama.html", &same)],
                    false,
                ),
                ("dukcapil", &[("index.html", &new)], true),
                ("disdik", &[("index.html", &new)], true),
            ]),
            2,
        );
        let r2 = rep.release.clone().expect("second");
        assert!(r2.starts_with("000002-"), "{r2}");
        assert_eq!(rep.outcome, Outcome::PartlyBlocked);
        assert_eq!(rep.previous.as_deref(), Some(r1.as_str()));
        assert_eq!(p.live("dinkes", "index.html"), Some(new.clone()));
        // The unchanged page and its siblings are the same inodes as before.
        for f in ["sama.html", "sama.html.gz", "sama.html.br"] {
            let ino = |r: &str| std::fs::metadata(p.file(r, "dinkes", f)).expect(f).ino();
            assert_eq!(ino(&r1), ino(&r2), "{f}");
        }
        let ino = |r: &str| {
            std::fs::metadata(p.file(r, "dinkes", "index.html"))
                .expect("i")
                .ino()
        };
        assert_ne!(ino(&r1), ino(&r2));
        // The blocked site keeps what was live, marked kept.
        assert_eq!(p.live("dukcapil", "index.html"), Some(old.clone()));
        let m = manifest(p.root(), &r2).expect("manifest");
        let status = |h: &str| {
            m.hosts
                .iter()
                .find(|x| x.host == format!("{h}.contoh.go.id"))
                .map(|x| x.status)
        };
        assert_eq!(status("dinkes"), Some(HostStatus::Built));
        assert_eq!(status("dukcapil"), Some(HostStatus::Kept));
        // Neither the never-published site nor the removed one is there.
        assert_eq!(status("disdik"), None);
        assert_eq!(status("bappeda"), None);
        assert!(p.live("bappeda", "index.html").is_none());
        let last = p.log().pop().expect("entry");
        assert_eq!(last.result, LogResult::PartlyBlocked);
        assert_eq!(hosts(&last.published), ["dinkes"]);
        assert_eq!(hosts(&last.blocked), ["disdik", "dukcapil"]);
        assert_eq!(hosts(&last.removed), ["bappeda"]);
        assert_eq!(last.previous.as_deref(), Some(r1.as_str()));

        // Rolling back brings the removed site back, and is logged.
        let back = p.rollback(None).expect("rollback");
        assert_eq!(
            (back.from.as_deref(), back.to.as_str()),
            (Some(r2.as_str()), r1.as_str())
        );
        assert_eq!(current(p.root()).as_deref(), Some(r1.as_str()));
        assert_eq!(p.live("bappeda", "index.html"), Some(old));
        let last = p.log().pop().expect("entry");
        assert_eq!(last.action, "rollback");
        assert_eq!(last.result, LogResult::RolledBack);
        assert_eq!(hosts(&last.published), ["bappeda", "dinkes", "dukcapil"]);
        // Forward again by id; an unknown id names the known ones.
        p.rollback(Some(&r2)).expect("forward");
        assert_eq!(current(p.root()).as_deref(), Some(r2.as_str()));
        match p.rollback(Some("000009-x")) {
            Err(PublishError::UnknownRelease { id, known }) => {
                assert_eq!(id, "000009-x");
                assert_eq!(known, [r1.clone(), r2.clone()]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn without_current_the_newest_complete_release_is_the_base() {
        let p = Project::new();
        let (a, b) = (page("A"), page("B"));
        let site = |x: &[u8], broken| {
            p.build(&[
                ("dinkes", &[("index.html", x)], false),
                ("dukcapil", &[("index.html", x)], broken),
            ])
        };
        let r1 = p.publish(&site(&a, false), 1).release.expect("r1");
        let r2 = p.publish(&site(&b, false), 2).release.expect("r2");
        std::fs::remove_file(p.root().join(CURRENT)).expect("rm current");
        assert_eq!(current(p.root()), None);
        // A release folder whose manifest names another id is not a base.
        let fake = p.root().join(RELEASES).join("000007-palsu");
        std::fs::create_dir_all(&fake).expect("mkdir");
        std::fs::copy(
            p.root().join(RELEASES).join(&r1).join(MANIFEST),
            fake.join(MANIFEST),
        )
        .expect("copy");
        assert_eq!(base(p.root()).map(|(id, _)| id), Some(r2.clone()));
        std::fs::remove_dir_all(&fake).expect("rm");
        let rep = p.publish(&site(&a, true), 3);
        // dukcapil is blocked and carried from r2, not dropped.
        assert_eq!(p.live("dukcapil", "index.html"), Some(b));
        assert_eq!(p.live("dinkes", "index.html"), Some(a));
        assert_eq!(rep.previous, None);
        let last = p.log().pop().expect("entry");
        assert_eq!(last.base.as_deref(), Some(r2.as_str()));
        assert_eq!(last.previous, None);
        // With `current` in place the base is the live release, not logged.
        p.publish(&site(&page("C"), false), 4);
        assert_eq!(p.log().pop().expect("entry").base, None);
        // A dangling `current` is no release at all.
        std::fs::remove_file(p.root().join(CURRENT)).expect("rm");
        std::os::unix::fs::symlink("releases/000099-hilang", p.root().join(CURRENT)).expect("ln");
        assert_eq!(current(p.root()), None);
        // Rollback without a live release goes to the newest one.
        let newest = releases(p.root()).pop().expect("newest");
        assert_eq!(p.rollback(None).expect("rollback").to, newest);
    }

    #[test]
    fn releases_sort_by_number_and_old_ones_are_pruned_but_never_the_live_ones() {
        let p = Project::new();
        let rel = p.root().join(RELEASES);
        for id in ["9-a", "10-a", "000002-b", ".tmp-123", "000011-c"] {
            std::fs::create_dir_all(rel.join(id)).expect("mkdir");
            if id != "000011-c" {
                std::fs::write(rel.join(id).join(MANIFEST), "{}").expect("write");
            }
        }
        // Hidden and incomplete folders are no releases; 10 comes after 9.
        assert_eq!(releases(p.root()), ["000002-b", "9-a", "10-a"]);
        assert_eq!(next_id(p.root(), "x"), "000011-x");
        assert_eq!(seq("abc-1"), 0);
        let removed = prune(p.root(), 1, &[Some("000002-b"), None]);
        assert_eq!(removed, ["9-a"]);
        assert_eq!(releases(p.root()), ["000002-b", "10-a"]);
        assert!(!rel.join(".tmp-del-9-a").exists());
        assert!(prune(p.root(), 5, &[]).is_empty());

        // Through publish: keep 1 still keeps the live and the previous one.
        let q = Project::new();
        let mut ids: Vec<String> = Vec::new();
        for m in 0..4 {
            let report = q.build(&[("dinkes", &[("index.html", &page(&m.to_string()))], false)]);
            let rep =
                publish(&q.target, &report, &q.opts(m, Some(1), false), &[]).expect("publish");
            if m == 3 {
                assert_eq!(rep.pruned, [ids[1].clone()]);
            }
            ids.push(rep.release.expect("id"));
        }
        assert_eq!(releases(q.root()), ids[2..]);
    }

    #[test]
    fn what_a_killed_publish_left_is_removed_and_a_failed_one_logs_nothing_live() {
        let p = Project::new();
        let a = page("A");
        let r1 = p
            .publish(&p.build(&[("dinkes", &[("index.html", &a)], false)]), 1)
            .release;
        let tmp_release = p.root().join(RELEASES).join(".tmp-4242");
        std::fs::create_dir_all(tmp_release.join("x")).expect("mkdir");
        let tmp_link = p.root().join(".current.tmp-4242");
        std::os::unix::fs::symlink("releases/x", &tmp_link).expect("ln");
        std::fs::write(p.root().join("catatan.txt"), "tetap").expect("write");
        // A build whose file vanished from public/ before the publish.
        let report = p.build(&[("dinkes", &[("index.html", &page("B"))], false)]);
        std::fs::remove_file(report.out.join("dinkes.contoh.go.id/index.html")).expect("rm");
        let err = publish(&p.target, &report, &p.opts(2, None, false), &[]).expect_err("fails");
        assert!(matches!(err, PublishError::Laman(_)), "{err:?}");
        assert!(!tmp_release.exists() && tmp_link.symlink_metadata().is_err());
        assert!(p.root().join("catatan.txt").exists());
        let names: Vec<String> = std::fs::read_dir(p.root().join(RELEASES))
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [r1.clone().expect("r1")]);
        assert_eq!(current(p.root()), r1);
        let last = p.log().pop().expect("entry");
        assert_eq!(last.result, LogResult::Failed);
        assert!(last.published.is_empty());
        assert!(last.error.expect("error").contains("index.html"));
        // Leftovers are removed by a rollback too.
        std::fs::create_dir_all(&tmp_release).expect("mkdir");
        let _ = p.rollback(None);
        assert!(!tmp_release.exists());
    }

    #[test]
    fn a_switch_that_cannot_be_logged_does_not_happen() {
        let p = Project::new();
        let a = page("A");
        let r1 = p
            .publish(&p.build(&[("dinkes", &[("index.html", &a)], false)]), 1)
            .release;
        // publish.log replaced by a folder: the `switching` entry cannot be written.
        let log = p.root().join("publish.log");
        std::fs::remove_file(&log).expect("rm");
        std::fs::create_dir(&log).expect("mkdir");
        let report = p.build(&[("dinkes", &[("index.html", &page("B"))], false)]);
        let err = publish(&p.target, &report, &p.opts(2, None, false), &[]).expect_err("fails");
        assert!(
            matches!(
                err,
                PublishError::Unlogged {
                    happened: Happened::Stopped,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(current(p.root()), r1);
        assert_eq!(releases(p.root()), [r1.expect("r1")]);
    }

    /// A health endpoint that answers 503 to `n` requests; with `block`,
    /// it first puts a folder where `switch` makes its new link, so the
    /// switch back fails too.
    fn failing_health(
        p: &mut Project,
        n: usize,
        block: Option<PathBuf>,
    ) -> std::thread::JoinHandle<()> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        p.target.settings = toml::from_str(&format!(
            "kind = \"dir\"\nhealth_url = \"http://{{host}}/sehat\"\nhealth_connect = \"127.0.0.1:{port}\"\nhealth_timeout_secs = 10"
        ))
        .expect("settings");
        std::thread::spawn(move || {
            for stream in listener.incoming().take(n) {
                let mut stream = stream.expect("accept");
                let mut got = Vec::new();
                let mut buf = [0u8; 1024];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match std::io::Read::read(&mut stream, &mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(k) => got.extend_from_slice(&buf[..k]),
                    }
                }
                if let Some(dir) = &block {
                    std::fs::create_dir_all(dir.join("isi")).expect("block");
                }
                let _ = std::io::Write::write_all(
                    &mut stream,
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        })
    }

    #[test]
    fn a_release_that_fails_its_health_check_is_switched_back_or_said_to_be_live() {
        let (a, b) = (page("A"), page("B"));
        // The first publish: nothing to go back to, so nothing is live.
        let mut p = Project::new();
        let server = failing_health(&mut p, 1, None);
        let report = p.build(&[("dinkes", &[("index.html", &a)], false)]);
        match publish(&p.target, &report, &p.opts(1, None, false), &[]) {
            Err(PublishError::HealthFailed {
                restored, failures, ..
            }) => {
                assert_eq!(restored, None);
                assert!(failures[0].contains("answered 503"), "{failures:?}");
            }
            other => panic!("{other:?}"),
        }
        server.join().expect("server");
        assert_eq!(current(p.root()), None);
        assert!(p.root().join(CURRENT).symlink_metadata().is_err());
        let last = p.log().pop().expect("entry");
        assert_eq!(last.result, LogResult::HealthFailed);
        assert!(last.published.is_empty());

        // With a release live: it is live again.
        let mut p = Project::new();
        let r1 = p
            .publish(&p.build(&[("dinkes", &[("index.html", &a)], false)]), 1)
            .release;
        let server = failing_health(&mut p, 1, None);
        let report = p.build(&[("dinkes", &[("index.html", &b)], false)]);
        match publish(&p.target, &report, &p.opts(2, None, false), &[]) {
            Err(PublishError::HealthFailed { restored, .. }) => assert_eq!(restored, r1),
            other => panic!("{other:?}"),
        }
        server.join().expect("server");
        assert_eq!(current(p.root()), r1);
        assert_eq!(p.live("dinkes", "index.html"), Some(a.clone()));

        // The switch back fails as well: the log and the error say that
        // the release that failed its check is what is live.
        let mut p = Project::new();
        let r1 = p
            .publish(&p.build(&[("dinkes", &[("index.html", &a)], false)]), 1)
            .release;
        let block = p
            .root()
            .join(format!(".current.tmp-{}", std::process::id()));
        let server = failing_health(&mut p, 1, Some(block));
        let report = p.build(&[("dinkes", &[("index.html", &b)], false)]);
        let new = match publish(&p.target, &report, &p.opts(2, None, false), &[]) {
            Err(PublishError::HealthFailedLive {
                release,
                previous,
                restore,
                failures,
            }) => {
                assert_eq!(previous, r1);
                assert!(!restore.is_empty());
                assert!(failures[0].contains("answered 503"), "{failures:?}");
                release
            }
            other => panic!("{other:?}"),
        };
        server.join().expect("server");
        assert_eq!(current(p.root()).as_deref(), Some(new.as_str()));
        assert_eq!(p.live("dinkes", "index.html"), Some(b));
        let last = p.log().pop().expect("entry");
        assert_eq!(last.result, LogResult::HealthFailed);
        assert_eq!(hosts(&last.published), ["dinkes"]);
        let error = last.error.expect("error");
        assert!(
            error.contains(&format!("switching back to {} failed", r1.expect("r1"))),
            "{error}"
        );
    }

    #[test]
    fn the_file_check_after_a_switch_reads_through_current() {
        let p = Project::new();
        let (a, b) = (page("A"), page("B"));
        let r1 = p
            .publish(&p.build(&[("dinkes", &[("index.html", &a)], false)]), 1)
            .release
            .expect("r1");
        let r2 = p
            .publish(&p.build(&[("dinkes", &[("index.html", &b)], false)]), 2)
            .release
            .expect("r2");
        let m2 = manifest(p.root(), &r2).expect("m2");
        let m1 = manifest(p.root(), &r1).expect("m1");
        assert!(check(&p.target, p.root(), &m2).is_empty());
        let wrong = check(&p.target, p.root(), &m1);
        assert_eq!(wrong, [format!("current does not lead to {r1}")]);
        // A damaged file of the release to roll back to: the rollback is
        // undone and logged as failed.
        std::fs::write(p.file(&r1, "dinkes", "index.html"), "rusak").expect("write");
        match p.rollback(None) {
            Err(PublishError::HealthFailed {
                release,
                restored,
                failures,
            }) => {
                assert_eq!(release, r1);
                assert_eq!(restored.as_deref(), Some(r2.as_str()));
                assert_eq!(
                    failures,
                    ["dinkes.contoh.go.id: index.html missing or wrong size"]
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(current(p.root()).as_deref(), Some(r2.as_str()));
        let last = p.log().pop().expect("entry");
        assert_eq!(
            (last.action.as_str(), last.result),
            ("rollback", LogResult::HealthFailed)
        );
        assert!(last.error.expect("error").contains("wrong size"));
        // A lone release has nothing before it.
        let q = Project::new();
        q.publish(&q.build(&[("dinkes", &[("index.html", &a)], false)]), 1);
        assert!(matches!(
            q.rollback(None),
            Err(PublishError::NothingToRollBack { .. })
        ));
    }
}
