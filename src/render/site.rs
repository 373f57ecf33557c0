//! One site as the templates see it: the link map for `@/` targets, the
//! sections with their sorted and paginated pages, the output plan (which
//! file each page, list page and alias writes, with duplicates reported),
//! and the `site`/`page`/`section`/`home` contexts.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;

use crate::config::RegencyConfig;
use crate::content::kinds::{Kind, KindData, SortBy};
use crate::content::{ContentTree, SourcePage, url_for_dir};
use crate::diagnostic::{Diagnostic, Location, Message};
use crate::markdown::{self, BodyHtml, Links, Rendered, SourceRef};
use crate::registry::Site;
use crate::render::context::*;
use crate::trust::html::HtmlPolicy;

/// Inputs of the render stage that are not content.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// Absolute base URL of the site, no trailing slash.
    pub base_url: String,
    /// Build time.
    pub now: DateTime<Utc>,
}

/// A section: a folder of pages.
#[derive(Debug, Clone)]
pub struct Section {
    /// Folder below content/, as written ("" = root).
    pub dir: String,
    /// URL path.
    pub url_path: String,
    /// Its `_index.md`, if any (index into `tree.pages`).
    pub index: Option<usize>,
    /// Pages listed in it, sorted.
    pub pages: Vec<usize>,
    /// Child sections (indices into `Model::sections`).
    pub children: Vec<usize>,
    /// Title.
    pub title: String,
    /// Pages per list page (0 = all).
    pub paginate_by: usize,
}

impl Section {
    /// Number of list pages.
    pub fn pager_count(&self) -> usize {
        if self.dir.is_empty() || self.paginate_by == 0 {
            1
        } else {
            self.pages.len().div_ceil(self.paginate_by).max(1)
        }
    }

    /// URL path of list page `n` (1-based).
    pub fn pager_path(&self, n: usize) -> String {
        if n <= 1 {
            self.url_path.clone()
        } else {
            format!("{}halaman/{n}/", self.url_path)
        }
    }
}

/// Files every site gets from laman itself; a page may not write them.
pub const GENERATED: &[&str] = &[
    "404.html",
    "cari/index.html",
    "cari/indeks.json",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    ".well-known/security.txt",
    "_headers",
    "_redirects",
    "layanan.json",
    "dip.json",
    "kontak.json",
    "sites.json",
];

/// Folders whose every file laman generates (the search page and its
/// index, `/.well-known/`).
pub const GENERATED_DIRS: &[&str] = &["cari/", ".well-known/"];

/// Whether laman generates the file at output path `path` (a page, static
/// file or alias there would replace it).
pub fn is_generated(path: &str) -> bool {
    GENERATED.contains(&path)
        || GENERATED_DIRS.iter().any(|d| path.starts_with(d))
        || path.eq_ignore_ascii_case("_headers")
        || path.eq_ignore_ascii_case("_redirects")
}

/// What an output file is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// A page (index into `tree.pages`).
    Page(usize),
    /// List page `n` of a section.
    Pager {
        /// Index into `Model::sections`.
        section: usize,
        /// 1-based.
        number: usize,
    },
    /// A redirect page for an alias of a page.
    Alias {
        /// The page.
        page: usize,
        /// The alias as written.
        from: String,
    },
}

/// Which lists of the `home` context to make again
/// ([`Model::home_ctx_patched`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct HomeParts {
    /// The newest news.
    pub berita: bool,
    /// The service standards.
    pub layanan: bool,
    /// The top-level pages and sections.
    pub halaman: bool,
}

/// The site ready to render.
#[derive(Debug)]
pub struct Model<'a> {
    /// The agency.
    pub site: &'a Site,
    /// The regency.
    pub config: &'a RegencyConfig,
    /// Its content.
    pub tree: &'a ContentTree,
    /// `@/` resolution.
    pub links: Links,
    /// Sections, root first.
    pub sections: Vec<Section>,
    /// `site` of every template.
    pub ctx: SiteCtx,
    /// Options.
    pub opts: SiteOptions,
    /// Problems found while assembling (menu links …).
    pub diagnostics: Vec<Diagnostic>,
    /// The sanitizer of raw HTML in page bodies (the regency's iframe hosts).
    pub html: std::sync::Arc<HtmlPolicy>,
    /// The JSON-LD every page shares (made when the first page needs it).
    pub jsonld: std::sync::OnceLock<crate::render::jsonld::SiteLd>,
    /// `ctx` as the templates' value, made once for all the site's pages.
    pub site_value: std::sync::OnceLock<minijinja::value::Value>,
    /// The theme's `menu.html` as rendered for each entry it can mark
    /// (`menu_html` of every template), made when the first page needs it.
    pub menus: std::sync::OnceLock<Menus>,
}

