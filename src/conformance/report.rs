//! Output of a run in `--out`: findings.jsonl (one finding per line),
//! report.html in Bahasa Indonesia (self-contained), and with a previous
//! run the night-over-night diff (new / fixed / still open, diff.json), and
//! owners.json: each agency's failures with its contact (OPS006 routing).
//! Reads the previous findings.jsonl back. No network.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{
    Check, Cited, ConformanceError, ConformanceReport, Observation, Recorded, Risk, Status, Target,
};
use crate::diagnostic::Lang;
use crate::render::escape_html as esc;
use crate::report::page::{page, prose};
use crate::text::Localize;

/// File names in the output folder.
pub const FINDINGS: &str = "findings.jsonl";
/// The HTML report.
pub const REPORT: &str = "report.html";
/// The diff against the previous run.
pub const DIFF: &str = "diff.json";
/// The failures grouped by the agency that answers for them (OPS006).
pub const OWNERS: &str = "owners.json";

/// Key of a failure across nights.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    /// Host.
    pub host: String,
    /// Check.
    pub check: Check,
    /// Risk level (diff.json calls it severity, as the spec does).
    #[serde(rename = "severity")]
    pub risk: Risk,
}

/// New, fixed and still-open failures since the previous run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    /// Failing now, not last time.
    pub new: Vec<Key>,
    /// Failing last time, not now (pass, or the check no longer applies).
    pub fixed: Vec<Key>,
    /// Failing both times.
    pub still_open: Vec<Key>,
}

type Fails = BTreeMap<(String, Check), Risk>;

fn fails<'a>(f: impl IntoIterator<Item = (&'a str, Check, Status, Risk)>) -> Fails {
    f.into_iter()
        .filter(|(_, _, status, _)| *status == Status::Fail)
        .map(|(host, check, _, risk)| ((host.to_string(), check), risk))
        .collect()
}

fn recorded(f: &[Recorded]) -> impl Iterator<Item = (&str, Check, Status, Risk)> {
    f.iter()
        .map(|f| (f.host.as_str(), f.check, f.status, f.risk))
}

/// Compares two runs' failures on the hosts checked now (`targets`).
pub fn diff(previous: &[Recorded], current: &[Observation], targets: &[Target]) -> Diff {
    let checked = |h: &str| targets.iter().any(|t| t.host == h);
    let p = fails(recorded(previous).filter(|(h, ..)| checked(h)));
    let c = fails(
        current
            .iter()
            .map(|f| (f.host(), f.check, f.status, f.risk)),
    );
    let key = |((h, k), r): (&(String, Check), &Risk)| Key {
        host: h.clone(),
        check: *k,
        risk: *r,
    };
    Diff {
        new: c
            .iter()
            .filter(|(k, _)| !p.contains_key(*k))
            .map(key)
            .collect(),
        fixed: p
            .iter()
            .filter(|(k, _)| !c.contains_key(*k))
            .map(key)
            .collect(),
        still_open: c
            .iter()
            .filter(|(k, _)| p.contains_key(*k))
            .map(key)
            .collect(),
    }
}

/// Reads `<dir>/findings.jsonl`.
pub fn read_findings(dir: &Path) -> Result<Vec<Recorded>, ConformanceError> {
    let path = dir.join(FINDINGS);
    let text = std::fs::read_to_string(&path).map_err(|source| ConformanceError::Io {
        path: path.clone(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| ConformanceError::Previous {
                path: path.clone(),
                line: i + 1,
                reason: e.to_string(),
            })
        })
        .collect()
}

/// The failing `(host, check)` pairs of a previous run.
pub fn previous_fails(f: &[Recorded]) -> BTreeSet<(String, Check)> {
    fails(recorded(f)).into_keys().collect()
}

