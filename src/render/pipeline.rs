//! One site's render, the only one: plan → page bodies → pages, list pages
//! and aliases → generated files (404, search, feeds, exports, `_headers`…)
//! → static files → rules. `build` (and so `check` and `publish`) and
//! `serve` both call [`render_site`]; they differ only in the [`Sink`] the
//! outputs go to (the staging writer, or memory) and in what they keep of
//! the [`SiteOutput`]. A rule or a trust check added here holds for both.
//!
//! It owns no I/O of its own: reading is `content`'s, writing the sink's.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::RegencyConfig;
use crate::content::kinds::Kind;
use crate::content::{self, ContentTree};
use crate::diagnostic::{Diagnostic, Location, Message};
use crate::error::Error;
use crate::markdown::{BodyHtml, Links, Rendered};
use crate::output::{FileEntry, HostWriter};
use crate::registry::Site;
use crate::render::Vars;
use crate::render::context::{HomeCtx, MenuAktif, PageCtx, SiteCtx};
use crate::render::memo::{self, Memo};
use crate::render::site::{Menus, Model, Planned, Section, SiteOptions};
use crate::render::{Src, Templates, Theme, extras};
use crate::rules::{Engine, PageHtml, RuleOptions, SiteInput};

/// Where a site's outputs go.
pub trait Sink: Sync {
    /// What the sink returns for one output (a manifest entry, or nothing).
    type Entry: Send;
    /// Stores `bytes` at the output path `path` (`/`-separated, relative).
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<Self::Entry, Error>;
    /// Stores the file `src` at the output path `path`.
    fn copy(&self, path: &str, src: Src<'_>) -> Result<Self::Entry, Error>;
    /// Stores at `path` the bytes `produce` writes, which may be called
    /// more than once and must write the same bytes each time (a sink that
    /// can hash them first need not hold them: [`HostWriter::write_stream`]).
    fn write_with(
        &self,
        path: &str,
        produce: &dyn Fn(&mut (dyn std::io::Write + Send)) -> std::io::Result<()>,
    ) -> Result<Self::Entry, Error> {
        let mut bytes = Vec::new();
        produce(&mut bytes).map_err(|e| Error::io(Path::new(path), e))?;
        self.write(path, bytes)
    }
    /// Whether the site will be rendered again in part (the preview): the
    /// findings are then also kept by where they come from ([`Pieces`]),
    /// and the bodies keep their HTML, deflated as soon as each is rendered
    /// (so a 50,000-page site never holds them raw at once). A build reads
    /// the findings once, as a whole, and frees each body's HTML as soon as
    /// its page is written (the feed's pages: once the feed is), before the
    /// rules run (#14, peak memory).
    fn renders_again(&self) -> bool {
        false
    }
    /// Keeps the output the sink already has at `path` with `size` bytes
    /// of digest `sha256`, if it has it (the render memo); with its bytes
    /// when `read`.
    fn reuse(
        &self,
        _path: &str,
        _size: u64,
        _sha256: &str,
        _read: bool,
    ) -> Option<(Self::Entry, Option<Vec<u8>>)> {
        None
    }
}

impl Sink for HostWriter {
    type Entry = FileEntry;
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<FileEntry, Error> {
        HostWriter::write(self, path, &bytes)
    }
    fn write_with(
        &self,
        path: &str,
        produce: &dyn Fn(&mut (dyn std::io::Write + Send)) -> std::io::Result<()>,
    ) -> Result<FileEntry, Error> {
        self.write_stream(path, produce)
    }
    fn copy(&self, path: &str, src: Src<'_>) -> Result<FileEntry, Error> {
        match src {
            Src::File(f) => HostWriter::copy(self, path, f),
            Src::Builtin(bytes) => HostWriter::write(self, path, bytes),
        }
    }
    fn reuse(
        &self,
        path: &str,
        size: u64,
        sha256: &str,
        read: bool,
    ) -> Option<(FileEntry, Option<Vec<u8>>)> {
        HostWriter::reuse(self, path, size, sha256, read)
    }
}

/// What every site of a run shares.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The regency.
    pub config: &'a RegencyConfig,
    /// The default theme.
    pub theme: &'a Theme,
    /// The content rules, when they run.
    pub engine: Option<&'a Engine>,
    /// Options of the rules.
    pub rule_opts: &'a RuleOptions,
}

/// The parts of a site's render model that only front matter changes: kept
/// by the preview between page edits so a body edit does not rebuild them.
#[derive(Debug)]
pub struct ModelParts {
    /// `@/` resolution.
    pub links: Links,
    /// Sections, root first.
    pub sections: Vec<Section>,
    /// `site` of every template.
    pub ctx: SiteCtx,
    /// Problems found while assembling the model.
    pub diagnostics: Vec<Diagnostic>,
    /// The sanitizer of raw HTML.
    pub html: std::sync::Arc<crate::trust::html::HtmlPolicy>,
}

impl From<Model<'_>> for ModelParts {
    fn from(model: Model<'_>) -> ModelParts {
        let Model {
            links,
            sections,
            ctx,
            diagnostics,
            html,
            ..
        } = model;
        ModelParts {
            links,
            sections,
            ctx,
            diagnostics,
            html,
        }
    }
}

impl ModelParts {
    /// The model again, over `tree` (whose front matter is unchanged).
    pub fn into_model<'a>(
        self,
        site: &'a Site,
        config: &'a RegencyConfig,
        tree: &'a ContentTree,
        opts: SiteOptions,
    ) -> Model<'a> {
        Model {
            site,
            config,
            tree,
            links: self.links,
            sections: self.sections,
            ctx: self.ctx,
            opts,
            diagnostics: self.diagnostics,
            html: self.html,
            jsonld: std::sync::OnceLock::new(),
            site_value: std::sync::OnceLock::new(),
            menus: std::sync::OnceLock::new(),
        }
    }
}

