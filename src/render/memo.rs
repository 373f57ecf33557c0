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
//! Beside it, in the folder `<slug>.bodies` ([`Bodies`]), each page's body as the
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
//! The memo is Diskominfo's cache, in the folder `.laman/memo/<slug>.memo`
//! (postcard, a compact encoding of serde values), in shards that are
//! written again only when what they hold changed: a shard that is
//! missing, unreadable or of another version is an empty one, and one
//! that cannot be written is not an error (docs/decisions.md).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::markdown::{BodyHtml, Heading, Image, Links, Rendered};
use crate::render::context::SiteCtx;
use crate::rules::html::{HtmlFacts, Shared};
use crate::trust::html::HtmlPolicy;

/// Format of the memo's and the bodies' shards.
const VERSION: u32 = 4;

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

/// Output path → what was rendered there: the folder
/// `.laman/memo/<slug>.memo`, in shards as the bodies are ([`Bodies`]), so
/// that a one-page edit writes again the shards of the outputs that
/// changed, not the 4 MB of every page of a large site, and makes their
/// facts' bytes alone.
#[derive(Debug, Clone, Default)]
pub struct Memo {
    /// Its shards, by number (an empty one where a shard was not read).
    shards: Vec<Shard>,
    /// Its bodies, read with it ([`Memo::beside`]).
    bodies: Bodies,
}

/// One shard of a memo: the outputs whose path falls in it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Shard {
    /// The digest of what every page of the build that wrote it shared in
    /// its key ([`site_key`]).
    site: String,
    /// The strings of its facts.
    strings: Vec<Shared>,
    pages: HashMap<String, Remembered>,
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
/// the folder `.laman/memo/<slug>.bodies`, beside its memo, in shards
/// (files `<count>-<number>`, a body in the shard its content path falls
/// in), so that a one-page edit writes one shard again, not the 10 MB of
/// every body of a large site (#14: on a busy disk, the bytes a rebuild
/// writes are its time). Each body is checked by its key and `@/` targets
/// when it is taken, so a shard is good whichever build wrote it; each
/// starts with a digest of the content paths, keys and `@/` targets of its
/// bodies, and a shard whose bodies are all the same is not written again.
#[derive(Debug, Clone, Default)]
pub struct Bodies(Vec<Vec<u8>>);

/// Outputs or bodies per shard, about.
const PER_SHARD: usize = 256;

/// The most shards of a site.
const MAX_SHARDS: usize = 64;

impl Bodies {
    /// Where the bodies of site `slug` of the project at `root` are kept,
    /// beside its memo.
    pub fn path(root: &Path, slug: &str) -> PathBuf {
        root.join(".laman")
            .join("memo")
            .join(format!("{slug}.bodies"))
    }

    /// Reads the shards of the bodies folder at `path` (none when there is
    /// none).
    pub fn load(path: &Path) -> Bodies {
        Bodies(read_shards(path).into_iter().map(|(_, b)| b).collect())
    }

    /// Content path → body, borrowed from the shards; none from a shard
    /// that does not decode or is of another version.
    pub fn index(&self) -> HashMap<&str, BodyRef<'_>> {
        let mut index = HashMap::new();
        for rest in self.0.iter().filter_map(|b| of_this_version(b)) {
            let all: Vec<(&str, BodyRef<'_>)> = postcard::from_bytes(rest).unwrap_or_default();
            index.extend(all);
        }
        index
    }

    /// Writes `bodies` (content path, body key, body), but those with
    /// findings (they are found again by rendering them again), into the
    /// bodies folder at `path`: each shard through a temporary file and a
    /// rename, encoded straight into the file, and not when the shard there
    /// already has these bodies. Shards of another count, and a bodies file
    /// of an earlier laman, are removed.
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
        write_shards(
            path,
            kept,
            |(rel, _)| rel,
            |kept, h| {
                // A body is a function of its key and what its `@/`
                // targets found.
                for (rel, b) in kept {
                    postcard::to_io(&(rel, b.key, b.looked_up), &mut *h)
                        .map_err(std::io::Error::other)?;
                }
                Ok(())
            },
            |kept, w| postcard::to_io(&kept, w).map(|_| ()),
        )
    }
}

