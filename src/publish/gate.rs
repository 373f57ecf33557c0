//! The gate: which hosts go out and which keep their live version, and what
//! changes for each. Pure: a build report and two manifests in, a plan out.

use std::collections::HashMap;

use serde::Serialize;

use crate::build::BuildReport;
use crate::diagnostic::{Diagnostic, Lang};
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
    /// Its site folder is gone, but the target cannot take it down: a
    /// Netlify site laman does not delete stays live as it was until
    /// Diskominfo deletes it there and removes its site id.
    LeftLive,
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
            (HostAction::LeftLive, Lang::Id) => {
                "MASIH TAYANG (folder situs tidak ada lagi; hapus situsnya di Netlify, lalu site id-nya di laman.toml)"
            }
            (HostAction::LeftLive, Lang::En) => {
                "STILL LIVE (site folder is gone; delete its Netlify site, then its site id in laman.toml)"
            }
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
        .filter(|d| d.blocks_publishing())
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
            .find(|h| h.host == host && h.status == crate::output::HostStatus::Built);
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
    use crate::build::{SiteReport, SiteStatus};
    use crate::diagnostic::{FileKind, Location, Message, Severity};
    use crate::output::FileEntry;

    fn manifest_host(
        name: &str,
        status: crate::output::HostStatus,
        files: &[(&str, &str)],
    ) -> HostManifest {
        HostManifest {
            host: format!("{name}.go.id"),
            site: name.into(),
            status,
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

    fn host(files: &[(&str, &str)]) -> HostManifest {
        manifest_host("a", crate::output::HostStatus::Built, files)
    }

    fn manifest(hosts: Vec<HostManifest>) -> Manifest {
        Manifest::new("s", String::new(), "go.id".into(), hosts, Vec::new())
    }

    fn error(at: &str) -> Diagnostic {
        let d = Diagnostic::new(
            Location::at(at, 1, 1),
            Message::TomlSyntax {
                file: FileKind::FrontMatter,
                key: None,
                detail: "x".into(),
            },
        );
        assert_eq!(d.severity, Severity::Error);
        d
    }

    fn warning(at: &str) -> Diagnostic {
        let mut d = error(at);
        d.severity = Severity::Warning;
        d
    }

    fn site(slug: &str, diagnostics: Vec<Diagnostic>) -> SiteReport {
        SiteReport {
            slug: slug.into(),
            host: Some(format!("{slug}.go.id")),
            status: SiteStatus::Built,
            pages: 1,
            remembered: 0,
            markdown: 0,
            files: 1,
            bytes: 1,
            elapsed: std::time::Duration::ZERO,
            diagnostics,
        }
    }

    fn report(sites: Vec<SiteReport>, global: Vec<Diagnostic>, built: &Manifest) -> BuildReport {
        BuildReport {
            release: built.release.clone(),
            out: "public".into(),
            sites,
            diagnostics: global,
            elapsed: std::time::Duration::ZERO,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
            profile: crate::profile::Profile::Cianjur,
            manifest: built.clone(),
        }
    }

    /// (host, action, new, changed, unchanged, removed, findings)
    type Row = (String, HostAction, usize, usize, usize, usize, usize);

    fn rows(plans: &[HostPlan]) -> Vec<Row> {
        plans
            .iter()
            .map(|p| {
                (
                    p.host.clone(),
                    p.action,
                    p.new,
                    p.changed,
                    p.unchanged,
                    p.removed,
                    p.findings.len(),
                )
            })
            .collect()
    }

    fn row(h: &str, a: HostAction, n: [usize; 5]) -> Row {
        (format!("{h}.go.id"), a, n[0], n[1], n[2], n[3], n[4])
    }

    #[test]
    fn the_plan_names_each_action_in_both_languages() {
        let all = [
            HostAction::Publish,
            HostAction::Blocked,
            HostAction::BlockedNew,
            HostAction::Removed,
        ];
        let id: Vec<String> = all.iter().map(|a| a.text(Lang::Id)).collect();
        let en: Vec<String> = all.iter().map(|a| a.text(Lang::En)).collect();
        assert_eq!(id[0], "terbit");
        assert_eq!(en[0], "publish");
        assert_eq!(id[1], "DIBLOKIR (versi yang tayang dipertahankan)");
        assert_eq!(en[2], "BLOCKED (never published)");
        assert_eq!(id[3], "dihapus (folder situs tidak ada lagi)");
        assert_eq!(en[3], "removed (site folder is gone)");
    }

    #[test]
    fn delta_counts_new_changed_unchanged_removed() {
        let old = host(&[("a", "1"), ("b", "2"), ("gone", "3")]);
        let new = host(&[("a", "1"), ("b", "X"), ("c", "4")]);
        assert_eq!(delta(&new, Some(&old)), (1, 1, 1, 1));
        assert_eq!(delta(&new, None), (3, 0, 0, 0));
        // Four different numbers, so no two counts can trade places unseen.
        let old = host(&[
            ("same", "1"),
            ("b", "2"),
            ("c", "3"),
            ("g1", "4"),
            ("g2", "5"),
            ("g3", "6"),
            ("g4", "7"),
        ]);
        let new = host(&[
            ("same", "1"),
            ("b", "X"),
            ("c", "Y"),
            ("n1", "8"),
            ("n2", "9"),
            ("n3", "10"),
        ]);
        assert_eq!(delta(&new, Some(&old)), (3, 2, 1, 4));
    }

    #[test]
    fn each_site_is_measured_against_its_own_output_and_live_version() {
        let live = manifest(vec![
            manifest_host(
                "a",
                crate::output::HostStatus::Built,
                &[("x", "1"), ("y", "2")],
            ),
            manifest_host("b", crate::output::HostStatus::Built, &[("x", "1")]),
        ]);
        let built = manifest(vec![
            manifest_host(
                "a",
                crate::output::HostStatus::Built,
                &[("x", "1"), ("y", "Z"), ("n", "3")],
            ),
            manifest_host(
                "b",
                crate::output::HostStatus::Built,
                &[("x", "1"), ("n1", "4"), ("n2", "5"), ("n3", "6")],
            ),
        ]);
        let r = report(vec![site("a", vec![]), site("b", vec![])], vec![], &built);
        assert_eq!(
            rows(&plan(&r, &built, Some(&live))),
            vec![
                row("a", HostAction::Publish, [1, 1, 1, 0, 0]),
                row("b", HostAction::Publish, [3, 0, 1, 0, 0]),
            ]
        );
    }

    /// A site without output of this build is blocked even with no finding
    /// (a `kept` host is the previous output, not this build's): it keeps
    /// its live files, or has none when it was never published.
    #[test]
    fn a_site_without_output_is_blocked() {
        let live = manifest(vec![manifest_host(
            "a",
            crate::output::HostStatus::Built,
            &[("x", "1"), ("y", "2")],
        )]);
        let built = manifest(vec![
            manifest_host(
                "a",
                crate::output::HostStatus::Kept,
                &[("x", "1"), ("y", "2")],
            ),
            manifest_host(
                "b",
                crate::output::HostStatus::Built,
                &[("x", "1"), ("y", "2"), ("z", "3")],
            ),
        ]);
        let r = report(
            vec![site("a", vec![]), site("b", vec![]), site("c", vec![])],
            vec![],
            &built,
        );
        assert_eq!(
            rows(&plan(&r, &built, Some(&live))),
            vec![
                row("a", HostAction::Blocked, [0, 0, 2, 0, 0]),
                row("b", HostAction::Publish, [3, 0, 0, 0, 0]),
                row("c", HostAction::BlockedNew, [0, 0, 0, 0, 0]),
            ]
        );
    }

    #[test]
    fn errors_block_their_site_regency_errors_block_every_site_warnings_none() {
        let live = manifest(vec![manifest_host(
            "a",
            crate::output::HostStatus::Built,
            &[("x", "1"), ("y", "2")],
        )]);
        let built = manifest(vec![
            manifest_host("a", crate::output::HostStatus::Built, &[("x", "1")]),
            manifest_host("b", crate::output::HostStatus::Built, &[("x", "1")]),
            manifest_host("c", crate::output::HostStatus::Built, &[("x", "1")]),
        ]);
        let sites = || {
            vec![
                site("a", vec![error("a.md"), warning("a2.md")]),
                site("b", vec![error("b.md"), error("b2.md")]),
                site("c", vec![warning("c.md")]),
            ]
        };
        let r = report(sites(), vec![warning("laman.toml")], &built);
        assert_eq!(
            rows(&plan(&r, &built, Some(&live))),
            vec![
                row("a", HostAction::Blocked, [0, 0, 2, 0, 1]),
                row("b", HostAction::BlockedNew, [0, 0, 0, 0, 2]),
                row("c", HostAction::Publish, [1, 0, 0, 0, 0]),
            ]
        );
        let r = report(sites(), vec![error("themes/x")], &built);
        let p = plan(&r, &built, Some(&live));
        assert_eq!(
            rows(&p),
            vec![
                row("a", HostAction::Blocked, [0, 0, 2, 0, 2]),
                row("b", HostAction::BlockedNew, [0, 0, 0, 0, 3]),
                row("c", HostAction::BlockedNew, [0, 0, 0, 0, 1]),
            ]
        );
        assert_eq!(
            p[2].findings[0].location.path,
            std::path::Path::new("themes/x")
        );
    }

    /// A live host whose site folder is gone is planned once, as removed,
    /// with its live file count; hosts that still have a site are not.
    /// A backup that failed or is missing (OPS-001 measured from
    /// publish.log) is an error under purwakarta, yet never holds a site
    /// back: the backup follows the publish (#11 item 4).
    #[test]
    fn a_measured_backup_error_never_blocks_but_another_error_does() {
        let backup = |finding| {
            let mut d = Diagnostic::new(
                Location::file("sites/a/site.toml"),
                Message::Rule {
                    rule: "OPS-001",
                    finding,
                },
            );
            d.severity = Severity::Error;
            d
        };
        let declared = backup(crate::diagnostic::RuleFinding::MissingField {
            field: "[backup]".into(),
        });
        let built = manifest(vec![
            manifest_host("a", crate::output::HostStatus::Built, &[("x", "1")]),
            manifest_host("b", crate::output::HostStatus::Built, &[("x", "1")]),
        ]);
        let r = report(
            vec![
                site(
                    "a",
                    vec![
                        backup(crate::diagnostic::RuleFinding::BackupNone),
                        backup(crate::diagnostic::RuleFinding::BackupFailed {
                            destination: "drc".into(),
                            date: None,
                            error: "No space left on device".into(),
                        }),
                    ],
                ),
                site("b", vec![declared]),
            ],
            vec![],
            &built,
        );
        let p = plan(&r, &built, None);
        assert_eq!(p[0].action, HostAction::Publish);
        assert_eq!(p[1].action, HostAction::BlockedNew);
    }

    #[test]
    fn a_live_host_without_a_site_is_removed() {
        let live = manifest(vec![
            manifest_host("a", crate::output::HostStatus::Built, &[("x", "1")]),
            manifest_host(
                "gone",
                crate::output::HostStatus::Built,
                &[("x", "1"), ("y", "2"), ("z", "3")],
            ),
            manifest_host(
                "zz",
                crate::output::HostStatus::Kept,
                &[("x", "1"), ("y", "2")],
            ),
        ]);
        let built = manifest(vec![manifest_host(
            "a",
            crate::output::HostStatus::Built,
            &[("x", "1")],
        )]);
        let r = report(vec![site("a", vec![])], vec![], &built);
        let p = plan(&r, &built, Some(&live));
        assert_eq!(
            rows(&p),
            vec![
                row("a", HostAction::Publish, [0, 0, 1, 0, 0]),
                row("gone", HostAction::Removed, [0, 0, 0, 3, 0]),
                row("zz", HostAction::Removed, [0, 0, 0, 2, 0]),
            ]
        );
        assert_eq!(p[1].site, "gone");
        assert_eq!(
            rows(&plan(&r, &built, None)),
            vec![row("a", HostAction::Publish, [1, 0, 0, 0, 0])]
        );
    }
}
