//! Markdown to HTML with pulldown-cmark (tables, footnotes, strikethrough,
//! task lists, heading attributes), plus what laman adds on the way:
//! `@/path.md` links resolved to URLs (an unknown target is a diagnostic at
//! its line and column), an `id` on every heading, the images with their
//! alt text, and a plain-text excerpt for search and summaries. Raw HTML
//! and link targets are held to the editor trust boundary
//! (`trust::html`): a body with raw HTML is sanitized, and what is removed
//! is reported at its line and column.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
use serde::{Deserialize, Serialize};

use crate::content::slugify;
use crate::diagnostic::{Diagnostic, Location, Message};
use crate::trust::html::{HtmlPolicy, HtmlProblem};

/// How many characters of plain text to keep per page.
const PLAIN_LIMIT: usize = 600;

/// Resolves `@/path.md` targets of one site to root-relative URLs.
#[derive(Debug, Clone, Default)]
pub struct Links {
    by_path: HashMap<String, String>,
    base_path: String,
}

impl Links {
    /// `pages` maps content paths as written (`berita/x.md`) to URL paths
    /// (`/berita/x/`); `base_path` prefixes every URL (empty for a site at `/`).
    pub fn new(pages: impl IntoIterator<Item = (String, String)>, base_path: &str) -> Self {
        Links {
            by_path: pages.into_iter().collect(),
            base_path: base_path.trim_end_matches('/').to_string(),
        }
    }

    /// Adds (or moves) the page at content path `rel` (a page that enters
    /// the site: the preview's in-place edit).
    pub fn insert(&mut self, rel: &str, url_path: &str) {
        self.by_path.insert(rel.to_string(), url_path.to_string());
    }

    /// Drops the page at content path `rel`.
    pub fn remove(&mut self, rel: &str) {
        self.by_path.remove(rel);
    }

    /// The path every URL starts with (empty for a site at `/`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// `url_path` with the site's base path.
    pub fn url(&self, url_path: &str) -> String {
        format!("{}{url_path}", self.base_path)
    }

    /// The URL of `@/path.md[#frag]`; `None` when no such page exists.
    /// Anything not starting with `@/` is returned unchanged.
    pub fn resolve(&self, target: &str) -> Option<String> {
        let Some(rest) = target.strip_prefix("@/") else {
            return Some(target.to_string());
        };
        let (path, frag) = match rest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (rest, None),
        };
        let url = self.by_path.get(path)?;
        Some(match frag {
            Some(f) => format!("{}{url}#{f}", self.base_path),
            None => format!("{}{url}", self.base_path),
        })
    }
}

/// An image in a page body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Image {
    /// Its `src`.
    pub src: String,
    /// Its alt text (may be empty).
    pub alt: String,
    /// 1-based line in the source file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A heading of a page body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Text.
    pub text: String,
}

/// A rendered body's HTML: as rendered, or deflated while the preview
/// keeps it (`laman serve` holds every body of every site; it is read
/// again only when its page or the feed is rendered again).
#[derive(Debug, Clone)]
pub enum BodyHtml {
    /// As rendered.
    Text(String),
    /// Raw deflate of `len` bytes of UTF-8 ([`crate::deflate`]).
    Deflated {
        /// Bytes inflated.
        len: usize,
        /// The deflate stream.
        data: Box<[u8]>,
    },
}

impl Default for BodyHtml {
    fn default() -> Self {
        BodyHtml::Text(String::new())
    }
}

impl From<String> for BodyHtml {
    fn from(s: String) -> Self {
        BodyHtml::Text(s)
    }
}

impl BodyHtml {
    /// The HTML.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            BodyHtml::Text(s) => s.as_str().into(),
            BodyHtml::Deflated { len, data } => {
                match String::from_utf8(crate::deflate::inflate(data, *len)) {
                    Ok(s) => s.into(),
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned().into(),
                }
            }
        }
    }

    /// The HTML, owned.
    pub fn into_string(self) -> String {
        match self {
            BodyHtml::Text(s) => s,
            deflated => deflated.text().into_owned(),
        }
    }

    /// Deflates the HTML when that pays (more than 1 KiB, and smaller).
    pub fn pack(&mut self) {
        if let BodyHtml::Text(s) = self {
            if let Some(data) = crate::deflate::shrink(s.as_bytes()) {
                *self = BodyHtml::Deflated { len: s.len(), data };
            }
        }
    }
}

