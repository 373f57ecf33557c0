//! `laman host --root DIR`: arguments → `HostOptions` → the server, with
//! its events printed one per line on stderr (Indonesian by default).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use laman::Lang;
use laman::host::acme::{AcmeOptions, LE_PRODUCTION, LE_STAGING};
use laman::host::throttle::{DEFAULT_LIMIT, DEFAULT_WINDOW};
use laman::host::{self, CertSource, Event, HostOptions, Limits};

use super::exit::{ExitCode, Stop};
use super::out;

#[derive(Debug, Args)]
pub struct HostArgs {
    /// Deploy root: holds `current` -> releases/<id>.
    #[arg(long)]
    root: PathBuf,
    /// HTTPS address.
    #[arg(long, default_value = "[::]:443")]
    https: SocketAddr,
    /// HTTP address (redirects to HTTPS).
    #[arg(long, default_value = "[::]:80")]
    http: SocketAddr,
    /// Serve no plain HTTP at all.
    #[arg(long)]
    no_http: bool,
    /// ACME directory URL [default: Let's Encrypt staging].
    #[arg(long, conflicts_with = "production")]
    acme_directory: Option<String>,
    /// Use Let's Encrypt production.
    #[arg(long)]
    production: bool,
    /// PEM file of the CA of the ACME server's HTTPS certificate (tests).
    #[arg(long)]
    acme_ca_root: Option<PathBuf>,
    /// ACME cache (keys and certificates), created 0700 [default: <root>/acme].
    #[arg(long)]
    acme_cache: Option<PathBuf>,
    /// ACME contact, `mailto:…`; repeatable.
    #[arg(long = "acme-contact")]
    acme_contact: Vec<String>,
    /// Use HTTP-01 (answered on --http) instead of TLS-ALPN-01.
    #[arg(long)]
    http01: bool,
    /// New certificates per registered domain per window.
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    cert_limit: usize,
    /// The window of --cert-limit, in hours.
    #[arg(long, default_value_t = DEFAULT_WINDOW / 3600)]
    cert_window_hours: u64,
    /// Certificate chain (PEM) for every host it names: no ACME.
    #[arg(long, requires = "key", conflicts_with_all = ["acme_directory", "production", "http01"])]
    cert: Option<PathBuf>,
    /// Private key (PEM) of --cert.
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,
    /// Seconds to finish the TLS handshake.
    #[arg(long, default_value_t = 10.0)]
    handshake_timeout: f64,
    /// Seconds to send request headers (also the keep-alive idle limit).
    #[arg(long, default_value_t = 10.0)]
    header_timeout: f64,
    /// Seconds without any progress before a connection is closed.
    #[arg(long, default_value_t = 30.0)]
    idle_timeout: f64,
    /// Seconds a response may wait for a client that takes no bytes.
    #[arg(long, default_value_t = 20.0)]
    send_timeout: f64,
    /// Open connections at most (a quarter kept for new addresses).
    #[arg(long, default_value_t = 4096)]
    max_connections: usize,
    /// Open connections from one address at most.
    #[arg(long, default_value_t = 256)]
    max_per_ip: usize,
    /// Open connections from one IPv6 /64 at most.
    #[arg(long, default_value_t = 256)]
    max_per_net: usize,
}

fn secs(flag: &str, v: f64) -> Result<Duration, laman::Error> {
    Duration::try_from_secs_f64(v)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| laman::Error::Usage(format!("{flag}: a positive number of seconds")))
}

impl HostArgs {
    fn into_options(self) -> Result<HostOptions, laman::Error> {
        let certs = match (self.cert, self.key) {
            (Some(cert), Some(key)) => CertSource::Files { cert, key },
            _ => CertSource::Acme(AcmeOptions {
                directory: match (self.acme_directory, self.production) {
                    (Some(d), _) => d,
                    (None, true) => LE_PRODUCTION.to_string(),
                    (None, false) => LE_STAGING.to_string(),
                },
                ca_root: self.acme_ca_root,
                cache: self.acme_cache.unwrap_or_else(|| self.root.join("acme")),
                contact: self.acme_contact,
                http01: self.http01,
                throttle_limit: self.cert_limit,
                throttle_window: self.cert_window_hours.saturating_mul(3600),
            }),
        };
        if self.max_connections == 0 || self.max_per_ip == 0 || self.max_per_net == 0 {
            return Err(laman::Error::Usage(
                "--max-connections, --max-per-ip and --max-per-net must be at least 1".into(),
            ));
        }
        Ok(HostOptions {
            root: self.root,
            https: self.https,
            http: (!self.no_http).then_some(self.http),
            certs,
            limits: Limits {
                handshake_timeout: secs("--handshake-timeout", self.handshake_timeout)?,
                header_timeout: secs("--header-timeout", self.header_timeout)?,
                idle_timeout: secs("--idle-timeout", self.idle_timeout)?,
                send_timeout: secs("--send-timeout", self.send_timeout)?,
                max_connections: self.max_connections,
                max_per_ip: self.max_per_ip,
                max_per_net: self.max_per_net,
            },
            sync_interval: Duration::from_secs(2),
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        })
    }
}

