//! Rendering with MiniJinja: the theme (the default theme built into the binary,
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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, ErrorKind, State};
use serde::Serialize;

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

/// Templates compiled, with laman's filters, tests and escaping.
pub type Env = Environment<'static>;

/// What a template is given: names and their values (`site`, `page`, …).
#[derive(Debug, Clone, Default)]
pub struct Vars(BTreeMap<String, Value>);

impl Vars {
    /// Nothing yet.
    pub fn new() -> Vars {
        Vars::default()
    }

    /// `name` is `v`, serialized.
    pub fn insert<T: Serialize + ?Sized>(&mut self, name: &str, v: &T) {
        self.0
            .insert(name.to_string(), Value::from(minijinja::value::Serde(v)));
    }

    /// `name` is `v`, made already (the site's context, made once per site).
    pub fn insert_value(&mut self, name: &str, v: Value) {
        self.0.insert(name.to_string(), v);
    }

    fn value(&self) -> Value {
        Value::from_object(self.0.clone())
    }
}

/// A loaded theme: parsed templates and the static files to copy.
#[derive(Debug, Clone)]
pub struct Theme {
    env: Env,
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

/// Whether template source `text` may read `paginator.pages_total`: it
/// names it, or it could read it without naming it: `section` or
/// `paginator` used whole (written out, set to another name, looped over,
/// given to a filter: anything but `section.…`, `paginator.…` and
/// `is defined`), or a map turned into JSON or pairs.
fn names_pages_total(text: &str) -> bool {
    // Read word by word (runs of ASCII letters, digits and `_`), not with
    // a regex: without its optional engines, the `regex` crate took 3 ms of
    // every build on the default theme's templates (#14).
    let code = code_of(text);
    let bytes = code.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let tested = |rest: &str| {
        ["defined", "not defined", "undefined"].iter().any(|t| {
            rest.strip_prefix(t)
                .is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
        })
    };
    let mut i = 0;
    while i < bytes.len() {
        if !word(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && word(bytes[i]) {
            i += 1;
        }
        let name = &code[start..i];
        if ["pages_total", "tojson", "dictsort"]
            .iter()
            .any(|n| name.contains(n))
            || name == "items"
            || name == "debug"
        {
            return true;
        }
        if name == "section" || name == "paginator" {
            let after = code[i..].trim_start();
            let only_a_field_or_tested = after.starts_with('.')
                || after
                    .strip_prefix("is ")
                    .is_some_and(|r| tested(r.trim_start()));
            if !only_a_field_or_tested {
                return true;
            }
        }
    }
    false
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
    env: std::borrow::Cow<'a, Env>,
    /// IDs these templates write; a page body may not use them.
    pub ids: PageIds,
    /// Site templates are in: render within `limits`.
    bounded: bool,
    /// The bound a page of the site met first: its other pages are not
    /// rendered (the site fails anyway, and each would take as long).
    tripped: std::sync::OnceLock<crate::diagnostic::TemplateLimitKind>,
    /// Whether a template names `pages_total` (or could read it without
    /// naming it: `tojson`, a whole map written out); when not, a list page
    /// does not change with the number of pages in its section, only with
    /// its own slice and the number of list pages (the preview's
    /// invalidation, `serve::affect::shape`). Site templates: always.
    pub reads_pages_total: bool,
    /// The theme's digest ([`Theme`]), when these are the theme's
    /// templates; a site's own templates are not remembered ([`memo`]).
    pub digest: Option<String>,
}

/// Functions whose result is not in the context: a template that calls
/// one writes other bytes from the same context. laman registers none,
/// and MiniJinja has none built in; kept for a theme written for Tera,
/// whose `now()` would then fail, not be remembered wrongly.
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
        let mut env = environment();
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
        for (name, text) in templates {
            env.add_template_owned(name.clone(), text.clone())
                .map_err(|e| template_diagnostic(&e, &text, &shown.join("templates")))?;
        }
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
        let ids = env_ids(&env);
        Ok(Theme {
            env,
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
                env: std::borrow::Cow::Borrowed(&self.env),
                ids: self.ids.clone(),
                bounded: false,
                tripped: std::sync::OnceLock::new(),
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
        let mut env = self.env.clone();
        limits::bound(&mut env);
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
            let name = name.clone().unwrap_or_default();
            env.add_template_owned(name.clone(), text.clone())
                .map_err(|e| template_diagnostic(&e, &text, &shown))?;
        }
        Ok(Templates {
            ids: env_ids(&env),
            env: std::borrow::Cow::Owned(env),
            bounded: true,
            tripped: std::sync::OnceLock::new(),
            reads_pages_total: true,
            digest: None,
        })
    }
}

/// The IDs a set of templates writes literally (`id="biaya"`).
pub type PageIds = std::sync::Arc<std::collections::BTreeSet<String>>;

/// Adds every literal `id="…"` of the template text `text` to `out` (IDs
/// built from variables are the templates' own business: they are not
/// known here). The text between tags is read, as the template writes it.
fn ids_of(text: &str, out: &mut std::collections::BTreeSet<String>) {
    for t in literal_text(text) {
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
}

/// The literal IDs of every template of `env`.
fn env_ids(env: &Env) -> PageIds {
    let mut out = std::collections::BTreeSet::new();
    for (_, t) in env.templates() {
        ids_of(t.source(), &mut out);
    }
    std::sync::Arc::new(out)
}

/// What a template's `{{ }}` and `{% %}` tags hold, each followed by a
/// newline (the literal text between them, and comments, left out).
fn code_of(text: &str) -> String {
    let mut code = String::new();
    for (piece, s) in pieces(text) {
        if piece == Piece::Code {
            code.push_str(s);
            code.push('\n');
        }
    }
    code
}

/// The runs of a template's text outside its `{{ }}`, `{% %}` and `{# #}`.
fn literal_text(text: &str) -> Vec<&str> {
    pieces(text)
        .into_iter()
        .filter(|(piece, _)| *piece == Piece::Text)
        .map(|(_, s)| s)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// Written as it is.
    Text,
    /// Inside `{{ }}` or `{% %}`.
    Code,
    /// Inside `{# #}`.
    Comment,
}

/// A template's text cut at its tags (read as the lexer reads them: a tag
/// ends at the first closing pair; an unclosed one runs to the end).
fn pieces(text: &str) -> Vec<(Piece, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut at = 0;
    while let Some(open) = rest[at..].find('{').map(|o| at + o) {
        let (close, piece) = match rest[open + 1..].chars().next() {
            Some('{') => ("}}", Piece::Code),
            Some('%') => ("%}", Piece::Code),
            Some('#') => ("#}", Piece::Comment),
            _ => {
                at = open + 1;
                continue;
            }
        };
        out.push((Piece::Text, &rest[..open]));
        let inside = &rest[open + 2..];
        let end = inside.find(close).unwrap_or(inside.len());
        out.push((piece, &inside[..end]));
        rest = inside.get(end + 2..).unwrap_or("");
        at = 0;
    }
    out.push((Piece::Text, rest));
    out
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
        self.env.get_template(name).is_ok()
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
    pub fn render(&self, name: &str, ctx: &Vars, at: &Location) -> Result<String, Diagnostic> {
        let Ok(template) = self.env.get_template(name) else {
            return Err(Diagnostic::new(
                at.clone(),
                Message::TemplateMissing {
                    name: name.to_string(),
                },
            ));
        };
        let broken = |e: minijinja::Error| {
            Diagnostic::new(
                at.clone(),
                Message::TemplateBroken {
                    name: name.to_string(),
                    detail: error_chain(&e),
                },
            )
        };
        if !self.bounded {
            return template.render(ctx.value()).map_err(broken);
        }
        let limited = |limit| {
            Diagnostic::new(
                at.clone(),
                Message::TemplateLimit {
                    name: name.to_string(),
                    limit,
                },
            )
        };
        if let Some(limit) = self.tripped.get() {
            return Err(limited(limit.clone()));
        }
        limits::render_bounded(&template, ctx.value()).map_err(|e| match e {
            Ok(limit) => {
                let first = self.tripped.get_or_init(|| limit.clone());
                limited(first.clone())
            }
            Err(e) => broken(e),
        })
    }
}

fn error_chain(e: &minijinja::Error) -> String {
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

/// A template error found when it was loaded, as a diagnostic at the
/// template's file, line and column (`text` is the template's source).
fn template_diagnostic(e: &minijinja::Error, text: &str, shown_dir: &Path) -> Diagnostic {
    let name = e.name().unwrap_or("?").to_string();
    let path = shown_dir.join(&name);
    let location = match (e.line(), e.range()) {
        (Some(line), Some(range)) => {
            let start = range.start.min(text.len());
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..start].chars().count() + 1;
            Location::at(path, line, column)
        }
        (Some(line), None) => Location::at(path, line, 1),
        _ => Location::file(path),
    };
    let message = if e.kind() == ErrorKind::TemplateNotFound {
        Message::TemplateMissing { name }
    } else {
        Message::TemplateBroken {
            name,
            detail: error_chain(e),
        }
    };
    Diagnostic::new(location, message)
}

/// A MiniJinja environment with laman's escaping, filters and tests, and
/// Tera's ways where themes were written for them: `{{ x }}` of an
/// undefined name is an error but `{% if x %}` of one is false, `null`
/// writes nothing, and a template's last newline is kept.
fn environment() -> Env {
    let mut env = Environment::new();
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|name| {
        if [".html", ".htm", ".xml"].iter().any(|e| name.ends_with(e)) {
            AutoEscape::Custom("html".into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(format_value);
    // Errors name the template and line without the machine's debug state.
    env.set_debug(false);
    env.add_filter("tanggal", filter_tanggal);
    env.add_filter("rupiah", filter_rupiah);
    env.add_filter("linebreaksbr", |s: String| {
        s.replace("\r\n", "<br>").replace('\n', "<br>")
    });
    env.add_filter("trim_start_matches", |s: String, pat: String| {
        s.trim_start_matches(pat.as_str()).to_string()
    });
    env.add_filter("trim_end_matches", |s: String, pat: String| {
        s.trim_end_matches(pat.as_str()).to_string()
    });
    env.add_test("matching", test_matching);
    env
}

/// Writes a value: nothing for `none`, escaped with [`escape_html`] where
/// the template escapes (`.html`, `.htm`, `.xml`) and the value is not safe.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if value.is_none() {
        return Ok(());
    }
    if value.is_safe() || *state.auto_escape() == AutoEscape::None {
        return minijinja::escape_formatter(out, state, value);
    }
    let written = match value.as_str() {
        Some(s) => write_escaped(out, s),
        None => write_escaped(out, &value.to_string()),
    };
    written.map_err(minijinja::Error::from)
}

fn write_escaped(out: &mut minijinja::Output, input: &str) -> std::fmt::Result {
    let mut plain = 0;
    for (i, b) in input.bytes().enumerate() {
        let Some(entity) = entity(b) else { continue };
        out.write_str(&input[plain..i])?;
        out.write_str(entity)?;
        plain = i + 1;
    }
    out.write_str(&input[plain..])
}

fn entity(b: u8) -> Option<&'static str> {
    Some(match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\'' => "&#39;",
        _ => return None,
    })
}

/// `x is matching("^…$")`: whether the regular expression matches.
fn test_matching(value: &str, pattern: &str) -> Result<bool, minijinja::Error> {
    let re = regex::Regex::new(pattern).map_err(|e| {
        minijinja::Error::new(ErrorKind::InvalidOperation, format!("`matching`: {e}"))
    })?;
    Ok(re.is_match(value))
}

/// HTML escaping of the five characters that matter; unlike Tera's default
/// it leaves `/` alone, so URLs stay readable and pages smaller.
pub fn escape_html(input: &str) -> String {
    // Runs of plain text are copied whole; the five characters replaced
    // are ASCII, so every index found is a character boundary.
    let mut out = String::with_capacity(input.len() + 8);
    let mut plain = 0;
    for (i, b) in input.bytes().enumerate() {
        let Some(entity) = entity(b) else { continue };
        out.push_str(&input[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&input[plain..]);
    out
}

fn filter_tanggal(v: Value) -> Value {
    match v.as_str().and_then(PageDate::parse) {
        Some(d) => Value::from(format_indonesian(d.day)),
        None => v,
    }
}

fn filter_rupiah(v: Value) -> Value {
    match u64::try_from(v.clone()) {
        Ok(n) if v.is_integer() => Value::from(format!("Rp{}", thousands(n))),
        _ => v,
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

/// Serializes to a JSON value (exports).
pub fn to_value<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
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
        // A template variable, a data attribute or a comment is not a
        // literal id; one inside a condition or a macro is.
        let mut ids = std::collections::BTreeSet::new();
        for text in [
            "<p data-id=\"no\" id=\"{{ x }}\"></p>{% if a %}<h2 id=\"ya\">{% endif %}",
            "{# <p id=\"komentar\"> #}{% macro f() %}<p id=\"makro\">{% endmacro %}",
            "{% set s = '<p id=\"teks\">' %}{ id=\"kurawal\"",
        ] {
            ids_of(text, &mut ids);
        }
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["kurawal", "makro", "ya"]);
    }

    /// A template that could read the number of pages of a section is
    /// known as one, whether or not it names `pages_total`; the default
    /// theme reads only the fields it names.
    #[test]
    fn a_template_that_could_read_pages_total_is_known() {
        for t in [
            "{{ section.paginator.pages_total }}",
            "{{ section }}",
            "{{ section.paginator }}",
            "{% set s = section %}{{ s.paginator['pages_' ~ 'total'] }}",
            "{% for k, v in section.paginator | items %}{{ v }}{% endfor %}",
            "{% for k in section.paginator %}{{ k }}{% endfor %}",
            "{{ section.paginator | tojson }}",
            "{{ section|length }}",
            "{% if section is mapping %}x{% endif %}",
            // Text and names that are not ASCII around the name.
            "© 2026 — {{ judul }}{% for p in section %}{{ p }}{% endfor %}",
            "{{ 'é' ~ section }}",
            "{{ hal.pages_total_lama }}",
            "{{ data | dictsort }}",
        ] {
            assert!(names_pages_total(t), "{t}");
        }
        for t in [
            "{% if section is defined %}{{ section.paginator.total }}{% endif %}",
            "{% for p in section.pages %}{{ p.title }}{% endfor %}",
            "{% if section.paginator.prev %}{{ section.paginator.prev }}{% endif %}",
            // Other names that hold these words are other names.
            "{{ subsection }}{{ section_judul }}{{ paginator2 }}{{ my_items }}",
            // Words in the text around the code are text.
            "section paginator pages_total tojson",
        ] {
            assert!(!names_pages_total(t), "{t}");
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(!Theme::load(root).expect("theme").reads_pages_total);
    }

    /// A site's templates: once one page meets a bound, the site's other
    /// pages are not rendered, not even one that would render.
    #[test]
    fn once_a_page_meets_a_bound_the_sites_other_pages_are_not_rendered() {
        let mut env = environment();
        limits::bound(&mut env);
        for (name, text) in [
            ("ok.html", "baik"),
            (
                "lama.html",
                "{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}",
            ),
        ] {
            env.add_template_owned(name, text).expect("parses");
        }
        let t = Templates {
            env: std::borrow::Cow::Owned(env),
            ids: PageIds::default(),
            bounded: true,
            tripped: std::sync::OnceLock::new(),
            reads_pages_total: true,
            digest: None,
        };
        let at = Location::file("sites/beta/content/a.md");
        let ok = t.render("ok.html", &Vars::new(), &at);
        assert_eq!(ok.ok().as_deref(), Some("baik"));
        let lama = t
            .render("lama.html", &Vars::new(), &at)
            .expect_err("stopped");
        assert_eq!(lama.code, "TEMA-004");
        let after = t
            .render("ok.html", &Vars::new(), &at)
            .expect_err("not rendered");
        assert_eq!(after.code, "TEMA-004");
        assert!(matches!(
            *after.message,
            Message::TemplateLimit {
                limit: crate::diagnostic::TemplateLimitKind::Steps { .. },
                ..
            }
        ));
    }

    #[test]
    fn rupiah_groups_thousands_with_dots() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(50000), "50.000");
        assert_eq!(thousands(1234567), "1.234.567");
        assert_eq!(
            filter_rupiah(Value::from(150000u64)),
            Value::from("Rp150.000")
        );
        assert_eq!(filter_rupiah(Value::from("gratis")), Value::from("gratis"));
    }

    #[test]
    fn tanggal_formats_iso_dates_and_passes_others() {
        let v = filter_tanggal(Value::from("2025-08-17"));
        assert_eq!(v, Value::from("17 Agustus 2025"));
        assert_eq!(
            filter_tanggal(Value::from("kemarin")),
            Value::from("kemarin")
        );
    }

    #[test]
    fn the_builtin_theme_loads_without_a_themes_folder() {
        let dir = tempfile::tempdir().expect("tmp");
        let theme = Theme::load(dir.path()).expect("built-in theme");
        for name in ["base.html", "page.html", "index.html", "jenis/berita.html"] {
            assert!(theme.env.get_template(name).is_ok(), "{name}");
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
            .env
            .get_template("404.html")
            .and_then(|t| t.render(()))
            .expect("render");
        assert_eq!(out, "<p>HILANG-7</p>");
        // The other templates are still the built-in ones.
        assert!(theme.env.get_template("page.html").is_ok());
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
