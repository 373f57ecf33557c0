//! What the output checks need from a rendered page, read in one pass over
//! its tags: ids, links, images with alt, scripts, headings, media, forms,
//! `lang`. A small tag scanner, not an HTML parser: laman's own templates
//! and pulldown-cmark write the HTML it reads, so quoting is regular.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

/// A string of the facts; pages of one site share each distinct one
/// ([`Pool`]).
pub type Shared = Arc<str>;

/// The facts of one HTML page. `S` is [`Shared`], except while a page is
/// read: then its strings are slices of the HTML (`Cow`), and only those
/// the site's pool has not seen are copied ([`Pool::intern`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HtmlFacts<S = Shared>
where
    S: Eq + std::hash::Hash,
{
    /// Every `id` attribute.
    pub ids: HashSet<S>,
    /// `href` of `<a>` and `<link>`, `src` of `<img>`, `<script>`, `<source>`, `<iframe>`, `<video>`, `<audio>`.
    pub links: Vec<S>,
    /// What the page loads (not navigates to): `src` of img/script/source/iframe/video/audio, `href` of `<link>`.
    pub resources: Vec<S>,
    /// `src` of `<script>`.
    pub scripts: Vec<S>,
    /// `(src, alt)` of `<img>`; alt is `None` when the attribute is absent.
    pub images: Vec<(S, Option<String>)>,
    /// Heading levels in document order.
    pub headings: Vec<u8>,
    /// `video`/`audio`/`iframe` elements and whether a `<track>` follows inside them.
    pub media: Vec<(String, bool)>,
    /// A `<form>` that posts somewhere other than the site's search.
    pub has_form: bool,
    /// A search form (`role="search"`).
    pub has_search: bool,
    /// `<html lang="id…">`.
    pub lang_id: bool,
}

/// One copy of each string that the facts of a site's pages repeat: the
/// theme's menu, footer, styles and scripts are on every page, and a
/// site's facts are kept until its site rules have run (for as long as
/// the preview runs, in `laman serve`). Shared by the render threads of
/// one site render; dropped with it (the strings live on in the facts).
#[derive(Debug, Default)]
pub struct Pool(std::sync::Mutex<rustc_hash::FxHashSet<Shared>>);

impl Pool {
    /// A pool that already holds `strings` (those of the render memo's
    /// facts, so the pages read again share them).
    pub fn with(strings: impl IntoIterator<Item = Shared>) -> Pool {
        Pool(std::sync::Mutex::new(strings.into_iter().collect()))
    }

    /// The facts of `raw` with each string the pool's copy, adding those
    /// it has not seen: a string the theme repeats on every page is not
    /// copied again for each. One lock per page.
    pub fn intern(&self, raw: HtmlFacts<Cow<'_, str>>) -> HtmlFacts {
        let mut set = self.0.lock().unwrap_or_else(|e| e.into_inner());
        raw.interned(|s| match set.get(&*s) {
            Some(p) => p.clone(),
            None => {
                let p = Shared::from(&*s);
                set.insert(p.clone());
                p
            }
        })
    }
}

impl<S: Eq + std::hash::Hash> HtmlFacts<S> {
    /// The same facts with each string `f` of it (the render memo stores
    /// them as numbers into its table of strings).
    pub fn map<T: Eq + std::hash::Hash>(&self, mut f: impl FnMut(&S) -> T) -> HtmlFacts<T> {
        HtmlFacts {
            ids: self.ids.iter().map(&mut f).collect(),
            links: self.links.iter().map(&mut f).collect(),
            resources: self.resources.iter().map(&mut f).collect(),
            scripts: self.scripts.iter().map(&mut f).collect(),
            images: self
                .images
                .iter()
                .map(|(s, alt)| (f(s), alt.clone()))
                .collect(),
            headings: self.headings.clone(),
            media: self.media.clone(),
            has_form: self.has_form,
            has_search: self.has_search,
            lang_id: self.lang_id,
        }
    }
}

