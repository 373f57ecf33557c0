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
//! The digest covers the whole Tera context of the page (`site`, `page`
//! — with its body's key in place of its body's HTML, below — `lang`; a
//! list page's `section`, and `home` on the home's), the chosen
//! template's name, the text of every template of the theme, and the
//! laman binary itself (its size and time: another laman may render the
//! same context otherwise). A template that calls a Tera function whose
//! result is not in its context (`now()`, `get_random()`, `get_env()`)
//! turns the memo off, and so do a site's own templates. Aliases and
//! generated files are always rendered.
//!
//! With each page it keeps the facts the rules read from its HTML (links,
//! ids, images…: `rules::html`), a function of those bytes alone: a page
//! kept by the memo is not read back and scanned again (#14, a one-page
//! rebuild of 10,000 pages spent a sixth of its time there). The facts'
//! strings are numbers into one table per site, as the theme repeats most
//! of them on every page.
//!
//! Beside it, in `<slug>.bodies` ([`Bodies`]), each page's body as the
//! rest of the build reads it (its text for search and summaries,
//! headings, images, links), under a key of its file's text, the site's
//! HTML policy and base path, and with the URL each of its `@/` targets
//! found. A body with that key, whose `@/` targets still find those URLs,
//! is not rendered from Markdown unless its page is rendered again or the
//! feed or a section shows its HTML; a page's key holds its body's key in
//! place of its HTML. A body with a finding (a broken `@/` link, removed
//! raw HTML) is not kept: it is rendered every time, so its findings are
//! never lost.
//!
//! The memo is Diskominfo's cache, in `.laman/memo/<slug>.memo` (postcard,
//! a compact encoding of serde values): a memo
//! that is missing, unreadable or of another version is an empty one, and
//! one that cannot be written is not an error (docs/decisions.md).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::markdown::{BodyHtml, Heading, Image, Links, Rendered};
use crate::render::context::SiteCtx;
use crate::rules::html::{HtmlFacts, Shared};
use crate::trust::html::HtmlPolicy;

/// Format of the memo file.
const VERSION: u32 = 3;

/// What one page's output was. (postcard does not name fields: every
/// field is written, none skipped when empty.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// Digest of the template's input.
    pub key: String,
    /// Size of the output.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: String,
    /// The facts of those bytes, their strings numbers into the memo's
    /// table, in postcard (about 60 bytes, where the lists and the set of
    /// ids would be ten allocations: 17 MiB more at a one-page rebuild's
    /// peak); none when the build that wrote it ran no rules.
    #[serde(with = "serde_bytes")]
    pub facts: Option<Vec<u8>>,
}

/// Output path → what was rendered there.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Memo {
    version: u32,
    /// The digest of what every page of the build that wrote it shared in
    /// its key ([`site_key`]).
    site: String,
    /// The strings of the facts.
    strings: Vec<Shared>,
    pages: HashMap<String, Remembered>,
    /// Its bodies, read with it ([`Memo::beside`]).
    #[serde(skip)]
    bodies: Bodies,
}

/// A page's body as the memo keeps it: without its HTML (and never one
/// with findings), under its key.
#[derive(Serialize)]
struct BodyOut<'a> {
    key: &'a str,
    looked_up: &'a [(String, Option<String>)],
    facts: Packed<'a>,
}

/// What the rest of a build reads of a body (its text, headings, images
/// and links), in postcard, as one field of bytes: the index of a bodies
/// file is read without them, and each is decoded on the thread that
/// takes it.
struct Packed<'a>(&'a Rendered);

/// [`Packed`] read back.
type Facts = (String, Vec<Heading>, Vec<Image>, Vec<String>);

impl Serialize for Packed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.0;
        let bytes = postcard::to_stdvec(&(&b.plain, &b.headings, &b.images, &b.links))
            .map_err(serde::ser::Error::custom)?;
        s.serialize_bytes(&bytes)
    }
}

