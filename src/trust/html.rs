//! Raw HTML in an editor's Markdown. pulldown-cmark passes raw HTML
//! through; laman does not: a page body that contains any goes through
//! ammonia with an allowlist of harmless tags and attributes (the ones
//! pulldown-cmark itself writes, and ammonia's own harmless set). What the
//! sanitizer would remove is found first, by html5ever's tokenizer over
//! each raw fragment with the same tables, so the editor is told where and
//! why instead of seeing content vanish.
//!
//! `<iframe>` is allowed only from the hosts Diskominfo lists in
//! `[allow] iframe_hosts`, always with `sandbox` and `referrerpolicy` set
//! by laman. Link and image targets written in Markdown (`[x](javascript:…)`)
//! are held to the same URL schemes.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use serde::Serialize;

/// Why part of an editor's HTML is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum HtmlProblem {
    /// An element that runs script, loads or replaces the page, or posts
    /// data (`script`, `style`, `meta`, `base`, `form`, `object`…).
    Dangerous { element: String },
    /// An element outside the allowlist (removed, its text kept).
    NotAllowed { element: String },
    /// An event handler attribute (`onerror=`…).
    Handler { element: String, attribute: String },
    /// A URL with a scheme that runs script or embeds a document
    /// (`javascript:`, `data:`…).
    Url { attribute: String, scheme: String },
    /// An `<iframe>` whose host is not on the regency's list.
    IframeHost { host: String },
    /// A `style` attribute (the CSP forbids inline styles).
    Style { element: String },
}

impl HtmlProblem {
    /// Whether the problem can run script or leave the page (an error);
    /// the others only lose formatting (a warning).
    pub fn is_dangerous(&self) -> bool {
        !matches!(
            self,
            HtmlProblem::NotAllowed { .. } | HtmlProblem::Style { .. }
        )
    }
}

/// A problem at a byte offset of the fragment that was inspected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offset in the fragment.
    pub offset: usize,
    /// What is wrong.
    pub problem: HtmlProblem,
}

/// Elements whose presence is an error (and whose content is dropped for
/// `script`/`style`). Anything else outside the allowlist is a warning.
const DANGEROUS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "param",
    "meta",
    "base",
    "link",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "svg",
    "math",
    "template",
    "noscript",
    "portal",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
    "html",
    "head",
    "body",
    "title",
];

/// Attributes that carry URLs.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "poster",
    "background",
    "longdesc",
    "xlink:href",
    "data",
    "codebase",
    "srcset",
    "ping",
    "manifest",
    "lowsrc",
    "dynsrc",
];

/// The sanitizer of one regency (its iframe hosts).
#[derive(Debug)]
pub struct HtmlPolicy {
    cleaner: ammonia::Builder<'static>,
    /// IDs the theme's own page frame uses (`isi`, `biaya`, `menu-utama` …):
    /// a body may not take them, or the page would hold one ID twice.
    reserved_ids: std::sync::Arc<std::collections::BTreeSet<String>>,
    tags: HashSet<&'static str>,
    schemes: HashSet<&'static str>,
    iframe_hosts: Vec<String>,
}

impl Default for HtmlPolicy {
    fn default() -> Self {
        HtmlPolicy::new(&[])
    }
}

impl HtmlPolicy {
    /// IDs of the page frame that a body may not use.
    pub fn reserved_ids(&self) -> &std::collections::BTreeSet<String> {
        &self.reserved_ids
    }

    /// The hosts `<iframe>` may come from.
    pub fn iframe_hosts(&self) -> &[String] {
        &self.iframe_hosts
    }

    /// The policy with `<iframe>` allowed from `iframe_hosts` (lower case).
    pub fn new(iframe_hosts: &[String]) -> HtmlPolicy {
        HtmlPolicy::for_page(iframe_hosts, Default::default())
    }