/// One site rendered.
#[derive(Debug)]
pub struct SiteOutput<E> {
    /// What the sink returned for every output, in plan order, then the
    /// generated files, then the static files.
    pub entries: Vec<E>,
    /// Output path of every page, list page and alias.
    pub plan: Vec<(String, Planned)>,
    /// Every page's rendered Markdown (without its HTML when the sink does
    /// not render again: [`Sink::renders_again`]).
    pub bodies: Vec<Rendered>,
    /// Output path → the page it shows (pages and list pages of a section
    /// with an `_index.md`).
    pub page_of: HashMap<String, usize>,
    /// Findings about the site as a whole (loading, the model, generated
    /// files, static files, site rules).
    pub site_diags: Vec<Diagnostic>,
    /// Per page: Markdown, rendering and page-rule findings.
    pub local: Vec<Vec<Diagnostic>>,
    /// The model, for a later partial render.
    pub parts: Option<ModelParts>,
    /// Set when the templates could not be loaded: nothing was rendered.
    pub templates_failed: bool,
    /// The parts `site_diags` and `local` are made of, for the preview
    /// to replace one at a time.
    pub pieces: Pieces,
    /// Output path → render memo key of every page rendered or kept with
    /// a memo (`render::memo`).
    pub page_keys: Vec<(String, String)>,
    /// Pages not rendered: the memo had their input, and the sink their output.
    pub remembered: usize,
    /// The render memo's key of every page's body (none without a memo).
    pub body_keys: Vec<String>,
    /// Bodies rendered from Markdown (the others were the memo's).
    pub markdown: usize,
    /// The digest of what every page shared in its memo key.
    pub site_digest: String,
}

/// The findings of one render by where they come from, and what the site
/// rules read of the rendered files: what the preview keeps so that an edit
/// re-runs only the rules whose input changed.
#[derive(Debug, Default)]
pub struct Pieces {
    /// Loading, the model, the plan, static files, site.toml links.
    pub prelude: Vec<Diagnostic>,
    /// Rendering findings per output path (non-empty only).
    pub out_diags: HashMap<String, Vec<Diagnostic>>,
    /// Findings of the generated files.
    pub extras: Vec<Diagnostic>,
    /// Blanks of site.toml still to fill.
    pub toml_blanks: Vec<Diagnostic>,
    /// Site rules (`Engine::check_site_only`).
    pub site_rules: Vec<Diagnostic>,
    /// Per page: page rules (`Engine::check_page`).
    pub page_rules: Vec<Vec<Diagnostic>>,
    /// Facts of the rendered HTML by output path (when the rules run).
    pub html_facts: BTreeMap<String, PageHtml>,
    /// Every output path (pages, generated and static files).
    pub paths: HashSet<String>,
    /// The `home` context of the last render.
    pub home: Option<HomeCtx>,
}

impl<E> SiteOutput<E> {
    /// Every finding, site-wide first.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.site_diags.iter().chain(self.local.iter().flatten())
    }
}

