//! The example regency as a person sees it: Debian's chromium renders a home
//! page and a service-standard page (desktop and phone width; screenshots
//! kept in tests/browser/artifacts/), axe-core reports zero WCAG 2.1 AA
//! violations, and the Content-Security-Policy of `_headers` is never
//! violated (no inline script or style, nothing from another host).

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
    let server = http::StaticServer::start_as_files(&p.path(""));
    axe_clean(
        &dir.join("artifacts").join("laporan"),
        &[
            server.url("/laporan/index.html"),
            server.url("/laporan/alpha.html"),
            server.url("/konformitas/report.html"),
        ],
    );
}
