//! What a change of one page's body affects, as a pure function of the
//! output plan and the sections: the preview's invalidation, kept apart from
//! rendering so it can be tested by a table. (Which *kind* of change a file
//! event is — body, front matter, template — is `watch::classify`'s.)

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
}
