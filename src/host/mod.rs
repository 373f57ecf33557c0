//! `laman host`: the production server of the `dir` deploy target. It
//! serves every host of the release `DIR/current` points at, over HTTPS
//! with a certificate per host (ACME, TLS-ALPN-01 or HTTP-01, chosen by
//! SNI; or one certificate from files), and redirects plain HTTP to HTTPS.
//! Data flows `release` (what to serve) → `respond` (request → response)
//! with `acme` (certificates) and `server` (sockets, TLS, limits) at the
//! edges. The library never prints: everything worth telling the operator
//! is an `Event` sent to the caller.
//!
//! docs/host.md has the decisions (per-request pinning, HSTS, 421/404,
//! hidden files, throttle, timeouts).

pub mod acme;
pub mod admit;
pub mod cache;
pub mod files;
pub mod path;
pub mod release;
pub mod respond;
pub mod rules;
pub mod server;
pub mod throttle;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::host::acme::{AcmeOptions, Certs};
use crate::host::release::Current;
use crate::host::rules::RuleProblem;
use crate::host::server::Shared;

/// Where certificates come from.
#[derive(Debug, Clone)]
pub enum CertSource {
    /// ACME, one certificate per host.
    Acme(AcmeOptions),
    /// One PEM chain and key for every host it names (wildcard or SAN).
    Files {
        /// `--cert`.
        cert: PathBuf,
        /// `--key`.
        key: PathBuf,
    },
}

/// Limits against slow and idle clients.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to finish the TLS handshake (default 10 s).
    pub handshake_timeout: Duration,
    /// Time to send a request's headers, also the keep-alive idle limit (default 10 s).
    pub header_timeout: Duration,
    /// Time without any read or write progress (default 30 s).
    pub idle_timeout: Duration,
    /// Time a response write may wait for a client that takes no bytes
    /// (default 20 s).
    pub send_timeout: Duration,
    /// Open connections at most, HTTPS and HTTP together (default 4096).
    pub max_connections: usize,
    /// Open connections from one client address at most (default 256).
    pub max_per_ip: usize,
    /// Open connections from one IPv6 /64 at most (default 256).
    pub max_per_net: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            handshake_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            send_timeout: Duration::from_secs(20),
            max_connections: 4096,
            max_per_ip: 256,
            max_per_net: 256,
        }
    }
}

/// Everything `laman host` needs.
#[derive(Debug, Clone)]
pub struct HostOptions {
    /// The deploy root (holds `current` and `releases/`).
    pub root: PathBuf,
    /// HTTPS address (default `[::]:443`).
    pub https: SocketAddr,
    /// HTTP address (default `[::]:80`); `None` serves no plain HTTP.
    pub http: Option<SocketAddr>,
    /// Certificates.
    pub certs: CertSource,
    /// Timeouts and connection caps.
    pub limits: Limits,
    /// How often `current` is checked for new hosts (certificates); default 2 s.
    /// Content is pinned per request and needs no polling.
    pub sync_interval: Duration,
    /// HTTPS worker threads, each with its own runtime and `SO_REUSEPORT`
    /// listener (default: one per core).
    pub workers: usize,
}

/// What the server tells its operator.
#[derive(Debug, Clone)]
pub enum Event {
    /// Listening on an address.
    Listening {
        /// `https` or `http`.
        scheme: &'static str,
        /// The bound address.
        addr: SocketAddr,
    },
    /// A release is now served.
    Release {
        /// Its id.
        id: String,
        /// Its hosts.
        hosts: Vec<String>,
        /// Skipped lines of `_headers`/`_redirects` (host, problem).
        problems: Vec<(String, RuleProblem)>,
    },
    /// `current` could not be read or its release not loaded.
    ReleaseError {
        /// Why.
        error: String,
    },
    /// A certificate is in service.
    Certificate {
        /// The host.
        host: String,
        /// From the cache (else newly issued).
        cached: bool,
    },
    /// An ACME step failed for one host (it is retried with backoff).
    AcmeError {
        /// The host.
        host: String,
        /// What failed.
        error: String,
    },
    /// A new host waits for the new-certificate budget.
    Throttled {
        /// The host.
        host: String,
        /// Its registered domain.
        domain: String,
        /// Certificates issued in the window.
        spent: usize,
        /// When the next becomes free (unix seconds).
        until: u64,
    },
    /// A host left the current release and is no longer served.
    Removed {
        /// The host.
        host: String,
    },
    /// File mode: the certificate does not name this host; it is not served.
    NotCovered {
        /// The host.
        host: String,
    },
    /// The ACME cache had modes wider than 0700/0600; they were narrowed.
    CacheRepaired {
        /// The file or folder.
        path: PathBuf,
        /// Its old mode.
        was: u32,
    },
}

/// Where events go.
pub type EventSink = tokio::sync::mpsc::UnboundedSender<Event>;