/// `menu.html` rendered once for each value `page.menu_aktif` can take
/// on a site's pages: a loop over the menu in every page's template took
/// 6 % of a 1 × 10,000 build (#14).
#[derive(Debug, Default)]
pub struct Menus {
    /// Each value of `page.menu_aktif` and the HTML made for it.
    pub variants: Vec<(Option<MenuAktif>, minijinja::value::Value)>,
    /// Why `menu.html` could not be rendered, once for the site.
    pub failure: Option<Diagnostic>,
}

impl Menus {
    /// Every value of `page.menu_aktif` on a site with `menu`: none, and
    /// each entry's URL as the page itself or as where the page is under.
    pub fn marks(menu: &[LinkCtx]) -> Vec<Option<MenuAktif>> {
        let mut urls: Vec<&str> = menu.iter().map(|m| m.url.as_str()).collect();
        urls.sort_unstable();
        urls.dedup();
        std::iter::once(None)
            .chain(urls.into_iter().flat_map(|url| {
                ["page", "true"].map(|aria| {
                    Some(MenuAktif {
                        url: url.to_string(),
                        aria,
                    })
                })
            }))
            .collect()
    }

    /// The HTML made for `mark`.
    pub fn html(&self, mark: Option<&MenuAktif>) -> Option<&minijinja::value::Value> {
        self.variants
            .iter()
            .find(|(m, _)| m.as_ref() == mark)
            .map(|(_, v)| v)
    }
}

impl<'a> Model<'a> {
    /// Assembles the model of `site`.
    pub fn new(
        site: &'a Site,
        config: &'a RegencyConfig,
        tree: &'a ContentTree,
        opts: SiteOptions,
        frame_ids: super::PageIds,
    ) -> Self {
        let base_path = base_path_of(&opts.base_url);
        let links = Links::new(link_map(tree), &base_path);
        let sections = build_sections(tree, config.build.paginate_by, opts_zone(config));
        let mut model = Model {
            site,
            config,
            tree,
            links,
            sections,
            ctx: placeholder_ctx(),
            opts,
            diagnostics: Vec::new(),
            html: std::sync::Arc::new(HtmlPolicy::for_page(&site.trust.iframe_hosts, frame_ids)),
            jsonld: std::sync::OnceLock::new(),
            site_value: std::sync::OnceLock::new(),
            menus: std::sync::OnceLock::new(),
        };
        model.ctx = model.site_ctx(&base_path);
        model
    }

    /// The JSON-LD every page of the site shares.
    fn site_ld(&self) -> &crate::render::jsonld::SiteLd {
        self.jsonld.get_or_init(|| {
            crate::render::jsonld::SiteLd::new(&self.ctx, &origin_of(&self.opts.base_url))
        })
    }

    /// The regency's UTC offset.
    pub fn zone(&self) -> FixedOffset {
        opts_zone(self.config)
    }

    /// Absolute URL of a root-relative path (which already has the base path).
    pub fn absolute(&self, url: &str) -> String {
        let origin = origin_of(&self.opts.base_url);
        format!("{origin}{url}")
    }

