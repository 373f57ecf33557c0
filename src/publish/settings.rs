//! `[publish]` of laman.toml: where `laman publish` deploys to. Parsed with
//! the rest of laman.toml (unknown keys rejected with line and column);
//! checked once more here for what serde cannot see (a default target that
//! does not exist, a netlify target without sites, an unusable URL).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, FileKind, Location, Message};

/// `[publish]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublishSettings {
    /// Name of the target used without `--target` (default: the only target,
    /// or a `dir` target at `deploy/` when none is configured).
    #[serde(default)]
    pub target: Option<String>,
    /// `[publish.targets.<name>]`.
    #[serde(default)]
    pub targets: BTreeMap<String, TargetSettings>,
    /// `[[publish.backup]]`: where every release of a `dir` target is
    /// copied (an archive and its SHA-256, verified) after it goes live.
    #[serde(default)]
    pub backup: Vec<BackupSettings>,
    /// The folder `laman conformance` writes its report to (default
    /// `conformance`, its own default `--out`); its newest report is kept
    /// as evidence in every release (OPS-002).
    #[serde(default)]
    pub conformance: Option<String>,
}

/// Where a backup destination is, as the regulations tell places apart
/// (OPS-001): Purwakarta Perda 2/2022 Pasal 22 ayat (1) wants the backup in
/// the Pusat Data; Cianjur Perbup 25/2018 Pasal 16 ayat (3), Pangandaran
/// Perbup 47/2017 Pasal 23 ayat (3) and Bogor Perbup 11/2015 Pasal 22 ayat
/// (3) want it away from the data centre / server room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum BackupPlace {
    /// A server in the Pusat Data (Purwakarta).
    #[serde(rename = "pusat-data")]
    DataCentre,
    /// A place separate from the serving machine and its server room.
    #[serde(rename = "off-site")]
    OffSite,
}

impl BackupPlace {
    /// The word in laman.toml and publish.log.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupPlace::DataCentre => "pusat-data",
            BackupPlace::OffSite => "off-site",
        }
    }
}

/// `[[publish.backup]]`: one backup destination (docs/publish.md).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BackupSettings {
    /// The destination folder (a mounted disk or share). It must exist:
    /// laman never creates it, so an unmounted disk is a failure, not a
    /// copy on the serving machine's own disk. Relative to the project.
    pub path: String,
    /// `pusat-data` or `off-site`.
    pub place: BackupPlace,
    /// Name shown in findings and the log (default: `path`).
    #[serde(default)]
    pub name: Option<String>,
    /// gzip the archive (default false: releases hold .gz/.br already).
    #[serde(default)]
    pub gzip: bool,
    /// Keep only the newest `keep` release archives laman wrote here
    /// (default: keep all). Other files at the destination are never touched.
    #[serde(default)]
    pub keep: Option<usize>,
}

impl BackupSettings {
    /// The name shown for it.
    pub fn shown(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.path)
    }
}

/// What kind of target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// Release folders and a `current` symlink (the regency's own server).
    Dir,
    /// One Netlify site per host, through the `netlify` CLI.
    Netlify,
}

impl TargetKind {
    /// The target's folder (releases and publish.log, or netlify.json and
    /// publish.log) when laman.toml names no `path`.
    pub fn default_path(self) -> &'static str {
        match self {
            TargetKind::Dir => "deploy",
            TargetKind::Netlify => "deploy/netlify",
        }
    }
}

