//! Rules about a whole site: which pages it must have, what site.toml must
//! say (contact, PPID, complaint channels, manager, backup, SLA, hosting,
//! decree), the annual report, news freshness; and across sites, the
//! regency domain and one site per agency.

use std::path::Path;

use chrono::NaiveDate;

use super::{Engine, Findings, RuleOptions, SiteInput, filled, key_at};
use crate::content::kinds::{Kind, KindData};
use crate::diagnostic::RuleFinding as F;
use crate::diagnostic::{Location, Severity};
use crate::publish::record::Measured;
use crate::publish::settings::BackupPlace;
use crate::registry::Site;

/// site.toml text and where a key is in it.
struct SiteToml {
    shown: std::path::PathBuf,
    text: String,
}

impl SiteToml {
    fn read(site: &Site) -> SiteToml {
        SiteToml {
            shown: site.shown.join("site.toml"),
            text: site.toml_text.clone(),
        }
    }

    fn at(&self, key: &str) -> Location {
        key_at(&self.shown, &self.text, key)
    }
}

/// Where the profile's regulation puts the backup (legal-audit.md §2
/// item 4): Purwakarta Pasal 22 ayat (1) in the Pusat Data; Cianjur 16(3),
/// Pangandaran 23(3), Bogor 22(3) away from the data centre / server room.
fn required_place(profile: crate::profile::Profile) -> Option<BackupPlace> {
    match profile.info().code {
        "purwakarta" => Some(BackupPlace::DataCentre),
        "cianjur" | "pangandaran" | "bogor" => Some(BackupPlace::OffSite),
        _ => None,
    }
}

/// OPS-001 from publish.log: a destination of the required place exists;
/// the newest outcome at each configured destination did not fail; the
/// newest verified copy (at a destination of the required place) is
/// within `maks_hari`.
fn measured_backups(
    engine: &Engine,
    site: &Site,
    m: &Measured,
    opts: &RuleOptions,
    found: &mut Findings,
) {
    let file = Location::file(site.shown.join("site.toml"));
    let need = required_place(engine.profile());
    if let Some(place) = need {
        if !m.destinations.iter().any(|(_, p)| *p == place) {
            found.push(
                "OPS-001",
                file.clone(),
                F::BackupWrongPlace {
                    place: place.as_str().into(),
                },
            );
        }
    }
    let configured = |d: &str| m.destinations.iter().any(|(n, _)| n == d);
    if let Some(per) = m.latest.get(&site.fqdn) {
        for seen in per.values() {
            if !seen.verified && configured(&seen.destination) {
                found.push(
                    "OPS-001",
                    file.clone(),
                    F::BackupFailed {
                        destination: seen.destination.clone(),
                        date: Some(seen.day.format("%Y-%m-%d").to_string()),
                        error: seen.error.clone().unwrap_or_default(),
                    },
                );
            }
        }
    }
    let newest = m
        .verified
        .get(&site.fqdn)
        .into_iter()
        .flat_map(|per| per.values())
        .filter(|s| need.is_none_or(|p| s.place == p))
        .max_by_key(|s| s.day);
    match newest {
        None => found.push("OPS-001", file, F::BackupNone),
        Some(s) => {
            let limit = engine.catalogue.param("OPS-001", "maks_hari", 30);
            let days = (opts.today - s.day).num_days();
            if days > limit {
                found.push(
                    "OPS-001",
                    file,
                    F::BackupStale {
                        destination: s.destination.clone(),
                        date: s.day.format("%Y-%m-%d").to_string(),
                        days,
                        limit,
                    },
                );
            }
        }
    }
}

