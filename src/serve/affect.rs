//! What a change of one page's body affects, as a pure function of the
//! output plan and the sections: the preview's invalidation, kept apart from
//! rendering so it can be tested by a table. (Which *kind* of change a file
//! event is — body, front matter, template — is `watch::classify`'s.)

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::content::SourcePage;
use crate::render::site::{Planned, Section};

/// The plan entries (indices into `plan`) that show page `page` after an
/// edit of its body alone: its own page and aliases, the list pages of the
/// section it is the index of, the one list page of its parent section
/// that lists it (by its position and the section's pagination), and the
/// home page when `on_home` (the home page links to it now; which pages the
/// home page lists cannot change without a front matter change).
pub fn body_edit(
    plan: &[(String, Planned)],
    sections: &[Section],
    page: usize,
    parent_dir: &str,
    is_section: bool,
    on_home: bool,
) -> Vec<usize> {
    let parent = sections
        .iter()
        .position(|s| s.dir == parent_dir && !is_section);
    let listed_on = parent.map(|s| {
        let sec = &sections[s];
        let per = if sec.paginate_by == 0 || sec.dir.is_empty() {
            sec.pages.len().max(1)
        } else {
            sec.paginate_by
        };
        let pos = sec.pages.iter().position(|&k| k == page).unwrap_or(0);
        (s, pos / per + 1)
    });
    plan.iter()
        .enumerate()
        .filter(|(_, (_, item))| match item {
            Planned::Page(k) => *k == page,
            Planned::Alias { page: k, .. } => *k == page,
            Planned::Pager { section, number } => {
                sections[*section].index == Some(page)
                    || Some((*section, *number)) == listed_on
                    || (on_home && *section == 0 && *number == 1)
            }
        })
        .map(|(n, _)| n)
        .collect()
}

/// What one output reads of the site besides the `site` context, in terms
/// that survive the renumbering of pages (a page is named by its path
/// below content/): two renders whose outputs at a path have equal
/// `Shows`, and where none of the pages it names changed, give the same
/// bytes there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shows {
    /// A page; `crumbs` are the breadcrumbs it shows.
    Page {
        /// The page.
        rel: String,
        /// Breadcrumbs: (title, URL path) of the sections above it.
        crumbs: Arc<Vec<(String, String)>>,
    },
    /// A redirect to a page.
    Alias {
        /// The page.
        rel: String,
    },
    /// List page `number` of the section in `dir`.
    Pager {
        /// The section's folder.
        dir: String,
        /// 1-based.
        number: usize,
        /// Its `_index.md`, if any.
        index: Option<String>,
        /// Title and URL path of the section.
        title: String,
        /// URL path.
        url: String,
        /// The pages on this list page, in order.
        slice: Vec<String>,
        /// Number of list pages and of listed pages (0 when the templates
        /// do not read it).
        totals: (usize, usize),
        /// (title, URL path) of the child sections, in order.
        children: Vec<(String, String)>,
        /// Breadcrumbs of the section page.
        crumbs: Arc<Vec<(String, String)>>,
    },
}

impl Shows {
    /// Whether the output reads a field or the body of one of `pages`.
    pub fn reads(&self, pages: &HashSet<&str>) -> bool {
        match self {
            Shows::Page { rel, .. } | Shows::Alias { rel } => pages.contains(rel.as_str()),
            Shows::Pager { index, slice, .. } => {
                index.as_deref().is_some_and(|i| pages.contains(i))
                    || slice.iter().any(|r| pages.contains(r.as_str()))
            }
        }
    }
}

/// The breadcrumbs of a page in folder `dir`: (title, URL path) of every
/// section on the way down (the same walk as `Model::crumbs_for_dir`).
fn crumbs(sections: &[Section], by_dir: &HashMap<&str, usize>, dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut acc = String::new();
    for part in dir.split('/').filter(|s| !s.is_empty()) {
        if !acc.is_empty() {
            acc.push('/');
        }
        acc.push_str(part);
        if let Some(&s) = by_dir.get(acc.as_str()) {
            out.push((sections[s].title.clone(), sections[s].url_path.clone()));
        }
    }
    out
}

/// What every output of a render shows, in plan order.
/// `pages_total`: whether the templates read the number of pages of a
/// list (`Templates::reads_pages_total`); when not, it is left out of a
/// list page's shape, so a page added to or removed from a section changes
/// only the list pages whose slice moved.
pub fn shape(
    pages: &[SourcePage],
    sections: &[Section],
    plan: &[(String, Planned)],
    pages_total: bool,
) -> Vec<(String, Shows)> {
    let mut shaper = Shaper::new(pages, sections, pages_total);
    plan.iter()
        .map(|(path, item)| (path.clone(), shaper.shows(item)))
        .collect()
}

/// What single outputs show ([`shape`] one at a time).
#[derive(Debug)]
pub struct Shaper<'a> {
    pages: &'a [SourcePage],
    sections: &'a [Section],
    pages_total: bool,
    by_dir: HashMap<&'a str, usize>,
    crumbs: HashMap<String, Arc<Vec<(String, String)>>>,
}

