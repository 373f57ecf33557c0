//! The bounded history that `laman laporan` reads (OPS-003, #11 item 6):
//! the check results of every publish and the findings of every nightly
//! `laman conformance` run, one JSON file each under
//! `<project>/.laman/riwayat/`. `publish` and `conformance` add a file
//! after they have done their work (a history that cannot be written is
//! reported, never undoes a publish); every write prunes what is older
//! than [`KEEP_DAYS`] and keeps at most [`KEEP_FILES`] files of a kind.
//!
//! ```text
//! .laman/riwayat/periksa/20261103T020000Z.json       one publish
//! .laman/riwayat/conformance/20261104T010000Z.json   one night
//! ```
//!
//! The files are data (docs/laporan.md): the check record holds the
//! build's `laman/check/1` JSON as it was, so a report of a past month
//! shows the findings with the articles they were shown with then.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;

/// The history folder under the project folder.
pub const DIR: &str = ".laman/riwayat";
/// Check results per publish.
pub const CHECKS: &str = "periksa";
/// Nightly conformance runs.
pub const NIGHTS: &str = "conformance";
/// Files older than this many days are removed when a new one is written
/// (a year's report and the month before it).
pub const KEEP_DAYS: i64 = 400;
/// At most this many files of a kind are kept (several publishes a day).
pub const KEEP_FILES: usize = 2000;

/// Schema of a check record.
pub const CHECK_SCHEMA: &str = "laman/riwayat-periksa/1";
/// Schema of a night record.
pub const NIGHT_SCHEMA: &str = "laman/riwayat-conformance/1";

/// One publish: when, where to, which sites went out and which were held
/// back, and the build's check results (`laman/check/1`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckRecord {
    /// [`CHECK_SCHEMA`].
    pub schema: String,
    /// When the publish ran (UTC).
    #[serde(with = "crate::conformance::rfc3339")]
    pub when: DateTime<Utc>,
    /// Target name.
    pub target: String,
    /// Release or publish id.
    #[serde(default)]
    pub release: Option<String>,
    /// Site folders that went out.
    #[serde(default)]
    pub published: Vec<String>,
    /// Site folders the gate held back.
    #[serde(default)]
    pub blocked: Vec<String>,
    /// The build's report, as `laman check --format json` writes it.
    pub check: Value,
}

/// One host of a night and the agency that answers for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NightHost {
    /// FQDN.
    pub host: String,
    /// Site folder, subdomain label, `apex` or `www`.
    pub owner: String,
}

/// One nightly conformance run: the hosts checked and every finding
/// (pass, fail, inconclusive), as findings.jsonl holds them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NightRecord {
    /// [`NIGHT_SCHEMA`].
    pub schema: String,
    /// When the run started (UTC).
    #[serde(with = "crate::conformance::rfc3339")]
    pub when: DateTime<Utc>,
    /// The hosts checked.
    pub hosts: Vec<NightHost>,
    /// The findings (`conformance::Recorded`).
    pub findings: Vec<crate::conformance::Recorded>,
}

impl NightRecord {
    /// The record of a run that started at `when`.
    pub fn of(r: &crate::conformance::ConformanceReport, when: DateTime<Utc>) -> Self {
        NightRecord {
            schema: NIGHT_SCHEMA.to_string(),
            when,
            hosts: r
                .targets
                .iter()
                .map(|t| NightHost {
                    host: t.host.clone(),
                    owner: t.owner.clone(),
                })
                .collect(),
            findings: r.findings.iter().map(|f| f.record()).collect(),
        }
    }
}

/// A file of the history that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

/// Everything in the history folder, oldest first.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Publishes.
    pub checks: Vec<CheckRecord>,
    /// Nights.
    pub nights: Vec<NightRecord>,
    /// Files that are not records (reported, never fatal).
    pub unreadable: Vec<Unreadable>,
}

fn stamp(when: DateTime<Utc>) -> String {
    when.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Writes `value` as `<root>/.laman/riwayat/<kind>/<stamp>.json` through a
/// temporary file and a rename, then prunes the kind; returns the file.
fn put(
    root: &Path,
    kind: &str,
    when: DateTime<Utc>,
    value: &impl Serialize,
) -> Result<PathBuf, Error> {
    let dir = root.join(DIR).join(kind);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let bytes = serde_json::to_vec(value).map_err(|e| Error::io(&dir, std::io::Error::other(e)))?;
    let base = stamp(when);
    // Two records in one second (a publish to two targets) both stay.
    let mut name = format!("{base}.json");
    let mut n = 2;
    while dir.join(&name).exists() {
        name = format!("{base}-{n}.json");
        n += 1;
    }
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, &bytes)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(&path, e)
        })?;
    prune(&dir, when);
    Ok(path)
}

/// The record files of one kind, by name (their names sort by time).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "json")
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The time a record file's name says (`20261103T020000Z[-2].json`).
fn time_of(path: &Path) -> Option<DateTime<Utc>> {
    let name = path.file_stem()?.to_str()?;
    let stamp = name.split('-').next()?;
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|t| t.and_utc())
}

