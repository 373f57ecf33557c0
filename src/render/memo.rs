//! The render memo of `laman build`: for every page of a site, the digest
//! of exactly what its template was given, and the size and SHA-256 of the
//! bytes that came out. A later build that gives the template the same
//! input (same digest) does not render the page again: it keeps the file
//! the output already has at that path, once the writer has checked that
//! the file there still has those bytes (`HostWriter::reuse`, by the
//! manifests and the file's time). So a one-page change re-renders that
//! page and the list pages and generated files that show it, not every
//! page of the site.
//!
//! The digest covers the whole Tera context of the page (`site`, `page`,
//! `lang`), the chosen template's name, the text of every template of the
//! theme, and the laman binary itself (its size and time: another laman
//! may render the same context otherwise). A template that calls a Tera
//! function whose result is not in its context (`now()`, `get_random()`,
//! `get_env()`) turns the memo off, and so do a site's own templates.
//! List pages, aliases and generated files are always rendered.
//!
//! The memo is Diskominfo's cache, in `.laman/memo/<slug>.json`: a memo
//! that is missing, unreadable or of another version is an empty one, and
//! one that cannot be written is not an error (docs/decisions.md).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::render::context::{PageCtx, SiteCtx};

/// Format of the memo file.
const VERSION: u32 = 1;

/// What one page's output was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// Digest of the template's input.
    pub key: String,
    /// Size of the output.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: String,
}

/// Output path → what was rendered there.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Memo {
    version: u32,
    pages: HashMap<String, Remembered>,
}

impl Memo {
    /// Where the memo of site `slug` of the project at `root` is kept.
    pub fn path(root: &Path, slug: &str) -> PathBuf {
        root.join(".laman")
            .join("memo")
            .join(format!("{slug}.json"))
    }

    /// Reads a memo; anything but a readable one of this version is empty.
    pub fn load(path: &Path) -> Memo {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Memo>(&b).ok())
            .filter(|m| m.version == VERSION)
            .unwrap_or_default()
    }

    /// A memo of `pages`.
    pub fn of(pages: impl IntoIterator<Item = (String, Remembered)>) -> Memo {
        Memo {
            version: VERSION,
            pages: pages.into_iter().collect(),
        }
    }

    /// What was rendered at `path` from the input with digest `key`.
    pub fn get(&self, path: &str, key: &str) -> Option<&Remembered> {
        self.pages.get(path).filter(|r| r.key == key)
    }

    /// How many pages it remembers.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Writes the memo through a temporary file and a rename.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("memo"),
            std::process::id()
        ));
        let bytes = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

/// A `Write` that hashes what is written to it.
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size and time of the running laman binary, once per process.
fn binary() -> Option<&'static str> {
    static ID: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let meta = std::env::current_exe().and_then(std::fs::metadata).ok()?;
        let time = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!(
            "{} {} {}",
            env!("CARGO_PKG_VERSION"),
            meta.len(),
            time.as_nanos()
        ))
    })
    .as_deref()
}

/// What every page of a site shares in its key: the binary, the
/// templates and the `site` context. `None` when the memo is off.
pub fn site_key(templates_digest: Option<&str>, site: &SiteCtx) -> Option<Sha256> {
    let (binary, templates) = (binary()?, templates_digest?);
    let mut h = Hashing(Sha256::new());
    write!(h, "laman-memo {VERSION}\n{binary}\n{templates}\n").ok()?;
    serde_json::to_writer(&mut h, site).ok()?;
    Some(h.0)
}

/// The key of a page: the site's, the template's name and the `page`
/// context (with `lang`, which is always `id`).
pub fn page_key(site: &Sha256, template: &str, page: &PageCtx) -> String {
    let mut h = Hashing(site.clone());
    let _ = write!(h, "\n{template}\nid\n");
    let _ = serde_json::to_writer(&mut h, page);
    crate::output::hex(&h.0.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_is_read_back_and_a_bad_or_other_version_one_is_empty() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = Memo::path(dir.path(), "dinkes");
        let r = Remembered {
            key: "k".into(),
            size: 3,
            sha256: "s".into(),
        };
        Memo::of([("a/index.html".to_string(), r.clone())])
            .save(&path)
            .expect("save");
        let back = Memo::load(&path);
        assert_eq!(back.get("a/index.html", "k"), Some(&r));
        assert_eq!(back.get("a/index.html", "other"), None);
        assert_eq!(back.get("b/index.html", "k"), None);
        std::fs::write(&path, "{\"version\": 99, \"pages\": {}}").expect("write");
        assert!(Memo::load(&path).is_empty());
        std::fs::write(&path, "{ not json").expect("write");
        assert!(Memo::load(&path).is_empty());
        assert!(Memo::load(&dir.path().join("none.json")).is_empty());
    }
}
