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
use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;

use crate::build;
use crate::config::{self, RegencyConfig};
use crate::content::{self, ContentTree, LoadOptions, SourcePage};
use crate::diagnostic::{Diagnostic, Location, Message, Tally};
use crate::markdown::Rendered;
use crate::publish::record::Measured;
use crate::registry::{self, BrokenSite, Site};
use crate::render::pipeline::{self, ModelParts, Pieces};
use crate::render::site::{Model, Planned, SiteOptions};
use crate::render::{Templates, Theme};
use crate::rules::{Engine, PageHtml, RuleOptions, SiteInput};

use super::affect::{self, Shows};
use super::packed::{Files, Packed};

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
    /// Counts over the regency's own findings (laman.toml, the theme, the
    /// register), which every rebuild covers once.
    pub regency: Tally,
    /// Wall time of the phases of a page rebuild, when `LAMAN_SERVE_LAPS`
    /// is set (else empty): for profiling.
    pub phases: Vec<(&'static str, std::time::Duration)>,
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
    /// Output path → rendered bytes (pages and generated files), deflated.
    files: Files,
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
    /// The findings by origin and the rules' view of the outputs.
    pieces: Pieces,
    /// What every output of `plan` shows (computed after a full render,
    /// then kept up to date by every page edit).
    shape: Option<Vec<(String, Shows)>>,
    /// A fixed build time (tests); `None`: the clock.
    now: Option<DateTime<Utc>>,
    /// The site rules have not run since the last page change.
    rules_stale: bool,
    /// Phases of the last page rebuild (`Rebuilt::phases`).
    phases: Vec<(&'static str, std::time::Duration)>,
    /// List pages whose bytes in `files` are older than the pages (a
    /// draft toggle shifts every list page after it by one): rendered by
    /// [`Project::refresh_rules`], which runs after the reload is sent and
    /// before any page is answered, so they are never served stale.
    deferred: std::collections::BTreeSet<String>,
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
    now: Option<DateTime<Utc>>,
    /// The last [`Project::measured_backups`] and the log stamp it was read at.
    backups: std::sync::Mutex<Option<(BackupStamp, Option<std::sync::Arc<Measured>>)>>,
}

type BackupStamp = Vec<Option<(u64, std::time::SystemTime)>>;

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
    /// The backups publish.log records (OPS-001), when laman.toml names
    /// destinations.
    /// Read again only when a log's size or time changed (a publish ran).
    fn measured_backups(&self) -> Option<std::sync::Arc<crate::publish::record::Measured>> {
        use crate::publish::record;
        let c = self.config.as_ref()?;
        let stamp = record::stamp(c.publish.as_ref(), &self.root);
        let mut cache = match self.backups.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((seen, m)) = cache.as_ref()
            && *seen == stamp
        {
            return m.clone();
        }
        let m = record::measured(c.publish.as_ref(), &self.root, c.region.offset())
            .map(std::sync::Arc::new);
        *cache = Some((stamp, m.clone()));
        m
    }

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
            now: None,
            backups: std::sync::Mutex::new(None),
        }
    }

    /// Renders with the build time `now` instead of the clock's (for tests
    /// that compare two renders byte for byte).
    pub fn with_clock(mut self, now: DateTime<Utc>) -> Project {
        self.now = Some(now);
        self
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
        self.today = self
            .now
            .unwrap_or_else(Utc::now)
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
        // laman.toml may name other destinations now.
        *self.backups.get_mut().unwrap_or_else(|p| p.into_inner()) = None;
        self.broken = registry.broken;
        let port = self.port;
        // Every site is rendered anew: the old ones go first, so the
        // preview never holds two renders of the regency at once (a
        // template edit at 50,000 pages would otherwise take twice the
        // memory, and keep it).
        self.sites.clear();
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

    /// Loads page `rel` of site `slug` again and re-renders what shows it:
    /// after a body edit, the page and the list pages that summarise it;
    /// after a front matter edit, or when the page is new, gone (removed,
    /// renamed, now a draft), the outputs that read it or whose list of
    /// pages changed ([`affect::front_matter_edit`]). Falls back to the
    /// whole site when there is no complete last render to patch.
    pub fn rebuild_page(&mut self, slug: &str, rel: &str) -> Rebuilt {
        let start = Instant::now();
        let backups = self.measured_backups();
        let mut laps = Laps::start();
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
        let at = state.tree.pages.iter().position(|p| p.rel == rel);
        let path = state.site.dir.join("content").join(rel);
        let opts = LoadOptions {
            drafts: self.drafts,
        };
        let scope = Scope::Page {
            site: slug.to_string(),
            rel: rel.to_string(),
        };
        let loaded = if path.is_file() {
            // A file walking content/ would not find (hidden, or a link)
            // is left to the whole site's load.
            if at.is_none() && !plain_file(&state.site.dir.join("content"), rel) {
                return self.rebuild_site(slug);
            }
            match content::load_one(&state.site, rel, opts) {
                Ok(p) => p,
                Err(d) => {
                    state.pending.insert(rel.to_string(), d);
                    return self.rebuilt(scope, Some(vec![slug.to_string()]), 0, start);
                }
            }
        } else {
            None
        };
        state.pending.remove(rel);
        let rule_opts = RuleOptions {
            today: self.today,
            changed: None,
            backups,
        };
        let run = pipeline::Run {
            config,
            theme,
            engine: self.engine.as_ref(),
            rule_opts: &rule_opts,
        };
        let edit = match (at, loaded) {
            (Some(i), Some(page)) => {
                let old = &state.tree.pages[i];
                if old.text[..old.body_offset] == page.text[..page.body_offset] {
                    let rendered = state.rerender_page(i, page, run);
                    return self.rebuilt(scope, Some(vec![slug.to_string()]), rendered, start);
                }
                Edit::Replace(i, Box::new(page))
            }
            (Some(i), None) => Edit::Remove(i),
            (None, Some(page)) => Edit::Insert(Box::new(page)),
            // A draft stays a draft, or a file that was never a page is gone.
            (None, None) => {
                state.forget_load_error(rel);
                return self.rebuilt(scope, Some(vec![slug.to_string()]), 0, start);
            }
        };
        laps.lap("load");
        let rendered = match state.restructure(edit, run) {
            Some(n) => n,
            None => return self.rebuild_site(slug),
        };
        laps.lap("restructure");
        let mut done = self.rebuilt(scope, Some(vec![slug.to_string()]), rendered, start);
        laps.lap("rebuilt");
        let inner = self
            .sites
            .get_mut(slug)
            .map(|s| std::mem::take(&mut s.phases))
            .unwrap_or_default();
        done.phases = laps.done("page");
        done.phases.extend(inner);
        done
    }

    /// Runs the site rules of site `slug` again if a page changed since
    /// they last ran (they are left off the edit → reload path: the
    /// watcher calls this right after sending the reload, and the overlay
    /// and the index before they answer).
    /// List pages deferred by a page edit are rendered first (their HTML
    /// facts are the rules' input).
    pub fn refresh_rules(&mut self, slug: &str) {
        self.render_deferred(slug);
        let backups = self.measured_backups();
        let engine = self.engine.as_ref();
        let today = self.today;
        if let Some(state) = self.sites.get_mut(slug)
            && state.rules_stale
        {
            if let Some(engine) = engine {
                let rule_opts = RuleOptions {
                    today,
                    changed: None,
                    backups,
                };
                state.rerun_site_rules(engine, &rule_opts);
            }
            state.assemble_site_diags();
            state.rules_stale = false;
        }
    }

    /// Renders the list pages of site `slug` that a page edit deferred
    /// ([`SiteState::deferred`]); returns how many.
    pub fn render_deferred(&mut self, slug: &str) -> usize {
        let (Some(config), Some(theme)) = (&self.config, &self.theme) else {
            return 0;
        };
        let scan = self.engine.is_some();
        match self.sites.get_mut(slug) {
            Some(state) => state.render_deferred(config, theme, scan),
            None => 0,
        }
    }

    /// Whether a site's findings (or some of its list pages) wait for
    /// [`Project::refresh_rules`].
    pub fn rules_stale(&self) -> bool {
        self.sites
            .values()
            .any(|s| s.rules_stale || !s.deferred.is_empty())
    }

    /// `done` with its findings and counts taken again after the list
    /// pages it deferred were rendered ([`Project::render_deferred`],
    /// counted with it, their time added) and the site rules of its sites
    /// ran ([`Project::refresh_rules`]).
    pub fn finish(&mut self, done: Rebuilt) -> Rebuilt {
        let slugs: Vec<String> = match &done.sites {
            Some(s) => s.clone(),
            None => self.sites.keys().cloned().collect(),
        };
        if !slugs.iter().any(|s| {
            self.sites
                .get(s)
                .is_some_and(|s| s.rules_stale || !s.deferred.is_empty())
        }) {
            return done;
        }
        // The deferred list pages count with the rebuild, and their time.
        let start = Instant::now();
        let deferred: usize = slugs.iter().map(|s| self.render_deferred(s)).sum();
        let later = start.elapsed();
        for s in &slugs {
            self.refresh_rules(s);
        }
        let mut again = self.rebuilt(
            done.scope,
            done.sites,
            done.rendered + deferred,
            Instant::now(),
        );
        again.elapsed = done.elapsed + later;
        again.phases = done.phases;
        again
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
            let scan = self.engine.is_some();
            state.render_extras(config, theme, scan);
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
        // Every finding counts, as in `laman build`: the rules' too, not
        // only the errors that stop a site.
        let mut tally = Tally::default();
        for slug in &slugs {
            if let Some(s) = self.sites.get(*slug) {
                errors.extend(s.errors());
                tally.add(Tally::of(s.all_diagnostics()));
            }
            if let Some(b) = self.broken.iter().find(|b| &&b.slug == slug) {
                errors.extend(b.diagnostics.iter().cloned());
                tally.add(Tally::of(&b.diagnostics));
            }
        }
        if sites.is_none() {
            for b in &self.broken {
                if !slugs.contains(&&b.slug) {
                    errors.extend(b.diagnostics.iter().cloned());
                    tally.add(Tally::of(&b.diagnostics));
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
            regency: Tally::of(&self.global),
            scope,
            sites,
            rendered,
            elapsed: start.elapsed(),
            errors,
            findings,
            phases: Vec::new(),
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
            files: Files::default(),
            assets: HashMap::new(),
            page_of: HashMap::new(),
            site_diags: Vec::new(),
            local: Vec::new(),
            pending: BTreeMap::new(),
            extras_stale: false,
            parts: None,
            pieces: Pieces::default(),
            shape: None,
            now: self.now,
            rules_stale: false,
            phases: Vec::new(),
            deferred: std::collections::BTreeSet::new(),
        };
        let (Some(config), Some(theme)) = (&self.config, &self.theme) else {
            return state;
        };
        let rule_opts = RuleOptions {
            today: self.today,
            changed: None,
            backups: self.measured_backups(),
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
            return Lookup::Bytes(b);
        }
        if let Some(p) = self.assets.get(path) {
            return Lookup::File(p.clone());
        }
        Lookup::Missing
    }

    /// Every rendered file by output path (static files are served from
    /// their source and not listed). List pages in [`SiteState::deferred`]
    /// still hold their last bytes: call [`Project::refresh_rules`] first.
    pub fn outputs(&self) -> BTreeMap<&str, Bytes> {
        self.files
            .paths()
            .filter_map(|p| Some((p, self.files.get(p)?)))
            .collect()
    }

    /// Bytes the rendered files hold in memory (deflated).
    pub fn held(&self) -> usize {
        self.files.held()
    }

    /// Output paths whose bytes wait for [`Project::render_deferred`].
    pub fn deferred(&self) -> &std::collections::BTreeSet<String> {
        &self.deferred
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
                now: self.clock(),
            },
            templates.ids.clone(),
        )
    }

    /// Renders every page, the generated files and runs the rules.
    fn render_all(&mut self, run: pipeline::Run<'_>) {
        let sink = super::packed::Sink::default();
        let opts = SiteOptions {
            base_url: self.base_url.clone(),
            now: self.clock(),
        };
        let out = match pipeline::render_site(run, &self.site, &self.tree, opts, &sink, None, None)
        {
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
        self.pieces = out.pieces;
        // What every output shows, for the next front matter edit.
        self.shape = match (&self.parts, run.theme.for_site(&self.site)) {
            (Some(parts), Ok(t)) => Some(affect::shape(
                &self.tree.pages,
                &parts.sections,
                &self.plan,
                t.reads_pages_total,
            )),
            _ => None,
        };
        self.rules_stale = false;
        self.extras_stale = false;
    }

    fn clock(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }

    /// Drops the load error of page `rel` kept from the site's load.
    fn forget_load_error(&mut self, rel: &str) {
        let shown = self.site.shown.join("content").join(rel);
        self.tree.diagnostics.retain(|d| d.location.path != shown);
        self.tree.unreadable.retain(|(p, _)| p != &shown);
    }

    /// Stores rendered outputs (from [`render_targets`]): their bytes,
    /// findings and HTML facts.
    fn store(&mut self, rendered: Vec<Rendition>) {
        for (n, html, facts, diags) in rendered {
            let out = &self.plan[n].0;
            if diags.is_empty() {
                self.pieces.out_diags.remove(out);
            } else {
                self.pieces.out_diags.insert(out.clone(), diags);
            }
            match facts {
                Some(f) => {
                    self.pieces.html_facts.insert(out.clone(), f);
                }
                None => {
                    self.pieces.html_facts.remove(out);
                }
            }
            match html {
                Some(h) => {
                    self.files.insert(out.clone(), h);
                }
                None => {
                    self.files.remove(out);
                }
            }
        }
    }

    /// The page whose findings the rendering of `item` belongs to.
    fn owner(&self, item: &Planned) -> Option<usize> {
        match item {
            Planned::Page(i) => Some(*i),
            Planned::Alias { page, .. } => Some(*page),
            Planned::Pager { section, .. } => self
                .parts
                .as_ref()
                .and_then(|p| p.sections.get(*section))
                .and_then(|s| s.index),
        }
    }

    /// Findings of pages `pages` again from their parts: the body's, the
    /// rendering of the outputs each owns (in plan order), blanks and page
    /// rules, in the order a full render gives them.
    fn assemble_local(&mut self, pages: &std::collections::BTreeSet<usize>, with_rules: bool) {
        if pages.is_empty() {
            return;
        }
        let mut owned: HashMap<usize, Vec<&str>> = HashMap::new();
        for (path, item) in &self.plan {
            if let Some(o) = self.owner(item)
                && pages.contains(&o)
            {
                owned.entry(o).or_default().push(path.as_str());
            }
        }
        let mut locals = Vec::new();
        for &i in pages {
            let p = &self.tree.pages[i];
            let mut local = self.bodies[i].diagnostics.clone();
            for out in owned.get(&i).into_iter().flatten() {
                if let Some(d) = self.pieces.out_diags.get(*out) {
                    local.extend(d.iter().cloned());
                }
            }
            if with_rules {
                local.extend(content::placeholder::in_page(&p.shown, &p.text));
            }
            if let Some(r) = self.pieces.page_rules.get(i) {
                local.extend(r.iter().cloned());
            }
            locals.push((i, local));
        }
        for (i, l) in locals {
            self.local[i] = l;
        }
    }

    /// The site's findings again from their parts (after a partial render).
    fn assemble_site_diags(&mut self) {
        let mut out = self.pieces.prelude.clone();
        for (path, item) in &self.plan {
            if self.owner(item).is_none()
                && let Some(d) = self.pieces.out_diags.get(path)
            {
                out.extend(d.iter().cloned());
            }
        }
        out.extend(self.pieces.extras.iter().cloned());
        out.extend(self.pieces.toml_blanks.iter().cloned());
        out.extend(self.pieces.site_rules.iter().cloned());
        self.site_diags = out;
    }

    /// Runs the site rules again over the kept facts of every output.
    fn rerun_site_rules(&mut self, engine: &Engine, rule_opts: &RuleOptions) {
        let base_path = self
            .parts
            .as_ref()
            .map(|p| p.ctx.base_path.clone())
            .unwrap_or_default();
        let input = SiteInput {
            site: &self.site,
            tree: &self.tree,
            bodies: &self.bodies,
            html: &self.pieces.html_facts,
            files: &self.pieces.paths,
            base_path: &base_path,
        };
        self.pieces.site_rules = engine.check_site_only(&input, rule_opts);
    }

    /// Replaces page `i` by `page` (same front matter) and re-renders its
    /// outputs, the list page of its section that shows it and the home
    /// page; its page rules, and the site rules. Returns the number of
    /// files rendered.
    fn rerender_page(&mut self, i: usize, page: SourcePage, run: pipeline::Run<'_>) -> usize {
        self.tree.pages[i] = page;
        let templates: Templates<'_> = match run.theme.for_site(&self.site) {
            Ok(t) => t,
            Err(d) => {
                self.local[i] = vec![d];
                return 0;
            }
        };
        let opts = SiteOptions {
            base_url: self.base_url.clone(),
            now: self.clock(),
        };
        // The front matter is unchanged, so links, sections and the site
        // context of the last site render still hold.
        let Some(parts) = self.parts.take() else {
            return 0;
        };
        let tree = std::mem::take(&mut self.tree);
        let model = parts.into_model(&self.site, run.config, &tree, opts);
        let p = &tree.pages[i];
        let body = model.render_body(i);
        if let Some(engine) = run.engine
            && let Some(r) = self.pieces.page_rules.get_mut(i)
        {
            *r = engine.check_page(&self.site, p, &body, run.rule_opts);
        }
        self.bodies[i] = packed(body);
        // The home page lists some pages of other sections (newest news,
        // services…); it is re-rendered when it links to this page now.
        let url = model.links.url(&p.url_path);
        let on_home = self.files.get("index.html").is_some_and(|b| {
            std::str::from_utf8(&b).is_ok_and(|h| h.contains(&format!("href=\"{url}\"")))
        });
        let targets = affect::body_edit(
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
            let h = model.home_ctx(&self.bodies);
            self.pieces.home = Some(h.clone());
            h
        } else {
            empty_home()
        };
        let scan = run.engine.is_some();
        let rendered = render_targets(
            &model,
            &templates,
            &self.plan,
            &self.bodies,
            &targets,
            &home,
            scan,
        );
        self.parts = Some(ModelParts::from(model));
        self.tree = tree;
        self.store(rendered);
        self.assemble_local(&[i].into_iter().collect(), scan);
        self.rules_stale = true;
        self.extras_stale = true;
        targets.len()
    }

    /// Applies `edit` to the tree and re-renders the outputs it affects
    /// (see [`affect::front_matter_edit`]): bodies that link to a page
    /// whose URL changed, the outputs that read the page or whose list of
    /// pages changed, all of them when the `site` context changed; page
    /// rules of the pages touched, the site rules. `None` when there is
    /// nothing to patch (the caller renders the site).
    fn restructure(&mut self, edit: Edit, run: pipeline::Run<'_>) -> Option<usize> {
        let edit = match edit {
            Edit::Replace(i, page) => match self.patch_front_matter(i, page, run) {
                Ok(n) => return Some(n),
                Err(page) => Edit::Replace(i, page),
            },
            other => match self.patch_membership(other, run) {
                Ok(n) => return Some(n),
                Err(edit) => edit,
            },
        };
        let mut laps = Laps::start();
        let templates: Templates<'_> = run.theme.for_site(&self.site).ok()?;
        laps.lap("templates");
        let old_parts = self.parts.take()?;
        let old_shape = match self.shape.take() {
            Some(s) => s,
            None => affect::shape(
                &self.tree.pages,
                &old_parts.sections,
                &self.plan,
                templates.reads_pages_total,
            ),
        };
        // A new version of a page at the same URL leaves the link map as it is.
        let same_links = matches!(&edit, Edit::Replace(i, page)
            if self.tree.pages[*i].url_path == page.url_path);
        let old_links: HashMap<String, String> = if same_links {
            HashMap::new()
        } else {
            crate::render::site::link_map(&self.tree)
                .into_iter()
                .collect()
        };
        let old_home = self.pieces.home.take();
        let old_ctx = serde_json::to_value(&old_parts.ctx).ok();
        laps.lap("old shape, links, ctx");

        // The tree after the edit; pages keep the order of `content::load`.
        let n_old = self.tree.pages.len();
        let mut touched: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut remap: Vec<Option<usize>> = (0..n_old).map(Some).collect();
        let edited = match edit {
            Edit::Replace(i, page) => {
                touched.insert(self.tree.pages[i].rel.clone());
                self.tree.pages[i] = *page;
                Some(i)
            }
            Edit::Remove(i) => {
                touched.insert(self.tree.pages[i].rel.clone());
                self.tree.pages.remove(i);
                self.bodies.remove(i);
                self.local.remove(i);
                if i < self.pieces.page_rules.len() {
                    self.pieces.page_rules.remove(i);
                }
                remap[i] = None;
                for r in remap.iter_mut().skip(i + 1) {
                    *r = r.map(|k| k - 1);
                }
                None
            }
            Edit::Insert(page) => {
                let i = self
                    .tree
                    .pages
                    .partition_point(|p| content::page_order(&p.rel, &page.rel).is_lt());
                self.tree.pages.insert(i, *page);
                self.bodies.insert(i, Rendered::default());
                self.local.insert(i, Vec::new());
                if run.engine.is_some() {
                    self.pieces.page_rules.insert(i, Vec::new());
                }
                for r in remap.iter_mut().skip(i) {
                    *r = r.map(|k| k + 1);
                }
                Some(i)
            }
        };
        if let Some(i) = edited {
            let rel = self.tree.pages[i].rel.clone();
            self.forget_load_error(&rel);
            touched.insert(rel);
        }
        self.tree.sections = content::sections_of(&self.tree.pages);
        if n_old != self.tree.pages.len() {
            for f in self.pieces.html_facts.values_mut() {
                f.page = f.page.and_then(|k| remap.get(k).copied().flatten());
            }
        }

        let opts = SiteOptions {
            base_url: self.base_url.clone(),
            now: self.clock(),
        };
        let tree = std::mem::take(&mut self.tree);
        laps.lap("tree");
        let model = Model::new(&self.site, run.config, &tree, opts, templates.ids.clone());
        laps.lap("model");
        let mut prelude = tree.diagnostics.clone();
        let (plan, statics) = pipeline::plan_outputs(run.theme, &model, &tree, &mut prelude);
        laps.lap("plan");

        // Bodies: the edited page's, and those of pages that may link to a
        // page whose URL changed (`@/` links, in the body or the data).
        let links_changed = !same_links
            && old_links
                != crate::render::site::link_map(&tree)
                    .into_iter()
                    .collect::<HashMap<_, _>>();
        let rebody: Vec<usize> = tree
            .pages
            .iter()
            .enumerate()
            .filter(|(k, p)| Some(*k) == edited || (links_changed && p.text.contains("@/")))
            .map(|(k, _)| k)
            .collect();
        let new_bodies: Vec<(usize, Rendered)> = rebody
            .par_iter()
            .map(|&k| (k, model.render_body(k)))
            .collect();
        laps.lap("bodies");
        for (k, body) in new_bodies {
            if let Some(engine) = run.engine
                && let Some(r) = self.pieces.page_rules.get_mut(k)
            {
                *r = engine.check_page(&self.site, &tree.pages[k], &body, run.rule_opts);
            }
            touched.insert(tree.pages[k].rel.clone());
            self.bodies[k] = packed(body);
        }

        laps.lap("page rules");
        let home = model.home_ctx(&self.bodies);
        laps.lap("home");
        let home_changed = old_home
            .as_ref()
            .map(serde_json::to_value)
            .and_then(Result::ok)
            != serde_json::to_value(&home).ok();
        let everything = old_ctx.is_none() || old_ctx != serde_json::to_value(&model.ctx).ok();
        laps.lap("compare home, ctx");
        let new_shape = affect::shape(
            &tree.pages,
            &model.sections,
            &plan,
            templates.reads_pages_total,
        );
        let touched_ref: std::collections::HashSet<&str> =
            touched.iter().map(String::as_str).collect();
        laps.lap("new shape");
        let (targets, gone) = affect::front_matter_edit(
            &old_shape,
            &new_shape,
            &touched_ref,
            home_changed,
            everything,
        );
        laps.lap("targets");
        let scan = run.engine.is_some();
        let rendered = render_targets(
            &model,
            &templates,
            &plan,
            &self.bodies,
            &targets,
            &home,
            scan,
        );
        laps.lap("render");
        // Outputs whose owner's findings change: those rendered, those gone.
        let mut owners = owners_of(&model, &plan, &rendered);
        for (_, shows) in old_shape.iter().filter(|(p, _)| gone.contains(p)) {
            let rel = match shows {
                Shows::Page { rel, .. } | Shows::Alias { rel } => Some(rel),
                Shows::Pager { index, .. } => index.as_ref(),
            };
            if let Some(k) = rel.and_then(|r| tree.pages.iter().position(|p| &p.rel == r)) {
                owners.insert(k);
            }
        }
        owners.extend(
            tree.pages
                .iter()
                .enumerate()
                .filter(|(_, p)| touched_ref.contains(p.rel.as_str()))
                .map(|(k, _)| k),
        );
        let statics: Vec<String> = statics.keys().map(|k| k.to_string()).collect();
        let extras = if everything {
            Some(pipeline::render_extras(
                &model,
                &templates,
                &plan,
                &self.bodies,
                scan,
            ))
        } else {
            None
        };
        self.page_of = plan
            .iter()
            .filter(|(_, item)| !matches!(item, Planned::Alias { .. }))
            .filter_map(|(path, item)| pipeline::owner_of(&model, item).map(|k| (path.clone(), k)))
            .collect();
        self.parts = Some(ModelParts::from(model));
        self.tree = tree;
        self.plan = plan;
        self.shape = Some(new_shape);
        self.pieces.home = Some(home);
        self.pieces.prelude = prelude;
        for path in &gone {
            self.files.remove(path);
            self.deferred.remove(path);
            self.pieces.out_diags.remove(path);
            self.pieces.html_facts.remove(path);
            self.pieces.paths.remove(path);
        }
        for p in self.plan.iter().map(|(p, _)| p).chain(&statics) {
            if !self.pieces.paths.contains(p) {
                self.pieces.paths.insert(p.clone());
            }
        }
        laps.lap("page_of, paths");
        let count = rendered.len();
        self.store(rendered);
        if let Some((files, facts, diags)) = extras {
            for (path, bytes) in files {
                self.files.insert(path, Packed::from(bytes));
            }
            self.pieces.html_facts.extend(facts);
            self.pieces.extras = diags;
        }
        self.extras_stale = true;
        self.assemble_local(&owners, scan);
        self.rules_stale = true;
        laps.lap("store, findings");
        self.phases = laps.done("general");
        Some(count)
    }

    /// A front matter edit of page `i` that keeps its path, URL, aliases
    /// and place in the tree (title, date, `updated`, weight, a kind's
    /// fields…), applied in place: the model's parts are patched (the
    /// page's place in its section's order, the `site` context, the lists
    /// of the `home` context it can be on), the plan stays, and only the
    /// list pages of its section are shaped again, so the work grows with
    /// that section's list pages and not with the site. Renders what
    /// [`affect::front_matter_edit`] would. `Err` gives the page back when
    /// the edit is not of that kind (the general path takes it).
    fn patch_front_matter(
        &mut self,
        i: usize,
        page: Box<SourcePage>,
        run: pipeline::Run<'_>,
    ) -> Result<usize, Box<SourcePage>> {
        let mut laps = Laps::start();
        let old = &self.tree.pages[i];
        let same_place = !old.is_section
            && !page.is_section
            && old.section_dir.is_none()
            && page.section_dir.is_none()
            && old.url_path == page.url_path
            && old.parent == page.parent
            && old.common.aliases == page.common.aliases;
        // Findings of the plan located in the page (an alias that clashes,
        // at its line) are left to the general path, which plans again.
        if !same_place
            || self.shape.is_none()
            || self.pieces.home.is_none()
            || self
                .pieces
                .prelude
                .iter()
                .any(|d| d.location.path == old.shown)
        {
            return Err(page);
        }
        let Ok(templates) = run.theme.for_site(&self.site) else {
            return Err(page);
        };
        let Some(s) = self.parts.as_ref().and_then(|p| {
            p.sections
                .iter()
                .position(|sec| sec.dir == old.parent && sec.pages.contains(&i))
        }) else {
            return Err(page);
        };
        let (Some(parts), Some(old_home)) = (self.parts.take(), self.pieces.home.take()) else {
            return Err(page);
        };
        use crate::content::kinds::Kind;
        let (was, is) = (old.jenis(), page.jenis());
        let redo = crate::render::site::HomeParts {
            berita: was == Kind::Berita || is == Kind::Berita,
            layanan: was == Kind::StandarPelayanan || is == Kind::StandarPelayanan,
            halaman: old.parent.is_empty(),
        };
        let rel = page.rel.clone();
        self.tree.pages[i] = *page;
        self.forget_load_error(&rel);
        laps.lap("check");

        let opts = SiteOptions {
            base_url: self.base_url.clone(),
            now: self.clock(),
        };
        let tree = std::mem::take(&mut self.tree);
        let old_ctx = serde_json::to_value(&parts.ctx).ok();
        let mut model = parts.into_model(&self.site, run.config, &tree, opts);
        model.reposition(s, i);
        model.refresh_ctx();
        let everything = old_ctx.is_none() || old_ctx != serde_json::to_value(&model.ctx).ok();
        laps.lap("model");
        let p = &tree.pages[i];
        let body = model.render_body(i);
        if let Some(engine) = run.engine
            && let Some(r) = self.pieces.page_rules.get_mut(i)
        {
            *r = engine.check_page(&self.site, p, &body, run.rule_opts);
        }
        self.bodies[i] = packed(body);
        laps.lap("body, page rules");
        let home = model.home_ctx_patched(&self.bodies, &old_home, redo);
        let home_changed = home != old_home;
        laps.lap("home");

        // Only the list pages of the page's section can show something
        // else; the page and its aliases read it.
        let touched: std::collections::HashSet<&str> = [rel.as_str()].into();
        let mut shaper =
            affect::Shaper::new(&tree.pages, &model.sections, templates.reads_pages_total);
        let mut targets = Vec::new();
        if let Some(shape) = self.shape.as_mut() {
            for (n, (_, item)) in self.plan.iter().enumerate() {
                let render = match item {
                    Planned::Page(k) | Planned::Alias { page: k, .. } => *k == i,
                    Planned::Pager { section, number } => {
                        let mut render = home_changed && *section == 0 && *number == 1;
                        if *section == s {
                            let shows = shaper.shows(item);
                            render |= shows != shape[n].1 || shows.reads(&touched);
                            shape[n].1 = shows;
                        }
                        render
                    }
                };
                if render || everything {
                    targets.push(n);
                }
            }
        }
        laps.lap("shapes");
        let scan = run.engine.is_some();
        let rendered = render_targets(
            &model,
            &templates,
            &self.plan,
            &self.bodies,
            &targets,
            &home,
            scan,
        );
        laps.lap("render");
        let mut owners = owners_of(&model, &self.plan, &rendered);
        owners.insert(i);
        let extras = everything
            .then(|| pipeline::render_extras(&model, &templates, &self.plan, &self.bodies, scan));
        self.parts = Some(ModelParts::from(model));
        self.tree = tree;
        self.pieces.home = Some(home);
        let count = rendered.len();
        self.store(rendered);
        if let Some((files, facts, diags)) = extras {
            for (path, bytes) in files {
                self.files.insert(path, Packed::from(bytes));
            }
            self.pieces.html_facts.extend(facts);
            self.pieces.extras = diags;
        }
        self.extras_stale = true;
        self.assemble_local(&owners, scan);
        self.rules_stale = true;
        laps.lap("store, findings");
        self.phases = laps.done("in place (front matter)");
        Ok(count)
    }

    /// A page that leaves the site (removed, now a draft) or enters it
    /// (new, no longer a draft) in a folder that stays a section, and is
    /// not a section page itself, applied in place like
    /// [`SiteState::patch_front_matter`]: the pages after it are
    /// renumbered in the plan, sections and findings, its output (and the
    /// last list page of its section, when their number changes) is
    /// dropped or planned, and only its section's list pages are shaped
    /// again. `Err` gives the edit back when it is not of that kind or the
    /// plan could clash (the general path plans again).
    fn patch_membership(&mut self, edit: Edit, run: pipeline::Run<'_>) -> Result<usize, Edit> {
        let mut laps = Laps::start();
        if self.shape.is_none()
            || self.parts.is_none()
            || self.pieces.home.is_none()
            || self
                .pieces
                .prelude
                .iter()
                .any(|d| matches!(*d.message, Message::DuplicateOutput { .. }))
        {
            return Err(edit);
        }
        let Ok(templates) = run.theme.for_site(&self.site) else {
            return Err(edit);
        };
        let reads_total = templates.reads_pages_total;
        let pages = &self.tree.pages;
        // The page, where it is (or goes) in the tree, and whether it enters.
        let (page, at, enters): (&SourcePage, usize, bool) = match &edit {
            Edit::Remove(i) => (&pages[*i], *i, false),
            Edit::Insert(p) => (
                p,
                pages.partition_point(|q| content::page_order(&q.rel, &p.rel).is_lt()),
                true,
            ),
            Edit::Replace(..) => return Err(edit),
        };
        let plain = !page.is_section
            && page.section_dir.is_none()
            && !page.common.aliases.iter().any(|a| !a.contains('?'))
            && !self
                .pieces
                .prelude
                .iter()
                .any(|d| d.location.path == page.shown);
        let Some(s) = self
            .parts
            .as_ref()
            .and_then(|p| p.sections.iter().position(|sec| sec.dir == page.parent))
        else {
            return Err(edit);
        };
        // Its folder stays a section: another page is in it or below it.
        let dir = &page.parent;
        let below = format!("{dir}/");
        let stays = dir.is_empty()
            || pages.iter().enumerate().any(|(k, q)| {
                let d = q.section_dir.as_deref().unwrap_or(&q.parent);
                (enters || k != at) && (d == dir || d.starts_with(&below))
            });
        if !plain || !stays {
            return Err(edit);
        }
        let sec = &self.parts.as_ref().map(|p| &p.sections[s]);
        let Some(sec) = sec else {
            return Err(edit);
        };
        // Where the page is (or was) in its section's order: the list page
        // holding that place is rendered at once, the ones after it later.
        let per = if sec.paginate_by == 0 || sec.dir.is_empty() {
            usize::MAX
        } else {
            sec.paginate_by
        };
        let old_pos = sec.pages.iter().position(|&k| k == at);
        let order_before = crate::render::site::sort_order(
            &sec.pages,
            pages,
            sec.index.and_then(|k| pages[k].common.sort_by),
        );
        let mut after = (*sec).clone();
        if enters {
            after.pages.push(usize::MAX);
        } else {
            after.pages.pop();
        }
        let (count_before, count_after) = (sec.pager_count(), after.pager_count());
        // New output paths must not meet another output, as a file or a folder.
        let out = crate::render::site::index_file(&page.url_path);
        let new_pager = (count_after > count_before)
            .then(|| crate::render::site::index_file(&after.pager_path(count_after)));
        let paths = &self.pieces.paths;
        let free = |path: &str| {
            !paths.contains(path)
                && !crate::render::site::is_generated(path)
                && !path
                    .match_indices('/')
                    .any(|(k, _)| paths.contains(&path[..k]))
                && !paths.iter().any(|p| {
                    p.len() > path.len() && p.starts_with(path) && p.as_bytes()[path.len()] == b'/'
                })
        };
        if enters && (!free(&out) || new_pager.as_deref().is_some_and(|p| !free(p))) {
            return Err(edit);
        }
        laps.lap("check");

        // The change, renumbering the pages after it.
        let rel = page.rel.clone();
        let url_path = page.url_path.clone();
        let Some(mut parts) = self.parts.take() else {
            return Err(edit);
        };
        let Some(old_home) = self.pieces.home.take() else {
            self.parts = Some(parts);
            return Err(edit);
        };
        use crate::content::kinds::Kind;
        let kind = page.jenis();
        let redo = crate::render::site::HomeParts {
            berita: kind == Kind::Berita,
            layanan: kind == Kind::StandarPelayanan,
            halaman: page.parent.is_empty(),
        };
        let shift = |k: usize| -> usize {
            match (enters, k >= at) {
                (true, true) => k + 1,
                (false, true) => k - 1,
                _ => k,
            }
        };
        let mut gone: Vec<String> = Vec::new();
        if enters {
            let Edit::Insert(p) = edit else {
                return Err(edit);
            };
            self.tree.pages.insert(at, *p);
            self.bodies.insert(at, Rendered::default());
            self.local.insert(at, Vec::new());
            if run.engine.is_some() {
                self.pieces.page_rules.insert(at, Vec::new());
            }
        } else {
            self.tree.pages.remove(at);
            self.bodies.remove(at);
            self.local.remove(at);
            if at < self.pieces.page_rules.len() {
                self.pieces.page_rules.remove(at);
            }
        }
        self.forget_load_error(&rel);
        let Some(shape) = self.shape.as_mut() else {
            return Err(Edit::Remove(at));
        };
        // The plan (and the shapes beside it): the page's output and the
        // last list page go or come; every other page is renumbered.
        let mut keep = Vec::with_capacity(self.plan.len());
        for (path, item) in &self.plan {
            let drop = match item {
                Planned::Page(k) | Planned::Alias { page: k, .. } => !enters && *k == at,
                Planned::Pager { section, number } => *section == s && *number > count_after,
            };
            if drop {
                gone.push(path.clone());
            }
            keep.push(!drop);
        }
        let mut flags = keep.iter();
        self.plan.retain(|_| flags.next().copied().unwrap_or(true));
        let mut flags = keep.iter();
        shape.retain(|_| flags.next().copied().unwrap_or(true));
        for (_, item) in self.plan.iter_mut() {
            match item {
                Planned::Page(k) | Planned::Alias { page: k, .. } => *k = shift(*k),
                Planned::Pager { .. } => {}
            }
        }
        for sec in parts.sections.iter_mut() {
            if !enters {
                sec.pages.retain(|&k| k != at);
            }
            for k in sec.pages.iter_mut() {
                *k = shift(*k);
            }
            sec.index = sec.index.map(shift);
        }
        self.page_of.retain(|_, k| enters || *k != at);
        for k in self.page_of.values_mut() {
            *k = shift(*k);
        }
        for f in self.pieces.html_facts.values_mut() {
            f.page = f.page.and_then(|k| (enters || k != at).then(|| shift(k)));
        }
        if enters {
            parts.links.insert(&rel, &url_path);
            let first_after = self
                .plan
                .iter()
                .position(|(_, item)| !matches!(item, Planned::Page(k) if *k < at))
                .unwrap_or(self.plan.len());
            self.plan
                .insert(first_after, (out.clone(), Planned::Page(at)));
            shape.insert(
                first_after,
                (out.clone(), affect::Shows::Alias { rel: String::new() }),
            );
            self.page_of.insert(out.clone(), at);
            self.pieces.paths.insert(out.clone());
            if let Some(path) = &new_pager {
                let last = self
                    .plan
                    .iter()
                    .rposition(
                        |(_, item)| matches!(item, Planned::Pager { section, .. } if *section == s),
                    )
                    .map_or(self.plan.len(), |n| n + 1);
                let item = Planned::Pager {
                    section: s,
                    number: count_after,
                };
                self.plan.insert(last, (path.clone(), item));
                shape.insert(
                    last,
                    (path.clone(), affect::Shows::Alias { rel: String::new() }),
                );
                if let Some(i) = parts.sections[s].index {
                    self.page_of.insert(path.clone(), i);
                }
                self.pieces.paths.insert(path.clone());
            }
        } else {
            parts.links.remove(&rel);
        }
        laps.lap("renumber");

        let opts = SiteOptions {
            base_url: self.base_url.clone(),
            now: self.clock(),
        };
        let tree = std::mem::take(&mut self.tree);
        let old_ctx = serde_json::to_value(&parts.ctx).ok();
        let old_menu = std::mem::take(&mut parts.diagnostics);
        let mut model = parts.into_model(&self.site, run.config, &tree, opts);
        if enters {
            // Its place in the section's order.
            model.sections[s].pages.push(at);
            model.reposition(s, at);
        } else {
            // The others keep their order, unless the page was the only one
            // without a weight.
            let zone = model.zone();
            let sort_by = model.sections[s]
                .index
                .and_then(|k| tree.pages[k].common.sort_by);
            let sec = &mut model.sections[s].pages;
            if crate::render::site::sort_order(sec, &tree.pages, sort_by) != order_before {
                crate::render::site::sort_pages(sec, &tree.pages, sort_by, zone);
            }
        }
        model.refresh_ctx();
        let everything = old_ctx.is_none() || old_ctx != serde_json::to_value(&model.ctx).ok();
        // The menu's findings (a link to the page) are part of the prelude.
        // They follow the load's findings there (`pipeline::plan_outputs`).
        let from = tree.diagnostics.len();
        if model.diagnostics != old_menu
            && self.pieces.prelude.get(from..from + old_menu.len()) == Some(&old_menu[..])
        {
            self.pieces.prelude.splice(
                from..from + old_menu.len(),
                model.diagnostics.iter().cloned(),
            );
        }
        laps.lap("model");

        // Bodies: the new page's, and those that may link to it.
        let mut touched: std::collections::HashSet<String> = [rel.clone()].into();
        let link = format!("@/{rel}");
        let rebody: Vec<usize> = tree
            .pages
            .par_iter()
            .enumerate()
            .filter(|(k, p)| (enters && *k == at) || may_link_to(&p.text, &link))
            .map(|(k, _)| k)
            .collect();
        let new_bodies: Vec<(usize, Rendered)> = rebody
            .par_iter()
            .map(|&k| (k, model.render_body(k)))
            .collect();
        for (k, body) in new_bodies {
            if let Some(engine) = run.engine
                && let Some(r) = self.pieces.page_rules.get_mut(k)
            {
                *r = engine.check_page(&self.site, &tree.pages[k], &body, run.rule_opts);
            }
            touched.insert(tree.pages[k].rel.clone());
            self.bodies[k] = packed(body);
        }
        laps.lap("bodies");
        let home = model.home_ctx_patched(&self.bodies, &old_home, redo);
        let home_changed = home != old_home;
        laps.lap("home");

        let touched_ref: std::collections::HashSet<&str> =
            touched.iter().map(String::as_str).collect();
        let others = touched.len() > 1;
        let mut shaper = affect::Shaper::new(&tree.pages, &model.sections, reads_total);
        let mut targets = Vec::new();
        if let Some(shape) = self.shape.as_mut() {
            for (n, (_, item)) in self.plan.iter().enumerate() {
                let mut render = everything
                    || (home_changed
                        && matches!(
                            item,
                            Planned::Pager {
                                section: 0,
                                number: 1
                            }
                        ));
                let fresh = match item {
                    Planned::Page(k) => enters && *k == at,
                    Planned::Pager { section, .. } => *section == s,
                    Planned::Alias { .. } => false,
                };
                if fresh {
                    let shows = shaper.shows(item);
                    render |= shows != shape[n].1;
                    shape[n].1 = shows;
                }
                if fresh || others {
                    render |= shape[n].1.reads(&touched_ref);
                }
                if render {
                    targets.push(n);
                }
            }
        }
        // The list pages of the section after the one holding the page's
        // place all shift by one item: they wait (`deferred`) until the
        // reload is sent, unless the `site` context changed.
        let pos = if enters {
            model.sections[s].pages.iter().position(|&k| k == at)
        } else {
            old_pos
        };
        let near = pos.map_or(1, |p| p / per + 1);
        let mut later = Vec::new();
        if !everything {
            targets.retain(|&n| match self.plan[n].1 {
                Planned::Pager { section, number }
                    if section == s && number != 1 && number != near =>
                {
                    later.push(self.plan[n].0.clone());
                    false
                }
                _ => true,
            });
        }
        laps.lap("shapes");
        let scan = run.engine.is_some();
        let rendered = render_targets(
            &model,
            &templates,
            &self.plan,
            &self.bodies,
            &targets,
            &home,
            scan,
        );
        laps.lap("render");
        let mut owners = owners_of(&model, &self.plan, &rendered);
        owners.extend(
            tree.pages
                .iter()
                .enumerate()
                .filter(|(_, p)| touched_ref.contains(p.rel.as_str()))
                .map(|(k, _)| k),
        );
        let extras = everything
            .then(|| pipeline::render_extras(&model, &templates, &self.plan, &self.bodies, scan));
        self.parts = Some(ModelParts::from(model));
        self.tree = tree;
        self.pieces.home = Some(home);
        for path in &gone {
            self.files.remove(path);
            self.deferred.remove(path);
            self.pieces.out_diags.remove(path);
            self.pieces.html_facts.remove(path);
            self.pieces.paths.remove(path);
            self.page_of.remove(path);
        }
        let count = rendered.len();
        self.store(rendered);
        self.deferred.extend(later);
        if let Some((files, facts, diags)) = extras {
            for (path, bytes) in files {
                self.files.insert(path, Packed::from(bytes));
            }
            self.pieces.html_facts.extend(facts);
            self.pieces.extras = diags;
        }
        self.extras_stale = true;
        self.assemble_local(&owners, scan);
        self.rules_stale = true;
        laps.lap("store, findings");
        self.phases = laps.done("in place (membership)");
        Ok(count)
    }

    /// Renders the deferred list pages with the current model, stores
    /// them and their owners' findings; returns how many.
    fn render_deferred(&mut self, config: &RegencyConfig, theme: &Theme, scan: bool) -> usize {
        if self.deferred.is_empty() {
            return 0;
        }
        let deferred = std::mem::take(&mut self.deferred);
        let (Ok(templates), Some(parts)) = (theme.for_site(&self.site), self.parts.take()) else {
            return 0;
        };
        let targets: Vec<usize> = self
            .plan
            .iter()
            .enumerate()
            .filter(|(_, (path, _))| deferred.contains(path))
            .map(|(n, _)| n)
            .collect();
        let home = self.pieces.home.clone().unwrap_or_else(empty_home);
        let opts = SiteOptions {
            base_url: self.base_url.clone(),
            now: self.clock(),
        };
        let tree = std::mem::take(&mut self.tree);
        let model = parts.into_model(&self.site, config, &tree, opts);
        let rendered = render_targets(
            &model,
            &templates,
            &self.plan,
            &self.bodies,
            &targets,
            &home,
            scan,
        );
        let owners = owners_of(&model, &self.plan, &rendered);
        self.parts = Some(ModelParts::from(model));
        self.tree = tree;
        let count = rendered.len();
        self.store(rendered);
        self.assemble_local(&owners, scan);
        count
    }

    fn render_extras(&mut self, config: &RegencyConfig, theme: &Theme, scan: bool) {
        let Ok(templates) = theme.for_site(&self.site) else {
            return;
        };
        let model = self.model(config, &templates);
        let (extras, facts, diags) =
            pipeline::render_extras(&model, &templates, &self.plan, &self.bodies, scan);
        drop(model);
        for (path, bytes) in extras {
            self.files.insert(path, Packed::from(bytes));
        }
        self.pieces.html_facts.extend(facts);
        self.pieces.extras = diags;
        if !self.rules_stale {
            self.assemble_site_diags();
        }
        self.extras_stale = false;
    }
}