impl<'a> HtmlFacts<Cow<'a, str>> {
    /// The facts with each string made [`Shared`] by `intern`.
    fn interned(self, mut intern: impl FnMut(Cow<'a, str>) -> Shared) -> HtmlFacts {
        let HtmlFacts {
            ids,
            links,
            resources,
            scripts,
            images,
            headings,
            media,
            has_form,
            has_search,
            lang_id,
        } = self;
        // Each list in a new allocation of its length: collected in place,
        // the 16-byte strings would keep the 24-byte slices' room (and the
        // slack of the pushes) for as long as the site's facts are kept.
        fn exact<T, U>(v: Vec<T>, f: impl FnMut(T) -> U) -> Vec<U> {
            let mut out = Vec::with_capacity(v.len());
            out.extend(v.into_iter().map(f));
            out
        }
        HtmlFacts {
            ids: ids.into_iter().map(&mut intern).collect(),
            links: exact(links, &mut intern),
            resources: exact(resources, &mut intern),
            scripts: exact(scripts, &mut intern),
            images: exact(images, |(s, alt)| (intern(s), alt)),
            headings,
            media,
            has_form,
            has_search,
            lang_id,
        }
    }
}

/// Reads the facts of `html`, sharing its strings through `pool`.
pub fn scan_shared(html: &str, pool: &Pool) -> HtmlFacts {
    pool.intern(scan_raw(html))
}

/// Tags whose attributes the checks read; any other tag is only looked at for an `id`.
fn interesting(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "a"
            | "link"
            | "img"
            | "script"
            | "source"
            | "iframe"
            | "video"
            | "audio"
            | "track"
            | "form"
    )
}

/// Whether `id=` is in `tag` (most tags have no `=` at all: one `memchr`).
fn has_id(tag: &str) -> bool {
    memchr::memchr_iter(b'=', tag.as_bytes()).any(|at| tag.as_bytes()[..at].ends_with(b"id"))
}

/// Reads the facts of `html`.
pub fn scan(html: &str) -> HtmlFacts {
    scan_raw(html).interned(|s| Shared::from(&*s))
}

/// Reads the facts of `html`, its strings slices of it where they can be.
fn scan_raw(html: &str) -> HtmlFacts<Cow<'_, str>> {
    let mut f = HtmlFacts::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut open_media: Option<usize> = None;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + off + 1;
        if html[start..].starts_with("!--") {
            i = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let end = tag_end(bytes, start);
        let tag = &html[start..end];
        i = (end + 1).min(html.len());
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/');
        let name_len = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let name = lower(&body[..name_len]);
        if closing {
            if matches!(name.as_ref(), "video" | "audio") {
                open_media = None;
            }
            continue;
        }
        let heading =
            name.len() == 2 && name.starts_with('h') && name.as_bytes()[1].is_ascii_digit();
        if heading {
            if let Some(level) = name[1..].parse::<u8>().ok().filter(|l| (1..=6).contains(l)) {
                f.headings.push(level);
            }
        }
        if !interesting(&name) {
            if has_id(tag) {
                if let Some(id) =
                    Attributes(&body[name_len..]).find(|(n, _)| n.eq_ignore_ascii_case("id"))
                {
                    f.ids.insert(id.1);
                }
            }
            continue;
        }
        // Tags are short: reading the attributes again for each key is
        // cheaper than collecting them.
        let attrs = &body[name_len..];
        let get = |k: &str| {
            Attributes(attrs)
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v)
        };
        if let Some(id) = get("id") {
            f.ids.insert(id);
        }
        record(&mut f, name.as_ref(), &get, &mut open_media);
    }
    f
}

fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(s.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Records what an interesting tag contributes.
fn record<'a>(
    f: &mut HtmlFacts<Cow<'a, str>>,
    name: &str,
    get: &dyn Fn(&str) -> Option<Cow<'a, str>>,
    open_media: &mut Option<usize>,
) {
    match name {
        "html" => f.lang_id = get("lang").is_some_and(|l| l == "id" || l.starts_with("id-")),
        "a" => f.links.extend(get("href")),
        "link" => {
            if let Some(h) = get("href") {
                let rel = get("rel").unwrap_or_default();
                if rel
                    .split_whitespace()
                    .any(|r| r == "stylesheet" || r == "icon" || r == "preload")
                {
                    f.resources.push(h.clone());
                }
                f.links.push(h);
            }
        }
        "img" => {
            let src = get("src").unwrap_or_default();
            f.links.push(src.clone());
            f.resources.push(src.clone());
            f.images.push((src, get("alt").map(Cow::into_owned)));
        }
        "script" => {
            if let Some(s) = get("src") {
                f.links.push(s.clone());
                f.resources.push(s.clone());
                f.scripts.push(s);
            }
        }
        "source" => {
            if let Some(s) = get("src") {
                f.links.push(s.clone());
                f.resources.push(s);
            }
        }
        "iframe" => {
            if let Some(s) = get("src") {
                f.links.push(s.clone());
                f.resources.push(s);
            }
            f.media.push(("iframe".into(), get("title").is_some()));
        }
        "video" | "audio" => {
            if let Some(s) = get("src") {
                f.links.push(s.clone());
                f.resources.push(s);
            }
            f.media.push((name.to_string(), false));
            *open_media = Some(f.media.len() - 1);
        }
        "track" => {
            if let Some(m) = *open_media {
                f.media[m].1 = true;
            }
        }
        "form" => {
            if get("role").as_deref() == Some("search") {
                f.has_search = true;
            } else {
                f.has_form = true;
            }
        }
        _ => {}
    }
}

/// Index of the `>` that ends the tag starting at `start`, skipping quoted values.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start;
    while let Some(off) = memchr::memchr3(b'>', b'"', b'\'', &bytes[j..]) {
        let at = j + off;
        let b = bytes[at];
        if b == b'>' {
            return at;
        }
        // A quoted value: jump past its closing quote.
        match memchr::memchr(b, &bytes[at + 1..]) {
            Some(close) => j = at + 1 + close + 1,
            None => return bytes.len(),
        }
    }
    bytes.len()
}

/// Where an attribute's name at the start of `rest` ends: at whitespace
/// (as `char::is_whitespace` says), `=`, `>` or `/`. Byte by byte while
/// the text is ASCII, as tags almost always are.
fn name_end(rest: &str) -> usize {
    let stop = |c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/';
    for (i, b) in rest.bytes().enumerate() {
        if !b.is_ascii() {
            return i + rest[i..].find(stop).unwrap_or(rest.len() - i);
        }
        if stop(char::from(b)) {
            return i;
        }
    }
    rest.len()
}

