//! Reading a WordPress export (WXR 1.1/1.2, an RSS file with the `wp:`,
//! `content:`, `excerpt:` and `dc:` namespaces) into plain items. quick-xml
//! reads it as a stream; a DOCTYPE is refused outright, so no entity is
//! ever declared or expanded (a billion-laughs export is an error, not a
//! gigabyte), and an undeclared entity reference is an error too. The
//! bytes must be UTF-8, as WordPress writes them; anything else is refused
//! with the offset of the first bad byte rather than guessed at.

use quick_xml::Reader;
use quick_xml::events::Event;

/// The largest export read (WordPress exports of agency sites are a few
/// MiB; this bounds memory against a hostile file).
pub const MAX_EXPORT_BYTES: usize = 512 * 1024 * 1024;

/// The largest text of one field of one item; a longer field (a huge
/// CDATA) does not stop the import: its item is quarantined.
pub const MAX_FIELD_BYTES: usize = 8 * 1024 * 1024;

/// Why an export could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum WxrError {
    /// Not UTF-8.
    #[error("the export is not UTF-8 (first invalid byte at offset {0})")]
    NotUtf8(usize),
    /// Larger than [`MAX_EXPORT_BYTES`].
    #[error("the export is {0} bytes, more than the {MAX_EXPORT_BYTES} read")]
    TooLarge(usize),
    /// A `<!DOCTYPE …>`: entity declarations are refused.
    #[error(
        "the export declares a DOCTYPE (entities are not expanded; a WordPress export has none)"
    )]
    Doctype,
    /// Broken XML, or an entity that is not one of XML's five.
    #[error("the export is not well-formed XML at byte {offset}: {reason}")]
    Xml {
        /// Byte offset in the file.
        offset: u64,
        /// What the parser said.
        reason: String,
    },
    /// No `<rss><channel>` with `wp:wxr_version`.
    #[error("not a WordPress export (no <wp:wxr_version>)")]
    NotWxr,
}

/// One `<category>` of an item (a category or a tag).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    /// `category` or `post_tag` (others are kept as they are).
    pub domain: String,
    /// The URL slug.
    pub nicename: String,
    /// The display name.
    pub name: String,
}

