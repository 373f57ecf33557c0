//! Backups that are measured, not declared (#11 item 4): after a `dir`
//! release goes live, `laman publish` writes a copy of it to every
//! `[[publish.backup]]` destination — a tar archive (gzip optional) and
//! its SHA-256 — each written atomically (a temporary name, fsync, rename,
//! fsync of the folder), then reads the archive back and compares its
//! digest. The outcome per destination goes into publish.log (an entry
//! with `action = "backup"`); OPS-001 reads it (`record::measured`).
//!
//! A failing destination (missing, full, read-only) never undoes the
//! publish: the release is already live, the failure is logged and is an
//! OPS-001 finding.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::output::Hashing;
use chrono::DateTime;

use super::Target;
use super::dir::RELEASES;
use super::journal::{self, LogEntry, LogResult};
use super::settings::BackupSettings;

pub use super::journal::BackupOutcome;

/// What a backup archives.
#[derive(Debug, Clone)]
pub enum Source {
    /// A `dir` target's release folder, whole (`<id>/…` in the archive).
    Release(PathBuf),
    /// The output folders of the hosts a Netlify publish deployed
    /// (`public/<host>`, as `<id>/<host>/…`): Netlify keeps no copy laman
    /// can read back, so the copy is made from what was sent.
    Hosts(Vec<(String, PathBuf)>),
}

impl Source {
    /// The release folder of `id` on a `dir` target.
    pub fn release(target: &Target, id: &str) -> Self {
        Source::Release(target.path.join(RELEASES).join(id))
    }

    /// A folder whose file system says where the copy comes from.
    fn origin(&self) -> Option<&Path> {
        match self {
            Source::Release(p) => Some(p),
            Source::Hosts(h) => h.first().map(|(_, p)| p.as_path()),
        }
    }
}

/// Writes a verified copy of `source` (release `id` of `target`) to every
/// destination, in order, and logs the outcomes (one entry). Never fails:
/// a destination that cannot be written is an outcome with its error, and
/// a log that cannot be written is reported as an error of every outcome
/// that does not already carry one.
#[allow(clippy::too_many_arguments)]
pub fn run(
    target: &Target,
    id: &str,
    source: &Source,
    hosts: Vec<String>,
    destinations: &[BackupSettings],
    root: &Path,
    who: &str,
    now: DateTime<chrono::Utc>,
) -> Vec<BackupOutcome> {
    let mut outcomes: Vec<BackupOutcome> = destinations
        .iter()
        .map(|d| one(source, id, d, root))
        .collect();
    let mut entry = LogEntry::new(who, now, "backup", target);
    entry.release = Some(id.to_string());
    entry.published = hosts;
    entry.result = if outcomes.iter().all(|o| o.verified) {
        LogResult::BackedUp
    } else {
        LogResult::BackupFailed
    };
    entry.backups = outcomes.clone();
    if let Err((path, e)) = journal::write(&target.path, &entry) {
        for o in outcomes.iter_mut() {
            o.verified = false;
            o.error.get_or_insert_with(|| {
                format!("{}: the backup could not be logged ({e})", path.display())
            });
        }
    }
    outcomes
}

fn one(source: &Source, id: &str, d: &BackupSettings, root: &Path) -> BackupOutcome {
    let dir = root.join(&d.path);
    let mut o = BackupOutcome {
        destination: d.shown().to_string(),
        place: d.place,
        archive: None,
        sha256: None,
        bytes: None,
        verified: false,
        same_file_system: false,
        pruned: Vec::new(),
        error: None,
    };
    {
        use std::os::unix::fs::MetadataExt as _;
        let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
        o.same_file_system =
            dev(&dir).is_some() && source.origin().is_some_and(|p| dev(&dir) == dev(p));
    }
    match write_verified(source, id, &dir, d.gzip) {
        Ok((archive, sha, bytes)) => {
            o.archive = Some(archive.display().to_string());
            o.sha256 = Some(sha);
            o.bytes = Some(bytes);
            o.verified = true;
            if let Some(keep) = d.keep {
                match prune(&dir, keep) {
                    Ok(gone) => o.pruned = gone,
                    Err((path, e)) => o.error = Some(format!("{}: {e}", path.display())),
                }
            }
        }
        Err((path, e)) => o.error = Some(format!("{}: {e}", path.display())),
    }
    o
}

