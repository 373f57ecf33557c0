//! Opening a host's files safely and describing them: every open goes
//! through `openat2(host folder, path, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`,
//! so neither `..` nor a symlink (absolute or relative) can reach a file
//! outside the host's folder: not another host, not sites.json, not the
//! rest of the machine. Kernels without `openat2` (before 5.6) fall back
//! to opening the path and checking its canonical form.
//!
//! Releases are immutable (publish writes a new folder and hard-links
//! unchanged files), so small files are kept in memory per host of a
//! release after their first (checked) open: up to `CACHE_FILE` bytes a
//! file and `CACHE_TOTAL` bytes a host. The cache goes with the release.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read as _;
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use rustix::fs::{Mode, OFlags, ResolveFlags};

/// The file types: one table with the preview's (`crate::media`).
pub use crate::media::{compressible, content_type};

static NO_OPENAT2: AtomicBool = AtomicBool::new(false);

/// Largest file kept in memory.
pub const CACHE_FILE: u64 = 256 * 1024;
/// Memory for cached files, per host of a release.
pub const CACHE_TOTAL: usize = 32 * 1024 * 1024;
/// Files larger than this are streamed, not read whole: the files kept in
/// memory are the only ones read whole, so a slow client of a file that
/// is not cached holds one 64 KiB chunk, never the file.
pub const READ_WHOLE: u64 = CACHE_FILE;

/// A file's content: in memory, or open for streaming.
#[derive(Debug, Clone)]
pub enum Content {
    /// The whole file.
    Bytes(Bytes),
    /// A large file, read in chunks.
    File(Arc<File>),
}

/// A regular file, ready to send.
#[derive(Debug, Clone)]
pub struct Opened {
    /// Its content.
    pub content: Content,
    /// Its size.
    pub size: u64,
    /// Last modification.
    pub modified: SystemTime,
    /// `"<size>-<mtime>"` in hex, quoted.
    pub etag: Arc<str>,
}

/// What a path names.
#[derive(Debug)]
pub enum Found {
    /// A regular file.
    File(Opened),
    /// A folder.
    Dir,
    /// Nothing (or something that may not be served: a device, a symlink out).
    Missing,
}

/// The small files of one host of one release, by relative path.
#[derive(Debug, Default)]
struct FileCache {
    files: RwLock<HashMap<Box<str>, Opened>>,
    bytes: AtomicUsize,
}

/// The files of one host of one release.
#[derive(Debug)]
pub struct HostFiles {
    /// `releases/<id>/<host>`.
    pub dir: PathBuf,
    /// That folder, open: every file of the host is opened beneath it.
    pub dirfd: OwnedFd,
    /// Small files already read.
    cache: FileCache,
}

impl HostFiles {
    /// The files beneath `dir`, opened as `dirfd`.
    pub fn new(dir: PathBuf, dirfd: OwnedFd) -> Self {
        HostFiles {
            dir,
            dirfd,
            cache: FileCache::default(),
        }
    }
}

/// Opens `rel` (relative, already cleaned) beneath the host's folder,
/// from memory when it was read before.
pub fn open(site: &HostFiles, rel: &str) -> Found {
    if let Ok(files) = site.cache.files.read() {
        if let Some(f) = files.get(rel) {
            return Found::File(f.clone());
        }
    }
    let found = open_disk(site, rel);
    if let Found::File(f) = &found {
        if let Content::Bytes(b) = &f.content {
            let cache = &site.cache;
            if (b.len() as u64) <= CACHE_FILE
                && cache.bytes.load(Ordering::Relaxed) + b.len() <= CACHE_TOTAL
            {
                if let Ok(mut files) = cache.files.write() {
                    cache.bytes.fetch_add(b.len(), Ordering::Relaxed);
                    files.insert(rel.into(), f.clone());
                }
            }
        }
    }
    found
}

fn open_disk(site: &HostFiles, rel: &str) -> Found {
    let rel = if rel.is_empty() { "." } else { rel };
    let file = if NO_OPENAT2.load(Ordering::Relaxed) {
        open_fallback(site, rel)
    } else {
        match rustix::fs::openat2(
            site.dirfd.as_fd(),
            rel,
            OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK,
            Mode::empty(),
            ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS,
        ) {
            Ok(fd) => Some(File::from(fd)),
            Err(rustix::io::Errno::NOSYS) => {
                NO_OPENAT2.store(true, Ordering::Relaxed);
                open_fallback(site, rel)
            }
            Err(_) => None,
        }
    };
    let Some(mut file) = file else {
        return Found::Missing;
    };
    let Ok(st) = rustix::fs::fstat(&file) else {
        return Found::Missing;
    };
    let kind = rustix::fs::FileType::from_raw_mode(st.st_mode);
    if kind == rustix::fs::FileType::Directory {
        return Found::Dir;
    }
    if kind != rustix::fs::FileType::RegularFile {
        return Found::Missing;
    }
    let size = st.st_size as u64;
    let (secs, nsec) = (st.st_mtime, st.st_mtime_nsec);
    let modified = if secs >= 0 {
        UNIX_EPOCH + Duration::new(secs as u64, nsec as u32)
    } else {
        UNIX_EPOCH
    };
    let etag: Arc<str> = format!("\"{size:x}-{secs:x}{nsec:x}\"").into();
    let content = if size <= READ_WHOLE {
        // One read for the whole file: no size probe, no read to EOF.
        let mut buf = vec![0u8; size as usize];
        let mut got = 0;
        while got < buf.len() {
            match file.read(&mut buf[got..]) {
                Ok(0) => return Found::Missing,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Found::Missing,
            }
        }
        Content::Bytes(Bytes::from(buf))
    } else {
        Content::File(Arc::new(file))
    };
    Found::File(Opened {
        content,
        size,
        modified,
        etag,
    })
}

fn open_fallback(site: &HostFiles, rel: &str) -> Option<File> {
    let path = site.dir.join(rel);
    let canon = path.canonicalize().ok()?;
    let base = site.dir.canonicalize().ok()?;
    if !canon.starts_with(&base) {
        return None;
    }
    File::open(canon).ok()
}

/// A `Content-Encoding` the client accepts and publish may have written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `.br`.
    Brotli,
    /// `.gz`.
    Gzip,
}

impl Encoding {
    /// The sibling file's suffix.
    pub fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }
    /// The `Content-Encoding` value.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }
}

/// The encodings `Accept-Encoding` allows, best first (q=0 excludes).
pub fn accepted(header: &str) -> Vec<Encoding> {
    let mut br = false;
    let mut gz = false;
    let mut star = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q_zero = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        match name.as_str() {
            "br" => br = !q_zero,
            "gzip" | "x-gzip" => gz = !q_zero,
            "*" => star = Some(!q_zero),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if br || (star == Some(true) && !header.to_ascii_lowercase().contains("br")) {
        out.push(Encoding::Brotli);
    }
    if gz || (star == Some(true) && !header.to_ascii_lowercase().contains("gzip")) {
        out.push(Encoding::Gzip);
    }
    out
}

/// Seconds since the epoch (for `Last-Modified` comparisons).
pub fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_encodings() {
        assert_eq!(
            accepted("gzip, deflate, br"),
            vec![Encoding::Brotli, Encoding::Gzip]
        );
        assert_eq!(accepted("gzip"), vec![Encoding::Gzip]);
        assert_eq!(accepted("br;q=0, gzip;q=0.5"), vec![Encoding::Gzip]);
        assert!(accepted("identity").is_empty());
        assert_eq!(accepted("*"), vec![Encoding::Brotli, Encoding::Gzip]);
    }
}
