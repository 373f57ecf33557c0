//! Rendering with Tera: the theme (the default theme built into the binary,
//! with a project's own `themes/default/` files over it one by one), a
//! site's own overrides (sites/<slug>/templates), the two filters laman adds
//! (`tanggal`, `rupiah`), the choice of template for a page, and template
//! errors turned into diagnostics that name the template and its line.

pub mod context;
pub mod extras;
pub mod hours;
pub mod jsonld;
pub mod limits;
pub mod memo;
pub mod pipeline;
pub mod search;
pub mod site;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::content::date::{PageDate, format_indonesian};
use crate::content::kinds::Kind;
use crate::content::source;
use crate::diagnostic::{Diagnostic, Location, Message};

/// Folder of the default theme, relative to the project root.
pub const THEME_DIR: &str = "themes/default";

/// The repository's `themes/default`, built into the binary: a project
/// needs no `themes/` folder of its own (`laman init` writes none).
static BUILTIN: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where the bytes of a static file come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Src<'a> {
    /// A file on disk (a site's `static/`, a project's own theme file).
    File(&'a Path),
    /// A file of the built-in theme.
    Builtin(&'static [u8]),
}

/// A static file of the theme.
#[derive(Debug, Clone)]
pub struct ThemeStatic {
    /// Path below the theme's static/, `/`-separated (= its output path).
    pub rel: String,
    /// The project's own file, when it replaces the built-in one.
    pub file: Option<PathBuf>,
    /// The built-in bytes (empty for a file only the project has).
    builtin: &'static [u8],
}

impl ThemeStatic {
    /// Where to read it from.
    pub fn src(&self) -> Src<'_> {
        match &self.file {
            Some(f) => Src::File(f),
            None => Src::Builtin(self.builtin),
        }
    }
}

/// A loaded theme: parsed templates and the static files to copy.
#[derive(Debug, Clone)]
pub struct Theme {
    tera: Tera,
    /// IDs the theme's templates write (`id="biaya"`): page bodies avoid them.
    ids: PageIds,
    /// Files under the theme's static/ (copied to every site first).
    pub statics: Vec<ThemeStatic>,
    /// Whether a template may read the number of pages of a list
    /// (`paginator.pages_total`): see [`Templates::reads_pages_total`].
    reads_pages_total: bool,
    /// SHA-256 of every template's name and text, when what the templates
    /// write depends on their context alone (see [`memo`]).
    digest: Option<String>,
}

/// Whether template source `text` may read `paginator.pages_total`.
fn names_pages_total(text: &str) -> bool {
    ["pages_total", "json_encode", "__tera_context"]
        .iter()
        .any(|n| text.contains(n))
}

/// Every file of the built-in theme below `prefix` (`templates`,
/// `static`): path relative to `prefix` → bytes.
fn builtin_files(prefix: &str) -> BTreeMap<String, &'static [u8]> {
    fn walk(
        dir: &'static include_dir::Dir<'static>,
        out: &mut Vec<&'static include_dir::File<'static>>,
    ) {
        for e in dir.entries() {
            match e {
                include_dir::DirEntry::Dir(d) => walk(d, out),
                include_dir::DirEntry::File(f) => out.push(f),
            }
        }
    }
    let mut files = Vec::new();
    walk(&BUILTIN, &mut files);
    files
        .into_iter()
        .filter_map(|f| {
            let rel = f.path().to_str()?.replace('\\', "/");
            let rel = rel.strip_prefix(prefix)?.strip_prefix('/')?.to_string();
            Some((rel, f.contents()))
        })
        .collect()
}

/// Templates ready for one site (the theme plus the site's overrides).
#[derive(Debug)]
pub struct Templates<'a> {
    tera: std::borrow::Cow<'a, Tera>,
    /// IDs these templates write; a page body may not use them.
    pub ids: PageIds,
    /// Site templates are in: render within `limits`.
    bounded: bool,
    /// Whether a template names `pages_total` (or could read it without
    /// naming it: `json_encode`, `__tera_context`); when not, a list page
    /// does not change with the number of pages in its section, only with
    /// its own slice and the number of list pages (the preview's
    /// invalidation, `serve::affect::shape`). Site templates: always.
    pub reads_pages_total: bool,
    /// The theme's digest ([`Theme`]), when these are the theme's
    /// templates; a site's own templates are not remembered ([`memo`]).
    pub digest: Option<String>,
}

