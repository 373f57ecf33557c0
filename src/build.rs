//! `laman build`: laman.toml + sites/*/site.toml → registry → content →
//! markdown → render → output (`public/<fqdn>/` + `public/sites.json`).
//!
//! Sites build in parallel (rayon), and so do the pages of a site. A site
//! with an error-level finding is not written: its previous output, if any,
//! is kept, so `public/` only ever holds complete, valid sites. Findings are
//! data in the report; `Err` means the build could not run at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rayon::prelude::*;
use tera::Context;

use crate::config::{self, RegencyConfig};
use crate::content::kinds::Jenis;
use crate::content::{self, ContentTree, LoadOptions};
use crate::diagnostic::{Diagnostic, Location, Severity, Tally};
use crate::error::Error;
use crate::markdown::Rendered;
use crate::output::{self, FileEntry, HostManifest, HostWriter, Manifest, OtherHost, Staging};
use crate::registry::{self, Site};
use crate::render::site::{Model, Planned, SiteOptions};
use crate::render::{Templates, Theme, extras};
use crate::rules::{Engine, PageHtml, RuleOptions, SiteInput};

/// What to build, and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Project root (holds laman.toml, sites/, themes/).
    pub root: PathBuf,
    /// Output folder (default `<root>/public`).
    pub out: PathBuf,
    /// Only these sites (folder names); empty = all. The others keep their previous output.
    pub only: Vec<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Base URL: `{host}` is replaced by each site's FQDN; without it, one
    /// site gets the URL as is and several get `URL/<fqdn>`. Default `https://{host}`.
    pub base_url: Option<String>,
    /// Build time (injected for reproducible tests).
    pub now: DateTime<Utc>,
    /// The date freshness rules measure from (default: the build time's day in the regency).
    pub today: Option<NaiveDate>,
    /// Pages changed since the last publish, for META-001.
    pub changed: Option<Vec<PathBuf>>,
    /// Write the output (`build`) or only check (`check`).
    pub mode: Mode,
    /// Run the content rules (off only to measure the build alone).
    pub rules: bool,
    /// The caller holds the [`output::OutLock`] of `out` already (publish
    /// holds it past the build); otherwise a writing build takes it.
    pub out_locked: bool,
}

/// Whether a run writes output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Build and write `public/`.
    Build,
    /// Render in memory and check; write nothing.
    Check,
}

impl BuildOptions {
    /// Defaults for a project at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            out: root.join("public"),
            root,
            only: Vec::new(),
            drafts: false,
            base_url: None,
            now: Utc::now(),
            today: None,
            changed: None,
            mode: Mode::Build,
            rules: true,
            out_locked: false,
        }
    }
}

/// What happened to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteStatus {
    /// Built and written.
    Built,
    /// Not written because of errors; the previous output was kept.
    FailedKeptPrevious,
    /// Not written because of errors; there was no previous output.
    Failed,
}

/// One site's result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SiteReport {
    /// Folder name.
    pub slug: String,
    /// Host, when known.
    pub host: Option<String>,
    /// Outcome.
    pub status: SiteStatus,
    /// Markdown pages loaded.
    pub pages: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Findings.
    pub diagnostics: Vec<Diagnostic>,
}

/// The whole build's result.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Release id of the written output.
    pub release: String,
    /// Output folder.
    pub out: PathBuf,
    /// Sites, sorted by slug.
    pub sites: Vec<SiteReport>,
    /// Findings not tied to a site (theme, laman.toml).
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// The date the rules measured from.
    pub today: NaiveDate,
    /// The regency profile the rules ran under.
    pub profile: crate::profile::Profile,
}

