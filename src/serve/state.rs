//! The project held in memory for `laman serve`: the loaded configuration,
//! theme and rules, and for every site its content tree, rendered bodies,
//! output plan and rendered files. A change re-renders only what it
//! touches (see `docs/serve.md`): a page body → that page, the list page
//! that shows it and the home page; a page's front matter, a new or removed
//! page, site.toml or an asset → that site; a template or laman.toml →
//! everything.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use bytes::Bytes;
use chrono::{NaiveDate, Utc};
use rayon::prelude::*;

use crate::build;
use crate::config::{self, RegencyConfig};
use crate::content::{self, ContentTree, LoadOptions, SourcePage};
use crate::diagnostic::{Diagnostic, Location, Message, Tally};
use crate::markdown::{self, Rendered, SourceRef};
use crate::registry::{self, BrokenSite, Site};
use crate::render::pipeline::{self, Memory, ModelParts};
use crate::render::site::{Model, Planned, SiteOptions};
use crate::render::{Templates, Theme};
use crate::rules::{Engine, RuleOptions};

/// What a rebuild covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One page of one site (`rel` below content/).
    Page {
        /// Site folder name.
        site: String,
        /// Page path below content/.
        rel: String,
    },
    /// One whole site.
    Site(String),
    /// Every site (a template or laman.toml changed, or the first build).
    All,
}

impl crate::text::Localize for Scope {
    /// What a rebuild covered, as the preview's terminal says it.
    fn text(&self, lang: crate::diagnostic::Lang) -> String {
        use crate::diagnostic::Lang::{En, Id};
        match (self, lang) {
            (Scope::Page { site, rel }, _) => format!("{site}/content/{rel}"),
            (Scope::Site(s), Id) => format!("situs {s}"),
            (Scope::Site(s), En) => format!("site {s}"),
            (Scope::All, Id) => "semua situs".to_string(),
            (Scope::All, En) => "all sites".to_string(),
        }
    }
}

/// One rebuild's outcome, for the terminal.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// What was rebuilt.
    pub scope: Scope,
    /// Sites whose open tabs should reload (`None`: all).
    pub sites: Option<Vec<String>>,
    /// Pages rendered.
    pub rendered: usize,
    /// Wall time.
    pub elapsed: std::time::Duration,
    /// Errors that stop a site from being built (shown in the browser).
    pub errors: Vec<Diagnostic>,
    /// Rule findings of what was rebuilt (a page's own, or the site's tally).
    pub findings: Vec<Diagnostic>,
    /// Counts over every finding of what was rebuilt.
    pub tally: Tally,
}

/// One site in memory.
#[derive(Debug)]
pub struct SiteState {
    /// The agency (site.toml).
    pub site: Site,
    /// `http://<subdomain>.localhost:PORT`.
    pub base_url: String,
    tree: ContentTree,
    bodies: Vec<Rendered>,
    plan: Vec<(String, Planned)>,
    /// Output path → rendered bytes (pages and generated files).
    files: HashMap<String, Bytes>,
    /// Output path → source file (assets, served from disk).
    assets: HashMap<String, PathBuf>,
    /// Output path → the page it shows.
    page_of: HashMap<String, usize>,
    /// Findings of the site as a whole (and of its loading).
    site_diags: Vec<Diagnostic>,
    /// Per page: Markdown, rendering and page-rule findings.
    local: Vec<Vec<Diagnostic>>,
    /// Pages whose latest version could not be loaded (the last good one is kept).
    pending: BTreeMap<String, Diagnostic>,
    /// The generated files (search index, feed, sitemap…) are older than the pages.
    extras_stale: bool,
    /// The model's parts from the last site render.
    parts: Option<ModelParts>,
}

/// The whole project in memory.
#[derive(Debug)]
pub struct Project {
    root: PathBuf,
    only: Vec<String>,
    drafts: bool,
    port: u16,
    config: Option<RegencyConfig>,
    engine: Option<Engine>,
    theme: Option<Theme>,
    /// Problems not tied to one site (laman.toml, theme, registry).
    pub global: Vec<Diagnostic>,
    /// Sites by folder name.
    pub sites: BTreeMap<String, SiteState>,
    /// Sites whose folder or site.toml is broken.
    pub broken: Vec<BrokenSite>,
    today: NaiveDate,
}

