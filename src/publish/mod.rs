//! `laman publish`: build → check → deploy, with a gate per site.
//!
//! A site with any error-level finding (broken input or a content rule at
//! error level) is *blocked*: it keeps the version that is live now, and the
//! other sites go out. Two targets: `dir` (immutable release folders and an
//! atomically switched `current` symlink, served by `laman host`) and
//! `netlify` (one Netlify site per host through the `netlify` CLI).
//!
//! This module decides and does; it never prints. The CLI renders the
//! [`PublishReport`] and picks the exit code.

pub mod backup;
pub mod compress;
pub mod dir;
mod error;
pub mod evidence;
pub mod gate;
pub mod health;
pub mod hosting;
pub mod journal;
pub mod netlify;
pub mod pause;
pub mod record;
pub mod settings;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use error::{Happened, PublishError};
pub use gate::{HostAction, HostPlan};
use settings::{PublishSettings, TargetKind, TargetSettings};

use crate::build::{self, BuildOptions};
use crate::config;

/// What `laman publish` was asked to do.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// Project root (laman.toml, sites/, themes/).
    pub root: PathBuf,
    /// Target name (`--target`); default from `[publish] target`.
    pub target: Option<String>,
    /// Print the plan, change nothing.
    pub dry_run: bool,
    /// Who publishes (`--as`, else `$USER`), for the log.
    pub who: String,
    /// Now (build time and log time; injected by tests).
    pub now: DateTime<Utc>,
    /// Releases kept (`--keep`), overriding the target's `keep`.
    pub keep: Option<usize>,
}

/// What `laman publish --rollback` was asked to do.
#[derive(Debug, Clone)]
pub struct RollbackOptions {
    /// Project root.
    pub root: PathBuf,
    /// Target name.
    pub target: Option<String>,
    /// Release to go back to (default: the one before the current one).
    pub to: Option<String>,
    /// Who, for the log.
    pub who: String,
    /// Now, for the log.
    pub now: DateTime<Utc>,
}

/// A target resolved from laman.toml: its name, settings and folder.
#[derive(Debug, Clone)]
pub struct Target {
    /// Name in laman.toml (`lokal`), or `deploy` for the built-in default.
    pub name: String,
    /// Its settings.
    pub settings: TargetSettings,
    /// `path`, resolved against the project root.
    pub path: PathBuf,
}

impl Target {
    /// The kind.
    pub fn kind(&self) -> TargetKind {
        self.settings.kind
    }
}

/// The manifest of the build (written to `<out>/sites.json`, or only in
/// memory for a dry run): what goes out.
fn built_manifest(report: &build::BuildReport) -> Result<crate::output::Manifest, PublishError> {
    Ok(report.manifest.clone())
}

/// Picks the target: `--target`, else `[publish] target`, else the only
/// one, else a `dir` target at `deploy/`.
pub fn resolve_target(
    settings: Option<&PublishSettings>,
    asked: Option<&str>,
    root: &Path,
) -> Result<Target, PublishError> {
    let empty = PublishSettings::default();
    let p = settings.unwrap_or(&empty);
    let name = match (asked, &p.target) {
        (Some(a), _) => Some(a.to_string()),
        (None, Some(t)) => Some(t.clone()),
        (None, None) if p.targets.len() == 1 => p.targets.keys().next().cloned(),
        (None, None) => None,
    };
    let (name, settings) = match name {
        Some(n) => match p.targets.get(&n) {
            Some(t) => (n, t.clone()),
            None => {
                return Err(PublishError::UnknownTarget {
                    name: n,
                    known: p.targets.keys().cloned().collect(),
                });
            }
        },
        None if p.targets.is_empty() => ("deploy".to_string(), TargetSettings::dir("deploy")),
        None => {
            return Err(PublishError::NoDefaultTarget {
                known: p.targets.keys().cloned().collect(),
            });
        }
    };
    let path = root.join(
        settings
            .path
            .as_deref()
            .unwrap_or(settings.kind.default_path()),
    );
    Ok(Target {
        name,
        settings,
        path,
    })
}

/// How a publish ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Dry run: nothing changed.
    Planned,
    /// Every site went out.
    Published,
    /// Some sites were blocked; the rest went out.
    PartlyBlocked,
    /// Some deploys failed (netlify); the rest went out.
    PartlyFailed,
}

/// One Netlify deploy made (or failed) for a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NetlifyDeploy {
    /// Host.
    pub host: String,
    /// Netlify site id.
    pub site_id: String,
    /// Deploy id from the CLI's JSON, when it succeeded.
    pub deploy_id: Option<String>,
    /// Calls made (1 + retries).
    pub attempts: u32,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// The result of a publish (or of a dry run: the plan).