impl BuildReport {
    /// Every finding.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.sites.iter().flat_map(|s| s.diagnostics.iter()))
    }

    /// Counts by severity.
    pub fn tally(&self) -> Tally {
        Tally::of(self.all_diagnostics())
    }

    /// Whether any error-level finding remains.
    pub fn has_errors(&self) -> bool {
        self.all_diagnostics()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Builds the sites of the project at `opts.root`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let start = Instant::now();
    // One writer of the output at a time (a publish may be copying it).
    let _lock = match opts.mode {
        Mode::Build if !opts.out_locked => Some(output::OutLock::acquire(&opts.out, "build")?),
        _ => None,
    };
    let config = config::load(&opts.root)?;
    let registry = registry::discover(&opts.root, &config, &opts.only)?;
    let engine = Engine::new(&config).map_err(Error::Config)?;
    let today = opts
        .today
        .unwrap_or_else(|| opts.now.with_timezone(&config.region.offset()).date_naive());
    let mut global = registry.diagnostics.clone();
    if opts.rules {
        global.extend(engine.check_regency(&registry.sites.iter().collect::<Vec<_>>()));
    }
    let theme = Theme::load(&opts.root).map_err(|d| global.push(d)).ok();
    let previous = output::read_manifest(&opts.out);
    let staging = match opts.mode {
        Mode::Build => Staging::create(&opts.out)?,
        Mode::Check => Staging::dry(&opts.out),
    };
    let single = registry.sites.len() == 1;
    let rule_opts = RuleOptions {
        today,
        changed: opts.changed.clone(),
    };

    let outcomes: Vec<Result<(SiteReport, Vec<FileEntry>), Error>> = registry
        .sites
        .par_iter()
        .map(|site| {
            let base_url = site_base_url(opts.base_url.as_deref(), &site.fqdn, single);
            match &theme {
                Some(theme) => {
                    let ctx = SiteRun {
                        config: &config,
                        theme,
                        engine: opts.rules.then_some(&engine),
                        rule_opts: &rule_opts,
                        opts,
                        staging: &staging,
                    };
                    build_site(site, &ctx, base_url)
                }
                None => Ok((empty_report(site, Vec::new()), Vec::new())),
            }
        })
        .collect();

    let mut sites = Vec::new();
    let mut hosts = Vec::new();
    for outcome in outcomes {
        let (mut report, files) = outcome?;
        let host = report.host.clone().unwrap_or_default();
        let failed = theme.is_none() || report.diagnostics.iter().any(Diagnostic::is_input_error);
        if failed {
            staging.discard(&host)?;
            report.status = keep(&staging, &host, &report.slug, previous.as_ref(), &mut hosts)?;
            report.files = 0;
            report.bytes = 0;
        } else {
            hosts.push(HostManifest {
                host,
                site: report.slug.clone(),
                status: "built".into(),
                files,
            });
        }
        sites.push(report);
    }
    for broken in registry.broken {
        let status = match &broken.fqdn {
            Some(host) => keep(&staging, host, &broken.slug, previous.as_ref(), &mut hosts)?,
            None => SiteStatus::Failed,
        };
        sites.push(SiteReport {
            slug: broken.slug,
            host: broken.fqdn,
            status,
            pages: 0,
            files: 0,
            bytes: 0,
            elapsed: Duration::ZERO,
            diagnostics: broken.diagnostics,
        });
    }
    keep_unselected(opts, &staging, previous.as_ref(), &mut hosts)?;
    sites.sort_by(|a, b| a.slug.cmp(&b.slug));

    let manifest = Manifest::new(
        &opts.now.format("%Y%m%dT%H%M%SZ").to_string(),
        opts.now.to_rfc3339_opts(SecondsFormat::Secs, true),
        config.region.domain.clone(),
        hosts,
        other_hosts(&config),
    );
    staging.commit(&manifest)?;
    Ok(BuildReport {
        release: manifest.release,
        out: opts.out.clone(),
        sites,
        diagnostics: global,
        elapsed: start.elapsed(),
        today,
        profile: config.region.profile,
    })
}

/// What every site of a run shares.
struct SiteRun<'a> {
    config: &'a RegencyConfig,
    theme: &'a Theme,
    engine: Option<&'a Engine>,
    rule_opts: &'a RuleOptions,
    opts: &'a BuildOptions,
    staging: &'a Staging,
}

/// The base URL of a site under `pattern` (see `BuildOptions::base_url`).
pub fn site_base_url(pattern: Option<&str>, fqdn: &str, single: bool) -> String {
    match pattern {
        None => format!("https://{fqdn}"),
        Some(p) if p.contains("{host}") => {
            p.replace("{host}", fqdn).trim_end_matches('/').to_string()
        }
        Some(p) if single => p.trim_end_matches('/').to_string(),
        Some(p) => format!("{}/{fqdn}", p.trim_end_matches('/')),
    }
}

fn other_hosts(config: &RegencyConfig) -> Vec<OtherHost> {
    config
        .subdomains
        .iter()
        .map(|s| OtherHost {
            host: format!("{}.{}", s.name, config.region.domain),
            jenis: serde_json::to_value(s.jenis)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        })
        .collect()
}

fn keep(
    staging: &Staging,
    host: &str,
    slug: &str,
    previous: Option<&Manifest>,
    hosts: &mut Vec<HostManifest>,
) -> Result<SiteStatus, Error> {
    Ok(match staging.keep_previous(host, previous)? {
        Some(files) => {
            hosts.push(HostManifest {
                host: host.to_string(),
                site: slug.to_string(),
                status: "kept".into(),
                files,
            });
            SiteStatus::FailedKeptPrevious
        }
        None => SiteStatus::Failed,
    })
}

