//! The release being served. `current` (a relative symlink to
//! `releases/<id>`) is read once per request; when its target changed, the
//! new release is loaded (its `sites.json`, one open folder per host, the
//! parsed `_headers`/`_redirects`) and replaces the old one. A request
//! keeps the `Arc<Release>` it started with, so every lookup it makes is
//! answered from that one release even if `current` switches meanwhile.
//! A release that cannot be loaded is reported once and the previous one
//! stays in service.

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustix::fs::{Mode, OFlags};

use crate::error::Error;
use crate::host::files::HostFiles;
use crate::host::rules::{self, HeaderRule, Redirect, RuleProblem};
use crate::output::{MANIFEST, Manifest};

/// One host of a release.
#[derive(Debug)]
pub struct Site {
    /// `dinkes.cianjurkab.go.id`.
    pub host: String,
    /// Its folder `releases/<id>/<host>`, open, and the small files read.
    pub files: HostFiles,
    /// `_headers`.
    pub headers: Vec<HeaderRule>,
    /// `_redirects`.
    pub redirects: Vec<Redirect>,
}

/// A loaded release.
#[derive(Debug)]
pub struct Release {
    /// The release id (folder name).
    pub id: String,
    /// What `current` pointed at.
    pub target: PathBuf,
    /// The regency domain from sites.json.
    pub domain: String,
    /// Served hosts by name.
    pub hosts: HashMap<String, Arc<Site>>,
    /// Lines of rule files that were skipped.
    pub problems: Vec<(String, RuleProblem)>,
}

impl Release {
    /// Host names, sorted.
    pub fn host_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.hosts.keys().cloned().collect();
        v.sort();
        v
    }
}

fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Opens a folder for `openat2` lookups.
pub fn open_dir(path: &Path) -> std::io::Result<OwnedFd> {
    Ok(rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// Loads the release folder `dir` (holding sites.json and one folder per host).
pub fn load(dir: &Path, target: PathBuf) -> Result<Release, Error> {
    let mpath = dir.join(MANIFEST);
    let text = std::fs::read(&mpath).map_err(|e| Error::io(&mpath, e))?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| {
        Error::io(
            &mpath,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        )
    })?;
    let mut hosts = HashMap::new();
    let mut problems = Vec::new();
    for h in &manifest.hosts {
        // Only hosts whose files are in the release are served;
        // other_hosts belong to other servers and get no certificate here.
        if !valid_host(&h.host) {
            continue;
        }
        let hdir = dir.join(&h.host);
        let Ok(dirfd) = open_dir(&hdir) else {
            continue;
        };
        let read = |name: &str| std::fs::read_to_string(hdir.join(name)).unwrap_or_default();
        let (headers, p1) = rules::parse_headers(&read("_headers"));
        let (redirects, p2) = rules::parse_redirects(&read("_redirects"));
        problems.extend(p1.into_iter().chain(p2).map(|p| (h.host.clone(), p)));
        hosts.insert(
            h.host.clone(),
            Arc::new(Site {
                host: h.host.clone(),
                files: HostFiles::new(hdir, dirfd),
                headers,
                redirects,
            }),
        );
    }
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Release {
        id,
        target,
        domain: manifest.domain,
        hosts,
        problems,
    })
}

/// What `Current::get` found.
#[derive(Debug)]
pub enum Loaded {
    /// The same release as before.
    Same(Arc<Release>),
    /// A release loaded now.
    New(Arc<Release>),
    /// `current` points at something unusable; the previous release, if any, is kept.
    Failed {
        /// The previous release.
        kept: Option<Arc<Release>>,
        /// Why the new one failed (only reported the first time).
        error: Option<Error>,
    },
}

impl Loaded {
    /// The release to serve from.
    pub fn release(&self) -> Option<&Arc<Release>> {
        match self {
            Loaded::Same(r) | Loaded::New(r) => Some(r),
            Loaded::Failed { kept, .. } => kept.as_ref(),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    release: Option<Arc<Release>>,
    failed: Option<PathBuf>,
}

/// The `current` symlink of a deploy root and the release it points at.
#[derive(Debug)]
pub struct Current {
    root: PathBuf,
    link: PathBuf,
    state: Mutex<State>,
}

impl Current {
    /// `root` holds `current` and `releases/`.
    pub fn new(root: &Path) -> Current {
        Current {
            root: root.to_path_buf(),
            link: root.join("current"),
            state: Mutex::new(State::default()),
        }
    }

    /// Reads `current` and returns the release it points at.
    pub fn get(&self) -> Loaded {
        let target = std::fs::read_link(&self.link);
        let mut state = match self.state.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        let target = match target {
            Ok(t) => t,
            Err(e) => {
                let first = state.failed.as_deref() != Some(Path::new(""));
                state.failed = Some(PathBuf::new());
                return Loaded::Failed {
                    kept: state.release.clone(),
                    error: first.then(|| Error::io(&self.link, e)),
                };
            }
        };
        if let Some(r) = &state.release {
            if r.target == target {
                return Loaded::Same(r.clone());
            }
        }
        if state.failed.as_ref() == Some(&target) {
            return Loaded::Failed {
                kept: state.release.clone(),
                error: None,
            };
        }
        match load(&self.root.join(&target), target.clone()) {
            Ok(r) => {
                let r = Arc::new(r);
                state.release = Some(r.clone());
                state.failed = None;
                Loaded::New(r)
            }
            Err(e) => {
                state.failed = Some(target);
                Loaded::Failed {
                    kept: state.release.clone(),
                    error: Some(e),
                }
            }
        }
    }
}