    /// Every output file with what makes it; duplicates become diagnostics
    /// on the later source and are left out of the plan.
    pub fn plan(&self) -> (Vec<(String, Planned)>, Vec<Diagnostic>) {
        // The file that claimed each output (laman's own: `is_generated`).
        let mut seen: rustc_hash::FxHashMap<String, std::path::PathBuf> =
            rustc_hash::FxHashMap::default();
        seen.reserve(self.tree.pages.len() + self.sections.len());
        let mut plan = Vec::new();
        let mut diags = Vec::new();
        let laman = std::path::PathBuf::from("(laman)");
        let mut claim =
            |out: String, planned: Planned, shown: &std::path::Path, at: Location| match seen
                .get(&out)
                .or(is_generated(&out).then_some(&laman))
            {
                Some(other) => diags.push(Diagnostic::new(
                    at,
                    Message::DuplicateOutput {
                        output: out,
                        other: other.clone(),
                    },
                )),
                None => {
                    seen.insert(out.clone(), shown.to_path_buf());
                    plan.push((out, planned));
                }
            };
        for (i, p) in self
            .tree
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.is_section)
        {
            claim(
                index_file(&p.url_path),
                Planned::Page(i),
                &p.shown,
                Location::file(&p.shown),
            );
        }
        for (s, sec) in self.sections.iter().enumerate() {
            let shown = sec.index.map_or_else(
                || self.site.shown.join("content").join(&sec.dir),
                |i| self.tree.pages[i].shown.clone(),
            );
            for n in 1..=sec.pager_count() {
                claim(
                    index_file(&sec.pager_path(n)),
                    Planned::Pager {
                        section: s,
                        number: n,
                    },
                    &shown,
                    Location::file(&shown),
                );
            }
        }
        for (i, p) in self.tree.pages.iter().enumerate() {
            // An alias with a query (`/?p=123`) has no file: only its
            // `_redirects` line answers it.
            for alias in p.common.aliases.iter().filter(|a| !a.contains('?')) {
                let off = p.text.find(alias.as_str()).unwrap_or(0);
                claim(
                    alias_file(alias),
                    Planned::Alias {
                        page: i,
                        from: alias.clone(),
                    },
                    &p.shown,
                    Location::at_offset(&p.shown, &p.text, off),
                );
            }
        }
        (plan, diags)
    }

    /// Renders the body of page `i` with the site's links and HTML policy.
    pub fn render_body(&self, i: usize) -> Rendered {
        self.render_body_of(i, &self.tree.pages[i].text)
    }

    /// [`Model::render_body`] of page `i` whose whole file is `text` (a
    /// build takes the texts out of the tree: `ContentTree::take_sources`).
    pub fn render_body_of(&self, i: usize, text: &str) -> Rendered {
        let p = &self.tree.pages[i];
        markdown::render(
            SourceRef {
                shown: &p.shown,
                text,
                body_offset: p.body_offset,
            },
            &self.links,
            &self.html,
        )
    }

    /// The `page` context of page `i`, whose body's HTML is `html` (in a
    /// build, the page's own: `body` no longer has it); broken `@/` links
    /// in its data are added to `diags`.
    pub fn page_ctx(
        &self,
        i: usize,
        body: &Rendered,
        html: &BodyHtml,
        diags: &mut Vec<Diagnostic>,
    ) -> PageCtx {
        let p = &self.tree.pages[i];
        let mut data = serde_json::to_value(&p.data).unwrap_or(Value::Null);
        self.resolve_data(&mut data, p, diags);
        let url = self.links.url(&p.url_path);
        let menu_aktif = self.menu_aktif(&url);
        let mut ctx = PageCtx {
            title: p.title(),
            description: describe(p, body),
            lead: p.common.description.clone(),
            permalink: self.absolute(&url),
            url,
            jenis: p.jenis().as_str(),
            jenis_label: p.jenis().label(),
            date: p.common.date.as_ref().map(DateCtx::from),
            updated: p.common.updated.as_ref().map(DateCtx::from),
            content: html.text().into_owned(),
            data,
            extra: p.common.extra.clone().unwrap_or(Value::Null),
            headings: body.headings.clone(),
            breadcrumbs: self.breadcrumbs(p),
            jsonld: String::new(),
            menu_aktif,
        };
        ctx.jsonld = crate::render::jsonld::page(self.site_ld(), &self.ctx, &ctx, &p.data);
        ctx
    }

    /// `page.menu_aktif` of the page at `url`.
    pub fn menu_aktif(&self, url: &str) -> Option<MenuAktif> {
        MenuAktif::of(&self.ctx.menu, url, &self.ctx.urls.home)
    }

    /// The `page` context of a section without `_index.md`.
    pub fn bare_section_ctx(&self, s: usize) -> PageCtx {
        let sec = &self.sections[s];
        let url = self.links.url(&sec.url_path);
        let menu_aktif = self.menu_aktif(&url);
        let jenis = if sec.dir.is_empty() {
            Kind::Beranda
        } else {
            Kind::Bagian
        };
        let (title, description) = if sec.dir.is_empty() {
            let c = &self.site.config;
            (
                c.nama_resmi.clone(),
                c.deskripsi.clone().unwrap_or_else(|| c.nama_resmi.clone()),
            )
        } else {
            (
                sec.title.clone(),
                format!("{} — {}", sec.title, self.site.config.nama_resmi),
            )
        };
        let mut ctx = PageCtx {
            title,
            description,
            lead: None,
            permalink: self.absolute(&url),
            url,
            jenis: jenis.as_str(),
            jenis_label: jenis.label(),
            date: None,
            updated: None,
            content: String::new(),
            data: serde_json::to_value(KindData::empty(jenis)).unwrap_or(Value::Null),
            extra: Value::Null,
            headings: Vec::new(),
            breadcrumbs: self.crumbs_for_dir(parent_dir(&sec.dir)),
            jsonld: String::new(),
            menu_aktif,
        };
        ctx.jsonld =
            crate::render::jsonld::page(self.site_ld(), &self.ctx, &ctx, &KindData::empty(jenis));
        ctx
    }

    /// A list entry for page `i`.
    pub fn summary(&self, i: usize, body: &Rendered) -> PageSummary {
        let p = &self.tree.pages[i];
        PageSummary {
            title: p.title(),
            url: self.links.url(&p.url_path),
            description: describe(p, body),
            date: p.common.date.as_ref().map(DateCtx::from),
            jenis: p.jenis().as_str(),
            jenis_label: p.jenis().label(),
        }
    }

    /// The `section` context of list page `number` of section `s`.
    pub fn section_ctx(&self, s: usize, number: usize, bodies: &[Rendered]) -> SectionCtx {
        let sec = &self.sections[s];
        let per = if sec.paginate_by == 0 || sec.dir.is_empty() {
            sec.pages.len().max(1)
        } else {
            sec.paginate_by
        };
        let total = sec.pager_count();
        let start = (number - 1) * per;
        let pages = sec
            .pages
            .iter()
            .skip(start)
            .take(per)
            .map(|&i| self.summary(i, &bodies[i]))
            .collect();
        let subsections = sec
            .children
            .iter()
            .map(|&c| LinkCtx {
                judul: self.sections[c].title.clone(),
                url: self.links.url(&self.sections[c].url_path),
            })
            .collect();
        SectionCtx {
            pages,
            subsections,
            paginator: PaginatorCtx {
                current: number,
                total,
                pages_total: sec.pages.len(),
                prev: (number > 1).then(|| self.links.url(&sec.pager_path(number - 1))),
                next: (number < total).then(|| self.links.url(&sec.pager_path(number + 1))),
            },
        }
    }

    /// Puts page `i` of section `s` (one of its listed pages, whose front
    /// matter changed) where [`sort_pages`] would put it, moving no other
    /// page: the section's order after a date, weight or title edit
    /// without sorting it again.
    pub fn reposition(&mut self, s: usize, i: usize) {
        let zone = self.zone();
        let pages = &self.tree.pages;
        let sort_by = self.sections[s].index.and_then(|k| pages[k].common.sort_by);
        let sec = &mut self.sections[s];
        let by = sort_order(&sec.pages, pages, sort_by);
        sec.pages.retain(|&k| k != i);
        let before = sort_order(&sec.pages, pages, sort_by);
        if by != before {
            // The page decides the order (it alone lacks a weight, or no
            // longer does): the section is sorted again.
            sec.pages.push(i);
            sort_pages(&mut sec.pages, pages, sort_by, zone);
            return;
        }
        let at = sec
            .pages
            .partition_point(|&k| compare_pages(by, pages, zone, k, i).is_lt());
        sec.pages.insert(at, i);
    }

    /// The `site` context (and the findings of its menu) again, after a
    /// page's front matter changed.
    pub fn refresh_ctx(&mut self) {
        self.diagnostics.clear();
        let base_path = base_path_of(&self.opts.base_url);
        self.ctx = self.site_ctx(&base_path);
        self.site_value = std::sync::OnceLock::new();
        self.menus = std::sync::OnceLock::new();
    }

    /// `site` of every template, as the templates' value (made once).
    pub fn site_value(&self) -> minijinja::value::Value {
        self.site_value
            .get_or_init(|| minijinja::value::Value::from(minijinja::value::Serde(&self.ctx)))
            .clone()
    }

    /// The `home` context, with the parts `redo` does not name taken from
    /// `old` (the last render's): after an edit of one page, only the lists
    /// it can be on are made again.
    pub fn home_ctx_patched(&self, bodies: &[Rendered], old: &HomeCtx, redo: HomeParts) -> HomeCtx {
        HomeCtx {
            berita: if redo.berita {
                self.home_berita(bodies)
            } else {
                old.berita.clone()
            },
            layanan: if redo.layanan {
                self.home_layanan(bodies)
            } else {
                old.layanan.clone()
            },
            halaman: if redo.halaman {
                self.home_halaman(bodies)
            } else {
                old.halaman.clone()
            },
        }
    }

    /// The `home` context.
    pub fn home_ctx(&self, bodies: &[Rendered]) -> HomeCtx {
        HomeCtx {
            berita: self.home_berita(bodies),
            layanan: self.home_layanan(bodies),
            halaman: self.home_halaman(bodies),
        }
    }

    /// `home.berita`: the five newest news items.
    fn home_berita(&self, bodies: &[Rendered]) -> Vec<PageSummary> {
        let mut berita: Vec<usize> = self.indices_of(Kind::Berita);
        let (pages, zone) = (&self.tree.pages, self.zone());
        let by_date = |&a: &usize, &b: &usize| compare_pages(SortBy::Date, pages, zone, a, b);
        // The first five in order, without sorting the rest.
        if berita.len() > 5 {
            berita.select_nth_unstable_by(4, by_date);
            berita.truncate(5);
        }
        berita.sort_by(by_date);
        berita
            .iter()
            .map(|&i| self.summary(i, &bodies[i]))
            .collect()
    }

    /// `home.layanan`: every service standard, by weight.
    fn home_layanan(&self, bodies: &[Rendered]) -> Vec<PageSummary> {
        let layanan = self.sorted_of(Kind::StandarPelayanan, SortBy::Weight);
        layanan
            .iter()
            .map(|&i| self.summary(i, &bodies[i]))
            .collect()
    }

    /// `home.halaman`: the top-level pages and sections.
    fn home_halaman(&self, bodies: &[Rendered]) -> Vec<PageSummary> {
        let root = &self.sections[0];
        let mut halaman: Vec<PageSummary> = root
            .pages
            .iter()
            .map(|&i| self.summary(i, &bodies[i]))
            .collect();
        halaman.extend(root.children.iter().map(|&c| {
            let sec = &self.sections[c];
            match sec.index {
                Some(i) => self.summary(i, &bodies[i]),
                None => PageSummary {
                    title: sec.title.clone(),
                    url: self.links.url(&sec.url_path),
                    description: String::new(),
                    date: None,
                    jenis: Kind::Bagian.as_str(),
                    jenis_label: Kind::Bagian.label(),
                },
            }
        }));
        halaman
    }

    /// Pages of kind `jenis`, in path order.
    pub fn indices_of(&self, jenis: Kind) -> Vec<usize> {
        self.tree
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.jenis() == jenis)
            .map(|(i, _)| i)
            .collect()
    }

    /// Pages of kind `jenis`, in `order`.
    pub fn sorted_of(&self, jenis: Kind, order: SortBy) -> Vec<usize> {
        let mut idx = self.indices_of(jenis);
        sort_pages(&mut idx, &self.tree.pages, Some(order), self.zone());
        idx
    }

    fn resolve_data(&self, v: &mut Value, p: &SourcePage, diags: &mut Vec<Diagnostic>) {
        match v {
            Value::String(s) if s.starts_with("@/") => match self.links.resolve(s) {
                Some(url) => *s = url,
                None => {
                    let off = p.text[..p.body_offset].find(s.as_str()).unwrap_or(0);
                    diags.push(Diagnostic::new(
                        Location::at_offset(&p.shown, &p.text, off),
                        Message::BrokenInternalLink { target: s.clone() },
                    ));
                    *s = "#".to_string();
                }
            },
            Value::Array(items) => items
                .iter_mut()
                .for_each(|x| self.resolve_data(x, p, diags)),
            Value::Object(map) => {
                for (key, x) in map.iter_mut() {
                    match x {
                        // A link target that runs script (HTML-002) never
                        // reaches an `href`, where escaping would not stop it.
                        Value::String(url) if crate::trust::html::is_url_key(key) => {
                            if let Some(scheme) = crate::trust::html::script_scheme(url) {
                                let front = &p.text[..p.body_offset];
                                let at = match front.find(url.trim()) {
                                    Some(off) => Location::at_offset(&p.shown, &p.text, off),
                                    None => crate::rules::key_at(&p.shown, front, key),
                                };
                                diags.push(Diagnostic::new(
                                    at,
                                    Message::UnsafeUrl {
                                        field: key.clone(),
                                        scheme,
                                    },
                                ));
                                *url = "#".to_string();
                            } else {
                                self.resolve_data(x, p, diags);
                            }
                        }
                        _ => self.resolve_data(x, p, diags),
                    }
                }
            }
            _ => {}
        }
    }

    fn breadcrumbs(&self, p: &SourcePage) -> Vec<LinkCtx> {
        if p.is_section && p.section_dir.as_deref() == Some("") {
            return Vec::new();
        }
        let dir = if p.is_section {
            parent_dir(p.section_dir.as_deref().unwrap_or(""))
        } else {
            p.parent.as_str()
        };
        self.crumbs_for_dir(dir)
    }

    fn crumbs_for_dir(&self, dir: &str) -> Vec<LinkCtx> {
        let mut out = vec![LinkCtx {
            judul: "Beranda".to_string(),
            url: self.ctx.urls.home.clone(),
        }];
        let mut acc = String::new();
        for part in dir.split('/').filter(|s| !s.is_empty()) {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(part);
            if let Some(sec) = self.sections.iter().find(|s| s.dir == acc) {
                out.push(LinkCtx {
                    judul: sec.title.clone(),
                    url: self.links.url(&sec.url_path),
                });
            }
        }
        out
    }

    fn first_url(&self, jenis: Kind) -> Option<String> {
        self.tree
            .pages
            .iter()
            .find(|p| p.jenis() == jenis)
            .map(|p| self.links.url(&p.url_path))
    }

    fn site_ctx(&mut self, base_path: &str) -> SiteCtx {
        let c = &self.site.config;
        let region = &self.config.region;
        let home = format!("{base_path}/");
        let layanan = self
            .tree
            .pages
            .iter()
            .find(|p| p.jenis() == Kind::StandarPelayanan && !p.parent.is_empty())
            .map(|p| self.links.url(&url_for_dir(&p.parent)));
        let urls = SpecialUrls {
            home: home.clone(),
            cari: format!("{base_path}/cari/"),
            feed: (!self.indices_of(Kind::Berita).is_empty())
                .then(|| format!("{base_path}/atom.xml")),
            maklumat: self.first_url(Kind::MaklumatPelayanan),
            pengaduan: self.first_url(Kind::Pengaduan),
            ppid: self.first_url(Kind::Ppid),
            kontak: self.first_url(Kind::Kontak),
            layanan,
            dip: self.first_url(Kind::DaftarInformasiPublik),
            informasi_berkala: self.first_url(Kind::InformasiBerkala),
            berita: self
                .tree
                .pages
                .iter()
                .find(|p| p.jenis() == Kind::Berita)
                .map(|p| self.links.url(&url_for_dir(&p.parent))),
            kebijakan_privasi: self.first_url(Kind::KebijakanPrivasi),
            aksesibilitas: self.first_url(Kind::PernyataanAksesibilitas),
        };
        let menu = self.menu(&home);
        SiteCtx {
            slug: self.site.slug.clone(),
            fqdn: self.site.fqdn.clone(),
            base_url: self.opts.base_url.clone(),
            base_path: base_path.to_string(),
            nama_resmi: c.nama_resmi.clone(),
            singkatan: c
                .singkatan
                .clone()
                .unwrap_or_else(|| self.site.subdomain.as_str().to_uppercase()),
            deskripsi: c.deskripsi.clone(),
            alamat: c.alamat.as_ref().map(crate::registry::Alamat::one_line),
            alamat_detail: c.alamat.clone(),
            telepon: c.telepon.clone(),
            email: c.email.clone(),
            jam_layanan: c.jam_layanan.clone(),
            ppid: c.ppid.clone(),
            kanal_pengaduan: c.kanal_pengaduan.clone(),
            melayani_publik: c.melayani_publik.unwrap_or(true),
            menu,
            region: RegionCtx {
                government: format!("Pemerintah {}", region.name),
                name: region.name.clone(),
                domain: region.domain.clone(),
                portal: region.portal_url(),
                contoh: region.contoh,
            },
            urls,
            assets: AssetUrls {
                css: format!("{base_path}/assets/laman.css"),
                search_js: format!("{base_path}/assets/cari.js"),
                lambang: region
                    .lambang
                    .clone()
                    .unwrap_or_else(|| format!("{base_path}/assets/lambang.svg")),
                search_index: format!("{base_path}/cari/indeks.json"),
            },
            year: self
                .opts
                .now
                .with_timezone(&self.zone())
                .format("%Y")
                .to_string()
                .parse()
                .unwrap_or(1970),
        }
    }

    /// The menu of site.toml (with `@/` resolved), or a default one.
    fn menu(&mut self, home: &str) -> Vec<LinkCtx> {
        let shown = self.site.shown.join("site.toml");
        if !self.site.config.menu.is_empty() {
            let mut out = Vec::new();
            for item in &self.site.config.menu {
                match self.links.resolve(&item.url) {
                    Some(url) => out.push(LinkCtx {
                        judul: item.judul.clone(),
                        url,
                    }),
                    None => self.diagnostics.push(Diagnostic::new(
                        menu_location(&self.site.toml_text, &shown, &item.url),
                        Message::BrokenInternalLink {
                            target: item.url.clone(),
                        },
                    )),
                }
            }
            return out;
        }
        let mut out = vec![LinkCtx {
            judul: "Beranda".to_string(),
            url: home.to_string(),
        }];
        let root = &self.sections[0];
        let mut entries: Vec<(i64, String, String)> = root
            .pages
            .iter()
            .map(|&i| &self.tree.pages[i])
            .filter(|p| p.common.weight.is_some())
            .map(|p| {
                (
                    p.common.weight.unwrap_or(0),
                    p.title(),
                    self.links.url(&p.url_path),
                )
            })
            .collect();
        for &c in &root.children {
            let sec = &self.sections[c];
            let w = sec
                .index
                .and_then(|i| self.tree.pages[i].common.weight)
                .unwrap_or(i64::MAX / 2);
            entries.push((w, sec.title.clone(), self.links.url(&sec.url_path)));
        }
        entries.sort();
        out.extend(
            entries
                .into_iter()
                .take(8)
                .map(|(_, judul, url)| LinkCtx { judul, url }),
        );
        out
    }
}

