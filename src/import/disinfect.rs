//! Telling an injected item from agency content, before anything is
//! written. The same detection the nightly conformance check runs over
//! served pages (CNT001 judi online terms, CNT003 hidden links to other
//! domains) and the editor HTML sanitizer's verdict run over each item's
//! title and HTML, plus the marks of injected PHP/JS (`eval(`, long
//! base64 blobs, refresh redirects). An item with any reason is
//! quarantined; the operator may take it with `--terima ID`, and then the
//! sanitizer still strips what runs script when the site is built.

use serde::Serialize;

use crate::conformance::content::{hidden_links, judol_terms, url_host, visible_text};
use crate::trust::html::{HtmlPolicy, HtmlProblem};

/// Why an item is quarantined, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "alasan", rename_all = "kebab-case")]
pub enum Reason {
    /// CNT001: judi online terms in the title or text.
    Judol {
        /// The terms found.
        terms: Vec<String>,
    },
    /// CNT003: links to other domains inside hidden elements.
    HiddenLinks {
        /// The links.
        links: Vec<String>,
    },
    /// Script, a frame, an object or a handler (HTML-001 dangerous), with
    /// the host it loads from when foreign.
    Script {
        /// What the sanitizer found.
        found: Vec<String>,
    },
    /// A page that sends the reader elsewhere (`http-equiv="refresh"`,
    /// `location=`).
    Redirect {
        /// The evidence.
        evidence: String,
    },
    /// `eval(` in the content (injected PHP or JavaScript).
    Eval,
    /// A long base64 run (an encoded payload).
    Base64 {
        /// Its length in characters.
        length: usize,
    },
    /// A field larger than the reader takes.
    Oversized {
        /// The field.
        field: String,
    },
}

/// The longest base64 run accepted (an inline icon is a few hundred
/// characters; payloads are thousands).
const BASE64_RUN: usize = 400;

/// The reasons to quarantine an item (`title`, `html`), none when clean.
/// `site_host` is the old site's host: links to it are not foreign.
pub fn scan(
    title: &str,
    html: &str,
    site_host: &str,
    policy: &HtmlPolicy,
    oversized: Option<&str>,
) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Some(field) = oversized {
        reasons.push(Reason::Oversized {
            field: field.to_string(),
        });
    }
    let text = format!("{title} {}", visible_text(html));
    let terms = judol_terms(&text);
    if !terms.is_empty() {
        reasons.push(Reason::Judol {
            terms: terms.iter().map(|t| t.to_string()).collect(),
        });
    }
    let bare = site_host.strip_prefix("www.").unwrap_or(site_host);
    let links = hidden_links(html, bare);
    if !links.is_empty() {
        reasons.push(Reason::HiddenLinks { links });
    }
    let lower = html.to_ascii_lowercase();
    if let Some(e) = redirect(&lower) {
        reasons.push(Reason::Redirect { evidence: e });
    }
    let mut found: Vec<String> = policy
        .inspect(html)
        .into_iter()
        .filter(|f| f.problem.is_dangerous())
        .filter(|f| !matches!(&f.problem, HtmlProblem::Dangerous { element } if element == "meta" && reasons.iter().any(|r| matches!(r, Reason::Redirect { .. }))))
        .map(|f| describe(&f.problem, html, f.offset))
        .collect();
    found.dedup();
    if !found.is_empty() {
        reasons.push(Reason::Script { found });
    }
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("eval(") {
        reasons.push(Reason::Eval);
    }
    if let Some(length) = longest_base64(html).filter(|l| *l >= BASE64_RUN) {
        reasons.push(Reason::Base64 { length });
    }
    reasons
}

fn describe(p: &HtmlProblem, html: &str, offset: usize) -> String {
    let tail = html.get(offset..).unwrap_or_default();
    let tag_end = tail.find('>').map_or(tail.len(), |e| e + 1).min(200);
    let mut cut = tag_end;
    while !tail.is_char_boundary(cut) {
        cut -= 1;
    }
    let tag = &tail[..cut];
    let host = crate::import::convert::attr(tag, "src")
        .and_then(|s| url_host(&s))
        .map(|h| format!(" dari {h}"))
        .unwrap_or_default();
    match p {
        HtmlProblem::Dangerous { element } => format!("<{element}>{host}: {tag}"),
        HtmlProblem::Handler { element, attribute } => format!("<{element} {attribute}=…>: {tag}"),
        HtmlProblem::Url { attribute, scheme } => format!("{attribute}={scheme}:…: {tag}"),
        HtmlProblem::IframeHost { host } => format!("<iframe> dari {host}"),
        other => format!("{other:?}"),
    }
}

fn redirect(lower: &str) -> Option<String> {
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    for mark in [
        "http-equiv=\"refresh\"",
        "http-equiv='refresh'",
        "http-equiv=refresh",
        "window.location",
        "document.location",
        "location.href=",
        "location.replace(",
    ] {
        if let Some(i) = compact.find(mark) {
            let end = (i + 120).min(compact.len());
            let mut e = end;
            while !compact.is_char_boundary(e) {
                e -= 1;
            }
            return Some(compact[i..e].to_string());
        }
    }
    None
}

fn longest_base64(s: &str) -> Option<usize> {
    let mut best = 0;
    let mut run = 0;
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    (best > 0).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(title: &str, html: &str) -> Vec<Reason> {
        scan(
            title,
            html,
            "dinkes.example.go.id",
            &HtmlPolicy::default(),
            None,
        )
    }

    #[test]
    fn clean_news_passes() {
        let r = reasons(
            "Posyandu Bulan Februari",
            "<p>Kegiatan <a href=\"https://dinkes.example.go.id/x\">posyandu</a> <img src=\"/a.jpg\" alt=\"Balita\"></p>",
        );
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn each_infection_has_its_reason() {
        assert!(
            matches!(&reasons("Slot Gacor Maxwin", "<p>daftar</p>")[0], Reason::Judol { terms } if terms.contains(&"gacor".to_string()))
        );
        let hidden = reasons(
            "Berita",
            "<p>isi</p><div style=\"display: none\"><a href=\"https://bandar.example.com/\">x</a></div>",
        );
        assert!(hidden.iter().any(|r| matches!(r, Reason::HiddenLinks { links } if links[0].contains("bandar.example.com"))), "{hidden:?}");
        let script = reasons(
            "Berita",
            "<p>isi</p><script src=\"https://evil.example.net/x.js\"></script>",
        );
        assert!(
            script.iter().any(
                |r| matches!(r, Reason::Script { found } if found[0].contains("evil.example.net"))
            ),
            "{script:?}"
        );
        let redirect = reasons(
            "Halaman",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://slot.example/\">",
        );
        assert!(
            redirect
                .iter()
                .any(|r| matches!(r, Reason::Redirect { .. })),
            "{redirect:?}"
        );
        assert!(reasons("x", "<p>eval (atob('x'))</p>").contains(&Reason::Eval));
        let blob = format!("<p>{}</p>", "QUJD".repeat(200));
        assert!(
            reasons("x", &blob)
                .iter()
                .any(|r| matches!(r, Reason::Base64 { .. }))
        );
    }
}