    /// The policy for bodies placed into a page frame whose own IDs are
    /// `reserved_ids`: an `id` a body's raw HTML gives that the frame uses
    /// is renamed (`biaya` → `biaya-isi`), and Markdown headings avoid them.
    pub fn for_page(
        iframe_hosts: &[String],
        reserved_ids: std::sync::Arc<std::collections::BTreeSet<String>>,
    ) -> HtmlPolicy {
        let mut b = ammonia::Builder::default();
        // What pulldown-cmark writes: heading and footnote ids, code
        // language classes, footnote classes, task-list checkboxes,
        // list starts, table alignment.
        b.add_generic_attributes(["id"])
            .add_tags(["input"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("div", ["class"])
            .add_tag_attributes("sup", ["class"])
            .add_tag_attributes("span", ["class"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            // Every input that stays is an inert checkbox (a task list's):
            // raw `<input type="text">` loses its type to the filter below
            // and would otherwise be left as a live text field.
            .set_tag_attribute_value("input", "type", "checkbox")
            .set_tag_attribute_value("input", "disabled", "")
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("a", ["title"])
            .add_tag_attributes("img", ["title"])
            // Media play in the page without script; AKSES-004 asks for captions.
            .add_tags(["video", "audio", "source", "track"])
            .add_tag_attributes(
                "video",
                [
                    "src", "controls", "poster", "width", "height", "preload", "muted", "loop",
                ],
            )
            .add_tag_attributes("audio", ["src", "controls", "preload", "loop"])
            .add_tag_attributes("source", ["src", "type"])
            .add_tag_attributes("track", ["src", "kind", "srclang", "label", "default"])
            .filter_style_properties(["text-align"].into_iter().collect())
            // pulldown-cmark writes no rel; keep pages identical with or without raw HTML.
            .link_rel(None);
        let hosts: Vec<String> = iframe_hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        if !hosts.is_empty() {
            b.add_tags(["iframe"])
                .add_tag_attributes(
                    "iframe",
                    [
                        "src",
                        "title",
                        "width",
                        "height",
                        "allow",
                        "allowfullscreen",
                    ],
                )
                .set_tag_attribute_value(
                    "iframe",
                    "sandbox",
                    "allow-scripts allow-same-origin allow-presentation allow-popups",
                )
                .set_tag_attribute_value(
                    "iframe",
                    "referrerpolicy",
                    "strict-origin-when-cross-origin",
                )
                .set_tag_attribute_value("iframe", "loading", "lazy");
        }
        let filter_hosts = hosts.clone();
        let frame_ids = reserved_ids.clone();
        b.attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                ("input", "type") if !value.eq_ignore_ascii_case("checkbox") => None,
                ("iframe", "src") => {
                    iframe_host_allowed(value, &filter_hosts).then_some(Cow::Borrowed(value))
                }
                (_, "id") if frame_ids.contains(value) => Some(Cow::Owned(format!("{value}-isi"))),
                _ => Some(Cow::Borrowed(value)),
            },
        );
        let tags = b.clone_tags();
        let schemes = b.clone_url_schemes();
        HtmlPolicy {
            cleaner: b,
            reserved_ids,
            tags,
            schemes,
            iframe_hosts: hosts,
        }
    }

    /// The sanitized form of a rendered body that contained raw HTML.
    pub fn clean(&self, html: &str) -> String {
        self.cleaner.clean(html).to_string()
    }

    /// The scheme of `url` when it is one a page may not link to
    /// (`javascript`, `data`, `vbscript`…); relative URLs have none.
    pub fn forbidden_scheme(&self, url: &str) -> Option<String> {
        let scheme = scheme_of(url)?;
        (!self.schemes.contains(scheme.as_str())).then_some(scheme)
    }

    /// What `clean` would remove from the raw HTML `fragment`, with offsets.
    pub fn inspect(&self, fragment: &str) -> Vec<Found> {
        let sink = Collector::default();
        let tok = Tokenizer::new(sink, TokenizerOpts::default());
        let input = BufferQueue::default();
        input.push_back(StrTendril::from_slice(fragment));
        let _ = tok.feed(&input);
        tok.end();
        let tags = tok.sink.tags.take();
        let mut found = Vec::new();
        let mut search_from = 0;
        for (line, tag) in tags {
            let name = tag.name.to_string();
            let offset = locate(fragment, line, &name, &mut search_from);
            self.inspect_tag(&tag, &name, offset, &mut found);
        }
        found
    }

    fn inspect_tag(&self, tag: &Tag, name: &str, offset: usize, found: &mut Vec<Found>) {
        let mut push = |problem| found.push(Found { offset, problem });
        if name == "iframe" && !self.iframe_hosts.is_empty() {
            let src = tag
                .attrs
                .iter()
                .find(|a| &*a.name.local == "src")
                .map(|a| a.value.to_string())
                .unwrap_or_default();
            if !iframe_host_allowed(&src, &self.iframe_hosts) {
                push(HtmlProblem::IframeHost {
                    host: host_of(&src).unwrap_or(src),
                });
            }
        } else if DANGEROUS.contains(&name) && !(name == "input" && is_checkbox(tag)) {
            push(HtmlProblem::Dangerous {
                element: name.to_string(),
            });
            return;
        } else if !self.tags.contains(name) {
            push(HtmlProblem::NotAllowed {
                element: name.to_string(),
            });
        }
        for a in &tag.attrs {
            let attr = a.name.local.to_string().to_ascii_lowercase();
            let attr = match a.name.prefix.as_ref() {
                Some(p) => format!("{p}:{attr}"),
                None => attr,
            };
            if attr.starts_with("on") {
                push(HtmlProblem::Handler {
                    element: name.to_string(),
                    attribute: attr,
                });
            } else if URL_ATTRIBUTES.contains(&attr.as_str()) || attr.contains("href") {
                if let Some(scheme) = self.forbidden_scheme(&a.value) {
                    push(HtmlProblem::Url {
                        attribute: attr,
                        scheme,
                    });
                }
            } else if attr == "style" && !matches!(name, "th" | "td") {
                push(HtmlProblem::Style {
                    element: name.to_string(),
                });
            }
        }
    }
}

/// Schemes whose URL runs script or renders a document of its own making
/// when followed. A link target written as data is refused only for these:
/// any other unknown scheme (an unfilled `ISI: tautan`) is harmless in an
/// `href` and is reported by its own check.
const SCRIPT_SCHEMES: &[&str] = &["javascript", "vbscript", "livescript", "mocha", "data"];

/// The scheme of `url` when it is one of [`SCRIPT_SCHEMES`].
pub fn script_scheme(url: &str) -> Option<String> {
    scheme_of(url).filter(|s| SCRIPT_SCHEMES.contains(&s.as_str()))
}

/// Whether a data key names a link target (`url`, `peta_url`, `tautan`,
/// `href`): the theme writes these values into `href` attributes, where
/// HTML escaping does not stop a `javascript:` URL.
pub fn is_url_key(key: &str) -> bool {
    key == "url" || key.ends_with("_url") || key == "tautan" || key == "href" || key == "website"
}

impl HtmlPolicy {
    /// Every link target in `value` (site.toml or a page's data, as JSON)
    /// whose scheme runs script: (key, value, scheme), in document order.
    pub fn unsafe_urls(&self, value: &serde_json::Value) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        self.walk_urls(value, &mut out);
        out
    }

    fn walk_urls(&self, value: &serde_json::Value, out: &mut Vec<(String, String, String)>) {
        match value {
            serde_json::Value::Array(items) => items.iter().for_each(|v| self.walk_urls(v, out)),
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match v {
                        serde_json::Value::String(s) if is_url_key(k) => {
                            if let Some(scheme) = script_scheme(s) {
                                out.push((k.clone(), s.clone(), scheme));
                            }
                        }
                        other => self.walk_urls(other, out),
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_checkbox(tag: &Tag) -> bool {
    tag.attrs
        .iter()
        .any(|a| &*a.name.local == "type" && a.value.eq_ignore_ascii_case("checkbox"))
}

/// The scheme of a URL as a browser reads it: ASCII white space and
/// control characters removed, lower case; `None` for a relative URL.
fn scheme_of(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !(c.is_ascii_whitespace() || c.is_control()))
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    Some(host.to_ascii_lowercase())
}

fn iframe_host_allowed(src: &str, hosts: &[String]) -> bool {
    host_of(src).is_some_and(|h| hosts.iter().any(|a| a == &h))
}

/// Offset of the tag `<name` on 1-based `line` of `fragment`, at or after
/// `from` (tags arrive in order).
fn locate(fragment: &str, line: u64, name: &str, from: &mut usize) -> usize {
    let line_start = fragment
        .match_indices('\n')
        .nth((line as usize).saturating_sub(2))
        .map_or(0, |(i, _)| i + 1);
    let line_start = if line <= 1 { 0 } else { line_start };
    let start = line_start.max(*from).min(fragment.len());
    let lower = fragment[start..].to_ascii_lowercase();
    let off = lower.find(&format!("<{name}")).map_or(start, |i| start + i);
    *from = (off + 1).min(fragment.len());
    off
}

#[derive(Default)]
struct Collector {
    tags: RefCell<Vec<(u64, Tag)>>,
}

impl TokenSink for Collector {
    type Handle = ();
    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            self.tags.borrow_mut().push((line_number, tag));
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(policy: &HtmlPolicy, html: &str) -> Vec<HtmlProblem> {
        policy
            .inspect(html)
            .into_iter()
            .map(|f| f.problem)
            .collect()
    }

    #[test]
    fn script_vectors_are_found_and_cleaned() {
        let p = HtmlPolicy::default();
        let cases = [
            "<script>window.pwned=1</script>",
            "<img src=x onerror=\"window.pwned=1\">",
            "<a href=\"javascript:window.pwned=1\">x</a>",
            "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
            "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<object data=\"x.swf\"></object>",
            "<embed src=\"x.swf\">",
            "<base href=\"https://evil.example/\">",
            "<form action=\"https://evil.example\"><input name=p></form>",
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=alert(1)>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
            "<details open ontoggle=alert(1)>",
            "<link rel=stylesheet href=\"https://evil.example/x.css\">",
            "<STYLE>@import 'https://evil.example/x.css';</STYLE>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
        ];
        for html in cases {
            let found = kinds(&p, html);
            assert!(!found.is_empty(), "nothing found in {html}");
            let clean = p.clean(html).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "javascript:",
                "<meta",
                "<iframe",
                "<object",
                "<embed",
                "<base",
                "<form",
                "<svg",
                "ontoggle",
                "<link",
                "<style",
                "data:",
                "style=",
            ] {
                assert!(
                    !clean.contains(bad),
                    "{bad} survived in {clean} (from {html})"
                );
            }
        }
    }

    #[test]
    fn what_pulldown_cmark_writes_survives_cleaning() {
        let p = HtmlPolicy::default();
        let html = "<h2 id=\"a\">A</h2>\n<p><a href=\"/x/\" title=\"t\">x</a> <code class=\"language-rust\">c</code><sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup></p>\n<ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\nselesai</li>\n</ul>\n<ol start=\"3\">\n<li>x</li>\n</ol>\n<table><thead><tr><th style=\"text-align: center\">a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>\n<div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup>\n<p>catatan</p>\n</div>\n<img src=\"/peta.png\" alt=\"Peta\" />";
        let clean = p.clean(html);
        for keep in [
            "id=\"a\"",
            "href=\"/x/\"",
            "class=\"language-rust\"",
            "type=\"checkbox\"",
            "start=\"3\"",
            "text-align",
            "footnote-definition",
            "alt=\"Peta\"",
        ] {
            assert!(clean.contains(keep), "{keep} lost: {clean}");
        }
        assert!(
            kinds(
                &p,
                "<table><tr><td style=\"text-align: left\">1</td></tr></table>"
            )
            .is_empty()
        );
        assert!(
            kinds(
                &p,
                "<p>Teks <b>tebal</b> dan <abbr title=\"Dinas Kesehatan\">Dinkes</abbr></p>"
            )
            .is_empty()
        );
    }

    #[test]
    fn iframes_only_from_allowed_hosts_and_always_sandboxed() {
        let p = HtmlPolicy::new(&["www.youtube-nocookie.com".to_string()]);
        let ok =
            "<iframe src=\"https://www.youtube-nocookie.com/embed/x\" title=\"Video\"></iframe>";
        assert!(kinds(&p, ok).is_empty());
        let clean = p.clean(ok);
        assert!(clean.contains("sandbox=\"allow-scripts"), "{clean}");
        assert!(
            clean.contains("referrerpolicy=\"strict-origin-when-cross-origin\""),
            "{clean}"
        );
        let bad = "<iframe src=\"https://evil.example/\"></iframe>";
        assert_eq!(
            kinds(&p, bad),
            vec![HtmlProblem::IframeHost {
                host: "evil.example".into()
            }]
        );
        assert!(!p.clean(bad).contains("evil.example"));
        // Not over plain HTTP, nor with the allowed host as a user name.
        assert!(
            !kinds(
                &p,
                "<iframe src=\"http://www.youtube-nocookie.com/x\"></iframe>"
            )
            .is_empty()
        );
        assert!(
            !kinds(
                &p,
                "<iframe src=\"https://www.youtube-nocookie.com@evil.example/\"></iframe>"
            )
            .is_empty()
        );
    }

    #[test]
    fn offsets_point_at_the_tag() {
        let p = HtmlPolicy::default();
        let html = "<div>\n<p>ok</p>\n  <script>x</script>\n</div>";
        let f = p.inspect(html);
        assert_eq!(f.len(), 1);
        assert_eq!(&html[f[0].offset..f[0].offset + 7], "<script");
    }

    #[test]
    fn link_targets_in_data_are_found_by_their_key() {
        let p = HtmlPolicy::default();
        let data = serde_json::json!({
            "catatan": "Data: jumlah penduduk",
            "peta_url": "javascript:alert(1)",
            "kanal": [{"nama": "WA", "url": "https://wa.me/62"}, {"url": " data:text/html,x"}],
            "tautan": "/profil/",
            "lpse_url": "ISI: tautan LPSE kabupaten",
        });
        let found: Vec<(String, String)> = p
            .unsafe_urls(&data)
            .into_iter()
            .map(|(k, _, s)| (k, s))
            .collect();
        assert_eq!(
            found,
            [
                ("url".to_string(), "data".to_string()),
                ("peta_url".to_string(), "javascript".to_string())
            ]
        );
    }

    #[test]
    fn schemes() {
        let p = HtmlPolicy::default();
        assert_eq!(
            p.forbidden_scheme("javascript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(
            p.forbidden_scheme("java\nscript:x").as_deref(),
            Some("javascript")
        );
        assert_eq!(
            p.forbidden_scheme("data:text/html,x").as_deref(),
            Some("data")
        );
        assert_eq!(p.forbidden_scheme("https://a.go.id/"), None);
        assert_eq!(p.forbidden_scheme("mailto:a@b.go.id"), None);
        assert_eq!(p.forbidden_scheme("tel:119"), None);
        assert_eq!(p.forbidden_scheme("/profil/"), None);
        assert_eq!(p.forbidden_scheme("#visi"), None);
        assert_eq!(p.forbidden_scheme("berkas/a:b.pdf"), None);
    }

    #[test]
    fn only_lost_formatting_is_a_warning() {
        let s = |x: &str| x.to_string();
        for warning in [
            HtmlProblem::NotAllowed {
                element: s("blink"),
            },
            HtmlProblem::Style { element: s("p") },
        ] {
            assert!(!warning.is_dangerous(), "{warning:?}");
        }
        for error in [
            HtmlProblem::Dangerous {
                element: s("script"),
            },
            HtmlProblem::Handler {
                element: s("img"),
                attribute: s("onerror"),
            },
            HtmlProblem::Url {
                attribute: s("href"),
                scheme: s("javascript"),
            },
            HtmlProblem::IframeHost {
                host: s("evil.example"),
            },
        ] {
            assert!(error.is_dangerous(), "{error:?}");
        }
    }

    #[test]
    fn each_tag_gets_its_own_verdict() {
        let p = HtmlPolicy::default();
        let dangerous = |e: &str| HtmlProblem::Dangerous { element: e.into() };
        assert_eq!(kinds(&p, "<script>x</script>"), vec![dangerous("script")]);
        assert_eq!(kinds(&p, "<input type=\"checkbox\" checked>"), vec![]);
        assert_eq!(
            kinds(&p, "<input type=\"text\" name=\"q\">"),
            vec![dangerous("input")]
        );
        assert_eq!(
            kinds(&p, "<blink>x</blink>"),
            vec![HtmlProblem::NotAllowed {
                element: "blink".into()
            }]
        );
        let clean = p.clean("<input type=\"text\" name=\"q\"><input type=\"checkbox\">");
        assert!(!clean.contains("type=\"text\""), "{clean}");
        // No input is left a text field: each is an inert checkbox.
        assert_eq!(clean.matches("<input").count(), 2, "{clean}");
        assert_eq!(clean.matches("type=\"checkbox\"").count(), 2, "{clean}");
        assert_eq!(clean.matches("disabled").count(), 2, "{clean}");
        // With iframe hosts allowed, other tags are still judged as tags.
        let frames = HtmlPolicy::new(&["www.youtube-nocookie.com".to_string()]);
        assert_eq!(
            kinds(
                &frames,
                "<script src=\"https://www.youtube-nocookie.com/x.js\"></script>"
            ),
            vec![dangerous("script")]
        );
    }

    #[test]
    fn ids_of_the_page_frame_are_renamed() {
        let reserved: std::collections::BTreeSet<String> = ["isi".to_string()].into();
        let p = HtmlPolicy::for_page(&[], std::sync::Arc::new(reserved.clone()));
        assert_eq!(p.reserved_ids(), &reserved);
        let clean = p.clean("<p id=\"isi\">a</p><p id=\"lain\">b</p>");
        assert!(clean.contains("id=\"isi-isi\""), "{clean}");
        assert!(clean.contains("id=\"lain\""), "{clean}");
    }

    #[test]
    fn every_link_key_form_is_checked() {
        for key in ["url", "peta_url", "tautan", "href", "website"] {
            assert!(is_url_key(key), "{key}");
        }
        for key in ["nama", "urlnya", "alamat", "link"] {
            assert!(!is_url_key(key), "{key}");
        }
        let p = HtmlPolicy::default();
        let data = serde_json::json!({
            "href": "javascript:x()",
            "website": "vbscript:y",
            "tautan": "data:text/html,z",
        });
        let mut found: Vec<(String, String)> = p
            .unsafe_urls(&data)
            .into_iter()
            .map(|(k, _, s)| (k, s))
            .collect();
        found.sort();
        let pair = |k: &str, s: &str| (k.to_string(), s.to_string());
        assert_eq!(
            found,
            [
                pair("href", "javascript"),
                pair("tautan", "data"),
                pair("website", "vbscript")
            ]
        );
    }

    #[test]
    fn offsets_skip_look_alikes_on_earlier_lines_and_repeated_tags() {
        let p = HtmlPolicy::default();
        let offsets =
            |html: &str| -> Vec<usize> { p.inspect(html).iter().map(|f| f.offset).collect() };
        // A fragment that starts with a newline.
        assert_eq!(offsets("\n<script>x</script>"), vec![1]);
        // `<script` inside a comment on line 1; the tag is on line 2.
        assert_eq!(offsets("<!-- <script> -->\n<script>x</script>"), vec![18]);
        // A tag on line 1 of a fragment of several lines.
        assert_eq!(offsets("<script>x</script>\n<p>y</p>"), vec![0]);
        // The same tag twice: each at its own place.
        assert_eq!(offsets("<embed src=a><embed src=b>"), vec![0, 13]);
    }
}
