//! Rules about one page's front-matter data: the required fields of each
//! kind (KONTEN, LAYANAN, MAKLUMAT, ADUAN, PPID), dates (MUTAKHIR) and the
//! images of its text (AKSES-001, AKSES-002).

use chrono::NaiveDate;

use super::{Engine, Findings, RuleOptions, field_at, filled};
use crate::content::SourcePage;
use crate::content::date::PageDate;
use crate::content::kinds::{Gambar, Kind, KindData};
use crate::diagnostic::RuleFinding as F;
use crate::diagnostic::{Location, Severity};
use crate::markdown::Rendered;
use crate::registry::Site;

const CATEGORIES: [&str; 10] = [
    "profil",
    "program",
    "kinerja",
    "keuangan",
    "akses_informasi",
    "regulasi",
    "tata_cara_informasi",
    "pengaduan_wewenang",
    "pengadaan",
    "siaga_darurat",
];

/// Runs every page rule on `page`.
pub(super) fn check(
    engine: &Engine,
    site: &Site,
    page: &SourcePage,
    body: &Rendered,
    opts: &RuleOptions,
    found: &mut Findings,
) {
    let mut req = |rule: &'static str, field: &str, ok: bool| {
        if !ok {
            found.push(
                rule,
                field_at(page, field),
                F::MissingField {
                    field: field.to_string(),
                },
            );
        }
    };
    match &page.data {
        KindData::Profil(d) => {
            req("KONTEN-001", "nama_resmi", filled(&d.nama_resmi));
            req("KONTEN-001", "kedudukan", filled(&d.kedudukan));
            req("KONTEN-001", "alamat", filled(&d.alamat));
            req("KONTEN-001", "ruang_lingkup", filled(&d.ruang_lingkup));
            req("KONTEN-001", "maksud_tujuan", filled(&d.maksud_tujuan));
        }
        KindData::VisiMisi(d) => {
            req("KONTEN-002", "visi", filled(&d.visi));
            req("KONTEN-002", "misi", !d.misi.is_empty());
            req("KONTEN-002", "sumber", filled(&d.sumber));
        }
        KindData::TugasFungsi(d) => {
            req("KONTEN-003", "tugas", filled(&d.tugas));
            req("KONTEN-003", "fungsi", !d.fungsi.is_empty());
            req("KONTEN-003", "dasar_hukum", !d.dasar_hukum.is_empty());
        }
        KindData::StrukturOrganisasi(d) => {
            req("KONTEN-004", "unit", !d.unit.is_empty());
            let all = d.unit.iter().all(|u| filled(&u.gambaran_umum));
            req("KONTEN-004", "unit.gambaran_umum", all);
        }
        KindData::PejabatPage(d) => {
            req("KONTEN-005", "pejabat", !d.pejabat.is_empty());
            req(
                "KONTEN-005",
                "pejabat.profil_singkat",
                d.pejabat.iter().all(|p| filled(&p.profil_singkat)),
            );
            if let Some(head) = d.pejabat.first().filter(|h| !filled(&h.lhkpn_url)) {
                let _ = head;
                found.push_as(
                    "KONTEN-005",
                    Severity::Warning,
                    field_at(page, "pejabat"),
                    F::MissingField {
                        field: "pejabat[0].lhkpn_url".into(),
                    },
                );
            }
        }
        KindData::ProdukHukum(d) => req("KONTEN-008", "dokumen", !d.dokumen.is_empty()),
        KindData::ProgramKegiatan(d) => {
            req("KONTEN-009", "program", !d.program.is_empty());
            let complete = d.program.iter().all(|p| {
                filled(&p.penanggung_jawab)
                    && filled(&p.kontak)
                    && (filled(&p.target) || filled(&p.capaian))
                    && filled(&p.jadwal)
                    && p.anggaran.is_some()
            });
            req(
                "KONTEN-009",
                "program.penanggung_jawab/kontak/target/jadwal/anggaran",
                complete,
            );
        }
        KindData::Kinerja(d) => req("KONTEN-010", "tahun", d.tahun.is_some()),
        KindData::LaporanKeuangan(d) => {
            req("KONTEN-011", "tahun", d.tahun.is_some());
            req("KONTEN-011", "dokumen", !d.dokumen.is_empty());
        }
        KindData::Pengadaan(d) => req(
            "KONTEN-012",
            "sirup_url",
            filled(&d.sirup_url) || filled(&d.lpse_url) || !d.pengumuman.is_empty(),
        ),
        KindData::SiagaDarurat(d) => {
            req(
                "KONTEN-013",
                "peringatan_dini",
                !d.peringatan_dini.is_empty(),
            );
            req("KONTEN-013", "evakuasi", !d.evakuasi.is_empty());
        }
        KindData::MaklumatPelayanan(d) => {
            req("MAKLUMAT-001", "teks", filled(&d.teks));
            req("MAKLUMAT-001", "penandatangan", filled(&d.penandatangan));
            req("MAKLUMAT-001", "tanggal", d.tanggal.is_some());
        }
        KindData::Pengaduan(d) => {
            req("ADUAN-001", "pengelola", filled(&d.pengelola));
            req("ADUAN-001", "prosedur", !d.prosedur.is_empty());
            req("ADUAN-001", "waktu_respon", filled(&d.waktu_respon));
            req("ADUAN-003", "wbs_url", filled(&d.wbs_url));
        }
        KindData::Ppid(d) => {
            req(
                "PPID-002",
                "tata_cara_permohonan",
                !d.tata_cara_permohonan.is_empty(),
            );
            req(
                "PPID-002",
                "tata_cara_keberatan",
                !d.tata_cara_keberatan.is_empty(),
            );
            req(
                "PPID-002",
                "penyelesaian_sengketa",
                filled(&d.penyelesaian_sengketa),
            );
            req("PPID-002", "waktu_layanan", filled(&d.waktu_layanan));
            req("PPID-002", "biaya", filled(&d.biaya));
        }
        KindData::DaftarInformasiPublik(d) => {
            req("PPID-004", "informasi", !d.informasi.is_empty());
            let complete = d.informasi.iter().all(|r| {
                [
                    &r.penguasa,
                    &r.penanggung_jawab,
                    &r.waktu_tempat,
                    &r.bentuk,
                    &r.retensi,
                ]
                .iter()
                .all(|v| filled(v))
            });
            req(
                "PPID-004",
                "informasi.penguasa/penanggung_jawab/waktu_tempat/bentuk/retensi",
                complete,
            );
        }
        KindData::InformasiSetiapSaat(d) => req("PPID-006", "dokumen", !d.dokumen.is_empty()),
        KindData::LaporanLayananInformasi(d) => {
            for (f, ok) in [
                ("tahun", d.tahun.is_some()),
                ("jumlah_permohonan", d.jumlah_permohonan.is_some()),
                ("waktu_rata2", filled(&d.waktu_rata2)),
                ("dikabulkan", d.dikabulkan.is_some()),
                ("ditolak", d.ditolak.is_some()),
                ("dokumen", filled(&d.dokumen)),
            ] {
                req("PPID-007", f, ok);
            }
        }
        KindData::PernyataanAksesibilitas(d) => {
            req("AKSES-005", "standar", filled(&d.standar));
            req("AKSES-005", "kontak", filled(&d.kontak));
        }
        _ => {}
    }
    kind_specific(engine, site, page, opts, found);
    dates(engine, page, opts.today, found);
    images(page, body, found);
}