/// With `laman build SLUG…`, the other sites of the previous output stay.
fn keep_unselected(
    opts: &BuildOptions,
    staging: &Staging,
    previous: Option<&Manifest>,
    hosts: &mut Vec<HostManifest>,
) -> Result<(), Error> {
    let (false, Some(prev)) = (opts.only.is_empty(), previous) else {
        return Ok(());
    };
    for h in &prev.hosts {
        if hosts.iter().any(|x| x.host == h.host) || opts.only.contains(&h.site) {
            continue;
        }
        if let Some(files) = staging.keep_previous(&h.host, previous)? {
            hosts.push(HostManifest {
                host: h.host.clone(),
                site: h.site.clone(),
                status: "kept".into(),
                files,
            });
        }
    }
    Ok(())
}

fn empty_report(site: &Site, diagnostics: Vec<Diagnostic>) -> SiteReport {
    SiteReport {
        slug: site.slug.clone(),
        host: Some(site.fqdn.clone()),
        status: SiteStatus::Failed,
        pages: 0,
        files: 0,
        bytes: 0,
        elapsed: Duration::ZERO,
        diagnostics,
    }
}

fn build_site(
    site: &Site,
    run: &SiteRun<'_>,
    base_url: String,
) -> Result<(SiteReport, Vec<FileEntry>), Error> {
    let (config, theme, opts) = (run.config, run.theme, run.opts);
    let start = Instant::now();
    let tree = content::load(
        site,
        LoadOptions {
            drafts: opts.drafts,
        },
    );
    let mut diags = tree.diagnostics.clone();
    let templates = match theme.for_site(&site.dir, &site.shown) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return Ok((empty_report(site, diags), Vec::new()));
        }
    };
    let model = Model::new(
        site,
        config,
        &tree,
        SiteOptions {
            base_url,
            now: opts.now,
        },
    );
    diags.extend(model.diagnostics.iter().cloned());
    let (plan, duplicates) = model.plan();
    diags.extend(duplicates);
    let bodies = model.render_bodies();
    diags.extend(bodies.iter().flat_map(|b| b.diagnostics.iter().cloned()));

    let writer = run.staging.host(&site.fqdn);
    let scan = run.engine.is_some();
    let (mut files, mut html, render_diags) =
        write_planned(&model, &templates, &plan, &bodies, &writer, scan)?;
    diags.extend(render_diags);
    let (extra_files, extra_html, extra_diags) =
        write_extras(&model, &templates, &plan, &bodies, &writer, scan)?;
    files.extend(extra_files);
    html.extend(extra_html);
    diags.extend(extra_diags);
    files.extend(copy_assets(theme, &tree, &plan, &writer, &mut diags)?);
    if let Some(engine) = run.engine {
        let paths: std::collections::HashSet<String> =
            files.iter().map(|f| f.path.clone()).collect();
        let input = SiteInput {
            site,
            tree: &tree,
            bodies: &bodies,
            html: &html,
            files: &paths,
            base_path: &model.ctx.base_path,
        };
        diags.extend(engine.check_site(&input, run.rule_opts));
    }

    diags.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.column).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.column,
        ))
    });
    diags.dedup();
    let report = SiteReport {
        slug: site.slug.clone(),
        host: Some(site.fqdn.clone()),
        status: SiteStatus::Built,
        pages: tree.pages.len(),
        files: files.len(),
        bytes: files.iter().map(|f| f.size).sum(),
        elapsed: start.elapsed(),
        diagnostics: diags,
    };
    Ok((report, files))
}

/// Files written, facts of the HTML among them (when scanned), findings.
type Written = (Vec<FileEntry>, BTreeMap<String, PageHtml>, Vec<Diagnostic>);