/// What `@/` targets resolve to: every page's path below content/ → its
/// URL path, and `<dir>/_index.md` → the folder's URL for a section without
/// one.
pub fn link_map(tree: &ContentTree) -> Vec<(String, String)> {
    let mut map: Vec<(String, String)> = tree
        .pages
        .iter()
        .map(|p| (p.rel.clone(), p.url_path.clone()))
        .collect();
    let indexed: std::collections::HashSet<&str> = tree
        .pages
        .iter()
        .filter(|p| p.is_section)
        .map(|p| p.rel.as_str())
        .collect();
    for dir in &tree.sections {
        let key = if dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{dir}/_index.md")
        };
        if !indexed.contains(key.as_str()) {
            map.push((key, url_for_dir(dir)));
        }
    }
    map
}

fn menu_location(text: &str, shown: &std::path::Path, needle: &str) -> Location {
    let off = text.find(needle).unwrap_or(0);
    Location::at_offset(shown, text, off)
}

fn placeholder_ctx() -> SiteCtx {
    SiteCtx {
        slug: String::new(),
        fqdn: String::new(),
        base_url: String::new(),
        base_path: String::new(),
        nama_resmi: String::new(),
        singkatan: String::new(),
        deskripsi: None,
        alamat: None,
        alamat_detail: None,
        telepon: None,
        email: None,
        jam_layanan: None,
        ppid: None,
        kanal_pengaduan: Vec::new(),
        melayani_publik: true,
        menu: Vec::new(),
        region: RegionCtx {
            name: String::new(),
            government: String::new(),
            domain: String::new(),
            portal: String::new(),
            contoh: false,
        },
        urls: SpecialUrls::default(),
        assets: AssetUrls {
            css: String::new(),
            search_js: String::new(),
            lambang: String::new(),
            search_index: String::new(),
        },
        year: 1970,
    }
}

