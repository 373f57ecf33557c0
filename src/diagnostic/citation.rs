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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// Source ID of the catalogue (`UU-25-2009`).
    pub source: String,
    /// Short name: `Undang-Undang Nomor 25 Tahun 2009`.
    pub name: String,
    /// Article: `Pasal 21`.
    pub article: String,
    /// Seen, secondary source, or recalled (not yet verified).
    pub verification: Verification,
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