/// The shard of `count` a body of content path `rel` is kept in: FNV-1a of
/// the path (the same in every build and on every machine).
fn shard_of(rel: &str, count: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in rel.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h as usize % count.max(1)
}

/// A shard's count and number from its file name `<count>-<number>`.
fn shard_number(name: &std::ffi::OsStr) -> Option<(usize, usize)> {
    let (count, number) = name.to_str()?.split_once('-')?;
    let (count, number) = (count.parse().ok()?, number.parse().ok()?);
    (number < count && count <= MAX_SHARDS).then_some((count, number))
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

    /// Reads a memo: the shards of this version in the folder at `path`
    /// (of the count most of them have: a build stopped while it wrote its
    /// memo may leave shards of two).
    pub fn load(path: &Path) -> Memo {
        let read: Vec<((usize, usize), Vec<u8>)> = read_shards(path);
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for ((count, _), _) in &read {
            *counts.entry(*count).or_default() += 1;
        }
        let Some((count, _)) = counts.into_iter().max_by_key(|(c, n)| (*n, *c)) else {
            return Memo::default();
        };
        let mut shards = vec![Shard::default(); count];
        for ((c, i), bytes) in read {
            let Some(body) = of_this_version(&bytes).filter(|_| c == count) else {
                continue;
            };
            if let Ok(shard) = postcard::from_bytes::<Shard>(body) {
                shards[i] = shard;
            }
        }
        Memo {
            shards,
            bodies: Bodies::default(),
        }
    }

    /// The memo with its bodies, read from `bodies` ([`Bodies::path`]).
    pub fn beside(self, bodies: &Path) -> Memo {
        Memo {
            bodies: Bodies::load(bodies),
            ..self
        }
    }

    /// Writes the memo of `pages` (each with the facts of its bytes when
    /// the rules read them) of a build with site digest `site` into the
    /// folder at `path`: each shard through a temporary file and a rename,
    /// and not when the shard there has the same outputs (path, key, size,
    /// SHA-256; facts are a function of the bytes). Shards of another
    /// count, a memo file of an earlier laman and its JSON memo before it
    /// are removed.
    pub fn write<'f>(
        path: &Path,
        pages: impl IntoIterator<Item = (String, Remembered, Option<&'f HtmlFacts>)>,
        site: &str,
    ) -> std::io::Result<()> {
        // The memo of earlier builds of laman, in JSON (`<slug>.json`):
        // never read again.
        let _ = std::fs::remove_file(path.with_extension("json"));
        write_shards(
            path,
            pages.into_iter().collect(),
            |(p, _, _)| p,
            |pages, h| {
                postcard::to_io(&site, &mut *h).map_err(std::io::Error::other)?;
                for (p, r, facts) in pages {
                    let given = (p, &r.key, r.size, &r.sha256, facts.is_some());
                    postcard::to_io(&given, &mut *h).map_err(std::io::Error::other)?;
                }
                Ok(())
            },
            |pages, w| postcard::to_io(&Shard::of(pages, site), w).map(|_| ()),
        )
    }

    /// The site digest of the build that wrote it (none when its shards
    /// have two).
    fn site(&self) -> Option<&str> {
        let first = &self.shards.first()?.site;
        self.shards
            .iter()
            .all(|s| s.site == *first || s.pages.is_empty() && s.site.is_empty())
            .then_some(first.as_str())
    }

    /// Takes its bodies, when the build that wrote it had the site digest
    /// `site` (with another, every page is rendered again, and its body
    /// with it: they are freed unread).
    pub fn take_bodies(&mut self, site: &str) -> Bodies {
        let bodies = std::mem::take(&mut self.bodies);
        if self.site() == Some(site) {
            bodies
        } else {
            Bodies::default()
        }
    }

    /// The shard output `path` falls in.
    fn shard(&self, path: &str) -> Option<&Shard> {
        self.shards.get(shard_of(path, self.shards.len()))
    }

    /// What was rendered at `path` from the input with digest `key`.
    pub fn get(&self, path: &str, key: &str) -> Option<&Remembered> {
        self.shard(path)?.pages.get(path).filter(|r| r.key == key)
    }

    /// The facts remembered with `r` at `path`, their strings the memo's
    /// own (none when it has none, or a number outside the table).
    pub fn facts(&self, path: &str, r: &Remembered) -> Option<HtmlFacts> {
        let strings = &self.shard(path)?.strings;
        let numbered: HtmlFacts<u32> = postcard::from_bytes(r.facts.as_deref()?).ok()?;
        let mut whole = true;
        let facts = numbered.map(|&n| {
            usize::try_from(n)
                .ok()
                .and_then(|n| strings.get(n))
                .cloned()
                .unwrap_or_else(|| {
                    whole = false;
                    Shared::from("")
                })
        });
        whole.then_some(facts)
    }

    /// The strings of the remembered facts.
    pub fn strings(&self) -> impl Iterator<Item = &Shared> {
        self.shards.iter().flat_map(|s| &s.strings)
    }

    /// How many pages it remembers.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.pages.len()).sum()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Shard {
    /// The shard of `pages`, each with the facts of its bytes when the
    /// rules read them.
    fn of(pages: Vec<(String, Remembered, Option<&HtmlFacts>)>, site: &str) -> Shard {
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
        Shard {
            site: site.to_string(),
            strings,
            pages,
        }
    }
}