/// Renders `site` (its content loaded into `tree`) through `sink`.
///
/// `Err` only when the sink could not store an output (disk full,
/// permissions); every problem of the input is a finding in the result.
pub fn render_site<S: Sink>(
    run: Run<'_>,
    site: &Site,
    tree: &ContentTree,
    opts: SiteOptions,
    sink: &S,
    mut memo: Option<Memo>,
    sources: Option<Vec<String>>,
) -> Result<SiteOutput<S::Entry>, Error> {
    let mut site_diags = tree.diagnostics.clone();
    let mut out = SiteOutput {
        entries: Vec::new(),
        plan: Vec::new(),
        bodies: Vec::new(),
        page_of: HashMap::new(),
        site_diags: Vec::new(),
        local: vec![Vec::new(); tree.pages.len()],
        parts: None,
        templates_failed: false,
        pieces: Pieces::default(),
        page_keys: Vec::new(),
        remembered: 0,
        body_keys: Vec::new(),
        markdown: 0,
        site_digest: String::new(),
    };
    let templates = match run.theme.for_site(site) {
        Ok(t) => t,
        Err(d) => {
            site_diags.push(d);
            out.site_diags = site_diags;
            out.templates_failed = true;
            return Ok(out);
        }
    };
    let model = Model::new(site, run.config, tree, opts, templates.ids.clone());
    let (plan, statics) = plan_outputs(run.theme, &model, tree, &mut site_diags);
    let keep = sink.renders_again();
    let fed: HashSet<usize> = crate::render::extras::feed_pages(&model)
        .into_iter()
        .collect();
    let site_key = memo
        .as_ref()
        .and_then(|_| memo::site_key(templates.digest.as_deref(), &model.ctx));
    let site_digest = site_key.as_ref().map(memo::digest);
    // Each page's whole text: the tree's, or the one a build took out of it
    // (`ContentTree::take_sources`), freed below once the page's body and
    // its text checks have read it; a body the memo gives keeps its text
    // until its page is rendered, which may need it (#14, peak memory).
    let taken = sources.is_some();
    let mut sources: Vec<Option<String>> = match sources {
        Some(v) => v.into_iter().map(Some).collect(),
        None => vec![None; tree.pages.len()],
    };
    let (remembered, body_keys) = match &mut memo {
        Some(memo) => remembered_bodies(&model, memo, &fed, site_digest.as_deref(), &sources),
        None => ((0..tree.pages.len()).map(|_| None).collect(), Vec::new()),
    };
    let lazy: Vec<bool> = remembered.iter().map(Option::is_some).collect();
    let engine_early = run.engine.filter(|_| taken);
    let (mut bodies, early): (Vec<Rendered>, Vec<Option<TextFindings>>) = remembered
        .into_par_iter()
        .zip(sources.par_iter_mut())
        .enumerate()
        .map(|(i, (body, slot))| {
            let p = &tree.pages[i];
            let text = slot.as_deref().unwrap_or(&p.text);
            let lazy = body.is_some();
            let body = body.unwrap_or_else(|| {
                let mut body = model.render_body_of(i, text);
                if keep {
                    body.html.pack();
                }
                body
            });
            let early = engine_early.map(|engine| {
                (
                    content::placeholder::in_page(&p.shown, text),
                    engine.check_page_text(p, text),
                )
            });
            if !lazy {
                *slot = None;
            }
            (body, early)
        })
        .unzip();
    let memo = memo.as_ref();
    let mut local: Vec<Vec<Diagnostic>> = bodies.iter().map(|b| b.diagnostics.clone()).collect();
    let mut pieces = Pieces {
        prelude: if keep { site_diags.clone() } else { Vec::new() },
        ..Pieces::default()
    };
    let scan = run.engine.is_some();

    // Pages, list pages, aliases: rendered and handed to the sink in parallel.
    let home = model.home_ctx(&bodies);
    // The facts of every page are kept until the site rules have run:
    // one copy of each link the theme repeats on every page.
    let pool = match memo {
        Some(m) if scan => crate::rules::html::Pool::with(m.strings().cloned()),
        _ => crate::rules::html::Pool::default(),
    };
    // A build hands each page its body's HTML to own and free once the
    // page is written (the plan has one output per page; section pages are
    // list pages, which read `bodies`); the feed's pages keep theirs for
    // the feed (#14, peak memory).
    let mut own_html: Vec<Option<BodyHtml>> = (0..plan.len()).map(|_| None).collect();
    if !keep {
        for ((_, item), slot) in plan.iter().zip(&mut own_html) {
            if let Planned::Page(i) = item
                && !fed.contains(i)
            {
                *slot = Some(std::mem::take(&mut bodies[*i].html));
            }
        }
    }
    let mut markdown_late = 0;
    let facts_of = |item: &Planned, html: &str| {
        (scan && !matches!(item, Planned::Alias { .. })).then(|| PageHtml {
            page: shown_page(&model, item),
            facts: crate::rules::html::scan_shared(html, &pool),
        })
    };
    // An output rendered: written, with the facts of its HTML.
    let finish = |path: &str,
                  item: &Planned,
                  html: Option<String>,
                  key: Option<String>,
                  mut diags: Vec<Diagnostic>|
     -> Result<One<S::Entry>, Error> {
        let Some(html) = html else {
            return Ok((None, None, diags, None));
        };
        let facts = facts_of(item, &html);
        let entry = stored(sink.write(path, html.into_bytes()), site, &mut diags)?;
        Ok((entry, facts, diags, key.map(|k| (k, false))))
    };
    let render_pages = || -> Vec<Result<One<S::Entry>, Error>> {
        // Every output is kept or rendered, but a page whose body the memo
        // had without its HTML, which waits for it.
        let steps: Vec<Step<S::Entry>> = plan
            .par_iter()
            .zip(own_html)
            .map(|((path, item), html)| {
                let mut diags = Vec::new();
                // The render memo: an output whose template is given what
                // made the file the sink still has at its path is kept, with
                // the facts remembered of its bytes (read again only when
                // the memo has none).
                let kept = |key: &Option<String>| -> Option<(S::Entry, Option<PageHtml>, String)> {
                    let (memo, key) = (memo?, key.as_ref()?);
                    let r = memo.get(path, key)?;
                    let known = memo.facts(path, r).filter(|_| scan);
                    let (entry, bytes) =
                        sink.reuse(path, r.size, &r.sha256, scan && known.is_none())?;
                    let html = bytes.map(String::from_utf8).transpose().ok()?;
                    let facts = match known {
                        Some(facts) => Some(PageHtml {
                            page: shown_page(&model, item),
                            facts,
                        }),
                        None => html.as_deref().and_then(|h| facts_of(item, h)),
                    };
                    Some((entry, facts, key.clone()))
                };
                let (html, key) = match item {
                    Planned::Page(i) => {
                        let p = &model.tree.pages[*i];
                        let body = &bodies[*i];
                        let mut page = model.page_ctx(*i, body, &BodyHtml::default(), &mut diags);
                        let name =
                            templates.choose(p.common.template.as_deref(), p.jenis(), false, false);
                        // The body's key and what its `@/` targets found
                        // stand for its HTML (`render::memo`).
                        let key = site_key
                            .as_ref()
                            .zip(body_keys.get(*i))
                            .map(|(k, b)| memo::key(k, &name, &(&page, b, &body.looked_up)));
                        if let Some((entry, facts, key)) = kept(&key) {
                            return Step::Done(Ok((Some(entry), facts, diags, Some((key, true)))));
                        }
                        if lazy[*i] {
                            return Step::Waits {
                                i: *i,
                                page: Box::new(page),
                                name,
                                key,
                                diags,
                            };
                        }
                        page.content = match html {
                            Some(own) => own.into_string(),
                            None => bodies[*i].html.text().into_owned(),
                        };
                        (
                            page_html(&model, &templates, &name, &page, p, &mut diags),
                            key,
                        )
                    }
                    Planned::Pager { section, number } => {
                        let input =
                            pager_input(&model, &templates, *section, *number, &bodies, &mut diags);
                        let key = site_key
                            .as_ref()
                            .map(|k| memo::key(k, &input.name, &input.parts(&home)));
                        if let Some((entry, facts, key)) = kept(&key) {
                            return Step::Done(Ok((Some(entry), facts, diags, Some((key, true)))));
                        }
                        (
                            pager_html(&model, &templates, &input, &home, &mut diags),
                            key,
                        )
                    }
                    Planned::Alias { .. } => (
                        render_item(&model, &templates, item, &bodies, &home, &mut diags),
                        None,
                    ),
                };
                Step::Done(finish(path, item, html, key, diags))
            })
            .collect();
        // The bodies of the pages that wait, from Markdown, all together
        // (one by one between templates they took a tenth longer).
        let waiting: Vec<Option<usize>> = steps
            .iter()
            .map(|step| match step {
                Step::Waits { i, .. } => Some(*i),
                Step::Done(_) => None,
            })
            .collect();
        let late: Vec<Option<String>> = waiting
            .par_iter()
            .map(|w| {
                w.map(|i| {
                    let text = whole_text(tree, &sources, i);
                    model.render_body_of(i, text).html.into_string()
                })
            })
            .collect();
        markdown_late = late.iter().flatten().count();
        steps
            .into_par_iter()
            .zip(late)
            .zip(&plan)
            .map(|((step, late), (path, item))| match step {
                Step::Done(r) => r,
                Step::Waits {
                    i,
                    mut page,
                    name,
                    key,
                    mut diags,
                } => {
                    page.content = late.unwrap_or_default();
                    let p = &model.tree.pages[i];
                    let html = page_html(&model, &templates, &name, &page, p, &mut diags);
                    finish(path, item, html, key, diags)
                }
            })
            .collect()
    };
    // The generated files (search index, sitemap, feed…) are rendered while
    // the pages are: they read only the model and the bodies, and most of
    // their work is on one thread. In a build of a large site the search
    // index (10 MB of JSON at 10,000 pages, read in parts side by side)
    // comes after the pages instead, when each has freed its body's HTML:
    // at 10,000 pages the peak is 7 MiB lower for a build 3 % longer; at
    // 1,000 beside the pages is 3 % faster, at the same peak (#14,
    // bench/README.md). The preview keeps every body's HTML: beside.
    let index_after = !keep && tree.pages.len() >= INDEX_AFTER_PAGES;
    let (rendered, (extra_files, extra_html, extra_diags)) = rayon::join(render_pages, || {
        let mut extras = render_extras_but_index(&model, &templates, &plan, &bodies, scan);
        if !index_after {
            extras.0.push(search_index_file(&model, &bodies));
        }
        extras
    });
    drop(sources);
    let mut entries = Vec::with_capacity(plan.len() + 16);
    let mut html_facts = BTreeMap::new();
    let mut page_of = HashMap::with_capacity(plan.len());
    for ((path, item), r) in plan.iter().zip(rendered) {
        let (entry, facts, diags, key) = r?;
        if let Some((key, kept)) = key {
            out.page_keys.push((path.clone(), key));
            out.remembered += usize::from(kept);
        }
        let owner = owner_of(&model, item);
        if keep && !diags.is_empty() {
            pieces.out_diags.insert(path.clone(), diags.clone());
        }
        match owner {
            Some(i) => local[i].extend(diags),
            None => site_diags.extend(diags),
        }
        if let Some(i) = owner
            && !matches!(item, Planned::Alias { .. })
        {
            page_of.insert(path.clone(), i);
        }
        entries.extend(entry);
        if let Some(f) = facts {
            html_facts.insert(path.clone(), f);
        }
    }

    // Generated files.
    site_diags.extend(also_kept(keep, extra_diags, &mut pieces.extras));
    html_facts.extend(extra_html);
    if !keep {
        // Nothing reads a body's HTML after this (the rules read its
        // text, headings, images and links).
        for body in &mut bodies {
            body.html = BodyHtml::default();
        }
    }
    let mut paths: HashSet<String> = plan.iter().map(|(p, _)| p.clone()).collect();
    for (path, bytes) in extra_files {
        paths.insert(path.clone());
        entries.extend(stored(sink.write(&path, bytes), site, &mut site_diags)?);
    }
    if index_after {
        // Written as it is serialized, not into a buffer first.
        let entries_of = extras::search_entries(&model, &bodies);
        let index = crate::render::search::Index::of(&entries_of);
        let written = sink.write_with(SEARCH_INDEX, &|w| index.write_to(w));
        paths.insert(SEARCH_INDEX.to_string());
        entries.extend(stored(written, site, &mut site_diags)?);
    }

    // Static files: the theme's, then the site's over them.
    let copied: Vec<Result<S::Entry, Error>> = statics
        .par_iter()
        .map(|(path, src)| sink.copy(path, *src))
        .collect();
    for r in copied {
        entries.extend(stored(r, site, &mut site_diags)?);
    }
    paths.extend(statics.keys().map(|p| p.to_string()));

    // Rules: each page alone (so the preview can check one page again),
    // with the blanks of the scaffold it still has to fill (a content
    // check, so it runs with the rules), then the site as a whole.
    if let Some(engine) = run.engine {
        pieces.toml_blanks = content::placeholder::in_toml_file(
            &site.shown.join("site.toml"),
            &site.toml_text,
            crate::diagnostic::FileKind::Site,
        );
        site_diags.extend(pieces.toml_blanks.iter().cloned());
        let input = SiteInput {
            site,
            tree,
            bodies: &bodies,
            html: &html_facts,
            files: &paths,
            base_path: &model.ctx.base_path,
        };
        let (per_page, whole) = rayon::join(
            || {
                tree.pages
                    .par_iter()
                    .zip(&bodies)
                    .zip(early)
                    .map(|((p, b), early)| match early {
                        // The text was read before the pages, and freed.
                        Some((blanks, mut text)) => {
                            let mut found = engine.check_page_data(site, p, b, run.rule_opts);
                            found.append(&mut text);
                            (blanks, found)
                        }
                        None => (
                            content::placeholder::in_page(&p.shown, &p.text),
                            engine.check_page(site, p, b, run.rule_opts),
                        ),
                    })
                    .collect::<Vec<_>>()
            },
            || engine.check_site_only(&input, run.rule_opts),
        );
        let (blanks, per_page): (Vec<_>, Vec<_>) = per_page.into_iter().unzip();
        for (l, b) in local.iter_mut().zip(blanks) {
            l.extend(b);
        }
        for (l, d) in local
            .iter_mut()
            .zip(also_kept(keep, per_page, &mut pieces.page_rules))
        {
            hand_over(l, d);
        }
        site_diags.extend(also_kept(keep, whole, &mut pieces.site_rules));
    }
    pieces.html_facts = html_facts;
    pieces.paths = paths;
    pieces.home = Some(home);

    out.pieces = pieces;
    out.entries = entries;
    out.parts = Some(ModelParts::from(model));
    out.plan = plan;
    out.bodies = bodies;
    out.body_keys = body_keys;
    out.site_digest = site_digest.unwrap_or_default();
    out.markdown = lazy.iter().filter(|l| !**l).count() + markdown_late;
    out.page_of = page_of;
    out.site_diags = site_diags;
    out.local = local;
    Ok(out)
}