/// One output rendered: plan index, HTML, its facts, findings.
type Rendition = (usize, Option<Packed>, Option<PageHtml>, Vec<Diagnostic>);

/// The pages whose findings the `rendered` outputs belong to.
fn owners_of(
    model: &Model<'_>,
    plan: &[(String, Planned)],
    rendered: &[Rendition],
) -> std::collections::BTreeSet<usize> {
    rendered
        .iter()
        .filter_map(|(n, ..)| pipeline::owner_of(model, &plan[*n].1))
        .collect()
}

/// Renders the outputs `targets` (indices into `plan`) with `model`.
fn render_targets(
    model: &Model<'_>,
    templates: &Templates<'_>,
    plan: &[(String, Planned)],
    bodies: &[Rendered],
    targets: &[usize],
    home: &crate::render::context::HomeCtx,
    scan: bool,
) -> Vec<Rendition> {
    let pool = crate::rules::html::Pool::default();
    targets
        .par_iter()
        .map(|&n| {
            let mut diags = Vec::new();
            let item = &plan[n].1;
            let html = pipeline::render_item(model, templates, item, bodies, home, &mut diags);
            let facts = html
                .as_ref()
                .filter(|_| scan && !matches!(item, Planned::Alias { .. }))
                .map(|h| PageHtml {
                    page: pipeline::shown_page(model, item),
                    facts: crate::rules::html::scan_shared(h, &pool),
                });
            // Deflated here, on the worker threads.
            (n, html.map(Packed::from), facts, diags)
        })
        .collect()
}

