//! What an import writes: from the items of an export, the Markdown file
//! of each post (`content/berita/SLUG.md`) and page (its hierarchy kept:
//! a page with children becomes `SLUG/_index.md`), their front matter, the
//! old permalinks as validated aliases, the attachment files to copy, and
//! the report. Pure: it reads the uploads folder's file list and nothing
//! else; `apply` in the parent module does the writing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::import::convert::{images, to_markdown};
use crate::import::disinfect::{self, Reason};
use crate::import::report::{Finding, Imported, PageShortcode, Quarantined, Report, Required};
use crate::import::taxonomy;
use crate::import::wxr::{Export, Item};
use crate::trust::html::HtmlPolicy;
use crate::trust::paths::{check_any_alias, check_relative};

/// A file to write below `sites/SLUG/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Generated text.
    Text(String),
    /// A file to copy (from `--uploads`).
    Copy(PathBuf),
}

/// One planned write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// Path below `sites/SLUG/` (checked with `check_relative`).
    pub rel: String,
    /// What goes there.
    pub source: Source,
}

/// What to do with the export.
#[derive(Debug)]
pub struct Settings<'a> {
    /// The site.
    pub site: &'a str,
    /// `--uploads`.
    pub uploads: Option<&'a Path>,
    /// `--terima` IDs.
    pub accept: &'a [u64],
    /// Now, in the old site's local time (future posts).
    pub now: NaiveDateTime,
    /// The regency's HTML policy.
    pub policy: &'a HtmlPolicy,
}

/// The plan: the writes and the report (without conflict results).
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to write, in order.
    pub writes: Vec<Write>,
    /// The report so far.
    pub report: Report,
}

#[derive(Serialize)]
struct FrontMatter<'a> {
    title: &'a str,
    jenis: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    penulis: Option<String>,
    extra: Extra,
}

#[derive(Serialize)]
struct Extra {
    wordpress: WpData,
}

#[derive(Serialize)]
struct WpData {
    id: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kategori: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tag: Vec<String>,
}

/// An ASCII slug of [a-z0-9-] from a WordPress slug or title (percent
/// escapes decoded, accents folded where ASCII has a base letter, the rest
/// dropped); empty when nothing is left.
pub fn slugify(s: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
    let mut out = String::new();
    for c in decoded.chars().flat_map(char::to_lowercase) {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    let mut cut = out.len().min(80);
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out[..cut].trim_matches('-').to_string()
}

fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        c => c,
    }
}

fn datetime(s: &str) -> Option<toml::value::Datetime> {
    let t = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
    if t.and_utc().timestamp() <= 0 {
        // `0000-00-00 00:00:00` of drafts.
        return None;
    }
    t.format("%Y-%m-%dT%H:%M:%S").to_string().parse().ok()
}

fn plain(html: &str) -> String {
    crate::conformance::content::visible_text(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&amp;", "&")
        .replace("&#8217;", "’")
        .replace("&nbsp;", " ")
}

/// Path and query of `url` when it is on `host` (or host-relative).
fn local_path(url: &str, host: &str) -> Option<String> {
    let url = url.trim();
    if url.starts_with('/') && !url.starts_with("//") {
        return Some(url.to_string());
    }
    let h = crate::conformance::content::url_host(url)?;
    let bare = |x: &str| x.strip_prefix("www.").unwrap_or(x).to_string();
    if bare(&h) != bare(host) {
        return None;
    }
    let rest = url.split_once("//")?.1;
    Some(
        rest.find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
    )
}

/// Normalised key of an old URL path (no fragment, trailing slash on paths).
fn key(path: &str) -> String {
    let p = path.split('#').next().unwrap_or_default();
    if p.contains('?') || p.ends_with('/') || p.rsplit('/').next().is_some_and(|l| l.contains('.'))
    {
        p.to_string()
    } else {
        format!("{p}/")
    }
}

struct Page<'a> {
    item: &'a Item,
    rel: String,
    url: String,
    jenis: &'static str,
    draft: Option<String>,
    reasons: Vec<Reason>,
}