/// One agency (or application owner) and what it must fix: OPS006 routes
/// each host's failures to whoever answers for the host, so a mail or ticket
/// step can send every agency its own list.
#[derive(Debug, Serialize)]
pub struct OwnerFindings<'a> {
    /// Site folder, subdomain label, `apex` or `www`.
    pub owner: &'a str,
    /// Official name (site.toml `nama_resmi`).
    pub name: Option<&'a str>,
    /// Who to write to (site.toml `[pengelola] email`, else the agency's).
    pub contact: Option<&'a str>,
    /// The owner's hosts.
    pub hosts: Vec<&'a str>,
    /// Failures per risk level (`critical` …).
    pub fails: BTreeMap<Risk, usize>,
    /// Why the agency gets its own list: the regency's periodic-reporting
    /// article (Pangandaran 29, Bogor 27), or the regulation's silence.
    pub basis: Vec<Cited>,
    /// The failing findings, worst first, as in findings.jsonl.
    pub findings: Vec<Recorded>,
}

/// The failures of a run grouped by owner, in target order (owners.json).
pub fn owners(r: &ConformanceReport) -> Vec<OwnerFindings<'_>> {
    let basis: Vec<Cited> = super::basis::of_reporting(r.profile)
        .into_iter()
        .map(|c| Cited {
            text: c.text(Lang::Id),
            citation: c,
        })
        .collect();
    let mut out: Vec<OwnerFindings<'_>> = Vec::new();
    for t in &r.targets {
        let i = match out.iter().position(|o| o.owner == t.owner) {
            Some(i) => i,
            None => {
                out.push(OwnerFindings {
                    owner: &t.owner,
                    name: t.name.as_deref(),
                    contact: t.contact.as_deref(),
                    hosts: Vec::new(),
                    fails: BTreeMap::new(),
                    basis: basis.clone(),
                    findings: Vec::new(),
                });
                out.len() - 1
            }
        };
        let o = &mut out[i];
        o.hosts.push(&t.host);
        for f in r
            .findings
            .iter()
            .filter(|f| f.host() == t.host && f.status == Status::Fail)
        {
            *o.fails.entry(f.risk).or_default() += 1;
            o.findings.push(f.record());
        }
    }
    for o in &mut out {
        o.findings.sort_by_key(|f| std::cmp::Reverse(f.risk));
    }
    out
}

fn write(path: PathBuf, bytes: &[u8]) -> Result<(), ConformanceError> {
    std::fs::write(&path, bytes).map_err(|source| ConformanceError::Io { path, source })
}

/// Writes findings.jsonl, report.html and (with a previous run) diff.json.
pub fn write_all(
    out: &Path,
    r: &ConformanceReport,
    d: Option<&Diff>,
) -> Result<(), ConformanceError> {
    std::fs::create_dir_all(out).map_err(|source| ConformanceError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let mut jsonl = String::new();
    for f in &r.findings {
        let line = serde_json::to_string(&f.record())
            .map_err(|e| ConformanceError::Setup(e.to_string()))?;
        jsonl.push_str(&line);
        jsonl.push('\n');
    }
    write(out.join(FINDINGS), jsonl.as_bytes())?;
    let owners = serde_json::to_string_pretty(&owners(r))
        .map_err(|e| ConformanceError::Setup(e.to_string()))?;
    write(out.join(OWNERS), owners.as_bytes())?;
    if let Some(d) = d {
        let j =
            serde_json::to_string_pretty(d).map_err(|e| ConformanceError::Setup(e.to_string()))?;
        write(out.join(DIFF), j.as_bytes())?;
    }
    write(out.join(REPORT), html(r, d).as_bytes())
}

const GROUPS: &[&str] = &["DNS", "TLS", "HTTP", "CNT"];

fn status_id(s: Status) -> &'static str {
    match s {
        Status::Pass => "lulus",
        Status::Fail => "gagal",
        Status::Inconclusive => "tak-pasti",
    }
}

fn risk_id(s: Risk) -> &'static str {
    match s {
        Risk::Critical => "kritis",
        Risk::High => "tinggi",
        Risk::Medium => "sedang",
        Risk::Low => "rendah",
        Risk::Info => "info",
    }
}

