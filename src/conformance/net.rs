//! The network boundary of the conformance job: DNS queries and TCP
//! connects behind the narrow [`Net`] trait (unit tests use in-memory
//! fakes), the real implementation on hickory-resolver and tokio, and the
//! per-address politeness limit. Classifies resolver outcomes into
//! [`DnsAnswer`] so that a timeout can never become a failure.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData as HRData, RecordType};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Record types the checks ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RType {
    /// IPv4 address.
    A,
    /// IPv6 address.
    #[serde(rename = "AAAA")]
    Aaaa,
    /// Alias.
    #[serde(rename = "CNAME")]
    Cname,
    /// Certification Authority Authorization.
    #[serde(rename = "CAA")]
    Caa,
}

/// Record data the checks understand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "UPPERCASE")]
pub enum RData {
    /// IPv4 address.
    A {
        /// The address.
        address: Ipv4Addr,
    },
    /// IPv6 address.
    Aaaa {
        /// The address.
        address: Ipv6Addr,
    },
    /// Alias target (FQDN, no trailing dot).
    Cname {
        /// The target.
        target: String,
    },
    /// CAA property.
    Caa {
        /// Flags (128 = critical).
        flags: u8,
        /// `issue`, `issuewild`, `iodef` …
        tag: String,
        /// Raw value.
        value: String,
    },
    /// Anything else (shown as text).
    Other {
        /// Presentation form.
        text: String,
    },
}

/// One resource record with its TTL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rr {
    /// Owner name (no trailing dot).
    pub name: String,
    /// TTL in seconds.
    pub ttl: u32,
    /// The data.
    #[serde(flatten)]
    pub data: RData,
}

/// A classified DNS response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rcode")]
pub enum DnsAnswer {
    /// NOERROR with answers (the whole chain for A/AAAA).
    #[serde(rename = "NOERROR")]
    NoError {
        /// Answer section.
        answers: Vec<Rr>,
    },
    /// The name does not exist.
    #[serde(rename = "NXDOMAIN")]
    NxDomain,
    /// The name exists but has no record of this type.
    #[serde(rename = "NODATA")]
    NoData,
    /// Timeout, SERVFAIL, REFUSED, I/O: not a measurement.
    #[serde(rename = "FAILED")]
    Failed {
        /// Why.
        reason: String,
    },
}

/// Network access used by the checks.
pub trait Net: Send + Sync + 'static {
    /// A connected byte stream.
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// Queries `name` (FQDN without trailing dot) for `rtype`.
    fn query(&self, name: &str, rtype: RType) -> impl Future<Output = DnsAnswer> + Send;
    /// Opens a TCP connection.
    fn connect(&self, addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send;
}

/// The real network: one hickory resolver and tokio TCP.
#[derive(Debug, Clone)]
pub struct RealNet {
    resolver: TokioResolver,
    server: SocketAddr,
}

impl RealNet {
    /// A resolver asking only `server` (UDP, then TCP), no cache, no hosts file.
    pub fn new(server: SocketAddr, timeout: Duration) -> Result<RealNet, String> {
        let mut udp = ConnectionConfig::udp();
        udp.port = server.port();
        let mut tcp = ConnectionConfig::tcp();
        tcp.port = server.port();
        let ns = NameServerConfig::new(server.ip(), true, vec![udp, tcp]);
        let mut opts = ResolverOpts::default();
        opts.timeout = timeout;
        opts.attempts = 1;
        opts.cache_size = 0;
        opts.use_hosts_file = ResolveHosts::Never;
        opts.ndots = 0;
        let resolver = TokioResolver::builder_with_config(
            ResolverConfig::from_name_servers(vec![ns]),
            TokioRuntimeProvider::default(),
        )
        .with_options(opts)
        .build()
        .map_err(|e| e.to_string())?;
        Ok(RealNet { resolver, server })
    }

    /// The resolver's address (evidence).
    pub fn server(&self) -> SocketAddr {
        self.server
    }
}

