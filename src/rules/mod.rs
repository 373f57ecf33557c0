//! The content rules engine: the catalogue of spec/content-rules.toml run on
//! the loaded and rendered sites. Every finding carries its rule ID, its
//! severity after the regency profile's and laman.toml's overrides, the
//! legal basis with verification marks, and what the rule requires.
//!
//! Rules are grouped by what they read: `pages` (front-matter data of one
//! page), `site` (site.toml and which pages exist), `output` (the rendered
//! HTML), `scan` (text that must never be published). `check_page` is
//! callable alone, for a preview that shows one page's findings.

pub mod catalogue;
pub mod html;
mod output;
mod pages;
mod scan;
mod site;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::RegencyConfig;
use crate::content::{ContentTree, SourcePage};
use crate::diagnostic::{
    Bilingual, Citation, Diagnostic, FileKind, Location, Message, RuleFinding, Severity,
};
use crate::markdown::Rendered;
use crate::profile::Profile;
use crate::registry::Site;
use catalogue::Catalogue;
pub use html::HtmlFacts;

/// Rules of laman's own that the catalogue does not list (output checks).
/// Each with its severity and what an editor should do about a finding
/// (the `saran` line), in Indonesian and English.
const OWN_RULES: &[(&str, Severity, &str, &str)] = &[
    (
        "TAUTAN-002",
        Severity::Error,
        "Periksa alamat tautan: halaman, gambar atau dokumen yang dituju harus ada di folder situs, misalnya @/layanan/kir.md atau /dokumen/sk-2026.pdf.",
        "Check the link's address: the page, image or document it leads to must exist in the site folder, e.g. @/layanan/kir.md or /dokumen/sk-2026.pdf.",
    ),
    (
        "TAUTAN-003",
        Severity::Error,
        "Periksa bagian setelah #: halaman tujuan harus punya judul dengan nama itu, misalnya @/layanan/kir.md#persyaratan untuk judul \"## Persyaratan\".",
        "Check the part after #: the target page must have a heading of that name, e.g. @/layanan/kir.md#persyaratan for the heading \"## Persyaratan\".",
    ),
];

/// Inputs of a check that are not content.
#[derive(Debug, Clone)]
pub struct RuleOptions {
    /// The date freshness rules measure from.
    pub today: NaiveDate,
    /// Pages changed since the last publish (shown paths), for META-001; `None` = unknown.
    pub changed: Option<Vec<PathBuf>>,
}

/// A finding before severity and basis are attached.
#[derive(Debug, Clone)]
struct Unfinished {
    rule: &'static str,
    at: Location,
    finding: RuleFinding,
    /// A severity the rule text itself prescribes for this case (e.g. the LHKPN part of KONTEN-005).
    severity: Option<Severity>,
}

/// Collects unfinished findings.
#[derive(Debug, Default)]
struct Findings(Vec<Unfinished>);

impl Findings {
    fn push(&mut self, rule: &'static str, at: Location, finding: RuleFinding) {
        self.0.push(Unfinished {
            rule,
            at,
            finding,
            severity: None,
        });
    }

    fn push_as(
        &mut self,
        rule: &'static str,
        severity: Severity,
        at: Location,
        finding: RuleFinding,
    ) {
        self.0.push(Unfinished {
            rule,
            at,
            finding,
            severity: Some(severity),
        });
    }
}

/// A site as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct SiteInput<'a> {
    /// The agency.
    pub site: &'a Site,
    /// Its pages.
    pub tree: &'a ContentTree,
    /// Rendered bodies, aligned with `tree.pages`.
    pub bodies: &'a [Rendered],
    /// Facts of every HTML file written, by output path.
    pub html: &'a BTreeMap<String, PageHtml>,
    /// Every output file path of the site.
    pub files: &'a std::collections::HashSet<String>,
    /// Prefix of root-relative URLs ("" normally).
    pub base_path: &'a str,
}

/// One rendered HTML file and the page it came from.
#[derive(Debug, Clone)]
pub struct PageHtml {
    /// Index into `tree.pages`, when the file renders a page.
    pub page: Option<usize>,
    /// Its facts.
    pub facts: HtmlFacts,
}

/// What every finding of one rule shares, computed once per run.
#[derive(Debug, Clone)]
struct RuleMeta {
    severity: Severity,
    basis: std::sync::Arc<[Citation]>,
    requirement: Option<std::sync::Arc<Bilingual>>,
    advice: Option<std::sync::Arc<Bilingual>>,
}