fn write_planned(
    model: &Model<'_>,
    templates: &Templates<'_>,
    plan: &[(String, Planned)],
    bodies: &[Rendered],
    writer: &HostWriter,
    scan: bool,
) -> Result<Written, Error> {
    let home = model.home_ctx(bodies);
    type One = Result<
        (
            Option<FileEntry>,
            Option<(String, PageHtml)>,
            Vec<Diagnostic>,
        ),
        Error,
    >;
    let results: Vec<One> = plan
        .par_iter()
        .map(|(out, item)| {
            let mut diags = Vec::new();
            let (html, page) = match item {
                Planned::Page(i) => (
                    render_page(model, templates, *i, bodies, &mut diags),
                    Some(*i),
                ),
                Planned::Pager { section, number } => (
                    render_pager(
                        model, templates, *section, *number, bodies, &home, &mut diags,
                    ),
                    model.sections[*section].index,
                ),
                Planned::Alias { page, .. } => {
                    (render_alias(model, templates, *page, &mut diags), None)
                }
            };
            let Some(h) = html else {
                return Ok((None, None, diags));
            };
            let facts = (scan && !matches!(item, Planned::Alias { .. })).then(|| {
                let facts = crate::rules::html::scan(&h);
                (out.clone(), PageHtml { page, facts })
            });
            Ok((Some(writer.write(out, h.as_bytes())?), facts, diags))
        })
        .collect();
    let mut files = Vec::with_capacity(plan.len());
    let mut html = BTreeMap::new();
    let mut diags = Vec::new();
    for r in results {
        let (f, h, d) = r?;
        files.extend(f);
        html.extend(h);
        diags.extend(d);
    }
    Ok((files, html, diags))
}

pub(crate) fn base_context(model: &Model<'_>) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", &model.ctx);
    ctx.insert("lang", "id");
    ctx
}

pub(crate) fn template_at(p: &content::SourcePage) -> Location {
    match p.common.template {
        Some(_) => {
            let off = p.text[..p.body_offset].find("template").unwrap_or(0);
            Location::at_offset(&p.shown, &p.text, off)
        }
        None => Location::file(&p.shown),
    }
}

pub(crate) fn render_page(
    model: &Model<'_>,
    templates: &Templates<'_>,
    i: usize,
    bodies: &[Rendered],
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let p = &model.tree.pages[i];
    let mut ctx = base_context(model);
    ctx.insert("page", &model.page_ctx(i, &bodies[i], diags));
    let name = templates.choose(p.common.template.as_deref(), p.jenis(), false, false);
    templates
        .render(&name, &ctx, &template_at(p))
        .map_err(|d| diags.push(d))
        .ok()
}

pub(crate) fn render_pager(
    model: &Model<'_>,
    templates: &Templates<'_>,
    s: usize,
    number: usize,
    bodies: &[Rendered],
    home: &crate::render::context::HomeCtx,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let sec = &model.sections[s];
    let mut ctx = base_context(model);
    let (page, explicit, jenis, at) = match sec.index {
        Some(i) => {
            let p = &model.tree.pages[i];
            // List pages after the first repeat the section page: its data
            // links are reported once, from page 1.
            let mut sink = Vec::new();
            let page = model.page_ctx(i, &bodies[i], if number == 1 { diags } else { &mut sink });
            (
                page,
                p.common.template.as_deref(),
                p.jenis(),
                template_at(p),
            )
        }
        None => (
            model.bare_section_ctx(s),
            None,
            content::kinds::Jenis::Bagian,
            Location::file(model.site.shown.join("content").join(&sec.dir)),
        ),
    };
    ctx.insert("page", &page);
    ctx.insert("section", &model.section_ctx(s, number, bodies));
    let is_home = sec.dir.is_empty();
    if is_home {
        ctx.insert("home", home);
    }
    let name = templates.choose(explicit, jenis, true, is_home);
    templates
        .render(&name, &ctx, &at)
        .map_err(|d| diags.push(d))
        .ok()
}

pub(crate) fn render_alias(
    model: &Model<'_>,
    templates: &Templates<'_>,
    page: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let p = &model.tree.pages[page];
    let mut ctx = base_context(model);
    ctx.insert("target", &model.absolute(&model.links.url(&p.url_path)));
    templates
        .render("alias.html", &ctx, &Location::file(&p.shown))
        .map_err(|d| diags.push(d))
        .ok()
}

fn write_extras(
    model: &Model<'_>,
    templates: &Templates<'_>,
    plan: &[(String, Planned)],
    bodies: &[Rendered],
    writer: &HostWriter,
    scan: bool,
) -> Result<Written, Error> {
    let (outputs, html, diags) = render_extras(model, templates, plan, bodies, scan);
    let files = outputs
        .iter()
        .map(|(path, bytes)| writer.write(path, bytes))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok((files, html, diags))
}

/// Files generated for a site besides its pages (404, search, feeds, JSON
/// exports, `_headers`…), as (output path, bytes) in a fixed order, with
/// the facts of the HTML among them (when `scan`) and findings.
pub(crate) type Extras = (
    Vec<(String, Vec<u8>)>,
    BTreeMap<String, PageHtml>,
    Vec<Diagnostic>,
);