/// Site-level rules.
pub(super) fn check(
    engine: &Engine,
    input: &SiteInput<'_>,
    opts: &RuleOptions,
    found: &mut Findings,
) {
    let site = input.site;
    let toml = SiteToml::read(site);
    let has = |j: Kind| input.tree.pages.iter().any(|p| p.jenis() == j);
    let site_at = Location::file(&site.shown);
    let need_page = |rule: &'static str, j: Kind, found: &mut Findings| {
        if has(j) {
            return;
        }
        // A page of that kind exists but did not load: say the rule could not be evaluated.
        match input.tree.unreadable.iter().find(|(_, k)| *k == Some(j)) {
            Some((path, _)) => found.push_as(
                rule,
                Severity::Warning,
                Location::file(path),
                F::Unevaluable {
                    detail: format!("{} tidak terbaca (lihat galat META-002)", path.display()),
                },
            ),
            None => found.push(
                rule,
                site_at.clone(),
                F::MissingPage {
                    kind: j.as_str().into(),
                },
            ),
        }
    };
    for (rule, j) in [
        ("KONTEN-001", Kind::Profil),
        ("KONTEN-002", Kind::VisiMisi),
        ("KONTEN-003", Kind::TugasFungsi),
        ("KONTEN-004", Kind::StrukturOrganisasi),
        ("KONTEN-005", Kind::PejabatPage),
        ("KONTEN-006", Kind::Kontak),
        ("KONTEN-008", Kind::ProdukHukum),
        ("KONTEN-009", Kind::ProgramKegiatan),
        ("KONTEN-010", Kind::Kinerja),
        ("KONTEN-011", Kind::LaporanKeuangan),
        ("KONTEN-012", Kind::Pengadaan),
        ("KONTEN-013", Kind::SiagaDarurat),
        ("ADUAN-001", Kind::Pengaduan),
        ("PPID-001", Kind::Ppid),
        ("PPID-003", Kind::InformasiBerkala),
        ("PPID-004", Kind::DaftarInformasiPublik),
        ("PPID-005", Kind::InformasiSertaMerta),
        ("PPID-006", Kind::InformasiSetiapSaat),
        ("AKSES-005", Kind::PernyataanAksesibilitas),
    ] {
        need_page(rule, j, found);
    }
    let c = &site.config;
    if c.melayani_publik.unwrap_or(true) {
        need_page("LAYANAN-001", Kind::StandarPelayanan, found);
        need_page("MAKLUMAT-001", Kind::MaklumatPelayanan, found);
    } else if !filled(&c.alasan_tidak_melayani) {
        found.push("LAYANAN-001", toml.at("melayani_publik"), F::NoReason);
    }
    for (key, ok) in [
        ("alamat", c.alamat.is_some()),
        ("telepon", filled(&c.telepon)),
        ("email", filled(&c.email)),
        ("jam_layanan", filled(&c.jam_layanan)),
    ] {
        if !ok {
            found.push(
                "KONTEN-006",
                Location::file(&toml.shown),
                F::MissingField { field: key.into() },
            );
        }
    }
    channels(engine, site, &toml, found);
    ppid(site, &toml, found);
    operations(site, &toml, opts, engine, found);
    annual_report(input, opts, found);
    news(engine, input, opts, found);
    privacy(input, &toml, found);
    emails(site, &toml, input, found);
}

fn channels(engine: &Engine, site: &Site, toml: &SiteToml, found: &mut Findings) {
    let hosts = engine.catalogue.param_list("ADUAN-001", "host_lapor");
    let kanal = &site.config.kanal_pengaduan;
    let on_lapor = |url: &Option<String>| {
        url.as_deref()
            .and_then(host_of)
            .is_some_and(|h| hosts.iter().any(|x| x == &h))
    };
    if !kanal.iter().any(|k| k.id == "lapor" && on_lapor(&k.url)) {
        found.push(
            "ADUAN-001",
            toml.at("kanal_pengaduan").or_file(&toml.shown),
            F::NoLaporChannel,
        );
    }
    if !kanal.iter().any(|k| k.id != "lapor") {
        found.push(
            "ADUAN-001",
            toml.at("kanal_pengaduan").or_file(&toml.shown),
            F::NoDirectChannel,
        );
    }
}

fn ppid(site: &Site, toml: &SiteToml, found: &mut Findings) {
    let Some(p) = &site.config.ppid else {
        found.push(
            "PPID-001",
            Location::file(&toml.shown),
            F::MissingField {
                field: "[ppid]".into(),
            },
        );
        return;
    };
    for (key, v) in [
        ("jabatan", &p.jabatan),
        ("email", &p.email),
        ("telepon", &p.telepon),
        ("lokasi_layanan", &p.lokasi_layanan),
        ("jam_layanan", &p.jam_layanan),
        ("url_ppid_utama", &p.url_ppid_utama),
    ] {
        if !filled(v) {
            found.push(
                "PPID-001",
                toml.at("[ppid]").or_file(&toml.shown),
                F::MissingField {
                    field: format!("[ppid].{key}"),
                },
            );
        }
    }
}

