//! The ACME cache: account keys, certificates and their private keys, and
//! the throttle record, in one folder outside the releases. The folder is
//! created 0700 and repaired to 0700 when it is wider; every file is
//! written 0600, atomically (temporary file, fsync, rename), so a crash
//! never leaves half a key. File names say what they hold:
//! `cert-<host>-<directory digest>.pem`, `account-<digest>.key`.

use std::future::Future;
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::pin::Pin;

use rustls_acme::{AccountCache, CertCache};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// Something `prepare` had to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    /// The file or folder.
    pub path: PathBuf,
    /// Its mode before (the new one is 0700 for the folder, 0600 for files).
    pub was: u32,
}

/// Creates the cache folder (0700) or repairs the modes of an existing one.
/// Refuses a cache inside `releases` (a release is public).
pub fn prepare(dir: &Path, releases: &Path) -> Result<Vec<Repaired>, Error> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(dir, e))?;
    let canon = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    if let Ok(rel) = releases.canonicalize() {
        if canon.starts_with(&rel) {
            return Err(Error::Usage(format!(
                "--acme-cache {} is inside {}: private keys must stay outside the published releases",
                dir.display(),
                releases.display()
            )));
        }
    }
    let mut repaired = Vec::new();
    let meta = std::fs::metadata(&canon).map_err(|e| Error::io(&canon, e))?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        std::fs::set_permissions(&canon, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(&canon, e))?;
        repaired.push(Repaired {
            path: canon.clone(),
            was: mode,
        });
    }
    for entry in std::fs::read_dir(&canon).map_err(|e| Error::io(&canon, e))? {
        let entry = entry.map_err(|e| Error::io(&canon, e))?;
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
        let mode = meta.permissions().mode() & 0o7777;
        if meta.is_file() && mode & 0o077 != 0 {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| Error::io(&path, e))?;
            repaired.push(Repaired { path, was: mode });
        }
    }
    Ok(repaired)
}

/// Writes `bytes` to `path` with mode 0600, atomically.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    crate::output::hex(&h.finalize()[..8])
}

/// The cache as rustls-acme sees it.
#[derive(Debug, Clone)]
pub struct SecureCache {
    dir: PathBuf,
}

impl SecureCache {
    /// A cache in `dir` (already `prepare`d).
    pub fn new(dir: &Path) -> SecureCache {
        SecureCache {
            dir: dir.to_path_buf(),
        }
    }

    /// Where the certificate of `domains` from `directory` is kept.
    pub fn cert_path(&self, domains: &[String], directory: &str) -> PathBuf {
        let name: String = domains
            .join(",")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ',' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir
            .join(format!("cert-{name}-{}.pem", digest(&[directory])))
    }

    fn account_path(&self, contact: &[String], directory: &str) -> PathBuf {
        let mut parts: Vec<&str> = contact.iter().map(String::as_str).collect();
        parts.push(directory);
        self.dir.join(format!("account-{}.key", digest(&parts)))
    }

    /// True when a certificate for `host` from `directory` is cached.
    pub fn has_cert(&self, host: &str, directory: &str) -> bool {
        self.cert_path(&[host.to_string()], directory).is_file()
    }
}

fn read_optional(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl CertCache for SecureCache {
    type EC = std::io::Error;
    fn load_cert<'a, 'b, 'c, 'd>(
        &'a self,
        domains: &'b [String],
        directory_url: &'c str,
    ) -> BoxFuture<'d, Result<Option<Vec<u8>>, std::io::Error>>
    where
        'a: 'd,
        'b: 'd,
        'c: 'd,
        Self: 'd,
    {
        let path = self.cert_path(domains, directory_url);
        Box::pin(async move { read_optional(&path) })
    }
    fn store_cert<'a, 'b, 'c, 'e, 'd>(
        &'a self,
        domains: &'b [String],
        directory_url: &'c str,
        cert: &'e [u8],
    ) -> BoxFuture<'d, Result<(), std::io::Error>>
    where
        'a: 'd,
        'b: 'd,
        'c: 'd,
        'e: 'd,
        Self: 'd,
    {
        let path = self.cert_path(domains, directory_url);
        Box::pin(async move { write_private(&path, cert) })
    }
}

impl AccountCache for SecureCache {
    type EA = std::io::Error;
    fn load_account<'a, 'b, 'c, 'd>(
        &'a self,
        contact: &'b [String],
        directory_url: &'c str,
    ) -> BoxFuture<'d, Result<Option<Vec<u8>>, std::io::Error>>
    where
        'a: 'd,
        'b: 'd,
        'c: 'd,
        Self: 'd,
    {
        let path = self.account_path(contact, directory_url);
        Box::pin(async move { read_optional(&path) })
    }
    fn store_account<'a, 'b, 'c, 'e, 'd>(
        &'a self,
        contact: &'b [String],
        directory_url: &'c str,
        account: &'e [u8],
    ) -> BoxFuture<'d, Result<(), std::io::Error>>
    where
        'a: 'd,
        'b: 'd,
        'c: 'd,
        'e: 'd,
        Self: 'd,
    {
        let path = self.account_path(contact, directory_url);
        Box::pin(async move { write_private(&path, account) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_0700_and_repairs_wider_modes() {
        let t = tempfile::tempdir().expect("tempdir");
        let dir = t.path().join("acme");
        assert!(
            prepare(&dir, &t.path().join("releases"))
                .expect("prepare")
                .is_empty()
        );
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        write_private(&dir.join("k"), b"secret").expect("write");
        assert_eq!(mode(&dir.join("k")), 0o600);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::set_permissions(dir.join("k"), std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        let fixed = prepare(&dir, &t.path().join("releases")).expect("prepare");
        assert_eq!(fixed.len(), 2);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("k")), 0o600);
    }

    #[test]
    fn refuses_a_cache_inside_the_releases() {
        let t = tempfile::tempdir().expect("tempdir");
        let releases = t.path().join("releases");
        std::fs::create_dir_all(&releases).expect("mkdir");
        let err = prepare(&releases.join("r1/acme"), &releases).expect_err("refused");
        assert!(
            err.to_string().contains("outside the published releases"),
            "{err}"
        );
    }
}