#[derive(Debug, Clone, Serialize)]
pub struct PublishReport {
    /// Target name.
    pub target: String,
    /// Target kind.
    pub kind: TargetKind,
    /// The new release (dir), or the publish id (netlify); `None` in a dry run.
    pub release: Option<String>,
    /// What was live before.
    pub previous: Option<String>,
    /// Every site, sorted by host.
    pub hosts: Vec<HostPlan>,
    /// Netlify deploys, in call order.
    pub deploys: Vec<NetlifyDeploy>,
    /// Releases removed after the switch (dir).
    pub pruned: Vec<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// The build's release id (public/sites.json).
    pub build_release: String,
    /// The evidence kept inside the release (OPS-002), with SHA-256.
    pub evidence: Vec<evidence::EvidenceFile>,
    /// The backup of the release, per destination (`dir` target).
    pub backups: Vec<backup::BackupOutcome>,
    /// OPS-001 findings of failed backups, with the profile's basis.
    pub backup_findings: Vec<crate::diagnostic::Diagnostic>,
    /// The check results kept for `laman laporan` (`.laman/riwayat/`):
    /// the file, or why it could not be written (the publish stands).
    pub history: Option<Result<PathBuf, String>>,
}

impl PublishReport {
    /// Hosts that went out (or would, in a dry run).
    pub fn published(&self) -> impl Iterator<Item = &HostPlan> {
        self.hosts
            .iter()
            .filter(|h| h.action == HostAction::Publish)
    }

    /// Hosts held back by the gate (not those whose site folder is gone).
    pub fn blocked(&self) -> impl Iterator<Item = &HostPlan> {
        self.hosts
            .iter()
            .filter(|h| matches!(h.action, HostAction::Blocked | HostAction::BlockedNew))
    }

    /// Live hosts whose site folder is gone: not in the new release.
    pub fn removed(&self) -> impl Iterator<Item = &HostPlan> {
        self.hosts
            .iter()
            .filter(|h| h.action == HostAction::Removed)
    }

    /// Hosts whose site folder is gone that the target leaves live (Netlify).
    pub fn left_live(&self) -> impl Iterator<Item = &HostPlan> {
        self.hosts
            .iter()
            .filter(|h| h.action == HostAction::LeftLive)
    }
}

/// The result of a rollback.
#[derive(Debug, Clone, Serialize)]
pub struct RollbackReport {
    /// Target name.
    pub target: String,
    /// Release (dir) or publish id (netlify) that was live.
    pub from: Option<String>,
    /// Release or publish id that is live now.
    pub to: String,
    /// Netlify restores, per host.
    pub restored: Vec<NetlifyDeploy>,
}

/// Build (rules on), gate, deploy to the target.
pub fn publish(opts: &PublishOptions) -> Result<PublishReport, PublishError> {
    let cfg = config::load(&opts.root)?;
    let target = resolve_target(cfg.publish.as_ref(), opts.target.as_deref(), &opts.root)?;
    // Hosting as the regulation says (#11 item 3): refused before anything runs.
    hosting_allowed(&cfg, &target, opts.now)?;
    // The lock is taken before the build: two publishes must not build
    // into the same public/ either. A dry run writes nothing, unlocked: it
    // renders in memory and hashes what it would write.
    let _lock = if opts.dry_run {
        None
    } else {
        Some(journal::Lock::acquire(&target.path, &opts.who, opts.now)?)
    };
    let mut bopts = BuildOptions::new(&opts.root);
    bopts.now = opts.now;
    bopts.rules = true;
    if opts.dry_run {
        bopts.mode = build::Mode::Plan;
    }
    // public/ is held from the build until the release is made: a `laman
    // build` (say with --drafts) must not swap it while the deploy copies
    // it. A dry run writes nothing, so it takes no lock.
    let _out_lock = if opts.dry_run {
        None
    } else {
        Some(crate::output::OutLock::acquire(&bopts.out, "publish")?)
    };
    bopts.out_locked = true;
    let built = build::build(&bopts);
    let mut checked = None;
    let mut rep = built.map_err(PublishError::from).and_then(|report| {
        pause::at("build");
        if !opts.dry_run {
            checked = Some(crate::report::json(&report, crate::diagnostic::Lang::Id));
        }
        match target.kind() {
            TargetKind::Dir => {
                let conformance = opts.root.join(
                    cfg.publish
                        .as_ref()
                        .and_then(|p| p.conformance.as_deref())
                        .unwrap_or("conformance"),
                );
                let files = evidence::gather(&report, &cfg.region.name, &conformance);
                dir::publish(&target, &report, opts, &files)
            }
            TargetKind::Netlify => netlify::publish(&target, &report, opts),
        }
    })?;
    // Live now: the backups follow, and a failing destination never undoes
    // the publish (#11 item 4). Still under the lock.
    let destinations = cfg.publish.as_ref().map_or(&[][..], |p| &p.backup[..]);
    let copy = match (&rep.release, target.kind(), destinations.is_empty()) {
        (Some(id), TargetKind::Dir, false) => {
            let hosts = dir::manifest(&target.path, id)
                .map(|m| m.hosts.into_iter().map(|h| h.host).collect())
                .unwrap_or_default();
            Some((id.clone(), backup::Source::release(&target, id), hosts))
        }
        // Netlify keeps no copy laman can read back: the copy is made of
        // what this publish sent (the hosts it deployed), from public/.
        (Some(id), TargetKind::Netlify, false) => {
            let sent: Vec<String> = rep
                .deploys
                .iter()
                .filter(|d| d.error.is_none())
                .map(|d| d.host.clone())
                .collect();
            let dirs = sent
                .iter()
                .map(|h| (h.clone(), bopts.out.join(h)))
                .collect();
            (!sent.is_empty()).then(|| (id.clone(), backup::Source::Hosts(dirs), sent))
        }
        _ => None,
    };
    if let Some((id, source, hosts)) = copy {
        rep.backups = backup::run(
            &target,
            &id,
            &source,
            hosts,
            destinations,
            &opts.root,
            &opts.who,
            opts.now,
        );
        rep.backup_findings = backup_findings(&cfg, &rep.backups);
    }
    // The check results of what went out, for the periodic report (OPS-003).
    if let Some(check) = checked {
        let record = crate::history::CheckRecord {
            schema: crate::history::CHECK_SCHEMA.to_string(),
            when: opts.now,
            target: rep.target.clone(),
            release: rep.release.clone(),
            published: rep.published().map(|h| h.site.clone()).collect(),
            blocked: rep.blocked().map(|h| h.site.clone()).collect(),
            check,
        };
        rep.history =
            Some(crate::history::record_check(&opts.root, &record).map_err(|e| e.to_string()));
    }
    Ok(rep)
}