/// What a request for a path of a site finds.
#[derive(Debug)]
pub enum Lookup {
    /// Rendered bytes.
    Bytes(Bytes),
    /// A file on disk.
    File(PathBuf),
    /// Nothing there.
    Missing,
}

impl Project {
    /// An empty project; call [`Project::rebuild_all`] to load it.
    pub fn new(root: &Path, only: Vec<String>, drafts: bool, port: u16) -> Project {
        Project {
            root: root.to_path_buf(),
            only,
            drafts,
            port,
            config: None,
            engine: None,
            theme: None,
            global: Vec::new(),
            sites: BTreeMap::new(),
            broken: Vec::new(),
            today: Utc::now().date_naive(),
        }
    }

    /// The site answering to a host's first label: its subdomain label or its folder name.
    pub fn site_for_label(&self, label: &str) -> Option<&SiteState> {
        self.sites
            .values()
            .find(|s| s.site.subdomain.as_str().eq_ignore_ascii_case(label))
            .or_else(|| self.sites.get(label))
    }

    /// Mutable form of [`Project::site_for_label`].
    pub fn site_for_label_mut(&mut self, label: &str) -> Option<&mut SiteState> {
        let slug = self.site_for_label(label)?.site.slug.clone();
        self.sites.get_mut(&slug)
    }

    /// Reloads laman.toml, the theme, the registry and renders every site.
    pub fn rebuild_all(&mut self) -> Rebuilt {
        let start = Instant::now();
        self.global.clear();
        self.broken.clear();
        let config = match config::load(&self.root) {
            Ok(c) => c,
            Err(e) => {
                self.global.push(error_diagnostic(&e, &self.root));
                // Keep the last good sites so the server still has something;
                // the error page covers them until laman.toml is fixed.
                return self.rebuilt(Scope::All, None, 0, start);
            }
        };
        self.today = Utc::now()
            .with_timezone(&config.region.offset())
            .date_naive();
        self.global
            .extend(crate::content::placeholder::in_toml_file(
                Path::new(config::FILE_NAME),
                &config.source,
                crate::diagnostic::FileKind::Regency,
            ));
        let registry = match registry::discover(&self.root, &config, &self.only) {
            Ok(r) => r,
            Err(e) => {
                self.global.push(error_diagnostic(&e, &self.root));
                return self.rebuilt(Scope::All, None, 0, start);
            }
        };
        self.engine = match Engine::new(&config) {
            Ok(e) => Some(e),
            Err(d) => {
                self.global.push(*d);
                None
            }
        };
        self.global.extend(registry.diagnostics.iter().cloned());
        if let Some(engine) = &self.engine {
            self.global.extend(
                engine.check_regency(&registry.sites.iter().collect::<Vec<_>>(), self.today),
            );
        }
        self.theme = Theme::load(&self.root)
            .map_err(|d| self.global.push(d))
            .ok();
        self.config = Some(config);
        self.broken = registry.broken;
        let port = self.port;
        let built: Vec<SiteState> = registry
            .sites
            .into_par_iter()
            .map(|site| {
                let base_url = preview_url(&site, port);
                self.render_site(site, base_url)
            })
            .collect();
        self.sites = built
            .into_iter()
            .map(|s| (s.site.slug.clone(), s))
            .collect();
        let rendered = self.sites.values().map(|s| s.plan.len()).sum();
        self.rebuilt(Scope::All, None, rendered, start)
    }

    /// Rediscovers one site (its site.toml may have changed) and renders it again.
    pub fn rebuild_site(&mut self, slug: &str) -> Rebuilt {
        let start = Instant::now();
        let Some(config) = &self.config else {
            return self.rebuild_all();
        };
        let registry = match registry::discover(&self.root, config, &[slug.to_string()]) {
            Ok(r) => r,
            // The folder went away or cannot be read: start over.
            Err(_) => return self.rebuild_all(),
        };
        self.broken.retain(|b| b.slug != slug);
        self.broken.extend(registry.broken);
        self.sites.remove(slug);
        let mut rendered = 0;
        for site in registry.sites {
            let base_url = preview_url(&site, self.port);
            let state = self.render_site(site, base_url);
            rendered += state.plan.len();
            self.sites.insert(state.site.slug.clone(), state);
        }
        self.rebuilt(
            Scope::Site(slug.to_string()),
            Some(vec![slug.to_string()]),
            rendered,
            start,
        )
    }

