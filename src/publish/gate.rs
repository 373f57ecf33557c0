//! The gate: which hosts go out and which keep their live version, and what
//! changes for each. Pure: a build report and two manifests in, a plan out.

use std::collections::HashMap;

use serde::Serialize;

use crate::build::BuildReport;
use crate::diagnostic::{Diagnostic, Lang, Severity};
use crate::output::{HostManifest, Manifest};
use crate::text::Localize;

/// What happens to a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostAction {
    /// Its new build goes out.
    Publish,
    /// Blocked by error-level findings; its live version stays.
    Blocked,
    /// Blocked, and it was never published: nothing is live for it.
    BlockedNew,
    /// Its site folder is gone: it is not in the new release.
    Removed,
}

impl Localize for HostAction {
    /// What the publish plan says it does with a host.
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (HostAction::Publish, Lang::Id) => "terbit",
            (HostAction::Publish, Lang::En) => "publish",
            (HostAction::Blocked, Lang::Id) => "DIBLOKIR (versi yang tayang dipertahankan)",
            (HostAction::Blocked, Lang::En) => "BLOCKED (live version kept)",
            (HostAction::BlockedNew, Lang::Id) => "DIBLOKIR (belum pernah terbit)",
            (HostAction::BlockedNew, Lang::En) => "BLOCKED (never published)",
            (HostAction::Removed, Lang::Id) => "dihapus (folder situs tidak ada lagi)",
            (HostAction::Removed, Lang::En) => "removed (site folder is gone)",
        }
        .to_string()
    }
}

/// One host of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct HostPlan {
    /// FQDN (or the site folder when the host is unknown).
    pub host: String,
    /// Site folder name.
    pub site: String,
    /// What happens.
    pub action: HostAction,
    /// Files not in the live version.
    pub new: usize,
    /// Files whose content differs.
    pub changed: usize,
    /// Files with the same SHA-256.
    pub unchanged: usize,
    /// Live files that are not in the new version.
    pub removed: usize,
    /// The error-level findings that block it.
    pub findings: Vec<Diagnostic>,
}

fn errors<'a>(d: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<Diagnostic> {
    d.into_iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect()
}

/// Counts new / changed / unchanged / removed files of `new` against `old`.
pub fn delta(new: &HostManifest, old: Option<&HostManifest>) -> (usize, usize, usize, usize) {
    let old_files: HashMap<&str, &str> = old
        .map(|o| {
            o.files
                .iter()
                .map(|f| (f.path.as_str(), f.sha256.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let (mut n, mut c, mut u) = (0, 0, 0);
    for f in &new.files {
        match old_files.get(f.path.as_str()) {
            None => n += 1,
            Some(s) if *s == f.sha256 => u += 1,
            Some(_) => c += 1,
        }
    }
    let kept = new
        .files
        .iter()
        .filter(|f| old_files.contains_key(f.path.as_str()))
        .count();
    (n, c, u, old_files.len() - kept)
}

/// The plan: every site of the build, plus live hosts whose site is gone.
/// A site is blocked when it (or the whole regency: theme, laman.toml,
/// registry) has an error-level finding, or when it has no output.
pub fn plan(report: &BuildReport, built: &Manifest, live: Option<&Manifest>) -> Vec<HostPlan> {
    let global = errors(&report.diagnostics);
    let live_host = |h: &str| live.and_then(|m| m.hosts.iter().find(|x| x.host == h));
    let mut plans = Vec::new();
    for site in &report.sites {
        let host = site.host.clone().unwrap_or_else(|| site.slug.clone());
        let mut findings = global.clone();
        findings.extend(errors(&site.diagnostics));
        let out = built
            .hosts
            .iter()
            .find(|h| h.host == host && h.status == "built");
        let old = live_host(&host);
        let mut p = HostPlan {
            host,
            site: site.slug.clone(),
            action: HostAction::Publish,
            new: 0,
            changed: 0,
            unchanged: 0,
            removed: 0,
            findings,
        };
        match out {
            Some(out) if p.findings.is_empty() => {
                (p.new, p.changed, p.unchanged, p.removed) = delta(out, old);
            }
            _ => {
                p.action = if old.is_some() {
                    HostAction::Blocked
                } else {
                    HostAction::BlockedNew
                };
                p.unchanged = old.map_or(0, |o| o.files.len());
            }
        }
        plans.push(p);
    }
    if let Some(live) = live {
        for h in &live.hosts {
            if !plans.iter().any(|p| p.host == h.host) {
                plans.push(HostPlan {
                    host: h.host.clone(),
                    site: h.site.clone(),
                    action: HostAction::Removed,
                    new: 0,
                    changed: 0,
                    unchanged: 0,
                    removed: h.files.len(),
                    findings: Vec::new(),
                });
            }
        }
    }
    plans.sort_by(|a, b| a.host.cmp(&b.host));
    plans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::FileEntry;

    fn host(files: &[(&str, &str)]) -> HostManifest {
        HostManifest {
            host: "a.go.id".into(),
            site: "a".into(),
            status: "built".into(),
            files: files
                .iter()
                .map(|(p, s)| FileEntry {
                    path: (*p).into(),
                    size: 1,
                    sha256: (*s).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn delta_counts_new_changed_unchanged_removed() {
        let old = host(&[("a", "1"), ("b", "2"), ("gone", "3")]);
        let new = host(&[("a", "1"), ("b", "X"), ("c", "4")]);
        assert_eq!(delta(&new, Some(&old)), (1, 1, 1, 1));
        assert_eq!(delta(&new, None), (3, 0, 0, 0));
    }
}
