//! The periodic report as files: `index.html` (the regency summary for the
//! Bupati), one `<slug>.html` per agency, `ringkasan.json` and one
//! `<slug>.json` per agency with the same data. Self-contained pages in
//! the reports' one shell (`report::page`): no script, no outside resource,
//! so the report opens from a USB stick or an e-mail without network.

use std::fmt::Write as _;

use chrono::FixedOffset;

use super::{AgencyReport, Episode, PeriodReport, REGENCY, local_day};
use crate::render::escape_html as esc;
use crate::report::page::{page, prose};

/// The report's files, by name.
pub fn files(r: &PeriodReport) -> Vec<(String, String)> {
    let offset = offset_of(r);
    let mut out = vec![
        (
            "ringkasan.json".to_string(),
            serde_json::to_string_pretty(r).unwrap_or_default() + "\n",
        ),
        ("index.html".to_string(), index(r, offset)),
    ];
    for a in &r.agencies {
        let json = serde_json::json!({
            "schema": r.schema,
            "regency": r.regency,
            "profile": r.profile,
            "period": r.period,
            "generated": r.generated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "basis": r.basis,
            "sanctions": r.sanctions,
            "agency": a,
        });
        out.push((
            format!("{}.json", a.slug),
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n",
        ));
        out.push((format!("{}.html", a.slug), agency(r, a, offset)));
    }
    out
}

fn offset_of(r: &PeriodReport) -> FixedOffset {
    r.utc_offset
        .parse()
        .unwrap_or_else(|_| FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset"))
}

/// The agency's name as shown.
fn shown_name(a: &AgencyReport) -> String {
    if a.slug == REGENCY {
        return "Diskominfo (laman.toml)".to_string();
    }
    match &a.name {
        Some(n) => n.clone(),
        None => a.slug.clone(),
    }
}

fn availability(a: &AgencyReport) -> String {
    match a.availability.percent {
        Some(p) => format!(
            "{} ({} dari {} pemeriksaan)",
            percent(p),
            a.availability.available,
            a.availability.measured
        ),
        None => "belum terukur".to_string(),
    }
}

fn percent(p: f64) -> String {
    // Indonesian writes a decimal comma.
    format!("{p:.1} %").replace('.', ",")
}

fn header(r: &PeriodReport, offset: FixedOffset) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<p>Periode <strong>{}</strong> ({} s.d. {}) · profil daerah <code>{}</code> · disusun {}.</p>",
        esc(&r.period.title),
        r.period.first.format("%d-%m-%Y"),
        r.period.last.format("%d-%m-%Y"),
        esc(&r.profile),
        esc(&local_day(r.generated, offset)),
    );
    if !r.basis.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"kecil\">Dasar kewajiban pelaporan berkala: {}.</p>",
            esc(&r.basis.join("; "))
        );
    }
    if !r.sanctions.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"kecil\">Sanksi atas kewajiban ini: {}.</p>",
            esc(&r.sanctions.join("; "))
        );
    }
    let since = r.history_since.map_or("belum ada".to_string(), |t| {
        format!("sejak {}", local_day(t, offset))
    });
    let _ = writeln!(
        b,
        "<p>Data periode ini: <strong>{}</strong> publikasi (hasil pemeriksaan setiap <code>laman publish</code>) dan <strong>{}</strong> pemeriksaan malam (<code>laman conformance</code>); riwayat tersimpan {}.</p>",
        r.publishes,
        r.nights,
        esc(&since)
    );
    if r.publishes == 0 && r.nights == 0 {
        b.push_str("<p class=\"vonis blokir\">Tidak ada publikasi maupun pemeriksaan malam dalam periode ini: keadaan di akhir periode diambil dari publikasi terakhir sebelumnya, bila ada.</p>\n");
    }
    if !r.unreadable.is_empty() {
        b.push_str("<p class=\"vonis blokir\">Berkas riwayat yang tidak terbaca (tidak dihitung):</p>\n<ul>\n");
        for u in &r.unreadable {
            let _ = writeln!(
                b,
                "<li><code>{}</code>: {}</li>",
                esc(&u.path.to_string_lossy()),
                esc(&u.reason)
            );
        }
        b.push_str("</ul>\n");
    }
    b
}