/// Pages from which a build makes a site's search index after its pages,
/// not beside them (see `render_site`).
pub const INDEX_AFTER_PAGES: usize = 2_000;

/// An output: what the sink returned, the facts of its HTML, its findings
/// and its memo key (with whether it was kept).
type One<E> = (
    Option<E>,
    Option<PageHtml>,
    Vec<Diagnostic>,
    Option<(String, bool)>,
);

/// Where an output stands: done (kept, rendered, or failed), or a page to
/// be rendered whose body the memo had without its HTML.
enum Step<E> {
    Done(Result<One<E>, Error>),
    Waits {
        /// The page.
        i: usize,
        page: Box<PageCtx>,
        name: String,
        key: Option<String>,
        diags: Vec<Diagnostic>,
    },
}

/// The whole file of page `i`: the one a build took out of the tree
/// (`ContentTree::take_sources`) while `render_site` still holds it, else
/// the tree's.
fn whole_text<'a>(tree: &'a ContentTree, sources: &'a [Option<String>], i: usize) -> &'a str {
    sources
        .get(i)
        .and_then(Option::as_deref)
        .unwrap_or(&tree.pages[i].text)
}

/// What a page's text checks found before the pages were rendered: the
/// blanks of the scaffold it still has, and the rules' findings in its
/// text (`rules::Engine::check_page_text`).
type TextFindings = (Vec<Diagnostic>, Vec<Diagnostic>);

