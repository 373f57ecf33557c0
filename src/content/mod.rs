//! Loading a site's content: every `content/**/*.md` becomes a `SourcePage`
//! (front matter parsed into its kind's schema, body kept as Markdown),
//! every other file under `content/` becomes an asset. Pages are read and
//! parsed in parallel; a broken page is a diagnostic and is left out, the
//! rest of the site loads.
//!
//! URLs: `profil.md` → `/profil/`, `berita/x.md` → `/berita/x/`,
//! `layanan/_index.md` → `/layanan/` (a section), `a/index.md` → `/a/`.
//! File and folder names are slugified for URLs; `@/` links use the file
//! path as written.

pub mod date;
pub mod front_matter;
pub mod kinds;
pub mod mistake;
pub mod placeholder;
pub mod source;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Location, Message};
use crate::registry::Site;
use front_matter::Located;
use kinds::{Common, Kind, KindData};

/// One Markdown source, parsed.
#[derive(Debug, Clone)]
pub struct SourcePage {
    /// Path below `content/` as written, e.g. `berita/banjir.md`.
    pub rel: String,
    /// Path shown to users, e.g. `sites/dinkes/content/berita/banjir.md`.
    pub shown: PathBuf,
    /// Whole file text.
    pub text: String,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
    /// Generic keys.
    pub common: Common,
    /// Kind and kind data.
    pub data: KindData,
    /// True for `_index.md` (the page of a section).
    pub is_section: bool,
    /// Root-relative URL path, always ending in `/`.
    pub url_path: String,
    /// The section (folder below `content/`, as written; "" for the root) this page is listed in.
    pub parent: String,
    /// For `_index.md`: the folder it describes.
    pub section_dir: Option<String>,
}

impl SourcePage {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The kind.
    pub fn jenis(&self) -> Kind {
        self.data.jenis()
    }

    /// Title, or one made from the file name.
    pub fn title(&self) -> String {
        if let Some(t) = &self.common.title {
            return t.clone();
        }
        let stem = self
            .rel
            .rsplit('/')
            .find(|s| !s.is_empty() && *s != "_index.md" && *s != "index.md")
            .unwrap_or("");
        let stem = stem.strip_suffix(".md").unwrap_or(stem);
        let mut t = stem.replace(['-', '_'], " ");
        if let Some(first) = t.get(..1) {
            t = first.to_uppercase() + &t[1..];
        }
        t
    }
}

/// A file copied as is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Source file.
    pub src: PathBuf,
    /// Source as shown to users.
    pub shown: PathBuf,
    /// Output path relative to the site root, `/`-separated.
    pub out: String,
}

/// A site's loaded content.
#[derive(Debug, Clone, Default)]
pub struct ContentTree {
    /// Pages and section pages, in path order.
    pub pages: Vec<SourcePage>,
    /// Every folder that holds pages, as written ("" = root).
    pub sections: Vec<String>,
    /// Non-Markdown files under content/ and static/.
    pub assets: Vec<Asset>,
    /// Problems met while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// Pages that could not be loaded, with the kind they declare (when it
    /// can be read): the rules report these as not evaluable, not as missing.
    pub unreadable: Vec<(PathBuf, Option<Kind>)>,
}

impl ContentTree {
    /// Takes every page's whole text out of the tree, leaving each page
    /// its front matter (`text` is then `text[..body_offset]`: every offset
    /// into the front matter still points where it did; `body()` is
    /// empty). A build hands the texts to `render::pipeline::render_site`,
    /// which frees each once its body and its text checks have read it:
    /// 26 MB of Markdown at 10,000 pages is not held through the pages and
    /// the rules (#14, peak memory).
    pub fn take_sources(&mut self) -> Vec<String> {
        self.pages
            .par_iter_mut()
            .map(|p| {
                let front = p.text.get(..p.body_offset).unwrap_or("").to_string();
                std::mem::replace(&mut p.text, front)
            })
            .collect()
    }
}

/// Options for loading.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep pages with `draft = true`.
    pub drafts: bool,
}

