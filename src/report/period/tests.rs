use super::*;
use crate::conformance::{Cited, Recorded};
use crate::diagnostic::Bilingual;
use crate::history::{CHECK_SCHEMA, CheckRecord, NIGHT_SCHEMA, NightHost, NightRecord};
use serde_json::json;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").to_utc()
}

fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("offset")
}

fn finding(site: Option<&str>, rule: &str, severity: &str, message: &str) -> serde_json::Value {
    json!({
        "rule": rule, "severity": severity, "site": site,
        "file": format!("sites/{}/site.toml", site.unwrap_or("..")),
        "line": 3, "column": 1, "message": message,
        "basis": [{"text": "Perbup Cianjur 25/2018 Pasal 9"}],
        "sanctions": [],
    })
}

fn publish(when: &str, blocked: &[&str], findings: Vec<serde_json::Value>) -> CheckRecord {
    CheckRecord {
        schema: CHECK_SCHEMA.into(),
        when: at(when),
        target: "produksi".into(),
        release: Some(when.into()),
        published: vec![],
        blocked: blocked.iter().map(|s| s.to_string()).collect(),
        check: json!({
            "schema": "laman/check/1",
            "sites": [
                {"site": "dinkes", "host": "dinkes.cianjurkab.go.id"},
                {"site": "disdik", "host": "disdik.cianjurkab.go.id"},
            ],
            "findings": findings,
        }),
    }
}

fn cx(now: &str) -> Context {
    Context {
        regency: "Kabupaten Cianjur".into(),
        profile: "cianjur".into(),
        offset: wib(),
        now: at(now),
        agencies: [(
            "dinkes".to_string(),
            (
                Some("Dinas Kesehatan".to_string()),
                vec!["dinkes.cianjurkab.go.id".to_string()],
            ),
        )]
        .into_iter()
        .collect(),
        basis: vec!["Perbup Cianjur 25/2018 Pasal 20".into()],
        sanctions: vec![],
    }
}

fn agency<'a>(r: &'a PeriodReport, slug: &str) -> &'a AgencyReport {
    r.agencies
        .iter()
        .find(|a| a.slug == slug)
        .unwrap_or_else(|| panic!("no {slug} in {:?}", r.agencies))
}

#[test]
fn a_month_and_a_quarter_are_read_and_anything_else_is_refused() {
    let m = Period::parse("2026-11").expect("month");
    assert_eq!(
        (m.first.to_string(), m.last.to_string()),
        ("2026-11-01".into(), "2026-11-30".into())
    );
    assert_eq!(m.title, "November 2026");
    let q = Period::parse("2026-q4").expect("quarter");
    assert_eq!(q.label, "2026-Q4");
    assert_eq!(q.title, "Triwulan IV 2026");
    assert_eq!(
        (q.first.to_string(), q.last.to_string()),
        ("2026-10-01".into(), "2026-12-31".into())
    );
    let feb = Period::parse("2028-02").expect("leap February");
    assert_eq!(feb.last.to_string(), "2028-02-29");
    for bad in [
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-Q0",
        "11-2026",
        "2026-1",
        "2026",
        "",
        "2026-11-01",
        "99999-01",
    ] {
        assert!(Period::parse(bad).is_err(), "{bad:?} was accepted");
    }
}

#[test]
fn the_period_runs_from_local_midnight_to_local_midnight() {
    let (start, end) = Period::parse("2026-11").expect("month").bounds(wib());
    assert_eq!(start, at("2026-10-31T17:00:00Z"));
    assert_eq!(end, at("2026-11-30T17:00:00Z"));
}