/// Every page's body the memo has, without its HTML (rendered from
/// Markdown only if its page is rendered again), with every page's body
/// key: a body the memo has under its key (whose `@/` targets still find
/// what they found) is taken from it, unless the feed shows it or it is a
/// section's page; any other is `None`, to be rendered. `site` is the
/// digest of the site's key (none when the memo is off: no keys then);
/// `sources` the pages' whole texts where a build took them out of the
/// tree.
fn remembered_bodies(
    model: &Model<'_>,
    memo: &mut Memo,
    fed: &HashSet<usize>,
    site: Option<&str>,
    sources: &[Option<String>],
) -> (Vec<Option<Rendered>>, Vec<String>) {
    let none = || (0..model.tree.pages.len()).map(|_| None).collect();
    // Without a site key (the memo is off) no page has a key.
    let (Some(site), Some(base)) = (site, memo::body_base(&model.html, &model.links)) else {
        return (none(), Vec::new());
    };
    // Another `site` context, theme or binary renders every page again:
    // the memo's bodies are not read.
    let remembered = memo.take_bodies(site);
    let index = remembered.index();
    let shown: HashSet<usize> = model.sections.iter().filter_map(|s| s.index).collect();
    let (keys, taken): (Vec<String>, Vec<Option<Rendered>>) = model
        .tree
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let key = memo::body_key(&base, whole_text(model.tree, sources, i), p.body_offset);
            let body = (!fed.contains(&i) && !shown.contains(&i))
                .then(|| index.get(p.rel.as_str())?.body(&key, &model.links))
                .flatten();
            (key, body)
        })
        .unzip();
    drop(index);
    drop(remembered);
    (taken, keys)
}

/// Appends `v` to `into`: moved, not copied, when `into` is empty, and no
/// larger than it is. A page's one finding in a vector grown for four, on
/// each of 10,000 pages, was 12 MiB at the build's peak (#14).
fn hand_over<T>(into: &mut Vec<T>, mut v: Vec<T>) {
    if into.is_empty() {
        v.shrink_to_fit();
        *into = v;
    } else {
        into.append(&mut v);
    }
}

/// `v`, with a copy in `piece` when the findings are also kept by where
/// they come from ([`Sink::renders_again`]).
fn also_kept<T: Clone>(keep: bool, v: Vec<T>, piece: &mut Vec<T>) -> Vec<T> {
    if keep {
        piece.clone_from(&v);
    }
    v
}

