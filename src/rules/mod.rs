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
    Bilingual, Citation, Diagnostic, FileKind, Location, Message, Nature, RuleFinding, Sanction,
    Severity,
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
    /// Backups as `laman publish` measured them (publish.log), when
    /// laman.toml names destinations; `None`: OPS-001 reads site.toml.
    pub backups: Option<std::sync::Arc<crate::publish::record::Measured>>,
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
    sanctions: std::sync::Arc<[Sanction]>,
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
                ids.sort_by_key(|id| strsim::levenshtein(id, rule));
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
                    sanctions: engine.sanctions(r).into(),
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
                    sanctions: std::sync::Arc::from([]),
                    requirement: None,
                    advice: Some(advice),
                };
                (id.to_string(), meta)
            }))
            .collect();
        Ok(engine)
    }

    /// A finding of `rule` made outside a check (a failed backup of
    /// `laman publish`), with the rule's severity and basis.
    pub fn finding(&self, rule: &'static str, at: Location, finding: RuleFinding) -> Diagnostic {
        self.finish(Unfinished {
            rule,
            at,
            finding,
            severity: None,
        })
    }

    /// The basis and sanctions of `rule` under the regency's profile (the
    /// periodic report cites OPS-003's own), if the rule is known.
    pub fn duty(&self, rule: &str) -> Option<(&[Citation], &[Sanction])> {
        self.meta
            .get(rule)
            .map(|m| (&m.basis[..], &m.sanctions[..]))
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
            d.sanctions = m.sanctions.clone();
        }
        d
    }

    /// The basis of a rule under this profile (spec/legal-audit.md §2 item
    /// 13): the profile's own regulation first, then its province's (only
    /// as the catalogue marks it) and national law. Another regency's
    /// regulation, or another province's, is never shown. When the own
    /// regulation has no article for the rule, the first citation says so
    /// ("kebijakan Diskominfo; tidak ada pasal dalam …").
    fn basis(&self, rule: &catalogue::Rule) -> Vec<Citation> {
        let own = self
            .catalogue
            .profiles
            .get(self.config.region.profile.info().code);
        let own_reg = own.map(|p| p.regulation.as_str());
        let own_province = own.and_then(|p| p.province.as_deref());
        let name_of = |id: &str| {
            self.catalogue
                .sources
                .get(id)
                .map(|s| short_title(&s.title))
                .unwrap_or_else(|| id.to_string())
        };
        let binds = |source: &str| {
            if Some(source) == own_reg {
                return true;
            }
            if self
                .catalogue
                .profiles
                .values()
                .any(|p| p.regulation == source)
            {
                return false;
            }
            match self
                .catalogue
                .sources
                .get(source)
                .and_then(|s| s.province.as_deref())
            {
                Some(province) => Some(province) == own_province,
                None => true,
            }
        };
        let mut out: Vec<Citation> = rule
            .basis
            .iter()
            .filter(|d| binds(&d.source))
            .map(|d| Citation {
                source: d.source.clone(),
                name: name_of(&d.source),
                article: d.article.clone(),
                verification: d.verification,
                nature: d.nature,
            })
            .collect();
        out.sort_by_key(|c| Some(c.source.as_str()) != own_reg);
        // Context, a provincial model or a duty of Diskominfo is no article
        // that puts the duty on the agency.
        let own_duty = |c: &Citation| {
            Some(c.source.as_str()) == own_reg
                && !matches!(
                    c.nature,
                    Some(Nature::Context | Nature::DinasDuty | Nature::Model)
                )
        };
        match own_reg {
            Some(reg) if !out.iter().any(own_duty) => {
                out.insert(0, Citation::no_article(reg, &name_of(reg)));
            }
            None if out.is_empty() => out.push(Citation::no_article("", "")),
            _ => {}
        }
        out
    }

    /// The sanctions the profile's own regulation attaches to the duties
    /// of a rule (the `sanksi` of its own-regulation basis), each once.
    /// Another regency's sanctions are never shown; `nasional` has none.
    fn sanctions(&self, rule: &catalogue::Rule) -> Vec<Sanction> {
        let Some(own) = self
            .catalogue
            .profiles
            .get(self.config.region.profile.info().code)
            .map(|p| p.regulation.as_str())
        else {
            return Vec::new();
        };
        let mut seen = std::collections::BTreeSet::new();
        rule.basis
            .iter()
            .filter(|d| d.source == own)
            .filter_map(|d| {
                let id = d.sanction.as_deref()?;
                let s = self.catalogue.sanctions.get(id)?;
                seen.insert(id).then(|| Sanction {
                    source: s.source.clone(),
                    name: self
                        .catalogue
                        .sources
                        .get(&s.source)
                        .map(|x| short_title(&x.title))
                        .unwrap_or_else(|| s.source.clone()),
                    article: s.article.clone(),
                    breach: d.article.clone(),
                    kinds: s.kinds.clone(),
                    by: s.by.clone(),
                })
            })
            .collect()
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
        let mut found = self.check_page_data(site, page, body, opts);
        found.append(&mut self.check_page_text(page, &page.text));
        found
    }

    /// `check_page` in two halves, for a build that frees each page's text
    /// once it is read (`content::ContentTree::take_sources`): the checks of
    /// the text itself (`text`, the page's whole file) run first, the
    /// checks of its data and body later; `check_page` is the second's
    /// findings, then the first's.
    pub fn check_page_text(&self, page: &SourcePage, text: &str) -> Vec<Diagnostic> {
        let mut found = Findings::default();
        scan::page(page, text, &mut found);
        self.finish_all(found)
    }

    /// The other half of `check_page` (see [`Engine::check_page_text`]).
    pub fn check_page_data(
        &self,
        site: &Site,
        page: &SourcePage,
        body: &Rendered,
        opts: &RuleOptions,
    ) -> Vec<Diagnostic> {
        let mut found = Findings::default();
        pages::check(self, site, page, body, opts, &mut found);
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

    /// Rules across sites: the regency domain, the decrees of the
    /// `[[subdomain]]` hosts on `today`, one site per agency.
    pub fn check_regency(&self, sites: &[&Site], today: NaiveDate) -> Vec<Diagnostic> {
        let mut found = Findings::default();
        site::regency(self, sites, today, &mut found);
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
        p.jenis() == crate::content::kinds::Kind::InformasiSertaMerta || p.common.darurat
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

    /// The basis of `rule` as a finding under `profile` shows it (Indonesian).
    fn shown(profile: &str, rule: &str) -> Vec<String> {
        shown_by(&engine(profile), rule)
    }

    fn engine(profile: &str) -> Engine {
        let text =
            format!("[region]\nname = \"K\"\ndomain = \"k.go.id\"\nprofile = \"{profile}\"\n");
        let cfg = crate::config::parse(&text, Path::new("laman.toml")).expect("config");
        Engine::new(&cfg).expect("engine")
    }

    fn shown_by(engine: &Engine, rule: &str) -> Vec<String> {
        engine.meta[rule]
            .basis
            .iter()
            .map(|c| crate::text::Localize::text(c, crate::diagnostic::Lang::Id))
            .collect()
    }

    const CJR: &str = "Peraturan Bupati Cianjur Nomor 25 Tahun 2018";
    const PND: &str = "Peraturan Bupati Pangandaran Nomor 47 Tahun 2017";
    const PWK: &str = "Peraturan Daerah Kabupaten Purwakarta Nomor 2 Tahun 2022";
    const LPK: &str = "Peraturan Bupati Lima Puluh Kota Nomor 47 Tahun 2018";
    const BGR: &str = "Peraturan Bupati Bogor Nomor 11 Tahun 2015";
    const REGENCIES: [(&str, &str); 5] = [
        ("cianjur", CJR),
        ("pangandaran", PND),
        ("purwakarta", PWK),
        ("limapuluhkota", LPK),
        ("bogor", BGR),
    ];

    /// The regional citations (and the own regulation's silence) of `rule`.
    fn regional(profile: &str, rule: &str) -> Vec<String> {
        shown(profile, rule)
            .into_iter()
            .filter(|c| {
                c.starts_with("Peraturan Bupati")
                    || c.starts_with("Peraturan Daerah")
                    || c.starts_with("kebijakan Diskominfo")
            })
            .collect()
    }

    #[test]
    fn no_finding_cites_another_regency_or_province() {
        let catalogue = Catalogue::shipped();
        for (profile, own) in REGENCIES {
            let engine = engine(profile);
            for rule in catalogue.rules.keys() {
                for c in shown_by(&engine, rule) {
                    for (_, other) in REGENCIES.iter().filter(|(_, o)| *o != own) {
                        assert!(!c.contains(other), "{profile} {rule}: {c}");
                    }
                    if profile == "limapuluhkota" {
                        assert!(!c.contains("Jawa Barat"), "{rule}: {c}");
                    }
                }
            }
            for rule in catalogue.rules.keys() {
                let first = &shown_by(&engine, rule)[0];
                assert!(
                    first.contains(own),
                    "{profile} {rule}: the own regulation (or its silence) comes first, got {first}"
                );
            }
        }
        let nasional = engine("nasional");
        for rule in catalogue.rules.keys() {
            for c in shown_by(&nasional, rule) {
                for (_, reg) in REGENCIES {
                    assert!(!c.contains(reg), "nasional {rule}: {c}");
                }
                assert!(!c.contains("Jawa Barat"), "nasional {rule}: {c}");
            }
        }
    }

    #[test]
    fn a_rule_without_an_own_article_says_so_and_keeps_national_law() {
        // The audit's observed foreign citations (§0, §2 item 13).
        for profile in ["cianjur", "pangandaran", "purwakarta", "bogor"] {
            let own = REGENCIES
                .iter()
                .find(|(p, _)| *p == profile)
                .expect("a regency")
                .1;
            assert_eq!(
                shown(profile, "SITUS-001"),
                vec![format!("kebijakan Diskominfo; tidak ada pasal dalam {own}")]
            );
        }
        assert_eq!(
            shown("nasional", "SITUS-001"),
            vec!["kebijakan Diskominfo; tanpa dasar peraturan daerah".to_string()]
        );
        // National law stays when the own regulation is silent.
        let aduan = shown("bogor", "ADUAN-001");
        assert_eq!(
            aduan[0],
            format!("kebijakan Diskominfo; tidak ada pasal dalam {BGR}")
        );
        assert!(aduan.iter().any(|c| c.starts_with("Undang-Undang Nomor 25 Tahun 2009 Pasal 23 ayat (3) huruf e; 36 (belum diverifikasi)")), "{aduan:?}");
        // An R basis is never shown as certain.
        let engine_text = shown("cianjur", "PRIVASI-002");
        assert!(
            engine_text.contains(
                &"Undang-Undang Nomor 14 Tahun 2008 Pasal 17 huruf h (belum diverifikasi)"
                    .to_string()
            ),
            "{engine_text:?}"
        );
        assert_eq!(
            shown("limapuluhkota", "SITUS-001"),
            vec![format!("{LPK} Pasal 8 ayat (2) huruf a jo. 19 ayat (1)")]
        );
    }

    #[test]
    fn section_2_corrections_per_rule_and_profile() {
        let no = |own: &str| format!("kebijakan Diskominfo; tidak ada pasal dalam {own}");
        let cases: Vec<(&str, &str, Vec<String>)> = vec![
            // 1 KONTEN-007: not 15(3)/14(3); the closest is 15(5)/14(5), indirect.
            ("cianjur", "KONTEN-007", vec![format!("{CJR} Pasal 15 ayat (5) (tidak langsung)")]),
            ("limapuluhkota", "KONTEN-007", vec![format!("{LPK} Pasal 14 ayat (5) (tidak langsung)")]),
            ("bogor", "KONTEN-007", vec![no(BGR)]),
            // 2 DOMAIN-002: the domain is fixed by ayat (2).
            ("pangandaran", "DOMAIN-002", vec![format!("{PND} Pasal 11 ayat (2) dan (5)")]),
            ("bogor", "DOMAIN-002", vec![format!("{BGR} Pasal 10 ayat (2) dan (5)")]),
            ("cianjur", "DOMAIN-002", vec![format!("{CJR} Pasal 15 ayat (5)")]),
            ("limapuluhkota", "DOMAIN-002", vec![format!("{LPK} Pasal 14 ayat (5)")]),
            ("purwakarta", "DOMAIN-002", vec![no(PWK)]),
            // 3 DOMAIN-005: authority clauses are indirect; Bogor 8b jo. 7(2).
            ("cianjur", "DOMAIN-005", vec![format!("{CJR} Pasal 15 ayat (1) (tidak langsung)")]),
            ("limapuluhkota", "DOMAIN-005", vec![format!("{LPK} Pasal 14 ayat (1) (tidak langsung)")]),
            ("bogor", "DOMAIN-005", vec![format!("{BGR} Pasal 8 huruf b jo. 7 ayat (2)")]),
            // 4 OPS-001: off-site backup is Diskominfo's duty in CJR/PND/BGR.
            ("cianjur", "OPS-001", vec![format!("{CJR} Pasal 13 ayat (9)"), format!("{CJR} Pasal 16 ayat (3) (kewajiban Diskominfo)")]),
            ("pangandaran", "OPS-001", vec![no(PND), format!("{PND} Pasal 23 ayat (2)-(3) (kewajiban Diskominfo)")]),
            ("bogor", "OPS-001", vec![no(BGR), format!("{BGR} Pasal 22 ayat (2)-(3) (kewajiban Diskominfo)")]),
            ("purwakarta", "OPS-001", vec![format!("{PWK} Pasal 22 ayat (1)-(3)")]),
            // 5 ADUAN-001 / KONTEN-008 / ADUAN-003: a link to the regency's service.
            ("cianjur", "ADUAN-001", vec![format!("{CJR} Pasal 13 ayat (3) huruf h (tidak langsung)")]),
            ("cianjur", "KONTEN-008", vec![format!("{CJR} Pasal 13 ayat (3) huruf i (tidak langsung)")]),
            ("cianjur", "ADUAN-003", vec![format!("{CJR} Pasal 13 ayat (3) huruf j (tidak langsung)")]),
            // 6 AMAN-001: not the purpose article 22.
            ("pangandaran", "AMAN-001", vec![format!("{PND} Pasal 10 ayat (2) jo. 6 ayat (4)")]),
            // 7 AMAN-002: each regency's own article.
            ("pangandaran", "AMAN-002", vec![format!("{PND} Pasal 10 ayat (2)"), format!("{PND} Pasal 6 ayat (4) (kewajiban Diskominfo)")]),
            ("bogor", "AMAN-002", vec![format!("{BGR} Pasal 9 ayat (2)")]),
            ("cianjur", "AMAN-002", vec![format!("{CJR} Pasal 13 ayat (7)")]),
            ("limapuluhkota", "AMAN-002", vec![format!("{LPK} Pasal 8 ayat (2) huruf b; 11 ayat (3)")]),
            // 8 DOMAIN-006: 16(7) is Diskominfo's outsourcing; PWK 21(1), 20 is "dapat".
            ("cianjur", "DOMAIN-006", vec![format!("{CJR} Pasal 15 ayat (6)"), format!("{CJR} Pasal 16 ayat (7) (kewajiban Diskominfo)")]),
            ("purwakarta", "DOMAIN-006", vec![format!("{PWK} Pasal 21 ayat (1)"), format!("{PWK} Pasal 20 ayat (1)-(5) (tidak langsung)")]),
            // 9 PRIVASI-002.
            ("purwakarta", "PRIVASI-002", vec![format!("{PWK} Pasal 9 ayat (2); 10 ayat (3) huruf a-b")]),
            // MUTAKHIR-004: the letter of 10(3) is not certain (OCR), the ayat is.
            ("purwakarta", "MUTAKHIR-004", vec![format!("{PWK} Pasal 9 ayat (2); 10 ayat (3)")]),
            // 10 OPS-003: PWK 29 is context; the agency has no reporting duty there.
            ("purwakarta", "OPS-003", vec![no(PWK), format!("{PWK} Pasal 29 (konteks, bukan kewajiban perangkat daerah)")]),
            // 11 DOMAIN-008: analogy.
            ("limapuluhkota", "DOMAIN-008", vec![format!("{LPK} Pasal 13 ayat (6) jo. 19 ayat (1) (analogi)")]),
            // 12 DOMAIN-004: implied.
            ("pangandaran", "DOMAIN-004", vec![format!("{PND} Pasal 11 ayat (2)-(3) (tersirat)")]),
            ("bogor", "DOMAIN-004", vec![format!("{BGR} Pasal 10 ayat (2)-(3) (tersirat)")]),
            // 13 engine fallback: own article or silence.
            ("purwakarta", "MUTAKHIR-002", vec![format!("{PWK} Pasal 9 ayat (2); 10 ayat (1)")]),
            ("bogor", "MUTAKHIR-004", vec![no(BGR)]),
            ("cianjur", "AMAN-002", vec![format!("{CJR} Pasal 13 ayat (7)")]),
            ("purwakarta", "META-002", vec![format!("{PWK} Pasal 9 ayat (3)")]),
            ("cianjur", "META-002", vec![no(CJR)]),
            // 14 DOMAIN-003: Perda Jabar is a non-binding model, in Jawa Barat only.
            ("pangandaran", "DOMAIN-003", vec![format!("{PND} Pasal 11 ayat (4)"), "Peraturan Daerah Provinsi Jawa Barat Nomor 4 Tahun 2021 Pasal 20 ayat (3)-(4) (model provinsi, tidak mengikat)".to_string()]),
            ("limapuluhkota", "DOMAIN-003", vec![no(LPK)]),
        ];
        for (profile, rule, want) in cases {
            assert_eq!(regional(profile, rule), want, "{profile} {rule}");
        }
    }

    /// The sanction text of `rule`'s finding under `profile` as the human
    /// output prints it (`= sanksi: …`), or `None` when it carries none.
    fn sanction_line(profile: &str, rule: &'static str) -> Option<String> {
        let d = engine(profile).finding(
            rule,
            Location::file("sites/dinkes/site.toml"),
            RuleFinding::NoReason,
        );
        let text = crate::report::human(&d, crate::diagnostic::Lang::Id);
        let line = text
            .lines()
            .find(|l| l.starts_with("  = sanksi: "))
            .map(str::to_string);
        assert_eq!(line.is_some(), !d.sanctions.is_empty(), "{text}");
        line
    }

    #[test]
    fn a_sanctioned_duty_shows_its_sanction_per_profile_and_another_does_not() {
        // (profile, sanctioned rule, words of its sanction, rule without one)
        let cases = [
            (
                "cianjur",
                "MUTAKHIR-001",
                format!(
                    "peringatan lisan atau peringatan tertulis berupa surat teguran oleh Bupati ({CJR} Pasal 20, atas Pasal 13 ayat (8))"
                ),
                "KONTEN-007", // 15(5) is indirect: no duty of the agency is breached
            ),
            (
                "limapuluhkota",
                "SITUS-001",
                format!(
                    "peringatan lisan atau peringatan tertulis berupa surat teguran oleh Bupati ({LPK} Pasal 19 ayat (1)-(2), atas Pasal 8 ayat (2) huruf a jo. 19 ayat (1))"
                ),
                "DOMAIN-001", // Pasal 14 is not in Pasal 19's list
            ),
            (
                "purwakarta",
                "OPS-001",
                format!(
                    "teguran lisan, teguran tertulis atau sanksi disiplin lainnya ({PWK} Pasal 22 ayat (3), atas Pasal 22 ayat (1)-(3))"
                ),
                "DOMAIN-001", // 19(2): the sanction of 19(3) covers ayat (1) only
            ),
            (
                "pangandaran",
                "OPS-003",
                format!(
                    "peneguran oleh SKPD pengelola TIK ({PND} Pasal 29 ayat (3), atas Pasal 29 ayat (1), (3))"
                ),
                "DOMAIN-003",
            ),
            (
                "bogor",
                "OPS-003",
                format!(
                    "peneguran oleh Dinas Komunikasi dan Informasi ({BGR} Pasal 27 ayat (3), atas Pasal 27 ayat (1), (3))"
                ),
                "DOMAIN-003",
            ),
        ];
        for (profile, sanctioned, words, plain) in cases {
            assert_eq!(
                sanction_line(profile, sanctioned),
                Some(format!("  = sanksi: {words}")),
                "{profile} {sanctioned}"
            );
            assert_eq!(sanction_line(profile, plain), None, "{profile} {plain}");
        }
        // Purwakarta's other sanctioned duties: testing (15(6)) and the website (19(3)).
        for rule in ["OPS-002", "KONTEN-001", "LAYANAN-001"] {
            assert!(sanction_line("purwakarta", rule).is_some(), "{rule}");
        }
        // In English, the kinds are English; the regulation stays as cited.
        let d = engine("cianjur").finding(
            "OPS-001",
            Location::file("sites/dinkes/site.toml"),
            RuleFinding::NoReason,
        );
        let en = crate::report::human(&d, crate::diagnostic::Lang::En);
        assert!(
            en.contains(&format!("  = sanction: oral warning or written warning (a letter of reprimand) by the Bupati ({CJR} Pasal 20, for Pasal 13 ayat (9))")),
            "{en}"
        );
    }

    #[test]
    fn no_finding_shows_another_regencys_sanction_and_nasional_shows_none() {
        let catalogue = Catalogue::shipped();
        for (profile, own) in REGENCIES {
            let engine = engine(profile);
            for rule in catalogue.rules.keys() {
                for s in engine.meta[rule.as_str()].sanctions.iter() {
                    assert_eq!(s.name, own, "{profile} {rule}");
                }
            }
        }
        let nasional = engine("nasional");
        assert!(nasional.meta.values().all(|m| m.sanctions.is_empty()));
    }

    #[test]
    fn situs_001_is_info_outside_lima_puluh_kota() {
        let catalogue = Catalogue::shipped();
        assert_eq!(catalogue.rules["SITUS-001"].level, catalogue::Level::Info);
        assert_eq!(
            catalogue.profiles["limapuluhkota"].overrides["SITUS-001"].severity,
            catalogue::Level::Error
        );
    }
}