/// One `<item>`: a post, page, attachment, menu item….
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// `wp:post_id`.
    pub id: u64,
    /// `title`.
    pub title: String,
    /// `link`: the permalink.
    pub link: String,
    /// `guid` (`https://host/?p=123`).
    pub guid: String,
    /// `dc:creator`: the author's login.
    pub creator: String,
    /// `content:encoded`: the HTML.
    pub content: String,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:post_date` (site-local `YYYY-MM-DD HH:MM:SS`).
    pub date: String,
    /// `wp:post_modified`, when the export has it.
    pub modified: String,
    /// `wp:post_name`: the slug (may be percent-encoded UTF-8 or empty).
    pub slug: String,
    /// `wp:status`: publish, draft, private, future, pending, inherit.
    pub status: String,
    /// `wp:post_parent`.
    pub parent: u64,
    /// `wp:menu_order`.
    pub menu_order: i64,
    /// `wp:post_type`: post, page, attachment, nav_menu_item….
    pub post_type: String,
    /// `wp:post_password`: non-empty means password-protected.
    pub password: String,
    /// `wp:attachment_url`.
    pub attachment_url: String,
    /// `_wp_attachment_image_alt` of an attachment.
    pub image_alt: String,
    /// Categories and tags.
    pub terms: Vec<Term>,
    /// Number of `wp:comment`s.
    pub comments: usize,
    /// A field longer than [`MAX_FIELD_BYTES`] (its text is cut).
    pub oversized: Option<String>,
}

/// A whole export.
#[derive(Debug, Clone, Default)]
pub struct Export {
    /// `wp:wxr_version`.
    pub version: String,
    /// `wp:base_blog_url` (else the channel `link`).
    pub site_url: String,
    /// Author login → display name.
    pub authors: Vec<(String, String)>,
    /// Every item, in file order.
    pub items: Vec<Item>,
}

impl Export {
    /// The display name of the author with `login`, else the login.
    pub fn author(&self, login: &str) -> String {
        self.authors
            .iter()
            .find(|(l, _)| l == login)
            .map(|(_, d)| d.clone())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| login.to_string())
    }
}

/// Reads an export from its bytes.
pub fn parse(bytes: &[u8]) -> Result<Export, WxrError> {
    if bytes.len() > MAX_EXPORT_BYTES {
        return Err(WxrError::TooLarge(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| WxrError::NotUtf8(e.valid_up_to()))?;
    let mut reader = Reader::from_str(text);
    // Text is trimmed per field below, not by the reader: CDATA keeps its spaces.
    reader.config_mut().check_end_names = true;
    let mut export = Export::default();
    let mut stack: Vec<String> = Vec::new();
    let mut item: Option<Item> = None;
    let mut term: Option<Term> = None;
    let mut author = (String::new(), String::new());
    let mut meta_key = String::new();
    let mut text = String::new();
    let xml_err = |reader: &Reader<&[u8]>, e: &dyn std::fmt::Display| WxrError::Xml {
        offset: reader.buffer_position(),
        reason: e.to_string(),
    };
    loop {
        let event = reader.read_event().map_err(|e| xml_err(&reader, &e))?;
        match event {
            Event::DocType(_) => return Err(WxrError::Doctype),
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "item" && stack.last().map(String::as_str) == Some("channel") {
                    item = Some(Item::default());
                }
                if name == "category" && item.is_some() {
                    let mut t = Term::default();
                    for a in e.attributes() {
                        let a = a.map_err(|e| xml_err(&reader, &e))?;
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map_err(|e| xml_err(&reader, &e))?
                            .into_owned();
                        match a.key.as_ref() {
                            b"domain" => t.domain = v,
                            b"nicename" => t.nicename = v,
                            _ => {}
                        }
                    }
                    term = Some(t);
                }
                if name == "wp:comment"
                    && let Some(it) = item.as_mut()
                {
                    it.comments += 1;
                }
                stack.push(name);
                text.clear();
            }
            Event::Empty(_) => {}
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| xml_err(&reader, &e))?;
                push_bounded(&mut text, &s, &mut item, &stack);
            }
            Event::GeneralRef(r) => {
                // Only XML's five and character references; anything else
                // would need a DTD, which is refused.
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                let s = match r.resolve_char_ref().map_err(|e| xml_err(&reader, &e))? {
                    Some(c) => c.to_string(),
                    None => match quick_xml::escape::resolve_xml_entity(&name) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(WxrError::Xml {
                                offset: reader.buffer_position(),
                                reason: format!("undeclared entity &{name};"),
                            });
                        }
                    },
                };
                push_bounded(&mut text, &s, &mut item, &stack);
            }
            Event::CData(c) => {
                let s = String::from_utf8_lossy(&c.into_inner()).into_owned();
                push_bounded(&mut text, &s, &mut item, &stack);
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else { break };
                let parent = stack.last().map(String::as_str).unwrap_or_default();
                let value = std::mem::take(&mut text);
                end_element(
                    &name,
                    parent,
                    value,
                    &mut export,
                    &mut item,
                    &mut term,
                    &mut author,
                    &mut meta_key,
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(WxrError::Xml {
            offset: reader.buffer_position(),
            reason: format!("unclosed <{}>", stack.join("> <")),
        });
    }
    if export.version.is_empty() {
        return Err(WxrError::NotWxr);
    }
    Ok(export)
}

fn push_bounded(text: &mut String, s: &str, item: &mut Option<Item>, stack: &[String]) {
    if text.len() + s.len() > MAX_FIELD_BYTES {
        if let Some(it) = item.as_mut() {
            it.oversized
                .get_or_insert_with(|| stack.last().cloned().unwrap_or_default());
        }
        return;
    }
    text.push_str(s);
}

#[allow(clippy::too_many_arguments)]
fn end_element(
    name: &str,
    parent: &str,
    value: String,
    export: &mut Export,
    item: &mut Option<Item>,
    term: &mut Option<Term>,
    author: &mut (String, String),
    meta_key: &mut String,
) {
    if name == "item" {
        if let Some(it) = item.take() {
            export.items.push(it);
        }
        return;
    }
    if let Some(it) = item.as_mut() {
        // Inside a comment, only the count matters.
        if parent.starts_with("wp:comment") || name == "wp:comment" {
            return;
        }
        let v = value;
        match name {
            "title" if parent == "item" => it.title = v.trim().to_string(),
            "link" if parent == "item" => it.link = v.trim().to_string(),
            "guid" => it.guid = v.trim().to_string(),
            "dc:creator" => it.creator = v.trim().to_string(),
            "content:encoded" => it.content = v,
            "excerpt:encoded" => it.excerpt = v,
            "wp:post_date" => it.date = v.trim().to_string(),
            "wp:post_modified" => it.modified = v.trim().to_string(),
            "wp:post_name" => it.slug = v.trim().to_string(),
            "wp:status" => it.status = v.trim().to_string(),
            "wp:post_parent" => it.parent = v.trim().parse().unwrap_or(0),
            "wp:menu_order" => it.menu_order = v.trim().parse().unwrap_or(0),
            "wp:post_type" => it.post_type = v.trim().to_string(),
            "wp:post_password" => it.password = v.trim().to_string(),
            "wp:attachment_url" => it.attachment_url = v.trim().to_string(),
            "wp:post_id" => it.id = v.trim().parse().unwrap_or(0),
            "wp:meta_key" => *meta_key = v.trim().to_string(),
            "wp:meta_value" if meta_key == "_wp_attachment_image_alt" => {
                it.image_alt = v.trim().to_string();
            }
            "category" => {
                if let Some(mut t) = term.take() {
                    t.name = v.trim().to_string();
                    it.terms.push(t);
                }
            }
            _ => {}
        }
        return;
    }
    match name {
        "wp:wxr_version" => export.version = value.trim().to_string(),
        "wp:base_blog_url" => export.site_url = value.trim().to_string(),
        "link" if parent == "channel" && export.site_url.is_empty() => {
            export.site_url = value.trim().to_string();
        }
        "wp:author_login" => author.0 = value.trim().to_string(),
        "wp:author_display_name" => author.1 = value.trim().to_string(),
        "wp:author" => export.authors.push(std::mem::take(author)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><rss xmlns:wp="https://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://dinas.example.go.id</wp:base_blog_url>"#;

    #[test]
    fn reads_items_terms_and_comments() {
        let x = format!(
            "{HEAD}<item><title>A &amp; B</title><wp:post_id>7</wp:post_id><content:encoded><![CDATA[<p>x</p>]]></content:encoded><category domain=\"post_tag\" nicename=\"t\"><![CDATA[Tag T]]></category><wp:comment><wp:comment_content>hi</wp:comment_content></wp:comment><wp:post_type>post</wp:post_type></item></channel></rss>"
        );
        let e = parse(x.as_bytes()).expect("parses");
        assert_eq!(e.site_url, "https://dinas.example.go.id");
        let it = &e.items[0];
        assert_eq!(
            (it.id, it.title.as_str(), it.content.as_str()),
            (7, "A & B", "<p>x</p>")
        );
        assert_eq!(it.terms[0].name, "Tag T");
        assert_eq!(it.comments, 1);
    }

    #[test]
    fn entity_bomb_is_refused_without_expansion() {
        let x = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><rss><channel><title>&lol2;</title></channel></rss>";
        assert!(matches!(parse(x.as_bytes()), Err(WxrError::Doctype)));
        let undeclared = format!("{HEAD}<item><title>&lol9;</title></item></channel></rss>");
        assert!(matches!(
            parse(undeclared.as_bytes()),
            Err(WxrError::Xml { .. })
        ));
    }

    #[test]
    fn broken_and_non_utf8_exports_are_errors() {
        let broken = format!("{HEAD}<item><title>x</item></channel></rss>");
        assert!(matches!(
            parse(broken.as_bytes()),
            Err(WxrError::Xml { .. })
        ));
        let truncated = format!("{HEAD}<item>");
        assert!(parse(truncated.as_bytes()).is_err());
        let mut latin1 = HEAD.as_bytes().to_vec();
        latin1.extend_from_slice(b"<item><title>caf\xe9</title></item></channel></rss>");
        assert!(matches!(parse(&latin1), Err(WxrError::NotUtf8(_))));
        assert!(matches!(
            parse(b"<rss><channel></channel></rss>"),
            Err(WxrError::NotWxr)
        ));
    }
}