/// The rules, configured for one regency.
#[derive(Debug, Clone)]
pub struct Engine {
    catalogue: Catalogue,
    config: RegencyConfig,
    /// Rule ID → (severity, reason), profile first, laman.toml on top.
    overrides: BTreeMap<String, (Severity, String)>,
    /// Rule ID → default severity, basis and requirement.
    meta: BTreeMap<String, RuleMeta>,
}

impl Engine {
    /// The engine for `config`; an override naming an unknown rule is an error at its line.
    pub fn new(config: &RegencyConfig) -> Result<Engine, Box<Diagnostic>> {
        let catalogue = Catalogue::shipped();
        let mut overrides = BTreeMap::new();
        if let Some(p) = catalogue.profiles.get(config.region.profile.info().code) {
            for (rule, o) in &p.overrides {
                overrides.insert(rule.clone(), (o.severity.severity(), o.reason.clone()));
            }
        }
        for (rule, o) in &config.rules.overrides {
            let at = || {
                let text = &config.source;
                let off = text.find(rule.as_str()).unwrap_or(0);
                Location::at_offset(crate::config::FILE_NAME, text, off)
            };
            let known =
                catalogue.rules.contains_key(rule) || OWN_RULES.iter().any(|(id, ..)| id == rule);
            if !known {
                let mut ids: Vec<String> = catalogue.rules.keys().cloned().collect();
                ids.sort_by_key(|id| crate::content::kinds::edit_distance(id, rule));
                ids.truncate(3);
                return Err(Box::new(Diagnostic::new(
                    at(),
                    Message::InvalidValue {
                        file: FileKind::Regency,
                        value: rule.clone(),
                        allowed: ids,
                    },
                )));
            }
            overrides.insert(rule.clone(), (o.severity.into(), o.reason.clone()));
        }
        let mut engine = Engine {
            catalogue,
            config: config.clone(),
            overrides,
            meta: BTreeMap::new(),
        };
        engine.meta = engine
            .catalogue
            .rules
            .values()
            .map(|r| {
                let meta = RuleMeta {
                    severity: r.level.severity(),
                    basis: engine.basis(r).into(),
                    requirement: Some(std::sync::Arc::new(r.requirement())),
                    advice: Some(std::sync::Arc::new(r.advice())),
                };
                (r.id.clone(), meta)
            })
            .chain(OWN_RULES.iter().map(|(id, sev, advice_id, advice_en)| {
                let advice = std::sync::Arc::new(Bilingual {
                    id: (*advice_id).to_string(),
                    en: (*advice_en).to_string(),
                });
                let meta = RuleMeta {
                    severity: *sev,
                    basis: std::sync::Arc::from([]),
                    requirement: None,
                    advice: Some(advice),
                };
                (id.to_string(), meta)
            }))
            .collect();
        Ok(engine)
    }

    /// The profile.
    pub fn profile(&self) -> Profile {
        self.config.region.profile
    }

    /// The catalogue in use.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Attaches severity, basis and requirement to an unfinished finding.
    fn finish(&self, raw: Unfinished) -> Diagnostic {
        let meta = self.meta.get(raw.rule);
        let mut d = Diagnostic::new(
            raw.at,
            Message::Rule {
                rule: raw.rule,
                finding: raw.finding,
            },
        );
        d.severity = raw
            .severity
            .or(meta.map(|m| m.severity))
            .unwrap_or(Severity::Warning);
        if let Some((sev, reason)) = self.overrides.get(raw.rule) {
            d.severity = *sev;
            d.severity_reason = Some(reason.clone());
        }
        if let Some(m) = meta {
            d.requirement = m.requirement.clone();
            d.advice = m.advice.clone();
            d.basis = m.basis.clone();
        }
        d
    }

    /// The basis of a rule: the profile's own regulation first, then national sources.
    fn basis(&self, rule: &catalogue::Rule) -> Vec<Citation> {
        let own_reg = self
            .catalogue
            .profiles
            .get(self.config.region.profile.info().code)
            .map(|p| p.regulation.clone());
        let other_regencies: Vec<String> = self
            .catalogue
            .profiles
            .values()
            .map(|p| p.regulation.clone())
            .filter(|r| Some(r) != own_reg.as_ref())
            .collect();
        let applicable = rule
            .basis
            .iter()
            .any(|d| !other_regencies.contains(&d.source));
        let mut out: Vec<Citation> = rule
            .basis
            .iter()
            // Another regency's article does not bind this one, unless it is all the catalogue has.
            .filter(|d| !applicable || !other_regencies.contains(&d.source))
            .map(|d| Citation {
                source: d.source.clone(),
                name: self
                    .catalogue
                    .sources
                    .get(&d.source)
                    .map(|s| short_title(&s.title))
                    .unwrap_or_else(|| d.source.clone()),
                article: d.article.clone(),
                verification: d.verification,
            })
            .collect();
        out.sort_by_key(|c| Some(&c.source) != own_reg.as_ref());
        out
    }

