//! Writing the build output so that a failed or interrupted build never
//! leaves a half-written tree: everything goes to a staging folder beside
//! the output (`.public.tmp-<pid>`), then one atomic exchange of the two
//! folders (`renameat2(RENAME_EXCHANGE)`; a plain rename when there is no
//! previous output) puts it in place, and the old tree is removed.
//!
//! Every file written is hashed (SHA-256) on the way, for `sites.json`.
//! Sites that fail keep their previous files: those are hard-linked from the
//! old tree into the new one, with their entries from the old `sites.json`.
//!
//! A build is incremental on disk: a file whose bytes are the same as in
//! the previous output (same size and SHA-256 in its `sites.json`, and the
//! old file not touched since that manifest was written) is hard-linked
//! from the old tree into the staging folder instead of written again. The
//! staging folder is still a complete tree of its own and the swap is still
//! one exchange, so a reader never sees a mix of two builds; nothing ever
//! writes into an existing output file (every write creates a new inode in
//! the staging folder), so the files the trees share never change.
//!
//! The tree a commit replaces is not removed: it is kept beside the output
//! as `.<name>.spare/`, and the next build starts its staging folder from
//! it. Its host folders are moved (one rename each) into the new staging
//! folder, so a reader still holding the old tree open finds its files
//! gone, never changed; then only what differs is touched: a file whose
//! bytes are the same as the spare's (by the spare's own `sites.json`, and
//! not modified since) stays where it is, a changed one is unlinked and
//! written as a new inode, and files the new manifest does not list are
//! removed. A one-page rebuild of a large site so costs a few files, not a
//! `mkdir` and a link for every file of the site and the removal of the
//! old tree (docs/decisions.md, "The spare tree").

use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// Name of the manifest at the top of the output.
pub const MANIFEST: &str = "sites.json";

/// One written file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the host folder, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// Whether a host's files in the output were written by this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostStatus {
    /// Built by this run.
    Built,
    /// The previous output, kept: the site failed, or was not selected.
    Kept,
}

/// One host of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostManifest {
    /// `dinkes.cianjurkab.go.id`.
    pub host: String,
    /// Site folder name.
    pub site: String,
    /// `built` (this run) or `kept` (previous output kept because the site failed or was not selected).
    pub status: HostStatus,
    /// Every file.
    pub files: Vec<FileEntry>,
}

/// A registered host that laman does not build (`[[subdomain]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherHost {
    /// FQDN.
    pub host: String,
    /// `layanan`, `aplikasi` …
    pub jenis: String,
}

/// `sites.json`: what a release contains (docs/sites-json.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version (1).
    pub schema: u32,
    /// `20261123T021500Z-1a2b3c4d`: build time and a digest of the content.
    pub release: String,
    /// RFC 3339 build time.
    pub generated: String,
    /// The regency domain.
    pub domain: String,
    /// Generated hosts, sorted.
    pub hosts: Vec<HostManifest>,
    /// Registered hosts that are not generated.
    #[serde(default)]
    pub other_hosts: Vec<OtherHost>,
}

impl Manifest {
    /// Builds the manifest; the release id is `stamp` plus a digest of every file entry.
    pub fn new(
        stamp: &str,
        generated: String,
        domain: String,
        mut hosts: Vec<HostManifest>,
        other_hosts: Vec<OtherHost>,
    ) -> Self {
        hosts.sort_by(|a, b| a.host.cmp(&b.host));
        for h in &mut hosts {
            h.files.sort_by(|a, b| a.path.cmp(&b.path));
        }
        let mut digest = Sha256::new();
        for h in &hosts {
            for f in &h.files {
                // `{host} {path} {sha256}\n`
                for part in [&h.host, " ", &f.path, " ", &f.sha256, "\n"] {
                    digest.update(part.as_bytes());
                }
            }
        }
        let hex = hex(&digest.finalize());
        Manifest {
            schema: 1,
            release: format!("{stamp}-{}", &hex[..8]),
            generated,
            domain,
            hosts,
            other_hosts,
        }
    }
}

/// Reads `<out>/sites.json` if there is a readable one.
pub fn read_manifest(out: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(out.join(MANIFEST)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    // By table, not `write!` byte by byte: every file's digest is written
    // out (#14).
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The parent folder and name of an output folder.
fn split_out(out: &Path) -> Result<(PathBuf, String), Error> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("{} is not a folder name", out.display())))?;
    Ok((parent, name))
}

/// One writer at a time for an output folder: an exclusive `flock` on
/// `<parent>/.<name>.lock` (beside the folder, which `commit` swaps out).
/// A build holds it from its first read to its commit; a publish holds it
/// from its build until its release is made, so a `build --drafts`
/// cannot swap `public/` under a publish that is copying it. A second
/// writer fails at once with [`Error::Busy`]; the kernel drops the lock
/// when its holder dies.
#[derive(Debug)]
pub struct OutLock {
    _file: std::fs::File,
}

impl OutLock {
    /// Takes the lock of `out`, writing `what` (and the pid) for the
    /// next caller to read.
    pub fn acquire(out: &Path, what: &str) -> Result<OutLock, Error> {
        use rustix::fs::{FlockOperation, flock};
        use std::io::{Read as _, Seek as _};
        let (parent, name) = split_out(out)?;
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let path = parent.join(format!(".{name}.lock"));
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(Error::Busy {
                holder: (!holder.is_empty()).then(|| holder.to_string()),
                path,
            });
        }
        // A courtesy line; the flock is the lock (a full disk may refuse it).
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind().map(|_| ()))
            .and_then(|()| write!(file, "laman {what}, pid {}", std::process::id()));
        Ok(OutLock { _file: file })
    }
}

/// The staging folder of one build.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
    /// Check only: nothing is written.
    dry: bool,
    /// With `dry`: hash what would be written (a publish plan compares hashes).
    hash: bool,
    /// The previous output's files by host, for reuse (see the module doc).
    previous: HashMap<String, Arc<Previous>>,
    /// The host folders taken from the spare tree into the staging folder,
    /// with the spare's entries (their `root` is in the staging folder).
    spare: HashMap<String, Arc<Previous>>,
    /// Files written, and files hard-linked from the previous output.
    counts: Arc<Counts>,
}

/// How many files a build wrote and how many it reused.
#[derive(Debug, Default)]
pub struct Counts {
    written: AtomicUsize,
    linked: AtomicUsize,
    kept: AtomicUsize,
    removed: AtomicUsize,
}

impl Counts {
    /// Files of the spare tree left in place: their bytes do not change.
    pub fn kept(&self) -> usize {
        self.kept.load(Ordering::Relaxed)
    }
    /// Files of the spare tree removed: the new output does not have them.
    pub fn removed(&self) -> usize {
        self.removed.load(Ordering::Relaxed)
    }
    /// Files written with new bytes.
    pub fn written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }
    /// Files hard-linked unchanged from the previous output.
    pub fn linked(&self) -> usize {
        self.linked.load(Ordering::Relaxed)
    }
}

/// One host's files in the previous output.
#[derive(Debug)]
struct Previous {
    /// `<out>/<host>`.
    root: PathBuf,
    /// The folder at `root`, open: its files are looked up from it, not
    /// from the file system's root (a one-page rebuild of 10,000 pages
    /// looks up every kept file, and most of that time was spent on the
    /// folders above it; #14).
    dir: Option<rustix::fd::OwnedFd>,
    /// Path → (size, SHA-256) from the previous `sites.json`.
    files: HashMap<String, (u64, String)>,
    /// When the previous `sites.json` was written: an old file modified
    /// after it (by hand) is not trusted to match its entry.
    written: std::time::SystemTime,
    /// Folders below `root` (and `root` itself, `""`, when it is read by
    /// path) found to be real folders, not links ([`Previous::in_real_folders`]).
    real: std::sync::Mutex<HashSet<String>>,
}

impl Previous {
    fn new(
        root: PathBuf,
        files: HashMap<String, (u64, String)>,
        written: std::time::SystemTime,
    ) -> Previous {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
        let dir = rustix::fs::open(&root, flags, Mode::empty()).ok();
        Previous {
            root,
            dir,
            files,
            written,
            real: std::sync::Mutex::default(),
        }
    }