/// Tera functions whose result is not in the context: a template that
/// calls one writes other bytes from the same context.
fn reads_outside_context(text: &str) -> bool {
    ["now(", "get_random(", "get_env("]
        .iter()
        .any(|f| text.contains(f))
}

/// The digest of a theme's templates (name → text), or `None` when one
/// reads more than its context.
fn templates_digest(templates: &BTreeMap<String, String>) -> Option<String> {
    use sha2::{Digest, Sha256};
    if templates.values().any(|t| reads_outside_context(t)) {
        return None;
    }
    let mut d = Sha256::new();
    for (name, text) in templates {
        d.update((name.len() as u64).to_le_bytes());
        d.update(name);
        d.update((text.len() as u64).to_le_bytes());
        d.update(text);
    }
    Some(crate::output::hex(&d.finalize()))
}

impl Theme {
    /// Loads the built-in default theme with the files of
    /// `<root>/themes/default/` (when the project has that folder) over it,
    /// file by file: a regency replaces `templates/base.html` or
    /// `static/assets/lambang.svg` and keeps the rest.
    pub fn load(root: &Path) -> Result<Theme, Diagnostic> {
        let dir = root.join(THEME_DIR);
        let shown = PathBuf::from(THEME_DIR);
        let mut tera = Tera::default();
        register_filters(&mut tera);
        let mut templates: BTreeMap<String, String> = builtin_files("templates")
            .into_iter()
            .filter(|(rel, _)| is_template(rel))
            .map(|(rel, bytes)| (rel, String::from_utf8_lossy(bytes).into_owned()))
            .collect();
        for (path, name) in template_files(&dir.join("templates"), &shown.join("templates"))? {
            let name = name.unwrap_or_default();
            let at = shown.join("templates").join(&name);
            let bytes = std::fs::read(&path).map_err(|e| {
                Diagnostic::new(
                    Location::file(&at),
                    Message::Unreadable {
                        detail: e.to_string(),
                    },
                )
            })?;
            let text = source::decode(bytes, &at).map_err(|d| *d)?;
            templates.insert(name, text);
        }
        let reads_pages_total = templates.values().any(|t| names_pages_total(t));
        let digest = templates_digest(&templates);
        tera.add_raw_templates(templates).map_err(|e| {
            template_diagnostic(&e, &dir.join("templates"), &shown.join("templates"))
        })?;
        let mut statics: BTreeMap<String, ThemeStatic> = builtin_files("static")
            .into_iter()
            .map(|(rel, builtin)| {
                let s = ThemeStatic {
                    rel: rel.clone(),
                    file: None,
                    builtin,
                };
                (rel, s)
            })
            .collect();
        let (found, diags) = source::walk(&dir.join("static"), &shown.join("static"), &dir);
        if let Some(d) = diags.into_iter().next() {
            return Err(d);
        }
        for f in found {
            statics
                .entry(f.rel.clone())
                .or_insert_with(|| ThemeStatic {
                    rel: f.rel.clone(),
                    file: None,
                    builtin: &[],
                })
                .file = Some(f.path);
        }
        let ids = page_ids(&tera);
        Ok(Theme {
            tera,
            ids,
            statics: statics.into_values().collect(),
            reads_pages_total,
            digest,
        })
    }