/// Writes `items` into the shard folder at `path`, each in the shard its
/// `path_of` falls in: a shard's file starts with the digest `digest`
/// makes of its items and is written (`encode`, through a temporary file
/// and a rename) only when the file there has another.
fn write_shards<T: Send>(
    path: &Path,
    items: Vec<T>,
    path_of: impl Fn(&T) -> &str,
    digest: impl Fn(&[T], &mut Hashing) -> std::io::Result<()> + Sync,
    encode: impl Fn(Vec<T>, &mut std::io::BufWriter<std::fs::File>) -> postcard::Result<()> + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let count = shard_count(items.len());
    let mut shards: Vec<Vec<T>> = (0..count).map(|_| Vec::new()).collect();
    for item in items {
        let i = shard_of(path_of(&item), count);
        shards[i].push(item);
    }
    make_shard_folder(path, count)?;
    shards
        .into_par_iter()
        .enumerate()
        .try_for_each(|(i, items)| -> std::io::Result<()> {
            let mut h = Hashing(Sha256::new());
            digest(&items, &mut h)?;
            let digest = crate::output::hex(&h.0.finalize()[..16]);
            let file = path.join(format!("{count}-{i}"));
            if shard_digest(&file).as_deref() == Some(&*digest) {
                return Ok(());
            }
            atomic_write(&file, |w| {
                postcard::to_io(&(VERSION, &digest), &mut *w).map_err(std::io::Error::other)?;
                encode(items, w).map_err(std::io::Error::other)
            })
        })
}

/// Shards for `n` outputs or bodies: about [`PER_SHARD`] each, at most
/// [`MAX_SHARDS`] (a site of 10,000 pages has 64 shards, one of 200 pages a
/// single one).
fn shard_count(n: usize) -> usize {
    (n / PER_SHARD).next_power_of_two().clamp(1, MAX_SHARDS)
}

/// The shard files in the folder at `path`, with their count and number.
fn read_shards(path: &Path) -> Vec<((usize, usize), Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(path) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| Some((shard_number(&e.file_name())?, e.path())))
        .filter_map(|(n, p)| Some((n, std::fs::read(p).ok()?)))
        .collect()
}

/// A shard's digest and the bytes after its header, when it is of this
/// version.
fn header(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let ((version, digest), rest) = postcard::take_from_bytes::<(u32, &str)>(bytes).ok()?;
    (version == VERSION).then_some((digest, rest))
}

/// A shard's bytes after its header, when it is of this version.
fn of_this_version(bytes: &[u8]) -> Option<&[u8]> {
    header(bytes).map(|(_, rest)| rest)
}

/// The digest in the header of the shard at `path` (of this version).
fn shard_digest(path: &Path) -> Option<String> {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut head))
        .ok()?;
    header(&head).map(|(digest, _)| digest.to_string())
}