fn operations(
    site: &Site,
    toml: &SiteToml,
    opts: &RuleOptions,
    engine: &Engine,
    found: &mut Findings,
) {
    let c = &site.config;
    let file = Location::file(&toml.shown);
    match &c.penetapan_subdomain {
        // A scaffold blank (`ISI: …`) is already an error at its line (ISIAN-001).
        Some(p) if p.nomor_sk.trim_start().starts_with("ISI:") => {}
        Some(p) if !p.nomor_sk.trim().is_empty() => {
            // The reference must name a decree of the register that sets
            // this subdomain and is in force today (src/decree.rs).
            let judged = crate::decree::judge(
                engine.config.register(),
                site.subdomain.as_str(),
                Some(&p.nomor_sk),
                p.tanggal.map(|t| t.day),
                opts.today,
            );
            if let Err(why) = judged {
                let at = match why {
                    crate::decree::Invalid::DateDiffers { .. } => toml.at("tanggal"),
                    _ => toml.at("nomor_sk"),
                };
                found.push(
                    "DOMAIN-003",
                    at,
                    F::InvalidDecree {
                        host: site.fqdn.clone(),
                        why,
                    },
                );
            }
        }
        _ => found.push(
            "DOMAIN-003",
            file.clone(),
            F::MissingField {
                field: "[penetapan_subdomain].nomor_sk".into(),
            },
        ),
    }
    match &c.hosting {
        None => found.push(
            "DOMAIN-006",
            file.clone(),
            F::MissingField {
                field: "[hosting].penyedia".into(),
            },
        ),
        Some(h) if h.penyedia.to_lowercase() != "diskominfo" => {
            // Only the exception the profile's regulation knows lets a site
            // live outside the Pusat Data (legal-audit.md §2 item 8).
            let (tik, iso) = hosting_exceptions(engine.profile());
            let excused =
                (tik && filled(&h.mandiri_tik_sk)) || (iso && filled(&h.atestasi_iso27001));
            if !excused {
                let foreign = [
                    (!tik && filled(&h.mandiri_tik_sk), "mandiri_tik_sk"),
                    (!iso && filled(&h.atestasi_iso27001), "atestasi_iso27001"),
                ]
                .into_iter()
                .find_map(|(bad, key)| bad.then_some(key));
                let (at, finding) = match foreign {
                    Some(key) => (
                        toml.at(key),
                        F::HostingExceptionNotInRegulation {
                            provider: h.penyedia.clone(),
                            field: key.to_string(),
                        },
                    ),
                    None => (
                        toml.at("penyedia"),
                        F::HostingElsewhere {
                            provider: h.penyedia.clone(),
                        },
                    ),
                };
                found.push("DOMAIN-006", at, finding);
            }
        }
        _ => {}
    }
    match (&opts.backups, &c.backup) {
        // Measured, not declared (#11 item 4): laman.toml names backup
        // destinations, so publish.log's record is what counts.
        (Some(m), _) => measured_backups(engine, site, m, opts, found),
        (None, None) => found.push(
            "OPS-001",
            file.clone(),
            F::MissingField {
                field: "[backup]".into(),
            },
        ),
        (None, Some(b)) => match b.terakhir {
            None => found.push(
                "OPS-001",
                toml.at("tujuan"),
                F::MissingField {
                    field: "[backup].terakhir".into(),
                },
            ),
            Some(t) => {
                let limit = engine.catalogue.param("OPS-001", "maks_hari", 30);
                let days = (opts.today - t.day).num_days();
                if days > limit {
                    found.push(
                        "OPS-001",
                        toml.at("terakhir"),
                        F::Stale {
                            field: "[backup].terakhir".into(),
                            date: t.iso_day(),
                            days,
                            limit,
                        },
                    );
                }
            }
        },
    }
    match &c.pengelola {
        None => found.push(
            "OPS-004",
            file.clone(),
            F::MissingField {
                field: "[pengelola]".into(),
            },
        ),
        Some(p) => {
            if !filled(&p.sop_pengelolaan) {
                found.push(
                    "OPS-004",
                    toml.at("unit"),
                    F::MissingField {
                        field: "[pengelola].sop_pengelolaan".into(),
                    },
                );
            }
            match p.tanggal_review {
                None => found.push(
                    "OPS-004",
                    toml.at("unit"),
                    F::MissingField {
                        field: "[pengelola].tanggal_review".into(),
                    },
                ),
                Some(t) if (opts.today - t.day).num_days() > 365 => {
                    let days = (opts.today - t.day).num_days();
                    found.push(
                        "OPS-004",
                        toml.at("tanggal_review"),
                        F::Stale {
                            field: "tanggal_review".into(),
                            date: t.iso_day(),
                            days,
                            limit: 365,
                        },
                    )
                }
                Some(_) => {}
            }
        }
    }
    if c.repositori.is_none() {
        found.push(
            "OPS-005",
            file.clone(),
            F::MissingField {
                field: "[repositori].url".into(),
            },
        );
    }
    match &c.sla {
        Some(s) if !s.ketersediaan.trim().is_empty() && filled(&s.kontak) => {}
        _ => found.push(
            "SITUS-001",
            file,
            F::MissingField {
                field: "[sla].ketersediaan/kontak".into(),
            },
        ),
    }
}

