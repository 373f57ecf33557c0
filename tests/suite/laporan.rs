//! `laman laporan --periode` (OPS-003, #11 item 6): the periodic report
//! per agency from the history that real publishes and nightly runs keep
//! in `.laman/riwayat/`: findings opened and fixed, the days an error
//! stayed open, availability, sanctionable findings with their article.

use std::process::Command;

use chrono::{DateTime, Utc};
use laman::conformance::{self, Check, ConformanceReport, Evidence, Observation, Status};
use laman::diagnostic::Bilingual;
use laman::history::{self, NightRecord};

use crate::support::*;

const DINKES: &str = "dinkes.cianjurkab.go.id";
const APOTEK: &str = "sites/dinkes/content/layanan/verifikasi-izin-apotek.md";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").to_utc()
}

/// Runs the binary in `p` at the time `when`.
fn laman_at(p: &Project, when: &str, args: &[&str]) -> CliOutput {
    let out = Command::new(env!("CARGO_BIN_EXE_laman"))
        .args(args)
        .current_dir(p.root())
        .env("SOURCE_DATE_EPOCH", at(when).timestamp().to_string())
        .env("USER", "budi")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run laman");
    CliOutput {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// One night on dinkes: DNS001 passes; TLS001 as given.
fn night(p: &Project, when: &str, tls: Status) {
    let t = at(when);
    let obs = |check, status| {
        Observation::new(
            DINKES,
            check,
            status,
            Evidence::Error {
                error: String::new(),
            },
            t,
            Bilingual::new("diamati", "observed"),
        )
    };
    let r = ConformanceReport {
        findings: vec![obs(Check::DNS001, Status::Pass), obs(Check::TLS001, tls)],
        targets: vec![conformance::Target::new(DINKES, "dinkes")],
        elapsed: std::time::Duration::from_secs(1),
        profile: laman::profile::Profile::Cianjur,
    };
    history::record_night(p.root(), &NightRecord::of(&r, t)).expect("night kept");
}

/// An example regency with a November of history: dinkes blocked by an
/// empty requirements list on the 23rd, fixed on the 27th; two nights, the
/// second with a failed TLS handshake; a December publish after it.
fn november() -> Project {
    let p = Project::example();
    let original = std::fs::read_to_string(p.path(APOTEK)).expect("page");
    let start = original.find("persyaratan = [").expect("persyaratan");
    let end = start + original[start..].find("\n]\n").expect("end of array") + 2;
    p.write(
        APOTEK,
        format!("{}persyaratan = []{}", &original[..start], &original[end..]),
    );
    let r = laman_at(&p, "2026-11-23T01:00:00Z", &["publish"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("riwayat (OPS-003): .laman/riwayat/periksa/20261123T010000Z.json"),
        "{}",
        r.stdout
    );
    night(&p, "2026-11-24T19:00:00Z", Status::Pass);
    night(&p, "2026-11-25T19:00:00Z", Status::Fail);
    p.write(APOTEK, &original);
    let r = laman_at(&p, "2026-11-27T01:00:00Z", &["publish"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let r = laman_at(&p, "2026-12-01T01:00:00Z", &["publish"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    p
}

#[test]
fn the_periodic_report_follows_real_publishes_and_nights() {
    let p = november();
    let r = laman_at(
        &p,
        "2026-12-02T03:00:00Z",
        &["laporan", "--periode", "2026-11"],
    );
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "Laporan berkala November 2026: 8 perangkat daerah, 2 publikasi, 2 pemeriksaan malam"
        ),
        "{}",
        r.stdout
    );
    let dir = p.path("laporan/2026-11");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ringkasan.json")).expect("json"))
            .expect("parses");
    assert_eq!(summary["schema"], "laman/laporan-periode/1");
    assert_eq!(
        summary["publishes"], 2,
        "the December publish is not counted"
    );
    let agencies = summary["agencies"].as_array().expect("agencies");
    let dinkes = agencies
        .iter()
        .find(|a| a["slug"] == "dinkes")
        .expect("dinkes");
    assert_eq!(dinkes["name"], "Dinas Kesehatan Kabupaten Cianjur");
    assert_eq!(
        (dinkes["publishes"].as_u64(), dinkes["blocked"].as_u64()),
        (Some(2), Some(1))
    );
    let rules = |k: &str| -> Vec<String> {
        dinkes[k]
            .as_array()
            .expect("list")
            .iter()
            .filter(|e| e["severity"] == "error")
            .map(|e| e["rule"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(rules("fixed"), ["LAYANAN-002"]);
    assert_eq!(rules("opened"), ["LAYANAN-002"]);
    let error = &dinkes["errors"][0];
    assert_eq!(error["rule"], "LAYANAN-002");
    assert_eq!(error["days_open"], 4, "23 to 27 November");
    assert_eq!(error["fixed"], "2026-11-27T01:00:00Z");
    assert_eq!(error["file"], APOTEK);
    assert!(
        error["basis"][0].as_str().unwrap_or("").contains("Cianjur"),
        "the basis is the regency's own: {error}"
    );
    assert_eq!(dinkes["at_end"]["errors"], 0);
    assert_eq!(dinkes["availability"]["measured"], 2);
    assert_eq!(dinkes["availability"]["available"], 1);
    assert_eq!(dinkes["availability"]["percent"], 50.0);
    assert_eq!(dinkes["night_fails"][0]["check"], "TLS001");
    // Every other agency was published both times and is listed.
    let dinsos = agencies
        .iter()
        .find(|a| a["slug"] == "dinsos")
        .expect("dinsos");
    assert_eq!(
        (dinsos["publishes"].as_u64(), dinsos["blocked"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(dinsos["availability"]["percent"], serde_json::Value::Null);
    // The pages a person reads: the summary links each agency's page.
    let index = std::fs::read_to_string(dir.join("index.html")).expect("index");
    assert!(
        index.contains("<a href=\"dinkes.html\">Dinas Kesehatan Kabupaten Cianjur</a>"),
        "{index}"
    );
    let page = std::fs::read_to_string(dir.join("dinkes.html")).expect("page");
    assert!(
        page.contains("LAYANAN-002") && page.contains("27 November 2026"),
        "{page}"
    );
    assert!(page.contains("50,0 % (1 dari 2 pemeriksaan)"), "{page}");
    assert!(dir.join("dinkes.json").is_file());
    // A quarter holds the same November.
    let q = laman_at(
        &p,
        "2026-12-02T03:00:00Z",
        &["laporan", "--periode", "2026-Q4", "--out", "q4"],
    );
    assert_eq!(q.code, Some(0), "{}", q.stderr);
    let q: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path("q4/ringkasan.json")).expect("json"))
            .expect("parses");
    assert_eq!(
        q["publishes"], 3,
        "October to December, the December publish included"
    );
}

#[test]
fn bad_input_to_the_report_is_said_and_nothing_is_lost() {
    let p = Project::example();
    // No history at all: the report is still made, and says why it is empty.
    let r = laman_at(
        &p,
        "2026-12-02T03:00:00Z",
        &["laporan", "--periode", "2026-11"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("tidak ada publikasi maupun pemeriksaan malam dalam periode November 2026"),
        "{}",
        r.stderr
    );
    assert!(p.path("laporan/2026-11/index.html").is_file());
    let en = laman_at(
        &p,
        "2026-12-02T03:00:00Z",
        &["--lang", "en", "laporan", "--periode", "2026-11"],
    );
    assert!(
        en.stdout
            .starts_with("Periodic report 2026-11: 8 agencies, 0 publishes, 0 nightly runs")
            && en
                .stderr
                .contains("note: no publish and no nightly run in 2026-11"),
        "{}{}",
        en.stdout,
        en.stderr
    );
    // A period that is no month or quarter, in both languages.
    for (lang, words) in [
        ("id", "tulis bulan YYYY-MM atau triwulan YYYY-Qn"),
        ("en", "expected a month YYYY-MM or a quarter YYYY-Qn"),
    ] {
        let r = laman_at(
            &p,
            "2026-12-02T03:00:00Z",
            &["--lang", lang, "laporan", "--periode", "2026-13"],
        );
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(
            r.stderr.contains(words) && r.stderr.contains("2026-13"),
            "{}",
            r.stderr
        );
    }
    // A broken history file is named with its line; the rest still counts.
    night(&p, "2026-11-24T19:00:00Z", Status::Pass);
    p.write(
        ".laman/riwayat/conformance/20261125T190000Z.json",
        "{\n  \"schema\": \"laman/riwayat-conformance/1\",\n  \"when\": ",
    );
    let r = laman_at(
        &p,
        "2026-12-02T03:00:00Z",
        &["laporan", "--periode", "2026-11"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "20261125T190000Z.json: berkas riwayat tidak terbaca, tidak dihitung (baris 3"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("1 pemeriksaan malam"), "{}", r.stdout);
    let index = std::fs::read_to_string(p.path("laporan/2026-11/index.html")).expect("index");
    assert!(
        index.contains("20261125T190000Z.json"),
        "the report names it too"
    );
}