#[test]
fn findings_opened_fixed_and_days_open_follow_the_publishes() {
    let e1 = || finding(Some("dinkes"), "LAYANAN-002", "error", "biaya belum diisi");
    let w1 = || {
        finding(
            Some("dinkes"),
            "MUTAKHIR-001",
            "warning",
            "berita terakhir 120 hari lalu",
        )
    };
    let h = History {
        checks: vec![
            publish("2026-10-20T03:00:00Z", &["dinkes"], vec![e1()]),
            // 01:00 WIB on 1 November: in November, though UTC says October.
            publish("2026-10-31T18:00:00Z", &["dinkes"], vec![e1(), w1()]),
            publish("2026-11-20T03:00:00Z", &[], vec![w1()]),
            publish("2026-12-02T03:00:00Z", &[], vec![]),
        ],
        ..History::default()
    };
    let r = compute(
        &h,
        &Period::parse("2026-11").expect("p"),
        &cx("2026-12-03T00:00:00Z"),
    );
    assert_eq!(r.publishes, 2);
    let d = agency(&r, "dinkes");
    assert_eq!(d.name.as_deref(), Some("Dinas Kesehatan"));
    assert_eq!((d.publishes, d.blocked), (2, 1));
    let rules = |v: &[Episode]| v.iter().map(|e| e.finding.rule.clone()).collect::<Vec<_>>();
    assert_eq!(rules(&d.opened), ["MUTAKHIR-001"]);
    assert_eq!(rules(&d.fixed), ["LAYANAN-002"]);
    assert_eq!(rules(&d.errors), ["LAYANAN-002"]);
    // Open from 20 October to the publish of 20 November: 31 days.
    assert_eq!(d.errors[0].days_open, 31);
    assert!(!d.errors[0].open_at_end);
    assert_eq!(
        d.at_end,
        Some(Counts {
            errors: 0,
            warnings: 1,
            infos: 0
        })
    );
    // The warning is still open at the end of November.
    let w = d.opened.first().expect("warning");
    assert!(w.open_at_end);
    assert_eq!(
        w.days_open, 29,
        "1 November 01:00 WIB to 1 December 00:00 WIB"
    );
    // A site with no findings is still listed, with its state.
    let other = agency(&r, "disdik");
    assert_eq!(other.at_end, Some(Counts::default()));
    assert!(other.opened.is_empty() && other.errors.is_empty());
    // In December the warning is fixed; nothing about the error any more.
    let dec = compute(
        &h,
        &Period::parse("2026-12").expect("p"),
        &cx("2026-12-03T00:00:00Z"),
    );
    let d = agency(&dec, "dinkes");
    assert_eq!(rules(&d.fixed), ["MUTAKHIR-001"]);
    assert!(d.errors.is_empty() && d.opened.is_empty());
}

#[test]
fn an_error_still_open_counts_its_days_up_to_now_in_a_running_period() {
    let h = History {
        checks: vec![publish(
            "2026-11-01T03:00:00Z",
            &["dinkes"],
            vec![finding(Some("dinkes"), "LAYANAN-002", "error", "biaya")],
        )],
        ..History::default()
    };
    let r = compute(
        &h,
        &Period::parse("2026-11").expect("p"),
        &cx("2026-11-11T03:00:00Z"),
    );
    let d = agency(&r, "dinkes");
    assert_eq!(d.errors[0].days_open, 10);
    assert!(d.errors[0].open_at_end);
}

#[test]
fn sanctionable_findings_carry_their_sanction_and_laman_toml_findings_go_to_diskominfo() {
    let mut s = finding(
        Some("dinkes"),
        "PPID-004",
        "error",
        "laporan PPID belum terbit",
    );
    s["sanctions"] = json!([{"text": "Perbup Cianjur 25/2018 Pasal 20: teguran tertulis"}]);
    let regency = finding(None, "ISIAN-001", "error", "ISI: alamat Pusat Data");
    let h = History {
        checks: vec![publish(
            "2026-11-05T03:00:00Z",
            &["dinkes"],
            vec![s, regency],
        )],
        ..History::default()
    };
    let r = compute(
        &h,
        &Period::parse("2026-11").expect("p"),
        &cx("2026-12-01T00:00:00Z"),
    );
    let d = agency(&r, "dinkes");
    assert_eq!(d.sanctionable.len(), 1);
    assert_eq!(
        d.sanctionable[0].finding.sanctions,
        ["Perbup Cianjur 25/2018 Pasal 20: teguran tertulis"]
    );
    let k = agency(&r, REGENCY);
    assert_eq!(k.at_end.map(|c| c.errors), Some(1));
    assert_eq!(r.agencies.last().map(|a| a.slug.as_str()), Some(REGENCY));
    // Without laman.toml findings there is no Diskominfo row.
    let clean = History {
        checks: vec![publish("2026-11-05T03:00:00Z", &[], vec![])],
        ..History::default()
    };
    let r = compute(
        &clean,
        &Period::parse("2026-11").expect("p"),
        &cx("2026-12-01T00:00:00Z"),
    );
    assert!(r.agencies.iter().all(|a| a.slug != REGENCY));
}

fn observation(host: &str, check: Check, status: Status, when: &str) -> Recorded {
    Recorded {
        host: host.into(),
        check,
        status,
        risk: check.risk(),
        evidence: json!({}),
        time: at(when),
        message: Bilingual::new("pesan", "message"),
        basis: Vec::<Cited>::new(),
    }
}

fn night(when: &str, findings: Vec<Recorded>) -> NightRecord {
    NightRecord {
        schema: NIGHT_SCHEMA.into(),
        when: at(when),
        hosts: vec![NightHost {
            host: "dinkes.cianjurkab.go.id".into(),
            owner: "dinkes".into(),
        }],
        findings,
    }
}

