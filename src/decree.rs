//! The subdomain decree register (issue #11 item 2): Diskominfo's list of
//! the decrees that set the regency's subdomains, kept in laman.toml as
//! `[[decree]]` tables (number, date, issuer, the subdomains it sets, an
//! optional end date). Each site's `[penetapan_subdomain] nomor_sk` and each
//! `[[subdomain]] decree` refers to one of them by number.
//!
//! Pangandaran (Perbup 47/2017 Pasal 11 ayat (4)) and Bogor (Perbup 11/2015
//! Pasal 10 ayat (4)) set every subdomain by a decree of the Kepala Dinas;
//! elsewhere a missing decree is a warning (DOMAIN-003's severity per
//! profile). The register is trusted input: a blank or placeholder number or
//! issuer, a date that is no calendar day, an empty or invalid subdomain
//! list, a duplicate number, an end before the start, or a reference to a
//! number the register does not hold is an error at its line in laman.toml.
//! Whether a decree is in force (its date not after today, its end not
//! before) depends on the day of the check, so that is a finding instead.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::content::date::PageDate;
pub use crate::diagnostic::decree::{Invalid, RegisterFault};
use crate::diagnostic::{Diagnostic, Location, Message};
use crate::profile::Profile;

/// `[[decree]]`: one decree of the register.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Decree {
    /// Decree number (`500/112/Kep/Diskominfo/2024`), the key a host refers to.
    pub number: String,
    /// The day it was set.
    pub date: PageDate,
    /// Who set it (`Kepala Dinas Komunikasi dan Informatika`).
    pub issuer: String,
    /// The subdomain labels it sets (`["dinkes", "disdik"]`).
    pub subdomains: Vec<String>,
    /// The last day it is in force, when it has one.
    #[serde(default)]
    pub until: Option<PageDate>,
}

/// Whether `s` is blank or a scaffold placeholder.
pub fn blank(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.starts_with("ISI:")
}

/// Offset of the `n`-th (0-based) line that is exactly the array-table
/// header `header` (`[[decree]]`), or of the file's start.
pub fn nth_table(text: &str, header: &str, n: usize) -> usize {
    let mut offset = 0;
    let mut seen = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let t = t.split('#').next().unwrap_or("").trim();
        if t == header {
            if seen == n {
                return offset + (line.len() - line.trim_start().len());
            }
            seen += 1;
        }
        offset += line.len();
    }
    0
}

/// Offset of `key = …` inside the table that starts at `start` (before the
/// next table header), or `start` itself.
pub fn key_in_table(text: &str, start: usize, key: &str) -> usize {
    let mut offset = start;
    let mut first = true;
    for line in text[start..].split_inclusive('\n') {
        let t = line.trim_start();
        if !first && t.starts_with('[') {
            break;
        }
        first = false;
        if let Some(rest) = t.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return offset + (line.len() - t.len());
            }
        }
        offset += line.len();
    }
    start
}

/// The register as the checks read it: its decrees and the profile whose
/// regulation says who must issue them.
#[derive(Debug, Clone, Copy)]
pub struct Register<'a> {
    /// `[[decree]]` tables of laman.toml.
    pub decrees: &'a [Decree],
    /// The regency's profile.
    pub profile: Profile,
}

/// A host's reference to the register: `[[subdomain]] name` and `decree`.
#[derive(Debug, Clone, Copy)]
pub struct HostRef<'a> {
    /// Label (`lpse`).
    pub name: &'a str,
    /// Decree number, when one is given.
    pub decree: Option<&'a str>,
}