type Failed = (PathBuf, std::io::Error);

/// Whether `name` is a release archive laman writes (`<id>.tar` or
/// `<id>.tar.gz`, `<id>` = six digits, `-`, the rest of a release id).
fn release_archive(name: &str) -> Option<&str> {
    let id = name
        .strip_suffix(".tar")
        .or_else(|| name.strip_suffix(".tar.gz"))?;
    let (seq, rest) = id.split_at_checked(6)?;
    (seq.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with('-') && rest.len() > 1)
        .then_some(id)
}

/// Removes all but the newest `keep` release archives in `dir` (and their
/// `.sha256`); release ids begin with a zero-padded sequence number, so
/// their names sort oldest first. Returns the archives removed.
fn prune(dir: &Path, keep: usize) -> Result<Vec<String>, Failed> {
    let mut archives: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| (dir.to_path_buf(), e))?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| release_archive(n).is_some())
        .collect();
    archives.sort();
    let old = archives.len().saturating_sub(keep);
    let mut gone = Vec::new();
    for name in archives.into_iter().take(old) {
        let path = dir.join(&name);
        std::fs::remove_file(&path).map_err(|e| (path.clone(), e))?;
        let _ = std::fs::remove_file(dir.join(format!("{name}.sha256")));
        gone.push(name);
    }
    Ok(gone)
}

/// Writes `<dir>/<id>.tar[.gz]` and `<…>.sha256` atomically, then reads
/// the archive back and compares the digest. Temporary files are removed
/// on failure (on a full disk they are what fills it).
fn write_verified(
    source: &Source,
    id: &str,
    dir: &Path,
    gzip: bool,
) -> Result<(PathBuf, String, u64), Failed> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| (p, e)
    };
    // A missing destination is a disk that is not mounted: never create it.
    let md = std::fs::metadata(dir).map_err(io(dir))?;
    if !md.is_dir() {
        return Err((
            dir.to_path_buf(),
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
        ));
    }
    let name = format!("{id}.tar{}", if gzip { ".gz" } else { "" });
    let archive = dir.join(&name);
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let sum = dir.join(format!("{name}.sha256"));
    let sum_tmp = dir.join(format!(".{name}.sha256.tmp-{}", std::process::id()));
    let written = (|| {
        let (sha, bytes) = write_archive(source, id, &tmp, gzip)?;
        std::fs::rename(&tmp, &archive).map_err(io(&archive))?;
        let line = format!("{sha}  {name}\n");
        let mut f = File::create(&sum_tmp).map_err(io(&sum_tmp))?;
        f.write_all(line.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(io(&sum_tmp))?;
        std::fs::rename(&sum_tmp, &sum).map_err(io(&sum))?;
        File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(io(dir))?;
        // Measured, not declared: read back what is on the destination.
        let (again, len) = digest(&archive).map_err(io(&archive))?;
        if again != sha || len != bytes {
            return Err((
                archive.clone(),
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("read back {again} ({len} bytes), wrote {sha} ({bytes} bytes)"),
                ),
            ));
        }
        Ok((archive.clone(), sha, bytes))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(&sum_tmp);
    }
    written
}

/// Appends `source` to `tar` under `id/`.
fn append<W: Write>(tar: &mut tar::Builder<W>, source: &Source, id: &str) -> Result<(), Failed> {
    tar.follow_symlinks(false);
    match source {
        Source::Release(release) => tar
            .append_dir_all(id, release)
            .map_err(|e| (release.clone(), e)),
        Source::Hosts(hosts) => hosts.iter().try_for_each(|(host, dir)| {
            tar.append_dir_all(format!("{id}/{host}"), dir)
                .map_err(|e| (dir.clone(), e))
        }),
    }
}

