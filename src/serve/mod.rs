//! `laman serve`: the editors' preview. Every site is rendered into memory
//! and served at `http://<subdomain>.localhost:PORT/`, with an index of all
//! sites at `http://localhost:PORT/`. sites/, themes/ and laman.toml are
//! watched; a change re-renders only what it touches (`state`), open tabs
//! reload through Server-Sent Events, and each page shows its rule
//! findings in an overlay. A broken edit shows its error in the browser and
//! in the terminal; the server keeps running. See docs/serve.md.

pub mod affect;
pub mod http;
pub mod packed;
pub mod pages;
pub mod state;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::broadcast;

use crate::diagnostic::Lang;
use crate::error::Error;
pub use state::{Rebuilt, Scope};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Project root.
    pub root: PathBuf,
    /// Address to listen on (default 127.0.0.1).
    pub bind: IpAddr,
    /// Port (0: any free one; the `Listening` event says which).
    pub port: u16,
    /// Only these sites (folder names); empty = all.
    pub only: Vec<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Language of the pages and overlay laman makes.
    pub lang: Lang,
}

/// What the server reports to its caller (the CLI prints these).
#[derive(Debug, Clone)]
pub enum Event {
    /// The first build is done and the server accepts connections.
    Listening {
        /// `http://localhost:PORT/`.
        index: String,
        /// Each site: folder name and preview URL.
        sites: Vec<(String, String)>,
        /// The first build.
        first: Rebuilt,
    },
    /// A change was rebuilt.
    Rebuilt(Rebuilt),
    /// Watching stopped working (the preview no longer follows edits).
    WatchFailed(String),
}