/// `name="value"` pairs after a tag name (entities `&amp;`, `&quot;`, `&#39;` decoded), read lazily.
struct Attributes<'a>(&'a str);

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, std::borrow::Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        let mut rest = self.0;
        loop {
            rest = rest.trim_start();
            let name_len = name_end(rest);
            if name_len == 0 {
                if rest.is_empty() {
                    self.0 = rest;
                    return None;
                }
                rest = &rest[1..];
                continue;
            }
            let name = &rest[..name_len];
            rest = rest[name_len..].trim_start();
            let value = if let Some(r) = rest.strip_prefix('=') {
                let r = r.trim_start();
                let (v, after) = match r.as_bytes().first() {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = memchr::memchr(q, &r.as_bytes()[1..]).map_or(r.len(), |e| e + 1);
                        (&r[1.min(r.len())..end], r.get(end + 1..).unwrap_or(""))
                    }
                    _ => {
                        let end = r.find(char::is_whitespace).unwrap_or(r.len());
                        (&r[..end], &r[end..])
                    }
                };
                rest = after;
                if memchr::memchr(b'&', v.as_bytes()).is_some() {
                    std::borrow::Cow::Owned(
                        v.replace("&amp;", "&")
                            .replace("&quot;", "\"")
                            .replace("&#39;", "'"),
                    )
                } else {
                    std::borrow::Cow::Borrowed(v)
                }
            } else {
                std::borrow::Cow::Borrowed("")
            };
            self.0 = rest;
            return Some((name, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;

    fn strs(v: &[Shared]) -> Vec<&str> {
        v.iter().map(|s| &**s).collect()
    }

    #[test]
    fn a_slash_separates_attributes_as_browsers_read_it() {
        // `<img/src=…>` loads the image in a browser: the slash is no part
        // of the attribute's name.
        let f = super::scan(r#"<img/src="http://cdn.example/a.png"/><a/href="/b/">b</a>"#);
        assert_eq!(strs(&f.resources), ["http://cdn.example/a.png"]);
        assert_eq!(strs(&f.links), ["http://cdn.example/a.png", "/b/"]);
    }

    #[test]
    fn pages_scanned_through_one_pool_share_their_repeated_strings() {
        let pool = super::Pool::default();
        let theme = r#"<nav id="menu"><a href="/layanan/">Layanan</a></nav><script src="/assets/laman.js"></script>"#;
        let a = super::scan_shared(&format!(r#"{theme}<a href="/a/">a</a>"#), &pool);
        let b = super::scan_shared(
            &format!(r#"{theme}<a href="/b/">b</a><img src="/assets/laman.js">"#),
            &pool,
        );
        assert_eq!(strs(&a.links), ["/layanan/", "/assets/laman.js", "/a/"]);
        assert_eq!(
            strs(&b.links),
            ["/layanan/", "/assets/laman.js", "/b/", "/assets/laman.js"]
        );
        // One allocation for the theme's link, wherever it appears.
        assert!(Shared::ptr_eq(&a.links[0], &b.links[0]));
        assert!(Shared::ptr_eq(&a.scripts[0], &b.resources[1]));
        assert!(Shared::ptr_eq(&a.links[1], &b.images[0].0));
        let id = |f: &super::HtmlFacts| f.ids.get("menu").cloned().expect("id");
        assert!(Shared::ptr_eq(&id(&a), &id(&b)));
        // What a page does not repeat stays its own, and scanning alone
        // gives the same facts.
        assert!(!Shared::ptr_eq(&a.links[2], &b.links[2]));
        assert_eq!(super::scan(&format!(r#"{theme}<a href="/a/">a</a>"#)), a);
    }

    #[test]
    fn every_resource_tag_and_rel_form_is_a_resource() {
        // What a page loads: each tag, and `<link>` only for the rel values that load.
        let cases: &[(&str, bool)] = &[
            (
                "<link rel=\"stylesheet\" href=\"http://x.example/a.css\">",
                true,
            ),
            ("<link rel=\"icon\" href=\"http://x.example/a.ico\">", true),
            (
                "<link rel=\"preload\" href=\"http://x.example/a.woff2\">",
                true,
            ),
            (
                "<link rel=\"alternate stylesheet\" href=\"http://x.example/b.css\">",
                true,
            ),
            ("<link rel=\"canonical\" href=\"http://x.example/\">", false),
            ("<link href=\"http://x.example/c.css\">", false),
            ("<source src=\"http://x.example/a.mp4\">", true),
            (
                "<iframe src=\"http://x.example/\" title=\"t\"></iframe>",
                true,
            ),
            ("<script src=\"http://x.example/a.js\"></script>", true),
            ("<video src=\"http://x.example/v.mp4\"></video>", true),
            ("<a href=\"http://x.example/\">x</a>", false),
        ];
        for (html, loads) in cases {
            let f = scan(html);
            assert_eq!(
                f.resources
                    .iter()
                    .any(|r| r.starts_with("http://x.example/")),
                *loads,
                "{html}: {:?}",
                f.resources
            );
            assert!(
                f.links.iter().any(|l| l.starts_with("http://x.example/")),
                "{html} is a link"
            );
        }
    }

    use super::*;

    /// Text before, between and after tags moves the cursor by different
    /// amounts: every tag is still read from its own `<`.
    #[test]
    fn tags_after_text_of_any_length_are_read() {
        let f = scan(
            "x<a href=\"/1/\">satu</a> dua <a href=\"/2/\">x</a>tiga empat lima<img src=\"/3.png\" alt=\"\">.",
        );
        assert_eq!(strs(&f.links), vec!["/1/", "/2/", "/3.png"]);
        assert_eq!(f.images, vec![("/3.png".into(), Some(String::new()))]);
    }

    #[test]
    fn reads_links_ids_images_and_headings() {
        let f = scan(
            "<!DOCTYPE html><html lang=\"id\"><!-- <a href=\"/no/\"> --><h1 id=\"a\">x</h1><h3>y</h3>\
             <a href=\"/p/?q=1&amp;r=2\" class='k'>p</a><img src=\"/g.png\" alt=\"\"><img src=/h.png>\
             <script src=\"https://cdn.example/x.js\" defer></script><video src=v.mp4><track kind=captions></video>\
             <form role=\"search\"></form>",
        );
        assert!(f.lang_id);
        assert!(f.ids.contains("a"));
        assert_eq!(f.headings, vec![1, 3]);
        assert!(strs(&f.links).contains(&"/p/?q=1&r=2"));
        assert!(!strs(&f.links).contains(&"/no/"));
        assert_eq!(
            f.images,
            vec![
                ("/g.png".into(), Some(String::new())),
                ("/h.png".into(), None)
            ]
        );
        assert_eq!(strs(&f.scripts), vec!["https://cdn.example/x.js"]);
        assert_eq!(f.media, vec![("video".into(), true)]);
        assert!(!f.has_form);
        assert!(f.has_search);
        assert!(strs(&f.resources).contains(&"/g.png"));
        assert!(!strs(&f.resources).contains(&"/p/?q=1&r=2"));
    }

    #[test]
    fn tags_after_an_empty_comment_or_a_stray_bracket_are_read() {
        // `<!-->` is a whole (empty) comment; `<>` and a last `<` are text.
        let f = scan("<!--><a href=\"/1/\">x</a> a <> b <a href=\"/2/\">y</a> c <");
        assert_eq!(strs(&f.links), vec!["/1/", "/2/"]);
    }

    #[test]
    fn only_h1_to_h6_are_headings() {
        let f = scan("<h>a</h><b1>b</b1><h7>c</h7><h10>d</h10><h2>e</h2><hr><header>f</header>");
        assert_eq!(f.headings, vec![2]);
    }

    #[test]
    fn a_quoted_value_may_hold_a_closing_bracket() {
        let f = scan("<a title=\"a > b\" href=\"/1/\">x</a><img alt='c > d' src=\"/2.png\">");
        assert_eq!(strs(&f.links), vec!["/1/", "/2.png"]);
        assert_eq!(f.images, vec![("/2.png".into(), Some("c > d".into()))]);
    }

    #[test]
    fn an_attribute_name_ends_where_a_char_search_would_end_it() {
        let by_char = |rest: &str| {
            rest.find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len())
        };
        for rest in [
            "href=\"/a/\"",
            "defer>",
            "a\u{0B}b=1",
            "a\u{0C}b",
            "a\u{A0}b=1",
            "é\u{2003}x=1",
            "data-é=1",
            "x/y",
            "",
            "tanpa-akhir",
        ] {
            assert_eq!(name_end(rest), by_char(rest), "{rest:?}");
        }
        // Unicode whitespace still separates attributes, as before.
        let f = scan("<a\u{A0}href=\"/1/\">x</a><img\u{2003}src=\"/2.png\"\u{0B}alt=\"\">");
        assert_eq!(strs(&f.links), vec!["/1/", "/2.png"]);
        assert_eq!(f.images, vec![("/2.png".into(), Some(String::new()))]);
        // An id after `=` signs that are not `id=`.
        let f = scan("<div class=\"a=b\" data-x=1 id=\"di-sini\"></div><p data-id=\"x\"></p>");
        assert!(f.ids.contains("di-sini"));
    }

    #[test]
    fn a_stray_equals_sign_after_a_value_does_not_swallow_the_next_attribute() {
        // As a browser reads it: `=` starts no value, `href` is an attribute.
        let f = scan("<a title=\"x\"= href=\"/1/\">x</a>");
        assert_eq!(strs(&f.links), vec!["/1/"]);
    }
}