fn empty_home() -> crate::render::context::HomeCtx {
    crate::render::context::HomeCtx {
        berita: Vec::new(),
        layanan: Vec::new(),
        halaman: Vec::new(),
    }
}

/// Wall time of the phases of one page rebuild, recorded when
/// `LAMAN_SERVE_LAPS` is set (`Rebuilt::phases`, printed by the terminal
/// line; for profiling the preview: bench/README.md).
struct Laps {
    on: bool,
    at: Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Laps {
    fn start() -> Laps {
        Laps {
            on: std::env::var_os("LAMAN_SERVE_LAPS").is_some(),
            at: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        if self.on {
            let now = Instant::now();
            self.laps.push((name, now - self.at));
            self.at = now;
        }
    }

    /// The phases, after one naming the path taken (`Rebuilt::phases`).
    fn done(self, path: &'static str) -> Vec<(&'static str, std::time::Duration)> {
        if !self.on {
            return Vec::new();
        }
        let mut out = vec![(path, std::time::Duration::ZERO)];
        out.extend(self.laps);
        out
    }
}

/// One page's change to the tree.
enum Edit {
    /// Page `i` has a new version (front matter changed).
    Replace(usize, Box<SourcePage>),
    /// Page `i` is gone (removed, renamed away, now a draft).
    Remove(usize),
    /// A page that was not in the tree (new, renamed here, no longer a draft).
    Insert(Box<SourcePage>),
}

/// Whether a page's text (front matter and body) may hold an `@/` link to
/// the page at `rel`: it names it as written (`link` is `@/<rel>`), or it
/// has escapes (`&…;` in Markdown, `\` in Markdown or TOML) that could
/// spell the link otherwise, which are decoded before the link is
/// resolved. One pass over the text for the three bytes.
/// A body as the preview keeps it: its HTML deflated.
fn packed(mut body: Rendered) -> Rendered {
    body.html.pack();
    body
}

fn may_link_to(text: &str, link: &str) -> bool {
    let (b, link) = (text.as_bytes(), link.as_bytes());
    let mut i = 0;
    while let Some(off) = memchr::memchr3(b'@', b'&', b'\\', &b[i..]) {
        let k = i + off;
        if b[k] != b'@' || b[k..].starts_with(link) {
            return true;
        }
        i = k + 1;
    }
    false
}

/// Whether walking content/ finds `rel` as a page: no hidden part, no
/// symbolic link on the way.
fn plain_file(content: &Path, rel: &str) -> bool {
    let mut at = content.to_path_buf();
    for part in rel.split('/') {
        if part.is_empty() || part.starts_with('.') {
            return false;
        }
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if !m.file_type().is_symlink() => {}
            _ => return false,
        }
    }
    true
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

#[cfg(test)]
mod tests {
    use super::may_link_to;

    #[test]
    fn a_page_may_link_when_it_names_the_page_or_has_escapes() {
        let link = "@/berita/a.md";
        for (text, want) in [
            ("Baca [a](@/berita/a.md#atas).", true),
            (
                "Surel kami@contoh.go.id, [b](@/berita/b.md), [a](@/berita/a.md)",
                true,
            ),
            ("Lihat [b](@/berita/b.md) dan [c](@/berita/ab.md).", false),
            ("Tanpa tautan sama sekali.", false),
            // Escapes decoded before the link is resolved.
            ("[a](&#64;/berita/a.md)", true),
            ("judul = \"\\u0040/berita/a.md\"", true),
        ] {
            assert_eq!(may_link_to(text, link), want, "{text}");
        }
    }
}