/// Plans the import of `export` into site `settings.site`.
pub fn plan(export: &Export, settings: &Settings<'_>) -> Plan {
    let host = crate::conformance::content::url_host(&export.site_url).unwrap_or_default();
    let mut report = Report {
        site: settings.site.to_string(),
        source_url: export.site_url.clone(),
        ..Report::default()
    };
    let by_id: HashMap<u64, &Item> = export.items.iter().map(|i| (i.id, i)).collect();
    let pages_with_children: BTreeSet<u64> = export
        .items
        .iter()
        .filter(|i| i.post_type == "page" && i.parent != 0)
        .map(|i| i.parent)
        .collect();

    // Each post and page: its file, kind, draft status and verdict.
    let mut pages: Vec<Page<'_>> = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for item in &export.items {
        report.counts.comments += item.comments;
        match item.post_type.as_str() {
            "post" => report.counts.posts += 1,
            "page" => report.counts.pages += 1,
            "attachment" => {
                report.counts.attachments += 1;
                continue;
            }
            _ => {
                report.counts.other += 1;
                continue;
            }
        }
        if matches!(item.status.as_str(), "trash" | "auto-draft" | "inherit") {
            report.counts.other += 1;
            continue;
        }
        let reasons = disinfect::scan(
            &item.title,
            &format!("{}\n{}", item.content, item.excerpt),
            &host,
            settings.policy,
            item.oversized.as_deref(),
        );
        let mut slug = slugify(&item.slug);
        if slug.is_empty() {
            slug = slugify(&item.title);
        }
        if slug.is_empty() {
            slug = item.id.to_string();
        }
        let (dir, jenis) = if item.post_type == "post" {
            ("berita".to_string(), "berita")
        } else {
            let mut chain = Vec::new();
            let mut p = item.parent;
            let mut guard = 0;
            while let Some(parent) = by_id.get(&p).filter(|_| p != 0 && guard < 16) {
                let mut s = slugify(&parent.slug);
                if s.is_empty() {
                    s = parent.id.to_string();
                }
                chain.push(s);
                p = parent.parent;
                guard += 1;
            }
            chain.reverse();
            let jenis = if pages_with_children.contains(&item.id) {
                "bagian"
            } else {
                "halaman"
            };
            (chain.join("/"), jenis)
        };
        let join = |s: &str| {
            if dir.is_empty() {
                s.to_string()
            } else {
                format!("{dir}/{s}")
            }
        };
        let mut stem = join(&slug);
        if taken.contains(&stem) {
            stem = join(&format!("{slug}-{}", item.id));
        }
        taken.insert(stem.clone());
        let rel = if jenis == "bagian" {
            format!("content/{stem}/_index.md")
        } else {
            format!("content/{stem}.md")
        };
        let draft = draft_reason(item, settings.now);
        pages.push(Page {
            item,
            rel,
            url: format!("/{stem}/"),
            jenis,
            draft,
            reasons,
        });
    }

    // Old URL → internal link, for rewriting links between imported items.
    let mut links: HashMap<String, String> = HashMap::new();
    for p in &pages {
        let target = format!("@/{}", p.rel.trim_start_matches("content/"));
        if let Some(l) = local_path(&p.item.link, &host) {
            links.insert(key(&l), target.clone());
        }
        let q = if p.item.post_type == "post" {
            "p"
        } else {
            "page_id"
        };
        links.insert(format!("/?{q}={}", p.item.id), target.clone());
        if let Some(g) = local_path(&p.item.guid, &host) {
            links.insert(key(&g), target);
        }
    }

    // Attachments: their old page becomes an alias of their parent page.
    let mut attachment_aliases: HashMap<u64, Vec<String>> = HashMap::new();
    for a in export.items.iter().filter(|i| i.post_type == "attachment") {
        if let Some(l) = local_path(&a.link, &host)
            && a.parent != 0
        {
            attachment_aliases
                .entry(a.parent)
                .or_default()
                .push(key(&l));
        }
    }

    let mut writes = Vec::new();
    let mut terms = taxonomy::Terms::default();
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut aliases_used: BTreeSet<String> = pages.iter().map(|p| p.url.clone()).collect();
    for p in &pages {
        let item = p.item;
        if !p.reasons.is_empty() {
            let accepted = settings.accept.contains(&item.id);
            report.quarantined.push(Quarantined {
                id: item.id,
                post_type: item.post_type.clone(),
                title: item.title.clone(),
                link: item.link.clone(),
                reasons: p.reasons.clone(),
                accepted,
            });
            if accepted {
                report.counts.accepted += 1;
            } else {
                report.counts.quarantined += 1;
                continue;
            }
        }
        let converted = to_markdown(&item.content);
        let mut body = rewrite_links(&converted.markdown, &host, &links, |rel| {
            upload(
                rel,
                settings.uploads,
                &mut files,
                &mut report.findings,
                &p.rel,
            )
        });
        for img in images(&item.content) {
            if img.alt.trim().is_empty() {
                report.findings.push(Finding {
                    code: "AKSES-001".into(),
                    path: p.rel.clone(),
                    detail: format!("gambar tanpa teks alternatif: {}", img.src),
                });
            }
        }
        for s in converted.shortcodes {
            report.shortcodes.push(PageShortcode {
                path: p.rel.clone(),
                shortcode: s,
            });
        }
        if body.trim().is_empty() {
            body = String::new();
        }

        // Aliases: every old form that is a path, validated as hand-written ones are.
        let mut aliases = Vec::new();
        let mut olds: Vec<String> = Vec::new();
        olds.extend(local_path(&item.link, &host).map(|l| key(&l)));
        olds.extend(local_path(&item.guid, &host).map(|l| key(&l)));
        olds.extend(
            attachment_aliases
                .get(&item.id)
                .cloned()
                .unwrap_or_default(),
        );
        // WordPress answers `/?p=ID` for every item, and `/?page_id=ID`
        // for pages, whatever the permalink setting: both stay valid.
        olds.push(format!("/?p={}", item.id));
        if item.post_type == "page" {
            olds.push(format!("/?page_id={}", item.id));
        }
        for old in olds {
            if aliases_used.contains(&old) {
                continue;
            }
            // `/?p=123` becomes a `_redirects` line with a query condition
            // (no file): checked as the build checks such an alias.
            match check_any_alias(&old) {
                Ok(_) => {
                    aliases_used.insert(old.clone());
                    aliases.push(old);
                }
                Err(problem) => report.findings.push(Finding {
                    code: "ALIAS-DITOLAK".into(),
                    path: p.rel.clone(),
                    detail: format!("{old}: {problem:?}"),
                }),
            }
        }
        report.counts.redirects += aliases.len();

        let (mut kategori, mut tag) = (Vec::new(), Vec::new());
        for t in &item.terms {
            match t.domain.as_str() {
                "category" => kategori.push(t.name.clone()),
                "post_tag" => tag.push(t.name.clone()),
                _ => {}
            }
        }
        let description = Some(plain(&item.excerpt)).filter(|d| !d.is_empty());
        let title = if item.title.trim().is_empty() {
            format!("(tanpa judul {})", item.id)
        } else {
            plain(&item.title)
        };
        let fm = FrontMatter {
            title: &title,
            jenis: p.jenis,
            description,
            date: datetime(&item.date),
            updated: datetime(&item.modified),
            draft: p.draft.is_some(),
            weight: (item.post_type == "page" && item.menu_order != 0).then_some(item.menu_order),
            aliases,
            penulis: (item.post_type == "post" && !item.creator.is_empty())
                .then(|| export.author(&item.creator)),
            extra: Extra {
                wordpress: WpData {
                    id: item.id,
                    kategori,
                    tag,
                },
            },
        };
        if item.post_type == "post" && p.draft.is_none() {
            for t in &item.terms {
                let slug = Some(slugify(&t.nicename))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| slugify(&t.name));
                terms.add(
                    &t.domain,
                    &slug,
                    &t.name,
                    taxonomy::Listed {
                        title: title.clone(),
                        rel: p.rel.clone(),
                        date: item.date.clone(),
                    },
                );
            }
        }
        let toml = toml::to_string(&fm).unwrap_or_default();
        writes.push(Write {
            rel: p.rel.clone(),
            source: Source::Text(format!("+++\n{toml}+++\n\n{body}")),
        });
        if p.draft.is_some() {
            report.counts.drafts += 1;
        }
        report.imported.push(Imported {
            id: item.id,
            jenis: p.jenis.to_string(),
            title,
            path: p.rel.clone(),
            draft: p.draft.clone(),
        });
    }
    // The old category and tag archives: a list page each.
    for tp in terms.pages(&taken) {
        if aliases_used.insert(tp.alias.clone()) {
            report.counts.redirects += 1;
            writes.push(Write {
                rel: tp.rel,
                source: Source::Text(tp.text),
            });
        }
    }
    for (rel, from) in files {
        writes.push(Write {
            rel,
            source: Source::Copy(from),
        });
    }
    report.counts.files = writes
        .iter()
        .filter(|w| matches!(w.source, Source::Copy(_)))
        .count();
    Plan { writes, report }
}