/// One matrix cell: the worst status of a host's checks in a group.
fn cell(findings: &[&Observation], group: &str) -> (&'static str, String) {
    let g: Vec<&&Observation> = findings
        .iter()
        .filter(|f| f.check.group() == group)
        .collect();
    let worst = g
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.risk)
        .max();
    match worst {
        Some(s) => (
            "gagal",
            format!(
                "{} gagal ({})",
                g.iter().filter(|f| f.status == Status::Fail).count(),
                risk_id(s)
            ),
        ),
        None if g.iter().any(|f| f.status == Status::Inconclusive) => {
            ("tak-pasti", "tak pasti".into())
        }
        None if g.is_empty() => ("kosong", "—".into()),
        None => ("lulus", "lulus".into()),
    }
}

/// The self-contained HTML report in Bahasa Indonesia, in the same page
/// shell as the compliance report (`report::page`).
pub fn html(r: &ConformanceReport, d: Option<&Diff>) -> String {
    let mut s = String::new();
    let fails = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .count();
    let blocking = r.findings.iter().filter(|f| f.is_blocking()).count();
    let title = "Pemeriksaan konformitas harian situs Perangkat Daerah (DNS, TLS, HTTP, konten)";
    let _ = write!(
        s,
        "<h1>{}</h1>\n<p>{} host diperiksa, {} temuan gagal, {} di antaranya kritis/tinggi.</p>\n",
        esc(title),
        r.targets.len(),
        fails,
        blocking
    );
    if let Some(d) = d {
        let _ = writeln!(
            s,
            "<p>Dibanding pemeriksaan sebelumnya: {} baru, {} sudah diperbaiki, {} masih terbuka.</p>",
            d.new.len(),
            d.fixed.len(),
            d.still_open.len()
        );
    }
    s.push_str("<h2>Ringkasan</h2>\n<div class=\"gulir\" tabindex=\"0\" role=\"region\" aria-label=\"Ringkasan per host\">\n<table class=\"matriks kartu\">\n<caption>Host × kelompok pemeriksaan</caption>\n<thead><tr><th scope=\"col\">Host</th>");
    for g in GROUPS {
        let _ = write!(s, "<th scope=\"col\">{g}</th>");
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    let by_host = |h: &str| {
        r.findings
            .iter()
            .filter(|f| f.host() == h)
            .collect::<Vec<_>>()
    };
    for t in &r.targets {
        let f = by_host(&t.host);
        let _ = write!(
            s,
            "<tr><th scope=\"row\"><a href=\"#{0}\">{0}</a></th>",
            esc(&t.host)
        );
        for g in GROUPS {
            let (class, text) = cell(&f, g);
            let _ = write!(s, "<td class=\"{class}\" data-label=\"{g}\">{text}</td>");
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</div>\n<p class=\"kecil\">Sel: hasil terburuk pemeriksaan kelompok itu; <em>tak pasti</em> = tidak dapat diukur (habis waktu, resolver gagal), bukan kegagalan; — = tidak diperiksa (mis. nama tidak resolve).</p>\n");
    for t in &r.targets {
        host_section(&mut s, t, &by_host(&t.host));
    }
    page(title, &s)
}

fn host_section(s: &mut String, t: &Target, f: &[&Observation]) {
    let name = t.name.as_deref().map(|n| format!("{} — ", esc(n)));
    let contact = t
        .contact
        .as_deref()
        .map(|c| format!(", pengelola: {}", esc(c)));
    let _ = write!(
        s,
        "<h2 id=\"{0}\">{0}</h2>\n<p>Pemilik: {1}{2}{3}</p>\n",
        esc(&t.host),
        name.unwrap_or_default(),
        esc(&t.owner),
        contact.unwrap_or_default()
    );
    let bad: Vec<&&Observation> = f.iter().filter(|f| f.status != Status::Pass).collect();
    if bad.is_empty() {
        let _ = writeln!(s, "<p>Semua {} pemeriksaan lulus.</p>", f.len());
        return;
    }
    s.push_str("<table class=\"kartu\">\n<thead><tr><th scope=\"col\">Pemeriksaan</th><th scope=\"col\">Status</th><th scope=\"col\">Temuan</th><th scope=\"col\">Artinya</th><th scope=\"col\">Cara memperbaiki</th><th scope=\"col\">Dasar hukum</th></tr></thead>\n<tbody>\n");
    for f in bad {
        let _ = writeln!(
            s,
            "<tr class=\"{}\"><td data-label=\"Pemeriksaan\">{} {}</td><td data-label=\"Status\">{} ({})</td><td data-label=\"Temuan\">{}<br><details><summary>Bukti</summary><code>{}</code></details></td><td data-label=\"Artinya\">{}</td><td data-label=\"Cara memperbaiki\">{}</td><td data-label=\"Dasar hukum\">{}</td></tr>",
            status_id(f.status),
            f.check,
            esc(f.check.title()),
            status_id(f.status),
            risk_id(f.risk),
            esc(&f.diagnostic.text(Lang::Id)),
            esc(&f.evidence_json().to_string()),
            prose(f.check.meaning()),
            prose(f.check.fix()),
            f.diagnostic
                .basis
                .iter()
                .map(|c| esc(&c.text(Lang::Id)))
                .collect::<Vec<_>>()
                .join("<br>"),
        );
    }
    let passed = f.iter().filter(|f| f.status == Status::Pass).count();
    let _ = writeln!(
        s,
        "</tbody>\n</table>\n<p>{passed} pemeriksaan lain lulus.</p>"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::Evidence;
    use crate::diagnostic::Bilingual;

    fn f(host: &str, check: Check, status: Status) -> Observation {
        Observation::new(
            host,
            check,
            status,
            Evidence::HiddenLinks { links: Vec::new() },
            chrono::DateTime::UNIX_EPOCH,
            Bilingual::new("a", "b"),
        )
    }

    #[test]
    fn diff_sorts_new_fixed_and_still_open() {
        let prev = [
            f("a", Check::TLS004, Status::Fail),
            f("a", Check::DNS001, Status::Fail),
        ]
        .iter()
        .map(Observation::record)
        .collect::<Vec<_>>();
        let cur = vec![
            f("a", Check::TLS004, Status::Fail),
            f("a", Check::DNS001, Status::Pass),
            f("b", Check::CNT001, Status::Fail),
        ];
        let t = |h: &str| Target::new(h, h);
        let d = diff(&prev, &cur, &[t("a"), t("b")]);
        assert_eq!(
            d.new.iter().map(|k| k.check).collect::<Vec<_>>(),
            vec![Check::CNT001]
        );
        assert_eq!(
            d.fixed.iter().map(|k| k.check).collect::<Vec<_>>(),
            vec![Check::DNS001]
        );
        assert_eq!(
            d.still_open.iter().map(|k| k.check).collect::<Vec<_>>(),
            vec![Check::TLS004]
        );
    }

    #[test]
    fn html_is_indonesian_and_escapes_evidence() {
        let mut x = f("a.go.id", Check::CNT001, Status::Fail);
        x.evidence = Evidence::HiddenLinks {
            links: vec!["<script>".into()],
        };
        let r = ConformanceReport {
            findings: vec![x],
            targets: vec![Target::new("a.go.id", "a")],
            elapsed: std::time::Duration::ZERO,
            profile: crate::profile::Profile::Nasional,
        };
        let h = html(&r, None);
        // Its own title (not the compliance report's), in the shared shell.
        assert!(h.contains("<title>Pemeriksaan konformitas harian"));
        assert!(!h.contains("Laporan kepatuhan"));
        assert!(h.contains("<main>") && h.contains("<html lang=\"id\">"));
        assert!(h.contains("&lt;script&gt;"));
        assert!(!h.contains("<script>"));
        assert!(
            !h.contains("http://") && !h.contains("https://"),
            "self-contained"
        );
    }
}
