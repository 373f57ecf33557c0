//! The rule catalogue (spec/content-rules.toml), compiled into the binary:
//! each rule's ID, default severity, legal basis with verification marks,
//! parameters, and the regency profiles' severity overrides with their
//! citations. Parsed once per run; nothing here decides a finding.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Bilingual, Lang, Nature, SanctionKind, Severity, Verification};
use crate::text::Localize;

/// The catalogue text, as shipped.
pub const SOURCE: &str = include_str!("../../spec/content-rules.toml");

/// One legal basis of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// Source ID (`UU-25-2009`) or `teknis`.
    #[serde(rename = "sumber")]
    pub source: String,
    /// Article.
    #[serde(rename = "pasal")]
    pub article: String,
    /// Verification mark.
    #[serde(rename = "verifikasi")]
    pub verification: Verification,
    /// How the article bears on the rule, when not plainly (`sifat`).
    #[serde(rename = "sifat", default)]
    pub nature: Option<Nature>,
    /// The sanction (a `[[sanksi]]` id) the regulation attaches to a
    /// breach of this article (`sanksi`).
    #[serde(rename = "sanksi", default, skip_serializing_if = "Option::is_none")]
    pub sanction: Option<String>,
}

/// A sanction article of a regency regulation (`[[sanksi]]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SanctionArticle {
    /// `CJR-20`: what a basis's `sanksi` names.
    pub id: String,
    /// Source ID of the regulation.
    #[serde(rename = "sumber")]
    pub source: String,
    /// The article that imposes it (`20`, `22 ayat (3)`).
    #[serde(rename = "pasal")]
    pub article: String,
    /// What it can be.
    #[serde(rename = "jenis")]
    pub kinds: Vec<SanctionKind>,
    /// Who imposes it.
    #[serde(rename = "oleh", default)]
    pub by: Option<String>,
    /// Which duties it covers, as the regulation says (documentation).
    #[serde(rename = "cakupan", default)]
    pub covers: Option<String>,
}

/// A rule as the catalogue states it (the catalogue's keys are Indonesian;
/// serde maps them to these names).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// `LAYANAN-002`.
    pub id: String,
    /// Short title (Indonesian).
    #[serde(rename = "judul")]
    pub title: String,
    /// Short title in English.
    #[serde(rename = "judul_en")]
    pub title_en: String,
    /// Default severity.
    #[serde(rename = "tingkat")]
    pub level: Level,
    /// What the rule is about.
    #[serde(rename = "lingkup")]
    pub scope: Scope,
    /// Page kind the rule is about, if any.
    #[serde(rename = "jenis", default)]
    pub kind: Option<String>,
    /// What is checked (Indonesian).
    #[serde(rename = "cek")]
    pub check: String,
    /// What is checked, in English.
    #[serde(rename = "cek_en")]
    pub check_en: String,
    /// What an editor should write, with an example (Indonesian): the
    /// `saran` line of a finding. Kept apart from the machine `cek`.
    #[serde(rename = "saran")]
    pub advice: String,
    /// The same advice in English (shown with `--lang en`).
    #[serde(rename = "saran_en")]
    pub advice_en: String,
    /// Legal basis.
    #[serde(rename = "dasar")]
    pub basis: Vec<Basis>,
    /// Thresholds.
    #[serde(default)]
    pub param: BTreeMap<String, toml::Value>,
}

impl Rule {
    /// The short title in both languages.
    pub fn title_words(&self) -> Bilingual {
        Bilingual {
            id: self.title.clone(),
            en: self.title_en.clone(),
        }
    }

    /// What the rule requires, in both languages.
    pub fn requirement(&self) -> Bilingual {
        Bilingual {
            id: self.check.clone(),
            en: self.check_en.clone(),
        }
    }

    /// What an editor should do about a finding, in both languages.
    pub fn advice(&self) -> Bilingual {
        Bilingual {
            id: self.advice.clone(),
            en: self.advice_en.clone(),
        }
    }
}

/// A severity as the catalogue writes it: `kebijakan` rules are about the
/// validator itself and report as info.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Blocks publishing.
    Error,
    /// Reported.
    Warning,
    /// Report only.
    Info,
    /// A policy about the validator itself (reports as info).
    #[serde(rename = "kebijakan")]
    Policy,
}

