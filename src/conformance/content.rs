//! Content stage (pure over fetched bodies): CNT001 judi online terms with
//! de-obfuscation of spaced and leet forms, CNT003 (lite) hidden links to
//! external domains, CNT004 sitemap URLs not in the published release,
//! CNT005 served bytes vs the manifest's SHA-256.

use super::evidence::{Evidence, FileCompared, TermsFound};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Check, Observation, Status};
use crate::diagnostic::Bilingual;
use crate::output::HostManifest;

/// Terms matched on the compacted text (letters and digits only, leet decoded).
/// Chosen to be rare in government prose once spaces are removed.
pub const JUDOL_TERMS: &[&str] = &[
    "slotgacor",
    "gacor",
    "togel",
    "maxwin",
    "judionline",
    "judol",
    "slotonline",
    "situsslot",
    "slot88",
    "slot777",
    "sbobet",
    "scatterhitam",
    "rtpslot",
    "rtplive",
    "bandarslot",
    "bocoranslot",
    "depositpulsa",
    "pragmaticplay",
    "mahjongways",
    "hokislot",
];

fn leet(c: char, one: char) -> char {
    match c {
        '0' => 'o',
        '1' | '!' | '|' => one,
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '9' => 'g',
        other => other,
    }
}

/// Letters only, lower case, leet decoded with `1` read as `one`.
fn compact(text: &str, one: char) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| leet(c, one))
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Text of a page without tags, plus the values of href/content/title/alt.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt..lt + gt];
        for attr in ["href=", "content=", "title=", "alt="] {
            if let Some(v) = attr_value(tag, attr) {
                out.push_str(&v);
                out.push(' ');
            }
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out
}

fn attr_value(tag: &str, attr: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let i = lower.find(attr)? + attr.len();
    let v = &tag[i..];
    let (q, v) = match v.chars().next()? {
        c @ ('"' | '\'') => (c, &v[1..]),
        _ => (' ', v),
    };
    Some(v.split(q).next().unwrap_or_default().to_string())
}

/// The judol terms found in `text` (spaced and leet forms included).
pub fn judol_terms(text: &str) -> Vec<&'static str> {
    let a = compact(text, 'i');
    let b = compact(text, 'l');
    JUDOL_TERMS
        .iter()
        .copied()
        .filter(|t| a.contains(t) || b.contains(t))
        .collect()
}

/// CNT001 over the pages fetched for a host (`(url, body)`).
pub fn judol(host: &str, pages: &[(String, Vec<u8>)], now: DateTime<Utc>) -> Observation {
    let mut hits = Vec::new();
    for (url, body) in pages {
        let text = visible_text(&String::from_utf8_lossy(body));
        let terms = judol_terms(&text);
        if !terms.is_empty() {
            hits.push(TermsFound {
                url: url.clone(),
                terms: terms.iter().map(|t| t.to_string()).collect(),
            });
        }
    }
    let scanned: Vec<String> = pages.iter().map(|(u, _)| u.clone()).collect();
    let found = hits.len();
    let ev = Evidence::Gambling {
        scanned,
        matches: hits,
    };
    let (s, m) = if found == 0 {
        (
            Status::Pass,
            Bilingual::new("tidak ada istilah judi online", "no gambling terms"),
        )
    } else {
        (
            Status::Fail,
            Bilingual::new(
                "halaman memuat istilah judi online",
                "pages contain online-gambling terms",
            ),
        )
    };
    Observation::new(host, Check::CNT001, s, ev, now, m)
}

const HIDING: &[&str] = &[
    "display:none",
    "visibility:hidden",
    "left:-",
    "top:-",
    "font-size:0",
    "height:0",
    "width:0",
    "opacity:0",
    "text-indent:-",
];

/// Links to other domains inside elements hidden by an inline style.
pub fn hidden_links(html: &str, domain: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("style=") {
        let start = from + i;
        from = start + 6;
        let tag_start = lower[..start].rfind('<').unwrap_or(start);
        let tag_end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let style: String = attr_value(&lower[tag_start..tag_end], "style=")
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !HIDING.iter().any(|h| style.contains(h)) {
            continue;
        }
        let name: String = lower[tag_start + 1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let close = format!("</{name}");
        let end = lower[tag_end..]
            .find(&close)
            .map_or(lower.len(), |e| tag_end + e);
        for href in lower[tag_start..end].split("href=").skip(1) {
            let v = attr_value(&format!("href={href}"), "href=").unwrap_or_default();
            if let Some(host) = url_host(&v)
                && host != domain
                && !host.ends_with(&format!(".{domain}"))
            {
                found.push(v);
            }
        }
    }
    found
}

/// Host of an absolute http(s) URL.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(authority.split(':').next()?.to_ascii_lowercase())
}

