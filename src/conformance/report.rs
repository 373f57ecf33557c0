//! Output of a run in `--out`: findings.jsonl (one finding per line),
//! report.html in Bahasa Indonesia (self-contained), and with a previous
//! run the night-over-night diff (new / fixed / still open, diff.json), and
//! owners.json: each agency's failures with its contact (OPS006 routing).
//! Reads the previous findings.jsonl back. No network.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Check, ConformanceError, ConformanceReport, Finding, Severity, Status, Target};

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
    /// Severity.
    pub severity: Severity,
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

fn fails(f: &[Finding]) -> BTreeMap<(String, Check), Severity> {
    f.iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| ((f.host.clone(), f.check), f.severity))
        .collect()
}

/// Compares two runs' failures on the hosts checked now (`targets`).
pub fn diff(previous: &[Finding], current: &[Finding], targets: &[Target]) -> Diff {
    let checked = |f: &&Finding| targets.iter().any(|t| t.host == f.host);
    let previous: Vec<Finding> = previous.iter().filter(checked).cloned().collect();
    let (p, c) = (fails(&previous), fails(current));
    let key = |((h, k), s): (&(String, Check), &Severity)| Key {
        host: h.clone(),
        check: *k,
        severity: *s,
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
pub fn read_findings(dir: &Path) -> Result<Vec<Finding>, ConformanceError> {
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
pub fn previous_fails(f: &[Finding]) -> BTreeSet<(String, Check)> {
    fails(f).into_keys().collect()
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
    /// Failures per severity (`critical` …).
    pub fails: BTreeMap<Severity, usize>,
    /// The failing findings, worst first.
    pub findings: Vec<&'a Finding>,
}

/// The failures of a run grouped by owner, in target order (owners.json).
pub fn owners(r: &ConformanceReport) -> Vec<OwnerFindings<'_>> {
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
            .filter(|f| f.host == t.host && f.status == Status::Fail)
        {
            *o.fails.entry(f.severity).or_default() += 1;
            o.findings.push(f);
        }
    }
    for o in &mut out {
        o.findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
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
        let line = serde_json::to_string(f).map_err(|e| ConformanceError::Setup(e.to_string()))?;
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

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const GROUPS: &[&str] = &["DNS", "TLS", "HTTP", "CNT"];

fn status_id(s: Status) -> &'static str {
    match s {
        Status::Pass => "lulus",
        Status::Fail => "gagal",
        Status::Inconclusive => "tak-pasti",
    }
}

fn severity_id(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "kritis",
        Severity::High => "tinggi",
        Severity::Medium => "sedang",
        Severity::Low => "rendah",
        Severity::Info => "info",
    }
}

/// One matrix cell: the worst status of a host's checks in a group.
fn cell(findings: &[&Finding], group: &str) -> (&'static str, String) {
    let g: Vec<&&Finding> = findings
        .iter()
        .filter(|f| f.check.group() == group)
        .collect();
    let worst = g
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.severity)
        .max();
    match worst {
        Some(s) => (
            "gagal",
            format!(
                "{} gagal ({})",
                g.iter().filter(|f| f.status == Status::Fail).count(),
                severity_id(s)
            ),
        ),
        None if g.iter().any(|f| f.status == Status::Inconclusive) => {
            ("tak-pasti", "tak pasti".into())
        }
        None if g.is_empty() => ("kosong", "—".into()),
        None => ("lulus", "lulus".into()),
    }
}

const STYLE: &str = "body{font-family:sans-serif;margin:2rem;max-width:70rem;color:#1a1a1a}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}.gagal{background:#f8d0d0}.lulus{background:#d6f0d6}.tak-pasti{background:#f6ecc0}.kosong{background:#eee}code{font-size:.85em;word-break:break-all}";

