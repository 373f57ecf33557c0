//! WordPress HTML → Markdown. WordPress stores the editor's HTML with
//! Gutenberg block comments and, for classic posts, without `<p>` (its
//! `wpautop` adds them when it renders): both are undone here, then `htmd`
//! converts. Shortcodes (`[gallery]`, `[contact-form]`, `[embed]`…) have
//! no Markdown form: each is replaced by an HTML comment that names it, so
//! nothing is dropped silently or shown as raw text, and listed with the
//! Markdown line it ended up on.

use serde::Serialize;

/// A shortcode that could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortcode {
    /// Its name (`gallery`).
    pub name: String,
    /// The shortcode as written (cut at 200 bytes).
    pub text: String,
    /// Line in the Markdown body (1-based).
    pub line: usize,
}

/// An image and its alternative text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Image {
    /// `src`.
    pub src: String,
    /// `alt` (empty when missing).
    pub alt: String,
}

/// The Markdown of one item and what it holds.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// The Markdown body.
    pub markdown: String,
    /// Shortcodes that are left for the editor.
    pub shortcodes: Vec<Shortcode>,
}

const MARK: &str = "LAMANSHORTCODE";

/// Shortcodes whose content is plain HTML: the wrapper is dropped, the
/// content kept.
const CONVERTIBLE: &[&str] = &["caption", "wp_caption"];

