//! Static files a browser would run. A file in `static/` is served from the
//! agency's own origin, so a script there passes the strict CSP
//! (`script-src 'self'`) and an HTML or SVG page there runs with the
//! site's cookies and storage. Such files need Diskominfo's permission
//! (`[allow] static_scripts` of laman.toml); everything else (documents,
//! images, fonts, CSS) is the editor's to publish.

use serde::Serialize;

/// What makes a static file executable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Executable {
    /// JavaScript (`.js`, `.mjs`, `.cjs`).
    Script,
    /// A document that can carry script (`.html`, `.htm`, `.xhtml`, `.xml`, `.xsl`…).
    Document,
    /// An SVG image with script, event handlers or `javascript:` links.
    SvgWithScript,
    /// WebAssembly.
    Wasm,
}

/// Whether the file at output path `rel` is executable; `content` reads
/// the file when the extension alone cannot tell (SVG).
pub fn classify(
    rel: &str,
    content: impl FnOnce() -> std::io::Result<Vec<u8>>,
) -> Option<Executable> {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "js" | "mjs" | "cjs" | "jsx" | "ts" => Some(Executable::Script),
        "html" | "htm" | "xhtml" | "xht" | "shtml" | "xml" | "xsl" | "xslt" | "mht" | "mhtml"
        | "hta" | "swf" => Some(Executable::Document),
        "wasm" => Some(Executable::Wasm),
        // Compressed SVG cannot be inspected cheaply: treated as scripted.
        "svgz" => Some(Executable::SvgWithScript),
        "svg" => match content() {
            Ok(bytes) if !svg_has_script(&bytes) => None,
            // Unreadable: the copy reports it; refuse rather than guess.
            _ => Some(Executable::SvgWithScript),
        },
        _ => None,
    }
}

/// Whether an SVG document can run script: `<script>`, `<foreignObject>`
/// (embedded HTML), an `on…=` event attribute, or a `javascript:` /
/// `data:` URL, after numeric character references are decoded and white
/// space removed (the spellings browsers accept).
pub fn svg_has_script(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let norm = normalise(&text);
    const NEEDLES: &[&str] = &[
        "<script",
        "<foreignobject",
        "<iframe",
        "<embed",
        "<object",
        "<handler",
        "javascript:",
        "vbscript:",
        "data:text/html",
        "data:image/svg",
        "data:application",
    ];
    if NEEDLES.iter().any(|n| norm.contains(n)) {
        return true;
    }
    has_event_attribute(&text.to_ascii_lowercase())
}

