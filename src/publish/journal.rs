//! The publish lock (`publish.lock`, held with `flock` for the whole run)
//! and the append-only publish log (`publish.log`, JSON Lines).

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::{NetlifyDeploy, PublishError};

/// Lock file name in the target folder.
pub const LOCK: &str = "publish.lock";
/// Log file name in the target folder (defined with the log's readers).
pub use super::record::LOG;

/// An exclusive lock on a target, released when dropped (or when the
/// process dies: the kernel drops `flock` locks with the descriptor).
#[derive(Debug)]
pub struct Lock {
    file: File,
}

impl Lock {
    /// Takes the lock of the target folder `dir` (created if missing) and
    /// writes who holds it into the file; fails at once when it is held.
    pub fn acquire(dir: &Path, who: &str, now: DateTime<Utc>) -> Result<Lock, PublishError> {
        use rustix::fs::{FlockOperation, flock};
        std::fs::create_dir_all(dir).map_err(|e| PublishError::io(dir, e))?;
        let path = dir.join(LOCK);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| PublishError::io(&path, e))?;
        if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(PublishError::Locked {
                path,
                holder: (!holder.is_empty()).then(|| holder.to_string()),
            });
        }
        let line = format!(
            "{who}, pid {}, since {}",
            std::process::id(),
            now.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        // The holder line is a courtesy to the next caller: on a full disk
        // it cannot be written, and the flock alone is the lock.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind().map(|_| ()))
            .and_then(|()| file.write_all(line.as_bytes()));
        Ok(Lock { file })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

/// One line of `publish.log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// `--as`, else `$USER`.
    pub who: String,
    /// RFC 3339 UTC.
    pub when: String,
    /// `publish`, `rollback` or `backup`.
    pub action: String,
    /// Target name.
    pub target: String,
    /// `dir` or `netlify`.
    pub kind: String,
    /// Release made live (dir) or publish id (netlify), if any.
    pub release: Option<String>,
    /// What was live before.
    pub previous: Option<String>,
    /// Hosts that went out.
    #[serde(default)]
    pub published: Vec<String>,
    /// Hosts held back by the gate.
    #[serde(default)]
    pub blocked: Vec<String>,
    /// Hosts taken out of the release because their site folder is gone
    /// (dir target; listed with the outcome, like `published`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Hosts whose site folder is gone that stay live on the target
    /// (a Netlify site laman does not delete; it still has a site id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_live: Vec<String>,
    /// Hosts that were to go out (or be restored) and did not: what was
    /// live on them before still is. With `published`, says exactly what
    /// a half-succeeded run changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<String>,
    /// How the run ended (see [`LogResult`]).
    pub result: LogResult,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The release blocked sites were carried from, when `current` led to
    /// no complete release (removed by hand, dangling) and the newest
    /// complete one stood in for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Netlify deploys (and restores).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deploys: Vec<NetlifyDeploy>,
    /// A `backup` entry: the outcome per destination (its `published`
    /// lists the hosts the archived release holds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backups: Vec<BackupOutcome>,
    /// The release's evidence (OPS-002): files under
    /// `releases/<id>/.laman/bukti/` with their SHA-256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<super::evidence::EvidenceFile>,
}

impl LogEntry {
    /// An entry with the fixed fields filled.
    pub fn new(who: &str, now: DateTime<Utc>, action: &str, target: &super::Target) -> Self {
        LogEntry {
            who: who.to_string(),
            when: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            action: action.to_string(),
            target: target.name.clone(),
            kind: match target.kind() {
                super::settings::TargetKind::Dir => "dir".into(),
                super::settings::TargetKind::Netlify => "netlify".into(),
            },
            release: None,
            previous: None,
            published: Vec::new(),
            blocked: Vec::new(),
            removed: Vec::new(),
            left_live: Vec::new(),
            failed: Vec::new(),
            result: LogResult::Switching,
            error: None,
            base: None,
            deploys: Vec::new(),
            backups: Vec::new(),
            evidence: Vec::new(),
        }
    }
}

/// How a publish or rollback ended, as publish.log spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogResult {
    /// Written before `current` moves; the entry after it says how it ended.
    Switching,
    /// Every host went out.
    Published,
    /// Blocked sites kept their live version; the others went out.
    PartlyBlocked,
    /// Some hosts switched, those in `failed` did not.
    PartlyFailed,
    /// The health check failed (and the previous release was restored,
    /// unless the entry's error says otherwise).
    HealthFailed,
    /// A rollback went through.
    RolledBack,
    /// No host switched.
    Failed,
    /// A `backup` entry: every destination holds a verified copy.
    BackedUp,
    /// A `backup` entry: some destination failed (see its `error`).
    BackupFailed,
}

impl LogResult {
    /// The word in publish.log.
    pub fn as_str(self) -> &'static str {
        match self {
            LogResult::Switching => "switching",
            LogResult::Published => "published",
            LogResult::PartlyBlocked => "partly-blocked",
            LogResult::PartlyFailed => "partly-failed",
            LogResult::HealthFailed => "health-failed",
            LogResult::RolledBack => "rolled-back",
            LogResult::Failed => "failed",
            LogResult::BackedUp => "backed-up",
            LogResult::BackupFailed => "backup-failed",
        }
    }
}

/// Appends one entry (one `write` of one line, then `fsync`).
pub fn append(dir: &Path, entry: &LogEntry) -> Result<(), PublishError> {
    write(dir, entry).map_err(|(path, e)| PublishError::io(path, e))
}

/// Appends one entry; the error names the log file. A short write (a full
/// disk) is truncated away again, so a later line never starts mid-line.
pub fn write(dir: &Path, entry: &LogEntry) -> Result<(), (PathBuf, std::io::Error)> {
    let path: PathBuf = dir.join(LOG);
    let fail = |e| (path.clone(), e);
    let mut line = serde_json::to_vec(entry).map_err(|e| fail(std::io::Error::other(e)))?;
    line.push(b'\n');
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(fail)?;
    let before = f.metadata().map(|m| m.len()).ok();
    let written = f.write_all(&line).and_then(|()| f.sync_data());
    if written.is_err() {
        if let Some(len) = before {
            let _ = f.set_len(len);
        }
    }
    written.map_err(fail)
}

/// Reads every entry (lines that do not parse are skipped).
pub fn read(dir: &Path) -> Vec<LogEntry> {
    std::fs::read_to_string(dir.join(LOG))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// One destination's outcome for one release (a publish.log `backups` item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupOutcome {
    /// The destination's name (`name`, else `path` as written).
    pub destination: String,
    /// `pusat-data` or `off-site`.
    pub place: super::settings::BackupPlace,
    /// The archive written (absolute path), when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Its SHA-256 (lowercase hex), as written and as read back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Its size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Read back after writing and its digest matched.
    pub verified: bool,
    /// The destination is on the same file system as the release: a copy
    /// on the serving machine's own disk, whatever `place` says (recorded
    /// for the auditor; laman cannot see where a mount physically is).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub same_file_system: bool,
    /// Older release archives removed here after this one was verified
    /// (`keep`), file names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pruned: Vec<String>,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_and_names_the_holder() {
        let d = tempfile::tempdir().expect("tmp");
        let now = chrono::DateTime::from_timestamp(0, 0).expect("t");
        let held = Lock::acquire(d.path(), "budi", now).expect("first");
        match Lock::acquire(d.path(), "sari", now) {
            Err(PublishError::Locked { holder, .. }) => {
                assert!(holder.expect("holder").starts_with("budi, pid "));
            }
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(held);
        Lock::acquire(d.path(), "sari", now).expect("free again");
    }
}