/// The output plan of `model` without the outputs that clash with another
/// one, and the static files chosen; the findings of both go to `diags`
/// with those of the model and of site.toml's links.
pub fn plan_outputs<'t>(
    theme: &'t Theme,
    model: &Model<'_>,
    tree: &'t ContentTree,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<(String, Planned)>, BTreeMap<&'t str, Src<'t>>) {
    diags.extend(model.diagnostics.iter().cloned());
    let (mut plan, duplicates) = model.plan();
    diags.extend(duplicates);
    // Static files are chosen before anything is written, so that a file
    // and a folder of the same name (`a.html` and `a.html/index.html`) are
    // found here, as findings, and never meet in the file system.
    let mut statics = choose_statics(theme, tree, &plan, diags);
    drop_file_folder_clashes(model, tree, &mut plan, &mut statics, diags);
    // Link targets an editor wrote in site.toml go into `href` attributes
    // as they are: one that runs script stops the site (HTML-002).
    diags.extend(unsafe_urls(model, model.site));
    (plan, statics)
}

/// Renders one planned output (a page, a list page or an alias).
pub fn render_item(
    model: &Model<'_>,
    templates: &Templates<'_>,
    item: &Planned,
    bodies: &[Rendered],
    home: &HomeCtx,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    match item {
        Planned::Page(i) => render_page(model, templates, *i, &bodies[*i], &bodies[*i].html, diags),
        Planned::Pager { section, number } => {
            let input = pager_input(model, templates, *section, *number, bodies, diags);
            pager_html(model, templates, &input, home, diags)
        }
        Planned::Alias { page, .. } => render_alias(model, templates, *page, diags),
    }
}

/// The page whose findings an output's rendering belongs to.
pub fn owner_of(model: &Model<'_>, item: &Planned) -> Option<usize> {
    match item {
        Planned::Page(i) => Some(*i),
        Planned::Alias { page, .. } => Some(*page),
        Planned::Pager { section, .. } => model.sections[*section].index,
    }
}

/// The page an output shows (an alias shows none: it only redirects).
pub fn shown_page(model: &Model<'_>, item: &Planned) -> Option<usize> {
    match item {
        Planned::Alias { .. } => None,
        other => owner_of(model, other),
    }
}

/// `site`, `lang` and, when the theme has `menu.html`, `menu_html`: the
/// menu with `mark` marked.
fn base_context(model: &Model<'_>, templates: &Templates<'_>, mark: Option<&MenuAktif>) -> Vars {
    let mut ctx = site_context(model);
    let menus = model.menus.get_or_init(|| render_menus(model, templates));
    // `Menus::marks` holds every mark `MenuAktif::of` gives.
    if let Some(html) = menus.html(mark) {
        ctx.insert_value("menu_html", html.clone());
    }
    ctx
}

/// `site` and `lang`.
fn site_context(model: &Model<'_>) -> Vars {
    let mut ctx = Vars::new();
    ctx.insert_value("site", model.site_value());
    ctx.insert("lang", "id");
    ctx
}

/// The theme's `menu.html` for every mark a page of the site can have
/// (none when the theme has no `menu.html`).
fn render_menus(model: &Model<'_>, templates: &Templates<'_>) -> Menus {
    if !templates.has(MENU_TEMPLATE) {
        return Menus::default();
    }
    let mut menus = Menus::default();
    for mark in Menus::marks(&model.ctx.menu) {
        let html = match menu_html(model, templates, mark.as_ref()) {
            Ok(html) => html,
            Err(d) => {
                menus.failure.get_or_insert(d);
                minijinja::Value::from_safe_string(String::new())
            }
        };
        menus.variants.push((mark, html));
    }
    menus
}

/// The template a theme writes the main menu with, once per mark.
const MENU_TEMPLATE: &str = "menu.html";

/// `menu.html` with `mark`: given `site`, `lang`, and `kini`, `kini_aria`
/// (the marked entry's URL and its `aria-current`, or none).
fn menu_html(
    model: &Model<'_>,
    templates: &Templates<'_>,
    mark: Option<&MenuAktif>,
) -> Result<minijinja::Value, Diagnostic> {
    let mut ctx = site_context(model);
    ctx.insert("kini", &mark.map(|m| &m.url));
    ctx.insert("kini_aria", &mark.map(|m| m.aria));
    let theme = Path::new(crate::render::THEME_DIR).join("templates");
    templates
        .render(
            MENU_TEMPLATE,
            &ctx,
            &Location::file(theme.join(MENU_TEMPLATE)),
        )
        .map(minijinja::Value::from_safe_string)
        .map_err(|mut d| {
            // The site's own `menu.html`, when it has one, is the broken one.
            let own = Path::new("templates").join(MENU_TEMPLATE);
            if model.site.dir.join(&own).is_file() {
                d.location = Location::file(model.site.shown.join(own));
            }
            d
        })
}

/// Where a page's template choice is written (its `template` key), else the file.
fn template_at(p: &content::SourcePage) -> Location {
    match p.common.template {
        Some(_) => {
            let off = p.text[..p.body_offset].find("template").unwrap_or(0);
            Location::at_offset(&p.shown, &p.text, off)
        }
        None => Location::file(&p.shown),
    }
}

fn render_page(
    model: &Model<'_>,
    templates: &Templates<'_>,
    i: usize,
    body: &Rendered,
    html: &BodyHtml,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let p = &model.tree.pages[i];
    let page = model.page_ctx(i, body, html, diags);
    let name = templates.choose(p.common.template.as_deref(), p.jenis(), false, false);
    page_html(model, templates, &name, &page, p, diags)
}