    /// Whether the folders `rel` lies in, from the host folder down, are
    /// real folders and not symbolic links: laman never makes a link, and
    /// one planted in the previous output never leads a lookup out of it
    /// (`holds` looks at the file itself without following it). Each
    /// folder is looked at once, each after the folders above it.
    fn in_real_folders(&self, rel: &str) -> bool {
        use rustix::fs::{AtFlags, FileType};
        // The host folder itself: opened without following, or, read by
        // path, looked at here (`""`).
        let root = self.dir.is_none().then_some(0);
        for end in root
            .into_iter()
            .chain(rel.match_indices('/').map(|(i, _)| i))
        {
            let folder = &rel[..end];
            if self.real.lock().is_ok_and(|r| r.contains(folder)) {
                continue;
            }
            let real = match &self.dir {
                Some(dir) => rustix::fs::statat(dir, folder, AtFlags::SYMLINK_NOFOLLOW)
                    .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory),
                None => {
                    // (`join("")` would add a slash, which follows a link.)
                    let path = match folder {
                        "" => self.root.clone(),
                        f => self.root.join(f),
                    };
                    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
                }
            };
            if !real {
                return false;
            }
            if let Ok(mut r) = self.real.lock() {
                r.insert(folder.to_string());
            }
        }
        true
    }

    /// Whether this host's file `rel` still has the bytes its entry says,
    /// and those are `size` bytes with digest `sha256`: a regular file of
    /// that size, modified before the manifest was written (mtime: linking
    /// and unlinking change a file's ctime, not its mtime). The kernel
    /// stamps files with a coarse clock, so a file changed by hand in the
    /// same tick as the manifest carries the manifest's very time ("racily
    /// clean", as git calls it): such a file is trusted only if `bytes` are
    /// given and it is read and has them, as git does. Only a path of
    /// `files` can hold, and those have passed [`guard`] ([`listed`]), and
    /// only in real folders ([`Previous::in_real_folders`]), so whatever
    /// `rel` a caller passes, nothing outside the host folder is looked
    /// up, read or linked.
    fn holds(&self, rel: &str, size: u64, sha256: &str, bytes: Option<&[u8]>) -> bool {
        use rustix::fs::{AtFlags, FileType};
        if self
            .files
            .get(rel)
            .is_none_or(|(s, h)| *s != size || h != sha256)
        {
            return false;
        }
        if !self.in_real_folders(rel) {
            return false;
        }
        // (Without its folder open, as when a regency of hundreds of sites
        // passes the limit of open files, by its path.)
        let (is_file, len, modified) = match &self.dir {
            Some(dir) => {
                let Ok(st) = rustix::fs::statat(dir, rel, AtFlags::SYMLINK_NOFOLLOW) else {
                    return false;
                };
                let modified = u64::try_from(st.st_mtime).ok().map(|secs| {
                    let nanos = u32::try_from(st.st_mtime_nsec).unwrap_or(0);
                    std::time::UNIX_EPOCH + std::time::Duration::new(secs, nanos)
                });
                let is_file = FileType::from_raw_mode(st.st_mode) == FileType::RegularFile;
                (is_file, u64::try_from(st.st_size).ok(), modified)
            }
            None => {
                let Ok(meta) = std::fs::symlink_metadata(self.root.join(rel)) else {
                    return false;
                };
                (meta.is_file(), Some(meta.len()), meta.modified().ok())
            }
        };
        if !is_file || len != Some(size) {
            return false;
        }
        if modified.is_some_and(|m| m < self.written) {
            return true;
        }
        bytes.is_some_and(|b| std::fs::read(self.root.join(rel)).ok().as_deref() == Some(b))
    }

    /// Links its file `rel` at `to`; `rel` is one that [`Previous::holds`].
    fn link(&self, rel: &str, to: &Path) -> bool {
        match &self.dir {
            Some(dir) => {
                let flags = rustix::fs::AtFlags::empty();
                rustix::fs::linkat(dir, rel, rustix::fs::CWD, to, flags).is_ok()
            }
            None => std::fs::hard_link(self.root.join(rel), to).is_ok(),
        }
    }
}

/// A new file (a new inode) at `path`: `create_new`, never a write through
/// a file the previous tree may share. A file already there (one this
/// build kept for the render memo and then rendered after all) is
/// unlinked first.
fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path).and_then(|()| create())
        }
        other => other,
    }
}

/// Writes through to `out`, counting and hashing what passes (also the
/// backups of `laman publish`).
#[derive(Debug)]
pub struct Hashing<W> {
    out: W,
    size: u64,
    sha: Sha256,
}

impl<W: std::io::Write> Hashing<W> {
    /// Hashes what is written to `out`.
    pub fn new(out: W) -> Self {
        Hashing {
            out,
            size: 0,
            sha: Sha256::new(),
        }
    }

    /// The size and the hex SHA-256 of what was written.
    pub fn finish(&mut self) -> (u64, String) {
        (self.size, hex(&std::mem::take(&mut self.sha).finalize()))
    }

    /// The writer written to.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.sha.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl Staging {
    /// Creates the staging folder beside `out`, removing stale ones left by
    /// builds that were killed.
    pub fn create(out: &Path) -> Result<Staging, Error> {
        let (parent, name) = split_out(out)?;
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        remove_stale(&parent, &name);
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        }
        std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let counts = Arc::<Counts>::default();
        let spare = take_spare(&parent.join(spare_name(&name)), &tmp, &counts);
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            committed: false,
            dry: false,
            hash: true,
            previous: HashMap::new(),
            spare,
            counts,
        })
    }

    /// Lets the writers reuse the files of `previous` (the manifest of
    /// the output this build replaces) whose bytes do not change.
    pub fn reuse(&mut self, previous: Option<&Manifest>) {
        let (Some(m), false) = (previous, self.dry) else {
            return;
        };
        let Ok(written) = std::fs::metadata(self.out.join(MANIFEST)).and_then(|m| m.modified())
        else {
            return;
        };
        self.previous = m
            .hosts
            .iter()
            .map(|h| {
                let files = listed(h.files.iter().cloned());
                let prev = Previous::new(self.out.join(&h.host), files, written);
                (h.host.clone(), Arc::new(prev))
            })
            .collect();
    }

    /// How many files were written and how many reused so far (and, read
    /// after the commit, how many of the spare's were removed).
    pub fn counts(&self) -> Arc<Counts> {
        self.counts.clone()
    }

    /// A staging area that writes nothing (`laman check`): writers only
    /// measure what they would write.
    pub fn dry(out: &Path) -> Staging {
        Staging {
            out: out.to_path_buf(),
            tmp: PathBuf::new(),
            committed: true,
            dry: true,
            hash: false,
            previous: HashMap::new(),
            spare: HashMap::new(),
            counts: Arc::default(),
        }
    }

    /// A staging area that writes nothing but hashes what it would write
    /// (`laman publish --dry-run`: the plan compares hashes with the live
    /// release, and a dry run writes nothing at all).
    pub fn plan(out: &Path) -> Staging {
        let mut staging = Staging::dry(out);
        staging.hash = true;
        staging
    }

    /// Whether the writer of `host` has a tree to keep files from (the
    /// previous output or the spare): without one, nothing is kept, and
    /// the render memo is not worth its keys.
    pub fn can_reuse(&self, host: &str) -> bool {
        self.previous.contains_key(host) || self.spare.contains_key(host)
    }

    /// Writer for one host's folder.
    pub fn host(&self, host: &str) -> HostWriter {
        HostWriter {
            root: self.tmp.join(host),
            dry: self.dry,
            hash: self.hash,
            previous: self.previous.get(host).cloned(),
            spare: self.spare.get(host).cloned(),
            dirs: Arc::default(),
            counts: self.counts.clone(),
        }
    }

    /// Removes what was written for `host` (the site failed).
    pub fn discard(&self, host: &str) -> Result<(), Error> {
        if self.dry {
            return Ok(());
        }
        let dir = self.tmp.join(host);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        Ok(())
    }

    /// Hard-links (or copies) the previous output of `host` into the new
    /// tree. Returns its files, or `None` when there was no previous output.
    pub fn keep_previous(
        &self,
        host: &str,
        previous: Option<&Manifest>,
    ) -> Result<Option<Vec<FileEntry>>, Error> {
        let old = self.out.join(host);
        if !old.is_dir() {
            return Ok(None);
        }
        let known = previous
            .and_then(|m| m.hosts.iter().find(|h| h.host == host))
            .map(|h| h.files.clone());
        if self.dry {
            // Nothing is linked: the previous output's list is what stays.
            return Ok(Some(known.unwrap_or_default()));
        }
        let writer = self.host(host);
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(&old).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::io(&old, std::io::Error::other(e.to_string())))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&old)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let dest = writer.root.join(&rel);
            let listed = known
                .as_ref()
                .and_then(|k| k.iter().find(|f| f.path == rel).cloned());
            // The spare's copy is the previous output's file already.
            if let (Some(spare), Some(f)) = (&writer.spare, &listed)
                && spare.holds(&rel, f.size, &f.sha256, None)
            {
                self.counts.kept.fetch_add(1, Ordering::Relaxed);
                files.push(f.clone());
                continue;
            }
            writer.make_room(&dest)?;
            if std::fs::hard_link(entry.path(), &dest).is_err() {
                std::fs::copy(entry.path(), &dest).map_err(|e| Error::io(&dest, e))?;
            }
            files.push(match listed {
                Some(f) => f,
                None => hash_file(entry.path(), rel)?,
            });
        }
        Ok(Some(files))
    }

    /// Writes the manifest and swaps the staging folder into place.
    pub fn commit(mut self, manifest: &Manifest) -> Result<(), Error> {
        if self.dry {
            return Ok(());
        }
        self.prune_spare(manifest);
        let path = self.tmp.join(MANIFEST);
        // Written as it is serialized: at 10,000 files the JSON is 2 MB,
        // whose buffer (grown to 4 MiB) stood at the end of a build, where
        // its peak is (#14).
        let f = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, f);
        serde_json::to_writer_pretty(&mut w, manifest)
            .map_err(std::io::Error::other)
            .and_then(|()| w.write_all(b"\n"))
            .and_then(|()| w.into_inner().map_err(std::io::IntoInnerError::into_error))
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&path, e))?;
        if self.out.exists() {
            exchange(&self.tmp, &self.out)?;
            // `tmp` now holds the previous tree: the next build's start.
            let (parent, name) = split_out(&self.out)?;
            let spare = parent.join(spare_name(&name));
            if std::fs::symlink_metadata(&spare).is_ok() {
                let _ = std::fs::remove_dir_all(&spare);
            }
            if std::fs::rename(&self.tmp, &spare).is_err() {
                std::fs::remove_dir_all(&self.tmp).map_err(|e| Error::io(&self.tmp, e))?;
            }
        } else {
            std::fs::rename(&self.tmp, &self.out).map_err(|e| Error::io(&self.out, e))?;
        }
        self.committed = true;
        Ok(())
    }

    /// Removes what the spare tree brought that `manifest` does not list:
    /// hosts no longer built or kept, and files no longer written, with
    /// the folders they leave empty.
    fn prune_spare(&self, manifest: &Manifest) {
        for (host, spare) in &self.spare {
            let Some(now) = manifest.hosts.iter().find(|h| &h.host == host) else {
                let _ = std::fs::remove_dir_all(&spare.root);
                continue;
            };
            let listed: HashSet<&str> = now.files.iter().map(|f| f.path.as_str()).collect();
            for rel in spare.files.keys().filter(|r| !listed.contains(r.as_str())) {
                let path = spare.root.join(rel);
                if std::fs::remove_file(&path).is_ok() {
                    self.counts.removed.fetch_add(1, Ordering::Relaxed);
                }
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != spare.root) {
                    if std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
    }
}

/// Path → (size, SHA-256) of a manifest's files, each path one the writer
/// would accept ([`guard`]): a path read from a manifest on disk never
/// leads a removal or a link outside the host's folder.
fn listed(files: impl IntoIterator<Item = FileEntry>) -> HashMap<String, (u64, String)> {
    files
        .into_iter()
        .filter(|f| guard(&f.path).is_ok())
        .map(|f| (f.path, (f.size, f.sha256)))
        .collect()
}

/// `.<name>.spare`: the tree the last commit replaced.
fn spare_name(name: &str) -> String {
    format!(".{name}.spare")
}

/// Moves the host folders of the spare tree at `spare` into the staging
/// folder `tmp` and returns their entries from the spare's `sites.json`;
/// anything the spare holds that its manifest does not list (a file added
/// by hand, a link, a host it does not name) is removed, so the staging
/// folder holds only files laman wrote. A spare without a readable
/// manifest is removed and the build starts from an empty folder.
fn take_spare(spare: &Path, tmp: &Path, counts: &Counts) -> HashMap<String, Arc<Previous>> {
    let mut taken = HashMap::new();
    let Ok(meta) = std::fs::symlink_metadata(spare) else {
        return taken;
    };
    if !meta.is_dir() {
        let _ = std::fs::remove_file(spare);
        return taken;
    }
    let written = std::fs::symlink_metadata(spare.join(MANIFEST)).and_then(|m| m.modified());
    if let (Some(manifest), Ok(written)) = (read_manifest(spare), written) {
        for h in manifest.hosts {
            // The manifest is laman's own, but nothing read from disk is
            // trusted to name a folder outside the tree.
            if !is_host_folder(&h.host) {
                continue;
            }
            let from = spare.join(&h.host);
            let root = tmp.join(&h.host);
            let is_dir = std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_dir());
            if !is_dir || std::fs::rename(&from, &root).is_err() {
                continue;
            }
            let files = listed(h.files);
            counts
                .removed
                .fetch_add(remove_unlisted(&root, &files, written), Ordering::Relaxed);
            let prev = Previous::new(root, files, written);
            taken.insert(h.host, Arc::new(prev));
        }
    }
    let _ = std::fs::remove_dir_all(spare);
    taken
}

