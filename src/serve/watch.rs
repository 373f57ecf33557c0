//! Watching sites/, themes/ and laman.toml with notify, and turning a burst
//! of file events (one save is often several) into the smallest rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

/// What a batch of changes asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A template, the theme or laman.toml: everything.
    All,
    /// Whole sites (site.toml, an asset, a page added or removed).
    Sites(BTreeSet<String>),
    /// Pages: (site, path below content/).
    Pages(BTreeSet<(String, String)>),
}

/// How long a burst of events may stay quiet before it counts as one save.
pub const QUIET: Duration = Duration::from_millis(4);
/// The longest a burst is collected before rebuilding anyway.
pub const MAX_BURST: Duration = Duration::from_millis(150);

/// Starts watching `root`; events arrive on the returned channel.
pub fn start(
    root: &Path,
) -> notify::Result<(
    notify::RecommendedWatcher,
    Receiver<notify::Result<notify::Event>>,
)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    for dir in ["sites", "themes"] {
        let p = root.join(dir);
        if p.is_dir() {
            watcher.watch(&p, RecursiveMode::Recursive)?;
        }
    }
    // The folder, not the file: editors replace laman.toml by renaming.
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    Ok((watcher, rx))
}

/// Waits for the next change under `root` (canonical), collecting the
/// burst of events that follow it. `None` when the watcher is gone.
pub fn next_change(rx: &Receiver<notify::Result<notify::Event>>, root: &Path) -> Option<Change> {
    loop {
        let first = rx.recv().ok()?;
        let mut paths = Vec::new();
        collect(first, &mut paths);
        if paths.is_empty() {
            continue;
        }
        let start = Instant::now();
        loop {
            let left = MAX_BURST.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(QUIET.min(left)) {
                Ok(ev) => collect(ev, &mut paths),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        if let Some(c) = classify(root, &paths) {
            return Some(c);
        }
    }
}

fn collect(ev: notify::Result<notify::Event>, paths: &mut Vec<PathBuf>) {
    let Ok(ev) = ev else {
        return;
    };
    match ev.kind {
        EventKind::Access(_) => {}
        _ => paths.extend(ev.paths),
    }
}

/// The rebuild `paths` (absolute) ask for; `None` when none of them matters.
pub fn classify(root: &Path, paths: &[PathBuf]) -> Option<Change> {
    let mut sites = BTreeSet::new();
    let mut pages = BTreeSet::new();
    for p in paths {
        let Ok(rel) = p.strip_prefix(root) else {
            continue;
        };
        let parts: Vec<&str> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect();
        let Some(name) = parts.last() else {
            continue;
        };
        if ignored(name) {
            continue;
        }
        match parts.as_slice() {
            ["laman.toml"] => return Some(Change::All),
            ["themes", ..] => return Some(Change::All),
            ["sites", _] => {
                // A site folder itself appeared or went away.
                sites.insert(parts[1].to_string());
            }
            ["sites", site, "content", rest @ ..] if name.ends_with(".md") => {
                pages.insert((site.to_string(), rest.join("/")));
            }
            ["sites", site, ..] => {
                sites.insert(site.to_string());
            }
            _ => {}
        }
    }
    pages.retain(|(s, _)| !sites.contains(s));
    if !sites.is_empty() {
        // A page change next to a site change is covered by the site.
        if pages.is_empty() {
            return Some(Change::Sites(sites));
        }
        for (s, _) in &pages {
            sites.insert(s.clone());
        }
        return Some(Change::Sites(sites));
    }
    (!pages.is_empty()).then_some(Change::Pages(pages))
}

/// Editor and tool droppings: hidden files (emacs' `.#lock`, rsync's
/// `.name.XXXXXX`), backups, swap files, vim's `4913` probe, the temporary
/// file `sed -i` writes before renaming it over the file it edits
/// (`sedXXXXXX`), JetBrains' safe-write copies. The rename that follows
/// names the real file, which is what counts.
fn ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == "4913"
        || is_sed_temp(name)
}

/// GNU sed's `-i` temporary file: `sed` and six letters or digits, no extension.
fn is_sed_temp(name: &str) -> bool {
    name.len() == 9
        && name.starts_with("sed")
        && name[3..].bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_page_a_site_or_everything() {
        let root = Path::new("/p");
        let page = root.join("sites/dinkes/content/profil.md");
        assert_eq!(
            classify(root, std::slice::from_ref(&page)),
            Some(Change::Pages(
                [("dinkes".to_string(), "profil.md".to_string())].into()
            ))
        );
        assert_eq!(
            classify(root, &[root.join("sites/dinkes/site.toml"), page.clone()]),
            Some(Change::Sites(set(&["dinkes"])))
        );
        assert_eq!(
            classify(
                root,
                &[root.join("themes/default/templates/page.html"), page]
            ),
            Some(Change::All)
        );
        assert_eq!(
            classify(root, &[root.join("laman.toml")]),
            Some(Change::All)
        );
    }

    #[test]
    fn editor_files_and_other_folders_are_ignored() {
        let root = Path::new("/p");
        assert_eq!(
            classify(
                root,
                &[
                    root.join("sites/dinkes/content/.profil.md.swp"),
                    root.join("sites/dinkes/content/profil.md~"),
                    root.join("public/dinkes.example/index.html"),
                    PathBuf::from("/elsewhere/laman.toml"),
                ]
            ),
            None
        );
    }

    #[test]
    fn a_tool_s_temporary_file_counts_as_the_file_it_replaces() {
        let root = Path::new("/p");
        let page = root.join("sites/dinkes/content/berita/a.md");
        let want = Some(Change::Pages(
            [("dinkes".to_string(), "berita/a.md".to_string())].into(),
        ));
        // `sed -i s/x/y/ a.md`: sedXXXXXX created and written, renamed over a.md.
        for temp in [
            "sedAb12xZ",
            "sed4kQ9pL",
            "4913",
            "a.md~",
            ".#a.md",
            "a.md___jb_tmp___",
        ] {
            let t = root.join("sites/dinkes/content/berita").join(temp);
            assert_eq!(
                classify(root, &[t.clone(), t, page.clone()]),
                want,
                "{temp}"
            );
        }
        // In a site's folder (sed -i on site.toml) it is site.toml that counts.
        assert_eq!(classify(root, &[root.join("sites/dinkes/sedAb12xZ")]), None);
        // A real file with a name like it is not ignored.
        assert_eq!(
            classify(root, &[root.join("sites/dinkes/content/sedekah.md")]),
            Some(Change::Pages(
                [("dinkes".to_string(), "sedekah.md".to_string())].into()
            ))
        );
        assert_eq!(
            classify(root, &[root.join("sites/dinkes/static/sedan.png")]),
            Some(Change::Sites(set(&["dinkes"])))
        );
    }
}
