//! The example regency as a person sees it: Debian's chromium renders a home
//! page and a service-standard page (desktop and phone width; screenshots
//! kept in tests/browser/artifacts/), axe-core reports zero WCAG 2.1 AA
//! violations, and the Content-Security-Policy of `_headers` is never
//! violated (no inline script or style, nothing from another host).

use std::process::Command;

use crate::support::http;
use crate::support::*;

#[test]
fn example_pages_have_no_accessibility_violations() {
    let dir = browser_tools();
    let p = Project::example();
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));
    let host = "dinkes.cianjurkab.go.id";
    let root = p.path("public").join(host);
    let service = std::fs::read_dir(root.join("layanan"))
        .expect("layanan/")
        .filter_map(Result::ok)
        .find(|e| e.path().join("index.html").is_file() && e.file_name() != "halaman")
        .map(|e| format!("/layanan/{}/", e.file_name().to_string_lossy()))
        .expect("a service standard page");
    let server = http::StaticServer::start(&root);
    let runs = axe_clean(
        &dir.join("artifacts"),
        &[server.url("/"), server.url(&service)],
    );
    for run in runs {
        assert!(
            run["passes"].as_u64().unwrap_or(0) > 20,
            "axe ran its checks on {}",
            run["url"]
        );
        assert_eq!(
            run["failed_requests"].as_array().map(Vec::len),
            Some(0),
            "failed requests on {}: {:#}",
            run["url"],
            run["failed_requests"]
        );
        let shot = run["screenshot"].as_str().expect("screenshot path");
        let size = std::fs::metadata(shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "screenshot {shot} is {size} bytes");
    }
}