/// PPID-007: after 31 March of year Y, the report of year Y−1 must be out.
fn annual_report(input: &SiteInput<'_>, opts: &RuleOptions, found: &mut Findings) {
    use chrono::Datelike;
    let year = opts.today.year();
    let due = chrono::NaiveDate::from_ymd_opt(year, 3, 31).unwrap_or(opts.today);
    if opts.today <= due {
        return;
    }
    let published = input.tree.pages.iter().any(|p| match &p.data {
        KindData::LaporanLayananInformasi(d) => d.tahun.map(i32::from) == Some(year - 1),
        _ => false,
    });
    if !published {
        found.push(
            "PPID-007",
            Location::file(&input.site.shown),
            F::AnnualReportMissing { year: year - 1 },
        );
    }
}

/// MUTAKHIR-003: the newest news item is recent.
fn news(engine: &Engine, input: &SiteInput<'_>, opts: &RuleOptions, found: &mut Findings) {
    let newest = input
        .tree
        .pages
        .iter()
        .filter(|p| p.jenis() == Kind::Berita)
        .filter_map(|p| p.common.date.map(|d| (d, p)))
        .max_by_key(|(d, _)| d.day);
    let limit = engine.catalogue.param("MUTAKHIR-003", "maks_hari", 90);
    match newest {
        None => found.push(
            "MUTAKHIR-003",
            Location::file(&input.site.shown),
            F::MissingPage {
                kind: "berita".into(),
            },
        ),
        Some((d, p)) => {
            let days = (opts.today - d.day).num_days();
            if days > limit {
                found.push(
                    "MUTAKHIR-003",
                    super::field_at(p, "date"),
                    F::Stale {
                        field: "date".into(),
                        date: d.iso_day(),
                        days,
                        limit,
                    },
                );
            }
        }
    }
}

/// PRIVASI-001: a privacy policy when the site collects personal data or has a form.
fn privacy(input: &SiteInput<'_>, toml: &SiteToml, found: &mut Findings) {
    let collects = input.site.config.mengumpulkan_data_pribadi.unwrap_or(false)
        || input.html.values().any(|h| h.facts.has_form);
    let has = input
        .tree
        .pages
        .iter()
        .any(|p| p.jenis() == Kind::KebijakanPrivasi);
    // Required when the site collects personal data; recommended otherwise.
    let sev = if collects {
        Severity::Error
    } else {
        Severity::Warning
    };
    if !has {
        let at = if collects {
            toml.at("mengumpulkan_data_pribadi").or_file(&toml.shown)
        } else {
            Location::file(&input.site.shown)
        };
        found.push_as(
            "PRIVASI-001",
            sev,
            at,
            F::MissingPage {
                kind: "kebijakan-privasi".into(),
            },
        );
        return;
    }
    for p in input.tree.pages.iter() {
        if let KindData::KebijakanPrivasi(d) = &p.data {
            for (f, ok) in [
                ("dasar_pemrosesan", filled(&d.dasar_pemrosesan)),
                ("tujuan", filled(&d.tujuan)),
                ("jenis_data", !d.jenis_data.is_empty()),
                ("retensi", filled(&d.retensi)),
                ("rincian_data", filled(&d.rincian_data)),
                (
                    "jangka_waktu_pemrosesan",
                    filled(&d.jangka_waktu_pemrosesan),
                ),
                ("hak_subjek", !d.hak_subjek.is_empty()),
                ("kontak_pengendali", filled(&d.kontak_pengendali)),
            ] {
                if !ok {
                    found.push_as(
                        "PRIVASI-001",
                        sev,
                        super::field_at(p, f),
                        F::MissingField { field: f.into() },
                    );
                }
            }
        }
    }
}

