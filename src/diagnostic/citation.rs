//! The legal basis of a content rule's finding, and words that come with
//! the data in both languages (what a rule requires, its title), as the
//! catalogue states them.

use serde::{Deserialize, Serialize};

/// How sure a citation is (content-rules.md §0). The catalogue and the JSON
/// reports spell it `V`, `S`, `R` (docs/check-json.md); the code names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Verification {
    /// Wording seen in the regulation text.
    #[serde(rename = "V")]
    Seen,
    /// Seen only in a secondary source.
    #[serde(rename = "S")]
    Secondary,
    /// Recalled, not seen: must be checked before it is shown as certain.
    #[serde(rename = "R")]
    Recalled,
}

/// One legal basis of a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// Source ID of the catalogue (`UU-25-2009`).
    pub source: String,
    /// Short name: `Undang-Undang Nomor 25 Tahun 2009`.
    pub name: String,
    /// Article: `Pasal 21`.
    pub article: String,
    /// Seen, secondary source, or recalled (not yet verified).
    pub verification: Verification,
    /// How the article bears on the rule, when not plainly (legal-audit.md §2).
    #[serde(default)]
    pub nature: Option<Nature>,
}

/// How a cited article bears on a rule when it is not a plain duty of the
/// agency (spec/legal-audit.md §2). The catalogue writes it as `sifat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// About the matter, but not the duty itself (e.g. an authority clause).
    #[serde(rename = "tidak_langsung")]
    Indirect,
    /// Follows from the wording (https from a written address).
    #[serde(rename = "tersirat")]
    Implied,
    /// Applied by analogy (a website as an e-Government application).
    #[serde(rename = "analogi")]
    Analogy,
    /// A provincial model that does not bind the regency.
    #[serde(rename = "model")]
    Model,
    /// Context only: not a duty of the agency.
    #[serde(rename = "konteks")]
    Context,
    /// A duty of Diskominfo, not of the agency.
    #[serde(rename = "kewajiban_dinas")]
    DinasDuty,
    /// The regency's regulation has no article for the rule: it is
    /// Diskominfo's policy (laman writes this; the catalogue never does).
    #[serde(rename = "tanpa_pasal")]
    NoArticle,
}

impl Citation {
    /// "Diskominfo policy; no article in `name`" (`name` empty: no regional
    /// regulation at all, as under the `nasional` profile).
    pub fn no_article(source: &str, name: &str) -> Citation {
        Citation {
            source: source.to_string(),
            name: name.to_string(),
            article: String::new(),
            verification: Verification::Seen,
            nature: Some(Nature::NoArticle),
        }
    }
}

/// A kind of administrative sanction a regency regulation attaches to a
/// duty (#11 item 5). The catalogue writes it in its `[[sanksi]]` tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum SanctionKind {
    /// "peringatan lisan" (Cianjur 20, Lima Puluh Kota 19(2) huruf a).
    #[serde(rename = "peringatan-lisan")]
    OralWarning,
    /// "peringatan tulisan/tertulis berupa surat teguran" (Cianjur 20,
    /// Lima Puluh Kota 19(2) huruf b).
    #[serde(rename = "peringatan-tertulis")]
    WrittenWarning,
    /// "teguran lisan" (Purwakarta 15(6), 18(4), 19(3), 22(3) huruf a).
    #[serde(rename = "teguran-lisan")]
    OralReprimand,
    /// "teguran tertulis" (Purwakarta, huruf b).
    #[serde(rename = "teguran-tertulis")]
    WrittenReprimand,
    /// "sanksi disiplin lainnya sesuai dengan ketentuan peraturan
    /// perundang-undangan" (Purwakarta, huruf c).
    #[serde(rename = "sanksi-disiplin")]
    Discipline,
    /// "peneguran" by the ICT office (Pangandaran 29(3), Bogor 27(3)).
    #[serde(rename = "peneguran")]
    Reprimand,
}

/// The sanction that follows a breach of the duty a finding is about, in
/// the regency's own regulation (never another regency's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sanction {
    /// Source ID of the regulation (`PERBUP-CJR-25-2018`).
    pub source: String,
    /// Its short name (`Peraturan Bupati Cianjur Nomor 25 Tahun 2018`).
    pub name: String,
    /// The article that imposes the sanction (`20`, `22 ayat (3)`).
    pub article: String,
    /// The article whose duty is breached (the basis it follows from).
    pub breach: String,
    /// What the sanction can be.
    pub kinds: Vec<SanctionKind>,
    /// Who imposes it, as the regulation names them (`Bupati`).
    #[serde(default)]
    pub by: Option<String>,
}

/// Words that data brings in both languages, such as what a content rule
/// requires (the catalogue's `cek` and `cek_en`) or its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilingual {
    /// Bahasa Indonesia.
    pub id: String,
    /// English.
    pub en: String,
}

impl Bilingual {
    /// Both texts.
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Self {
        Bilingual {
            id: id.into(),
            en: en.into(),
        }
    }
}