/// Checks the register (`decrees`) and the `[[subdomain]] decree`
/// references (`hosts`, in file order) of laman.toml (`text` at `path`).
pub fn validate(
    decrees: &[Decree],
    hosts: &[HostRef<'_>],
    text: &str,
    path: &Path,
) -> Result<(), Box<Diagnostic>> {
    let err = |offset: usize, number: &str, fault: RegisterFault| {
        Box::new(Diagnostic::new(
            Location::at_offset(path, text, offset),
            Message::DecreeRegister {
                number: number.to_string(),
                fault,
            },
        ))
    };
    for (i, d) in decrees.iter().enumerate() {
        let start = nth_table(text, "[[decree]]", i);
        let at = |key: &str| key_in_table(text, start, key);
        for (field, value) in [("number", &d.number), ("issuer", &d.issuer)] {
            if blank(value) {
                let fault = RegisterFault::Blank {
                    field: field.into(),
                };
                return Err(err(at(field), &d.number, fault));
            }
        }
        for (field, date) in [("date", Some(&d.date)), ("until", d.until.as_ref())] {
            if date.is_some_and(|x| x.time.is_some()) {
                let fault = RegisterFault::NotADay {
                    field: field.into(),
                };
                return Err(err(at(field), &d.number, fault));
            }
        }
        if d.subdomains.is_empty() {
            return Err(err(
                at("subdomains"),
                &d.number,
                RegisterFault::NoSubdomains,
            ));
        }
        for label in &d.subdomains {
            if !crate::profile::is_dns_label(label) {
                let fault = RegisterFault::BadLabel {
                    label: label.clone(),
                };
                return Err(err(at("subdomains"), &d.number, fault));
            }
        }
        if d.until.as_ref().is_some_and(|u| u.day < d.date.day) {
            return Err(err(at("until"), &d.number, RegisterFault::EndsBeforeStart));
        }
        if decrees[..i]
            .iter()
            .any(|o| o.number.trim() == d.number.trim())
        {
            return Err(err(at("number"), &d.number, RegisterFault::Duplicate));
        }
    }
    for (i, s) in hosts.iter().enumerate() {
        let Some(number) = s.decree else { continue };
        let start = nth_table(text, "[[subdomain]]", i);
        let at = key_in_table(text, start, "decree");
        if blank(number) {
            let fault = RegisterFault::Blank {
                field: "decree".into(),
            };
            return Err(err(at, number, fault));
        }
        match find(decrees, number) {
            None => return Err(err(at, number, RegisterFault::Unknown)),
            Some(d) if !d.subdomains.iter().any(|l| l == s.name) => {
                let fault = RegisterFault::NotForHost {
                    label: s.name.to_string(),
                };
                return Err(err(at, number, fault));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The decree of the register with `number`.
pub fn find<'a>(decrees: &'a [Decree], number: &str) -> Option<&'a Decree> {
    decrees.iter().find(|d| d.number.trim() == number.trim())
}

/// Whether `profile`'s regulation requires the decree to be by the Kepala
/// Dinas (Pangandaran 11(4), Bogor 10(4)).
pub fn needs_kepala_dinas(profile: Profile) -> bool {
    matches!(profile, Profile::Pangandaran | Profile::Bogor)
}

/// Whether `issuer` names the head of the Dinas (`Kepala Dinas …`,
/// `Kepala Diskominfo …`, `Kadis …`).
pub fn is_kepala_dinas(issuer: &str) -> bool {
    let i = issuer.to_lowercase();
    i.contains("kepala dinas") || i.contains("kepala diskominfo") || i.starts_with("kadis")
}

/// Judges the decree `reference` (a number, or none) for the host `label`
/// on `today`; `tanggal` is the date the host's own file gives, if any.
pub fn judge(
    register: Register<'_>,
    label: &str,
    reference: Option<&str>,
    tanggal: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), Invalid> {
    let decree = match reference {
        None => register
            .decrees
            .iter()
            .find(|d| d.subdomains.iter().any(|s| s == label))
            .ok_or(Invalid::Missing)?,
        Some(n) if blank(n) => {
            return Err(Invalid::Placeholder {
                value: n.to_string(),
            });
        }
        Some(n) => find(register.decrees, n).ok_or_else(|| Invalid::Unknown {
            number: n.trim().to_string(),
        })?,
    };
    let number = decree.number.trim().to_string();
    if !decree.subdomains.iter().any(|s| s == label) {
        return Err(Invalid::NotForHost { number });
    }
    if tanggal.is_some_and(|t| t != decree.date.day) {
        let date = decree.date.iso_day();
        return Err(Invalid::DateDiffers { number, date });
    }
    if decree.date.day > today {
        let date = decree.date.iso_day();
        return Err(Invalid::Future { number, date });
    }
    if let Some(u) = decree.until.as_ref().filter(|u| u.day < today) {
        let until = u.iso_day();
        return Err(Invalid::Expired { number, until });
    }
    if needs_kepala_dinas(register.profile) && !is_kepala_dinas(&decree.issuer) {
        let issuer = decree.issuer.clone();
        return Err(Invalid::Issuer { number, issuer });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "[region]\nname = \"K\"\ndomain = \"pangandarankab.go.id\"\nprofile = \"pangandaran\"\n\n";

    fn cfg(extra: &str) -> Result<crate::config::RegencyConfig, Box<Diagnostic>> {
        crate::config::parse(&format!("{HEAD}{extra}"), Path::new("laman.toml"))
    }

    const GOOD: &str = "[[decree]]\nnumber = \"500/1/Kep/2024\"\ndate = 2024-03-12\nissuer = \"Kepala Dinas Kominfo\"\nsubdomains = [\"dinkes\", \"lpse\"]\n";

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn a_placeholder_or_free_text_decree_is_an_error_at_its_line() {
        let e = cfg(&GOOD.replace("\"500/1/Kep/2024\"", "\"ISI: nomor SK\"")).expect_err("blank");
        assert_eq!((e.location.line, e.location.column), (Some(7), Some(1)));
        assert!(matches!(
            &*e.message,
            Message::DecreeRegister { fault: RegisterFault::Blank { field }, .. } if field == "number"
        ));
        let e = cfg(&GOOD.replace("2024-03-12", "\"12 Maret 2024\"")).expect_err("free text");
        assert_eq!(e.location.line, Some(8));
        let e = cfg(&GOOD.replace("[\"dinkes\", \"lpse\"]", "[]")).expect_err("empty");
        assert_eq!(e.location.line, Some(10));
        let e = cfg(&GOOD.replace("\"lpse\"", "\"Dinas Kesehatan\"")).expect_err("label");
        assert!(matches!(
            &*e.message,
            Message::DecreeRegister {
                fault: RegisterFault::BadLabel { .. },
                ..
            }
        ));
        let e = cfg(&format!("{GOOD}until = 2020-01-01\n")).expect_err("until");
        assert_eq!(e.location.line, Some(11));
        let e = cfg(&format!("{GOOD}\n{GOOD}")).expect_err("dup");
        assert_eq!(e.location.line, Some(13));
        let e = cfg(&format!(
            "{GOOD}\n[[subdomain]]\nname = \"jdih\"\ndecree = \"500/9/Kep/2024\"\n"
        ))
        .expect_err("unknown");
        assert_eq!(e.location.line, Some(14));
        assert!(matches!(
            &*e.message,
            Message::DecreeRegister {
                fault: RegisterFault::Unknown,
                ..
            }
        ));
        let e = cfg(&format!(
            "{GOOD}\n[[subdomain]]\nname = \"jdih\"\ndecree = \"500/1/Kep/2024\"\n"
        ))
        .expect_err("not listed");
        assert!(matches!(
            &*e.message,
            Message::DecreeRegister {
                fault: RegisterFault::NotForHost { .. },
                ..
            }
        ));
        cfg(GOOD).expect("valid register");
    }

    #[test]
    fn a_host_is_judged_on_the_day_of_the_check() {
        let c = cfg(GOOD).expect("cfg");
        let today = day("2026-12-02");
        assert_eq!(
            judge(c.register(), "dinkes", Some("500/1/Kep/2024"), None, today),
            Ok(())
        );
        // A host without a reference is covered by a decree that lists it.
        assert_eq!(judge(c.register(), "lpse", None, None, today), Ok(()));
        assert_eq!(
            judge(c.register(), "jdih", None, None, today),
            Err(Invalid::Missing)
        );
        assert_eq!(
            judge(c.register(), "disdik", Some("500/1/Kep/2024"), None, today),
            Err(Invalid::NotForHost {
                number: "500/1/Kep/2024".into()
            })
        );
        assert_eq!(
            judge(c.register(), "dinkes", Some("500/2/Kep/2024"), None, today),
            Err(Invalid::Unknown {
                number: "500/2/Kep/2024".into()
            })
        );
        assert!(matches!(
            judge(c.register(), "dinkes", Some("ISI: nomor"), None, today),
            Err(Invalid::Placeholder { .. })
        ));
        assert_eq!(
            judge(
                c.register(),
                "dinkes",
                Some("500/1/Kep/2024"),
                None,
                day("2024-03-11")
            ),
            Err(Invalid::Future {
                number: "500/1/Kep/2024".into(),
                date: "2024-03-12".into()
            })
        );
        assert!(matches!(
            judge(
                c.register(),
                "dinkes",
                Some("500/1/Kep/2024"),
                Some(day("2024-03-13")),
                today
            ),
            Err(Invalid::DateDiffers { .. })
        ));
        let ended = cfg(&format!("{GOOD}until = 2025-12-31\n")).expect("cfg");
        assert!(matches!(
            judge(
                ended.register(),
                "dinkes",
                Some("500/1/Kep/2024"),
                None,
                today
            ),
            Err(Invalid::Expired { .. })
        ));
        // Pangandaran 11(4) names the Kepala Dinas; Cianjur does not.
        let sekda = GOOD.replace("Kepala Dinas Kominfo", "Sekretaris Daerah");
        assert!(matches!(
            judge(
                cfg(&sekda).expect("cfg").register(),
                "dinkes",
                None,
                None,
                today
            ),
            Err(Invalid::Issuer { .. })
        ));
        let cj = crate::config::parse(
            &format!("{}{sekda}", HEAD.replace("\"pangandaran\"", "\"cianjur\"")),
            Path::new("laman.toml"),
        )
        .expect("cfg");
        assert_eq!(judge(cj.register(), "dinkes", None, None, today), Ok(()));
    }
}