/// Whether `name` can be a host's folder: a host name (letters, digits,
/// `-` and `.`), not `.`, `..` or any name starting with a dot.
fn is_host_folder(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Removes from a host folder every entry that is neither a folder on the
/// way to a file listed in `files` nor such a file (a regular one); returns
/// how many. A folder whose mtime is before `written` (when the spare's
/// manifest was written) has had no entry added, removed or renamed since
/// laman made it, so only the folders changed since are read: a rebuild
/// does not read the 10,000 folders of a 10,000-page site (nor, on ext4,
/// write their access times).
fn remove_unlisted(
    root: &Path,
    files: &HashMap<String, (u64, String)>,
    written: std::time::SystemTime,
) -> usize {
    let mut dirs: HashSet<&str> = HashSet::from([""]);
    for rel in files.keys() {
        let mut at = rel.as_str();
        while let Some(i) = at.rfind('/') {
            at = &at[..i];
            if !dirs.insert(at) {
                break;
            }
        }
    }
    // One `stat` per folder, on every thread (10,000 of them, before any
    // site is built).
    dirs.par_iter()
        .map(|dir| {
            let path = root.join(dir);
            let unchanged = std::fs::symlink_metadata(&path)
                .is_ok_and(|m| m.is_dir() && m.modified().is_ok_and(|t| t < written));
            if unchanged {
                return 0;
            }
            let Ok(entries) = std::fs::read_dir(&path) else {
                return 0;
            };
            let mut removed = 0;
            for e in entries.filter_map(Result::ok) {
                let name = e.file_name();
                let rel = name.to_str().map(|n| match *dir {
                    "" => n.to_string(),
                    d => format!("{d}/{n}"),
                });
                let kind = e.file_type().ok();
                let listed = match (&rel, kind) {
                    (Some(r), Some(k)) if k.is_dir() => dirs.contains(r.as_str()),
                    (Some(r), Some(k)) if k.is_file() => files.contains_key(r.as_str()),
                    _ => false,
                };
                if listed {
                    continue;
                }
                let gone = match kind {
                    Some(k) if k.is_dir() => std::fs::remove_dir_all(e.path()),
                    _ => std::fs::remove_file(e.path()),
                };
                removed += usize::from(gone.is_ok());
            }
            removed
        })
        .sum()
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

fn exchange(a: &Path, b: &Path) -> Result<(), Error> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // Filesystems without RENAME_EXCHANGE: two renames; `b` is missing
        // only between them.
        Err(_) => {
            let aside = b.with_extension("old-laman");
            std::fs::rename(b, &aside).map_err(|e| Error::io(b, e))?;
            std::fs::rename(a, b).map_err(|e| Error::io(b, e))?;
            std::fs::rename(&aside, a).map_err(|e| Error::io(a, e))
        }
    }
}

fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let file_name = e.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let Some(pid) = n.strip_prefix(&prefix) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid).exists();
        if !alive {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes the files of one host.
#[derive(Debug, Clone)]
pub struct HostWriter {
    root: PathBuf,
    dry: bool,
    hash: bool,
    /// The host's previous output, whose unchanged files are linked.
    previous: Option<Arc<Previous>>,
    /// The host's folder as the spare tree left it (already at `root`).
    spare: Option<Arc<Previous>>,
    /// Folders made so far (one `mkdir` per folder, not per file).
    dirs: Arc<Mutex<HashSet<PathBuf>>>,
    counts: Arc<Counts>,
}

impl HostWriter {
    fn ensure_parent(&self, path: &Path) -> Result<(), Error> {
        let Some(dir) = path.parent() else {
            return Ok(());
        };
        let lock = || self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        if lock().contains(dir) {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        lock().insert(dir.to_path_buf());
        Ok(())
    }

    /// Makes `path` free for a new file: removes what the spare tree has
    /// there (a file of other bytes, or a folder), and a spare file where
    /// one of its folders must go; then makes its folder.
    fn make_room(&self, path: &Path) -> Result<(), Error> {
        if self.spare.is_some() {
            clear(path).map_err(|e| Error::io(path, e))?;
        }
        if self.ensure_parent(path).is_ok() || self.spare.is_none() {
            return self.ensure_parent(path);
        }
        let mut at = self.root.clone();
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        for part in rel.parent().into_iter().flat_map(Path::components) {
            at.push(part);
            if std::fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(&at).map_err(|e| Error::io(&at, e))?;
            }
        }
        self.ensure_parent(path)
    }

    /// Hard-links the previous output's `rel` to `path` when it holds
    /// `size` bytes of digest `sha256` ([`Previous::holds`], which reads
    /// `bytes`, when given, for a racily clean file): whether it did.
    fn link_unchanged(
        &self,
        rel: &str,
        path: &Path,
        size: u64,
        sha256: &str,
        bytes: Option<&[u8]>,
    ) -> bool {
        let Some(prev) = &self.previous else {
            return false;
        };
        prev.holds(rel, size, sha256, bytes) && prev.link(rel, path)
    }

    /// Writes `bytes` at `rel` and returns its entry. `rel` must be a
    /// relative path inside the host's folder (docs/security.md): this is
    /// the one place that opens output files, so a future bug in path
    /// building cannot write elsewhere.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<FileEntry, Error> {
        guard(rel)?;
        if self.dry {
            return Ok(FileEntry {
                path: rel.to_string(),
                size: bytes.len() as u64,
                sha256: if self.hash {
                    hex(&Sha256::digest(bytes))
                } else {
                    String::new()
                },
            });
        }
        let path = self.root.join(rel);
        let entry = FileEntry {
            path: rel.to_string(),
            size: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        };
        if self.already_there(rel, &path, entry.size, &entry.sha256, Some(bytes))? {
            return Ok(entry);
        }
        create_new(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| Error::io(&path, e))?;
        self.counts.written.fetch_add(1, Ordering::Relaxed);
        Ok(entry)
    }

    /// Whether the file `rel` (at `path`) of `size` bytes and digest
    /// `sha256` is there already: kept where the spare tree has it, or
    /// linked from the previous output (each counted). When not, its
    /// place is made free for a new file. `bytes`, when known, confirm a
    /// file changed since its manifest.
    fn already_there(
        &self,
        rel: &str,
        path: &Path,
        size: u64,
        sha256: &str,
        bytes: Option<&[u8]>,
    ) -> Result<bool, Error> {
        if let Some(spare) = &self.spare
            && spare.holds(rel, size, sha256, bytes)
        {
            self.counts.kept.fetch_add(1, Ordering::Relaxed);
            return Ok(true);
        }
        self.make_room(path)?;
        if self.link_unchanged(rel, path, size, sha256, bytes) {
            self.counts.linked.fetch_add(1, Ordering::Relaxed);
            return Ok(true);
        }
        Ok(false)
    }

    /// [`HostWriter::write`] of the bytes `produce` writes, without holding
    /// them: it is called once to hash them, and, unless the spare or the
    /// previous tree already has them at `rel`, once more to write them
    /// into the file (the search index of a large site: 10 MB of JSON not
    /// held at the build's peak, #14). The two calls must write the same
    /// bytes: when they do not, nothing is kept of the second and the
    /// result is an error. When neither tree has a file at `rel` (a first
    /// build), there is nothing to compare with: it is called once, into
    /// the file (a 1 × 10,000 build 4 % shorter).
    pub fn write_stream(
        &self,
        rel: &str,
        produce: &dyn Fn(&mut (dyn std::io::Write + Send)) -> std::io::Result<()>,
    ) -> Result<FileEntry, Error> {
        guard(rel)?;
        let path = self.root.join(rel);
        // Neither tree has a file at `rel` to keep or link (a first
        // build): the bytes go into the file once, hashed on the way.
        let held =
            |t: &Option<Arc<Previous>>| t.as_ref().is_some_and(|t| t.files.contains_key(rel));
        if !self.dry && !held(&self.spare) && !held(&self.previous) {
            self.make_room(&path)?;
            let (size, sha256) = self.stream_into(&path, produce, None)?;
            return Ok(FileEntry {
                path: rel.to_string(),
                size,
                sha256,
            });
        }
        let mut first = Hashing::new(std::io::sink());
        produce(&mut first).map_err(|e| Error::io(&path, e))?;
        let (size, sha256) = first.finish();
        let entry = FileEntry {
            path: rel.to_string(),
            size,
            sha256: if self.dry && !self.hash {
                String::new()
            } else {
                sha256.clone()
            },
        };
        if self.dry || self.already_there(rel, &path, size, &sha256, None)? {
            return Ok(entry);
        }
        self.stream_into(&path, produce, Some((size, &sha256)))?;
        Ok(entry)
    }

    /// Makes the new file `path` of the bytes `produce` writes, hashed on
    /// the way: their size and SHA-256, which must be `expected` when
    /// given. On any failure no file is left.
    fn stream_into(
        &self,
        path: &Path,
        produce: &dyn Fn(&mut (dyn std::io::Write + Send)) -> std::io::Result<()>,
        expected: Option<(u64, &str)>,
    ) -> Result<(u64, String), Error> {
        let file = create_new(path).map_err(|e| Error::io(path, e))?;
        let mut out = Hashing::new(std::io::BufWriter::with_capacity(64 * 1024, file));
        let made = produce(&mut out)
            .and_then(|()| out.out.flush())
            .and_then(|()| {
                let got = out.finish();
                match expected {
                    Some((size, sha256)) if (size, sha256) != (got.0, got.1.as_str()) => Err(
                        std::io::Error::other("the bytes changed between two writes"),
                    ),
                    _ => Ok(got),
                }
            });
        match made {
            Ok(got) => {
                self.counts.written.fetch_add(1, Ordering::Relaxed);
                Ok(got)
            }
            Err(e) => {
                let _ = std::fs::remove_file(path);
                Err(Error::io(path, e))
            }
        }
    }

    /// Puts at `rel` the file the output already has with `size` bytes of
    /// digest `sha256` (the render memo's page: `render::memo`): the spare
    /// tree's file where it is, or the previous output's, linked. Returns
    /// its entry, and its bytes when `read`; `None` when neither tree has
    /// those bytes there (as their manifests and the files' times say), so
    /// the caller renders the page.
    pub fn reuse(
        &self,
        rel: &str,
        size: u64,
        sha256: &str,
        read: bool,
    ) -> Option<(FileEntry, Option<Vec<u8>>)> {
        if self.dry || guard(rel).is_err() {
            return None;
        }
        let path = self.root.join(rel);
        let held = self
            .spare
            .as_ref()
            .is_some_and(|s| s.holds(rel, size, sha256, None));
        if held {
            self.counts.kept.fetch_add(1, Ordering::Relaxed);
        } else {
            self.make_room(&path).ok()?;
            if !self.link_unchanged(rel, &path, size, sha256, None) {
                return None;
            }
            self.counts.linked.fetch_add(1, Ordering::Relaxed);
        }
        let entry = FileEntry {
            path: rel.to_string(),
            size,
            sha256: sha256.to_string(),
        };
        if !read {
            return Some((entry, None));
        }
        // The bytes are those of the entry (the file's time says it was not
        // changed since its manifest); a file that cannot be read now is
        // rendered and written again.
        match std::fs::read(&path) {
            Ok(bytes) if bytes.len() as u64 == size => Some((entry, Some(bytes))),
            _ => {
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Copies `src` to `rel` and returns its entry (`rel` as for `write`).
    pub fn copy(&self, rel: &str, src: &Path) -> Result<FileEntry, Error> {
        guard(rel)?;
        if self.dry && self.hash {
            return hash_file(src, rel.to_string());
        }
        if self.dry {
            let size = std::fs::metadata(src).map_err(|e| Error::io(src, e))?.len();
            return Ok(FileEntry {
                path: rel.to_string(),
                size,
                sha256: String::new(),
            });
        }
        let bytes = std::fs::read(src).map_err(|e| Error::io(src, e))?;
        self.write(rel, &bytes)
    }
}

/// Removes the file or folder at `path`, if there is one.
fn clear(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        // A folder on the way is a file: `make_room` deals with it.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(()),
        Err(e) => Err(e),
    }
}

/// The writer's own check of an output path: relative, no `..`, no
/// backslash or control character (the generated `_headers` and
/// `_redirects` start with `_`, which the check allows).
fn guard(rel: &str) -> Result<(), Error> {
    crate::trust::paths::check_contained(rel).map_err(|problem| Error::UnsafeOutput {
        path: rel.to_string(),
        problem,
    })
}

fn hash_file(path: &Path, rel: String) -> Result<FileEntry, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(FileEntry {
        path: rel,
        size: bytes.len() as u64,
        sha256: hex(&Sha256::digest(&bytes)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_previous_output_atomically() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("old.host")).expect("mkdir");
        std::fs::write(out.join("old.host/index.html"), "lama").expect("write");

        let st = Staging::create(&out).expect("staging");
        let e = st
            .host("a.host")
            .write("index.html", b"baru")
            .expect("write");
        assert_eq!(e.size, 4);
        let m = Manifest::new(
            "20260101T000000Z",
            "x".into(),
            "d".into(),
            vec![HostManifest {
                host: "a.host".into(),
                site: "a".into(),
                status: HostStatus::Built,
                files: vec![e],
            }],
            vec![],
        );
        st.commit(&m).expect("commit");
        assert_eq!(
            std::fs::read_to_string(out.join("a.host/index.html")).expect("read"),
            "baru"
        );
        assert!(!out.join("old.host").exists());
        let back = read_manifest(&out).expect("manifest");
        assert_eq!(back, m);
        // The replaced tree is kept beside it, as the next build's start.
        let mut leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        leftovers.sort();
        assert_eq!(leftovers, [".public.spare", "public"]);
        assert!(
            dir.path()
                .join(".public.spare/old.host/index.html")
                .is_file()
        );
    }

    #[test]
    fn dropped_staging_leaves_previous_output_untouched() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).expect("mkdir");
        std::fs::write(out.join("keep.txt"), "ada").expect("write");
        {
            let st = Staging::create(&out).expect("staging");
            st.host("h").write("a.html", b"x").expect("write");
        }
        assert_eq!(
            std::fs::read_to_string(out.join("keep.txt")).expect("read"),
            "ada"
        );
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn a_release_is_named_by_the_digest_of_its_files_lines() {
        // `{host} {path} {sha256}` a line, hosts and files sorted: the same
        // files make the same name, as in every release before.
        let file = |path: &str, sha256: &str| FileEntry {
            path: path.into(),
            size: 1,
            sha256: sha256.into(),
        };
        let m = manifest(vec![
            one_host("b.host", vec![file("z.html", "02"), file("a.html", "01")]),
            one_host("a.host", vec![file("index.html", "ff")]),
        ]);
        let lines = "a.host index.html ff\nb.host a.html 01\nb.host z.html 02\n";
        let want = hex(&Sha256::digest(lines.as_bytes()));
        assert_eq!(m.release, format!("20260101T000000Z-{}", &want[..8]));
    }

    #[test]
    fn known_sha256() {
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn one_host(host: &str, files: Vec<FileEntry>) -> HostManifest {
        HostManifest {
            host: host.into(),
            site: host.into(),
            status: HostStatus::Built,
            files,
        }
    }

    fn manifest(hosts: Vec<HostManifest>) -> Manifest {
        Manifest::new("20260101T000000Z", "x".into(), "d".into(), hosts, vec![])
    }

    /// Sets the time a file was last modified.
    fn touch(path: &Path, when: std::time::SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(when))
            .expect("set mtime");
    }

    #[test]
    fn the_staging_folder_is_made_beside_the_output() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let _st = Staging::create(&out).expect("staging");
        let tmp = dir
            .path()
            .join(format!(".public.tmp-{}", std::process::id()));
        assert!(tmp.is_dir(), "no staging folder at {}", tmp.display());
        // A bare folder name has the current folder as its parent.
        assert_eq!(
            split_out(Path::new("public")).expect("split"),
            (PathBuf::from("."), "public".to_string())
        );
    }

    #[test]
    fn staging_folders_of_dead_builds_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        // No process has this pid (above the kernel's pid_max); pid 1 always runs.
        let dead = dir.path().join(".public.tmp-99999999");
        let live = dir.path().join(".public.tmp-1");
        std::fs::create_dir_all(&dead).expect("mkdir");
        std::fs::create_dir_all(&live).expect("mkdir");
        let _st = Staging::create(&out).expect("staging");
        assert!(!dead.exists(), "a dead build's staging folder stayed");
        assert!(live.exists(), "a live build's staging folder was removed");
    }

    #[test]
    fn a_second_writer_is_refused_and_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let _held = OutLock::acquire(&out, "build").expect("first lock");
        match OutLock::acquire(&out, "publish") {
            Err(Error::Busy { holder, path }) => {
                let holder = holder.expect("the holder's line");
                assert!(holder.starts_with("laman build, pid "), "{holder}");
                assert_eq!(path, dir.path().join(".public.lock"));
            }
            other => panic!("expected Busy, got {other:?}"),
        }
    }

    #[test]
    fn the_writer_refuses_a_path_that_leaves_the_host_folder() {
        let dir = tempfile::tempdir().expect("tmp");
        let st = Staging::create(&dir.path().join("public")).expect("staging");
        let w = st.host("a.host");
        for bad in ["../escape.html", "/etc/x", "a/../../x", "a\\b"] {
            assert!(
                matches!(w.write(bad, b"x"), Err(Error::UnsafeOutput { .. })),
                "{bad}"
            );
            assert!(
                matches!(
                    w.copy(bad, Path::new("/dev/null")),
                    Err(Error::UnsafeOutput { .. })
                ),
                "{bad}"
            );
        }
        assert!(!dir.path().join("escape.html").exists());
    }

    /// Only the spare's own files are removed to make room: in a staging
    /// folder made from nothing, a file where a folder must go is an error
    /// (two outputs of one build clash), and the file stays.
    #[test]
    fn without_a_spare_a_file_in_the_way_of_a_folder_is_an_error_not_removed() {
        let dir = tempfile::tempdir().expect("tmp");
        let st = Staging::create(&dir.path().join("public")).expect("staging");
        let w = st.host("a.host");
        w.write("berita", b"file").expect("write");
        assert!(w.write("berita/index.html", b"page").is_err());
        let file = w.root.join("berita");
        assert_eq!(std::fs::read(&file).expect("still a file"), b"file");
    }

    #[test]
    fn a_discarded_host_leaves_nothing_in_the_new_output() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let st = Staging::create(&out).expect("staging");
        st.host("gagal.host")
            .write("index.html", b"x")
            .expect("write");
        let ok = st.host("ok.host").write("index.html", b"y").expect("write");
        st.discard("gagal.host").expect("discard");
        st.commit(&manifest(vec![one_host("ok.host", vec![ok])]))
            .expect("commit");
        assert!(!out.join("gagal.host").exists());
        assert!(out.join("ok.host/index.html").is_file());
    }

    #[test]
    fn copy_writes_the_file_and_a_dry_copy_only_measures_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let src = dir.path().join("sk.pdf");
        std::fs::write(&src, b"%PDF-1.7").expect("write");
        let out = dir.path().join("public");
        let st = Staging::create(&out).expect("staging");
        let e = st
            .host("a.host")
            .copy("dokumen/sk.pdf", &src)
            .expect("copy");
        assert_eq!(e.sha256, hex(&Sha256::digest(b"%PDF-1.7")));
        st.commit(&manifest(vec![one_host("a.host", vec![e])]))
            .expect("commit");
        assert_eq!(
            std::fs::read(out.join("a.host/dokumen/sk.pdf")).expect("read"),
            b"%PDF-1.7"
        );
        // `laman check`: size only, no hash, nothing written.
        let dry = Staging::dry(&dir.path().join("lain"));
        let e = dry.host("a.host").copy("sk.pdf", &src).expect("copy");
        assert_eq!((e.size, e.sha256.as_str()), (8, ""));
        // `publish --dry-run`: hashed, nothing written.
        let plan = Staging::plan(&dir.path().join("lain"));
        let e = plan.host("a.host").copy("sk.pdf", &src).expect("copy");
        assert_eq!(e.sha256, hex(&Sha256::digest(b"%PDF-1.7")));
        assert!(!dir.path().join("lain").exists());
    }

    #[test]
    fn a_kept_host_carries_its_own_entries_into_the_new_output() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let mut files = Vec::new();
        for (rel, bytes) in [("index.html", "a"), ("css/gaya.css", "b")] {
            let p = out.join("a.host").join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, bytes).expect("write");
            files.push(FileEntry {
                path: rel.into(),
                size: 1,
                sha256: format!("sha-of-{rel}"),
            });
        }
        std::fs::create_dir_all(out.join("b.host")).expect("mkdir");
        let previous = manifest(vec![
            one_host("a.host", files),
            // Another host with a file of the same name: not a.host's entry.
            one_host(
                "b.host",
                vec![FileEntry {
                    path: "index.html".into(),
                    size: 9,
                    sha256: "sha-of-b".into(),
                }],
            ),
        ]);
        let st = Staging::create(&out).expect("staging");
        assert_eq!(
            st.keep_previous("baru.host", Some(&previous))
                .expect("keep"),
            None
        );
        let kept = st
            .keep_previous("a.host", Some(&previous))
            .expect("keep")
            .expect("a.host had output");
        assert_eq!(
            kept.iter()
                .map(|f| (f.path.as_str(), f.sha256.as_str()))
                .collect::<Vec<_>>(),
            vec![
                ("css/gaya.css", "sha-of-css/gaya.css"),
                ("index.html", "sha-of-index.html")
            ]
        );
        st.commit(&manifest(vec![one_host("a.host", kept)]))
            .expect("commit");
        assert_eq!(
            std::fs::read_to_string(out.join("a.host/css/gaya.css")).expect("read"),
            "b"
        );
    }

    /// Builds `files` into `out` reusing the previous output; returns
    /// (written, linked).
    fn rebuild(out: &Path, files: &[(&str, &str)]) -> (usize, usize) {
        let previous = read_manifest(out);
        let mut st = Staging::create(out).expect("staging");
        st.reuse(previous.as_ref());
        let w = st.host("a.host");
        let entries = files
            .iter()
            .map(|(rel, bytes)| w.write(rel, bytes.as_bytes()).expect("write"))
            .collect();
        let counts = (st.counts().written(), st.counts().linked());
        st.commit(&manifest(vec![one_host("a.host", entries)]))
            .expect("commit");
        counts
    }

    #[test]
    fn the_spare_tree_is_changed_only_where_the_new_build_differs() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let spare = dir.path().join(".public.spare");
        let host = |root: &Path, rel: &str| root.join("a.host").join(rel);
        let inode = |p: PathBuf| std::fs::metadata(p).expect("meta").ino();
        let first = [
            ("a.html", "1"),
            ("f", "a file first"),
            ("lama/x.html", "l"),
            ("keep.html", "k"),
            ("juga.html", "j"),
            ("gone.html", "g"),
            ("dir/x.html", "x"),
            ("c/index.html", "c"),
        ];
        let second = [
            ("a.html", "2"),
            ("f", "a file first"),
            ("lama/x.html", "l"),
            ("keep.html", "k"),
            ("juga.html", "j"),
            ("gone.html", "g"),
            ("dir/x.html", "x"),
            ("c/index.html", "c"),
        ];
        let ticks = |root: &Path| {
            let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
            for (rel, _) in first {
                if let Ok(f) = std::fs::File::options().write(true).open(host(root, rel)) {
                    let _ = f.set_modified(old);
                }
            }
        };
        rebuild(&out, &first);
        ticks(&out);
        // A reader holding the first tree open, as a server does.
        let pinned = std::fs::File::open(&out).expect("open the first tree");
        let keep_inode = inode(host(&out, "keep.html"));
        assert_eq!(rebuild(&out, &second), (1, 7));
        ticks(&out);
        // The first tree is the spare now; something was added to it by
        // hand, and a link that leads out of it.
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).expect("mkdir");
        std::fs::write(outside.join("secret"), "rahasia").expect("write");
        std::fs::write(host(&spare, "extra.html"), "tambahan").expect("write");
        std::fs::write(host(&spare, "dir/extra.html"), "tambahan").expect("write");
        std::fs::create_dir_all(host(&spare, "baru/lagi")).expect("mkdir");
        std::fs::write(host(&spare, "baru/lagi/x.html"), "tambahan").expect("write");
        std::os::unix::fs::symlink(&outside, host(&spare, "evil")).expect("symlink");

        let previous = read_manifest(&out);
        let mut st = Staging::create(&out).expect("staging");
        st.reuse(previous.as_ref());
        // The spare's hosts moved into the staging folder: the pinned
        // reader finds the first tree's files gone, not changed.
        let gone = rustix::fs::openat(
            &pinned,
            "a.host/keep.html",
            rustix::fs::OFlags::RDONLY,
            rustix::fs::Mode::empty(),
        );
        assert!(gone.is_err(), "the pinned tree still has its files");
        let w = st.host("a.host");
        let entries = [
            ("a.html", "3"),
            ("f/index.html", "then a folder"),
            ("keep.html", "k"),
            ("juga.html", "j"),
            ("dir/x.html", "y"),
            ("c", "now a file"),
            ("evil/secret", "ditimpa"),
        ]
        .iter()
        .map(|(rel, bytes)| w.write(rel, bytes.as_bytes()).expect("write"))
        .collect();
        let counts = st.counts();
        st.commit(&manifest(vec![one_host("a.host", entries)]))
            .expect("commit");
        // keep.html and juga.html stayed where they were; a.html, dir/x.html, c and
        // evil/secret were written; extra.html and the link were removed
        // on taking the spare, gone.html at the commit.
        assert_eq!(
            [
                counts.written(),
                counts.linked(),
                counts.kept(),
                counts.removed()
            ],
            [5, 0, 2, 6],
            "(written, linked, kept, removed)"
        );
        assert_eq!(inode(host(&out, "keep.html")), keep_inode);
        for (rel, bytes) in [
            ("a.html", "3"),
            ("f/index.html", "then a folder"),
            ("keep.html", "k"),
            ("dir/x.html", "y"),
            ("c", "now a file"),
            ("evil/secret", "ditimpa"),
        ] {
            assert_eq!(
                std::fs::read_to_string(host(&out, rel)).expect("read"),
                bytes
            );
        }
        // lama/ is left empty by its one file, and goes with it.
        for rel in ["gone.html", "extra.html", "dir/extra.html", "baru", "lama"] {
            assert!(!host(&out, rel).exists(), "{rel} stayed");
        }
        assert!(
            std::fs::symlink_metadata(host(&out, "evil"))
                .expect("evil")
                .is_dir()
        );
        // Nothing was written through a link: the second tree (the spare
        // now) and the folder the link led to are as they were.
        assert_eq!(
            std::fs::read_to_string(host(&spare, "dir/x.html")).expect("read"),
            "x"
        );
        assert_eq!(
            std::fs::read_to_string(host(&spare, "a.html")).expect("read"),
            "2"
        );
        assert_eq!(
            std::fs::read_to_string(outside.join("secret")).expect("read"),
            "rahasia"
        );
    }

    #[test]
    fn only_the_spare_folders_changed_since_its_manifest_are_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("a.host");
        for rel in ["a/index.html", "b/index.html", "c/index.html"] {
            std::fs::create_dir_all(root.join(rel).parent().expect("parent")).expect("mkdir");
            std::fs::write(root.join(rel), "x").expect("write");
        }
        let files: HashMap<String, (u64, String)> =
            ["a/index.html", "b/index.html", "c/index.html"]
                .iter()
                .map(|r| (r.to_string(), (1, String::new())))
                .collect();
        std::fs::write(root.join("a/tambahan.html"), "x").expect("write");
        std::fs::write(root.join("b/tambahan.html"), "x").expect("write");
        std::fs::write(root.join("c/tambahan.html"), "x").expect("write");
        // A listed name that is a link now, not the file laman wrote.
        std::fs::remove_file(root.join("c/index.html")).expect("rm");
        std::os::unix::fs::symlink("../a/index.html", root.join("c/index.html")).expect("symlink");
        let written = std::time::SystemTime::now();
        let hour = std::time::Duration::from_secs(3600);
        // `a` (and the host folder) as laman left them before the manifest;
        // `b` changed after it, `c` in its very clock tick (not trusted).
        for (d, t) in [
            ("", written - hour),
            ("a", written - hour),
            ("b", written + hour),
            ("c", written),
        ] {
            std::fs::File::open(root.join(d))
                .and_then(|f| f.set_modified(t))
                .expect("set folder time");
        }
        assert_eq!(remove_unlisted(&root, &files, written), 3);
        assert!(!root.join("b/tambahan.html").exists());
        assert!(!root.join("c/tambahan.html").exists());
        assert!(std::fs::symlink_metadata(root.join("c/index.html")).is_err());
        assert!(root.join("b/index.html").exists());
        // Not read: its time says nothing was added to it.
        assert!(root.join("a/tambahan.html").exists());
    }

    #[test]
    fn a_host_can_reuse_files_only_with_a_previous_output_or_a_spare() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let fresh = Staging::create(&out).expect("staging");
        assert!(!fresh.can_reuse("a.host"));
        drop(fresh);
        rebuild(&out, &[("a.html", "1")]);
        // The previous output has a.host; the spare is made by the next commit.
        let mut st = Staging::create(&out).expect("staging");
        st.reuse(read_manifest(&out).as_ref());
        assert!(st.can_reuse("a.host"));
        assert!(!st.can_reuse("b.host"));
        drop(st);
        rebuild(&out, &[("a.html", "2")]);
        // Only the spare: its hosts.
        let st = Staging::create(&out).expect("staging");
        assert!(st.can_reuse("a.host"));
        assert!(!st.can_reuse("b.host"));
    }

    #[test]
    fn a_forged_spare_manifest_cannot_name_a_folder_outside_the_tree() {
        for (name, ok) in [
            ("dinkes.cianjurkab.go.id", true),
            ("a-b.go.id", true),
            ("", false),
            (".", false),
            ("..", false),
            (".hidden", false),
            ("../luar", false),
            ("a/b", false),
            ("a\\b", false),
            ("a b", false),
        ] {
            assert_eq!(is_host_folder(name), ok, "{name:?}");
        }
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        rebuild(&out, &[("a.html", "1")]);
        rebuild(&out, &[("a.html", "2")]);
        // The spare's manifest edited to name the staging folder itself and
        // a folder beside the output as hosts.
        let spare = dir.path().join(".public.spare");
        let luar = dir.path().join("luar");
        std::fs::create_dir(&luar).expect("mkdir");
        std::fs::write(luar.join("data.txt"), "milik orang lain").expect("write");
        let mut m = read_manifest(&spare).expect("spare manifest");
        for forged in ["", "../luar", ".."] {
            m.hosts.push(one_host(forged, vec![]));
        }
        // And a file of a real host that leads out of its folder: pruned
        // at the commit (no longer built) if it were trusted.
        m.hosts[0].files.push(FileEntry {
            path: "../../luar/data.txt".into(),
            size: 16,
            sha256: "x".into(),
        });
        std::fs::write(spare.join(MANIFEST), serde_json::to_vec(&m).expect("json")).expect("write");
        let st = Staging::create(&out).expect("staging");
        let e = st.host("a.host").write("a.html", b"3").expect("write");
        st.commit(&manifest(vec![one_host("a.host", vec![e])]))
            .expect("commit");
        assert_eq!(
            std::fs::read_to_string(out.join("a.host/a.html")).expect("read"),
            "3"
        );
        assert_eq!(
            std::fs::read_to_string(luar.join("data.txt")).expect("luar stays"),
            "milik orang lain"
        );
    }

    #[test]
    fn a_nested_listed_file_keeps_its_folders_when_the_host_folder_is_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("a.host");
        std::fs::create_dir_all(root.join("d/e")).expect("mkdir");
        std::fs::write(root.join("d/e/index.html"), "x").expect("write");
        std::fs::write(root.join("tambahan.html"), "x").expect("write");
        let files: HashMap<String, (u64, String)> =
            HashMap::from([("d/e/index.html".to_string(), (1, String::new()))]);
        let written = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        assert_eq!(remove_unlisted(&root, &files, written), 1);
        assert!(root.join("d/e/index.html").is_file());
    }

    #[test]
    fn reuse_keeps_or_links_the_remembered_output_and_nothing_else() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let sha = |b: &[u8]| hex(&Sha256::digest(b));
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        rebuild(&out, &[("a.html", "satu"), ("b.html", "dua")]);
        for rel in ["a.html", "b.html"] {
            touch(&out.join("a.host").join(rel), old);
        }
        // Only a previous output: its file is linked.
        let mut st = Staging::create(&out).expect("staging");
        st.reuse(read_manifest(&out).as_ref());
        let w = st.host("a.host");
        let (e, bytes) = w.reuse("a.html", 4, &sha(b"satu"), true).expect("linked");
        assert_eq!(
            (e.path.as_str(), e.size, bytes.as_deref()),
            ("a.html", 4, Some(&b"satu"[..]))
        );
        let ino = |p: PathBuf| std::fs::metadata(p).expect("meta").ino();
        assert_eq!(
            ino(st.tmp.join("a.host/a.html")),
            ino(out.join("a.host/a.html")),
            "not linked"
        );
        // Other bytes, another size, a path outside: not there.
        assert!(w.reuse("b.html", 3, &sha(b"dua"), false).is_some());
        assert!(w.reuse("b.html", 3, &sha(b"tiga"), false).is_none());
        assert!(w.reuse("b.html", 4, &sha(b"dua"), false).is_none());
        assert!(w.reuse("../b.html", 3, &sha(b"dua"), false).is_none());
        let counts = st.counts();
        assert_eq!((counts.linked(), counts.kept()), (2, 0));
        let entries = vec![e, w.write("b.html", b"dua").expect("write")];
        st.commit(&manifest(vec![one_host("a.host", entries)]))
            .expect("commit");
        for rel in ["a.html", "b.html"] {
            touch(&out.join("a.host").join(rel), old);
        }
        // With the spare: its file stays where it is; read only when asked.
        let st = Staging::create(&out).expect("staging");
        let w = st.host("a.host");
        let (_, bytes) = w.reuse("a.html", 4, &sha(b"satu"), false).expect("kept");
        assert_eq!(bytes, None);
        assert_eq!(st.counts().kept(), 1);
        // Nothing is reused by a check, which writes nothing.
        let dry = Staging::dry(&out);
        assert!(
            dry.host("a.host")
                .reuse("a.html", 4, &sha(b"satu"), true)
                .is_none()
        );
    }

    /// A streamed write is a write: the same file, entry and counts, the
    /// same refusal of a path outside the host folder; unchanged bytes are
    /// kept in the spare or linked from the previous output as with
    /// `write`, a hand-edited previous file is not trusted, and bytes that
    /// differ between the two passes leave no file.
    #[test]
    fn a_streamed_write_is_a_write_without_holding_the_bytes() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let fixed = |b: &'static [u8]| move |w: &mut (dyn std::io::Write + Send)| w.write_all(b);
        let st = Staging::create(&out).expect("staging");
        let w = st.host("a.host");
        // Neither tree has the path (a first build): made once, straight
        // into the file, with the entry `write` gives the same bytes.
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let counted = |w: &mut (dyn std::io::Write + Send)| {
            calls.fetch_add(1, Ordering::Relaxed);
            w.write_all(b"{\"p\":[]}")
        };
        let e = w.write_stream("cari/indeks.json", &counted).expect("write");
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        assert_eq!(
            e,
            w.write("lain.json", b"{\"p\":[]}")
                .map(|e| FileEntry {
                    path: "cari/indeks.json".into(),
                    ..e
                })
                .expect("write")
        );
        assert_eq!(
            std::fs::read(st.tmp.join("a.host/cari/indeks.json")).expect("read"),
            b"{\"p\":[]}"
        );
        for bad in ["../escape.json", "/etc/x", "a/../../x"] {
            assert!(
                matches!(
                    w.write_stream(bad, &fixed(b"x")),
                    Err(Error::UnsafeOutput { .. })
                ),
                "{bad}"
            );
        }
        assert!(!dir.path().join("escape.json").exists());
        // A write that fails midway leaves no file.
        let failing = |w: &mut (dyn std::io::Write + Send)| {
            w.write_all(&[b'x'; 100_000])?;
            Err(std::io::Error::other("gagal"))
        };
        assert!(w.write_stream("gagal.json", &failing).is_err());
        assert!(!st.tmp.join("a.host/gagal.json").exists());
        st.commit(&manifest(vec![one_host("a.host", vec![e.clone()])]))
            .expect("commit");
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let ino = |p: PathBuf| std::fs::metadata(p).expect("meta").ino();
        touch(&out.join("a.host/cari/indeks.json"), old);
        // Only a previous output, and the same bytes: linked.
        let mut st = Staging::create(&out).expect("staging");
        st.reuse(read_manifest(&out).as_ref());
        let w = st.host("a.host");
        let linked = w
            .write_stream("cari/indeks.json", &fixed(b"{\"p\":[]}"))
            .expect("linked");
        assert_eq!(linked, e);
        assert_eq!((st.counts().linked(), st.counts().written()), (1, 0));
        assert_eq!(
            ino(st.tmp.join("a.host/cari/indeks.json")),
            ino(out.join("a.host/cari/indeks.json"))
        );
        st.commit(&manifest(vec![one_host("a.host", vec![e.clone()])]))
            .expect("commit");
        touch(&out.join("a.host/cari/indeks.json"), old);
        // The spare holds the same bytes: kept, and made only once.
        let st = Staging::create(&out).expect("staging");
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let counted = |w: &mut (dyn std::io::Write + Send)| {
            calls.fetch_add(1, Ordering::Relaxed);
            w.write_all(b"{\"p\":[]}")
        };
        let w = st.host("a.host");
        assert_eq!(
            w.write_stream("cari/indeks.json", &counted).expect("kept"),
            e
        );
        assert_eq!((st.counts().kept(), calls.load(Ordering::Relaxed)), (1, 1));
        drop(st);
        // A previous file changed by hand since its manifest (same size):
        // not trusted without its bytes, so written anew.
        let out = dir.path().join("lain");
        let st = Staging::create(&out).expect("staging");
        let e = st
            .host("a.host")
            .write_stream("cari/indeks.json", &fixed(b"{\"p\":[]}"))
            .expect("write");
        st.commit(&manifest(vec![one_host("a.host", vec![e])]))
            .expect("commit");
        std::fs::write(out.join("a.host/cari/indeks.json"), b"{\"q\":[]}").expect("edit");
        let mut st = Staging::create(&out).expect("staging");
        st.reuse(read_manifest(&out).as_ref());
        let w = st.host("a.host");
        w.write_stream("cari/indeks.json", &fixed(b"{\"p\":[]}"))
            .expect("written");
        assert_eq!((st.counts().linked(), st.counts().written()), (0, 1));
        assert_eq!(
            std::fs::read(st.tmp.join("a.host/cari/indeks.json")).expect("read"),
            b"{\"p\":[]}"
        );
        assert_eq!(
            std::fs::read(out.join("a.host/cari/indeks.json")).expect("read"),
            b"{\"q\":[]}",
            "the previous output is not written through"
        );
        drop(st);
        // Two passes that differ (a file at the path to compare with):
        // an error, and no file.
        let mut st = Staging::create(&out).expect("staging");
        st.reuse(read_manifest(&out).as_ref());
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let unstable = |w: &mut (dyn std::io::Write + Send)| {
            let n = calls.fetch_add(1, Ordering::Relaxed);
            write!(w, "{n}")
        };
        let w = st.host("a.host");
        assert!(w.write_stream("cari/indeks.json", &unstable).is_err());
        assert!(!st.tmp.join("a.host/cari/indeks.json").exists());
        assert_eq!(calls.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn a_spare_without_its_manifest_is_not_trusted() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        rebuild(&out, &[("a.html", "1")]);
        rebuild(&out, &[("a.html", "2")]);
        let spare = dir.path().join(".public.spare");
        std::fs::remove_file(spare.join(MANIFEST)).expect("rm");
        let st = Staging::create(&out).expect("staging");
        let e = st.host("a.host").write("a.html", b"1").expect("write");
        assert_eq!(st.counts().written(), 1);
        assert!(!spare.exists());
        st.commit(&manifest(vec![one_host("a.host", vec![e])]))
            .expect("commit");
        assert_eq!(
            std::fs::read_to_string(out.join("a.host/a.html")).expect("read"),
            "1"
        );
    }

    #[test]
    fn a_rebuild_links_exactly_the_files_whose_bytes_and_times_still_match() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        let files = [
            ("same.html", "sama"),
            ("changed.html", "lama"),
            ("resized.html", "abc"),
            ("touched.html", "disentuh"),
            ("tied.html", "seri"),
            ("forged.html", "asli"),
            ("later.html", "awal"),
        ];
        assert_eq!(rebuild(&out, &files), (7, 0));
        let written = std::fs::metadata(out.join(MANIFEST))
            .and_then(|m| m.modified())
            .expect("manifest time");
        let hour = std::time::Duration::from_secs(3600);
        for (rel, _) in files {
            touch(&out.join("a.host").join(rel), written - hour);
        }
        // Edited by hand after the manifest: a different size with an old
        // time; the same bytes with a newer time, and with a time equal to
        // the manifest's (the same clock tick): their bytes are read, and
        // they are the same; other bytes of the same size in that tick.
        std::fs::write(out.join("a.host/resized.html"), "abcd").expect("write");
        touch(&out.join("a.host/resized.html"), written - hour);
        touch(&out.join("a.host/touched.html"), written + hour);
        touch(&out.join("a.host/tied.html"), written);
        std::fs::write(out.join("a.host/forged.html"), "palu").expect("write");
        touch(&out.join("a.host/forged.html"), written);
        std::fs::write(out.join("a.host/later.html"), "akhr").expect("write");
        touch(&out.join("a.host/later.html"), written + hour);
        let inode = |rel: &str| {
            std::fs::metadata(out.join("a.host").join(rel))
                .expect("meta")
                .ino()
        };
        let before: Vec<u64> = ["same.html", "touched.html", "tied.html", "forged.html"]
            .iter()
            .map(|r| inode(r))
            .collect();
        let counts = rebuild(
            &out,
            &[
                ("same.html", "sama"),
                // Same length, other bytes.
                ("changed.html", "baru"),
                ("resized.html", "abc"),
                ("touched.html", "disentuh"),
                ("tied.html", "seri"),
                ("forged.html", "asli"),
                ("later.html", "awal"),
            ],
        );
        assert_eq!(counts, (4, 3), "(written, linked)");
        assert_eq!(inode("same.html"), before[0], "same.html was not linked");
        assert_eq!(
            inode("touched.html"),
            before[1],
            "touched.html was not linked"
        );
        assert_eq!(inode("tied.html"), before[2], "tied.html was not linked");
        assert_ne!(inode("forged.html"), before[3], "forged.html was linked");
        for (rel, bytes) in [
            ("same.html", "sama"),
            ("changed.html", "baru"),
            ("resized.html", "abc"),
            ("touched.html", "disentuh"),
            ("tied.html", "seri"),
            ("forged.html", "asli"),
            ("later.html", "awal"),
        ] {
            assert_eq!(
                std::fs::read_to_string(out.join("a.host").join(rel)).expect("read"),
                bytes,
                "{rel}"
            );
        }
    }

    #[test]
    fn a_file_is_trusted_alike_from_its_open_folder_and_by_its_path() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("a.host");
        std::fs::create_dir_all(root.join("berita/x")).expect("mkdir");
        let written = std::time::SystemTime::now();
        let hour = std::time::Duration::from_secs(3600);
        // (rel, bytes on disk, mtime, bytes given, trusted)
        let cases: [(&str, &str, std::time::SystemTime, Option<&str>, bool); 7] = [
            ("berita/x/index.html", "sama", written - hour, None, true),
            ("old.html", "sama", written - hour, None, true),
            ("resized.html", "abcde", written - hour, None, false),
            ("touched.html", "sama", written + hour, None, false),
            (
                "touched-read.html",
                "sama",
                written + hour,
                Some("sama"),
                true,
            ),
            ("tied-forged.html", "palu", written, Some("sama"), false),
            ("missing.html", "", written - hour, None, false),
        ];
        let mut files = HashMap::new();
        for (rel, bytes, when, _, _) in cases {
            files.insert(rel.to_string(), (4, hex(&Sha256::digest(b"sama"))));
            if rel != "missing.html" {
                std::fs::write(root.join(rel), bytes).expect("write");
                touch(&root.join(rel), when);
            }
        }
        std::os::unix::fs::symlink(root.join("old.html"), root.join("link.html")).expect("ln");
        files.insert("link.html".into(), (4, hex(&Sha256::digest(b"sama"))));
        let open = Previous::new(root.clone(), files.clone(), written);
        assert!(open.dir.is_some(), "the folder is open");
        let by_path = Previous {
            root: root.clone(),
            dir: None,
            files,
            written,
            real: Default::default(),
        };
        let sha = hex(&Sha256::digest(b"sama"));
        for prev in [&open, &by_path] {
            let how = if prev.dir.is_some() { "open" } else { "path" };
            for (rel, _, _, given, trusted) in cases {
                let got = prev.holds(rel, 4, &sha, given.map(str::as_bytes));
                assert_eq!(got, trusted, "{rel} ({how})");
            }
            assert!(!prev.holds("link.html", 4, &sha, None), "a symlink ({how})");
            assert!(
                !prev.holds("old.html", 5, &sha, None),
                "another size ({how})"
            );
            let to = dir.path().join(format!("linked-{how}.html"));
            assert!(prev.link("berita/x/index.html", &to), "{how}");
            assert_eq!(std::fs::read_to_string(&to).expect("read"), "sama");
        }
    }

    /// A previous manifest is Diskominfo's file, but a forged one (or a
    /// page path an editor chose) must not make a rebuild look up, read or
    /// link a file outside the host folder, whichever way the folder is
    /// read.
    #[test]
    fn a_forged_manifest_entry_outside_the_host_folder_is_never_linked() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        assert_eq!(rebuild(&out, &[("ok.html", "rahasia")]), (1, 0));
        // The secret sits beside the host folder and in the temp folder,
        // older than the manifest, with the size and digest listed.
        let outside = dir.path().join("rahasia.html");
        for p in [&outside, &out.join("rahasia.html")] {
            std::fs::write(p, "rahasia").expect("write");
            touch(
                p,
                std::time::SystemTime::now() - std::time::Duration::from_secs(3600),
            );
        }
        let sha = hex(&Sha256::digest(b"rahasia"));
        let abs = outside.to_string_lossy().into_owned();
        let bad = ["../rahasia.html", abs.as_str(), "a/../../rahasia.html"];
        forge(&out, &bad, 7, &sha);
        let previous = read_manifest(&out);
        let mut st = Staging::create(&out).expect("staging");
        st.reuse(previous.as_ref());
        let w = st.host("a.host");
        for rel in bad {
            assert!(w.reuse(rel, 7, &sha, true).is_none(), "{rel}");
        }
        // The Previous itself refuses them, from its open folder and by
        // path.
        let prev = w.previous.as_ref().expect("a previous output");
        for p in [&**prev, &by_path(prev)] {
            for rel in bad {
                assert!(!p.holds(rel, 7, &sha, Some(b"rahasia")), "{rel}");
            }
            assert!(p.holds("ok.html", 7, &sha, Some(b"rahasia")));
        }
        assert!(w.write("ok.html", b"rahasia").is_ok());
        assert_eq!(st.counts().linked(), 1, "ok.html alone is linked");
        drop(w);
        drop(st);
        assert_eq!(std::fs::read_to_string(&outside).expect("read"), "rahasia");
    }

    /// A symbolic link planted in the previous output (by whoever could
    /// write there: laman itself never makes one) is never followed to a
    /// file outside it: neither a folder link inside the host folder, nor
    /// the host folder itself a link, whichever way the folder is read.
    #[test]
    fn a_link_planted_in_the_previous_output_is_never_followed() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("public");
        assert_eq!(rebuild(&out, &[("ok.html", "rahasia")]), (1, 0));
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        // Outside: a folder with a secret and a copy of the host folder.
        let luar = dir.path().join("luar");
        std::fs::create_dir_all(luar.join("salinan")).expect("mkdir");
        for p in [luar.join("rahasia.html"), luar.join("salinan/ok.html")] {
            std::fs::write(&p, "rahasia").expect("write");
            touch(&p, old);
        }
        let sha = hex(&Sha256::digest(b"rahasia"));
        let host = out.join("a.host");
        std::os::unix::fs::symlink(&luar, host.join("lewat")).expect("ln");
        forge(&out, &["lewat/rahasia.html"], 7, &sha);
        let previous = read_manifest(&out);
        {
            let mut st = Staging::create(&out).expect("staging");
            st.reuse(previous.as_ref());
            let w = st.host("a.host");
            assert!(w.reuse("lewat/rahasia.html", 7, &sha, true).is_none());
            let prev = w.previous.as_ref().expect("a previous output");
            for p in [&**prev, &by_path(prev)] {
                assert!(!p.holds("lewat/rahasia.html", 7, &sha, Some(b"rahasia")));
                assert!(p.holds("ok.html", 7, &sha, Some(b"rahasia")));
            }
            assert_eq!(st.counts().linked(), 0);
        }
        // The host folder itself a link to the copy outside.
        std::fs::remove_dir_all(&host).expect("rm");
        std::os::unix::fs::symlink(luar.join("salinan"), &host).expect("ln");
        let mut st = Staging::create(&out).expect("staging");
        st.reuse(previous.as_ref());
        let w = st.host("a.host");
        assert!(w.reuse("ok.html", 7, &sha, true).is_none());
        let prev = w.previous.as_ref().expect("a previous output");
        for p in [&**prev, &by_path(prev)] {
            assert!(!p.holds("ok.html", 7, &sha, Some(b"rahasia")));
        }
        assert_eq!(st.counts().linked(), 0);
    }

    /// Adds entries for `paths` (of `size` bytes, digest `sha`) to the
    /// first host of the manifest in `out`, as someone who can write the
    /// output could.
    fn forge(out: &Path, paths: &[&str], size: u64, sha: &str) {
        let mut forged = read_manifest(out).expect("manifest");
        for rel in paths {
            forged.hosts[0].files.push(FileEntry {
                path: rel.to_string(),
                size,
                sha256: sha.to_string(),
            });
        }
        std::fs::write(
            out.join(MANIFEST),
            serde_json::to_vec(&forged).expect("json"),
        )
        .expect("forge");
    }

    /// `p` without its open folder: looked up by path.
    fn by_path(p: &Previous) -> Previous {
        Previous {
            root: p.root.clone(),
            dir: None,
            files: p.files.clone(),
            written: p.written,
            real: Default::default(),
        }
    }
}