fn opts_zone(config: &RegencyConfig) -> FixedOffset {
    config.region.offset()
}

/// The path part of a base URL, without trailing slash (`""` for a bare host).
pub fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].trim_end_matches('/').to_string(),
        None => String::new(),
    }
}

fn origin_of(base_url: &str) -> String {
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("https", base_url));
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(p, _)| p)
}

/// Output file of a URL path: `/a/b/` → `a/b/index.html`.
pub fn index_file(url_path: &str) -> String {
    format!("{}index.html", url_path.trim_start_matches('/'))
}

/// Output file of an alias: `/lama/` → `lama/index.html`, `/a.html` → `a.html`.
pub fn alias_file(alias: &str) -> String {
    let a = alias.trim_start_matches('/');
    if a.ends_with(".html") || a.ends_with(".htm") {
        a.to_string()
    } else if a.is_empty() {
        "index.html".to_string()
    } else {
        format!("{}/index.html", a.trim_end_matches('/'))
    }
}

fn describe(p: &SourcePage, body: &Rendered) -> String {
    if let Some(d) = &p.common.description {
        return d.clone();
    }
    excerpt(&body.plain, 160)
}

/// The first `max` characters of `text`, cut at a word, with `…`.
pub fn excerpt(text: &str, max: usize) -> String {
    Excerpt::of(text, max).to_string()
}