fn draft_reason(item: &Item, now: NaiveDateTime) -> Option<String> {
    if !item.password.is_empty() {
        return Some("dilindungi kata sandi".into());
    }
    match item.status.as_str() {
        "publish" => None,
        "future" => {
            let due = NaiveDateTime::parse_from_str(&item.date, "%Y-%m-%d %H:%M:%S").ok();
            match due {
                Some(d) if d <= now => None,
                _ => Some(format!("terjadwal {}", item.date)),
            }
        }
        "private" => Some("privat".into()),
        other => Some(format!("status {other}")),
    }
}

/// A `/wp-content/uploads/REL` reference: the new URL when the file is in
/// `--uploads` (and is planned for copying), else a finding and `None`.
fn upload(
    rel: &str,
    uploads: Option<&Path>,
    files: &mut BTreeMap<String, PathBuf>,
    findings: &mut Vec<Finding>,
    page: &str,
) -> Option<String> {
    let rel = percent_encoding::percent_decode_str(rel)
        .decode_utf8()
        .ok()?;
    let Some(uploads) = uploads else {
        // The old site goes away, and the CSP blocks images from other hosts.
        findings.push(Finding {
            code: "BERKAS-HILANG".into(),
            path: page.to_string(),
            detail: format!("wp-content/uploads/{rel} tidak disalin: --uploads tidak diberikan"),
        });
        return None;
    };
    let dest = format!("static/uploads/{rel}");
    if let Err(problem) = check_relative(&rel).and_then(|()| check_relative(&dest)) {
        findings.push(Finding {
            code: "BERKAS-DITOLAK".into(),
            path: page.to_string(),
            detail: format!("{rel}: {problem:?}"),
        });
        return None;
    }
    let from = uploads.join(rel.as_ref());
    if !from.is_file() {
        findings.push(Finding {
            code: "BERKAS-HILANG".into(),
            path: page.to_string(),
            detail: format!("wp-content/uploads/{rel} tidak ada di --uploads"),
        });
        return None;
    }
    files.insert(dest, from);
    Some(format!("/uploads/{rel}"))
}