/// Lower case, numeric character references decoded, white space and
/// control characters removed.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '&' && rest[1..].starts_with('#') {
            let body = &rest[2..];
            let (hex, digits) = match body.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, body),
            };
            let len = digits
                .chars()
                .take_while(|d| {
                    if hex {
                        d.is_ascii_hexdigit()
                    } else {
                        d.is_ascii_digit()
                    }
                })
                .count();
            if len > 0 {
                let n = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok();
                if let Some(ch) = n.and_then(char::from_u32) {
                    push_norm(&mut out, ch);
                    let used = 2 + usize::from(hex) + len;
                    let used = used + usize::from(rest[used..].starts_with(';'));
                    rest = &rest[used..];
                    continue;
                }
            }
        }
        push_norm(&mut out, c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn push_norm(out: &mut String, c: char) {
    if !(c.is_whitespace() || c.is_control()) {
        out.extend(c.to_lowercase());
    }
}

/// ` onload=`, `\tonclick =`: an attribute whose name starts with `on`,
/// preceded by white space or `/`, followed by optional space and `=`.
fn has_event_attribute(lower: &str) -> bool {
    let b = lower.as_bytes();
    let mut i = 0;
    while let Some(pos) = lower[i..].find("on") {
        let at = i + pos;
        i = at + 2;
        let before = if at == 0 { b' ' } else { b[at - 1] };
        if !(before.is_ascii_whitespace() || before == b'/' || before == b'"' || before == b'\'') {
            continue;
        }
        let mut j = at + 2;
        let start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b'_') {
            j += 1;
        }
        if j == start {
            continue;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < b.len() && b[j] == b'=' {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> std::io::Result<Vec<u8>> {
        Ok(Vec::new())
    }

    #[test]
    fn extensions_decide_most_files() {
        assert_eq!(classify("js/x.js", none), Some(Executable::Script));
        assert_eq!(classify("a/B.MJS", none), Some(Executable::Script));
        assert_eq!(classify("x.html", none), Some(Executable::Document));
        assert_eq!(classify("x.xml", none), Some(Executable::Document));
        assert_eq!(classify("x.wasm", none), Some(Executable::Wasm));
        assert_eq!(classify("dokumen/sk.pdf", none), None);
        assert_eq!(classify("gambar/peta.png", none), None);
        assert_eq!(classify("assets/gaya.css", none), None);
        assert_eq!(classify("README", none), None);
    }

    #[test]
    fn svg_is_read() {
        let clean = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\" fill=\"red\"/><text>Dinas Kesehatan</text></svg>";
        assert_eq!(classify("logo.svg", || Ok(clean.to_vec())), None);
        let bad: &[&[u8]] = &[
            b"<svg><script>alert(1)</script></svg>",
            b"<svg><SCRIPT >alert(1)</SCRIPT></svg>",
            b"<svg onload=\"alert(1)\"/>",
            b"<svg><rect\nonclick = 'x()'/></svg>",
            b"<svg><a href=\"jav&#x61;script:alert(1)\">x</a></svg>",
            b"<svg><a xlink:href=\"java\tscript:alert(1)\">x</a></svg>",
            b"<svg><foreignObject><body/></foreignObject></svg>",
            b"<svg><image href=\"data:image/svg+xml;base64,AAAA\"/></svg>",
        ];
        for b in bad {
            assert_eq!(
                classify("x.svg", || Ok(b.to_vec())),
                Some(Executable::SvgWithScript),
                "{}",
                String::from_utf8_lossy(b)
            );
        }
    }

    #[test]
    fn compressed_svg_is_treated_as_scripted() {
        assert_eq!(classify("peta.svgz", none), Some(Executable::SvgWithScript));
        assert_eq!(
            classify("gambar/PETA.SVGZ", none),
            Some(Executable::SvgWithScript)
        );
    }

    #[test]
    fn text_and_attributes_that_merely_contain_on_are_not_handlers() {
        let clean: &[&[u8]] = &[
            b"<svg><text font-family=\"Arial\">Kantor</text></svg>",
            b"<svg><text>Layanan online 24 jam</text></svg>",
            "<svg><desc>Dinas Kesehatan \u{2013} #1 di Cianjur</desc></svg>".as_bytes(),
            // A word starting with `on` at the very end, with and without
            // space after it.
            b"<svg><desc>lanjut onward",
            b"<svg><desc>lanjut onward ",
        ];
        for b in clean {
            assert!(!svg_has_script(b), "{}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn handlers_after_a_slash_a_quote_or_late_in_the_file_are_found() {
        let bad: &[&[u8]] = &[
            b"<svg/onload=alert(1)>",
            b"<svg><rect x=\"1\"onclick=\"x()\"/></svg>",
            b"<svg><rect x='1'onclick='x()'/></svg>",
            b"<svg><g on-x=\"1\"/></svg>",
            // An `on` inside a word first, the handler soon after it.
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><desc>Kantor</desc><a onclick=\"x()\"/></svg>",
        ];
        for b in bad {
            assert!(svg_has_script(b), "{}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn white_space_and_control_characters_inside_a_url_are_ignored() {
        for b in [
            "<svg><a href=\"java&#1;script:alert(1)\">x</a></svg>",
            "<svg><a href=\"java\u{a0}script:alert(1)\">x</a></svg>",
        ] {
            assert!(svg_has_script(b.as_bytes()), "{b}");
        }
    }
}