/// Renders the generated files of a site in memory (see [`Extras`]).
pub(crate) fn render_extras(
    model: &Model<'_>,
    templates: &Templates<'_>,
    plan: &[(String, Planned)],
    bodies: &[Rendered],
    scan: bool,
) -> Extras {
    let mut diags = Vec::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut html_facts = BTreeMap::new();
    let mut facts_of = |path: &str, h: &str| {
        if scan {
            let facts = crate::rules::html::scan(h);
            html_facts.insert(path.to_string(), PageHtml { page: None, facts });
        }
    };
    let theme_at = Location::file(Path::new(crate::render::THEME_DIR).join("templates"));
    let ctx = base_context(model);
    if let Ok(html) = templates
        .render("404.html", &ctx, &theme_at)
        .map_err(|d| diags.push(d))
    {
        facts_of("404.html", &html);
        files.push(("404.html".into(), html.into_bytes()));
    }
    let mut search_ctx = base_context(model);
    let mut search_page = model.bare_section_ctx(0);
    search_page.title = "Pencarian".to_string();
    search_page.jenis = Jenis::Halaman.as_str();
    search_page.jenis_label = Jenis::Halaman.label();
    search_page.url = model.ctx.urls.cari.clone();
    search_page.permalink = model.absolute(&search_page.url);
    search_page.breadcrumbs.truncate(1);
    search_ctx.insert("page", &search_page);
    if let Ok(html) = templates
        .render("cari.html", &search_ctx, &theme_at)
        .map_err(|d| diags.push(d))
    {
        facts_of("cari/index.html", &html);
        files.push(("cari/index.html".into(), html.into_bytes()));
    }
    files.push((
        "cari/indeks.json".into(),
        extras::search_index(model, bodies),
    ));
    if let Some(feed) = extras::atom(model, bodies) {
        files.push(("atom.xml".into(), feed.into_bytes()));
    }
    let urls = sitemap_urls(model, plan);
    files.push((
        "sitemap.xml".into(),
        extras::sitemap(model, &urls).into_bytes(),
    ));
    files.push(("robots.txt".into(), extras::robots(model).into_bytes()));
    files.push((
        ".well-known/security.txt".into(),
        extras::security_txt(model).into_bytes(),
    ));
    files.push(("_headers".into(), extras::headers(model).into_bytes()));
    files.push(("_redirects".into(), extras::redirects(model).into_bytes()));
    files.push(("layanan.json".into(), extras::layanan_json(model)));
    files.push(("dip.json".into(), extras::dip_json(model)));
    files.push(("kontak.json".into(), extras::kontak_json(model)));
    (files, html_facts, diags)
}

fn sitemap_urls(model: &Model<'_>, plan: &[(String, Planned)]) -> Vec<(String, Option<String>)> {
    let lastmod = |i: usize| {
        let c = &model.tree.pages[i].common;
        c.updated.or(c.date).map(|d| d.iso_day())
    };
    plan.iter()
        .filter_map(|(_, item)| match item {
            Planned::Page(i) => {
                Some((model.links.url(&model.tree.pages[*i].url_path), lastmod(*i)))
            }
            Planned::Pager { section, number: 1 } => {
                let sec = &model.sections[*section];
                Some((model.links.url(&sec.url_path), sec.index.and_then(lastmod)))
            }
            _ => None,
        })
        .collect()
}

fn copy_assets(
    theme: &Theme,
    tree: &ContentTree,
    plan: &[(String, Planned)],
    writer: &HostWriter,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<FileEntry>, Error> {
    // Site files override theme files of the same path.
    let mut chosen: std::collections::BTreeMap<&str, &Path> = std::collections::BTreeMap::new();
    for f in &theme.statics {
        chosen.insert(f.rel.as_str(), f.path.as_path());
    }
    for a in &tree.assets {
        if plan.iter().any(|(out, _)| out == &a.out) {
            diags.push(Diagnostic::new(
                Location::file(a.shown.clone()),
                crate::diagnostic::Message::DuplicateOutput {
                    output: a.out.clone(),
                    other: PathBuf::from("content/"),
                },
            ));
            continue;
        }
        chosen.insert(a.out.as_str(), a.src.as_path());
    }
    chosen
        .into_par_iter()
        .map(|(rel, src)| writer.copy(rel, src))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_patterns() {
        assert_eq!(site_base_url(None, "a.go.id", false), "https://a.go.id");
        assert_eq!(
            site_base_url(Some("http://{host}.localhost:1111/"), "a", false),
            "http://a.localhost:1111"
        );
        assert_eq!(
            site_base_url(Some("http://127.0.0.1:8000"), "a.go.id", true),
            "http://127.0.0.1:8000"
        );
        assert_eq!(
            site_base_url(Some("http://127.0.0.1:8000/"), "a.go.id", false),
            "http://127.0.0.1:8000/a.go.id"
        );
    }
}
