//! The compliance report (`laman check --report DIR`): for Diskominfo and the
//! Bupati, in Bahasa Indonesia. `index.html` shows the regency at a glance
//! (agencies × rule groups), then each agency's findings with the article
//! and what to do; one `<slug>.html` per agency; `laporan.json` holds the
//! same data. Self-contained files: no script, no outside resource.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::build::BuildReport;
use crate::diagnostic::{Diagnostic, Lang, Severity};
use crate::error::Error;
use crate::render::escape_html as esc;
use crate::report::page::{page, prose};
use crate::report::{group_of, json, site_of};
use crate::text::{Localize, Verdict};

/// Rule groups in the order of the matrix, with their Indonesian names.
pub const GROUPS: &[(&str, &str)] = &[
    ("DOMAIN", "Domain"),
    ("KONTEN", "Profil & organisasi"),
    ("LAYANAN", "Standar pelayanan"),
    ("MAKLUMAT", "Maklumat"),
    ("ADUAN", "Pengaduan"),
    ("PPID", "Informasi publik"),
    ("MUTAKHIR", "Keterkinian"),
    ("AKSES", "Aksesibilitas"),
    ("PRIVASI", "Data pribadi"),
    ("AMAN", "Keamanan"),
    ("OPS", "Pengelolaan"),
    ("LAIN", "Sumber & tautan"),
];

fn group_key(code: &str) -> &'static str {
    let g = group_of(code);
    match g {
        "SITUS" | "INTEROP" | "OPS" => "OPS",
        _ => GROUPS
            .iter()
            .find(|(k, _)| *k == g)
            .map_or("LAIN", |(k, _)| k),
    }
}