    fn finish_all(&self, found: Findings) -> Vec<Diagnostic> {
        found.0.into_par_iter().map(|r| self.finish(r)).collect()
    }

    /// The rules about one page's own data and text (callable alone for a preview).
    pub fn check_page(
        &self,
        site: &Site,
        page: &SourcePage,
        body: &Rendered,
        opts: &RuleOptions,
    ) -> Vec<Diagnostic> {
        let mut found = Findings::default();
        pages::check(self, site, page, body, opts, &mut found);
        scan::page(page, &mut found);
        self.finish_all(found)
    }

    /// The rules about the site as a whole, besides `check_page` of every
    /// page (the two are apart so that the preview can check one page
    /// again alone; `render::pipeline` runs both).
    pub fn check_site_only(&self, input: &SiteInput<'_>, opts: &RuleOptions) -> Vec<Diagnostic> {
        let mut found = Findings::default();
        site::check(self, input, opts, &mut found);
        output::check(self, input, &mut found);
        scan::site(input, &mut found);
        self.finish_all(found)
    }

    /// Rules across sites: the regency domain, one site per agency.
    pub fn check_regency(&self, sites: &[&Site]) -> Vec<Diagnostic> {
        let mut found = Findings::default();
        site::regency(self, sites, &mut found);
        self.finish_all(found)
    }
}

/// META-001: when every changed page is urgent information, errors become
/// warnings, and the waiver is recorded.
pub fn waive_for_urgent_information(
    site: &Site,
    tree: &crate::content::ContentTree,
    opts: &RuleOptions,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(changed) = &opts.changed else { return };
    let pages: Vec<&SourcePage> = tree
        .pages
        .iter()
        .filter(|p| changed.iter().any(|c| c == &p.shown))
        .collect();
    let urgent = |p: &&SourcePage| {
        p.jenis() == crate::content::kinds::Jenis::InformasiSertaMerta || p.common.darurat
    };
    if pages.is_empty() || !pages.iter().all(urgent) {
        return;
    }
    let mut waived = false;
    for d in diags.iter_mut().filter(|d| d.severity == Severity::Error) {
        d.severity = Severity::Warning;
        d.severity_reason = Some("META-001: informasi serta-merta tidak pernah diblokir".into());
        waived = true;
    }
    if waived {
        let mut d = Diagnostic::new(
            Location::file(&site.shown),
            Message::Rule {
                rule: "META-001",
                finding: RuleFinding::Waiver { pages: pages.len() },
            },
        );
        d.severity = Severity::Info;
        diags.push(d);
    }
}

/// `Peraturan Bupati Cianjur Nomor 25 Tahun 2018` from a full title.
fn short_title(judul: &str) -> String {
    judul
        .split(" tentang ")
        .next()
        .unwrap_or(judul)
        .trim()
        .to_string()
}

/// Where `field` is set in a page's front matter (its line), else the file.
pub(crate) fn field_at(page: &SourcePage, field: &str) -> Location {
    key_at(&page.shown, &page.text[..page.body_offset], field)
}

/// The line of `key = …` / `key: …` in `text`, else the file.
pub(crate) fn key_at(shown: &Path, text: &str, key: &str) -> Location {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return Location::at_offset(shown, text, offset + (line.len() - t.len()));
            }
        }
        offset += line.len();
    }
    Location::file(shown)
}

/// A string field that is present and not blank.
pub(crate) fn filled(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_at_finds_the_line_of_a_key() {
        let text = "+++\ntitle = \"a\"\n  visi = \"b\"\n+++\n";
        let l = key_at(Path::new("a.md"), text, "visi");
        assert_eq!((l.line, l.column), (Some(3), Some(3)));
        assert_eq!(key_at(Path::new("a.md"), text, "misi").line, None);
        assert_eq!(
            short_title("Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"),
            "Undang-Undang Nomor 25 Tahun 2009"
        );
    }
}