/// CNT003 (lite) over the home page.
pub fn hidden(host: &str, domain: &str, home: &[u8], now: DateTime<Utc>) -> Observation {
    let links = hidden_links(&String::from_utf8_lossy(home), domain);
    let (s, m) = if links.is_empty() {
        (
            Status::Pass,
            Bilingual::new("tidak ada tautan tersembunyi", "no hidden links"),
        )
    } else {
        (
            Status::Fail,
            Bilingual::new(
                format!("{} tautan tersembunyi ke domain luar", links.len()),
                format!("{} hidden links to other domains", links.len()),
            ),
        )
    };
    Observation::new(
        host,
        Check::CNT003,
        s,
        Evidence::HiddenLinks { links },
        now,
        m,
    )
}

/// `<loc>` URLs of a sitemap.
pub fn sitemap_urls(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .map(|s| s.trim().replace("&amp;", "&"))
        .collect()
}

/// The file a URL path is served from (`/a/` → `a/index.html`).
pub fn file_of(path: &str) -> String {
    let p = path
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

/// Path part of an absolute URL on `host` (`None` for other hosts).
pub fn path_on(url: &str, host: &str) -> Option<String> {
    if url_host(url)? != host {
        return None;
    }
    let rest = url.split_once("//")?.1;
    Some(
        rest.find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
    )
}

/// CNT004: sitemap URLs that the release does not contain.
pub fn sitemap_drift(
    host: &str,
    urls: &[String],
    m: &HostManifest,
    now: DateTime<Utc>,
) -> Observation {
    let foreign: Vec<&String> = urls
        .iter()
        .filter(|u| match path_on(u, host) {
            Some(p) => !m.files.iter().any(|f| f.path == file_of(&p)),
            None => true,
        })
        .collect();
    let ev = Evidence::Sitemap {
        urls: urls.len(),
        not_published: foreign.iter().map(|u| u.to_string()).collect(),
    };
    let (s, msg) = if foreign.is_empty() {
        (
            Status::Pass,
            Bilingual::new("sitemap sesuai rilis", "sitemap matches the release"),
        )
    } else {
        (
            Status::Fail,
            Bilingual::new(
                format!("{} URL sitemap tidak ada di rilis", foreign.len()),
                format!("{} sitemap URLs not in the release", foreign.len()),
            ),
        )
    };
    Observation::new(host, Check::CNT004, s, ev, now, msg)
}

/// CNT005: served bytes of each fetched path vs the manifest.
pub fn drift(
    host: &str,
    served: &[(String, Vec<u8>)],
    m: &HostManifest,
    now: DateTime<Utc>,
) -> Observation {
    let mut compared = Vec::new();
    let mut differ = Vec::new();
    for (path, body) in served {
        let file = file_of(path);
        let Some(entry) = m.files.iter().find(|f| f.path == file) else {
            continue;
        };
        let got = crate::output::hex(&Sha256::digest(body));
        let row = FileCompared {
            path: path.clone(),
            file: file.to_string(),
            expected: entry.sha256.clone(),
            served: got.clone(),
        };
        if got != entry.sha256 {
            differ.push(row.clone());
        }
        compared.push(row);
    }
    let (s, msg) = if !differ.is_empty() {
        (
            Status::Fail,
            Bilingual::new(
                format!("{} berkas berbeda dari rilis", differ.len()),
                format!("{} files differ from the release", differ.len()),
            ),
        )
    } else if compared.is_empty() {
        (
            Status::Inconclusive,
            Bilingual::new(
                "tidak ada berkas yang dapat dibandingkan",
                "no file could be compared",
            ),
        )
    } else {
        (
            Status::Pass,
            Bilingual::new("berkas sama dengan rilis", "files match the release"),
        )
    };
    Observation::new(
        host,
        Check::CNT005,
        s,
        Evidence::Files { compared, differ },
        now,
        msg,
    )
}

#[cfg(test)]
mod tests;