impl std::fmt::Display for BodyHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML.
    pub html: BodyHtml,
    /// First characters of the text, for search and summaries.
    pub plain: String,
    /// Headings with their ids.
    pub headings: Vec<Heading>,
    /// Images with their alt text.
    pub images: Vec<Image>,
    /// Link targets, as written in the output.
    pub links: Vec<String>,
    /// Every `@/` target the body looked up, with the URL it found (the
    /// only part of the site's links its HTML depends on: the render
    /// memo's key of a body, `render::memo`).
    pub looked_up: Vec<(String, Option<String>)>,
    /// Broken `@/` links and similar.
    pub diagnostics: Vec<Diagnostic>,
}

/// Where the body sits, for diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct SourceRef<'a> {
    /// Path shown to users.
    pub shown: &'a Path,
    /// Whole file.
    pub text: &'a str,
    /// Offset of the body in `text`.
    pub body_offset: usize,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders the body of `src` with `links`, raw HTML held to `policy`.
pub fn render(src: SourceRef<'_>, links: &Links, policy: &HtmlPolicy) -> Rendered {
    let body = &src.text[src.body_offset..];
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::with_capacity(body.len() / 16);
    // The theme's own IDs are taken before the first heading: a heading
    // "Biaya" on a service page becomes `biaya-1`, not a second `biaya`.
    let mut used_ids = UsedIds {
        reserved: policy.reserved_ids(),
        own: HashSet::new(),
    };
    // (index of the Start event, level, explicit id, collected text)
    let mut heading: Option<(usize, u8, Option<String>, String)> = None;
    let mut image: Option<(String, String, usize)> = None;
    // Raw HTML fragments with their offset in the body.
    let mut raw: Vec<(usize, CowStr<'_>)> = Vec::new();

    for (ev, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let ev = match ev {
            Event::Html(h) => {
                raw.push((range.start, h.clone()));
                Event::Html(h)
            }
            Event::InlineHtml(h) => {
                raw.push((range.start, h.clone()));
                Event::InlineHtml(h)
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((
                    events.len(),
                    level as u8,
                    id.map(|i| i.to_string()),
                    String::new(),
                ));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                continue;
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((idx, lvl, explicit, text)) = heading.take() {
                    let base = explicit.unwrap_or_else(|| {
                        let s = slugify(&text);
                        if s.is_empty() {
                            "bagian".to_string()
                        } else {
                            s
                        }
                    });
                    let id = unique_id(base, &mut used_ids);
                    events[idx] = Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id.clone())),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    });
                    out.headings.push(Heading {
                        level: lvl,
                        id,
                        text: text.trim().to_string(),
                    });
                }
                push_plain(&mut out.plain, " ");
                Event::End(TagEnd::Heading(level))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = resolve_or_report(&dest_url, links, src, range.start, &mut out);
                let dest = refuse_scheme(dest, "href", policy, src, range.start, &mut out);
                out.links.push(dest.to_string());
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = resolve_or_report(&dest_url, links, src, range.start, &mut out);
                let dest = refuse_scheme(dest, "src", policy, src, range.start, &mut out);
                image = Some((dest.to_string(), String::new(), range.start));
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Image) => {
                if let Some((s, alt, off)) = image.take() {
                    let (line, column) =
                        crate::diagnostic::line_col(src.text, src.body_offset + off);
                    out.images.push(Image {
                        src: s,
                        alt: alt.trim().to_string(),
                        line,
                        column,
                    });
                }
                Event::End(TagEnd::Image)
            }
            Event::Text(t) => {
                collect_text(&t, &mut heading, &mut image, &mut out.plain);
                Event::Text(t)
            }
            Event::Code(t) => {
                collect_text(&t, &mut heading, &mut image, &mut out.plain);
                Event::Code(t)
            }
            Event::SoftBreak | Event::HardBreak => {
                push_plain(&mut out.plain, " ");
                ev
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                push_plain(&mut out.plain, " ");
                ev
            }
            other => other,
        };
        events.push(ev);
    }
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    if raw.is_empty() {
        // pulldown-cmark escapes text and attributes itself; only raw HTML
        // needs the sanitizer (and its cost). Every page's HTML is kept
        // until the site is done (lists, feeds, search): in an allocation
        // of its own length, not the grown buffer (`shrink_to_fit` keeps
        // a block that is at most twice too big where it is; #14, peak
        // memory).
        out.html = html_out.as_str().to_owned().into();
    } else {
        for (at, fragment) in &raw {
            for found in policy.inspect(fragment) {
                out.diagnostics.push(Diagnostic::new(
                    Location::at_offset(src.shown, src.text, src.body_offset + at + found.offset),
                    Message::UnsafeHtml {
                        problem: found.problem,
                    },
                ));
            }
        }
        out.html = policy.clean(&html_out).as_str().to_owned().into();
    }
    let trimmed = out.plain.split_whitespace().collect::<Vec<_>>().join(" ");
    out.plain = trimmed;
    out
}