/// Loads `site`'s content/ and static/ folders.
pub fn load(site: &Site, opts: LoadOptions) -> ContentTree {
    let content_dir = site.dir.join("content");
    let content_shown = site.shown.join("content");
    let (files, mut diagnostics) = source::walk(&content_dir, &content_shown, &site.dir);
    let (md, other): (Vec<_>, Vec<_>) = files.into_iter().partition(|f| f.rel.ends_with(".md"));

    let results: Vec<Result<Option<SourcePage>, Diagnostic>> = md
        .par_iter()
        .map(|f| load_page(&f.path, &f.rel, &content_shown.join(&f.rel), opts))
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut unreadable = Vec::new();
    for (r, f) in results.into_iter().zip(&md) {
        match r {
            Ok(Some(p)) => pages.push(p),
            Ok(None) => {}
            Err(d) => {
                unreadable.push((content_shown.join(&f.rel), declared_jenis(&f.path)));
                diagnostics.push(d);
            }
        }
    }

    let sections = sections_of(&pages);

    let mut assets: Vec<Asset> = other
        .into_iter()
        .map(|f| Asset {
            out: asset_out_path(&f.rel),
            shown: content_shown.join(&f.rel),
            src: f.path,
        })
        .collect();
    let static_dir = site.dir.join("static");
    let (statics, static_diags) = source::walk(&static_dir, &site.shown.join("static"), &site.dir);
    diagnostics.extend(static_diags);
    let static_shown = site.shown.join("static");
    assets.extend(statics.into_iter().map(|f| Asset {
        shown: static_shown.join(&f.rel),
        out: f.rel,
        src: f.path,
    }));
    // Editor files that would leave the site's folder, or that a browser
    // would run, are refused (docs/security.md).
    assets.retain(|a| match admit_asset(a, &site.trust) {
        Ok(()) => true,
        Err(d) => {
            diagnostics.push(d);
            false
        }
    });

    ContentTree {
        pages,
        sections,
        assets,
        diagnostics,
        unreadable,
    }
}

/// The folders of `pages` that are sections (each page's folder and every
/// folder above it, the root included), sorted.
pub fn sections_of(pages: &[SourcePage]) -> Vec<String> {
    let mut sections: BTreeMap<String, ()> = BTreeMap::new();
    sections.insert(String::new(), ());
    for p in pages {
        let mut dir = p.section_dir.clone().unwrap_or_else(|| p.parent.clone());
        loop {
            if sections.insert(dir.clone(), ()).is_some() {
                break;
            }
            match dir.rfind('/') {
                Some(i) => dir.truncate(i),
                None if !dir.is_empty() => dir.clear(),
                None => break,
            }
        }
    }
    sections.into_keys().collect()
}

/// The order [`load`] gives pages: by path below content/, component by
/// component (a folder's files and subfolders sorted by name together).
pub fn page_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Loads one page of `site` again (`rel` is its path below content/, as
/// written), for a preview that re-renders only what changed. `Ok(None)`:
/// a draft left out.
pub fn load_one(
    site: &Site,
    rel: &str,
    opts: LoadOptions,
) -> Result<Option<SourcePage>, Diagnostic> {
    let shown = site.shown.join("content").join(rel);
    load_page(&site.dir.join("content").join(rel), rel, &shown, opts)
}

/// The `jenis` a broken file declares, read line by line (its front matter
/// did not parse as a whole).
fn declared_jenis(path: &Path) -> Option<Kind> {
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("jenis")?.trim_start();
        let value = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':'))?;
        Kind::parse(value.trim().trim_matches(['"', '\'']))
    })
}

fn load_page(
    path: &Path,
    rel: &str,
    shown: &Path,
    opts: LoadOptions,
) -> Result<Option<SourcePage>, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(
            Location::file(shown),
            Message::Unreadable {
                detail: e.to_string(),
            },
        )
    })?;
    let text = source::decode(bytes, shown).map_err(|d| *d)?;
    let at = |l: Located, text: &str| {
        Diagnostic::new(Location::at_offset(shown, text, l.offset), l.message)
            .with_source(text, l.width)
    };
    let split = front_matter::split(&text).map_err(|l| at(l, &text))?;
    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    let is_section = file_name == "_index.md";
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();

    // `jenis` first, to choose the schema the front matter is read into.
    let read = split.read();
    let jenis_name = read.jenis(&split);
    let jenis = match jenis_name.as_deref() {
        None if is_section && dir.is_empty() => Kind::Beranda,
        None if is_section => Kind::Bagian,
        None => Kind::Halaman,
        Some(name) => Kind::parse(name).ok_or_else(|| {
            let off = split
                .front
                .find("jenis")
                .map_or(split.front_offset, |i| split.front_offset + i);
            Diagnostic::new(
                Location::at_offset(shown, &text, off),
                Message::UnknownPageKind {
                    kind: name.to_string(),
                    suggestion: Kind::suggest(name).map(|j| j.as_str().to_string()),
                },
            )
            .with_source(&text, "jenis".len())
        })?,
    };
    let (common, data) = kinds::parse_read(jenis, &text, &split, read).map_err(|l| at(l, &text))?;
    check_aliases(&common.aliases, &text, &split, shown)?;
    if common.draft && !opts.drafts {
        return Ok(None);
    }
    let body_offset = split.body_offset;
    let (url_path, parent, section_dir) = if is_section {
        let parent = dir.rsplit_once('/').map_or("", |(p, _)| p).to_string();
        (url_for_dir(&dir), parent, Some(dir))
    } else if file_name == "index.md" && !dir.is_empty() {
        let parent = dir.rsplit_once('/').map_or("", |(p, _)| p).to_string();
        (url_for_dir(&dir), parent, None)
    } else {
        let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
        let base = url_for_dir(&dir);
        (format!("{base}{}/", slugify(stem)), dir, None)
    };
    Ok(Some(SourcePage {
        rel: rel.to_string(),
        shown: shown.to_path_buf(),
        body_offset,
        common,
        data,
        is_section,
        url_path,
        parent,
        section_dir,
        text,
    }))
}

