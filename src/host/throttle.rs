//! The new-certificate budget: at most `limit` new certificates per
//! registered domain in any rolling window (Let's Encrypt: 50 per
//! registered domain per 7 days; `go.id` is a public suffix, so every
//! agency of a regency shares the regency's budget). A host that already
//! has a certificate in the cache renews without spending budget. The
//! record is a small JSON file in the ACME cache, written atomically, so a
//! restart does not forget what was spent. Pure apart from `load`/`save`;
//! "now" is always passed in.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Let's Encrypt's limit of new certificates per registered domain.
pub const DEFAULT_LIMIT: usize = 50;
/// Let's Encrypt's window: 7 days, in seconds.
pub const DEFAULT_WINDOW: u64 = 7 * 24 * 3600;

/// One new certificate asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// Registered domain the budget belongs to.
    pub domain: String,
    /// The host.
    pub host: String,
    /// Unix seconds.
    pub at: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    issued: Vec<Issued>,
}

/// The budget and what was spent of it.
#[derive(Debug)]
pub struct Throttle {
    path: Option<PathBuf>,
    limit: usize,
    window: u64,
    record: Record,
}

impl Throttle {
    /// An in-memory throttle (tests).
    pub fn new(limit: usize, window: u64) -> Throttle {
        Throttle {
            path: None,
            limit,
            window,
            record: Record::default(),
        }
    }

    /// Loads the record at `path` (a missing file is an empty record).
    pub fn load(path: &Path, limit: usize, window: u64) -> Result<Throttle, Error> {
        let record = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::io(
                    path,
                    std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Record::default(),
            Err(e) => return Err(Error::io(path, e)),
        };
        Ok(Throttle {
            path: Some(path.to_path_buf()),
            limit,
            window,
            record,
        })
    }

    /// Spends one new certificate of `domain` for `host` at `now`, or
    /// returns when the next one becomes free (unix seconds).
    pub fn take(&mut self, domain: &str, host: &str, now: u64) -> Result<(), Waiting> {
        let since = now.saturating_sub(self.window);
        self.record.issued.retain(|i| i.at > since);
        let spent: Vec<u64> = self
            .record
            .issued
            .iter()
            .filter(|i| i.domain == domain)
            .map(|i| i.at)
            .collect();
        if spent.len() >= self.limit {
            let oldest = spent.iter().copied().min().unwrap_or(now);
            return Err(Waiting {
                spent: spent.len(),
                until: oldest + self.window,
            });
        }
        self.record.issued.push(Issued {
            domain: domain.to_string(),
            host: host.to_string(),
            at: now,
        });
        if let Some(path) = &self.path {
            let bytes = serde_json::to_vec_pretty(&self.record).unwrap_or_default();
            crate::host::cache::write_private(path, &bytes).map_err(|_| Waiting {
                spent: spent.len(),
                until: now + 60,
            })?;
        }
        Ok(())
    }
}

/// The budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// New certificates in the window.
    pub spent: usize,
    /// When the oldest leaves the window (unix seconds).
    pub until: u64,
}

/// The registered domain of `host`: the regency domain of the release when
/// the host is under it, otherwise the last two labels.
pub fn registered_domain(host: &str, regency: &str) -> String {
    if host == regency || host.ends_with(&format!(".{regency}")) {
        return regency.to_string();
    }
    let labels: Vec<&str> = host.rsplitn(3, '.').collect();
    match labels.as_slice() {
        [tld, name, _] => format!("{name}.{tld}"),
        _ => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spends_the_budget_then_waits_for_the_window() {
        let mut t = Throttle::new(2, 100);
        assert_eq!(t.take("k.go.id", "a.k.go.id", 10), Ok(()));
        assert_eq!(t.take("k.go.id", "b.k.go.id", 20), Ok(()));
        assert_eq!(
            t.take("k.go.id", "c.k.go.id", 30),
            Err(Waiting {
                spent: 2,
                until: 110
            })
        );
        // Another registered domain has its own budget.
        assert_eq!(t.take("l.go.id", "a.l.go.id", 30), Ok(()));
        // The first one left the window.
        assert_eq!(t.take("k.go.id", "c.k.go.id", 111), Ok(()));
    }

    #[test]
    fn persists_what_was_spent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("throttle.json");
        let mut t = Throttle::load(&path, 1, 100).expect("load");
        assert_eq!(t.take("k.go.id", "a.k.go.id", 10), Ok(()));
        let mut again = Throttle::load(&path, 1, 100).expect("reload");
        assert!(again.take("k.go.id", "b.k.go.id", 11).is_err());
    }

    #[test]
    fn finds_the_registered_domain() {
        assert_eq!(
            registered_domain("dinkes.cianjurkab.go.id", "cianjurkab.go.id"),
            "cianjurkab.go.id"
        );
        assert_eq!(
            registered_domain("cianjurkab.go.id", "cianjurkab.go.id"),
            "cianjurkab.go.id"
        );
        assert_eq!(
            registered_domain("a.b.example.org", "x.go.id"),
            "example.org"
        );
    }
}