fn collect_text(
    t: &str,
    heading: &mut Option<(usize, u8, Option<String>, String)>,
    image: &mut Option<(String, String, usize)>,
    plain: &mut String,
) {
    if let Some((_, _, _, text)) = heading.as_mut() {
        text.push_str(t);
    }
    if let Some((_, alt, _)) = image.as_mut() {
        alt.push_str(t);
        return;
    }
    push_plain(plain, t);
}

fn push_plain(plain: &mut String, t: &str) {
    if plain.len() < PLAIN_LIMIT {
        let room = PLAIN_LIMIT - plain.len();
        let mut end = t.len().min(room);
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        plain.push_str(&t[..end]);
    }
}

/// The IDs a page may not give a heading: the theme's (shared, not copied
/// for each page) and those its headings already have.
struct UsedIds<'a> {
    reserved: &'a std::collections::BTreeSet<String>,
    own: HashSet<String>,
}

impl UsedIds<'_> {
    /// Takes `id`; false when it is taken already.
    fn insert(&mut self, id: String) -> bool {
        !self.reserved.contains(&id) && self.own.insert(id)
    }
}

fn unique_id(base: String, used: &mut UsedIds<'_>) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .unwrap_or(base)
}

/// A link or image target with a scheme that runs script (`javascript:`,
/// `data:`…) becomes `#`, reported at the link.
fn refuse_scheme<'a>(
    dest: CowStr<'a>,
    attribute: &str,
    policy: &HtmlPolicy,
    src: SourceRef<'_>,
    body_pos: usize,
    out: &mut Rendered,
) -> CowStr<'a> {
    let Some(scheme) = policy.forbidden_scheme(&dest) else {
        return dest;
    };
    out.diagnostics.push(Diagnostic::new(
        Location::at_offset(src.shown, src.text, src.body_offset + body_pos),
        Message::UnsafeHtml {
            problem: HtmlProblem::Url {
                attribute: attribute.to_string(),
                scheme,
            },
        },
    ));
    CowStr::from("#")
}

