//! Opening a host's files safely and describing them: every open goes
//! through `openat2(host folder, path, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`,
//! so neither `..` nor a symlink (absolute or relative) can reach a file
//! outside the host's folder: not another host, not sites.json, not the
//! rest of the machine. Kernels without `openat2` (before 5.6) fall back
//! to opening the path and checking its canonical form.

use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustix::fs::{Mode, OFlags, ResolveFlags};

use crate::host::release::Site;

static NO_OPENAT2: AtomicBool = AtomicBool::new(false);

/// An open regular file.
#[derive(Debug)]
pub struct Opened {
    /// The file.
    pub file: File,
    /// Its size.
    pub size: u64,
    /// Last modification.
    pub modified: SystemTime,
    /// `"<size>-<mtime>"` in hex, quoted.
    pub etag: String,
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

/// Opens `rel` (relative, already cleaned) beneath the site's folder.
pub fn open(site: &Site, rel: &str) -> Found {
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
    let Some(file) = file else {
        return Found::Missing;
    };
    let Ok(meta) = file.metadata() else {
        return Found::Missing;
    };
    if meta.is_dir() {
        return Found::Dir;
    }
    if !meta.is_file() {
        return Found::Missing;
    }
    let modified = meta.modified().unwrap_or(UNIX_EPOCH);
    let etag = format!(
        "\"{:x}-{:x}{:x}\"",
        meta.size(),
        meta.mtime(),
        meta.mtime_nsec()
    );
    Found::File(Opened {
        file,
        size: meta.size(),
        modified,
        etag,
    })
}

fn open_fallback(site: &Site, rel: &str) -> Option<File> {
    let path = site.dir.join(rel);
    let canon = path.canonicalize().ok()?;
    let base = site.dir.canonicalize().ok()?;
    if !canon.starts_with(&base) {
        return None;
    }
    File::open(canon).ok()
}

/// The `Content-Type` of a file name.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// Text files that `publish` precompresses (`.gz`, `.br` siblings).
pub fn compressible(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    matches!(
        ext,
        "html" | "css" | "js" | "json" | "xml" | "txt" | "svg" | "webmanifest"
    )
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

    #[test]
    fn knows_the_types_laman_writes() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("site.webmanifest"),
            "application/manifest+json"
        );
        assert!(compressible("a.css"));
        assert!(!compressible("foto.jpg"));
    }
}