fn index(r: &PeriodReport, offset: FixedOffset) -> String {
    let title = format!(
        "Laporan berkala situs Perangkat Daerah — {} — {}",
        r.regency, r.period.title
    );
    let mut b = format!("<h1>{}</h1>\n", esc(&title));
    b.push_str(&header(r, offset));
    let errors_end: usize = r
        .agencies
        .iter()
        .filter_map(|a| a.at_end.map(|c| c.errors))
        .sum();
    let opened: usize = r.agencies.iter().map(|a| a.opened.len()).sum();
    let fixed: usize = r.agencies.iter().map(|a| a.fixed.len()).sum();
    let sanctionable: usize = r.agencies.iter().map(|a| a.sanctionable.len()).sum();
    let _ = writeln!(
        b,
        "<h2>Ringkasan untuk Bupati</h2>\n<p>{} perangkat daerah · {} galat terbuka di akhir periode · {} temuan baru · {} temuan diperbaiki · {} temuan yang dapat dikenai sanksi.</p>",
        r.agencies.iter().filter(|a| a.slug != REGENCY).count(),
        errors_end,
        opened,
        fixed,
        sanctionable
    );
    b.push_str("<div class=\"gulir\" role=\"region\" aria-label=\"Tabel ringkasan per perangkat daerah\" tabindex=\"0\">\n<table class=\"kartu\">\n<caption>Per perangkat daerah</caption>\n<thead><tr><th scope=\"col\">Perangkat daerah</th><th scope=\"col\">Publikasi (diblokir)</th><th scope=\"col\">Galat di akhir periode</th><th scope=\"col\">Temuan baru</th><th scope=\"col\">Diperbaiki</th><th scope=\"col\">Galat terlama terbuka</th><th scope=\"col\">Ketersediaan</th><th scope=\"col\">Dapat dikenai sanksi</th></tr></thead>\n<tbody>\n");
    for a in &r.agencies {
        let end = match a.at_end {
            Some(c) if c.errors > 0 => format!("<td class=\"galat\" data-label=\"Galat di akhir periode\">{} galat</td>", c.errors),
            Some(_) => "<td class=\"ok\" data-label=\"Galat di akhir periode\">✓ tidak ada</td>".to_string(),
            None => "<td class=\"kosong\" data-label=\"Galat di akhir periode\">belum pernah diperiksa</td>".to_string(),
        };
        let longest = a
            .longest_error()
            .map_or("—".to_string(), |d| format!("{d} hari"));
        let sanction = if a.sanctionable.is_empty() {
            "<td data-label=\"Dapat dikenai sanksi\">0</td>".to_string()
        } else {
            format!(
                "<td class=\"galat\" data-label=\"Dapat dikenai sanksi\">{}</td>",
                a.sanctionable.len()
            )
        };
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\"><a href=\"{}.html\">{}</a><br><span class=\"kecil\">{}</span></th><td data-label=\"Publikasi (diblokir)\">{} ({})</td>{end}<td data-label=\"Temuan baru\">{}</td><td data-label=\"Diperbaiki\">{}</td><td data-label=\"Galat terlama terbuka\">{}</td><td data-label=\"Ketersediaan\">{}</td>{sanction}</tr>",
            esc(&a.slug),
            esc(&shown_name(a)),
            esc(&a.hosts.join(", ")),
            a.publishes,
            a.blocked,
            a.opened.len(),
            a.fixed.len(),
            esc(&longest),
            esc(&availability(a)),
        );
    }
    b.push_str("</tbody>\n</table>\n</div>\n");
    b.push_str("<p class=\"kecil\">Galat memblokir publikasi situs; \"lama terbuka\" dihitung dari publikasi pertama yang menunjukkan temuan sampai publikasi pertama yang tidak lagi menunjukkannya (atau akhir periode). Ketersediaan: pemeriksaan malam yang nama situsnya terjawab DNS dan jabat tangan HTTPS-nya berhasil (DNS001, TLS001).</p>\n");
    page(&title, &b)
}

fn when(t: chrono::DateTime<chrono::Utc>, offset: FixedOffset) -> String {
    local_day(t, offset)
}