/// [`BodyOut`] read back, borrowed from the file's bytes.
#[derive(Debug, Deserialize)]
pub struct BodyRef<'a> {
    key: &'a str,
    #[serde(borrow)]
    looked_up: Vec<(&'a str, Option<&'a str>)>,
    facts: &'a [u8],
}

impl BodyRef<'_> {
    /// The body, without its HTML, when its file has body key `key` and
    /// each of its `@/` targets still finds what it found (`links`).
    pub fn body(&self, key: &str, links: &Links) -> Option<Rendered> {
        if self.key != key {
            return None;
        }
        if self
            .looked_up
            .iter()
            .any(|(t, url)| links.resolve(t).as_deref() != *url)
        {
            return None;
        }
        let (plain, headings, images, links): Facts = postcard::from_bytes(self.facts).ok()?;
        let looked_up = self
            .looked_up
            .iter()
            .map(|(t, url)| (t.to_string(), url.map(str::to_string)))
            .collect();
        Some(Rendered {
            html: BodyHtml::default(),
            plain,
            headings,
            images,
            links,
            looked_up,
            diagnostics: Vec::new(),
        })
    }
}

/// The bodies of a site's pages as a build left them, by content path:
/// `.laman/memo/<slug>.bodies`, beside its memo. Each is checked by its
/// key and `@/` targets when it is taken, so the file is good whichever
/// build wrote it; it starts with a digest of the content paths, keys and
/// `@/` targets of its bodies, so a build whose bodies are all the same
/// does not write it again.
#[derive(Debug, Clone, Default)]
pub struct Bodies(Vec<u8>);

impl Bodies {
    /// Where the bodies of site `slug` of the project at `root` are kept,
    /// beside its memo.
    pub fn path(root: &Path, slug: &str) -> PathBuf {
        root.join(".laman")
            .join("memo")
            .join(format!("{slug}.bodies"))
    }

    /// Reads the bodies file at `path` (none when there is none).
    pub fn load(path: &Path) -> Bodies {
        Bodies(std::fs::read(path).unwrap_or_default())
    }

    /// Content path → body, borrowed from the file; none when it does not
    /// decode or is of another version.
    pub fn index(&self) -> HashMap<&str, BodyRef<'_>> {
        let Ok(((version, _), rest)) = postcard::take_from_bytes::<(u32, &str)>(&self.0) else {
            return HashMap::new();
        };
        if version != VERSION {
            return HashMap::new();
        }
        let all: Vec<(&str, BodyRef<'_>)> = postcard::from_bytes(rest).unwrap_or_default();
        all.into_iter().collect()
    }

    /// The digest at the start of the bodies file at `path`.
    fn written(path: &Path) -> Option<String> {
        use std::io::Read as _;
        let mut head = Vec::with_capacity(64);
        std::fs::File::open(path)
            .and_then(|f| f.take(64).read_to_end(&mut head))
            .ok()?;
        let ((version, digest), _) = postcard::take_from_bytes::<(u32, &str)>(&head).ok()?;
        (version == VERSION).then(|| digest.to_string())
    }

    /// Writes `bodies` (content path, body key, body), but those with
    /// findings (they are found again by rendering them again), through a
    /// temporary file and a rename, encoded straight into the file; not
    /// when the file there already has these bodies.
    pub fn save<'a>(
        path: &Path,
        bodies: impl Iterator<Item = (&'a str, &'a str, &'a Rendered)>,
    ) -> std::io::Result<()> {
        let kept: Vec<(&str, BodyOut<'_>)> = bodies
            .filter(|(_, _, b)| b.diagnostics.is_empty())
            .map(|(rel, key, b)| {
                let out = BodyOut {
                    key,
                    looked_up: &b.looked_up,
                    facts: Packed(b),
                };
                (rel, out)
            })
            .collect();
        // A body is a function of its key and what its `@/` targets found.
        let mut h = Hashing(Sha256::new());
        for (rel, b) in &kept {
            postcard::to_io(&(rel, b.key, b.looked_up), &mut h).map_err(std::io::Error::other)?;
        }
        let digest = crate::output::hex(&h.0.finalize()[..16]);
        if Bodies::written(path).as_deref() == Some(&*digest) {
            return Ok(());
        }
        atomic_write(path, |w| {
            postcard::to_io(&(VERSION, &digest), &mut *w).map_err(std::io::Error::other)?;
            postcard::to_io(&kept, w).map_err(std::io::Error::other)?;
            Ok(())
        })
    }
}

/// Writes the file at `path` with `fill`, through a temporary file and a
/// rename (no half-written memo is ever read).
fn atomic_write(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Its own temporary file, whichever thread of the process writes.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("memo"),
        std::process::id(),
        WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::File::create(&tmp)
        .and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            fill(&mut w)?;
            w.flush()
        })
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