/// Which `[[publish.backup]]` (0-based) is named `shown`.
fn destinations_index(cfg: &config::RegencyConfig, shown: &str) -> usize {
    cfg.publish
        .as_ref()
        .and_then(|p| p.backup.iter().position(|b| b.shown() == shown))
        .unwrap_or(0)
}

/// Each failed backup as an OPS-001 finding at laman.toml, with the
/// profile's article (the destination is Diskominfo's setting).
fn backup_findings(
    cfg: &config::RegencyConfig,
    outcomes: &[backup::BackupOutcome],
) -> Vec<crate::diagnostic::Diagnostic> {
    let Ok(engine) = crate::rules::Engine::new(cfg) else {
        return Vec::new();
    };
    outcomes
        .iter()
        .filter(|o| !o.verified)
        .map(|o| {
            // The destination's own table: the n-th [[publish.backup]].
            let n = destinations_index(cfg, &o.destination);
            let offset = cfg
                .source
                .match_indices("[[publish.backup]]")
                .nth(n)
                .map_or(0, |(i, _)| i);
            let at = crate::diagnostic::Location::at_offset(config::FILE_NAME, &cfg.source, offset);
            engine.finding(
                "OPS-001",
                at,
                crate::diagnostic::RuleFinding::BackupFailed {
                    destination: o.destination.clone(),
                    date: None,
                    error: o.error.clone().unwrap_or_default(),
                },
            )
        })
        .collect()
}

/// Whether the profile's regulation lets `target` serve the sites on the
/// day of `now` (src/publish/hosting.rs); the refusal names the article.
fn hosting_allowed(
    cfg: &config::RegencyConfig,
    target: &Target,
    now: DateTime<Utc>,
) -> Result<(), PublishError> {
    let today = now.with_timezone(&cfg.region.offset()).date_naive();
    hosting::check(
        cfg.region.profile,
        target.kind(),
        target.settings.approval.as_ref(),
        today,
    )
    .map_err(|(article, why)| PublishError::HostingNotAllowed {
        target: target.name.clone(),
        article: article.to_string(),
        future: match why {
            hosting::Refusal::NoDecree => None,
            hosting::Refusal::FutureDecree(d) => Some(d),
        },
    })
}

/// Switch back without rebuilding. Going back to a release on a target the
/// regulation does not allow puts the sites there as much as a publish
/// does, so it is refused the same way (#11 item 3).
pub fn rollback(opts: &RollbackOptions) -> Result<RollbackReport, PublishError> {
    let cfg = config::load(&opts.root)?;
    let target = resolve_target(cfg.publish.as_ref(), opts.target.as_deref(), &opts.root)?;
    hosting_allowed(&cfg, &target, opts.now)?;
    let _lock = journal::Lock::acquire(&target.path, &opts.who, opts.now)?;
    match target.kind() {
        TargetKind::Dir => dir::rollback(&target, opts),
        TargetKind::Netlify => netlify::rollback(&target, opts),
    }
}
