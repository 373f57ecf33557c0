//! The rule catalogue (spec/content-rules.toml), compiled into the binary:
//! each rule's ID, default severity, legal basis with verification marks,
//! parameters, and the regency profiles' severity overrides with their
//! citations. Parsed once per run; nothing here decides a finding.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Bilingual, Lang, Severity, Verification};
use crate::text::Localize;

/// The catalogue text, as shipped.
pub const SOURCE: &str = include_str!("../../spec/content-rules.toml");

/// One legal basis of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dasar {
    /// Source ID (`UU-25-2009`) or `teknis`.
    pub sumber: String,
    /// Article.
    pub pasal: String,
    /// Verification mark.
    pub verifikasi: Verification,
}

/// A rule as the catalogue states it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aturan {
    /// `LAYANAN-002`.
    pub id: String,
    /// Short title (Indonesian).
    pub judul: String,
    /// Short title in English.
    pub judul_en: String,
    /// `error`, `warning`, `info` or `kebijakan`.
    pub tingkat: String,
    /// What the rule is about.
    pub lingkup: Scope,
    /// Page kind the rule is about, if any.
    #[serde(default)]
    pub jenis: Option<String>,
    /// What is checked (Indonesian).
    pub cek: String,
    /// What is checked, in English (shown with `--lang en`).
    pub cek_en: String,
    /// Legal basis.
    pub dasar: Vec<Dasar>,
    /// Thresholds.
    #[serde(default)]
    pub param: BTreeMap<String, toml::Value>,
}

impl Aturan {
    /// The short title in both languages.
    pub fn title(&self) -> Bilingual {
        Bilingual {
            id: self.judul.clone(),
            en: self.judul_en.clone(),
        }
    }

    /// What the rule requires, in both languages.
    pub fn requirement(&self) -> Bilingual {
        Bilingual {
            id: self.cek.clone(),
            en: self.cek_en.clone(),
        }
    }
}

/// What a rule is about; the catalogue's words are its serialized form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Scope {
    /// A whole site.
    #[serde(rename = "situs")]
    Site,
    /// One page.
    #[serde(rename = "halaman")]
    Page,
    /// The build itself.
    #[serde(rename = "build")]
    Build,
    /// Operations around the sites.
    #[serde(rename = "ops")]
    Ops,
}

impl Localize for Scope {
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Scope::Site, Lang::Id) => "situs",
            (Scope::Site, Lang::En) => "site",
            (Scope::Page, Lang::Id) => "halaman",
            (Scope::Page, Lang::En) => "page",
            (Scope::Build, _) => "build",
            (Scope::Ops, _) => "ops",
        }
        .to_string()
    }
}

/// A legal source.
#[derive(Debug, Clone, Deserialize)]
pub struct Sumber {
    /// `UU-25-2009`.
    pub id: String,
    /// Full title.
    pub judul: String,
}

/// A severity override with its reason.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// New severity.
    pub tingkat: String,
    /// The citation that justifies it.
    pub alasan: String,
}

/// A regency profile of the catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct ProfilDaerah {
    /// `cianjur`.
    pub kode: String,
    /// `Kabupaten Cianjur`.
    pub nama: String,
    /// `cianjurkab.go.id`.
    pub domain_induk: String,
    /// Source ID of the regency regulation.
    pub regulasi: String,
    /// Overrides by rule ID.
    #[serde(rename = "override", default)]
    pub overrides: BTreeMap<String, Override>,
}

#[derive(Debug, Deserialize)]
struct Raw {
    #[serde(default)]
    sumber: Vec<Sumber>,
    #[serde(default)]
    aturan: Vec<Aturan>,
    #[serde(default)]
    profil_daerah: Vec<ProfilDaerah>,
}

/// The parsed catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Rules by ID.
    pub rules: BTreeMap<String, Aturan>,
    /// Sources by ID.
    pub sources: BTreeMap<String, Sumber>,
    /// Profiles by code.
    pub profiles: BTreeMap<String, ProfilDaerah>,
}

impl Catalogue {
    /// The catalogue shipped with laman.
    pub fn shipped() -> Catalogue {
        Catalogue::parse(SOURCE).unwrap_or_else(|e| panic!("the shipped catalogue must parse: {e}"))
    }

    /// Parses catalogue text.
    pub fn parse(text: &str) -> Result<Catalogue, toml::de::Error> {
        let raw: Raw = toml::from_str(text)?;
        Ok(Catalogue {
            rules: raw.aturan.into_iter().map(|a| (a.id.clone(), a)).collect(),
            sources: raw.sumber.into_iter().map(|s| (s.id.clone(), s)).collect(),
            profiles: raw
                .profil_daerah
                .into_iter()
                .map(|p| (p.kode.clone(), p))
                .collect(),
        })
    }

    /// A numeric parameter of a rule, or `default`.
    pub fn param(&self, rule: &str, name: &str, default: i64) -> i64 {
        self.rules
            .get(rule)
            .and_then(|r| r.param.get(name))
            .and_then(toml::Value::as_integer)
            .unwrap_or(default)
    }

    /// A list parameter of a rule.
    pub fn param_list(&self, rule: &str, name: &str) -> Vec<String> {
        self.rules
            .get(rule)
            .and_then(|r| r.param.get(name))
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `error`/`warning`/`info`/`kebijakan` as a severity (`kebijakan` rules
/// are about the validator itself and report as info).
pub fn severity_of(tingkat: &str) -> Option<Severity> {
    match tingkat {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" | "kebijakan" => Some(Severity::Info),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_catalogue_has_every_rule_and_profile() {
        let c = Catalogue::shipped();
        assert_eq!(c.rules.len(), 65);
        for p in [
            "cianjur",
            "pangandaran",
            "purwakarta",
            "limapuluhkota",
            "bogor",
        ] {
            assert!(c.profiles.contains_key(p), "{p}");
        }
        assert_eq!(
            c.profiles["pangandaran"].overrides["DOMAIN-003"].tingkat,
            "error"
        );
        assert_eq!(c.param("MUTAKHIR-001", "maks_hari", 0), 183);
        assert!(
            c.param_list("ADUAN-001", "host_lapor")
                .contains(&"lapor.go.id".to_string())
        );
        for r in c.rules.values() {
            assert!(severity_of(&r.tingkat).is_some(), "{}", r.id);
            for d in &r.dasar {
                assert!(
                    d.sumber == "teknis" || c.sources.contains_key(&d.sumber),
                    "{} cites {}",
                    r.id,
                    d.sumber
                );
            }
        }
    }
}