fn kind_specific(
    engine: &Engine,
    site: &Site,
    page: &SourcePage,
    opts: &RuleOptions,
    found: &mut Findings,
) {
    match &page.data {
        KindData::StandarPelayanan(_) => service(engine, site, page, opts, found),
        KindData::InformasiBerkala(d) => {
            if d.entri.is_empty() {
                found.push(
                    "PPID-003",
                    field_at(page, "entri"),
                    F::MissingField {
                        field: "entri".into(),
                    },
                );
            }
            for cat in CATEGORIES {
                let present = d.entri.iter().any(|e| {
                    serde_json::to_value(e.kategori)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .as_deref()
                        == Some(cat)
                });
                if !present && !d.entri.is_empty() {
                    found.push(
                        "PPID-003",
                        field_at(page, "entri"),
                        F::MissingCategory {
                            category: cat.into(),
                        },
                    );
                }
            }
            let limit = engine.catalogue.param("MUTAKHIR-001", "maks_hari", 183);
            for e in &d.entri {
                stale(
                    "MUTAKHIR-001",
                    page,
                    "tanggal_mutakhir",
                    &e.tanggal_mutakhir,
                    limit,
                    opts.today,
                    found,
                );
                if let Some(t) = e.tanggal.filter(|t| e.tanggal_mutakhir.day < t.day) {
                    found.push(
                        "MUTAKHIR-004",
                        field_at(page, "entri"),
                        F::DateOrder {
                            field: "tanggal_mutakhir".into(),
                            date: e.tanggal_mutakhir.iso_day(),
                            earlier_than: t.iso_day(),
                        },
                    );
                }
            }
        }
        KindData::VisiMisi(d) => {
            if let Some(end) = d.periode_akhir.filter(|e| e.day < opts.today) {
                found.push(
                    "KONTEN-002",
                    field_at(page, "periode_akhir"),
                    F::PeriodEnded {
                        date: end.iso_day(),
                    },
                );
            }
        }
        KindData::StrukturOrganisasi(d) => alt_of(d.bagan.as_ref(), "KONTEN-004", page, found),
        KindData::MaklumatPelayanan(d) => alt_of(d.gambar.as_ref(), "MAKLUMAT-001", page, found),
        _ => {}
    }
}

