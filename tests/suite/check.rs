//! `laman check`: every implemented content rule has a fixture that fails
//! it (a mutation of the example regency's dinkes site, which passes) and
//! the example that passes it; profile and laman.toml overrides; the four
//! output formats (golden); the compliance report.

use std::process::{Command, Stdio};

use laman::{Lang, Localize, Severity};

use crate::support::*;

const SP: &str = "sites/dinkes/content/layanan/verifikasi-izin-apotek.md";

/// Removes a `key = …` assignment (also a multi-line array or string) from a TOML/front-matter file.
fn drop_key(p: &Project, rel: &str, key: &str) {
    let path = p.path(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    let mut out = Vec::new();
    let mut lines = text.lines();
    let mut dropped = false;
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if !dropped && t.starts_with(&format!("{key} = ")) {
            dropped = true;
            let value = t[key.len() + 3..].trim();
            let closer = if value.starts_with("\"\"\"") && !value[3..].contains("\"\"\"") {
                Some("\"\"\"")
            } else if value == "[" || (value.starts_with('[') && !value.ends_with(']')) {
                Some("]")
            } else {
                None
            };
            if let Some(c) = closer {
                for l in lines.by_ref() {
                    if l.trim_end().ends_with(c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(line);
    }
    assert!(dropped, "{rel} has no `{key} = `");
    std::fs::write(&path, out.join("\n") + "\n").expect("write");
}

/// Removes a `[table]` and its keys from a TOML file.
fn drop_table(p: &Project, rel: &str, header: &str) {
    let path = p.path(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    let mut out = Vec::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.trim() == header {
            skipping = true;
            continue;
        }
        if skipping && line.trim_start().starts_with('[') {
            skipping = false;
        }
        if !skipping {
            out.push(line);
        }
    }
    std::fs::write(&path, out.join("\n") + "\n").expect("write");
}

/// Findings of `rule` in a check of `p`.
fn of_rule<'a>(r: &'a laman::build::BuildReport, rule: &str) -> Vec<&'a laman::Diagnostic> {
    r.all_diagnostics().filter(|d| d.code == rule).collect()
}

fn dinkes() -> Project {
    Project::example_site("dinkes")
}

/// Asserts `rule` was found at `severity`, and that the unmutated site has no such finding.
fn fails(p: &Project, rule: &str, severity: Severity) -> Vec<laman::Diagnostic> {
    let r = p.check();
    let found: Vec<laman::Diagnostic> = of_rule(&r, rule).into_iter().cloned().collect();
    assert!(
        !found.is_empty(),
        "no {rule} finding; got {:#?}",
        r.all_diagnostics()
            .map(|d| (d.code, d.text(Lang::En)))
            .collect::<Vec<_>>()
    );
    assert!(
        found.iter().any(|d| d.severity == severity),
        "{rule}: {:#?}",
        found
    );
    found
}

fn page(p: &Project, rel: &str, extra_front: &str, body: &str) {
    p.write(
        &format!("sites/dinkes/content/{rel}"),
        format!("+++\ntitle = \"Uji\"\ndescription = \"Halaman uji.\"\nupdated = 2026-11-01\n{extra_front}+++\n\n{body}\n"),
    );
}

#[test]
fn example_regency_passes_every_rule_under_its_profile() {
    let p = Project::example();
    let r = p.check();
    let t = r.tally();
    let bad: Vec<String> = r
        .all_diagnostics()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| human(d, Lang::En))
        .collect();
    assert_eq!((t.errors, t.warnings), (0, 0), "{}", bad.join(""));
    // The remaining infos are the optional SIPPN links only.
    assert!(r.all_diagnostics().all(|d| d.code == "LAYANAN-006"));
}

#[test]
fn missing_pages_fail_their_rules_on_an_incomplete_site() {
    let p = Project::fixture("minimal");
    let r = p.check();
    for (rule, jenis) in [
        ("KONTEN-002", "visi-misi"),
        ("KONTEN-003", "tugas-fungsi"),
        ("KONTEN-004", "struktur-organisasi"),
        ("KONTEN-005", "pejabat"),
        ("KONTEN-006", "kontak"),
        ("KONTEN-008", "produk-hukum"),
        ("KONTEN-009", "program-kegiatan"),
        ("KONTEN-010", "kinerja"),
        ("KONTEN-011", "laporan-keuangan"),
        ("KONTEN-012", "pengadaan"),
        ("KONTEN-013", "siaga-darurat"),
        ("MAKLUMAT-001", "maklumat-pelayanan"),
        ("ADUAN-001", "pengaduan"),
        ("PPID-001", "ppid"),
        ("PPID-003", "informasi-berkala"),
        ("PPID-004", "daftar-informasi-publik"),
        ("PPID-005", "informasi-serta-merta"),
        ("PPID-006", "informasi-setiap-saat"),
        ("AKSES-005", "pernyataan-aksesibilitas"),
        ("PRIVASI-001", "kebijakan-privasi"),
    ] {
        let d = of_rule(&r, rule);
        assert!(
            d.iter().any(|d| d.location.path.starts_with("sites/alpha")
                && d.text(Lang::En) == format!("the site has no page of kind `{jenis}`")),
            "{rule} {jenis}: {d:#?}"
        );
    }
    // beta serves the public by default but has no service standard.
    assert!(
        of_rule(&r, "LAYANAN-001")
            .iter()
            .any(|d| d.location.path.starts_with("sites/beta"))
    );
    assert!(
        !of_rule(&r, "LAYANAN-001")
            .iter()
            .any(|d| d.location.path.starts_with("sites/alpha"))
    );
    assert!(
        !of_rule(&r, "KONTEN-001")
            .iter()
            .any(|d| d.text(Lang::En).starts_with("the site has no page")),
        "both have a profil page"
    );
}

#[test]
fn page_field_rules_fail_when_a_field_is_removed() {
    let cases: &[(&str, &str, &str, Severity)] = &[
        (
            "KONTEN-001",
            "sites/dinkes/content/profil.md",
            "kedudukan",
            Severity::Error,
        ),
        (
            "KONTEN-002",
            "sites/dinkes/content/visi-misi.md",
            "visi",
            Severity::Warning,
        ),
        (
            "KONTEN-003",
            "sites/dinkes/content/tugas-fungsi.md",
            "fungsi",
            Severity::Error,
        ),
        (
            "KONTEN-004",
            "sites/dinkes/content/struktur-organisasi.md",
            "gambaran_umum",
            Severity::Error,
        ),
        (
            "KONTEN-005",
            "sites/dinkes/content/pejabat.md",
            "profil_singkat",
            Severity::Error,
        ),
        (
            "KONTEN-005",
            "sites/dinkes/content/pejabat.md",
            "lhkpn_url",
            Severity::Warning,
        ),
        (
            "KONTEN-009",
            "sites/dinkes/content/program-kegiatan.md",
            "jadwal",
            Severity::Warning,
        ),
        (
            "KONTEN-010",
            "sites/dinkes/content/kinerja.md",
            "tahun",
            Severity::Warning,
        ),
        (
            "KONTEN-011",
            "sites/dinkes/content/laporan-keuangan.md",
            "tahun",
            Severity::Warning,
        ),
        (
            "KONTEN-013",
            "sites/dinkes/content/siaga-darurat.md",
            "evakuasi",
            Severity::Warning,
        ),
        (
            "KONTEN-006",
            "sites/dinkes/site.toml",
            "telepon",
            Severity::Error,
        ),
        ("LAYANAN-002", SP, "persyaratan", Severity::Error),
        ("LAYANAN-003", SP, "sarana_prasarana", Severity::Warning),
        ("LAYANAN-005", SP, "penetapan", Severity::Warning),
        (
            "MAKLUMAT-001",
            "sites/dinkes/content/maklumat-pelayanan.md",
            "penandatangan",
            Severity::Error,
        ),
        (
            "ADUAN-001",
            "sites/dinkes/content/pengaduan.md",
            "waktu_respon",
            Severity::Error,
        ),
        (
            "ADUAN-003",
            "sites/dinkes/content/pengaduan.md",
            "wbs_url",
            Severity::Warning,
        ),
        (
            "PPID-001",
            "sites/dinkes/site.toml",
            "url_ppid_utama",
            Severity::Error,
        ),
        (
            "PPID-002",
            "sites/dinkes/content/ppid/_index.md",
            "penyelesaian_sengketa",
            Severity::Error,
        ),
        (
            "PPID-004",
            "sites/dinkes/content/ppid/daftar-informasi-publik.md",
            "retensi",
            Severity::Error,
        ),
        (
            "PPID-007",
            "sites/dinkes/content/ppid/laporan-layanan-informasi.md",
            "waktu_rata2",
            Severity::Error,
        ),
        (
            "MUTAKHIR-002",
            "sites/dinkes/content/kontak.md",
            "updated",
            Severity::Warning,
        ),
        (
            "AKSES-005",
            "sites/dinkes/content/pernyataan-aksesibilitas.md",
            "kontak",
            Severity::Warning,
        ),
        (
            "PRIVASI-001",
            "sites/dinkes/content/kebijakan-privasi.md",
            "retensi",
            Severity::Warning,
        ),
    ];
    for (rule, file, key, severity) in cases {
        let p = dinkes();
        drop_key(&p, file, key);
        let found = fails(&p, rule, *severity);
        assert!(
            found.iter().any(|d| d.location.path.to_str() == Some(file)),
            "{rule} at {file}: {found:#?}"
        );
    }
}

#[test]
fn a_missing_field_is_reported_with_basis_and_advice() {
    let p = dinkes();
    drop_key(&p, SP, "persyaratan");
    let r = p.check();
    let d = of_rule(&r, "LAYANAN-002")[0];
    assert_eq!(
        human(d, Lang::Id),
        "galat[LAYANAN-002]: `persyaratan` wajib diisi\n  --> sites/dinkes/content/layanan/verifikasi-izin-apotek.md\n  = dasar: kebijakan Diskominfo; tidak ada pasal dalam Peraturan Bupati Cianjur Nomor 25 Tahun 2018; Undang-Undang Nomor 25 Tahun 2009 Pasal 21 huruf b, c, d, e, f, j (sumber sekunder); Peraturan Menteri PANRB Nomor 15 Tahun 2014 Lampiran: komponen service delivery (dipublikasikan) (belum diverifikasi)\n  = saran: Isi keenam komponen: persyaratan = [\"KTP\"], prosedur = [\"…\"], jangka_waktu = { nilai = 3, satuan = \"hari kerja\" }, biaya_rp = 0 (angka tanpa Rp dan titik), produk = \"…\" dan pengaduan = [\"lapor\"].\n"
    );
}

/// Every finding of a catalogue rule shows the rule's human `saran` (what
/// to write, with an example), never its machine `cek`: in the terminal,
/// the JSON (which the serve overlay shows) and the compliance report.
#[test]
fn findings_show_the_human_saran_not_the_machine_check() {
    let p = Project::fixture("minimal");
    let catalogue = laman::rules::catalogue::Catalogue::shipped();
    let r = p.check();
    let mut seen = 0;
    for d in r.all_diagnostics() {
        let Some(rule) = catalogue.rules.get(d.code) else {
            continue;
        };
        seen += 1;
        for lang in [Lang::Id, Lang::En] {
            let hint = d.hint(lang).unwrap_or_default();
            let (advice, check) = match lang {
                Lang::Id => (&rule.advice, &rule.check),
                Lang::En => (&rule.advice_en, &rule.check_en),
            };
            if matches!(*d.message, laman::Message::Rule { .. }) {
                assert_eq!(&hint, advice, "{} {lang:?}", d.code);
            }
            assert_ne!(&hint, check, "{} {lang:?}", d.code);
        }
    }
    assert!(seen > 20, "{seen} findings of catalogue rules");
    let dir = p.path("laporan");
    let out = p.cli(&["check", "--today", "2026-11-23", "--report", "laporan"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let html = std::fs::read_to_string(dir.join("alpha.html")).expect("report");
    let lapor = catalogue.rules.get("ADUAN-001").expect("ADUAN-001");
    assert!(lapor.advice.starts_with("Buat halaman jenis = "));
    assert!(lapor.check.starts_with("Halaman jenis=pengaduan ada"));
    assert!(html.contains("Buat halaman jenis = "), "{html}");
    assert!(
        !html.contains("Halaman jenis=pengaduan ada"),
        "the report shows the machine check"
    );
}

#[test]
fn value_rules_fail_on_wrong_values() {
    type Mutation = fn(&Project);
    let cases: &[(&str, Severity, Mutation)] = &[
        ("KONTEN-002", Severity::Warning, |p| {
            p.edit(
                "sites/dinkes/content/visi-misi.md",
                "periode_akhir = 2029-12-31",
                "periode_akhir = 2025-12-31",
            )
        }),
        ("LAYANAN-001", Severity::Error, |p| {
            p.edit(
                "sites/dinkes/site.toml",
                "melayani_publik = true",
                "melayani_publik = false",
            )
        }),
        ("LAYANAN-004", Severity::Warning, |p| {
            p.edit(SP, "biaya_rp = 0", "biaya_rp = 150000")
        }),
        ("MUTAKHIR-005", Severity::Warning, |p| {
            p.edit(SP, "ditinjau = 2026-08-10", "ditinjau = 2025-01-10")
        }),
        ("ADUAN-002", Severity::Error, |p| {
            p.edit(
                SP,
                "pengaduan = [\"lapor\", \"telepon\", \"email\"]",
                "pengaduan = [\"lapor\", \"faks\"]",
            )
        }),
        ("ADUAN-001", Severity::Error, |p| {
            p.edit(
                "sites/dinkes/site.toml",
                "url = \"https://www.lapor.go.id\"",
                "url = \"https://lapor.example.org\"",
            )
        }),
        ("PPID-003", Severity::Error, |p| {
            p.edit(
                "sites/dinkes/content/ppid/informasi-berkala.md",
                "kategori = \"pengadaan\"",
                "kategori = \"profil\"",
            )
        }),
        ("PPID-007", Severity::Error, |p| {
            p.edit(
                "sites/dinkes/content/ppid/laporan-layanan-informasi.md",
                "tahun = 2025",
                "tahun = 2024",
            )
        }),
        ("MUTAKHIR-001", Severity::Error, |p| {
            p.edit(
                "sites/dinkes/content/ppid/informasi-berkala.md",
                "tanggal_mutakhir = 2026-10-06",
                "tanggal_mutakhir = 2026-01-06",
            )
        }),
        ("MUTAKHIR-002", Severity::Warning, |p| {
            p.edit(
                "sites/dinkes/content/profil.md",
                "updated = 2026-10-06",
                "updated = 2025-01-02",
            )
        }),
        ("MUTAKHIR-004", Severity::Error, |p| {
            p.edit(
                "sites/dinkes/content/berita/bulan-vitamin-a-februari-2026.md",
                "date = 2026-02-09",
                "date = 2027-02-09",
            )
        }),
        ("DOMAIN-005", Severity::Warning, |p| {
            p.edit(
                "sites/dinkes/site.toml",
                "email = \"dinkes@cianjurkab.go.id\"",
                "email = \"dinkes.cianjur@gmail.com\"",
            )
        }),
        ("DOMAIN-006", Severity::Warning, |p| {
            p.edit(
                "sites/dinkes/site.toml",
                "penyedia = \"diskominfo\"",
                "penyedia = \"hosting-swasta\"",
            )
        }),
        ("OPS-001", Severity::Warning, |p| {
            p.edit(
                "sites/dinkes/site.toml",
                "terakhir = 2026-11-16",
                "terakhir = 2026-01-16",
            )
        }),
        ("OPS-004", Severity::Warning, |p| {
            p.edit(
                "sites/dinkes/site.toml",
                "tanggal_review = 2026-07-15",
                "tanggal_review = 2024-07-15",
            )
        }),
        ("PRIVASI-001", Severity::Error, |p| {
            p.edit(
                "sites/dinkes/site.toml",
                "mengumpulkan_data_pribadi = false",
                "mengumpulkan_data_pribadi = true",
            );
            drop_key(p, "sites/dinkes/content/kebijakan-privasi.md", "retensi");
        }),
        ("DOMAIN-003", Severity::Warning, |p| {
            drop_table(p, "sites/dinkes/site.toml", "[penetapan_subdomain]")
        }),
        ("OPS-005", Severity::Info, |p| {
            drop_table(p, "sites/dinkes/site.toml", "[repositori]")
        }),
        ("SITUS-001", Severity::Info, |p| {
            drop_table(p, "sites/dinkes/site.toml", "[sla]")
        }),
        ("AMAN-003", Severity::Warning, |p| {
            drop_key(p, "laman.toml", "contact")
        }),
        ("DOMAIN-001", Severity::Error, |p| {
            p.edit(
                "laman.toml",
                "domain = \"cianjurkab.go.id\"",
                "domain = \"cianjur.go.id\"",
            )
        }),
        ("DOMAIN-002", Severity::Error, |p| {
            p.edit(
                "laman.toml",
                "domain = \"cianjurkab.go.id\"",
                "domain = \"cianjurkab.com\"",
            )
        }),
        ("DOMAIN-008", Severity::Warning, |p| {
            p.write(
                "sites/dinkes2/site.toml",
                std::fs::read_to_string(p.path("sites/dinkes/site.toml")).expect("site.toml"),
            );
        }),
    ];
    for (rule, severity, mutate) in cases {
        let p = dinkes();
        mutate(&p);
        fails(&p, rule, *severity);
    }
}

#[test]
fn text_and_output_rules_fail_on_bad_pages() {
    let cases: &[(&str, Severity, &str, &str)] = &[
        ("AKSES-001", Severity::Error, "", "![](/assets/lambang.svg)"),
        (
            "AKSES-001",
            Severity::Error,
            "",
            "![lambang.svg](/assets/lambang.svg)",
        ),
        (
            "AKSES-002",
            Severity::Warning,
            "",
            "[Unduh](https://ppid.cianjurkab.go.id/a.pdf)",
        ),
        ("AKSES-003", Severity::Warning, "", "#### Terlalu dalam"),
        (
            "AKSES-004",
            Severity::Warning,
            "",
            "<video src=\"/assets/lambang.svg\"></video>",
        ),
        (
            "PRIVASI-002",
            Severity::Error,
            "",
            "NIK pemohon 3203012345670001 harap dirahasiakan.",
        ),
        (
            "PRIVASI-003",
            Severity::Warning,
            "",
            "<iframe src=\"https://www.youtube-nocookie.com/embed/x\" title=\"Video\"></iframe>",
        ),
        (
            "AMAN-001",
            Severity::Error,
            "",
            "Kunci: AKIAIOSFODNN7EXAMPLE",
        ),
        (
            "AMAN-002",
            Severity::Error,
            "",
            "<img src=\"http://gambar.example.org/a.png\" alt=\"Gambar luar\">",
        ),
        // A script in Markdown never reaches the page (the sanitizer
        // removes it, HTML-001); AMAN-002 judges the scripts of templates.
        (
            "HTML-001",
            Severity::Error,
            "",
            "<script src=\"https://cdn.example.org/x.js\"></script>",
        ),
        ("TAUTAN-002", Severity::Error, "", "[hilang](/tidak-ada/)"),
        (
            "TAUTAN-003",
            Severity::Error,
            "",
            "[jangkar](/profil/#tidak-ada)",
        ),
    ];
    for (rule, severity, front, body) in cases {
        let p = dinkes();
        page(&p, "uji.md", front, body);
        let found = fails(&p, rule, *severity);
        assert!(
            found.iter().any(|d| d.location.path.ends_with("uji.md")),
            "{rule}: {found:#?}"
        );
    }
}

#[test]
fn a_page_that_does_not_parse_makes_its_rules_unevaluable_not_missing() {
    let p = dinkes();
    p.edit(
        "sites/dinkes/content/profil.md",
        "weight = 10",
        "weight = \"sepuluh\"",
    );
    let r = p.check();
    assert_eq!(of_rule(&r, "META-002").len(), 1, "the parse error itself");
    let k1 = of_rule(&r, "KONTEN-001");
    assert_eq!(k1.len(), 1, "{k1:#?}");
    assert_eq!(
        k1[0].text(Lang::En),
        "the rule could not be evaluated: sites/dinkes/content/profil.md tidak terbaca (lihat galat META-002)"
    );
    assert_eq!(
        k1[0].location.path.to_str(),
        Some("sites/dinkes/content/profil.md")
    );
}

#[test]
fn one_page_can_be_checked_alone_for_a_preview() {
    let p = dinkes();
    drop_key(&p, SP, "produk");
    let config = laman::config::load(p.root()).expect("laman.toml");
    let registry = laman::registry::discover(p.root(), &config, &[]).expect("registry");
    let site = &registry.sites[0];
    let tree = laman::content::load(site, laman::content::LoadOptions::default());
    let page = tree
        .pages
        .iter()
        .find(|pg| pg.shown.to_str() == Some(SP))
        .expect("page");
    let engine = laman::rules::Engine::new(&config).expect("engine");
    let opts = laman::rules::RuleOptions {
        today: now().date_naive(),
        changed: None,
        backups: None,
    };
    let body = laman::markdown::Rendered::default();
    let found = engine.check_page(site, page, &body, &opts);
    let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"LAYANAN-002"), "{codes:?}");
    assert!(
        found.iter().all(|d| d.location.path.to_str() == Some(SP)),
        "only this page's findings"
    );
}

#[test]
fn secrets_in_static_files_are_found() {
    let p = dinkes();
    p.write("sites/dinkes/static/.env", "DB_PASSWORD=rahasia\n");
    let found = fails(&p, "AMAN-001", Severity::Error);
    assert_eq!(found[0].location.to_string(), "sites/dinkes/static/.env");
}

#[test]
fn declared_third_parties_and_allowed_script_hosts_pass() {
    let p = dinkes();
    page(
        &p,
        "uji.md",
        "",
        "<iframe src=\"https://www.youtube-nocookie.com/embed/x\" title=\"Video\"></iframe>\n\n<script src=\"https://cdn.example.org/x.js\"></script>",
    );
    let mut toml = std::fs::read_to_string(p.path("sites/dinkes/site.toml")).expect("read");
    toml.push_str("\n[[pihak_ketiga]]\nnama = \"YouTube\"\nhost = [\"www.youtube-nocookie.com\", \"cdn.example.org\"]\nlokasi_pemrosesan = \"Amerika Serikat\"\n");
    p.write("sites/dinkes/site.toml", toml);
    let mut laman = std::fs::read_to_string(p.path("laman.toml")).expect("read");
    laman.push_str("\n[rules]\nscript_hosts = [\"cdn.example.org\"]\n");
    p.write("laman.toml", laman);
    let r = p.check();
    assert!(
        of_rule(&r, "PRIVASI-003").is_empty(),
        "{:#?}",
        of_rule(&r, "PRIVASI-003")
    );
    assert!(of_rule(&r, "AMAN-002").is_empty());
}

#[test]
fn home_identity_and_maklumat_links_are_checked_on_the_output() {
    let p = dinkes();
    p.allow_templates("dinkes");
    p.write(
        "sites/dinkes/templates/index.html",
        "<!DOCTYPE html><html lang=\"id\"><head><title>x</title></head><body><main><h1>{{ site.nama_resmi }}</h1></main></body></html>",
    );
    let r = p.check();
    let k7: Vec<String> = of_rule(&r, "KONTEN-007")
        .iter()
        .map(|d| d.text(Lang::En))
        .collect();
    assert_eq!(k7.len(), 3, "{k7:#?}");
    assert!(k7.iter().any(|t| t.contains("https://cianjurkab.go.id")));
    let m2 = of_rule(&r, "MAKLUMAT-002");
    assert_eq!(m2.len(), 1, "the home page no longer links the maklumat");
    assert_eq!(
        m2[0].location.path.to_str(),
        Some("sites/dinkes/content/_index.md")
    );
}

#[test]
fn news_freshness_is_measured_from_today() {
    let p = dinkes();
    let mut o = p.options();
    o.rules = true;
    o.mode = laman::build::Mode::Check;
    o.today = Some(chrono::NaiveDate::from_ymd_opt(2027, 6, 1).expect("date"));
    let r = laman::build::build(&o).expect("check");
    let d = of_rule(&r, "MUTAKHIR-003");
    assert_eq!(d.len(), 1);
    assert!(
        d[0].text(Lang::Id).contains("melewati batas 90 hari"),
        "{}",
        d[0].text(Lang::Id)
    );
    assert!(
        p.check()
            .all_diagnostics()
            .all(|d| d.code != "MUTAKHIR-003"),
        "fresh on 2026-11-23"
    );
}

#[test]
fn urgent_information_is_never_blocked_meta_001() {
    let p = dinkes();
    drop_key(&p, "sites/dinkes/content/ppid/_index.md", "biaya");
    let mut o = p.options();
    o.rules = true;
    o.mode = laman::build::Mode::Check;
    o.today = Some(now().date_naive());
    o.changed = Some(vec![
        "sites/dinkes/content/ppid/informasi-serta-merta.md".into(),
    ]);
    let r = laman::build::build(&o).expect("check");
    let ppid = of_rule(&r, "PPID-002");
    assert_eq!(ppid[0].severity, Severity::Warning, "lowered");
    assert_eq!(of_rule(&r, "META-001").len(), 1, "the waiver is recorded");
    assert!(!r.has_errors());
    o.changed = Some(vec!["sites/dinkes/content/profil.md".into()]);
    let r = laman::build::build(&o).expect("check");
    assert_eq!(
        of_rule(&r, "PPID-002")[0].severity,
        Severity::Error,
        "an ordinary change is not waived"
    );
    assert!(of_rule(&r, "META-001").is_empty());
}

// ---------------------------------------------------------------------------
// Profiles and laman.toml overrides.

fn with_profile(p: &Project, profile: &str, domain: &str) {
    p.edit(
        "laman.toml",
        "profile = \"cianjur\"",
        &format!("profile = \"{profile}\""),
    );
    p.edit(
        "laman.toml",
        "domain = \"cianjurkab.go.id\"",
        &format!("domain = \"{domain}\""),
    );
}

#[test]
fn same_site_passes_under_cianjur_and_fails_under_pangandaran_and_bogor_without_decree() {
    for (profile, domain, sev, reason) in [
        ("cianjur", "cianjurkab.go.id", Severity::Warning, None),
        (
            "pangandaran",
            "pangandarankab.go.id",
            Severity::Error,
            Some("Perbup 47/2017 Pasal 11 ayat (4)"),
        ),
        (
            "bogor",
            "bogorkab.go.id",
            Severity::Error,
            Some("Perbup 11/2015 Pasal 10 ayat (4)"),
        ),
    ] {
        let p = dinkes();
        with_profile(&p, profile, domain);
        drop_table(&p, "sites/dinkes/site.toml", "[penetapan_subdomain]");
        let r = p.check();
        let d = of_rule(&r, "DOMAIN-003");
        assert_eq!(d[0].severity, sev, "{profile}");
        assert_eq!(d[0].severity_reason.as_deref(), reason, "{profile}");
        assert_eq!(r.has_errors(), sev == Severity::Error, "{profile}");
    }
}

#[test]
fn profile_citations_come_first_in_the_basis() {
    let p = dinkes();
    with_profile(&p, "pangandaran", "pangandarankab.go.id");
    drop_table(&p, "sites/dinkes/site.toml", "[penetapan_subdomain]");
    let r = p.check();
    let d = of_rule(&r, "DOMAIN-003")[0];
    assert_eq!(d.basis[0].source, "PERBUP-PND-47-2017");
    assert!(
        !d.basis.iter().any(|c| c.source == "PERBUP-BGR-11-2015"),
        "Bogor's Perbup does not bind Pangandaran"
    );
    assert!(human(d, Lang::Id).contains("  = tingkat: galat (Perbup 47/2017 Pasal 11 ayat (4))\n"));
}

// ---------------------------------------------------------------------------
// The subdomain decree register (#11 item 2, src/decree.rs).

const DINKES_SK: &str = "500/112/Kep/Diskominfo/2024";

/// The line and column (1-based) where `needle` first stands in `rel`.
fn line_col(p: &Project, rel: &str, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(p.path(rel)).expect("read");
    let off = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {rel}"));
    let line = text[..off].matches('\n').count() + 1;
    let col = off - text[..off].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[test]
fn a_site_whose_decree_is_not_in_the_register_is_an_error_where_the_regulation_requires_one() {
    for (profile, domain, sev) in [
        ("cianjur", "cianjurkab.go.id", Severity::Warning),
        ("pangandaran", "pangandarankab.go.id", Severity::Error),
        ("bogor", "bogorkab.go.id", Severity::Error),
    ] {
        let p = dinkes();
        with_profile(&p, profile, domain);
        assert!(of_rule(&p.check(), "DOMAIN-003").is_empty(), "{profile}");
        // Free text instead of a registered number.
        p.edit(
            "sites/dinkes/site.toml",
            &format!("nomor_sk = \"{DINKES_SK}\""),
            "nomor_sk = \"SK Kadis tahun lalu\"",
        );
        let r = p.check();
        let d = of_rule(&r, "DOMAIN-003");
        assert_eq!(d.len(), 1, "{profile}");
        assert_eq!(d[0].severity, sev, "{profile}");
        let (line, col) = line_col(&p, "sites/dinkes/site.toml", "nomor_sk");
        assert_eq!(
            (d[0].location.line, d[0].location.column),
            (Some(line), Some(col)),
            "{profile}"
        );
        let text = human(d[0], Lang::Id);
        assert!(
            text.contains(&format!(
                "dinkes.{domain}: SK `SK Kadis tahun lalu` tidak ada dalam daftar SK penetapan subdomain"
            )),
            "{text}"
        );
        assert_eq!(r.has_errors(), sev == Severity::Error, "{profile}");
    }
}

#[test]
fn a_decree_not_by_the_kepala_dinas_fails_in_pangandaran_and_bogor_only() {
    for (profile, domain, fails) in [
        ("cianjur", "cianjurkab.go.id", false),
        ("limapuluhkota", "limapuluhkotakab.go.id", false),
        ("pangandaran", "pangandarankab.go.id", true),
        ("bogor", "bogorkab.go.id", true),
    ] {
        let p = dinkes();
        with_profile(&p, profile, domain);
        p.edit(
            "laman.toml",
            &format!(
                "number = \"{DINKES_SK}\"\ndate = 2024-03-12\nissuer = \"Kepala Dinas Komunikasi dan Informatika Kabupaten Cianjur\""
            ),
            &format!("number = \"{DINKES_SK}\"\ndate = 2024-03-12\nissuer = \"Sekretaris Daerah\""),
        );
        let r = p.check();
        let d = of_rule(&r, "DOMAIN-003");
        assert_eq!(d.len(), usize::from(fails), "{profile}");
        if fails {
            assert_eq!(d[0].severity, Severity::Error);
            assert!(
                human(d[0], Lang::En)
                    .contains("issued by `Sekretaris Daerah`, not the Kepala Dinas"),
                "{}",
                human(d[0], Lang::En)
            );
        }
    }
}

#[test]
fn a_decree_dated_after_today_or_ended_sets_nothing() {
    let p = dinkes();
    with_profile(&p, "bogor", "bogorkab.go.id");
    p.edit(
        "laman.toml",
        &format!("number = \"{DINKES_SK}\"\ndate = 2024-03-12"),
        &format!("number = \"{DINKES_SK}\"\ndate = 2026-12-24"),
    );
    p.edit(
        "sites/dinkes/site.toml",
        "tanggal = 2024-03-12",
        "tanggal = 2026-12-24",
    );
    let r = p.check();
    let d = of_rule(&r, "DOMAIN-003");
    assert_eq!(d.len(), 1);
    assert!(
        human(d[0], Lang::Id).contains("bertanggal 2026-12-24, setelah hari ini"),
        "{}",
        human(d[0], Lang::Id)
    );
    let p = dinkes();
    p.edit(
        "laman.toml",
        &format!("number = \"{DINKES_SK}\"\ndate = 2024-03-12\n"),
        &format!("number = \"{DINKES_SK}\"\ndate = 2024-03-12\nuntil = 2026-06-30\n"),
    );
    let d = of_rule(&p.check(), "DOMAIN-003")
        .into_iter()
        .map(|d| human(d, Lang::En))
        .collect::<Vec<_>>();
    assert_eq!(d.len(), 1);
    assert!(
        d[0].contains("in force until 2026-06-30 and has ended"),
        "{}",
        d[0]
    );
}

#[test]
fn every_live_subdomain_of_laman_toml_without_a_decree_is_shown() {
    let p = dinkes();
    with_profile(&p, "pangandaran", "pangandarankab.go.id");
    let mut toml = std::fs::read_to_string(p.path("laman.toml")).expect("read");
    toml.push_str("\n[[subdomain]]\nname = \"sikap\"\njenis = \"aplikasi\"\n");
    p.write("laman.toml", toml);
    let r = p.check();
    let d = of_rule(&r, "DOMAIN-003");
    assert_eq!(d.len(), 1, "only sikap lacks a decree");
    assert_eq!(d[0].severity, Severity::Error);
    let (line, col) = line_col(&p, "laman.toml", "name = \"sikap\"");
    assert_eq!(d[0].location.path, std::path::PathBuf::from("laman.toml"));
    assert_eq!(
        (d[0].location.line, d[0].location.column),
        (Some(line), Some(col))
    );
    assert!(
        human(d[0], Lang::Id)
            .contains("sikap.pangandarankab.go.id tidak punya SK penetapan subdomain"),
        "{}",
        human(d[0], Lang::Id)
    );
    assert!(r.has_errors());
}

#[test]
fn a_placeholder_in_the_register_is_an_error_at_its_line() {
    let p = dinkes();
    p.edit(
        "laman.toml",
        "number = \"500/140/Kep/Diskominfo/2024\"",
        "number = \"ISI: nomor SK\"",
    );
    let (line, col) = line_col(&p, "laman.toml", "number = \"ISI: nomor SK\"");
    let out = p.cli(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "galat[KONFIG-001]: SK penetapan subdomain: `number` kosong atau masih isian contoh"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("--> laman.toml:{line}:{col}")),
        "{}",
        out.stderr
    );
    let p = dinkes();
    p.edit(
        "laman.toml",
        "date = 2024-03-12",
        "date = \"12 Maret 2024\"",
    );
    let out = p.cli(&["check", "--lang", "en"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let (line, _) = line_col(&p, "laman.toml", "\"12 Maret 2024\"");
    assert!(
        out.stderr.contains(&format!("--> laman.toml:{line}:")),
        "{}",
        out.stderr
    );
}

#[test]
fn hosting_outside_the_pusat_data_is_excused_only_by_the_exception_the_profile_knows() {
    // (profile, domain, finding with mandiri_tik_sk, finding with atestasi_iso27001)
    for (profile, domain, tik, iso) in [
        ("purwakarta", "purwakartakab.go.id", false, true),
        ("cianjur", "cianjurkab.go.id", true, false),
        ("pangandaran", "pangandarankab.go.id", true, true),
        ("bogor", "bogorkab.go.id", true, true),
        ("limapuluhkota", "limapuluhkotakab.go.id", true, true),
    ] {
        for (key, fails) in [("mandiri_tik_sk", tik), ("atestasi_iso27001", iso)] {
            let p = dinkes();
            with_profile(&p, profile, domain);
            p.edit(
                "sites/dinkes/site.toml",
                "[hosting]\npenyedia = \"diskominfo\"\n",
                &format!("[hosting]\npenyedia = \"netlify\"\n{key} = \"500/9/Kep/2025\"\n"),
            );
            let r = p.check();
            let d = of_rule(&r, "DOMAIN-006");
            assert_eq!(d.len(), usize::from(fails), "{profile} {key}");
            if fails {
                let (line, col) = line_col(&p, "sites/dinkes/site.toml", key);
                assert_eq!(
                    (d[0].location.line, d[0].location.column),
                    (Some(line), Some(col)),
                    "{profile} {key}"
                );
                assert!(
                    human(d[0], Lang::Id).contains(&format!(
                        "`{key}` bukan pengecualian yang dikenal peraturan daerah ini"
                    )),
                    "{}",
                    human(d[0], Lang::Id)
                );
            }
        }
    }
}

#[test]
fn purwakarta_makes_backups_an_error() {
    let p = dinkes();
    with_profile(&p, "purwakarta", "purwakartakab.go.id");
    p.edit(
        "sites/dinkes/site.toml",
        "terakhir = 2026-11-16",
        "terakhir = 2026-01-16",
    );
    fails(&p, "OPS-001", Severity::Error);
}

#[test]
fn limapuluhkota_raises_currency_one_site_and_sla() {
    let p = dinkes();
    with_profile(&p, "limapuluhkota", "limapuluhkotakab.go.id");
    p.edit(
        "sites/dinkes/content/profil.md",
        "updated = 2026-10-06",
        "updated = 2025-01-02",
    );
    drop_table(&p, "sites/dinkes/site.toml", "[sla]");
    p.write(
        "sites/dinkes2/site.toml",
        std::fs::read_to_string(p.path("sites/dinkes/site.toml")).expect("read"),
    );
    for rule in ["MUTAKHIR-002", "SITUS-001", "DOMAIN-008"] {
        fails(&p, rule, Severity::Error);
    }
}

#[test]
fn laman_toml_may_raise_a_rule_with_its_own_citation() {
    let p = dinkes();
    let mut toml = std::fs::read_to_string(p.path("laman.toml")).expect("read");
    toml.push_str("\n[rules.override.MUTAKHIR-003]\nseverity = \"error\"\nreason = \"Surat Edaran Bupati Cianjur Nomor 10 Tahun 2026\"\n");
    p.write("laman.toml", toml);
    let mut o = p.options();
    o.rules = true;
    o.mode = laman::build::Mode::Check;
    o.today = Some(chrono::NaiveDate::from_ymd_opt(2027, 6, 1).expect("date"));
    let r = laman::build::build(&o).expect("check");
    let d = of_rule(&r, "MUTAKHIR-003")[0];
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.severity_reason.as_deref(),
        Some("Surat Edaran Bupati Cianjur Nomor 10 Tahun 2026")
    );
}

#[test]
fn an_override_of_an_unknown_rule_is_an_error_at_its_line() {
    let p = dinkes();
    let mut toml = std::fs::read_to_string(p.path("laman.toml")).expect("read");
    let line = toml.lines().count() + 2;
    toml.push_str("\n[rules.override.MUTAKHIR-009]\nseverity = \"error\"\nreason = \"x\"\n");
    p.write("laman.toml", toml);
    let out = p.cli(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("galat[KONFIG-001]: nilai `MUTAKHIR-009` tidak diperbolehkan di sini\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("--> laman.toml:{line}:")),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_profile_is_an_error_at_its_line() {
    let p = dinkes();
    p.edit(
        "laman.toml",
        "profile = \"cianjur\"",
        "profile = \"jakarta\"",
    );
    let out = p.cli(&["check"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("`jakarta`") && out.stderr.contains("--> laman.toml:"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------
// Formats and the compliance report.

#[test]
fn golden_output_of_every_format() {
    let p = Project::fixture("minimal");
    for (format, file) in [
        ("human", "check/human.txt"),
        ("json", "check/report.json"),
        ("github", "check/github.txt"),
        ("sarif", "check/report.sarif"),
    ] {
        let out = p.cli(&["check", "--today", "2026-11-23", "--format", format]);
        assert_eq!(out.code, Some(1), "{format}: {}", out.stderr);
        golden(file, &out.stdout);
    }
    let en = p.cli(&["check", "--today", "2026-11-23", "--lang", "en", "beta"]);
    golden("check/human-en-beta.txt", &en.stdout);
}

/// Indonesian words that must not reach a reader who asked for English.
const INDONESIAN: &[&str] = &[
    "wajib",
    "belum",
    "tidak",
    "halaman",
    "situs",
    "galat",
    "peringatan",
    "saran",
];

/// The stop words of `INDONESIAN` that occur as whole words in `text`.
/// Identifiers from the catalogue and the content (`situs-pd`,
/// `tanggal_mutakhir`, `sites/alpha/halaman.md`) are one word with their
/// `-`, `_`, `/` and `.`, so they do not count as prose.
fn indonesian_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || "-_/.".contains(c)))
        .map(|w| w.trim_matches('.').to_lowercase())
        .filter(|w| INDONESIAN.contains(&w.as_str()))
        .collect()
}

#[test]
fn every_golden_format_in_english_says_nothing_in_indonesian() {
    let p = Project::fixture("minimal");
    let check = |format: &str| {
        let out = p.cli(&[
            "check",
            "--today",
            "2026-11-23",
            "--lang",
            "en",
            "--format",
            format,
        ]);
        assert_eq!(out.code, Some(1), "{format}: {}", out.stderr);
        out
    };
    // Legal citations are the regulations' own titles and articles, quoted
    // as a reader must find them (`Panduan Penyelenggaraan Situs Web …`):
    // proper names, not laman's words. Collected from the JSON, removed below.
    let json: serde_json::Value =
        serde_json::from_str(&check("json").stdout).expect("the JSON report");
    let mut citations: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["basis"].as_array().cloned().unwrap_or_default())
        .flat_map(|b| {
            ["text", "name", "article"].map(|k| b[k].as_str().unwrap_or_default().to_string())
        })
        .collect();
    // Longest first, so a citation goes before the name inside it.
    citations.sort_by_key(|c| std::cmp::Reverse(c.len()));
    citations.dedup();
    assert!(citations.len() > 5, "the fixture's findings cite the law");
    for format in ["human", "json", "github", "sarif"] {
        let out = check(format);
        let mut said = out.stdout.clone() + &out.stderr;
        for c in &citations {
            said = said.replace(c.as_str(), "");
        }
        let found = indonesian_words(&said);
        assert!(
            found.is_empty(),
            "{format} --lang en says {found:?}:\n{}",
            said.lines()
                .filter(|l| !indonesian_words(l).is_empty())
                .take(10)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // The stop list catches what it should: the same run in Indonesian.
    let id = p.cli(&["check", "--today", "2026-11-23"]);
    assert!(!indonesian_words(&id.stdout).is_empty(), "{}", id.stdout);
}

/// More of laman's own Indonesian words, for the messages of the golden
/// files (editor mistakes, usage errors, help pages).
const INDONESIAN_MORE: &[&str] = &[
    "tulis",
    "kunci",
    "baris",
    "mungkin",
    "maksudnya",
    "akibat",
    "perintah",
    "penggunaan",
    "bawaan",
    "pilihan",
    "harus",
    "ganti",
    "hapus",
    "tambahkan",
    "bukan",
    "angka",
    "dengan",
    "yang",
    "bantuan",
    "tampilkan",
];

/// What a golden file says in laman's own words: without the source lines
/// it quotes (` 4 | biaya_rp = …`), the legal citations (the regulations'
/// own titles), and what is quoted in `…`, "…" or “…” (the editor's values,
/// keys and example values, which are Indonesian by nature).
fn own_words(text: &str) -> String {
    let mut said = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        let quoted_source = t
            .split_once(" | ")
            .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()));
        if quoted_source || t.starts_with("= basis:") {
            continue;
        }
        let mut inside: Option<char> = None;
        for c in line.chars() {
            match (inside, c) {
                (None, '`' | '"' | '“') => inside = Some(if c == '“' { '”' } else { c }),
                (Some(close), _) if c == close => inside = None,
                (None, _) => said.push(c),
                _ => {}
            }
        }
        said.push('\n');
    }
    said
}

/// Every golden file of English output says nothing in Indonesian: the
/// messages for editors (`pesan/*.en.txt`), the usage errors and help
/// pages, and `laman check --lang en`.
#[test]
fn every_english_golden_file_says_nothing_in_indonesian() {
    let dir = repo().join("tests/golden");
    let mut files: Vec<std::path::PathBuf> = vec![dir.join("check/human-en-beta.txt")];
    for entry in std::fs::read_dir(dir.join("pesan")).expect("tests/golden/pesan") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().ends_with(".en.txt") {
            files.push(path);
        }
    }
    assert!(files.len() > 20, "{} English golden files", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).expect("golden file");
        let said = own_words(&text);
        let found: Vec<String> = said
            .split(|c: char| !(c.is_alphanumeric() || "-_/.".contains(c)))
            .map(|w| w.trim_matches('.').to_lowercase())
            .filter(|w| INDONESIAN.contains(&w.as_str()) || INDONESIAN_MORE.contains(&w.as_str()))
            .collect();
        assert!(
            found.is_empty(),
            "{} says {found:?}:\n{said}",
            path.display()
        );
    }
    // The list catches what it should: the same files in Indonesian.
    let id = std::fs::read_to_string(dir.join("pesan/biaya-rp.id.txt")).expect("golden");
    assert!(
        own_words(&id)
            .split_whitespace()
            .any(|w| INDONESIAN_MORE.contains(&w)),
        "{id}"
    );
}

#[test]
fn sarif_has_the_2_1_0_shape() {
    let p = Project::fixture("minimal");
    let out = p.cli(&["check", "--today", "2026-11-23", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "laman");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(results.len() > 20);
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(matches!(
            r["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("sites/"))
        );
    }
    for level in ["error", "warning", "note"] {
        assert!(
            results.iter().any(|r| r["level"] == level),
            "a result at {level}"
        );
    }
}

#[test]
fn json_report_follows_its_schema() {
    let p = Project::fixture("minimal");
    let out = p.cli(&["check", "--today", "2026-11-23", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["schema"], "laman/check/1");
    assert_eq!(v["profile"], "nasional");
    assert_eq!(v["today"], "2026-11-23");
    let f = &v["findings"][0];
    for key in [
        "rule",
        "severity",
        "site",
        "file",
        "line",
        "column",
        "message",
        "hint",
        "basis",
        "severity_reason",
        "data",
    ] {
        assert!(f.get(key).is_some(), "finding has {key}");
    }
    let errors = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(v["summary"]["errors"].as_u64(), Some(errors as u64));
}

#[test]
fn compliance_report_shows_the_regency_at_a_glance() {
    let p = Project::fixture("minimal");
    let out = p.cli(&[
        "check",
        "--today",
        "2026-11-23",
        "--format",
        "json",
        "--report",
        "laporan",
    ]);
    assert_eq!(out.code, Some(1));
    let index = std::fs::read_to_string(p.path("laporan/index.html")).expect("index.html");
    assert!(index.contains("<html lang=\"id\">"));
    assert!(index.contains("<caption>Perangkat Daerah × kelompok aturan</caption>"));
    assert!(index.contains("<a href=\"alpha.html\">alpha.contohkab.go.id</a>"));
    assert!(index.contains("Standar pelayanan") && index.contains("galat"));
    let alpha = std::fs::read_to_string(p.path("laporan/alpha.html")).expect("alpha.html");
    assert!(
        alpha.contains("KONTEN-002") && alpha.contains("Peraturan"),
        "findings with their basis"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(p.path("laporan/laporan.json")).expect("json"),
    )
    .expect("parse");
    assert_eq!(json["schema"], "laman/check/1");
}

#[test]
fn build_reports_rule_findings_but_still_writes_the_site() {
    let p = Project::fixture("minimal");
    let out = p.cli(&["build", "--lang", "en"]);
    assert_eq!(
        out.code,
        Some(1),
        "error-level rule findings set the exit code"
    );
    let alpha_line = out
        .stdout
        .lines()
        .find(|l| l.contains("alpha.contohkab.go.id"))
        .expect("alpha line");
    assert!(!alpha_line.contains(" 0 errors"), "{alpha_line}");
    assert!(
        !alpha_line.contains("FAILED"),
        "content rules do not stop the build: {alpha_line}"
    );
    assert!(p.has_output("alpha.contohkab.go.id", "index.html"));
    assert!(
        !out.stderr.contains("info["),
        "infos stay out of the build log"
    );
}

#[test]
fn check_writes_nothing() {
    let p = Project::fixture("minimal");
    let out = p.cli(&["check", "--today", "2026-11-23"]);
    assert_eq!(out.code, Some(1));
    assert!(!p.path("public").exists());
    assert!(out.stdout.ends_with("2 situs diperiksa (profil nasional, tanggal 2026-11-23): 34 galat, 35 peringatan, 5 info\n"), "{}", out.stdout);
}

/// The write end of a pipe whose reader has already exited: laman's stdout
/// in `laman check | head -1` once `head` has gone. The reader leaves
/// before laman starts, so the first write meets the closed pipe every
/// time; a reader that took one line and then left would race laman's
/// single write of the whole report, which (about 9 KB on the example
/// regency) fits the pipe buffer and would rarely meet the closed pipe.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("run true");
    let write_end = reader.stdin.take().expect("pipe to true");
    assert!(reader.wait().expect("wait for true").success());
    Stdio::from(write_end)
}

#[test]
fn a_closed_stdout_ends_check_quietly_with_exit_0() {
    let p = Project::example();
    let out = Command::new(env!("CARGO_BIN_EXE_laman"))
        .args(["check", "--today", "2026-11-23"])
        .current_dir(p.root())
        .stdout(closed_pipe())
        .output()
        .expect("run laman");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "nothing to say about the reader leaving (it panicked with `failed printing to stdout`)"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn scaffold_placeholders_left_unfilled_are_errors_at_their_line_and_block_publishing() {
    let p = Project::fixture("minimal");
    let out = p.cli(&["new", "site", "dinsos"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let r = p.check();
    let blanks: Vec<&laman::Diagnostic> = of_rule(&r, "ISIAN-001");
    assert!(blanks.len() > 10, "{}", blanks.len());
    let toml = std::fs::read_to_string(p.path("sites/dinsos/site.toml")).expect("site.toml");
    let line = toml
        .lines()
        .position(|l| l.starts_with("nama_resmi"))
        .expect("nama_resmi")
        + 1;
    let nama = blanks
        .iter()
        .find(|d| {
            d.location.path.ends_with("sites/dinsos/site.toml") && d.location.line == Some(line)
        })
        .unwrap_or_else(|| panic!("no ISIAN-001 at site.toml:{line}: {blanks:#?}"));
    assert_eq!(nama.severity, Severity::Error);
    assert_eq!(
        human(nama, Lang::Id),
        format!(
            "galat[ISIAN-001]: `nama_resmi` belum diisi: `ISI: nama resmi Perangkat Daerah`\n  --> sites/dinsos/site.toml:{line}:15\n  = saran: tulis nama resmi Perangkat Daerah (tanpa `ISI:`); situs dengan isian kosong dapat dipratinjau tetapi tidak diterbitkan\n"
        )
    );
    assert_eq!(
        human(nama, Lang::En),
        format!(
            "error[ISIAN-001]: `nama_resmi` is not filled in: `ISI: nama resmi Perangkat Daerah`\n  --> sites/dinsos/site.toml:{line}:15\n  = help: replace `ISI: nama resmi Perangkat Daerah` with the value it names, without `ISI:`; a site with blanks previews but is not published\n"
        )
    );
    // The comment that explains the blanks is not one of them.
    assert!(blanks.iter().all(|d| {
        let l = d.location.line.unwrap_or(0);
        !(d.location.path.ends_with("site.toml")
            && toml
                .lines()
                .nth(l - 1)
                .is_some_and(|t| t.trim_start().starts_with('#')))
    }));
    // The site still previews (the build writes it), but it is not published.
    let built = p.build();
    let dinsos = built
        .sites
        .iter()
        .find(|s| s.slug == "dinsos")
        .expect("dinsos");
    assert_eq!(dinsos.status, laman::build::SiteStatus::Built);
    let plan = p.cli(&["publish", "--dry-run"]);
    assert_eq!(plan.code, Some(1), "{plan:?}");
    assert!(
        plan.stdout.contains("ISIAN-001") || plan.stderr.contains("ISIAN-001"),
        "{plan:?}"
    );
}

/// The compliance report reads well (#13, item 5): per site a verdict line
/// first, with the same words as `publish --dry-run` (DIBLOKIR and the
/// count of errors, or "Akan terbit"), then errors before warnings before
/// info; one row per rule with the count and the files of its repeated
/// findings; no literal backticks (code renders as `<code>`).
#[test]
fn the_compliance_report_puts_the_verdict_and_errors_first_and_groups_repeats() {
    let p = Project::fixture("minimal");
    let r = p.check();
    let out = p.cli(&["check", "--today", "2026-11-23", "--report", "laporan"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let html = std::fs::read_to_string(p.path("laporan/alpha.html")).expect("report");
    let alpha: Vec<_> = findings(&r)
        .into_iter()
        .filter(|d| laman::report::site_of(d).as_deref() == Some("alpha"))
        .collect();
    let errors = alpha
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    assert!(errors > 0);
    let verdict = html.find("class=\"vonis blokir\"").expect("verdict line");
    assert!(
        html[verdict..].contains(&format!("DIBLOKIR — {errors} galat")),
        "{}",
        &html[verdict..verdict + 200]
    );
    let table = html.find("<table").expect("findings");
    assert!(verdict < table, "the verdict comes before the findings");
    let rows = &html[table..];
    let last_error = rows.rfind("lencana galat").expect("an error row");
    let first_warning = rows.find("lencana peringatan").expect("a warning row");
    assert!(last_error < first_warning, "errors before warnings");
    if let Some(first_info) = rows.find("lencana info") {
        assert!(rows.rfind("lencana peringatan").unwrap_or(0) < first_info);
    }
    assert!(!html.contains('`'), "literal backticks in the report");
    // One row per rule and severity: a rule found twice is one row.
    let mut seen = std::collections::BTreeMap::new();
    for d in &alpha {
        *seen.entry((d.code, d.severity)).or_insert(0) += 1;
    }
    let repeated = seen.iter().find(|(_, n)| **n > 1).expect("a repeated rule");
    let ((code, _), n) = repeated;
    let code_cells = html.matches(&format!("<code>{code}</code></td>")).count();
    assert_eq!(
        code_cells,
        seen.keys().filter(|(c, _)| c == code).count(),
        "{code}"
    );
    assert!(
        html.contains(&format!("<strong>{n} temuan</strong>")),
        "{code} ×{n}"
    );
    assert!(html.contains("<details><summary>"), "the files of a group");
    // A site with no error gets the publish verdict.
    let index = std::fs::read_to_string(p.path("laporan/index.html")).expect("index");
    assert!(
        index.contains("class=\"vonis"),
        "verdicts in the summary too"
    );
}

// ---------------------------------------------------------------------------
// Sanctions (#11 item 5a): a finding whose duty carries a sanction in the
// regency's regulation says so in every output; another does not.

/// The human block of the finding of `rule` about `sites/dinkes/`.
fn human_block(out: &str, rule: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for line in out.lines() {
        if !line.starts_with(' ') || blocks.is_empty() {
            blocks.push(String::new());
        }
        let last = blocks.last_mut().expect("a block");
        last.push_str(line);
        last.push('\n');
    }
    blocks
        .into_iter()
        .find(|b| b.contains(&format!("[{rule}]")) && b.contains("sites/dinkes/"))
        .unwrap_or_else(|| panic!("no {rule} finding on dinkes in:\n{out}"))
}

#[test]
fn a_sanctioned_finding_says_so_in_every_output_and_another_does_not() {
    // (profile, sanctioned rule, its sanction article, rule without one)
    for (profile, sanctioned, article, plain) in [
        (
            "cianjur",
            "OPS-001",
            "Pasal 20, atas Pasal 13 ayat (9)",
            "SITUS-001",
        ),
        (
            "purwakarta",
            "OPS-001",
            "Pasal 22 ayat (3), atas Pasal 22 ayat (1)-(3)",
            "SITUS-001",
        ),
        (
            "limapuluhkota",
            "SITUS-001",
            "Pasal 19 ayat (1)-(2), atas Pasal 8 ayat (2) huruf a",
            "OPS-001",
        ),
    ] {
        let p = Project::example_site("dinkes");
        p.edit(
            "laman.toml",
            "profile = \"cianjur\"",
            &format!("profile = \"{profile}\""),
        );
        drop_table(&p, "sites/dinkes/site.toml", "[backup]");
        drop_table(&p, "sites/dinkes/site.toml", "[sla]");
        let today = ["--today", "2026-11-23"];

        let human = p.cli(&["check", today[0], today[1]]).stdout;
        let block = human_block(&human, sanctioned);
        assert!(
            block.contains("  = sanksi: ") && block.contains(article),
            "{profile}:\n{block}"
        );
        assert!(
            !human_block(&human, plain).contains("sanksi"),
            "{profile} {plain}"
        );

        let json: serde_json::Value = serde_json::from_str(
            &p.cli(&["check", today[0], today[1], "--format", "json"])
                .stdout,
        )
        .expect("json");
        let of = |rule: &str| {
            json["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .find(|f| f["rule"] == rule && f["site"] == "dinkes")
                .cloned()
                .unwrap_or_else(|| panic!("{profile}: no {rule}"))
        };
        let s = &of(sanctioned)["sanctions"][0];
        assert!(
            s["text"].as_str().is_some_and(|t| t.contains(article)),
            "{profile}: {s}"
        );
        assert!(s["kinds"].as_array().is_some_and(|k| !k.is_empty()), "{s}");
        assert_eq!(
            of(plain)["sanctions"],
            serde_json::json!([]),
            "{profile} {plain}"
        );

        let sarif: serde_json::Value = serde_json::from_str(
            &p.cli(&["check", today[0], today[1], "--format", "sarif"])
                .stdout,
        )
        .expect("sarif");
        let result = |rule: &str| {
            sarif["runs"][0]["results"]
                .as_array()
                .expect("results")
                .iter()
                .find(|r| {
                    r["ruleId"] == rule
                        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                            .as_str()
                            .is_some_and(|u| u.starts_with("sites/dinkes/"))
                })
                .cloned()
                .unwrap_or_else(|| panic!("{profile}: no {rule} result"))
        };
        let props = &result(sanctioned)["properties"]["sanctions"];
        assert!(
            props[0].as_str().is_some_and(|t| t.contains(article)),
            "{props}"
        );
        assert_eq!(
            result(plain)["properties"]["sanctions"],
            serde_json::json!([])
        );

        let report = p.path("laporan");
        let out = p.cli(&[
            "check",
            today[0],
            today[1],
            "--report",
            report.to_str().expect("utf8"),
        ]);
        assert!(out.code.is_some_and(|c| c < 2), "{}", out.stderr);
        let html = std::fs::read_to_string(report.join("dinkes.html")).expect("dinkes.html");
        let row = |rule: &str| {
            html.lines()
                .find(|l| l.contains(&format!("<code>{rule}</code>")))
                .unwrap_or_else(|| panic!("{profile}: no {rule} row"))
                .to_string()
        };
        let r = row(sanctioned);
        assert!(
            r.contains("Sanksi:</strong>") && r.contains(article),
            "{profile}: {r}"
        );
        assert!(!row(plain).contains("Sanksi:"), "{profile} {plain}");
    }
}