/// Converts the HTML of an item.
pub fn to_markdown(html: &str) -> Converted {
    let html = strip_block_comments(html);
    let (html, found) = take_shortcodes(&html);
    let html = autop(&html);
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec!["script", "style", "head"])
        .build();
    let md = converter.convert(&html).unwrap_or_else(|_| html.clone());
    let mut shortcodes = Vec::new();
    let mut out = String::with_capacity(md.len());
    for (n, line) in md.lines().enumerate() {
        let mut line = line.to_string();
        for (i, (name, text)) in found.iter().enumerate() {
            let token = format!("{MARK}{i}X");
            if line.contains(&token) {
                shortcodes.push(Shortcode {
                    name: name.clone(),
                    text: text.clone(),
                    line: n + 1,
                });
                let shown = text.replace("--", "- -");
                line = line.replace(&token, &format!("<!-- impor: shortcode {shown} -->"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Converted {
        markdown: out.trim().to_string() + "\n",
        shortcodes,
    }
}

/// Removes `<!-- wp:… -->` and `<!-- /wp:… -->`.
fn strip_block_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        let after = rest[i + 4..].trim_start();
        if after.starts_with("wp:") || after.starts_with("/wp:") {
            out.push_str(&rest[..i]);
            match rest[i..].find("-->") {
                Some(e) => rest = &rest[i + e + 3..],
                None => {
                    rest = "";
                }
            }
        } else {
            out.push_str(&rest[..i + 4]);
            rest = &rest[i + 4..];
        }
    }
    out.push_str(rest);
    out
}

/// Replaces `[name …]`, `[name …]…[/name]` with a token; returns the
/// shortcodes in order. Only lower-case names that start a bracket and are
/// followed by a space, `]` or `/` count: `[1]` and `[link text]` do not.
fn take_shortcodes(html: &str) -> (String, Vec<(String, String)>) {
    let mut out = String::with_capacity(html.len());
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let name: String = tail
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
            .collect();
        let next = tail[name.len()..].chars().next();
        let is_code = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && matches!(next, Some(' ' | ']' | '/'));
        let close = tail.find(']');
        match (is_code, close) {
            (true, Some(c)) => {
                let mut end = i + 1 + c + 1;
                // An enclosing shortcode: take its content and closing tag too.
                let closing = format!("[/{name}]");
                if let Some(e) = rest[end..].find(&closing) {
                    if CONVERTIBLE.contains(&name.as_str()) {
                        // `[caption]<img …> Text[/caption]`: the image and its
                        // caption are content; only the wrapper goes.
                        out.push_str(&rest[end..end + e]);
                        rest = &rest[end + e + closing.len()..];
                        continue;
                    }
                    end += e + closing.len();
                }
                let mut text = rest[i..end].to_string();
                if text.len() > 200 {
                    let mut cut = 200;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    text.truncate(cut);
                    text.push('…');
                }
                out.push_str(&format!("{MARK}{}X", found.len()));
                found.push((name, text.replace('\n', " ")));
                rest = &rest[end..];
            }
            _ => {
                out.push('[');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    (out, found)
}

const BLOCKS: &[&str] = &[
    "<p",
    "<div",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<h5",
    "<h6",
    "<ul",
    "<ol",
    "<li",
    "<table",
    "<blockquote",
    "<pre",
    "<figure",
    "<hr",
    "<dl",
    "<address",
    "<section",
    "<!--",
];

/// WordPress's `wpautop`, simplified: text separated by blank lines becomes
/// paragraphs, and a single newline inside one becomes `<br>`, except in
/// `<pre>` and around block elements.
fn autop(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    loop {
        let lower = rest.to_ascii_lowercase();
        let (before, pre, after) = match lower.find("<pre") {
            Some(s) => {
                let e = lower[s..].find("</pre>").map_or(rest.len(), |e| s + e + 6);
                (&rest[..s], &rest[s..e], &rest[e..])
            }
            None => (rest, "", ""),
        };
        for chunk in before.replace("\r\n", "\n").split("\n\n") {
            let c = chunk.trim();
            if c.is_empty() {
                continue;
            }
            let lc = c.to_ascii_lowercase();
            if BLOCKS.iter().any(|b| lc.starts_with(b)) {
                out.push_str(c);
            } else {
                out.push_str("<p>");
                out.push_str(&c.replace('\n', "<br>\n"));
                out.push_str("</p>");
            }
            out.push_str("\n\n");
        }
        out.push_str(pre);
        if after.is_empty() {
            break;
        }
        out.push_str("\n\n");
        rest = after;
    }
    out
}

/// The images of an HTML fragment with their alt text.
pub fn images(html: &str) -> Vec<Image> {
    let mut found = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<img") {
        let s = from + i;
        let e = lower[s..].find('>').map_or(lower.len(), |e| s + e);
        let tag = &html[s..e];
        found.push(Image {
            src: attr(tag, "src").unwrap_or_default(),
            alt: attr(tag, "alt").unwrap_or_default(),
        });
        from = e;
    }
    found
}

/// The value of `name="…"` in a tag.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let s = from + i;
        from = s + name.len();
        let before_ok = s > 0 && lower.as_bytes()[s - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let v_start = tag.len() - rest.len() + 1;
        let v = tag[v_start..].trim_start();
        let (q, v) = match v.chars().next()? {
            c @ ('"' | '\'') => (c, &v[1..]),
            _ => (' ', v),
        };
        return Some(v.split([q, '>']).next().unwrap_or_default().to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gutenberg_comments_go_and_structure_stays() {
        let c = to_markdown(
            "<!-- wp:heading --><h2>Jadwal</h2><!-- /wp:heading -->\n<!-- wp:list --><ul><li>Senin</li><li>Selasa</li></ul><!-- /wp:list -->\n<blockquote><p>Kutipan</p></blockquote>\n<table><tr><th>A</th></tr><tr><td>1</td></tr></table>",
        );
        assert!(!c.markdown.contains("wp:"), "{}", c.markdown);
        assert!(c.markdown.contains("## Jadwal"), "{}", c.markdown);
        assert!(
            c.markdown.contains("*   Senin")
                || c.markdown.contains("- Senin")
                || c.markdown.contains("* Senin"),
            "{}",
            c.markdown
        );
        assert!(c.markdown.contains("> Kutipan"), "{}", c.markdown);
    }

    #[test]
    fn classic_paragraphs_become_paragraphs() {
        let c = to_markdown("Satu baris.\n\nDua <a href=\"/x\">tautan</a>.");
        assert_eq!(c.markdown, "Satu baris.\n\nDua [tautan](/x).\n");
    }

    #[test]
    fn shortcodes_are_listed_with_their_line_not_dropped() {
        let c = to_markdown(
            "<p>Awal</p>\n\n[gallery ids=\"1,2\"]\n\n<p>[contact-form][/contact-form] dan [1] biasa</p>",
        );
        let names: Vec<_> = c
            .shortcodes
            .iter()
            .map(|s| (s.name.as_str(), s.line))
            .collect();
        assert_eq!(
            names,
            [("gallery", 3), ("contact-form", 5)],
            "{}",
            c.markdown
        );
        assert!(
            c.markdown
                .contains("<!-- impor: shortcode [gallery ids=\"1,2\"] -->")
        );
        assert!(c.markdown.contains("[1] biasa") || c.markdown.contains("\\[1\\] biasa"));
        let cap = to_markdown(
            "[caption id=\"a\" width=\"150\"]<img src=\"x.jpg\" alt=\"Foto\"> Keterangan[/caption]",
        );
        assert!(
            cap.shortcodes.is_empty() && cap.markdown.contains("![Foto](x.jpg) Keterangan"),
            "{}",
            cap.markdown
        );
    }

    #[test]
    fn images_and_alt() {
        let i = images("<img src=\"a.jpg\" alt=\"Kantor\"><IMG SRC='b.png'>");
        assert_eq!(i[0].alt, "Kantor");
        assert_eq!((i[1].src.as_str(), i[1].alt.as_str()), ("b.png", ""));
    }
}