fn service(
    engine: &Engine,
    site: &Site,
    page: &SourcePage,
    opts: &RuleOptions,
    found: &mut Findings,
) {
    let KindData::StandarPelayanan(d) = &page.data else {
        return;
    };
    let mut req = |field: &str, ok: bool| {
        if !ok {
            found.push(
                "LAYANAN-002",
                field_at(page, field),
                F::MissingField {
                    field: field.to_string(),
                },
            );
        }
    };
    req("persyaratan", !d.persyaratan.is_empty());
    req("prosedur", !d.prosedur.is_empty());
    req("jangka_waktu", d.jangka_waktu.is_some());
    req("biaya_rp", d.biaya_rp.is_some());
    req("produk", filled(&d.produk));
    req("pengaduan", !d.pengaduan.is_empty());
    if let Some(j) = d.jangka_waktu.as_ref().filter(|j| j.nilai == 0) {
        found.push(
            "LAYANAN-002",
            field_at(page, "jangka_waktu"),
            F::InvalidValue {
                field: "jangka_waktu.nilai".into(),
                value: j.nilai.to_string(),
            },
        );
    }
    let recommended: Vec<String> = [
        ("dasar_hukum", !d.dasar_hukum.is_empty()),
        ("sarana_prasarana", filled(&d.sarana_prasarana)),
        ("kompetensi_pelaksana", filled(&d.kompetensi_pelaksana)),
        ("pengawasan_internal", filled(&d.pengawasan_internal)),
        ("jumlah_pelaksana", d.jumlah_pelaksana.is_some()),
        ("jaminan_pelayanan", filled(&d.jaminan_pelayanan)),
        ("jaminan_keamanan", filled(&d.jaminan_keamanan)),
        ("evaluasi_kinerja", filled(&d.evaluasi_kinerja)),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(f, _)| f.to_string())
    .collect();
    if !recommended.is_empty() {
        found.push(
            "LAYANAN-003",
            Location::file(&page.shown),
            F::MissingRecommended {
                fields: recommended,
            },
        );
    }
    if let Some(b) = d.biaya_rp.filter(|b| *b > 0 && !filled(&d.dasar_biaya)) {
        found.push(
            "LAYANAN-004",
            field_at(page, "biaya_rp"),
            F::FeeWithoutBasis { fee_rp: b },
        );
    }
    if d.penetapan.is_none() {
        found.push(
            "LAYANAN-005",
            Location::file(&page.shown),
            F::MissingField {
                field: "penetapan".into(),
            },
        );
    }
    match &d.ditinjau {
        None => found.push(
            "LAYANAN-005",
            Location::file(&page.shown),
            F::MissingField {
                field: "ditinjau".into(),
            },
        ),
        Some(t) => {
            let limit = engine
                .catalogue
                .param("LAYANAN-005", "maks_hari_tinjau", 365);
            stale(
                "MUTAKHIR-005",
                page,
                "ditinjau",
                t,
                limit,
                opts.today,
                found,
            );
        }
    }
    if !filled(&d.sippn_url) {
        found.push(
            "LAYANAN-006",
            Location::file(&page.shown),
            F::MissingRecommended {
                fields: vec!["sippn_url".into()],
            },
        );
    }
    for id in &d.pengaduan {
        if !site.config.kanal_pengaduan.iter().any(|k| &k.id == id) {
            found.push(
                "ADUAN-002",
                field_at(page, "pengaduan"),
                F::UnknownChannel { id: id.clone() },
            );
        }
    }
}

fn stale(
    rule: &'static str,
    page: &SourcePage,
    field: &str,
    date: &PageDate,
    limit: i64,
    today: NaiveDate,
    found: &mut Findings,
) {
    let days = (today - date.day).num_days();
    if days > limit {
        found.push(
            rule,
            field_at(page, field),
            F::Stale {
                field: field.into(),
                date: date.iso_day(),
                days,
                limit,
            },
        );
    }
}