pub fn run(args: HostArgs, lang: Lang) -> Result<ExitCode, Stop> {
    let opts = args.into_options()?;
    // HTTPS runs on its own per-core threads (host::run); this runtime
    // carries ACME, the release sync and plain HTTP.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .map_err(|e| laman::Error::Usage(format!("tokio: {e}")))?;
    rt.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let printer = tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                // A production server keeps serving when its log reader is gone.
                let _ = out::stderr(&format!("{}\n", render(&ev, lang)));
            }
        });
        let result = host::run(opts, tx, shutdown()).await;
        printer.abort();
        result
    })?;
    Ok(ExitCode::Ok)
}

async fn shutdown() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

fn render(ev: &Event, lang: Lang) -> String {
    let id = lang == Lang::Id;
    match ev {
        Event::Listening { scheme, addr } => {
            if id {
                format!("mendengarkan {scheme} di {addr}")
            } else {
                format!("listening {scheme} on {addr}")
            }
        }
        Event::Release {
            id: rid,
            hosts,
            problems,
        } => {
            let mut s = if id {
                format!(
                    "rilis {rid} dilayani: {} host ({})",
                    hosts.len(),
                    hosts.join(", ")
                )
            } else {
                format!(
                    "release {rid} served: {} hosts ({})",
                    hosts.len(),
                    hosts.join(", ")
                )
            };
            for (host, p) in problems {
                s.push_str(&format!(
                    "\n{host}/{}:{}: {} ({})",
                    p.file,
                    p.line,
                    p.what,
                    if id { "baris dilewati" } else { "line skipped" }
                ));
            }
            s
        }
        Event::ReleaseError { error } => {
            if id {
                format!(
                    "galat: rilis `current` tidak dapat dimuat, rilis sebelumnya tetap dilayani: {error}"
                )
            } else {
                format!(
                    "error: the `current` release cannot be loaded, the previous one stays in service: {error}"
                )
            }
        }
        Event::Certificate { host, cached } => match (id, cached) {
            (true, true) => format!("sertifikat {host} dimuat dari cache"),
            (true, false) => format!("sertifikat baru untuk {host} dipasang"),
            (false, true) => format!("certificate of {host} loaded from the cache"),
            (false, false) => format!("new certificate for {host} deployed"),
        },
        Event::AcmeError { host, error } => {
            if id {
                format!(
                    "galat ACME untuk {host} (dicoba lagi nanti; periksa DNS host ini): {error}"
                )
            } else {
                format!("ACME error for {host} (retried later; check this host's DNS): {error}")
            }
        }
        Event::Throttled {
            host,
            domain,
            spent,
            until,
        } => {
            let when = chrono::DateTime::from_timestamp(*until as i64, 0)
                .map(|t| t.to_rfc3339())
                .unwrap_or_default();
            if id {
                format!(
                    "{host} menunggu: {spent} sertifikat baru untuk {domain} dalam 7 hari terakhir (batas tercapai); slot berikutnya {when}"
                )
            } else {
                format!(
                    "{host} waits: {spent} new certificates for {domain} in the window (limit reached); next slot {when}"
                )
            }
        }
        Event::Removed { host } => {
            if id {
                format!("{host} tidak lagi ada di rilis; tidak dilayani")
            } else {
                format!("{host} left the release; no longer served")
            }
        }
        Event::NotCovered { host } => {
            if id {
                format!(
                    "peringatan: sertifikat --cert tidak mencakup {host}; host ini tidak dilayani lewat HTTPS"
                )
            } else {
                format!(
                    "warning: the --cert certificate does not name {host}; it is not served over HTTPS"
                )
            }
        }
        Event::CacheRepaired { path, was } => {
            if id {
                format!(
                    "peringatan: izin {} {was:o} terlalu longgar; diperbaiki",
                    path.display()
                )
            } else {
                format!("warning: {} had mode {was:o}; narrowed", path.display())
            }
        }
    }
}