impl Memo {
    /// Where the memo of site `slug` of the project at `root` is kept.
    pub fn path(root: &Path, slug: &str) -> PathBuf {
        root.join(".laman")
            .join("memo")
            .join(format!("{slug}.memo"))
    }

    /// Reads a memo; anything but a readable one of this version is empty.
    pub fn load(path: &Path) -> Memo {
        std::fs::read(path)
            .ok()
            .and_then(|b| postcard::from_bytes::<Memo>(&b).ok())
            .filter(|m| m.version == VERSION)
            .unwrap_or_default()
    }

    /// The memo with its bodies, read from `bodies` ([`Bodies::path`]).
    pub fn beside(self, bodies: &Path) -> Memo {
        Memo {
            bodies: Bodies::load(bodies),
            ..self
        }
    }

    /// A memo of `pages`, each with the facts of its bytes when the rules
    /// read them.
    pub fn of<'f>(
        pages: impl IntoIterator<Item = (String, Remembered, Option<&'f HtmlFacts>)>,
        site: String,
    ) -> Memo {
        let mut strings = Vec::new();
        // Numbered by allocation, not by text: the strings of a site's facts
        // are its pool's one copy of each (`rules::html::Pool`), so hashing
        // the address finds them as well, in a fraction of the time (a copy
        // that is not the pool's only takes one more number).
        let mut number: rustc_hash::FxHashMap<*const u8, u32> = Default::default();
        let pages = pages
            .into_iter()
            .map(|(path, mut r, facts)| {
                r.facts = facts.and_then(|f| {
                    let numbered = f.map(|s| {
                        *number.entry(s.as_ptr()).or_insert_with(|| {
                            strings.push(s.clone());
                            u32::try_from(strings.len() - 1).unwrap_or(u32::MAX)
                        })
                    });
                    postcard::to_stdvec(&numbered).ok()
                });
                (path, r)
            })
            .collect();
        Memo {
            version: VERSION,
            site,
            strings,
            pages,
            bodies: Bodies::default(),
        }
    }

    /// Takes its bodies, when the build that wrote it had the site digest
    /// `site` (with another, every page is rendered again, and its body
    /// with it: they are freed unread).
    pub fn take_bodies(&mut self, site: &str) -> Bodies {
        let bodies = std::mem::take(&mut self.bodies);
        if self.site == site {
            bodies
        } else {
            Bodies::default()
        }
    }

    /// What was rendered at `path` from the input with digest `key`.
    pub fn get(&self, path: &str, key: &str) -> Option<&Remembered> {
        self.pages.get(path).filter(|r| r.key == key)
    }

    /// The facts remembered with `r`, their strings the memo's own (none
    /// when it has none, or a number outside the table).
    pub fn facts(&self, r: &Remembered) -> Option<HtmlFacts> {
        let numbered: HtmlFacts<u32> = postcard::from_bytes(r.facts.as_deref()?).ok()?;
        let mut whole = true;
        let facts = numbered.map(|&n| {
            usize::try_from(n)
                .ok()
                .and_then(|n| self.strings.get(n))
                .cloned()
                .unwrap_or_else(|| {
                    whole = false;
                    Shared::from("")
                })
        });
        whole.then_some(facts)
    }

