//! The import report: what was imported, left as draft, quarantined (with
//! the evidence), what the editor must finish (shortcodes, missing alt
//! text, missing files, refused redirects, conflicts) and what the law
//! requires that WordPress never had. Written as `impor-laporan.json` and
//! a plain `impor-laporan.html` beside it; both are deterministic, so a
//! second import of the same export writes the same bytes.

use serde::Serialize;

use crate::import::convert::Shortcode;
use crate::import::disinfect::Reason;

/// Counts of the import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Posts read (any status).
    pub posts: usize,
    /// Pages read (any status).
    pub pages: usize,
    /// Items written as drafts.
    pub drafts: usize,
    /// Items quarantined and not taken.
    pub quarantined: usize,
    /// Quarantined items taken with `--terima`.
    pub accepted: usize,
    /// Aliases (old permalinks) given to imported pages.
    pub redirects: usize,
    /// Attachments in the export.
    pub attachments: usize,
    /// Files copied from `--uploads`.
    pub files: usize,
    /// Comments (never imported).
    pub comments: usize,
    /// Items of other types (menu items, revisions…), not imported.
    pub other: usize,
    /// Files written (or that a real run would write).
    pub written: usize,
    /// Files already as the export makes them.
    pub unchanged: usize,
    /// Files an editor changed since the last import, left alone.
    pub conflicts: usize,
}

/// An item that became a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// WordPress ID.
    pub id: u64,
    /// `berita` or `halaman`/`bagian`.
    pub jenis: String,
    /// Title.
    pub title: String,
    /// File below `sites/SLUG/`.
    pub path: String,
    /// Why it is a draft, when it is.
    pub draft: Option<String>,
}

/// An item held back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quarantined {
    /// WordPress ID (`--terima ID`).
    pub id: u64,
    /// Type (post, page).
    pub post_type: String,
    /// Title.
    pub title: String,
    /// The old permalink.
    pub link: String,
    /// Why.
    pub reasons: Vec<Reason>,
    /// Taken anyway with `--terima`.
    pub accepted: bool,
}

/// Something for the editor to finish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `AKSES-001` (image without alt), `BERKAS-HILANG` (attachment not in
    /// `--uploads`), `ALIAS-DITOLAK` (an old URL that cannot be an
    /// alias), `BERKAS-DITOLAK` (an unsafe attachment name).
    pub code: String,
    /// The page (file below `sites/SLUG/`) or WordPress item.
    pub path: String,
    /// Detail.
    pub detail: String,
}

/// A shortcode left in a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageShortcode {
    /// The page.
    pub path: String,
    /// The shortcode and its line.
    #[serde(flatten)]
    pub shortcode: Shortcode,
}

/// A page the law requires that the site lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Required {
    /// Kind.
    pub jenis: String,
    /// Its label.
    pub label: String,
    /// The command that scaffolds it.
    pub command: String,
}

/// The whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The site.
    pub site: String,
    /// The old site's URL.
    pub source_url: String,
    /// Nothing was written.
    pub dry_run: bool,
    /// Counts.
    pub counts: Counts,
    /// Imported items.
    pub imported: Vec<Imported>,
    /// Quarantined items.
    pub quarantined: Vec<Quarantined>,
    /// Shortcodes left.
    pub shortcodes: Vec<PageShortcode>,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Files not overwritten because an editor changed them.
    pub conflicts: Vec<String>,
    /// Required pages missing.
    pub required: Vec<Required>,
}

use crate::render::escape_html as esc;

impl Report {
    /// The JSON report.
    pub fn to_json(&self) -> String {
        // Plain data: serialization cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The HTML report (self-contained, no script, every value escaped:
    /// the evidence is hostile text).
    pub fn to_html(&self) -> String {
        let c = &self.counts;
        let mut h = format!(
            "<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>Laporan impor WordPress: {site}</title></head><body>\n<h1>Laporan impor WordPress: {site}</h1>\n<p>Sumber: {src}{dry}</p>\n<ul><li>Berita: {p}</li><li>Halaman: {g}</li><li>Draf: {d}</li><li>Dikarantina: {q} (diterima: {a})</li><li>Alias tautan lama: {r}</li><li>Lampiran: {at}, disalin: {f}</li><li>Komentar (tidak diimpor): {cm}</li><li>Konflik: {cf}</li></ul>\n",
            site = esc(&self.site),
            src = esc(&self.source_url),
            dry = if self.dry_run {
                " (uji coba, tidak ada yang ditulis)"
            } else {
                ""
            },
            p = c.posts,
            g = c.pages,
            d = c.drafts,
            q = c.quarantined,
            a = c.accepted,
            r = c.redirects,
            at = c.attachments,
            f = c.files,
            cm = c.comments,
            cf = c.conflicts,
        );
        h.push_str("<h2>Karantina</h2>\n<table><tr><th>ID</th><th>Judul</th><th>Alasan dan bukti</th><th>Tindakan</th></tr>\n");
        for q in &self.quarantined {
            let why: Vec<String> = q
                .reasons
                .iter()
                .map(|r| esc(&serde_json::to_string(r).unwrap_or_default()))
                .collect();
            let action = if q.accepted {
                "diterima".to_string()
            } else {
                format!("<code>--terima {}</code>", q.id)
            };
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{action}</td></tr>\n",
                q.id,
                esc(&q.title),
                why.join("<br>")
            ));
        }
        h.push_str("</table>\n<h2>Perlu diselesaikan</h2>\n<ul>\n");
        for s in &self.shortcodes {
            h.push_str(&format!(
                "<li>{} baris {}: shortcode <code>{}</code></li>\n",
                esc(&s.path),
                s.shortcode.line,
                esc(&s.shortcode.text)
            ));
        }
        for f in &self.findings {
            h.push_str(&format!(
                "<li>{} {}: {}</li>\n",
                esc(&f.code),
                esc(&f.path),
                esc(&f.detail)
            ));
        }
        for p in &self.conflicts {
            h.push_str(&format!(
                "<li>Konflik: {} diubah editor sejak impor terakhir; tidak ditimpa</li>\n",
                esc(p)
            ));
        }
        h.push_str("</ul>\n<h2>Halaman wajib yang belum ada</h2>\n<ul>\n");
        for r in &self.required {
            h.push_str(&format!(
                "<li>{}: <code>{}</code></li>\n",
                esc(&r.label),
                esc(&r.command)
            ));
        }
        h.push_str("</ul>\n</body></html>\n");
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_evidence_is_escaped_in_html() {
        let r = Report {
            quarantined: vec![Quarantined {
                id: 9,
                post_type: "post".into(),
                title: "<script>alert(1)</script>".into(),
                link: String::new(),
                reasons: vec![Reason::Eval],
                accepted: false,
            }],
            ..Report::default()
        };
        let h = r.to_html();
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("--terima 9"));
    }
}