/// `[publish.targets.<name>]`. Keys of the other kind are rejected by
/// [`validate`].
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSettings {
    /// `dir` or `netlify`.
    pub kind: TargetKind,
    /// `dir`: the deploy root (default `deploy`); `netlify`: the folder that
    /// holds the lock, `publish.log` and `netlify.json` (default
    /// `deploy/netlify`). Relative to the project.
    #[serde(default)]
    pub path: Option<String>,
    /// `dir`: releases kept (default 5; the current and previous one are
    /// never removed).
    #[serde(default)]
    pub keep: Option<usize>,
    /// `dir`: URL fetched for every host after the switch; `{host}` is
    /// replaced by the host (default: no HTTP check, files only).
    #[serde(default)]
    pub health_url: Option<String>,
    /// `dir`: address the health check connects to (`IP` or `IP:port`;
    /// default: the URL's host as resolved by the system).
    #[serde(default)]
    pub health_connect: Option<String>,
    /// `dir`: extra PEM CA root for an `https` health URL (default: the Mozilla roots).
    #[serde(default)]
    pub health_ca: Option<String>,
    /// `dir`: seconds per health request (default 10).
    #[serde(default)]
    pub health_timeout_secs: Option<u64>,
    /// `netlify`: host → Netlify site id; `LAMAN_NETLIFY_SITE_<HOST>`
    /// overrides (see docs/publish.md).
    #[serde(default)]
    pub sites: Option<BTreeMap<String, String>>,
    /// `netlify`: the executable (default `netlify`, found on PATH).
    #[serde(default)]
    pub command: Option<String>,
    /// `netlify`: minimum milliseconds between two calls (default 1000).
    #[serde(default)]
    pub min_interval_ms: Option<u64>,
    /// `netlify`: retries after a rate-limit failure (default 5).
    #[serde(default)]
    pub retries: Option<u32>,
    /// `netlify`: first back-off in milliseconds, doubled per retry up to a
    /// minute (default 2000).
    #[serde(default)]
    pub backoff_ms: Option<u64>,
    /// The decree approving a target outside the Pusat Data (docs/publish.md).
    #[serde(default)]
    pub approval: Option<Approval>,
}

impl TargetSettings {
    /// A `dir` target at `path` with defaults.
    pub fn dir(path: &str) -> Self {
        TargetSettings {
            kind: TargetKind::Dir,
            path: Some(path.to_string()),
            keep: None,
            health_url: None,
            health_connect: None,
            health_ca: None,
            health_timeout_secs: None,
            sites: None,
            command: None,
            min_interval_ms: None,
            retries: None,
            backoff_ms: None,
            approval: None,
        }
    }

    /// The keys set that belong to the other kind.
    fn foreign_keys(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        match self.kind {
            TargetKind::Dir => {
                for (set, k) in [
                    (self.sites.is_some(), "sites"),
                    (self.command.is_some(), "command"),
                    (self.min_interval_ms.is_some(), "min_interval_ms"),
                    (self.retries.is_some(), "retries"),
                    (self.backoff_ms.is_some(), "backoff_ms"),
                ] {
                    if set {
                        v.push(k);
                    }
                }
            }
            TargetKind::Netlify => {
                for (set, k) in [
                    (self.keep.is_some(), "keep"),
                    (self.health_url.is_some(), "health_url"),
                    (self.health_connect.is_some(), "health_connect"),
                    (self.health_ca.is_some(), "health_ca"),
                    (self.health_timeout_secs.is_some(), "health_timeout_secs"),
                ] {
                    if set {
                        v.push(k);
                    }
                }
            }
        }
        v
    }
}

/// Names of the keys a `dir` target accepts.
const DIR_KEYS: &[&str] = &[
    "kind",
    "path",
    "keep",
    "health_url",
    "health_connect",
    "health_ca",
    "health_timeout_secs",
    "approval",
];
/// Names of the keys a `netlify` target accepts.
const NETLIFY_KEYS: &[&str] = &[
    "kind",
    "path",
    "sites",
    "command",
    "min_interval_ms",
    "retries",
    "backoff_ms",
    "approval",
];

/// Offset of `key` inside the table `[header]` of `text` (0 when not found).
fn offset_in_table(text: &str, header: &str, key: &str) -> usize {
    let start = text.find(header).unwrap_or(0);
    let end = text[start + 1..]
        .find("\n[")
        .map_or(text.len(), |i| start + 1 + i);
    text[start..end].find(key).map_or(start, |i| start + i)
}