/// The two HTML reports Diskominfo reads (the compliance report of `laman
/// check --report` and the nightly conformance report) in the same shell:
/// axe-core finds no WCAG 2.1 AA violation at phone and desktop width.
#[test]
fn the_reports_have_no_accessibility_violations() {
    use laman::conformance::{self, Check, ConformanceReport, Evidence, Observation, Status};
    let dir = browser_tools();
    let p = Project::fixture("minimal");
    let out = p.cli(&["check", "--today", "2026-11-23", "--report", "laporan"]);
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    let at = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time");
    let text = laman::diagnostic::Bilingual::new;
    let night = ConformanceReport {
        findings: vec![
            Observation::new(
                "alpha.contohkab.go.id",
                Check::DNS005,
                Status::Fail,
                Evidence::Error {
                    error: "<NXDOMAIN>".into(),
                },
                at,
                text("CNAME menggantung", "dangling CNAME"),
            ),
            Observation::new(
                "alpha.contohkab.go.id",
                Check::HTTP003,
                Status::Inconclusive,
                Evidence::Error {
                    error: "timeout".into(),
                },
                at,
                text("tidak terukur", "not measured"),
            ),
            Observation::new(
                "beta.contohkab.go.id",
                Check::TLS001,
                Status::Pass,
                Evidence::Error {
                    error: String::new(),
                },
                at,
                text("jabat tangan TLS berhasil", "TLS handshake completed"),
            ),
        ],
        targets: vec![
            conformance::Target::new("alpha.contohkab.go.id", "alpha"),
            conformance::Target::new("beta.contohkab.go.id", "beta"),
        ],
        elapsed: std::time::Duration::from_secs(3),
        profile: laman::profile::Profile::Cianjur,
    };
    conformance::report::write_all(&p.path("konformitas"), &night, None).expect("write");
    // The periodic report (OPS-003) of a November with that night and one
    // publish whose check results are this project's.
    let check = p.cli(&["check", "--today", "2026-11-23", "--format", "json"]);
    let published = chrono::DateTime::from_timestamp(1_795_000_000 - 86_400, 0).expect("time");
    laman::history::record_check(
        p.root(),
        &laman::history::CheckRecord {
            schema: laman::history::CHECK_SCHEMA.into(),
            when: published,
            target: "lokal".into(),
            release: None,
            published: vec!["beta".into()],
            blocked: vec!["alpha".into()],
            check: serde_json::from_str(&check.stdout).expect("check json"),
        },
    )
    .expect("history");
    laman::history::record_night(p.root(), &laman::history::NightRecord::of(&night, at))
        .expect("history");
    let out = p.cli(&["laporan", "--periode", "2026-11", "--out", "berkala"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let server = http::StaticServer::start_as_files(&p.path(""));
    axe_clean(
        &dir.join("artifacts").join("laporan"),
        &[
            server.url("/laporan/index.html"),
            server.url("/laporan/alpha.html"),
            server.url("/konformitas/report.html"),
            server.url("/berkala/index.html"),
            server.url("/berkala/alpha.html"),
        ],
    );
    // No sideways scroll of the page at 390 px (#13, item 5): long host
    // names and codes wrap, findings become cards, and on a phone the
    // conformance summary matrix is one card per host that fits the screen
    // (at desktop width it is a table in its own scrolling region).
    let out = Command::new("node")
        .arg(dir.join("layout.mjs"))
        .arg(dir.join("artifacts").join("laporan"))
        .arg(server.url("/laporan/index.html"))
        .arg(server.url("/laporan/alpha.html"))
        .arg(server.url("/konformitas/report.html"))
        .arg(server.url("/berkala/index.html"))
        .arg(server.url("/berkala/alpha.html"))
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    for run in report.as_array().expect("array") {
        assert!(
            num(&run["page_width"]) <= num(&run["width"]),
            "sideways scroll on {} ({}): {} px",
            run["url"],
            run["viewport"],
            run["page_width"]
        );
        let url = run["url"].as_str().unwrap_or("");
        if run["viewport"] != "desktop"
            && (url.ends_with("report.html") || url.contains("/berkala/"))
        {
            for t in run["tables"].as_array().expect("tables") {
                assert!(
                    num(&t["box_scroll_width"]) <= num(&t["box_width"]) + 1.0,
                    "a table of {} scrolls sideways on a phone: {t:#}",
                    run["url"]
                );
            }
        }
    }
}

/// Runs tests/browser/layout.mjs over `paths` of the example dinkes site and
/// returns its measurements (one object per page and width).
fn layout(paths: &[&str]) -> Vec<serde_json::Value> {
    let dir = browser_tools();
    let p = Project::example();
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));
    let root = p.path("public").join("dinkes.cianjurkab.go.id");
    let server = http::StaticServer::start(&root);
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("layout.mjs")).arg(dir.join("artifacts"));
    for path in paths {
        cmd.arg(server.url(path));
    }
    let out = cmd.output().expect("node runs (install Debian's nodejs)");
    assert!(
        out.status.success(),
        "layout.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let runs = report.as_array().expect("array").clone();
    assert_eq!(runs.len(), paths.len() * 2, "each page at two widths");
    for run in &runs {
        assert_eq!(run["status"], 200, "{}", run["url"]);
    }
    runs
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// A service standard page answers at a glance (issue #13, item 1): the
/// editor's `description` under the title, then a summary whose time and
/// cost are on the first screen of a 390 x 800 phone and which stands in
/// the right column at 1280 px; the editor's text before the components;
/// phone numbers (the service's own, complaint channels) are tel: links;
/// the menu marks "Layanan" as the current section; no sideways scroll.
#[test]
fn service_pages_answer_at_a_glance() {
    let runs = layout(&[
        "/layanan/ambulans-gawat-darurat-psc-119/",
        "/layanan/rekomendasi-sip-tenaga-kesehatan/",
    ]);
    for run in &runs {
        let at = format!("{} ({})", run["url"], run["viewport"]);
        let width = num(&run["width"]);
        let height = num(&run["height"]);
        assert!(num(&run["page_width"]) <= width, "sideways scroll on {at}");
        assert_eq!(run["current"], serde_json::json!(["Layanan"]), "{at}");
        let lead = &run["lead"];
        assert!(lead.is_object(), "description shown as the lead on {at}");
        let summary = &run["summary"];
        assert!(num(&summary["top"]) >= num(&lead["bottom"]) || run["viewport"] == "desktop");
        let rows = run["summary_rows"].as_array().expect("summary rows");
        let labels: Vec<&str> = rows.iter().filter_map(|r| r["label"].as_str()).collect();
        assert!(
            labels.starts_with(&["Jangka waktu", "Biaya"]),
            "summary starts with time and cost on {at}: {labels:?}"
        );
        for row in &rows[..2] {
            assert!(
                num(&row["rect"]["bottom"]) <= height,
                "{} visible without scrolling on {at}: {:#}",
                row["label"],
                row["rect"]
            );
        }
        assert!(
            labels.contains(&"Tempat") && labels.contains(&"Jam layanan"),
            "{at}: {labels:?}"
        );
        assert!(
            num(&run["text"]["top"]) < num(&run["first_component"]["top"]),
            "the editor's text comes before the components on {at}"
        );
        if run["viewport"] == "desktop" {
            assert!(
                num(&summary["left"]) > width * 0.6 && num(&summary["top"]) < height,
                "summary in the right column of the first screen on {at}: {summary:#}"
            );
            assert!(num(&run["text"]["right"]) <= num(&summary["left"]), "{at}");
        }
        let tel: Vec<&str> = run["tel"]
            .as_array()
            .expect("tel")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        // The complaint channel "(0263) 261408" of dinkes' site.toml.
        assert!(
            tel.contains(&"tel:0263261408"),
            "complaint phone on {at}: {tel:?}"
        );
        if at.contains("psc-119") {
            assert!(
                tel.contains(&"tel:119"),
                "PSC 119 is tap-to-call on {at}: {tel:?}"
            );
            assert_eq!(rows[1]["value"], "Gratis", "{at}");
        } else {
            assert!(
                labels.contains(&"Daring"),
                "online link on {at}: {labels:?}"
            );
        }
    }
}

/// A wide table (the 8-column Daftar Informasi Publik) uses the page's width
/// at 1280 px without cutting any column, and on a phone scrolls inside its
/// own box while the page itself does not scroll sideways (#13, item 1).
#[test]
fn wide_tables_use_the_width_or_scroll_in_their_own_box() {
    let runs = layout(&["/ppid/daftar-informasi-publik/"]);
    for run in &runs {
        let at = format!("{} ({})", run["url"], run["viewport"]);
        let width = num(&run["width"]);
        assert!(num(&run["page_width"]) <= width, "sideways scroll on {at}");
        assert_eq!(run["current"], serde_json::json!(["PPID"]), "{at}");
        let table = &run["tables"][0];
        assert!(table.is_object(), "a table on {at}");
        if run["viewport"] == "desktop" {
            assert!(
                num(&table["box_scroll_width"]) <= num(&table["box_width"]),
                "nothing cut at desktop width on {at}: {table:#}"
            );
            assert!(
                num(&table["width"]) > 1000.0,
                "the table uses the width on {at}: {table:#}"
            );
        } else {
            assert_eq!(table["box_scrolls"], "auto", "{at}");
            assert!(num(&table["box_width"]) <= width, "{at}: {table:#}");
        }
    }
}

/// Search finds what people type (issue #13, item 2): chromium types each
/// query into the real search page of the example dinkes site and the first
/// result is the page a citizen looks for: spelling variants (ijin, apotik,
/// praktek, ambulan), joined and split tokens (PSC119 = Psc 119), stemming
/// (mengajukan permohonan, perijinan), acronyms (SLHS), and the typed fields
/// (persyaratan: "Surat Tanda Registrasi" finds the SIP page). Matches are
/// marked in the snippet; the index stays under 50 KB gzipped.
#[test]
fn search_finds_what_people_type() {
    use std::io::Write;
    let dir = browser_tools();
    let p = Project::example();
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));
    let root = p.path("public").join("dinkes.cianjurkab.go.id");
    let index = std::fs::read(root.join("cari/indeks.json")).expect("index");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&index).expect("gzip");
    let gzipped = gz.finish().expect("gzip").len();
    assert!(gzipped < 50_000, "search index is {gzipped} bytes gzipped");
    let sip = "/layanan/rekomendasi-sip-tenaga-kesehatan/";
    let apotek = "/layanan/verifikasi-izin-apotek/";
    let psc = "/layanan/ambulans-gawat-darurat-psc-119/";
    let slhs = "/layanan/slhs-depot-air-minum/";
    let cases: &[(&str, &str)] = &[
        ("ijin apotik", apotek),
        ("apotik", apotek),
        ("perijinan apotek", apotek),
        ("PSC119", psc),
        ("Psc 119", psc),
        ("ambulan", psc),
        ("Surat Tanda Registrasi", sip),
        ("SLHS", slhs),
        ("surat ijin praktek", sip),
        ("ijin praktek", sip),
        ("mengajukan permohonan SIP", sip),
        ("depot air minum", slhs),
        ("higiene", slhs),
        ("tuberkulosis", "/berita/hari-tbc-sedunia-2026/"),
        ("maklumat", "/maklumat-pelayanan/"),
        ("daftar informasi publik", "/ppid/daftar-informasi-publik/"),
        (
            "imunisasi",
            "/berita/bulan-imunisasi-anak-sekolah-agustus-2026/",
        ),
        ("struktur organisasi", "/struktur-organisasi/"),
        (
            "kesehatan jiwa",
            "/berita/hari-kesehatan-jiwa-sedunia-2026/",
        ),
        ("privasi", "/kebijakan-privasi/"),
    ];
    let server = http::StaticServer::start(&root);
    let out = Command::new("node")
        .arg(dir.join("cari.mjs"))
        .arg(server.url("/cari/"))
        .args(cases.iter().map(|(q, _)| *q))
        .output()
        .expect("node runs (install Debian's nodejs)");
    assert!(
        out.status.success(),
        "cari.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let runs = report.as_array().expect("array");
    assert_eq!(
        runs.last().map(|e| &e["page_errors"]),
        Some(&serde_json::json!([])),
        "script errors on the search page"
    );
    let mut wrong = Vec::new();
    for ((query, want), run) in cases.iter().zip(runs) {
        assert_eq!(run["query"], *query);
        let first = run["results"][0]["url"].as_str().unwrap_or("(none)");
        if first != *want {
            wrong.push(format!(
                "{query:?}: first {first}, want {want} ({})",
                run["status"]
            ));
        }
    }
    assert!(wrong.is_empty(), "search results:\n{}", wrong.join("\n"));
    let marked = &runs[0]["results"][0]["marked"];
    assert!(
        marked.as_array().is_some_and(|m| !m.is_empty()),
        "the snippet marks what matched: {marked}"
    );
}

