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
