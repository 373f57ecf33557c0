//! Root causes first: a page whose front matter does not parse is left out
//! of the build, and every `@/` link to it elsewhere then fails too. An
//! editor who reads those link errors first hunts in the wrong file, so the
//! page's own error goes first and the links that follow from it are marked
//! as its consequences and placed under it. Pure: reorders and marks, no words.

use std::path::{Component, Path};

use super::{Diagnostic, Location, Message};

/// Puts the input errors (what stops a file from being read) first, each
/// followed by the findings that only follow from it, marked with
/// `caused_by`; everything else keeps its order after them.
pub fn link_causes(diags: &mut Vec<Diagnostic>) {
    let roots: Vec<Location> = diags
        .iter()
        .filter(|d| is_root(d))
        .map(|d| d.location.clone())
        .collect();
    if roots.is_empty() {
        // Nothing follows from anything: no second list of every finding.
        return;
    }
    for d in diags.iter_mut() {
        if d.caused_by.is_none() && !is_root(d) {
            d.caused_by = roots.iter().find(|at| links_to(d, &at.path)).cloned();
        }
    }
    let mut rest: Vec<Option<Diagnostic>> = std::mem::take(diags).into_iter().map(Some).collect();
    for i in 0..rest.len() {
        if !rest[i].as_ref().is_some_and(is_root) {
            continue;
        }
        let Some(root) = rest[i].take() else { continue };
        let at = root.location.clone();
        diags.push(root);
        for slot in rest.iter_mut() {
            if slot
                .as_ref()
                .is_some_and(|d| d.caused_by.as_ref() == Some(&at))
            {
                diags.extend(slot.take());
            }
        }
    }
    diags.extend(rest.into_iter().flatten());
}

/// An error that stops a file from being read (not a link, which is about
/// another file).
fn is_root(d: &Diagnostic) -> bool {
    d.is_input_error() && !matches!(*d.message, Message::BrokenInternalLink { .. })
}

/// Whether `d` is an `@/` link, in the same site, to the file at `page`.
fn links_to(d: &Diagnostic, page: &Path) -> bool {
    let Message::BrokenInternalLink { target } = &*d.message else {
        return false;
    };
    let Some(rel) = target.strip_prefix("@/") else {
        return false;
    };
    let rel = rel.split(['#', '?']).next().unwrap_or(rel);
    if rel.is_empty() || d.location.path == page {
        return false;
    }
    site_of(&d.location.path).is_some_and(|site| {
        site_of(page) == Some(site) && page.ends_with(Path::new("content").join(rel))
    })
}

/// `sites/<slug>` of a shown path: its first two parts.
fn site_of(p: &Path) -> Option<(Component<'_>, Component<'_>)> {
    let mut c = p.components();
    Some((c.next()?, c.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::FileKind;

    fn broken_page(path: &str) -> Diagnostic {
        Diagnostic::new(
            Location::at(path, 4, 12),
            Message::TomlSyntax {
                file: FileKind::FrontMatter,
                key: None,
                detail: "x".into(),
            },
        )
    }

    fn link(path: &str, target: &str) -> Diagnostic {
        Diagnostic::new(
            Location::at(path, 7, 3),
            Message::BrokenInternalLink {
                target: target.into(),
            },
        )
    }

    #[test]
    fn without_a_broken_page_the_findings_stay_where_they_are() {
        // No second list of every finding (10,000 of them at a large
        // site's peak, #14): the vector is left as it was.
        let mut d = Vec::with_capacity(3);
        d.extend([
            link("sites/a/content/_index.md", "@/tidak-ada.md"),
            link("sites/a/content/b.md", "@/lain.md"),
            link("sites/a/content/c.md", "@/juga.md"),
        ]);
        let (before, at) = (d.clone(), d.as_ptr());
        link_causes(&mut d);
        assert_eq!(d, before);
        assert_eq!((d.as_ptr(), d.capacity()), (at, 3));
    }

    #[test]
    fn a_broken_page_goes_before_the_links_that_follow_from_it() {
        let mut d = vec![
            link("sites/a/content/_index.md", "@/layanan/kir.md#biaya"),
            link("sites/a/content/_index.md", "@/tidak-ada.md"),
            link("sites/b/content/_index.md", "@/layanan/kir.md"),
            broken_page("sites/a/content/layanan/kir.md"),
        ];
        link_causes(&mut d);
        let shown: Vec<String> = d
            .iter()
            .map(|d| format!("{}", d.location.path.display()))
            .collect();
        assert_eq!(
            shown,
            [
                "sites/a/content/layanan/kir.md",
                "sites/a/content/_index.md",
                "sites/a/content/_index.md",
                "sites/b/content/_index.md",
            ]
        );
        assert_eq!(d[0].caused_by, None);
        assert_eq!(
            d[1].caused_by.as_ref().map(|l| l.to_string()),
            Some("sites/a/content/layanan/kir.md:4:12".to_string())
        );
        // A link to a page that does not exist at all is its own problem;
        // another site's link to a page of the same name is not a consequence.
        assert!(
            matches!(&*d[2].message, Message::BrokenInternalLink { target } if target == "@/tidak-ada.md")
        );
        assert_eq!(d[2].caused_by, None);
        assert_eq!(d[3].caused_by, None);
    }
}