/// Serves until the process is stopped. `on_event` receives what happens.
pub fn serve(
    opts: ServeOptions,
    on_event: impl Fn(Event) + Send + Sync + 'static,
) -> Result<(), Error> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| Error::io(&opts.root, e))?;
    if !root.join("laman.toml").is_file() {
        return Err(Error::io(
            root.join("laman.toml"),
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    if let Some(s) = opts
        .only
        .iter()
        .find(|s| !root.join("sites").join(s).join("site.toml").is_file())
    {
        return Err(Error::UnknownSite(s.clone()));
    }
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener =
        std::net::TcpListener::bind(addr).map_err(|e| Error::Usage(format!("{addr}: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("{addr}: {e}")))?
        .port();
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Usage(format!("{addr}: {e}")))?;

    // Watch before the first build, so an edit made during it is not lost.
    let watched = watch::start(&root);
    let project = Arc::new(RwLock::new(state::Project::new(
        &root,
        opts.only.clone(),
        opts.drafts,
        port,
    )));
    let (reloads, _) = broadcast::channel(64);
    let on_event = Arc::new(on_event);
    // One thread renders everything: the first build and every rebuild.
    // The allocator keeps a thread's freed memory for that thread, so a
    // whole-regency render (a template edit) reuses the memory of the
    // render it replaces instead of taking as much again (50,000 pages:
    // 939 → 1,177 MiB after one template edit when the first build ran
    // on another thread; docs/serve.md, "Memory").
    let (first_tx, first_rx) = std::sync::mpsc::channel();
    {
        let (project, reloads, on_event, root) = (
            project.clone(),
            reloads.clone(),
            on_event.clone(),
            root.clone(),
        );
        std::thread::Builder::new()
            .name("laman-render".into())
            .spawn(move || {
                let first = lock(&project).rebuild_all();
                let _ = first_tx.send(first);
                match watched {
                    Ok((watcher, rx)) => follow(&project, &root, watcher, rx, &reloads, &*on_event),
                    Err(e) => on_event(Event::WatchFailed(e.to_string())),
                }
            })
            .map_err(|e| Error::Usage(format!("thread: {e}")))?;
    }
    let first = first_rx
        .recv()
        .map_err(|_| Error::Usage("the first render failed".into()))?;
    let sites = lock(&project)
        .sites
        .values()
        .map(|s| (s.site.slug.clone(), format!("{}/", s.base_url)))
        .collect();
    let shared = http::Shared {
        project: project.clone(),
        reloads,
        lang: opts.lang,
        port,
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(e.to_string()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::Usage(format!("{addr}: {e}")))?;
        on_event(Event::Listening {
            index: format!("http://localhost:{port}/"),
            sites,
            first,
        });
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| http::handle(req, shared.clone()));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

/// The project, written to (a poisoned lock is taken over: the state is
/// rebuilt from disk by the next change anyway).
fn lock(project: &RwLock<state::Project>) -> std::sync::RwLockWriteGuard<'_, state::Project> {
    project
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Applies every change the watcher reports, until it stops.
fn follow(
    project: &RwLock<state::Project>,
    root: &std::path::Path,
    _watcher: notify::RecommendedWatcher,
    rx: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    reloads: &broadcast::Sender<http::Reload>,
    on_event: &(dyn Fn(Event) + Send + Sync),
) {
    while let Some(change) = watch::next_change(&rx, root) {
        // A bug must not take the preview down: report it and start over
        // from disk.
        let done = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rebuild(project, &change)
        })) {
            Ok(done) => done,
            Err(_) => {
                on_event(Event::WatchFailed(format!("rebuild of {change:?} failed")));
                rebuild(project, &watch::Change::All)
            }
        };
        let what = describe(&done);
        let _ = reloads.send(http::Reload {
            sites: done.sites.clone(),
            what,
        });
        // The site rules run after the reload is on its way
        // (docs/serve.md); the terminal line counts them.
        let done = lock(project).finish(done);
        on_event(Event::Rebuilt(done));
    }
    on_event(Event::WatchFailed("watcher stopped".into()));
}

/// Applies one batch of changes to the project.
fn rebuild(project: &RwLock<state::Project>, change: &watch::Change) -> Rebuilt {
    let mut p = lock(project);
    let start = std::time::Instant::now();
    let results: Vec<Rebuilt> = match change {
        watch::Change::All => return p.rebuild_all(),
        watch::Change::Sites(sites) => sites.iter().map(|s| p.rebuild_site(s)).collect(),
        watch::Change::Pages(pages) => pages
            .iter()
            .map(|(site, rel)| p.rebuild_page(site, rel))
            .collect(),
    };
    merge(results, start.elapsed())
}

/// One result for a batch: the single one as is, several combined.
fn merge(mut results: Vec<Rebuilt>, elapsed: std::time::Duration) -> Rebuilt {
    if results.len() == 1
        && let Some(r) = results.pop()
    {
        return r;
    }
    let mut names: Vec<String> = Vec::new();
    let mut all = false;
    let mut tallies = std::collections::BTreeMap::new();
    let mut out = Rebuilt {
        scope: Scope::All,
        sites: None,
        rendered: 0,
        elapsed,
        errors: Vec::new(),
        findings: Vec::new(),
        tally: Default::default(),
        regency: Default::default(),
        phases: Vec::new(),
    };
    for r in results {
        match (&r.scope, &r.sites) {
            (Scope::All, _) | (_, None) => all = true,
            (_, Some(sites)) => {
                for s in sites {
                    if !names.contains(s) {
                        names.push(s.clone());
                    }
                }
            }
        }
        out.rendered += r.rendered;
        for e in r.errors {
            if !out.errors.contains(&e) {
                out.errors.push(e);
            }
        }
        out.findings.extend(r.findings);
        // The tally covers whole sites: count each site once (its latest).
        let key = r
            .sites
            .as_ref()
            .map_or_else(|| "*".to_string(), |s| s.join(","));
        tallies.insert(key, r.tally);
        out.regency = r.regency;
    }
    for t in tallies.values() {
        out.tally.add(*t);
    }
    if !all {
        out.scope = Scope::Site(names.join(", "));
        out.sites = Some(names);
    }
    out
}

fn describe(r: &Rebuilt) -> String {
    match &r.scope {
        Scope::Page { site, rel } => format!("{site}/{rel}"),
        Scope::Site(s) => s.clone(),
        Scope::All => "*".to_string(),
    }
}