/// Checks what serde cannot: the default target exists, keys fit the kind,
/// netlify targets name their sites, health URLs are http(s), keep ≥ 1.
pub fn validate(p: &PublishSettings, text: &str, path: &Path) -> Result<(), Box<Diagnostic>> {
    let at = |offset: usize, m: Message| {
        Box::new(Diagnostic::new(Location::at_offset(path, text, offset), m))
    };
    if let Some(t) = &p.target {
        if !p.targets.contains_key(t) {
            return Err(at(
                offset_in_table(text, "[publish]", "target"),
                Message::InvalidValue {
                    file: FileKind::Regency,
                    value: t.clone(),
                    allowed: p.targets.keys().cloned().collect(),
                },
            ));
        }
    }
    for (i, b) in p.backup.iter().enumerate() {
        if b.keep == Some(0) {
            let start = crate::decree::nth_table(text, "[[publish.backup]]", i);
            return Err(at(
                crate::decree::key_in_table(text, start, "keep"),
                Message::InvalidValue {
                    file: FileKind::Regency,
                    value: "0".into(),
                    allowed: vec!["1".into(), "7".into(), "30".into()],
                },
            ));
        }
        if b.path.trim().is_empty() || b.path.trim_start().starts_with("ISI:") {
            return Err(at(
                offset_in_table(text, "[[publish.backup]]", "path"),
                Message::InvalidValue {
                    file: FileKind::Regency,
                    value: b.path.clone(),
                    allowed: vec!["/mnt/cadangan-drc".into()],
                },
            ));
        }
    }
    for (name, t) in &p.targets {
        let header = format!("[publish.targets.{name}]");
        if let Some(k) = t.foreign_keys().first() {
            let expected = match t.kind {
                TargetKind::Dir => DIR_KEYS,
                TargetKind::Netlify => NETLIFY_KEYS,
            };
            return Err(at(
                offset_in_table(text, &header, k),
                Message::UnknownKey {
                    file: FileKind::Regency,
                    key: (*k).to_string(),
                    expected: expected.iter().map(|s| (*s).to_string()).collect(),
                },
            ));
        }
        if let Some(field) = t.approval.as_ref().and_then(|a| a.blank_field()) {
            return Err(at(
                offset_in_table(text, &header, "approval"),
                Message::InvalidValue {
                    file: FileKind::Regency,
                    value: format!("approval.{field}"),
                    allowed: vec!["nomor/penerbit keputusan yang sebenarnya".into()],
                },
            ));
        }
        if t.approval.as_ref().is_some_and(|a| a.day().is_none()) {
            return Err(at(
                offset_in_table(text, &header, "approval"),
                Message::InvalidValue {
                    file: FileKind::Regency,
                    value: "approval.date".into(),
                    allowed: vec!["2026-05-04".into()],
                },
            ));
        }
        if t.keep == Some(0) {
            return Err(at(
                offset_in_table(text, &header, "keep"),
                Message::InvalidValue {
                    file: FileKind::Regency,
                    value: "0".into(),
                    allowed: vec!["1".into(), "5".into(), "10".into()],
                },
            ));
        }
        if let Some(u) = &t.health_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(at(
                    offset_in_table(text, &header, "health_url"),
                    Message::InvalidValue {
                        file: FileKind::Regency,
                        value: u.clone(),
                        allowed: vec!["http://{host}/".into(), "https://{host}/".into()],
                    },
                ));
            }
        }
        if t.kind == TargetKind::Netlify && t.sites.is_none() {
            return Err(at(
                offset_in_table(text, &header, "kind"),
                Message::MissingKey {
                    file: FileKind::Regency,
                    key: "sites".into(),
                },
            ));
        }
    }
    Ok(())
}

/// The decree that approves a target outside the Pusat Data.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Decree number (`500/123/Diskominfo/2026`).
    pub number: String,
    /// Date it was set.
    pub date: toml::value::Datetime,
    /// Who set it (`Kepala Dinas Komunikasi dan Informatika`).
    pub issuer: String,
}

impl Approval {
    /// The decree's date, when it is a plain date.
    pub fn day(&self) -> Option<NaiveDate> {
        let d = self.date.date?;
        NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
    }

    /// A number or issuer that is blank or a scaffold placeholder (`ISI: …`).
    pub fn blank_field(&self) -> Option<&'static str> {
        let blank = |s: &str| s.trim().is_empty() || s.trim_start().starts_with("ISI:");
        if blank(&self.number) {
            Some("number")
        } else if blank(&self.issuer) {
            Some("issuer")
        } else {
            None
        }
    }
}
