//! Hosting as the regulation says (issue #11 item 3): which publish targets
//! a regency profile allows. A `dir` target is the regency's own server
//! (the Pusat Data that `laman host` serves and DNS001 checks); a `netlify`
//! target is a third party outside the Pusat Data, which every regency
//! regulation we serve keeps sites away from unless Diskominfo approves it
//! (spec/legal-audit.md §1: CJR 15(6)/16(7), PND and BGR 6(2)-(3), PWK 20-21,
//! LPK 14(6)). The approval is a decree recorded in laman.toml
//! (`[publish.targets.<name>] approval`). Pure decision, no I/O.

use chrono::NaiveDate;

use super::settings::TargetKind;
use crate::profile::Profile;

pub use super::settings::Approval;

/// Why a target may not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Outside the Pusat Data and no approving decree in laman.toml.
    NoDecree,
    /// The decree is dated after today: it has not approved anything yet.
    FutureDecree(NaiveDate),
}

/// The article that keeps agency sites in the Pusat Data, for a target of
/// `kind` under `profile`; `None` when the profile allows the target.
pub fn article(profile: Profile, kind: TargetKind) -> Option<&'static str> {
    if kind == TargetKind::Dir {
        return None;
    }
    match profile {
        Profile::Cianjur => Some(
            "Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 15 ayat (6) dan Pasal 16 ayat (7)",
        ),
        Profile::Pangandaran => {
            Some("Peraturan Bupati Pangandaran Nomor 47 Tahun 2017 Pasal 6 ayat (2)-(3)")
        }
        Profile::Purwakarta => Some(
            "Peraturan Daerah Kabupaten Purwakarta Nomor 2 Tahun 2022 Pasal 20 ayat (2)-(5) dan Pasal 21 ayat (1)",
        ),
        Profile::Limapuluhkota => {
            Some("Peraturan Bupati Lima Puluh Kota Nomor 47 Tahun 2018 Pasal 14 ayat (6)")
        }
        Profile::Bogor => Some("Peraturan Bupati Bogor Nomor 11 Tahun 2015 Pasal 6 ayat (2)-(3)"),
        Profile::Nasional => None,
    }
}

/// Whether a target of `kind` with `approval` may be used under `profile`
/// on `today`: `Ok` or the article and why not.
pub fn check(
    profile: Profile,
    kind: TargetKind,
    approval: Option<&Approval>,
    today: NaiveDate,
) -> Result<(), (&'static str, Refusal)> {
    let Some(article) = article(profile, kind) else {
        return Ok(());
    };
    match approval.map(|a| (a, a.day())) {
        None => Err((article, Refusal::NoDecree)),
        Some((_, Some(day))) if day > today => Err((article, Refusal::FutureDecree(day))),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approval(date: &str) -> Approval {
        toml::from_str(&format!(
            "number = \"500/1/Diskominfo/2026\"\ndate = {date}\nissuer = \"Kepala Dinas\""
        ))
        .expect("approval")
    }

    #[test]
    fn a_third_party_target_needs_a_decree_in_every_regency() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        for p in Profile::ALL {
            assert_eq!(check(p, TargetKind::Dir, None, today), Ok(()), "{p:?}");
            let refused = check(p, TargetKind::Netlify, None, today);
            if p == Profile::Nasional {
                assert_eq!(refused, Ok(()));
                continue;
            }
            let (article, why) = refused.expect_err("refused");
            assert!(
                article.contains(
                    p.info()
                        .regulation
                        .split(" tentang ")
                        .next()
                        .expect("title")
                ),
                "{article}"
            );
            assert_eq!(why, Refusal::NoDecree);
            assert_eq!(
                check(p, TargetKind::Netlify, Some(&approval("2026-05-04")), today),
                Ok(())
            );
            assert_eq!(
                check(p, TargetKind::Netlify, Some(&approval("2027-01-01")), today)
                    .map_err(|e| e.1),
                Err(Refusal::FutureDecree(
                    NaiveDate::from_ymd_opt(2027, 1, 1).expect("d")
                ))
            );
        }
        assert_eq!(
            article(Profile::Pangandaran, TargetKind::Netlify),
            Some("Peraturan Bupati Pangandaran Nomor 47 Tahun 2017 Pasal 6 ayat (2)-(3)")
        );
    }
}