fn rtype(r: RType) -> RecordType {
    match r {
        RType::A => RecordType::A,
        RType::Aaaa => RecordType::AAAA,
        RType::Cname => RecordType::CNAME,
        RType::Caa => RecordType::CAA,
    }
}

/// `name.` → `name`, lower case.
pub fn plain(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn convert(r: &hickory_resolver::proto::rr::Record) -> Rr {
    let data = match &r.data {
        HRData::A(a) => RData::A { address: a.0 },
        HRData::AAAA(a) => RData::Aaaa { address: a.0 },
        HRData::CNAME(c) => RData::Cname {
            target: plain(&c.0.to_ascii()),
        },
        HRData::CAA(c) => RData::Caa {
            flags: c.flags(),
            tag: c.tag.clone(),
            value: String::from_utf8_lossy(&c.value).into_owned(),
        },
        other => RData::Other {
            text: other.to_string(),
        },
    };
    Rr {
        name: plain(&r.name.to_ascii()),
        ttl: r.ttl,
        data,
    }
}

/// Classifies a resolver error: only NXDOMAIN and NODATA are answers.
pub fn classify(e: &NetError) -> DnsAnswer {
    match e {
        NetError::Dns(DnsError::NoRecordsFound(nr))
            if nr.response_code == ResponseCode::NXDomain =>
        {
            DnsAnswer::NxDomain
        }
        NetError::Dns(DnsError::NoRecordsFound(nr))
            if nr.response_code == ResponseCode::NoError =>
        {
            DnsAnswer::NoData
        }
        NetError::Timeout => DnsAnswer::Failed {
            reason: "timeout".into(),
        },
        other => DnsAnswer::Failed {
            reason: other.to_string(),
        },
    }
}

impl Net for RealNet {
    type Stream = tokio::net::TcpStream;

    async fn query(&self, name: &str, rt: RType) -> DnsAnswer {
        let fqdn = format!("{}.", plain(name));
        match self.resolver.lookup(fqdn.as_str(), rtype(rt)).await {
            Ok(l) => DnsAnswer::NoError {
                answers: l.answers().iter().map(convert).collect(),
            },
            Err(e) => classify(&e),
        }
    }

    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Stream> {
        let s = tokio::net::TcpStream::connect(addr).await?;
        let _ = s.set_nodelay(true);
        Ok(s)
    }
}

/// Per-address connection limit (politeness): at most `per_ip` at once.
#[derive(Debug)]
pub struct Politeness {
    per_ip: usize,
    slots: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
}

impl Politeness {
    /// A limit of `per_ip` (at least 1) connections per address.
    pub fn new(per_ip: usize) -> Self {
        Politeness {
            per_ip: per_ip.max(1),
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a slot for `ip`; the slot is freed when the permit drops.
    pub async fn slot(&self, ip: IpAddr) -> Option<OwnedSemaphorePermit> {
        let sem = {
            let mut map = self.slots.lock().ok()?;
            map.entry(ip)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_ip)))
                .clone()
        };
        sem.acquire_owned().await.ok()
    }
}

/// A stream that holds its politeness slot until dropped.
#[derive(Debug)]
pub struct Polite<S> {
    inner: S,
    _slot: Option<OwnedSemaphorePermit>,
}

impl<S> Polite<S> {
    /// Wraps a stream with its slot.
    pub fn new(inner: S, slot: Option<OwnedSemaphorePermit>) -> Self {
        Polite { inner, _slot: slot }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Polite<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Polite<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Name servers of a resolv.conf text (`nameserver` lines), port 53.
pub fn parse_resolv_conf(text: &str) -> Vec<SocketAddr> {
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some("nameserver")).then(|| w.next()).flatten()
        })
        .filter_map(|ip| ip.split('%').next()?.parse::<IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nameservers_from_resolv_conf() {
        let t = "# x\nsearch example\nnameserver 10.0.0.1\nnameserver fe80::1%eth0\n";
        assert_eq!(
            parse_resolv_conf(t),
            vec![
                "10.0.0.1:53".parse().expect("addr"),
                "[fe80::1]:53".parse().expect("addr")
            ]
        );
    }
}
