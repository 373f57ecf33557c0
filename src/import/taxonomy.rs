//! The old site's category and tag archives (`/category/SLUG/`,
//! `/tag/SLUG/`): one plain page per term that imported, published posts
//! carry — `content/kategori/SLUG.md` and `content/topik/SLUG.md` — listing
//! those posts newest first, with the old archive URL as its alias. Links
//! are `@/` internal links, so the build checks them like any other; a
//! term with no published post gets no page (its old URL then answers 404
//! as a vanished archive would). Pure: `plan` hands its writes on.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::trust::paths::check_any_alias;

/// One imported post as a term's page lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Title as imported.
    pub title: String,
    /// Its file below `sites/SLUG/` (`content/berita/x.md`).
    pub rel: String,
    /// WordPress post date (`2024-05-17 09:30:00`), for the order.
    pub date: String,
}

/// Which archive a term had on the old site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Category,
    Tag,
}

impl Kind {
    /// (old URL prefix, new folder, title prefix).
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::Category => ("category", "kategori", "Kategori"),
            Kind::Tag => ("tag", "topik", "Topik"),
        }
    }
}

/// The terms seen on imported posts.
#[derive(Debug, Default)]
pub struct Terms {
    by_term: BTreeMap<(Kind, String), (String, Vec<Listed>)>,
}

/// A page the import writes for one term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermPage {
    /// `content/kategori/SLUG.md`.
    pub rel: String,
    /// The whole file.
    pub text: String,
    /// The old archive URL it answers.
    pub alias: String,
}

#[derive(Serialize)]
struct Front<'a> {
    title: &'a str,
    jenis: &'a str,
    description: &'a str,
    aliases: Vec<&'a str>,
}

/// Escapes what Markdown would read as syntax in a link text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Terms {
    /// Records that `post` carries the term (`category` or `post_tag`
    /// domain; others are ignored). `slug` is the term's slug, already
    /// made ASCII.
    pub fn add(&mut self, domain: &str, slug: &str, name: &str, post: Listed) {
        let kind = match domain {
            "category" => Kind::Category,
            "post_tag" => Kind::Tag,
            _ => return,
        };
        if slug.is_empty() {
            return;
        }
        self.by_term
            .entry((kind, slug.to_string()))
            .or_insert_with(|| (name.to_string(), Vec::new()))
            .1
            .push(post);
    }

    /// The pages, skipping any whose file `taken` already holds (an
    /// imported page of the same path wins) or whose alias is refused.
    pub fn pages(self, taken: &BTreeSet<String>) -> Vec<TermPage> {
        let mut out = Vec::new();
        for ((kind, slug), (name, mut posts)) in self.by_term {
            let (old, folder, label) = kind.names();
            let rel = format!("content/{folder}/{slug}.md");
            let alias = format!("/{old}/{slug}/");
            if taken.contains(&format!("{folder}/{slug}")) || check_any_alias(&alias).is_err() {
                continue;
            }
            posts.sort_by(|a, b| b.date.cmp(&a.date).then(a.rel.cmp(&b.rel)));
            let title = format!("{label}: {}", name.trim());
            let description = format!(
                "Berita dari situs lama dengan {} {}.",
                label.to_lowercase(),
                name.trim()
            );
            let front = Front {
                title: &title,
                jenis: "halaman",
                description: &description,
                aliases: vec![&alias],
            };
            let mut text = format!(
                "+++\n{}+++\n\n{description} Terbaru dahulu:\n\n",
                toml::to_string(&front).unwrap_or_default()
            );
            for p in &posts {
                let day = p.date.get(..10).unwrap_or(&p.date);
                text.push_str(&format!(
                    "- [{}](@/{}) ({day})\n",
                    escape(&p.title),
                    p.rel.trim_start_matches("content/")
                ));
            }
            out.push(TermPage { rel, text, alias });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(title: &str, rel: &str, date: &str) -> Listed {
        Listed {
            title: title.into(),
            rel: rel.into(),
            date: date.into(),
        }
    }

    #[test]
    fn one_page_per_term_newest_first_with_the_old_archive_as_alias() {
        let mut t = Terms::default();
        t.add(
            "category",
            "kesehatan",
            "Kesehatan",
            post("Lama", "content/berita/lama.md", "2023-01-02 08:00:00"),
        );
        t.add(
            "category",
            "kesehatan",
            "Kesehatan",
            post("Baru [1]", "content/berita/baru.md", "2024-05-17 09:30:00"),
        );
        t.add(
            "post_tag",
            "stunting",
            "Stunting",
            post("Baru [1]", "content/berita/baru.md", "2024-05-17 09:30:00"),
        );
        t.add("nav_menu", "x", "X", post("a", "content/a.md", ""));
        let mut taken = BTreeSet::new();
        let pages = t.pages(&taken);
        assert_eq!(
            pages
                .iter()
                .map(|p| (p.rel.as_str(), p.alias.as_str()))
                .collect::<Vec<_>>(),
            vec![
                ("content/kategori/kesehatan.md", "/category/kesehatan/"),
                ("content/topik/stunting.md", "/tag/stunting/"),
            ]
        );
        let text = &pages[0].text;
        assert!(text.contains("title = \"Kategori: Kesehatan\""), "{text}");
        assert!(
            text.contains("aliases = [\"/category/kesehatan/\"]"),
            "{text}"
        );
        let baru = text
            .find("- [Baru \\[1\\]](@/berita/baru.md) (2024-05-17)")
            .expect(text);
        let lama = text
            .find("- [Lama](@/berita/lama.md) (2023-01-02)")
            .expect(text);
        assert!(baru < lama, "newest first: {text}");
        // An imported page of the same path wins.
        taken.insert("kategori/kesehatan".to_string());
        let mut t = Terms::default();
        t.add(
            "category",
            "kesehatan",
            "K",
            post("a", "content/berita/a.md", ""),
        );
        assert!(t.pages(&taken).is_empty());
    }
}
