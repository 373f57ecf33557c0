//! Certificates, chosen by SNI. `Dispatch` is the rustls certificate
//! resolver: a table from host name to that host's resolver; a name not
//! in the table gets no certificate (the handshake is refused). In ACME
//! mode every host has its own rustls-acme state (one order, one
//! certificate, TLS-ALPN-01 or HTTP-01), so a host whose DNS is wrong
//! fails alone. New hosts are started only while the throttle has budget;
//! the others wait and are retried on every sync. In file mode the one
//! certificate from `--cert`/`--key` serves every host it names.

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use futures_util::StreamExt as _;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject as _};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_acme::{AcmeConfig, EventOk, ResolvesServerCertAcme, UseChallenge};

use crate::error::Error;
use crate::host::cache::SecureCache;
use crate::host::release::Release;
use crate::host::throttle::{self, Throttle};
use crate::host::{Event, EventSink};

/// The SNI → certificate table the TLS server consults.
#[derive(Debug, Default)]
pub struct Dispatch {
    by_name: RwLock<HashMap<String, Arc<dyn ResolvesServerCert>>>,
}

impl Dispatch {
    fn set(&self, host: &str, r: Option<Arc<dyn ResolvesServerCert>>) {
        let mut t = match self.by_name.write() {
            Ok(t) => t,
            Err(p) => p.into_inner(),
        };
        match r {
            Some(r) => t.insert(host.to_string(), r),
            None => t.remove(host),
        };
    }
    fn names(&self) -> BTreeSet<String> {
        match self.by_name.read() {
            Ok(t) => t.keys().cloned().collect(),
            Err(p) => p.into_inner().keys().cloned().collect(),
        }
    }
}

impl ResolvesServerCert for Dispatch {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let sni = hello
            .server_name()?
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let r = match self.by_name.read() {
            Ok(t) => t.get(&sni).cloned(),
            Err(p) => p.into_inner().get(&sni).cloned(),
        }?;
        r.resolve(hello)
    }
}

/// Where ACME certificates come from.
#[derive(Debug, Clone)]
pub struct AcmeOptions {
    /// Directory URL (Let's Encrypt staging by default).
    pub directory: String,
    /// PEM file of the CA that signs the ACME server's HTTPS certificate
    /// (tests: pebble); `None` trusts the webpki roots.
    pub ca_root: Option<PathBuf>,
    /// The cache folder.
    pub cache: PathBuf,
    /// `mailto:` contacts.
    pub contact: Vec<String>,
    /// HTTP-01 instead of TLS-ALPN-01.
    pub http01: bool,
    /// New certificates per registered domain per window.
    pub throttle_limit: usize,
    /// The throttle window, seconds.
    pub throttle_window: u64,
}

/// Let's Encrypt's staging directory (the default).
pub const LE_STAGING: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";
/// Let's Encrypt's production directory (`--production`).
pub const LE_PRODUCTION: &str = "https://acme-v02.api.letsencrypt.org/directory";

struct Running {
    resolver: Arc<ResolvesServerCertAcme>,
    task: tokio::task::JoinHandle<()>,
}

/// The certificate side of the server.
pub struct Certs {
    /// The resolver handed to rustls.
    pub dispatch: Arc<Dispatch>,
    mode: Mode,
    events: EventSink,
    /// One per started host whose certificate is in the ACME cache: fires
    /// once that certificate is loaded (or its load failed). `None` once
    /// [`Certs::cached_loaded`] has taken them: later hosts are not waited on.
    loading: Mutex<Option<Vec<tokio::sync::oneshot::Receiver<()>>>>,
}

impl std::fmt::Debug for Certs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certs").finish_non_exhaustive()
    }
}

enum Mode {
    Acme {
        opts: AcmeOptions,
        client: Arc<rustls::ClientConfig>,
        cache: SecureCache,
        throttle: Box<Mutex<Throttle>>,
        running: Mutex<HashMap<String, Running>>,
        waiting: Mutex<BTreeSet<String>>,
    },
    Files {
        key: Arc<CertifiedKey>,
        names: Vec<String>,
        warned: Mutex<BTreeSet<String>>,
    },
}

struct Fixed(Arc<CertifiedKey>);

impl std::fmt::Debug for Fixed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fixed")
    }
}