fn episodes_table(
    caption: &str,
    list: &[Episode],
    offset: FixedOffset,
    with_sanctions: bool,
) -> String {
    let mut b = String::new();
    if list.is_empty() {
        let _ = writeln!(b, "<h2>{}</h2>\n<p>Tidak ada.</p>", esc(caption));
        return b;
    }
    let _ = writeln!(
        b,
        "<h2>{}</h2>\n<div class=\"gulir\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">\n<table class=\"kartu\">\n<thead><tr><th scope=\"col\">Aturan</th><th scope=\"col\">Temuan</th><th scope=\"col\">Sejak</th><th scope=\"col\">Diperbaiki</th><th scope=\"col\">Lama terbuka</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
        esc(caption),
        esc(caption),
        if with_sanctions {
            "Sanksi dan dasar hukum"
        } else {
            "Dasar hukum"
        }
    );
    for e in list {
        let f = &e.finding;
        let class = match f.severity {
            crate::diagnostic::Severity::Error => "galat",
            crate::diagnostic::Severity::Warning => "peringatan",
            crate::diagnostic::Severity::Info => "info",
        };
        let at = match f.line {
            Some(l) => format!("{}:{l}", f.file),
            None => f.file.clone(),
        };
        let fixed = match (e.fixed, e.open_at_end) {
            (Some(t), false) => when(t, offset),
            _ => "masih terbuka".to_string(),
        };
        // A sanction names the article it follows from: the basis again
        // would say it twice.
        let law = if with_sanctions && !f.sanctions.is_empty() {
            format!("<strong>{}</strong>", esc(&f.sanctions.join("; ")))
        } else {
            esc(&f.basis.join("; "))
        };
        let _ = writeln!(
            b,
            "<tr><td class=\"{class}\" data-label=\"Aturan\"><code>{}</code></td><td data-label=\"Temuan\">{}<br><code class=\"kecil\">{}</code></td><td class=\"tgl\" data-label=\"Sejak\">{}</td><td class=\"tgl\" data-label=\"Diperbaiki\">{}</td><td class=\"tgl\" data-label=\"Lama terbuka\">{} hari</td><td data-label=\"{}\">{law}</td></tr>",
            esc(&f.rule),
            prose(&f.message),
            esc(&at),
            when(e.opened, offset),
            esc(&fixed),
            e.days_open,
            if with_sanctions {
                "Sanksi dan dasar hukum"
            } else {
                "Dasar hukum"
            },
        );
    }
    b.push_str("</tbody>\n</table>\n</div>\n");
    b
}

fn agency(r: &PeriodReport, a: &AgencyReport, offset: FixedOffset) -> String {
    let title = format!("{} — {}", shown_name(a), r.period.title);
    let mut b = format!(
        "<h1>Laporan berkala {}</h1>\n<p><a href=\"index.html\">← Ringkasan kabupaten</a></p>\n",
        esc(&title)
    );
    b.push_str(&header(r, offset));
    let end = match a.at_end {
        Some(c) => format!(
            "{} galat, {} peringatan, {} info",
            c.errors, c.warnings, c.infos
        ),
        None => "belum pernah diperiksa oleh laman publish".to_string(),
    };
    let _ = writeln!(
        b,
        "<h2>Ringkasan</h2>\n<ul>\n<li>Alamat: {}</li>\n<li>Publikasi dalam periode: {} (diblokir {})</li>\n<li>Keadaan di akhir periode: {}</li>\n<li>Temuan baru: {} · diperbaiki: {}</li>\n<li>Ketersediaan: {}</li>\n</ul>",
        esc(&if a.hosts.is_empty() {
            "—".to_string()
        } else {
            a.hosts.join(", ")
        }),
        a.publishes,
        a.blocked,
        esc(&end),
        a.opened.len(),
        a.fixed.len(),
        esc(&availability(a)),
    );
    if !a.sanctionable.is_empty() {
        b.push_str(&episodes_table(
            "Temuan yang dapat dikenai sanksi",
            &a.sanctionable,
            offset,
            true,
        ));
    }
    b.push_str(&episodes_table(
        "Galat dan lama terbukanya",
        &a.errors,
        offset,
        false,
    ));
    b.push_str(&episodes_table(
        "Temuan baru dalam periode",
        &a.opened,
        offset,
        false,
    ));
    b.push_str(&episodes_table(
        "Temuan yang diperbaiki dalam periode",
        &a.fixed,
        offset,
        false,
    ));
    b.push_str("<h2>Pemeriksaan malam terakhir dalam periode</h2>\n");
    if a.night_fails.is_empty() {
        b.push_str(if a.availability.nights == 0 {
            "<p>Tidak ada pemeriksaan malam dalam periode ini.</p>\n"
        } else {
            "<p>Tidak ada pemeriksaan yang gagal.</p>\n"
        });
    } else {
        b.push_str("<ul>\n");
        for f in &a.night_fails {
            let _ = writeln!(
                b,
                "<li><code>{}</code> {} — {} <span class=\"kecil\">({})</span></li>",
                f.check,
                esc(&f.host),
                prose(&f.message),
                esc(&f.basis.join("; "))
            );
        }
        b.push_str("</ul>\n");
    }
    page(&title, &b)
}
