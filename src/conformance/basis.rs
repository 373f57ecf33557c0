//! The legal basis of each conformance check under each regency profile
//! (spec/legal-audit.md §1.6), and of the per-agency routing of owners.json
//! (OPS006). As for content rules (`rules::Engine::basis`), a check cites
//! only its profile's own regulation; where that regulation has no article
//! that puts the duty on the agency, the first citation says so
//! ("kebijakan Diskominfo; tidak ada pasal dalam …"). Pure data, no I/O.

use crate::diagnostic::{Citation, Nature, Verification};
use crate::profile::Profile;

use super::Check;

/// What a group of checks serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Duty {
    /// DNS001: hosts resolve to the Pusat Data.
    Hosting,
    /// HTTPS and TLS: the address is https, the system is secure.
    Transport,
    /// Served content equals the release (keutuhan).
    Integrity,
    /// Security headers and security.txt (AMAN-003 policy).
    Headers,
    /// owners.json: each agency's own list (periodic reporting).
    Reporting,
    /// REG001-003: every subdomain set by a decree (the register).
    Decree,
    /// Nothing in the audit's table.
    Unmapped,
}

fn duty(check: Check) -> Duty {
    use Check::*;
    match check {
        DNS001 => Duty::Hosting,
        HTTP001 | HTTP002 | HTTP003 | TLS001 | TLS002 | TLS003 | TLS004 | TLS005 | TLS006
        | TLS011 => Duty::Transport,
        CNT001 | CNT003 | CNT004 | CNT005 => Duty::Integrity,
        HTTP005 | HTTP007 => Duty::Headers,
        REG001 | REG002 | REG003 => Duty::Decree,
        _ => Duty::Unmapped,
    }
}

/// (article, nature) per profile and duty: legal-audit.md §1.6, with the
/// natures of §2 (https is implied by the written address in PND 11 and
/// BGR 10; PND/BGR 6(4) is Diskominfo's responsibility; PWK 20 is "dapat").
fn articles(profile: Profile, duty: Duty) -> &'static [(&'static str, Option<Nature>)] {
    use Duty::{Decree, Headers, Hosting, Integrity, Reporting, Transport};
    use Profile::*;
    const IMPLIED: Option<Nature> = Some(Nature::Implied);
    const DINAS: Option<Nature> = Some(Nature::DinasDuty);
    const INDIRECT: Option<Nature> = Some(Nature::Indirect);
    match (profile, duty) {
        (Cianjur, Hosting) => &[("15 ayat (6)", None)],
        (Cianjur, Transport) => &[("13 ayat (7)", None)],
        (Cianjur, Integrity) => &[("13 ayat (8)", None)],
        (Pangandaran, Hosting) => &[("6 ayat (3)", None)],
        (Pangandaran, Transport) => &[("11 ayat (2)-(3)", IMPLIED)],
        (Pangandaran, Headers) => &[("6 ayat (4)", DINAS)],
        (Pangandaran, Reporting) => &[("29 ayat (1)-(3)", None)],
        (Pangandaran, Decree) => &[("11 ayat (4)", None)],
        (Bogor, Decree) => &[("10 ayat (4)", None)],
        (Limapuluhkota, Decree) => &[("13 ayat (6)", Some(Nature::Analogy))],
        (Purwakarta, Hosting) => &[("21 ayat (1)", None), ("20 ayat (1)-(5)", INDIRECT)],
        (Purwakarta, Transport) => &[("4 ayat (8); 11", None)],
        (Purwakarta, Integrity) => &[("9 ayat (2); 10 ayat (3)", None)],
        (Limapuluhkota, Hosting) => &[("14 ayat (6)", None)],
        (Limapuluhkota, Transport) => &[("8 ayat (2) huruf b-d", None)],
        (Limapuluhkota, Integrity) => &[("11 ayat (3)", None)],
        (Bogor, Hosting) => &[("6 ayat (3)", None)],
        (Bogor, Transport) => &[("10 ayat (2)-(3)", IMPLIED)],
        (Bogor, Headers) => &[("6 ayat (4)", DINAS)],
        (Bogor, Reporting) => &[("27 ayat (1)-(3)", None)],
        _ => &[],
    }
}

fn cite(profile: Profile, duty: Duty) -> Vec<Citation> {
    let info = profile.info();
    let name = info
        .regulation
        .split(" tentang ")
        .next()
        .unwrap_or(info.regulation)
        .trim();
    let mut out: Vec<Citation> = articles(profile, duty)
        .iter()
        .map(|(article, nature)| Citation {
            source: info.regulation_id.to_string(),
            name: name.to_string(),
            article: (*article).to_string(),
            verification: Verification::Seen,
            nature: *nature,
        })
        .collect();
    let own_duty = out
        .iter()
        .any(|c| !matches!(c.nature, Some(Nature::DinasDuty | Nature::Context)));
    if !own_duty {
        let c = if profile == Profile::Nasional {
            Citation::no_article("", "")
        } else {
            Citation::no_article(info.regulation_id, name)
        };
        out.insert(0, c);
    }
    out
}