    /// Loads page `rel` of site `slug` again and re-renders what shows it.
    /// Falls back to the whole site when the page is new, gone, became a
    /// draft, or its front matter changed.
    pub fn rebuild_page(&mut self, slug: &str, rel: &str) -> Rebuilt {
        let start = Instant::now();
        let (Some(config), Some(theme)) = (&self.config, &self.theme) else {
            return self.rebuild_all();
        };
        let Some(state) = self.sites.get_mut(slug) else {
            return self.rebuild_site(slug);
        };
        // Without a complete last render (its templates failed) there is
        // nothing to patch: render the site again.
        if state.parts.is_none() || state.bodies.len() != state.tree.pages.len() {
            return self.rebuild_site(slug);
        }
        let Some(i) = state.tree.pages.iter().position(|p| p.rel == rel) else {
            return self.rebuild_site(slug);
        };
        if !state.site.dir.join("content").join(rel).is_file() {
            return self.rebuild_site(slug);
        }
        let opts = LoadOptions {
            drafts: self.drafts,
        };
        let page = match content::load_one(&state.site, rel, opts) {
            Ok(Some(p)) => p,
            Ok(None) => return self.rebuild_site(slug),
            Err(d) => {
                state.pending.insert(rel.to_string(), d);
                return self.rebuilt(
                    Scope::Page {
                        site: slug.to_string(),
                        rel: rel.to_string(),
                    },
                    Some(vec![slug.to_string()]),
                    0,
                    start,
                );
            }
        };
        state.pending.remove(rel);
        let old = &state.tree.pages[i];
        if old.text[..old.body_offset] != page.text[..page.body_offset] {
            return self.rebuild_site(slug);
        }
        let rule_opts = RuleOptions {
            today: self.today,
            changed: None,
        };
        let rendered =
            state.rerender_page(i, page, config, theme, self.engine.as_ref(), &rule_opts);
        self.rebuilt(
            Scope::Page {
                site: slug.to_string(),
                rel: rel.to_string(),
            },
            Some(vec![slug.to_string()]),
            rendered,
            start,
        )
    }

    /// Brings a site's generated files (search index, feed, sitemap…) up
    /// to date after page edits; called when one of them is requested.
    pub fn refresh_extras(&mut self, slug: &str) {
        let (Some(config), Some(theme)) = (&self.config, &self.theme) else {
            return;
        };
        if let Some(state) = self.sites.get_mut(slug)
            && state.extras_stale
        {
            state.render_extras(config, theme);
        }
    }

    /// Errors that keep site `slug` from being built (with the global ones).
    pub fn errors_of(&self, slug: &str) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .global
            .iter()
            .filter(|d| d.is_input_error())
            .cloned()
            .collect();
        if self.theme.is_none() && out.is_empty() {
            out.push(Diagnostic::new(
                Location::file(crate::render::THEME_DIR),
                Message::Unreadable {
                    detail: "theme".into(),
                },
            ));
        }
        if let Some(s) = self.sites.get(slug) {
            out.extend(s.errors());
        }
        if let Some(b) = self.broken.iter().find(|b| b.slug == slug) {
            out.extend(b.diagnostics.iter().cloned());
        }
        out
    }

    fn rebuilt(
        &self,
        scope: Scope,
        sites: Option<Vec<String>>,
        rendered: usize,
        start: Instant,
    ) -> Rebuilt {
        let slugs: Vec<&String> = match &sites {
            Some(s) => s.iter().collect(),
            None => self.sites.keys().collect(),
        };
        let mut errors: Vec<Diagnostic> = self
            .global
            .iter()
            .filter(|d| d.is_input_error())
            .cloned()
            .collect();
        let mut tally = Tally::default();
        for slug in &slugs {
            if let Some(s) = self.sites.get(*slug) {
                errors.extend(s.errors());
                let t = Tally::of(s.all_diagnostics());
                tally.errors += t.errors;
                tally.warnings += t.warnings;
                tally.infos += t.infos;
            }
            if let Some(b) = self.broken.iter().find(|b| &&b.slug == slug) {
                errors.extend(b.diagnostics.iter().cloned());
            }
        }
        if sites.is_none() {
            for b in &self.broken {
                if !slugs.contains(&&b.slug) {
                    errors.extend(b.diagnostics.iter().cloned());
                }
            }
        }
        let findings = match &scope {
            Scope::Page { site, rel } => self
                .sites
                .get(site)
                .map(|s| s.findings_of_rel(rel))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Rebuilt {
            tally,
            scope,
            sites,
            rendered,
            elapsed: start.elapsed(),
            errors,
            findings,
        }
    }

    /// Renders one site from disk.
    fn render_site(&self, site: Site, base_url: String) -> SiteState {
        let tree = content::load(
            &site,
            LoadOptions {
                drafts: self.drafts,
            },
        );
        let mut state = SiteState {
            site,
            base_url,
            tree,
            bodies: Vec::new(),
            plan: Vec::new(),
            files: HashMap::new(),
            assets: HashMap::new(),
            page_of: HashMap::new(),
            site_diags: Vec::new(),
            local: Vec::new(),
            pending: BTreeMap::new(),
            extras_stale: false,
            parts: None,
        };
        let (Some(config), Some(theme)) = (&self.config, &self.theme) else {
            return state;
        };
        let rule_opts = RuleOptions {
            today: self.today,
            changed: None,
        };
        state.render_all(pipeline::Run {
            config,
            theme,
            engine: self.engine.as_ref(),
            rule_opts: &rule_opts,
        });
        state
    }
}