impl Level {
    /// The severity a finding of this level has.
    pub fn severity(self) -> Severity {
        match self {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info | Level::Policy => Severity::Info,
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
pub struct Source {
    /// `UU-25-2009`.
    pub id: String,
    /// Full title.
    #[serde(rename = "judul")]
    pub title: String,
    /// The province a provincial regulation binds (`provinsi`); none for national law.
    #[serde(rename = "provinsi", default)]
    pub province: Option<String>,
}

/// A severity override with its reason (as laman.toml's `RuleOverride`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// New severity.
    #[serde(rename = "tingkat")]
    pub severity: Level,
    /// The citation that justifies it.
    #[serde(rename = "alasan")]
    pub reason: String,
}

/// A regency profile of the catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct RegencyProfile {
    /// `cianjur`.
    #[serde(rename = "kode")]
    pub code: String,
    /// `Kabupaten Cianjur`.
    #[serde(rename = "nama")]
    pub name: String,
    /// `cianjurkab.go.id`.
    #[serde(rename = "domain_induk")]
    pub parent_domain: String,
    /// Source ID of the regency regulation.
    #[serde(rename = "regulasi")]
    pub regulation: String,
    /// `Jawa Barat`: which provincial regulations apply.
    #[serde(rename = "provinsi", default)]
    pub province: Option<String>,
    /// Overrides by rule ID.
    #[serde(rename = "override", default)]
    pub overrides: BTreeMap<String, Override>,
}

/// The catalogue file as it is written.
#[derive(Debug, Deserialize)]
struct CatalogueFile {
    #[serde(rename = "sumber", default)]
    sources: Vec<Source>,
    #[serde(rename = "aturan", default)]
    rules: Vec<Rule>,
    #[serde(rename = "profil_daerah", default)]
    profiles: Vec<RegencyProfile>,
    #[serde(rename = "sanksi", default)]
    sanctions: Vec<SanctionArticle>,
}

/// The parsed catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Rules by ID.
    pub rules: BTreeMap<String, Rule>,
    /// Sources by ID.
    pub sources: BTreeMap<String, Source>,
    /// Profiles by code.
    pub profiles: BTreeMap<String, RegencyProfile>,
    /// Sanction articles by id.
    pub sanctions: BTreeMap<String, SanctionArticle>,
}

impl Catalogue {
    /// The catalogue shipped with laman.
    pub fn shipped() -> Catalogue {
        Catalogue::parse(SOURCE).unwrap_or_else(|e| panic!("the shipped catalogue must parse: {e}"))
    }

    /// Parses catalogue text.
    pub fn parse(text: &str) -> Result<Catalogue, toml::de::Error> {
        let file: CatalogueFile = toml::from_str(text)?;
        Ok(Catalogue {
            rules: file.rules.into_iter().map(|r| (r.id.clone(), r)).collect(),
            sources: file
                .sources
                .into_iter()
                .map(|s| (s.id.clone(), s))
                .collect(),
            profiles: file
                .profiles
                .into_iter()
                .map(|p| (p.code.clone(), p))
                .collect(),
            sanctions: file
                .sanctions
                .into_iter()
                .map(|s| (s.id.clone(), s))
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
            c.profiles["pangandaran"].overrides["DOMAIN-003"].severity,
            Level::Error
        );
        assert_eq!(c.param("MUTAKHIR-001", "maks_hari", 0), 183);
        assert!(
            c.param_list("ADUAN-001", "host_lapor")
                .contains(&"lapor.go.id".to_string())
        );
        for r in c.rules.values() {
            for d in &r.basis {
                assert!(
                    d.source == "teknis" || c.sources.contains_key(&d.source),
                    "{} cites {}",
                    r.id,
                    d.source
                );
            }
        }
    }

    /// Every `sanksi` of a basis names a `[[sanksi]]` of the same
    /// regulation, and only an article that puts a duty on the agency
    /// (not context, a model, an indirect clause or a duty of the Dinas)
    /// carries one.
    #[test]
    fn sanctions_belong_to_the_regulation_they_follow_from() {
        let c = Catalogue::shipped();
        assert!(c.sanctions.len() >= 8, "{:?}", c.sanctions.keys());
        for s in c.sanctions.values() {
            assert!(c.sources.contains_key(&s.source), "{}", s.id);
            assert!(!s.kinds.is_empty(), "{}", s.id);
        }
        let mut used = 0;
        for r in c.rules.values() {
            for d in r.basis.iter().filter(|d| d.sanction.is_some()) {
                used += 1;
                let id = d.sanction.as_deref().unwrap_or_default();
                let s = c
                    .sanctions
                    .get(id)
                    .unwrap_or_else(|| panic!("{}: unknown sanksi {id}", r.id));
                assert_eq!(s.source, d.source, "{} {id}", r.id);
                assert!(
                    !matches!(
                        d.nature,
                        Some(
                            Nature::Context | Nature::Model | Nature::Indirect | Nature::DinasDuty
                        )
                    ),
                    "{} {id}: {:?}",
                    r.id,
                    d.nature
                );
            }
        }
        assert!(used >= 25, "{used}");
    }
}