impl<'a> Shaper<'a> {
    /// For one render (its pages and sections).
    pub fn new(pages: &'a [SourcePage], sections: &'a [Section], pages_total: bool) -> Self {
        Shaper {
            pages,
            sections,
            pages_total,
            by_dir: sections
                .iter()
                .enumerate()
                .map(|(i, s)| (s.dir.as_str(), i))
                .collect(),
            crumbs: HashMap::new(),
        }
    }

    fn crumbs_of(&mut self, dir: &str) -> Arc<Vec<(String, String)>> {
        let (sections, by_dir) = (self.sections, &self.by_dir);
        self.crumbs
            .entry(dir.to_string())
            .or_insert_with(|| Arc::new(crumbs(sections, by_dir, dir)))
            .clone()
    }

    /// What the output made from `item` shows.
    pub fn shows(&mut self, item: &Planned) -> Shows {
        let pages = self.pages;
        match item {
            Planned::Page(k) => Shows::Page {
                rel: pages[*k].rel.clone(),
                crumbs: self.crumbs_of(&pages[*k].parent),
            },
            Planned::Alias { page, .. } => Shows::Alias {
                rel: pages[*page].rel.clone(),
            },
            Planned::Pager { section, number } => {
                let sections = self.sections;
                let sec = &sections[*section];
                let per = if sec.paginate_by == 0 || sec.dir.is_empty() {
                    sec.pages.len().max(1)
                } else {
                    sec.paginate_by
                };
                Shows::Pager {
                    dir: sec.dir.clone(),
                    number: *number,
                    index: sec.index.map(|i| pages[i].rel.clone()),
                    title: sec.title.clone(),
                    url: sec.url_path.clone(),
                    slice: sec
                        .pages
                        .iter()
                        .skip((number - 1) * per)
                        .take(per)
                        .map(|&i| pages[i].rel.clone())
                        .collect(),
                    totals: (
                        sec.pager_count(),
                        if self.pages_total { sec.pages.len() } else { 0 },
                    ),
                    children: sec
                        .children
                        .iter()
                        .map(|&c| (sections[c].title.clone(), sections[c].url_path.clone()))
                        .collect(),
                    crumbs: if sec.dir.is_empty() {
                        Arc::new(Vec::new())
                    } else {
                        self.crumbs_of(parent_dir(&sec.dir))
                    },
                }
            }
        }
    }
}

fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The outputs to render again after an edit of front matter, or a page
/// added, removed or renamed: indices into `new` of every output that is
/// new, shows something else than before (`old` at its path), reads one of
/// the `touched` pages, is the home page when its `home` context changed,
/// or every output when the `site` context changed (`everything`). The
/// second list is the paths of `old` that are no longer outputs.
pub fn front_matter_edit(
    old: &[(String, Shows)],
    new: &[(String, Shows)],
    touched: &HashSet<&str>,
    home_changed: bool,
    everything: bool,
) -> (Vec<usize>, Vec<String>) {
    let before: HashMap<&str, &Shows> = old.iter().map(|(p, s)| (p.as_str(), s)).collect();
    let render = new
        .iter()
        .enumerate()
        .filter(|(_, (path, shows))| {
            everything
                || before.get(path.as_str()) != Some(&shows)
                || shows.reads(touched)
                || (home_changed
                    && matches!(shows, Shows::Pager { dir, number: 1, .. } if dir.is_empty()))
        })
        .map(|(n, _)| n)
        .collect();
    let now: HashSet<&str> = new.iter().map(|(p, _)| p.as_str()).collect();
    let gone = old
        .iter()
        .filter(|(p, _)| !now.contains(p.as_str()))
        .map(|(p, _)| p.clone())
        .collect();
    (render, gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(dir: &str, index: Option<usize>, pages: Vec<usize>, per: usize) -> Section {
        Section {
            dir: dir.to_string(),
            url_path: format!("/{dir}/"),
            index,
            pages,
            children: Vec::new(),
            title: dir.to_string(),
            paginate_by: per,
        }
    }

    /// Home (section 0, index page 0), berita (section 1, index page 1,
    /// pages 2..=6 two per list page), and an alias of page 4.
    fn site() -> (Vec<(String, Planned)>, Vec<Section>) {
        let sections = vec![
            section("", Some(0), vec![1], 0),
            section("berita", Some(1), vec![2, 3, 4, 5, 6], 2),
        ];
        let mut plan: Vec<(String, Planned)> = (2..=6)
            .map(|i| (format!("berita/{i}/index.html"), Planned::Page(i)))
            .collect();
        plan.push((
            "index.html".into(),
            Planned::Pager {
                section: 0,
                number: 1,
            },
        ));
        for n in 1..=3 {
            plan.push((
                format!("berita/halaman/{n}/index.html"),
                Planned::Pager {
                    section: 1,
                    number: n,
                },
            ));
        }
        plan.push((
            "lama/index.html".into(),
            Planned::Alias {
                page: 4,
                from: "/lama/".into(),
            },
        ));
        (plan, sections)
    }

    fn names(plan: &[(String, Planned)], idx: Vec<usize>) -> Vec<&str> {
        idx.into_iter().map(|n| plan[n].0.as_str()).collect()
    }

    #[test]
    fn a_body_edit_renders_only_what_shows_the_page() {
        let (plan, sections) = site();
        let cases: &[(usize, &str, bool, bool, &[&str])] = &[
            // Page 4 is the third of berita: list page 2; it has an alias.
            (
                4,
                "berita",
                false,
                false,
                &[
                    "berita/4/index.html",
                    "berita/halaman/2/index.html",
                    "lama/index.html",
                ],
            ),
            // Page 6 is the fifth: list page 3; the home page links to it.
            (
                6,
                "berita",
                false,
                true,
                &[
                    "berita/6/index.html",
                    "index.html",
                    "berita/halaman/3/index.html",
                ],
            ),
            // Page 2 is the first: list page 1.
            (
                2,
                "berita",
                false,
                false,
                &["berita/2/index.html", "berita/halaman/1/index.html"],
            ),
            // The section page of berita: every list page of berita shows it, and home lists it.
            (
                1,
                "",
                true,
                false,
                &[
                    "berita/halaman/1/index.html",
                    "berita/halaman/2/index.html",
                    "berita/halaman/3/index.html",
                ],
            ),
        ];
        for (page, parent, is_section, on_home, want) in cases {
            let got = names(
                &plan,
                body_edit(&plan, &sections, *page, parent, *is_section, *on_home),
            );
            assert_eq!(&got, want, "page {page}");
        }
    }

    fn pager(dir: &str, number: usize, slice: &[&str]) -> Shows {
        Shows::Pager {
            dir: dir.into(),
            number,
            index: Some(format!("{dir}/_index.md")),
            title: dir.into(),
            url: format!("/{dir}/"),
            slice: slice.iter().map(|s| s.to_string()).collect(),
            totals: (2, 3),
            children: Vec::new(),
            crumbs: Arc::new(Vec::new()),
        }
    }

    fn page(rel: &str) -> Shows {
        Shows::Page {
            rel: rel.into(),
            crumbs: Arc::new(vec![("Berita".into(), "/berita/".into())]),
        }
    }

    #[test]
    fn a_front_matter_edit_renders_what_reads_the_page_or_moved() {
        let old = vec![
            ("berita/a/index.html".to_string(), page("berita/a.md")),
            ("berita/b/index.html".to_string(), page("berita/b.md")),
            ("berita/c/index.html".to_string(), page("berita/c.md")),
            (
                "lama/index.html".to_string(),
                Shows::Alias {
                    rel: "berita/b.md".into(),
                },
            ),
            (
                "berita/index.html".to_string(),
                pager("berita", 1, &["berita/a.md", "berita/b.md"]),
            ),
            (
                "berita/halaman/2/index.html".to_string(),
                pager("berita", 2, &["berita/c.md"]),
            ),
        ];
        let touched = |r: &[&'static str]| r.iter().copied().collect::<HashSet<&str>>();
        // A new title of c: its page and the list page showing it.
        let (got, gone) = front_matter_edit(&old, &old, &touched(&["berita/c.md"]), false, false);
        assert_eq!(got, vec![2, 5]);
        assert!(gone.is_empty());
        // A new date moves c before b: both list pages change, b's and c's pages do not
        // (c's does, being edited); b's alias does not.
        let mut new = old.clone();
        new[4].1 = pager("berita", 1, &["berita/a.md", "berita/c.md"]);
        new[5].1 = pager("berita", 2, &["berita/b.md"]);
        let (got, _) = front_matter_edit(&old, &new, &touched(&["berita/c.md"]), false, false);
        assert_eq!(got, vec![2, 4, 5]);
        // b removed: its page and alias are gone, both list pages change.
        let new: Vec<_> = vec![
            old[0].clone(),
            old[2].clone(),
            (
                "berita/index.html".to_string(),
                pager("berita", 1, &["berita/a.md", "berita/c.md"]),
            ),
        ];
        let (got, gone) = front_matter_edit(&old, &new, &touched(&["berita/b.md"]), false, false);
        assert_eq!(got, vec![2]);
        assert_eq!(
            gone,
            vec![
                "berita/b/index.html",
                "lama/index.html",
                "berita/halaman/2/index.html"
            ]
        );
        // The home context changed (no home here) or the site context: everything.
        let (got, _) = front_matter_edit(&old, &old, &touched(&[]), true, false);
        assert!(got.is_empty());
        let (got, _) = front_matter_edit(&old, &old, &touched(&[]), false, true);
        assert_eq!(got.len(), old.len());
    }
}