impl SiteState {
    /// The rendered file or source file at `path` (`/`-separated, no leading slash).
    pub fn lookup(&self, path: &str) -> Lookup {
        if let Some(b) = self.files.get(path) {
            return Lookup::Bytes(b.clone());
        }
        if let Some(p) = self.assets.get(path) {
            return Lookup::File(p.clone());
        }
        Lookup::Missing
    }

    /// Whether `path` is one of the generated files that page edits make stale.
    pub fn is_stale_extra(&self, path: &str) -> bool {
        self.extras_stale
            && !path.ends_with(".html")
            && crate::render::site::GENERATED.contains(&path)
    }

    /// Errors that keep this site from being built.
    pub fn errors(&self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .all_diagnostics()
            .filter(|d| d.is_input_error())
            .cloned()
            .collect();
        out.dedup();
        out
    }

    /// Every finding of the site.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.site_diags
            .iter()
            .chain(self.local.iter().flatten())
            .chain(self.pending.values())
    }

    /// The findings shown over the page at output path `path` (`a/b/index.html`).
    pub fn findings_at(&self, path: &str) -> Vec<Diagnostic> {
        match self.page_of.get(path) {
            Some(&i) => self.findings_of_page(i),
            None => Vec::new(),
        }
    }

    fn findings_of_rel(&self, rel: &str) -> Vec<Diagnostic> {
        if let Some(d) = self.pending.get(rel) {
            return vec![d.clone()];
        }
        match self.tree.pages.iter().position(|p| p.rel == rel) {
            Some(i) => self.findings_of_page(i),
            None => Vec::new(),
        }
    }

    fn findings_of_page(&self, i: usize) -> Vec<Diagnostic> {
        let shown = &self.tree.pages[i].shown;
        let mut out: Vec<Diagnostic> = self
            .site_diags
            .iter()
            .filter(|d| &d.location.path == shown)
            .chain(self.local[i].iter())
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            (a.severity, a.location.line, a.code).cmp(&(b.severity, b.location.line, b.code))
        });
        out.dedup();
        out
    }

    fn model<'a>(&'a self, config: &'a RegencyConfig, templates: &Templates<'_>) -> Model<'a> {
        Model::new(
            &self.site,
            config,
            &self.tree,
            SiteOptions {
                base_url: self.base_url.clone(),
                now: Utc::now(),
            },
            templates.ids.clone(),
        )
    }

    /// Renders every page, the generated files and runs the rules.
    fn render_all(&mut self, run: pipeline::Run<'_>) {
        let sink = Memory::default();
        let opts = SiteOptions {
            base_url: self.base_url.clone(),
            now: Utc::now(),
        };
        let out = match pipeline::render_site(run, &self.site, &self.tree, opts, &sink) {
            Ok(out) => out,
            // The memory sink never fails; kept for the type's sake.
            Err(e) => {
                self.site_diags = vec![error_diagnostic(&e, Path::new(""))];
                return;
            }
        };
        let (files, assets) = sink.into_parts();
        self.parts = out.parts;
        self.site_diags = out.site_diags;
        self.local = out.local;
        self.bodies = out.bodies;
        self.plan = out.plan;
        self.files = files;
        self.assets = assets;
        self.page_of = out.page_of;
        self.extras_stale = false;
    }

    /// Replaces page `i` by `page` (same front matter) and re-renders its
    /// outputs, the list page of its section that shows it and the home
    /// page. Returns the number of files rendered.
    fn rerender_page(
        &mut self,
        i: usize,
        page: SourcePage,
        config: &RegencyConfig,
        theme: &Theme,
        engine: Option<&Engine>,
        rule_opts: &RuleOptions,
    ) -> usize {
        self.tree.pages[i] = page;
        let templates: Templates<'_> = match theme.for_site(&self.site) {
            Ok(t) => t,
            Err(d) => {
                self.local[i] = vec![d];
                return 0;
            }
        };
        let opts = SiteOptions {
            base_url: self.base_url.clone(),
            now: Utc::now(),
        };
        // The front matter is unchanged, so links, sections and the site
        // context of the last site render still hold.
        let model = match self.parts.take() {
            Some(parts) => parts.into_model(&self.site, config, &self.tree, opts),
            None => Model::new(&self.site, config, &self.tree, opts, templates.ids.clone()),
        };
        let p = &self.tree.pages[i];
        let body = markdown::render(
            SourceRef {
                shown: &p.shown,
                text: &p.text,
                body_offset: p.body_offset,
            },
            &model.links,
            &model.html,
        );
        let mut local = body.diagnostics.clone();
        if engine.is_some() {
            local.extend(content::placeholder::in_page(&p.shown, &p.text));
        }
        if let Some(engine) = engine {
            local.extend(engine.check_page(&self.site, p, &body, rule_opts));
        }
        self.bodies[i] = body;
        let bodies = &self.bodies;
        // The home page lists some pages of other sections (newest news,
        // services…); it is re-rendered when it links to this page now.
        let url = model.links.url(&p.url_path);
        let on_home = self
            .files
            .get("index.html")
            .and_then(|b| std::str::from_utf8(b).ok())
            .is_some_and(|h| h.contains(&format!("href=\"{url}\"")));
        let targets = super::affect::body_edit(
            &self.plan,
            &model.sections,
            i,
            &p.parent,
            p.is_section,
            on_home,
        );
        // Only the home page uses it, and it costs a summary of every page it lists.
        let needs_home = targets.iter().any(|&n| {
            matches!(
                self.plan[n].1,
                Planned::Pager {
                    section: 0,
                    number: 1
                }
            )
        });
        let home = if needs_home {
            model.home_ctx(bodies)
        } else {
            crate::render::context::HomeCtx {
                berita: Vec::new(),
                layanan: Vec::new(),
                halaman: Vec::new(),
            }
        };
        let rendered: Vec<(usize, Option<String>, Vec<Diagnostic>)> = targets
            .par_iter()
            .map(|&n| {
                let mut diags = Vec::new();
                let item = &self.plan[n].1;
                let html =
                    pipeline::render_item(&model, &templates, item, bodies, &home, &mut diags);
                (n, html, diags)
            })
            .collect();
        self.parts = Some(ModelParts::from(model));
        let count = rendered.len();
        for (n, html, diags) in rendered {
            local.extend(diags);
            let out = self.plan[n].0.clone();
            match html {
                Some(h) => {
                    self.files.insert(out, Bytes::from(h));
                }
                None => {
                    self.files.remove(&out);
                }
            }
        }
        local.dedup();
        self.local[i] = local;
        self.extras_stale = true;
        count
    }

    fn render_extras(&mut self, config: &RegencyConfig, theme: &Theme) {
        let Ok(templates) = theme.for_site(&self.site) else {
            return;
        };
        let model = self.model(config, &templates);
        let (extras, _, _) =
            pipeline::render_extras(&model, &templates, &self.plan, &self.bodies, false);
        drop(model);
        for (path, bytes) in extras {
            self.files.insert(path, Bytes::from(bytes));
        }
        self.extras_stale = false;
    }
}

/// `http://<subdomain>.localhost:PORT`.
pub fn preview_url(site: &Site, port: u16) -> String {
    build::site_base_url(
        Some(&format!("http://{{host}}.localhost:{port}")),
        site.subdomain.as_str(),
        false,
    )
}

/// An `Error` that stopped loading, as a diagnostic for the error page.
fn error_diagnostic(e: &crate::Error, root: &Path) -> Diagnostic {
    match e {
        crate::Error::Config(d) => (**d).clone(),
        other => {
            let detail = other.to_string();
            let _ = root;
            Diagnostic::new(Location::file("laman.toml"), Message::Unreadable { detail })
        }
    }
}