#[test]
fn availability_counts_measured_nights_and_the_last_night_lists_its_failures() {
    let host = "dinkes.cianjurkab.go.id";
    let h = History {
        nights: vec![
            night(
                "2026-11-02T19:00:00Z",
                vec![
                    observation(host, Check::DNS001, Status::Pass, "2026-11-02T19:00:00Z"),
                    observation(host, Check::TLS001, Status::Pass, "2026-11-02T19:00:00Z"),
                ],
            ),
            night(
                "2026-11-03T19:00:00Z",
                vec![
                    observation(host, Check::DNS001, Status::Pass, "2026-11-03T19:00:00Z"),
                    observation(host, Check::TLS001, Status::Fail, "2026-11-03T19:00:00Z"),
                ],
            ),
            // The checker itself could not tell: not counted either way.
            night(
                "2026-11-04T19:00:00Z",
                vec![observation(
                    host,
                    Check::DNS001,
                    Status::Inconclusive,
                    "2026-11-04T19:00:00Z",
                )],
            ),
            night(
                "2026-11-05T19:00:00Z",
                vec![
                    observation(host, Check::DNS001, Status::Pass, "2026-11-05T19:00:00Z"),
                    observation(host, Check::TLS001, Status::Pass, "2026-11-05T19:00:00Z"),
                    observation(host, Check::HTTP003, Status::Fail, "2026-11-05T19:00:00Z"),
                ],
            ),
            // December: outside the period.
            night(
                "2026-12-01T19:00:00Z",
                vec![observation(
                    host,
                    Check::TLS001,
                    Status::Fail,
                    "2026-12-01T19:00:00Z",
                )],
            ),
        ],
        ..History::default()
    };
    let r = compute(
        &h,
        &Period::parse("2026-11").expect("p"),
        &cx("2026-12-03T00:00:00Z"),
    );
    assert_eq!(r.nights, 4);
    let d = agency(&r, "dinkes");
    assert_eq!(
        d.availability,
        Availability {
            nights: 4,
            measured: 3,
            available: 2,
            percent: Some(200.0 / 3.0)
        }
    );
    assert_eq!(d.night_fails.len(), 1);
    assert_eq!(d.night_fails[0].check, Check::HTTP003);
    assert_eq!(d.at_end, None, "never published: no check state");
}

#[test]
fn the_report_files_escape_what_editors_wrote_and_need_no_network() {
    let h = History {
        checks: vec![publish(
            "2026-11-05T03:00:00Z",
            &["dinkes"],
            vec![finding(
                Some("dinkes"),
                "LAYANAN-002",
                "error",
                "<script>alert(1)</script> `biaya_rp`",
            )],
        )],
        ..History::default()
    };
    let r = compute(
        &h,
        &Period::parse("2026-11").expect("p"),
        &cx("2026-12-01T00:00:00Z"),
    );
    let files = html::files(&r);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"index.html") && names.contains(&"ringkasan.json"));
    assert!(names.contains(&"dinkes.html") && names.contains(&"dinkes.json"));
    let page = &files
        .iter()
        .find(|(n, _)| n == "dinkes.html")
        .expect("page")
        .1;
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; <code>biaya_rp</code>"));
    for (name, text) in &files {
        if name.ends_with(".html") {
            assert!(
                !text.contains("http://") && !text.contains("https://"),
                "{name} names an outside resource"
            );
            assert!(!text.contains("<script"), "{name} has a script");
        }
    }
    let json: serde_json::Value = serde_json::from_str(
        &files
            .iter()
            .find(|(n, _)| n == "ringkasan.json")
            .expect("json")
            .1,
    )
    .expect("json parses");
    assert_eq!(json["schema"], SCHEMA);
    assert_eq!(json["agencies"][0]["errors"][0]["days_open"], 25);
}

#[test]
fn a_forged_history_cannot_name_a_file_outside_the_report_or_a_script_link() {
    // Records edited by hand (or by anyone who reached .laman/riwayat/):
    // site and owner names that would leave the folder or run script.
    let mut forged = publish(
        "2026-11-05T03:00:00Z",
        &[],
        vec![finding(Some("../../pwned"), "LAYANAN-002", "error", "x")],
    );
    forged.check["sites"] = json!([
        {"site": "../../pwned", "host": "a.cianjurkab.go.id"},
        {"site": "javascript:alert(1)", "host": "b.cianjurkab.go.id"},
        {"site": "..", "host": null},
        {"site": "a/b", "host": null},
        {"site": "dinkes", "host": "dinkes.cianjurkab.go.id"},
    ]);
    let mut n = night("2026-11-06T01:00:00Z", vec![]);
    n.hosts.push(NightHost {
        host: "c.cianjurkab.go.id".into(),
        owner: ".hidden".into(),
    });
    let h = History {
        checks: vec![forged],
        nights: vec![n],
        ..History::default()
    };
    let r = compute(
        &h,
        &Period::parse("2026-11").expect("p"),
        &cx("2026-12-01T00:00:00Z"),
    );
    let slugs: Vec<&str> = r.agencies.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(slugs, ["dinkes"]);
    for (name, text) in html::files(&r) {
        assert!(
            !name.contains('/') && !name.starts_with('.') && !name.contains(':'),
            "{name}"
        );
        assert!(!text.contains("javascript:"), "{name}");
    }
}