/// MUTAKHIR-002 (reviewed recently) and MUTAKHIR-004 (no date in the future).
fn dates(engine: &Engine, page: &SourcePage, today: NaiveDate, found: &mut Findings) {
    let c = &page.common;
    let reviewed_kinds = [
        Kind::Profil,
        Kind::TugasFungsi,
        Kind::StrukturOrganisasi,
        Kind::PejabatPage,
        Kind::Kontak,
        Kind::StandarPelayanan,
        Kind::Ppid,
    ];
    let exempt = matches!(page.jenis(), Kind::Berita | Kind::Bagian | Kind::Beranda);
    match c.updated {
        None if !exempt => found.push(
            "MUTAKHIR-002",
            Location::file(&page.shown),
            F::MissingField {
                field: "updated".into(),
            },
        ),
        Some(u) if reviewed_kinds.contains(&page.jenis()) => {
            let limit = engine.catalogue.param("MUTAKHIR-002", "maks_hari", 365);
            stale("MUTAKHIR-002", page, "updated", &u, limit, today, found);
        }
        _ => {}
    }
    for (field, d) in [("date", c.date), ("updated", c.updated)] {
        if let Some(d) = d.filter(|d| d.day > today) {
            found.push(
                "MUTAKHIR-004",
                field_at(page, field),
                F::FutureDate {
                    field: field.into(),
                    date: d.iso_day(),
                },
            );
        }
    }
    let mut data_dates: Vec<(&str, PageDate)> = Vec::new();
    match &page.data {
        KindData::StandarPelayanan(d) => {
            data_dates.extend(d.ditinjau.map(|x| ("ditinjau", x)));
            data_dates.extend(d.penetapan.as_ref().map(|p| ("penetapan", p.tanggal)));
        }
        KindData::MaklumatPelayanan(d) => data_dates.extend(d.tanggal.map(|x| ("tanggal", x))),
        KindData::InformasiBerkala(d) => data_dates.extend(
            d.entri
                .iter()
                .map(|e| ("tanggal_mutakhir", e.tanggal_mutakhir)),
        ),
        KindData::InformasiSertaMerta(d) => {
            data_dates.extend(d.informasi.iter().map(|e| ("informasi", e.tanggal)))
        }
        _ => {}
    }
    for (field, d) in data_dates.into_iter().filter(|(_, d)| d.day > today) {
        found.push(
            "MUTAKHIR-004",
            field_at(page, field),
            F::FutureDate {
                field: field.into(),
                date: d.iso_day(),
            },
        );
    }
}

fn alt_missing(src: &str, alt: &str) -> bool {
    let alt = alt.trim();
    let file = src.rsplit('/').next().unwrap_or(src);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    alt.is_empty() || alt == file || alt == stem
}

fn alt_of(g: Option<&Gambar>, rule: &'static str, page: &SourcePage, found: &mut Findings) {
    if let Some(g) = g.filter(|g| alt_missing(&g.src, &g.alt)) {
        found.push(
            rule,
            field_at(page, "alt"),
            F::ImageWithoutAlt { src: g.src.clone() },
        );
        found.push(
            "AKSES-001",
            field_at(page, "alt"),
            F::ImageWithoutAlt { src: g.src.clone() },
        );
    }
}

/// AKSES-001 for images in the text; AKSES-002 for documents linked from a page with almost no text.
fn images(page: &SourcePage, body: &Rendered, found: &mut Findings) {
    for img in body.images.iter().filter(|i| alt_missing(&i.src, &i.alt)) {
        found.push(
            "AKSES-001",
            Location::at(&page.shown, img.line, img.column),
            F::ImageWithoutAlt {
                src: img.src.clone(),
            },
        );
    }
    if let KindData::Berita(d) = &page.data {
        alt_only(d.gambar.as_ref(), page, found);
    }
    if let KindData::Beranda(d) = &page.data {
        alt_only(d.lambang.as_ref(), page, found);
    }
    let doc = |u: &str| {
        [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx"]
            .iter()
            .any(|e| u.to_ascii_lowercase().ends_with(e))
    };
    if body.plain.chars().count() < 120 {
        for url in body.links.iter().filter(|u| doc(u)) {
            found.push(
                "AKSES-002",
                Location::file(&page.shown),
                F::DocumentWithoutSummary { url: url.clone() },
            );
        }
    }
}

fn alt_only(g: Option<&Gambar>, page: &SourcePage, found: &mut Findings) {
    if let Some(g) = g.filter(|g| alt_missing(&g.src, &g.alt)) {
        found.push(
            "AKSES-001",
            field_at(page, "alt"),
            F::ImageWithoutAlt { src: g.src.clone() },
        );
    }
}