/// Makes the folder at `path` hold shards of `count`: a file of an earlier
/// laman in its place, and shards of another count, are removed.
fn make_shard_folder(path: &Path, count: usize) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir()) {
        std::fs::remove_file(path)?;
    }
    std::fs::create_dir_all(path)?;
    for e in std::fs::read_dir(path)?.filter_map(Result::ok) {
        if shard_number(&e.file_name()).is_some_and(|(n, _)| n != count) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    Ok(())
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

    /// The files of a shard folder, by name, with their inodes.
    fn shard_inodes(path: &Path) -> Vec<(String, u64)> {
        use std::os::unix::fs::MetadataExt as _;
        let mut v: Vec<(String, u64)> = std::fs::read_dir(path)
            .expect("shard folder")
            .map(|e| {
                let e = e.expect("entry");
                let ino = e.metadata().expect("meta").ino();
                (e.file_name().to_string_lossy().into_owned(), ino)
            })
            .collect();
        v.sort();
        v
    }

    /// The shards whose file is another between two `shard_inodes`.
    fn rewritten<'a>(before: &'a [(String, u64)], after: &[(String, u64)]) -> Vec<&'a str> {
        before
            .iter()
            .zip(after)
            .filter(|(b, a)| b != a)
            .map(|(b, _)| b.0.as_str())
            .collect()
    }

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
        // The JSON memo earlier builds left beside it, and the memo file
        // of the laman before the shards, in the folder's place.
        let old = path.with_extension("json");
        std::fs::create_dir_all(old.parent().expect("dir")).expect("mkdir");
        std::fs::write(&old, "{\"version\": 1, \"pages\": {}}").expect("write");
        std::fs::write(&path, b"memo lama").expect("write");
        let r = remembered("k");
        let one = || [("a/index.html".to_string(), r.clone(), None)];
        Memo::write(&path, one(), "situs").expect("save");
        assert!(!old.exists(), "the JSON memo is removed");
        let back = Memo::load(&path);
        assert_eq!(back.get("a/index.html", "k"), Some(&r));
        assert_eq!(back.get("a/index.html", "other"), None);
        assert_eq!(back.get("b/index.html", "k"), None);
        assert_eq!(back.site(), Some("situs"));
        // A shard of another version, or of bytes that do not decode, is
        // an empty one; so is a memo that is not there.
        let shard = path.join("1-0");
        let bytes = std::fs::read(&shard).expect("shard");
        let (_, rest) = postcard::take_from_bytes::<(u32, &str)>(&bytes).expect("header");
        let mut other = postcard::to_stdvec(&(VERSION + 1, "x")).expect("encode");
        other.extend_from_slice(rest);
        std::fs::write(&shard, other).expect("write");
        assert!(Memo::load(&path).is_empty());
        std::fs::write(&shard, "{\"version\": 2, \"pages\": {}}").expect("write");
        assert!(Memo::load(&path).is_empty());
        assert!(Memo::load(&dir.path().join("none.memo")).is_empty());
    }

    #[test]
    fn a_one_page_change_writes_one_memo_shard_again() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = Memo::path(dir.path(), "dinkes");
        let html = r#"<html lang="id"><a href="/">Beranda</a><h2 id="x">X</h2>"#;
        let pool = Pool::default();
        let facts = scan_shared(html, &pool);
        let paths: Vec<String> = (0..600).map(|i| format!("berita/{i}/index.html")).collect();
        let write = |changed: Option<usize>, site: &str| {
            let pages = paths.iter().enumerate().map(|(i, p)| {
                let key = if Some(i) == changed { "baru" } else { "k" };
                (p.clone(), remembered(key), Some(&facts))
            });
            Memo::write(&path, pages, site).expect("save");
        };
        let inodes = || shard_inodes(&path);
        write(None, "situs");
        let before = inodes();
        let names: Vec<&str> = before.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["2-0", "2-1"]);
        write(Some(7), "situs");
        let after = inodes();
        let changed = rewritten(&before, &after);
        let own = format!("2-{}", shard_of(&paths[7], 2));
        assert_eq!(changed, [own.as_str()]);
        let back = Memo::load(&path);
        assert_eq!(back.len(), 600);
        let r = back.get(&paths[7], "baru").expect("the changed page");
        assert_eq!(back.facts(&paths[7], r).as_ref(), Some(&facts));
        let r = back.get(&paths[8], "k").expect("a kept page");
        assert_eq!(back.facts(&paths[8], r).as_ref(), Some(&facts));
        assert_eq!(back.site(), Some("situs"));
        // Another site digest: every shard again.
        write(Some(7), "lain");
        let again = inodes();
        assert!(after.iter().zip(&again).all(|(a, b)| a != b));
        // A build stopped while it wrote: a shard of another count left
        // beside them is not read; the next memo removes it.
        std::fs::copy(path.join("2-0"), path.join("4-1")).expect("copy");
        assert_eq!(Memo::load(&path).len(), 600);
        write(None, "lain");
        let names: Vec<String> = inodes().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["2-0", "2-1"]);
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
        Memo::write(
            &path,
            [
                ("a/index.html".to_string(), remembered("ka"), Some(&a)),
                ("b/index.html".to_string(), remembered("kb"), Some(&b)),
                ("c/index.html".to_string(), remembered("kc"), None),
            ],
            "",
        )
        .expect("save");
        let back = Memo::load(&path);
        let facts = |p: &str, k: &str| back.facts(p, back.get(p, k).expect("remembered"));
        assert_eq!(facts("a/index.html", "ka"), Some(a.clone()));
        assert_eq!(facts("b/index.html", "kb"), Some(b.clone()));
        assert_eq!(facts("c/index.html", "kc"), None);
        // "/", the style, the script and the id once, for both pages.
        let mut strings: Vec<&str> = back.strings().map(|s| &**s).collect();
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
        assert_eq!(back.facts("a/index.html", &r), None);
        r.facts = Some(bytes[..bytes.len() / 2].to_vec());
        assert_eq!(back.facts("a/index.html", &r), None);
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
        Memo::write(&memo_path, [], "situs").expect("save");
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
        // (One body kept: one shard.)
        let inode = || std::fs::metadata(path.join("1-0")).expect("bodies").ino();
        let before = inode();
        Bodies::save(&path, both.into_iter()).expect("save");
        assert_eq!(inode(), before);
        let other = body_key(&base, "# Lain\n", 0);
        Bodies::save(&path, [("layanan.md", other.as_str(), &body)].into_iter()).expect("save");
        assert_ne!(inode(), before);
        assert!(take("layanan.md", &other, &links).is_some());
    }

    #[test]
    fn a_one_body_edit_writes_one_shard_again() {
        use crate::markdown::{SourceRef, render};
        let policy = HtmlPolicy::default();
        let links = Links::new([], "");
        let text = "# Berita\n\nIsi berita.\n";
        let body = render(
            SourceRef {
                shown: Path::new("content/berita.md"),
                text,
                body_offset: 0,
            },
            &links,
            &policy,
        );
        let base = body_base(&policy, &links).expect("the binary is known");
        let key = body_key(&base, text, 0);
        let other = body_key(&base, "# Lain\n", 0);
        let dir = tempfile::tempdir().expect("tmp");
        let path = Bodies::path(dir.path(), "dinkes");
        // A bodies file of an earlier laman is in the way: replaced.
        std::fs::create_dir_all(path.parent().expect("memo folder")).expect("mkdir");
        std::fs::write(&path, b"lama").expect("write");
        let rels: Vec<String> = (0..600).map(|i| format!("berita/{i}.md")).collect();
        let save = |changed: Option<usize>| {
            let bodies = rels.iter().enumerate().map(|(i, rel)| {
                let k = if Some(i) == changed { &other } else { &key };
                (rel.as_str(), k.as_str(), &body)
            });
            Bodies::save(&path, bodies).expect("save");
        };
        save(None);
        let shards = || shard_inodes(&path);
        let before = shards();
        // 600 bodies: two shards, both with bodies.
        let names: Vec<&str> = before.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["2-0", "2-1"]);
        let index_len = |b: &Bodies| b.index().len();
        assert_eq!(index_len(&Bodies::load(&path)), 600);
        // One body edited: its shard alone is written again.
        save(Some(7));
        let after = shards();
        let changed = rewritten(&before, &after);
        assert_eq!(changed, [format!("2-{}", shard_of("berita/7.md", 2))]);
        let loaded = Bodies::load(&path);
        let index = loaded.index();
        assert!(index["berita/7.md"].body(&other, &links).is_some());
        assert!(index["berita/8.md"].body(&key, &links).is_some());
        // Fewer bodies, fewer shards: those of the other count go.
        let few = rels
            .iter()
            .take(10)
            .map(|r| (r.as_str(), key.as_str(), &body));
        Bodies::save(&path, few).expect("save");
        let names: Vec<String> = shards().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["1-0"]);
        assert_eq!(index_len(&Bodies::load(&path)), 10);
    }
}