/// DOMAIN-005: official e-mail addresses are on go.id.
fn emails(site: &Site, toml: &SiteToml, input: &SiteInput<'_>, found: &mut Findings) {
    let c = &site.config;
    let mut addrs: Vec<(String, Location)> = Vec::new();
    let mut add = |v: &Option<String>| {
        if let Some(e) = v.as_deref().filter(|e| e.contains('@')) {
            addrs.push((e.trim().to_string(), toml.at_value(e)));
        }
    };
    add(&c.email);
    add(&c.ppid.as_ref().and_then(|p| p.email.clone()));
    add(&c.pengelola.as_ref().and_then(|p| p.email.clone()));
    for k in &c.kanal_pengaduan {
        add(&k.kontak);
    }
    for (path, html) in input.html {
        for l in html
            .facts
            .links
            .iter()
            .filter_map(|l| l.strip_prefix("mailto:"))
        {
            let at = html.page.map_or_else(
                || Location::file(path),
                |i| Location::file(&input.tree.pages[i].shown),
            );
            addrs.push((l.split('?').next().unwrap_or(l).to_string(), at));
        }
    }
    addrs.sort_by(|a, b| a.0.cmp(&b.0));
    addrs.dedup_by(|a, b| a.0 == b.0);
    for (e, at) in addrs {
        let domain = e.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
        if !domain.ends_with(".go.id") {
            found.push("DOMAIN-005", at, F::NotGoId { email: e });
        }
    }
}

impl SiteToml {
    fn at_value(&self, value: &str) -> Location {
        match self.text.find(value) {
            Some(off) => Location::at_offset(&self.shown, &self.text, off),
            None => Location::file(&self.shown),
        }
    }
}

trait OrFile {
    fn or_file(self, shown: &Path) -> Location;
}

impl OrFile for Location {
    fn or_file(self, shown: &Path) -> Location {
        if self.line.is_some() {
            self
        } else {
            Location::file(shown)
        }
    }
}

/// Which exceptions to hosting in the Pusat Data a profile's regulation
/// knows: (Mandiri TIK with the Dinas' approval — Purwakarta Perda 2/2022
/// Pasal 20 ayat (2)-(5); a third party with ISO 27001 — Cianjur Perbup
/// 25/2018 Pasal 16 ayat (7)). Pangandaran and Bogor 6(2)-(3) and Lima
/// Puluh Kota 14(6) know none; `nasional` has no regional law to narrow it.
fn hosting_exceptions(profile: crate::profile::Profile) -> (bool, bool) {
    use crate::profile::Profile::*;
    match profile {
        Purwakarta => (true, false),
        Cianjur => (false, true),
        Pangandaran | Bogor | Limapuluhkota => (false, false),
        Nasional => (true, true),
    }
}

/// Regency-wide rules: DOMAIN-001/002 (the domain), DOMAIN-003 for the
/// `[[subdomain]]` hosts of laman.toml (their decree in the register) and
/// DOMAIN-008 (one site per agency).
pub(super) fn regency(engine: &Engine, sites: &[&Site], today: NaiveDate, found: &mut Findings) {
    let cfg = &engine.config;
    let laman_toml = Path::new(crate::config::FILE_NAME);
    for (i, entry) in cfg.subdomains.iter().enumerate() {
        let judged = crate::decree::judge(
            cfg.register(),
            &entry.name,
            entry.decree.as_deref(),
            None,
            today,
        );
        if let Err(why) = judged {
            let start = crate::decree::nth_table(&cfg.source, "[[subdomain]]", i);
            let key = if entry.decree.is_some() {
                "decree"
            } else {
                "name"
            };
            let offset = crate::decree::key_in_table(&cfg.source, start, key);
            found.push(
                "DOMAIN-003",
                Location::at_offset(laman_toml, &cfg.source, offset),
                F::InvalidDecree {
                    host: format!("{}.{}", entry.name, cfg.region.domain),
                    why,
                },
            );
        }
    }
    let at = key_at(Path::new(crate::config::FILE_NAME), &cfg.source, "domain");
    let domain = cfg.region.domain.to_ascii_lowercase();
    if !domain.ends_with(".go.id") {
        found.push(
            "DOMAIN-002",
            at.clone(),
            F::DomainMismatch {
                domain: domain.clone(),
                expected: "*.go.id".into(),
            },
        );
    }
    let expected = engine
        .catalogue
        .profiles
        .get(cfg.region.profile.info().code)
        .map(|p| p.parent_domain.clone());
    if let Some(exp) = expected.filter(|e| *e != domain) {
        found.push(
            "DOMAIN-001",
            at,
            F::DomainMismatch {
                domain,
                expected: exp,
            },
        );
    }
    for (i, a) in sites.iter().enumerate() {
        for b in &sites[..i] {
            if a.config
                .nama_resmi
                .trim()
                .eq_ignore_ascii_case(b.config.nama_resmi.trim())
            {
                found.push(
                    "DOMAIN-008",
                    Location::file(a.shown.join("site.toml")),
                    F::DuplicateAgency {
                        other: b.fqdn.clone(),
                    },
                );
            }
        }
    }
}

/// The host of an absolute URL.
pub(super) fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    Some(host.to_ascii_lowercase())
}