/// The basis of `check` under `profile`.
pub fn of_check(check: Check, profile: Profile) -> Vec<Citation> {
    cite(profile, duty(check))
}

/// The basis of sending each agency its own failures (owners.json).
pub fn of_reporting(profile: Profile) -> Vec<Citation> {
    cite(profile, Duty::Reporting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;
    use crate::text::Localize;

    fn shown(c: Vec<Citation>) -> Vec<String> {
        c.iter().map(|c| c.text(Lang::Id)).collect()
    }

    #[test]
    fn each_check_cites_its_profiles_own_article_or_says_there_is_none() {
        let cases: &[(Check, Profile, &[&str])] = &[
            (
                Check::DNS001,
                Profile::Cianjur,
                &["Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 15 ayat (6)"],
            ),
            (
                Check::DNS001,
                Profile::Limapuluhkota,
                &["Peraturan Bupati Lima Puluh Kota Nomor 47 Tahun 2018 Pasal 14 ayat (6)"],
            ),
            (
                Check::DNS001,
                Profile::Pangandaran,
                &["Peraturan Bupati Pangandaran Nomor 47 Tahun 2017 Pasal 6 ayat (3)"],
            ),
            (
                Check::DNS001,
                Profile::Bogor,
                &["Peraturan Bupati Bogor Nomor 11 Tahun 2015 Pasal 6 ayat (3)"],
            ),
            (
                Check::DNS001,
                Profile::Purwakarta,
                &[
                    "Peraturan Daerah Kabupaten Purwakarta Nomor 2 Tahun 2022 Pasal 21 ayat (1)",
                    "Peraturan Daerah Kabupaten Purwakarta Nomor 2 Tahun 2022 Pasal 20 ayat (1)-(5) (tidak langsung)",
                ],
            ),
            (
                Check::TLS002,
                Profile::Pangandaran,
                &[
                    "Peraturan Bupati Pangandaran Nomor 47 Tahun 2017 Pasal 11 ayat (2)-(3) (tersirat)",
                ],
            ),
            (
                Check::HTTP001,
                Profile::Bogor,
                &["Peraturan Bupati Bogor Nomor 11 Tahun 2015 Pasal 10 ayat (2)-(3) (tersirat)"],
            ),
            (
                Check::TLS004,
                Profile::Purwakarta,
                &["Peraturan Daerah Kabupaten Purwakarta Nomor 2 Tahun 2022 Pasal 4 ayat (8); 11"],
            ),
            (
                Check::HTTP003,
                Profile::Cianjur,
                &["Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 13 ayat (7)"],
            ),
            (
                Check::CNT005,
                Profile::Cianjur,
                &["Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 13 ayat (8)"],
            ),
            (
                Check::CNT001,
                Profile::Limapuluhkota,
                &["Peraturan Bupati Lima Puluh Kota Nomor 47 Tahun 2018 Pasal 11 ayat (3)"],
            ),
            (
                Check::CNT004,
                Profile::Purwakarta,
                &[
                    "Peraturan Daerah Kabupaten Purwakarta Nomor 2 Tahun 2022 Pasal 9 ayat (2); 10 ayat (3)",
                ],
            ),
            (
                Check::CNT005,
                Profile::Bogor,
                &[
                    "kebijakan Diskominfo; tidak ada pasal dalam Peraturan Bupati Bogor Nomor 11 Tahun 2015",
                ],
            ),
            (
                Check::HTTP005,
                Profile::Pangandaran,
                &[
                    "kebijakan Diskominfo; tidak ada pasal dalam Peraturan Bupati Pangandaran Nomor 47 Tahun 2017",
                    "Peraturan Bupati Pangandaran Nomor 47 Tahun 2017 Pasal 6 ayat (4) (kewajiban Diskominfo)",
                ],
            ),
            (
                Check::DNS005,
                Profile::Cianjur,
                &[
                    "kebijakan Diskominfo; tidak ada pasal dalam Peraturan Bupati Cianjur Nomor 25 Tahun 2018",
                ],
            ),
            (
                Check::TLS002,
                Profile::Nasional,
                &["kebijakan Diskominfo; tanpa dasar peraturan daerah"],
            ),
        ];
        for (check, profile, want) in cases {
            assert_eq!(
                shown(of_check(*check, *profile)),
                *want,
                "{check} {profile:?}"
            );
        }
        assert_eq!(
            shown(of_reporting(Profile::Pangandaran)),
            vec!["Peraturan Bupati Pangandaran Nomor 47 Tahun 2017 Pasal 29 ayat (1)-(3)"]
        );
        assert_eq!(
            shown(of_reporting(Profile::Bogor)),
            vec!["Peraturan Bupati Bogor Nomor 11 Tahun 2015 Pasal 27 ayat (1)-(3)"]
        );
        // Every check under every regency cites only that regency.
        for p in Profile::ALL {
            for c in Check::ALL {
                for cited in of_check(*c, p) {
                    assert!(
                        cited.source.is_empty() || cited.source == p.info().regulation_id,
                        "{c} {p:?}: {cited:?}"
                    );
                }
            }
        }
    }
}