/// The self-contained HTML report in Bahasa Indonesia.
pub fn html(r: &ConformanceReport, d: Option<&Diff>) -> String {
    let mut s = String::new();
    let fails = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .count();
    let blocking = r.findings.iter().filter(|f| f.is_blocking()).count();
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Laporan kepatuhan situs</title><style>{STYLE}</style></head><body><h1>Laporan kepatuhan situs Perangkat Daerah</h1>"
    );
    let _ = write!(
        s,
        "<p>{} host diperiksa, {} temuan gagal, {} di antaranya kritis/tinggi.</p>",
        r.targets.len(),
        fails,
        blocking
    );
    if let Some(d) = d {
        let _ = write!(
            s,
            "<p>Dibanding pemeriksaan sebelumnya: {} baru, {} sudah diperbaiki, {} masih terbuka.</p>",
            d.new.len(),
            d.fixed.len(),
            d.still_open.len()
        );
    }
    s.push_str("<h2>Ringkasan</h2><table><thead><tr><th>Host</th>");
    for g in GROUPS {
        let _ = write!(s, "<th>{g}</th>");
    }
    s.push_str("</tr></thead><tbody>");
    let by_host = |h: &str| {
        r.findings
            .iter()
            .filter(|f| f.host == h)
            .collect::<Vec<_>>()
    };
    for t in &r.targets {
        let f = by_host(&t.host);
        let _ = write!(s, "<tr><td><a href=\"#{0}\">{0}</a></td>", esc(&t.host));
        for g in GROUPS {
            let (class, text) = cell(&f, g);
            let _ = write!(s, "<td class=\"{class}\">{text}</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table><p>Sel: hasil terburuk pemeriksaan kelompok itu; <em>tak pasti</em> = tidak dapat diukur (habis waktu, resolver gagal), bukan kegagalan; — = tidak diperiksa (mis. nama tidak resolve).</p>");
    for t in &r.targets {
        host_section(&mut s, t, &by_host(&t.host));
    }
    s.push_str("</body></html>\n");
    s
}

fn host_section(s: &mut String, t: &Target, f: &[&Finding]) {
    let name = t.name.as_deref().map(|n| format!("{} — ", esc(n)));
    let contact = t
        .contact
        .as_deref()
        .map(|c| format!(", pengelola: {}", esc(c)));
    let _ = write!(
        s,
        "<h2 id=\"{0}\">{0}</h2><p>Pemilik: {1}{2}{3}</p>",
        esc(&t.host),
        name.unwrap_or_default(),
        esc(&t.owner),
        contact.unwrap_or_default()
    );
    let bad: Vec<&&Finding> = f.iter().filter(|f| f.status != Status::Pass).collect();
    if bad.is_empty() {
        let _ = write!(s, "<p>Semua {} pemeriksaan lulus.</p>", f.len());
        return;
    }
    s.push_str("<table><thead><tr><th>Pemeriksaan</th><th>Status</th><th>Temuan</th><th>Artinya</th><th>Cara memperbaiki</th></tr></thead><tbody>");
    for f in bad {
        let _ = write!(
            s,
            "<tr class=\"{}\"><td>{} {}</td><td>{} ({})</td><td>{}<br><details><summary>Bukti</summary><code>{}</code></details></td><td>{}</td><td>{}</td></tr>",
            status_id(f.status),
            f.check,
            esc(f.check.title()),
            status_id(f.status),
            severity_id(f.severity),
            esc(&f.message.id),
            esc(&f.evidence.to_string()),
            esc(f.check.meaning()),
            esc(f.check.fix()),
        );
    }
    let passed = f.iter().filter(|f| f.status == Status::Pass).count();
    let _ = write!(s, "</tbody></table><p>{passed} pemeriksaan lain lulus.</p>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::Text;

    fn f(host: &str, check: Check, status: Status) -> Finding {
        Finding::new(
            host,
            check,
            status,
            serde_json::json!({}),
            chrono::DateTime::UNIX_EPOCH,
            Text::new("a", "b"),
        )
    }

    #[test]
    fn diff_sorts_new_fixed_and_still_open() {
        let prev = vec![
            f("a", Check::TLS004, Status::Fail),
            f("a", Check::DNS001, Status::Fail),
        ];
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
        x.evidence = serde_json::json!({ "snippet": "<script>" });
        let r = ConformanceReport {
            findings: vec![x],
            targets: vec![Target::new("a.go.id", "a")],
            elapsed: std::time::Duration::ZERO,
        };
        let h = html(&r, None);
        assert!(h.contains("Laporan kepatuhan"));
        assert!(h.contains("&lt;script&gt;"));
        assert!(!h.contains("<script>"));
        assert!(
            !h.contains("http://") && !h.contains("https://"),
            "self-contained"
        );
    }
}
