//! The words laman says to people, in Bahasa Indonesia and English, and the
//! one way of choosing between them: the `Localize` trait. Every
//! user-facing enum and finding says itself through it: messages
//! (`message`), content rule findings (`rule`), severities, citations and
//! requirements (here). Numbers are written one way per language
//! (`Number`).
//!
//! Depends on `diagnostic` (the data) and never the reverse. Editors are
//! civil servants, not programmers: say what is wrong and what to do, plainly.

pub mod cli;
mod message;
mod rule;
pub mod said;

use crate::diagnostic::{
    Bilingual, Citation, Diagnostic, Lang, Nature, Sanction, SanctionKind, Severity, Verification,
};

pub use message::{nearest, type_word};
pub use said::Said;

/// Something a person reads, said in their language.
pub trait Localize {
    /// The words of `self` in `lang`.
    fn text(&self, lang: Lang) -> String;

    /// What to do about it, in `lang`, when there is something to do.
    fn hint(&self, _lang: Lang) -> Option<String> {
        None
    }
}

impl Localize for Severity {
    /// The word a person reads in front of the message.
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Severity::Error, Lang::Id) => "galat",
            (Severity::Warning, Lang::Id) => "peringatan",
            (Severity::Info, Lang::Id) => "info",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Info, Lang::En) => "info",
        }
        .to_string()
    }
}

impl Localize for Citation {
    /// `Undang-Undang Nomor 25 Tahun 2009 Pasal 21`, with "(belum diverifikasi)"
    /// / "(not yet verified)" for a recalled citation. The name and article
    /// are the regulation's own (Indonesian) title and wording in both
    /// languages: they are proper names, and a reader must find them as cited.
    fn text(&self, lang: Lang) -> String {
        let mark = match (self.verification, lang) {
            (Verification::Recalled, Lang::Id) => " (belum diverifikasi)",
            (Verification::Recalled, Lang::En) => " (not yet verified)",
            (Verification::Secondary, Lang::Id) => " (sumber sekunder)",
            (Verification::Secondary, Lang::En) => " (secondary source)",
            (Verification::Seen, _) => "",
        };
        let article = if self.article.starts_with(|c: char| c.is_ascii_digit()) {
            format!("Pasal {}", self.article)
        } else {
            self.article.clone()
        };
        if self.nature == Some(Nature::NoArticle) {
            return no_article(&self.name, lang);
        }
        let nature = self.nature.map(|n| n.text(lang)).unwrap_or_default();
        format!("{} {article}{mark}{nature}", self.name)
    }
}

impl Localize for SanctionKind {
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (SanctionKind::OralWarning, Lang::Id) => "peringatan lisan",
            (SanctionKind::OralWarning, Lang::En) => "oral warning",
            (SanctionKind::WrittenWarning, Lang::Id) => "peringatan tertulis berupa surat teguran",
            (SanctionKind::WrittenWarning, Lang::En) => "written warning (a letter of reprimand)",
            (SanctionKind::OralReprimand, Lang::Id) => "teguran lisan",
            (SanctionKind::OralReprimand, Lang::En) => "oral reprimand",
            (SanctionKind::WrittenReprimand, Lang::Id) => "teguran tertulis",
            (SanctionKind::WrittenReprimand, Lang::En) => "written reprimand",
            (SanctionKind::Discipline, Lang::Id) => "sanksi disiplin lainnya",
            (SanctionKind::Discipline, Lang::En) => "other disciplinary sanctions",
            (SanctionKind::Reprimand, Lang::Id) => "peneguran",
            (SanctionKind::Reprimand, Lang::En) => "reprimand",
        }
        .to_string()
    }
}

impl Localize for Sanction {
    /// `peringatan lisan atau peringatan tertulis berupa surat teguran oleh
    /// Bupati (Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 20, atas
    /// Pasal 13 ayat (8))`. Names and articles stay as the regulation
    /// writes them, in both languages.
    fn text(&self, lang: Lang) -> String {
        let mut kinds: Vec<String> = self.kinds.iter().map(|k| k.text(lang)).collect();
        let or = match lang {
            Lang::Id => " atau ",
            Lang::En => " or ",
        };
        // "a, b atau c" / "a, b or c"
        let last = kinds.pop().unwrap_or_default();
        let kinds = match kinds.is_empty() {
            true => vec![last],
            false => vec![kinds.join(", "), last],
        };
        let by = match (&self.by, lang) {
            (Some(b), Lang::Id) => format!(" oleh {b}"),
            (Some(b), Lang::En) => format!(" by the {b}"),
            (None, _) => String::new(),
        };
        let pasal = |a: &str| {
            if a.starts_with(|c: char| c.is_ascii_digit()) {
                format!("Pasal {a}")
            } else {
                a.to_string()
            }
        };
        let breach = match lang {
            Lang::Id => "atas",
            Lang::En => "for",
        };
        format!(
            "{}{by} ({} {}, {breach} {})",
            kinds.join(or),
            self.name,
            pasal(&self.article),
            pasal(&self.breach)
        )
    }
}