    /// The templates for a site: the theme with `sites/<slug>/templates/*`
    /// on top, when Diskominfo allows that site its own templates
    /// (`[allow] template_overrides`; otherwise the folder is a TEMA-003
    /// error). Site templates are held to the bounds of [`limits`].
    pub fn for_site(&self, site: &crate::registry::Site) -> Result<Templates<'_>, Diagnostic> {
        let dir = site.dir.join("templates");
        if !dir.is_dir() {
            return Ok(Templates {
                tera: std::borrow::Cow::Borrowed(&self.tera),
                ids: self.ids.clone(),
                bounded: false,
                reads_pages_total: self.reads_pages_total,
                digest: self.digest.clone(),
            });
        }
        let shown = site.shown.join("templates");
        if !site.trust.templates {
            return Err(Diagnostic::new(
                Location::file(&shown),
                Message::TemplateOverrideNotAllowed,
            ));
        }
        let files = template_files(&dir, &shown)?;
        for (path, name) in &files {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Diagnostic::new(
                    Location::file(shown.join(name.as_deref().unwrap_or(""))),
                    Message::Unreadable {
                        detail: e.to_string(),
                    },
                )
            })?;
            if let Err(limit) = limits::precheck(&text) {
                let name = name.clone().unwrap_or_default();
                return Err(Diagnostic::new(
                    Location::file(shown.join(&name)),
                    Message::TemplateLimit { name, limit },
                ));
            }
        }
        let own = limits::names_of(&files);
        let mut tera = self.tera.clone();
        tera.register_function("range", limits::bounded_range);
        tera.add_template_files(files)
            .map_err(|e| template_diagnostic(&e, &dir, &shown))?;
        if let Some(cycle) = limits::find_cycle(&tera, &own) {
            let name = cycle
                .iter()
                .map(|c| c.split("::").next().unwrap_or(c))
                .find(|t| own.contains(*t))
                .unwrap_or("?")
                .to_string();
            return Err(Diagnostic::new(
                Location::file(shown.join(&name)),
                Message::TemplateLimit {
                    name,
                    limit: crate::diagnostic::TemplateLimitKind::Recursion { cycle },
                },
            ));
        }
        Ok(Templates {
            ids: page_ids(&tera),
            tera: std::borrow::Cow::Owned(tera),
            bounded: true,
            reads_pages_total: true,
            digest: None,
        })
    }
}

/// The IDs a set of templates writes literally (`id="biaya"`).
pub type PageIds = std::sync::Arc<std::collections::BTreeSet<String>>;