/// [`excerpt`] as a slice of its text, made into a string only where it is
/// written (the search index holds one per page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Excerpt<'a> {
    /// The text kept.
    pub kept: &'a str,
    /// True when the text was cut (an `…` follows).
    pub cut: bool,
}

impl<'a> Excerpt<'a> {
    /// The first `max` characters of `text`, cut at a word.
    pub fn of(text: &'a str, max: usize) -> Self {
        // Byte offset of character number `max`, if the text has more.
        let Some((end, _)) = text.char_indices().nth(max) else {
            return Excerpt {
                kept: text,
                cut: false,
            };
        };
        let kept = &text[..end];
        let kept = kept.rsplit_once(' ').map_or(kept, |(a, _)| a);
        Excerpt {
            kept: kept.trim_end_matches([',', '.', ';', ':']),
            cut: true,
        }
    }
}

impl std::fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kept)?;
        if self.cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

impl serde::Serialize for Excerpt<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.cut {
            s.collect_str(self)
        } else {
            s.serialize_str(self.kept)
        }
    }
}

fn build_sections(tree: &ContentTree, paginate_by: usize, zone: FixedOffset) -> Vec<Section> {
    let mut sections: Vec<Section> = tree
        .sections
        .iter()
        .map(|dir| {
            let index = tree
                .pages
                .iter()
                .position(|p| p.section_dir.as_deref() == Some(dir.as_str()));
            let title = index
                .map(|i| tree.pages[i].title())
                .unwrap_or_else(|| title_from_dir(dir));
            let per = index
                .and_then(|i| tree.pages[i].common.paginate_by)
                .unwrap_or(paginate_by);
            Section {
                dir: dir.clone(),
                url_path: url_for_dir(dir),
                index,
                pages: Vec::new(),
                children: Vec::new(),
                title,
                paginate_by: per,
            }
        })
        .collect();
    let pos: BTreeMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.clone(), i))
        .collect();
    for (i, p) in tree.pages.iter().enumerate().filter(|(_, p)| !p.is_section) {
        if let Some(&s) = pos.get(&p.parent) {
            sections[s].pages.push(i);
        }
    }
    for s in 1..sections.len() {
        if let Some(&parent) = pos.get(parent_dir(&sections[s].dir)) {
            sections[parent].children.push(s);
        }
    }
    for sec in &mut sections {
        let sort_by = sec.index.and_then(|i| tree.pages[i].common.sort_by);
        sort_pages(&mut sec.pages, &tree.pages, sort_by, zone);
    }
    let children_sorted: Vec<Vec<usize>> = sections
        .iter()
        .map(|sec| {
            let mut c = sec.children.clone();
            c.sort_by_key(|&k| {
                let w = sections[k].index.and_then(|i| tree.pages[i].common.weight);
                (w.is_none(), w, sections[k].title.clone())
            });
            c
        })
        .collect();
    for (sec, c) in sections.iter_mut().zip(children_sorted) {
        sec.children = c;
    }
    sections
}