fn write_archive(
    source: &Source,
    id: &str,
    tmp: &Path,
    gzip: bool,
) -> Result<(String, u64), Failed> {
    let io = |e| (tmp.to_path_buf(), e);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(io)?;
    let mut hashing = Hashing::new(BufWriter::new(file));
    if gzip {
        let gz = flate2::write::GzEncoder::new(&mut hashing, flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        append(&mut tar, source, id)?;
        tar.into_inner().and_then(|gz| gz.finish()).map_err(io)?;
    } else {
        let mut tar = tar::Builder::new(&mut hashing);
        append(&mut tar, source, id)?;
        tar.into_inner().map_err(io)?;
    }
    let (bytes, sha) = hashing.finish();
    let file = hashing
        .into_inner()
        .into_inner()
        .map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    Ok((sha, bytes))
}

/// SHA-256 and length of a file, read from disk.
pub fn digest(path: &Path) -> std::io::Result<(String, u64)> {
    let mut h = Hashing::new(std::io::sink());
    std::io::copy(&mut File::open(path)?, &mut h)?;
    let (n, sha) = h.finish();
    Ok((sha, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(dir: &Path) -> PathBuf {
        let r = dir.join("releases/000001-x");
        std::fs::create_dir_all(r.join("dinkes.k.go.id")).expect("mkdir");
        std::fs::write(r.join("sites.json"), "{}").expect("write");
        std::fs::write(r.join("dinkes.k.go.id/index.html"), "<p>hai</p>").expect("write");
        r
    }

    fn tar_names(r: impl std::io::Read) -> Vec<String> {
        tar::Archive::new(r)
            .entries()
            .expect("entries")
            .map(|e| {
                e.expect("entry")
                    .path()
                    .expect("path")
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn an_archive_is_written_whole_and_its_digest_read_back() {
        let d = tempfile::tempdir().expect("tmp");
        let r = release(d.path());
        let dest = d.path().join("dest");
        std::fs::create_dir(&dest).expect("dest");
        for gzip in [false, true] {
            let (archive, sha, bytes) =
                write_verified(&Source::Release(r.clone()), "000001-x", &dest, gzip)
                    .expect("written");
            assert_eq!(digest(&archive).expect("digest"), (sha.clone(), bytes));
            let sum =
                std::fs::read_to_string(format!("{}.sha256", archive.display())).expect("sha file");
            assert!(sum.starts_with(&sha), "{sum}");
            let file = File::open(&archive).expect("open");
            let names = if gzip {
                tar_names(flate2::read::GzDecoder::new(file))
            } else {
                tar_names(file)
            };
            assert!(
                names.contains(&"000001-x/dinkes.k.go.id/index.html".to_string()),
                "{names:?}"
            );
        }
        // Nothing temporary is left.
        let left: Vec<_> = std::fs::read_dir(&dest)
            .expect("ls")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn keep_prunes_only_the_oldest_release_archives_and_nothing_else() {
        let d = tempfile::tempdir().expect("tmp");
        let dest = d.path();
        let names = [
            "000001-20261101T010000Z-aa.tar",
            "000002-20261102T010000Z-bb.tar.gz",
            "000003-20261103T010000Z-cc.tar",
            "000010-20261110T010000Z-dd.tar",
            "catatan-operator.tar",
            "12345-x.tar",
        ];
        for n in names {
            std::fs::write(dest.join(n), "x").expect("write");
            std::fs::write(dest.join(format!("{n}.sha256")), "x").expect("write");
        }
        let gone = prune(dest, 2).expect("prune");
        assert_eq!(
            gone,
            vec![
                "000001-20261101T010000Z-aa.tar".to_string(),
                "000002-20261102T010000Z-bb.tar.gz".to_string()
            ]
        );
        let mut left: Vec<String> = std::fs::read_dir(dest)
            .expect("ls")
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.ends_with(".sha256"))
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![
                "000003-20261103T010000Z-cc.tar",
                "000010-20261110T010000Z-dd.tar",
                "12345-x.tar",
                "catatan-operator.tar"
            ]
        );
        assert!(!dest.join("000001-20261101T010000Z-aa.tar.sha256").exists());
        assert!(dest.join("catatan-operator.tar.sha256").exists());
    }

    #[test]
    fn a_missing_destination_is_not_created() {
        let d = tempfile::tempdir().expect("tmp");
        let r = release(d.path());
        let dest = d.path().join("not-mounted");
        let (path, _) = write_verified(&Source::Release(r.clone()), "000001-x", &dest, false)
            .expect_err("missing");
        assert_eq!(path, dest);
        assert!(!dest.exists());
    }
}