/// Every literal `id="…"` in the text of `tera`'s templates (IDs built from
/// variables are the templates' own business: they are not known here).
fn page_ids(tera: &Tera) -> PageIds {
    use tera::ast::Node;
    fn walk(nodes: &[Node], out: &mut std::collections::BTreeSet<String>) {
        for n in nodes {
            match n {
                Node::Text(t) => {
                    for (at, _) in t.match_indices("id=\"") {
                        let rest = &t[at + 4..];
                        let before = t[..at].chars().next_back();
                        let attribute = before.is_none_or(|c| c.is_whitespace());
                        if let Some(end) = rest.find('"') {
                            if attribute && end > 0 {
                                out.insert(rest[..end].to_string());
                            }
                        }
                    }
                }
                Node::Block(_, b, _) => walk(&b.body, out),
                Node::Forloop(_, f, _) => {
                    walk(&f.body, out);
                    if let Some(e) = &f.empty_body {
                        walk(e, out);
                    }
                }
                Node::If(i, _) => {
                    for (_, _, body) in &i.conditions {
                        walk(body, out);
                    }
                    if let Some((_, body)) = &i.otherwise {
                        walk(body, out);
                    }
                }
                Node::FilterSection(_, f, _) => walk(&f.body, out),
                Node::MacroDefinition(_, m, _) => walk(&m.body, out),
                _ => {}
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for t in tera.templates.values() {
        walk(&t.ast, &mut out);
        for m in t.macros.values() {
            walk(&m.body, &mut out);
        }
    }
    std::sync::Arc::new(out)
}

fn template_files(dir: &Path, shown: &Path) -> Result<Vec<(PathBuf, Option<String>)>, Diagnostic> {
    let (found, diags) = source::walk(dir, shown, dir);
    if let Some(d) = diags.into_iter().next() {
        return Err(d);
    }
    Ok(found
        .into_iter()
        .filter(|f| is_template(&f.rel))
        .map(|f| (f.path, Some(f.rel)))
        .collect())
}

fn is_template(rel: &str) -> bool {
    rel.ends_with(".html") || rel.ends_with(".xml") || rel.ends_with(".txt")
}

impl Templates<'_> {
    /// Whether a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// The template for a page of kind `jenis`: `explicit` (front matter) if
    /// given, else the kind's own, else the generic one.
    pub fn choose(
        &self,
        explicit: Option<&str>,
        jenis: Kind,
        is_section: bool,
        is_home: bool,
    ) -> String {
        if let Some(t) = explicit {
            return t.to_string();
        }
        if is_home {
            return "index.html".to_string();
        }
        let own = format!("jenis/{}.html", jenis.as_str());
        if self.has(&own) {
            own
        } else if is_section {
            "section.html".to_string()
        } else {
            "page.html".to_string()
        }
    }

    /// Renders `name` with `ctx`; errors are diagnostics at `at`.
    pub fn render(&self, name: &str, ctx: &Context, at: &Location) -> Result<String, Diagnostic> {
        if !self.has(name) {
            return Err(Diagnostic::new(
                at.clone(),
                Message::TemplateMissing {
                    name: name.to_string(),
                },
            ));
        }
        let broken = |e: tera::Error| {
            Diagnostic::new(
                at.clone(),
                Message::TemplateBroken {
                    name: name.to_string(),
                    detail: error_chain(&e),
                },
            )
        };
        if !self.bounded {
            return self.tera.render(name, ctx).map_err(broken);
        }
        limits::render_bounded(&self.tera, name, ctx).map_err(|e| match e {
            Ok(limit) => Diagnostic::new(
                at.clone(),
                Message::TemplateLimit {
                    name: name.to_string(),
                    limit,
                },
            ),
            Err(e) => broken(e),
        })
    }
}

fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(err) = cur {
        parts.push(err.to_string());
        cur = err.source();
    }
    parts
        .iter()
        .flat_map(|p| p.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" — ")
}

/// A Tera load error as a diagnostic at the template's file and line.
fn template_diagnostic(e: &tera::Error, real_dir: &Path, shown_dir: &Path) -> Diagnostic {
    let chain = error_chain(e);
    // Tera names the template in quotes: Failed to parse "page.html".
    let name = chain.split(['"', '\'']).nth(1).unwrap_or("?").to_string();
    let name_rel = Path::new(&name)
        .strip_prefix(real_dir)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| name.clone());
    // pest reports the position as " --> 3:15".
    let pos = chain.split("--> ").nth(1).and_then(|rest| {
        let (l, rest) = rest.split_once(':')?;
        let c: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((l.trim().parse::<usize>().ok()?, c.parse::<usize>().ok()?))
    });
    let path = shown_dir.join(&name_rel);
    let location = match pos {
        Some((l, c)) => Location::at(path, l, c),
        None => Location::file(path),
    };
    let message = if chain.contains("not found") && !chain.contains("--> ") {
        Message::TemplateMissing { name: name_rel }
    } else {
        Message::TemplateBroken {
            name: name_rel,
            detail: chain,
        }
    };
    Diagnostic::new(location, message)
}

fn register_filters(tera: &mut Tera) {
    tera.set_escape_fn(escape_html);
    tera.register_filter("tanggal", filter_tanggal);
    tera.register_filter("rupiah", filter_rupiah);
}

/// HTML escaping of the five characters that matter; unlike Tera's default
/// it leaves `/` alone, so URLs stay readable and pages smaller.
pub fn escape_html(input: &str) -> String {
    // Runs of plain text are copied whole; the five characters replaced
    // are ASCII, so every index found is a character boundary.
    let mut out = String::with_capacity(input.len() + 8);
    let mut plain = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&input[plain..]);
    out
}

fn filter_tanggal(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(match v.as_str().and_then(PageDate::parse) {
        Some(d) => Value::String(format_indonesian(d.day)),
        None => v.clone(),
    })
}

fn filter_rupiah(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    match v.as_u64() {
        Some(n) => Ok(Value::String(format!("Rp{}", thousands(n)))),
        None => Ok(v.clone()),
    }
}