/// Rewrites Markdown link and image targets: old permalinks of imported
/// items become `@/…` internal links; uploads become their new path.
fn rewrite_links(
    md: &str,
    host: &str,
    links: &HashMap<String, String>,
    mut upload: impl FnMut(&str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        let end = rest.find([')', ' ']).unwrap_or(rest.len());
        let target = &rest[..end];
        let (url, frag) = match target.find('#') {
            Some(h) => (&target[..h], &target[h..]),
            None => (target, ""),
        };
        let new = local_path(url, host).and_then(|path| {
            if let Some(r) = path.split_once("/wp-content/uploads/").map(|(_, r)| r) {
                return upload(r);
            }
            links.get(&key(&path)).map(|t| format!("{t}{frag}"))
        });
        match new {
            Some(n) => out.push_str(&n),
            None => out.push_str(target),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The required pages the site lacks, with the command that makes each.
pub fn required(site_dir: &Path, site: &str, planned: &[Write]) -> Vec<Required> {
    let mut present: BTreeSet<String> = BTreeSet::new();
    for e in walkdir::WalkDir::new(site_dir.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        if let Ok(text) = std::fs::read_to_string(e.path())
            && let Some(j) = jenis_of(&text)
        {
            present.insert(j);
        }
    }
    for w in planned {
        if let Source::Text(t) = &w.source
            && let Some(j) = jenis_of(t)
        {
            present.insert(j);
        }
    }
    crate::scaffold::SITE_PAGES
        .iter()
        .filter(|(_, j, _)| {
            !matches!(
                j,
                crate::content::kinds::Kind::Bagian | crate::content::kinds::Kind::Halaman
            ) && !present.contains(j.as_str())
        })
        .map(|(path, j, _)| Required {
            jenis: j.as_str().to_string(),
            label: j.label().to_string(),
            command: format!("laman new page {site} {} {path}", j.as_str()),
        })
        .collect()
}

fn jenis_of(text: &str) -> Option<String> {
    let fm = text.strip_prefix("+++")?.split("+++").next()?;
    fm.lines().find_map(|l| {
        let v = l
            .trim()
            .strip_prefix("jenis")?
            .trim_start()
            .strip_prefix('=')?;
        Some(v.trim().trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_safe() {
        assert_eq!(slugify("Rapat Koordinasi 2024"), "rapat-koordinasi-2024");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("%ce%b5%cf%80"), "");
        assert_eq!(slugify("Café ñ"), "cafe-n");
    }

    #[test]
    fn links_to_imported_items_become_internal() {
        let mut links = HashMap::new();
        links.insert(
            "/2024/05/17/rapat/".to_string(),
            "@/berita/rapat.md".to_string(),
        );
        let md =
            "[Rapat](https://dinas.example.go.id/2024/05/17/rapat) dan [luar](https://x.example/)";
        let out = rewrite_links(md, "dinas.example.go.id", &links, |_| None);
        assert_eq!(
            out,
            "[Rapat](@/berita/rapat.md) dan [luar](https://x.example/)"
        );
    }

    #[test]
    fn convert_attr_reads_quoted_values() {
        assert_eq!(
            crate::import::convert::attr("<a href='x' title=\"y\"", "title").as_deref(),
            Some("y")
        );
    }
}