/// Writes the report into `dir`; returns the files written.
pub fn write(dir: &Path, r: &BuildReport, regency: &str) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    for (name, text) in files(r, regency) {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// The report's files, by name: `laporan.json`, `index.html` and one
/// `<slug>.html` per agency (also kept as a release's evidence, OPS-002).
pub fn files(r: &BuildReport, regency: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut put = |name: &str, text: String| out.push((name.to_string(), text));
    let json = serde_json::to_string_pretty(&json(r, Lang::Id)).unwrap_or_default();
    put("laporan.json", json + "\n");
    put("index.html", index(r, regency));
    for site in &r.sites {
        let findings: Vec<&Diagnostic> = r
            .all_diagnostics()
            .filter(|d| site_of(d).as_deref() == Some(site.slug.as_str()))
            .collect();
        let title = format!(
            "Laporan kepatuhan {}",
            site.host.as_deref().unwrap_or(&site.slug)
        );
        let mut body = format!(
            "<h1>{}</h1>\n<p><a href=\"index.html\">← Ringkasan kabupaten</a></p>\n",
            esc(&title)
        );
        body.push_str(&verdict(&findings));
        body.push_str(&findings_list(&findings));
        put(&format!("{}.html", site.slug), page(&title, &body));
    }
    out
}

fn cell(findings: &[&Diagnostic]) -> String {
    let e = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let w = findings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    match (e, w) {
        (0, 0) => "<td class=\"ok\">✓ patuh</td>".to_string(),
        (0, w) => format!("<td class=\"peringatan\">{w} peringatan</td>"),
        (e, 0) => format!("<td class=\"galat\">{e} galat</td>"),
        (e, w) => format!("<td class=\"galat\">{e} galat, {w} peringatan</td>"),
    }
}

fn index(r: &BuildReport, regency: &str) -> String {
    let t = r.tally();
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>Laporan kepatuhan situs Perangkat Daerah — {}</h1>\n<p>Tanggal acuan {} · profil daerah <code>{}</code> · {} situs · {} galat, {} peringatan, {} info.</p>\n",
        esc(regency),
        r.today.format("%Y-%m-%d"),
        r.profile.info().code,
        r.sites.len(),
        t.errors,
        t.warnings,
        t.infos
    );
    b.push_str("<p class=\"kecil\">Galat memblokir publikasi situs itu; peringatan dilaporkan; info hanya untuk laporan. Setiap temuan menyebut pasal dasar hukumnya; dasar bertanda \"belum diverifikasi\" wajib dicek ke naskah resmi.</p>\n");
    b.push_str("<h2>Sekilas</h2>\n<div class=\"gulir\" tabindex=\"0\" role=\"region\" aria-label=\"Matriks kepatuhan\">\n<table class=\"matriks\">\n<caption>Perangkat Daerah × kelompok aturan</caption>\n<thead><tr><th scope=\"col\">Situs</th>");
    for (_, name) in GROUPS {
        let _ = write!(b, "<th scope=\"col\">{}</th>", esc(name));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for site in &r.sites {
        let host = site.host.as_deref().unwrap_or(&site.slug);
        let _ = write!(
            b,
            "<tr><th scope=\"row\"><a href=\"{}.html\">{}</a></th>",
            esc(&site.slug),
            esc(host)
        );
        for (key, _) in GROUPS {
            let f: Vec<&Diagnostic> = site
                .diagnostics
                .iter()
                .filter(|d| group_key(d.code) == *key && d.severity != Severity::Info)
                .collect();
            b.push_str(&cell(&f));
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</tbody>\n</table>\n</div>\n");
    for site in &r.sites {
        let f: Vec<&Diagnostic> = site
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        let _ = write!(
            b,
            "<h2 id=\"{}\">{}</h2>",
            esc(&site.slug),
            esc(site.host.as_deref().unwrap_or(&site.slug))
        );
        b.push_str(&verdict(&f));
        if f.is_empty() {
            b.push_str("<p>Tidak ada galat atau peringatan.</p>\n");
        } else {
            b.push_str(&findings_list(&f));
        }
    }
    if !r.diagnostics.is_empty() {
        b.push_str("<h2>Temuan tingkat kabupaten</h2>\n");
        b.push_str(&findings_list(&r.diagnostics.iter().collect::<Vec<_>>()));
    }
    page(&format!("Laporan kepatuhan {regency}"), &b)
}

/// The verdict line of one site: blocked or published, as `publish
/// --dry-run` would decide it.
fn verdict(findings: &[&Diagnostic]) -> String {
    let count = |s: Severity| findings.iter().filter(|d| d.severity == s).count();
    let v = Verdict {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
    };
    let class = if v.errors > 0 { "blokir" } else { "terbit" };
    let mark = if v.errors > 0 { "✗" } else { "✓" };
    format!(
        "<p class=\"vonis {class}\"><span aria-hidden=\"true\">{mark}</span> {}</p>\n",
        esc(&v.text(Lang::Id))
    )
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// The findings of one site, errors first, then warnings, then info; the
/// findings of one rule at one severity are one row with their count and
/// the files they were found in. One card per finding on a phone.
fn findings_list(findings: &[&Diagnostic]) -> String {
    if findings.is_empty() {
        return "<p>Tidak ada temuan.</p>\n".to_string();
    }
    // Groups in order of first appearance, then sorted by severity (stable).
    let mut groups: Vec<Vec<&Diagnostic>> = Vec::new();
    for d in findings {
        match groups
            .iter_mut()
            .find(|g| g[0].code == d.code && g[0].severity == d.severity)
        {
            Some(g) => g.push(d),
            None => groups.push(vec![d]),
        }
    }
    groups.sort_by_key(|g| severity_rank(g[0].severity));
    let mut b = String::from(
        "<table class=\"kartu\">\n<thead><tr><th scope=\"col\">Aturan</th><th scope=\"col\">Tingkat</th><th scope=\"col\">Temuan dan lokasi</th><th scope=\"col\">Dasar hukum</th><th scope=\"col\">Yang harus dilakukan</th></tr></thead>\n<tbody>\n",
    );
    for g in &groups {
        let d = g[0];
        let class = match d.severity {
            Severity::Error => "galat",
            Severity::Warning => "peringatan",
            Severity::Info => "info",
        };
        let mut basis: Vec<String> = d.basis.iter().map(|c| esc(&c.text(Lang::Id))).collect();
        for x in d.sanctions.iter() {
            basis.push(format!(
                "<strong class=\"sanksi\">Sanksi:</strong> {}",
                esc(&x.text(Lang::Id))
            ));
        }
        let reason = d
            .severity_reason
            .as_ref()
            .map(|r| format!("<br><span class=\"kecil\">{}</span>", prose(r)))
            .unwrap_or_default();
        let found = if g.len() == 1 {
            format!(
                "{}<br><span class=\"kecil\">{}</span>",
                prose(&d.text(Lang::Id)),
                esc(&d.location.to_string())
            )
        } else {
            let first = d.text(Lang::Id);
            let same = g.iter().all(|x| x.text(Lang::Id) == first);
            let mut f = String::new();
            if same {
                let _ = write!(f, "<strong>{} temuan</strong>: {}", g.len(), prose(&first));
            } else {
                let _ = write!(f, "<strong>{} temuan</strong>", g.len());
            }
            let _ = write!(
                f,
                "<details><summary>{} lokasi</summary><ul class=\"lokasi\">",
                g.len()
            );
            for x in g {
                if same {
                    let _ = write!(f, "<li>{}</li>", esc(&x.location.to_string()));
                } else {
                    let _ = write!(
                        f,
                        "<li>{}<br><span class=\"kecil\">{}</span></li>",
                        prose(&x.text(Lang::Id)),
                        esc(&x.location.to_string())
                    );
                }
            }
            f.push_str("</ul></details>");
            f
        };
        let _ = writeln!(
            b,
            "<tr><td data-label=\"Aturan\"><code>{}</code></td><td data-label=\"Tingkat\"><span class=\"lencana {class}\">{}</span>{reason}</td><td data-label=\"Temuan dan lokasi\">{found}</td><td data-label=\"Dasar hukum\">{}</td><td data-label=\"Yang harus dilakukan\">{}</td></tr>",
            esc(d.code),
            d.severity.text(Lang::Id),
            basis.join("<br>"),
            prose(&d.hint(Lang::Id).unwrap_or_default()),
        );
    }
    b.push_str("</tbody>\n</table>\n");
    b
}