/// The TLS server configuration: ring, TLS 1.2/1.3, HTTP/1.1 and
/// `acme-tls/1` (RFC 8737 validators offer only that protocol).
pub fn tls_config(
    certs: &Certs,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<rustls::ServerConfig>, Error> {
    let mut sc = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Usage(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(certs.dispatch.clone());
    sc.alpn_protocols = vec![b"http/1.1".to_vec(), b"acme-tls/1".to_vec()];
    Ok(Arc::new(sc))
}

/// Blocking threads per HTTPS worker for file reads.
pub const FILE_READ_THREADS: usize = 2;

async fn bind(addr: SocketAddr, flag: &str) -> Result<tokio::net::TcpListener, Error> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("{flag} {addr}: {e}")))
}

/// `n` listeners on one address with `SO_REUSEPORT`: the kernel spreads
/// connections over them, one per worker thread (nginx's `reuseport`).
fn bind_many(addr: SocketAddr, n: usize) -> Result<Vec<std::net::TcpListener>, Error> {
    let err = |e: std::io::Error| Error::Usage(format!("--https {addr}: {e}"));
    let mut out = Vec::with_capacity(n);
    let mut at = addr;
    for _ in 0..n.max(1) {
        let sock = if at.is_ipv4() {
            tokio::net::TcpSocket::new_v4()
        } else {
            tokio::net::TcpSocket::new_v6()
        }
        .map_err(err)?;
        sock.set_reuseaddr(true).map_err(err)?;
        sock.set_reuseport(true).map_err(err)?;
        sock.bind(at).map_err(err)?;
        let l = sock.listen(1024).map_err(err)?;
        // Port 0: the others join the port the first one got.
        at = l.local_addr().map_err(err)?;
        out.push(l.into_std().map_err(err)?);
    }
    Ok(out)
}

/// Runs the server until `shutdown` completes.
pub async fn run(
    opts: HostOptions,
    events: EventSink,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), Error> {
    if !opts.root.is_dir() {
        return Err(Error::io(
            &opts.root,
            std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs = match &opts.certs {
        CertSource::Acme(a) => {
            for r in cache::prepare(&a.cache, &opts.root.join("releases"))? {
                let _ = events.send(Event::CacheRepaired {
                    path: r.path,
                    was: r.was,
                });
            }
            Certs::acme(a.clone(), provider.clone(), events.clone())?
        }
        CertSource::Files { cert, key } => Certs::files(cert, key, &provider, events.clone())?,
    };
    let certs = Arc::new(certs);
    let tls = tls_config(&certs, provider)?;
    let https = bind_many(opts.https, opts.workers)?;
    let http = match opts.http {
        Some(a) => Some(bind(a, "--http").await?),
        None => None,
    };
    let https_addr = https[0]
        .local_addr()
        .map_err(|e| Error::io(&opts.root, e))?;
    let https_port = https_addr.port();
    let shared = Arc::new(Shared::new(
        Current::new(&opts.root),
        certs.clone(),
        opts.limits,
        https_port,
        events.clone(),
    ));
    let mut synced = None;
    if let Some(r) = shared.release() {
        certs.sync(&r);
        synced = Some(r.id.clone());
    }
    // Hosts with a cached certificate have it before the first handshake
    // (connections wait in the listen backlog meanwhile).
    certs.cached_loaded(Duration::from_secs(10)).await;
    let _ = events.send(Event::Listening {
        scheme: "https",
        addr: https_addr,
    });
    if let Some(addr) = http.as_ref().and_then(|l| l.local_addr().ok()) {
        let _ = events.send(Event::Listening {
            scheme: "http",
            addr,
        });
    }
    // HTTPS: one thread per listener, each with a single-threaded runtime,
    // so a connection never hops between cores. ACME, the sync and HTTP
    // stay on the caller's runtime. The threads end with the process.
    for l in https {
        let (tls, shared) = (tls.clone(), shared.clone());
        std::thread::Builder::new()
            .name("laman-https".into())
            .spawn(move || {
                // File reads of streamed downloads run on this pool, one
                // 64 KiB read at a time: no thread waits on a slow client.
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .max_blocking_threads(FILE_READ_THREADS)
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    if let Ok(l) = tokio::net::TcpListener::from_std(l) {
                        server::serve_https(l, tls, shared).await;
                    }
                });
            })
            .map_err(|e| Error::Usage(format!("thread: {e}")))?;
    }
    let mut tasks = Vec::new();
    if let Some(h) = http {
        tasks.push(tokio::spawn(server::serve_http(h, shared.clone())));
    }
    let ticker = {
        let shared = shared.clone();
        let interval = opts.sync_interval;
        tokio::spawn(async move {
            let mut last_full = tokio::time::Instant::now();
            loop {
                tokio::time::sleep(interval).await;
                let Some(r) = shared.release() else { continue };
                // A new release, or once a minute for hosts waiting on the throttle.
                if synced.as_deref() != Some(r.id.as_str())
                    || last_full.elapsed() > Duration::from_secs(60)
                {
                    shared.certs.sync(&r);
                    synced = Some(r.id.clone());
                    last_full = tokio::time::Instant::now();
                }
            }
        })
    };
    tasks.push(ticker);
    shutdown.await;
    for t in tasks {
        t.abort();
    }
    Ok(())
}
