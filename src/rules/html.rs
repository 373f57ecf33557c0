//! What the output checks need from a rendered page, read in one pass over
//! its tags: ids, links, images with alt, scripts, headings, media, forms,
//! `lang`. A small tag scanner, not an HTML parser: laman's own templates
//! and pulldown-cmark write the HTML it reads, so quoting is regular.

use std::collections::HashSet;

/// The facts of one HTML page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HtmlFacts {
    /// Every `id` attribute.
    pub ids: HashSet<String>,
    /// `href` of `<a>` and `<link>`, `src` of `<img>`, `<script>`, `<source>`, `<iframe>`, `<video>`, `<audio>`.
    pub links: Vec<String>,
    /// What the page loads (not navigates to): `src` of img/script/source/iframe/video/audio, `href` of `<link>`.
    pub resources: Vec<String>,
    /// `src` of `<script>`.
    pub scripts: Vec<String>,
    /// `(src, alt)` of `<img>`; alt is `None` when the attribute is absent.
    pub images: Vec<(String, Option<String>)>,
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

/// Reads the facts of `html`.
pub fn scan(html: &str) -> HtmlFacts {
    let mut f = HtmlFacts::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut open_media: Option<usize> = None;
    while let Some(off) = html[i..].find('<') {
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
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if closing {
            if matches!(name.as_str(), "video" | "audio") {
                open_media = None;
            }
            continue;
        }
        let attrs = attributes(tag);
        let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if let Some(id) = get("id") {
            f.ids.insert(id);
        }
        match name.as_str() {
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
                f.images.push((src, get("alt")));
            }
            "script" => {
                if let Some(s) = get("src") {
                    f.links.push(s.clone());
                    f.resources.push(s.clone());
                    f.scripts.push(s);
                }
            }
            "source" => {
                f.links.extend(get("src"));
                f.resources.extend(get("src"));
            }
            "iframe" => {
                f.links.extend(get("src"));
                f.resources.extend(get("src"));
                f.media.push(("iframe".into(), get("title").is_some()));
            }
            "video" | "audio" => {
                f.links.extend(get("src"));
                f.resources.extend(get("src"));
                f.media.push((name.clone(), false));
                open_media = Some(f.media.len() - 1);
            }
            "track" => {
                if let Some(m) = open_media {
                    f.media[m].1 = true;
                }
            }
            "form" => {
                let role = get("role").unwrap_or_default();
                if role == "search" {
                    f.has_search = true;
                } else {
                    f.has_form = true;
                }
            }
            n if n.len() == 2 && n.starts_with('h') => {
                if let Some(level) = n[1..].parse::<u8>().ok().filter(|l| (1..=6).contains(l)) {
                    f.headings.push(level);
                }
            }
            _ => {}
        }
    }
    f
}

/// Index of the `>` that ends the tag starting at `start`, skipping quoted values.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut j = start;
    while j < bytes.len() {
        let b = bytes[j];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return j,
            None => {}
        }
        j += 1;
    }
    bytes.len()
}

/// `name="value"` pairs of a tag (names lower-cased, entities `&amp;` and `&quot;` decoded).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '/');
    loop {
        rest = rest.trim_start();
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len());
        if name_len == 0 {
            if rest.is_empty() {
                break;
            }
            rest = &rest[1..];
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        rest = rest[name_len..].trim_start();
        let value = if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let (v, after) = match r.as_bytes().first() {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = r[1..].find(q as char).map_or(r.len(), |e| e + 1);
                    (&r[1..end], r.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = r.find(char::is_whitespace).unwrap_or(r.len());
                    (&r[..end], &r[end..])
                }
            };
            rest = after;
            v.replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
        } else {
            String::new()
        };
        out.push((name, value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(f.links.contains(&"/p/?q=1&r=2".to_string()));
        assert!(!f.links.contains(&"/no/".to_string()));
        assert_eq!(
            f.images,
            vec![
                ("/g.png".into(), Some(String::new())),
                ("/h.png".into(), None)
            ]
        );
        assert_eq!(f.scripts, vec!["https://cdn.example/x.js".to_string()]);
        assert_eq!(f.media, vec![("video".into(), true)]);
        assert!(!f.has_form);
        assert!(f.has_search);
        assert!(f.resources.contains(&"/g.png".to_string()));
        assert!(!f.resources.contains(&"/p/?q=1&r=2".to_string()));
    }
}