/// Refuses aliases that would leave the site's folder or inject
/// `_redirects` syntax (KELUARAN-002), at the alias in the front matter.
fn check_aliases(
    aliases: &[String],
    text: &str,
    split: &front_matter::Split<'_>,
    shown: &Path,
) -> Result<(), Diagnostic> {
    for alias in aliases {
        // `/?p=123`: an old dynamic URL, a `_redirects` line with query
        // conditions only (no file); anything else is a path.
        if let Err(problem) = crate::trust::paths::check_any_alias(alias) {
            let off = text[..split.body_offset]
                .find(alias.as_str())
                .or_else(|| text[..split.body_offset].find("aliases"))
                .unwrap_or(split.front_offset);
            return Err(Diagnostic::new(
                Location::at_offset(shown, text, off),
                Message::UnsafePath {
                    path: alias.clone(),
                    problem,
                },
            ));
        }
    }
    Ok(())
}

/// Whether an editor's file may be published: a safe output path
/// (KELUARAN-002) and, unless Diskominfo allows it, nothing a browser runs
/// (KELUARAN-003).
fn admit_asset(a: &Asset, trust: &crate::trust::SiteTrust) -> Result<(), Diagnostic> {
    if let Err(problem) = crate::trust::paths::check_relative(&a.out) {
        return Err(Diagnostic::new(
            Location::file(&a.shown),
            Message::UnsafePath {
                path: a.out.clone(),
                problem,
            },
        ));
    }
    if trust.scripts {
        return Ok(());
    }
    match crate::trust::statics::classify(&a.out, || std::fs::read(&a.src)) {
        None => Ok(()),
        Some(executable) => Err(Diagnostic::new(
            Location::file(&a.shown),
            Message::ExecutableStatic {
                path: a.out.clone(),
                executable,
            },
        )),
    }
}

/// `/a-b/c/` for the folder `A B/c`.
pub fn url_for_dir(dir: &str) -> String {
    let mut s = String::from("/");
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        s.push_str(&slugify(part));
        s.push('/');
    }
    s
}

fn asset_out_path(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, name)) => format!("{}{name}", &url_for_dir(dir)[1..]),
        None => rel.to_string(),
    }
}

/// Lower-case ASCII letters and digits, anything else becomes one `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {

    use super::*;

    /// A build takes the pages' texts out of the tree (#14): each page
    /// keeps its front matter, at the same offsets; the text handed over
    /// is the whole file.
    #[test]
    fn taking_the_sources_leaves_each_page_its_front_matter() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("profil.md");
        let text = "+++\ntitle = \"Profil\"\n+++\n\nIsi halaman.\n";
        std::fs::write(&file, text).expect("write");
        let page = load_page(&file, "profil.md", &file, LoadOptions::default())
            .expect("loads")
            .expect("not a draft");
        let mut tree = ContentTree {
            pages: vec![page],
            sections: Vec::new(),
            assets: Vec::new(),
            diagnostics: Vec::new(),
            unreadable: Vec::new(),
        };
        let offset = tree.pages[0].body_offset;
        let sources = tree.take_sources();
        assert_eq!(sources, vec![text.to_string()]);
        let p = &tree.pages[0];
        assert_eq!(p.text, "+++\ntitle = \"Profil\"\n+++\n");
        assert_eq!((p.body_offset, p.body()), (offset, ""));
        assert_eq!(p.title(), "Profil");
    }

    #[test]
    fn slugify_makes_url_segments() {
        assert_eq!(
            slugify("Layanan KIR (Uji Berkala)"),
            "layanan-kir-uji-berkala"
        );
        assert_eq!(slugify("e-KTP"), "e-ktp");
        assert_eq!(slugify("Pelayanan__Publik--"), "pelayanan-publik");
    }

    #[test]
    fn folders_map_to_urls() {
        assert_eq!(url_for_dir(""), "/");
        assert_eq!(url_for_dir("Layanan Umum/kir"), "/layanan-umum/kir/");
        assert_eq!(
            asset_out_path("Layanan Umum/alur.png"),
            "layanan-umum/alur.png"
        );
        assert_eq!(asset_out_path("logo.png"), "logo.png");
    }
}