fn resolve_or_report<'a>(
    dest: &CowStr<'a>,
    links: &Links,
    src: SourceRef<'_>,
    body_pos: usize,
    out: &mut Rendered,
) -> CowStr<'a> {
    if !dest.starts_with("@/") {
        return dest.clone();
    }
    let found = links.resolve(dest);
    out.looked_up.push((dest.to_string(), found.clone()));
    match found {
        Some(url) => CowStr::from(url),
        None => {
            // Point at the `@/` itself when it is on the same line.
            let abs = src.body_offset + body_pos;
            let at = src.text[abs..]
                .find(dest.as_ref())
                .filter(|i| !src.text[abs..abs + i].contains('\n'))
                .map_or(abs, |i| abs + i);
            out.diagnostics.push(Diagnostic::new(
                Location::at_offset(src.shown, src.text, at),
                Message::BrokenInternalLink {
                    target: dest.to_string(),
                },
            ));
            CowStr::from("#")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Rendered {
        let links = Links::new([("profil.md".to_string(), "/profil/".to_string())], "");
        render(
            SourceRef {
                shown: Path::new("a.md"),
                text,
                body_offset: 0,
            },
            &links,
            &HtmlPolicy::default(),
        )
    }

    #[test]
    fn resolves_internal_links_and_keeps_fragments() {
        let r = run("Lihat [profil](@/profil.md#visi).\n");
        assert!(
            r.html.text().contains("href=\"/profil/#visi\""),
            "{}",
            r.html
        );
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn reports_broken_internal_link_at_its_column() {
        let r = run("# Judul\n\nLihat [x](@/tidak-ada.md).\n");
        assert_eq!(r.diagnostics.len(), 1);
        let d = &r.diagnostics[0];
        assert_eq!(d.code, "TAUTAN-001");
        assert_eq!((d.location.line, d.location.column), (Some(3), Some(11)));
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = run("## Persyaratan\n\n## Persyaratan\n\n## Lain {#khusus}\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["persyaratan", "persyaratan-1", "khusus"]);
        assert!(
            r.html.text().contains("<h2 id=\"persyaratan-1\">"),
            "{}",
            r.html
        );
    }

    /// The page frame's IDs are taken: a heading or raw HTML in the body
    /// never repeats one (the Nu Html Checker's "Duplicate ID").
    #[test]
    fn bodies_avoid_the_ids_of_the_page_frame() {
        let frame: std::collections::BTreeSet<String> =
            ["biaya", "isi"].iter().map(|s| s.to_string()).collect();
        let policy = HtmlPolicy::for_page(&[], std::sync::Arc::new(frame));
        let links = Links::new(Vec::<(String, String)>::new(), "");
        let text = "## Biaya\n\n## Lain {#isi}\n\n<div id=\"biaya\">x</div>\n";
        let r = render(
            SourceRef {
                shown: Path::new("a.md"),
                text,
                body_offset: 0,
            },
            &links,
            &policy,
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["biaya-1", "isi-1"]);
        assert!(r.html.text().contains("id=\"biaya-isi\""), "{}", r.html);
        assert!(!r.html.text().contains("id=\"biaya\""), "{}", r.html);
    }

    #[test]
    fn plain_text_keeps_words_apart_across_blocks() {
        let r = run("## Layanan kami\n\nDinas melayani.\n");
        assert_eq!(r.plain, "Layanan kami Dinas melayani.");
    }

    #[test]
    fn extensions_are_on_and_images_are_collected() {
        let r = run(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~lama~~\n\n- [x] selesai\n\nTeks[^1]\n\n[^1]: catatan\n\n![Peta kantor](/peta.png)\n",
        );
        assert!(r.html.text().contains("<table>"));
        assert!(r.html.text().contains("<del>lama</del>"));
        assert!(r.html.text().contains("type=\"checkbox\""));
        assert!(r.html.text().contains("footnote-definition"));
        assert_eq!(r.images[0].alt, "Peta kantor");
        assert_eq!(r.images[0].line, 13);
        assert!(!r.plain.contains("Peta kantor"));
    }

    #[test]
    fn raw_html_is_sanitized_and_reported_where_it_was_written() {
        let r = run(
            "# Judul\n\nTeks <b>tebal</b>.\n\n<script>window.pwned=1</script>\n\n<img src=x onerror=\"window.pwned=1\">\n",
        );
        assert!(!r.html.text().contains("<script"), "{}", r.html);
        assert!(!r.html.text().contains("onerror"), "{}", r.html);
        assert!(r.html.text().contains("<b>tebal</b>"), "{}", r.html);
        let at: Vec<_> = r
            .diagnostics
            .iter()
            .map(|d| (d.code, d.location.line, d.location.column))
            .collect();
        assert_eq!(
            at,
            [
                ("HTML-001", Some(5), Some(1)),
                ("HTML-001", Some(7), Some(1))
            ]
        );
    }

    #[test]
    fn markdown_links_with_script_schemes_are_neutralised() {
        let r = run(
            "[klik](javascript:alert(1)) dan ![x](data:image/svg+xml,abc) dan <javascript:alert(2)>\n",
        );
        assert!(!r.html.text().contains("href=\"javascript"), "{}", r.html);
        assert!(!r.html.text().contains("src=\"data"), "{}", r.html);
        assert_eq!(r.diagnostics.len(), 3, "{:?}", r.diagnostics);
        assert!(r.diagnostics.iter().all(|d| d.code == "HTML-001"));
    }

    #[test]
    fn a_body_without_raw_html_is_not_touched_by_the_sanitizer() {
        let text = "## A\n\n[x](/a/ \"judul\") `k`\n";
        let r = run(text);
        assert!(
            r.html.text().contains("<a href=\"/a/\" title=\"judul\">"),
            "{}",
            r.html
        );
        assert!(r.diagnostics.is_empty());
    }
}
