//! publish.log as the stages below `laman publish` read it: the backups
//! it recorded, which OPS-001 measures (#11 item 4). Only the fields read
//! here are parsed (`journal::LogEntry` is the whole entry as publish
//! writes it), so the rules and the build depend on the log's format,
//! not on the code that deploys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Deserialize;

use super::settings::{BackupPlace, PublishSettings};

/// The log's file name in a target folder.
pub const LOG: &str = "publish.log";

/// The fields of a publish.log entry read here.
#[derive(Debug, Deserialize)]
struct Entry {
    action: String,
    when: String,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    published: Vec<String>,
    #[serde(default)]
    backups: Vec<Outcome>,
}

/// The fields of one backup outcome (`backup::BackupOutcome`) read here.
#[derive(Debug, Deserialize)]
struct Outcome {
    destination: String,
    place: BackupPlace,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    error: Option<String>,
}

/// The entries of `<dir>/publish.log` this module can read (a line that is
/// not one is skipped, as `journal::read` does).
fn read(dir: &Path) -> Vec<Entry> {
    std::fs::read_to_string(dir.join(LOG))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// What publish.log says about backups, as OPS-001 reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measured {
    /// The configured destinations: name and place.
    pub destinations: Vec<(String, BackupPlace)>,
    /// Per host, per destination: the newest outcome for a release that
    /// holds the host.
    pub latest: BTreeMap<String, BTreeMap<String, Seen>>,
    /// Per host, per destination: the newest verified copy.
    pub verified: BTreeMap<String, BTreeMap<String, Seen>>,
}

/// One outcome as seen in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The day of the backup in the regency's time zone.
    pub day: NaiveDate,
    /// The release archived.
    pub release: String,
    /// The destination.
    pub destination: String,
    /// Its place.
    pub place: BackupPlace,
    /// Verified copy.
    pub verified: bool,
    /// The failure, when not.
    pub error: Option<String>,
}

/// The backups `laman publish` recorded in the logs of the `dir` targets
/// of `settings` (every one, or `deploy/` when none is configured), or
/// `None` when laman.toml names no destination (then OPS-001 reads
/// site.toml's `[backup]` as before).
/// The folders of the targets (their `path`, else `deploy/` or
/// `deploy/netlify/`), as `publish::resolve_target` places them, whose
/// publish.log records backups; `deploy/` when none is named.
fn folders(s: &PublishSettings, root: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = s
        .targets
        .values()
        .map(|t| root.join(t.path.as_deref().unwrap_or(t.kind.default_path())))
        .collect();
    if s.targets.is_empty() {
        folders.push(root.join("deploy"));
    }
    folders
}

/// The size and modification time of every publish.log [`measured`]
/// reads: while it is the same, so is what `measured` returns (the preview
/// asks on every edit; a log grows by two entries a publish, for years).
pub fn stamp(settings: Option<&PublishSettings>, root: &Path) -> Vec<Option<(u64, SystemTime)>> {
    let Some(s) = settings.filter(|s| !s.backup.is_empty()) else {
        return Vec::new();
    };
    folders(s, root)
        .iter()
        .map(|f| {
            let m = std::fs::metadata(f.join(LOG)).ok()?;
            Some((m.len(), m.modified().ok()?))
        })
        .collect()
}

pub fn measured(
    settings: Option<&PublishSettings>,
    root: &Path,
    offset: FixedOffset,
) -> Option<Measured> {
    let s = settings.filter(|s| !s.backup.is_empty())?;
    let mut m = Measured {
        destinations: s
            .backup
            .iter()
            .map(|b| (b.shown().to_string(), b.place))
            .collect(),
        ..Measured::default()
    };
    let mut entries: Vec<Entry> = folders(s, root)
        .iter()
        .flat_map(|f| read(f))
        .filter(|e| e.action == "backup")
        .collect();
    entries.sort_by(|a, b| a.when.cmp(&b.when));
    for e in entries {
        let Ok(when) = DateTime::parse_from_rfc3339(&e.when) else {
            continue;
        };
        let day = when.with_timezone(&offset).date_naive();
        for o in &e.backups {
            let seen = Seen {
                day,
                release: e.release.clone().unwrap_or_default(),
                destination: o.destination.clone(),
                place: o.place,
                verified: o.verified,
                error: o.error.clone(),
            };
            for host in &e.published {
                m.latest
                    .entry(host.clone())
                    .or_default()
                    .insert(o.destination.clone(), seen.clone());
                if o.verified {
                    m.verified
                        .entry(host.clone())
                        .or_default()
                        .insert(o.destination.clone(), seen.clone());
                }
            }
        }
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::settings::BackupSettings;

    #[test]
    fn the_stamp_changes_when_a_publish_appends_to_the_log() {
        let d = tempfile::tempdir().expect("tmp");
        let mut s = PublishSettings::default();
        assert!(
            stamp(Some(&s), d.path()).is_empty(),
            "no destination, no log read"
        );
        s.backup.push(BackupSettings {
            path: "/mnt/x".into(),
            place: BackupPlace::OffSite,
            name: None,
            gzip: false,
            keep: None,
        });
        let none = stamp(Some(&s), d.path());
        assert_eq!(none, vec![None], "deploy/publish.log not there yet");
        std::fs::create_dir(d.path().join("deploy")).expect("deploy");
        let log = d.path().join("deploy").join(LOG);
        std::fs::write(&log, "{}\n").expect("log");
        let one = stamp(Some(&s), d.path());
        assert!(one[0].is_some());
        std::fs::write(&log, "{}\n{}\n").expect("log");
        assert_ne!(
            stamp(Some(&s), d.path()),
            one,
            "a longer log is another stamp"
        );
    }
}