impl ResolvesServerCert for Fixed {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

fn now_secs() -> u64 {
    crate::host::files::unix_secs(std::time::SystemTime::now())
}

impl Certs {
    /// ACME mode; the cache must be `prepare`d.
    pub fn acme(
        opts: AcmeOptions,
        provider: Arc<CryptoProvider>,
        events: EventSink,
    ) -> Result<Certs, Error> {
        let mut roots = rustls::RootCertStore::empty();
        match &opts.ca_root {
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            Some(path) => {
                let certs = CertificateDer::pem_file_iter(path)
                    .map_err(|e| Error::Usage(format!("--acme-ca-root {}: {e}", path.display())))?;
                for c in certs {
                    let c = c.map_err(|e| {
                        Error::Usage(format!("--acme-ca-root {}: {e}", path.display()))
                    })?;
                    roots.add(c).map_err(|e| {
                        Error::Usage(format!("--acme-ca-root {}: {e}", path.display()))
                    })?;
                }
            }
        }
        let client = Arc::new(
            rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|e| Error::Usage(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth(),
        );
        let throttle = Throttle::load(
            &opts.cache.join("throttle.json"),
            opts.throttle_limit,
            opts.throttle_window,
        )?;
        let cache = SecureCache::new(&opts.cache);
        Ok(Certs {
            dispatch: Arc::new(Dispatch::default()),
            mode: Mode::Acme {
                opts,
                client,
                cache,
                throttle: Box::new(Mutex::new(throttle)),
                running: Mutex::new(HashMap::new()),
                waiting: Mutex::new(BTreeSet::new()),
            },
            events,
            loading: Mutex::new(Some(Vec::new())),
        })
    }

    /// File mode: a certificate chain and its key (PEM).
    pub fn files(
        cert: &std::path::Path,
        key: &std::path::Path,
        provider: &CryptoProvider,
        events: EventSink,
    ) -> Result<Certs, Error> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| Error::Usage(format!("--cert {}: {e}", cert.display())))?;
        if chain.is_empty() {
            return Err(Error::Usage(format!(
                "--cert {}: no certificate in the file",
                cert.display()
            )));
        }
        let der = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| Error::Usage(format!("--key {}: {e}", key.display())))?;
        let signing = provider
            .key_provider
            .load_private_key(der)
            .map_err(|e| Error::Usage(format!("--key {}: {e}", key.display())))?;
        let ck = CertifiedKey::new(chain.clone(), signing);
        ck.keys_match()
            .map_err(|e| Error::Usage(format!("--cert/--key: {e}")))?;
        let names = sans(&chain[0]);
        Ok(Certs {
            dispatch: Arc::new(Dispatch::default()),
            mode: Mode::Files {
                key: Arc::new(ck),
                names,
                warned: Mutex::new(BTreeSet::new()),
            },
            events,
            loading: Mutex::new(Some(Vec::new())),
        })
    }

    /// The key authorisation for an HTTP-01 token of `host`, if one is pending.
    pub fn http01(&self, host: &str, token: &str) -> Option<String> {
        match &self.mode {
            Mode::Acme { running, opts, .. } if opts.http01 => running
                .lock()
                .ok()?
                .get(host)?
                .resolver
                .get_http_01_key_auth(token),
            _ => None,
        }
    }

    /// Makes the served names those of `release`: new hosts get a
    /// certificate (ACME state or the file certificate), removed hosts
    /// lose theirs. Waiting hosts are retried.
    pub fn sync(&self, release: &Release) {
        let wanted: BTreeSet<String> = release.hosts.keys().cloned().collect();
        match &self.mode {
            Mode::Files { key, names, warned } => {
                for gone in self.dispatch.names().difference(&wanted) {
                    self.dispatch.set(gone, None);
                }
                let mut warned = match warned.lock() {
                    Ok(w) => w,
                    Err(p) => p.into_inner(),
                };
                for host in &wanted {
                    if covers(names, host) {
                        self.dispatch.set(host, Some(Arc::new(Fixed(key.clone()))));
                    } else if warned.insert(host.clone()) {
                        let _ = self.events.send(Event::NotCovered { host: host.clone() });
                    }
                }
            }
            Mode::Acme {
                running, waiting, ..
            } => {
                let mut run = match running.lock() {
                    Ok(r) => r,
                    Err(p) => p.into_inner(),
                };
                let gone: Vec<String> = run
                    .keys()
                    .filter(|h| !wanted.contains(*h))
                    .cloned()
                    .collect();
                for host in gone {
                    if let Some(r) = run.remove(&host) {
                        r.task.abort();
                    }
                    self.dispatch.set(&host, None);
                    let _ = self.events.send(Event::Removed { host });
                }
                if let Ok(mut w) = waiting.lock() {
                    w.retain(|h| wanted.contains(h));
                }
                let new: Vec<&String> = wanted.iter().filter(|h| !run.contains_key(*h)).collect();
                for host in new {
                    if let Some(r) = self.start(host, &release.domain) {
                        self.dispatch.set(host, Some(r.resolver.clone()));
                        run.insert(host.clone(), r);
                    }
                }
            }
        }
    }

    /// Waits, at most `limit`, until every started host whose certificate
    /// was in the cache has it loaded: a restarted server answers those
    /// hosts from its first connection on, not after a race.
    pub async fn cached_loaded(&self, limit: std::time::Duration) {
        let pending = match self.loading.lock() {
            Ok(mut l) => l.take(),
            Err(p) => p.into_inner().take(),
        }
        .unwrap_or_default();
        let _ = tokio::time::timeout(limit, futures_util::future::join_all(pending)).await;
    }

    fn start(&self, host: &str, regency: &str) -> Option<Running> {
        let Mode::Acme {
            opts,
            client,
            cache,
            throttle,
            waiting,
            ..
        } = &self.mode
        else {
            return None;
        };
        let cached = cache.has_cert(host, &opts.directory);
        if !cached {
            let domain = throttle::registered_domain(host, regency);
            let mut t = match throttle.lock() {
                Ok(t) => t,
                Err(p) => p.into_inner(),
            };
            if let Err(w) = t.take(&domain, host, now_secs()) {
                let mut waiting = match waiting.lock() {
                    Ok(w) => w,
                    Err(p) => p.into_inner(),
                };
                if waiting.insert(host.to_string()) {
                    let _ = self.events.send(Event::Throttled {
                        host: host.to_string(),
                        domain,
                        spent: w.spent,
                        until: w.until,
                    });
                }
                return None;
            }
            if let Ok(mut w) = waiting.lock() {
                w.remove(host);
            }
        }
        let cfg = AcmeConfig::<Infallible>::new_with_client_config([host], client.clone())
            .directory(&opts.directory)
            .contact(opts.contact.iter())
            .challenge_type(if opts.http01 {
                UseChallenge::Http01
            } else {
                UseChallenge::TlsAlpn01
            });
        let mut state = cfg.cache(cache.clone()).state();
        let resolver = state.resolver();
        let events = self.events.clone();
        let name = host.to_string();
        // The state's first event is the cache load; `loaded` says it came
        // (to the start-up wait only).
        let mut loaded = None;
        if cached {
            let mut waiting = self.loading.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(w) = waiting.as_mut() {
                let (tx, rx) = tokio::sync::oneshot::channel();
                loaded = Some(tx);
                w.push(rx);
            }
        }
        let task = tokio::spawn(async move {
            while let Some(ev) = state.next().await {
                if let Some(tx) = loaded.take() {
                    let _ = tx.send(());
                }
                let ev = match ev {
                    Ok(EventOk::DeployedCachedCert) => Event::Certificate {
                        host: name.clone(),
                        cached: true,
                    },
                    Ok(EventOk::DeployedNewCert) => Event::Certificate {
                        host: name.clone(),
                        cached: false,
                    },
                    Ok(_) => continue,
                    Err(e) => Event::AcmeError {
                        host: name.clone(),
                        error: e.to_string(),
                    },
                };
                let _ = events.send(ev);
            }
        });
        Some(Running { resolver, task })
    }
}

impl Drop for Certs {
    fn drop(&mut self) {
        if let Mode::Acme { running, .. } = &self.mode {
            if let Ok(r) = running.lock() {
                for run in r.values() {
                    run.task.abort();
                }
            }
        }
    }
}

/// The DNS names of a certificate (SAN, else CN).
fn sans(der: &CertificateDer<'_>) -> Vec<String> {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::DNSName(d) = n {
                out.push(d.to_ascii_lowercase());
            }
        }
    }
    if out.is_empty() {
        for cn in cert.subject().iter_common_name() {
            if let Ok(s) = cn.as_str() {
                out.push(s.to_ascii_lowercase());
            }
        }
    }
    out
}

/// True when one of `names` (exact or `*.` wildcard of one label) covers `host`.
pub fn covers(names: &[String], host: &str) -> bool {
    names.iter().any(|n| match n.strip_prefix("*.") {
        Some(base) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == base),
        None => n == host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label() {
        let names = vec!["*.k.go.id".to_string(), "k.go.id".to_string()];
        assert!(covers(&names, "dinkes.k.go.id"));
        assert!(covers(&names, "k.go.id"));
        assert!(!covers(&names, "a.b.k.go.id"));
        assert!(!covers(&names, "k2.go.id"));
    }
}