fn title_from_dir(dir: &str) -> String {
    let last = dir
        .rsplit('/')
        .next()
        .unwrap_or(dir)
        .replace(['-', '_'], " ");
    let mut chars = last.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// Orders `idx` by `sort_by`; without one, by weight when every page has a
/// weight, else newest first. Ties by title, then path.
pub fn sort_pages(
    idx: &mut [usize],
    pages: &[SourcePage],
    sort_by: Option<SortBy>,
    zone: FixedOffset,
) {
    let by = sort_order(idx, pages, sort_by);
    idx.sort_by(|&a, &b| compare_pages(by, pages, zone, a, b));
}

/// The order [`sort_pages`] gives `idx`: `sort_by`, else by weight when
/// every page has one, else by date.
pub fn sort_order(idx: &[usize], pages: &[SourcePage], sort_by: Option<SortBy>) -> SortBy {
    sort_by.unwrap_or_else(|| {
        if !idx.is_empty() && idx.iter().all(|&i| pages[i].common.weight.is_some()) {
            SortBy::Weight
        } else {
            SortBy::Date
        }
    })
}

/// Pages `a` and `b` in the order `by` (a total order: ties by title,
/// then path).
pub fn compare_pages(
    by: SortBy,
    pages: &[SourcePage],
    zone: FixedOffset,
    a: usize,
    b: usize,
) -> std::cmp::Ordering {
    let key_title = |a: usize, b: usize| {
        let (pa, pb) = (&pages[a], &pages[b]);
        match (&pa.common.title, &pb.common.title) {
            (Some(ta), Some(tb)) => ta.cmp(tb),
            _ => pa.title().cmp(&pb.title()),
        }
        .then_with(|| pa.rel.cmp(&pb.rel))
    };
    match by {
        SortBy::Date => {
            let da = pages[a].common.date.map(|d| d.timestamp(zone));
            let db = pages[b].common.date.map(|d| d.timestamp(zone));
            db.cmp(&da).then_with(|| key_title(a, b))
        }
        SortBy::Weight => {
            let wa = pages[a].common.weight;
            let wb = pages[b].common.weight;
            (wa.is_none(), wa)
                .cmp(&(wb.is_none(), wb))
                .then_with(|| key_title(a, b))
        }
        SortBy::Title => key_title(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_and_origins() {
        assert_eq!(base_path_of("https://dinkes.cianjurkab.go.id"), "");
        assert_eq!(
            base_path_of("http://127.0.0.1:8080/pratinjau/"),
            "/pratinjau"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080/pratinjau"),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn aliases_map_to_files() {
        assert_eq!(alias_file("/lama/"), "lama/index.html");
        assert_eq!(alias_file("/berita/lama.html"), "berita/lama.html");
        assert_eq!(alias_file("lama"), "lama/index.html");
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("satu dua tiga", 50), "satu dua tiga");
        assert_eq!(excerpt("satu dua tiga empat", 12), "satu dua…");
    }
}