/// `1234567` → `1.234.567` (Indonesian grouping).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// Serializes to a JSON value (templates and exports).
pub fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"Rp<1.000> & "Dinas" 'Kesehatan' — Jl. Ciawi/5 é"#),
            "Rp&lt;1.000&gt; &amp; &quot;Dinas&quot; &#39;Kesehatan&#39; — Jl. Ciawi/5 é"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("<"), "&lt;");
        assert_eq!(escape_html("tanpa apa-apa"), "tanpa apa-apa");
    }

    /// The IDs the default theme writes are read from its templates,
    /// including those inside blocks, loops, conditions and macros.
    #[test]
    fn the_theme_ids_are_read_from_its_templates() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let theme = Theme::load(root).expect("theme");
        for id in ["isi", "biaya", "prosedur", "menu-utama", "hasil-cari"] {
            assert!(theme.ids.contains(id), "{id} not in {:?}", theme.ids);
        }
        // A template variable or a data attribute is not a literal id.
        let mut tera = Tera::default();
        tera.add_raw_template(
            "t.html",
            "<p data-id=\"no\" id=\"{{ x }}\"></p>{% if a %}<h2 id=\"ya\">{% endif %}",
        )
        .expect("template");
        let ids = page_ids(&tera);
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["ya"]);
    }

    #[test]
    fn rupiah_groups_thousands_with_dots() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(50000), "50.000");
        assert_eq!(thousands(1234567), "1.234.567");
        let v = filter_rupiah(&Value::from(150000u64), &HashMap::new()).expect("filter");
        assert_eq!(v, Value::String("Rp150.000".into()));
    }

    #[test]
    fn tanggal_formats_iso_dates_and_passes_others() {
        let v = filter_tanggal(&Value::from("2025-08-17"), &HashMap::new()).expect("filter");
        assert_eq!(v, Value::String("17 Agustus 2025".into()));
        let v = filter_tanggal(&Value::from("kemarin"), &HashMap::new()).expect("filter");
        assert_eq!(v, Value::String("kemarin".into()));
    }

    #[test]
    fn the_builtin_theme_loads_without_a_themes_folder() {
        let dir = tempfile::tempdir().expect("tmp");
        let theme = Theme::load(dir.path()).expect("built-in theme");
        for name in ["base.html", "page.html", "index.html", "jenis/berita.html"] {
            assert!(theme.tera.get_template_names().any(|n| n == name), "{name}");
        }
        let css = theme
            .statics
            .iter()
            .find(|s| s.rel == "assets/laman.css")
            .expect("laman.css");
        assert!(matches!(css.src(), Src::Builtin(b) if !b.is_empty()));
    }

    #[test]
    fn a_project_theme_file_replaces_the_builtin_one_and_only_that_one() {
        let dir = tempfile::tempdir().expect("tmp");
        let t = dir.path().join("themes/default");
        std::fs::create_dir_all(t.join("templates")).expect("mkdir");
        std::fs::create_dir_all(t.join("static/assets")).expect("mkdir");
        std::fs::write(t.join("templates/404.html"), "<p>HILANG-7</p>").expect("write");
        std::fs::write(t.join("static/assets/lambang.svg"), "<svg/>").expect("write");
        std::fs::write(t.join("static/assets/baru.txt"), "baru").expect("write");
        let theme = Theme::load(dir.path()).expect("theme");
        let out = theme
            .tera
            .render("404.html", &Context::new())
            .expect("render");
        assert_eq!(out, "<p>HILANG-7</p>");
        // The other templates are still the built-in ones.
        assert!(theme.tera.get_template_names().any(|n| n == "page.html"));
        let src = |rel: &str| {
            theme
                .statics
                .iter()
                .find(|s| s.rel == rel)
                .map(ThemeStatic::src)
        };
        assert_eq!(
            src("assets/lambang.svg"),
            Some(Src::File(&t.join("static/assets/lambang.svg")))
        );
        assert_eq!(
            src("assets/baru.txt"),
            Some(Src::File(&t.join("static/assets/baru.txt")))
        );
        assert!(matches!(src("assets/laman.css"), Some(Src::Builtin(_))));
    }

    #[test]
    fn broken_template_is_located_by_name_and_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let t = dir.path().join("themes/default/templates");
        std::fs::create_dir_all(&t).expect("mkdir");
        std::fs::write(t.join("page.html"), "<p>\n{{ page.title \n</p>\n").expect("write");
        let d = Theme::load(dir.path()).expect_err("broken");
        assert_eq!(d.code, "TEMA-002");
        assert_eq!(
            d.location.path,
            Path::new("themes/default/templates/page.html")
        );
        // The parser notices the unclosed `{{` where `</p>` starts.
        assert_eq!((d.location.line, d.location.column), (Some(3), Some(2)));
    }
}