    /// The strings of the remembered facts.
    pub fn strings(&self) -> &[Shared] {
        &self.strings
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
        // Encoded straight into the file, not into a buffer of its size.
        atomic_write(path, |w| {
            postcard::to_io(self, w).map_err(std::io::Error::other)?;
            Ok(())
        })?;
        // The memo of earlier builds of laman, in JSON (`<slug>.json`):
        // never read again.
        let _ = std::fs::remove_file(path.with_extension("json"));
        Ok(())
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

/// The digest of a site's key, kept in its memo.
pub fn digest(site: &Sha256) -> String {
    crate::output::hex(&site.clone().finalize()[..16])
}

/// What every body of a site shares in its key: the binary, the HTML
/// policy (the theme's ids a heading may not take, the iframe hosts) and
/// the base path of its URLs. `None` when the memo is off.
pub fn body_base(policy: &HtmlPolicy, links: &Links) -> Option<Sha256> {
    let binary = binary()?;
    let mut h = Hashing(Sha256::new());
    write!(h, "laman-body {VERSION}\n{binary}\n").ok()?;
    let given = (
        policy.reserved_ids(),
        policy.iframe_hosts(),
        links.base_path(),
    );
    postcard::to_io(&given, &mut h).ok()?;
    Some(h.0)
}

/// The key of a body: the site's and its whole file (the lines of its
/// images count from the file's first line).
pub fn body_key(base: &Sha256, text: &str, body_offset: usize) -> String {
    let mut h = Hashing(base.clone());
    let _ = postcard::to_io(&(body_offset, text), &mut h);
    crate::output::hex(&h.0.finalize()[..16])
}

/// The key of an output: the site's, the template's name and what else
/// the template is given (a page's `page` context; a list page's `page`,
/// `section` and, on the home, `home`), in postcard: each string as its
/// length and its bytes, not escaped as JSON would (a tenth of a one-page
/// rebuild of 10,000 pages was that escaping and its hash). `lang` is
/// always `id`.
pub fn key(site: &Sha256, template: &str, given: &impl Serialize) -> String {
    let mut h = Hashing(site.clone());
    let _ = write!(h, "\n{template}\nid\n");
    let _ = postcard::to_io(given, &mut h);
    crate::output::hex(&h.0.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::html::{Pool, scan_shared};

    fn remembered(key: &str) -> Remembered {
        Remembered {
            key: key.into(),
            size: 3,
            sha256: "s".into(),
            facts: None,
        }
    }

    #[test]
    fn a_memo_is_read_back_and_a_bad_or_other_version_one_is_empty() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = Memo::path(dir.path(), "dinkes");
        // The JSON memo earlier builds left beside it.
        let old = path.with_extension("json");
        std::fs::create_dir_all(old.parent().expect("dir")).expect("mkdir");
        std::fs::write(&old, "{\"version\": 1, \"pages\": {}}").expect("write");
        let r = remembered("k");
        Memo::of(
            [("a/index.html".to_string(), r.clone(), None)],
            String::new(),
        )
        .save(&path)
        .expect("save");
        assert!(!old.exists(), "the JSON memo is removed");
        let back = Memo::load(&path);
        assert_eq!(back.get("a/index.html", "k"), Some(&r));
        assert_eq!(back.get("a/index.html", "other"), None);
        assert_eq!(back.get("b/index.html", "k"), None);
        let other = Memo {
            version: VERSION + 1,
            ..Memo::of([("a/index.html".to_string(), r, None)], String::new())
        };
        std::fs::write(&path, postcard::to_stdvec(&other).expect("encode")).expect("write");
        assert!(Memo::load(&path).is_empty());
        std::fs::write(&path, "{\"version\": 2, \"pages\": {}}").expect("write");
        assert!(Memo::load(&path).is_empty());
        assert!(Memo::load(&dir.path().join("none.memo")).is_empty());
    }

    #[test]
    fn the_facts_come_back_with_one_copy_of_each_string() {
        let theme = r#"<html lang="id"><a href="/">Beranda</a><link href="/assets/gaya.css"><script src="/assets/cari.js"></script>"#;
        // Read as a build reads them: one pool for the site's pages.
        let pool = Pool::default();
        let scan = |html: &str| scan_shared(html, &pool);
        let a = scan(&format!(
            r#"{theme}<h2 id="syarat">Syarat</h2><img src="/a.png" alt="Peta"><a href="/b/">B</a>"#
        ));
        let b = scan(&format!(
            r#"{theme}<h1 id="syarat">B</h1><img src="/b.png"><form method="post" action="/x">"#
        ));
        let dir = tempfile::tempdir().expect("tmp");
        let path = Memo::path(dir.path(), "dinkes");
        Memo::of(
            [
                ("a/index.html".to_string(), remembered("ka"), Some(&a)),
                ("b/index.html".to_string(), remembered("kb"), Some(&b)),
                ("c/index.html".to_string(), remembered("kc"), None),
            ],
            String::new(),
        )
        .save(&path)
        .expect("save");
        let back = Memo::load(&path);
        let facts = |p: &str, k: &str| back.facts(back.get(p, k).expect("remembered"));
        assert_eq!(facts("a/index.html", "ka"), Some(a.clone()));
        assert_eq!(facts("b/index.html", "kb"), Some(b.clone()));
        assert_eq!(facts("c/index.html", "kc"), None);
        // "/", the style, the script and the id once, for both pages.
        let mut strings: Vec<&str> = back.strings().iter().map(|s| &**s).collect();
        strings.sort_unstable();
        assert_eq!(
            strings,
            [
                "/",
                "/a.png",
                "/assets/cari.js",
                "/assets/gaya.css",
                "/b.png",
                "/b/",
                "syarat"
            ]
        );
        // A number outside the table, or facts cut short (a memo from a
        // bad disk), is no facts.
        let mut r = back.get("a/index.html", "ka").expect("a").clone();
        let bytes = r.facts.clone().expect("facts");
        let mut numbered: HtmlFacts<u32> = postcard::from_bytes(&bytes).expect("facts");
        numbered.links.push(999);
        r.facts = Some(postcard::to_stdvec(&numbered).expect("encode"));
        assert_eq!(back.facts(&r), None);
        r.facts = Some(bytes[..bytes.len() / 2].to_vec());
        assert_eq!(back.facts(&r), None);
    }

    proptest::proptest! {
        /// The memo of a site is a file of `.laman/memo/`, whatever the
        /// name of the site's folder: a name read from `sites/` is one path
        /// component (no `/`, no NUL), `..` and `.` included, and the
        /// `.memo` it gets makes even those a plain file name. (The folder
        /// names are Diskominfo's: `laman new site`; an editor writes only
        /// inside `sites/<slug>/`.)
        #[test]
        fn a_memo_stays_in_the_memo_folder(slug in "[^/\\x00]{1,40}") {
            let root = Path::new("/proyek");
            let memo = Memo::path(root, &slug);
            let folder = root.join(".laman").join("memo");
            proptest::prop_assert_eq!(memo.parent(), Some(folder.as_path()));
            let name = memo.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            proptest::prop_assert!(name.ends_with(".memo") && name != ".." && name != ".");
            // Its bodies beside it, of this site alone.
            let bodies = Bodies::path(root, &slug);
            proptest::prop_assert_eq!(bodies.parent(), Some(folder.as_path()));
            let name = bodies.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            proptest::prop_assert_eq!(name, format!("{slug}.bodies"));
        }
    }

    #[test]
    fn a_dot_dot_site_folder_name_is_still_a_file_of_the_memo_folder() {
        let root = Path::new("/proyek");
        for slug in ["..", "."] {
            let memo = Memo::path(root, slug);
            assert_eq!(
                memo.parent(),
                Some(root.join(".laman").join("memo").as_path())
            );
            let name = format!("{slug}.memo");
            assert_eq!(memo.file_name().and_then(|n| n.to_str()), Some(&*name));
            let bodies = Bodies::path(root, slug);
            assert_eq!(bodies.parent(), memo.parent());
            let name = format!("{slug}.bodies");
            assert_eq!(bodies.file_name().and_then(|n| n.to_str()), Some(&*name));
        }
    }

    #[test]
    fn a_body_comes_back_without_its_html_while_its_links_find_the_same_pages() {
        use crate::markdown::{SourceRef, render};
        let policy = HtmlPolicy::default();
        let links = Links::new([("profil.md".to_string(), "/profil/".to_string())], "");
        let text = "# Layanan\n\nLihat [profil](@/profil.md) dan ![Peta](/peta.png).\n";
        let src = SourceRef {
            shown: Path::new("content/layanan.md"),
            text,
            body_offset: 0,
        };
        let body = render(src, &links, &policy);
        let base = body_base(&policy, &links).expect("the binary is known");
        let key = body_key(&base, text, 0);
        let dir = tempfile::tempdir().expect("tmp");
        let path = Bodies::path(dir.path(), "dinkes");
        let broken = render(
            SourceRef {
                text: "[x](@/hilang.md)\n",
                ..src
            },
            &links,
            &policy,
        );
        assert!(!broken.diagnostics.is_empty());
        let both = [
            ("layanan.md", key.as_str(), &body),
            ("rusak.md", key.as_str(), &broken),
        ];
        Bodies::save(&path, both.into_iter()).expect("save");
        // Read through a memo whose build had the same site digest only.
        let memo_path = Memo::path(dir.path(), "dinkes");
        Memo::of([], "situs".into()).save(&memo_path).expect("save");
        let memo = || Memo::load(&memo_path).beside(&path);
        assert!(memo().take_bodies("lain").index().is_empty());
        let take = |rel: &str, key: &str, links: &Links| {
            let bodies = memo().take_bodies("situs");
            let index = bodies.index();
            index.get(rel).and_then(|b| b.body(key, links))
        };
        // A body with a finding is not kept: it is rendered again.
        assert!(take("rusak.md", &key, &links).is_none());
        let got = take("layanan.md", &key, &links).expect("remembered");
        assert_eq!(got.html.text(), "");
        assert!(got.diagnostics.is_empty());
        assert_eq!(
            (&got.plain, &got.headings, &got.images, &got.links),
            (&body.plain, &body.headings, &body.images, &body.links)
        );
        assert_eq!(
            got.looked_up,
            [("@/profil.md".to_string(), Some("/profil/".to_string()))]
        );
        // Another text, another page, or the target moved: rendered again.
        assert!(take("layanan.md", &body_key(&base, "# Lain\n", 0), &links).is_none());
        assert!(take("lain.md", &key, &links).is_none());
        let moved = Links::new([("profil.md".to_string(), "/tentang/".to_string())], "");
        assert!(take("layanan.md", &key, &moved).is_none());
        // The key covers the base path and where the body starts.
        let under = Links::new(
            [("profil.md".to_string(), "/profil/".to_string())],
            "/dinkes",
        );
        assert_ne!(
            body_base(&policy, &under).map(|b| body_key(&b, text, 0)),
            Some(key.clone())
        );
        assert_ne!(body_key(&base, text, 1), key);
        // The same bodies are not written again; others are.
        use std::os::unix::fs::MetadataExt as _;
        let inode = || std::fs::metadata(&path).expect("bodies").ino();
        let before = inode();
        Bodies::save(&path, both.into_iter()).expect("save");
        assert_eq!(inode(), before);
        let other = body_key(&base, "# Lain\n", 0);
        Bodies::save(&path, [("layanan.md", other.as_str(), &body)].into_iter()).expect("save");
        assert_ne!(inode(), before);
        assert!(take("layanan.md", &other, &links).is_some());
    }
}