/// Removes records older than [`KEEP_DAYS`] before `now`, then the oldest
/// beyond [`KEEP_FILES`]. Only files named as records are touched; a
/// failure to remove one is left for the next write.
fn prune(dir: &Path, now: DateTime<Utc>) {
    let cutoff = now - chrono::Duration::days(KEEP_DAYS);
    let mut kept: Vec<PathBuf> = Vec::new();
    for f in files(dir) {
        match time_of(&f) {
            Some(t) if t < cutoff => {
                let _ = std::fs::remove_file(&f);
            }
            Some(_) => kept.push(f),
            None => {}
        }
    }
    let extra = kept.len().saturating_sub(KEEP_FILES);
    for f in &kept[..extra] {
        let _ = std::fs::remove_file(f);
    }
}

/// Records one publish under `root`.
pub fn record_check(root: &Path, record: &CheckRecord) -> Result<PathBuf, Error> {
    put(root, CHECKS, record.when, record)
}

/// Records one nightly run under `root`.
pub fn record_night(root: &Path, record: &NightRecord) -> Result<PathBuf, Error> {
    put(root, NIGHTS, record.when, record)
}

fn read_kind<T: serde::de::DeserializeOwned>(
    dir: &Path,
    schema: &str,
    unreadable: &mut Vec<Unreadable>,
) -> Vec<T> {
    let mut out = Vec::new();
    for path in files(dir) {
        let bad = |reason: String| Unreadable {
            path: path.clone(),
            reason,
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                unreadable.push(bad(e.to_string()));
                continue;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                unreadable.push(bad(format!(
                    "baris {}, kolom {}: {e}",
                    e.line(),
                    e.column()
                )));
                continue;
            }
        };
        if value.get("schema").and_then(Value::as_str) != Some(schema) {
            unreadable.push(bad(format!("bukan {schema}")));
            continue;
        }
        match serde_json::from_value(value) {
            Ok(r) => out.push(r),
            Err(e) => unreadable.push(bad(e.to_string())),
        }
    }
    out
}

/// Reads the whole history of the project at `root` (an absent folder is
/// an empty history).
pub fn read(root: &Path) -> History {
    let base = root.join(DIR);
    let mut unreadable = Vec::new();
    let mut checks: Vec<CheckRecord> = read_kind(&base.join(CHECKS), CHECK_SCHEMA, &mut unreadable);
    let mut nights: Vec<NightRecord> = read_kind(&base.join(NIGHTS), NIGHT_SCHEMA, &mut unreadable);
    checks.sort_by_key(|c| c.when);
    nights.sort_by_key(|n| n.when);
    History {
        checks,
        nights,
        unreadable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").to_utc()
    }

    fn check(when: &str) -> CheckRecord {
        CheckRecord {
            schema: CHECK_SCHEMA.into(),
            when: at(when),
            target: "produksi".into(),
            release: Some("r1".into()),
            published: vec!["dinkes".into()],
            blocked: vec![],
            check: serde_json::json!({"schema": "laman/check/1", "findings": []}),
        }
    }

    #[test]
    fn records_are_read_back_oldest_first_and_two_in_one_second_both_stay() {
        let d = tempfile::tempdir().expect("tmp");
        record_check(d.path(), &check("2026-11-03T02:00:00Z")).expect("write");
        record_check(d.path(), &check("2026-11-01T02:00:00Z")).expect("write");
        record_check(d.path(), &check("2026-11-03T02:00:00Z")).expect("write");
        let h = read(d.path());
        let whens: Vec<String> = h.checks.iter().map(|c| c.when.to_rfc3339()).collect();
        assert_eq!(
            whens,
            [
                "2026-11-01T02:00:00+00:00",
                "2026-11-03T02:00:00+00:00",
                "2026-11-03T02:00:00+00:00"
            ]
        );
        assert!(h.unreadable.is_empty());
    }

    #[test]
    fn a_new_record_prunes_what_is_older_than_the_bound_and_nothing_else() {
        let d = tempfile::tempdir().expect("tmp");
        record_check(d.path(), &check("2025-09-01T00:00:00Z")).expect("write");
        record_check(d.path(), &check("2025-11-01T00:00:00Z")).expect("write");
        let other = d.path().join(DIR).join(CHECKS).join("catatan.txt");
        std::fs::write(&other, "milik operator").expect("write");
        // 400 days before 2026-11-03 is 2025-09-29: the September record goes.
        record_check(d.path(), &check("2026-11-03T00:00:00Z")).expect("write");
        let h = read(d.path());
        assert_eq!(h.checks.len(), 2);
        assert_eq!(h.checks[0].when, at("2025-11-01T00:00:00Z"));
        assert!(other.exists(), "a file that is no record is never removed");
    }

    #[test]
    fn a_broken_file_is_reported_with_its_line_and_the_rest_is_read() {
        let d = tempfile::tempdir().expect("tmp");
        record_check(d.path(), &check("2026-11-03T02:00:00Z")).expect("write");
        let dir = d.path().join(DIR).join(CHECKS);
        std::fs::write(dir.join("20261104T000000Z.json"), "{\n  \"schema\": ").expect("write");
        std::fs::write(dir.join("20261105T000000Z.json"), "{\"schema\": \"lain\"}").expect("write");
        let h = read(d.path());
        assert_eq!(h.checks.len(), 1);
        assert_eq!(h.unreadable.len(), 2, "{:?}", h.unreadable);
        assert!(
            h.unreadable[0].reason.starts_with("baris 2"),
            "{:?}",
            h.unreadable
        );
    }
}