impl Localize for Bilingual {
    fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Id => self.id.clone(),
            Lang::En => self.en.clone(),
        }
    }
}

impl Localize for Diagnostic {
    /// The message text.
    fn text(&self, lang: Lang) -> String {
        self.message.text(lang)
    }

    /// What to do about it (for a content rule: the catalogue's `saran`,
    /// written for an editor, never its machine `cek`).
    /// A finding that only follows from another (a link to a page that did
    /// not parse) says to fix that one: its own advice would send the
    /// editor to the wrong file.
    fn hint(&self, lang: Lang) -> Option<String> {
        if let Some(cause) = &self.caused_by {
            return Some(match lang {
                Lang::Id => {
                    format!("perbaiki dulu galat di {cause}; galat ini lalu hilang sendiri")
                }
                Lang::En => format!("fix the error at {cause} first; this one then goes away"),
            });
        }
        self.message
            .hint(lang)
            .or_else(|| self.advice.as_ref().map(|r| r.text(lang)))
    }
}

/// The words in front of the parts of a finding as a report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// `dasar` / `basis`: the legal basis.
    Basis,
    /// `sanksi` / `sanction`: what a breach of the duty can bring.
    Sanction,
    /// `tingkat` / `severity`: why the severity differs.
    Severity,
    /// `saran` / `help`: what to do.
    Help,
    /// In front of a finding that follows from the one above it.
    Follows,
}

impl Localize for Label {
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Label::Basis, Lang::Id) => "dasar",
            (Label::Basis, Lang::En) => "basis",
            (Label::Sanction, Lang::Id) => "sanksi",
            (Label::Sanction, Lang::En) => "sanction",
            (Label::Severity, Lang::Id) => "tingkat",
            (Label::Severity, Lang::En) => "severity",
            (Label::Help, Lang::Id) => "saran",
            (Label::Help, Lang::En) => "help",
            (Label::Follows, Lang::Id) => "akibat galat di atas",
            (Label::Follows, Lang::En) => "follows from the error above",
        }
        .to_string()
    }
}

/// The verdict on one site at the top of its part of the compliance report:
/// the same words as `laman publish --dry-run` ("terbit" / "DIBLOKIR").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Error-level findings (any blocks publication).
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
}

impl Localize for Verdict {
    fn text(&self, lang: Lang) -> String {
        match (self.errors, lang) {
            (0, Lang::Id) => format!("Akan terbit — 0 galat, {} peringatan", self.warnings),
            (0, Lang::En) => format!("Will publish — 0 errors, {} warnings", self.warnings),
            (e, Lang::Id) => format!(
                "DIBLOKIR — {e} galat, {} peringatan; tidak akan terbit sampai galatnya diperbaiki",
                self.warnings
            ),
            (e, Lang::En) => format!(
                "BLOCKED — {e} errors, {} warnings; will not publish until the errors are fixed",
                self.warnings
            ),
        }
    }
}

/// `s` with its first letter upper-case (a label that starts a line).
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A number as a person writes it: Indonesian groups thousands with `.` and
/// writes decimals after `,` (1.234,5); English the other way (1,234.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    value: f64,
    decimals: usize,
}

impl Number {
    /// A count.
    pub fn count(n: usize) -> Number {
        Number {
            value: n as f64,
            decimals: 0,
        }
    }

    /// A measure with a fixed number of decimals.
    pub fn fixed(value: f64, decimals: usize) -> Number {
        Number { value, decimals }
    }
}

impl Localize for Number {
    fn text(&self, lang: Lang) -> String {
        let (group, point) = match lang {
            Lang::Id => ('.', ','),
            Lang::En => (',', '.'),
        };
        let plain = format!("{:.*}", self.decimals, self.value);
        let (sign, plain) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain.as_str()),
        };
        let (int, frac) = plain.split_once('.').unwrap_or((plain, ""));
        let mut s = String::from(sign);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                s.push(group);
            }
            s.push(c);
        }
        if !frac.is_empty() {
            s.push(point);
            s.push_str(frac);
        }
        s
    }
}

/// A duration in seconds with two decimals, as a summary line shows it:
/// `1,25 d` (detik) in Indonesian, `1.25 s` in English.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seconds(pub std::time::Duration);