/// Page `p` through template `name`, with its `page` context.
fn page_html(
    model: &Model<'_>,
    templates: &Templates<'_>,
    name: &str,
    page: &crate::render::context::PageCtx,
    p: &content::SourcePage,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let mut ctx = base_context(model, templates, page.menu_aktif.as_ref());
    ctx.insert("page", page);
    templates
        .render(name, &ctx, &template_at(p))
        .map_err(|d| diags.push(d))
        .ok()
}

/// What the template of list page `number` of section `s` is given
/// (besides `site`, and `home` on the home's list pages), and which
/// template that is.
struct PagerInput {
    page: crate::render::context::PageCtx,
    section: crate::render::context::SectionCtx,
    is_home: bool,
    name: String,
    at: Location,
}

impl PagerInput {
    /// What the memo's key of the list page covers.
    fn parts<'a>(&'a self, home: &'a HomeCtx) -> impl serde::Serialize + 'a {
        (&self.page, &self.section, self.is_home.then_some(home))
    }
}

fn pager_input(
    model: &Model<'_>,
    templates: &Templates<'_>,
    s: usize,
    number: usize,
    bodies: &[Rendered],
    diags: &mut Vec<Diagnostic>,
) -> PagerInput {
    let sec = &model.sections[s];
    let (page, explicit, jenis, at) = match sec.index {
        Some(i) => {
            let p = &model.tree.pages[i];
            // List pages after the first repeat the section page: its data
            // links are reported once, from page 1.
            let mut sink = Vec::new();
            let first = if number == 1 { &mut *diags } else { &mut sink };
            let page = model.page_ctx(i, &bodies[i], &bodies[i].html, first);
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
            Kind::Bagian,
            Location::file(model.site.shown.join("content").join(&sec.dir)),
        ),
    };
    let is_home = sec.dir.is_empty();
    PagerInput {
        page,
        section: model.section_ctx(s, number, bodies),
        is_home,
        name: templates.choose(explicit, jenis, true, is_home),
        at,
    }
}

fn pager_html(
    model: &Model<'_>,
    templates: &Templates<'_>,
    input: &PagerInput,
    home: &HomeCtx,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let mut ctx = base_context(model, templates, input.page.menu_aktif.as_ref());
    ctx.insert("page", &input.page);
    ctx.insert("section", &input.section);
    if input.is_home {
        ctx.insert("home", home);
    }
    templates
        .render(&input.name, &ctx, &input.at)
        .map_err(|d| diags.push(d))
        .ok()
}

fn render_alias(
    model: &Model<'_>,
    templates: &Templates<'_>,
    page: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let p = &model.tree.pages[page];
    let mut ctx = base_context(model, templates, None);
    ctx.insert("target", &model.absolute(&model.links.url(&p.url_path)));
    templates
        .render("alias.html", &ctx, &Location::file(&p.shown))
        .map_err(|d| diags.push(d))
        .ok()
}

/// Files generated for a site besides its pages (404, search, feeds, JSON
/// exports, `_headers`…), as (output path, bytes) in a fixed order, with
/// the facts of the HTML among them (when scanned) and findings.
pub type Extras = (
    Vec<(String, Vec<u8>)>,
    BTreeMap<String, PageHtml>,
    Vec<Diagnostic>,
);

/// Renders the generated files of a site in memory (see [`Extras`]).
pub fn render_extras(
    model: &Model<'_>,
    templates: &Templates<'_>,
    plan: &[(String, Planned)],
    bodies: &[Rendered],
    scan: bool,
) -> Extras {
    let mut extras = render_extras_but_index(model, templates, plan, bodies, scan);
    extras.0.push(search_index_file(model, bodies));
    extras
}

/// Where the search index is written.
const SEARCH_INDEX: &str = "cari/indeks.json";

/// The search index, `cari/indeks.json`.
fn search_index_file(model: &Model<'_>, bodies: &[Rendered]) -> (String, Vec<u8>) {
    (SEARCH_INDEX.into(), extras::search_index(model, bodies))
}