/// Every page of the example regency carries schema.org JSON-LD (#13, item
/// 4) whose types and properties all exist in the schema.org vocabulary
/// (as published in the pinned npm package schema-dts): the agency as a
/// GovernmentOrganization with its parent, a BreadcrumbList, a
/// GovernmentService on service pages, a NewsArticle on news.
#[test]
fn structured_data_uses_the_schema_org_vocabulary() {
    let dir = browser_tools();
    let p = Project::example();
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));
    let out = Command::new("node")
        .arg(dir.join("jsonld.mjs"))
        .arg(p.path("public"))
        .output()
        .expect("node runs (install Debian's nodejs)");
    assert!(
        out.status.success(),
        "jsonld.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        report["vocabulary_types"].as_u64().unwrap_or(0) > 500,
        "the vocabulary was read: {report}"
    );
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    for t in [
        "GovernmentOrganization",
        "BreadcrumbList",
        "GovernmentService",
        "NewsArticle",
        "Offer",
        "PostalAddress",
    ] {
        assert!(
            report["types"][t].as_u64().unwrap_or(0) > 0,
            "{t}: {report:#}"
        );
    }
    let service = std::fs::read_to_string(
        p.path("public/dinkes.cianjurkab.go.id/layanan/ambulans-gawat-darurat-psc-119/index.html"),
    )
    .expect("service page");
    assert_eq!(service.matches("application/ld+json").count(), 1);
    let start = service.find("application/ld+json\">").expect("block") + 21;
    let end = start + service[start..].find("</script>").expect("end");
    let v: serde_json::Value = serde_json::from_str(&service[start..end]).expect("json");
    let svc = v["@graph"]
        .as_array()
        .and_then(|g| g.iter().find(|n| n["@type"] == "GovernmentService"))
        .expect("GovernmentService");
    assert_eq!(svc["offers"]["price"], 0, "{svc:#}");
    assert_eq!(svc["offers"]["priceCurrency"], "IDR");
    assert_eq!(svc["availableChannel"]["servicePhone"]["telephone"], "119");
    assert_eq!(svc["areaServed"]["name"], "Kabupaten Cianjur");
    let org = &v["@graph"][0];
    assert_eq!(
        org["parentOrganization"]["name"],
        "Pemerintah Kabupaten Cianjur"
    );
}