impl Localize for Seconds {
    fn text(&self, lang: Lang) -> String {
        let n = Number::fixed(self.0.as_secs_f64(), 2).text(lang);
        match lang {
            Lang::Id => format!("{n} d"),
            Lang::En => format!("{n} s"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_number_format_per_language() {
        let n = Number::fixed(1234.5, 1);
        assert_eq!(n.text(Lang::Id), "1.234,5");
        assert_eq!(n.text(Lang::En), "1,234.5");
        assert_eq!(Number::count(1_234_567).text(Lang::Id), "1.234.567");
        assert_eq!(Number::count(1_234_567).text(Lang::En), "1,234,567");
        assert_eq!(Number::count(999).text(Lang::Id), "999");
        assert_eq!(Number::count(0).text(Lang::En), "0");
        assert_eq!(Number::fixed(0.256, 2).text(Lang::Id), "0,26");
        assert_eq!(Number::fixed(-1234.0, 0).text(Lang::En), "-1,234");
        let d = Seconds(std::time::Duration::from_millis(1_234_560));
        assert_eq!(d.text(Lang::Id), "1.234,56 d");
        assert_eq!(d.text(Lang::En), "1,234.56 s");
    }

    #[test]
    fn a_consequence_points_at_its_cause() {
        use crate::diagnostic::{Location, Message};
        let mut d = Diagnostic::new(
            Location::at("sites/a/content/_index.md", 7, 3),
            Message::BrokenInternalLink {
                target: "@/kir.md".into(),
            },
        );
        assert!(
            d.hint(Lang::Id)
                .is_some_and(|h| h.starts_with("tulis jalur"))
        );
        d.caused_by = Some(Location::at("sites/a/content/kir.md", 4, 12));
        assert_eq!(
            d.hint(Lang::Id).as_deref(),
            Some(
                "perbaiki dulu galat di sites/a/content/kir.md:4:12; galat ini lalu hilang sendiri"
            )
        );
        assert_eq!(
            d.hint(Lang::En).as_deref(),
            Some("fix the error at sites/a/content/kir.md:4:12 first; this one then goes away")
        );
    }

    #[test]
    fn a_citation_names_its_verification() {
        let c = Citation {
            source: "UU-25-2009".into(),
            name: "Undang-Undang Nomor 25 Tahun 2009".into(),
            article: "21".into(),
            verification: Verification::Recalled,
            nature: None,
        };
        assert_eq!(
            c.text(Lang::En),
            "Undang-Undang Nomor 25 Tahun 2009 Pasal 21 (not yet verified)"
        );
        assert_eq!(
            c.text(Lang::Id),
            "Undang-Undang Nomor 25 Tahun 2009 Pasal 21 (belum diverifikasi)"
        );
    }
}

// ---------------------------------------------------------------------------
// How a cited article bears on a rule (#11, spec/legal-audit.md §2).

impl Localize for Nature {
    /// The mark after a citation (with its leading space); empty for `NoArticle`,
    /// which is said whole by `no_article`.
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Nature::Indirect, Lang::Id) => " (tidak langsung)",
            (Nature::Indirect, Lang::En) => " (indirect)",
            (Nature::Implied, Lang::Id) => " (tersirat)",
            (Nature::Implied, Lang::En) => " (implied)",
            (Nature::Analogy, Lang::Id) => " (analogi)",
            (Nature::Analogy, Lang::En) => " (by analogy)",
            (Nature::Model, Lang::Id) => " (model provinsi, tidak mengikat)",
            (Nature::Model, Lang::En) => " (provincial model, not binding)",
            (Nature::Context, Lang::Id) => " (konteks, bukan kewajiban perangkat daerah)",
            (Nature::Context, Lang::En) => " (context, not a duty of the agency)",
            (Nature::DinasDuty, Lang::Id) => " (kewajiban Diskominfo)",
            (Nature::DinasDuty, Lang::En) => " (a duty of Diskominfo)",
            (Nature::NoArticle, _) => "",
        }
        .to_string()
    }
}

/// "kebijakan Diskominfo; tidak ada pasal dalam <regulation>".
fn no_article(regulation: &str, lang: Lang) -> String {
    match (regulation.is_empty(), lang) {
        (false, Lang::Id) => format!("kebijakan Diskominfo; tidak ada pasal dalam {regulation}"),
        (false, Lang::En) => format!("Diskominfo policy; no article in {regulation}"),
        (true, Lang::Id) => "kebijakan Diskominfo; tanpa dasar peraturan daerah".to_string(),
        (true, Lang::En) => "Diskominfo policy; no regional regulation".to_string(),
    }
}

#[cfg(test)]
mod citation_nature_tests {
    use super::*;

    #[test]
    fn a_citation_says_how_it_bears_and_when_there_is_no_article() {
        let c = Citation {
            source: "PERBUP-LPK-47-2018".into(),
            name: "Peraturan Bupati Lima Puluh Kota Nomor 47 Tahun 2018".into(),
            article: "13 ayat (6)".into(),
            verification: Verification::Recalled,
            nature: Some(Nature::Analogy),
        };
        assert_eq!(
            c.text(Lang::Id),
            "Peraturan Bupati Lima Puluh Kota Nomor 47 Tahun 2018 Pasal 13 ayat (6) (belum diverifikasi) (analogi)"
        );
        let n = Citation::no_article(
            "PERBUP-CJR-25-2018",
            "Peraturan Bupati Cianjur Nomor 25 Tahun 2018",
        );
        assert_eq!(
            n.text(Lang::Id),
            "kebijakan Diskominfo; tidak ada pasal dalam Peraturan Bupati Cianjur Nomor 25 Tahun 2018"
        );
        assert_eq!(
            n.text(Lang::En),
            "Diskominfo policy; no article in Peraturan Bupati Cianjur Nomor 25 Tahun 2018"
        );
        assert_eq!(
            Citation::no_article("", "").text(Lang::En),
            "Diskominfo policy; no regional regulation"
        );
    }
}