/// [`render_extras`] without the search index.
fn render_extras_but_index(
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
    let ctx = base_context(model, templates, None);
    if let Ok(html) = templates
        .render("404.html", &ctx, &theme_at)
        .map_err(|d| diags.push(d))
    {
        facts_of("404.html", &html);
        files.push(("404.html".into(), html.into_bytes()));
    }
    // The menu is made once for the site's pages: a broken `menu.html` is
    // reported once, here.
    diags.extend(model.menus.get().and_then(|m| m.failure.clone()));
    let mut search_page = model.bare_section_ctx(0);
    search_page.title = "Pencarian".to_string();
    search_page.jenis = Kind::Halaman.as_str();
    search_page.jenis_label = Kind::Halaman.label();
    search_page.url = model.ctx.urls.cari.clone();
    search_page.permalink = model.absolute(&search_page.url);
    search_page.menu_aktif = model.menu_aktif(&search_page.url);
    search_page.breadcrumbs.truncate(1);
    let mut search_ctx = base_context(model, templates, search_page.menu_aktif.as_ref());
    search_ctx.insert("page", &search_page);
    if let Ok(html) = templates
        .render("cari.html", &search_ctx, &theme_at)
        .map_err(|d| diags.push(d))
    {
        facts_of("cari/index.html", &html);
        files.push(("cari/index.html".into(), html.into_bytes()));
    }
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

/// Link targets in site.toml whose scheme runs script (HTML-002); those in
/// page data are found where the page context resolves its links
/// (`Model::page_ctx`).
fn unsafe_urls(model: &Model<'_>, site: &Site) -> Vec<Diagnostic> {
    let value = serde_json::to_value(&site.config).unwrap_or_default();
    let shown = site.shown.join("site.toml");
    let text = &site.toml_text;
    model
        .html
        .unsafe_urls(&value)
        .into_iter()
        .map(|(field, written, scheme)| {
            // At the value as written, else at its key (an escaped value).
            let at = match text.find(written.trim()) {
                Some(off) => Location::at_offset(&shown, text, off),
                None => crate::rules::key_at(&shown, text, &field),
            };
            Diagnostic::new(at, Message::UnsafeUrl { field, scheme })
        })
        .collect()
}

/// What the sink stored; its refusal of a path (the writer's own check of
/// the trust boundary) is a finding of this site, not a stop of the run.
fn stored<E>(
    r: Result<E, Error>,
    site: &Site,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<E>, Error> {
    match r {
        Ok(e) => Ok(Some(e)),
        Err(Error::UnsafeOutput { path, problem }) => {
            diags.push(Diagnostic::new(
                Location::file(&site.shown),
                Message::UnsafePath { path, problem },
            ));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Drops every output whose path runs through another output's file (an
/// alias `/a.html/` beside an alias `/a.html`, a static `x/y` beside a
/// page file `x`): `KELUARAN-001` at the later one's source.
fn drop_file_folder_clashes(
    model: &Model<'_>,
    tree: &ContentTree,
    plan: &mut Vec<(String, Planned)>,
    statics: &mut BTreeMap<&str, Src<'_>>,
    diags: &mut Vec<Diagnostic>,
) {
    let files: rustc_hash::FxHashSet<&str> = plan
        .iter()
        .map(|(p, _)| p.as_str())
        .chain(statics.keys().copied())
        .chain(crate::render::site::GENERATED.iter().copied())
        .collect();
    // The file each output's folder would be, if one is (found before
    // anything is taken out: the set borrows the plan's paths).
    let clash = |path: &str| -> Option<String> {
        memchr::memchr_iter(b'/', path.as_bytes())
            .map(|i| &path[..i])
            .find(|dir| files.contains(*dir))
            .map(str::to_string)
    };
    let plan_clashes: Vec<Option<String>> = plan.iter().map(|(p, _)| clash(p)).collect();
    let static_clashes: Vec<Option<String>> = statics.keys().map(|p| clash(p)).collect();
    drop(files);
    let mut report = |output: &str, file: String, at: Location| {
        diags.push(Diagnostic::new(
            at,
            Message::DuplicateOutput {
                output: output.to_string(),
                other: PathBuf::from(file),
            },
        ));
    };
    let mut clashes = plan_clashes.into_iter();
    plan.retain(|(path, item)| match clashes.next().flatten() {
        None => true,
        Some(file) => {
            let at = match owner_of(model, item) {
                Some(i) => Location::file(&tree.pages[i].shown),
                None => Location::file(model.site.shown.join("content")),
            };
            report(path, file, at);
            false
        }
    });
    let site_files: HashMap<&str, &Path> = tree
        .assets
        .iter()
        .map(|a| (a.out.as_str(), a.shown.as_path()))
        .collect();
    let mut clashes = static_clashes.into_iter();
    statics.retain(|path, _| match clashes.next().flatten() {
        None => true,
        Some(file) => {
            let shown = site_files.get(path).map_or_else(
                || {
                    Path::new(crate::render::THEME_DIR)
                        .join("static")
                        .join(path)
                },
                |p| p.to_path_buf(),
            );
            report(path, file, Location::file(shown));
            false
        }
    });
}

/// Output path → source of the static files: the theme's, with the site's
/// of the same path over them (a regency replaces `assets/lambang.svg`
/// that way). A site file on the path of a page or of a file laman
/// generates is refused (`KELUARAN-001`): those are laman's.
fn choose_statics<'t>(
    theme: &'t Theme,
    tree: &'t ContentTree,
    plan: &[(String, Planned)],
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<&'t str, Src<'t>> {
    let mut chosen: BTreeMap<&str, Src<'t>> = BTreeMap::new();
    for f in &theme.statics {
        chosen.insert(f.rel.as_str(), f.src());
    }
    let planned: HashSet<&str> = plan.iter().map(|(o, _)| o.as_str()).collect();
    for a in &tree.assets {
        let other = if planned.contains(a.out.as_str()) {
            Some("content/")
        } else if crate::render::site::is_generated(&a.out) {
            Some("(laman)")
        } else {
            None
        };
        if let Some(other) = other {
            diags.push(Diagnostic::new(
                Location::file(a.shown.clone()),
                Message::DuplicateOutput {
                    output: a.out.clone(),
                    other: PathBuf::from(other),
                },
            ));
            continue;
        }
        chosen.insert(a.out.as_str(), Src::File(a.src.as_path()));
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_handed_over_in_order_without_room_to_spare() {
        let mut one = Vec::with_capacity(4);
        one.push("MUTAKHIR-002");
        let mut local = Vec::new();
        hand_over(&mut local, one);
        assert_eq!(local, ["MUTAKHIR-002"]);
        assert_eq!(local.capacity(), 1);
        hand_over(&mut local, vec!["KONTEN-020", "AKSES-001"]);
        assert_eq!(local, ["MUTAKHIR-002", "KONTEN-020", "AKSES-001"]);
        hand_over(&mut local, Vec::new());
        assert_eq!(local.len(), 3);
    }
}
